"""Read a PDF into lines with pdfplumber: text, page, position, font, size, colour.

A PDF keeps where each glyph is and which font draws it, but not the page's margins
or paragraphs: margins are estimated from where the text sits (left edge of the
text, right edge of justified lines, first line of each page), and the sections are
marked ``exact=False`` so a rule can say so.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator

from generator.check.doc import CheckReadError, Document, HRule, Line, Numbering, Section
from generator.i18n import _

__all__ = ["read_pdf"]

MM = 72 / 25.4  # points per millimetre
_SUBSET = re.compile(r"^[A-Z]{6}\+")
_DIGITS = re.compile(r"^\d{1,4}$")
#: A line that opens an annex page.
ANNEX_START = re.compile(r"^(\(Kèm theo|Phụ lục\b|PHỤ LỤC\b)")


def _font(name: str) -> str:
    return _SUBSET.sub("", name or "")


def _is_bold(font: str) -> bool:
    return bool(re.search(r"bold|black|heavy|semibold|demi", font, re.I))


def _is_italic(font: str) -> bool:
    return bool(re.search(r"italic|oblique|kursiv", font, re.I))


def _colour(value: object) -> str:
    """A pdfplumber colour as hex: gray, RGB or CMYK; "auto" when not set."""
    if value is None:
        return "auto"
    if isinstance(value, (int, float)):
        value = (value,)
    try:
        comps = [float(v) for v in value]  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return "pattern"
    if len(comps) == 1:
        r = g = b = comps[0]
    elif len(comps) == 3:
        r, g, b = comps
    elif len(comps) == 4:
        c, m, y, k = comps
        r, g, b = (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)
    else:
        return "pattern"
    return "".join(f"{round(max(0.0, min(1.0, v)) * 255):02x}" for v in (r, g, b))


def read_pdf(data: bytes, name: str) -> Document:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = _one_at_a_time(pdf.pages)
        empty = not pdf.pages
    except Exception as exc:  # pdfminer raises many kinds for a broken file
        raise CheckReadError(_("{file}: cannot be read as a PDF ({reason})", file=name, reason=exc)) from None
    if empty:
        raise CheckReadError(_("{file}: the PDF has no pages", file=name))
    doc = Document(name=name, kind="pdf")
    try:
        doc.producer = str((pdf.metadata or {}).get("Producer", ""))
        _read_pages(doc, pages)
    except CheckReadError:
        raise
    except Exception as exc:
        raise CheckReadError(_("{file}: cannot be read as a PDF ({reason})", file=name, reason=exc)) from None
    finally:
        pdf.close()
    return doc


def _one_at_a_time(pages: list) -> Iterator:  # type: ignore[type-arg]
    """The pages in turn, each one's objects released once the next is asked for: a long
    PDF takes the memory of one page, not of all."""
    for page in pages:
        yield page
        page.close()


def _read_pages(doc: Document, pages: Iterable) -> None:  # type: ignore[type-arg]
    part = 0
    order = 0
    page_parts: list[int] = []
    geometry: list[tuple[float, float, bool]] = []
    for number, page in enumerate(pages, start=1):
        width, height = float(page.width) / MM, float(page.height) / MM
        lines = _page_lines(page, number)
        rules = _page_rules(page, number)
        doc.boxes += _page_boxes(page, number)
        _mark_areas(lines, rules, number, width, height)
        body = [ln for ln in lines if ln.area == "body"]
        # A page opening with "Phụ lục" or "(Kèm theo" starts an annex (on page 1: a file
        # holding annexes only, as a batch's shared annex file).
        if any(ANNEX_START.match(ln.text) for ln in body[:4]):
            part += 1
        for ln in lines:
            ln.part = part
            ln.order = order
            order += 1
        for r in rules:
            r.part = part
        doc.lines += lines
        doc.rules += rules
        page_parts.append(part)
        try:
            has_table = bool(page.find_tables())
        except Exception:
            has_table = None
        geometry.append((width, height, bool(has_table) if has_table is not None else False))
    _sections(doc, page_parts, geometry)
    _numbering(doc, page_parts)


def _page_lines(page, number: int) -> list[Line]:  # type: ignore[no-untyped-def]
    chars = [c for c in page.chars if c.get("text")]
    chars.sort(key=lambda c: (c["bottom"], c["x0"]))
    rows: list[list[dict]] = []
    for c in chars:
        if rows and abs(c["bottom"] - rows[-1][0]["bottom"]) <= 1.2:
            rows[-1].append(c)
        else:
            rows.append([c])
    for row in rows:
        row.sort(key=lambda c: c["x0"])
    split = _header_columns(rows)
    out: list[Line] = []
    for index, row in enumerate(rows):
        segment: list[dict] = []
        for c in row:
            if segment:
                gap = c["x0"] - segment[-1]["x1"]
                # The header's two columns are split where the columns meet, however
                # close their words come (a long parent agency on the Quốc hiệu's
                # baseline), but never inside a word (a line typed across both columns);
                # elsewhere a gap wider than two characters splits.
                across = (split is not None and split[0] <= index < split[1]
                          and segment[-1]["x1"] <= split[2] < c["x1"] and _between_words(segment[-1], c))
                if across or gap > 2 * max(c["size"], segment[-1]["size"]):
                    out += _line(segment, number, index)
                    segment = []
            segment.append(c)
        if segment:
            out += _line(segment, number, index)
    out.sort(key=lambda ln: (ln.y or 0, ln.x0 or 0))
    return out


def _between_words(before: dict, after: dict) -> bool:
    """Whether two characters side by side on a row are in different words: a space
    between them, or a gap wider than a tenth of the type size."""
    return (not before["text"].strip() or not after["text"].strip()
            or after["x0"] - before["x1"] > 0.1 * max(before["size"], after["size"]))


#: The Quốc hiệu and "Kính gửi" as :func:`_letters` gives them.
_NATIONAL_LETTERS = "conghoaxahoichunghiavietnam"
_KINH_GUI_LETTERS = "kinhgui"
#: How far below the Quốc hiệu the header may reach when no "Kính gửi" closes it, mm.
_HEADER_DEPTH_MM = 60


def _letters(row: list[dict]) -> tuple[str, list[int]]:
    """The row's letters without spaces, tone marks or case ("đ" as "d"), and for each
    letter the index of its character in ``row``."""
    import unicodedata

    text, owner = "", []
    for k, c in enumerate(row):
        decomposed = unicodedata.normalize("NFD", c["text"].lower())
        folded = "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch)).replace("đ", "d")
        text += folded
        owner += [k] * len(folded)
    return text, owner


def _header_columns(rows: list[list[dict]]) -> tuple[int, int, float] | None:
    """Where the header's two columns meet: (its first row, the first row past it, x in pt).

    Decree 30's header sets the agency (left) and the Quốc hiệu (right) side by side.
    The right column starts where the Quốc hiệu starts: the Tiêu ngữ and the place and
    date under it are centred under it and narrower, and nothing in the left column
    reaches it. The header ends at "Kính gửi" (or 60 mm below the Quốc hiệu): the body
    below runs across the page.
    """
    for i, row in enumerate(rows):
        text, owner = _letters(row)
        at = text.find(_NATIONAL_LETTERS)
        if at < 0:
            continue
        x = row[owner[at]]["x0"]
        top = row[0]["top"]
        end = next(
            (j for j in range(i + 1, len(rows))
             if _letters(rows[j])[0].startswith(_KINH_GUI_LETTERS) or rows[j][0]["top"] - top > _HEADER_DEPTH_MM * MM),
            len(rows),
        )
        return i, end, x - 0.5
    return None


def _line(chars: list[dict], page: int, row: int) -> list[Line]:
    visible = [c for c in chars if c["text"].strip()]
    if not visible:
        return []
    text = " ".join("".join(c["text"] for c in chars).replace("\u00a0", " ").split())
    fonts = frozenset(_font(c.get("fontname", "")) for c in visible)
    sizes = frozenset(round(float(c["size"]), 1) for c in visible)
    return [
        Line(
            text=text,
            part=0,
            order=0,
            row=(page, row),
            page=page,
            x0=min(c["x0"] for c in visible) / MM,
            x1=max(c["x1"] for c in visible) / MM,
            y=min(c["top"] for c in visible) / MM,
            fonts=fonts,
            size=max(sizes),
            sizes=sizes,
            bold=all(_is_bold(_font(c.get("fontname", ""))) for c in visible),
            italic=all(_is_italic(_font(c.get("fontname", ""))) for c in visible),
            colors=frozenset(_colour(c.get("non_stroking_color")) for c in visible),
        )
    ]


def _page_boxes(page, number: int) -> list[tuple[int, float, float, float, float]]:  # type: ignore[no-untyped-def]
    return [(number, o["x0"] / MM, o["x1"] / MM, o["top"] / MM, o["bottom"] / MM)
            for o in list(page.lines) + list(page.rects) + list(page.curves)]


def _page_rules(page, number: int) -> list[HRule]:  # type: ignore[no-untyped-def]
    out = []
    for obj in list(page.lines) + list(page.rects) + list(page.curves):
        if abs(obj["bottom"] - obj["top"]) < 2 and obj["x1"] - obj["x0"] > 3 * MM:
            out.append(HRule(0, number, obj["x0"] / MM, obj["x1"] / MM, obj["top"] / MM))
    return out


def _mark_areas(lines: list[Line], rules: list[HRule], page: int, width: float, height: float) -> None:
    """Page numbers and marks in the top margin, page numbers and the address footer at the foot."""
    if not lines:
        return
    for i, ln in enumerate(lines):
        bottom = (ln.y or 0) + (ln.size or 12) / MM
        alone = all(o.row != ln.row for o in lines if o is not ln)
        if bottom <= 16:
            ln.area = "page-header"
        elif _DIGITS.match(ln.text) and alone and (ln.y or 0) < 35 and i == 0:
            nxt = lines[1] if len(lines) > 1 else None
            if nxt is None or (nxt.y or 0) - (ln.y or 0) > 6:
                ln.area = "page-header"
        elif _DIGITS.match(ln.text) and alone and (ln.y or 0) > height - 30 and i == len(lines) - 1:
            ln.area = "page-footer"
    # Box 13: lines under a rule across the text width near the foot of the page.
    wide = [r for r in rules if r.length > 0.8 * (width - 45) and (r.y or 0) > height * 0.75]
    if wide:
        top = min(r.y or 0 for r in wide)
        below = [ln for ln in lines if (ln.y or 0) > top]
        if below and len(below) <= 6:
            for ln in below:
                ln.area = "page-footer"


def _sections(doc: Document, page_parts: list[int], geometry: list[tuple[float, float, bool]]) -> None:
    """One section per run of pages of one part and one orientation, margins estimated."""
    runs: list[tuple[int, list[int]]] = []
    for i, part in enumerate(page_parts):
        w, h, _t = geometry[i]
        if runs and runs[-1][0] == part and (geometry[runs[-1][1][-1]][0] > geometry[runs[-1][1][-1]][1]) == (w > h):
            runs[-1][1].append(i)
        else:
            runs.append((part, [i]))
    first = True
    for part, idx in runs:
        w, h, _t = geometry[idx[0]]
        pages = {i + 1 for i in idx}
        body = [ln for ln in doc.lines if ln.page in pages and ln.area == "body"]
        sec = Section(
            part=part,
            width=w,
            height=h,
            exact=False,
            has_table=any(geometry[i][2] for i in idx),
            where=_pages_label(idx),
        )
        if body:
            # Text never runs into the left margin; the right edge is only known where
            # justified lines reach it (two lines or more).
            sec.left = min(ln.x0 or 0 for ln in body)
            right_edge = max(ln.x1 or 0 for ln in body)
            sec.right = w - right_edge
            if sum(1 for ln in body if (ln.x1 or 0) >= right_edge - 1) < 2:
                sec.loose.add("right")
            sec.top = min(
                min(ln.y or 0 for ln in body if ln.page == p) for p in pages if any(ln.page == p for ln in body)
            )
            full = []
            for p in sorted(pages):
                if p + 1 in pages:
                    on = [ln for ln in body if ln.page == p]
                    if on:
                        full.append(h - max((ln.y or 0) + (ln.size or 12) / MM for ln in on))
            sec.bottom = min(full) if full else None
            if first:
                doc.text_left = sec.left
                doc.text_width = w - sec.left - (min(sec.right, 20) if "right" in sec.loose else sec.right)
                first = False
        doc.sections.append(sec)


def _pages_label(idx: list[int]) -> str:
    if len(idx) == 1:
        return _("page {n}", n=idx[0] + 1)
    return _("pages {a}–{b}", a=idx[0] + 1, b=idx[-1] + 1)


def _numbering(doc: Document, page_parts: list[int]) -> None:
    for part in sorted(set(page_parts)):
        pages = [i + 1 for i, p in enumerate(page_parts) if p == part]
        num = Numbering(part=part, pages=len(pages))
        found: list[str] = []
        numbers = {}
        for k, p in enumerate(pages, start=1):
            header = [ln for ln in doc.lines if ln.page == p and ln.area == "page-header" and _DIGITS.match(ln.text)]
            footer = [ln for ln in doc.lines if ln.page == p and ln.area == "page-footer" and _DIGITS.match(ln.text)]
            numbers[k] = (header, footer)
            if header or footer:
                found.append(f"p.{p}: {(header or footer)[0].text}")
        first_h, first_f = numbers[1]
        num.on_first = bool(first_h or first_f)
        later = {k: v for k, v in numbers.items() if k > 1}
        if later:
            header_shown = [k for k, (h, _f) in later.items() if h]
            num.shown = len(header_shown) == len(later)
            num.in_top_margin = not any(f for _h, f in later.values()) and bool(header_shown)
            shown = [(k, (h or f)[0]) for k, (h, f) in later.items() if h or f]
            num.sequence_ok = all(ln.text == str(k) for k, ln in shown) if shown else None
            num.restarts = num.sequence_ok
            sec = next((s for s in doc.sections if s.part == part), None)
            centres = []
            for _k, ln in shown:
                if sec and sec.left is not None and sec.right is not None and ln.centre is not None:
                    # Centred on the text area (or the page); where the right margin is only
                    # a bound, any right margin of 15–20 mm will do.
                    rights = [15.0, 20.0] if "right" in sec.loose else [sec.right]
                    lo = min((sec.left + sec.width - r) / 2 for r in rights)
                    hi = max((sec.left + sec.width - r) / 2 for r in rights)
                    off = 0.0 if lo <= ln.centre <= hi else min(abs(ln.centre - lo), abs(ln.centre - hi))
                    centres.append(min(off, abs(ln.centre - sec.width / 2)))
            num.centred = all(c <= 3 for c in centres) if centres else None
            num.sizes = frozenset(ln.size for _k, ln in shown if ln.size)
            num.italic = any(ln.italic for _k, ln in shown) if shown else None
        num.found = ", ".join(found) if found else _("no page numbers")
        doc.numbering.append(num)
