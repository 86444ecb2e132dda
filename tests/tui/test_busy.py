"""A database that stays busy past the wait (another process holds the write lock): the drill says so in one
sentence, keeps the card and its revealed answer on screen, and the next press saves it — once."""

from __future__ import annotations

import sqlite3

from phrasebook.i18n import t
from phrasebook.people import create_person
from phrasebook.tui.app import make_app
from phrasebook.tui.screens.drill import ANSWERED, DrillScreen

SIZE = (110, 36)


async def test_busy_database_keeps_the_answer_on_screen(db_path, mini_decks, clock):
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        person = create_person(app.store, name="王芳", staff_no="C1")
        await app.push_screen(DrillScreen(person))
        await pilot.pause()
        drill = app.screen
        prompt = drill.prompt
        await pilot.press("space")
        assert drill.phase == ANSWERED

        other = sqlite3.connect(db_path, isolation_level=None)  # another clerk's process, stuck mid-write
        other.execute("BEGIN IMMEDIATE")
        app.store.patience_s = 0.2
        await pilot.press("3")
        await pilot.pause()
        assert app.screen is drill and drill.prompt is prompt and drill.phase == ANSWERED
        assert drill.query_one("#grades").display and prompt.text in str(drill.query_one("#answer").render())
        assert [n.message for n in app._notifications][-1] == t("reliability.busy", seconds=0)  # no traceback
        assert app.store.value("SELECT count(*) FROM reviews") == 0

        other.execute("ROLLBACK")
        other.close()
        await pilot.press("3")  # the same answer again: saved once, under the key it had
        await pilot.pause()
        assert drill.prompt is not prompt
        rows = app.store.rows("SELECT card_id, rating, answer_key FROM reviews")
        assert [tuple(r) for r in rows] == [(prompt.card_id, 3, prompt.key)]


async def test_home_and_the_ways_into_a_drill_survive_a_busy_database(db_path, mini_decks, clock):
    from phrasebook.tui.screens.home import HomeScreen

    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        person = create_person(app.store, name="王芳", staff_no="C1")
        other = sqlite3.connect(db_path, isolation_level=None)  # another clerk's process, stuck mid-write
        other.execute("BEGIN IMMEDIATE")
        app.store.patience_s = 0.2
        await app.push_screen(HomeScreen(person))  # its cards cannot be made yet: it opens all the same
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        for key in ("a", "enter"):  # a drill session starts with a write: refused in one sentence
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is home
        busy = t("reliability.busy", seconds=0)
        assert [n.message for n in app._notifications].count(busy) >= 2
        other.execute("ROLLBACK")
        other.close()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
