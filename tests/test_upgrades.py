"""Upgrades from every released schema, using databases the releases themselves wrote.

tests/fixtures/schemas/v<N>.sql is a dump of a database made by release N's own code (make.py in that folder
says how). Each is loaded into a real SQLite file and opened by this code: it must migrate to LATEST, keep every
row of every table it had (column by column, for the columns that existed), pass `doctor`, and still let a
trainee log in and answer. A database from a newer release is refused, byte for byte untouched.
"""

from __future__ import annotations

import importlib.util
import re
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from phrasebook import auth
from phrasebook.doctor import check
from phrasebook.errors import PhrasebookError
from phrasebook.people import find_person, list_people
from phrasebook.pinyin import name_key
from phrasebook.scheduler import GOOD
from phrasebook.session import DrillSession
from phrasebook.store import open_store
from phrasebook.store.migrations import LATEST, MIGRATIONS

SCHEMAS = Path(__file__).parent / "fixtures" / "schemas"
RELEASED = sorted(int(p.stem[1:]) for p in SCHEMAS.glob("v*.sql"))


def load(version: int, path: Path) -> Path:
    """The release's database as a real file (the dump sets user_version itself)."""
    conn = sqlite3.connect(path)
    conn.executescript((SCHEMAS / f"v{version}.sql").read_text(encoding="utf-8"))
    conn.close()
    return path


def tables(conn: sqlite3.Connection) -> dict[str, list[str]]:
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {n: [c[1] for c in conn.execute(f'PRAGMA table_info("{n}")')] for n in names}


def contents(conn: sqlite3.Connection, table: str, columns: list[str]) -> list[tuple]:
    cols = ", ".join(f'"{c}"' for c in columns)
    return [tuple(r) for r in conn.execute(f'SELECT {cols} FROM "{table}" ORDER BY {cols}')]


def test_every_released_schema_has_a_fixture():
    """One dump per release that make.py knows (schema 3 never shipped alone: there is no release 3)."""
    spec = importlib.util.spec_from_file_location("make_fixtures", SCHEMAS / "make.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    assert sorted(make.RELEASES) == RELEASED and len(RELEASED) >= 2
    assert max(RELEASED) <= LATEST


@pytest.mark.parametrize("version", RELEASED)
def test_fixture_is_the_release_schema_with_data_everywhere(version, tmp_path):
    """The dump is what its release wrote (schema = our first N migrations, so a released migration was not
    edited afterwards) and no table is empty."""
    conn = sqlite3.connect(load(version, tmp_path / "old.db"))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    empty = [t for t in tables(conn) if not conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]]
    assert empty == []
    fresh = sqlite3.connect(tmp_path / "fresh.db", isolation_level=None)
    for step in MIGRATIONS[:version]:
        step(fresh)

    def schema(c: sqlite3.Connection) -> set[tuple[str, str]]:
        return {(r[0], re.sub(r"\s+", " ", r[1]).strip()) for r in c.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")}

    assert schema(conn) == schema(fresh)


@pytest.mark.parametrize("version", RELEASED)
def test_upgrade_keeps_every_row(version, tmp_path):
    path = load(version, tmp_path / "old.db")
    raw = sqlite3.connect(path)
    before_tables = tables(raw)
    before = {t: contents(raw, t, cols) for t, cols in before_tables.items()}
    raw.close()

    store = open_store(path)
    assert store.value("PRAGMA user_version") == LATEST
    after_tables = tables(store.conn)
    for table, columns in before_tables.items():
        assert table in after_tables, f"table {table} was dropped"
        missing = set(columns) - set(after_tables[table])
        assert not missing, f"{table} lost columns {missing}"
        assert contents(store.conn, table, columns) == before[table], f"rows of {table} changed"
    report = check(store)
    assert report.ok and report.integrity == "ok" and not report.mismatched
    assert report.cards_checked > 0
    store.close()


@pytest.mark.parametrize("version", RELEASED)
def test_after_upgrade_a_trainee_logs_in_and_answers(version, tmp_path, clock):
    store = open_store(load(version, tmp_path / "old.db"))
    clock.now = datetime(2026, 12, 15, 1, 0, tzinfo=timezone.utc)
    reviews = store.value("SELECT count(*) FROM reviews")
    # a trainee without a PIN, studying en + ja: chooses one at the first login after the upgrade
    person = auth.first_login(store, find_person(store, "A1001"), "2468", now=clock())
    session = DrillSession(store, person, clock=clock)
    answered = 0
    while answered < 3 and (prompt := session.next()) is not None:
        session.answer(prompt, GOOD, duration_ms=4000)
        answered += 1
    session.finish()
    assert answered == 3
    assert store.value("SELECT count(*) FROM reviews") == reviews + 3
    assert check(store).ok
    store.close()


@pytest.mark.parametrize("version", RELEASED)
def test_upgrade_keys_every_name_for_pinyin_order(version, tmp_path):
    """m005 fills people.name_key for everyone the release had (plus surnames pypinyin misreads), so lists come
    out in pinyin order straight after the upgrade."""
    path = load(version, tmp_path / "old.db")
    raw = sqlite3.connect(path)
    for staff_no, name in (("X1", "曾志伟"), ("X2", "单田芳"), ("X3", "区建华")):
        raw.execute("INSERT INTO people (staff_no, name, created_at) VALUES (?, ?, '2026-11-21T01:00:00+00:00')",
                    (staff_no, name))
    raw.commit()
    raw.close()
    store = open_store(path)
    rows = store.rows("SELECT name, name_key FROM people")
    assert len(rows) >= 6 and all(r["name_key"] == name_key(r["name"]) != "" for r in rows)
    listed = [p.name for p in list_people(store, include_inactive=True)]
    assert [n for n in listed if n in ("李强", "区建华", "单田芳", "王芳", "曾志伟", "张敏")] == [
        "李强", "区建华", "单田芳", "王芳", "曾志伟", "张敏"]
    store.close()


def test_after_upgrade_staff_pins_from_release_2_still_work(tmp_path):
    store = open_store(load(2, tmp_path / "old.db"))
    now = datetime(2026, 12, 15, 1, 0, tzinfo=timezone.utc)
    assert auth.login(store, "T900", "246810", now=now).role == "trainer"  # its own PIN, hashed by release 2
    assert auth.login(store, "K0001", "123456", now=now).role == "coordinator"  # release 2's demo PIN
    with pytest.raises(PhrasebookError):
        auth.login(store, "A1003", "", now=now)  # left the programme in release 2: stays out
    store.close()


# -- a database from a newer release ----------------------------------------------------------------------------
@pytest.fixture
def too_new(tmp_path) -> Path:
    path = load(max(RELEASED), tmp_path / "newer.db")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    return path


def _files(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir()) if p.is_file()}


def test_newer_database_is_refused_and_untouched(too_new):
    before = _files(too_new)
    with pytest.raises(PhrasebookError) as err:
        open_store(too_new)
    assert err.value.key == "db.too_new"
    assert f"{LATEST + 1}" in err.value.message() and str(too_new) in err.value.message()
    assert _files(too_new) == before  # not one byte, and no -wal/-shm beside it


def test_newer_database_cli_message_without_traceback(too_new, monkeypatch, mini_decks):
    from phrasebook.commands import cli

    monkeypatch.setenv("PHRASEBOOK_DECKS", str(mini_decks))
    before = _files(too_new)
    for args in (["deck", "list"], ["doctor"], ["trainee", "list"], ["report"]):
        result = CliRunner().invoke(cli, ["--db", str(too_new), *args])
        assert result.exit_code == 1, args
        assert "来自更新版本" in result.output and "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert _files(too_new) == before


def test_newer_database_tui_start_without_traceback(too_new):
    """The clerk's start (`phrasebook --db X`, the TUI path that skips click) says it in one line."""
    before = _files(too_new)
    done = subprocess.run([sys.executable, "-m", "phrasebook", "--db", str(too_new), "--ui-lang", "en"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "comes from a newer version" in done.stderr and "Traceback" not in done.stderr + done.stdout
    assert _files(too_new) == before


def test_newer_database_make_app_refuses(too_new, mini_decks):
    from phrasebook.tui.app import make_app

    with pytest.raises(PhrasebookError) as err:
        make_app(too_new, decks_dir=mini_decks)
    assert err.value.key == "db.too_new"
