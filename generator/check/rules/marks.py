"""Boxes 10a and 10b (§5): secrecy and urgency marks, and the urgency frame's size."""

from __future__ import annotations

import re

from generator.check.doc import Line
from generator.check.report import FAIL, NOT_EVALUATED, PASS
from generator.check.rules.base import (
    MM_PER_PT,
    URGENCY,
    Ctx,
    Out,
    _ascii_fold,
    _judged,
    _quote,
    _range,
    _sizes,
    _style,
    nfc,
    where,
)
from generator.i18n import _


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


#: The frame of each urgency mark, width × height in mm (§5 of the spec).
URGENCY_FRAMES = {"KHẨN": (20.0, 8.0), "THƯỢNG KHẨN": (40.0, 8.0), "HỎA TỐC": (30.0, 8.0)}


def _frame_of(c: Ctx, ln: Line) -> tuple[float, float] | None:
    """Width and height (mm) of what a PDF draws around ``ln``: the union of the drawn
    boxes that touch the line's box, as one frame (a bordered box, or four lines)."""
    if ln.page is None or ln.x0 is None or ln.x1 is None or ln.y is None:
        return None
    top, bottom = ln.y, ln.y + (ln.size or 13) * MM_PER_PT
    near = [b for b in c.doc.boxes
            if b[0] == ln.page and b[1] < ln.x1 + 4 and b[2] > ln.x0 - 4 and b[3] < bottom + 4 and b[4] > top - 4
            and b[2] - b[1] < 60 and b[4] - b[3] < 20]
    if not near:
        return None
    return max(b[2] for b in near) - min(b[1] for b in near), max(b[4] for b in near) - min(b[3] for b in near)


def marks_frame(c: Ctx) -> Out:
    asks = _("urgency marks in a frame of KHẨN 20 × 8 mm, THƯỢNG KHẨN 40 × 8 mm, HỎA TỐC 30 × 8 mm, ±{t} mm",
             t=c.p.tolerance_mm)
    urgent = [ln for ln in c.marks if _ascii_fold(ln.text.strip("[]() ")) in {_ascii_fold(u) for u in URGENCY}]
    if not urgent:
        return [(PASS, "—", _("no urgency mark"), asks)]
    out = []
    for ln in urgent:
        mark = next(m for m in URGENCY_FRAMES if _ascii_fold(m) == _ascii_fold(ln.text.strip("[]() ")))
        if c.doc.kind != "pdf":
            out.append((NOT_EVALUATED, where(c.doc, ln), _("a DOCX frame is measured in its PDF"), asks))
            continue
        size = _frame_of(c, ln)
        if size is None:
            out.append((FAIL, where(c.doc, ln), _("{mark}: no frame", mark=mark), asks))
            continue
        want = URGENCY_FRAMES[mark]
        found = _("{mark}: frame {w:.1f} × {h:.1f} mm", mark=mark, w=size[0], h=size[1])
        ok = all(abs(a - b) <= c.p.tolerance_mm for a, b in zip(size, want, strict=True))
        out.append((PASS if ok else FAIL, where(c.doc, ln), found, asks))
    return out
