"""Bulk writes for generated demo/benchmark data: many rows per transaction, same tables and triggers as the
answer path (so the per-day roll-up and `phrasebook doctor` see demo histories like real ones)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def insert_session(conn: sqlite3.Connection, person_id: int, started_at: str, ended_at: str) -> int:
    return conn.execute("INSERT INTO study_sessions (person_id, started_at, ended_at) VALUES (?, ?, ?)",
                        (person_id, started_at, ended_at)).lastrowid


def insert_reviews(conn: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    """(card_id, person_id, session_id, rating, reviewed_at, duration_ms, state_before) in log order. The
    undo snapshot (`prior`) is left empty: generated answers are never undone."""
    conn.executemany(
        """INSERT INTO reviews (card_id, person_id, session_id, rating, reviewed_at, duration_ms, state_before)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        rows,
    )


def person_cards(conn: sqlite3.Connection, person_id: int) -> list[sqlite3.Row]:
    """A person's active cards in new-card order."""
    return conn.execute(
        "SELECT id, deck_id, lang, phrase_pk FROM cards WHERE person_id = ? AND active = 1 ORDER BY position, lang",
        (person_id,),
    ).fetchall()


def live_decks(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT id, languages FROM decks WHERE NOT retired ORDER BY position, id").fetchall()


def count_people(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM people").fetchone()[0]
