"""`phrasebook backup`: consistent copies while clerks answer, checked before they take a name that nothing
else has, and refusals that change nothing. (Restores: test_restore.py.)"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from phrasebook.commands import cli
from phrasebook.i18n import t
from phrasebook.people import StudySettings, create_person
from phrasebook.scheduler import GOOD
from phrasebook.session import DrillSession
from phrasebook.store.migrations import LATEST
from tests.conftest import tmpfs


def invoke(db: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["--ui-lang", "en", "--db", str(db), *args], input=input)


def populate(store, clock, staff_no: str = "C1", answers: int = 4) -> None:
    person = create_person(store, name="王芳", staff_no=staff_no, settings=StudySettings(languages=("en", "ja")))
    session = DrillSession(store, person, clock=clock)
    for _ in range(answers):
        clock.advance(seconds=30)
        session.answer(session.next(), GOOD, duration_ms=5000)
    session.finish()


def counts(path: Path) -> tuple[int, int, int]:
    conn = sqlite3.connect(path)
    try:
        return tuple(conn.execute("SELECT (SELECT count(*) FROM people), (SELECT count(*) FROM reviews), "
                                  "(SELECT count(*) FROM cards)").fetchone())
    finally:
        conn.close()


def siblings(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir()) if p.is_file()}


def two_trainees(store, clock) -> Path:
    """Two trainees and their answers, then the store closed: the database the backup and restore tests use."""
    populate(store, clock)
    populate(store, clock, "C2", 2)
    store.close()
    return store.path


# -- backup ---------------------------------------------------------------------------------------------------
def test_backup_goes_to_the_backups_folder_and_is_checked(db):
    result = invoke(db, "backup")
    assert result.exit_code == 0, result.output
    made = list((db.parent / "backups").glob("phrasebook-*.db"))
    assert len(made) == 1 and made[0].name[len("phrasebook-"):-3].replace("-", "").isdigit()
    assert "2 people, 6 reviews" in result.output and str(made[0]) in result.output
    assert counts(made[0]) == counts(db)
    conn = sqlite3.connect(made[0])
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    conn.close()
    assert [p.name for p in made[0].parent.iterdir()] == [made[0].name]  # no -wal, no leftover partial file
    assert invoke(db, "backup").exit_code == 0  # a second one in the same second gets its own name
    assert len(list((db.parent / "backups").glob("*.db"))) == 2


SAME_SECOND = textwrap.dedent("""
    import sys, time
    from datetime import datetime, timezone
    from pathlib import Path
    from phrasebook.backup import backup
    go = Path(sys.argv[2])
    while not go.exists():
        time.sleep(0.001)
    print(backup(Path(sys.argv[1]), None, now=datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)).path, flush=True)
""")


def test_backups_started_in_the_same_second_by_several_processes_never_overwrite_each_other(db, tmp_path):
    """Every process picks the same timestamped name; each must end with a file of its own (the name is taken
    atomically when the checked copy is put in place, not guessed beforehand)."""
    go = tmp_path / "go"
    env = {**os.environ, "PHRASEBOOK_BACKUPS": str(tmp_path / "same")}
    procs = [subprocess.Popen([sys.executable, "-c", SAME_SECOND, str(db), str(go)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for _ in range(6)]
    go.touch()
    made = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        made.append(out.strip())
    assert len(set(made)) == 6, made
    assert sorted(p.name for p in (tmp_path / "same").iterdir()) == sorted(Path(m).name for m in made)
    for name in made:
        assert counts(Path(name)) == counts(db)


def test_a_backup_to_a_name_taken_meanwhile_is_refused_not_overwritten(db, tmp_path):
    from datetime import datetime, timezone

    from phrasebook.backup import backup, backup_name
    from phrasebook.errors import PhrasebookError

    now = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)
    (tmp_path / "here").mkdir()
    taken = tmp_path / "here" / backup_name(db, now)
    taken.write_bytes(b"someone else's")
    assert backup(db, tmp_path / "here", now=now).path.name == taken.stem + "-2.db"
    assert taken.read_bytes() == b"someone else's"
    with pytest.raises(PhrasebookError) as err:
        backup(db, taken, now=now)
    assert err.value.key == "backup.err.exists" and taken.read_bytes() == b"someone else's"
    assert sorted(p.name for p in (tmp_path / "here").iterdir()) == sorted([taken.name, taken.stem + "-2.db"])


def test_backup_to_a_file_a_folder_or_a_new_folder(db, tmp_path):
    assert invoke(db, "backup", str(tmp_path / "copy.db")).exit_code == 0
    assert counts(tmp_path / "copy.db") == counts(db)
    (tmp_path / "existing").mkdir()
    assert invoke(db, "backup", str(tmp_path / "existing")).exit_code == 0
    assert len(list((tmp_path / "existing").glob("phrasebook-*.db"))) == 1
    assert invoke(db, "backup", str(tmp_path / "new") + "/").exit_code == 0
    assert len(list((tmp_path / "new").glob("phrasebook-*.db"))) == 1


def test_backup_never_overwrites_and_bad_paths_are_messages(db, tmp_path):
    target = tmp_path / "copy.db"
    target.write_bytes(b"keep me")
    result = invoke(db, "backup", str(target))
    assert result.exit_code == 1 and "already exists" in result.output and target.read_bytes() == b"keep me"
    missing = invoke(tmp_path / "nothing.db", "backup")
    assert missing.exit_code == 1 and "no database" in missing.output
    assert not (tmp_path / "nothing.db").exists()
    under_file = invoke(db, "backup", str(target / "x.db"))
    assert under_file.exit_code == 1 and "Cannot write the backup" in under_file.output
    assert "Traceback" not in missing.output + under_file.output + result.output


def test_backup_includes_answers_still_in_the_wal(mini_store, clock, tmp_path):
    """A clerk's app is open and its last answers are only in the -wal: the backup has them."""
    populate(mini_store, clock)
    assert (mini_store.path.with_name(mini_store.path.name + "-wal")).stat().st_size > 0
    expected = mini_store.value("SELECT count(*) FROM reviews")
    result = invoke(mini_store.path, "backup", str(tmp_path / "b.db"))
    assert result.exit_code == 0, result.output
    assert counts(tmp_path / "b.db")[1] == expected == 4
    mini_store.close()


CLERK = textwrap.dedent("""
    import sys
    from pathlib import Path
    from phrasebook.people import find_person
    from phrasebook.session import DrillSession
    from phrasebook.store import open_store
    store = open_store(sys.argv[1])
    session = DrillSession(store, find_person(store, "C1"))
    print("ready", flush=True)
    answered, stop = 0, Path(sys.argv[2])
    while not stop.exists():  # answers until told to stop: no time limit, no running out of cards
        prompt = session.next()
        if prompt is None:
            sys.exit("ran out of cards")
        session.answer(prompt, 1, duration_ms=1000)  # "again": the card stays in learning, due within learn-ahead
        answered += 1
    print(answered, flush=True)
""")


def consistent(path: Path) -> None:
    """A snapshot, not a mixture: sound, every reference whole, and every card's state agrees with its log."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("""SELECT count(*) FROM cards c WHERE c.reps != (SELECT count(*) FROM reviews r
                               WHERE r.card_id = c.id) OR coalesce(c.last_review, '') != coalesce((SELECT
                               max(reviewed_at) FROM reviews r WHERE r.card_id = c.id), '')""").fetchone()[0] == 0
    finally:
        conn.close()


def wait_for(condition, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def test_backups_while_a_clerk_answers_in_another_process(db, tmp_path):
    """The backups overlap the answering: the clerk is answering before, during and after them, and every
    backup is one consistent snapshot taken somewhere inside its own run."""
    consistent(db)
    start = counts(db)[1]
    stop = tmp_path / "stop"
    clerk = subprocess.Popen([sys.executable, "-c", CLERK, str(db), str(stop)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert clerk.stdout.readline().strip() == "ready"
        wait_for(lambda: counts(db)[1] >= start + 10, "the clerk answers before the backups")
        first = counts(db)[1]
        seen = []
        for n in range(4):
            low = counts(db)[1]
            result = invoke(db, "backup", str(tmp_path / f"b{n}.db"))
            high = counts(db)[1]
            assert result.exit_code == 0, result.output
            assert clerk.poll() is None, clerk.stderr.read()  # still answering while the backup ran
            seen.append(counts(tmp_path / f"b{n}.db")[1])
            assert low <= seen[-1] <= high
            consistent(tmp_path / f"b{n}.db")
        last = counts(db)[1]
        assert last > first  # answers were saved while the backups ran
        wait_for(lambda: counts(db)[1] >= last + 10, "the clerk answers after the backups")
    finally:
        stop.touch()
        out, err = clerk.communicate(timeout=60)
    assert clerk.returncode == 0, err
    assert int(out.strip()) == counts(db)[1] - start > 20
    assert seen == sorted(seen)
    consistent(db)


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_commands_have_help(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and result.output.startswith("用法：") and "备份" in result.output


def test_help_in_english_from_the_entry_point():
    out = subprocess.run([sys.executable, "-m", "phrasebook", "--ui-lang", "en", "restore", "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert "safety copy of the current database" in out and "--yes" in out


@pytest.mark.parametrize("how", ["under a file", "a file"])
def test_a_backup_folder_that_cannot_be_made_is_a_message_naming_it(db, tmp_path, how):
    blocker = tmp_path / "blocker"
    blocker.write_bytes(b"x")
    folder = blocker / "sub" if how == "under a file" else blocker
    result = invoke(db, "backup", f"{folder}/")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert str(folder) in result.output and blocker.read_bytes() == b"x"


def test_a_default_backups_folder_that_cannot_be_made_is_named_not_the_database(db, tmp_path, monkeypatch):
    blocker = tmp_path / "blocker"
    blocker.write_bytes(b"x")
    monkeypatch.setenv("PHRASEBOOK_BACKUPS", str(blocker / "backups"))
    result = invoke(db, "backup")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert f"backups folder {blocker / 'backups'}" in result.output and "Cannot read the database" not in result.output


FULL_DISK = textwrap.dedent("""
    import resource, sys
    from phrasebook.cli import main
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))  # a file can grow this far only
    main(sys.argv[2:])
""")


def test_a_full_disk_at_the_destination_is_reported_as_such_and_leaves_nothing(db, tmp_path):
    (tmp_path / "out").mkdir()
    dest = tmp_path / "out" / "copy.db"
    limit = db.stat().st_size // 2 + 123  # not on a page boundary: SQLite sees a short write, as on a full disk
    done = subprocess.run([sys.executable, "-c", FULL_DISK, str(limit), "--ui-lang", "en", "--db", str(db),
                           "backup", str(dest)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"Cannot write the backup {dest}: disk input/output error" in done.stderr, done.stderr  # reason.SQLITE_IOERR
    assert list((tmp_path / "out").iterdir()) == []


@pytest.fixture
def tiny_disk(tmp_path):
    """64 KiB: smaller than the database."""
    with tmpfs(tmp_path / "tiny", "64k") as point:
        yield point


def test_a_disk_that_fills_up_is_reported_as_full_naming_the_backup(db, tiny_disk):
    dest = tiny_disk / "copy.db"
    assert db.stat().st_size > 64 * 1024
    result = invoke(db, "backup", str(dest))
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert f"Cannot write the backup {dest}: the disk is full" in result.output, result.output
    assert list(tiny_disk.iterdir()) == []


def test_an_empty_file_is_not_backed_up(tmp_path):
    """0 bytes is no database (every other command refuses it; restore would refuse the 'backup' too)."""
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    result = invoke(empty, "backup", str(tmp_path / "b.db"))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {t('dbfile.empty', path=empty)}"
    assert not (tmp_path / "b.db").exists() and empty.stat().st_size == 0
