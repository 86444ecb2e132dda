"""SQL for backups and restores: copy a live database with SQLite's backup API, and read what a file holds.

The copy is taken inside one read transaction of the source, so it is a consistent snapshot even while clerks
answer (WAL readers never block writers), and the counts read in that same transaction describe exactly the
snapshot copied. Copies are single files (journal_mode=DELETE), never leaving a -wal beside them.

A restore goes the other way (`install`): the backup API writes the checked copy into the live database in one
write transaction of it, so every connection, open already or opened meanwhile, sees the old content or the
new one through SQLite itself; no file is swapped under anybody.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from phrasebook.store.db import BUSY_TIMEOUT_S, WRITE_PATIENCE_S

# Tables every released schema has (m001); a file without them is not a Phrasebook database.
CORE_TABLES = ("settings", "scenarios", "decks", "phrases", "translations", "people", "cards", "study_sessions",
               "reviews")
COUNTED = ("people", "reviews", "cards", "decks", "cohorts")
# What reading a damaged file can raise: SQLite's errors, and UnicodeDecodeError when the error text quotes a
# damaged schema that is not valid UTF-8 (Python then cannot decode SQLite's message).
SQLITE_ERRORS = (sqlite3.DatabaseError, UnicodeDecodeError)


def is_damage(err: BaseException) -> bool:
    """Does this error say the file is damaged (or not a database at all), rather than busy or unwritable?"""
    name = getattr(err, "sqlite_errorname", "") or ""
    return isinstance(err, UnicodeDecodeError) or name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))


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


def save_copy(path: Path, dest: Path) -> None:
    """The last committed state of the database at `path`, copied page by page (the rows are not read, so a
    damaged table does not stop it) into the new single file `dest`."""
    source = open_readonly(path)
    try:
        _single_file_copy(source, dest)
    finally:
        source.close()


def _single_file_copy(source: sqlite3.Connection, dest: Path) -> None:
    target = open_plain(dest)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # the copy is one self-contained file
    finally:
        target.close()


def unreadable(path: Path) -> bool:
    """SQLite cannot read even the header and schema of this file (not a database, or damaged there): no
    program can be using it, and the backup API cannot write into it. Busy and other errors are raised."""
    try:
        conn = open_readonly(path)
        try:
            conn.execute("PRAGMA schema_version").fetchone()
        finally:
            conn.close()
    except SQLITE_ERRORS as err:
        if is_damage(err) or "malformed" in describe(err):
            return True
        raise
    return False


def install(staged: Path, target: Path, while_locked: Callable[[], None] | None = None,
            patience_s: float = WRITE_PATIENCE_S) -> None:
    """Write the database `staged` (a checked copy of our own) into `target` with the backup API, in one write
    transaction of `target` (see the module doc). `while_locked` runs once that transaction holds the write
    lock and before anything is committed, so what it reads of `target` (the safety copy) is exactly what
    gets replaced: nobody can commit in between. Busy for longer than `patience_s`: raises, nothing written."""
    source = open_plain(staged)
    dest = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        _match_page_size(source, dest)
        source.execute("BEGIN")
        if source.execute("PRAGMA page_count").fetchone()[0] < 2:  # the read the copy reuses, and see below
            raise sqlite3.DatabaseError("file is not a database")  # a Phrasebook database has many pages
        pending = [while_locked] if while_locked else []
        deadline = time.monotonic() + patience_s

        def progress(status: int, remaining: int, total: int) -> None:
            if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                if time.monotonic() > deadline:
                    raise sqlite3.OperationalError("database is locked")
            elif pending and status == sqlite3.SQLITE_OK:  # one page copied, nothing committed yet
                pending.pop()()

        # One page per step: the first step takes the write lock and leaves the rest to copy (there are at
        # least two pages), so `while_locked` runs before the commit. Raising here rolls it all back.
        source.backup(dest, pages=1, progress=progress, sleep=0.01)
        source.execute("COMMIT")
    finally:
        source.close()
        dest.close()


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
