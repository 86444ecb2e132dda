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


async def test_a_dialogue_reply_retried_shows_the_stored_grade(db_path, mini_decks, clock, monkeypatch):
    """Its first grade (Again) was written, but the screen heard an error; the trainee presses Easy: the line is
    marked wrong (✗), as the log holds it."""
    from phrasebook.errors import PhrasebookError
    from phrasebook.tui.screens.dialogue import DialogueScreen

    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        person = create_person(app.store, name="王芳", staff_no="C1")
        await app.push_screen(DialogueScreen(person, scenario="identity", lang="en"))
        await pilot.pause()
        dialogue = app.screen
        dialogue.typed = False
        dialogue.show()
        await pilot.press("enter")  # reveal the reply
        real = q.record_answer

        def lost_reply(*args, **kwargs):
            real(*args, **kwargs)
            raise PhrasebookError("reliability.busy", seconds=15)

        monkeypatch.setattr(q, "record_answer", lost_reply)
        await pilot.press("1")
        await pilot.pause()
        monkeypatch.setattr(q, "record_answer", real)
        await pilot.press("4")
        await pilot.pause()
        transcript = str(dialogue.query_one("#transcript").render())
        assert "✗" in transcript and "✓" not in transcript
        assert [r[0] for r in app.store.rows("SELECT rating FROM reviews")] == [1]
