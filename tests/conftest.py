"""Shared fixtures: a real SQLite file per test, a controllable clock, the real decks imported once."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from phrasebook import i18n, paths
from phrasebook.importer import sync_folder
from phrasebook.store import open_store

FIXTURES = Path(__file__).parent / "fixtures"
MINI_DECKS = FIXTURES / "decks"


class FakeClock:
    """A clock tests move by hand: aware UTC, as FSRS needs."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No test touches the user's data dir or inherits a UI language from the environment."""
    monkeypatch.setenv(paths.ENV_HOME, str(tmp_path / "home"))
    monkeypatch.setenv(paths.ENV_AUDIO, str(tmp_path / "audio"))
    monkeypatch.delenv(paths.ENV_DB, raising=False)
    monkeypatch.delenv(paths.ENV_BACKUPS, raising=False)
    monkeypatch.setenv(paths.ENV_MOUNTINFO, os.devnull)  # no network-filesystem warning where CI's /tmp is NFS
    monkeypatch.delenv("PHRASEBOOK_PLAYER", raising=False)
    monkeypatch.delenv(i18n.ENV_UI_LANG, raising=False)
    i18n.set_language("zh-CN")
    yield
    i18n.set_language("zh-CN")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "phrasebook.db"


@pytest.fixture
def mini_decks(tmp_path) -> Path:
    """A writable folder with the small test deck and the project's shared files (_scenarios, _pinyin…)."""
    folder = tmp_path / "decks"
    shutil.copytree(MINI_DECKS, folder)
    for shared in paths.decks_dir().glob("_*.toml"):
        shutil.copy(shared, folder)
    return folder


@pytest.fixture
def mini_store(db_path, mini_decks):
    store = open_store(db_path)
    sync_folder(store, mini_decks)
    yield store
    store.close()


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory) -> Path:
    """The real bundled decks imported once; tests copy this file."""
    path = tmp_path_factory.mktemp("bundled") / "bundled.db"
    store = open_store(path)
    sync_folder(store, paths.decks_dir())
    store.close()
    return path


@pytest.fixture
def real_db(bundled_db, tmp_path) -> Path:
    path = tmp_path / "real.db"
    shutil.copy(bundled_db, path)
    return path


@pytest.fixture
def run(monkeypatch, mini_decks, db_path):
    """The CLI in-process (CliRunner) on the test database and the mini deck folder."""
    from click.testing import CliRunner

    from phrasebook.commands import cli

    monkeypatch.setenv(paths.ENV_DECKS, str(mini_decks))

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def db(mini_store, clock, monkeypatch, mini_decks) -> Path:
    """A closed database with two trainees and their answers, on the mini deck (backup and restore tests)."""
    from tests.test_backup import two_trainees

    monkeypatch.setenv(paths.ENV_DECKS, str(mini_decks))
    return two_trainees(mini_store, clock)


@pytest.fixture
def saved(db, tmp_path) -> Path:
    """A backup of `db`, then `db` gains a third trainee (so restoring visibly goes back)."""
    from phrasebook.people import create_person
    from tests.test_backup import invoke

    assert invoke(db, "backup", str(tmp_path / "saved.db")).exit_code == 0
    store = open_store(db)
    create_person(store, name="李强", staff_no="C3")
    store.close()
    return tmp_path / "saved.db"


class SmallDisk:
    """A real 4 MB tmpfs: `fill()` takes every free byte (the next write meets ENOSPC), `free()` gives it back."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.filler = folder / "filler"

    def fill(self) -> None:
        chunk = b"\0" * 4096
        with open(self.filler, "ab", buffering=0) as fh:
            try:
                while True:
                    fh.write(chunk)
            except OSError:
                pass

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)


@contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A disk of `size` that can really fill up (ENOSPC); mounting needs root: the test is skipped elsewhere."""
    import subprocess

    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@pytest.fixture
def small_disk(tmp_path):
    with tmpfs(tmp_path / "small", "4m") as folder:
        yield SmallDisk(folder)
