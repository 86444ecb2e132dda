"""SQL for backups and restores: copy a live database with SQLite's backup API, and read what a file holds.

The copy is taken inside one read transaction of the source, so it is a consistent snapshot even while clerks
answer (WAL readers never block writers), and the counts read in that same transaction describe exactly the
snapshot copied. Copies are single files (journal_mode=DELETE), never leaving a -wal beside them.

A restore goes the other way (`install`): the backup API writes the checked copy into the live database in one
write transaction of a connection that holds the file exclusively (`lock`) from before the safety copy until
it closes, so no other program reads the database half way: one opening meanwhile waits or says busy, then
sees the restored content; no file is swapped under anybody.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from phrasebook.store.db import BUSY_TIMEOUT_S, WRITE_PATIENCE_S
from phrasebook.store.dbfile import is_damage

RESTORE_WAIT_S = WRITE_PATIENCE_S  # how long a restore waits for others to close the database (tests shorten it)

# Tables every released schema has (m001); a file without them is not a Phrasebook database.
CORE_TABLES = ("settings", "scenarios", "decks", "phrases", "translations", "people", "cards", "study_sessions",
               "reviews")
COUNTED = ("people", "reviews", "cards", "decks", "cohorts")
# What reading a damaged file can raise: SQLite's errors, and UnicodeDecodeError when the error text quotes a
# damaged schema that is not valid UTF-8 (Python then cannot decode SQLite's message).
SQLITE_ERRORS = (sqlite3.DatabaseError, UnicodeDecodeError)


def describe(err: BaseException) -> str:
    """SQLite's message, or what a UnicodeDecodeError from it means."""
    return "malformed database schema" if isinstance(err, UnicodeDecodeError) else str(err)


@dataclass(frozen=True)
class Contents:
    """What a database holds, as a restore or backup summary shows it."""

    schema: int
    tables: frozenset[str]
    counts: dict[str, int]
    last_review: str | None

    @property
    def is_phrasebook(self) -> bool:
        return self.schema >= 1 and all(t in self.tables for t in CORE_TABLES)


def open_readonly(path: Path) -> sqlite3.Connection:
    """A connection that can never write the file (mode=ro), in autocommit so we decide the transactions."""
    uri = "file:" + _uri_path(path) + "?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)


def open_plain(path: Path) -> sqlite3.Connection:
    """A read-write connection with no pragmas: for our own copies (staging files and backups)."""
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)


def _uri_path(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(Path(path).absolute()))


def contents(conn: sqlite3.Connection) -> Contents:
    """Schema version, tables, row counts and the last answer's time (raises sqlite3.DatabaseError when the
    file is not SQLite or is damaged)."""
    from sqlite_utils import Database  # its introspection; off every path but backup, restore and doctor

    db = Database(conn, recursive_triggers=False, execute_plugins=False)  # leaves the connection as it is
    schema = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = frozenset(db.table_names())
    counts = {name: db.table(name).count for name in COUNTED if name in tables}
    last = conn.execute("SELECT max(reviewed_at) FROM reviews").fetchone()[0] if "reviews" in tables else None
    return Contents(schema=schema, tables=tables, counts=counts, last_review=last)


def integrity(conn: sqlite3.Connection) -> str:
    """'ok', or SQLite's first few complaints joined."""
    found = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
    return "ok" if found == ["ok"] else "; ".join(found)


def broken_references(conn: sqlite3.Connection) -> int:
    return len(conn.execute("PRAGMA foreign_key_check").fetchall())


def copy_to(source: sqlite3.Connection, dest: Path) -> Contents:
    """Copy `source` into a new file `dest` in one step and one read transaction; returns what was copied."""
    source.execute("BEGIN")  # one snapshot for the counts and the copy (the backup reuses this transaction)
    try:
        copied = contents(source)
        _single_file_copy(source, dest)
    finally:
        source.execute("COMMIT")
    return copied


def lock(path: Path, wait_s: float | None = None) -> sqlite3.Connection:
    """A connection holding `path` exclusively until it is closed (locking_mode=EXCLUSIVE): while it is open no
    other connection can read or write, and one opening meanwhile waits (busy timeout) or says busy, so nobody
    ever sees a database half replaced. Raises sqlite3.OperationalError (busy) when another connection keeps the
    database open for longer than `wait_s` (default RESTORE_WAIT_S)."""
    conn = sqlite3.connect(path, timeout=RESTORE_WAIT_S if wait_s is None else wait_s, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")  # takes the lock; COMMIT keeps it in this locking mode
        conn.execute("COMMIT")
    except BaseException:
        conn.close()
        raise
    return conn


def save_copy(source: sqlite3.Connection, dest: Path) -> None:
    """The last committed state of `source` (a `lock`ed database), copied page by page (the rows are not read,
    so a damaged table does not stop it) into the new single file `dest`."""
    _single_file_copy(source, dest)


def _single_file_copy(source: sqlite3.Connection, dest: Path) -> None:
    target = open_plain(dest)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # the copy is one self-contained file
    finally:
        target.close()


def unreadable(path: Path) -> bool:
    """SQLite cannot read even the header and schema of this file (not a database, or damaged there): no
    program can be using it, and the backup API cannot write into it. A 0-byte file is not opened at all
    (SQLite would delete a -wal beside it). Busy and other errors are raised."""
    if path.stat().st_size == 0:
        return True
    try:
        conn = open_readonly(path)
        try:
            conn.execute("PRAGMA schema_version").fetchone()
        finally:
            conn.close()
    except SQLITE_ERRORS as err:
        if is_damage(err):
            return True
        raise
    return False


def install(staged: Path, dest: sqlite3.Connection) -> None:
    """Write the database `staged` (a checked copy of our own) into `dest`, a `lock`ed connection, with the
    backup API: one write transaction, so a failure leaves `dest` as it was."""
    source = open_plain(staged)
    try:
        _match_page_size(source, dest)
        if source.execute("PRAGMA page_count").fetchone()[0] < 2:  # a Phrasebook database has many pages
            raise sqlite3.DatabaseError("file is not a database")
        source.backup(dest)
    finally:
        source.close()


def _match_page_size(source: sqlite3.Connection, dest: sqlite3.Connection) -> None:
    """The backup API cannot change a WAL database's page size: give our copy the target's first."""
    size = dest.execute("PRAGMA page_size").fetchone()[0]
    if source.execute("PRAGMA page_size").fetchone()[0] != size:
        source.execute(f"PRAGMA page_size = {int(size)}")
        source.execute("VACUUM")


def settle(path: Path) -> None:
    """Fold a copied -wal into its database file and make it a single file (journal_mode=DELETE)."""
    conn = open_plain(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()
