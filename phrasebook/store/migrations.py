"""Schema migrations: small named steps applied in order, each in its own transaction, keeping every row.

`PRAGMA user_version` holds the number of steps applied. A database from a newer release is refused, never
touched. Add a step by appending a function to MIGRATIONS; never edit a released one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from phrasebook.errors import PhrasebookError
from phrasebook.store.db import Store

V1_SCHEMA = """
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE scenarios (
    id       TEXT PRIMARY KEY,
    zh       TEXT NOT NULL,
    en       TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE TABLE decks (
    id          TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    title_zh    TEXT NOT NULL,
    title_en    TEXT NOT NULL,
    languages   TEXT NOT NULL,              -- JSON list of language codes
    source      TEXT NOT NULL,              -- file it was imported from
    digest      TEXT NOT NULL,              -- content hash of that file
    position    INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    retired     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE phrases (
    pk        INTEGER PRIMARY KEY,
    deck_id   TEXT NOT NULL REFERENCES decks(id),
    phrase_id TEXT NOT NULL,
    scenario  TEXT NOT NULL,
    speaker   TEXT NOT NULL CHECK (speaker IN ('clerk', 'applicant')),
    zh        TEXT NOT NULL,
    pinyin    TEXT NOT NULL,
    note      TEXT,
    position  INTEGER NOT NULL,             -- global new-card order: deck order, then file order
    retired   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (deck_id, phrase_id)
);
CREATE TABLE translations (
    phrase_pk    INTEGER NOT NULL REFERENCES phrases(pk),
    lang         TEXT NOT NULL,
    text         TEXT NOT NULL,
    romanization TEXT,
    alternatives TEXT NOT NULL DEFAULT '[]',  -- JSON list of other accepted answers
    PRIMARY KEY (phrase_pk, lang)
) WITHOUT ROWID;
CREATE TABLE people (
    id         INTEGER PRIMARY KEY,
    staff_no   TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    department TEXT NOT NULL DEFAULT '',
    counter    TEXT NOT NULL DEFAULT '',
    role       TEXT NOT NULL DEFAULT 'trainee' CHECK (role IN ('trainee', 'trainer', 'coordinator')),
    secret     TEXT,                        -- salted slow hash of the PIN, never the PIN
    settings   TEXT NOT NULL DEFAULT '{}',  -- JSON: languages studied, daily limits
    created_at TEXT NOT NULL
);
CREATE TABLE cards (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    phrase_pk   INTEGER NOT NULL REFERENCES phrases(pk),
    lang        TEXT NOT NULL,
    direction   TEXT NOT NULL CHECK (direction IN ('produce', 'recognise')),
    deck_id     TEXT NOT NULL,              -- copied from the phrase: per-deck counts need no join
    position    INTEGER NOT NULL,           -- copied from the phrase: new cards come in deck order
    active      INTEGER NOT NULL DEFAULT 1, -- 0 while its phrase is retired
    state       INTEGER NOT NULL DEFAULT 0, -- 0 new, 1 learning, 2 review, 3 relearning (FSRS states)
    step        INTEGER,
    stability   REAL,
    difficulty  REAL,
    due         TEXT,
    last_review TEXT,
    reps        INTEGER NOT NULL DEFAULT 0,
    lapses      INTEGER NOT NULL DEFAULT 0,
    leech       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (person_id, phrase_pk, lang, direction)
);
CREATE INDEX cards_due ON cards (person_id, active, state, due);
CREATE INDEX cards_new ON cards (person_id, active, state, position);
CREATE TABLE study_sessions (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people(id),
    deck_id    TEXT,
    lang       TEXT,
    started_at TEXT NOT NULL,
    ended_at   TEXT
);
CREATE TABLE reviews (
    id           INTEGER PRIMARY KEY,
    card_id      INTEGER NOT NULL REFERENCES cards(id),
    person_id    INTEGER NOT NULL REFERENCES people(id),
    session_id   INTEGER REFERENCES study_sessions(id),
    kind         TEXT NOT NULL DEFAULT 'review' CHECK (kind IN ('review', 'undo')),
    rating       INTEGER CHECK (rating BETWEEN 1 AND 4),
    reviewed_at  TEXT NOT NULL,
    duration_ms  INTEGER,
    mode         TEXT NOT NULL DEFAULT 'self',
    state_before INTEGER,
    undoes       INTEGER REFERENCES reviews(id),  -- for kind='undo': the review it cancels
    prior        TEXT                              -- JSON snapshot of the card before this review
);
CREATE INDEX reviews_card ON reviews (card_id, id);
CREATE INDEX reviews_person_time ON reviews (person_id, reviewed_at);
CREATE UNIQUE INDEX reviews_undone ON reviews (undoes) WHERE undoes IS NOT NULL;
CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
"""


def _statements(script: str) -> list[str]:
    """Split a DDL script into statements (triggers keep their inner ';')."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return [s for s in out if s]


def m001_initial(conn: sqlite3.Connection) -> None:
    for statement in _statements(V1_SCHEMA):
        conn.execute(statement)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_initial]
LATEST = len(MIGRATIONS)


def schema_version(store: Store) -> int:
    return store.value("PRAGMA user_version")


def migrate(store: Store) -> int:
    """Bring the schema up to LATEST; returns the number of steps applied."""
    current = schema_version(store)
    if current > LATEST:
        raise PhrasebookError("db.too_new", path=store.path, found=current, supported=LATEST)
    for number in range(current, LATEST):
        with store.write() as conn:
            MIGRATIONS[number](conn)
            conn.execute(f"PRAGMA user_version = {number + 1}")
    return LATEST - current
