"""Checkpoints kept off the answer path: in the app a writer never checkpoints (nor truncates the WAL) itself; the
background checkpointer copies pages back, truncates a WAL grown past the limit when no reader pins it, and leaves
it alone while one does (a TRUNCATE then could only make writers wait)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from phrasebook.store import db as store_db
from phrasebook.store import open_store

LIMIT = 16 * 1024


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(store_db, "WAL_TRUNCATE_BYTES", LIMIT)
    monkeypatch.setattr(store_db, "TRUNCATE_EVERY_S", 0.0)


def wal_size(path: Path) -> int:
    try:
        return Path(f"{path}-wal").stat().st_size
    except FileNotFoundError:
        return 0


def fill(conn, prefix: str, n: int = 200) -> None:
    """Enough rows to take the WAL well past the limit."""
    conn.executemany("INSERT INTO settings VALUES (?, ?)", ((f"{prefix}{i}", "x" * 400) for i in range(n)))


def other_process(path: Path) -> sqlite3.Connection:
    """Another program writing the file, with no checkpoints of its own."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    return conn


def wait_for(condition, seconds: float = 30.0) -> bool:
    """Polls until true; generous, for a loaded CI machine (it returns as soon as the condition holds)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_in_the_app_a_writer_never_checkpoints_itself(db_path, small_limit):
    store = open_store(db_path)
    store.start_checkpointer(every_s=3600)  # the thread is there but does not run during the test
    db_bytes = db_path.stat().st_size
    for i in range(5):
        with store.write() as conn:
            fill(conn, f"k{i}-")
    assert wal_size(db_path) > 5 * LIMIT  # nobody truncated it
    assert db_path.stat().st_size == db_bytes  # nor copied a page back into the database file
    store.close()


def test_the_checkpointer_truncates_a_big_wal_when_no_reader_pins_it(db_path, small_limit):
    store = open_store(db_path)
    writer = other_process(db_path)
    fill(writer, "a")
    assert wal_size(db_path) > LIMIT
    store.start_checkpointer(every_s=0.02)
    # the file is cut inside the PRAGMA, the count goes up just after it returns: wait for both
    assert wait_for(lambda: wal_size(db_path) == 0 and store._checkpointer.truncated >= 1)
    assert store.value("SELECT count(*) FROM settings") == 200
    writer.close()
    store.close()


def test_no_truncate_is_tried_while_a_reader_pins_the_wal(db_path, small_limit):
    store = open_store(db_path)
    writer = other_process(db_path)
    fill(writer, "a")
    reader = sqlite3.connect(db_path, isolation_level=None)  # a coordinator's long report
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM settings").fetchone()
    fill(writer, "b")  # committed after the reader's snapshot: the checkpoint cannot pass it
    store.start_checkpointer(every_s=0.02)
    checkpointer = store._checkpointer
    assert wait_for(lambda: checkpointer.pinned >= 5)
    assert checkpointer.truncated == 0 and wal_size(db_path) > LIMIT
    with store.write() as conn:  # writers go on meanwhile
        conn.execute("INSERT INTO settings VALUES ('during', 'x')")
    reader.execute("COMMIT")
    reader.close()
    assert wait_for(lambda: wal_size(db_path) == 0 and checkpointer.truncated >= 1)  # the reader gone: truncated
    assert store.value("SELECT count(*) FROM settings") == 401
    writer.close()
    store.close()


def test_the_checkpointer_stops_with_the_store(db_path):
    store = open_store(db_path)
    store.start_checkpointer(every_s=0.02)
    thread = store._checkpointer
    store.close()
    assert not thread.is_alive()
