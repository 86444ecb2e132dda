"""A drill session: which card comes next, answering it, undoing the last answer, the summary.

Queue order: due learning cards, then due reviews (within the daily review limit), then new cards in deck order
(within the daily new limit); when nothing else is left, learning cards due in the next 20 minutes come early
(Anki's learn-ahead). Every answer is committed before the next card is fetched.

Every answer carries an idempotency key, made once per card shown (`Prompt.key`) before anything is written: an
answer retried after an error (or pressed twice) is logged once, and the retry gets back what was stored.

Assignments shape the new cards: their decks come first (earliest due date first), and the daily new limit is
the trainee's own, raised to what the deadlines need (assignments.pace).
"""

from __future__ import annotations

import json
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from phrasebook.assignments import pace
from phrasebook.clock import day_start, iso, parse, utcnow
from phrasebook.people import Person
from phrasebook.scheduler import LEARNING, NEW, RELEARNING, REVIEW, CardState, Scheduler
from phrasebook.store import Store
from phrasebook.store import assignments as assigned_q
from phrasebook.store import cards as q

LEARN_AHEAD = timedelta(minutes=20)


def new_key() -> str:
    """A fresh answer key: 48 bits of wall-clock milliseconds, then 80 random bits, in hex (like a UUIDv7).
    Time first, so the log's key index grows at its right edge instead of touching a random page per answer;
    the random part alone makes a collision negligible."""
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(10)}"


@dataclass(frozen=True)
class Prompt:
    """One card as the drill shows it."""

    card_id: int
    deck_id: str
    lang: str
    direction: str  # produce: Chinese → foreign; recognise: foreign → meaning
    phrase_id: str
    scenario: str
    scenario_name: dict[str, str]
    speaker: str
    zh: str
    pinyin: str
    note: str | None
    text: str
    romanization: str | None
    alternatives: tuple[str, ...]
    card: CardState
    key: str = field(default_factory=new_key, compare=False)  # the answer's idempotency key (see module doc)


@dataclass
class Summary:
    started_at: datetime
    ended_at: datetime | None = None
    ratings: Counter = field(default_factory=Counter)
    new: int = 0
    leeches: list[str] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(self.ratings.values())

    @property
    def minutes(self) -> float:
        return ((self.ended_at or self.started_at) - self.started_at).total_seconds() / 60


def card_state(row) -> CardState:
    return CardState(
        state=row["state"], step=row["step"], stability=row["stability"], difficulty=row["difficulty"],
        due=parse(row["due"]), last_review=parse(row["last_review"]), reps=row["reps"], lapses=row["lapses"],
        leech=bool(row["leech"]),
    )


def prepare(store: Store, person: Person) -> int:
    """Make sure the person has a card for every active phrase in the languages they study, and for every
    deck+language assigned to them."""
    with store.write() as conn:
        return (q.ensure_cards(conn, person.id, person.settings.languages)
                + assigned_q.ensure_assigned_cards(conn, person.id))


class DrillSession:
    def __init__(self, store: Store, person: Person, *, deck: str | None = None, lang: str | None = None,
                 scheduler: Scheduler | None = None, clock: Callable[[], datetime] = utcnow) -> None:
        self.store, self.person, self.deck, self.lang = store, person, deck, lang
        self.scheduler = scheduler or Scheduler()
        self.clock = clock
        now = clock()
        prepare(store, person)
        self.new_today, self.reviews_today = q.day_counts(store, person.id, iso(day_start(now)))
        self.pace = pace(store, person, now)
        self.new_limit = self.pace.limit
        self._assigned = [(p.deck_id, p.lang) for p in self.pace.plans  # earliest due first
                          if p.introduced < p.total and deck in (None, p.deck_id) and lang in (None, p.lang)]
        self.session_id = q.start_session(store, person.id, deck, lang, iso(now))
        self.summary = Summary(started_at=now)
        self._answers: list[tuple[int, Prompt, int]] = []  # (review id, prompt, rating) for undo
        self._counted: set[str] = set()  # keys of the answers this session has counted

    # -- the queue -------------------------------------------------------------------------------
    def _new_allowed(self) -> bool:
        return self.new_today < self.new_limit

    def _reviews_allowed(self) -> bool:
        return self.reviews_today < self.person.settings.reviews_per_day

    def next(self) -> Prompt | None:
        """The next card to show, or None when the session is done."""
        now = self.clock()
        pid, deck, lang = self.person.id, self.deck, self.lang
        row = q.next_due(self.store, pid, (LEARNING, RELEARNING), iso(now), deck, lang)
        if row is None and self._reviews_allowed():
            row = q.next_due(self.store, pid, (REVIEW,), iso(now), deck, lang)
        if row is None and self._new_allowed():
            row = self._next_assigned_new() or q.next_new(self.store, pid, deck, lang)
        if row is None:
            row = q.next_due(self.store, pid, (LEARNING, RELEARNING), iso(now + LEARN_AHEAD), deck, lang)
        return self._prompt(row) if row else None

    def _next_assigned_new(self):
        """The first new card of the assigned decks, earliest due date first; exhausted ones drop out."""
        while self._assigned:
            row = assigned_q.next_new_in(self.store, self.person.id, *self._assigned[0])
            if row is not None:
                return row
            self._assigned.pop(0)
        return None

    def _prompt(self, row) -> Prompt:
        f = q.prompt_fields(self.store, row["id"])
        return Prompt(
            card_id=row["id"], deck_id=row["deck_id"], lang=row["lang"], direction=row["direction"],
            phrase_id=f["phrase_id"], scenario=f["scenario"],
            scenario_name={"zh": f["scenario_zh"] or f["scenario"], "en": f["scenario_en"] or f["scenario"]},
            speaker=f["speaker"], zh=f["zh"], pinyin=f["pinyin"], note=f["note"], text=f["text"],
            romanization=f["romanization"], alternatives=tuple(json.loads(f["alternatives"])),
            card=card_state(row),
        )

    def remaining(self) -> dict[str, int]:
        """Cards left now in this session's scope: learning, review and new (after daily limits)."""
        learning, review, new = q.queue_counts(self.store, self.person.id, iso(self.clock()), self.deck, self.lang)
        s = self.person.settings
        return {"learning": learning,
                "review": min(review, max(0, s.reviews_per_day - self.reviews_today)),
                "new": min(new, max(0, self.new_limit - self.new_today))}

    # -- answering -------------------------------------------------------------------------------
    def intervals(self, prompt: Prompt) -> dict[int, timedelta]:
        return self.scheduler.preview(prompt.card_id, prompt.card, self.clock())

    def answer(self, prompt: Prompt, rating: int, duration_ms: int | None = None, mode: str = "self") -> CardState:
        """Grade a card: schedule it with FSRS and commit review + new state in one transaction. Answering the
        same prompt again (a retry) returns the state first stored and counts nothing twice."""
        now = self.clock()
        after = self.scheduler.review(prompt.card_id, prompt.card, rating, now)
        after, fresh = self._save(prompt, rating, now, duration_ms, mode, after)
        if fresh:
            self._count(prompt.card.state, +1)
            if after.leech and not prompt.card.leech:
                self.summary.leeches.append(prompt.phrase_id)
        return after

    def _save(self, prompt: Prompt, rating: int, at: datetime, duration_ms: int | None, mode: str,
              after: CardState | None) -> tuple[CardState, bool]:
        """Commit one answer under the prompt's key (the one write path of every answer: drill, extra practice,
        dialogue) → (card state as stored, first time this session counts it). `after` None leaves the card."""
        saved = q.record_answer(
            self.store, key=prompt.key, card_id=prompt.card_id, person_id=self.person.id,
            session_id=self.session_id, rating=rating, reviewed_at=iso(at), duration_ms=duration_ms, mode=mode,
            before=prompt.card.to_dict(), after=after.to_dict() if after is not None else None,
        )
        if not saved.created:  # the key was in the log already: the first write's result stands
            after = card_state(saved.card)
        fresh = prompt.key not in self._counted
        if fresh:
            self._counted.add(prompt.key)
            self._answers.append((saved.review_id, prompt, saved.rating))
            self.summary.ratings[saved.rating] += 1
        return (after if after is not None else prompt.card), fresh

    def _count(self, state_before: int, delta: int) -> None:
        if state_before == NEW:
            self.new_today += delta
            self.summary.new += delta
        elif state_before == REVIEW:
            self.reviews_today += delta

    @property
    def can_undo(self) -> bool:
        return bool(self._answers)

    def undo(self) -> Prompt | None:
        """Cancel this session's last answer (logged as an undo row) and return that card to show again."""
        if not self._answers:
            return None
        review_id, prompt, rating = self._answers[-1]
        q.record_undo(self.store, review_id, iso(self.clock()))  # first: if it fails, nothing here changes
        self._answers.pop()
        self._count(prompt.card.state, -1)
        self.summary.ratings[rating] -= 1
        if prompt.phrase_id in self.summary.leeches and not prompt.card.leech:
            self.summary.leeches.remove(prompt.phrase_id)
        return self._prompt(q.card(self.store, prompt.card_id))

    def finish(self) -> Summary:
        self.summary.ended_at = self.clock()
        q.end_session(self.store, self.session_id, iso(self.summary.ended_at))
        return self.summary
