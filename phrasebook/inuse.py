"""Is another program using a database file right now? Asked before a restore, to refuse early.

Every SQLite connection to a WAL database holds a shared POSIX lock on one byte of the `-shm` file (the
"dead-man switch" at offset 128, SQLite's unix VFS) for as long as it is open; SQLite itself tests that byte to
learn whether it is the last user. We ask the same question with an open-file-description lock (Linux), which
conflicts with those locks whoever holds them. The answer is a courtesy (a clerk should not see the content
change under the app), not what keeps data safe: the restore writes through SQLite, so a program that opens
the database a moment after this check still sees, and writes into, the restored database.

Caveats: closing any descriptor of a file drops this process's own POSIX locks on it, so callers must hold no
SQLite connection to the database themselves while they use this. Without fcntl (Windows) nothing is detected.
"""

from __future__ import annotations

import errno
import os
import struct
from pathlib import Path

from phrasebook.errors import PhrasebookError, os_reason
from phrasebook.paths import side_file

try:
    import fcntl
except ImportError:  # Windows: SQLite's locks there are not POSIX locks
    fcntl = None  # type: ignore[assignment]

DMS_OFFSET = 128  # UNIX_SHM_DMS in SQLite's os_unix.c: (22 + 8) * 4 + 8
_LOCK = getattr(fcntl, "F_OFD_SETLK", getattr(fcntl, "F_SETLK", None))
_GETLK = getattr(fcntl, "F_OFD_GETLK", getattr(fcntl, "F_GETLK", None))


def _flock(kind: int) -> bytes:
    # struct flock: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t l_pid (+ padding)
    return struct.pack("hhqqi4x", kind, os.SEEK_SET, DMS_OFFSET, 1, 0)


class ExclusiveUse:
    """Holds the database's dead-man-switch byte exclusively: no other connection is open, none can open."""

    def __init__(self, db: Path) -> None:
        self.db = Path(db)
        self.fd: int | None = None
        self.holder: int | None = None  # pid of a process using it, when the kernel says

    def acquire(self) -> bool:
        """True when nobody else has the database open (and, until release, nobody can open it). Raises
        PhrasebookError("inuse.cannot_check") when the -shm file cannot be opened or locked at all."""
        if fcntl is None:
            return True
        try:
            fd = os.open(side_file(self.db, "-shm"), os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise PhrasebookError("inuse.cannot_check", path=self.db, error=os_reason(err)) from None
        try:
            fcntl.fcntl(fd, _LOCK, _flock(fcntl.F_WRLCK))
        except OSError as err:
            if err.errno in (errno.EACCES, errno.EAGAIN):  # held by someone: the database is in use
                self.holder = _holder(fd)
                os.close(fd)
                return False
            os.close(fd)  # no locks here at all (some network filesystems): cannot tell
            raise PhrasebookError("inuse.cannot_check", path=self.db, error=os_reason(err)) from None
        self.fd = fd
        return True

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor drops the lock
            self.fd = None


def _holder(fd: int) -> int | None:
    try:
        answer = fcntl.fcntl(fd, _GETLK, _flock(fcntl.F_WRLCK))
    except OSError:
        return None
    kind, _whence, _start, _len, pid = struct.unpack("hhqqi4x", answer)
    return pid if kind != fcntl.F_UNLCK and pid > 0 else None


def in_use(db: Path) -> tuple[bool, int | None]:
    """(True, pid or None) when another connection has `db` open. A database with no -shm file is not open in
    WAL mode by anyone (SQLite creates it on open), so nothing is created just to ask."""
    db = Path(db)
    if not side_file(db, "-shm").exists():
        return False, None
    probe = ExclusiveUse(db)
    try:
        free = probe.acquire()
    except PhrasebookError:
        return False, None  # cannot even open or lock the -shm (permissions): SQLite will say what is wrong
    probe.release()
    return (not free), probe.holder
