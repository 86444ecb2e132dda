"""`phrasebook exam …` through click (CliRunner) on a real database with the mini deck."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from phrasebook.clock import utcnow
from phrasebook.exam_sitting import answer, get_attempt, questions, start, submit
from phrasebook.exams import get_exam
from phrasebook.people import find_person
from phrasebook.store import open_store

CREATE = ("exam", "create", "迎检考核", "--cohort", "第12期", "--deck", "mini", "--lang", "en", "--mode", "typed",
          "--mode", "choice", "--items", "4", "--minutes", "15", "--pass", "50%", "--opens", "2020-01-01 08:00",
          "--closes", "2099-12-31")


def setup(run) -> None:
    for args in (("trainee", "add", "T1", "李老师", "--role", "trainer", "--no-pin"),
                 ("trainee", "add", "C1", "王芳"), ("trainee", "add", "C2", "张伟"),
                 ("cohort", "create", "第12期", "--start", "2026-11-01", "--end", "2027-01-31", "--trainer", "T1"),
                 ("cohort", "enrol", "第12期", "C1", "C2")):
        assert run(*args).exit_code == 0


def sit_all_right(db_path) -> None:
    store = open_store(db_path)
    try:
        exam, person, now = get_exam(store, "迎检考核"), find_person(store, "C1"), utcnow()
        attempt = start(store, exam, person, now=now)
        key = {r["id"]: r for r in store.rows("SELECT * FROM exam_items")}
        for q in questions(store, attempt):
            item = key[q.item_id]
            if q.mode == "typed":
                answer(store, attempt, q, typed=item["answer"], now=now)
            else:
                answer(store, attempt, q, picked=q.options.index(json.loads(item["options"])[item["correct"]]),
                       now=now)
        submit(store, attempt, now=now)
    finally:
        store.close()


def test_create_list_show_results_delete(run, db_path, tmp_path):
    setup(run)
    made = run(*CREATE)
    assert made.exit_code == 0 and "已新建考核 #1“迎检考核”（第12期）：4 题，限时 15 分钟" in made.output
    listed = run("exam", "list")
    assert "迎检考核" in listed.output and "开放中" in listed.output and "0/2" in listed.output
    shown = run("exam", "show", "1", "--answers")
    assert "mini-0" in shown.output and "参考答案" in shown.output
    assert "参考答案" not in run("exam", "show", "迎检考核").output
    sit_all_right(db_path)
    table = run("exam", "results", "迎检考核")
    assert "已考 1/2 人，及格 1 人，及格率 100.0%，平均分 100.0%" in table.output
    csv_out = run("exam", "results", "1", "--format", "csv")
    lines = csv_out.output.splitlines()
    assert lines[0].startswith("工号,姓名") and any(line.startswith("C1,王芳,,已交卷,1,100.0%") for line in lines)
    assert any(line.startswith("C2,张伟,,未参加") for line in lines)
    items = run("exam", "results", "1", "--format", "csv", "--table", "items").output.splitlines()
    assert items[0].startswith("题号,题库,句子编号") and len(items) == 5 and all(",100.0%," in x for x in items[1:])
    data = json.loads(run("exam", "results", "1", "--format", "json").output)
    assert (data["sat"], data["enrolled"], data["pass_rate"]) == (1, 2, 1.0)
    xlsx = tmp_path / "exam.xlsx"
    written = run("exam", "results", "1", "--format", "xlsx", "-o", str(xlsx))
    assert written.exit_code == 0 and load_workbook(xlsx).sheetnames == ["考核汇总", "考核成绩", "逐题难度"]
    report = tmp_path / "report.xlsx"
    assert run("report", "--format", "xlsx", "-o", str(report)).exit_code == 0
    book = load_workbook(report)
    assert "考核汇总" in book.sheetnames and book["考核汇总"]["B2"].value == "迎检考核"
    refused = run("exam", "delete", "1")
    assert refused.exit_code == 1 and "--force" in refused.output
    store = open_store(db_path)
    try:  # C2 is sitting it now: not even --force deletes it
        start(store, get_exam(store, "迎检考核"), find_person(store, "C2"), now=utcnow())
    finally:
        store.close()
    refused = run("exam", "delete", "1", "--force")
    assert refused.exit_code == 1 and "现在有 1 人正在作答，不能删除" in refused.output
    assert "Traceback" not in refused.output and "迎检考核" in run("exam", "list").output
    store = open_store(db_path)
    try:
        submit(store, get_attempt(store, 2), now=utcnow())
    finally:
        store.close()
    assert run("exam", "delete", "1", "--force").exit_code == 0
    assert "共 0 个考核" in run("exam", "list").output


def test_bad_input_is_one_clear_line(run):
    setup(run)
    for args, words in (((*CREATE[:-10], "--items", "abc", *CREATE[-8:]), "题数须为 1–100 的整数"),
                        ((*CREATE[:-4], "--opens", "下周一", "--closes", "2099-12-31"), "开放时间“下周一”看不懂"),
                        ((*CREATE[:3], "--cohort", "第99期", *CREATE[5:]), "第99期"),
                        (("exam", "results", "没有这个"), "没有找到考核“没有这个”"),
                        (("exam", "results", "1", "--format", "xlsx"), "")):
        result = run(*args)
        assert result.exit_code != 0 and words in result.output and "Traceback" not in result.output, args


def test_english_messages(run):  # (help texts follow the language the process starts in: not testable in-process)
    setup(run)
    result = run("--ui-lang", "en", *CREATE[:-8], "--minutes", "0", *CREATE[-6:])
    assert "Time limit (minutes) must be a whole number from 1 to 240" in result.output


def test_an_export_into_a_missing_folder_is_one_sentence(run, tmp_path):
    """Every export names the file it cannot write and why, exit 1, never a traceback."""
    setup(run)
    assert run(*CREATE).exit_code == 0
    missing = tmp_path / "nonexist" / "dir"
    for args, name in ((("exam", "results", "1", "--format", "xlsx"), "x.xlsx"),
                       (("exam", "results", "1", "--format", "csv"), "x.csv"),
                       (("exam", "results", "1", "--format", "json"), "x.json"),
                       (("report", "--format", "xlsx"), "r.xlsx"), (("report", "--format", "csv"), "r.csv"),
                       (("report", "--format", "json"), "r.json")):
        out = run(*args, "-o", str(missing / name))
        assert out.exit_code == 1 and f"无法写入 {missing / name}：文件夹 {missing} 不存在" in out.output, out.output
    out = run("trainee", "export", str(missing / "roster.xlsx"))
    assert out.exit_code == 1 and f"无法写入 {missing / 'roster.xlsx'}：文件夹 {missing} 不存在" in out.output
    assert not missing.parent.exists()


def test_results_table_has_the_unanswered_column_and_follows_table(run, db_path):
    """Each item's counts add up to those who sat; --table picks one table for the terminal too."""
    setup(run)
    assert run(*CREATE).exit_code == 0
    store = open_store(db_path)
    try:  # C1 answers only the first item asked
        attempt = start(store, get_exam(store, "迎检考核"), find_person(store, "C1"), now=utcnow())
        first = questions(store, attempt)[0]
        if first.mode == "typed":
            answer(store, attempt, first, typed="Hello", now=utcnow())
        else:
            answer(store, attempt, first, picked=0, now=utcnow())
        submit(store, get_attempt(store, attempt.id), now=utcnow())
    finally:
        store.close()
    both = run("exam", "results", "1").output
    assert "工号" in both and "未答" in both
    items = run("exam", "results", "1", "--table", "items").output
    assert "未答" in items and "工号" not in items and "逐题难度" in items
    rows = [line.split() for line in items.splitlines() if line.strip()[:1].isdigit()]
    assert len(rows) == 4 and sorted(r[-1] for r in rows) == ["0", "1", "1", "1"]  # 未答, last column
    trainees = run("exam", "results", "1", "--table", "trainees").output
    assert "工号" in trainees and "逐题难度" not in trainees


def test_exports_say_what_they_wrote_and_points_are_numbers(run, db_path, tmp_path):
    """The items table is counted in items, not trainees; XLSX points are numbers (they sum and sort), with the
    paper's total in the header."""
    setup(run)
    assert run(*CREATE).exit_code == 0
    sit_all_right(db_path)
    items = run("exam", "results", "1", "--format", "csv", "--table", "items", "-o", str(tmp_path / "i.csv"))
    assert "已写入" in items.output and "（4 道题）" in items.output and "名学员" not in items.output
    trainees = run("exam", "results", "1", "--format", "csv", "-o", str(tmp_path / "t.csv"))
    assert "（2 名学员）" in trainees.output
    xlsx = tmp_path / "exam.xlsx"
    assert run("exam", "results", "1", "--format", "xlsx", "-o", str(xlsx)).exit_code == 0
    sheet = load_workbook(xlsx)["考核成绩"]
    headers = [c.value for c in sheet[1]]
    column = headers.index("得分（满分 4 题）")
    values = {row[0].value: row[column].value for row in sheet.iter_rows(min_row=2)}
    assert values["C1"] == 4 and isinstance(values["C1"], (int, float)) and values["C2"] is None


def test_the_english_results_table_keeps_its_headers_whole_at_80_columns(run, db_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    setup(run)
    assert run(*CREATE).exit_code == 0
    sit_all_right(db_path)
    from rich.cells import cell_len

    out = run("--ui-lang", "en", "exam", "results", "1").output
    assert max(cell_len(line) for line in out.splitlines()[1:]) <= 80  # the tables (after the headline)
    words = out.split()
    assert all(w in words for w in ("Unanswered", "Facility", "Almost", "Attempts", "Score")), out
