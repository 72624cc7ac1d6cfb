"""Page rules: paper size, orientation, margins (§1) and page numbers, the dispatch's and each annex's (§1, §6.4)."""

from __future__ import annotations

from generator.check.doc import Numbering
from generator.check.report import FAIL, NOT_EVALUATED, PASS, WARN
from generator.check.rules.base import Ctx, Out, _in, _merge, _range
from generator.i18n import _


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
                if v < lo - p.margin_tolerance_mm:
                    bad.append(k)
                elif v > hi + p.margin_tolerance_mm:
                    unsure.append(k)
                    vals_missing.add(k)
            elif k in ("left", "right"):
                if not _in(v, (lo, hi), p.margin_tolerance_mm):
                    bad.append(k)
            else:
                # A page's text may stop short of the margin (a paragraph moved to the next
                # page); it never runs into it.
                if v < lo - p.margin_tolerance_mm:
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
