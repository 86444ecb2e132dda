"""A real full disk (a 4 MB tmpfs) under the CLI: one sentence saying the disk is full, in the UI language, no
SQLite English, nothing half written — whether the write fails at COMMIT or the open cannot even make its
shared-memory file (SQLite calls that an I/O error)."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from phrasebook import paths
from phrasebook.commands import cli
from phrasebook.i18n import set_language, t
from phrasebook.store import open_store


def add_trainee(db, lang: str):
    return CliRunner().invoke(cli, ["--ui-lang", lang, "--db", str(db), "trainee", "add", "C1", "王芳"],
                              input="1234\n1234\n")


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
@pytest.mark.parametrize("app_open", [True, False], ids=["commit-fails", "open-fails"])
def test_adding_a_trainee_on_a_full_disk_says_so_and_saves_nothing(small_disk, mini_decks, monkeypatch, lang,
                                                                   app_open):
    monkeypatch.setenv(paths.ENV_DECKS, str(mini_decks))
    db = small_disk.folder / "s.db"
    open_store(db).close()
    other = sqlite3.connect(db, isolation_level=None)  # the app, open: the -shm stays, the WAL must grow
    other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if not app_open:
        other.close()  # the last one out removes the -shm: the next open must make it again
    small_disk.fill()
    result = add_trainee(db, lang)
    set_language(lang)
    assert result.exit_code == 1
    assert result.output == t("cli.error", message=t("dbfile.full", path=db)) + "\n"
    assert "disk" not in result.output or lang == "en"
    small_disk.free()
    assert other.execute("SELECT count(*) FROM people").fetchone()[0] == 0 if app_open else True
    other.close()
    store = open_store(db)
    try:
        assert store.value("SELECT count(*) FROM people") == 0
    finally:
        store.close()
