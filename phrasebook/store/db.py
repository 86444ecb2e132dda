"""Connection, pragmas and transactions for the one SQLite file.

Concurrency model. WAL lets readers (reports, the next card) run while clerks answer and never blocks a writer;
every write is one short `BEGIN IMMEDIATE` transaction, so a writer takes the single write lock up front instead
of failing half-way. Waiting for that lock is done here, not by SQLite's busy handler: its sleeps grow to 100 ms,
so under load a writer that has waited a while polls ten times a second and loses the lock to newcomers again and
again (measured, 64 processes flat out: p99 0.85 s, max 3.6 s). Short jittered sleeps (0.2 ms doubling up to
10 ms) keep every waiter about equally likely to get it next. After WRITE_PATIENCE_S without the lock, the
write gives up with a clear PhrasebookError ("reliability.busy"): nothing was written, and the caller can retry
(answers carry an idempotency key, so a retry never logs twice). Other statements keep SQLite's busy timeout.

Checkpoints. By default SQLite copies the WAL back into the database (a checkpoint, with an fsync) inside the
COMMIT that takes the WAL past 1000 pages, and then in every commit until the WAL restarts: one answer in fifty
paid up to ~30 ms for it. A long-running process (the app) calls `start_checkpointer()`: its answers skip that work
(wal_autocheckpoint=0) and a background thread with its own connection runs a PASSIVE checkpoint twice a second
(it never blocks readers or writers). Short-lived processes (the CLI) keep SQLite's automatic checkpoints.

Checkpoint starvation. The WAL restarts from its beginning only at a moment when no reader still uses an older
snapshot. Under constant overlapping reads and writes that moment may never come and the WAL grows without bound
(measured: 660 MB in 10 s flat out; every read then searches a longer WAL index). So the checkpointer thread, when
its PASSIVE checkpoint reached the end of the WAL (no reader pins an older snapshot) and the WAL file is above
WAL_TRUNCATE_BYTES, runs a TRUNCATE checkpoint — at most once per TRUNCATE_EVERY_S, waiting at most
CHECKPOINT_TIMEOUT_MS for readers (briefly holding writers). While a long reader pins the WAL (a coordinator's
report), a TRUNCATE could not finish anyway, so none is tried: it would only make writers wait for it. Answers
never checkpoint: before, the writer that found the WAL too big ran the TRUNCATE itself, and with a long reader
every answer paid its 200 ms timeout (measured: p99 3.5–7.2 s). The CLI runs no thread; SQLite's automatic
checkpoints keep its WAL bounded, and the last connection to close removes the file.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from phrasebook.errors import PhrasebookError, os_reason
from phrasebook.store.dbfile import check_file, explain, is_damage, is_environment

BUSY_TIMEOUT_S = 10.0       # SQLite's busy handler, for every statement but BEGIN IMMEDIATE
WRITE_RETRY_S = 5.0         # how much longer than the busy timeout a write keeps trying for the lock
WRITE_PATIENCE_S = BUSY_TIMEOUT_S + WRITE_RETRY_S
BACKOFF_S = (0.0002, 0.010)  # first and longest sleep between tries for the write lock (each jittered)
WAL_TRUNCATE_BYTES = 64 * 1024 * 1024
CHECKPOINT_TIMEOUT_MS = 200  # a TRUNCATE checkpoint waits at most this long for readers
CHECKPOINT_EVERY_S = 0.5     # the background checkpointer's pace
TRUNCATE_EVERY_S = 5.0       # and at most one TRUNCATE in this long


def is_busy(err: BaseException) -> bool:
    """SQLITE_BUSY in any of its forms ("database is locked")."""
    if not isinstance(err, sqlite3.OperationalError):
        return False
    code = getattr(err, "sqlite_errorcode", None)
    return (code & 0xFF) == sqlite3.SQLITE_BUSY if code is not None else "locked" in str(err)


class Store:
    """An open database. Reads go through `rows`/`row`/`value`; writes inside `with store.write():`."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.patience_s = WRITE_PATIENCE_S  # tests shorten it
        self._checkpointer: Checkpointer | None = None

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction; rolled back whole on any error. Raises PhrasebookError("reliability.busy")
        when the write lock cannot be had in time, and dbfile's sentence for a full disk, an I/O error, a
        read-only or damaged file (nothing written either way); an error of the SQL itself stays as it is."""
        deadline = time.monotonic() + self.patience_s
        try:
            self._until_done("BEGIN IMMEDIATE", deadline, quick=True)
            try:
                yield self.conn
                self._until_done("COMMIT", deadline)
            except BaseException:
                if self.conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already; the
                        self.conn.execute("ROLLBACK")        # first error is the one to tell
                raise
        except sqlite3.Error as err:
            if is_busy(err):
                raise PhrasebookError("reliability.busy", seconds=round(self.patience_s)) from None
            if is_environment(err):  # a full disk, an I/O error…: one sentence, and nothing was written
                raise explain(err, self.path) from None
            raise

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Several reads that see one moment (in WAL a read transaction neither waits nor blocks a writer)."""
        self.conn.execute("BEGIN")
        try:
            yield self.conn
        finally:
            self.conn.execute("COMMIT")

    def _until_done(self, sql: str, deadline: float, *, quick: bool = False) -> None:
        """Run `sql`, trying again on SQLITE_BUSY with short jittered sleeps until `deadline`. `quick`: first
        try without SQLite's busy handler (BEGIN IMMEDIATE: our polling is fairer than its growing sleeps).
        COMMIT only meets BUSY outside WAL mode (e.g. a file system without shared memory)."""
        pause = BACKOFF_S[0]
        if quick:
            self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            while True:
                try:
                    self.conn.execute(sql)
                    return
                except sqlite3.OperationalError as err:
                    if not is_busy(err) or time.monotonic() + pause > deadline:
                        raise
                time.sleep(random.uniform(pause / 2, pause))
                pause = min(pause * 2, BACKOFF_S[1])
        finally:
            if quick:
                self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")

    def rows(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def row(self, sql: str, params: Any = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def value(self, sql: str, params: Any = ()) -> Any:
        found = self.conn.execute(sql, params).fetchone()
        return found[0] if found else None

    def start_checkpointer(self, every_s: float = CHECKPOINT_EVERY_S) -> None:
        """Checkpoint in a background thread instead of inside this process's commits (see the module doc)."""
        if self._checkpointer is None:
            self._checkpointer = Checkpointer(self.path, every_s)
            self._checkpointer.start()
            self.conn.execute("PRAGMA wal_autocheckpoint = 0")

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        self.conn.close()


class Checkpointer(threading.Thread):
    """PASSIVE checkpoints every `every_s` on a connection of its own: copies committed pages back into the
    database file without waiting for, or holding up, anyone (busy: it simply tries again next time). Bounds the
    WAL file too (see the module doc). `truncated` and `pinned` count what it did, for tests and benches."""

    def __init__(self, path: Path, every_s: float) -> None:
        super().__init__(name="phrasebook-checkpointer", daemon=True)
        self.path, self.every_s = path, every_s
        self.wal = Path(f"{path}-wal")
        self.truncated = self.pinned = 0
        self._last_truncate = float("-inf")
        self._stopping = threading.Event()

    def run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=0, isolation_level=None, check_same_thread=False)
        try:
            while not self._stopping.wait(self.every_s):
                with contextlib.suppress(sqlite3.Error):  # busy or closing: next time
                    busy, log, done = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    if self._too_big():
                        self._truncate(conn, reached_end=not busy and done == log)
        finally:
            conn.close()

    def _too_big(self) -> bool:
        try:
            return self.wal.stat().st_size > WAL_TRUNCATE_BYTES
        except OSError:
            return False

    def _truncate(self, conn: sqlite3.Connection, *, reached_end: bool) -> None:
        """Restart the WAL file from zero, unless a reader pins it (the PASSIVE pass could not reach the end)
        or one was done less than TRUNCATE_EVERY_S ago."""
        if not reached_end:
            self.pinned += 1
            return
        if time.monotonic() - self._last_truncate < TRUNCATE_EVERY_S:
            return
        self._last_truncate = time.monotonic()
        conn.execute(f"PRAGMA busy_timeout = {CHECKPOINT_TIMEOUT_MS}")
        try:
            if conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0:
                self.truncated += 1
        finally:
            conn.execute("PRAGMA busy_timeout = 0")

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=5)


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA journal_mode=WAL")
    except (sqlite3.DatabaseError, UnicodeDecodeError) as err:  # a damaged schema's text may not even be UTF-8
        conn.close()
        raise _refusal(err, path) from None
    # NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commit).
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def _refusal(err: BaseException, path: Path) -> PhrasebookError:
    """Why the first statement on a file failed. Busy (another program holds it locked) is not damage: the
    file is fine and a retry will do, so it must not be reported as "not a Phrasebook database"."""
    if is_busy(err):
        return PhrasebookError("dbfile.busy", path=path, error=err)
    if is_damage(err) or not isinstance(err, sqlite3.Error):
        return PhrasebookError("db.not_sqlite", path=path)
    return explain(err, path)


def open_store(path: Path | str, *, create: bool = True) -> Store:
    """Open (creating if needed, unless not `create`) and migrate the database at `path`. Checking commands
    (doctor) pass create=False: a mistyped --db must not become a new, empty, "healthy" database."""
    from phrasebook.store.migrations import migrate

    path = Path(path)
    if not create and not path.exists():
        raise PhrasebookError("dbfile.missing", path=path)
    check_file(path)  # a folder, an empty or read-only file…: refused before SQLite writes a byte
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = connect(path)
    except sqlite3.OperationalError as err:
        raise explain(err, path) from None
    except OSError as err:
        raise PhrasebookError("db.cannot_open", path=path, error=os_reason(err)) from None
    store = Store(conn, path)
    try:
        migrate(store)
    except BaseException:
        conn.close()
        raise
    return store
