"""Boxes 3, 4 and 5b: Số and ký hiệu, place and date, trích yếu (V/v)."""

from __future__ import annotations

import re

from generator.check.rules.base import (
    MIXED_CASE_CODES,
    Ctx,
    Out,
    _judged,
    _missing,
    _quote,
    _range,
    _sizes,
    _style,
    nfc,
    where,
)
from generator.i18n import _


def _date_parts(text: str) -> re.Match[str] | None:
    return re.search(r"ngày\s*(?P<d>[^\s]*?)\s*tháng\s*(?P<m>[^\s]*?)\s*năm\s*(?P<y>\d{4})?", text)


def _date_problems(d: str, m: str) -> tuple[list[str], list[str]]:
    """Problems (fail) and notes (warn) of a date's day and month."""
    problems, notes = [], []
    blank = lambda s: s == "" or set(s) <= set(".…")  # noqa: E731
    if blank(d) or blank(m):
        notes.append(_("day or month left blank (a draft)"))
    if not blank(d):
        if not d.isdigit() or not 1 <= int(d) <= 31:
            problems.append(_("day {d} is not a day", d=d))
        elif len(d) != 2:
            problems.append(_("day {d} should be written {dd}", d=d, dd=f"{int(d):02d}"))
    if not blank(m):
        if not m.isdigit() or not 1 <= int(m) <= 12:
            problems.append(_("month {m} is not a month", m=m))
        else:
            want = f"{int(m):02d}" if int(m) <= 2 else str(int(m))
            if m != want:
                problems.append(
                    _("“tháng {m}” should be “tháng {want}” (only months 1 and 2 take a leading zero)", m=m, want=want)
                )
    return problems, notes


def number_rule(c: Ctx) -> Out:
    asks = _(
        "“Số: 05/ABC-XY”, {sizes}, upright, left column: numbers under 10 with a leading 0, "
        "“/” and “-” without spaces, ký hiệu in upper case",
        sizes=_range(c.p.number),
    )
    ln = c.number
    if ln is None:
        return _missing(c, _("“Số:”"), asks)
    text = nfc(ln.text.strip())
    problems, notes = [], []
    m = re.match(r"^(?P<label>[^\s:]+)(?P<colon>\s*:)?\s*(?P<rest>.*)$", text)
    assert m
    if m.group("label") != "Số":
        problems.append(_("“{label}” instead of “Số”", label=m.group("label")))
    if not m.group("colon"):
        problems.append(_("no colon after “Số”"))
    elif m.group("colon") != ":":
        problems.append(_("a space before the colon"))
    rest = m.group("rest")
    parts = re.match(r"^(?P<n>\d*)(?P<s1>\s*)/(?P<s2>\s*)(?P<code>.*)$", rest)
    if not parts:
        problems.append(_("no “/” between number and ký hiệu"))
    else:
        n, code = parts.group("n"), parts.group("code")
        if parts.group("s1") and n or parts.group("s2") or re.search(r"\s", code):
            problems.append(_("spaces inside the number or ký hiệu"))
        if not n:
            notes.append(_("number left blank (a draft)"))
        elif int(n) < 10 and len(n) != 2 or int(n) >= 10 and n.startswith("0"):
            problems.append(_("number {n} should be written {want}", n=n, want=f"{int(n):02d}"))
        for group in re.split(r"[-/]", code):
            if group and group.upper() != group and group not in MIXED_CASE_CODES:
                problems.append(_("ký hiệu {g} not in upper case", g=group))
    if not c.size_ok(ln, c.p.number):
        problems.append(_("size {s}", s=_sizes(ln)))
    if ln.bold or ln.italic:
        problems.append(_style(ln))
    if c.doc.column(ln) == "right":
        problems.append(_("in the right column"))
    found = f"{_quote(text)}, {_sizes(ln)}"
    return [_judged(where(c.doc, ln), found, asks, problems, notes)]


def date_rule(c: Ctx) -> Out:
    asks = _(
        "“Place, ngày 05 tháng 3 năm 2025”, {sizes}, italic, right column, on the line of “Số:”; "
        "days 1–9 and only months 1–2 with a leading 0",
        sizes=_range(c.p.place_date),
    )
    ln = c.date
    if ln is None:
        return _missing(c, _("place and date"), asks)
    text = nfc(ln.text.strip())
    problems, notes = [], []
    if not re.match(r"^[^,]+, ngày", text):
        problems.append(_("no “Place, ” before “ngày”"))
    parts = _date_parts(text)
    if parts:
        p2, n2 = _date_problems(parts.group("d"), parts.group("m"))
        problems += p2
        notes += n2
        if not parts.group("y"):
            problems.append(_("no year"))
    if not ln.italic:
        problems.append(_("not italic"))
    if ln.bold:
        problems.append(_("bold"))
    if not c.size_ok(ln, c.p.place_date):
        problems.append(_("size {s}", s=_sizes(ln)))
    if c.doc.column(ln) == "left":
        problems.append(_("in the left column"))
    num = c.number
    if num is not None:
        same = (
            (abs(ln.y - num.y) <= 2 and ln.page == num.page)
            if ln.y is not None and num.y is not None
            else ln.row == num.row
        )
        if not same and ln.y is None and ln.cell is not None and num.cell is not None:
            same = ln.cell[:2] == num.cell[:2] and ln.row[2] == num.row[2]  # type: ignore[index]
        if not same:
            problems.append(_("not on the line of “Số:”"))
    found = f"{_quote(text)}, {_sizes(ln)}, {_style(ln)}"
    return [_judged(where(c.doc, ln), found, asks, problems, notes)]


def subject_rule(c: Ctx) -> Out:
    asks = _("“V/v …” with no colon, {sizes}, not bold, left column under “Số:”", sizes=_range(c.p.subject))
    ln = c.subject
    if ln is None:
        return _missing(c, _("“V/v”"), asks)
    text = nfc(ln.text.strip())
    problems = []
    if re.match(r"^v\s*/\s*v\s*:", text, re.I):
        problems.append(_("a colon after “V/v”"))
    elif not text.startswith("V/v "):
        problems.append(_("written {t} instead of “V/v”", t=_quote(text[:5])))
    if not c.size_ok(ln, c.p.subject):
        problems.append(_("size {s}", s=_sizes(ln)))
    if ln.bold:
        problems.append(_("bold"))
    if c.doc.column(ln) == "right":
        problems.append(_("in the right column"))
    if c.number is not None and ln.order < c.number.order:
        problems.append(_("above “Số:”"))
    found = f"{_quote(text)}, {_sizes(ln)}, {_style(ln)}"
    return [_judged(where(c.doc, ln), found, asks, problems)]
