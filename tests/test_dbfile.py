"""`--db` pointing at something that is not a usable database: one clear message, exit 1, the file unchanged."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from phrasebook import i18n
from phrasebook.commands import cli
from phrasebook.errors import PhrasebookError
from phrasebook.i18n import t
from phrasebook.store import open_store
from phrasebook.store.dbfile import check_file, explain

COMMANDS = (["deck", "list"], ["trainee", "list"], ["doctor"], ["report"], ["trainee", "add", "C9", "王芳"])


def snapshot(path: Path) -> dict[str, bytes]:
    """Every file in the database's folder, so a stray -wal or -shm counts as a change too."""
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir()) if p.is_file()}


def cli_refuses(path: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(path), *args])
    assert result.exit_code == 1, (args, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture
def folder(tmp_path) -> Path:
    (tmp_path / "db").mkdir()
    return tmp_path / "db"


def test_zero_byte_file_is_refused_not_turned_into_a_database(folder, run):
    path = folder / "empty.db"
    path.write_bytes(b"")
    for args in COMMANDS:
        assert "空文件" in cli_refuses(path, *args)
    assert snapshot(path) == {"empty.db": b""}


def test_random_bytes_and_truncated_files_are_refused_untouched(folder, real_db, run):
    good = real_db.read_bytes()
    cases = {"random.db": os.urandom(20_000), "header-only.db": good[:100], "half.db": good[: len(good) // 2],
             "pages.db": good[: (len(good) // 3) // 4096 * 4096], "text.db": "名单,工号\n".encode() * 100}
    for name, data in cases.items():
        (folder / name).write_bytes(data)
    before = snapshot(folder / "x")
    for name in cases:
        for args in COMMANDS:
            out = cli_refuses(folder / name, *args)
            assert name in out and ("不是本系统的数据库文件" in out or "已损坏" in out), (name, out)
    assert snapshot(folder / "x") == before


def test_directory_is_refused(folder, run):
    for args in COMMANDS:
        assert "是一个文件夹" in cli_refuses(folder, *args)


def test_another_programs_sqlite_database_is_left_alone(folder, run):
    path = folder / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('王芳')")
    conn.commit()
    conn.close()
    before = snapshot(path)
    for args in COMMANDS:
        assert "其他程序的 SQLite 数据库" in cli_refuses(path, *args)
    assert snapshot(path) == before


def test_damaged_page_deep_in_the_file_is_a_message_not_a_traceback(folder, real_db, run):
    """SQLite opens the file; the damage shows only when a command reads that table."""
    path = folder / "damaged.db"
    shutil.copy(real_db, path)
    conn = sqlite3.connect(path)
    page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'phrases'").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    data[(page - 1) * size:page * size] = b"\xa5" * size
    path.write_bytes(bytes(data))
    out = cli_refuses(path, "deck", "list")
    assert "已损坏" in out and "phrasebook restore" in out


def test_read_only_file_is_refused_before_anything_is_written(folder, real_db):
    path = folder / "ro.db"
    shutil.copy(real_db, path)
    path.chmod(0o444)
    before = snapshot(path)
    if os.geteuid() != 0:
        for args in COMMANDS:
            assert "只读" in cli_refuses(path, *args)
    else:  # root writes anything: run the CLI without the capability that lets it
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: cannot make a file read-only")
        done = subprocess.run(["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--",
                               sys.executable, "-m", "phrasebook", "--db", str(path), "trainee", "list"],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 1 and "只读" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert snapshot(path) == before


def test_check_file_reasons(tmp_path, monkeypatch):
    check_file(tmp_path / "new.db")  # a new file is fine
    (tmp_path / "empty.db").write_bytes(b"")
    with pytest.raises(PhrasebookError) as err:
        check_file(tmp_path / "empty.db")
    assert err.value.key == "dbfile.empty"
    (tmp_path / "empty.db-wal").write_bytes(b"x" * 32)  # a WAL whose database file was lost: not "empty, fine"
    with pytest.raises(PhrasebookError) as err:
        check_file(tmp_path / "empty.db")
    assert err.value.key == "dbfile.wal_only" and "empty.db-wal" in err.value.message()
    with pytest.raises(PhrasebookError) as err:
        check_file(Path("/dev/null"))
    assert err.value.key == "dbfile.not_file"
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    (tmp_path / "a.db").write_bytes(b"SQLite format 3\x00" + bytes(84))
    with pytest.raises(PhrasebookError) as err:
        check_file(tmp_path / "a.db")
    assert err.value.key == "dbfile.unreadable"


def test_explain_names_the_problem(tmp_path):
    db = tmp_path / "x.db"
    err = sqlite3.DatabaseError("database disk image is malformed")
    assert explain(err, db).key == "dbfile.damaged"
    assert explain(sqlite3.OperationalError("attempt to write a readonly database"), db).key == "dbfile.read_only"
    assert explain(sqlite3.OperationalError("database is locked"), db).key == "dbfile.busy"
    assert explain(sqlite3.OperationalError("something else"), db).key == "dbfile.error"


def test_open_store_on_a_good_database_still_works(real_db):
    store = open_store(real_db)
    assert store.value("SELECT count(*) FROM decks") > 0
    store.close()


def test_a_database_locked_by_another_connection_is_busy_not_damaged(real_db, monkeypatch):
    """Another connection holds the file's exclusive lock: opening fails, and the message says busy (try again),
    not 'not a Phrasebook database'. The busy timeout is shortened so the test does not wait 10 s."""
    from phrasebook.store import db as store_db

    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(real_db, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO settings VALUES ('held', '1')")
    try:
        with pytest.raises(PhrasebookError) as err:
            open_store(real_db)
        assert err.value.key == "dbfile.busy" and "locked" in err.value.message()
        assert "正忙" in cli_refuses(real_db, "trainee", "list")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    open_store(real_db).close()  # free again: it opens


def test_an_empty_database_file_with_a_wal_beside_it_is_refused_and_the_wal_kept(folder, real_db, run):
    """The main file lost (0 bytes) while its -wal still holds answers: SQLite, even read-only, would delete
    that -wal on open. Every command refuses, naming both files, and neither is touched."""
    path = folder / "lost.db"
    live = sqlite3.connect(real_db, isolation_level=None)
    live.execute("PRAGMA journal_mode=WAL")
    live.execute("PRAGMA wal_autocheckpoint=0")
    live.execute("INSERT INTO settings VALUES ('in the wal', '1')")
    shutil.copy(real_db.with_name(real_db.name + "-wal"), folder / "lost.db-wal")
    live.close()
    path.write_bytes(b"")
    before = snapshot(path)
    assert before["lost.db-wal"]
    for args in COMMANDS:
        out = cli_refuses(path, *args)
        assert "lost.db-wal" in out and "空文件" in out, out
    assert snapshot(path) == before


def unprivileged(*args: str) -> subprocess.CompletedProcess:
    """The CLI in a subprocess that file permissions bind (root without the capabilities that override them)."""
    prefix = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: permissions cannot bind")
        prefix = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]
    return subprocess.run([*prefix, sys.executable, "-m", "phrasebook", *args], capture_output=True, text=True,
                          timeout=60)


@pytest.fixture
def locked_folder(folder, real_db):
    """A writable database in a folder nobody may write: SQLite cannot make its -wal and -shm there."""
    path = folder / "a.db"
    shutil.copy(real_db, path)
    path.chmod(0o644)
    folder.chmod(0o555)
    yield path
    folder.chmod(0o755)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_a_read_only_folder_is_named_not_the_file(locked_folder, lang):
    done = unprivileged("--ui-lang", lang, "--db", str(locked_folder), "doctor")
    i18n.set_language(lang)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip() == t("cli.error", message=t("dbfile.folder_no_write", path=locked_folder,
                                                           folder=locked_folder.parent))
    assert "readonly" not in done.stderr


def test_backup_from_a_read_only_folder_blames_that_folder_not_the_destination(locked_folder, tmp_path):
    dest = tmp_path / "nb3.db"
    done = unprivileged("--ui-lang", "en", "--db", str(locked_folder), "backup", str(dest))
    i18n.set_language("en")
    assert done.returncode == 1 and not dest.exists()
    assert done.stderr.strip() == t("cli.error", message=t("dbfile.folder_no_write", path=locked_folder,
                                                           folder=locked_folder.parent))
    assert str(dest) not in done.stderr


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_an_os_error_is_told_in_the_ui_language(tmp_path, lang):
    """--db under a path one of whose parts is a file: ENOTDIR, said in the catalogue's words, not strerror."""
    (tmp_path / "afile").write_text("x")
    path = tmp_path / "afile" / "x.db"
    result = CliRunner().invoke(cli, ["--ui-lang", lang, "--db", str(path), "trainee", "list"])
    assert result.exit_code == 1
    assert result.output.strip() == t("cli.error", message=t("db.cannot_open", path=path, error=t("reason.ENOTDIR")))
    assert "Not a directory" not in result.output or lang == "en"


def test_a_backup_folder_without_permission_is_told_in_chinese(folder, real_db, tmp_path):
    db = folder / "a.db"
    shutil.copy(real_db, db)
    shut = tmp_path / "shut"
    shut.mkdir(mode=0o555)
    done = unprivileged("--db", str(db), "backup", str(shut / "b.db"))
    i18n.set_language("zh-CN")
    assert done.returncode == 1
    assert done.stderr.strip() == t("cli.error", message=t("backup.err.write", path=shut / "b.db",
                                                           error=t("reason.EACCES")))
    assert "Permission denied" not in done.stderr and "readonly" not in done.stderr


def test_explain_says_sqlite_errors_in_the_ui_language(tmp_path):
    db = tmp_path / "x.db"
    busy = sqlite3.connect(db)
    busy.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(db, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as err:
        other.execute("BEGIN IMMEDIATE")
    message = explain(err.value, db).message()
    assert "database is locked" not in message and t("reason.SQLITE_BUSY") in message
    busy.close()
    other.close()
