"""What a restore must never do, tried with real processes: lose the safety copy to Ctrl+C, let a clerk see
the database half-way, overwrite a file that took the safety copy's name, leave a damaged database worse than
it found it, or blame the database for a backups folder it cannot use."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.test_backup import counts, invoke

# `phrasebook` in a real process, held at a point of the restore until the file `go` exists: after
# snapshot.save_copy (the safety copy, taken while the restore holds the database), or after snapshot.install
# (the backup committed). `limit` > 0: writes larger than that many bytes fail from then on (a full disk).
PAUSED = textwrap.dedent("""
    import resource, sys, time
    from pathlib import Path
    from phrasebook.store import snapshot
    from phrasebook.cli import main
    where, go, limit = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    real = getattr(snapshot, where)
    def paused(*args, **kwargs):
        if limit:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
        done = real(*args, **kwargs)
        print("paused", flush=True)
        while not go.exists():
            time.sleep(0.01)
        return done
    setattr(snapshot, where, paused)
    main(sys.argv[4:])
""")


def paused_restore(db: Path, saved: Path, where: str, go: Path, limit: int = 0) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", PAUSED, where, str(go), str(limit), "--ui-lang", "en", "--db",
                             str(db), "restore", "--yes", str(saved)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    return proc


def wait_line(proc: subprocess.Popen, seconds: float = 60) -> str:
    ready, _, _ = select.select([proc.stdout], [], [], seconds)
    return proc.stdout.readline() if ready else ""


def read_until_paused(proc: subprocess.Popen) -> str:
    shown = ""
    while True:
        line = wait_line(proc)
        assert line, shown + proc.stderr.read()
        if line.strip() == "paused":
            return shown
        shown += line


def safety_copies(db: Path) -> list[Path]:
    return sorted((db.parent / "backups").glob("*before-restore*"))


def test_ctrl_c_once_the_install_committed_keeps_the_safety_copy(db, saved, tmp_path):
    go = tmp_path / "go"
    restore = paused_restore(db, saved, "install", go)
    try:
        read_until_paused(restore)  # the restored content is committed; the command has not finished
        restore.send_signal(signal.SIGINT)
        go.touch()
        out, err = restore.communicate(timeout=60)
    finally:
        restore.kill()
    assert "Traceback" not in err, err
    assert counts(db) == counts(saved)
    kept = safety_copies(db)
    assert [p.suffix for p in kept] == [".db"] and counts(kept[0])[0] == 3  # the database as it was
    assert str(kept[0]) in out  # and the administrator is told where


CLERK = textwrap.dedent("""
    import sys
    from phrasebook.people import create_person
    from phrasebook.store import open_store
    store = open_store(sys.argv[1])
    print(store.value("SELECT count(*) FROM people"), flush=True)
    sys.stdin.readline()
    print(store.value("SELECT count(*) FROM people"), flush=True)
    create_person(store, name="赵敏", staff_no="C8")
    store.close()
    print("written", flush=True)
""")


def test_a_clerk_starting_during_the_restore_waits_for_it_and_sees_only_the_restored_database(db, saved, tmp_path):
    """The restore holds the database (safety copy taken, backup not yet written in): a clerk's app starting
    now must not read the old content and then the new one under its feet; it waits and opens the restored
    database. A CLI command started meanwhile does the same, or says the database is busy — never a traceback."""
    go = tmp_path / "go"
    restore = paused_restore(db, saved, "save_copy", go)
    clerk = command = None
    try:
        read_until_paused(restore)
        clerk = subprocess.Popen([sys.executable, "-c", CLERK, str(db)], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        command = subprocess.Popen([sys.executable, "-m", "phrasebook", "--ui-lang", "en", "--db", str(db),
                                    "trainee", "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        early = wait_line(clerk, 1.0)  # the old code lets it read at once; the fixed one keeps it waiting
        go.touch()
        out, err = restore.communicate(timeout=60)
        assert restore.returncode == 0, out + err
        first = early or wait_line(clerk)
        clerk.stdin.write("\n")
        clerk.stdin.flush()
        rest, clerk_err = clerk.communicate(timeout=60)
        listed, command_err = command.communicate(timeout=60)
    finally:
        for proc in (restore, clerk, command):
            if proc:
                proc.kill()
    assert first.strip() == "2" and rest.split() == ["2", "written"], (first, rest, clerk_err)
    assert clerk.returncode == 0 and "Traceback" not in clerk_err
    assert "Traceback" not in command_err, command_err
    assert (command.returncode == 0 and "C3" not in listed and "C1" in listed) or "busy" in command_err
    assert counts(db)[0] == 3  # the backup's two trainees and the clerk's, written after the restore


def test_a_file_that_takes_the_safety_copys_name_meanwhile_is_never_overwritten(db, saved, monkeypatch, clock):
    from phrasebook import restore
    from phrasebook.backup import backup_name
    from phrasebook.store import snapshot

    plan = restore.plan_restore(saved, db)
    racer = db.parent / "backups" / backup_name(db, clock(), "before-restore")
    real = snapshot.save_copy

    def racing(*args, **kwargs):  # another program creates a file under that name just before the copy
        racer.parent.mkdir(exist_ok=True)
        racer.write_bytes(b"someone else's")
        return real(*args, **kwargs)

    monkeypatch.setattr(snapshot, "save_copy", racing)
    try:
        done = restore.apply_restore(plan, now=clock())
    finally:
        plan.discard()
    assert racer.read_bytes() == b"someone else's"
    assert done.safety != racer and counts(done.safety)[0] == 3
    assert sorted(p.name for p in racer.parent.iterdir()) == sorted([racer.name, done.safety.name])


def test_a_failed_restore_over_a_damaged_database_leaves_it_exactly_as_it_was_and_names_the_safety_copy(
        db, saved, tmp_path):
    """The disk fills up while the backup is written over a database SQLite cannot read: the file and the -wal
    beside it are put back byte for byte (no -journal left to be rolled back onto them), and the message says
    where the safety copy is."""
    garbage, wal = os.urandom(8192), os.urandom(4096)
    db.write_bytes(garbage)
    db.with_name(db.name + "-wal").write_bytes(wal)
    db.with_name(db.name + "-shm").unlink(missing_ok=True)
    limit = saved.stat().st_size // 2 + 123  # the safety copy and the staged copy fit; the install does not
    restore = paused_restore(db, saved, "install", tmp_path / "go", limit=limit)
    out, err = restore.communicate(timeout=60)
    assert restore.returncode == 1 and "Traceback" not in err, out + err
    assert db.read_bytes() == garbage and db.with_name(db.name + "-wal").read_bytes() == wal
    assert not db.with_name(db.name + "-journal").exists()
    kept = safety_copies(db)
    assert kept and kept[0].read_bytes() == garbage
    assert str(kept[0]) in err, err


@pytest.mark.parametrize("how", ["a file", "under a file"])
def test_a_backups_folder_that_cannot_be_used_is_named_and_nothing_changes(db, saved, tmp_path, monkeypatch, how):
    blocker = tmp_path / "blocker"
    blocker.write_bytes(b"x")
    folder = blocker if how == "a file" else blocker / "backups"
    monkeypatch.setenv("PHRASEBOOK_BACKUPS", str(folder))
    before = counts(db)
    result = invoke(db, "restore", "--yes", str(saved))
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert f"backups folder {folder}" in result.output and "nothing was changed" in result.output
    assert counts(db) == before and blocker.read_bytes() == b"x"
    assert not [p for p in db.parent.iterdir() if ".restore-" in p.name or "partial" in p.name]


def test_no_wal_or_shm_is_left_beside_backups_or_safety_copies(db, saved, tmp_path):
    assert invoke(db, "backup").exit_code == 0
    assert invoke(db, "restore", "--yes", str(saved)).exit_code == 0
    names = sorted(p.name for p in (db.parent / "backups").iterdir())
    assert len(names) == 2 and all(n.endswith(".db") for n in names), names
    assert not [p for p in saved.parent.iterdir() if p.name.startswith(saved.name + "-")]
