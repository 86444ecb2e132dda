"""Logging in and who may see what.

PINs (or passwords) are stored only as salted scrypt hashes whose parameters travel inside the hash text, so
they can be raised later without invalidating old PINs. Wrong PINs are counted per person: after
MAX_FAILURES in a row the account locks for LOCK_MINUTES, doubling with each further lock-out until a
successful login (capped at a day). Time always comes in as `now`: tests drive it with a fake clock.

Role rules are plain functions: a trainee sees only themself; a trainer manages the cohorts they train and
the trainees enrolled in them; a coordinator reads and manages everything (they appoint trainers and open
cohorts). The CLI is the administrator's tool on the database machine and does not log in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from phrasebook.clock import iso, local, parse
from phrasebook.errors import PhrasebookError
from phrasebook.people import Person, create_person, get_person
from phrasebook.store import Store
from phrasebook.store import people as q

if TYPE_CHECKING:
    from phrasebook.people import StudySettings

SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES = 2**14, 8, 1, 32  # 16 MiB and ~50 ms per try on this class of machine
MIN_SECRET, MAX_SECRET = 4, 64
MAX_FAILURES = 5
LOCK_MINUTES = 15
MAX_LOCK = timedelta(days=1)
STAFF = ("trainer", "coordinator")


# -- hashing ---------------------------------------------------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def check_secret(secret: str) -> str:
    """The PIN as it will be hashed (NFKC: full-width digits typed through an IME count as digits)."""
    secret = unicodedata.normalize("NFKC", secret)
    if not secret.strip():
        raise PhrasebookError("auth.pin_empty")
    if len(secret) < MIN_SECRET:
        raise PhrasebookError("auth.pin_short", min=MIN_SECRET)
    if len(secret) > MAX_SECRET:
        raise PhrasebookError("auth.pin_long", max=MAX_SECRET)
    return secret


def hash_secret(secret: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """`scrypt$n$r$p$salt$key`, base64; a fresh random salt every time."""
    salt = os.urandom(16)
    key = hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=2 * 128 * n * r + 2**20,
                         dklen=KEY_BYTES)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(key)}"


def verify_secret(secret: str, stored: str | None) -> bool:
    """Constant-time check of a typed PIN against a stored hash; a malformed hash never matches."""
    try:
        scheme, n, r, p, salt, key = (stored or "").split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        actual = hashlib.scrypt(unicodedata.normalize("NFKC", secret).encode("utf-8"), salt=base64.b64decode(salt),
                                n=int(n), r=int(r), p=int(p), maxmem=2 * 128 * int(n) * int(r) + 2**20,
                                dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# -- logging in ------------------------------------------------------------------------------------------
def must_choose_pin(person: Person) -> bool:
    """A trainee who has no PIN yet (new, or reset by their trainer) chooses one at login before anything else.
    Staff never do: their PIN is set by whoever appoints them (`trainee set-pin`) or on the first-run form."""
    return not person.has_pin and person.role not in STAFF


def set_pin(store: Store, person: Person, secret: str) -> Person:
    """Set (or replace) a person's PIN; this also lifts a lock-out."""
    q.set_secret(store, person.id, hash_secret(check_secret(secret)))
    return get_person(store, person.id)


def first_login(store: Store, person: Person, secret: str, *, now: datetime) -> Person:
    """A trainee without a PIN sets one and is logged in. Only while none is set: if someone else claimed the
    account a moment earlier this refuses, and the trainee asks their trainer to reset it (`reset_pin`)."""
    if not must_choose_pin(person):
        raise PhrasebookError("auth.pin_already_set", staff_no=person.staff_no)
    if not q.claim_secret(store, person.id, hash_secret(check_secret(secret)), at=iso(now)):
        raise PhrasebookError("auth.pin_already_set", staff_no=person.staff_no)
    return get_person(store, person.id)


def reset_pin(store: Store, person: Person, *, by: Person | None = None) -> Person:
    """Forget a trainee's PIN (forgotten, or claimed by someone else): they choose a new one at next login.
    Staff PINs are replaced with `set_pin` instead, since staff cannot choose their own at login. `by` is the
    logged-in trainer or coordinator (None: the administrator's CLI)."""
    if by is not None:
        require(can_manage_person(store, by, person) and by.id != person.id)
    if person.role in STAFF:
        raise PhrasebookError("auth.reset_staff", staff_no=person.staff_no)
    q.set_secret(store, person.id, None)
    return get_person(store, person.id)


def lock_length(lockouts: int) -> timedelta:
    """How long the n-th lock-out in a row lasts: 15 min, 30, 60 … up to a day."""
    return min(timedelta(minutes=LOCK_MINUTES) * 2 ** min(max(0, lockouts - 1), 16), MAX_LOCK)


def login(store: Store, staff_no: str, secret: str, *, now: datetime) -> Person:
    """The person whose staff number and PIN these are; otherwise a PhrasebookError that says how many
    tries are left, or until when the account is locked."""
    from phrasebook.people import clean_text

    row = q.person_by_staff_no(store, clean_text(staff_no))
    if row is None or not row["active"]:
        raise PhrasebookError("auth.unknown", staff_no=staff_no)
    locked_until = parse(row["locked_until"])
    if locked_until and locked_until > now:
        raise PhrasebookError("auth.locked", until=local(locked_until))
    if row["secret"] is None:
        if row["role"] in STAFF:
            raise PhrasebookError("auth.no_pin", staff_no=row["staff_no"])
        raise PhrasebookError("auth.choose_pin", staff_no=row["staff_no"])  # see first_login
    ok = verify_secret(secret, row["secret"])  # slow on purpose: done outside the write transaction
    with store.write() as conn:
        state = q.login_state(conn, row["id"])
        if ok:
            q.save_login_state(conn, row["id"], failed=0, lockouts=0, locked_until=None, last_login_at=iso(now))
        else:
            failed, lockouts, until = state["failed_logins"] + 1, state["lockouts"], None
            if failed >= MAX_FAILURES:
                lockouts += 1
                until = now + lock_length(lockouts)
                failed = 0
            q.save_login_state(conn, row["id"], failed=failed, lockouts=lockouts,
                               locked_until=iso(until) if until else None)
    if ok:
        return get_person(store, row["id"])
    if until:
        raise PhrasebookError("auth.locked_now", failures=MAX_FAILURES,
                              minutes=int(lock_length(lockouts).total_seconds() // 60), until=local(until))
    raise PhrasebookError("auth.wrong_pin", left=MAX_FAILURES - failed)


# -- first run -------------------------------------------------------------------------------------------
def needs_first_coordinator(store: Store) -> bool:
    """True until someone can administer the programme: the first run creates a coordinator."""
    return q.count_role(store, "coordinator") == 0


def create_first_coordinator(store: Store, *, name: str, staff_no: str, secret: str, now: datetime,
                             department: str = "", settings: StudySettings | None = None) -> Person:
    """The first-run path: only while there is no coordinator, and never without a PIN."""
    if not needs_first_coordinator(store):
        raise PhrasebookError("auth.already_set_up")
    return create_person(store, name=name, staff_no=staff_no, department=department, role="coordinator",
                         secret=secret, settings=settings, now=now)


# -- role rules ------------------------------------------------------------------------------------------
class _HasTrainer(Protocol):
    trainer_id: int


def trains(store: Store, trainer: Person, trainee: Person) -> bool:
    """Is `trainee` currently enrolled in a cohort that `trainer` trains?"""
    from phrasebook.store import cohorts as cq

    return cq.is_trained_by(store, trainee_id=trainee.id, trainer_id=trainer.id)


def can_view_person(store: Store, viewer: Person, person: Person) -> bool:
    if viewer.id == person.id or viewer.role == "coordinator":
        return True
    return viewer.role == "trainer" and trains(store, viewer, person)


def can_manage_person(store: Store, viewer: Person, person: Person) -> bool:
    """Edit a person or set their PIN: coordinators anyone, trainers their own trainees, everyone themself."""
    if viewer.id == person.id or viewer.role == "coordinator":
        return True
    return viewer.role == "trainer" and person.role == "trainee" and trains(store, viewer, person)


def can_add_people(viewer: Person) -> bool:
    """Add trainees or import a roster."""
    return viewer.role in STAFF


def can_create_cohort(viewer: Person) -> bool:
    return viewer.role in STAFF


def can_manage_cohort(viewer: Person, cohort: _HasTrainer) -> bool:
    """Enrol, withdraw, assign decks: the cohort's own trainer, or a coordinator."""
    return viewer.role == "coordinator" or (viewer.role == "trainer" and cohort.trainer_id == viewer.id)


def can_view_reports(viewer: Person) -> bool:
    """Cohort and trainee reports (a trainer's are limited to their trainees by `visible_people`)."""
    return viewer.role in STAFF


def visible_people(store: Store, viewer: Person) -> set[int] | None:
    """Ids of the people whose progress `viewer` may read; None means everybody."""
    from phrasebook.store import cohorts as cq

    if viewer.role == "coordinator":
        return None
    if viewer.role == "trainer":
        return {viewer.id, *cq.trainee_ids_of_trainer(store, viewer.id)}
    return {viewer.id}


def require(allowed: bool) -> None:
    """Turn a role rule into the one refusal message."""
    if not allowed:
        raise PhrasebookError("auth.denied")
