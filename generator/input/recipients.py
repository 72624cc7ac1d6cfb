"""One copy per row of a list: the recipients of a mail merge, read from Excel or CSV.

A provincial office writes to its departments, a ministry to every commune (3,321 of
them since 1 July 2025): the clerk keeps the list in Excel, one row per recipient, and
expects what Word's mail merge does. Each row is a copy:

* the column headed ``Kính gửi`` (or the one ``--recipient-column`` names) is printed
  after "Kính gửi";
* a column headed ``Tên tệp`` or ``Mã`` (or the one ``copies.file_column`` names), if
  there is one, names the copy's file; otherwise the recipient's name does, without
  tone marks (``uy-ban-nhan-dan-xa-tan-phu.pdf``);
* every column may be used in the per-copy paragraph (``copies.paragraph``) as
  ``{Ngày tập huấn}``.

Column names are matched as Excel users write them: case, spaces and the way tone
marks are placed (``Hoà``/``Hòa``) do not matter, and a name typed without tone marks
finds the column when only one column reads so. Every error names the list file, the
row and the column. The file is read by :mod:`generator.input.schedule`'s readers, so hidden
rows, merged cells, formulas and the CSV encodings Excel writes are handled as there.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import InputError
from generator.i18n import _
from generator.vietnamese import fold, short_date, slug

__all__ = [
    "MAX_RECIPIENTS", "RecipientCopy", "RecipientList", "list_changes", "read_recipients", "recipient_list",
]

#: The most rows a list may have: every commune of Việt Nam (3,321 since 1 July 2025; 10,599
#: before) with room to spare.
MAX_RECIPIENTS = 20_000
#: The largest list file read: a CSV, or an Excel workbook on disk (an Excel file of 10,000
#: rows with a few columns is under 1 MB).
MAX_LIST_BYTES = 20_000_000
#: An Excel list's parts once unpacked, and their XML (which openpyxl holds as cells: 20 MB
#: of XML is about 270,000 cells, 3 s and 150 MB to read); values only in the first
#: MAX_RECIPIENTS rows (and the header's, with title rows above) and 50 columns.
MAX_LIST_INFLATED = 100_000_000
MAX_LIST_XML = 20_000_000
MAX_LIST_COLUMNS = 50
#: The column printed after "Kính gửi" when none is named.
RECIPIENT_HEADER = "Kính gửi"
#: Headers of a column naming each copy's file, compared folded (no case, no tone marks).
FILE_HEADERS = ("ten tep", "ten file", "tep", "file", "ma", "ma so", "ma don vi", "ma dinh danh")
#: How far down the sheet the header row may be (below a title row or two).
_HEADER_SEARCH = 10
#: A placeholder in the per-copy paragraph: any column name in braces.
FIELD = re.compile(r"\{([^{}\n]{1,100})\}")
#: Names a copy's file may not take: the shared annex, and names Windows reserves.
_TAKEN = {"phu-luc", "manifest", "report", "con", "prn", "aux", "nul",
          *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
#: At most this many problems are listed at once.
_MAX_PROBLEMS = 20


@dataclass(frozen=True, slots=True)
class RecipientCopy:
    """A row of the list and the copy made from it."""

    #: Its row in the list file (1-based, as Excel numbers it).
    row: int
    recipient: str
    stem: str
    #: The per-copy paragraph with the row's cells in place, or None.
    paragraph: str | None = None
    #: A recipient's copy has no row of its own in the plan table to shade.
    cluster_index: None = None

    @property
    def values(self) -> dict[str, str]:
        return {}


@dataclass
class RecipientList:
    """The copies of a list, and its cells by copy for the change report."""

    file: Path
    copies: list[RecipientCopy]
    columns: list[str]
    #: Copy's file stem -> {"row": n, "recipient": text, "cells": {column: text}} for the
    #: columns that shape the copy (the recipient's, the file name's, the paragraph's).
    snapshot: dict[str, dict[str, Any]] = field(default_factory=dict)


def key(name: str) -> str:
    """A column name as compared: NFC, one case, single spaces, tone marks placed one way."""
    from generator.input.provinces import place_tones

    text = unicodedata.normalize("NFC", name)
    return place_tones(" ".join(text.split()), "new").casefold()


def bare(name: str) -> str:
    """A column name without tone marks, for a name typed without them."""
    return fold(key(name))


def find_column(name: str, headers: list[str]) -> int | None:
    """The index of the header ``name`` stands for: the one that reads the same but for case,
    spaces and tone-mark placement; else the only one that reads the same without tone marks."""
    wanted = key(name)
    same = [i for i, h in enumerate(headers) if h and key(h) == wanted]
    if same:
        return same[0]
    loose = [i for i, h in enumerate(headers) if h and bare(h) == bare(name)]
    return loose[0] if len(loose) == 1 else None


def _suggest(name: str, headers: list[str]) -> str:
    named = [h for h in headers if h]
    close = difflib.get_close_matches(bare(name), [bare(h) for h in named], n=1, cutoff=0.5)
    if close:
        match = next(h for h in named if bare(h) == close[0])
        return " " + _("Did you mean {names}?", names=repr(match))
    return ""


def recipient_list(
    dispatch: Any, *, file: Path | None = None, recipient_column: str | None = None,
) -> RecipientList | None:
    """The list a batch takes its copies from: ``file`` (``--per-recipient``) or the
    dispatch's ``copies.file``; None when there is neither (a per-province batch)."""
    section = dispatch.copies
    path = file if file is not None else (Path(section.file) if section is not None and section.file else None)
    if path is None:
        return None
    return read_recipients(
        path,
        recipient_column=recipient_column or (section.recipient_column if section else None),
        file_column=section.file_column if section else None,
        paragraph=section.paragraph if section else None,
    )


def read_recipients(
    path: Path, *, recipient_column: str | None = None, file_column: str | None = None,
    paragraph: str | None = None,
) -> RecipientList:
    """The copies of the list at ``path`` (.xlsx or .csv), one per row, in the list's order."""
    from generator.input import schedule

    path = Path(path)
    if not path.is_file():
        raise InputError([f"{path}: " + _("no such list file. Check the name given to --per-recipient "
                                           "or as copies.file.")])
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise InputError([f"{path}: " + _("a list of recipients must be .xlsx or .csv, not {suffix}.",
                                           suffix=suffix or _("no extension"))])
    limits = schedule.TableLimits("list", MAX_LIST_BYTES, MAX_LIST_BYTES, MAX_LIST_INFLATED, MAX_LIST_XML,
                                  MAX_RECIPIENTS + _HEADER_SEARCH, MAX_LIST_COLUMNS)
    table = schedule._csv_rows(path, limits) if suffix == ".csv" else schedule._xlsx_rows(path, limits)
    return _copies(table, recipient_column or RECIPIENT_HEADER, file_column, paragraph)


def _copies(table: Any, recipient_column: str, file_column: str | None, paragraph: str | None) -> RecipientList:
    from generator.input import schedule

    path = table.file
    hidden = set(table.hidden)
    rows = [(n, cells) for n, cells, _fonts in table.rows]
    header_at, headers = _header(table, rows, recipient_column)
    width = len(headers)

    def where(row: int, column: int | None = None) -> str:
        if column is None:
            return schedule.RowSource(path, row, sheet=table.sheet).describe()
        source = schedule.RowSource(path, row, columns={"c": headers[column]}, sheet=table.sheet,
                                    letters={"c": schedule._letter(column)})
        return source.describe("c")

    recipient_at = find_column(recipient_column, headers)
    assert recipient_at is not None  # _header found the row by it
    file_at = None
    if file_column is not None:
        file_at = find_column(file_column, headers)
        if file_at is None:
            raise InputError([f"{where(header_at)}: " + _(
                "no column {column} for the file names (copies.file_column).", column=repr(file_column))
                + _suggest(file_column, headers)])
    else:
        file_at = next((i for i, h in enumerate(headers) if h and schedule._fold(h) in FILE_HEADERS), None)
    fields: dict[str, int] = {}
    for name in dict.fromkeys(FIELD.findall(paragraph or "")):
        at = find_column(name, headers)
        if at is None:
            known = ", ".join(repr(h) for h in headers if h)
            raise InputError([f"{where(header_at)}: copies.paragraph: " + _(
                "the placeholder {placeholder} names no column of the list.", placeholder="{" + name + "}")
                + _suggest(name, headers) + " " + _("The columns are: {columns}.", columns=known)])
        fields[name] = at

    body = [(n, cells) for n, cells in rows if n > header_at]
    left_out = [n for n, cells in body if n in hidden and any(schedule._cell_text(c) for c in cells)]
    body = [(n, cells) for n, cells in body if n not in hidden and any(schedule._cell_text(c) for c in cells)]
    if not body:
        raise InputError([f"{path}: " + _(
            "the list has no rows below its header row (row {row}). Add one row per copy, the recipient "
            "in column {column}.", row=header_at, column=repr(headers[recipient_at]))])
    if len(body) > MAX_RECIPIENTS:
        raise InputError([f"{path}: " + _(
            "the list has {count} rows, more than the {limit} a batch makes. Check that it is the right "
            "file, or split it.", count=f"{len(body):,}", limit=f"{MAX_RECIPIENTS:,}")])
    if left_out:
        schedule._notes.append(f"{path}: " + _(
            "row(s) {rows} of sheet {sheet} are hidden in Excel and were left out of the list. "
            "Unhide them to include them.", rows=", ".join(map(str, left_out)), sheet=repr(table.sheet)))

    used = {recipient_at, *fields.values(), *([file_at] if file_at is not None else [])}
    problems: list[str] = []
    copies: list[RecipientCopy] = []
    snapshot: dict[str, dict[str, Any]] = {}
    first_of: dict[str, tuple[int, str]] = {}
    for n, cells in body:
        cells = list(cells) + [None] * (width - len(cells))
        try:
            for c in sorted(used):
                schedule._computed(cells[c], schedule.RowSource(
                    path, n, columns={"c": headers[c]}, sheet=table.sheet, letters={"c": schedule._letter(c)}), "c")
        except InputError as exc:
            problems += exc.problems
            continue
        texts = [_text(cells[c]) for c in range(width)]
        bad = _unprintable(texts, sorted(used))
        if bad is not None:
            problems.append(f"{where(n, bad[0])}: {bad[1]}")
            continue
        recipient = texts[recipient_at]
        if not recipient:
            problems.append(f"{where(n, recipient_at)}: " + _(
                "the recipient is empty. Type who this copy is for, or delete the row."))
            continue
        named = texts[file_at] if file_at is not None and texts[file_at] else recipient
        stem = slug(named)[:60].rstrip("-")
        column = file_at if file_at is not None and texts[file_at] else recipient_at
        if not stem:
            problems.append(f"{where(n, column)}: " + _(
                "{text} gives no file name (it has no letter or digit). Add a column 'Tên tệp' with a "
                "name for each copy.", text=repr(named)))
            continue
        if stem in _TAKEN:
            stem = f"{stem}-{n}"
        if stem in first_of:
            row, text = first_of[stem]
            problems.append(f"{where(n, column)}: " + _(
                "this copy's file name {stem} is already that of row {row} ({text}). Give each row its "
                "own name in a column 'Tên tệp' (or 'Mã'), or remove the duplicate row.",
                stem=repr(stem), row=row, text=repr(text)))
            continue
        first_of[stem] = (n, recipient)
        filled = None
        if paragraph is not None:
            filled = FIELD.sub(lambda m, texts=texts: texts[fields[m.group(1)]], paragraph)
            filled = " ".join(filled.split())
        copies.append(RecipientCopy(row=n, recipient=recipient, stem=stem, paragraph=filled))
        # the cells that shape the copy (not a renumbered STT, say): what the change report names
        snapshot[stem] = {"row": n, "recipient": recipient, "cells": {headers[c]: texts[c] for c in sorted(used)}}
        if len(problems) >= _MAX_PROBLEMS:
            break
    if problems:
        raise InputError(problems[:_MAX_PROBLEMS], file=str(path))
    return RecipientList(path, copies, [h for h in headers if h], snapshot)


def _unprintable(texts: list[str], columns: list[int]) -> tuple[int, str] | None:
    """The first of ``columns`` whose text cannot be printed as typed, and why: too long, a
    control or invisible character, a character the fonts do not have (as for the YAML's text)."""
    from generator.input.model import _no_invisible, _printable, _within_limit
    from generator.render import fonts

    for c in columns:
        try:
            for check in (_within_limit, _printable, _no_invisible):
                check(texts[c])
        except ValueError as exc:
            return c, str(exc)
        missing = fonts.uncovered([texts[c]])
        if missing:
            return c, missing[0][1]
    return None


def _header(table: Any, rows: list[tuple[int, list[Any]]], recipient_column: str) -> tuple[int, list[str]]:
    """The header row (its number and its cells' texts): the first of the first rows that has
    the recipient's column."""
    from generator.input import schedule

    first: tuple[int, list[str]] | None = None
    for n, cells in rows[:_HEADER_SEARCH]:
        headers = [_text(c) for c in cells]
        if not any(headers):
            continue
        first = first or (n, headers)
        if find_column(recipient_column, headers) is not None:
            return n, headers
    if first is None:
        raise InputError([f"{table.file}: " + _("the list is empty. Put a header row (with a column "
                                                 "'Kính gửi') and one row per copy.")])
    n, headers = first
    source = schedule.RowSource(table.file, n, sheet=table.sheet).describe()
    return_error = _(
        "no column {column} in the header row ({columns}). Head the recipients' column {column}, or "
        "name it with --recipient-column.", column=repr(recipient_column),
        columns=", ".join(repr(h) for h in headers if h))
    raise InputError([f"{source}: " + return_error + _suggest(recipient_column, headers)])


def _text(value: Any) -> str:
    """A cell as the copy prints it: NFC, single spaces; a date as 12/9/2025, 3.0 as 3."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return short_date(value.year, value.month, value.day)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, (str, int, float)):
        return "#"  # a formula cell with no usable value: refused where it is used
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def list_changes(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> list[str]:
    """What changed in the list between two runs, a line per row, naming the columns."""
    if not old:
        return []
    lines = []
    for stem, now in new.items():
        was = old.get(stem)
        if was is None:
            lines.append(_("row {row} ({recipient}): added", row=now["row"], recipient=now["recipient"]))
            continue
        before, after = was.get("cells", {}), now["cells"]
        changed = [c for c in after if before.get(c, "") != after[c]]
        changed += [c for c in before if c not in after and before[c]]
        if changed:
            parts = "; ".join(f"{c}: {before.get(c, '') or '∅'} -> {after.get(c, '') or '∅'}" for c in changed)
            lines.append(_("row {row} ({recipient}): {changes}", row=now["row"], recipient=now["recipient"],
                           changes=parts))
    for stem, was in old.items():
        if stem not in new:
            lines.append(_("{recipient} (was row {row}): removed from the list", row=was.get("row", "?"),
                           recipient=was.get("recipient", stem)))
    return lines
