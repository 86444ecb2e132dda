"""The database file: pragmas, migrations, and clear refusals for files we must not touch."""

from __future__ import annotations

import sqlite3

import pytest

from phrasebook.errors import PhrasebookError
from phrasebook.store import open_store
from phrasebook.store.migrations import LATEST


def test_new_database_is_wal_with_foreign_keys(db_path):
    store = open_store(db_path)
    assert store.value("PRAGMA journal_mode") == "wal"
    assert store.value("PRAGMA foreign_keys") == 1
    assert store.value("PRAGMA user_version") == LATEST
    store.close()
    reopened = open_store(db_path)  # migrating again is a no-op
    assert reopened.value("PRAGMA user_version") == LATEST


def test_not_a_database_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is a shopping list, not SQLite\n" * 10)
    before = path.read_bytes()
    with pytest.raises(PhrasebookError) as err:
        open_store(path)
    assert err.value.key == "db.not_sqlite" and str(path) in err.value.message()
    assert path.read_bytes() == before


def test_database_from_newer_version_is_refused(db_path):
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {LATEST + 5}")
    conn.close()
    with pytest.raises(PhrasebookError) as err:
        open_store(db_path)
    assert err.value.key == "db.too_new"
    assert sqlite3.connect(db_path).execute("PRAGMA user_version").fetchone()[0] == LATEST + 5


def test_directory_is_refused(tmp_path):
    with pytest.raises(PhrasebookError) as err:
        open_store(tmp_path)
    assert err.value.key == "db.is_dir"


def test_failed_write_rolls_back(db_path):
    store = open_store(db_path)
    with pytest.raises(sqlite3.IntegrityError), store.write() as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('a', '1')")
        conn.execute("INSERT INTO settings (key, value) VALUES ('a', '2')")
    assert store.value("SELECT count(*) FROM settings") == 0
