"""People (trainees, trainers, coordinators) and their study settings. PINs and role rules live in `auth`."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from phrasebook.clock import iso, utcnow
from phrasebook.errors import PhrasebookError
from phrasebook.store import Store
from phrasebook.store import people as q

STAFF_NO_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
ROLES = ("trainee", "trainer", "coordinator")
MAX_NAME, MAX_DEPARTMENT, MAX_COUNTER = 40, 40, 20


MAX_NEW_PER_DAY, MAX_REVIEWS_PER_DAY = 1000, 10_000


def _languages(value: object) -> tuple[str, ...]:
    """The known study languages in `value`, in order, once each; () when it is not a list of them."""
    from phrasebook.decks import LANGUAGES

    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(v for v in value if isinstance(v, str) and v in LANGUAGES))


def _count(value: object, limit: int, default: int) -> int:
    """A whole number of cards a day in 0..limit (20.0 counts as 20), else the default."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    if isinstance(value, float) and not value.is_integer():
        return default
    return int(value) if 0 <= value <= limit else default


@dataclass(frozen=True)
class StudySettings:
    languages: tuple[str, ...] = ("en",)
    new_per_day: int = 20
    reviews_per_day: int = 200
    autoplay: bool = True  # play the foreign phrase as soon as it is on screen

    @classmethod
    def from_json(cls, text: str) -> StudySettings:
        """Settings as stored; a value that is missing, of the wrong type or out of range (hand-edited, damaged,
        from another version) reads as its default, so a bad setting never locks a clerk out."""
        try:
            data = json.loads(text or "{}")
        except (ValueError, TypeError):
            data = {}
        if not isinstance(data, dict):
            data = {}
        base = cls()
        return cls(
            languages=_languages(data.get("languages")) or base.languages,
            new_per_day=_count(data.get("new_per_day"), MAX_NEW_PER_DAY, base.new_per_day),
            reviews_per_day=_count(data.get("reviews_per_day"), MAX_REVIEWS_PER_DAY, base.reviews_per_day),
            autoplay=data["autoplay"] if isinstance(data.get("autoplay"), bool) else base.autoplay,
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
    active: bool = True
    has_pin: bool = False  # the hash itself never leaves the store


def person_from_row(row) -> Person:
    return Person(id=row["id"], staff_no=row["staff_no"], name=row["name"], department=row["department"],
                  counter=row["counter"], role=row["role"], settings=StudySettings.from_json(row["settings"]),
                  active=bool(row["active"]), has_pin=row["secret"] is not None)


def clean_text(value: object) -> str:
    """What a typed or spreadsheet cell means: NFKC (full-width → ASCII), trimmed, inner runs of spaces
    collapsed, and no space left between two Chinese characters ("王　芳" padded for alignment → "王芳")."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])", "", text)


def field_problems(*, staff_no: str, name: str, department: str = "", counter: str = "") -> list[tuple[str, str, dict]]:
    """Every problem with a person's fields as (field, catalogue key, params); empty when all is well."""
    problems: list[tuple[str, str, dict]] = []
    if not staff_no:
        problems.append(("staff_no", "person.invalid.staff_no_empty", {}))
    elif not STAFF_NO_RE.match(staff_no):
        problems.append(("staff_no", "person.err.staff_no_format", {"staff_no": staff_no}))
    if not name:
        problems.append(("name", "person.err.name_empty", {}))
    elif len(name) > MAX_NAME:
        problems.append(("name", "person.err.name_long", {}))
    if len(department) > MAX_DEPARTMENT:
        problems.append(("department", "person.invalid.department_long", {"limit": MAX_DEPARTMENT}))
    if len(counter) > MAX_COUNTER:
        problems.append(("counter", "person.invalid.counter_long", {"limit": MAX_COUNTER}))
    return problems


def create_person(store: Store, *, name: str, staff_no: str, department: str = "", counter: str = "",
                  role: str = "trainee", settings: StudySettings | None = None, secret: str | None = None,
                  now: datetime | None = None) -> Person:
    """Add a person after checking the fields a clerk types; errors name the field. `secret` is a PIN
    (hashed here, never stored as typed)."""
    name, staff_no = clean_text(name), clean_text(staff_no)
    department, counter = clean_text(department), clean_text(counter)
    if role not in ROLES:
        raise PhrasebookError("person.invalid.role", role=role, roles=" / ".join(ROLES))
    for _field, key, params in field_problems(staff_no=staff_no, name=name, department=department,
                                              counter=counter)[:1]:
        raise PhrasebookError(key, **params)
    if q.person_by_staff_no(store, staff_no):
        raise PhrasebookError("person.err.staff_no_taken", staff_no=staff_no)
    hashed = None
    if secret is not None:
        from phrasebook.auth import check_secret, hash_secret

        hashed = hash_secret(check_secret(secret))
    settings = settings or StudySettings()
    from phrasebook.pinyin import name_key  # lazily: the app's start-up path imports this module

    pid = q.insert_person(store, staff_no=staff_no, name=name, name_key=name_key(name), department=department,
                          counter=counter, role=role, settings=settings.to_dict(), created_at=iso(now or utcnow()),
                          secret=hashed)
    return get_person(store, pid)


def get_person(store: Store, person_id: int) -> Person:
    row = q.person(store, person_id)
    if row is None:
        raise PhrasebookError("person.err.not_found", who=person_id)
    return person_from_row(row)


def find_person(store: Store, staff_no: str) -> Person:
    row = q.person_by_staff_no(store, clean_text(staff_no))
    if row is None:
        raise PhrasebookError("person.err.not_found", who=staff_no)
    return person_from_row(row)


def list_people(store: Store, *, include_inactive: bool = False, role: str | None = None) -> list[Person]:
    """People in name order; those who left the programme only when asked for."""
    return [person_from_row(r) for r in q.people(store, include_inactive=include_inactive, role=role)]


def set_active(store: Store, person: Person, active: bool) -> Person:
    """Mark someone as having left (or come back): they leave the login list and reports, history stays."""
    q.set_active(store, person.id, active)
    return get_person(store, person.id)


def update_settings(store: Store, person: Person, settings: StudySettings) -> Person:
    q.save_person_settings(store, person.id, settings.to_dict())
    return get_person(store, person.id)
