"""The administrator's commands for people, cohorts, assignments, reports and demo data, through CliRunner."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from phrasebook import paths
from phrasebook.commands import cli
from phrasebook.people import find_person
from phrasebook.store import open_store

COMMANDS = [["trainee"], ["trainee", "add"], ["trainee", "list"], ["trainee", "import"], ["trainee", "export"],
            ["trainee", "set-pin"], ["trainee", "reset-pin"], ["trainee", "deactivate"], ["cohort"],
            ["cohort", "create"], ["cohort", "list"], ["cohort", "enrol"], ["cohort", "withdraw"], ["cohort", "show"],
            ["assign"], ["assign", "add"], ["assign", "list"], ["assign", "remove"], ["report"], ["demo"]]


@pytest.fixture
def run(monkeypatch, mini_decks, db_path):
    monkeypatch.setenv(paths.ENV_DECKS, str(mini_decks))

    def invoke(*args: str, input: str | None = None):
        result = CliRunner().invoke(cli, ["--db", str(db_path), *args], input=input, catch_exceptions=False)
        assert "Traceback" not in result.output
        return result

    return invoke


@pytest.fixture
def programme(run, tmp_path):
    """A trainer, a cohort with three trainees from a roster, and an assignment."""
    assert run("trainee", "add", "T1", "李老师", "--role", "trainer", input="2468\n2468\n").exit_code == 0
    assert run("cohort", "create", "第12期", "--start", "2030-01-01", "--end", "2030-02-28",
               "--trainer", "T1").exit_code == 0
    roster = tmp_path / "roster.csv"
    roster.write_bytes("工号,姓名,部门,窗口\n1001,王芳,出入境,3号\n1002,陈明,市场监管,\n1003,赵磊,出入境,5号\n"
                       .encode("utf-8-sig"))
    assert run("trainee", "import", str(roster), "--cohort", "第12期").exit_code == 0
    assigned = run("assign", "add", "--cohort", "第12期", "--deck", "mini", "--lang", "en", "--due", "2030-02-20")
    assert assigned.exit_code == 0
    return roster


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_new_command_has_help(command):
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0 and result.output.startswith("用法：") and "Usage" not in result.output


def test_add_people_with_and_without_pin(run, db_path):
    trainer = run("trainee", "add", "T1", "李老师", "--role", "trainer", "--department", "培训办", input="1357\n1357\n")
    assert trainer.exit_code == 0 and "已添加培训师 李老师（工号 T1）" in trainer.output
    assert run("trainee", "add", "C1", "王芳").exit_code == 0  # trainees: no PIN unless asked
    listed = run("trainee", "list")
    assert "李老师" in listed.output and "王芳" in listed.output and "共 2 人" in listed.output
    secret = sqlite3.connect(db_path).execute("SELECT secret FROM people WHERE staff_no = 'T1'").fetchone()[0]
    assert secret.startswith("scrypt$") and "1357" not in secret
    taken = run("trainee", "add", "C1", "别人")
    assert taken.exit_code == 1 and "工号 C1 已被使用" in taken.output


def test_set_pin_and_deactivate(run, db_path):
    run("trainee", "add", "C1", "王芳")
    short = run("trainee", "set-pin", "C1", input="12\n12\n")
    assert short.exit_code == 1 and "至少 4 位" in short.output
    assert run("trainee", "set-pin", "C1", input="4321\n4321\n").exit_code == 0
    assert find_person(open_store(db_path), "C1").has_pin
    cleared = run("trainee", "reset-pin", "C1")
    assert cleared.exit_code == 0 and "下次登录时自己设置新密码" in cleared.output
    assert not find_person(open_store(db_path), "C1").has_pin
    run("trainee", "add", "T1", "李老师", "--role", "trainer", input="1357\n1357\n")
    staff = run("trainee", "reset-pin", "T1")  # staff would be locked out: they get a new PIN instead
    assert staff.exit_code == 1 and "set-pin T1" in staff.output
    gone = run("trainee", "deactivate", "C1")
    assert gone.exit_code == 0 and "离开培训" in gone.output
    assert "王芳" not in run("trainee", "list").output and "王芳" in run("trainee", "list", "--all").output
    assert run("trainee", "deactivate", "C1", "--undo").exit_code == 0


def test_roster_import_cohort_and_export(run, programme, tmp_path):
    shown = run("cohort", "show", "第12期")
    assert "在训学员 3 人" in shown.output and "陈明" in shown.output and "mini · en" in shown.output
    assert "第12期" in run("cohort", "list").output
    assert run("cohort", "withdraw", "第12期", "1002").exit_code == 0
    assert "陈明" not in run("cohort", "show", "第12期").output
    assert "陈明" in run("cohort", "show", "第12期", "--history").output
    enrol = run("cohort", "enrol", "第12期", "1002", "1001")
    assert "新编入 1 人，已在期次中 1 人" in enrol.output
    out = tmp_path / "out.xlsx"
    assert run("trainee", "export", str(out), "--cohort", "第12期").exit_code == 0
    ws = load_workbook(out).active
    assert [c.value for c in ws[1]] == ["工号", "姓名", "部门", "窗口"] and ws.max_row == 4


def test_bad_roster_is_refused_with_row_numbers(run, programme, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("工号,姓名\n2001,张伟\n2002,\n2001,张卫\n", encoding="utf-8")
    result = run("trainee", "import", str(bad), "--cohort", "第12期")
    assert result.exit_code == 1
    assert "第 3 行 「姓名」列: 姓名不能为空" in result.output
    assert "第 4 行 「姓名」列: 工号 2001 在第 2 行已出现" in result.output
    assert "2001" not in run("trainee", "list").output


def test_assign_list_and_remove(run, programme):
    listed = run("assign", "list")
    assert "第12期" in listed.output and "2030-02-20" in listed.output and "90%" in listed.output
    personal = run("assign", "add", "--trainee", "1001", "--deck", "mini", "--lang", "ja", "--due", "2030-02-01",
                   "--target", "80%")
    assert personal.exit_code == 0 and "1001" in personal.output
    assert run("assign", "remove", "2").exit_code == 0
    missing = run("assign", "remove", "99")
    assert missing.exit_code == 1 and "#" not in missing.output and "99" in missing.output
    bad = run("assign", "add", "--cohort", "第12期", "--deck", "nope", "--lang", "en", "--due", "2030-02-20")
    assert bad.exit_code == 1 and "找不到题库 nope" in bad.output


def test_report_in_every_format(run, programme, tmp_path):
    table = run("report")
    assert table.exit_code == 0 and "期次汇总" in table.output and "王芳" in table.output and "未开始 3" in table.output
    data = json.loads(run("report", "--format", "json").output)
    assert data["status_counts"]["not_started"] == 3 and data["cohorts"][0]["name"] == "第12期"
    assert {t["staff_no"] for t in data["trainees"]} == {"1001", "1002", "1003"}
    csv_text = run("report", "--format", "csv", "--department", "出入境").output
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("工号,姓名,部门,窗口,期次,状态") and len(lines) == 3
    out_csv = tmp_path / "r.csv"
    run("report", "--format", "csv", "-o", str(out_csv))
    assert out_csv.read_bytes().startswith(b"\xef\xbb\xbf")
    needs_file = run("report", "--format", "xlsx")
    assert needs_file.exit_code == 1 and "-o" in needs_file.output
    out = tmp_path / "report.xlsx"
    assert run("report", "--cohort", "第12期", "--format", "xlsx", "-o", str(out)).exit_code == 0
    book = load_workbook(out)
    assert book.sheetnames == ["期次汇总", "学员进度", "难卡", "每日练习", "完成分布"]
    trainees = book["学员进度"]
    headers = [c.value for c in trainees[1]]
    assert headers[:6] == ["工号", "姓名", "部门", "窗口", "期次", "状态"] and "截止日预计记住率" in headers
    assert trainees["A1"].font.bold and trainees.freeze_panes == "A2" and trainees.max_row == 4
    assert trainees.column_dimensions["P"].width >= 18  # "截止日预计记住率" is 16 columns wide
    assert trainees.cell(row=2, column=8).number_format == "0.0%"
    english = CliRunner().invoke(cli, ["--db", str(programme.parent / "phrasebook.db"), "--ui-lang", "en", "report",
                                       "--status", "not_started", "--format", "csv"])
    assert english.output.splitlines()[0].startswith("Staff no,Name,Department")


def test_demo_is_deterministic_and_agrees_with_doctor(monkeypatch, mini_decks, tmp_path):
    monkeypatch.setenv(paths.ENV_DECKS, str(mini_decks))
    dumps = []
    for name in ("a.db", "b.db"):
        db = tmp_path / name
        result = CliRunner().invoke(cli, ["--db", str(db), "demo", "--trainees", "8", "--reviews", "600",
                                          "--seed", "7", "--until", "2026-11-20"], catch_exceptions=False)
        assert result.exit_code == 0 and "学员 8 人" in result.output and "K0001" in result.output
        doctor = CliRunner().invoke(cli, ["--db", str(db), "doctor"])
        assert doctor.exit_code == 0 and "一切正常" in doctor.output
        conn = sqlite3.connect(db)
        dumps.append((conn.execute("SELECT count(*), sum(rating), max(reviewed_at) FROM reviews").fetchone(),
                      conn.execute("SELECT group_concat(name) FROM people").fetchone()))
        assert conn.execute("SELECT count(*) FROM cohorts").fetchone()[0] >= 1
    assert dumps[0] == dumps[1] and 0 < dumps[0][0][0] <= 600
    again = CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), "demo", "--trainees", "2", "--reviews", "10"])
    assert again.exit_code == 1 and "已经有人员" in again.output
