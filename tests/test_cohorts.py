"""Cohorts: creation rules, enrolment and withdrawal with history kept."""

from __future__ import annotations

from datetime import date

import pytest

from phrasebook.cohorts import create_cohort, enrol, get_cohort, list_cohorts, members, withdraw
from phrasebook.errors import PhrasebookError
from phrasebook.people import create_person


@pytest.fixture
def staff(mini_store, clock):
    now = clock()
    return {
        "li": create_person(mini_store, name="李娜", staff_no="T1", role="trainer", now=now),
        "wang": create_person(mini_store, name="王芳", staff_no="C1", now=now),
        "chen": create_person(mini_store, name="陈明", staff_no="C2", now=now),
    }


def test_create_and_find(mini_store, clock, staff):
    c = create_cohort(mini_store, name=" 第１２期 ", starts_on="2026/11/23", ends_on="2026年12月31日",
                      trainer=staff["li"], now=clock())
    assert (c.name, c.starts_on, c.ends_on) == ("第12期", date(2026, 11, 23), date(2026, 12, 31))
    assert c.trainer_name == "李娜"
    assert get_cohort(mini_store, "第12期").id == c.id == get_cohort(mini_store, c.id).id
    assert [x.name for x in list_cohorts(mini_store, staff["li"])] == ["第12期"]
    assert list_cohorts(mini_store, staff["wang"]) == []


@pytest.mark.parametrize(("fields", "key"), [
    ({"name": ""}, "cohort.err.name_empty"),
    ({"starts_on": "11/23"}, "cohort.err.bad_date"),
    ({"ends_on": "2026-02-30"}, "cohort.err.bad_date"),
    ({"ends_on": "2026-11-01"}, "cohort.err.ends_before_start"),
    ({"trainer": "wang"}, "cohort.err.not_a_trainer"),
])
def test_create_refuses_bad_input(mini_store, clock, staff, fields, key):
    args = {"name": "第12期", "starts_on": "2026-11-23", "ends_on": "2026-12-31", "trainer": "li", **fields}
    args["trainer"] = staff[args["trainer"]]
    with pytest.raises(PhrasebookError) as err:
        create_cohort(mini_store, now=clock(), **args)
    assert err.value.key == key
    assert mini_store.value("SELECT count(*) FROM cohorts") == 0


def test_names_are_unique(mini_store, clock, staff):
    create_cohort(mini_store, name="第12期", starts_on="2026-11-23", ends_on="2026-12-31", trainer=staff["li"],
                  now=clock())
    with pytest.raises(PhrasebookError) as err:
        create_cohort(mini_store, name="第12期", starts_on="2027-01-01", ends_on="2027-02-01", trainer=staff["li"],
                      now=clock())
    assert err.value.key == "cohort.err.name_taken"


def test_enrol_withdraw_and_enrol_again_keep_history(mini_store, clock, staff):
    c = create_cohort(mini_store, name="第12期", starts_on="2026-11-23", ends_on="2026-12-31", trainer=staff["li"],
                      now=clock())
    first = enrol(mini_store, c, [staff["wang"], staff["chen"]], now=clock())
    assert [p.staff_no for p in first.enrolled] == ["C1", "C2"] and first.already == []
    again = enrol(mini_store, c, [staff["wang"]], now=clock())
    assert again.enrolled == [] and [p.staff_no for p in again.already] == ["C1"]
    assert get_cohort(mini_store, c.id).members == 2
    clock.advance(days=3)
    withdraw(mini_store, c, staff["wang"], now=clock())
    assert [m.person.staff_no for m in members(mini_store, c)] == ["C2"]
    with pytest.raises(PhrasebookError) as err:
        withdraw(mini_store, c, staff["wang"], now=clock())
    assert err.value.key == "cohort.err.not_enrolled"
    clock.advance(days=3)
    enrol(mini_store, c, [staff["wang"]], now=clock())
    history = members(mini_store, c, include_withdrawn=True)
    wang = [m for m in history if m.person.staff_no == "C1"]
    assert len(wang) == 2 and wang[0].withdrawn_at is not None and wang[1].withdrawn_at is None


def test_only_active_trainees_can_be_enrolled(mini_store, clock, staff):
    from phrasebook.people import set_active

    c = create_cohort(mini_store, name="第12期", starts_on="2026-11-23", ends_on="2026-12-31", trainer=staff["li"],
                      now=clock())
    with pytest.raises(PhrasebookError) as err:
        enrol(mini_store, c, [staff["wang"], staff["li"]], now=clock())
    assert err.value.key == "cohort.err.not_a_trainee"
    assert get_cohort(mini_store, c.id).members == 0  # all or nothing
    gone = set_active(mini_store, staff["chen"], False)
    with pytest.raises(PhrasebookError) as err:
        enrol(mini_store, c, [gone], now=clock())
    assert err.value.key == "cohort.err.inactive"
