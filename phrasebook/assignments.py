"""Assignments: decks and languages a cohort (or one trainee) must learn by a due date, to a target share
of cards mastered; each trainee's progress against them; and the new-card allowance the drill uses.

**Mastered** means: the card has graduated to FSRS's Review state and its predicted recall at the start of the
due date — FSRS retrievability from its current stability and last review — is at least 90 % (once the due
date has passed, recall *today* is used instead). Why this and not "stability ≥ 21 days" (Anki's "mature"):
the due date is the assessment (考核), and this asks exactly "will the clerk know it then?"; FSRS schedules
reviews to keep recall at the desired retention (0.9), so a clerk who keeps up reaches a 90 % target by the
due date (simulated six-week cohort of 500 cards: ≈ 97 % studying daily, ≈ 93 % skipping one day in five),
whereas a 21-day-stability rule was out of reach even for the daily clerk (≈ 64 %: the last cards introduced
cannot reach three weeks' stability in the two-week review buffer) and would make a 90 % target meaningless.
A card still in learning steps never counts, and a card forgotten later drops out until it is re-learned.
After the due date the figure says whether the clerk still knows it, so "completed" can lapse if they stop.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from phrasebook import pacing
from phrasebook.clock import day_moment, day_start, iso, parse_day, study_day
from phrasebook.cohorts import Cohort
from phrasebook.errors import PhrasebookError
from phrasebook.people import Person
from phrasebook.store import Store
from phrasebook.store import assignments as q

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DEFAULT_TARGET = 0.9


def evaluation_moment(due_on: date, now: datetime) -> datetime:
    """When mastery and predicted recall are judged: the start of the due date, or now once it has passed."""
    return max(day_moment(due_on), now)


def moment_us(moment: datetime) -> int:
    """A moment as integer microseconds since 1970, as the store keeps cards.last_review_us."""
    return (moment - EPOCH) // timedelta(microseconds=1)


@dataclass(frozen=True)
class Assignment:
    id: int
    cohort_id: int | None
    cohort_name: str | None
    person_id: int | None
    staff_no: str | None
    person_name: str | None
    deck_id: str
    deck_title: dict[str, str]
    lang: str
    due_on: date
    target: float


@dataclass(frozen=True)
class Plan:
    """One deck+language a trainee must learn, merged over their cohorts and personal assignments."""

    deck_id: str
    lang: str
    start: date
    due_on: date
    target: float
    total: int
    introduced: int
    mastered: int
    introduced_today: int

    @property
    def remaining(self) -> int:
        return pacing.remaining(self.total, self.introduced, self.introduced_today)

    @property
    def completed(self) -> bool:
        return pacing.completed(self.total, self.mastered, self.target)

    def needed_today(self, today: date) -> int:
        return pacing.share_today(remaining=self.remaining, done=self.completed, today=today, start=self.start,
                                  due_on=self.due_on)


@dataclass(frozen=True)
class Pace:
    """Today's new-card allowance and how many a day the deadlines need (for the home screen)."""

    limit: int
    needed: int
    plans: tuple[Plan, ...]


def _assignment(row) -> Assignment:
    return Assignment(id=row["id"], cohort_id=row["cohort_id"], cohort_name=row["cohort_name"],
                      person_id=row["person_id"], staff_no=row["staff_no"], person_name=row["person_name"],
                      deck_id=row["deck_id"], deck_title={"zh": row["title_zh"], "en": row["title_en"]},
                      lang=row["lang"], due_on=date.fromisoformat(row["due_on"]), target=row["target"])


def parse_share(value: object, error: str) -> float:
    """A share as people write it: 0.9, 90, "90%" → 0.9 ("1%" is 0.01: a percent sign always means percent).
    Used for assignment targets and exam pass marks; `error` is the message key naming the field."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    percent = text.endswith("%")
    try:
        number = float(text.rstrip("%").strip())
    except ValueError:
        raise PhrasebookError(error, value=value) from None
    if percent or number > 1:
        number /= 100
    if not 0 < number <= 1:
        raise PhrasebookError(error, value=value)
    return number


def parse_target(value: object) -> float:
    return parse_share(value, "assign.err.target")


def assign(store: Store, *, deck_ids: list[str], langs: list[str], due_on: object, now: datetime,
           cohort: Cohort | None = None, person: Person | None = None, target: object = DEFAULT_TARGET,
           by: Person | None = None) -> list[Assignment]:
    """Assign every deck × language to a cohort or to one trainee (exactly one), all or nothing. Assigning a
    pair again moves its due date and target."""
    if (cohort is None) == (person is None):
        raise PhrasebookError("assign.err.holder")
    due = parse_day(due_on)
    if due is None:
        raise PhrasebookError("assign.err.due", value=due_on)
    if due < study_day(now):
        raise PhrasebookError("assign.err.due_past", due_on=due)
    share = parse_target(target)
    if not deck_ids or not langs:
        raise PhrasebookError("assign.err.nothing")
    pairs = []
    for deck_id in dict.fromkeys(deck_ids):
        deck = q.deck_languages(store, deck_id)
        if deck is None:
            raise PhrasebookError("assign.err.deck", deck=deck_id)
        for lang in dict.fromkeys(langs):
            if lang not in json.loads(deck["languages"]):
                raise PhrasebookError("assign.err.lang", deck=deck_id, lang=lang)
            pairs.append((deck_id, lang))
    ids = []
    with store.write() as conn:
        for deck_id, lang in pairs:
            ids.append(q.upsert(conn, cohort_id=cohort.id if cohort else None, person_id=person.id if person else None,
                                deck_id=deck_id, lang=lang, due_on=due.isoformat(), target=share,
                                assigned_by=by.id if by else None, created_at=iso(now)))
    found = {a.id: a for a in list_assignments(store, cohort=cohort, person=person)}
    return [found[i] for i in ids]


def unassign(store: Store, assignment_id: int) -> None:
    if not q.delete(store, assignment_id):
        raise PhrasebookError("assign.err.not_found", id=assignment_id)


def list_assignments(store: Store, *, cohort: Cohort | None = None, person: Person | None = None) -> list[Assignment]:
    return [_assignment(r) for r in q.assignments(store, cohort_id=cohort.id if cohort else None,
                                                  person_id=person.id if person else None)]


def plans(store: Store, person: Person, now: datetime) -> list[Plan]:
    """The trainee's merged assignments with their progress, earliest due first."""
    since = iso(day_start(now))
    found = []
    for a in q.effective(store, person.id):
        due = date.fromisoformat(a["due_on"])
        p = q.progress(store, person.id, a["deck_id"], a["lang"], since=since,
                       at_us=moment_us(evaluation_moment(due, now)))
        found.append(Plan(deck_id=a["deck_id"], lang=a["lang"], start=date.fromisoformat(a["start"]), due_on=due,
                          target=a["target"], total=p["total"], introduced=p["introduced"], mastered=p["mastered"],
                          introduced_today=p["introduced_today"]))
    return found


def pace(store: Store, person: Person, now: datetime) -> Pace:
    """Today's new-card allowance: the trainee's own daily limit raised to what their deadlines need."""
    today = study_day(now)
    found = tuple(plans(store, person, now))
    needed = [p.needed_today(today) for p in found]
    return Pace(limit=pacing.daily_allowance(person.settings.new_per_day, needed), needed=sum(needed), plans=found)


def ensure_cards(store: Store, person: Person) -> int:
    """Create the cards the person's assignments need."""
    with store.write() as conn:
        return q.ensure_assigned_cards(conn, person.id)
