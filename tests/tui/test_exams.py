"""Exams (考核) through the real app on a real SQLite file, with the fake clock: a trainer sets one in the form, a
trainee sits it (timer on screen, nothing marked until submission, the clock runs out and submits), a coordinator
reads the results."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from textual.widgets import SelectionList, Static

from phrasebook.exams import create_exam, get_exam, list_exams
from phrasebook.people import create_person, find_person
from phrasebook.tui.screens.dashboard import DashboardScreen
from phrasebook.tui.screens.exam import ConfirmScreen, ExamResultScreen, ExamScreen
from phrasebook.tui.screens.exam_list import ExamListScreen
from phrasebook.tui.screens.exam_staff import ExamFormScreen, ExamResultsScreen, ExamsScreen
from phrasebook.tui.screens.home import HomeScreen
from phrasebook.tui.screens.trainer import CohortsScreen

SIZE = (100, 36)  # the narrowest the screens must fit


def text(app, selector: str) -> str:
    """What a widget shows; for a container (the options), the texts of its rows on screen."""
    widget = app.screen.query_one(selector)
    shown = [w for w in widget.query(Static) if w.parent.display] or [widget]
    return " ".join(str(w.render()) for w in shown)


def screen_text(app) -> str:
    """Everything the current screen shows in its Static widgets and option lists, joined."""
    from textual.widgets import OptionList, Static

    parts = [str(w.render()) for w in app.screen.query(Static) if w.display]
    for options in app.screen.query(OptionList):
        parts += [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    return "\n".join(parts)


def set_exam(app, clock, **changes):
    fields = {"title": "窗口英语考核", "decks": ["mini"], "langs": ["en"], "modes": ["typed", "choice"], "items": 4,
              "minutes": 20, "pass_mark": "50%", "opens": clock() - timedelta(minutes=5),
              "closes": clock() + timedelta(days=1)}
    from phrasebook.cohorts import get_cohort

    return create_exam(app.store, cohort=get_cohort(app.store, "第12期"), now=clock(), **(fields | changes))


async def start_sitting(app, pilot) -> ExamScreen:
    """C1 opens their exams from home and starts the first one."""
    await pilot.pause()
    await app.push_screen(HomeScreen(find_person(app.store, "C1")))
    await pilot.pause()
    await pilot.press("e", "enter", "enter")
    await pilot.pause()
    assert isinstance(app.screen, ExamScreen)
    return app.screen


async def test_a_trainer_sets_an_exam_in_the_form(programme, clock):
    app = programme
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(DashboardScreen(find_person(app.store, "T1")))
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CohortsScreen)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExamsScreen) and app.screen.query_one("#exam-table").row_count == 0
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ExamFormScreen) and "第12期" in screen_text(app)
        form.query_one("#title").value = "窗口英语考核"
        form.query_one("#decks", SelectionList).select("mini")
        form.query_one("#items").value = "4"
        form.query_one("#minutes").value = "九十"
        await pilot.press("f5")
        await pilot.pause()
        assert "限时（分钟）须为 1–240 的整数" in text(app, "#error") and not list_exams(app.store)
        form.query_one("#minutes").value = "15"
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ExamsScreen)
        (exam,) = list_exams(app.store)
        assert (exam.title, exam.item_count, exam.minutes, exam.langs, exam.cohort_name) == \
            ("窗口英语考核", 4, 15, ("en",), "第12期")
        table = app.screen.query_one("#exam-table")
        assert table.row_count == 1 and "窗口英语考核" in [str(c) for c in table.get_row_at(0)]
        await pilot.press("e")  # nobody has started it: it can still be edited
        await pilot.pause()
        assert isinstance(app.screen, ExamFormScreen) and app.screen.query_one("#title").value == "窗口英语考核"
        app.screen.query_one("#pass_mark").value = "80%"
        await pilot.press("f5")
        await pilot.pause()
        assert get_exam(app.store, exam.id).pass_mark == 0.8


async def test_a_trainee_sits_an_exam_and_the_clock_submits_it(programme, clock):
    app = programme
    exam = set_exam(app, clock)
    key = {r["id"]: r for r in app.store.rows("SELECT * FROM exam_items")}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(HomeScreen(find_person(app.store, "C1")))
        await pilot.pause()
        assert "窗口英语考核" in text(app, "#home-exams") and "按 e 进入" in text(app, "#home-exams")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExamListScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "限时 20 分钟" in screen_text(app)
        assert "实际只有" not in screen_text(app)  # the whole limit: the exam closes tomorrow
        await pilot.press("enter")
        await pilot.pause()
        sitting = app.screen
        assert isinstance(sitting, ExamScreen)
        assert "剩余时间 20:00" in text(app, "#exam-timer") and "（1/4）" in text(app, "#exam-head")
        head, first = text(app, "#exam-head"), app.screen.question
        assert f"第 {first.number} 题（1/4）" in head  # the item's paper number, as results show it
        answers = {key[q.item_id]["answer"] for q in sitting.questions}
        for _ in range(2):  # answer two items rightly; the screen never says right or wrong
            q = sitting.question
            item = key[q.item_id]
            if q.mode == "typed":
                await pilot.press(*item["answer"])
                await pilot.press("enter")
            else:
                right = q.options.index(json.loads(item["options"])[item["correct"]])
                await pilot.press(str(right + 1))
                assert "▶" in text(app, "#exam-options")
                await pilot.press("enter")
            await pilot.pause()
            shown = screen_text(app)
            assert "✓" not in shown and "✗" not in shown and "正确" not in shown
            if sitting.question.mode == "typed":
                assert not any(a in shown for a in answers)  # no typed item's answer is on screen
        assert "已答 2 题" in text(app, "#exam-head")
        clock.advance(minutes=5)
        sitting.tick()
        assert "剩余时间 15:00" in text(app, "#exam-timer")
        clock.advance(minutes=14, seconds=30)
        sitting.tick()
        assert "00:30" in text(app, "#exam-timer") and "最后一分钟" in text(app, "#exam-timer")
        await pilot.press("f5")  # the confirmation is open when the time runs out
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        clock.advance(seconds=31)
        sitting.tick()
        await pilot.pause()
        assert isinstance(app.screen, ExamResultScreen)
        shown = screen_text(app)
        assert "时间到，已按已作答的内容自动交卷" in shown and "得分 50%（2/4 题" in shown and "及格" in shown
        assert "参考答案在考核截止" in shown  # right answers only once the exam closes
        attempt = app.store.row("SELECT * FROM exam_attempts")
        assert attempt["auto_submitted"] == 1 and attempt["points"] == 2.0 and attempt["passed"] == 1
        modes = {r["mode"] for r in app.store.rows("SELECT mode FROM reviews WHERE session_id = ?",
                                                   (attempt["session_id"],))}
        assert modes <= {"extra:exam:typed", "extra:exam:choice"} and modes  # new cards: logged, left alone
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamListScreen) and "已交卷：50%，及格" in screen_text(app)
        assert get_exam(app.store, exam.id).state(clock()) == "open"


async def test_submitting_by_hand_and_leaving_and_coming_back(programme, clock):
    app = programme
    set_exam(app, clock, modes=["choice"])
    key = {r["id"]: r for r in app.store.rows("SELECT * FROM exam_items")}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(HomeScreen(find_person(app.store, "C2")))
        await pilot.pause()
        await pilot.press("e", "enter", "enter")
        await pilot.pause()
        sitting = app.screen
        await pilot.press("1", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "计时不会暂停" in screen_text(app)
        await pilot.press("enter")  # leave: the clock runs on
        await pilot.pause()
        assert isinstance(app.screen, ExamListScreen) and "作答中，剩余 20:00" in screen_text(app)
        clock.advance(minutes=3)
        await pilot.press("enter")  # back in, where it was left
        await pilot.pause()
        sitting = app.screen
        assert isinstance(sitting, ExamScreen) and "剩余时间 17:00" in text(app, "#exam-timer")
        assert sitting.questions[0].picked == 0
        await pilot.press("pageup")
        for _ in range(4):
            q = sitting.question
            item = key[q.item_id]
            await pilot.press(str(q.options.index(json.loads(item["options"])[item["correct"]]) + 1), "enter")
            await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "已答 4 题，未答 0 题" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamResultScreen) and "得分 100%" in screen_text(app)
        assert app.store.value("SELECT auto_submitted FROM exam_attempts") == 0


async def test_a_coordinator_reads_the_results(programme, clock):
    from phrasebook.exam_sitting import answer, questions, start, submit

    app = programme
    exam = set_exam(app, clock, modes=["choice"])
    key = {r["id"]: r for r in app.store.rows("SELECT * FROM exam_items")}
    attempt = start(app.store, exam, find_person(app.store, "C1"), now=clock())
    for q in questions(app.store, attempt)[:3]:
        item = key[q.item_id]
        answer(app.store, attempt, q, picked=q.options.index(json.loads(item["options"])[item["correct"]]), now=clock())
    submit(app.store, attempt, now=clock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(DashboardScreen(find_person(app.store, "K1")))
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExamsScreen)
        row = [str(c) for c in app.screen.query_one("#exam-table").get_row_at(0)]
        assert "窗口英语考核" in row and "1/2" in row and "100.0%" in row and "75.0%" in row
        await pilot.press("enter")
        await pilot.pause()
        results = app.screen
        assert isinstance(results, ExamResultsScreen)
        summary = text(app, "#exam-summary")
        assert "已考 1/2 人" in summary and "及格率 100.0%" in summary and "平均分 75.0%" in summary
        trainees = {str(r[0]): [str(c) for c in r] for r in
                    (results.query_one("#exam-trainees").get_row_at(i) for i in range(2))}
        assert trainees["C1"][3:6] == ["已交卷", "1", "75.0%"] and trainees["C2"][3] == "未参加"
        await pilot.press("2")
        await pilot.pause()
        items = results.query_one("#exam-items")
        facility = sorted(str(items.get_row_at(i)[1]) for i in range(items.row_count))
        assert facility == ["0.0%", "100.0%", "100.0%", "100.0%"]
        await pilot.press("1")
        results.query_one("#exam-trainees").move_cursor(row=_row_of(results, "C1"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamResultScreen) and "参考答案：" in screen_text(app)  # staff see answers


def _row_of(screen, staff_no: str) -> int:
    table = screen.query_one("#exam-trainees")
    return next(i for i in range(table.row_count) if str(table.get_row_at(i)[0]) == staff_no)


async def test_staff_screens_refuse_trainees_and_other_trainers(programme, clock):
    from phrasebook.cohorts import get_cohort
    from phrasebook.errors import PhrasebookError

    app = programme
    exam = set_exam(app, clock)
    zhou = create_person(app.store, name="周老师", staff_no="T2", role="trainer")
    wang, c12 = find_person(app.store, "C1"), get_cohort(app.store, "第12期")
    for make in (lambda: ExamsScreen(wang), lambda: ExamsScreen(zhou, c12), lambda: ExamFormScreen(zhou, cohort=c12),
                 lambda: ExamFormScreen(wang, cohort=c12), lambda: ExamResultsScreen(zhou, exam),
                 lambda: ExamResultsScreen(wang, exam)):
        with pytest.raises(PhrasebookError):
            make()


async def test_coming_back_to_a_typed_answer_keeps_it(programme, clock):
    """Returning to an item (or from a confirmation) keeps its typed answer, and typing goes on at its end."""
    app = programme
    set_exam(app, clock, modes=["typed"], items=3)
    async with app.run_test(size=SIZE) as pilot:
        sitting = await start_sitting(app, pilot)
        first = sitting.question.item_id
        await pilot.press(*"Hello", "enter")
        await pilot.press("pageup")
        await pilot.pause()
        assert sitting.question.item_id == first and sitting.query_one("#exam-input").value == "Hello"
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press(*" there", "pagedown")
        await pilot.pause()
        assert app.store.value("SELECT typed FROM exam_answers WHERE item_id = ?", (first,)) == "Hello there"
        second = sitting.question.item_id
        await pilot.press(*"Bye", "escape")  # leaving keeps what is in the box
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamListScreen)
        assert app.store.value("SELECT typed FROM exam_answers WHERE item_id = ?", (second,)) == "Bye"


async def test_an_answer_left_in_the_box_when_time_runs_out_counts(programme, clock):
    """Typed before the deadline but never Entered: kept by the clock's tick, and counted at time-up."""
    app = programme
    set_exam(app, clock, modes=["typed"], items=2, minutes=1)
    key = {r["id"]: r for r in app.store.rows("SELECT * FROM exam_items")}
    async with app.run_test(size=SIZE) as pilot:
        sitting = await start_sitting(app, pilot)
        first = sitting.question.item_id
        await pilot.press(*key[first]["answer"])  # no Enter
        clock.advance(seconds=20)
        sitting.tick()
        assert app.store.value("SELECT typed FROM exam_answers WHERE item_id = ?", (first,)) == key[first]["answer"]
        await pilot.press("pagedown")
        await pilot.pause()
        second = sitting.question.item_id
        await pilot.press(*key[second]["answer"])  # typed in the last second, no Enter, then the time is up
        clock.advance(seconds=45)
        sitting.tick()
        await pilot.pause()
        assert isinstance(app.screen, ExamResultScreen)
        assert "得分 100%（2/2 题" in screen_text(app) and "未作答" not in screen_text(app)
        assert "按 Enter 保存" not in screen_text(app)


async def _scrolls_from_the_keyboard(pilot, app) -> None:
    """The result's items are reachable with ↓/PgDn/End and back with ↑/PgUp/Home, with nothing clicked."""
    from textual.containers import VerticalScroll

    box = app.screen.query_one("#summary", VerticalScroll)
    assert app.screen.focused is box and box.max_scroll_y > 0
    await pilot.press("down")
    await pilot.pause()
    assert box.scroll_y == 1
    await pilot.press("end")
    await pilot.pause()
    assert box.scroll_y == box.max_scroll_y
    last = app.screen.query(".exam-item").last()
    assert last.region.bottom <= box.region.bottom  # the last item is on screen
    await pilot.press("home")
    await pilot.pause()
    assert box.scroll_y == 0
    await pilot.press("pagedown")
    await pilot.pause()
    assert box.scroll_y > 1
    await pilot.press("pageup")
    await pilot.pause()
    assert box.scroll_y == 0
    assert "↑↓" in text(app, "#keys")


async def test_the_result_scrolls_from_the_keyboard_for_the_trainee_and_for_staff(programme, clock, db_path,
                                                                                   mini_decks):
    from phrasebook.exam_sitting import answer, questions, start, submit
    from phrasebook.tui.app import make_app

    app = programme
    set_exam(app, clock, modes=["typed"], items=4)
    async with app.run_test(size=(100, 16)) as pilot:
        await pilot.pause()
        await app.push_screen(HomeScreen(find_person(app.store, "C1")))
        await pilot.pause()
        await pilot.press("e", "enter", "enter")
        await pilot.pause()
        for _ in range(4):
            await pilot.press(*"No idea", "enter")
        await pilot.pause()
        await pilot.press("enter")  # confirm submission
        await pilot.pause()
        assert isinstance(app.screen, ExamResultScreen)
        await _scrolls_from_the_keyboard(pilot, app)
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    exam = list_exams(app.store)[0]
    attempt = start(app.store, exam, find_person(app.store, "C2"), now=clock())
    for q in questions(app.store, attempt):
        answer(app.store, attempt, q, typed="No idea", now=clock())
    submit(app.store, attempt, now=clock())
    async with app.run_test(size=(100, 16)) as pilot:
        await pilot.pause()
        await app.push_screen(DashboardScreen(find_person(app.store, "K1")))
        await pilot.pause()
        await pilot.press("e", "enter")
        await pilot.pause()
        app.screen.query_one("#exam-trainees").move_cursor(row=_row_of(app.screen, "C2"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamResultScreen) and "参考答案：" in screen_text(app)
        await _scrolls_from_the_keyboard(pilot, app)


async def test_f4_plays_the_question_while_typing_an_answer(programme, clock, monkeypatch):
    """`p` is a letter in the answer box; F4 says the Chinese question (there is no clip: it offers one)."""
    from phrasebook.audio.player import ENV_PLAYER
    from phrasebook.tui.audio import OfferScreen

    monkeypatch.setenv(ENV_PLAYER, "true")  # a machine that could play the clip once made

    app = programme
    set_exam(app, clock, modes=["typed"], items=2)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(HomeScreen(find_person(app.store, "C1")))
        await pilot.pause()
        await pilot.press("e", "enter", "enter")
        await pilot.pause()
        assert "F4" in text(app, "#keys")
        await pilot.press("p", "f4")
        await pilot.pause()
        assert isinstance(app.screen, OfferScreen) and app.screen.lang == "zh"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one("#exam-input").value == "p"


async def test_best_result_on_an_exam_not_yet_sat_says_so_for_the_exam_highlighted(programme, clock):
    """`r` names the exam under the cursor — also after coming back from a confirmation (the list is redrawn)."""
    app = programme
    set_exam(app, clock)
    set_exam(app, clock, title="口语复核")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(HomeScreen(find_person(app.store, "C1")))
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExamListScreen)
        await pilot.press("r")
        await pilot.pause()
        first, second = (s.exam.title for s in app.screen.standings)
        assert [n.message for n in app._notifications] == [f"“{first}”还没有交卷的作答"]
        app.clear_notifications()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and app.screen.heading == second
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert [n.message for n in app._notifications] == [f"“{second}”还没有交卷的作答"]


async def test_a_listening_item_here_without_a_player_does_not_offer_to_make_the_clip(programme, clock, monkeypatch,
                                                                                     tmp_path):
    """No clip and nothing to play one with: say why it is shown as text, and p does not build an unheard clip."""
    from phrasebook.audio.player import ENV_PLAYER
    from phrasebook.tui.audio import OfferScreen

    monkeypatch.delenv(ENV_PLAYER, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no player installed
    app = programme
    set_exam(app, clock, modes=["listening"], items=2)
    async with app.run_test(size=SIZE) as pilot:
        sitting = await start_sitting(app, pilot)
        assert sitting.question.mode == "listening" and sitting.blocked == "no_player"
        assert "没有可用的播放器" in text(app, "#ask") and "按 p" not in text(app, "#ask")
        await pilot.press("p")
        await pilot.pause()
        assert app.screen is sitting and not isinstance(app.screen, OfferScreen)
        assert any("播放器" in n.message for n in app._notifications)
        assert not any("按 p" in n.message for n in app._notifications)  # nor on autoplay


async def test_answers_typed_ahead_go_to_their_own_items(programme, clock):
    """A burst (a fast typist, tmux): "first⏎second" used to save "firstsecond" to the first item, the second
    left empty — the keys after Enter reached the box before the exam had moved on."""
    from textual import events

    app = programme
    set_exam(app, clock, modes=["typed"], items=3)
    async with app.run_test(size=SIZE) as pilot:
        sitting = await start_sitting(app, pilot)
        first = sitting.question.item_id
        for ch in "first\rsecond":
            app.post_message(events.Key("enter", None) if ch == "\r" else events.Key(ch, ch))
        for _ in range(5):
            await pilot.pause()
        second = sitting.question.item_id
        assert second != first and sitting.query_one("#exam-input").value == "second"
        assert app.store.value("SELECT typed FROM exam_answers WHERE item_id = ?", (first,)) == "first"


async def test_an_answer_kept_from_the_box_on_a_tick_counts_in_the_header(programme, clock):
    """The header's 已答 count lagged: an answer autosaved on a tick (no Enter) was counted only on the next
    item, so the header said 0 while the result said 1."""
    app = programme
    set_exam(app, clock, modes=["typed"], items=3)
    async with app.run_test(size=SIZE) as pilot:
        sitting = await start_sitting(app, pilot)
        assert "已答 0 题" in text(app, "#exam-head")
        await pilot.press(*"Hello")
        sitting.tick()
        await pilot.pause()
        assert "已答 1 题" in text(app, "#exam-head")
