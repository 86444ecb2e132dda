"""Extra practice leaves the schedule alone (unless the card is due anyway), and `doctor` agrees; modes."""

from __future__ import annotations

from phrasebook import modes
from phrasebook.clock import parse
from phrasebook.doctor import check
from phrasebook.people import StudySettings, create_person
from phrasebook.practice import ExtraSession, counts_for_schedule
from phrasebook.scheduler import AGAIN, EASY, GOOD, HARD, Scheduler
from phrasebook.session import DrillSession, card_state
from phrasebook.store import cards as q


def learn_everything(store, person, clock, rating=GOOD) -> None:
    s = DrillSession(store, person, clock=clock)
    while (p := s.next()) is not None:
        s.answer(p, rating, mode="self")
        clock.advance(minutes=1)
    s.finish()


def states(store, person_id) -> dict[int, tuple]:
    return {r["id"]: tuple(r) for r in store.rows("SELECT * FROM cards WHERE person_id = ?", (person_id,))}


def test_extra_practice_is_logged_but_leaves_cards_and_daily_counts_alone(mini_store, clock):
    person = create_person(mini_store, name="王芳", staff_no="C1", settings=StudySettings(languages=("en",)))
    learn_everything(mini_store, person, clock)
    clock.advance(hours=1)
    before = states(mini_store, person.id)
    counts_before = q.day_counts(mini_store, person.id, "2026-11-22T20:00:00")
    s = ExtraSession(mini_store, person, kind="weak", clock=clock)
    assert s.total == 6 and s.remaining()["extra"] == 6
    answered = []
    while (p := s.next()) is not None:
        assert not s.scheduled(p) and s.intervals(p) == {}
        s.answer(p, AGAIN if p.phrase_id == "mini-002" else EASY, duration_ms=4000, mode=modes.TYPED)
        answered.append(p.phrase_id)
        clock.advance(seconds=30)
    # a card answered Again comes back at the end of the round, twice at most
    assert len(answered) == 6 + 2 and answered[-2:] == ["mini-002", "mini-002"]
    assert states(mini_store, person.id) == before
    assert q.day_counts(mini_store, person.id, "2026-11-22T20:00:00") == counts_before
    logged = mini_store.rows("SELECT mode, rating FROM reviews WHERE session_id = ?", (s.session_id,))
    assert {r["mode"] for r in logged} == {"extra:typed"} and len(logged) == 8
    summary = s.finish()
    assert summary.extra == 8 and summary.answered == 8 and summary.new == 0
    report = check(mini_store)
    assert report.ok and not report.mismatched and report.cards_checked == 6


def test_a_due_card_in_extra_practice_is_an_ordinary_review_and_doctor_agrees(mini_store, clock):
    person = create_person(mini_store, name="王芳", staff_no="C1", settings=StudySettings(languages=("en",)))
    learn_everything(mini_store, person, clock, rating=EASY)
    clock.advance(days=60)  # everything is due now
    s = ExtraSession(mini_store, person, kind="scenario", scenario="identity", clock=clock)
    p = s.next()
    assert p.phrase_id == "mini-002" and counts_for_schedule(p.card, clock()) and s.intervals(p)
    after = s.answer(p, GOOD, mode=modes.CHOICE)
    assert card_state(q.card(mini_store, p.card_id)) == after and after.due > clock()
    assert mini_store.value("SELECT mode FROM reviews ORDER BY id DESC LIMIT 1") == "choice"
    p2 = s.next()  # mini-003 is due too; after the first answer the first card is not, so it would be extra
    s.answer(p2, HARD, mode=modes.LISTENING)
    assert s.next() is None and s.summary.extra == 0 and s.reviews_today == 2
    assert check(mini_store).ok and not check(mini_store).mismatched


def test_undo_in_extra_practice_and_the_log_replays_without_extra_rows(mini_store, clock):
    person = create_person(mini_store, name="王芳", staff_no="C1", settings=StudySettings(languages=("en",)))
    learn_everything(mini_store, person, clock)
    clock.advance(hours=2)
    s = ExtraSession(mini_store, person, kind="weak", limit=2, clock=clock)
    first = s.next()
    s.answer(first, AGAIN, mode=modes.SELF)
    assert list(s.queue)[-1] == first.card_id
    shown = s.next()  # as the drill screen does: the next card is on screen when `u` is pressed
    again = s.undo()
    assert again.card_id == first.card_id and first.card_id not in s.queue and s.summary.extra == 0
    assert list(s.queue) == [shown.card_id]  # the card that was on screen is not lost from the round
    s.answer(again, GOOD)
    second = s.next()
    s.answer(second, GOOD)
    assert s.next() is None
    rows = mini_store.rows("SELECT kind, mode FROM reviews WHERE session_id = ? ORDER BY id", (s.session_id,))
    assert [(r["kind"], r["mode"]) for r in rows] == [("review", "extra:self"), ("undo", "undo"),
                                                      ("review", "extra:self"), ("review", "extra:self")]
    # Replaying every row, extra ones included, would give other states: the doctor must leave them out.
    scheduler = Scheduler()
    full = mini_store.rows("SELECT rating, reviewed_at FROM reviews WHERE card_id = ? AND kind = 'review' "
                           "ORDER BY id", (second.card_id,))
    naive = scheduler.replay(second.card_id, ((r[0], parse(r[1])) for r in full))
    assert naive != card_state(q.card(mini_store, second.card_id))
    assert check(mini_store).ok and not check(mini_store).mismatched


def test_leeches_and_nothing_to_practise(mini_store, clock):
    person = create_person(mini_store, name="王芳", staff_no="C1", settings=StudySettings(languages=("en",)))
    assert ExtraSession(mini_store, person, kind="weak", clock=clock).next() is None  # nothing studied yet
    learn_everything(mini_store, person, clock)
    with mini_store.write() as conn:
        conn.execute("UPDATE cards SET leech = 1 WHERE person_id = ? AND position = 1", (person.id,))
    s = ExtraSession(mini_store, person, kind="leeches", clock=clock)
    assert s.total == 1 and s.next().card.leech


def test_default_modes_and_cycling():
    assert modes.default_mode("produce", "en", new=True, audible=True) == modes.SELF
    assert modes.default_mode("produce", "en", new=False, audible=False) == modes.TYPED
    assert modes.default_mode("produce", "ru", new=False, audible=False) == modes.TYPED
    assert modes.default_mode("produce", "ja", new=False, audible=True) == modes.SELF
    assert modes.default_mode("recognise", "ko", new=False, audible=True) == modes.LISTENING
    assert modes.default_mode("recognise", "ko", new=False, audible=False) == modes.CHOICE
    seen, mode = [], modes.TYPED
    for _ in range(3):
        mode = modes.next_mode(mode, "produce")
        seen.append(mode)
    assert seen == [modes.CHOICE, modes.SELF, modes.TYPED]
    assert modes.next_mode(modes.TYPED, "recognise") == modes.LISTENING  # typed is not offered there
    assert modes.logged("typed", scheduled=False) == "extra:typed" and modes.is_extra("extra:typed")
    assert not modes.is_extra("typed")
