"""Assignments: validation, merging cohort and personal ones, mastery, and the drill following the pace."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from phrasebook.assignments import (
    assign,
    evaluation_moment,
    list_assignments,
    moment_us,
    pace,
    parse_target,
    plans,
    unassign,
)
from phrasebook.clock import iso, study_day
from phrasebook.cohorts import create_cohort, enrol, withdraw
from phrasebook.errors import PhrasebookError
from phrasebook.people import StudySettings, create_person
from phrasebook.scheduler import EASY, GOOD, LEARNING, REVIEW, CardState
from phrasebook.session import DrillSession, prepare
from phrasebook.store import assignments as q
from phrasebook.store import cards as cards_q


@pytest.fixture
def setup(mini_store, clock):
    now = clock()
    trainer = create_person(mini_store, name="李老师", staff_no="T1", role="trainer", now=now)
    wang = create_person(mini_store, name="王芳", staff_no="C1", now=now,
                         settings=StudySettings(languages=("en",), new_per_day=1))
    today = study_day(now)
    cohort = create_cohort(mini_store, name="第12期", starts_on=today, ends_on=today + timedelta(days=30),
                           trainer=trainer, now=now)
    enrol(mini_store, cohort, [wang], now=now)
    return {"trainer": trainer, "wang": wang, "cohort": cohort, "today": today}


def test_target_forms():
    assert parse_target("90%") == parse_target(90) == parse_target("0.9") == parse_target("９０％") == 0.9
    assert parse_target("1%") == 0.01 and parse_target("0.5%") == 0.005  # a percent sign always means percent
    for bad in ("abc", 0, "150%", -1):
        with pytest.raises(PhrasebookError):
            parse_target(bad)


def test_mastery_definition(mini_store):
    """Review state and recall ≥ 90 % at the start of the due date. FSRS stability S is the number of days after
    which recall falls to 90 %, so with S = 10.5 a card reviewed 9–10 whole days before the due date is mastered
    and one reviewed 12–13 days before is not; once the due date has passed, today is used instead.
    Checked where reports and pacing compute it: the store's SQL."""
    person = create_person(mini_store, name="王芳", staff_no="C1")
    prepare(mini_store, person)
    card_id = mini_store.value("SELECT id FROM cards WHERE person_id = ? AND lang = 'en' ORDER BY id LIMIT 1",
                               (person.id,))

    def mastered(card: CardState, due_on: date, now: datetime) -> bool:
        with mini_store.write() as conn:
            cards_q.set_card_states(conn, [{**card.to_dict(), "id": card_id}])
        at = moment_us(evaluation_moment(due_on, now))
        return q.progress(mini_store, person.id, "mini", "en", since=iso(now), at_us=at)["mastered"] == 1

    reviewed = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
    card = CardState(state=REVIEW, stability=10.5, difficulty=5.0, due=reviewed + timedelta(days=10),
                     last_review=reviewed)
    assert mastered(card, date(2026, 11, 11), now=reviewed)
    assert not mastered(card, date(2026, 11, 14), now=reviewed)
    assert not mastered(card, date(2026, 11, 5), now=datetime(2026, 11, 14, 10, 0, tzinfo=UTC))
    assert not mastered(replace(card, state=LEARNING, stability=50.0), date(2026, 11, 11), now=reviewed)


@pytest.mark.parametrize(("change", "key"), [
    ({"deck_ids": ["nope"]}, "assign.err.deck"),
    ({"langs": ["ko"]}, "assign.err.lang"),
    ({"due_on": "someday"}, "assign.err.due"),
    ({"due_on": "2020-01-01"}, "assign.err.due_past"),
    ({"target": "0"}, "assign.err.target"),
    ({"langs": []}, "assign.err.nothing"),
    ({"person": "wang"}, "assign.err.holder"),
])
def test_bad_assignments_are_refused_whole(mini_store, clock, setup, change, key):
    args = {"deck_ids": ["mini"], "langs": ["en", "ja"], "due_on": setup["today"] + timedelta(days=9),
            "cohort": setup["cohort"], **change}
    if args.get("person") == "wang":
        args["person"] = setup["wang"]
    with pytest.raises(PhrasebookError) as err:
        assign(mini_store, now=clock(), **args)
    assert err.value.key == key
    assert mini_store.value("SELECT count(*) FROM assignments") == 0


def test_reassigning_moves_the_due_date_and_merging_takes_the_earliest(mini_store, clock, setup):
    today, cohort, wang = setup["today"], setup["cohort"], setup["wang"]
    first = assign(mini_store, deck_ids=["mini"], langs=["ja"], due_on=today + timedelta(days=20), cohort=cohort,
                   by=setup["trainer"], now=clock())
    again = assign(mini_store, deck_ids=["mini"], langs=["ja"], due_on=today + timedelta(days=15), target="80%",
                   cohort=cohort, now=clock())
    assert first[0].id == again[0].id and again[0].due_on == today + timedelta(days=15) and again[0].target == 0.8
    assign(mini_store, deck_ids=["mini"], langs=["ja"], due_on=today + timedelta(days=10), person=wang, now=clock())
    merged = plans(mini_store, wang, clock())
    assert [(p.deck_id, p.lang, p.due_on, p.target, p.total) for p in merged] == [
        ("mini", "ja", today + timedelta(days=10), 0.9, 6)]
    personal = list_assignments(mini_store, person=wang)[0]
    unassign(mini_store, personal.id)
    assert plans(mini_store, wang, clock())[0].due_on == today + timedelta(days=15)
    withdraw(mini_store, cohort, wang, now=clock())
    assert plans(mini_store, wang, clock()) == []
    with pytest.raises(PhrasebookError):
        unassign(mini_store, personal.id)


def test_the_drill_follows_the_pace(mini_store, clock, setup):
    """6 ja cards due in 6 days: buffer 6 // 3 = 2 days, so 4 study days → ceil(6 / 4) = 2 new a day, above the
    trainee's own limit of 1. The assigned ja cards come before the en cards they study anyway."""
    today, wang = setup["today"], setup["wang"]
    assign(mini_store, deck_ids=["mini"], langs=["ja"], due_on=today + timedelta(days=6), cohort=setup["cohort"],
           now=clock())
    session = DrillSession(mini_store, wang, clock=clock)
    assert (session.pace.needed, session.new_limit) == (2, 2)
    assert session.remaining()["new"] == 2
    introduced = []
    while (prompt := session.next()) is not None:
        if prompt.card.state == 0:
            introduced.append((prompt.phrase_id, prompt.lang))
        session.answer(prompt, EASY)
    assert introduced == [("mini-001", "ja"), ("mini-002", "ja")]
    # Later the same day the share is unchanged (counted from the start of the day) and already done.
    clock.advance(hours=1)
    again = DrillSession(mini_store, wang, clock=clock)
    plan = again.pace.plans[0]
    assert (plan.introduced, plan.introduced_today, plan.remaining, again.pace.needed) == (2, 2, 6, 2)
    assert again.next() is None
    # Next day: 4 left over 3 study days → 2 again.
    clock.advance(days=1)
    tomorrow = DrillSession(mini_store, wang, clock=clock)
    assert tomorrow.pace.needed == 2 and tomorrow.pace.plans[0].remaining == 4


def test_without_assignments_the_own_limit_applies(mini_store, clock, setup):
    session = DrillSession(mini_store, setup["wang"], clock=clock)
    assert session.new_limit == 1 and pace(mini_store, setup["wang"], clock()).needed == 0
    first = session.next()
    assert (first.phrase_id, first.lang) == ("mini-001", "en")
    session.answer(first, GOOD)
