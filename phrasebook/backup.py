"""Backups and restores of the one database file, safe while clerks are answering.

Backup: SQLite's backup API copies one consistent snapshot (WAL: nobody waits) into a temporary file beside
the destination; the copy is checked (integrity, schema version, the same counts as the snapshot) before it
takes its final name, so a backup file that exists is a good one. The name is taken with a hard link, which
fails instead of overwriting: two backups in the same second (two terminals, a cron job) each keep their file.

Restore: the chosen file is copied next to the database first and every check runs on that copy (it opens as
SQLite, integrity ok, it is a Phrasebook database, its schema is not newer than this program), so what was
checked is exactly what gets installed and the chosen file itself is never opened for writing. A database
another program has open is refused (twice: when planning, and again after the confirmation). Then SQLite's
backup API writes the checked copy INTO the database file (snapshot.install): one write transaction, so a
program that opened the database meanwhile sees the old content or the new one and its next write lands in the
restored database, never in a file swapped away from under it; the file keeps its owner, mode and links. While
that transaction holds the write lock, the current content is copied to the backups folder (the safety copy),
so it is exactly what was replaced. A file SQLite cannot read at all (damaged header) is kept byte for byte
instead, then emptied in place for the copy. An older schema is migrated by the next open, as usual.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from phrasebook import paths
from phrasebook.errors import PhrasebookError
from phrasebook.inuse import ExclusiveUse, in_use
from phrasebook.store import snapshot
from phrasebook.store.db import is_busy
from phrasebook.store.migrations import LATEST

SIDE_FILES = ("-wal", "-journal")  # what a database file may carry beside it (besides the -shm index)


@dataclass(frozen=True)
class Copy:
    """A database file and what it holds."""

    path: Path
    size: int
    contents: snapshot.Contents


def side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def backup_name(db: Path, now: datetime, label: str = "") -> str:
    """`phrasebook-20261123-091500.db` (local time; `label` marks safety copies)."""
    stamp = now.astimezone().strftime("%Y%m%d-%H%M%S")
    return f"{db.stem}{'-' + label if label else ''}-{stamp}.db"


def _free_name(folder: Path, name: str) -> Path:
    """`name` in `folder`, or name-2, name-3… when it is taken (a safety copy: nothing else writes there)."""
    return next(c for c in _names(folder / name, numbered=True) if not c.exists())


def _names(first: Path, *, numbered: bool) -> Iterator[Path]:
    """`first`, then (when `numbered`) first-2, first-3…: the names a backup may take, in order."""
    yield first
    for n in itertools.count(2) if numbered else ():
        yield first.with_name(f"{first.stem}-{n}{first.suffix}")


def _take_name(partial: Path, first: Path, *, numbered: bool) -> Path:
    """Give the finished file `partial` the first free name; never replaces a file that exists, even one
    another backup made a moment ago. Raises FileExistsError when `first` is taken and not `numbered`."""
    for candidate in _names(first, numbered=numbered):
        try:
            os.link(partial, candidate)  # atomic, and fails if the name exists
        except FileExistsError:
            continue
        except OSError:  # no hard links here (FAT on a USB stick): reserve the name, then move onto it
            try:
                os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:
                continue
            os.replace(partial, candidate)
            return candidate
        partial.unlink()
        return candidate
    raise FileExistsError(first)


def _remove(*files: Path) -> None:
    for f in files:
        for path in (f, *(side(f, s) for s in (*SIDE_FILES, "-shm"))):
            path.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _existing_db(db: Path) -> Path:
    if db.is_dir():
        raise PhrasebookError("db.is_dir", path=db)
    if not db.is_file():
        raise PhrasebookError("backup.err.no_db", path=db)
    return db


def destination(db: Path, dest: Path | None, now: datetime) -> tuple[Path, bool]:
    """Where a backup goes: a new timestamped file in the backups folder or in a given folder (numbered, True,
    when that name is taken), or the given file (which must not exist)."""
    if dest is None:
        return paths.backups_dir(db) / backup_name(db, now), True
    dest = Path(dest)
    if dest.is_dir():
        return dest / backup_name(db, now), True
    if dest.exists():
        raise PhrasebookError("backup.err.exists", path=dest)
    return dest, False


def backup(db: Path, dest: Path | None = None, *, now: datetime) -> Copy:
    """Copy the database at `db` to `dest` (see `destination`) and verify the copy; raises PhrasebookError."""
    db = _existing_db(Path(db))
    first, numbered = destination(db, dest, now)
    try:
        first.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise PhrasebookError("backup.err.write", path=first, error=err.strerror or err) from None
    partial = first.with_name(f".{first.name}.partial-{os.getpid()}")
    _remove(partial)
    try:
        source = snapshot.open_readonly(db)
        try:
            copied = snapshot.copy_to(source, partial)
        finally:
            source.close()
        checked = _verify(partial, copied)
        target = _take_name(partial, first, numbered=numbered)
        _fsync_dir(target.parent)
    except snapshot.SQLITE_ERRORS as err:
        _remove(partial)
        if snapshot.is_damage(err):
            raise PhrasebookError("dbfile.damaged", path=db, error=snapshot.describe(err)) from None
        if isinstance(err, sqlite3.OperationalError) and partial.parent.exists() and not os.access(
                partial.parent, os.W_OK):
            raise PhrasebookError("backup.err.write", path=first, error=err) from None
        raise PhrasebookError("backup.err.source", path=db, error=err) from None
    except FileExistsError:
        _remove(partial)
        raise PhrasebookError("backup.err.exists", path=first) from None
    except OSError as err:
        _remove(partial)
        raise PhrasebookError("backup.err.write", path=first, error=err.strerror or err) from None
    except BaseException:
        _remove(partial)
        raise
    return Copy(path=target, size=target.stat().st_size, contents=checked)


def _verify(path: Path, expected: snapshot.Contents) -> snapshot.Contents:
    """The copy at `path` is sound and holds what the snapshot held."""
    conn = snapshot.open_readonly(path)
    try:
        problem = snapshot.integrity(conn)
        found = snapshot.contents(conn)
    finally:
        conn.close()
    if problem != "ok":
        raise PhrasebookError("backup.err.verify", path=path, problem=problem)
    if (found.schema, found.counts) != (expected.schema, expected.counts):
        raise PhrasebookError("backup.err.verify", path=path,
                              problem=f"{found.schema} {found.counts} != {expected.schema} {expected.counts}")
    return found


# -- restore ---------------------------------------------------------------------------------------------
@dataclass
class RestorePlan:
    """A checked copy of the chosen file, staged beside the database, and what the database holds now.
    `target` is the database file itself (symlinks resolved). Call `discard` when done, whatever happened."""

    source: Path
    target: Path
    staged: Path
    incoming: Copy
    current: snapshot.Contents | None  # None: no database yet, or it cannot be read
    current_error: str | None = None

    def discard(self) -> None:
        _remove(self.staged)


def refuse_if_in_use(db: Path, key: str = "restore.err.in_use") -> None:
    """Raise PhrasebookError(`key`) when another program has `db` open (see phrasebook.inuse)."""
    busy, pid = in_use(db)
    if busy:
        raise PhrasebookError(key, path=db, pid=pid if pid else "?")


def plan_restore(source: Path, target: Path) -> RestorePlan:
    """Stage `source` beside `target` and check it; nothing of `target` is touched. Raises PhrasebookError."""
    source, target = Path(source), Path(target)
    if source.is_dir():
        raise PhrasebookError("restore.err.is_dir", path=source)
    if not source.is_file():
        raise PhrasebookError("restore.err.missing", path=source)
    if target.exists() and os.path.samefile(source, target):
        raise PhrasebookError("restore.err.same", path=source)
    if target.is_dir():
        raise PhrasebookError("db.is_dir", path=target)
    target = target.resolve()  # a symlinked database: restore the file it points to, keep the link
    refuse_if_in_use(source, "restore.err.source_in_use")
    refuse_if_in_use(target)
    staged = target.with_name(f".{target.name}.restore-{os.getpid()}")
    _remove(staged)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, staged)
        if side(source, "-wal").is_file():  # a copied live database: its last answers may be in the WAL
            shutil.copyfile(side(source, "-wal"), side(staged, "-wal"))
    except OSError as err:
        _remove(staged)
        raise PhrasebookError("restore.err.copy", path=source, error=err.strerror or err) from None
    try:
        incoming = _check_incoming(source, staged)
    except BaseException:
        _remove(staged)
        raise
    current, error = _read_current(target)
    return RestorePlan(source=source, target=target, staged=staged, incoming=incoming, current=current,
                       current_error=error)


def _check_incoming(source: Path, staged: Path) -> Copy:
    if staged.stat().st_size == 0:
        raise PhrasebookError("restore.err.not_sqlite", path=source, error="0 bytes")
    try:
        snapshot.settle(staged)
        conn = snapshot.open_readonly(staged)
        try:
            problem = snapshot.integrity(conn)
            found = snapshot.contents(conn)
            broken = snapshot.broken_references(conn) if problem == "ok" else 0
        finally:
            conn.close()
    except snapshot.SQLITE_ERRORS as err:
        if snapshot.is_damage(err) and not getattr(err, "sqlite_errorname", "").startswith("SQLITE_NOTADB"):
            raise PhrasebookError("restore.err.damaged", path=source, problem=snapshot.describe(err)) from None
        raise PhrasebookError("restore.err.not_sqlite", path=source, error=snapshot.describe(err)) from None
    if problem != "ok":
        raise PhrasebookError("restore.err.damaged", path=source, problem=problem)
    if not found.is_phrasebook:
        raise PhrasebookError("restore.err.not_phrasebook", path=source)
    if found.schema > LATEST:
        raise PhrasebookError("db.too_new", path=source, found=found.schema, supported=LATEST)
    if broken:
        raise PhrasebookError("restore.err.references", path=source, count=broken)
    return Copy(path=source, size=staged.stat().st_size, contents=found)


def _read_current(target: Path) -> tuple[snapshot.Contents | None, str | None]:
    if not target.is_file():
        return None, None
    try:
        conn = snapshot.open_readonly(target)
        try:
            return snapshot.contents(conn), None
        finally:
            conn.close()
    except snapshot.SQLITE_ERRORS as err:
        return None, snapshot.describe(err)


@dataclass(frozen=True)
class Restored:
    safety: Path | None  # the copy of the database as it was, in the backups folder
    contents: snapshot.Contents


def apply_restore(plan: RestorePlan, *, now: datetime) -> Restored:
    """Write the staged copy into the database (see the module doc) and discard it; raises PhrasebookError with
    the database as it was. The caller holds no connection to the target."""
    target = plan.target
    safety = None
    if target.exists():
        safety = _free_name(paths.backups_dir(target), backup_name(target, now, "before-restore"))
    emptied = False
    try:
        if safety is not None:
            safety.parent.mkdir(parents=True, exist_ok=True)
            emptied = snapshot.unreadable(target)
            if emptied:
                _keep_and_empty(target, safety)
        try:
            keep = None if safety is None or emptied else (lambda: snapshot.save_copy(target, safety))
            snapshot.install(plan.staged, target, while_locked=keep)
        except BaseException:
            if emptied:
                shutil.copyfile(safety, target)  # put the unreadable file back as it was (same inode)
            elif safety is not None:
                _remove(safety)
            raise
    except snapshot.SQLITE_ERRORS as err:
        if is_busy(err):
            raise PhrasebookError("dbfile.busy", path=target, error=err) from None
        raise PhrasebookError("restore.err.copy", path=target, error=snapshot.describe(err)) from None
    except OSError as err:
        raise PhrasebookError("restore.err.copy", path=target, error=err.strerror or err) from None
    finally:
        plan.discard()
    return Restored(safety=safety, contents=plan.incoming.contents)


def _keep_and_empty(target: Path, safety: Path) -> None:
    """A file SQLite cannot read: copy it (and its -wal/-journal) byte for byte to `safety`, then empty it in
    place, its stale -wal/-journal removed, holding the dead-man switch so nobody opens it meanwhile."""
    guard = ExclusiveUse(target)
    if not guard.acquire():
        raise PhrasebookError("restore.err.in_use", path=target, pid=guard.holder or "?")
    try:
        try:
            shutil.copyfile(target, safety)
            for suffix in SIDE_FILES:
                if side(target, suffix).is_file():
                    shutil.copyfile(side(target, suffix), side(safety, suffix))
        except BaseException:
            _remove(safety)
            raise
        for suffix in SIDE_FILES:
            side(target, suffix).unlink(missing_ok=True)  # never let SQLite apply them to the new content
        os.truncate(target, 0)
    finally:
        guard.release()
