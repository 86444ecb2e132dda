"""Bugs the property-based tests (tests/fuzz/) found, each kept as an ordinary test of its failing example."""

from __future__ import annotations

import pytest

from phrasebook.decks import DeckError, load_decks


def test_deck_with_an_empty_key_names_that_field(mini_decks):
    """`"" = 0` in a phrase: the message said "field" with nothing after it."""
    path = mini_decks / "mini.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('id = "mini-001"', 'id = "mini-001"\n"" = 0', 1), encoding="utf-8")
    with pytest.raises(DeckError) as err:
        load_decks(mini_decks)
    assert 'mini.toml 句子 mini-001 字段 ""' in err.value.message()


@pytest.mark.parametrize(("stored", "expected"), [
    ('{"new_per_day": ""}', {}), ('{"new_per_day": null}', {}), ('{"new_per_day": -1}', {}),
    ('{"new_per_day": NaN}', {}), ('{"new_per_day": Infinity}', {}), ('{"reviews_per_day": ""}', {}),
    ('{"languages": "0"}', {}), ('{"languages": "en"}', {}), ('{"languages": true}', {}), ('0', {}), ('00', {}),
    (':', {}), ("", {}), ('{"languages": ["ja", "xx", "ja", 3], "new_per_day": 30.0, "autoplay": false}',
                        {"languages": ("ja",), "new_per_day": 30, "autoplay": False}),
])
def test_stored_study_settings_never_raise(stored, expected):
    """Each of these raised (ValueError, TypeError, OverflowError, AttributeError) or gave nonsense ("en" read as
    the languages "e" and "n"; -1 new cards a day): a clerk with such a row could not log in."""
    from phrasebook.people import StudySettings

    assert StudySettings.from_json(stored) == StudySettings(**expected)


@pytest.mark.parametrize("days", ["739943", "0", "-5"])
def test_report_days_out_of_range_is_a_usage_message(run, days):
    """`report --days 739943` raised OverflowError (date value out of range); 0 and -5 were taken silently."""
    from click.testing import CliRunner

    from phrasebook.commands import cli

    result = CliRunner().invoke(cli, ["report", "--days", days])
    assert result.exit_code == 2 and "--days" in result.output
    assert isinstance(result.exception, SystemExit)


def _schema_byte_not_utf8(path):
    """A database whose stored schema text has one byte that is not UTF-8 (CR\\x80ATE INDEX …)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"CREATE INDEX")
    data[at + 2] = 0x80
    path.write_bytes(bytes(data))


def test_damaged_schema_text_is_a_message_not_unicode_error(real_db, tmp_path):
    """SQLite's error quoted the damaged schema; Python could not decode that message and raised
    UnicodeDecodeError, which no handler expected: a traceback on every command, backup and restore."""
    from click.testing import CliRunner

    from phrasebook.commands import cli

    _schema_byte_not_utf8(real_db)
    before = real_db.read_bytes()
    for args in (["deck", "list"], ["backup", str(tmp_path / "b.db")],
                 ["--db", str(tmp_path / "new.db"), "restore", "--yes", str(real_db)]):
        full = args if args[0] == "--db" else ["--db", str(real_db), *args]
        result = CliRunner().invoke(cli, full)
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (args, result.exception)
        assert ("已损坏" in result.output or "不是本系统的数据库文件" in result.output), (args, result.output)
    assert real_db.read_bytes() == before


@pytest.mark.parametrize("version", [-1, -(2**31)])
def test_negative_schema_version_is_refused_untouched(tmp_path, version):
    """user_version is a signed 32-bit field; a damaged header made it negative and migrate() ran
    MIGRATIONS[negative] (IndexError, or worse, the wrong step)."""
    import sqlite3

    from click.testing import CliRunner

    from phrasebook.commands import cli
    from phrasebook.errors import PhrasebookError
    from phrasebook.store.db import Store
    from phrasebook.store.migrations import migrate

    path = tmp_path / "neg.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    before = path.read_bytes()
    result = CliRunner().invoke(cli, ["--db", str(path), "deck", "list"])
    assert result.exit_code == 1 and "不是本系统的数据库文件" in result.output
    assert path.read_bytes() == before
    memory = sqlite3.connect(":memory:", isolation_level=None)
    memory.execute(f"PRAGMA user_version = {version}")
    with pytest.raises(PhrasebookError) as err:
        migrate(Store(memory, path))
    assert err.value.key == "db.not_sqlite"


@pytest.mark.parametrize("until", ["0001-01-01", "9999-12-31"])
def test_demo_until_far_dates_is_a_message(run, until):
    """`demo --until 0001-01-01` raised ValueError (year 0 is out of range) from astimezone."""
    result = run("demo", "--trainees", "1", "--reviews", "0", "--until", until)
    assert result.exit_code == 1 and "--until" in result.output


ID_COMMANDS = [["assign", "remove"], ["exam", "show"], ["exam", "results"], ["exam", "delete"]]


@pytest.mark.parametrize("command", ID_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("value", [str(2**63), "99999999999999999999999", "0", "-1", str(-(2**63) - 1),
                                   "１" + "0" * 25])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ids_past_64_bits_zero_or_negative_are_usage_errors(run, command, value, lang):
    """`assign remove 99999999999999999999999` (and exam show|results|delete) raised OverflowError: Python int too
    large to convert to SQLite INTEGER. Now every id is checked by click: a usage error (exit 2) in the UI language."""
    from click.testing import CliRunner

    from phrasebook.commands import cli

    result = CliRunner().invoke(cli, ["--ui-lang", lang, *command, "--", value])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("用法：" if lang == "zh" else "Usage:"), result.output
    assert "9223372036854775807" in result.output and ("不在范围" in result.output) == (lang == "zh"), result.output


def test_an_exam_is_still_found_by_its_title_or_its_id(run, mini_decks):
    """EXAM stays "an id or a title": only digit strings are checked as ids."""
    from click.testing import CliRunner

    from phrasebook.commands import cli

    result = CliRunner().invoke(cli, ["exam", "show", "没有这个考核"])
    assert result.exit_code == 1 and "没有这个考核" in result.output
