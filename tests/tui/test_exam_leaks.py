"""No answers leak before an exam closes: a trainee's result opens only when no attempt of that exam is running,
and until the exam closes it shows each item's mark, never what the trainee gave (a ✓ answer *is* the right one)
nor the right answer. Staff see everything always."""

from __future__ import annotations

import json

from phrasebook.exam_sitting import answer, questions, start, submit
from phrasebook.people import find_person
from phrasebook.tui.screens.exam import ExamResultScreen
from phrasebook.tui.screens.exam_list import ExamListScreen
from phrasebook.tui.screens.home import HomeScreen
from tests.tui.test_exams import SIZE, screen_text, set_exam


def sit_one_right(app, clock, exam, staff_no="C1"):
    """An attempt with one item answered rightly (choice) and one typed item answered wrongly; submitted."""
    key = {r["id"]: r for r in app.store.rows("SELECT * FROM exam_items")}
    attempt = start(app.store, exam, find_person(app.store, staff_no), now=clock())
    qs = questions(app.store, attempt)
    choice = next(q for q in qs if q.mode == "choice")
    item = key[choice.item_id]
    right = json.loads(item["options"])[item["correct"]]
    answer(app.store, attempt, choice, picked=choice.options.index(right), now=clock())
    typed = next(q for q in qs if q.mode == "typed")
    answer(app.store, attempt, typed, typed="zzz qqq", now=clock())
    submit(app.store, attempt, now=clock())
    return right, key[typed.item_id]["answer"]


async def open_best(app, pilot):
    await app.push_screen(HomeScreen(find_person(app.store, "C1")))
    await pilot.pause()
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, ExamListScreen)
    await pilot.press("r")
    await pilot.pause()


async def test_no_result_of_an_exam_opens_while_an_attempt_of_it_runs(programme, clock):
    app = programme
    exam = set_exam(app, clock, attempts=2)
    sit_one_right(app, clock, exam)
    start(app.store, exam, find_person(app.store, "C1"), now=clock())  # attempt 2, left running
    async with app.run_test(size=SIZE) as pilot:
        await open_best(app, pilot)
        assert isinstance(app.screen, ExamListScreen)
        assert "目前最好成绩 25%" in screen_text(app) and "按 r 查看" not in screen_text(app)
        assert "交卷或到时之后才能查看它的成绩" in [n.message for n in app._notifications][-1]


async def test_until_the_exam_closes_the_result_shows_marks_only(programme, clock):
    app = programme
    exam = set_exam(app, clock, attempts=2)
    right, typed_answer = sit_one_right(app, clock, exam)
    async with app.run_test(size=SIZE) as pilot:
        await open_best(app, pilot)
        assert isinstance(app.screen, ExamResultScreen)
        shown = screen_text(app)
        assert "✓" in shown and "✗" in shown and "得分 25%" in shown
        assert right not in shown and "zzz qqq" not in shown and typed_answer not in shown
        assert "您的答案：" not in shown and "未作答" in shown  # the two items left blank say so
        await pilot.press("escape")
        await pilot.pause()
        clock.advance(days=2)  # the exam has closed: everything
        await pilot.press("r")
        await pilot.pause()
        shown = screen_text(app)
        assert right in shown and "zzz qqq" in shown and typed_answer in shown and "您的答案：" in shown
