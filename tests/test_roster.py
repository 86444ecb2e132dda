"""Roster import/export with files as spreadsheets really produce them (real CSV bytes, real XLSX via openpyxl)."""

from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook

from phrasebook.cohorts import create_cohort, members
from phrasebook.errors import PhrasebookError
from phrasebook.people import create_person, find_person, list_people
from phrasebook.roster import RosterError, export_roster, import_roster, parse_roster

GOOD = (
    "序号, 工 号 ,姓名,　部门　,窗口号\r\n"
    "1,1001,王　芳, 出入境窗口 ,3号\r\n"
    "\r\n"
    "2,１００２, 陈明 ,市场监管,\r\n"
    "3,1003.0,Li Na,出入境窗口,5号\r\n"
    "4,1001,王芳,出入境窗口,3号\r\n"  # exact duplicate of row 2 once cleaned
    ",,,,\r\n"
)


@pytest.fixture
def cohort(mini_store, clock):
    trainer = create_person(mini_store, name="李老师", staff_no="T1", role="trainer", now=clock())
    return create_cohort(mini_store, name="第12期", starts_on="2026-11-23", ends_on="2026-12-31", trainer=trainer,
                         now=clock())


def write(tmp_path, name: str, text: str, encoding: str = "utf-8-sig"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_good_csv_with_bom_spaces_fullwidth_blank_lines_and_duplicates(mini_store, clock, cohort, tmp_path):
    path = write(tmp_path, "名单.csv", GOOD)
    result = import_roster(mini_store, path, cohort=cohort, now=clock())
    assert result.created == ["1001", "1002", "1003"] and result.enrolled == ["1001", "1002", "1003"]
    warnings = [w.message() for w in result.warnings]
    assert warnings == ["名单.csv 第 1 行 「序号」列: 不认识的列，已忽略",
                        "名单.csv 第 6 行: 与第 2 行完全相同，已合并为一人"]
    wang = find_person(mini_store, "1001")
    assert (wang.name, wang.department, wang.counter, wang.role) == ("王芳", "出入境窗口", "3号", "trainee")
    assert find_person(mini_store, "1002").counter == ""
    assert [m.person.staff_no for m in members(mini_store, cohort)] == ["1002", "1003", "1001"]  # 陈 Li 王: pinyin


def test_gbk_csv_from_chinese_excel(mini_store, clock, tmp_path):
    path = write(tmp_path, "gbk.csv", "工号,姓名,部门\r\n2001,张伟,税务窗口\r\n", encoding="gbk")
    result = import_roster(mini_store, path, now=clock())
    assert result.created == ["2001"] and find_person(mini_store, "2001").name == "张伟"


def test_utf16_tab_separated_unicode_text(mini_store, clock, tmp_path):
    path = write(tmp_path, "unicode.txt", "工号\t姓名\r\n3001\t赵磊\r\n", encoding="utf-16")
    assert import_roster(mini_store, path, now=clock()).created == ["3001"]


def test_xlsx_with_floats_english_headers_and_blank_rows(mini_store, clock, cohort, tmp_path):
    book = Workbook()
    ws = book.active
    ws.append([" Staff No. ", "NAME", "Dept", "Window"])
    ws.append([1001.0, "王芳", "出入境窗口", 3])
    ws.append([None, None, None, None])
    ws.append([1002, "陈明 ", None, "8号"])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    rows, warnings = parse_roster(path)
    assert [(r.row, r.staff_no, r.name, r.department, r.counter) for r in rows] == [
        (2, "1001", "王芳", "出入境窗口", "3"), (4, "1002", "陈明", "", "8号")]
    assert warnings == []
    assert import_roster(mini_store, path, cohort=cohort, now=clock()).enrolled == ["1001", "1002"]


def test_every_problem_is_reported_with_row_and_column_and_nothing_is_written(mini_store, clock, cohort, tmp_path):
    before = len(list_people(mini_store))
    book = Workbook()
    ws = book.active
    ws.append(["工号", "姓名", "部门"])
    ws.append(["1001", "王芳", "出入境"])           # row 2: fine
    ws.append(["1002", "", "出入境"])               # row 3: no name
    ws.append([None, None, None])                  # row 4: blank, skipped
    ws.append(["10 02#", "陈明", "出入境"])         # row 5: bad staff number
    ws.append(["1001", "王芳", "市场监管"])         # row 6: conflicts with row 2
    ws.append([1.23456789012345e17, "赵磊", None])  # row 7: Excel rounded a long number
    ws.append(["1009", "名" * 41, "部" * 41])      # row 8: two problems in one row
    path = tmp_path / "bad.xlsx"
    book.save(path)
    with pytest.raises(RosterError) as err:
        import_roster(mini_store, path, cohort=cohort, now=clock())
    lines = err.value.message().splitlines()
    assert lines[0] == "名单 bad.xlsx 有 6 处问题，未导入任何数据："
    assert lines[1:] == [
        "bad.xlsx 第 3 行 「姓名」列: 姓名不能为空",
        "bad.xlsx 第 5 行 「工号」列: 工号“10 02#”格式不对：只能用字母、数字、- 和 _，最多 32 位",
        "bad.xlsx 第 6 行 「部门」列: 工号 1001 在第 2 行已出现，但内容不同（“出入境” 与 “市场监管”）",
        "bad.xlsx 第 7 行 「工号」列: 工号“1.23456789012345e+17”被 Excel 变成了科学计数法，"
        "请把这一列设为“文本”格式后重新输入",
        "bad.xlsx 第 8 行 「姓名」列: 姓名太长（最多 40 个字）",
        "bad.xlsx 第 8 行 「部门」列: 部门名称太长（最多 40 个字）",
    ]
    assert len(list_people(mini_store)) == before
    assert mini_store.value("SELECT count(*) FROM enrolments") == 0


def test_header_problems(tmp_path):
    path = write(tmp_path, "h.csv", "\n\n姓名,部门,部门\n王芳,a,b\n")
    with pytest.raises(RosterError) as err:
        parse_roster(path)
    assert [p.message() for p in err.value.problems] == [
        "h.csv 第 3 行 「部门」列: 与「部门」列重复", "h.csv 第 3 行: 表头缺少必需的列：工号"]
    with pytest.raises(RosterError) as err:
        parse_roster(write(tmp_path, "e.csv", "\n , \n"))
    assert err.value.problems[0].key == "roster.err.empty"
    with pytest.raises(RosterError) as err:
        parse_roster(write(tmp_path, "n.csv", "工号,姓名\n"))
    assert err.value.problems[0].key == "roster.err.no_rows"


@pytest.mark.parametrize(("name", "data", "key"), [
    ("old.xls", b"\xd0\xcf\x11\xe0", "roster.err.old_excel"),
    ("notes.docx", b"x", "roster.err.file_type"),
    ("broken.xlsx", b"not a zip", "roster.err.not_xlsx"),
])
def test_unreadable_files_are_one_clear_error(tmp_path, name, data, key):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(PhrasebookError) as err:
        parse_roster(path)
    assert err.value.key == key and name in err.value.message()


def test_reimport_updates_and_does_not_double_enrol(mini_store, clock, cohort, tmp_path):
    import_roster(mini_store, write(tmp_path, "a.csv", GOOD), cohort=cohort, now=clock())
    changed = GOOD.replace("2,１００２, 陈明 ,市场监管,", "2,1002,陈明,市场监管,9号")
    result = import_roster(mini_store, write(tmp_path, "b.csv", changed), cohort=cohort, now=clock())
    assert result.created == [] and result.updated == ["1002"] and result.unchanged == ["1001", "1003"]
    assert result.enrolled == [] and result.already_enrolled == ["1001", "1002", "1003"]
    assert find_person(mini_store, "1002").counter == "9号"


@pytest.mark.parametrize("into_cohort", [True, False])
def test_staff_in_roster_are_refused_with_or_without_a_cohort(mini_store, clock, cohort, tmp_path, into_cohort):
    path = write(tmp_path, "t.csv", "工号,姓名\n1001,王芳\nT1,李老\n")  # would rename the trainer
    with pytest.raises(RosterError) as err:
        import_roster(mini_store, path, cohort=cohort if into_cohort else None, now=clock())
    assert err.value.problems[0].message() == "t.csv 第 3 行 「工号」列: 工号 T1 是培训师 李老师，不能作为学员导入"
    assert find_person(mini_store, "T1").name == "李老师"
    assert mini_store.value("SELECT count(*) FROM people WHERE staff_no = '1001'") == 0


def test_export_round_trips_as_csv_with_bom_and_as_xlsx(mini_store, clock, cohort, tmp_path):
    import_roster(mini_store, write(tmp_path, "a.csv", GOOD.replace("1001,", "007,")), cohort=cohort,
                  now=clock())
    out_csv = tmp_path / "out.csv"
    assert export_roster(mini_store, out_csv, cohort=cohort) == 3
    data = out_csv.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8-sig").splitlines()[0] == "工号,姓名,部门,窗口"
    rows, warnings = parse_roster(out_csv)
    assert {r.staff_no for r in rows} == {"007", "1002", "1003"} and warnings == []

    out_xlsx = tmp_path / "out.xlsx"
    export_roster(mini_store, out_xlsx, cohort=cohort)
    ws = load_workbook(out_xlsx).active
    assert ws.title == "第12期" and [c.value for c in ws[1]] == ["工号", "姓名", "部门", "窗口"]
    assert ws["A1"].font.bold and ws.freeze_panes == "A2"
    assert "007" in [c.value for c in ws["A"]] and ws["A2"].number_format == "@"
    assert ws.column_dimensions["C"].width >= 12  # "出入境窗口" is 10 columns wide
    assert {r.staff_no for r in parse_roster(out_xlsx)[0]} == {"007", "1002", "1003"}
    with pytest.raises(PhrasebookError) as err:
        export_roster(mini_store, tmp_path / "out.pdf")
    assert err.value.key == "roster.err.export_type"
