"""SQL for people (trainees, trainers, coordinators), their login counters, and app-wide settings."""

from __future__ import annotations

import json
import sqlite3

from phrasebook.store.db import Store

# The order of every list of people: the pinyin sort key of the name (written with it), then the name itself (so
# people of one name stay together), then the staff number. `p` is the people table's alias in the query.
BY_NAME = "p.name_key, p.name, p.staff_no"


def insert_person(store: Store | sqlite3.Connection, *, staff_no: str, name: str, name_key: str, department: str,
                  counter: str, role: str, settings: dict, created_at: str, secret: str | None = None) -> int:
    """Add one person; given a Store it is its own transaction, given a connection it joins the caller's."""
    sql = """INSERT INTO people (staff_no, name, name_key, department, counter, role, settings, created_at, secret)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"""
    params = (staff_no, name, name_key, department, counter, role, json.dumps(settings), created_at, secret)
    if isinstance(store, sqlite3.Connection):
        return store.execute(sql, params).lastrowid
    with store.write() as conn:
        return conn.execute(sql, params).lastrowid


def update_person(conn: sqlite3.Connection, person_id: int, *, name: str, name_key: str, department: str,
                  counter: str) -> None:
    """Roster fields of an existing person (a re-imported roster also brings a departed person back)."""
    conn.execute("UPDATE people SET name = ?, name_key = ?, department = ?, counter = ?, active = 1 WHERE id = ?",
                 (name, name_key, department, counter, person_id))


def person(store: Store, person_id: int) -> sqlite3.Row | None:
    return store.row("SELECT * FROM people WHERE id = ?", (person_id,))


def person_by_staff_no(store: Store, staff_no: str) -> sqlite3.Row | None:
    return store.row("SELECT * FROM people WHERE staff_no = ?", (staff_no,))


def people_by_staff_no(store: Store, staff_nos: list[str]) -> dict[str, sqlite3.Row]:
    found: dict[str, sqlite3.Row] = {}
    for start in range(0, len(staff_nos), 500):
        chunk = staff_nos[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in store.rows(f"SELECT * FROM people WHERE staff_no IN ({marks})", chunk):
            found[row["staff_no"]] = row
    return found


def people(store: Store, *, include_inactive: bool = False, role: str | None = None) -> list[sqlite3.Row]:
    return store.rows(
        f"""SELECT * FROM people p WHERE (:all OR active = 1) AND (:role IS NULL OR role = :role)
            ORDER BY {BY_NAME}""",
        {"all": include_inactive, "role": role},
    )


def count_role(store: Store, role: str) -> int:
    return store.value("SELECT count(*) FROM people WHERE role = ? AND active = 1", (role,))


def set_active(store: Store, person_id: int, active: bool) -> None:
    with store.write() as conn:
        conn.execute("UPDATE people SET active = ? WHERE id = ?", (int(active), person_id))


def set_secret(store: Store, person_id: int, secret: str | None) -> None:
    """Store a new PIN hash; a new PIN also lifts any lock-out."""
    with store.write() as conn:
        conn.execute("UPDATE people SET secret = ?, failed_logins = 0, lockouts = 0, locked_until = NULL "
                     "WHERE id = ?", (secret, person_id))


def claim_secret(store: Store, person_id: int, secret: str, *, at: str) -> bool:
    """Set a first PIN only if none is set (one statement: two terminals cannot both claim); True if set."""
    with store.write() as conn:
        return conn.execute("UPDATE people SET secret = ?, failed_logins = 0, lockouts = 0, locked_until = NULL, "
                            "last_login_at = ? WHERE id = ? AND secret IS NULL", (secret, at, person_id)).rowcount == 1


def login_state(conn: sqlite3.Connection, person_id: int) -> sqlite3.Row:
    return conn.execute("SELECT failed_logins, lockouts, locked_until FROM people WHERE id = ?",
                        (person_id,)).fetchone()


def save_login_state(conn: sqlite3.Connection, person_id: int, *, failed: int, lockouts: int,
                     locked_until: str | None, last_login_at: str | None = None) -> None:
    conn.execute(
        """UPDATE people SET failed_logins = ?, lockouts = ?, locked_until = ?,
                             last_login_at = coalesce(?, last_login_at) WHERE id = ?""",
        (failed, lockouts, locked_until, last_login_at, person_id),
    )


def save_person_settings(store: Store, person_id: int, settings: dict) -> None:
    with store.write() as conn:
        conn.execute("UPDATE people SET settings = ? WHERE id = ?", (json.dumps(settings), person_id))


def setting(store: Store, key: str) -> str | None:
    return store.value("SELECT value FROM settings WHERE key = ?", (key,))


def save_setting(store: Store, key: str, value: str) -> None:
    with store.write() as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?",
                     (key, value, value))
