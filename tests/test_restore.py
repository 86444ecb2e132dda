"""`phrasebook restore`: a checked copy is written INTO the live database through SQLite's backup API, so a
program that opened the database meanwhile keeps working on the restored content; the file keeps its owner,
mode and links; a safety copy holds exactly what was replaced; refusals and a declined prompt change nothing."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from phrasebook.doctor import check
from phrasebook.store import open_store
from phrasebook.store.migrations import LATEST
from tests.test_backup import counts, invoke, populate, siblings

HOLDER = textwrap.dedent("""
    import sys, time
    from phrasebook.store import open_store
    store = open_store(sys.argv[1])
    store.value("SELECT count(*) FROM people")
    print("open", flush=True)
    sys.stdin.readline()
""")


def test_restore_shows_both_asks_and_keeps_a_safety_copy(db, saved):
    assert counts(db)[0] == 3
    declined = invoke(db, "restore", str(saved), input="n\n")
    assert declined.exit_code == 1 and "Nothing was changed" in declined.output
    assert counts(db)[0] == 3
    result = invoke(db, "restore", str(saved), input="y\n")
    assert result.exit_code == 0, result.output
    assert "People" in result.output and "Backup" in result.output and "Current database" in result.output
    assert counts(db) == counts(saved)
    safety = list((db.parent / "backups").glob("phrasebook-before-restore-*.db"))
    assert len(safety) == 1 and counts(safety[0])[0] == 3
    assert not [p for p in db.parent.iterdir() if ".restore-" in p.name]
    store = open_store(db)
    assert check(store).ok
    store.close()


def test_restore_never_applies_the_old_wal_to_the_new_file(db, saved, clock, tmp_path):
    """The database as a crash left it: recent answers only in its -wal. They go to the safety copy; the restored
    file opens clean, with the backup's content."""
    live = open_store(db)
    populate(live, clock, "C9", 3)
    expected = live.value("SELECT count(*) FROM people")
    wal = db.with_name(db.name + "-wal")
    assert wal.stat().st_size > 0
    crashed = tmp_path / "crash"
    crashed.mkdir()
    crashed_db = crashed / db.name
    shutil.copy(db, crashed_db)  # the files as a crash leaves them, while the app still has them open
    shutil.copy(wal, crashed / wal.name)
    live.close()
    result = invoke(crashed_db, "restore", "--yes", str(saved))
    assert result.exit_code == 0, result.output
    assert not crashed_db.with_name(crashed_db.name + "-wal").exists()
    assert counts(crashed_db) == counts(saved)
    safety = next((crashed / "backups").glob("*before-restore*.db"))
    assert counts(safety)[0] == expected == 4
    store = open_store(crashed_db)
    assert store.value("PRAGMA integrity_check") == "ok" and check(store).ok
    store.close()


def test_restore_from_a_copy_with_its_wal_takes_the_wal_too(db, clock, tmp_path):
    live = open_store(db)
    populate(live, clock, "C7", 2)
    copy = tmp_path / "copied.db"
    shutil.copy(db, copy)
    shutil.copy(db.with_name(db.name + "-wal"), copy.with_name(copy.name + "-wal"))
    live.close()
    target = tmp_path / "fresh" / "phrasebook.db"
    result = invoke(target, "restore", "--yes", str(copy))
    assert result.exit_code == 0, result.output
    assert counts(target)[0] == 3
    assert copy.with_name(copy.name + "-wal").exists()  # the chosen file is never opened for writing


def test_restore_an_older_schema_migrates_it(db, tmp_path):
    old = tmp_path / "v1.db"
    conn = sqlite3.connect(old)
    conn.executescript((Path(__file__).parent / "fixtures" / "schemas" / "v1.sql").read_text(encoding="utf-8"))
    conn.close()
    result = invoke(db, "restore", "--yes", str(old))
    assert result.exit_code == 0, result.output
    assert "schema 1" in result.output and f"upgraded to schema {LATEST}" in result.output
    store = open_store(db)
    assert store.value("PRAGMA user_version") == LATEST and store.value("SELECT count(*) FROM people") == 3
    store.close()


def _bad_files(tmp_path: Path, good: Path) -> dict[str, Path]:
    files = {}

    def add(name: str, data: bytes) -> None:
        files[name] = tmp_path / name
        files[name].write_bytes(data)

    add("random.db", os.urandom(8192))
    add("empty.db", b"")
    add("truncated.db", good.read_bytes()[: good.stat().st_size // 2])
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    files["other.db"] = other
    newer = tmp_path / "newer.db"
    shutil.copy(good, newer)
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    files["newer.db"] = newer
    files["folder"] = tmp_path
    files["missing.db"] = tmp_path / "missing.db"
    return files


@pytest.mark.parametrize(("name", "says"), [
    ("random.db", "not an SQLite database"), ("empty.db", "not an SQLite database"),
    ("truncated.db", "is damaged"), ("other.db", "not a Phrasebook one"),
    ("newer.db", "newer version"), ("folder", "is a folder"), ("missing.db", "no file"),
])
def test_restore_refuses_bad_files_and_changes_nothing(db, saved, tmp_path, name, says):
    (tmp_path / "bad").mkdir()
    bad = _bad_files(tmp_path / "bad", saved)[name]
    before = siblings(db)
    result = invoke(db, "restore", "--yes", str(bad))
    assert result.exit_code == 1 and says in result.output and "Traceback" not in result.output, result.output
    assert siblings(db) == before


def test_restore_refuses_the_database_itself(db):
    result = invoke(db, "restore", "--yes", str(db))
    assert result.exit_code == 1 and "the database itself" in result.output


def test_a_program_that_opened_the_database_after_the_check_makes_the_restore_wait_then_refuse(db, saved,
                                                                                              monkeypatch):
    """A clerk starts the app after the restore's in-use check (say, while the prompt waits): the restore cannot
    hold the database alone, waits for it, then says busy; nothing changed, no safety copy made, and the clerk
    goes on writing into the database as it was."""
    from phrasebook.clock import utcnow
    from phrasebook.errors import PhrasebookError
    from phrasebook.restore import apply_restore, plan_restore
    from phrasebook.store import snapshot

    monkeypatch.setattr(snapshot, "RESTORE_WAIT_S", 0.3)
    plan = plan_restore(saved, db)  # the early in-use check passes: nobody has it open yet
    clerk = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert clerk.stdout.readline().strip() == "open"
        with pytest.raises(PhrasebookError) as err:
            apply_restore(plan, now=utcnow())
        assert err.value.key == "dbfile.busy" and str(db) in err.value.message()
    finally:
        plan.discard()
        clerk.communicate("\n", timeout=30)
    assert counts(db)[0] == 3
    assert not list(db.parent.glob("backups/*"))
    assert not [p for p in db.parent.iterdir() if ".restore-" in p.name]


def _restore_at_the_prompt(db: Path, saved: Path) -> subprocess.Popen:
    """`phrasebook restore` in a real process, read up to its question (stdin a pipe, as on a terminal)."""
    restore = subprocess.Popen([sys.executable, "-m", "phrasebook", "--ui-lang", "en", "--db", str(db), "restore",
                                str(saved)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    shown = ""
    while "[y/N]" not in shown:
        char = restore.stdout.read(1)
        assert char, shown + restore.stderr.read()
        shown += char
    return restore


def test_restore_checks_again_after_the_prompt(db, saved):
    """The app started while the administrator read the comparison: the answer 'y' is refused, not applied."""
    restore = _restore_at_the_prompt(db, saved)
    app = None
    try:
        app = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
        assert app.stdout.readline().strip() == "open"
        _, err = restore.communicate("y\n", timeout=60)
    finally:
        restore.kill()
        if app:
            app.communicate("\n", timeout=30)
    assert restore.returncode == 1 and f"process {app.pid}" in err and "Traceback" not in err, err
    assert counts(db)[0] == 3
    assert not [p for p in db.parent.iterdir() if ".restore-" in p.name]


def test_while_the_restore_holds_the_database_nobody_else_reads_or_writes_it(db, saved, tmp_path):
    """From the safety copy to the end of the install, another connection can neither read nor write: what the
    safety copy holds is exactly what gets replaced, and nobody sees the database half way."""
    from phrasebook.store import snapshot

    staged = tmp_path / "staged.db"
    shutil.copy(saved, staged)
    held = snapshot.lock(db, wait_s=0)
    other = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        for sql in ("SELECT count(*) FROM people", "INSERT INTO settings VALUES ('sneaked', 'in')"):
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute(sql)
        snapshot.save_copy(held, tmp_path / "safety.db")
        snapshot.install(staged, held)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("SELECT count(*) FROM people")
    finally:
        held.close()
    assert other.execute("SELECT count(*) FROM people").fetchone()[0] == 2  # restored, once let go
    other.close()
    assert counts(tmp_path / "safety.db")[0] == 3 and counts(db) == counts(saved)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("safety.db")) == ["safety.db"]


def test_restore_keeps_the_database_files_mode_and_owner(db, saved):
    db.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(db, 65534, 65534)
    before = db.stat()
    result = invoke(db, "restore", "--yes", str(saved))
    assert result.exit_code == 0, result.output
    after = db.stat()
    assert counts(db) == counts(saved)
    assert (after.st_mode, after.st_uid, after.st_gid, after.st_ino) == (before.st_mode, before.st_uid,
                                                                         before.st_gid, before.st_ino)


def test_restore_onto_a_symlinked_database_changes_the_file_not_the_link(db, saved, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    link = tmp_path / "elsewhere" / "linked.db"
    link.symlink_to(db)
    result = invoke(link, "restore", "--yes", str(saved))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == db.resolve()
    assert counts(db) == counts(saved)
    assert sorted(p.name for p in link.parent.iterdir()) == ["linked.db"]  # nothing staged or left beside the link
    assert not [p for p in db.parent.iterdir() if ".restore-" in p.name]


@pytest.mark.parametrize("how", ["end of input", "Ctrl+C", "no"])
def test_restore_leaves_no_staged_copy_however_the_prompt_ends(db, saved, how):
    """Ctrl+D, a closed pipe, Ctrl+C or 'n' at the question: nothing changed, no staged copy left behind."""
    before = siblings(db)
    restore = _restore_at_the_prompt(db, saved)
    try:
        if how == "Ctrl+C":
            restore.send_signal(signal.SIGINT)
        _, err = restore.communicate("n\n" if how == "no" else None, timeout=60)
    finally:
        restore.kill()
    assert restore.returncode == 1 and "Traceback" not in err, err
    after = siblings(db)  # reading the current database for the comparison may leave SQLite's -wal/-shm
    assert {k: v for k, v in after.items() if not k.endswith(("-wal", "-shm"))} == before


def test_restore_over_a_file_sqlite_cannot_open_keeps_it_and_restores(db, saved):
    """The remedy for a database whose header is damaged: it is kept byte for byte as the safety copy."""
    garbage = os.urandom(8192)
    db.write_bytes(garbage)
    db.with_name(db.name + "-wal").unlink(missing_ok=True)
    result = invoke(db, "restore", "--yes", str(saved))
    assert result.exit_code == 0, result.output
    assert "cannot be read" in result.output
    assert counts(db) == counts(saved)
    safety = next((db.parent / "backups").glob("*before-restore*.db"))
    assert safety.read_bytes() == garbage


def test_restore_a_backup_with_another_page_size(db, saved, tmp_path):
    odd = tmp_path / "odd.db"
    shutil.copy(saved, odd)
    conn = sqlite3.connect(odd, isolation_level=None)
    conn.execute("PRAGMA page_size = 1024")
    conn.execute("VACUUM")
    assert conn.execute("PRAGMA page_size").fetchone()[0] == 1024
    conn.close()
    result = invoke(db, "restore", "--yes", str(odd))
    assert result.exit_code == 0, result.output
    assert counts(db) == counts(saved)


def test_the_in_use_check_reports_an_index_it_cannot_open(db):
    from phrasebook.errors import PhrasebookError
    from phrasebook.inuse import ExclusiveUse, in_use

    db.with_name(db.name + "-shm").mkdir()  # cannot be opened as a file, whoever we are
    with pytest.raises(PhrasebookError) as err:
        ExclusiveUse(db).acquire()
    assert err.value.key == "inuse.cannot_check" and str(db) in err.value.message()
    assert in_use(db) == (False, None)  # the early check leaves the explaining to SQLite


def test_restore_refuses_while_another_program_has_the_database_open(db, saved):
    app = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           text=True)
    try:
        assert app.stdout.readline().strip() == "open"
        result = invoke(db, "restore", "--yes", str(saved))
        assert result.exit_code == 1 and f"process {app.pid}" in result.output, result.output
        assert counts(db)[0] == 3
    finally:
        app.communicate("\n", timeout=30)
    assert invoke(db, "restore", "--yes", str(saved)).exit_code == 0  # closed: now it may
    assert counts(db)[0] == 2


def test_restore_tries_the_upgrade_on_the_staged_copy_before_replacing_anything(db, tmp_path):
    """A backup whose schema cannot be brought up to date is refused with the database untouched (before, the
    restore installed it and left a database no command could open)."""
    from tests.test_migrations import build_prerelease_v3

    bad = tmp_path / "unupgradable.db"
    build_prerelease_v3(bad)
    store = open_store(bad)
    store.close()
    conn = sqlite3.connect(bad, isolation_level=None)
    conn.execute("PRAGMA user_version = 4")  # has m005's column already: m005 cannot apply
    conn.close()
    before = siblings(db)
    result = invoke(db, "restore", "--yes", str(bad))
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert f"cannot be upgraded to schema {LATEST}" in result.output and str(bad) in result.output
    assert siblings(db) == before
    assert invoke(db, "trainee", "list").exit_code == 0


def test_restore_of_the_prerelease_schema_3_works(db, tmp_path):
    from tests.test_migrations import build_prerelease_v3

    old = tmp_path / "v3.db"
    build_prerelease_v3(old)
    result = invoke(db, "restore", "--yes", str(old))
    assert result.exit_code == 0, result.output
    store = open_store(db)
    try:
        assert store.value("PRAGMA user_version") == LATEST and store.value("SELECT count(*) FROM exams") == 0
    finally:
        store.close()
