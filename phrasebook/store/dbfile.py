"""The database file before SQLite touches it, and SQLite's errors in words a trainer can act on.

`check_file` refuses, without writing a byte, what SQLite would otherwise "open" and change or half-use: an
empty file (SQLite would make a new database in it), something that is not a regular file, a file or folder
we may not write (every open writes: WAL index, migrations, deck sync). `explain` turns an sqlite3 error met
later (a damaged page deep in the file, a read-only mount) into one message instead of a traceback.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from phrasebook.errors import PhrasebookError, os_reason
from phrasebook.i18n import t
from phrasebook.paths import side_file

DAMAGED = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
READ_ONLY = ("SQLITE_READONLY",)
BUSY = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_PROTOCOL")
FULL_BELOW_BYTES = 64 * 1024  # less free space than this: an I/O error on writing is the disk being full
SQLITE_MAGIC = b"SQLite format 3\x00"
IO = ("SQLITE_IOERR", "SQLITE_FULL", "SQLITE_CANTOPEN", "SQLITE_PERM")
# The file or the disk at fault, not the statement: what any read or write may meet and no caller can prevent.
ENVIRONMENT = (*DAMAGED, *READ_ONLY, *IO, "SQLITE_NOMEM")


def check_file(path: Path) -> None:
    """Raise PhrasebookError when `path` exists but must not be opened as a database."""
    try:
        info = path.stat()
    except FileNotFoundError:
        parent = _existing_parent(path)
        if parent is not None and not os.access(parent, os.W_OK):
            raise PhrasebookError("dbfile.folder_read_only", path=path, folder=parent) from None
        return
    except OSError as err:
        raise PhrasebookError("db.cannot_open", path=path, error=os_reason(err)) from None
    if stat.S_ISDIR(info.st_mode):
        raise PhrasebookError("db.is_dir", path=path)
    if not stat.S_ISREG(info.st_mode):
        raise PhrasebookError("dbfile.not_file", path=path)
    check_not_empty(path, info.st_size)
    if not os.access(path, os.R_OK):
        raise PhrasebookError("dbfile.unreadable", path=path)
    if not os.access(path, os.W_OK):
        raise PhrasebookError("dbfile.read_only", path=path)
    _check_header(path)


def check_not_empty(path: Path, size: int) -> None:
    """0 bytes is no database: SQLite would make a new one there (and delete a -wal that holds the data)."""
    if size == 0:
        wal = side_file(path, "-wal")
        if wal.is_file() and wal.stat().st_size > 0:  # SQLite would delete that -wal: all that is left
            raise PhrasebookError("dbfile.wal_only", path=path, wal=wal)
        raise PhrasebookError("dbfile.empty", path=path)


def _check_header(path: Path) -> None:
    """Refuse from the 100-byte file header alone (no SQLite connection, which would switch the file to WAL):
    a schema newer than this program's, or another program's SQLite database (tables but no schema version).
    A file that is not SQLite at all is left to SQLite to refuse."""
    from phrasebook.store.migrations import LATEST

    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError as err:
        raise PhrasebookError("db.cannot_open", path=path, error=os_reason(err)) from None
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        return
    version = int.from_bytes(head[60:64], "big", signed=True)
    pages_valid = head[24:28] == head[92:96]  # the page count is trustworthy (written by SQLite >= 3.7)
    pages = int.from_bytes(head[28:32], "big") if pages_valid else 0
    if version < 0:  # signed in the header; MIGRATIONS[negative] would run the wrong step
        raise PhrasebookError("db.not_sqlite", path=path)
    if version > LATEST:
        raise PhrasebookError("db.too_new", path=path, found=version, supported=LATEST)
    if version == 0 and pages > 1:  # a Phrasebook file without a schema version holds nothing yet
        raise PhrasebookError("dbfile.foreign", path=path)


def _existing_parent(path: Path) -> Path | None:
    for parent in path.absolute().parents:
        if parent.exists():
            return parent
    return None


def is_damage(err: BaseException) -> bool:
    """Does this error say the file is damaged or not a database at all (rather than busy or unwritable)?
    UnicodeDecodeError: SQLite's message quoted a damaged schema that is not valid UTF-8."""
    if isinstance(err, UnicodeDecodeError):
        return True
    name = getattr(err, "sqlite_errorname", "") or ""
    text = str(err)
    return name.startswith(DAMAGED) or "malformed" in text or "not a database" in text


def _full(path: Path) -> bool:
    """Is the disk holding `path` (nearly) full? SQLite reports some writes a full disk refused (the -shm, the
    -wal header) as I/O errors; Python does not give us the errno."""
    try:
        info = os.statvfs(_existing_parent(path) or path.parent)
    except OSError:
        return False
    return info.f_bavail * info.f_frsize < FULL_BELOW_BYTES


def is_environment(err: BaseException) -> bool:
    """Is this an sqlite3 error of the file or the disk (full, I/O, read-only, damaged) rather than of our SQL?"""
    if not isinstance(err, sqlite3.Error):
        return isinstance(err, UnicodeDecodeError)
    return (getattr(err, "sqlite_errorname", "") or "").startswith(ENVIRONMENT) or is_damage(err)


def read_only(path: Path, name: str = "") -> PhrasebookError:
    """Which is read-only: the file, or its folder (SQLite makes the -wal and -shm beside the file, even to read
    a WAL database, so a writable file in a read-only folder cannot be used either)."""
    folder = path.absolute().parent
    if name == "SQLITE_READONLY_DIRECTORY" or (os.access(path, os.W_OK) and not os.access(folder, os.W_OK)):
        return PhrasebookError("dbfile.folder_no_write", path=path, folder=folder)
    return PhrasebookError("dbfile.read_only", path=path)


def sqlite_reason(err: BaseException) -> str:
    """SQLite's error in the UI language, by its primary result code (its English text for one not listed)."""
    name = getattr(err, "sqlite_errorname", "") or ""
    key = "reason." + "_".join(name.split("_")[:2])
    text = t(key)
    return text if name and text != key else str(err)


def explain(err: sqlite3.Error, path: Path) -> PhrasebookError:
    """One clear message for an sqlite3 error met while using the database at `path`."""
    name = getattr(err, "sqlite_errorname", "") or ""
    text = str(err)
    if is_damage(err):
        return PhrasebookError("dbfile.damaged", path=path, error=text)
    if name.startswith(READ_ONLY) or "readonly" in text:
        return read_only(path, name)
    if name.startswith(BUSY) or "locked" in text:
        return PhrasebookError("dbfile.busy", path=path, error=sqlite_reason(err))
    if name.startswith("SQLITE_FULL") or "disk is full" in text or (name.startswith("SQLITE_IOERR") and _full(path)):
        return PhrasebookError("dbfile.full", path=path)
    if name.startswith("SQLITE_IOERR") or "I/O error" in text:
        return PhrasebookError("dbfile.io_error", path=path, code=name or text)
    if name.startswith(IO):
        return PhrasebookError("db.cannot_open", path=path, error=sqlite_reason(err))
    return PhrasebookError("dbfile.error", path=path, error=text)
