"""SQLite errors other than "busy" met inside the app (a full disk, a file damaged while it runs): one sentence in
the UI language, never a traceback. An answer that could not be written stays on screen, unsaved, and the same
press saves it once the disk has room; what no screen can carry on from ends the app with status 1."""

from __future__ import annotations

import sqlite3

from phrasebook.i18n import t
from phrasebook.people import create_person
from phrasebook.tui.app import make_app
from phrasebook.tui.screens.drill import ANSWERED, DrillScreen

SIZE = (110, 36)


def empty_wal(db) -> None:
    """Checkpoint and truncate the WAL, so the next commit must grow it (and meets a full disk)."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        assert conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    finally:
        conn.close()


async def test_full_disk_keeps_the_answer_on_screen_unsaved(small_disk, mini_decks, clock):
    db = small_disk.folder / "s.db"
    app = make_app(db, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        person = create_person(app.store, name="王芳", staff_no="C1")
        await app.push_screen(DrillScreen(person))
        await pilot.pause()
        drill = app.screen
        prompt = drill.prompt
        await pilot.press("space")
        empty_wal(db)
        small_disk.fill()
        await pilot.press("3")
        await pilot.pause()
        assert app.is_running and app.screen is drill  # no traceback, no exit
        assert drill.prompt is prompt and drill.phase == ANSWERED and drill.query_one("#grades").display
        assert [n.message for n in app._notifications][-1] == t("dbfile.full", path=db)
        assert app.store.value("SELECT count(*) FROM reviews") == 0

        small_disk.free()
        await pilot.press("3")  # the same answer again: saved once, under the key it had
        await pilot.pause()
        assert drill.prompt is not prompt
        rows = app.store.rows("SELECT card_id, rating, answer_key FROM reviews")
        assert [tuple(r) for r in rows] == [(prompt.card_id, 3, prompt.key)]


async def test_full_disk_message_follows_the_ui_language(small_disk, mini_decks, clock):
    db = small_disk.folder / "s.db"
    app = make_app(db, clock=clock, decks_dir=mini_decks, ui_lang="en")
    async with app.run_test(size=SIZE) as pilot:
        person = create_person(app.store, name="王芳", staff_no="C1")
        await app.push_screen(DrillScreen(person))
        await pilot.pause()
        await pilot.press("space")
        empty_wal(db)
        small_disk.fill()
        await pilot.press("3")
        await pilot.pause()
        message = [n.message for n in app._notifications][-1]
        assert message == t("dbfile.full", path=db) and message.startswith("The disk is full")
        assert "database or disk is full" not in message


async def test_a_damaged_file_is_one_sentence_and_ends_the_app_where_no_screen_can_go_on(db_path, mini_decks,
                                                                                       clock):
    """The file damaged under the running app: the next read fails. A guarded action (`a`, start a drill) says
    so and the home stays; an unguarded one (`x` reads whether an exam is running) ends the app with status 1
    and the catalogue's sentence (run() raises it for the CLI to print), not a traceback."""
    from phrasebook.errors import PhrasebookError
    from phrasebook.tui.screens.home import HomeScreen

    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        person = create_person(app.store, name="王芳", staff_no="C1")
        await app.push_screen(HomeScreen(person))
        await pilot.pause()
        app.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = app.store.value("PRAGMA page_size")
        with open(db_path, "r+b") as fh:  # every page but the header page overwritten
            fh.seek(page)
            size = fh.seek(0, 2) - page
            fh.seek(page)
            fh.write(b"\xa5" * size)
        app.store.conn.execute("PRAGMA cache_size = 0")  # nothing left in memory to hide the damage
        app.store.conn.execute("PRAGMA shrink_memory")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert [n.message for n in app._notifications][-1] == t(
            "dbfile.damaged", path=db_path, error="database disk image is malformed")
        app.simulate_key("x")  # not pilot.press: it would wait for a screen of an app that has ended
    assert app.return_code == 1
    assert isinstance(app.problem, PhrasebookError) and app.problem.key == "dbfile.damaged"
