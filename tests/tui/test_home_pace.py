"""The trainee's home shows their assignments and the pace their deadlines need."""

from __future__ import annotations

from datetime import timedelta

from phrasebook.assignments import assign
from phrasebook.clock import study_day
from phrasebook.cohorts import create_cohort, enrol
from phrasebook.people import StudySettings, create_person
from phrasebook.tui.app import make_app
from phrasebook.tui.screens.home import HomeScreen

SIZE = (110, 36)


def text_of(screen) -> str:
    return " ".join(str(w.render()) for w in screen.query("Static, Label"))


async def test_home_shows_assignment_and_needed_per_day(db_path, mini_decks, clock):
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    store, now = app.store, clock()
    create_person(store, name="刘洋", staff_no="K1", role="coordinator", secret="2468")
    trainer = create_person(store, name="李老师", staff_no="T1", role="trainer", secret="1357")
    wang = create_person(store, name="王芳", staff_no="C1", secret="8642",
                         settings=StudySettings(languages=("en",), new_per_day=1))
    today = study_day(now)
    cohort = create_cohort(store, name="第12期", starts_on=today, ends_on=today + timedelta(days=30), trainer=trainer,
                           now=now)
    enrol(store, cohort, [wang], now=now)
    # 6 ja cards due in 6 days: 2 a day needed (see test_assignments), above the trainee's own 1 a day.
    assign(store, deck_ids=["mini"], langs=["ja"], due_on=today + timedelta(days=6), cohort=cohort, now=now)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#staff_no").focus()
        await pilot.press(*"C1", "enter", *"8642", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        text = text_of(app.screen)
        assert "每天需学新卡 2 张，超过您每天 1 张的设定；今日新卡上限已提高到 2 张" in text
        assert "可学新卡 2 张" in str(app.screen.query_one("#today").render())  # the raised limit
        plans = app.screen.query_one("#plans")
        assert plans.row_count == 1
        row = [str(c) for c in plans.get_row_at(0)]
        assert row[1:] == ["日语", (today + timedelta(days=6)).isoformat(), "0% / 90%", "0/6", "今日需学 2 张"]
        await pilot.press("f2")
        await pilot.pause()
        assert "2 new cards a day needed" in text_of(app.screen)
        assert app.screen.query_one("#plans").row_count == 1
