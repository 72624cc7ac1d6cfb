"""Box 6, the body: size, first-line indent, spacing, alignment."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from generator.check.doc import Line
from generator.check.report import FAIL, NOT_EVALUATED, PASS, WARN
from generator.check.rules.base import MM_PER_PT, SINGLE_LINE, Ctx, Out, _in, _judged, _quote, _range, _sizes, where
from generator.i18n import _


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
