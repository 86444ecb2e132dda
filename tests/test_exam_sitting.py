"""Sitting an exam with a fake clock: the window, the time limit, attempts, no answer leaking before submission,
scoring at submission, and every answer as an FSRS review (or a logged extra) that `doctor` agrees with."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from phrasebook.answers import Outcome
from phrasebook.clock import iso
from phrasebook.doctor import check
from phrasebook.errors import PhrasebookError
from phrasebook.exam_review import review
from phrasebook.exam_sitting import (
    answer,
    exam_counts,
    get_attempt,
    open_attempt,
    questions,
    standings,
    start,
    submit,
)
from phrasebook.exams import paper
from phrasebook.people import StudySettings, update_settings
from phrasebook.scheduler import AGAIN, NEW, REVIEW
from phrasebook.session import DrillSession, card_state
from phrasebook.store import cards as cards_q
from phrasebook.store import exams as exams_q
from phrasebook.store import open_store
from tests.test_exams import define, people, store  # noqa: F401  (fixtures)


def key_of(store, exam):  # noqa: F811
    """item id → the item with its right answer (what only staff and scoring read)."""
    return {r["id"]: r for r in paper(store, exam)}


def right_option(item, question) -> int:
    return question.options.index(json.loads(item["options"])[item["correct"]])


def wrong_option(item, question) -> int:
    return next(i for i in range(len(question.options)) if i != right_option(item, question))


def answer_rightly(store, attempt, exam, question, now):  # noqa: F811
    item = key_of(store, exam)[question.item_id]
    if question.mode == "typed":
        answer(store, attempt, question, typed=item["answer"].replace("\u0301", ""), now=now)
    else:
        answer(store, attempt, question, picked=right_option(item, question), now=now)


# -- leakage -------------------------------------------------------------------------------------------------
def test_nothing_on_the_trainees_side_holds_a_right_answer_before_submission(store, people, clock):  # noqa: F811
    exam = define(store, people["c12"], clock, langs=["en", "ru"], modes=["typed"], decks=["greeting"])
    attempt = start(store, exam, people["C1"], now=clock())
    qs = questions(store, attempt)
    answers = {r["answer"] for r in paper(store, exam)}
    for q in qs:
        assert q.mode == "typed" and q.options == ()
        assert not {str(v) for v in vars(q).values()} & answers
    rows = exams_q.questions(store, attempt.id)
    assert not set(rows[0].keys()) & {"answer", "alternatives", "correct", "outcome", "points"}
    answer(store, attempt, qs[0], typed="Hello", now=clock())
    stored = store.rows("SELECT outcome, points, rating FROM exam_answers WHERE attempt_id = ?", (attempt.id,))
    assert all(tuple(r) == (None, None, None) for r in stored)  # nothing is marked until submission
    assert questions(store, attempt)[0].typed == "Hello"


def test_after_submission_marks_at_once_right_answers_once_the_exam_has_closed(store, people, clock):  # noqa: F811
    exam = define(store, people["c12"], clock, modes=["typed", "choice"], items=6)
    attempt = start(store, exam, people["C1"], now=clock())
    qs = questions(store, attempt)
    for q in qs[:4]:
        answer_rightly(store, attempt, exam, q, clock())
    attempt = submit(store, attempt, now=clock() + timedelta(minutes=3))
    assert (attempt.points, attempt.percent, attempt.passed, attempt.auto_submitted) == (4.0, 4 / 6, True, False)
    mine = review(store, attempt, viewer=people["C1"], now=clock())
    answered = {q.number for q in qs[:4]}  # the review lists items in paper order
    assert [i.outcome for i in mine.items] == [Outcome.RIGHT if n in answered else Outcome.WRONG for n in range(1, 7)]
    assert not mine.answers_shown and all(i.right_answer is None and i.typed_score is None for i in mine.items)
    assert all(i.given is None for i in mine.items) and mine.answered == 4  # a right answer given is the answer
    staff = review(store, attempt, viewer=people["T1"], now=clock())
    assert staff.answers_shown and all(i.right_answer for i in staff.items)
    assert [i.given == i.right_answer.replace("\u0301", "") for i in staff.items if i.answered] == [True] * 4
    later = review(store, attempt, viewer=people["C1"], now=exam.closes_at)
    assert later.answers_shown and [i.right_answer for i in later.items] == [i.right_answer for i in staff.items]
    for outsider in ("C2", "T2"):  # another trainee, another cohort's trainer
        with pytest.raises(PhrasebookError):
            review(store, attempt, viewer=people[outsider], now=clock())


# -- the clock -----------------------------------------------------------------------------------------------
def test_answers_after_the_deadline_are_refused_and_the_attempt_closes_itself(store, people, clock):  # noqa: F811
    exam = define(store, people["c12"], clock, modes=["choice"], items=5, minutes=20)
    attempt = start(store, exam, people["C1"], now=clock())
    assert attempt.deadline == clock() + timedelta(minutes=20) and attempt.remaining(clock()) == timedelta(minutes=20)
    qs = questions(store, attempt)
    clock.advance(minutes=19, seconds=59)
    answer_rightly(store, attempt, exam, qs[0], clock())
    clock.advance(seconds=1)  # exactly at the deadline
    with pytest.raises(PhrasebookError) as err:
        answer_rightly(store, attempt, exam, qs[1], clock())
    assert err.value.key == "exam.err.time_up"
    closed = get_attempt(store, attempt.id)
    assert closed.submitted_at == attempt.deadline and closed.auto_submitted and closed.points == 1.0
    assert questions(store, attempt)[1].picked is None
    with pytest.raises(PhrasebookError) as err:
        answer_rightly(store, attempt, exam, qs[2], clock())
    assert err.value.key == "exam.err.submitted"


def test_a_restart_resumes_the_attempt_with_its_clock_running(store, people, clock, real_db):  # noqa: F811
    exam = define(store, people["c12"], clock, minutes=30)
    first = start(store, exam, people["C1"], now=clock())
    clock.advance(minutes=12)
    other = open_store(real_db)  # the app started again
    try:
        again = start(other, exam, people["C1"], now=clock())
        assert again.id == first.id and again.deadline == first.deadline
        assert again.remaining(clock()) == timedelta(minutes=18)
    finally:
        other.close()


def test_a_forgotten_attempt_is_closed_by_the_clock_when_anyone_looks(store, people, clock):  # noqa: F811
    exam = define(store, people["c12"], clock, modes=["choice"], items=4, minutes=10)
    attempt = start(store, exam, people["C1"], now=clock())
    answer_rightly(store, attempt, exam, questions(store, attempt)[0], clock())
    clock.advance(hours=3)
    assert open_attempt(store, exam, people["C1"], clock()) is None
    closed = get_attempt(store, attempt.id)
    assert closed.auto_submitted and closed.submitted_at == attempt.deadline and closed.percent == 0.25
    (standing,) = standings(store, people["C1"], clock())
    assert standing.best.id == attempt.id and standing.left == 0 and not standing.can_start


def test_only_members_see_an_exam_on_their_home(store, people, clock):  # noqa: F811
    exam = define(store, people["c12"], clock)
    assert [s.exam.id for s in standings(store, people["C1"], clock())] == [exam.id]
    assert standings(store, people["T1"], clock()) == []  # the trainer runs the cohort but does not sit it
    assert standings(store, people["C9"], clock()) == []  # another cohort


def test_the_open_window(store, people, clock):  # noqa: F811
    exam = define(store, people["c12"], clock, opens=clock() + timedelta(hours=1),
                  closes=clock() + timedelta(hours=1, minutes=10), minutes=30)
    with pytest.raises(PhrasebookError) as err:
        start(store, exam, people["C1"], now=clock())
    assert err.value.key == "exam.err.not_open"
    clock.advance(hours=1, minutes=5)
    assert exam.time_for(clock()) == timedelta(minutes=5)  # not the 30-minute limit
    attempt = start(store, exam, people["C1"], now=clock())
    assert attempt.deadline == exam.closes_at  # never after the exam closes
    clock.advance(minutes=5)
    with pytest.raises(PhrasebookError) as err:
        start(store, exam, people["C2"], now=clock())
    assert err.value.key == "exam.err.closed"
    with pytest.raises(PhrasebookError) as err:
        start(store, exam, people["C9"], now=clock() - timedelta(minutes=6))  # enrolled in another cohort
    assert err.value.key == "exam.err.not_member"


def test_attempts_allowed(store, people, clock):  # noqa: F811
    exam = define(store, people["c12"], clock, attempts=2, items=3, modes=["choice"])
    first = start(store, exam, people["C1"], now=clock())
    assert start(store, exam, people["C1"], now=clock()).id == first.id  # the open one is resumed, not doubled
    submit(store, first, now=clock())
    second = start(store, exam, people["C1"], now=clock())
    assert second.number == 2 and second.id != first.id
    # each attempt has its own order of items and options
    assert [q.item_id for q in questions(store, first)] != [q.item_id for q in questions(store, second)] \
        or [q.options for q in questions(store, first)] != [q.options for q in questions(store, second)]
    submit(store, second, now=clock())
    with pytest.raises(PhrasebookError) as err:
        start(store, exam, people["C1"], now=clock())
    assert err.value.key == "exam.err.no_attempts"
    assert store.value("SELECT count(*) FROM exam_attempts") == 2


# -- FSRS ----------------------------------------------------------------------------------------------------
def test_exam_counts_rule():
    from phrasebook.scheduler import CardState
    from tests.conftest import FakeClock

    now = FakeClock().now
    due = CardState(state=REVIEW, stability=5, difficulty=5, due=now - timedelta(hours=1), last_review=now)
    later = CardState(state=REVIEW, stability=5, difficulty=5, due=now + timedelta(days=3), last_review=now)
    assert exam_counts(due, 3, now) and exam_counts(due, AGAIN, now)
    assert not exam_counts(later, 3, now) and exam_counts(later, AGAIN, now)
    assert not exam_counts(CardState(), AGAIN, now)
    # answered five minutes before the card's last review: that review's schedule stands
    assert not exam_counts(due, AGAIN, now, answered=now - timedelta(minutes=5))
    assert exam_counts(due, AGAIN, now, answered=now)


def learn(store, person, clock, deck: str) -> None:  # noqa: F811
    s = DrillSession(store, person, deck=deck, lang="en", clock=clock)
    while (p := s.next()) is not None:
        s.answer(p, 4)  # Easy: straight to review
    s.finish()


def test_exam_answers_are_reviews_by_the_rule_and_doctor_agrees(store, people, clock, real_db):  # noqa: F811
    person = update_settings(store, people["C1"], StudySettings(languages=("en", "ru"), new_per_day=500))
    learn(store, person, clock, "greeting")
    clock.advance(days=60)  # greeting cards are due now
    learn(store, person, clock, "identity")  # identity cards: just learnt, not due
    exam = define(store, people["c12"], clock, modes=["choice", "listening"], items=24, minutes=30,
                  opens=clock() - timedelta(hours=1), closes=clock() + timedelta(days=1))
    attempt = start(store, exam, person, now=clock())
    key, expected, cards_before, seen = key_of(store, exam), {}, {}, []
    qs = questions(store, attempt)
    for n, q in enumerate(qs):
        item = key[q.item_id]
        card_id = exams_q.card_for(store, person.id, item["phrase_pk"], q.lang, q.direction)
        before = card_state(cards_q.card(store, card_id))
        cards_before[card_id] = before
        if n == len(qs) - 1:
            continue  # not answered: no review
        if before.state == NEW:
            kind = "new"
        elif before.due <= clock():
            kind = "due"
        else:
            kind = "later"
        right = seen.count(kind) % 2 == 0  # right and wrong answers in every kind of card
        seen.append(kind)
        answer(store, attempt, q, picked=right_option(item, q) if right else wrong_option(item, q),
               listened=n % 3 != 0, now=clock())
        asked = "choice" if q.mode == "listening" and n % 3 == 0 else q.mode
        counted = kind == "due" or (kind == "later" and not right)
        expected[card_id] = (("" if counted else "extra:") + "exam:" + asked, 3 if right else AGAIN, counted, kind)
        clock.advance(seconds=10)
    clock.advance(minutes=1)
    submitted = submit(store, attempt, now=clock())
    assert submitted.points == sum(1 for e in expected.values() if e[1] == 3)
    logged = {r["card_id"]: r for r in store.rows(
        "SELECT card_id, mode, rating, duration_ms FROM reviews WHERE session_id = ?", (attempt.session_id,))}
    assert set(logged) == set(expected)  # the unanswered item is not a review
    kinds = set()
    for card_id, (mode, rating, counted, kind) in expected.items():
        kinds.add((kind, rating == 3))
        assert (logged[card_id]["mode"], logged[card_id]["rating"]) == (mode, rating), kind
        now_state = card_state(cards_q.card(store, card_id))
        assert (now_state != cards_before[card_id]) == counted, (kind, rating)
        assert 0 < logged[card_id]["duration_ms"] <= 60_000
    assert {("new", True), ("new", False), ("due", True), ("due", False), ("later", True), ("later", False)} <= kinds
    assert submit(store, submitted, now=clock()).id == submitted.id  # submitting again changes nothing
    assert store.value("SELECT count(*) FROM reviews WHERE session_id = ?", (attempt.session_id,)) == len(expected)
    report = check(store)
    assert report.ok and not report.mismatched and report.cards_checked > 30


def test_a_card_drilled_since_the_exam_answer_is_left_as_the_drill_left_it(store, people, clock):  # noqa: F811
    """An attempt abandoned, its deadline passed, the cards drilled, and only then closed: its (wrong) answers are
    older than those drills, so they are logged as extra and the drill's schedule stands."""
    person = update_settings(store, people["C1"], StudySettings(languages=("en", "ru"), new_per_day=500))
    learn(store, person, clock, "greeting")
    clock.advance(days=60)  # every greeting card is due
    exam = define(store, people["c12"], clock, decks=["greeting"], langs=["en"], modes=["choice"], items=6,
                  minutes=10, opens=clock() - timedelta(hours=1), closes=clock() + timedelta(days=1))
    attempt = start(store, exam, person, now=clock())
    key = key_of(store, exam)
    for q in questions(store, attempt):
        answer(store, attempt, q, picked=wrong_option(key[q.item_id], q), now=clock())
    clock.advance(minutes=30)  # the deadline passes with nobody there to close the attempt
    drill = DrillSession(store, person, deck="greeting", lang="en", clock=clock)
    while (p := drill.next()) is not None:
        drill.answer(p, 3)
    drill.finish()
    cards = {r["id"]: card_state(cards_q.card(store, r["id"])) for r in store.rows("SELECT id FROM cards")}
    clock.advance(minutes=5)
    assert standings(store, person, clock())[0].best.id == attempt.id  # looking closes and logs it
    logged = store.rows("SELECT mode, reviewed_at FROM reviews WHERE session_id = ?", (attempt.session_id,))
    assert len(logged) == 6 and {r["mode"] for r in logged} == {"extra:exam:choice"}
    assert {r["reviewed_at"] for r in logged} == {iso(attempt.deadline)}
    assert {i: card_state(cards_q.card(store, i)) for i in cards} == cards
    assert check(store).ok


def test_logging_resumes_after_a_crash_without_doubling(store, people, clock):  # noqa: F811
    person = people["C1"]
    exam = define(store, people["c12"], clock, modes=["choice"], items=4)
    attempt = start(store, exam, person, now=clock())
    for q in questions(store, attempt):
        answer_rightly(store, attempt, exam, q, clock())
    rows = exams_q.answer_key(store, attempt.id)
    scored = [{"item_id": r["item_id"], "outcome": "right", "points": 1.0, "rating": 3} for r in rows]
    exams_q.finalize(store, attempt_id=attempt.id, scored=scored, submitted_at="2026-11-23T01:05:00.000000+00:00",
                     auto=False, points=4.0, percent=1.0, passed=True)
    first = rows[0]  # one review was written before the "crash"
    card_id = exams_q.card_for(store, person.id, first["phrase_pk"], first["lang"], first["direction"])
    key = f"exam:{person.id}:{iso(attempt.started_at)}:{attempt.id}:{first['item_id']}"  # as log_reviews makes it
    cards_q.record_answer(store, key=key, card_id=card_id, person_id=person.id,
                          session_id=attempt.session_id, rating=3,
                          reviewed_at="2026-11-23T01:05:00.000000+00:00", duration_ms=1000,
                          plan=lambda _row: ("extra:exam:choice", None))
    clock.advance(hours=2)
    assert standings(store, person, clock())  # looking closes and finishes what was left
    assert store.value("SELECT count(*) FROM reviews WHERE session_id = ?", (attempt.session_id,)) == 4
    assert {r[0] for r in store.rows("SELECT reviewed_at FROM reviews WHERE session_id = ?",
                                     (attempt.session_id,))} == {"2026-11-23T01:05:00.000000+00:00"}  # as submitted
    assert store.value("SELECT reviews_logged FROM exam_attempts WHERE id = ?", (attempt.id,)) == 1
