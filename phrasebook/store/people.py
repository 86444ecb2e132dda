"""SQL for people (trainees, trainers, coordinators) and app-wide settings."""

from __future__ import annotations

import json
import sqlite3

from phrasebook.store.db import Store


def insert_person(store: Store, *, staff_no: str, name: str, department: str, counter: str, role: str,
                  settings: dict, created_at: str) -> int:
    with store.write() as conn:
        return conn.execute(
            """INSERT INTO people (staff_no, name, department, counter, role, settings, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (staff_no, name, department, counter, role, json.dumps(settings), created_at),
        ).lastrowid


def person(store: Store, person_id: int) -> sqlite3.Row | None:
    return store.row("SELECT * FROM people WHERE id = ?", (person_id,))


def person_by_staff_no(store: Store, staff_no: str) -> sqlite3.Row | None:
    return store.row("SELECT * FROM people WHERE staff_no = ?", (staff_no,))


def people(store: Store) -> list[sqlite3.Row]:
    return store.rows("SELECT * FROM people ORDER BY name COLLATE NOCASE, staff_no")


def save_person_settings(store: Store, person_id: int, settings: dict) -> None:
    with store.write() as conn:
        conn.execute("UPDATE people SET settings = ? WHERE id = ?", (json.dumps(settings), person_id))


def setting(store: Store, key: str) -> str | None:
    return store.value("SELECT value FROM settings WHERE key = ?", (key,))


def save_setting(store: Store, key: str, value: str) -> None:
    with store.write() as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?",
                     (key, value, value))
