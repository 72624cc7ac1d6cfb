"""The rules of Decree 30/2020 a finished dispatch is checked against, each written once
for both formats over :class:`~generator.check.doc.Document`.

Every rule has an id, a title and its reference in ``../shared/spec/nd30.md`` (§ and
the Decree's own locator). A rule finds its element by text and position, measures it,
and returns results: pass, warn (a convention, or something a PDF only lets us
estimate), fail, or "not evaluated" when the file does not let it read what it needs.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from generator.i18n import _
from generator.check.doc import Document, HRule, Line, Numbering
from generator.check.profiles import Profile
from generator.check.report import FAIL, NOT_EVALUATED, PASS, WARN, Result

__all__ = ["RULES", "Rule", "run_rules"]

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PREFIXES = ("KT.", "TM.", "TL.", "TUQ.", "Q.")
SECRECY = ("MẬT", "TỐI MẬT", "TUYỆT MẬT")
URGENCY = ("KHẨN", "THƯỢNG KHẨN", "HỎA TỐC", "HOẢ TỐC")
#: Abbreviations Phụ lục III writes in mixed case (spec §8).
MIXED_CASE_CODES = {"QyĐ", "TTr", "CTr", "TrS"}
MM_PER_PT = 25.4 / 72
#: One "single" line of Times New Roman, in em (see generator.render.measures).
SINGLE_LINE = (1825 + 443 + 87) / 2048


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _dashes(text: str) -> str:
    return re.sub(r"\s*[-–—]\s*", " - ", text)


def _ascii_fold(text: str) -> str:
    """Lower case, with the older tone placement folded (hoà = hòa)."""
    t = nfc(text).lower()
    for old, new in (
        ("oà", "òa"),
        ("oá", "óa"),
        ("oả", "ỏa"),
        ("oã", "õa"),
        ("oạ", "ọa"),
        ("uỳ", "ùy"),
        ("uý", "úy"),
        ("uỷ", "ủy"),
        ("uỹ", "ũy"),
        ("uỵ", "ụy"),
    ):
        t = t.replace(old, new)
    return " ".join(t.split())


def _in(value: float | None, rng: tuple[float, float], tol: float) -> bool:
    return value is not None and rng[0] - tol <= value <= rng[1] + tol


def _range(rng: tuple[float, float], unit: str = "pt") -> str:
    lo, hi = rng
    return f"{lo:g} {unit}" if lo == hi else f"{lo:g}–{hi:g} {unit}"


def _sizes(line: Line) -> str:
    if not line.sizes and line.size is None:
        return "?"
    sizes = sorted(line.sizes or {line.size})  # type: ignore[arg-type]
    return "/".join(f"{s:g}" for s in sizes) + " pt"


def _style(line: Line) -> str:
    bits = [_("bold") if line.bold else _("not bold"), _("italic") if line.italic else _("upright")]
    return ", ".join(bits)


def _quote(text: str, n: int = 48) -> str:
    return "“" + (text if len(text) <= n else text[: n - 1] + "…") + "”"


def where(doc: Document, line: Line | None) -> str:
    if line is None:
        return "—"
    head = _("annex {n}", n=line.part) + ", " if line.part else ""
    if line.page is not None and line.y is not None:
        return head + _("p.{page}, {y:.0f} mm from top", page=line.page, y=line.y)
    if line.area != "body":
        return head + (_("page header") if line.area == "page-header" else _("page footer"))
    return head + _quote(line.text, 24)


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    reference: str
    check: Callable[[Ctx], list[tuple[str, str, str, str]]]


# --------------------------------------------------------------------------------------
# Finding the elements
# --------------------------------------------------------------------------------------


class Ctx:
    def __init__(self, doc: Document, profile: Profile) -> None:
        self.doc = doc
        self.p = profile
        self.tol = profile.tolerance_pt

    def size_ok(self, line: Line, rng: tuple[float, float]) -> bool:
        sizes = line.sizes or ({line.size} if line.size else set())
        return bool(sizes) and all(_in(s, rng, self.tol) for s in sizes)

    @cached_property
    def main(self) -> list[Line]:
        return sorted(self.doc.part_lines(0), key=lambda ln: ln.order)

    @property
    def has_text(self) -> bool:
        return any(ln.text.strip() for ln in self.doc.lines)

    def _first(self, pred: Callable[[Line], bool], limit: int = 40, after: int = -1) -> Line | None:
        for ln in self.main[:limit]:
            if ln.order > after and pred(ln):
                return ln
        return None

    @cached_property
    def national(self) -> Line | None:
        return self._first(lambda ln: _ascii_fold(NATIONAL_TITLE) in _ascii_fold(ln.text), 20)

    @cached_property
    def motto(self) -> Line | None:
        return self._first(lambda ln: "độc lập" in _ascii_fold(ln.text) and "hạnh phúc" in _ascii_fold(ln.text), 25)

    @cached_property
    def number(self) -> Line | None:
        return self._first(lambda ln: bool(re.match(r"^s[ốo]\s*[:.]?(\s|\d|/|$)", ln.text, re.I)), 30)

    @cached_property
    def date(self) -> Line | None:
        return self._first(
            lambda ln: ln is not self.number and bool(re.search(r"ngày\s*\S*\s*tháng\s*\S*\s*năm", ln.text, re.I)), 35
        )

    @cached_property
    def subject(self) -> Line | None:
        after = self.number.order if self.number else -1
        return self._first(lambda ln: bool(re.match(r"^v\s*/\s*v\b", ln.text, re.I)), 40, after)

    @cached_property
    def kinh(self) -> Line | None:
        return self._first(lambda ln: bool(re.match(r"^kính\s+gửi", ln.text, re.I)), 60)

    @cached_property
    def header_end(self) -> int:
        """Order of the first line after the header (Kính gửi, or a guess)."""
        if self.kinh:
            return self.kinh.order
        anchors = [ln.order for ln in (self.subject, self.date, self.number, self.motto) if ln]
        return max(anchors) + 1 if anchors else 0

    @cached_property
    def marks(self) -> list[Line]:
        names = {_ascii_fold(m) for m in SECRECY + URGENCY}
        return [
            ln for ln in self.main if ln.order < self.header_end + 1 and _ascii_fold(ln.text.strip("[]() ")) in names
        ]

    @cached_property
    def agency(self) -> list[Line]:
        if not self.number:
            return []
        skip = {id(x) for x in (self.national, self.motto, self.date) if x} | {id(m) for m in self.marks}
        out = []
        for ln in self.main:
            if ln.order >= self.number.order:
                break
            if id(ln) in skip or self.doc.column(ln) == "right":
                continue
            if ln.page is not None and self.number.page is not None and ln.page != self.number.page:
                continue
            out.append(ln)
        return out

    @cached_property
    def recipients(self) -> list[list[Line]]:
        """The "- X;" items after a "Kính gửi:" standing alone, each with its wrapped lines."""
        if not self.kinh:
            return []
        items: list[list[Line]] = []
        for ln in self.main:
            if ln.order <= self.kinh.order:
                continue
            if re.match(r"^[-–+•]\s*", ln.text):
                items.append([ln])
            elif items and self._continues(items[-1][-1], ln, items[-1][0]):
                items[-1].append(ln)
            else:
                break
        return items

    def _continues(self, prev: Line, ln: Line, head: Line) -> bool:
        if ln.y is None or prev.y is None or ln.page != prev.page:
            return False  # a DOCX paragraph wraps inside itself
        pitch = (ln.size or 14) * 1.6 * MM_PER_PT
        return 0 < ln.y - prev.y <= pitch and (ln.x0 or 0) >= (head.x0 or 0) - 1 and ln.size == prev.size

    @cached_property
    def noi(self) -> Line | None:
        return self._first(lambda ln: bool(re.match(r"^n[ơo]i\s+nhận", ln.text, re.I)), 10**6)

    @cached_property
    def body(self) -> list[Line]:
        start = self.header_end
        if self.kinh:
            start = self.kinh.order
            if self.recipients:
                start = self.recipients[-1][-1].order
        candidates = [ln for ln in self.main if ln.order > start]
        stop = self.noi.order if self.noi else None
        if stop is None and self.signer:
            stop = self.signer[0].order
        if stop is not None:
            candidates = [ln for ln in candidates if ln.order < stop]
        closing = [i for i, ln in enumerate(candidates) if "./." in ln.text]
        if closing:
            candidates = candidates[: closing[-1] + 1]
        else:
            candidates = [
                ln for ln in candidates if ln.cell is None and not (ln.size and ln.size < 12.5 and ln.align == "center")
            ]
        return candidates

    @cached_property
    def noi_items(self) -> list[list[Line]]:
        if not self.noi:
            return []
        noi = self.noi
        items: list[list[Line]] = []
        for ln in self.main:
            if ln.order <= noi.order:
                continue
            if noi.cell is not None and ln.cell != noi.cell:
                if ln.cell is not None and ln.cell[:2] == noi.cell[:2]:
                    continue  # the signer's cell of the same row
                break
            if noi.page is not None and (ln.page != noi.page or self.doc.column(ln) == "right"):
                continue
            if re.match(r"^[-–+•]", ln.text):
                items.append([ln])
            elif (
                items
                and ln.y is not None
                and items[-1][-1].y is not None
                and not re.search(r"[;.]$", items[-1][-1].text)
            ):
                items[-1].append(ln)
            elif items or noi.cell is None:
                break
        return items

    @cached_property
    def signer(self) -> list[Line]:
        """Boxes 7a and 7b: the right column level with or after "Nơi nhận"."""
        out = []
        anchor = self.noi
        for ln in self.main:
            if anchor is not None:
                if anchor.cell is not None:
                    if ln.cell is None or ln.cell[:2] != anchor.cell[:2] or ln.cell == anchor.cell:
                        continue
                elif anchor.y is not None:
                    if ln.page != anchor.page or (ln.y or 0) < anchor.y - 3 or self.doc.column(ln) != "right":
                        continue
                elif ln.order <= anchor.order or self.doc.column(ln) != "right":
                    continue
            else:
                last_body = max((b.order for b in self.body), default=self.header_end)
                if ln.order <= last_body or self.doc.column(ln) != "right":
                    continue
            out.append(ln)
        return out

    @cached_property
    def annexes(self) -> dict[int, list[Line]]:
        return {p: sorted(self.doc.part_lines(p), key=lambda ln: ln.order) for p in self.doc.parts if p > 0}

    def rules_under(self, lines: list[Line]) -> list[HRule]:
        """Horizontal rules drawn under the last of ``lines`` (PDF: just below and overlapping;
        DOCX: a paragraph border after it)."""
        last = lines[-1]
        if self.doc.kind == "docx":
            return [r for r in self.doc.rules if r.after == last.order]
        x0 = min(ln.x0 or 0 for ln in lines)
        x1 = max(ln.x1 or 0 for ln in lines)
        bottom = (last.y or 0) + (last.size or 12) * MM_PER_PT
        return [
            r
            for r in self.doc.rules
            if r.page == last.page and r.y is not None and bottom - 1.5 <= r.y <= bottom + 8 and r.x1 > x0 and r.x0 < x1
        ]


# --------------------------------------------------------------------------------------
# Page and font rules
# --------------------------------------------------------------------------------------

Row = tuple[str, str, str, str]
Out = list[Row]


def page_size(c: Ctx) -> Out:
    asks = _("A4, 210 × 297 mm")
    out = []
    for s in c.doc.sections:
        ok = (abs(s.width - 210) <= 1 and abs(s.height - 297) <= 1) or (
            abs(s.width - 297) <= 1 and abs(s.height - 210) <= 1
        )
        out.append((PASS if ok else FAIL, s.where, f"{s.width:.1f} × {s.height:.1f} mm", asks))
    return _merge(out)


def page_orientation(c: Ctx) -> Out:
    asks = _("portrait; landscape only for a page holding a table")
    out = []
    for s in c.doc.sections:
        if not s.landscape:
            out.append((PASS, s.where, _("portrait"), asks))
        elif s.has_table:
            out.append((PASS, s.where, _("landscape, with a table"), asks))
        else:
            out.append((FAIL, s.where, _("landscape, without a table"), asks))
    return _merge(out)


def page_margins(c: Ctx) -> Out:
    p = c.p
    asks = _(
        "top {t}, bottom {b}, left {l}, right {r}",
        t=_range(p.margin_top, "mm"),
        b=_range(p.margin_bottom, "mm"),
        l=_range(p.margin_left, "mm"),
        r=_range(p.margin_right, "mm"),
    )
    out = []
    for s in c.doc.sections:
        vals = {"top": s.top, "bottom": s.bottom, "left": s.left, "right": s.right}
        ranges = {"top": p.margin_top, "bottom": p.margin_bottom, "left": p.margin_left, "right": p.margin_right}
        if all(v is None for v in vals.values()):
            out.append((NOT_EVALUATED, s.where, _("no text to measure"), asks))
            continue
        found = ", ".join(f"{_(k)} {v:.1f}" if v is not None else f"{_(k)} ?" for k, v in vals.items()) + " mm"
        bad, unsure = [], []
        vals_missing: set[str] = set()
        for k, v in vals.items():
            lo, hi = ranges[k]
            if v is None:
                unsure.append(k)
                continue
            if s.exact:
                if not _in(v, (lo, hi), 0.1):
                    bad.append(k)
            elif k in s.loose:
                # Only a bound: the text may stop short of this edge.
                if v < lo - p.tolerance_mm - 0.3:
                    bad.append(k)
                elif v > hi + p.tolerance_mm + 0.3:
                    unsure.append(k)
                    vals_missing.add(k)
            elif k in ("left", "right"):
                if not _in(v, (lo, hi), p.tolerance_mm + 0.3):
                    bad.append(k)
            else:
                # A page's text may stop short of the margin (a paragraph moved to the next
                # page); it never runs into it.
                if v < lo - 0.3:
                    bad.append(k)
                elif v > hi + (3 if k == "top" else 15):
                    unsure.append(k)
                    vals_missing.add(k)
        if not s.exact:
            found = _("estimated from the text: {found}", found=found)
        missing = [k for k in unsure if vals[k] is None or k in vals_missing]
        unsure = [k for k in unsure if k not in missing]
        if missing:
            out.append(
                (
                    NOT_EVALUATED,
                    s.where,
                    _("{sides}: cannot be measured from where the text stops", sides=", ".join(_(k) for k in missing)),
                    asks,
                )
            )
        if bad:
            verdict = WARN if s.landscape else FAIL
            out.append(
                (verdict, s.where, found + " — " + _("outside: {sides}", sides=", ".join(_(b) for b in bad)), asks)
            )
        elif unsure:
            out.append(
                (
                    WARN,
                    s.where,
                    found + " — " + _("not measurable: {sides}", sides=", ".join(_(u) for u in unsure)),
                    asks,
                )
            )
        else:
            out.append((PASS, s.where, found, asks))
    return _merge(out)


def _numbers(c: Ctx, num: Numbering, label: str, annex: bool) -> tuple[str, str, str, str]:
    asks = _(
        "Arabic, {sizes}, upright, centred in the top margin from page 2; none on page 1", sizes=_range(c.p.page_number)
    )
    if annex:
        asks += "; " + _("restarting at 1 in each annex")
    problems = []
    if num.on_first:
        problems.append(_("a number is shown on the first page"))
    if num.shown is False:
        problems.append(_("pages from 2 on carry no number in the top margin"))
    if num.in_top_margin is False:
        problems.append(_("the number is in the footer, not the top margin"))
    if num.centred is False:
        problems.append(_("not centred"))
    if num.sizes and not all(_in(s, c.p.page_number, c.tol) for s in num.sizes):
        problems.append(_("size {s}", s="/".join(f"{s:g}" for s in sorted(num.sizes)) + " pt"))
    if num.italic:
        problems.append(_("italic"))
    if annex and num.restarts is False:
        problems.append(_("numbering does not restart at 1"))
    elif num.sequence_ok is False:
        problems.append(_("numbers do not follow the pages"))
    found = num.found + ("; " + "; ".join(problems) if problems else "")
    if problems:
        return (FAIL, label, found, asks)
    if num.shown is None:
        if num.pages == 1:
            return (PASS, label, _("one page: no number shown"), asks)
        return (WARN, label, found + "; " + _("no page numbers (fine only for a one-page document)"), asks)
    return (PASS, label, found, asks)


def page_numbers(c: Ctx) -> Out:
    num = next((n for n in c.doc.numbering if n.part == 0), None)
    if num is None:
        return [(NOT_EVALUATED, _("dispatch"), _("no pages read"), "")]
    return [_numbers(c, num, _("dispatch"), False)]


def annex_page_numbers(c: Ctx) -> Out:
    nums = [n for n in c.doc.numbering if n.part > 0]
    if not c.annexes:
        return [(PASS, "—", _("no annex"), _("each annex numbered from 1"))]
    out = []
    for part in c.annexes:
        num = next((n for n in nums if n.part == part), None)
        if num is None:
            out.append(
                (
                    FAIL,
                    _("annex {n}", n=part),
                    _("the annex does not start a section of its own"),
                    _("each annex numbered from 1"),
                )
            )
        else:
            out.append(_numbers(c, num, _("annex {n}", n=part), True))
    return out


_TNR = re.compile(r"times\s*-?\s*new\s*-?\s*roman", re.I)
_SUBSTITUTES = [
    (re.compile(r"liberation\s*-?\s*serif", re.I), "Liberation Serif"),
    (re.compile(r"tinos", re.I), "Tinos"),
    (re.compile(r"nimbus\s*-?\s*rom", re.I), "Nimbus Roman"),
    (re.compile(r"termes", re.I), "TeX Gyre Termes"),
    (re.compile(r"^times(-|$|,)", re.I), "Times (PDF base font)"),
]
_LEGACY_FONT = re.compile(r"^(\.vn|vni[-\s])", re.I)


def _family(font: str) -> str:
    name = re.sub(r"^[A-Z]{6}\+", "", font)
    name = re.sub(r"[-,](Bold|Italic|Oblique|Regular|Roman|BoldItalic|BoldOblique|PSMT|MT|PS.*)+$", "", name)
    return name.replace("-", " ")


def font_family(c: Ctx) -> Out:
    asks = _("Times New Roman (a PDF may embed a metric-compatible substitute, reported)")
    lines = [ln for ln in c.doc.lines if ln.text.strip()]
    if not lines:
        return [(NOT_EVALUATED, "—", _("no text layer"), asks)]
    tnr, subs, other, unknown = Counter(), Counter(), Counter(), Counter()
    first_other: dict[str, Line] = {}
    for ln in lines:
        for f in ln.fonts:
            if f in ("?", ""):
                unknown[f] += 1
            elif _TNR.search(f):
                tnr[_family(f)] += 1
            elif c.doc.kind == "pdf" and any(rx.search(f) for rx, _n in _SUBSTITUTES):
                subs[next(n for rx, n in _SUBSTITUTES if rx.search(f))] += 1
            else:
                other[_family(f)] += 1
                first_other.setdefault(_family(f), ln)
    if other:
        name, n = other.most_common(1)[0]
        ln = first_other[name]
        found = _(
            "{font} in {n} line(s), e.g. {text}", font=", ".join(other), n=sum(other.values()), text=_quote(ln.text)
        )
        return [(FAIL, where(c.doc, ln), found, asks)]
    if subs:
        found = _(
            "{fonts}: a metric-compatible substitute for Times New Roman, not Times New Roman itself",
            fonts=", ".join(subs),
        )
        return [(WARN, _("whole file"), found, asks)]
    if unknown and not tnr:
        return [(NOT_EVALUATED, _("whole file"), _("the font cannot be read"), asks)]
    return [(PASS, _("whole file"), "Times New Roman", asks)]


def _black(colour: str) -> bool:
    if colour in ("auto", "000000"):
        return True
    if re.fullmatch(r"[0-9a-f]{6}", colour):
        return all(int(colour[i : i + 2], 16) <= 0x20 for i in (0, 2, 4))
    return False


def font_colour(c: Ctx) -> Out:
    asks = _("black (urgency marks red)")
    marks = {id(m) for m in c.marks}
    lines = [ln for ln in c.doc.lines if ln.text.strip() and id(ln) not in marks]
    if not lines:
        return [(NOT_EVALUATED, "—", _("no text layer"), asks)]
    bad = [ln for ln in lines if not all(_black(col) for col in ln.colors)]
    if bad:
        cols = sorted({col for ln in bad for col in ln.colors if not _black(col)})
        verdict = WARN if all(col.startswith("theme:") for col in cols) else FAIL
        return [
            (
                verdict,
                where(c.doc, bad[0]),
                _("{cols} in {n} line(s), e.g. {text}", cols=", ".join(cols), n=len(bad), text=_quote(bad[0].text)),
                asks,
            )
        ]
    return [(PASS, _("whole file"), _("black"), asks)]


#: Letters a legacy 8-bit Vietnamese font (TCVN3/ABC, VNI) shows as Latin-1 that Unicode
#: Vietnamese never uses.
_LEGACY_CHARS = set("¸µ¶·¹¨»¾¼½Æ©ÇÊÈËÌÎÏÑªÒÖ×ÝØÜÞßæçëîïñöøûüþ¡¢£¤¥¦§®°±²³´¿ÅåÄäÐ")


def font_unicode(c: Ctx) -> Out:
    asks = _("Unicode text (TCVN 6909:2001), no TCVN3/VNI legacy encoding")
    lines = [ln for ln in c.doc.lines if ln.text.strip()]
    if not lines:
        return [(NOT_EVALUATED, "—", _("no text layer"), asks)]
    legacy_font = next((ln for ln in lines for f in ln.fonts if _LEGACY_FONT.match(_family(f))), None)
    if legacy_font:
        font = next(f for f in legacy_font.fonts if _LEGACY_FONT.match(_family(f)))
        return [(FAIL, where(c.doc, legacy_font), _("legacy Vietnamese font {font}", font=_family(font)), asks)]
    for ln in lines:
        letters = [ch for ch in ln.text if ch.isalpha() or ch in _LEGACY_CHARS]
        odd = [ch for ch in ln.text if ch in _LEGACY_CHARS]
        if len(odd) >= 2 and len(odd) >= 0.05 * max(1, len(letters)):
            return [(FAIL, where(c.doc, ln), _("text looks legacy-encoded: {text}", text=_quote(ln.text)), asks)]
    decomposed = next((ln for ln in lines if nfc(ln.text) != ln.text), None)
    if decomposed:
        return [
            (
                WARN,
                where(c.doc, decomposed),
                _("decomposed Unicode (not NFC): {text}", text=_quote(decomposed.text)),
                asks,
            )
        ]
    return [(PASS, _("whole file"), _("Unicode"), asks)]


# --------------------------------------------------------------------------------------
# Header: boxes 1–5b
# --------------------------------------------------------------------------------------


def _judged(place: str, found: str, asks: str, problems: list[str], notes: list[str] | None = None) -> Row:
    """One verdict row: fail on any problem, warn on any note, pass otherwise; the reasons
    follow what was found."""
    reasons = problems + (notes or [])
    verdict = FAIL if problems else WARN if notes else PASS
    return (verdict, place, found + ("; " + "; ".join(reasons) if reasons else ""), asks)


def _missing(c: Ctx, what: str, asks: str) -> Out:
    if not c.has_text:
        return [(NOT_EVALUATED, "—", _("no text layer"), asks)]
    return [(FAIL, _("page 1"), _("{what} not found", what=what), asks)]


def national_title(c: Ctx) -> Out:
    asks = _(
        "“{text}”, upper case, {sizes}, bold, upright, right column, top of page 1",
        text=NATIONAL_TITLE,
        sizes=_range(c.p.national_title),
    )
    ln = c.national
    if ln is None:
        return _missing(c, _("Quốc hiệu"), asks)
    problems = []
    text = nfc(ln.text.strip())
    if text.upper() != text:
        problems.append(_("not upper case"))
    if _ascii_fold(text) != _ascii_fold(NATIONAL_TITLE):
        problems.append(_("text differs"))
    if not c.size_ok(ln, c.p.national_title):
        problems.append(_("size {s}", s=_sizes(ln)))
    if not ln.bold:
        problems.append(_("not bold"))
    if ln.italic:
        problems.append(_("italic"))
    if c.doc.column(ln) == "left":
        problems.append(_("in the left column"))
    if ln is not c.main[0] and c.main.index(ln) > 6:
        problems.append(_("not at the top of page 1"))
    found = f"{_quote(text)}, {_sizes(ln)}, {_style(ln)}"
    return [_judged(where(c.doc, ln), found, asks, problems)]


def motto(c: Ctx) -> Out:
    asks = _("“{text}”, {sizes}, bold, centred under the Quốc hiệu", text=MOTTO, sizes=_range(c.p.motto))
    ln = c.motto
    if ln is None:
        return _missing(c, _("Tiêu ngữ"), asks)
    text = nfc(ln.text.strip())
    problems, warns = [], []
    if text.upper() == text or _dashes(text).lower() == _dashes(text):
        problems.append(_("wrong case (each phrase starts with a capital, the rest lower case)"))
    elif text != MOTTO:
        if _dashes(text) == MOTTO:
            warns.append(_("dashes instead of the Decree's spaced hyphens"))
        else:
            problems.append(_("text differs"))
    if not c.size_ok(ln, c.p.motto):
        problems.append(_("size {s}", s=_sizes(ln)))
    if not ln.bold:
        problems.append(_("not bold"))
    if ln.italic:
        problems.append(_("italic"))
    nat = c.national
    if nat is not None:
        if ln.order < nat.order:
            problems.append(_("above the Quốc hiệu"))
        elif ln.y is not None and nat.y is not None and ln.y - nat.y > 12:
            problems.append(_("not right under the Quốc hiệu"))
        if ln.centre is not None and nat.centre is not None and abs(ln.centre - nat.centre) > 3:
            problems.append(_("not centred under the Quốc hiệu ({d:.1f} mm off)", d=abs(ln.centre - nat.centre)))
    found = f"{_quote(text)}, {_sizes(ln)}, {_style(ln)}"
    return [_judged(where(c.doc, ln), found, asks, problems, warns)]


def _rule_check(c: Ctx, lines: list[Line], share: tuple[float, float], asks: str, what: str) -> Out:
    last = lines[-1]
    rules = c.rules_under(lines)
    width = max((ln.x1 or 0) - (ln.x0 or 0) for ln in lines)
    centre = (min(ln.x0 or 0 for ln in lines) + max(ln.x1 or 0 for ln in lines)) / 2
    if not rules:
        if last.underlined and share[1] >= 1:
            return [(PASS, where(c.doc, last), _("the text is underlined"), asks)]
        near = [s for s in c.doc.shapes if last.order - 1 <= s[0] <= last.order + 2]
        if near:
            return [
                (
                    NOT_EVALUATED,
                    where(c.doc, last),
                    _("a drawn shape ({kind}) that cannot be measured", kind=near[0][1]),
                    asks,
                )
            ]
        if last.x0 is None:
            return [(NOT_EVALUATED, where(c.doc, last), _("position unknown"), asks)]
        return [(FAIL, where(c.doc, last), _("no rule under the {what}", what=what), asks)]
    rule = max(rules, key=lambda r: r.length)
    ratio = rule.length / width if width else 0
    found = _("rule {r:.1f} mm under a {w:.1f} mm line ({pct:.0f} %)", r=rule.length, w=width, pct=ratio * 100)
    lo, hi = share
    tol = 1.5 / width if width else 0
    problems = []
    if not (lo - tol - 0.03 <= ratio <= hi + tol + 0.03):
        problems.append(_("length out of range"))
    if abs(rule.centre - centre) > 2.5:
        problems.append(_("not centred ({d:.1f} mm off)", d=abs(rule.centre - centre)))
    return [_judged(where(c.doc, last), found, asks, problems)]


def motto_rule(c: Ctx) -> Out:
    asks = _("a solid rule under the Tiêu ngữ, as long as its line, centred")
    if c.motto is None:
        return [(NOT_EVALUATED, "—", _("Tiêu ngữ not found"), asks)]
    return _rule_check(c, [c.motto], (1.0, 1.0), asks, _("Tiêu ngữ"))


def agency_name(c: Ctx) -> Out:
    asks = _(
        "upper case, {sizes}; issuing body bold, parent body (if any) not bold; left column, above “Số:”",
        sizes=_range(c.p.agency),
    )
    lines = c.agency
    if not lines:
        if c.number is None:
            return [(NOT_EVALUATED, "—", _("“Số:” not found, so neither is the agency above it"), asks)]
        return _missing(c, _("agency name"), asks)
    problems = []
    bold = [ln for ln in lines if ln.bold]
    if not bold:
        problems.append(_("issuing body not bold"))
    else:
        first_bold = lines.index(bold[0])
        if any(ln.bold for ln in lines[:first_bold]):
            pass
        parent = lines[:first_bold]
        if any(not ln.bold for ln in lines[first_bold:]):
            problems.append(_("issuing body partly not bold"))
        del parent
    for ln in lines:
        t = nfc(ln.text)
        if t.upper() != t:
            problems.append(_("not upper case: {text}", text=_quote(t, 30)))
        if not c.size_ok(ln, c.p.agency):
            problems.append(_("size {s}: {text}", s=_sizes(ln), text=_quote(t, 30)))
        if ln.italic:
            problems.append(_("italic"))
    found = " / ".join(_quote(ln.text, 34) + (" " + _("bold") if ln.bold else "") for ln in lines)
    return [_judged(where(c.doc, lines[0]), found, asks, problems)]


def agency_rule(c: Ctx) -> Out:
    asks = _("a solid rule under the agency name, 1/3 to 1/2 of its line, centred")
    bold = [ln for ln in c.agency if ln.bold] or c.agency[-1:]
    if not bold:
        return [(NOT_EVALUATED, "—", _("agency name not found"), asks)]
    return _rule_check(c, bold, c.p.agency_rule, asks, _("agency name"))


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


def kinh_gui(c: Ctx) -> Out:
    asks = _(
        "“Kính gửi: X” on one line; for several, “Kính gửi:” alone then “- X;” lines, the last ending “.”; {sizes}",
        sizes=_range(c.p.kinh_gui),
    )
    ln = c.kinh
    if ln is None:
        return _missing(c, _("“Kính gửi”"), asks)
    text = nfc(ln.text.strip())
    problems, notes = [], []
    if not text.startswith("Kính gửi:"):
        problems.append(_("not written “Kính gửi:”"))
    after = re.sub(r"^kính\s+gửi\s*:?", "", text, flags=re.I).strip()
    items = c.recipients
    lines = [ln] + [x for item in items for x in item]
    if after:
        if items:
            problems.append(_("recipients both on the “Kính gửi” line and in a list"))
        if after.endswith(";") or after.endswith(","):
            notes.append(_("a single recipient ending with {p}", p=_quote(after[-1])))
        found = _quote(text)
    else:
        if not items:
            problems.append(_("no recipient after “Kính gửi:”"))
        texts = [" ".join(x.text for x in item) for item in items]
        for t in texts[:-1]:
            if not t.endswith(";"):
                problems.append(_("{t} does not end with “;”", t=_quote(t, 30)))
        if texts and not texts[-1].endswith("."):
            problems.append(_("the last recipient {t} does not end with “.”", t=_quote(texts[-1], 30)))
        if len(texts) == 1:
            notes.append(_("a single recipient is written on the “Kính gửi:” line"))
        for t in texts:
            if not re.match(r"^- \S", t):
                problems.append(_("{t} does not start with “- ”", t=_quote(t, 30)))
        found = _(
            "“Kính gửi:” and {n} recipient line(s), last {t}", n=len(texts), t=_quote(texts[-1], 30) if texts else "—"
        )
    bad_size = [x for x in lines if not c.size_ok(x, c.p.kinh_gui)]
    if bad_size:
        problems.append(_("size {s}", s=_sizes(bad_size[0])))
    if ln.bold:
        notes.append(_("bold"))
    return [_judged(where(c.doc, ln), found, asks, problems, notes)]


# --------------------------------------------------------------------------------------
# Body (box 6)
# --------------------------------------------------------------------------------------


@dataclass
class _Para:
    lines: list[Line]
    indent: float | None
    space: float | None  # pt before, from the paragraph above
    spacing: float | None  # lines
    justified: bool | None


def _paragraphs(c: Ctx) -> list[_Para]:
    body = c.body
    if not body:
        return []
    if c.doc.kind == "docx":
        out: list[_Para] = []
        prev_after = None
        for ln in body:
            if out and out[-1].lines[0].para == ln.para:
                out[-1].lines.append(ln)
                continue
            space = (ln.space_before or 0) + (prev_after or 0) if out else None
            out.append(
                _Para(
                    [ln], ln.first_indent, space, ln.line_spacing, None if ln.align is None else ln.align == "justify"
                )
            )
            prev_after = ln.space_after
        return out
    # PDF: a line that reaches the right edge (justified) is continued by the next one.
    right = c.doc.text_left + c.doc.text_width
    paras: list[_Para] = []
    pitches: Counter[float] = Counter()
    for i, ln in enumerate(body):
        prev = body[i - 1] if i else None
        same_page = prev is not None and prev.page == ln.page and ln.y is not None and prev.y is not None
        continued = False
        if prev is not None and paras and abs((prev.x1 or 0) - right) <= 1.0:
            head = paras[-1].lines[0]
            x, px, hx = ln.x0 or 0, prev.x0 or 0, head.x0 or 0  # type: ignore[union-attr]
            continued = x < hx - 1 or (abs(x - px) <= 0.5 and (len(paras[-1].lines) > 1 or hx <= c.doc.text_left + 1))
        if continued:
            pitches[round((ln.y or 0) - (prev.y or 0), 1)] += 1  # type: ignore[union-attr]
            paras[-1].lines.append(ln)
            continue
        gap = (ln.y or 0) - (prev.y or 0) if same_page else None  # type: ignore[union-attr]
        para = _Para([ln], (ln.x0 or 0) - c.doc.text_left, None, None, None)
        para.gap = gap  # type: ignore[attr-defined]
        paras.append(para)
    pitch = pitches.most_common(1)[0][0] if pitches else None
    for para in paras:
        size = para.lines[0].size or 14
        gap = getattr(para, "gap", None)
        if pitch is not None:
            para.spacing = pitch / MM_PER_PT / (size * SINGLE_LINE)
            if gap is not None:
                para.space = (gap - pitch) / MM_PER_PT
        elif gap is not None and gap / MM_PER_PT < size * SINGLE_LINE + c.p.paragraph_space - 0.6:
            # Too close even for single lines with the least space: measurably wrong.
            para.space = gap / MM_PER_PT - size * SINGLE_LINE
        if len(para.lines) > 1:
            para.justified = True
        elif para.lines[0].x1 is not None and abs(para.lines[0].x1 - right) > 1.0:
            para.justified = None
    return paras


def body_size(c: Ctx) -> Out:
    asks = _("body text {sizes}", sizes=_range(c.p.body))
    if not c.body:
        return (
            [(NOT_EVALUATED, "—", _("body not found"), asks)]
            if c.kinh is None
            else [(FAIL, "—", _("no body text"), asks)]
        )
    bad = [ln for ln in c.body if not c.size_ok(ln, c.p.body)]
    sizes = sorted({s for ln in c.body for s in (ln.sizes or {ln.size})} - {None})  # type: ignore[operator]
    found = _("{n} line(s), {s}", n=len(c.body), s="/".join(f"{s:g}" for s in sizes) + " pt")
    if bad:
        return [
            (
                FAIL,
                where(c.doc, bad[0]),
                found + "; " + _("e.g. {t} at {s}", t=_quote(bad[0].text, 30), s=_sizes(bad[0])),
                asks,
            )
        ]
    return [(PASS, where(c.doc, c.body[0]), found, asks)]


def body_indent(c: Ctx) -> Out:
    asks = _("first-line indent {r} (1 cm or 1.27 cm)", r=_range(c.p.first_indent, "mm"))
    paras = [p for p in _paragraphs(c) if p.lines[0].align != "center"]
    if not paras:
        return [(NOT_EVALUATED, "—", _("body not found"), asks)]
    known = [p for p in paras if p.indent is not None]
    if not known:
        return [(NOT_EVALUATED, where(c.doc, paras[0].lines[0]), _("indent unknown"), asks)]
    bad = [p for p in known if not _in(p.indent, c.p.first_indent, c.p.tolerance_mm)]
    indents = sorted({round(p.indent or 0, 1) for p in known})
    found = _("{n} paragraph(s), indents {v}", n=len(known), v=", ".join(f"{v:g}" for v in indents) + " mm")
    if bad:
        return [
            (
                FAIL,
                where(c.doc, bad[0].lines[0]),
                found + "; " + _("e.g. {t}", t=_quote(bad[0].lines[0].text, 30)),
                asks,
            )
        ]
    return [(PASS, where(c.doc, known[0].lines[0]), found, asks)]


def body_spacing(c: Ctx) -> Out:
    asks = _(
        "≥ {s:g} pt between paragraphs; line spacing {r} lines",
        s=c.p.paragraph_space,
        r=_range(c.p.line_spacing, "").strip(),
    )
    paras = _paragraphs(c)
    if not paras:
        return [(NOT_EVALUATED, "—", _("body not found"), asks)]
    spaces = [p for p in paras[1:] if p.space is not None]
    spacing = [p for p in paras if p.spacing is not None]
    problems = []
    tight = [p for p in spaces if p.space is not None and p.space < c.p.paragraph_space - 0.6]
    if tight:
        problems.append(
            _(
                "{n} paragraph(s) with {v:.1f} pt before, e.g. {t}",
                n=len(tight),
                v=tight[0].space,
                t=_quote(tight[0].lines[0].text, 30),
            )
        )
    wide = [p for p in spacing if not _in(p.spacing, c.p.line_spacing, 0.05)]
    if wide:
        problems.append(_("line spacing {v:.2f} lines at {t}", v=wide[0].spacing, t=_quote(wide[0].lines[0].text, 30)))
    if not spaces and not spacing:
        return [(NOT_EVALUATED, where(c.doc, paras[0].lines[0]), _("spacing cannot be measured"), asks)]
    sp = sorted({round(p.space or 0, 1) for p in spaces})
    ls = sorted({round(p.spacing or 0, 2) for p in spacing})
    found = _(
        "space before {a} pt; line spacing {b}",
        a=", ".join(f"{v:g}" for v in sp) or "?",
        b=", ".join(f"{v:g}" for v in ls) or "?",
    )
    return [_judged(where(c.doc, paras[0].lines[0]), found, asks, problems)]


def body_alignment(c: Ctx) -> Out:
    asks = _("justified")
    paras = [p for p in _paragraphs(c) if p.justified is not None]
    if not paras:
        return [(NOT_EVALUATED, "—", _("no paragraph long enough to tell"), asks)]
    bad = [p for p in paras if not p.justified]
    if bad:
        return [
            (
                WARN,
                where(c.doc, bad[0].lines[0]),
                _("{n} paragraph(s) not justified, e.g. {t}", n=len(bad), t=_quote(bad[0].lines[0].text, 30)),
                asks,
            )
        ]
    return [(PASS, where(c.doc, paras[0].lines[0]), _("justified"), asks)]


# --------------------------------------------------------------------------------------
# Signer, Nơi nhận, marks
# --------------------------------------------------------------------------------------


def signer_authority(c: Ctx) -> Out:
    asks = _(
        "quyền hạn and chức vụ in upper case, bold, {sizes}; prefix one of {p}; level with “Nơi nhận:”",
        sizes=_range(c.p.signer),
        p=" ".join(PREFIXES),
    )
    lines = c.signer[:-1]
    if not lines:
        return (
            [(NOT_EVALUATED, "—", _("signer block not found"), asks)]
            if c.has_text
            else [(NOT_EVALUATED, "—", _("no text layer"), asks)]
        )
    problems, notes = [], []
    for ln in lines:
        t = nfc(ln.text.strip())
        head = t.split(" ")[0]
        if re.match(r"^(K/T|T/M|T/L|KT|TM|TL|TUQ|Q)$", head, re.I) or (
            head.endswith(".") and head.upper() not in PREFIXES and len(head) <= 5 and head[:-1].isalpha()
        ):
            problems.append(_("prefix {p} is not one of {allowed}", p=_quote(head), allowed=" ".join(PREFIXES)))
        elif head.upper() in PREFIXES and head not in PREFIXES:
            problems.append(_("prefix {p} not in upper case", p=_quote(head)))
        if t.upper() != t:
            problems.append(_("not upper case: {t}", t=_quote(t, 30)))
        if not ln.bold:
            problems.append(_("not bold: {t}", t=_quote(t, 30)))
        if not c.size_ok(ln, c.p.signer):
            problems.append(_("size {s}", s=_sizes(ln)))
    if c.noi is not None:
        first = lines[0]
        level = (
            (abs((first.y or 0) - (c.noi.y or 0)) <= 2.5)
            if first.y is not None and c.noi.y is not None
            else (first.cell is not None and c.noi.cell is not None and first.row[2] == c.noi.row[2])
        )  # type: ignore[index]
        if not level:
            notes.append(_("not level with “Nơi nhận:”"))
    found = " / ".join(_quote(ln.text, 30) for ln in lines) + f", {_sizes(lines[0])}, {_style(lines[0])}"
    return [_judged(where(c.doc, lines[0]), found, asks, problems, notes)]


def signer_name(c: Ctx) -> Out:
    asks = _("the signer's name bold, {sizes}, centred under the title, no academic titles", sizes=_range(c.p.signer))
    if len(c.signer) < 2:
        return [(NOT_EVALUATED, "—", _("signer's name not found"), asks)]
    ln = c.signer[-1]
    t = nfc(ln.text.strip())
    problems, notes = [], []
    if not ln.bold:
        problems.append(_("not bold"))
    if not c.size_ok(ln, c.p.signer):
        problems.append(_("size {s}", s=_sizes(ln)))
    if t.upper() == t:
        notes.append(_("in capitals (the Decree writes names in normal case)"))
    if re.match(r"^(GS|PGS|TS|ThS|KS|BS|CN)\.", t):
        notes.append(_("an academic title before the name"))
    found = f"{_quote(t)}, {_sizes(ln)}, {_style(ln)}"
    return [_judged(where(c.doc, ln), found, asks, problems, notes)]


def noi_nhan_label(c: Ctx) -> Out:
    asks = _("“Nơi nhận:” {sizes}, bold italic, flush left", sizes=_range(c.p.noi_nhan_label))
    ln = c.noi
    if ln is None:
        return _missing(c, _("“Nơi nhận:”"), asks)
    t = nfc(ln.text.strip())
    problems = []
    if not t.startswith("Nơi nhận:"):
        problems.append(_("not written “Nơi nhận:”"))
    if not c.size_ok(ln, c.p.noi_nhan_label):
        problems.append(_("size {s}", s=_sizes(ln)))
    if not ln.bold:
        problems.append(_("not bold"))
    if not ln.italic:
        problems.append(_("not italic"))
    if ln.x0 is not None and ln.x0 - c.doc.text_left > 2:
        problems.append(_("not flush left ({d:.1f} mm in)", d=ln.x0 - c.doc.text_left))
    found = f"{_quote(t)}, {_sizes(ln)}, {_style(ln)}"
    return [_judged(where(c.doc, ln), found, asks, problems)]


def noi_nhan_list(c: Ctx) -> Out:
    asks = _("one recipient a line, {sizes}, “- …;”, the last “- Lưu: …” ending “.”", sizes=_range(c.p.noi_nhan))
    if c.noi is None:
        return [(NOT_EVALUATED, "—", _("“Nơi nhận:” not found"), asks)]
    items = c.noi_items
    if not items:
        return [(FAIL, where(c.doc, c.noi), _("no list under “Nơi nhận:”"), asks)]
    texts = [" ".join(x.text for x in item) for item in items]
    problems = []
    for t in texts:
        if not t.startswith("- "):
            problems.append(_("{t} does not start with “- ”", t=_quote(t, 30)))
    for t in texts[:-1]:
        if not t.endswith(";"):
            problems.append(_("{t} does not end with “;”", t=_quote(t, 30)))
    last = texts[-1]
    if not re.match(r"^- Lưu\s*:", last):
        problems.append(_("the last line {t} is not “- Lưu: …”", t=_quote(last, 30)))
    if not last.endswith("."):
        problems.append(_("the last line {t} does not end with “.”", t=_quote(last, 30)))
    bad = [x for item in items for x in item if not c.size_ok(x, c.p.noi_nhan)]
    if bad:
        problems.append(_("size {s}", s=_sizes(bad[0])))
    found = _("{n} line(s), last {t}", n=len(texts), t=_quote(last, 36))
    return [_judged(where(c.doc, items[0][0]), found, asks, problems)]


def marks_rule(c: Ctx) -> Out:
    asks = _("secrecy and urgency marks in upper case, bold, {sizes}; urgency in red", sizes=_range(c.p.marks))
    if not c.marks:
        return [(PASS, "—", _("no secrecy or urgency mark"), asks)]
    out = []
    for ln in c.marks:
        t = nfc(ln.text.strip("[]() "))
        problems = []
        if t.upper() != t:
            problems.append(_("not upper case"))
        if not ln.bold:
            problems.append(_("not bold"))
        if not c.size_ok(ln, c.p.marks):
            problems.append(_("size {s}", s=_sizes(ln)))
        if _ascii_fold(t) in {_ascii_fold(u) for u in URGENCY}:
            red = all(
                re.fullmatch(r"[0-9a-f]{6}", col)
                and int(col[:2], 16) >= 0xB0
                and int(col[2:4], 16) <= 0x50
                and int(col[4:], 16) <= 0x50
                for col in ln.colors
            )
            if not red:
                problems.append(_("not red ({cols})", cols=", ".join(sorted(ln.colors))))
        found = f"{_quote(t)}, {_sizes(ln)}, {_style(ln)}, " + ", ".join(sorted(ln.colors))
        out.append(_judged(where(c.doc, ln), found, asks, problems))
    return out


# --------------------------------------------------------------------------------------
# Annexes (§6)
# --------------------------------------------------------------------------------------


def _annex_blocks(lines: list[Line]) -> tuple[Line | None, list[Line], list[Line]]:
    """Heading ("Phụ lục …"), title lines, reference lines "(Kèm theo …)"."""
    heading = lines[0] if lines and re.match(r"^phụ\s+lục\b", lines[0].text, re.I) else None
    rest = lines[1:] if heading else lines
    ref_start = next(
        (
            i
            for i, ln in enumerate(rest[:8])
            if ln.text.startswith("(Kèm theo") or ln.text.lower().startswith("(kèm theo")
        ),
        None,
    )
    if ref_start is None:
        return heading, rest[:2] if rest else [], []
    ref = [rest[ref_start]]
    for ln in rest[ref_start + 1 : ref_start + 4]:
        if ref[-1].text.rstrip().endswith(")"):
            break
        ref.append(ln)
    return heading, rest[:ref_start], ref


def annex_heading(c: Ctx) -> Out:
    asks = _(
        "“Phụ lục” (I, II… when several) {h}, bold, own line; title upper case, {t}, bold",
        h=_range(c.p.annex_heading),
        t=_range(c.p.annex_title),
    )
    if not c.annexes:
        return [(PASS, "—", _("no annex"), asks)]
    out = []
    for part, lines in c.annexes.items():
        heading, title, _ref = _annex_blocks(lines)
        label = _("annex {n}", n=part)
        problems, notes = [], []
        if heading is None:
            notes.append(_("no “Phụ lục” heading (read as an attached document with its own title)"))
        else:
            t = nfc(heading.text.strip())
            if not re.match(r"^Phụ lục( [IVXLC]+)?$", t):
                problems.append(_("heading {t} is not “Phụ lục” or “Phụ lục I…”", t=_quote(t)))
            if not heading.bold:
                problems.append(_("heading not bold"))
            if not c.size_ok(heading, c.p.annex_heading):
                problems.append(_("heading size {s}", s=_sizes(heading)))
        if not title:
            problems.append(_("no title"))
        for ln in title:
            t = nfc(ln.text)
            if t.upper() != t:
                problems.append(_("title not upper case: {t}", t=_quote(t, 30)))
            if not ln.bold:
                problems.append(_("title not bold"))
            if not c.size_ok(ln, c.p.annex_title):
                problems.append(_("title size {s}", s=_sizes(ln)))
        found = " / ".join(_quote(ln.text, 30) for ln in ([heading] if heading else []) + title[:2])
        out.append(_judged(label, found, asks, problems, notes))
    return out


def annex_reference(c: Ctx) -> Out:
    asks = _(
        "“(Kèm theo Công văn số … ngày … của …)” italic, {s}, with the dispatch's own number and date",
        s=_range(c.p.annex_reference),
    )
    if not c.annexes:
        return [(PASS, "—", _("no annex"), asks)]
    number = re.sub(r"^\S+\s*:?\s*", "", nfc(c.number.text)) if c.number else None
    date = _date_parts(nfc(c.date.text)) if c.date else None
    out = []
    for part, lines in c.annexes.items():
        _h, _t, ref = _annex_blocks(lines)
        label = _("annex {n}", n=part)
        if not ref:
            out.append((FAIL, label, _("no “(Kèm theo …)” line"), asks))
            continue
        text = nfc(" ".join(ln.text for ln in ref))
        problems, notes = [], []
        if not all(ln.italic for ln in ref):
            problems.append(_("not italic"))
        if not all(c.size_ok(ln, c.p.annex_reference) for ln in ref):
            problems.append(_("size {s}", s=_sizes(ref[0])))
        m = re.search(r"số\s+(?P<num>\S*)", text)
        if not m:
            problems.append(_("no “số …”"))
        elif number is None:
            notes.append(_("the dispatch's number was not found to compare"))
        elif m.group("num").replace(" ", "") != number.replace(" ", ""):
            problems.append(_("number {a} differs from the dispatch's {b}", a=_quote(m.group("num")), b=_quote(number)))
        rd = _date_parts(text)
        if not rd:
            problems.append(_("no date"))
        else:
            p2, n2 = _date_problems(rd.group("d"), rd.group("m"))
            problems += p2
            notes += n2
            if date is None:
                notes.append(_("the dispatch's date was not found to compare"))
            else:
                norm = lambda s: "" if set(s or "") <= set(".…") else s  # noqa: E731
                if (norm(rd.group("d")), norm(rd.group("m")), rd.group("y")) != (
                    norm(date.group("d")),
                    norm(date.group("m")),
                    date.group("y"),
                ):
                    problems.append(_("date differs from the dispatch's"))
        if " của " not in text:
            problems.append(_("no “của …” naming the agency"))
        found = _quote(text, 70)
        out.append(_judged(label, found, asks, problems, notes))
    return out


# --------------------------------------------------------------------------------------


def _merge(out: Out) -> Out:
    """One result when all sections agree, else one per section."""
    if len(out) > 1 and len({(v, f) for v, _w, f, _a in out}) == 1:
        v, _w, f, a = out[0]
        return [(v, _("all sections") if len(out) > 1 else _w, f, a)]
    return out


def _rules() -> list[Rule]:
    return [
        Rule("page.size", _("Paper size"), "§1; PL I, I.1", page_size),
        Rule("page.orientation", _("Orientation"), "§1; PL I, I.1", page_orientation),
        Rule("page.margins", _("Margins"), "§1; PL I, I.1", page_margins),
        Rule("page.numbers", _("Page numbers"), "§1; PL I, I.4", page_numbers),
        Rule("font.family", _("Typeface"), "§1; PL I, I.1", font_family),
        Rule("font.colour", _("Text colour"), "§1; PL I, I.1", font_colour),
        Rule("font.unicode", _("Unicode encoding"), "§1; PL I, I.1 (TCVN 6909:2001)", font_unicode),
        Rule("header.national-title", _("Quốc hiệu"), "§3 box 1; PL I, II.1", national_title),
        Rule("header.motto", _("Tiêu ngữ"), "§3 box 1; PL I, II.1", motto),
        Rule("header.motto-rule", _("Rule under the Tiêu ngữ"), "§3 box 1; PL I, II.1", motto_rule),
        Rule("header.agency", _("Agency name"), "§3 box 2; PL I, II.2", agency_name),
        Rule("header.agency-rule", _("Rule under the agency name"), "§3 box 2; PL I, II.2", agency_rule),
        Rule("header.number", _("Số and ký hiệu"), "§3 box 3, §8; PL I, II.3", number_rule),
        Rule("header.date", _("Place and date"), "§3 box 4; PL I, II.4", date_rule),
        Rule("header.subject", _("Trích yếu (V/v)"), "§3 box 5b; PL I, II.5.b", subject_rule),
        Rule("kinh-gui", _("Kính gửi"), "§3 box 9a, Details; PL I, II.9.d", kinh_gui),
        Rule("body.size", _("Body size"), "§3 box 6; PL I, II.6", body_size),
        Rule("body.indent", _("Body first-line indent"), "§3 box 6; PL I, II.6", body_indent),
        Rule("body.spacing", _("Body spacing"), "§3 box 6; PL I, II.6", body_spacing),
        Rule("body.alignment", _("Body alignment"), "§3 box 6; PL I, II.6", body_alignment),
        Rule("signer.authority", _("Quyền hạn and chức vụ"), "§3 box 7a, §4; PL I, II.7", signer_authority),
        Rule("signer.name", _("Signer's name"), "§3 box 7b; PL I, II.7", signer_name),
        Rule("noi-nhan.label", _("“Nơi nhận:”"), "§3 box 9b; PL I, II.9", noi_nhan_label),
        Rule("noi-nhan.list", _("Nơi nhận list"), "§3 box 9b; PL I, II.9", noi_nhan_list),
        Rule("marks", _("Secrecy and urgency marks"), "§5; PL I, III.2–3", marks_rule),
        Rule("annex.heading", _("Annex heading"), "§6.2; PL I, III.1", annex_heading),
        Rule("annex.reference", _("Annex reference line"), "§6.2; PL I, III.1", annex_reference),
        Rule("annex.page-numbers", _("Annex page numbers"), "§6.4; PL I, III.1.đ", annex_page_numbers),
    ]


class _Rules(dict):  # type: ignore[type-arg]
    """Rule id → :class:`Rule`, built on first use so titles are in the run's language."""

    def _load(self) -> None:
        if not super().__len__():
            for r in _rules():
                super().__setitem__(r.id, r)

    def __getitem__(self, key: str) -> Rule:
        self._load()
        return super().__getitem__(key)

    def __iter__(self):  # type: ignore[no-untyped-def]
        self._load()
        return super().__iter__()

    def __len__(self) -> int:
        self._load()
        return super().__len__()

    def keys(self):  # type: ignore[no-untyped-def]
        self._load()
        return super().keys()

    def values(self):  # type: ignore[no-untyped-def]
        self._load()
        return super().values()

    def items(self):  # type: ignore[no-untyped-def]
        self._load()
        return super().items()


RULES: dict[str, Rule] = _Rules()


def run_rules(doc: Document, profile: Profile) -> list[Result]:
    ctx = Ctx(doc, profile)
    annexes_only = not ctx.main and bool(ctx.annexes)
    results = []
    for rule in _rules():
        try:
            if annexes_only and not rule.id.startswith(
                ("annex.", "page.size", "page.orientation", "page.margins", "font.")
            ):
                found = [(NOT_EVALUATED, "—", _("the file holds annexes only, no dispatch"), "")]
            else:
                found = rule.check(ctx)
        except Exception as exc:  # a file laid out in a way no rule foresaw
            found = [
                (NOT_EVALUATED, "—", _("could not be evaluated: {reason}", reason=f"{type(exc).__name__}: {exc}"), "")
            ]
        for verdict, at, what, asks in found:
            results.append(Result(rule.id, verdict, at, what, asks, rule.reference, rule.title))
    return results
