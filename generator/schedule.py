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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError

__all__ = ["RowSource", "read_clusters", "COLUMNS"]

#: Model field -> the header names a clerk may use for it (compared folded).
COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("tt", "stt", "so tt", "so thu tu"),
    "name": ("cum", "ten cum"),
    "start": ("tu ngay", "bat dau", "ngay bat dau"),
    "end": ("den ngay", "ket thuc", "ngay ket thuc"),
    "provinces": ("tinh, thanh pho", "tinh thanh pho", "tinh/thanh pho", "tinh", "dia phuong"),
}
_REQUIRED = ("start", "end", "provinces")


@dataclass(frozen=True)
class RowSource:
    """Where a cluster came from: file, 1-based row, and each field's column header."""

    file: Path
    row: int
    columns: dict[str, str] = field(default_factory=dict)

    def describe(self, field_name: object = None) -> str:
        text = f"{self.file}:row {self.row}"
        column = self.columns.get(str(field_name)) if field_name is not None else None
        return f"{text} (column {column!r})" if column else text


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def read_clusters(path: Path) -> tuple[list[dict[str, Any]], list[RowSource]]:
    """The clusters in the CSV or XLSX file at ``path``, and where each row came from."""
    if not path.is_file():
        raise InputError([f"{path}: no such plan file. Check the name given as plan.file."])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    else:
        raise InputError([f"{path}: a plan file must be .csv or .xlsx, not {suffix or 'no extension'}."])
    return _clusters(path, rows)


def _csv_rows(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Excel in a Vietnamese Windows locale saves "CSV" in Windows-1258, where tone
        # marks are combining characters: decode, then compose to NFC.
        try:
            text = unicodedata.normalize("NFC", raw.decode("cp1258"))
        except UnicodeDecodeError:
            raise InputError(
                [f"{path}: neither UTF-8 nor Windows-1258 (byte {exc.start}). In Excel, save as 'CSV UTF-8'."]
            ) from None
    header = text.split("\n", 1)[0]
    unquoted = "".join(part for i, part in enumerate(header.split('"')) if i % 2 == 0)
    delimiter = max(",;\t", key=unquoted.count)  # Excel in a Vietnamese locale writes ';'
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx_rows(path: Path) -> list[list[Any]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError([f"{path}: cannot be read as an Excel workbook ({exc})."]) from None
    try:
        sheet = book.worksheets[0]
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _clusters(path: Path, rows: list[list[Any]]) -> tuple[list[dict[str, Any]], list[RowSource]]:
    rows = [r for r in rows if any(_cell_text(c) for c in r)]
    if not rows:
        raise InputError([f"{path}: the plan file is empty."])
    header = [_fold(_cell_text(c)) for c in rows[0]]
    index: dict[str, int] = {}
    for name, aliases in COLUMNS.items():
        for i, h in enumerate(header):
            if h in aliases:
                index.setdefault(name, i)
    missing = [n for n in _REQUIRED if n not in index]
    if missing:
        wanted = ", ".join(repr(COLUMNS[n][0]) for n in missing)
        raise InputError(
            [f"{path}:row 1: missing column(s) {wanted}. The header row must name "
             "TT, Cụm, Từ ngày, Đến ngày and Tỉnh, thành phố."]
        )
    names = {n: _cell_text(rows[0][i]) for n, i in index.items()}
    clusters, sources = [], []
    for r, row in enumerate(rows[1:], start=2):
        src = RowSource(path, r, names)
        cell = {n: (row[i] if i < len(row) else None) for n, i in index.items()}
        cluster: dict[str, Any] = {
            "provinces": _provinces(_cell_text(cell["provinces"])),
            "start": _date(cell["start"], src, "start"),
            "end": _date(cell["end"], src, "end"),
        }
        if "number" in cell and _cell_text(cell["number"]):
            cluster["number"] = _number(cell["number"], src)
        if "name" in cell and _cell_text(cell["name"]):
            cluster["name"] = _name(_cell_text(cell["name"]), len(cluster["provinces"]), src)
        clusters.append(cluster)
        sources.append(src)
    return clusters, sources


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
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
            raise InputError(
                [f"{src.describe('name')}: the name says {m.group(1)} but the row lists {count} "
                 "provinces. Remove the count: it is computed."]
            )
        text = text[: m.start()]
    return text


def _number(value: Any, src: RowSource) -> int:
    text = _cell_text(value).rstrip(".")
    if not text.isdigit():
        raise InputError([f"{src.describe('number')}: {text!r} is not a whole number."])
    return int(text)


def _date(value: Any, src: RowSource, name: str) -> Any:
    """Excel dates, ISO "2022-09-12" and Vietnamese "12/9/2022" all become dates."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _cell_text(value)
    text = re.sub(r"(?i)^(từ|đến)\s+ngày\s+", "", text)
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    try:
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            [f"{src.describe(name)}: {text!r} is not a date. Write it as day/month/year, e.g. 12/9/2022."]
        ) from None
