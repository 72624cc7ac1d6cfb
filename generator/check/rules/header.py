"""Header, boxes 1 and 2: the Quốc hiệu, the Tiêu ngữ and its rule, the agency name and its rule."""

from __future__ import annotations

from generator.check.doc import Line
from generator.check.report import FAIL, NOT_EVALUATED, PASS
from generator.check.rules.base import (
    MOTTO,
    NATIONAL_TITLE,
    Ctx,
    Out,
    _ascii_fold,
    _dashes,
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
        if any(not ln.bold for ln in lines[first_bold:]):
            problems.append(_("issuing body partly not bold"))
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
