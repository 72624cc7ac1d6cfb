"""Boxes 7a and 7b: authority and title, the signer's name, and the page the signer block stands on."""

from __future__ import annotations

import re

from generator.check.report import FAIL, NOT_EVALUATED, PASS
from generator.check.rules.base import PREFIXES, Ctx, Out, _judged, _quote, _range, _sizes, _style, nfc, where
from generator.i18n import _


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


def signer_page(c: Ctx) -> Out:
    asks = _("the signer block shares its page with the last lines of the body")
    if not c.signer:
        return [(NOT_EVALUATED, "—", _("signer block not found"), asks)]
    first = c.signer[0]
    if first.page is None:
        return [(NOT_EVALUATED, "—", _("a DOCX has no pages until laid out: check its PDF"), asks)]
    block = [ln for ln in (c.noi, first) if ln is not None and ln.page is not None]
    page = min(ln.page for ln in block)  # type: ignore[type-var]
    text = [ln for ln in c.body if ln.page == page]
    if text:
        return [(PASS, _("page {n}", n=page), _("{n} line(s) of the body on the page", n=len(text)), asks)]
    return [(FAIL, _("page {n}", n=page), _("the signer block stands on a page without body text"), asks)]
