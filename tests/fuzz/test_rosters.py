"""Rosters as spreadsheets really come: random headers (missing, duplicated, decorated), random cells (numbers,
blanks, junk, over-long text, duplicate staff numbers), CSV in UTF-8/BOM/GBK/UTF-16 with any delimiter, XLSX with
typed cells, empty files; and as they arrive damaged: a real openpyxl workbook with one part (or the zip itself) cut
off, garbled, dropped or replaced, CSV with a cell past the csv module's field limit, a stray quote, a NUL or a
lone carriage return. Every import either succeeds whole or fails with problems located by row and column and
the database exactly as before."""

from __future__ import annotations

import io
import re
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from phrasebook.cohorts import create_cohort
from phrasebook.errors import PhrasebookError
from phrasebook.people import create_person
from phrasebook.roster import ALIASES, RosterError, import_roster
from phrasebook.store import open_store

from . import fuzz

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)
CELL_LEVEL = {"roster.err.duplicate_column", "roster.err.scientific", "roster.err.conflict", "roster.err.not_trainee",
              "person.invalid.staff_no_empty", "person.err.staff_no_format", "person.err.name_empty",
              "person.err.name_long", "person.invalid.department_long", "person.invalid.counter_long"}
FILE_LEVEL = {"roster.err.empty", "roster.err.no_rows", "roster.err.missing_columns", "roster.err.encoding",
              "roster.err.not_xlsx", "roster.err.damaged", "roster.err.damaged_part", "roster.err.missing_part",
              "roster.err.no_sheet", "roster.err.cell_too_long"}
PARTS = ("[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml", "xl/workbook.xml",
         "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/theme/theme1.xml", "xl/worksheets/sheet1.xml")

header_cell = st.one_of(
    st.sampled_from([alias for names in ALIASES.values() for alias in names]),
    st.sampled_from(["工 号", " 姓名* ", "Staff_No.", "ＮＡＭＥ", "部门（科室）", "备注", "", "序号"]),
    st.text(max_size=8),
)
cell = st.one_of(
    st.from_regex(r"\A[A-Z]{1,2}[0-9]{2,4}\Z"), st.sampled_from(["A001", "T1", "王芳", "李 强", "", "  "]),
    st.text(max_size=12), st.text(min_size=41, max_size=60), st.integers(-10, 10**16),
    st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.none(),
)


@st.composite
def tables(draw) -> list[list[object]]:
    width = draw(st.integers(1, 6))
    header = draw(st.lists(header_cell, min_size=width, max_size=width))
    if draw(st.booleans()):  # most rosters do have the two required columns somewhere
        header[:2] = draw(st.permutations(["工号", "姓名"]))[:2] if width >= 2 else ["工号"]
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=width + 1), max_size=8))
    if rows and draw(st.booleans()):
        rows.append(list(draw(st.sampled_from(rows))))  # the same person pasted twice (maybe edited below)
        if draw(st.booleans()) and len(rows[-1]) > 1:
            rows[-1][1] = draw(cell)
    blank_lines = [[""] * width for _ in range(draw(st.integers(0, 2)))]
    return [*blank_lines, header, *rows]


@st.composite
def plausible_tables(draw) -> list[list[object]]:
    """A roster as a trainer would send it, with 0–2 slips: a blank or junk cell, a number Excel stored as 1001.0,
    a name too long, the same staff number with other details, a known trainer's staff number."""
    columns = draw(st.permutations(["staff_no", "name", "department", "counter"]))
    columns = columns[: draw(st.integers(2, 4))]
    if "staff_no" not in columns or "name" not in columns:
        columns = ["staff_no", "name", *[c for c in columns if c not in ("staff_no", "name")]]
    header = [draw(st.sampled_from(ALIASES[c])) for c in columns]
    people = draw(st.lists(st.tuples(st.from_regex(r"\A[A-Z][0-9]{3}\Z"), st.sampled_from(["王芳", "李强", "Anna Li"]),
                                     st.sampled_from(["税务窗口", "", "出入境"]), st.sampled_from(["3号", ""])),
                           min_size=1, max_size=6, unique_by=lambda p: p[0]))
    field = {"staff_no": 0, "name": 1, "department": 2, "counter": 3}
    rows: list[list[object]] = [[p[field[c]] for c in columns] for p in people]
    for _ in range(draw(st.integers(0, 2))):
        row = draw(st.sampled_from(rows))
        at = draw(st.integers(0, len(columns) - 1))
        row[at] = draw(st.one_of(cell, st.just("A001"), st.just("T1"), st.just(1001.0), st.just("1.2E+17")))
    if draw(st.booleans()):
        rows.append(list(draw(st.sampled_from(rows))))
    return [header, *rows]


@dataclass(frozen=True)
class Damaged:
    """A real workbook of `table`, then `part` (None: the zip file itself) cut at `at` (a share of its length),
    garbled there with `junk`, dropped, or replaced by `junk`."""

    table: list[list[object]]
    part: str | None
    how: str
    at: float
    junk: bytes

    def apply(self, data: bytes) -> bytes | None:
        cut = int(len(data) * self.at)
        return {"cut": data[:cut], "garble": data[:cut] + self.junk + data[cut + len(self.junk):],
                "drop": None, "junk": self.junk}[self.how]


damaged_workbooks = st.builds(Damaged, st.one_of(plausible_tables(), tables()), st.sampled_from([*PARTS, None]),
                              st.sampled_from(["cut", "cut", "garble", "garble", "drop", "junk"]),
                              st.floats(0, 1), st.binary(min_size=1, max_size=12))
odd_cell = st.one_of(st.builds(lambda ch, n: ch * n, st.sampled_from(["x", "长", '"']), st.integers(131_000, 140_000)),
                     st.sampled_from(['"王芳', 'A"1', "\x00", "a\rb", '""""', "\u2028", "\ufeff工号"]))


@st.composite
def odd_csv(draw) -> bytes:
    """A CSV as a careless export writes it: one cell dropped in as it is, without quoting."""
    table = draw(plausible_tables())
    lines = [",".join(_quote(_text(c), ",") for c in row) for row in table]
    at = draw(st.integers(0, len(lines)))
    lines.insert(at, ",".join([draw(st.sampled_from(["A900", "", "王芳"])), draw(odd_cell)]))
    return "\r\n".join(lines).encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"])), errors="replace")


def _text(value: object) -> str:
    return "" if value is None else str(value)


@st.composite
def roster_files(draw) -> tuple[str, bytes | list[list[object]]]:
    """(file name, contents): CSV bytes in some encoding, or the cells of an XLSX sheet, or an empty file."""
    kind = draw(st.sampled_from(["csv", "csv", "xlsx", "empty", "damaged", "damaged", "odd_csv"]))
    if kind == "empty":
        return draw(st.sampled_from(["r.csv", "r.xlsx", "r.txt"])), b""
    if kind == "damaged":
        return draw(st.sampled_from(["r.xlsx", "r.xlsx", "r.csv"])), draw(damaged_workbooks)
    if kind == "odd_csv":
        return draw(st.sampled_from(["r.csv", "r.txt"])), draw(odd_csv())
    table = draw(st.one_of(tables(), plausible_tables()))
    if kind == "xlsx":
        return "r.xlsx", table
    delimiter = draw(st.sampled_from([",", "\t", ";"]))
    text = "\r\n".join(delimiter.join(_quote(_text(c), delimiter) for c in row) for row in table)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16", "utf-16-le", "latin-1"]))
    return draw(st.sampled_from(["r.csv", "r.txt", "r.tsv"])), text.encode(encoding, errors="replace")


def _quote(text: str, delimiter: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in (delimiter, '"', "\n", "\r")) else text


def _write(folder: Path, name: str, contents) -> Path:
    path = folder / name
    if isinstance(contents, bytes):
        path.write_bytes(contents)
        return path
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    table = contents.table if isinstance(contents, Damaged) else contents
    for row in table:  # control characters cannot be stored in XLSX at all: no roster can contain them
        book.active.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])
    book.save(path)
    if isinstance(contents, Damaged):
        path.write_bytes(_damage(path.read_bytes(), contents))
    return path


def _damage(data: bytes, damage: Damaged) -> bytes:
    """The workbook with its clock readings fixed (so an example repeats byte for byte), then damaged."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        parts = [(info.filename, zin.read(info)) for info in zin.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, part in parts:
            part = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-11-23T01:00:00Z", part)
            changed = damage.apply(part) if name == damage.part else part
            if changed is not None:
                zout.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 23, 1, 0, 0)), changed,
                              compress_type=zipfile.ZIP_DEFLATED)
    whole = out.getvalue()
    return (damage.apply(whole) or b"") if damage.part is None else whole


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A database with a trainer, a trainee (A001) and a cohort: rosters update, enrol and collide with them."""
    path = tmp_path_factory.mktemp("roster") / "template.db"
    store = open_store(path)
    trainer = create_person(store, name="周老师", staff_no="T1", role="trainer", now=NOW)
    create_person(store, name="王芳", staff_no="A001", now=NOW)
    create_cohort(store, name="第1期", starts_on="2026-11-01", ends_on="2026-12-31", trainer=trainer, now=NOW)
    store.close()
    return path


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@fuzz(100)
@given(roster_files(), st.booleans())
def test_roster_imports_whole_or_not_at_all(template, spec, into_cohort):
    name, contents = spec
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "p.db"
        shutil.copy(template, db)
        path = _write(folder, name, contents)
        before = dump(db)
        store = open_store(db)
        from phrasebook.cohorts import get_cohort

        cohort = get_cohort(store, "第1期") if into_cohort else None
        try:
            result = import_roster(store, path, cohort=cohort, now=NOW)
        except RosterError as err:
            store.close()
            event(f"refused: {sorted({p.key for p in err.problems})[0]}")
            assert dump(db) == before
            for problem in err.problems:
                assert problem.file == path.name and problem.key in CELL_LEVEL | FILE_LEVEL, problem
                if problem.key in CELL_LEVEL:
                    assert problem.row and problem.column is not None, problem
            assert path.name in err.message()
            return
        except PhrasebookError as err:  # the file itself (encoding, not a spreadsheet, damaged): before any row
            store.close()
            event(f"refused: {err.key}")
            assert dump(db) == before and err.key in FILE_LEVEL | {"roster.err.file_type"}, err.key
            assert path.name in err.message()
            return
        event("imported")
        staff = {r["staff_no"] for r in store.rows("SELECT staff_no FROM people")}
        assert set(result.created + result.updated + result.unchanged) <= staff
        assert result.rows == len(result.created) + len(result.updated) + len(result.unchanged)
        store.close()
