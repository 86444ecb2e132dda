"""Small slips of the exam and dialogue screens: words from the catalogue, key bars that list what works, who the
answer belongs to, counts that match what is listed, and columns that fit 80x24."""

from __future__ import annotations

import json
from datetime import timedelta

from phrasebook import i18n
from phrasebook.exam_sitting import answer, questions, start, submit
from phrasebook.people import find_person
from phrasebook.tui.app import make_app
from phrasebook.tui.screens.exam import ExamResultScreen, ExamScreen
from phrasebook.tui.screens.exam_staff import ExamResultsScreen
from phrasebook.tui.screens.home import HomeScreen
from tests.tui.test_exam_edges import enter_exam
from tests.tui.test_exams import SIZE, screen_text, set_exam, text
from tests.tui.test_modes import studied


async def test_the_exam_key_bar_lists_what_works_on_the_item_shown(programme, clock):
    app = programme
    set_exam(app, clock)  # typed and multiple-choice items
    async with app.run_test(size=SIZE) as pilot:
        sitting = await enter_exam(app, pilot)
        seen = set()
        for _ in range(len(sitting.questions)):
            keys = text(app, "#keys")
            if sitting.question.mode == "typed":  # 1-4 and p type into the box here
                assert "1-4" not in keys and "p/F4" not in keys and "F4" in keys and "F5" in keys, keys
            else:
                assert "1-4" in keys and "p/F4" in keys, keys
            seen.add(sitting.question.mode)
            await pilot.press("pagedown")
            await pilot.pause()
        assert seen == {"typed", "choice"} and isinstance(app.screen, ExamScreen)


async def test_staff_reading_an_attempt_see_the_trainees_answer_not_yours(programme, clock):
    app = programme
    exam = set_exam(app, clock, modes=["choice"])
    key = {r["id"]: r for r in app.store.rows("SELECT * FROM exam_items")}
    attempt = start(app.store, exam, find_person(app.store, "C1"), now=clock())
    q = questions(app.store, attempt)[0]
    item = key[q.item_id]
    answer(app.store, attempt, q, picked=q.options.index(json.loads(item["options"])[item["correct"]]), now=clock())
    submit(app.store, attempt, now=clock())
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ExamResultsScreen(find_person(app.store, "T1"), exam))
        await pilot.pause()
        table = app.screen.query_one("#exam-trainees")
        table.move_cursor(row=next(i for i in range(table.row_count) if str(table.get_row_at(i)[0]) == "C1"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamResultScreen)
        shown = screen_text(app)
        assert "学员答案：" in shown and "您的答案" not in shown


async def test_home_lists_three_exams_and_says_how_many_more(programme, clock):
    app = programme
    for n in range(4):
        set_exam(app, clock, title=f"考核{n}", closes=clock() + timedelta(days=n + 1))
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(HomeScreen(find_person(app.store, "C1")))
        await pilot.pause()
        exams = text(app, "#home-exams")
        assert "考核（4 项，按 e 进入）" in exams
        assert sum(f"考核{n}（" in exams for n in range(4)) == 3 and "还有 1 项" in exams, exams


async def test_the_item_table_shows_the_facility_at_80_columns(programme, clock):
    app = programme
    exam = set_exam(app, clock, modes=["choice"])
    attempt = start(app.store, exam, find_person(app.store, "C1"), now=clock())
    submit(app.store, attempt, now=clock())
    long_line = "您的工作许可证已经到期，请先办理延期手续，再到三号窗口办理居留许可变更。"  # as real decks have
    with app.store.write() as conn:  # the paper's copy of a question, as the table shows it
        conn.execute("UPDATE exam_items SET prompt = ? WHERE position = 0", (long_line,))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ExamResultsScreen(find_person(app.store, "K1"), exam))
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        items = app.screen.query_one("#exam-items")
        labels = [str(c.label) for c in items.ordered_columns]
        at = labels.index("答对率")
        left = sum(c.get_render_width(items) for c in items.ordered_columns[:at + 1])
        assert left <= 80, labels


async def test_the_english_dialogue_transcript_uses_the_english_colon(db_path, mini_decks, clock):
    app = make_app(db_path, clock=clock, decks_dir=mini_decks, ui_lang="en")
    async with app.run_test(size=SIZE) as pilot:
        person = studied(app.store, clock)
        await app.push_screen(HomeScreen(person))
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        app.screen.dismiss("scenario:identity")
        await pilot.pause()
        dialogue = app.screen
        dialogue.query_one("#typed-input").value = dialogue.session.current.text
        await pilot.press("enter", "enter")
        await pilot.pause()
        transcript = text(app, "#transcript")
        assert "You: May I see" in transcript and "：" not in transcript, transcript
    i18n.set_language("zh-CN")
