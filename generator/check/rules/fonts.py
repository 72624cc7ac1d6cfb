"""Typeface, colour and encoding of the whole file (§1)."""

from __future__ import annotations

import re
from collections import Counter

from generator.check.doc import Line
from generator.check.report import FAIL, NOT_EVALUATED, PASS, WARN
from generator.check.rules.base import Ctx, Out, _quote, nfc, where
from generator.i18n import _

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
