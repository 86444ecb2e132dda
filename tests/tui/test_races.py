"""The drill when the same clerk works in another terminal too: an undo that can no longer be done, and a drill
left open when an exam starts elsewhere, each end in one sentence on screen — never a traceback."""

from __future__ import annotations

from phrasebook.i18n import t
from phrasebook.people import create_person
from phrasebook.session import DrillSession
from phrasebook.store import cards as q
from phrasebook.store import open_store
from phrasebook.tui.app import make_app
from phrasebook.tui.screens.drill import DrillScreen

SIZE = (110, 36)


async def test_undo_after_another_terminal_answered_the_card_says_so(db_path, mini_decks, clock):
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        person = create_person(app.store, name="王芳", staff_no="C1")
        await app.push_screen(DrillScreen(person))
        await pilot.pause()
        drill = app.screen
        answered = drill.prompt
        await pilot.press("space", "3")
        await pilot.pause()
        other = open_store(db_path)  # the same clerk's other terminal answers that card too
        elsewhere = DrillSession(other, person, clock=clock)
        elsewhere.answer(elsewhere._prompt(q.card(other, answered.card_id)), 4)
        other.close()
        shown = drill.prompt
        await pilot.press("u")
        await pilot.pause()
        assert app.screen is drill and drill.prompt is shown
        assert [n.message for n in app._notifications][-1] == t("drill.undo_superseded")
        assert app.store.value("SELECT count(*) FROM reviews WHERE kind = 'undo'") == 0
