"""Shared by every rule: the names the Decree prints, text helpers, :class:`Ctx` (the
elements of a dispatch, found once per file) and the verdict helpers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from generator.check.doc import Document, HRule, Line
from generator.check.profiles import Profile
from generator.check.report import FAIL, NOT_EVALUATED, PASS, WARN
from generator.i18n import _
from generator.vietnamese import nfc  # noqa: F401  (the rules import it from here)

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


Row = tuple[str, str, str, str]

Out = list[Row]


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


def _merge(out: Out) -> Out:
    """One result when all sections agree, else one per section."""
    if len(out) > 1 and len({(v, f) for v, _w, f, _a in out}) == 1:
        v, _w, f, a = out[0]
        return [(v, _("all sections") if len(out) > 1 else _w, f, a)]
    return out
