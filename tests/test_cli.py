"""The CLI through click's CliRunner (and a real subprocess for the entry point)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from phrasebook.commands import cli

COMMANDS = [[], ["deck"], ["deck", "validate"], ["deck", "import"], ["deck", "list"], ["phrases"], ["pinyin"],
            ["doctor"], ["audio"], ["audio", "build"], ["audio", "status"], ["audio", "prune"], ["audio", "play"]]



@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "root")
def test_every_command_has_help(command):
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0 and result.output.startswith("用法：") and "Usage" not in result.output


def test_help_in_english_from_the_entry_point():
    out = subprocess.run([sys.executable, "-m", "phrasebook", "--ui-lang", "en", "deck", "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert "Check deck files" in out


def test_validate_ok_and_bad(run, mini_decks):
    ok = run("deck", "validate")
    assert ok.exit_code == 0 and "1 个题库，6 个句子" in ok.output
    (mini_decks / "mini.toml").write_text(
        (mini_decks / "mini.toml").read_text(encoding="utf-8").replace('speaker = "applicant"', 'speaker = "x"', 1),
        encoding="utf-8")
    bad = run("deck", "validate")
    assert bad.exit_code == 1
    assert "mini.toml 句子 mini-003 字段 speaker" in bad.output
    assert "Traceback" not in bad.output


def test_import_list_and_phrases_json(run):
    imported = run("deck", "import")
    assert imported.exit_code == 0 and "已导入 1 个题库（6 个句子）" in imported.output
    again = run("deck", "import")
    assert "未改动 1 个" in again.output
    listed = run("deck", "list")
    assert "mini" in listed.output and "测试题库" in listed.output
    data = json.loads(run("phrases", "--json").output)
    assert [p["id"] for p in data] == [f"mini-00{i}" for i in range(1, 7)]
    first = data[0]
    assert first["pinyin"].startswith("nín hǎo")
    assert set(first["translations"]) == {"en", "ja"}
    assert first["translations"]["ja"]["romanization"]


def test_pinyin_uses_the_glossary():
    result = CliRunner().invoke(cli, ["pinyin", "请到银行还款，重新了解行政规定。"])
    assert result.output.strip() == "qǐng dào yín háng huán kuǎn, chóng xīn liǎo jiě xíng zhèng guī dìng."


def test_doctor_ok(run):
    run("deck", "import")
    result = run("doctor")
    assert result.exit_code == 0 and "一切正常" in result.output


def test_bad_db_is_one_line_error(tmp_path):
    bad = tmp_path / "x.db"
    bad.write_text("hello")
    result = CliRunner().invoke(cli, ["--db", str(bad), "doctor"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"错误：{bad} 不是本系统的数据库文件（不是 SQLite 数据库或已损坏）"]


def test_bundled_phrases_cover_en_ja_ko(real_db, monkeypatch):
    result = CliRunner().invoke(cli, ["--db", str(real_db), "phrases", "--json"])
    data = json.loads(result.output)
    assert len(data) >= 300
    assert len({p["scenario"] for p in data}) >= 14
    assert all({"en", "ja", "ko"} <= set(p["translations"]) for p in data)


def test_doctor_on_a_mistyped_path_says_there_is_no_database_and_makes_none(tmp_path):
    """A typo in --db must not make a fresh empty database and call it healthy."""
    missing = tmp_path / "nonexist" / "deep" / "x.db"
    for lang, key_text in (("zh-CN", "没有数据库"), ("en", "no database")):
        result = CliRunner().invoke(cli, ["--ui-lang", lang, "--db", str(missing), "doctor"])
        assert result.exit_code == 1
        assert key_text in result.output and str(missing) in result.output
    assert not (tmp_path / "nonexist").exists()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_deck_version_past_sqlite_integers_in_validate_import_and_every_start(tmp_path, mini_decks, lang):
    """version = 2**63 passed `deck validate`, then `deck import` was an OverflowError traceback, and with the file
    in decks/ every command (and the app) failed to start."""
    from tests.test_cli_i18n import real

    env = {"PHRASEBOOK_DECKS": str(mini_decks)}
    db = str(tmp_path / "p.db")
    good = (mini_decks / "mini.toml").read_text(encoding="utf-8")
    (mini_decks / "other.toml").write_text(good.replace('id = "mini"', 'id = "other"', 1), encoding="utf-8")
    big = tmp_path / "big.toml"
    big.write_text(good.replace("version = 1", f"version = {2**63}").replace('"mini"', '"big"', 1), encoding="utf-8")
    field = "字段 version" if lang == "zh" else "field version"
    for command in (["deck", "validate", str(big)], ["deck", "import", str(big)]):
        result = real("--ui-lang", lang, "--db", db, *command, env=env)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert f"big.toml {field}" in result.stderr and "9223372036854775807" in result.stderr
    (mini_decks / "mini.toml").write_text(good.replace("version = 1", f"version = {2**63}"), encoding="utf-8")
    listed = real("--ui-lang", lang, "--db", db, "deck", "list", env=env)
    assert listed.returncode == 0 and "Traceback" not in listed.stderr, listed.stderr
    assert f"mini.toml {field}" in listed.stderr and "other" in listed.stdout and "mini" not in listed.stdout
