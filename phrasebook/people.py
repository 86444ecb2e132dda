"""Trainees and their study settings. (Roles and PINs arrive with the trainers/coordinators work.)"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from phrasebook.clock import iso, utcnow
from phrasebook.errors import PhrasebookError
from phrasebook.store import Store
from phrasebook.store import people as q

STAFF_NO_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class StudySettings:
    languages: tuple[str, ...] = ("en",)
    new_per_day: int = 20
    reviews_per_day: int = 200
    autoplay: bool = True  # play the foreign phrase as soon as it is on screen

    @classmethod
    def from_json(cls, text: str) -> StudySettings:
        data = json.loads(text or "{}")
        base = cls()
        return cls(
            languages=tuple(data.get("languages") or base.languages),
            new_per_day=int(data.get("new_per_day", base.new_per_day)),
            reviews_per_day=int(data.get("reviews_per_day", base.reviews_per_day)),
            autoplay=bool(data.get("autoplay", base.autoplay)),
        )

    def to_dict(self) -> dict:
        return {"languages": list(self.languages), "new_per_day": self.new_per_day,
                "reviews_per_day": self.reviews_per_day, "autoplay": self.autoplay}


@dataclass(frozen=True)
class Person:
    id: int
    staff_no: str
    name: str
    department: str
    counter: str
    role: str
    settings: StudySettings = field(default_factory=StudySettings)


def _person(row) -> Person:
    return Person(id=row["id"], staff_no=row["staff_no"], name=row["name"], department=row["department"],
                  counter=row["counter"], role=row["role"], settings=StudySettings.from_json(row["settings"]))


def create_person(store: Store, *, name: str, staff_no: str, department: str = "", counter: str = "",
                  role: str = "trainee", settings: StudySettings | None = None) -> Person:
    """Add a person after checking the fields a clerk types; errors name the field."""
    name, staff_no = name.strip(), staff_no.strip()
    if not name:
        raise PhrasebookError("person.err.name_empty")
    if len(name) > 40:
        raise PhrasebookError("person.err.name_long")
    if not STAFF_NO_RE.match(staff_no):
        raise PhrasebookError("person.err.staff_no_format", staff_no=staff_no)
    if q.person_by_staff_no(store, staff_no):
        raise PhrasebookError("person.err.staff_no_taken", staff_no=staff_no)
    settings = settings or StudySettings()
    pid = q.insert_person(store, staff_no=staff_no, name=name, department=department.strip(),
                          counter=counter.strip(), role=role, settings=settings.to_dict(), created_at=iso(utcnow()))
    return get_person(store, pid)


def get_person(store: Store, person_id: int) -> Person:
    row = q.person(store, person_id)
    if row is None:
        raise PhrasebookError("person.err.not_found", who=person_id)
    return _person(row)


def find_person(store: Store, staff_no: str) -> Person:
    row = q.person_by_staff_no(store, staff_no.strip())
    if row is None:
        raise PhrasebookError("person.err.not_found", who=staff_no)
    return _person(row)


def list_people(store: Store) -> list[Person]:
    return [_person(r) for r in q.people(store)]


def update_settings(store: Store, person: Person, settings: StudySettings) -> Person:
    q.save_person_settings(store, person.id, settings.to_dict())
    return get_person(store, person.id)
