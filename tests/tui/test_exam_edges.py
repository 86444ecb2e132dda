"""Exams (考核) at their edges, through the real app on a real SQLite file with the fake clock: a database held busy
by another process (for real) at submission and while lists close finished attempts; an attempt deleted under the
trainee; drill, extra practice and dialogues shut while an exam is being sat; the time really left at the start;
the best result so far while attempts are left."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

from phrasebook.exam_sitting import answer, questions, start, submit
from phrasebook.i18n import t
from phrasebook.people import find_person
from phrasebook.tui.screens.dashboard import DashboardScreen
from phrasebook.tui.screens.drill import DrillScreen
from phrasebook.tui.screens.exam import ConfirmScreen, ExamResultScreen, ExamScreen
from phrasebook.tui.screens.exam_list import ExamListScreen
from phrasebook.tui.screens.exam_staff import ExamsScreen
from phrasebook.tui.screens.home import HomeScreen
from tests.tui.test_exams import SIZE, screen_text, set_exam, text


def last_message(app) -> str:
    return [n.message for n in app._notifications][-1]


def hold_the_write_lock(app, db_path) -> sqlite3.Connection:
    """Another process stuck mid-write; the app gives up waiting after 0.2 s."""
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    app.store.patience_s = 0.2
    return other


def release(other: sqlite3.Connection) -> None:
    other.execute("ROLLBACK")
    other.close()


async def enter_exam(app, pilot, staff_no: str = "C1") -> ExamScreen:
    await app.push_screen(HomeScreen(find_person(app.store, staff_no)))
    await pilot.pause()
    await pilot.press("e", "enter", "enter")
    await pilot.pause()
    assert isinstance(app.screen, ExamScreen)
    return app.screen


async def test_a_busy_database_at_submission_keeps_the_exam_on_screen_to_try_again(programme, clock, db_path):
    app = programme
    set_exam(app, clock, modes=["choice"])
    async with app.run_test(size=SIZE) as pilot:
        sitting = await enter_exam(app, pilot)
        await pilot.press("1")
        await pilot.pause()
        other = hold_the_write_lock(app, db_path)
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is sitting and not sitting.finished and sitting.questions[0].picked == 0
        assert last_message(app) == t("reliability.busy", seconds=0)  # one sentence, no traceback
        assert app.store.value("SELECT submitted_at FROM exam_attempts") is None
        release(other)
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamResultScreen) and app.store.value("SELECT count(*) FROM exam_attempts "
                                                                            "WHERE submitted_at IS NOT NULL") == 1


async def test_lists_show_what_is_stored_while_the_database_is_too_busy_to_close_attempts(programme, clock, db_path):
    app = programme
    set_exam(app, clock, modes=["choice"])
    second = set_exam(app, clock, title="第二次考核", modes=["choice"])
    start(app.store, second, find_person(app.store, "C2"), now=clock())
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(HomeScreen(find_person(app.store, "C2")))
        await pilot.pause()
        clock.advance(minutes=30)  # C2's attempt is over, not closed yet: looking closes it, which writes
        other = hold_the_write_lock(app, db_path)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExamListScreen) and "第二次考核" in screen_text(app)
        assert last_message(app) == t("reliability.busy", seconds=0)
        release(other)
        await pilot.press("escape")  # home looks again, free now: C2's attempt is closed
        await pilot.pause()
        start(app.store, second, find_person(app.store, "C1"), now=clock())
        clock.advance(minutes=30)  # and now C1's is over, not closed yet
        await app.push_screen(DashboardScreen(find_person(app.store, "K1")))
        await pilot.pause()
        other = hold_the_write_lock(app, db_path)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExamsScreen) and app.screen.query_one("#exam-table").row_count == 2
        assert last_message(app) == t("reliability.busy", seconds=0)
        await pilot.press("enter")  # one exam's results, still busy
        await pilot.pause()
        assert "已考 1/2 人" in text(app, "#exam-summary")  # C1 still in progress
        release(other)
        await pilot.press("escape", "enter")  # free again: the attempt is closed and counted
        await pilot.pause()
        assert "已考 2/2 人" in text(app, "#exam-summary")
        assert app.store.value("SELECT count(*) FROM exam_attempts WHERE submitted_at IS NULL") == 0


async def test_an_attempt_deleted_under_the_trainee_sends_them_home(programme, clock):
    app = programme
    set_exam(app, clock, modes=["choice"])
    async with app.run_test(size=SIZE) as pilot:
        for keys in (("2",), ("f5", "enter")):  # answering, and submitting, an attempt that is gone
            sitting = await enter_exam(app, pilot)
            await pilot.press("1")
            await pilot.pause()
            with app.store.write() as conn:  # deleted from another terminal, however that came about
                conn.execute("DELETE FROM exam_attempts WHERE id = ?", (sitting.attempt.id,))
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
            assert isinstance(app.screen, HomeScreen) and sitting.finished
            assert last_message(app) == t("exam.err.no_attempt")


async def test_no_drill_practice_or_dialogue_while_an_exam_is_being_sat(programme, clock):
    app = programme
    set_exam(app, clock, modes=["choice"])
    async with app.run_test(size=SIZE) as pilot:
        sitting = await enter_exam(app, pilot)
        await pilot.press("escape", "enter", "escape")  # leave the exam (its clock runs on), close the list
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        for key in ("a", "x", "d", "enter"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen) and "窗口英语考核" in screen_text(app), key
            assert "不能练习、加练或情景对话" in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is home
        await pilot.press("a", "enter")  # the way back to the exam
        await pilot.pause()
        assert isinstance(app.screen, ExamScreen) and app.screen.attempt.id == sitting.attempt.id
        submit(app.store, sitting.attempt, now=clock())
        await pilot.press("escape", "enter")
        await pilot.pause()
        await pilot.press("a")  # submitted: drill is open again
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)


async def test_the_start_confirmation_shows_the_time_really_left(programme, clock):
    app = programme
    set_exam(app, clock, minutes=20, closes=clock() + timedelta(minutes=7, seconds=30))
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(HomeScreen(find_person(app.store, "C1")))
        await pilot.pause()
        await pilot.press("e", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "限时 20 分钟" in screen_text(app) and "您实际只有 7 分 30 秒，不足限时" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert "剩余时间 07:30" in text(app, "#exam-timer")


async def test_the_best_result_so_far_is_in_reach_while_attempts_are_left(programme, clock):
    app = programme
    exam = set_exam(app, clock, modes=["choice"], attempts=2)
    key = {r["id"]: r for r in app.store.rows("SELECT * FROM exam_items")}
    attempt = start(app.store, exam, find_person(app.store, "C1"), now=clock())
    q = questions(app.store, attempt)[0]
    item = key[q.item_id]
    answer(app.store, attempt, q, picked=q.options.index(json.loads(item["options"])[item["correct"]]), now=clock())
    submit(app.store, attempt, now=clock())
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(HomeScreen(find_person(app.store, "C1")))
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert "还可考 1 次；目前最好成绩 25%（按 r 查看）" in screen_text(app)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ExamResultScreen) and "得分 25%（1/4 题" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamListScreen)
