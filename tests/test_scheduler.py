"""FSRS wrapper: pure functions of (state, rating, time); replay equals incremental; leeches at 8 lapses."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import fsrs

from phrasebook.scheduler import AGAIN, EASY, GOOD, HARD, LEARNING, NEW, REVIEW, CardState, Scheduler, Settings

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)


def test_first_answers_follow_fsrs_learning_steps():
    s = Scheduler()
    assert s.review(1, CardState(), AGAIN, T0).due - T0 == timedelta(minutes=1)
    good = s.review(1, CardState(), GOOD, T0)
    assert good.state == LEARNING and good.due - T0 == timedelta(minutes=10) and good.reps == 1


def test_matches_the_fsrs_package():
    """Same ratings at the same times give the same state as fsrs itself (fuzz off on both sides)."""
    ours, theirs = Scheduler(Settings(fuzz=False)), fsrs.Scheduler(enable_fuzzing=False)
    card, ref, at = CardState(), fsrs.Card(card_id=5, due=T0), T0
    for rating in (GOOD, GOOD, HARD, AGAIN, GOOD, EASY, GOOD):
        card = ours.review(5, card, rating, at)
        ref, _ = theirs.review_card(ref, fsrs.Rating(rating), at)
        assert (card.state, card.step, card.stability, card.difficulty, card.due) == (
            int(ref.state), ref.step, ref.stability, ref.difficulty, ref.due)
        at = card.due + timedelta(hours=2)


def test_replay_reproduces_state_exactly_even_with_fuzz():
    s = Scheduler()
    card, log, at = CardState(), [], T0
    for rating in (GOOD, GOOD, GOOD, AGAIN, GOOD, GOOD, EASY, HARD, GOOD):
        card = s.review(9, card, rating, at)
        log.append((rating, at))
        at = card.due + timedelta(hours=5)
    assert s.replay(9, log) == card
    assert CardState.from_dict(card.to_dict()) == card


def test_leech_after_eight_lapses():
    s = Scheduler()
    card, at = CardState(), T0
    lapses_seen = []
    while card.lapses < 8:
        rating = AGAIN if card.state == REVIEW else GOOD
        card = s.review(3, card, rating, at)
        lapses_seen.append((card.lapses, card.leech))
        at = card.due + timedelta(minutes=1)
    assert card.leech
    assert all(not leech for lapses, leech in lapses_seen if lapses < 8)


def test_preview_orders_intervals():
    s = Scheduler()
    shown = s.preview(1, CardState(), T0)
    assert shown[AGAIN] < shown[HARD] < shown[GOOD] < shown[EASY]
    assert s.retrievability(1, CardState(), T0) == 0.0
    assert NEW == 0
