"""Cohorts (期): a named group of trainees with dates and a trainer. Enrolment history is kept: withdrawing
stamps the enrolment instead of deleting it, and enrolling again starts a new one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from phrasebook.clock import iso, parse, parse_day
from phrasebook.errors import PhrasebookError
from phrasebook.people import Person, clean_text, person_from_row
from phrasebook.store import Store
from phrasebook.store import cohorts as q

MAX_NAME = 40


@dataclass(frozen=True)
class Cohort:
    id: int
    name: str
    starts_on: date
    ends_on: date
    trainer_id: int
    trainer_name: str
    trainer_staff_no: str
    members: int  # current enrolments


@dataclass(frozen=True)
class Member:
    person: Person
    enrolled_at: datetime
    withdrawn_at: datetime | None


@dataclass
class EnrolResult:
    enrolled: list[Person]
    already: list[Person]


def _cohort(row) -> Cohort:
    return Cohort(id=row["id"], name=row["name"], starts_on=date.fromisoformat(row["starts_on"]),
                  ends_on=date.fromisoformat(row["ends_on"]), trainer_id=row["trainer_id"],
                  trainer_name=row["trainer_name"], trainer_staff_no=row["trainer_staff_no"], members=row["members"])


def require_day(value: object, field: str) -> date:
    """A date typed by a person, or an error naming the field and the forms accepted."""
    found = parse_day(value)
    if found is None:
        raise PhrasebookError("cohort.err.bad_date", field=field, value=value)
    return found


def create_cohort(store: Store, *, name: str, starts_on: object, ends_on: object, trainer: Person,
                  now: datetime) -> Cohort:
    """A new cohort; the trainer must be a trainer or coordinator; the name (第12期) is unique."""
    name = clean_text(name)
    if not name:
        raise PhrasebookError("cohort.err.name_empty")
    if len(name) > MAX_NAME:
        raise PhrasebookError("cohort.err.name_long", limit=MAX_NAME)
    start, end = require_day(starts_on, "starts_on"), require_day(ends_on, "ends_on")
    if end < start:
        raise PhrasebookError("cohort.err.ends_before_start", starts_on=start, ends_on=end)
    if trainer.role not in ("trainer", "coordinator") or not trainer.active:
        raise PhrasebookError("cohort.err.not_a_trainer", name=trainer.name, staff_no=trainer.staff_no)
    if q.cohort_by_name(store, name):
        raise PhrasebookError("cohort.err.name_taken", name=name)
    cohort_id = q.insert_cohort(store, name=name, starts_on=start.isoformat(), ends_on=end.isoformat(),
                                trainer_id=trainer.id, created_at=iso(now))
    return get_cohort(store, cohort_id)


def get_cohort(store: Store, which: int | str) -> Cohort:
    """By id, or by name as typed (full-width digits and stray spaces forgiven)."""
    row = q.cohort(store, which) if isinstance(which, int) else q.cohort_by_name(store, clean_text(which))
    if row is None:
        raise PhrasebookError("cohort.err.not_found", name=which)
    return _cohort(row)


def list_cohorts(store: Store, viewer: Person | None = None) -> list[Cohort]:
    """The cohorts a viewer deals with: a trainer's own, a trainee's current ones, all for a coordinator
    (or for the administrator's CLI, viewer None)."""
    if viewer is None or viewer.role == "coordinator":
        rows = q.cohorts(store)
    elif viewer.role == "trainer":
        rows = q.cohorts(store, trainer_id=viewer.id)
    else:
        rows = q.cohorts(store, member_id=viewer.id)
    return [_cohort(r) for r in rows]


def check_enrollable(person: Person) -> None:
    if person.role != "trainee":
        raise PhrasebookError("cohort.err.not_a_trainee", name=person.name, staff_no=person.staff_no)
    if not person.active:
        raise PhrasebookError("cohort.err.inactive", name=person.name, staff_no=person.staff_no)


def enrol(store: Store, cohort: Cohort, people: list[Person], *, now: datetime) -> EnrolResult:
    """Enrol trainees (all or none); those already enrolled are reported, not doubled."""
    for person in people:
        check_enrollable(person)
    result = EnrolResult(enrolled=[], already=[])
    with store.write() as conn:
        for person in people:
            (result.enrolled if q.enrol(conn, cohort.id, person.id, iso(now)) else result.already).append(person)
    return result


def withdraw(store: Store, cohort: Cohort, person: Person, *, now: datetime) -> None:
    """End a current enrolment; the row (and all progress) stays for the record."""
    if not q.withdraw(store, cohort.id, person.id, iso(now)):
        raise PhrasebookError("cohort.err.not_enrolled", name=person.name, staff_no=person.staff_no,
                              cohort=cohort.name)


def members(store: Store, cohort: Cohort, *, include_withdrawn: bool = False) -> list[Member]:
    return [Member(person=person_from_row(r), enrolled_at=parse(r["enrolled_at"]),
                   withdrawn_at=parse(r["withdrawn_at"]))
            for r in q.members(store, cohort.id, include_withdrawn=include_withdrawn)]
