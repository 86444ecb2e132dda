"""A submitted exam attempt item by item, for its trainee or for staff: the mark per item always; the answers —
what was given (on a ✓ item that *is* the right answer) and the right one — only when they may be shown: to staff
(and the CLI) always, to a trainee once the exam has closed, so they cannot pass to someone still to sit it or to
the trainee's own next attempt. While the trainee sits an attempt of the exam, none of their results opens."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from phrasebook import auth
from phrasebook.answers import Outcome, Score
from phrasebook.errors import PhrasebookError
from phrasebook.exam_sitting import Attempt, attempts_of, get_attempt, mark_row
from phrasebook.exams import Exam, get_exam
from phrasebook.modes import TYPED
from phrasebook.people import Person
from phrasebook.store import Store
from phrasebook.store import exams as q


@dataclass(frozen=True)
class ReviewItem:
    """One item after submission. `given`, `right_answer` (and the typed diff) only when the answers may be
    shown; `answered` always."""

    number: int
    mode: str
    lang: str
    direction: str
    prompt: str
    prompt_aid: str | None
    given: str | None          # what the trainee answered (the option's text for choices)
    answered: bool
    outcome: Outcome
    points: float
    right_answer: str | None
    typed_score: Score | None


@dataclass(frozen=True)
class AttemptReview:
    exam: Exam
    attempt: Attempt
    items: tuple[ReviewItem, ...]
    answers_shown: bool

    @property
    def answered(self) -> int:
        return sum(1 for i in self.items if i.answered)


def answers_visible(exam: Exam, viewer: Person | None, now: datetime) -> bool:
    """Staff (and the CLI) always; a trainee once the exam has closed."""
    return viewer is None or viewer.role != "trainee" or exam.state(now) == "closed"


def sitting(store: Store, exam: Exam, person: Person, now: datetime) -> bool:
    """Whether the person has an attempt of this exam running now (its results stay shut meanwhile)."""
    return any(not a.submitted and a.deadline > now for a in attempts_of(store, exam, person))


def review(store: Store, attempt: Attempt, *, viewer: Person | None, now: datetime) -> AttemptReview:
    """A submitted attempt item by item: for its trainee, or for staff who may read the cohort's results."""
    exam = get_exam(store, attempt.exam_id)
    if viewer is not None and viewer.id != attempt.person_id:
        auth.require(auth.can_manage_cohort(viewer, exam))
    attempt = get_attempt(store, attempt.id)
    if not attempt.submitted:
        raise PhrasebookError("exam.err.not_submitted")
    if viewer is not None and viewer.id == attempt.person_id and sitting(store, exam, viewer, now):
        raise PhrasebookError("exam.err.result_in_attempt", title=exam.title)
    shown = answers_visible(exam, viewer, now)
    items = []
    for r in q.answer_key(store, attempt.id):
        options = json.loads(r["options"])
        given = r["typed"] if r["mode"] == TYPED else (options[r["picked"]] if r["picked"] is not None else None)
        m = mark_row(r)
        items.append(ReviewItem(number=r["paper"] + 1, mode=r["asked"] or r["mode"], lang=r["lang"],
                                direction=r["direction"], prompt=r["prompt"], prompt_aid=r["prompt_aid"],
                                given=given if shown else None, answered=bool(given),
                                outcome=Outcome(r["outcome"]), points=r["points"],
                                right_answer=r["answer"] if shown else None,
                                typed_score=m.typed_score if shown else None))
    items.sort(key=lambda i: i.number)  # paper order, numbered as results and staff number them
    return AttemptReview(exam=exam, attempt=attempt, items=tuple(items), answers_shown=shown)
