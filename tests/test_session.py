"""Drill session: queue order, daily limits, learn-ahead, undo, and state that matches the log."""

from __future__ import annotations

from dataclasses import replace

from phrasebook.doctor import check
from phrasebook.people import StudySettings, create_person
from phrasebook.scheduler import AGAIN, EASY, GOOD, HARD, LEARNING, REVIEW, CardState
from phrasebook.session import DrillSession, card_state
from phrasebook.store import cards as q


def test_new_cards_come_in_deck_order_with_directions(mini_store, clock):
    person = create_person(mini_store, name="王芳", staff_no="C1")
    s = DrillSession(mini_store, person, clock=clock)
    seen = []
    while (p := s.next()) and p.card.state == 0:
        seen.append((p.phrase_id, p.direction))
        s.answer(p, EASY)
    assert seen == [("mini-001", "produce"), ("mini-002", "produce"), ("mini-003", "recognise"),
                    ("mini-004", "produce"), ("mini-005", "recognise"), ("mini-006", "produce")]


def test_learning_before_review_before_new(mini_store, clock):
    person = create_person(mini_store, name="王芳", staff_no="C1")
    s = DrillSession(mini_store, person, clock=clock)
    a = s.next()
    s.answer(a, EASY)  # → review in some days
    b = s.next()
    s.answer(b, AGAIN)  # → learning, due in 1 minute
    clock.advance(days=30)  # a is due for review, b's step is due
    s2 = DrillSession(mini_store, person, clock=clock)
    order = []
    for _ in range(3):
        p = s2.next()
        order.append((p.phrase_id, p.card.state))
        s2.answer(p, EASY)
    assert order == [(b.phrase_id, LEARNING), (a.phrase_id, REVIEW), ("mini-003", 0)]


def test_daily_new_limit_and_learn_ahead(mini_store, clock):
    person = create_person(mini_store, name="王芳", staff_no="C1",
                           settings=StudySettings(languages=("en",), new_per_day=2))
    s = DrillSession(mini_store, person, clock=clock)
    first = s.next()
    s.answer(first, GOOD)  # learning, due in 10 min
    s.answer(s.next(), EASY)
    assert s.remaining()["new"] == 0
    # No new cards left today, but the learning card due within 20 minutes comes early.
    early = s.next()
    assert early.card_id == first.card_id and early.card.state == LEARNING
    s.answer(early, GOOD)
    assert s.next() is None
    # A new study day (after 04:00 local) allows new cards again; a second session sees today's count.
    assert DrillSession(mini_store, person, clock=clock).new_today == 2
    clock.advance(days=1)
    assert DrillSession(mini_store, person, clock=clock).next().card.state in (0, REVIEW)


def test_undo_restores_exact_state_and_logs_it(mini_store, clock):
    person = create_person(mini_store, name="王芳", staff_no="C1")
    s = DrillSession(mini_store, person, clock=clock)
    p1 = s.next()
    s.answer(p1, GOOD)
    clock.advance(seconds=30)
    p2 = s.next()
    before = tuple(q.card(mini_store, p2.card_id))
    s.answer(p2, HARD)
    assert tuple(q.card(mini_store, p2.card_id)) != before
    again = s.undo()
    assert again.card_id == p2.card_id and again.card == p2.card
    assert tuple(q.card(mini_store, p2.card_id)) == before
    kinds = [tuple(r) for r in mini_store.rows("SELECT kind, rating, undoes FROM reviews ORDER BY id")]
    assert kinds == [("review", GOOD, None), ("review", HARD, None), ("undo", None, 2)]
    assert s.summary.answered == 1 and s.new_today == 1
    assert check(mini_store).ok  # stored state equals the replayed log (the undone answer is skipped)


def test_review_log_is_append_only(mini_store, clock):
    import sqlite3

    import pytest

    person = create_person(mini_store, name="王芳", staff_no="C1")
    s = DrillSession(mini_store, person, clock=clock)
    s.answer(s.next(), GOOD)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), mini_store.write() as conn:
        conn.execute("DELETE FROM reviews")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), mini_store.write() as conn:
        conn.execute("UPDATE reviews SET rating = 4")


def test_doctor_finds_and_repairs_drifted_state(mini_store, clock):
    person = create_person(mini_store, name="王芳", staff_no="C1")
    s = DrillSession(mini_store, person, clock=clock)
    for rating in (GOOD, AGAIN, EASY, HARD):
        s.answer(s.next(), rating)
        clock.advance(minutes=3)
    card_id = mini_store.value("SELECT card_id FROM reviews ORDER BY id LIMIT 1")
    good = card_state(q.card(mini_store, card_id))
    q.set_card_state(mini_store, card_id, replace(good, stability=99.0).to_dict())
    report = check(mini_store)
    assert report.mismatched == [card_id] and not report.ok
    fixed = check(mini_store, rebuild=True)
    assert fixed.repaired == 1 and fixed.ok
    assert card_state(q.card(mini_store, card_id)) == good


def test_doctor_checks_cards_never_answered_too(mini_store, clock, run):
    """A card with no log must be new: one made due as a review (a bad edit, a half-restored file) would be served
    with no history behind it. Its state must equal the replay of an empty log; --rebuild makes it new again."""
    person = create_person(mini_store, name="王芳", staff_no="C1")
    s = DrillSession(mini_store, person, clock=clock)
    s.answer(s.next(), GOOD)
    card_id = mini_store.value("SELECT max(id) FROM cards")
    assert not mini_store.value("SELECT count(*) FROM reviews WHERE card_id = ?", (card_id,))
    with mini_store.write() as conn:
        conn.execute("UPDATE cards SET state = 2, stability = 5, due = '2026-01-01T00:00:00.000000+00:00' "
                     "WHERE id = ?", (card_id,))
    report = check(mini_store)
    assert report.mismatched == [card_id] and not report.ok
    assert run("doctor").exit_code == 1
    fixed = check(mini_store, rebuild=True)
    assert fixed.repaired == 1 and fixed.ok
    assert card_state(q.card(mini_store, card_id)) == CardState()
    assert check(mini_store).ok and run("doctor").exit_code == 0


def test_prepare_writes_only_when_cards_are_missing(mini_store):
    """Every session starts with prepare: with all cards there it is a read, so another process holding the
    write lock does not hold it up; a language added later still gets its cards."""
    import sqlite3

    from phrasebook.people import update_settings
    from phrasebook.session import prepare

    person = create_person(mini_store, name="王芳", staff_no="C1", settings=StudySettings(languages=("en",)))
    assert prepare(mini_store, person) > 0
    other = sqlite3.connect(mini_store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another clerk's process, mid-write
    mini_store.patience_s = 0.2
    try:
        assert prepare(mini_store, person) == 0  # nothing missing: no write lock wanted
    finally:
        other.execute("ROLLBACK")
        other.close()
    person = update_settings(mini_store, person, StudySettings(languages=("en", "ja")))
    made = prepare(mini_store, person)
    assert made > 0 and made == mini_store.value("SELECT count(*) FROM cards WHERE lang = 'ja'")
    assert prepare(mini_store, person) == 0
