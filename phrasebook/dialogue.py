"""Dialogue role-play: a scenario played as a service conversation, its phrases in deck order.

Applicant lines are heard and shown (not graded: the clerk just follows the conversation); at each clerk line
the trainee produces the reply (self-graded or typed) and is scored. Every reply is an ordinary FSRS review of
that line's produce card, logged with mode "dialogue" — practising a conversation is studying its lines.

A clerk line whose card is new is met as the drill meets a new card (`FIRST`: seen, then self-graded) and takes
one of the day's new cards (`DrillSession`'s limit); once the limit is reached, the drill shows no more new cards,
so the dialogue shows such a line only, with its answer, and moves on (`OVER_LIMIT`: no review, the card stays
new for the drill to introduce) — a long dialogue cannot spend a day's new cards, or more.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from phrasebook.answers import POINTS, Outcome, Score, outcome_of_grade
from phrasebook.clock import utcnow
from phrasebook.modes import DIALOGUE
from phrasebook.people import Person
from phrasebook.scheduler import NEW, CardState, Scheduler
from phrasebook.session import DrillSession, Prompt, card_state, refuse_in_exam
from phrasebook.store import Store
from phrasebook.store import cards as q
from phrasebook.store import practice as pq

HEARD, REPLY, FIRST, OVER_LIMIT = "heard", "reply", "first", "over_limit"  # how the trainee meets a line


@dataclass(frozen=True)
class Line:
    deck_id: str
    phrase_id: str
    speaker: str  # clerk: the trainee's turn; applicant: heard
    zh: str
    pinyin: str
    text: str
    romanization: str | None
    alternatives: tuple[str, ...]
    card_id: int | None  # the trainee's card for this line (None: language not studied)

    @property
    def is_turn(self) -> bool:
        return self.speaker == "clerk" and self.card_id is not None


@dataclass(frozen=True)
class Turn:
    """One reply: the grade that went to FSRS, and the typed score when the reply was typed."""

    line: Line
    rating: int
    score: Score | None = None

    @property
    def outcome(self) -> Outcome:
        """The typed verdict, unless the trainee overrode the grade it implied ("I was right"): then, as for
        a self-graded reply, the grade says it (Again wrong, Hard almost, Good/Easy right)."""
        if self.score is not None and self.rating == self.score.grade:
            return self.score.outcome
        return outcome_of_grade(self.rating)


@dataclass
class DialogueResult:
    turns: list[Turn] = field(default_factory=list)
    shown_only: int = 0  # new clerk lines shown, not asked: today's new-card limit was reached

    def count(self, outcome: Outcome) -> int:
        return sum(1 for t in self.turns if t.outcome is outcome)

    @property
    def percent(self) -> int:
        """Right = 1, almost = ½, wrong = 0 (answers.POINTS), over the replies given."""
        if not self.turns:
            return 0
        return round(100 * sum(POINTS[t.outcome] for t in self.turns) / len(self.turns))


class DialogueSession(DrillSession):
    """Walks a scenario's lines in order; `reply` grades the current clerk line, `listen` moves past the
    applicant's."""

    def __init__(self, store: Store, person: Person, *, scenario: str, lang: str,
                 scheduler: Scheduler | None = None, clock: Callable[[], datetime] = utcnow) -> None:
        super().__init__(store, person, lang=lang, scheduler=scheduler, clock=clock)
        self.scenario = scenario
        names = pq.scenario_name(store, scenario)
        self.scenario_name = {"zh": names["zh"], "en": names["en"]} if names else {"zh": scenario, "en": scenario}
        self.lines = [Line(r["deck_id"], r["phrase_id"], r["speaker"], r["zh"], r["pinyin"], r["text"],
                           r["romanization"], tuple(json.loads(r["alternatives"])), r["card_id"])
                      for r in pq.dialogue_lines(store, person.id, scenario, lang)]
        self.position = 0
        self.result = DialogueResult()
        self._turn: tuple[int, Prompt] | None = None  # (position, its prompt)

    @property
    def current(self) -> Line | None:
        return self.lines[self.position] if self.position < len(self.lines) else None

    @property
    def turns_total(self) -> int:
        return sum(1 for line in self.lines if line.is_turn)

    def prompt(self, line: Line) -> Prompt:
        """The line's card as the drill knows it, read from the store once per turn: the turn's answer keeps one
        idempotency key however often it is retried."""
        if self._turn is None or self._turn[0] != self.position or self._turn[1].card_id != line.card_id:
            self._turn = (self.position, self._prompt(q.card(self.store, line.card_id)))
        return self._turn[1]

    def role(self, line: Line) -> str:
        """How the trainee meets the line now: HEARD (the applicant's, or a language not studied), REPLY, FIRST (a
        new card, within today's new limit) or OVER_LIMIT (a new card beyond it: shown, not asked)."""
        if not line.is_turn:
            return HEARD
        if card_state(q.card(self.store, line.card_id)).state != NEW:
            return REPLY
        return FIRST if self._new_allowed() else OVER_LIMIT

    def listen(self) -> None:
        """The line was heard (or, a new one over the limit, read): on to the next (refused while the trainee sits
        an exam)."""
        refuse_in_exam(self.store, self.person, self.clock())
        line = self.current
        if line is not None and self.role(line) == OVER_LIMIT:
            self.result.shown_only += 1
        self.position += 1

    def reply(self, rating: int, *, score: Score | None = None, duration_ms: int | None = None) -> CardState:
        """Grade the current clerk line: an FSRS review of its card (mode "dialogue"), then the next line."""
        line = self.current
        if line is None or self.role(line) not in (REPLY, FIRST):
            raise ValueError("not the clerk's turn")
        after = self.answer(self.prompt(line), rating, duration_ms=duration_ms, mode=DIALOGUE)
        # The grade the log holds: a retry of a reply already written keeps the first one.
        self.result.turns.append(Turn(line, self.last_saved.rating, score))
        self.position += 1
        return after

