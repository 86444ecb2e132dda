"""Restores of the one database file from a backup, never leaving it half replaced.

The chosen file is copied next to the database first and every check runs on that copy (it opens as SQLite,
integrity ok, it is a Phrasebook database, its schema is not newer than this program), so what was checked is
exactly what gets installed and the chosen file itself is never opened for writing. A database another program
has open is refused (when planning, and again after the confirmation). Then one connection holds the database
exclusively (snapshot.lock) while the current content is copied to the backups folder (the safety copy, exactly
what gets replaced) and SQLite's backup API writes the checked copy in (snapshot.install, one transaction): a
program opening meanwhile waits or says busy and then sees the restored content, never a mixture; no file is
swapped, so the file keeps its owner, mode and links. Ctrl+C is held back during those steps, and a safety copy
once made is kept and named whatever happens. A backup of an older schema is migrated in its staged copy before
anything is replaced (refused if it cannot be). A file SQLite cannot read at all (damaged header, 0 bytes) is kept
byte for byte with its side files instead, emptied in place for the copy, and put back exactly on failure.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from phrasebook import interrupts, paths
from phrasebook.backup import Copy, _folder, _partial, _remove, _take_name, backup_name
from phrasebook.errors import PhrasebookError, os_reason
from phrasebook.inuse import ExclusiveUse, in_use
from phrasebook.paths import side_file
from phrasebook.store import dbfile, open_store, snapshot
from phrasebook.store.db import is_busy
from phrasebook.store.migrations import LATEST


@dataclass
class RestorePlan:
    """A checked copy of the chosen file, staged beside the database, and what the database holds now.
    `target` is the database file itself (symlinks resolved). Call `discard` when done, whatever happened."""

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
        if side_file(source, "-wal").is_file():  # a copied live database: its last answers may be in the WAL
            shutil.copyfile(side_file(source, "-wal"), side_file(staged, "-wal"))
    except OSError as err:
        _remove(staged)
        raise PhrasebookError("restore.err.copy", path=source, error=os_reason(err)) from None
    try:
        incoming = _check_incoming(source, staged)
        _upgrade_staged(source, staged, incoming.contents.schema)
    except BaseException:
        _remove(staged)
        raise
    current, error = _read_current(target)
    return RestorePlan(target=target, staged=staged, incoming=incoming, current=current, current_error=error)


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
        if dbfile.is_damage(err) and not (getattr(err, "sqlite_errorname", "") or "").startswith("SQLITE_NOTADB"):
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
    return Copy(size=staged.stat().st_size, contents=found)


def _upgrade_staged(source: Path, staged: Path, schema: int) -> None:
    """Migrate the staged copy now, so a backup this program cannot bring up to date is refused before anything
    is replaced (installed, it would leave a database no command opens); what gets installed is the upgraded
    copy, as the next open would have made it."""
    if schema == LATEST:
        return
    try:
        open_store(staged).close()
        snapshot.settle(staged)  # one file again, as the install expects
    except PhrasebookError as err:
        detail = err.params.get("error", err.message())
        raise PhrasebookError("restore.err.migrate", path=source, found=schema, latest=LATEST, error=detail) from None


def _read_current(target: Path) -> tuple[snapshot.Contents | None, str | None]:
    if not target.is_file():
        return None, None
    if target.stat().st_size == 0:  # never opened: SQLite would delete a -wal beside it
        return None, "0 bytes"
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
    """Write the staged copy into the database (see the module doc); raises PhrasebookError with the database
    as it was, naming the safety copy when one was made. The caller holds no connection to the target, and
    discards the plan. Ctrl+C is held back until the steps are done (phrasebook.interrupts)."""
    target = plan.target
    with interrupts.held():
        if not target.exists():
            _install_new(plan, target)
            return Restored(safety=None, contents=plan.incoming.contents)
        first = _folder(paths.backups_dir(target)) / backup_name(target, now, "before-restore")
        if _unreadable(target):
            safety = _install_over_unreadable(plan, target, first)
        else:
            safety = _install_over(plan, target, first)
    return Restored(safety=safety, contents=plan.incoming.contents)


def _unreadable(target: Path) -> bool:
    try:
        return snapshot.unreadable(target)
    except snapshot.SQLITE_ERRORS as err:  # busy, or another error reading the header: nothing changed yet
        key = "dbfile.busy" if is_busy(err) else "restore.err.copy"
        raise PhrasebookError(key, path=target, error=snapshot.describe(err)) from None


def _lock(target: Path) -> sqlite3.Connection:
    try:
        return snapshot.lock(target)
    except snapshot.SQLITE_ERRORS as err:
        if is_busy(err):
            raise PhrasebookError("dbfile.busy", path=target, error=err) from None
        raise PhrasebookError("restore.err.copy", path=target, error=snapshot.describe(err)) from None


def _install(plan: RestorePlan, target: Path) -> None:
    """The staged copy into `target`, through one connection holding the file exclusively."""
    conn = _lock(target)
    try:
        snapshot.install(plan.staged, conn)
    finally:
        conn.close()


def _install_new(plan: RestorePlan, target: Path) -> None:
    """No database yet: the restored one is made; a failure leaves no file behind."""
    try:
        _install(plan, target)
    except BaseException as err:
        _remove(target)
        if isinstance(err, (*snapshot.SQLITE_ERRORS, OSError)):
            raise PhrasebookError("restore.err.copy", path=target, error=_text(err)) from None
        raise


def _install_over(plan: RestorePlan, target: Path, first: Path) -> Path:
    """Hold the database exclusively, copy it to the backups folder as it is (the safety copy: exactly what
    gets replaced), then write the staged copy in. Returns the safety copy; it is kept whatever happens next."""
    conn = _lock(target)
    try:
        partial = _partial(first)
        try:
            snapshot.save_copy(conn, partial)
            safety = _take_name(partial, first, numbered=True)
        except (*snapshot.SQLITE_ERRORS, OSError) as err:
            _remove(partial)
            raise PhrasebookError("backup.err.folder", folder=first.parent, error=_text(err)) from None
        except BaseException:
            _remove(partial)
            raise
        try:
            snapshot.install(plan.staged, conn)
        except (*snapshot.SQLITE_ERRORS, OSError) as err:
            raise PhrasebookError("restore.err.failed", path=target, error=_text(err), safety=safety) from None
    finally:
        conn.close()
    return safety


def _install_over_unreadable(plan: RestorePlan, target: Path, first: Path) -> Path:
    """A file SQLite cannot read: keep it and its -wal/-journal byte for byte as the safety copy, empty it in
    place (its side files removed, so SQLite never applies them to the new content), write the staged copy in;
    on failure put every file back as it was. The dead-man switch is held so no program opens it meanwhile."""
    guard = ExclusiveUse(target)
    if not guard.acquire():
        raise PhrasebookError("restore.err.in_use", path=target, pid=guard.holder or "?")
    try:
        sides = [s for s in ("-wal", "-journal") if side_file(target, s).is_file()]
        partial = _partial(first)
        try:
            for suffix in ("", *sides):
                shutil.copyfile(side_file(target, suffix), side_file(partial, suffix))
            safety = _take_name(partial, first, numbered=True)
            for suffix in sides:
                os.replace(side_file(partial, suffix), side_file(safety, suffix))
        except BaseException as err:
            _remove(partial)
            if isinstance(err, OSError):
                raise PhrasebookError("backup.err.folder", folder=first.parent, error=_text(err)) from None
            raise
        try:
            for suffix in sides:
                side_file(target, suffix).unlink()
            os.truncate(target, 0)
            _install(plan, target)
        except BaseException as err:
            _put_back(safety, target, sides)
            if isinstance(err, (*snapshot.SQLITE_ERRORS, OSError, PhrasebookError)):
                raise PhrasebookError("restore.err.failed", path=target, error=_text(err), safety=safety) from None
            raise
    finally:
        guard.release()
    return safety


def _put_back(safety: Path, target: Path, sides: list[str]) -> None:
    """The files as they were before a failed install over an unreadable database (same inode for the main
    file); whatever the install left beside it (a -journal SQLite would roll back) goes first."""
    for suffix in ("-journal", "-wal"):
        side_file(target, suffix).unlink(missing_ok=True)
    shutil.copyfile(safety, target)
    for suffix in sides:
        shutil.copyfile(side_file(safety, suffix), side_file(target, suffix))


def _text(err: BaseException) -> str:
    if isinstance(err, PhrasebookError):
        return err.message()
    if isinstance(err, OSError):
        return os_reason(err)
    return snapshot.describe(err)
