"""Backups of the one database file, safe while clerks are answering (restores: phrasebook.restore).

SQLite's backup API copies one consistent snapshot (WAL: nobody waits) into a temporary file beside the
destination; the copy is checked (integrity, schema version, the same counts as the snapshot) before it takes
its final name, so a backup file that exists is a good one. The name is taken with a hard link, which fails
instead of overwriting: two backups in the same second (two terminals, a cron job) each keep their file; the
restore's safety copy is named the same way. Errors name the file at fault: the backups folder, the backup
being written (a full disk), or the database read.
"""

from __future__ import annotations

import errno
import itertools
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from phrasebook import paths
from phrasebook.errors import PhrasebookError, os_reason
from phrasebook.paths import SIDE_SUFFIXES, side_file
from phrasebook.store import dbfile, snapshot


@dataclass(frozen=True)
class Copy:
    """What a database file holds, and its size."""

    size: int
    contents: snapshot.Contents


@dataclass(frozen=True)
class Backup(Copy):
    """A backup written and checked, at `path`."""

    path: Path


def backup_name(db: Path, now: datetime, label: str = "") -> str:
    """`phrasebook-20261123-091500.db` (local time; `label` marks safety copies)."""
    stamp = now.astimezone().strftime("%Y%m%d-%H%M%S")
    return f"{db.stem}{'-' + label if label else ''}-{stamp}.db"


def _names(first: Path, *, numbered: bool) -> Iterator[Path]:
    """`first`, then (when `numbered`) first-2, first-3…: the names a backup may take, in order."""
    yield first
    for n in itertools.count(2) if numbered else ():
        yield first.with_name(f"{first.stem}-{n}{first.suffix}")


def _partial(first: Path) -> Path:
    """The temporary name a copy is written under before `_take_name` gives it `first` (or first-2…)."""
    return first.with_name(f".{first.name}.partial-{os.getpid()}")


def _take_name(partial: Path, first: Path, *, numbered: bool) -> Path:
    """Give the finished file `partial` the first free name; never replaces a file that exists, even one
    another backup made a moment ago. Raises FileExistsError when `first` is taken and not `numbered`."""
    for candidate in _names(first, numbered=numbered):
        try:
            os.link(partial, candidate)  # atomic, and fails if the name exists
        except FileExistsError:
            continue
        except OSError as err:  # no hard links here (FAT on a USB stick): reserve the name, then move onto it
            if err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES):
                raise
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
    """A database file and SQLite's files beside it."""
    for f in files:
        for path in (f, *(side_file(f, s) for s in SIDE_SUFFIXES)):
            path.unlink(missing_ok=True)


def _folder(folder: Path) -> Path:
    """The folder copies go to, made when missing; PhrasebookError naming it when it cannot be used."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
    except OSError as err:
        raise PhrasebookError("backup.err.folder", folder=folder, error=os_reason(err)) from None
    return folder


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
    dbfile.check_not_empty(db, db.stat().st_size)
    return db


def destination(db: Path, dest: Path | None, now: datetime, *, folder: bool = False) -> tuple[Path, bool]:
    """Where a backup goes: a new timestamped file in the backups folder or in a given folder (`folder`: it is
    one even if not made yet; numbered, True, when that name is taken), or the given file (must not exist)."""
    if dest is None:
        return _folder(paths.backups_dir(db)) / backup_name(db, now), True
    dest = Path(dest)
    if folder or dest.is_dir():
        return _folder(dest) / backup_name(db, now), True
    if dest.exists():
        raise PhrasebookError("backup.err.exists", path=dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise PhrasebookError("backup.err.write", path=dest, error=os_reason(err)) from None
    return dest, False


WRITE_ERRORS = ("SQLITE_IOERR_WRITE", "SQLITE_IOERR_FSYNC", "SQLITE_IOERR_TRUNCATE", "SQLITE_IOERR_DIR_FSYNC",
                "SQLITE_READONLY", "SQLITE_PERM", "SQLITE_CANTOPEN")  # met writing the copy, not reading the source


def _copy_failed(err: BaseException, db: Path, first: Path) -> PhrasebookError:
    """What went wrong copying `db` to `first`, blaming the right file."""
    name = getattr(err, "sqlite_errorname", "") or ""
    if isinstance(err, OSError):
        full = err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
        return PhrasebookError("backup.err.full" if full else "backup.err.write", path=first,
                               error=os_reason(err))
    if name.startswith("SQLITE_FULL"):
        return PhrasebookError("backup.err.full", path=first, error=dbfile.sqlite_reason(err))
    if name.startswith(WRITE_ERRORS):
        folder_shut = not os.access(first.parent, os.W_OK)  # SQLite says only "unable to open database file"
        return PhrasebookError("backup.err.write", path=first,
                               error=os_reason(PermissionError(errno.EACCES, "")) if folder_shut
                               else dbfile.sqlite_reason(err))
    if dbfile.is_damage(err):
        return PhrasebookError("dbfile.damaged", path=db, error=snapshot.describe(err))
    return PhrasebookError("backup.err.source", path=db, error=err)


def _source_failed(err: BaseException, db: Path) -> PhrasebookError:
    """The database could not be read (its folder read-only, the file damaged…), before anything was copied."""
    if isinstance(err, sqlite3.Error) and (getattr(err, "sqlite_errorname", "") or "").startswith("SQLITE_READONLY"):
        return dbfile.read_only(db, err.sqlite_errorname)
    if dbfile.is_damage(err):
        return PhrasebookError("dbfile.damaged", path=db, error=snapshot.describe(err))
    return PhrasebookError("backup.err.source", path=db, error=snapshot.describe(err))


def backup(db: Path, dest: Path | None = None, *, now: datetime, folder: bool = False) -> Backup:
    """Copy the database at `db` to `dest` (see `destination`) and verify the copy; raises PhrasebookError."""
    db = _existing_db(Path(db))
    first, numbered = destination(db, dest, now, folder=folder)
    partial = _partial(first)
    _remove(partial)
    try:
        try:
            source = snapshot.open_readonly(db)
            source.execute("PRAGMA schema_version").fetchone()  # the first read: its errors are the source's
        except snapshot.SQLITE_ERRORS as err:
            raise _source_failed(err, db) from None
        try:
            copied = snapshot.copy_to(source, partial)
        finally:
            source.close()
        checked = _verify(partial, copied)
        target = _take_name(partial, first, numbered=numbered)
        _fsync_dir(target.parent)
    except FileExistsError:
        _remove(partial)
        raise PhrasebookError("backup.err.exists", path=first) from None
    except (*snapshot.SQLITE_ERRORS, OSError) as err:
        _remove(partial)
        raise _copy_failed(err, db, first) from None
    except BaseException:
        _remove(partial)
        raise
    return Backup(path=target, size=target.stat().st_size, contents=checked)


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
