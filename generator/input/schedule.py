"""Read a plan table (clusters of provinces with date ranges) from CSV or XLSX.

Clerks keep schedules in Excel, laid out like the printed table: one row per
cluster with the columns TT, Cụm, Từ ngày, Đến ngày and Tỉnh, thành phố (provinces
separated by commas). Headers are matched without regard to case or tone marks.
The rows come back as plain dicts for the model to validate; each carries a
:class:`RowSource` so an error can name the file, row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator.errors import InputError
from generator.i18n import _

__all__ = ["RowSource", "read_clusters", "COLUMNS", "font_at", "take_notes"]

#: Model field -> the header names a clerk may use for it (compared folded).
COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("tt", "stt", "so tt", "so thu tu"),
    "name": ("cum", "ten cum"),
    "start": ("tu ngay", "bat dau", "ngay bat dau"),
    "end": ("den ngay", "ket thuc", "ngay ket thuc"),
    "provinces": ("tinh, thanh pho", "tinh thanh pho", "tinh/thanh pho", "tinh", "dia phuong"),
}
_REQUIRED = ("start", "end", "provinces")
#: How far down a sheet the header row may be (below a title row or two).
_HEADER_SEARCH = 10

#: What reading plan files noticed that is not an error (hidden rows left out), for
#: the command line to show; see :func:`take_notes`.
_notes: list[str] = []


def take_notes() -> list[str]:
    """The notes gathered since the last call, and forget them."""
    notes = _notes[:]
    _notes.clear()
    return notes


@dataclass(frozen=True)
class RowSource:
    """Where a cluster came from: file, 1-based row, and each field's column header.

    For an Excel file also the sheet, each field's column letter and the font of each
    field's cell (an old ``.VnTime`` or ``VNI-Times`` font says how its text is encoded).
    """

    file: Path
    row: int
    columns: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    letters: dict[str, str] = field(default_factory=dict)
    fonts: dict[str, str] = field(default_factory=dict)
    last: int | None = None  # a cluster spread over rows (merged cells): its last row

    def describe(self, field_name: object = None) -> str:
        key = str(field_name) if field_name is not None else None
        column = self.columns.get(key) if key is not None else None
        rows = (_("rows {first}–{last}", first=self.row, last=self.last) if self.last and self.last != self.row
                else _("row {row}", row=self.row))
        if self.sheet is None:
            text = f"{self.file}:{rows}"
            return text + " " + _("(column {column})", column=repr(column)) if column else text
        text = _("{file}:sheet {sheet}, {rows}", file=self.file, sheet=repr(self.sheet), rows=rows)
        if key is not None and key in self.letters:
            return text + " " + _("(column {letter}, {column})", letter=self.letters[key], column=repr(column))
        return text


def font_at(origins: dict[tuple[Any, ...], RowSource]):  # type: ignore[no-untyped-def]
    """For the loader: the font of the Excel cell a value at a YAML path came from."""

    def font(loc: tuple[Any, ...]) -> str | None:
        row = origins.get(loc[:5])
        return row.fonts.get(str(loc[5])) if row is not None and len(loc) > 5 else None

    return font


@dataclass(frozen=True)
class _Cell:
    """A cell whose value cannot be used as it stands: a formula Excel never computed,
    or one whose result is an error such as ``#REF!``."""

    formula: str | None = None
    error: str | None = None


@dataclass
class _Table:
    """The rows of a plan file: each with its number in the file, its cells and their fonts."""

    file: Path
    rows: list[tuple[int, list[Any], list[str | None]]]
    sheet: str | None = None
    hidden: list[int] = field(default_factory=list)
    #: (row, column index) of a cell in a merge over several rows -> the merge's first cell
    merged: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)


def _fold(text: str) -> str:
    from generator.vietnamese import fold

    return " ".join(fold(text).lower().split())


@dataclass(frozen=True)
class TableLimits:
    """How large a table file of one kind may be (a plan, or a list of recipients): each
    bound is checked before the part it bounds is read, so memory and time stay bounded."""

    #: "plan" or "list": which of the messages names the file.
    kind: str
    #: Bytes of a CSV file, and of an XLSX workbook on disk.
    csv_bytes: int
    workbook_bytes: int
    #: Bytes of an XLSX workbook's parts once unpacked, and of its XML parts.
    workbook_inflated: int
    workbook_xml: int
    #: The last row and column of a sheet that may hold a value.
    rows: int
    columns: int


def _plan_limits() -> TableLimits:
    from generator.input.model import (
        MAX_PLAN_BYTES,
        MAX_SHEET_COLUMNS,
        MAX_SHEET_ROWS,
        MAX_WORKBOOK_BYTES,
        MAX_WORKBOOK_INFLATED,
        MAX_WORKBOOK_XML,
    )

    return TableLimits("plan", MAX_PLAN_BYTES, MAX_WORKBOOK_BYTES, MAX_WORKBOOK_INFLATED, MAX_WORKBOOK_XML,
                       MAX_SHEET_ROWS, MAX_SHEET_COLUMNS)


def read_clusters(path: Path) -> tuple[list[dict[str, Any]], list[RowSource]]:
    """The clusters in the CSV or XLSX file at ``path``, and where each row came from."""
    if not path.is_file():
        raise InputError([f"{path}: " + _("no such plan file. Check the name given as plan.file.")])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = _csv_rows(path)
    elif suffix in (".xlsx", ".xlsm"):
        table = _xlsx_rows(path)
    else:
        raise InputError([f"{path}: " + _("a plan file must be .csv or .xlsx, not {suffix}.",
                                           suffix=suffix or _("no extension"))])
    return _clusters(table)


def _too_big(path: Path, size: int, limit: int, kind: str = "plan") -> InputError:
    if kind == "list":
        return InputError([f"{path}: " + _(
            "the file is {size} MB, more than the {limit} MB a list of recipients can be. Check that it "
            "is the right file.", size=f"{size / 1e6:.1f}", limit=f"{limit / 1e6:g}")])
    return InputError([f"{path}: " + _(
        "the plan file is {size} MB, more than the {limit} MB a plan table can be (at most 100 "
        "clusters). Check that it is the right file.",
        size=f"{size / 1e6:.1f}", limit=f"{limit / 1e6:g}")])


def _csv_rows(path: Path, limits: TableLimits | None = None) -> _Table:
    """The rows of a CSV file (a plan's, unless ``limits`` says otherwise)."""
    from generator.input.model import MAX_TEXT

    limits = limits or _plan_limits()
    size = path.stat().st_size
    if size > limits.csv_bytes:
        raise _too_big(path, size, limits.csv_bytes, limits.kind)
    raw = path.read_bytes()
    try:
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode Text" is UTF-16 with a BOM
            text = raw.decode("utf-16")
        else:
            text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise InputError([f"{path}: " + _(
                "starts as UTF-16 text but is damaged (byte {byte}). In Excel, save as 'CSV UTF-8'.",
                byte=exc.start)]) from None
        # Excel in a Vietnamese Windows locale saves "CSV" in Windows-1258, where tone
        # marks are combining characters: decode, then compose to NFC.
        try:
            text = unicodedata.normalize("NFC", raw.decode("cp1258"))
        except UnicodeDecodeError:
            raise InputError([f"{path}: " + _(
                "neither UTF-8 nor Windows-1258 (byte {byte}). In Excel, save as 'CSV UTF-8'.", byte=exc.start)]
            ) from None
    header = text.split("\n", 1)[0]
    unquoted = "".join(part for i, part in enumerate(header.split('"')) if i % 2 == 0)
    delimiter = max(",;\t", key=unquoted.count)  # Excel in a Vietnamese locale writes ';'
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, limits.csv_bytes + 1))  # the file's size bounds every cell
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise InputError([f"{path}:" + _("row {row}", row=reader.line_num) + ": " + _(
            "cannot be read as CSV ({error}). Open the file in Excel and save it as 'CSV UTF-8'.",
            error=exc)]) from None
    finally:
        csv.field_size_limit(limit)
    header = rows[0] if rows else []
    for number, row in enumerate(rows, start=1):
        for column, cell in enumerate(row):
            if len(cell) > MAX_TEXT:
                name = header[column] if column < len(header) and len(header[column]) < 40 else column + 1
                where = f"{path}:" + _("row {row}", row=number) + " " + _("(column {column})", column=repr(name))
                if limits.kind == "list":
                    raise InputError([where + ": " + _(
                        "this cell is {length} characters, more than the {limit} a cell of a list of recipients "
                        "holds. Check that the file is the list.", length=f"{len(cell):,}", limit=f"{MAX_TEXT:,}")])
                raise InputError([where + ": " + _(
                    "this cell is {length} characters, more than the {limit} a cell of a plan holds. "
                    "Check that the file is the plan table.", length=f"{len(cell):,}", limit=f"{MAX_TEXT:,}")])
    return _Table(path, [(n, row, [None] * len(row)) for n, row in enumerate(rows, start=1)])


def _xlsx_rows(path: Path, limits: TableLimits | None = None) -> _Table:
    """The first visible sheet's rows, as Excel shows them.

    A merged cell's value (a cluster's number or dates merged down over its rows)
    stands in every cell of the merge. Hidden rows (usually rows a clerk excluded, or
    filtered out) are left out, and a note says which. A formula gives the result
    Excel saved with the file; one with no saved result (a file written by a program,
    never opened in Excel) or whose result is an error is refused where it is used.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.utils import get_column_letter

    limits = limits or _plan_limits()
    _workbook_fits(path, limits)
    try:
        reader = ExcelReader(path, read_only=False, keep_vba=False, data_only=True, keep_links=False)
        reader.read()
        book = reader.wb
        parts = [rel.target for _sheet, rel in reader.parser.find_sheets()
                 if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError([f"{path}: " + _("cannot be read as an Excel workbook ({error}).", error=exc)]) from None
    visible = [i for i, ws in enumerate(book.worksheets) if ws.sheet_state == "visible"]
    if not visible:
        if limits.kind == "list":
            raise InputError([f"{path}: " + _("the workbook has no visible sheet. Unhide the list's sheet in Excel.")])
        raise InputError([f"{path}: " + _("the workbook has no visible sheet. Unhide the plan's sheet in Excel.")])
    sheet = book.worksheets[visible[0]]
    formulas = _unsaved_formulas(path, parts[visible[0]]) if visible[0] < len(parts) else {}
    # Only the cells that hold a value: a sheet formatted down to row 1,048,576 (or one stray
    # value there) must not make a grid of a billion cells.
    cells: dict[tuple[int, int], Any] = {}
    for (r, c), cell in sheet._cells.items():
        value = _xlsx_value(cell, formulas.get((r, c)))
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if r > limits.rows or c > limits.columns:
            where = _("{file}:sheet {sheet}, {rows}", file=path, sheet=repr(sheet.title), rows=_("row {row}", row=r))
            where += " " + _("(cell {cell})", cell=f"{get_column_letter(c)}{r}") + ": "
            bounds = {"rows": f"{limits.rows:,}", "columns": limits.columns, "last": get_column_letter(limits.columns)}
            if limits.kind == "list":
                raise InputError([where + _(
                    "a list of recipients holds values only in its first {rows} rows and {columns} columns "
                    "(A to {last}). Delete what is in this cell, or split the list into several files.", **bounds)])
            raise InputError([where + _(
                "a plan sheet holds values only in its first {rows} rows and {columns} columns (A to {last}). "
                "Delete what is in this cell, or move the plan to a sheet of its own.", **bounds)])
        cells[(r, c)] = (value, cell.font.name if cell.has_style and cell.font is not None else None)
    height = max((r for r, _c in cells), default=0)
    width = max((c for _r, c in cells), default=0)
    values: list[list[Any]] = [[None] * width for _ in range(height)]
    fonts: list[list[str | None]] = [[None] * width for _ in range(height)]
    for (r, c), (value, font) in cells.items():
        values[r - 1][c - 1], fonts[r - 1][c - 1] = value, font
    anchors: dict[tuple[int, int], tuple[int, int]] = {}
    budget = 4 * limits.rows * limits.columns  # cells a sheet's merges may fill
    for merged in sheet.merged_cells.ranges:
        top, left = merged.min_row - 1, merged.min_col - 1
        if top >= height or left >= width:
            continue
        for r in range(top, min(merged.max_row, height)):
            for c in range(left, min(merged.max_col, width)):
                budget -= 1
                values[r][c], fonts[r][c] = values[top][left], fonts[top][left]
                if merged.max_row > merged.min_row:
                    anchors[(r + 1, c)] = (top + 1, left)
        if budget < 0:
            if limits.kind == "list":
                raise InputError([f"{path}: " + _(
                    "the sheet {sheet} has more merged cells than a list of recipients can have. Check that "
                    "it is the right file.", sheet=repr(sheet.title))])
            raise InputError([f"{path}: " + _(
                "the sheet {sheet} has more merged cells than a plan table can have. Check that it is "
                "the right file.", sheet=repr(sheet.title))])
    rows, hidden = [], []
    for r in range(height):
        if sheet.row_dimensions[r + 1].hidden:
            hidden.append(r + 1)
        rows.append((r + 1, values[r], fonts[r]))
    return _Table(path, rows, sheet=sheet.title, hidden=hidden, merged=anchors)


def _workbook_fits(path: Path, limits: TableLimits) -> None:
    """Refuse a workbook larger than ``limits`` allow, on disk or once its parts are inflated
    (a zip bomb), from the zip's directory, before any of its XML is read."""
    import zipfile

    size = path.stat().st_size
    if size > limits.workbook_bytes:
        raise _too_big(path, size, limits.workbook_bytes, limits.kind)
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
            xml = sum(info.file_size for info in archive.infolist() if info.filename.endswith(".xml"))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError([f"{path}: " + _("cannot be read as an Excel workbook ({error}).", error=exc)]) from None
    if xml > limits.workbook_xml:
        inflated, limit = xml, limits.workbook_xml
    else:
        limit = limits.workbook_inflated
    if inflated > limit and limits.kind == "list":
        raise InputError([f"{path}: " + _(
            "the workbook's parts take {size} MB once unpacked, more than the {limit} MB a list of "
            "recipients can take. Check that it is the right file; copy the list to a new workbook.",
            size=f"{inflated / 1e6:,.0f}", limit=f"{limit / 1e6:g}")])
    if inflated > limit:
        raise InputError([f"{path}: " + _(
            "the workbook's parts take {size} MB once unpacked, more than the {limit} MB a plan "
            "table can take. Check that it is the right file; copy the plan to a new workbook.",
            size=f"{inflated / 1e6:,.0f}", limit=f"{limit / 1e6:g}")])


def _unsaved_formulas(path: Path, part: str) -> dict[tuple[int, int], str]:
    """(row, column) -> formula of each cell of the sheet's XML ``part`` that has a formula
    and no saved result, read as a stream (the workbook itself is loaded once, with values)."""
    import zipfile

    from lxml import etree
    from openpyxl.utils.cell import coordinate_to_tuple

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    found: dict[tuple[int, int], str] = {}
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part.lstrip("/")) as xml:
            for _event, c in etree.iterparse(xml, tag=f"{ns}c", resolve_entities=False, no_network=True):
                f = c.find(f"{ns}f")
                if f is not None and not (c.findtext(f"{ns}v") or "") and c.get("r"):
                    found[coordinate_to_tuple(c.get("r"))] = "=" + (f.text or "")
                c.clear()
    except (KeyError, OSError, ValueError, zipfile.BadZipFile, etree.LxmlError):
        return found
    return found


def _xlsx_value(cell: Any, formula: str | None) -> Any:
    value = cell.value
    if cell.data_type == "e" or (isinstance(value, str) and value in _EXCEL_ERRORS):
        return _Cell(error=str(value))
    if value is None and formula is not None:
        return _Cell(formula=formula)
    return value


_EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


def _clusters(table: _Table) -> tuple[list[dict[str, Any]], list[RowSource]]:
    path = table.file
    rows = [row for row in table.rows if any(_cell_text(c) for c in row[1])]
    if not rows:
        raise InputError([f"{path}: " + _("the plan file is empty.")])
    found, first = None, {}
    for at, (_row_number, cells, _fonts) in enumerate(rows[:_HEADER_SEARCH]):
        header = [_fold(_cell_text(c)) for c in cells]
        index: dict[str, int] = {}
        for name, aliases in COLUMNS.items():
            for i, h in enumerate(header):
                if h in aliases:
                    index.setdefault(name, i)
        if all(n in index for n in _REQUIRED):
            found = at, index
            break
        if at == 0:
            first = index
    if found is None:
        missing = [n for n in _REQUIRED if n not in first]
        wanted = ", ".join(repr(COLUMNS[n][0]) for n in missing)
        raise InputError([f"{path}:" + _("row {row}", row=rows[0][0]) + ": " + _(
            "missing column(s) {columns}. The header row must name TT, Cụm, Từ ngày, Đến ngày and "
            "Tỉnh, thành phố.", columns=wanted)])
    at, index = found
    names = {n: _cell_text(rows[at][1][i]) for n, i in index.items()}
    letters = {n: _letter(i) for n, i in index.items()} if table.sheet is not None else {}
    hidden = set(table.hidden)
    clusters: list[dict[str, Any]] = []
    sources: list[RowSource] = []
    names_typed: list[str | None] = []
    left_out: list[int] = []
    previous_anchor = None
    for number, row, row_fonts in rows[at + 1:]:
        if number in hidden:
            left_out.append(number)
            continue
        cell = {n: (row[i] if i < len(row) else None) for n, i in index.items()}
        fonts = {n: row_fonts[i] for n, i in index.items() if i < len(row_fonts) and row_fonts[i]}
        src = RowSource(path, number, names, table.sheet, letters, fonts)
        for name, value in cell.items():
            _computed(value, src, name)
        if not any(_cell_text(cell[n]) for n in cell):
            continue
        # One cluster over several rows, one province a row: its number or name merged down
        # over them (XLSX), or, as Excel saves such a sheet as CSV, left blank under the first.
        anchor = next((table.merged[(number, index[n])] for n in ("number", "name")
                       if n in index and (number, index[n]) in table.merged), None)
        blank_but_provinces = not any(_cell_text(cell[n]) for n in cell if n != "provinces")
        if clusters and ((anchor is not None and anchor == previous_anchor) or blank_but_provinces):
            if not blank_but_provinces:
                for name in ("start", "end"):
                    if _date(cell[name], src, name) != clusters[-1][name]:
                        raise InputError([f"{src.describe(name)}: " + _(
                            "this row belongs to the cluster of row {first} (its cell {column} is merged with "
                            "that row's) but has other dates. Give the cluster's rows the same dates, or "
                            "unmerge the cell.", first=sources[-1].row, column=_letter(anchor[1]) if anchor else "")])
            clusters[-1]["provinces"] += _provinces(_cell_text(cell["provinces"]))
            sources[-1] = replace(sources[-1], last=number)
            continue
        previous_anchor = anchor
        cluster: dict[str, Any] = {
            "provinces": _provinces(_cell_text(cell["provinces"])),
            "start": _date(cell["start"], src, "start"),
            "end": _date(cell["end"], src, "end"),
        }
        if "number" in cell and _cell_text(cell["number"]):
            cluster["number"] = _number(cell["number"], src)
        clusters.append(cluster)
        sources.append(src)
        names_typed.append(_cell_text(cell["name"]) if "name" in cell else None)
    for cluster, src, typed in zip(clusters, sources, names_typed, strict=True):
        if typed:
            cluster["name"] = _name(typed, len(cluster["provinces"]), src)
    if left_out:
        _notes.append(f"{path}: " + _(
            "row(s) {rows} of sheet {sheet} are hidden in Excel and were left out of the plan. "
            "Unhide them to include them.", rows=", ".join(map(str, left_out)), sheet=repr(table.sheet)))
    return clusters, sources


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _computed(value: Any, src: RowSource, name: str) -> None:
    """Refuse a formula cell Excel never computed, or whose result is an error."""
    if not isinstance(value, _Cell):
        return
    if value.error is not None:
        raise InputError([f"{src.describe(name)}: " + _(
            "the formula in this cell gives the error {error}. Correct the formula in Excel, or type "
            "the value.", error=value.error)])
    raise InputError([f"{src.describe(name)}: " + _(
        "the formula ={formula} has no saved result (the file was written by a program, not saved by "
        "Excel). Open the file in Excel and save it, or type the value instead of the formula.",
        formula=value.formula.lstrip("="))])


def _cell_text(value: Any) -> str:
    if value is None or isinstance(value, _Cell):
        return "" if value is None else "#"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _provinces(text: str) -> list[str]:
    return [p.strip().rstrip(".").strip() for p in text.split(",") if p.strip().rstrip(".").strip()]


_COUNT = re.compile(r"\s*\((\d+)\s+[^)]*\)\s*$")


def _name(text: str, count: int, src: RowSource) -> str:
    """The cluster name without a typed "(12 tỉnh)": counts are computed, so check it."""
    m = _COUNT.search(text)
    if m:
        if int(m.group(1)) != count:
            raise InputError([f"{src.describe('name')}: " + _(
                "the name says {typed} but the row lists {count} provinces. Remove the count: it is "
                "computed.", typed=m.group(1), count=count)])
        text = text[: m.start()]
    return text


def _number(value: Any, src: RowSource) -> int:
    text = _cell_text(value).rstrip(".")
    if not (text.isascii() and text.isdigit() and len(text) <= 6):
        shown = text if len(text) <= 20 else f"{text[:17]}…"
        raise InputError([f"{src.describe('number')}: " + _(
            "{value} is not a cluster number. Write the number with the digits 0–9, e.g. 1, 2, 3.",
            value=repr(shown))])
    return int(text)


#: Excel's serial numbers of 1/1/1950 and 31/12/2100: a number in a date column between
#: them is a date whose cell lost its date format.
_SERIALS = (18264, 73415)
_DMY = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_WORDS = re.compile(r"(?i)ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")


def _date(value: Any, src: RowSource, name: str) -> Any:
    """Excel dates (or their serial numbers), ISO "2022-09-12", Vietnamese "12/9/2022",
    "12-09-2022", "12.9.2022" and "ngày 12 tháng 9 năm 2022" all become dates."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and src.sheet is not None:
        if float(value).is_integer() and _SERIALS[0] <= value <= _SERIALS[1]:
            from openpyxl.utils.datetime import from_excel

            return from_excel(int(value)).date()
    text = unicodedata.normalize("NFC", _cell_text(value))
    text = re.sub(r"(?i)^(từ|đến)\s+(ngày\s+(?=\d))?", "", text)
    m = _DMY.fullmatch(text) or _WORDS.fullmatch(text)
    try:
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError([f"{src.describe(name)}: " + _(
            "{value} is not a date. Write it as day/month/year, e.g. 12/9/2022.", value=repr(text))]) from None
