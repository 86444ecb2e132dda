"""A drill session: which card comes next, answering it, undoing the last answer, the summary.

Queue order: due learning cards, then due reviews (within the daily review limit), then new cards in deck order
(within the daily new limit); when nothing else is left, learning cards due in the next 20 minutes come early
(Anki's learn-ahead). Every answer is committed before the next card is fetched.

Every answer carries an idempotency key, made once per card shown (`Prompt.key`) before anything is written: an
answer retried after an error (or pressed twice) is logged once, and the retry gets back what was stored.

Each answer is scheduled from the card as stored, inside its write transaction (`store.cards.record_answer` takes a
plan, not a state): the same clerk in another terminal, or an exam being logged, may have moved the card since it
was shown. Undo is settled there too: only the card's latest answer can be undone, and the card is set to the
replay of its log.

No open book: while the trainee has an exam attempt running, no session starts and no card is handed out
(another terminal of the same clerk must not show answers mid-exam).

Assignments shape the new cards: their decks come first (earliest due date first), and the daily new limit is
the trainee's own, raised to what the deadlines need (assignments.pace).
"""

from __future__ import annotations

import json
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from phrasebook.assignments import pace
from phrasebook.clock import day_start, iso, local, parse, utcnow
from phrasebook.errors import PhrasebookError
from phrasebook.modes import SELF, is_extra
from phrasebook.people import Person
from phrasebook.scheduler import LEARNING, NEW, RELEARNING, REVIEW, CardState, Scheduler
from phrasebook.store import Store
from phrasebook.store import assignments as assigned_q
from phrasebook.store import cards as q
from phrasebook.store import exams as exams_q

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


@dataclass(frozen=True)
class Answered:
    """One answer of this session, as stored: what undo and the counts need."""

    review_id: int
    prompt: Prompt
    rating: int          # as stored (a retry keeps the first grade)
    before: CardState    # the card as the answer found it in the store
    scheduled: bool      # it moved the card (not extra practice)


def card_state(row) -> CardState:
    return CardState(
        state=row["state"], step=row["step"], stability=row["stability"], difficulty=row["difficulty"],
        due=parse(row["due"]), last_review=parse(row["last_review"]), reps=row["reps"], lapses=row["lapses"],
        leech=bool(row["leech"]),
    )


def replay_log(scheduler: Scheduler, card_id: int, log: Iterable) -> CardState:
    """A card's state from its live scheduling log (`store.cards.card_log` rows, oldest first)."""
    return scheduler.replay(card_id, ((r["rating"], parse(r["reviewed_at"])) for r in log))


def refuse_in_exam(store: Store, person: Person, now: datetime) -> None:
    """Raise while the person has an exam attempt running: drill, extra practice and dialogues show answers."""
    attempt = exams_q.running_attempt(store, person.id, iso(now))
    if attempt is not None:
        exam = exams_q.exam(store, attempt["exam_id"])
        raise PhrasebookError("drill.in_exam", title=exam["title"] if exam else "",
                              deadline=local(parse(attempt["deadline"])))


def prepare(store: Store, person: Person) -> int:
    """Make sure the person has a card for every active phrase in the languages they study, and for every
    deck+language assigned to them. Looks first (a read): every session starts here, and mostly nothing is
    missing, so the write lock is taken only when there are cards to make."""
    langs = person.settings.languages
    if not q.cards_missing(store, person.id, langs) and not assigned_q.assigned_cards_missing(store, person.id):
        return 0
    with store.write() as conn:
        return (q.ensure_cards(conn, person.id, langs)
                + assigned_q.ensure_assigned_cards(conn, person.id))


class DrillSession:
    def __init__(self, store: Store, person: Person, *, deck: str | None = None, lang: str | None = None,
                 scheduler: Scheduler | None = None, clock: Callable[[], datetime] = utcnow) -> None:
        self.store, self.person, self.deck, self.lang = store, person, deck, lang
        self.scheduler = scheduler or Scheduler()
        self.clock = clock
        now = clock()
        refuse_in_exam(store, person, now)
        prepare(store, person)
        self.new_today, self.reviews_today = q.day_counts(store, person.id, iso(day_start(now)))
        self.pace = pace(store, person, now)
        self.new_limit = self.pace.limit
        self._assigned = [(p.deck_id, p.lang) for p in self.pace.plans  # earliest due first
                          if p.introduced < p.total and deck in (None, p.deck_id) and lang in (None, p.lang)]
        self.session_id = q.start_session(store, person.id, deck, lang, iso(now))
        self.summary = Summary(started_at=now)
        self._answers: list[Answered] = []  # for undo, last one last
        self._counted: set[str] = set()  # keys of the answers this session has counted
        self.last_saved: q.Saved | None = None  # the last answer as the store holds it

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
        """The card to show; refused while the trainee sits an exam (see the module doc)."""
        refuse_in_exam(self.store, self.person, self.clock())
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

    def answer(self, prompt: Prompt, rating: int, duration_ms: int | None = None, mode: str = SELF) -> CardState:
        """Grade a card: FSRS schedules it from the card as stored, and review + new state commit in one
        transaction. Answering the same prompt again (a retry) returns the card as stored and counts nothing twice."""
        now = self.clock()

        def plan(row) -> tuple[str, dict]:
            return mode, self.scheduler.review(prompt.card_id, card_state(row), rating, now).to_dict()

        return self._save(prompt, rating, now, duration_ms, plan)

    def _save(self, prompt: Prompt, rating: int, at: datetime, duration_ms: int | None, plan: q.Plan) -> CardState:
        """Commit one answer under the prompt's key (the one write path of every answer: drill, extra practice,
        dialogue) → the card as stored. The first time this session sees the key, the answer is counted."""
        saved = q.record_answer(self.store, key=prompt.key, card_id=prompt.card_id, person_id=self.person.id,
                                session_id=self.session_id, rating=rating, reviewed_at=iso(at),
                                duration_ms=duration_ms, plan=plan)
        self.last_saved = saved
        after = card_state(saved.card)
        if prompt.key not in self._counted:
            self._counted.add(prompt.key)
            done = Answered(saved.review_id, prompt, saved.rating, CardState.from_dict(saved.before),
                            not is_extra(saved.mode))
            self._answers.append(done)
            self.summary.ratings[done.rating] += 1
            if done.scheduled:
                self._count(done.before.state, +1)
                if after.leech and not done.before.leech:
                    self.summary.leeches.append(prompt.phrase_id)
        return after

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
        """Cancel this session's last answer (logged as an undo row) and return that card to show again. Refused
        with a message when the card has been answered since (in another terminal, or by an exam): the answer
        then stays, and so does everything here."""
        if not self._answers:
            return None
        last = self._answers[-1]
        card_id = last.prompt.card_id
        state = q.record_undo(self.store, last.review_id, iso(self.clock()),  # first: if it fails, nothing changes
                              lambda log: replay_log(self.scheduler, card_id, log).to_dict())
        if state is None:
            raise PhrasebookError("drill.undo_superseded")
        self._answers.pop()
        self.summary.ratings[last.rating] -= 1
        if last.scheduled:
            self._count(last.before.state, -1)
            if last.prompt.phrase_id in self.summary.leeches and not last.before.leech:
                self.summary.leeches.remove(last.prompt.phrase_id)
        return self._prompt(q.card(self.store, card_id))

    def finish(self) -> Summary:
        self.summary.ended_at = self.clock()
        q.end_session(self.store, self.session_id, iso(self.summary.ended_at))
        return self.summary
