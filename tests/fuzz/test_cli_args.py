"""CLI arguments as people mistype them — dates, languages, counts, targets, names, staff numbers, paths — and
`--db` pointing at random bytes or a cut-off database: the command either works or exits non-zero with a
message, never a traceback; a refused `--db` file is left byte for byte as it was."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import event, given
from hypothesis import strategies as st

from phrasebook import paths
from phrasebook.cohorts import create_cohort
from phrasebook.commands import cli
from phrasebook.importer import sync_folder
from phrasebook.people import create_person
from phrasebook.store import open_store

from . import fuzz

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)

dates = st.one_of(st.dates().map(str), st.from_regex(r"\A\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\Z"),
                  st.sampled_from(["2026-02-30", "0000-01-01", "9999-12-31", "2026-13-01", "tomorrow", "", " "]),
                  st.text(max_size=12))
langs = st.one_of(st.sampled_from(["en", "ja", "ko", "ru", "zh", "EN", "en-US", ""]), st.text(max_size=5))
counts = st.one_of(st.integers(-5, 10**6).map(str), st.sampled_from(["0", "-1", "1e3", "3.5", "", "十"]),
                   st.text(max_size=6))
words = st.one_of(st.sampled_from(["第1期", "T1", "C1", "mini", "nobody", "", "-", "--help"]), st.text(max_size=14))
# ids as typed: small, negative, zero, past SQLite's 64 bits, full-width digits, or an exam's title
ids = st.one_of(counts, st.integers(2**63, 2**80).map(str), st.integers(-(2**80), -(2**63)).map(str),
                st.sampled_from([str(2**63 - 1), str(2**63), str(-(2**63)), "１２", "+1", "0x10"]), words)
targets = st.one_of(st.sampled_from(["90%", "0.9", "0", "101", "nan", "inf", "-5%", "%", ""]), st.text(max_size=6))
# relative paths inside the example's own folder (no absolute paths, no '..': the fuzz must not write elsewhere)
names = st.text(st.characters(blacklist_characters="/\\\x00", blacklist_categories=("Cs",)), min_size=1,
                max_size=12).filter(lambda n: n not in (".", ".."))


def _commands():
    return st.one_of(
        st.tuples(words, dates, dates, words).map(
            lambda a: ["cohort", "create", a[0], "--start", a[1], "--end", a[2], "--trainer", a[3]]),
        st.tuples(words, words, langs, dates, targets).map(
            lambda a: ["assign", "add", "--cohort", a[0], "--deck", a[1], "--lang", a[2], "--due", a[3],
                       "--target", a[4]]),
        st.tuples(words, langs, dates).map(
            lambda a: ["assign", "add", "--trainee", a[0], "--all-decks", "--lang", a[1], "--due", a[2]]),
        st.tuples(ids).map(lambda a: ["assign", "remove", "--", a[0]]),
        st.tuples(ids, st.booleans()).map(lambda a: ["exam", "show", "--", a[0]] + (["--answers"] if a[1] else [])),
        st.tuples(ids, st.sampled_from(["table", "csv", "json"])).map(
            lambda a: ["exam", "results", "--format", a[1], "--", a[0]]),
        st.tuples(ids).map(lambda a: ["exam", "delete", "--", a[0]]),
        st.tuples(words).map(lambda a: ["exam", "list", "--cohort", a[0]]),
        st.tuples(counts, words, st.sampled_from(["table", "csv", "json", "xlsx", "pdf"])).map(
            lambda a: ["report", "--days", a[0], "--department", a[1], "--format", a[2]]),
        st.tuples(words, words, st.sampled_from(["trainee", "trainer", "boss"])).map(
            lambda a: ["trainee", "add", a[0], a[1], "--role", a[2], "--no-pin"]),
        st.tuples(words).map(lambda a: ["trainee", "deactivate", a[0]]),
        st.tuples(words, words).map(lambda a: ["cohort", "enrol", a[0], a[1]]),
        st.tuples(words, words).map(lambda a: ["cohort", "withdraw", a[0], a[1]]),
        st.tuples(words).map(lambda a: ["cohort", "show", a[0]]),
        st.tuples(words).map(lambda a: ["trainee", "list", "--cohort", a[0]]),
        st.tuples(counts, counts, dates).map(
            lambda a: ["demo", "--trainees", a[0], "--reviews", a[1], "--until", a[2]]),
        st.tuples(words).map(lambda a: ["phrases", "--deck", a[0]]),
        st.tuples(words, langs).map(lambda a: ["audio", "play", a[0], "--lang", a[1]]),
        st.tuples(words).map(lambda a: ["pinyin", a[0]]),
        st.tuples(names).map(lambda a: ["deck", "validate", a[0]]),
        st.tuples(names).map(lambda a: ["trainee", "import", a[0]]),
        st.tuples(names).map(lambda a: ["trainee", "export", a[0]]),
        st.tuples(names).map(lambda a: ["report", "--format", "csv", "-o", a[0]]),
        st.tuples(names).map(lambda a: ["backup", a[0]]),
        st.tuples(names).map(lambda a: ["restore", "--yes", a[0]]),
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The mini deck, a trainer, a trainee and a cohort, imported once; every example works on a copy."""
    folder = tmp_path_factory.mktemp("cli")
    decks = folder / "decks"
    shutil.copytree(Path(__file__).parents[1] / "fixtures" / "decks", decks)
    for shared in paths.decks_dir().glob("_*.toml"):
        shutil.copy(shared, decks)
    store = open_store(folder / "p.db")
    sync_folder(store, decks)
    trainer = create_person(store, name="周老师", staff_no="T1", role="trainer", now=NOW)
    create_person(store, name="王芳", staff_no="C1", now=NOW)
    create_cohort(store, name="第1期", starts_on="2026-11-01", ends_on="2026-12-31", trainer=trainer, now=NOW)
    store.close()
    return folder / "p.db", decks


def assert_clean_outcome(result, args) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exc_info)
    assert "Traceback" not in result.output, (args, result.output)
    if result.exit_code != 0:
        assert result.output.strip(), args  # a message says why
    event(f"{args[0]} exit {result.exit_code}")


@fuzz(80)
@given(_commands())
def test_mistyped_arguments_end_in_a_message(template, monkeypatch_module, args):
    db, _decks = template
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copy(db, work / "p.db")
        cwd = os.getcwd()
        os.chdir(work)  # relative file arguments land in the example's folder
        try:
            result = CliRunner().invoke(cli, ["--db", str(work / "p.db"), *args], input="")
        finally:
            os.chdir(cwd)
    assert_clean_outcome(result, args)


@pytest.fixture(scope="module")
def monkeypatch_module(template):
    mp = pytest.MonkeyPatch()
    mp.setenv(paths.ENV_DECKS, str(template[1]))
    mp.setenv("PHRASEBOOK_PLAYER", "true")  # audio play never reaches a real sound device
    yield mp
    mp.undo()


@st.composite
def bad_db_files(draw, good: bytes) -> bytes:
    kind = draw(st.sampled_from(["random", "sqlite-header", "truncated", "flipped", "empty"]))
    if kind == "random":
        return draw(st.binary(min_size=1, max_size=5000))
    if kind == "sqlite-header":  # passes the magic check, then nonsense
        return good[:16] + draw(st.binary(min_size=0, max_size=4096))
    if kind == "truncated":
        return good[: draw(st.integers(1, len(good) - 1))]
    if kind == "flipped":  # a run of bytes overwritten somewhere in a real database
        at = draw(st.integers(0, len(good) - 1))
        patch = draw(st.binary(min_size=1, max_size=64))
        return good[:at] + patch + good[at + len(patch):]
    return b""


@fuzz(30)
@given(st.data(), st.sampled_from([["deck", "list"], ["trainee", "list"], ["report"], ["doctor"],
                                    ["trainee", "add", "Z9", "王五", "--no-pin"], ["backup", "b.db"]]))
def test_bad_database_file_is_a_message_and_left_alone(template, monkeypatch_module, data, args):
    good = template[0].read_bytes()
    content = data.draw(bad_db_files(good))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.db"
        path.write_bytes(content)
        cwd = os.getcwd()
        os.chdir(tmp)
        try:
            result = CliRunner().invoke(cli, ["--db", str(path), *args])
        finally:
            os.chdir(cwd)
        assert_clean_outcome(result, args)
        if result.exit_code != 0:
            assert path.read_bytes() == content, (args, result.output)


@fuzz(20)
@given(st.data())
def test_restore_from_a_bad_file_changes_nothing(template, monkeypatch_module, data):
    good = template[0].read_bytes()
    content = data.draw(bad_db_files(good))
    with tempfile.TemporaryDirectory() as tmp:
        bad, db = Path(tmp) / "bad.db", Path(tmp) / "live" / "p.db"
        bad.write_bytes(content)
        db.parent.mkdir()
        shutil.copy(template[0], db)
        before = {p.name: p.read_bytes() for p in db.parent.iterdir()}
        result = CliRunner().invoke(cli, ["--db", str(db), "restore", "--yes", str(bad)])
        assert_clean_outcome(result, ["restore"])
        assert bad.read_bytes() == content  # the chosen file is never written
        if result.exit_code != 0:
            assert {p.name: p.read_bytes() for p in db.parent.iterdir()} == before, result.output
