"""Boxes 9a and 9b: Kính gửi, and Nơi nhận with its list."""

from __future__ import annotations

import re

from generator.check.report import FAIL, NOT_EVALUATED
from generator.check.rules.base import Ctx, Out, _judged, _missing, _quote, _range, _sizes, _style, nfc, where
from generator.i18n import _


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
