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


def exam_begun_elsewhere(app, clock, person):
    """The clerk starts an exam in another window (its own connection)."""
    from datetime import timedelta

    from phrasebook.cohorts import get_cohort
    from phrasebook.exam_sitting import start
    from phrasebook.exams import create_exam

    exam = create_exam(app.store, cohort=get_cohort(app.store, "第12期"), now=clock(), title="窗口英语考核",
                       decks=["mini"], langs=["en"], modes=["choice"], items=4, minutes=20, pass_mark="50%",
                       opens=clock() - timedelta(minutes=5), closes=clock() + timedelta(days=1))
    other = open_store(app.store.path)
    start(other, exam, person, now=clock())
    other.close()
    return exam


def told_in_exam(app, exam) -> bool:
    lead = t("drill.in_exam", title=exam.title, deadline="")
    return any(n.message.startswith(lead[:lead.index(exam.title)]) and exam.title in n.message
               for n in app._notifications)


async def test_a_drill_left_open_when_the_exam_starts_elsewhere_stops_with_a_sentence(programme, clock):
    """The drill saves the answer given, then hands out no more cards — it says why and shows the summary."""
    from phrasebook.people import find_person
    from phrasebook.tui.screens.summary import SummaryScreen

    app = programme
    async with app.run_test(size=SIZE) as pilot:
        person = find_person(app.store, "C1")
        await app.push_screen(DrillScreen(person))
        await pilot.pause()
        answered = app.screen.prompt
        exam = exam_begun_elsewhere(app, clock, person)
        await pilot.press("space", "3")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen) and told_in_exam(app, exam)
        assert app.store.value("SELECT count(*) FROM reviews WHERE card_id = ?", (answered.card_id,)) == 1


async def test_a_dialogue_left_open_when_the_exam_starts_elsewhere_ends_with_a_sentence(programme, clock):
    from phrasebook.people import find_person
    from phrasebook.tui.screens.dialogue import DialogueScreen, DialogueSummaryScreen

    app = programme
    async with app.run_test(size=SIZE) as pilot:
        person = find_person(app.store, "C1")
        await app.push_screen(DialogueScreen(person, scenario="identity", lang="en"))
        await pilot.pause()
        app.screen.typed = False
        app.screen.show()
        await pilot.press("enter", "3")  # the clerk's line, replied and saved
        await pilot.pause()
        exam = exam_begun_elsewhere(app, clock, person)
        await pilot.press("enter")  # the applicant's line heard: no further line while the exam runs
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, DialogueSummaryScreen) and told_in_exam(app, exam)
        assert len(app.screen.result.turns) == 1
