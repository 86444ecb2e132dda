"""The whole loop in the real app (Pilot) on a real SQLite file: a coordinator adds a trainee, who drills,
undoes, quits and restarts."""

from __future__ import annotations

from phrasebook.clock import iso, parse
from phrasebook.doctor import replayed_state
from phrasebook.people import create_person
from phrasebook.scheduler import Scheduler
from phrasebook.session import card_state
from phrasebook.store import cards as q
from phrasebook.store import open_store
from phrasebook.tui.app import make_app
from phrasebook.tui.screens.dashboard import DashboardScreen
from phrasebook.tui.screens.drill import DrillScreen
from phrasebook.tui.screens.home import HomeScreen
from phrasebook.tui.screens.login import LoginScreen, NewTraineeScreen, PinScreen
from phrasebook.tui.screens.summary import SummaryScreen

SIZE = (110, 36)
GRADES = [3, 1, 3, 4, 2, 3, 3, 1, 4, 3, 2, 3]


def home_counts(store, person_id: int, now) -> list[tuple]:
    return [(r["deck_id"], r["lang"], r["learning_due"], r["review_due"], r["new"], r["seen"])
            for r in q.deck_counts(store, person_id, iso(now))]


async def test_drill_survives_restart(real_db, clock):
    app = make_app(real_db, clock=clock)
    create_person(app.store, name="刘洋", staff_no="K1", role="coordinator", secret="2468")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen_stack[0], LoginScreen)
        await pilot.press("enter")  # the coordinator (the only one listed): PIN, then the dashboard
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)
        await pilot.press(*"2468", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewTraineeScreen)
        app.screen.query_one("#name").value = "张伟"
        app.screen.query_one("#staff_no").focus()
        await pilot.press(*"A001", "enter")  # Enter on staff no. with name filled creates the trainee
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("escape")  # log out; 张伟 is listed after 刘洋
        await pilot.pause()
        await pilot.press("down", "enter")  # a new trainee chooses a PIN, typed twice, then the drill home
        await pilot.pause()
        assert isinstance(app.screen, PinScreen) and app.screen.choosing
        await pilot.press(*"1357", "enter", *"1357", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        person = app.screen.person
        await pilot.press("enter")  # first row: the greeting deck in English
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)

        shown = []
        for grade in GRADES:
            prompt = app.screen.prompt
            assert not app.screen.query_one("#grades").display  # grades appear only after the reveal
            await pilot.press("space")
            assert app.screen.query_one("#grades").display
            # the answer: the foreign phrase for a clerk line (produce), its meaning for an applicant line
            expected = prompt.text if prompt.direction == "produce" else prompt.zh
            assert expected in str(app.screen.query_one("#answer").render())
            before = tuple(q.card(app.store, prompt.card_id))
            await pilot.press(str(grade))
            shown.append((prompt.card_id, grade, before))
            clock.advance(seconds=20)
        assert app.store.value("SELECT count(*) FROM reviews") == len(GRADES)

        # Undo the last answer: the card comes back and its row is exactly as before.
        last_card, _grade, last_before = shown[-1]
        await pilot.press("u")
        assert app.screen.prompt.card_id == last_card
        assert tuple(q.card(app.store, last_card)) == last_before
        await pilot.press("space", "3")  # answer it again

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.summary.answered == len(GRADES)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        expected_counts = home_counts(app.store, person.id, clock())
        log = [tuple(r) for r in app.store.rows("SELECT card_id, kind, rating FROM reviews ORDER BY id")]

    # A new app on the same file sees exactly the same schedule and history.
    ratings = [g for _c, g, _b in shown[:-1]] + [3]
    app2 = make_app(real_db, clock=clock)
    async with app2.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")  # the trainee, after the coordinator, with the PIN she chose
        await pilot.pause()
        await pilot.press(*"1357", "enter")
        await pilot.pause()
        assert isinstance(app2.screen, HomeScreen) and app2.screen.person.id == person.id
        assert home_counts(app2.store, person.id, clock()) == expected_counts
        table = app2.screen.query_one("#decks")
        assert table.row_count == len(expected_counts)

    store = open_store(real_db)
    assert [tuple(r) for r in store.rows("SELECT card_id, kind, rating FROM reviews ORDER BY id")] == log
    live = [r["rating"] for r in store.rows(
        "SELECT rating FROM reviews r WHERE kind = 'review' AND NOT EXISTS "
        "(SELECT 1 FROM reviews u WHERE u.undoes = r.id) ORDER BY id")]
    assert live == ratings
    scheduler = Scheduler()
    for card_id in {c for c, _g, _b in shown}:
        assert card_state(q.card(store, card_id)) == replayed_state(store, card_id, scheduler)
    # Due/new counts agree with FSRS' own view of each card at this moment.
    cards = [card_state(r) for r in store.rows("SELECT * FROM cards WHERE person_id = ? AND deck_id = 'greeting' "
                                               "AND lang = 'en'", (person.id,))]
    due_now = sum(1 for c in cards if c.state and c.due <= clock())
    greeting = next(c for c in expected_counts if c[0] == "greeting" and c[1] == "en")
    assert greeting[2] + greeting[3] == due_now
    assert greeting[4] == sum(1 for c in cards if c.state == 0)
    assert all(parse(r["reviewed_at"]) for r in store.rows("SELECT reviewed_at FROM reviews"))
    store.close()
