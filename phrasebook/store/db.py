"""Connection, pragmas and transactions for the one SQLite file.

WAL lets readers (reports) run while clerks answer; every write is one short `BEGIN IMMEDIATE` transaction
so a writer waits for the lock up front (busy timeout) instead of failing half-way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from phrasebook.errors import PhrasebookError

BUSY_TIMEOUT_S = 10.0


class Store:
    """An open database. Reads go through `rows`/`row`/`value`; writes inside `with store.write():`."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction; rolled back whole on any error."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def rows(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def row(self, sql: str, params: Any = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def value(self, sql: str, params: Any = ()) -> Any:
        found = self.conn.execute(sql, params).fetchone()
        return found[0] if found else None

    @property
    def db(self):
        """A sqlite-utils view of the same connection, for introspection and bulk reads (loaded lazily)."""
        from sqlite_utils import Database

        return Database(self.conn)

    def close(self) -> None:
        self.conn.close()


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA journal_mode=WAL")
    except (sqlite3.DatabaseError, UnicodeDecodeError):  # a damaged schema's error text may not even be UTF-8
        conn.close()
        raise PhrasebookError("db.not_sqlite", path=path) from None
    # NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commit).
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def open_store(path: Path | str) -> Store:
    """Open (creating if needed) and migrate the database at `path`."""
    from phrasebook.store.dbfile import check_file
    from phrasebook.store.migrations import migrate

    path = Path(path)
    check_file(path)  # a folder, an empty or read-only file…: refused before SQLite writes a byte
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = connect(path)
    except (sqlite3.OperationalError, OSError) as err:
        raise PhrasebookError("db.cannot_open", path=path, error=err) from None
    store = Store(conn, path)
    try:
        migrate(store)
    except BaseException:
        conn.close()
        raise
    return store
