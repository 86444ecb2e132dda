"""Migrations keep every row: a V1 database with people, cards and reviews in it is upgraded to the latest."""

from __future__ import annotations

import json
import sqlite3

from phrasebook.clock import parse, study_day
from phrasebook.store import open_store
from phrasebook.store.migrations import LATEST, MIGRATIONS

V1_TABLES = ("settings", "scenarios", "decks", "phrases", "translations", "people", "cards", "study_sessions",
             "reviews")


def build_v1(path) -> None:
    """A database as release 1 wrote it: only m001 applied, with real-looking rows in every table."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    MIGRATIONS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO settings VALUES ('ui_lang', 'en')")
    conn.execute("INSERT INTO scenarios VALUES ('greeting', '问候', 'Greeting', 0)")
    conn.execute("""INSERT INTO decks VALUES ('d1', 1, '问候', 'Greeting', '["en"]', 'decks/d1.toml', 'abc', 0,
                    '2026-10-01T00:00:00.000000+00:00', 0)""")
    conn.execute("INSERT INTO phrases VALUES (1, 'd1', 'p1', 'greeting', 'clerk', '您好', 'nín hǎo', NULL, 0, 0)")
    conn.execute("INSERT INTO phrases VALUES (2, 'd1', 'p2', 'greeting', 'applicant', '谢谢', 'xiè xie', NULL, 1, 0)")
    conn.execute("INSERT INTO translations VALUES (1, 'en', 'Hello', NULL, '[]')")
    conn.execute("INSERT INTO translations VALUES (2, 'en', 'Thanks', NULL, '[]')")
    for pid, staff in ((1, "A1"), (2, "A2")):
        conn.execute("INSERT INTO people (id, staff_no, name, department, counter, role, settings, created_at) "
                     "VALUES (?, ?, ?, '出入境', '3号', 'trainee', '{}', '2026-10-01T00:00:00.000000+00:00')",
                     (pid, staff, f"学员{pid}"))
    for cid, (pid, pk) in enumerate(((1, 1), (1, 2), (2, 1)), start=1):
        conn.execute("INSERT INTO cards (id, person_id, phrase_pk, lang, direction, deck_id, position, state, "
                     "stability, difficulty, due, last_review, reps) VALUES (?, ?, ?, 'en', 'produce', 'd1', ?, 2, "
                     "3.1, 5.0, '2026-10-05T02:00:00.000000+00:00', '2026-10-02T02:00:00.000000+00:00', 1)",
                     (cid, pid, pk, pk))
    conn.execute("INSERT INTO study_sessions VALUES (1, 1, NULL, NULL, '2026-10-02T01:59:00.000000+00:00', NULL)")
    prior = json.dumps({"state": 0})
    rows = [  # (id, card, person, kind, rating, at, ms, state_before, undoes)
        (1, 1, 1, "review", 3, "2026-10-02T02:00:00.000000+00:00", 4000, 0, None),
        (2, 2, 1, "review", 1, "2026-10-02T02:01:00.000000+00:00", 90000, 0, None),
        (3, 2, 1, "undo", None, "2026-10-02T02:01:30.000000+00:00", None, None, 2),
        (4, 2, 1, "review", 3, "2026-10-02T02:02:00.000000+00:00", 5000, 0, None),
        (5, 1, 1, "review", 3, "2026-10-05T03:00:00.000000+00:00", 70000, 2, None),  # before 04:00: day 10-04
        (6, 3, 2, "review", 4, "2026-10-02T05:00:00.000000+00:00", None, 0, None),
    ]
    for rid, card, person, kind, rating, at, ms, before, undoes in rows:
        conn.execute("INSERT INTO reviews (id, card_id, person_id, session_id, kind, rating, reviewed_at, "
                     "duration_ms, state_before, undoes, prior) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)",
                     (rid, card, person, kind, rating, at, ms, before, undoes, prior))
    conn.execute("COMMIT")
    conn.close()


def dump(conn, table: str) -> list[tuple]:
    return [tuple(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]


def test_v1_database_keeps_every_row(db_path):
    build_v1(db_path)
    raw = sqlite3.connect(db_path)
    before = {table: dump(raw, table) for table in V1_TABLES}
    raw.close()
    assert all(before[t] for t in V1_TABLES)

    store = open_store(db_path)
    assert store.value("PRAGMA user_version") == LATEST
    for table in V1_TABLES:
        after = dump(store.conn, table)
        width = len(before[table][0])
        assert [row[:width] for row in after] == before[table], table  # old columns first, unchanged
    person = store.row("SELECT active, failed_logins, lockouts, locked_until FROM people WHERE id = 1")
    assert tuple(person) == (1, 0, 0, None)
    # 2026-10-02T02:00:00Z as integer microseconds, for the reports' index
    assert store.value("SELECT last_review_us FROM cards WHERE id = 1") == 1_790_906_400_000_000
    assert store.value("PRAGMA integrity_check") == "ok"
    assert store.rows("PRAGMA foreign_key_check") == []


def test_v2_roll_up_is_backfilled_from_the_v1_log(db_path):
    build_v1(db_path)
    store = open_store(db_path)
    days = [tuple(r) for r in store.rows(
        "SELECT person_id, day, reviews, new_cards, duration_ms FROM review_days ORDER BY person_id, day")]
    # Review 2 was undone; review 5 at 03:00 UTC belongs to the study day before (TZ here is UTC).
    first = study_day(parse("2026-10-02T02:00:00.000000+00:00")).isoformat()
    fifth = study_day(parse("2026-10-05T03:00:00.000000+00:00")).isoformat()
    sixth = study_day(parse("2026-10-02T05:00:00.000000+00:00")).isoformat()
    assert days == [(1, first, 2, 2, 9000), (1, fifth, 1, 0, 60000), (2, sixth, 1, 1, 0)]


def test_roll_up_follows_new_answers_and_undos(db_path):
    build_v1(db_path)
    store = open_store(db_path)
    at = "2026-10-02T06:00:00.000000+00:00"
    with store.write() as conn:
        conn.execute("INSERT INTO reviews (id, card_id, person_id, rating, reviewed_at, duration_ms, state_before)"
                     " VALUES (7, 3, 2, 3, ?, 1500, 2)", (at,))
    assert store.value("SELECT reviews FROM review_days WHERE person_id = 2") == 2
    with store.write() as conn:
        conn.execute("INSERT INTO reviews (card_id, person_id, kind, reviewed_at, undoes) VALUES (3, 2, 'undo', ?, 7)",
                     (at,))
    row = store.row("SELECT reviews, new_cards, duration_ms, last_at FROM review_days WHERE person_id = 2")
    assert tuple(row)[:3] == (1, 1, 0)


def build_prerelease_v3(path) -> None:
    """A database of main @ d41b69c, two minutes on main: MIGRATIONS = [m001, m002, m004_review_keys], so its
    user_version 3 means answer keys and no exam tables (the released numbering put exams at 3)."""
    from phrasebook.store.migrations import m002_people_cohorts_assignments, m004_review_keys

    build_v1(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    m002_people_cohorts_assignments(conn)
    m004_review_keys(conn)
    conn.execute("INSERT INTO reviews (card_id, person_id, session_id, rating, reviewed_at, state_before, prior, "
                 "answer_key) VALUES (3, 2, 1, 3, '2026-10-06T02:00:00.000000+00:00', 2, ?, 'k1')",
                 (json.dumps({"state": 2}),))  # an answer with its key
    conn.execute("PRAGMA user_version = 3")
    conn.execute("COMMIT")
    conn.close()


def test_the_prerelease_schema_3_with_answer_keys_upgrades_with_every_row(db_path):
    build_prerelease_v3(db_path)
    store = open_store(db_path)
    try:
        assert store.value("PRAGMA user_version") == LATEST
        tables = {r[0] for r in store.rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"exams", "exam_items", "exam_attempts", "exam_answers"} <= tables
        assert store.value("SELECT count(*) FROM reviews WHERE answer_key = 'k1'") == 1
        assert store.value("SELECT count(*) FROM people") == 2
    finally:
        store.close()


def test_a_step_that_cannot_apply_is_one_sentence_and_leaves_the_database_as_it_was(db_path, tmp_path):
    """A schema 4 file that already has people.name_key (another program's hand, a half-known build): m005 cannot
    add it. The message says which file and which schema, in the UI language, SQLite's text only as a detail."""
    from click.testing import CliRunner

    from phrasebook.commands import cli
    from phrasebook.i18n import t

    build_prerelease_v3(db_path)
    store = open_store(db_path)
    store.close()
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    before = db_path.read_bytes()
    result = CliRunner().invoke(cli, ["--db", str(db_path), "trainee", "list"])
    assert result.exit_code == 1
    assert result.output.startswith(t("cli.error", message="")) and "Traceback" not in result.output
    assert result.output.strip() == t("cli.error", message=t("db.migrate_failed", path=db_path, found=4, step=5,
                                                             error="duplicate column name: name_key"))
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    conn.close()
    assert len(db_path.read_bytes()) == len(before)
