"""The CLI in Chinese all the way: click's own text from the catalogue, help columns that line up in a terminal
(measured in cells, a Chinese character being two), Chinese prompts, and English exactly as click writes it."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from phrasebook import clickui, i18n
from phrasebook.clickui import width
from phrasebook.commands import cli
from phrasebook.people import create_person
from phrasebook.store import open_store
from tests.test_backup import counts, two_trainees
from tests.test_backup import invoke as invoke_en

CLICK_DIR = Path(click.__file__).parent
FIELD = re.compile(r"{[^{}]*}")


def click_msgids() -> dict[str, set[str]]:
    """Every msgid click passes to gettext (`_("…")`, both forms of `ngettext`), by module: read from click's
    source, so that a click upgrade with new text fails the coverage test below."""
    found: dict[str, set[str]] = {}
    for path in CLICK_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                for arg in node.args[: 2 if node.func.id == "ngettext" else 1]:
                    assert isinstance(arg, ast.Constant), f"{path.name}: a msgid that is not a literal"
                    found.setdefault(path.stem, set()).add(arg.value)
    return found


def commands(command: click.Command, path: tuple[str, ...] = ()):
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from commands(sub, (*path, name))


def zh(*args: str, **kwargs):
    return CliRunner().invoke(cli, list(args), **kwargs)


def test_every_click_msgid_has_a_chinese_entry_and_keeps_its_fields():
    table = i18n.catalogue("zh-CN")
    msgids = set().union(*click_msgids().values())
    assert len(msgids) > 50
    missing = sorted(m for m in msgids if f"click.{m}" not in table)
    assert missing == []
    for msgid in msgids:
        assert set(FIELD.findall(table[f"click.{msgid}"])) <= set(FIELD.findall(msgid)), msgid
        assert i18n.catalogue("en")[f"click.{msgid}"] == msgid  # English is click's own text
    # every click module that fetches text through gettext is routed
    assert {m for m in click_msgids() if m not in ("testing", "_compat", "utils")} <= set(i18n.CLICK_MODULES)


def test_routing_follows_the_language_and_unknown_text_stays_english():
    assert click.core._ is i18n.click_text and click.exceptions.ngettext is i18n.click_plural
    assert i18n.click_text("Usage:") == "用法："
    assert i18n.click_text("A sentence a newer click might add.") == "A sentence a newer click might add."
    i18n.set_language("en")
    assert i18n.click_text("Usage:") == "Usage:"


def test_group_and_subcommand_help_in_chinese():
    root = zh("--help")
    assert root.exit_code == 0
    assert root.output.startswith("用法：cli [选项] 命令 [参数]...\n")
    assert "\n选项：\n" in root.output and "\n命令：\n" in root.output and "显示此帮助并退出" in root.output
    assert "显示版本号并退出" in root.output and "--db 路径" in root.output
    sub = zh("trainee", "add", "--help")
    assert sub.output.startswith("用法：cli trainee add [选项] 工号 姓名\n")
    audio = zh("audio", "build", "--help")
    assert "[默认：2; 1<=x<=16]" in audio.output and "--jobs 整数" in audio.output
    assert not re.search(r"Usage|Options|Commands|Show this|default:|TEXT|INTEGER|PATH", root.output + sub.output
                         + audio.output)


@pytest.mark.parametrize("path", [p for p, _ in commands(cli)], ids=lambda p: " ".join(p) or "root")
def test_help_columns_line_up_in_terminal_cells(path):
    """Each option row's text starts at one cell in the section; wrapped lines start there too; no line is wider
    than the 80-cell terminal."""
    out = zh(*path, "--help").output
    assert out.startswith("用法：")
    for section in re.split(r"\n(?=\S)", out):
        starts = set()
        for line in section.splitlines()[1:]:
            if not line.strip():
                continue
            assert width(line) <= 80, line
            row = re.match(r"( {2}\S.*?  +)(\S.*)$", line) if not line.startswith("   ") else None
            indent = re.match(r" +", line).group()
            if row or len(indent) > 2:  # else a first column too long to share its line
                starts.add(width(row.group(1)) if row else len(indent))
        if section.startswith(("选项", "命令")):
            assert len(starts) == 1, (section, starts)


def test_formatter_pads_by_cells():
    formatter = clickui.HelpFormatter(width=60)
    formatter.indent()
    formatter.write_dl([("--deck 题库", "只为此题库生成"), ("--jobs INT", "同时进行的合成任务数" * 4)])
    lines = formatter.getvalue().splitlines()
    assert len(lines) == 3
    starts = {width(re.match(r"(\s*\S+ ?\S*\s+|\s+)", line).group()) for line in lines}
    assert starts == {15}  # "  --deck 题库" is 13 cells (11 characters) + 2 spaces
    assert all(width(line) <= 60 for line in lines)


def test_chinese_text_wraps_between_characters_but_not_before_punctuation():
    text = "语音引擎：gtts（Google，需联网）、espeak（离线）、auto（先用 Google，连不上时改用离线）"
    for limit in range(14, 60):
        lines = clickui.fill(text, limit).splitlines()
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(width(line) <= limit for line in lines)
        assert not any(line[0] in clickui.NO_START for line in lines[1:]), lines
        assert not any(line[-1] in clickui.NO_END for line in lines), lines


def test_usage_errors_in_chinese(run):
    missing = run("trainee", "add")
    assert missing.exit_code == 2
    assert missing.output == ("用法：cli trainee add [选项] 工号 姓名\n运行 'cli trainee add --help' 查看帮助。\n\n"
                              "错误：缺少参数 '工号'。\n")
    choice = run("trainee", "add", "C9", "王五", "--role", "boss")
    assert "错误：'--role' 的值无效：'boss' 无效，可选：'trainee', 'trainer', 'coordinator'。" in choice.output
    option = run("doctor", "--rebuil")
    assert "错误：没有选项 --rebuil。 是不是要输入 --rebuild？" in option.output
    extra = run("doctor", "now")
    assert "错误：多出了参数（now）" in extra.output
    command = run("doctr")
    assert "错误：没有命令 'doctr'。" in command.output
    number = run("audio", "build", "--jobs", "99")
    assert "错误：'--jobs' 的值无效：99 不在范围 1<=x<=16 内。" in number.output
    for result in (missing, choice, option, extra, command, number):
        assert result.exit_code == 2 and "Error" not in result.output and "Usage" not in result.output


def test_pin_prompt_in_chinese(db_path):
    added = zh("--db", str(db_path), "trainee", "add", "T1", "李老师", "--role", "trainer",
               input="2468\n1357\n2468\n2468\n")
    assert added.exit_code == 0, added.output
    assert "密码：" in added.output and "再输入一次密码：" in added.output
    assert "错误：两次输入的不一致。" in added.output and ": " not in added.output


def test_restore_asks_in_chinese_and_takes_y_or_是(mini_store, clock, monkeypatch, mini_decks, tmp_path):
    monkeypatch.setenv("PHRASEBOOK_DECKS", str(mini_decks))
    db = two_trainees(mini_store, clock)
    assert invoke_en(db, "backup", str(tmp_path / "saved.db")).exit_code == 0
    store = open_store(db)
    create_person(store, name="李强", staff_no="C3")
    store.close()
    restore = ["--ui-lang", "zh", "--db", str(db), "restore", str(tmp_path / "saved.db")]
    declined = zh(*restore, input="\n")
    assert declined.exit_code == 1
    assert "吗？（当前数据库会另存为安全副本）（是 y / 否 n，直接回车为否）：" in declined.output
    assert "未做任何改动" in declined.output
    answered = zh(*restore, input="好的\n是\n")
    assert "错误：请输入 y（是）或 n（否）。" in answered.output
    assert answered.exit_code == 0 and counts(db) == counts(tmp_path / "saved.db"), answered.output


def phrasebook_cmd() -> list[str]:
    """The installed `phrasebook` script of this environment (as the clerk runs it)."""
    script = Path(sys.executable).with_name("phrasebook")
    return [str(script)] if script.exists() else [sys.executable, "-m", "phrasebook"]


def real(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != i18n.ENV_UI_LANG} | (env or {}) | {"COLUMNS": "80"}
    return subprocess.run([*phrasebook_cmd(), *args], capture_output=True, text=True, env=environ, timeout=60,
                          stdin=subprocess.DEVNULL)


def test_real_phrasebook_in_chinese_and_english(tmp_path):
    db = str(tmp_path / "x.db")
    missing = real("--db", db, "trainee", "add")
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr == ("用法：phrasebook trainee add [选项] 工号 姓名\n"
                              "运行 'phrasebook trainee add --help' 查看帮助。\n\n错误：缺少参数 '工号'。\n")
    aborted = real("--db", db, "trainee", "add", "T1", "李老师", "--role", "trainer")  # no terminal: end of input
    assert aborted.returncode == 1 and aborted.stdout.startswith("密码：") and "已中止。" in aborted.stderr
    english = real("--ui-lang", "en", "--db", db, "trainee", "add")
    assert english.stderr == ("Usage: phrasebook trainee add [OPTIONS] STAFF_NO NAME\n"
                              "Try 'phrasebook trainee add --help' for help.\n\nError: Missing argument 'STAFF_NO'.\n")
    help_en = real("--ui-lang", "en", "backup", "--help").stdout
    assert help_en == ("Usage: phrasebook backup [OPTIONS] [PATH]\n\n"
                       "  Copy the database to PATH (default: a dated file in the backups folder\n"
                       "  beside it); safe while clerks are answering; the copy is checked\n\n"
                       "Options:\n  --help  Show this message and exit.\n")


@pytest.mark.parametrize(("env", "says"), [({}, "错误：'--ui-lang' 的值无效：'xx' 无效"),
                                            ({"PHRASEBOOK_UI_LANG": "en"}, "Error: Invalid value for '--ui-lang'")])
def test_rejected_ui_lang_is_reported_in_the_environments_language(env, says):
    result = real("--ui-lang", "xx", "doctor", env=env)
    assert result.returncode == 2 and says in result.stderr and "Traceback" not in result.stderr


def test_every_metavar_is_translated():
    """A new option or argument whose metavar has no Chinese word shows up here."""
    for path, command in commands(cli):
        usage = command.collect_usage_pieces(click.Context(command))
        metavars = [p.make_metavar() for p in command.params if not isinstance(p.type, click.Choice)
                    and not getattr(p, "is_flag", False)]
        assert not re.search(r"\b[A-Z]{2,}\b", " ".join(usage + metavars).replace("zh-CN", "")), path
