"""Roster files that are not what they claim: a real openpyxl workbook with one part cut off, garbled or missing,
files that are not XLSX at all, CSV with a cell past the csv module's field limit. Each is one catalogue sentence
naming the file (and the damaged part or the row), in the CLI, and nothing is imported."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from phrasebook.errors import PhrasebookError
from phrasebook.roster import import_roster, parse_roster

SHEET = "xl/worksheets/sheet1.xml"


def real_xlsx(path: Path, rows=(("工号", "姓名", "部门"), ("C100", "王芳", "综合窗口"), ("C101", "李强", ""))) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return path


def rewrite(path: Path, member: str, change) -> Path:
    """Replace one member of the zip by change(its bytes); None drops it."""
    with zipfile.ZipFile(path) as zin:
        parts = [(info, zin.read(info)) for info in zin.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in parts:
            new = change(data) if info.filename == member else data
            if new is not None:
                zout.writestr(info.filename, new)
    path.write_bytes(out.getvalue())
    return path


def half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def damaged(tmp_path: Path, member: str, change, name: str = "名单.xlsx") -> Path:
    return rewrite(real_xlsx(tmp_path / name), member, change)


def no_sheets(data: bytes) -> bytes:
    text = data.decode()
    start, end = text.index("<sheets>"), text.index("</sheets>") + len("</sheets>")
    return (text[:start] + "<sheets/>" + text[end:]).encode()


def test_a_damaged_part_openpyxl_does_without_is_no_reason_to_refuse(tmp_path):
    """openpyxl finds the workbook without the package's _rels/.rels: the rows are all there, so they import."""
    path = damaged(tmp_path, "_rels/.rels", half)
    rows, _warnings = parse_roster(path)
    assert [r.staff_no for r in rows] == ["C100", "C101"]


@pytest.mark.parametrize(("member", "change", "key"), [
    (SHEET, half, "roster.err.damaged_part"),
    ("xl/styles.xml", half, "roster.err.damaged_part"),
    ("xl/_rels/workbook.xml.rels", half, "roster.err.damaged_part"),
    ("docProps/core.xml", half, "roster.err.damaged_part"),
    ("xl/workbook.xml", half, "roster.err.damaged_part"),
    ("[Content_Types].xml", half, "roster.err.damaged_part"),
    (SHEET, lambda d: None, "roster.err.missing_part"),
    ("xl/workbook.xml", no_sheets, "roster.err.no_sheet"),
    (SHEET, lambda d: d.replace(b"<sheetData>", b"<sheetData>\xff\xfe"), "roster.err.damaged_part"),
])
def test_damaged_part_of_a_real_workbook_is_named(tmp_path, member, change, key):
    path = damaged(tmp_path, member, change)
    with pytest.raises(PhrasebookError) as err:
        parse_roster(path)
    assert err.value.key == key
    message = err.value.message()
    assert "名单.xlsx" in message
    if key != "roster.err.no_sheet":
        assert member in message


@pytest.mark.parametrize(("data", "key"), [
    (b"\xef\xbb\xbf\xe5\xb7\xa5\xe5\x8f\xb7,\xe5\xa7\x93\xe5\x90\x8d\r\n", "roster.err.not_xlsx"),  # CSV text
    (b"", "roster.err.not_xlsx"),
    ("zip", "roster.err.not_xlsx"),  # a zip that holds no workbook
    ("cut", "roster.err.damaged"),  # a real workbook cut off in the middle (a download that broke)
])
def test_not_a_workbook(tmp_path, data, key):
    path = tmp_path / "名单.xlsx"
    if data == "zip":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("readme.txt", "hello")
    elif data == "cut":
        real_xlsx(path)
        path.write_bytes(half(path.read_bytes()))
    else:
        path.write_bytes(data)
    with pytest.raises(PhrasebookError) as err:
        parse_roster(path)
    assert err.value.key == key and "名单.xlsx" in err.value.message()
    assert "zip" not in err.value.message()  # no library's English


def test_csv_cell_past_the_field_limit_names_its_row(tmp_path):
    path = tmp_path / "长.csv"
    path.write_text("工号,姓名\r\nC100,王芳\r\nC101," + "长" * 200_000 + "\r\nC102,李强\r\n", encoding="utf-8-sig")
    with pytest.raises(PhrasebookError) as err:
        parse_roster(path)
    assert err.value.key == "roster.err.cell_too_long"
    assert err.value.message().startswith("长.csv 第 3 行")


def test_unbalanced_quote_swallowing_the_file_names_the_row_it_starts(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('工号,姓名\r\nC100,"王芳\r\n' + "C101,李强\r\n" * 20_000, encoding="gbk")
    with pytest.raises(PhrasebookError) as err:
        parse_roster(path)
    assert err.value.key == "roster.err.cell_too_long" and "q.csv 第 2 行" in err.value.message()


def test_workbook_saved_with_a_csv_name_is_read_as_the_workbook(mini_store, clock, tmp_path):
    real_xlsx(tmp_path / "x.xlsx")
    path = tmp_path / "名单.csv"
    path.write_bytes((tmp_path / "x.xlsx").read_bytes())
    result = import_roster(mini_store, path, now=clock())
    assert sorted(result.created) == ["C100", "C101"]


def test_gbk_and_bom_csv_as_excel_saves_them(mini_store, clock, tmp_path):
    """Excel on Chinese Windows: "CSV" is GBK, "CSV UTF-8" has a BOM; both import."""
    text = "工号,姓名,部门\r\nC100,王芳,综合窗口\r\nC101,欧阳䶮,\r\n"
    for encoding, name in (("gbk", "gbk.csv"), ("gb18030", "gb.csv"), ("utf-8-sig", "bom.csv")):
        path = tmp_path / name
        path.write_bytes(text.replace("䶮", "娜" if encoding == "gbk" else "䶮").encode(encoding))
        import_roster(mini_store, path, now=clock())
    assert mini_store.value("SELECT name FROM people WHERE staff_no = 'C101'") == "欧阳䶮"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cli_import_of_a_damaged_workbook_is_one_sentence(tmp_path, lang):
    from tests.test_cli_i18n import real

    path = damaged(tmp_path, SHEET, half)
    db = tmp_path / "a.db"
    result = real("--ui-lang", lang, "--db", str(db), "trainee", "import", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "名单.xlsx" in lines[0] and SHEET in lines[0]
    assert lines[0].startswith("错误：" if lang == "zh" else "Error:")
    assert ("已损坏" in lines[0]) == (lang == "zh") and ("damaged" in lines[0]) == (lang == "en")
    long_csv = tmp_path / "long.csv"
    long_csv.write_text("工号,姓名\r\n" + "x" * 140_000 + ",y\r\n", encoding="utf-8")
    result = real("--ui-lang", lang, "--db", str(db), "trainee", "import", str(long_csv))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "long.csv" in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name", ["名单.csv", "名单.xlsx"])
def test_a_file_that_fails_while_read_is_one_sentence(tmp_path, name):
    """An I/O error mid-read (a share dropping, a bad disk; here /proc/self/mem, which a read at 0 refuses with
    EIO) named with the file and why, in the UI language — it was an OSError traceback."""
    path = tmp_path / name
    path.symlink_to("/proc/self/mem")
    with pytest.raises(PhrasebookError) as err:
        parse_roster(path)
    assert err.value.key == "roster.err.unreadable"
    assert err.value.message() == f"无法读取 {path}：磁盘读写出错"
