"""Extra practice beyond what is due, and the options of multiple-choice cards.

Extra practice must not distort the schedule. FSRS decides when a card is worth seeing again; answering it
early, again and again, would inflate its stability and push it out of sight. So an extra-practice answer
counts for the schedule only when the card is due anyway (the drill would have asked it now): then it is an
ordinary review. Otherwise it is logged with mode "extra:<mode>" (study time, and the trainer sees it) and the
card is left exactly as it was; replays (`phrasebook doctor`) and the daily limits skip those rows.
Only cards already studied are offered: new cards are introduced by the drill, within the daily limit.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from phrasebook.choices import Candidate, Choice, build
from phrasebook.clock import iso, utcnow
from phrasebook.modes import SELF, logged
from phrasebook.people import Person
from phrasebook.scheduler import AGAIN, NEW, CardState, Scheduler
from phrasebook.session import DrillSession, Prompt, Summary, card_state
from phrasebook.store import Store
from phrasebook.store import cards as q
from phrasebook.store import practice as pq

KINDS = ("weak", "leeches", "scenario")
EXTRA_SIZE = 20     # cards in one extra-practice round
AGAIN_REPEATS = 2   # a card answered Again comes back at the end of the round, at most this many times


def counts_for_schedule(card: CardState, at: datetime) -> bool:
    """Would the drill ask this card now? Then an extra-practice answer is an ordinary review."""
    return card.state != NEW and card.due is not None and card.due <= at


@dataclass
class ExtraSummary(Summary):
    extra: int = 0       # answers logged as extra practice (schedule untouched)
    kind: str = "weak"


class ExtraSession(DrillSession):
    """A round of extra practice over a fixed selection (weak cards, leeches, or one scenario)."""

    def __init__(self, store: Store, person: Person, *, kind: str, lang: str | None = None,
                 scenario: str | None = None, limit: int = EXTRA_SIZE, scheduler: Scheduler | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        super().__init__(store, person, lang=lang, scheduler=scheduler, clock=clock)
        self.kind, self.scenario = kind, scenario
        rows = pq.extra_cards(store, person.id, kind, lang=lang, scenario=scenario, limit=limit)
        self.queue: deque[int] = deque(r["id"] for r in rows)
        self.total = len(self.queue)
        self.summary = ExtraSummary(started_at=self.summary.started_at, kind=kind)
        self._repeats: Counter[int] = Counter()
        self._requeued: list[bool] = []  # per answer: it sent its card to the end of the round
        self._shown: int | None = None  # the card `next` handed out and nobody has answered yet

    def next(self) -> Prompt | None:
        while self.queue:
            row = q.card(self.store, self.queue.popleft())
            if row is not None:
                self._shown = row["id"]
                return self._prompt(row)
        return None

    def remaining(self) -> dict[str, int]:
        return {"learning": 0, "review": 0, "new": 0, "extra": len(self.queue)}

    def scheduled(self, prompt: Prompt) -> bool:
        return counts_for_schedule(prompt.card, self.clock())

    def intervals(self, prompt: Prompt) -> dict[int, timedelta]:
        """Next intervals only when the answer counts; otherwise the grade changes nothing (empty)."""
        return super().intervals(prompt) if self.scheduled(prompt) else {}

    def answer(self, prompt: Prompt, rating: int, duration_ms: int | None = None, mode: str = SELF) -> CardState:
        """Whether it counts is decided on the card as stored when the answer is written: a card shown while due
        and reviewed meanwhile in another terminal is no longer due, so this answer is then extra practice."""
        self._shown = None
        now = self.clock()

        def plan(row) -> tuple[str, dict | None]:
            card = card_state(row)
            if counts_for_schedule(card, now):
                return mode, self.scheduler.review(prompt.card_id, card, rating, now).to_dict()
            return logged(mode, scheduled=False), None

        answers = len(self._answers)
        after = self._save(prompt, rating, now, duration_ms, plan)
        if len(self._answers) == answers:  # this prompt's answer was counted already (a retry)
            return after
        done = self._answers[-1]
        self.summary.extra += not done.scheduled
        requeue = done.rating == AGAIN and self._repeats[prompt.card_id] < AGAIN_REPEATS
        if requeue:
            self._repeats[prompt.card_id] += 1
            self.queue.append(prompt.card_id)
        self._requeued.append(requeue)
        return after

    def undo(self) -> Prompt | None:
        """Cancel the last answer (an undo row either way); a card it sent to the end of the round leaves it, and
        the card shown meanwhile goes back to the front of the round. The undo is written first: if that fails
        (or is refused), the round is left as it was."""
        if not self._answers:
            return None
        last = self._answers[-1]
        prompt = super().undo()
        self.summary.extra -= not last.scheduled
        if self._requeued.pop():
            self._repeats[last.prompt.card_id] -= 1
            self.queue.pop()  # it went to the end, and only `answer` appends
        if self._shown is not None:
            self.queue.appendleft(self._shown)
            self._shown = None
        return prompt


class ChoiceMaker:
    """Builds the four options for a card from the phrases of its language (pools loaded once each)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._pools: dict[tuple[str, str], list[Candidate]] = {}

    def _pool(self, lang: str, side: str) -> list[Candidate]:
        if (lang, side) not in self._pools:
            self._pools[(lang, side)] = [Candidate(f"{r['deck_id']}/{r['phrase_id']}", r["scenario"], r[side],
                                                   r["speaker"])
                                         for r in pq.phrase_pool(self.store, lang)]
        return self._pools[(lang, side)]

    def for_prompt(self, prompt: Prompt, at: datetime) -> Choice:
        """Produce cards choose the foreign phrase; recognise cards (and listening) the Chinese meaning.
        Seeded by card and time: the same card shown at the same moment gets the same options."""
        answer_key = f"{prompt.deck_id}/{prompt.phrase_id}"
        seed = f"{prompt.card_id}|{iso(at)}"
        if prompt.direction == "produce":
            answer = Candidate(answer_key, prompt.scenario, prompt.text, prompt.speaker)
            return build(answer, self._pool(prompt.lang, "text"), lang=prompt.lang, seed=seed,
                         accepted=prompt.alternatives)
        answer = Candidate(answer_key, prompt.scenario, prompt.zh, prompt.speaker)
        return build(answer, self._pool(prompt.lang, "zh"), lang="zh", seed=seed)
