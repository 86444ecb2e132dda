"""FSRS scheduling as pure functions of (card state, rating, time): the clock is always passed in.

Wraps the `fsrs` package (FSRS-6). Interval fuzz is seeded from the card id and review time, so replaying
a card's review log reproduces its stored state exactly — the log is the source of truth.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import fsrs
import fsrs.scheduler as _fsrs_scheduler

from phrasebook.clock import iso, parse

NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATINGS = (AGAIN, HARD, GOOD, EASY)
LEECH_LAPSES = 8  # a card forgotten this many times after learning it is a leech


@dataclass(frozen=True)
class CardState:
    """Everything the scheduler knows about one card; `state` 0 means never reviewed."""

    state: int = NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0
    leech: bool = False

    def to_dict(self) -> dict:
        return {  # by hand: dataclasses.asdict deep-copies and was a third of the answer path's cost
            "state": self.state, "step": self.step, "stability": self.stability, "difficulty": self.difficulty,
            "due": iso(self.due) if self.due else None,
            "last_review": iso(self.last_review) if self.last_review else None,
            "reps": self.reps, "lapses": self.lapses, "leech": self.leech,
        }

    @classmethod
    def from_dict(cls, data: dict) -> CardState:
        return cls(
            state=data["state"],
            step=data["step"],
            stability=data["stability"],
            difficulty=data["difficulty"],
            due=parse(data["due"]),
            last_review=parse(data["last_review"]),
            reps=data["reps"],
            lapses=data["lapses"],
            leech=bool(data["leech"]),
        )


@dataclass(frozen=True)
class Settings:
    desired_retention: float = 0.9
    learning_steps: tuple[int, ...] = (60, 600)  # seconds: 1 min, 10 min
    relearning_steps: tuple[int, ...] = (600,)
    maximum_interval: int = 36500  # days
    fuzz: bool = True


_FUZZ_LOCK = threading.Lock()


class _SeededFSRS(fsrs.Scheduler):
    """fsrs.Scheduler whose fuzz draws from a generator seeded per review instead of the global one."""

    seed: str = ""

    def _get_fuzzed_interval(self, *, interval: timedelta) -> timedelta:
        saved = _fsrs_scheduler.random
        _fsrs_scheduler.random = random.Random(self.seed).random
        try:
            return super()._get_fuzzed_interval(interval=interval)
        finally:
            _fsrs_scheduler.random = saved


class Scheduler:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        s = self.settings
        self._fsrs = _SeededFSRS(
            desired_retention=s.desired_retention,
            learning_steps=tuple(timedelta(seconds=x) for x in s.learning_steps),
            relearning_steps=tuple(timedelta(seconds=x) for x in s.relearning_steps),
            maximum_interval=s.maximum_interval,
            enable_fuzzing=s.fuzz,
        )

    @staticmethod
    def _to_fsrs(card_id: int, card: CardState, at: datetime) -> fsrs.Card:
        if card.state == NEW:
            return fsrs.Card(card_id=card_id, state=fsrs.State.Learning, step=0, due=at)
        return fsrs.Card(
            card_id=card_id,
            state=fsrs.State(card.state),
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            due=card.due,
            last_review=card.last_review,
        )

    def review(self, card_id: int, card: CardState, rating: int, at: datetime) -> CardState:
        """The card after answering `rating` at `at` (aware UTC)."""
        with _FUZZ_LOCK:
            self._fsrs.seed = f"{card_id}|{iso(at)}"
            after, _log = self._fsrs.review_card(self._to_fsrs(card_id, card, at), fsrs.Rating(rating), at)
        lapses = card.lapses + (card.state == REVIEW and rating == AGAIN)
        return CardState(
            state=int(after.state),
            step=after.step,
            stability=after.stability,
            difficulty=after.difficulty,
            due=after.due,
            last_review=after.last_review,
            reps=card.reps + 1,
            lapses=lapses,
            leech=card.leech or lapses >= LEECH_LAPSES,
        )

    def preview(self, card_id: int, card: CardState, at: datetime) -> dict[int, timedelta]:
        """The interval each rating would give, for the labels on the grade buttons."""
        return {r: self.review(card_id, card, r, at).due - at for r in RATINGS}

    def replay(self, card_id: int, reviews: Iterable[tuple[int, datetime]]) -> CardState:
        """Rebuild a card's state from its (rating, time) log, oldest first."""
        card = CardState()
        for rating, at in reviews:
            card = self.review(card_id, card, rating, at)
        return card

    def retrievability(self, card_id: int, card: CardState, at: datetime) -> float:
        """Probability of recall at `at` (0 for a card never reviewed)."""
        if card.state == NEW:
            return 0.0
        return self._fsrs.get_card_retrievability(self._to_fsrs(card_id, card, at), at)


    def forgetting_curve(self) -> tuple[float, float]:
        """(decay, factor) of FSRS's R(t, S) = (1 + factor·t/S) ** decay, t in whole days: lets reports compute
        retrievability for many cards at once inside SQLite, with the very parameters `retrievability` uses."""
        return float(self._fsrs._DECAY), float(self._fsrs._FACTOR)
