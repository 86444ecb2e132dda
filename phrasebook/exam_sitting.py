"""Sitting an exam: starting an attempt, answering, the clock, submitting, scoring, and the FSRS reviews.

**Timing.** An attempt stores when it started and its deadline (start + time limit, never after the exam
closes), so restarting the app cannot reset the clock. Time always comes in as `now` (the app's clock; tests
move a fake one). An answer at or after the deadline is refused and closes the attempt with what was answered
before; an attempt whose deadline has passed is closed the next time anyone looks (`close_expired`), dated at
its deadline and marked as closed by the clock.

**No answer leaks before submission.** The trainee's screen gets `Question`s, which carry the question and the
options as shown — never which option is right or what the expected typed answer is (the store's `questions`
query does not even select them). Answers are stored as given; they are compared with the right ones only at
submission. Afterwards the trainee sees score, pass or fail and, per item, their answer and right/almost/wrong;
the right answers themselves only once the exam has closed, so they cannot pass to someone still to sit it or
to their own next attempt (`exam_review`).

**Scoring** is `answers.score` for typed items (right 1, almost ½, wrong 0: `answers.POINTS`) and the option
picked for choice and listening (right 1, wrong 0). Unanswered items are wrong. Percent = points / items.

**FSRS.** Each answered item is a review of the trainee's card (phrase, language, direction), logged when the
attempt is submitted and dated then (an attempt closed by the clock: at its deadline) with mode `exam:<mode>`,
grade as the drill would propose it (typed: right Good, almost Hard, wrong Again; choice: right Good, wrong Again).
As in extra practice (`practice.counts_for_schedule`), it moves the schedule when the card is due anyway; and also,
whatever the due date, when the answer was wrong — a lapse found in an exam is real and the card should come back
soon. A right answer on a card not yet due, and any answer on a card never studied, or on a card reviewed since the
answer was given (say, drilled after an abandoned attempt's deadline, before anyone closed it), is logged as
`extra:exam:<mode>` and leaves the card as it was (early successes would inflate stability; new cards are
introduced by the drill within its daily limit; a review older than the card's last one would run its clock
backwards). Items never answered are not reviews. A trainee without a card for the item (a language they do not
study) gets no review.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from phrasebook.answers import POINTS, Outcome, Score, score
from phrasebook.clock import iso, local, parse
from phrasebook.errors import PhrasebookError
from phrasebook.exams import Exam, get_exam
from phrasebook.modes import CHOICE, LISTENING, TYPED, logged
from phrasebook.people import Person
from phrasebook.practice import counts_for_schedule
from phrasebook.scheduler import AGAIN, GOOD, NEW, CardState, Scheduler
from phrasebook.session import card_state
from phrasebook.store import Store
from phrasebook.store import cards as cards_q
from phrasebook.store import exams as q

EXAM_PREFIX = "exam:"
MAX_REVIEW_MS = 60_000


@dataclass(frozen=True)
class Attempt:
    id: int
    exam_id: int
    person_id: int
    number: int
    session_id: int | None
    started_at: datetime
    deadline: datetime
    submitted_at: datetime | None
    auto_submitted: bool
    points: float | None
    percent: float | None
    passed: bool | None

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    def remaining(self, now: datetime) -> timedelta:
        """Time left (never negative; zero once submitted)."""
        return timedelta(0) if self.submitted else max(timedelta(0), self.deadline - now)


def _attempt(row) -> Attempt:
    return Attempt(id=row["id"], exam_id=row["exam_id"], person_id=row["person_id"], number=row["number"],
                   session_id=row["session_id"], started_at=parse(row["started_at"]), deadline=parse(row["deadline"]),
                   submitted_at=parse(row["submitted_at"]), auto_submitted=bool(row["auto_submitted"]),
                   points=row["points"], percent=row["percent"],
                   passed=None if row["passed"] is None else bool(row["passed"]))


def get_attempt(store: Store, attempt_id: int) -> Attempt:
    row = q.attempt(store, attempt_id)
    if row is None:
        raise PhrasebookError("exam.err.no_attempt")
    return _attempt(row)


@dataclass(frozen=True)
class Question:
    """One item as the trainee's screen shows it during the attempt: no right answer in here."""

    item_id: int
    number: int                # the item's number on the paper (as results and staff number it), 1-based
    mode: str                  # typed | choice | listening
    lang: str
    direction: str
    prompt: str                # the Chinese line (produce), or the foreign phrase (recognise; heard in listening)
    prompt_aid: str | None
    options: tuple[str, ...]   # in this attempt's order
    typed: str | None          # the answer given so far
    picked: int | None         # index into `options`

    @property
    def answered(self) -> bool:
        return bool(self.typed) or self.picked is not None


def questions(store: Store, attempt: Attempt) -> list[Question]:
    out = []
    for r in q.questions(store, attempt.id):
        options, shown = json.loads(r["options"]), json.loads(r["shown"])
        picked = shown.index(r["picked"]) if r["picked"] is not None else None
        out.append(Question(item_id=r["item_id"], number=r["paper"] + 1, mode=r["mode"], lang=r["lang"],
                            direction=r["direction"], prompt=r["prompt"], prompt_aid=r["prompt_aid"],
                            options=tuple(options[i] for i in shown), typed=r["typed"], picked=picked))
    return out


def best_attempt(attempts: list[Attempt]) -> Attempt | None:
    """The attempt that counts for a trainee: the highest score, the earlier one on a tie."""
    done = [a for a in attempts if a.submitted]
    return max(done, key=lambda a: (a.percent or 0.0, -a.number), default=None)


# -- starting ------------------------------------------------------------------------------------------------
def running(store: Store, person: Person, now: datetime) -> Attempt | None:
    """The attempt the person is sitting now, if any. While there is one, the app keeps drill, extra practice and
    dialogues shut: they show the answers (an open-book exam otherwise)."""
    row = q.running_attempt(store, person.id, iso(now))
    return _attempt(row) if row else None


def attempts_of(store: Store, exam: Exam, person: Person) -> list[Attempt]:
    return [_attempt(r) for r in q.attempts(store, exam.id, person.id)]


def open_attempt(store: Store, exam: Exam, person: Person, now: datetime,
                 scheduler: Scheduler | None = None) -> Attempt | None:
    """The trainee's attempt in progress (after closing any whose time is up), if any."""
    close_expired(store, now, person_id=person.id, scheduler=scheduler)
    return next((a for a in attempts_of(store, exam, person) if not a.submitted), None)


def attempt_order(exam: Exam, person_id: int, number: int, items: list) -> list[tuple[int, int, list[int]]]:
    """(item id, position, option order) for one attempt: seeded by exam, trainee and attempt number."""
    rng = random.Random(f"exam-order|{exam.seed}|{person_id}|{number}")
    order = list(items)
    rng.shuffle(order)
    out = []
    for position, item in enumerate(order):
        shown = list(range(len(json.loads(item["options"]))))
        rng.shuffle(shown)
        out.append((item["id"], position, shown))
    return out


def start(store: Store, exam: Exam, person: Person, *, now: datetime, scheduler: Scheduler | None = None) -> Attempt:
    """Begin an attempt — or resume the one in progress. Only a current member of the exam's cohort, only while
    it is open, only while attempts are left."""
    if not q.is_member(store, exam.cohort_id, person.id):
        raise PhrasebookError("exam.err.not_member", title=exam.title, cohort=exam.cohort_name)
    current = open_attempt(store, exam, person, now, scheduler)
    if current is not None:
        return current
    state = exam.state(now)
    if state == "upcoming":
        raise PhrasebookError("exam.err.not_open", title=exam.title, opens=local(exam.opens_at))
    if state == "closed":
        raise PhrasebookError("exam.err.closed", title=exam.title, closes=local(exam.closes_at))
    number = len(attempts_of(store, exam, person)) + 1
    deadline = now + exam.time_for(now)
    status, attempt_id = q.start_attempt(
        store, exam_id=exam.id, person_id=person.id, allowed=exam.attempts_allowed, started_at=iso(now),
        deadline=iso(deadline), order=attempt_order(exam, person.id, number, q.items(store, exam.id)))
    if status == "used_up":
        raise PhrasebookError("exam.err.no_attempts", title=exam.title, allowed=exam.attempts_allowed)
    if status == "gone":
        raise PhrasebookError("exam.err.not_found", exam=exam.title)
    return get_attempt(store, attempt_id)


# -- answering -----------------------------------------------------------------------------------------------
def answer(store: Store, attempt: Attempt, question: Question, *, typed: str | None = None,
           picked: int | None = None, listened: bool = True, now: datetime,
           scheduler: Scheduler | None = None) -> None:
    """Keep (or change, or clear) one answer while time is left. `picked` indexes the options as shown;
    `listened` False: a listening item whose clip could not be heard here (its text was shown: logged as choice).
    At or after the deadline the answer is refused and the attempt is closed with what it had."""
    if picked is not None and not 0 <= picked < len(question.options):
        raise PhrasebookError("exam.err.bad_option", n=picked + 1)
    text = (typed or "").strip() or None
    item_option = None
    if picked is not None:
        shown = next((r["shown"] for r in q.questions(store, attempt.id) if r["item_id"] == question.item_id), None)
        if shown is None:
            get_attempt(store, attempt.id)  # the attempt (or its exam) deleted meanwhile: exam.err.no_attempt
            raise PhrasebookError("exam.err.bad_option", n=picked + 1)  # an item that is not on this paper
        item_option = json.loads(shown)[picked]
    mode = CHOICE if question.mode == LISTENING and not listened else question.mode
    if q.save_answer(store, attempt_id=attempt.id, item_id=question.item_id, typed=text if question.mode == TYPED
                     else None, picked=item_option, mode=mode, at=iso(now)):
        return
    fresh = get_attempt(store, attempt.id)
    if fresh.submitted:
        raise PhrasebookError("exam.err.submitted")
    if now < fresh.deadline:  # not the clock: an item that is not on this paper
        raise PhrasebookError("exam.err.bad_option", n=picked + 1 if picked is not None else 0)
    submit(store, fresh, now=now, scheduler=scheduler)
    raise PhrasebookError("exam.err.time_up")


# -- scoring -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Marked:
    outcome: Outcome
    points: float
    rating: int | None     # None: not answered (no review)
    typed_score: Score | None = None


def mark(mode: str, lang: str, *, typed: str | None, picked: int | None, answer_text: str,
         alternatives: tuple[str, ...], correct: int | None) -> Marked:
    """One response against the right answer: typed through `answers.score`, choices by the option picked."""
    if mode == TYPED:
        if not (typed or "").strip():
            return Marked(Outcome.WRONG, 0.0, None)
        found = score(typed, answer_text, lang, alternatives)
        return Marked(found.outcome, found.points, found.grade, found)
    if picked is None:
        return Marked(Outcome.WRONG, 0.0, None)
    outcome = Outcome.RIGHT if picked == correct else Outcome.WRONG
    return Marked(outcome, POINTS[outcome], GOOD if outcome is Outcome.RIGHT else AGAIN)


def mark_row(r) -> Marked:
    """One stored response (an `answer_key` row) marked."""
    return mark(r["mode"], r["lang"], typed=r["typed"], picked=r["picked"], answer_text=r["answer"],
                alternatives=tuple(json.loads(r["alternatives"])), correct=r["correct"])


def submit(store: Store, attempt: Attempt, *, now: datetime, scheduler: Scheduler | None = None) -> Attempt:
    """Close the attempt: score every item, store outcomes and the score in one transaction, then log the FSRS
    reviews. After the deadline it is dated at the deadline and marked as closed by the clock. Idempotent."""
    attempt = get_attempt(store, attempt.id)
    if not attempt.submitted:
        exam = get_exam(store, attempt.exam_id)
        auto = now >= attempt.deadline
        rows = q.answer_key(store, attempt.id)
        scored = [{"item_id": r["item_id"], **_scored(mark_row(r))} for r in rows]
        points = sum(s["points"] for s in scored)
        percent = points / len(rows) if rows else 0.0
        q.finalize(store, attempt_id=attempt.id, scored=scored, submitted_at=iso(min(now, attempt.deadline)),
                   auto=auto, points=points, percent=percent, passed=percent >= exam.pass_mark - 1e-9)
    log_reviews(store, attempt.id, scheduler=scheduler)
    return get_attempt(store, attempt.id)


def _scored(m: Marked) -> dict:
    return {"outcome": m.outcome.value, "points": m.points, "rating": m.rating}


def close_expired(store: Store, now: datetime, *, person_id: int | None = None,
                  scheduler: Scheduler | None = None) -> int:
    """Close every attempt whose time is up, and finish logging any closed one whose reviews were cut short."""
    rows = q.expired(store, iso(now), person_id)
    for row in rows:
        submit(store, _attempt(row), now=now, scheduler=scheduler)
    return len(rows)


def exam_counts(card: CardState, rating: int, at: datetime, *, answered: datetime | None = None) -> bool:
    """Does an exam answer logged `at` (given at `answered`) move the card's schedule? When the drill would ask
    the card then, or the answer was wrong (a real lapse); never for a card not studied yet, and never for one
    reviewed since the answer was given — its schedule has moved on, and an older answer replayed after a newer
    review would run the card's clock backwards."""
    if card.state == NEW or (card.last_review is not None and card.last_review > (answered or at)):
        return False
    return counts_for_schedule(card, at) or rating == AGAIN


def log_reviews(store: Store, attempt_id: int, *, scheduler: Scheduler | None = None) -> int:
    """A submitted attempt's answered items as reviews of the trainee's cards, once each, dated when it was
    submitted (never after its deadline, however late it was closed or logging resumed): after a crash part-way,
    logging again finds the keys already written (record_answer) and goes on. Returns how many were written now."""
    row = q.attempt(store, attempt_id)
    if row["reviews_logged"]:
        return 0
    attempt, scheduler = _attempt(row), scheduler or Scheduler()
    at = attempt.submitted_at
    rows = [r for r in q.answer_key(store, attempt.id) if r["rating"] is not None]
    spent = (at - attempt.started_at).total_seconds() * 1000
    duration = int(min(MAX_REVIEW_MS, spent / len(rows))) if rows else None
    written = 0
    for r in rows:
        card_id = q.card_for(store, attempt.person_id, r["phrase_pk"], r["lang"], r["direction"])
        if card_id is None:
            continue
        asked = EXAM_PREFIX + (r["asked"] or r["mode"])

        def plan(row, r=r, card_id=card_id, asked=asked) -> tuple[str, dict | None]:
            # Decided on the card as stored when the review is written: a drill in another terminal may have
            # moved it since the answer was given.
            before = card_state(row)
            counted = exam_counts(before, r["rating"], at, answered=parse(r["answered_at"]))
            after = scheduler.review(card_id, before, r["rating"], at).to_dict() if counted else None
            return logged(asked, scheduled=counted), after

        # One key per attempt and item: logging again after a crash finds it instead of answering twice. The
        # person and start time are in it because row ids come back after an exam is deleted.
        saved = cards_q.record_answer(
            store, key=f"exam:{attempt.person_id}:{iso(attempt.started_at)}:{attempt.id}:{r['item_id']}",
            card_id=card_id, person_id=attempt.person_id, session_id=attempt.session_id, rating=r["rating"],
            reviewed_at=iso(at), duration_ms=duration, plan=plan)
        written += saved.created
    q.mark_logged(store, attempt.id)
    return written


# -- what a trainee sees on their home ----------------------------------------------------------------------
@dataclass(frozen=True)
class Standing:
    """One exam from a trainee's side: its state, attempts used, the one in progress, the best so far."""

    exam: Exam
    state: str                 # upcoming | open | closed
    used: int
    current: Attempt | None
    best: Attempt | None

    @property
    def left(self) -> int:
        return max(0, self.exam.attempts_allowed - self.used)

    @property
    def can_start(self) -> bool:
        return self.current is not None or (self.state == "open" and self.left > 0)


def standings(store: Store, person: Person, now: datetime, scheduler: Scheduler | None = None, *,
              close: bool = True) -> list[Standing]:
    """The exams of the cohorts the person is enrolled in (staff studying on their own home: none of the cohorts
    they run), open ones first, with their own attempts. `close` False: as stored, without first closing the
    attempts whose time is up (a write, which a busy database refuses)."""
    from phrasebook.exams import exam_from_row

    if close:
        close_expired(store, now, person_id=person.id, scheduler=scheduler)
    out = []
    for exam in map(exam_from_row, q.exams_of_member(store, person.id)):
        mine = attempts_of(store, exam, person)
        out.append(Standing(exam, exam.state(now), len(mine), next((a for a in mine if not a.submitted), None),
                            best_attempt(mine)))
    rank = {"open": 0, "upcoming": 1, "closed": 2}  # soonest to close first; closed ones latest first
    return sorted(out, key=lambda s: (rank[s.state], (-1 if s.state == "closed" else 1)
                                      * s.exam.closes_at.timestamp()))
