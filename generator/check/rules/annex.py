"""Annexes (§6): heading and title, numbering, reference line."""

from __future__ import annotations

import re

from generator.check.doc import Line
from generator.check.report import FAIL, PASS
from generator.check.rules.base import Ctx, Out, _judged, _quote, _range, _sizes, nfc
from generator.check.rules.number_date import _date_parts, _date_problems
from generator.i18n import _


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
            if not re.match(r"^Phụ lục( \S+)?$", t):
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


def annex_numbering(c: Ctx) -> Out:
    asks = _("one annex “Phụ lục”; two or more “Phụ lục I”, “Phụ lục II”, … in order")
    headings = []
    for part, lines in c.annexes.items():
        heading, _title, _ref = _annex_blocks(lines)
        if heading is not None:
            headings.append((part, nfc(" ".join(heading.text.split()))))
    if not headings:
        return [(PASS, "—", _("no annex headed “Phụ lục”"), asks)]
    found = ", ".join(_quote(t, 20) for _p, t in headings)
    numerals = [t[len("Phụ lục"):].strip() for _p, t in headings]
    problems = []
    if len(headings) == 1:
        if numerals[0] and numerals[0] != "I":
            problems.append(_("a single annex is “Phụ lục”"))
    else:
        if any(re.fullmatch(r"\d+", n) for n in numerals):
            problems.append(_("Arabic numbers: annexes are numbered I, II, …"))
        if len(set(numerals)) < len(numerals):
            problems.append(_("two annexes with the same heading"))
        from generator.input.model import roman

        if not problems and numerals != [roman(k) for k in range(1, len(numerals) + 1)]:
            problems.append(_("not numbered I, II, … in order"))
    notes = [_("a single annex needs no number")] if len(headings) == 1 and numerals[0] == "I" else []
    return [_judged(_("annexes"), found, asks, problems, notes)]


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
