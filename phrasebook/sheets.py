"""Spreadsheet files in and out: CSV as Excel writes it (BOM, GBK on Chinese Windows, tabs) and XLSX.

Reading gives plain rows of cells with row numbers as a spreadsheet shows them; writing gives files that
open cleanly in Excel/WPS (CSV with a BOM; XLSX with a bold, frozen header and fitted column widths).
openpyxl is imported only when an XLSX file is actually read or written.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from phrasebook.errors import PhrasebookError, os_reason

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"  # XLSX is a zip
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls


@dataclass(frozen=True)
class Sheet:
    """One table to write: a title (the XLSX tab), headers, rows, and per-column number formats."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    formats: dict[int, str] = field(default_factory=dict)  # column index → Excel number format, e.g. "0%"


PCT = "0.0%"  # shares (0–1) in a sheet: a percentage with one decimal in XLSX, "45.0%" as text


def as_text(sheet: Sheet) -> list[list[str]]:
    """Rows as text for CSV and the terminal: shares as "45.0%", nothing as ""."""
    return [["" if value is None else f"{value:.1%}" if sheet.formats.get(i) == PCT else str(value)
             for i, value in enumerate(row)] for row in sheet.rows]


def cell_text(value: object) -> str:
    """A cell as text: 1001.0 (a number typed into a spreadsheet) → "1001", dates → ISO, None → ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if abs(value) >= 1e15:  # past float precision: Excel has already rounded it; let the caller say so
            return repr(value)
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def decode(data: bytes, name: str) -> str:
    """Text of a CSV: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (⊇ GBK, Excel's "CSV" on
    Chinese Windows)."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = [(data[3:], "utf-8")]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [(data, "utf-16")]
    else:
        candidates = [(data, "utf-8"), (data, "gb18030")]
    for raw, encoding in candidates:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PhrasebookError("roster.err.encoding", file=name)


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max(("\t", ",", ";"), key=first.count) if any(c in first for c in "\t,;") else ","


def read_rows(path: Path) -> list[list[str]]:
    """Every row of the first sheet as text cells; list index + 1 is the row number the spreadsheet shows."""
    if not path.is_file():
        raise PhrasebookError("roster.err.missing_file", file=path)
    try:
        return _read_rows(path)
    except OSError as err:  # no permission, a disk or network share failing mid-read
        raise PhrasebookError("roster.err.unreadable", file=path, reason=os_reason(err)) from None


def _read_rows(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        data = path.read_bytes()
        if data.startswith(ZIP_MAGIC):  # a workbook saved under a .csv name: read what it really is
            return _read_xlsx(path)
        if data.startswith(OLE_MAGIC):
            raise PhrasebookError("roster.err.old_excel", file=path.name)
        return _read_csv(decode(data, path.name), path.name)
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path)
    if suffix == ".xls":
        raise PhrasebookError("roster.err.old_excel", file=path.name)
    raise PhrasebookError("roster.err.file_type", file=path.name)


def _read_csv(text: str, name: str) -> list[list[str]]:
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)):
            rows.append([cell_text(c) for c in row])
    except csv.Error:  # a cell past csv's field limit: junk, or a quote never closed that swallowed the rest
        raise PhrasebookError("roster.err.cell_too_long", file=name, row=len(rows) + 1,
                              limit=csv.field_size_limit()) from None
    return rows


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        with open(path, "rb") as fh:  # a file, not a name: openpyxl refuses names not ending in .xlsx
            book = load_workbook(fh, data_only=True)  # cached formula results, not formulas
        try:
            if not book.worksheets:  # openpyxl skips sheets whose part is missing
                raise xlsx_damage(path, otherwise="roster.err.no_sheet")
            sheet = book.worksheets[0]
            return [[cell_text(c) for c in row] for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row,
                                                                            values_only=True)]
        finally:
            book.close()
    except PhrasebookError:
        raise
    except Exception:  # openpyxl raises whatever its parsers meet (ParseError, IndexError, zlib…)
        raise xlsx_damage(path) from None


def xlsx_damage(path: Path, otherwise: str = "roster.err.damaged") -> PhrasebookError:
    """Why a workbook openpyxl could not read is unreadable: not a workbook at all, or which part is damaged."""
    import zipfile
    from xml.etree import ElementTree

    data = path.read_bytes()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        key = "roster.err.damaged" if data.startswith(ZIP_MAGIC) else "roster.err.not_xlsx"
        return PhrasebookError(key, file=path.name)
    with archive:
        names = set(archive.namelist())
        if "[Content_Types].xml" not in names and "xl/workbook.xml" not in names:
            return PhrasebookError("roster.err.not_xlsx", file=path.name)
        for info in archive.infolist():
            try:
                part = archive.read(info)
                if info.filename.endswith((".xml", ".rels")):
                    ElementTree.fromstring(part)
            except Exception:  # bad CRC, bad deflate stream, bad XML: this part is damaged
                return PhrasebookError("roster.err.damaged_part", file=path.name, part=info.filename)
        for target in _workbook_targets(archive):
            if target not in names:
                return PhrasebookError("roster.err.missing_part", file=path.name, part=target)
    return PhrasebookError(otherwise, file=path.name)


def _workbook_targets(archive) -> list[str]:
    """The parts xl/workbook.xml points to (sheets, styles…), as zip member names."""
    from posixpath import join, normpath
    from xml.etree import ElementTree

    try:
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return []
    targets = [r.get("Target", "") for r in rels if r.get("TargetMode") != "External"]
    return [t.lstrip("/") if t.startswith("/") else normpath(join("xl", t)) for t in targets if t]


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: Chinese and full-width characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn a file that cannot be written (missing folder, no permission, disk full) into one sentence naming it."""
    try:
        yield
    except FileNotFoundError:
        raise PhrasebookError("export.err.no_folder", file=path, folder=Path(path).parent) from None
    except OSError as err:
        raise PhrasebookError("export.err.write", file=path, error=err.strerror or err) from None


def write_text(path: Path, text: str) -> None:
    with writing(path):
        Path(path).write_text(text, encoding="utf-8")


def write_csv(path: Path | io.StringIO, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """CSV with a UTF-8 BOM when written to a file, so Excel on Chinese Windows opens it without mojibake."""
    if isinstance(path, io.StringIO):
        _write_csv_rows(path, headers, rows)
        return
    with writing(path), open(path, "w", encoding="utf-8-sig", newline="") as fh:
        _write_csv_rows(fh, headers, rows)


def _write_csv_rows(fh, headers, rows) -> None:
    writer = csv.writer(fh)
    writer.writerow(headers)
    writer.writerows([["" if v is None else v for v in row] for row in rows])


def write_xlsx(path: Path, sheets: Sequence[Sheet]) -> None:
    """One tab per sheet: bold frozen header, auto-filter, widths fitted to the content (CJK counted double)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        ws = book.create_sheet(title=spec.title[:31])
        ws.append(list(spec.headers))
        for row in spec.rows:
            ws.append(list(row))
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(vertical="center")
        ws.freeze_panes = "A2"
        if spec.rows:
            ws.auto_filter.ref = ws.dimensions
        for index, header in enumerate(spec.headers):
            letter = get_column_letter(index + 1)
            widest = max([display_width(str(header))] + [display_width(cell_text(r[index])) for r in spec.rows
                                                        if index < len(r) and r[index] is not None])
            ws.column_dimensions[letter].width = min(max(widest + 2, 6), 60)
            if index in spec.formats:
                for (cell,) in ws.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                    cell.number_format = spec.formats[index]
    with writing(path):
        book.save(path)
