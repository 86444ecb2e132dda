"""Schema migrations: small named steps applied in order, each in its own transaction, keeping every row.

`PRAGMA user_version` holds the number of steps applied. A database from a newer release is refused, never
touched. Add a step by appending a function to MIGRATIONS; never edit a released one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from phrasebook.clock import DAY_ROLLOVER_HOUR
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


# -- m002: people who log in, cohorts, enrolments, assignments, and a per-day study roll-up -----------------
# Room left for later work: exams get their own tables; an idempotency key on reviews is one more nullable
# column with a partial unique index (m004). The roll-up's study day is the local day that starts at 04:00
# (clock.DAY_ROLLOVER_HOUR); durations are capped at 60 s per answer so a card left on screen is not "study".
V2_SCHEMA = """
ALTER TABLE people ADD COLUMN active INTEGER NOT NULL DEFAULT 1;          -- 0: left the programme (history kept)
ALTER TABLE people ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;   -- wrong PINs since the last success
ALTER TABLE people ADD COLUMN lockouts INTEGER NOT NULL DEFAULT 0;        -- lock-outs in a row: each one is longer
ALTER TABLE people ADD COLUMN locked_until TEXT;
ALTER TABLE people ADD COLUMN last_login_at TEXT;
CREATE INDEX people_department ON people (department);
CREATE TABLE cohorts (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,          -- "第12期"
    starts_on  TEXT NOT NULL,                 -- ISO dates
    ends_on    TEXT NOT NULL,
    trainer_id INTEGER NOT NULL REFERENCES people(id),
    created_at TEXT NOT NULL,
    CHECK (starts_on <= ends_on)
);
CREATE INDEX cohorts_trainer ON cohorts (trainer_id);
CREATE TABLE enrolments (
    id           INTEGER PRIMARY KEY,
    cohort_id    INTEGER NOT NULL REFERENCES cohorts(id),
    person_id    INTEGER NOT NULL REFERENCES people(id),
    enrolled_at  TEXT NOT NULL,
    withdrawn_at TEXT                        -- set on withdrawal; the row stays as history
);
CREATE UNIQUE INDEX enrolments_current ON enrolments (cohort_id, person_id) WHERE withdrawn_at IS NULL;
CREATE INDEX enrolments_person ON enrolments (person_id, withdrawn_at);
CREATE TABLE assignments (
    id          INTEGER PRIMARY KEY,
    cohort_id   INTEGER REFERENCES cohorts(id),
    person_id   INTEGER REFERENCES people(id),
    deck_id     TEXT NOT NULL REFERENCES decks(id),
    lang        TEXT NOT NULL,
    due_on      TEXT NOT NULL,                -- ISO date
    target      REAL NOT NULL DEFAULT 0.9 CHECK (target > 0 AND target <= 1),
    assigned_by INTEGER REFERENCES people(id),
    created_at  TEXT NOT NULL,
    CHECK ((cohort_id IS NULL) != (person_id IS NULL))
);
CREATE UNIQUE INDEX assignments_cohort ON assignments (cohort_id, deck_id, lang) WHERE cohort_id IS NOT NULL;
CREATE UNIQUE INDEX assignments_person ON assignments (person_id, deck_id, lang) WHERE person_id IS NOT NULL;
-- New-card indexes hold only new cards, so answering a card already being learned never touches them (fewer
-- pages per answer, fewer WAL frames): the queue's next new card overall, and within one assigned deck+language.
DROP INDEX cards_new;
CREATE INDEX cards_fresh ON cards (person_id, position, lang) WHERE state = 0 AND active = 1;
CREATE INDEX cards_assigned ON cards (person_id, deck_id, lang, position) WHERE state = 0 AND active = 1;
-- last_review as integer microseconds since 1970 (kept by every card-state write): reports compute FSRS
-- retrievability for hundreds of thousands of cards from one covering index without parsing text.
ALTER TABLE cards ADD COLUMN last_review_us INTEGER;
UPDATE cards SET last_review_us = unixepoch(last_review) * 1000000 + CAST(substr(last_review, 21, 6) AS INTEGER)
WHERE last_review IS NOT NULL;
CREATE INDEX cards_report ON cards (person_id, deck_id, lang, state, stability, last_review_us, leech)
WHERE state != 0 AND active = 1;
CREATE TABLE review_days (
    person_id   INTEGER NOT NULL REFERENCES people(id),
    day         TEXT NOT NULL,                -- local study day (starts 04:00)
    reviews     INTEGER NOT NULL DEFAULT 0,   -- answers, undone ones taken back out
    new_cards   INTEGER NOT NULL DEFAULT 0,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    last_at     TEXT NOT NULL,
    PRIMARY KEY (person_id, day)
) WITHOUT ROWID;
CREATE TRIGGER reviews_roll_up AFTER INSERT ON reviews WHEN NEW.kind = 'review'
BEGIN
    INSERT INTO review_days (person_id, day, reviews, new_cards, duration_ms, last_at)
    VALUES (NEW.person_id, date(NEW.reviewed_at, 'localtime', '-{hours} hours'), 1, NEW.state_before = 0,
            min(coalesce(NEW.duration_ms, 0), 60000), NEW.reviewed_at)
    ON CONFLICT (person_id, day) DO UPDATE SET reviews = reviews + 1, new_cards = new_cards + excluded.new_cards,
        duration_ms = duration_ms + excluded.duration_ms, last_at = max(last_at, excluded.last_at);
END;
CREATE TRIGGER reviews_roll_up_undo AFTER INSERT ON reviews WHEN NEW.kind = 'undo'
BEGIN
    UPDATE review_days SET reviews = reviews - 1,
        new_cards = new_cards - (SELECT r.state_before = 0 FROM reviews r WHERE r.id = NEW.undoes),
        duration_ms = duration_ms - (SELECT min(coalesce(r.duration_ms, 0), 60000) FROM reviews r
                                     WHERE r.id = NEW.undoes)
    WHERE person_id = NEW.person_id
      AND day = (SELECT date(r.reviewed_at, 'localtime', '-{hours} hours') FROM reviews r WHERE r.id = NEW.undoes);
END;
INSERT INTO review_days (person_id, day, reviews, new_cards, duration_ms, last_at)
SELECT r.person_id, date(r.reviewed_at, 'localtime', '-{hours} hours') AS day, count(*), sum(r.state_before = 0),
       sum(min(coalesce(r.duration_ms, 0), 60000)), max(r.reviewed_at)
FROM reviews r
WHERE r.kind = 'review' AND NOT EXISTS (SELECT 1 FROM reviews u WHERE u.undoes = r.id)
GROUP BY r.person_id, day;
""".replace("{hours}", str(DAY_ROLLOVER_HOUR))


def m002_people_cohorts_assignments(conn: sqlite3.Connection) -> None:
    for statement in _statements(V2_SCHEMA):
        conn.execute(statement)


# -- m003: exams (考核) -----------------------------------------------------------------------------------------
# An exam is a fixed paper: its items are drawn once, when it is defined, and each item keeps a copy of what it
# asks and of the right answer (so editing a deck later never changes a paper already set). exam_answers holds
# only what the trainee answered until the attempt is submitted; the right answers stay in exam_items and are
# compared at submission, when outcome and points are written. An attempt keeps its start and deadline, so
# restarting the app cannot reset its clock.
V3_SCHEMA = """
CREATE TABLE exams (
    id               INTEGER PRIMARY KEY,
    title            TEXT NOT NULL,
    cohort_id        INTEGER NOT NULL REFERENCES cohorts(id),
    decks            TEXT NOT NULL DEFAULT '[]',   -- JSON deck ids the items come from
    scenarios        TEXT NOT NULL DEFAULT '[]',   -- JSON scenario ids (with decks: both must match)
    languages        TEXT NOT NULL,                -- JSON language codes
    modes            TEXT NOT NULL,                -- JSON: typed / choice / listening (all scored automatically)
    item_count       INTEGER NOT NULL CHECK (item_count > 0),
    time_limit_min   INTEGER NOT NULL CHECK (time_limit_min > 0),
    pass_mark        REAL NOT NULL CHECK (pass_mark > 0 AND pass_mark <= 1),
    opens_at         TEXT NOT NULL,
    closes_at        TEXT NOT NULL,
    attempts_allowed INTEGER NOT NULL DEFAULT 1 CHECK (attempts_allowed >= 1),
    seed             TEXT NOT NULL,                -- the items are drawn from this (reproducible)
    created_by       INTEGER REFERENCES people(id),
    created_at       TEXT NOT NULL,
    CHECK (opens_at < closes_at)
);
CREATE INDEX exams_cohort ON exams (cohort_id, opens_at);
CREATE TABLE exam_items (
    id           INTEGER PRIMARY KEY,
    exam_id      INTEGER NOT NULL REFERENCES exams(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    phrase_pk    INTEGER NOT NULL REFERENCES phrases(pk),
    lang         TEXT NOT NULL,
    direction    TEXT NOT NULL CHECK (direction IN ('produce', 'recognise')),
    mode         TEXT NOT NULL CHECK (mode IN ('typed', 'choice', 'listening')),
    prompt       TEXT NOT NULL,                -- the Chinese line (produce) or the foreign phrase (recognise)
    prompt_aid   TEXT,                         -- pinyin, or the pronunciation aid
    options      TEXT NOT NULL DEFAULT '[]',   -- JSON option texts (choice, listening)
    answer       TEXT NOT NULL,                -- the right answer (typed: the deck's text; else the option)
    alternatives TEXT NOT NULL DEFAULT '[]',   -- JSON other accepted typed answers
    correct      INTEGER,                      -- index of the right option
    UNIQUE (exam_id, position)
);
CREATE TABLE exam_attempts (
    id             INTEGER PRIMARY KEY,
    exam_id        INTEGER NOT NULL REFERENCES exams(id) ON DELETE CASCADE,
    person_id      INTEGER NOT NULL REFERENCES people(id),
    number         INTEGER NOT NULL,           -- 1 for the first attempt
    session_id     INTEGER REFERENCES study_sessions(id),  -- its FSRS reviews are logged under this session
    started_at     TEXT NOT NULL,
    deadline       TEXT NOT NULL,              -- started_at + time limit, never after the exam closes
    submitted_at   TEXT,
    auto_submitted INTEGER NOT NULL DEFAULT 0, -- closed by the clock, not by the trainee
    points         REAL,
    percent        REAL,                       -- points / items, 0–1
    passed         INTEGER,
    reviews_logged INTEGER NOT NULL DEFAULT 0, -- its answers have gone to the review log
    UNIQUE (exam_id, person_id, number)
);
CREATE UNIQUE INDEX exam_attempts_open ON exam_attempts (exam_id, person_id) WHERE submitted_at IS NULL;
CREATE INDEX exam_attempts_person ON exam_attempts (person_id, exam_id);
CREATE TABLE exam_answers (
    attempt_id  INTEGER NOT NULL REFERENCES exam_attempts(id) ON DELETE CASCADE,
    item_id     INTEGER NOT NULL REFERENCES exam_items(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,              -- order in this attempt (shuffled per attempt)
    shown       TEXT NOT NULL DEFAULT '[]',    -- JSON: the item's options in the order this attempt shows them
    typed       TEXT,                          -- a typed answer
    picked      INTEGER,                       -- the option picked (index into the item's options)
    mode        TEXT,                          -- how it was asked (listening without sound was choice)
    answered_at TEXT,
    outcome     TEXT CHECK (outcome IN ('right', 'almost', 'wrong')),  -- written at submission
    points      REAL,
    rating      INTEGER,                       -- the FSRS grade the answer implies
    PRIMARY KEY (attempt_id, item_id),
    UNIQUE (attempt_id, position)
) WITHOUT ROWID;
CREATE INDEX exam_answers_item ON exam_answers (item_id);
"""


def m003_exams(conn: sqlite3.Connection) -> None:
    for statement in _statements(V3_SCHEMA):
        conn.execute(statement)


# -- m004: an idempotency key on answers -------------------------------------------------------------------
# Every answer carries a key made once per answer attempt (phrasebook.session.new_key) before it is written; a
# write retried after an error or a crash finds its key and cannot log the answer twice. Older rows, undo rows
# and bulk-generated history keep NULL, which the partial index leaves out (NULLs never collide anyway; the
# WHERE keeps the index small).
V4_SCHEMA = """
ALTER TABLE reviews ADD COLUMN answer_key TEXT;
CREATE UNIQUE INDEX reviews_answer_key ON reviews (answer_key) WHERE answer_key IS NOT NULL;
"""


def m004_review_keys(conn: sqlite3.Connection) -> None:
    for statement in _statements(V4_SCHEMA):
        conn.execute(statement)


# -- m005: people sorted by the pinyin of their names -----------------------------------------------------------
# name_key (phrasebook.pinyin.name_key: 曾志伟 → 'zeng01 zhi04 wei03') is written with every name, so lists
# of people sort in the order a Chinese reader expects without the app loading pypinyin to draw them. Existing
# people get theirs here (pypinyin is loaded only if there is someone to key).
V5_SCHEMA = """
ALTER TABLE people ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
CREATE INDEX people_name_key ON people (name_key, name, staff_no);
"""


def m005_name_keys(conn: sqlite3.Connection) -> None:
    for statement in _statements(V5_SCHEMA):
        conn.execute(statement)
    rows = conn.execute("SELECT id, name FROM people").fetchall()
    if rows:
        from phrasebook.pinyin import name_key

        conn.executemany("UPDATE people SET name_key = ? WHERE id = ?", [(name_key(n), i) for i, n in rows])


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_initial, m002_people_cohorts_assignments,
                                                          m003_exams, m004_review_keys, m005_name_keys]
LATEST = len(MIGRATIONS)


def schema_version(store: Store) -> int:
    return store.value("PRAGMA user_version")


def migrate(store: Store) -> int:
    """Bring the schema up to LATEST; returns the number of steps applied."""
    current = schema_version(store)
    if current < 0:  # user_version is signed: only damage or another program writes a negative one
        raise PhrasebookError("db.not_sqlite", path=store.path)
    if current > LATEST:
        raise PhrasebookError("db.too_new", path=store.path, found=current, supported=LATEST)
    applied = 0
    for number in range(current, LATEST):
        try:
            with store.write() as conn:
                # Read again under the write lock: a process that started at the same moment may have applied it.
                if conn.execute("PRAGMA user_version").fetchone()[0] > number:
                    continue
                if not _renumbered(conn, number):
                    MIGRATIONS[number](conn)
                conn.execute(f"PRAGMA user_version = {number + 1}")
                applied += 1
        except sqlite3.Error as err:  # the step met a schema it was not written for: this step rolled back
            raise PhrasebookError("db.migrate_failed", path=store.path, found=number, step=number + 1,
                                  error=err) from None
    return applied


def _renumbered(conn: sqlite3.Connection, number: int) -> bool:
    """Step 3 was numbered twice: main @ d41b69c (two minutes, never released) had MIGRATIONS = [m001, m002,
    m004_review_keys], so its schema 3 has answer keys and no exam tables. Such a file gets m003 now and its
    step 4 counts as done (True: the caller then only sets the version)."""
    if number == 3 and _has_column(conn, "reviews", "answer_key") and not _has_table(conn, "exams"):
        m003_exams(conn)
        return True
    return False


def _has_column(conn: sqlite3.Connection, table: str, column: str) -> bool:
    return any(r[1] == column for r in conn.execute(f"PRAGMA table_info({table})"))


def _has_table(conn: sqlite3.Connection, table: str) -> bool:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    return found is not None
