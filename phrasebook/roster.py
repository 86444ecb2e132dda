"""Rosters (名单): trainees imported from, and exported to, a spreadsheet.

A roster comes as people really send it: Chinese or English headers with stray spaces or full-width letters,
a BOM or GBK encoding, numbers Excel stored as 1001.0, blank lines, the same person pasted twice. Every row
is checked before anything is written; each problem names its row (as the spreadsheet numbers it) and its
column; if there is any problem nothing is imported. Otherwise one transaction creates or updates the people
and, if a cohort is given, enrols them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from phrasebook.clock import iso
from phrasebook.cohorts import Cohort, members
from phrasebook.errors import PhrasebookError
from phrasebook.i18n import t
from phrasebook.people import StudySettings, clean_text, field_problems, list_people
from phrasebook.pinyin import name_key
from phrasebook.sheets import Sheet, read_rows, write_csv, write_xlsx
from phrasebook.store import Store
from phrasebook.store import cohorts as cohorts_q
from phrasebook.store import people as q

COLUMNS = ("staff_no", "name", "department", "counter")
REQUIRED = ("staff_no", "name")
ALIASES = {
    "staff_no": ("工号", "员工号", "职工号", "员工编号", "人员编号", "staffno", "staffnumber", "staffid", "employeeno",
                 "employeeid"),
    "name": ("姓名", "名字", "name", "fullname"),
    "department": ("部门", "科室", "单位", "所属部门", "department", "dept"),
    "counter": ("窗口", "窗口号", "服务窗口", "counter", "window", "counterno"),
}
SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")


def header_key(text: str) -> str:
    """A header cell reduced to what it means: "  工 号* " and "Staff_No." both become comparable keys."""
    return re.sub(r"[\s_\-:：*.()（）]", "", clean_text(text).lower())


LOOKUP = {header_key(alias): column for column, names in ALIASES.items() for alias in names}


@dataclass(frozen=True)
class RosterRow:
    row: int  # as the spreadsheet shows it
    staff_no: str
    name: str
    department: str
    counter: str


@dataclass(frozen=True)
class RosterProblem:
    """One problem (or warning) located by file, row and column header as written in the file."""

    file: str
    key: str
    params: dict = field(default_factory=dict)
    row: int | None = None
    column: str | None = None

    def message(self) -> str:
        where = self.file
        if self.row:
            where += " " + t("roster.where_row", row=self.row)
        if self.column:
            where += " " + t("roster.where_column", column=self.column)
        return f"{where}: {t(self.key, **self.params)}"


class RosterError(PhrasebookError):
    """Every problem found in a roster; nothing was imported."""

    def __init__(self, file: str, problems: list[RosterProblem]) -> None:
        super().__init__("roster.invalid", file=file, count=len(problems))
        self.problems = problems

    def message(self) -> str:
        return "\n".join([super().message(), *(p.message() for p in self.problems)])


@dataclass
class RosterResult:
    rows: int = 0
    created: list[str] = field(default_factory=list)  # staff numbers
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    enrolled: list[str] = field(default_factory=list)
    already_enrolled: list[str] = field(default_factory=list)
    warnings: list[RosterProblem] = field(default_factory=list)


def _staff_no(raw: str) -> str:
    text = clean_text(raw)
    return re.sub(r"^(\d+)\.0+$", r"\1", text)  # 1001.0 from a number column saved as text


def parse_roster(path: Path) -> tuple[list[RosterRow], list[RosterProblem]]:
    """The roster's rows and its warnings; raises RosterError listing every problem."""
    name = path.name
    rows = read_rows(path)
    start = next((i for i, r in enumerate(rows) if any(clean_text(c) for c in r)), None)
    if start is None:
        raise RosterError(name, [RosterProblem(name, "roster.err.empty")])
    columns: dict[str, int] = {}
    titles: dict[str, str] = {}
    problems: list[RosterProblem] = []
    warnings: list[RosterProblem] = []
    for index, cell in enumerate(rows[start]):
        title = clean_text(cell)
        column = LOOKUP.get(header_key(title))
        if column is None:
            if title:
                warnings.append(RosterProblem(name, "roster.warn.ignored_column", row=start + 1, column=title))
        elif column in columns:
            problems.append(RosterProblem(name, "roster.err.duplicate_column", {"other": titles[column]},
                                          row=start + 1, column=title))
        else:
            columns[column], titles[column] = index, title
    missing = [t(f"roster.col.{c}") for c in REQUIRED if c not in columns]
    if missing:
        problems.append(RosterProblem(name, "roster.err.missing_columns", {"columns": "、".join(missing)},
                                      row=start + 1))
    if problems:
        raise RosterError(name, problems)

    found: list[RosterRow] = []
    seen: dict[str, RosterRow] = {}
    for number, cells in enumerate(rows[start + 1:], start=start + 2):
        if not any(clean_text(c) for c in cells):
            continue  # blank line
        value = {c: (cells[i] if i < len(cells) else "") for c, i in columns.items()}
        row = RosterRow(number, _staff_no(value["staff_no"]), clean_text(value["name"]),
                        clean_text(value.get("department", "")), clean_text(value.get("counter", "")))
        if SCIENTIFIC.match(row.staff_no):
            problems.append(RosterProblem(name, "roster.err.scientific", {"value": row.staff_no}, number,
                                          titles["staff_no"]))
            continue
        bad = field_problems(staff_no=row.staff_no, name=row.name, department=row.department, counter=row.counter)
        for column, key, params in bad:
            problems.append(RosterProblem(name, key, params, number, titles.get(column, column)))
        if bad:
            continue
        first = seen.get(row.staff_no)
        if first is None:
            seen[row.staff_no] = row
            found.append(row)
            continue
        differs = [c for c in COLUMNS if getattr(first, c) != getattr(row, c)]
        if differs:
            problems.append(RosterProblem(name, "roster.err.conflict", {
                "other": first.row, "staff_no": row.staff_no, "first": getattr(first, differs[0]),
                "second": getattr(row, differs[0])}, number, titles[differs[0]]))
        else:
            warnings.append(RosterProblem(name, "roster.warn.duplicate", {"other": first.row}, number))
    if problems:
        raise RosterError(name, problems)
    if not found:
        raise RosterError(name, [RosterProblem(name, "roster.err.no_rows")])
    return found, warnings


def import_roster(store: Store, path: Path, *, cohort: Cohort | None = None, now: datetime,
                  settings: StudySettings | None = None) -> RosterResult:
    """Check the whole roster, then create/update the people and enrol them in `cohort`, in one transaction."""
    path = Path(path)
    rows, warnings = parse_roster(path)
    existing = q.people_by_staff_no(store, [r.staff_no for r in rows])
    problems = []
    for r in rows:
        old = existing.get(r.staff_no)
        if old is not None and old["role"] != "trainee":  # a roster lists trainees: never rename staff
            problems.append(RosterProblem(path.name, "roster.err.not_trainee", {
                "staff_no": r.staff_no, "name": old["name"], "role": t(f"role.{old['role']}")}, r.row,
                t("roster.col.staff_no")))
    if problems:
        raise RosterError(path.name, problems)
    result = RosterResult(rows=len(rows), warnings=warnings)
    settings = (settings or StudySettings()).to_dict()
    keys = {r.name: name_key(r.name) for r in rows}  # before the transaction: pypinyin loads in this time
    with store.write() as conn:
        for r in rows:
            old = existing.get(r.staff_no)
            if old is None:
                person_id = q.insert_person(conn, staff_no=r.staff_no, name=r.name, name_key=keys[r.name],
                                            department=r.department, counter=r.counter, role="trainee",
                                            settings=settings, created_at=iso(now))
                result.created.append(r.staff_no)
            else:
                person_id = old["id"]
                now_fields = (r.name, r.department, r.counter, 1)
                if (old["name"], old["department"], old["counter"], old["active"]) == now_fields:
                    result.unchanged.append(r.staff_no)
                else:
                    q.update_person(conn, person_id, name=r.name, name_key=keys[r.name], department=r.department,
                                    counter=r.counter)
                    result.updated.append(r.staff_no)
            if cohort is not None:
                enrolled = cohorts_q.enrol(conn, cohort.id, person_id, iso(now))
                (result.enrolled if enrolled else result.already_enrolled).append(r.staff_no)
    return result


def roster_sheet(store: Store, cohort: Cohort | None = None) -> Sheet:
    """The roster as a table whose headers the importer reads back: a cohort's current members, or every
    active trainee."""
    people = [m.person for m in members(store, cohort)] if cohort else list_people(store, role="trainee")
    return Sheet(title=cohort.name if cohort else t("roster.sheet_all"),
                 headers=[t(f"roster.col.{c}") for c in COLUMNS],
                 rows=[[p.staff_no, p.name, p.department, p.counter] for p in people],
                 formats={0: "@"})  # staff numbers stay text: Excel must not turn 007 into 7


def export_roster(store: Store, path: Path, *, cohort: Cohort | None = None) -> int:
    """Write the roster as CSV (with BOM) or XLSX, by the file's suffix; returns the number of people."""
    path = Path(path)
    sheet = roster_sheet(store, cohort)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        write_xlsx(path, [sheet])
    elif suffix == ".csv":
        write_csv(path, sheet.headers, sheet.rows)
    else:
        raise PhrasebookError("roster.err.export_type", file=path.name)
    return len(sheet.rows)
