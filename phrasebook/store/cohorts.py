"""SQL for cohorts and enrolments. An enrolment row is never deleted: withdrawal stamps `withdrawn_at`."""

from __future__ import annotations

import sqlite3

from phrasebook.store.db import Store
from phrasebook.store.people import BY_NAME

COHORT = """c.id, c.name, c.starts_on, c.ends_on, c.trainer_id, c.created_at, t.name AS trainer_name,
            t.staff_no AS trainer_staff_no,
            (SELECT count(*) FROM enrolments e WHERE e.cohort_id = c.id AND e.withdrawn_at IS NULL) AS members"""


def insert_cohort(store: Store | sqlite3.Connection, *, name: str, starts_on: str, ends_on: str, trainer_id: int,
                  created_at: str) -> int:
    """Add one cohort; given a Store it is its own transaction, given a connection it joins the caller's."""
    sql = "INSERT INTO cohorts (name, starts_on, ends_on, trainer_id, created_at) VALUES (?, ?, ?, ?, ?)"
    params = (name, starts_on, ends_on, trainer_id, created_at)
    if isinstance(store, sqlite3.Connection):
        return store.execute(sql, params).lastrowid
    with store.write() as conn:
        return conn.execute(sql, params).lastrowid


def cohort(store: Store, cohort_id: int) -> sqlite3.Row | None:
    return store.row(f"SELECT {COHORT} FROM cohorts c JOIN people t ON t.id = c.trainer_id WHERE c.id = ?",
                     (cohort_id,))


def cohort_by_name(store: Store, name: str) -> sqlite3.Row | None:
    return store.row(f"SELECT {COHORT} FROM cohorts c JOIN people t ON t.id = c.trainer_id WHERE c.name = ?",
                     (name,))


def cohorts(store: Store, *, trainer_id: int | None = None, member_id: int | None = None) -> list[sqlite3.Row]:
    """All cohorts, or those one trainer trains, or those one person is currently enrolled in; newest first."""
    return store.rows(
        f"""SELECT {COHORT} FROM cohorts c JOIN people t ON t.id = c.trainer_id
            WHERE (:trainer IS NULL OR c.trainer_id = :trainer)
              AND (:member IS NULL OR EXISTS (SELECT 1 FROM enrolments e WHERE e.cohort_id = c.id
                                              AND e.person_id = :member AND e.withdrawn_at IS NULL))
            ORDER BY c.starts_on DESC, c.name""",
        {"trainer": trainer_id, "member": member_id},
    )


def enrol(conn: sqlite3.Connection, cohort_id: int, person_id: int, at: str) -> bool:
    """Enrol unless already enrolled; True when a new enrolment was written."""
    return conn.execute(
        """INSERT INTO enrolments (cohort_id, person_id, enrolled_at) SELECT ?, ?, ?
           WHERE NOT EXISTS (SELECT 1 FROM enrolments WHERE cohort_id = ? AND person_id = ?
                             AND withdrawn_at IS NULL)""",
        (cohort_id, person_id, at, cohort_id, person_id),
    ).rowcount == 1


def withdraw(store: Store, cohort_id: int, person_id: int, at: str) -> bool:
    with store.write() as conn:
        return conn.execute(
            "UPDATE enrolments SET withdrawn_at = ? WHERE cohort_id = ? AND person_id = ? AND withdrawn_at IS NULL",
            (at, cohort_id, person_id),
        ).rowcount == 1


def members(store: Store, cohort_id: int, *, include_withdrawn: bool = False) -> list[sqlite3.Row]:
    """Enrolments with the people's fields, in name order (current ones, unless history is asked for)."""
    return store.rows(
        f"""SELECT p.*, e.enrolled_at, e.withdrawn_at FROM enrolments e JOIN people p ON p.id = e.person_id
            WHERE e.cohort_id = :cohort AND (:all OR e.withdrawn_at IS NULL)
            ORDER BY {BY_NAME}, e.id""",
        {"cohort": cohort_id, "all": include_withdrawn},
    )


def is_trained_by(store: Store, *, trainee_id: int, trainer_id: int) -> bool:
    return bool(store.value(
        """SELECT 1 FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id
           WHERE e.person_id = ? AND c.trainer_id = ? AND e.withdrawn_at IS NULL LIMIT 1""",
        (trainee_id, trainer_id),
    ))


def trainee_ids_of_trainer(store: Store, trainer_id: int) -> list[int]:
    return [r[0] for r in store.rows(
        """SELECT DISTINCT e.person_id FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id
           WHERE c.trainer_id = ? AND e.withdrawn_at IS NULL""",
        (trainer_id,),
    )]
