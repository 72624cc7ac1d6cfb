"""Text pasted from old files in the TCVN3 (ABC, ``.VnTime``) or VNI-Windows encodings.

Before Unicode, Vietnamese was typed in fonts that drew their own letters in place of
Latin-1 ones: a TCVN3 file holds "Céng hoµ x· héi chñ nghÜa ViÖt Nam", a VNI one
"Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam". Pasted into YAML or kept in an Excel
schedule, that text would print as it is. This module finds it and, when the user names
the encoding (``--legacy-encoding tcvn3|vni``), converts it with ``viparse.fix``.

**Detection scores words, not characters.** Every legacy letter is also a Latin-1
character, and many (à á â ã è é ê ì í ò ó ô õ ù ú ý) are Vietnamese letters too, so a
single character proves nothing. A word votes *legacy* when it is not a Vietnamese
syllable as it stands but becomes one once converted ("nh©n" → "nhân", "Vieät" →
"Việt"); it votes *Unicode* when it is a syllable as it stands and stops being one
once converted. A text is legacy when it has a legacy vote and more legacy votes than
Unicode ones. Real Vietnamese words are syllables as they stand, so they never vote
legacy, however many Latin-1 letters they hold (§7 of ``../shared/spec/provinces.md``).

**Conversion is explicit and narrow.** ``viparse.fix(text, encoding="tcvn3")`` is not
safe on Unicode text: "Tây Ninh" comes back "Tõy Ninh", "CÔNG" "CễNG". So only the texts
detection finds are converted, never the others; in a text that mixes Unicode words with
pasted legacy ones, only the words that voted legacy are. The encoding is the user's
choice, never guessed: ``encoding="auto"`` fails on short fields (the spec's measurements).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.i18n import _

__all__ = ["ENCODINGS", "Detection", "convert", "detect", "encoding_of_font", "fix_tree"]

#: The encodings ``--legacy-encoding`` accepts, with the fonts that name them.
ENCODINGS: dict[str, tuple[str, str]] = {
    "tcvn3": ("TCVN3 (ABC)", ".VnTime, .VnArial"),
    "vni": ("VNI-Windows", "VNI-Times, VNI-Helve"),
}

# The characters that a TCVN3 file's bytes turn into when read as Latin-1 (viparse's table).
_TCVN3 = set("¡¢£¤¥¦§¨©ª«¬\xad®µ¶·¸¹»¼½¾ÆÇÈÉÊËÌÎÏÐÑÒÓÔÕÖ×ØÜÝÞßáâãäåæçèéêëìíîïñòóôõö÷øùúûüýþ")
# VNI writes a toned vowel as the base letter and a mark character; ư, ơ, đ, ị, ĩ, ỉ are single characters.
_VNI = set("àáâãäåèéêëïõøùûüÀÁÂÃÄÅÈÉÊËÏÕØÙÛÜÑñÖöÔôÒòÓóÆæ")
_SURFACE = {"tcvn3": _TCVN3, "vni": _VNI}

#: Vietnamese letters no legacy encoding produces: a word holding one was typed in Unicode.
_UNICODE_ONLY = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_ONSETS = ("ngh", "ng", "gh", "gi", "kh", "nh", "ph", "qu", "th", "tr", "ch",
           "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
_CODAS = ("ch", "ng", "nh", "c", "k", "m", "n", "p", "t", "")
_STOPS = ("ch", "c", "k", "p", "t")
#: Vowel groups by what may follow them: a final consonant, nothing, or either.
_NEED_CODA = {"ă", "â", "iê", "yê", "uô", "ươ", "uyê", "oă", "uâ"}
_NO_CODA = {"ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ua", "ui",
            "ưa", "ưi", "ưu", "uơ", "iêu", "yêu", "oai", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "uyu", "uya"}
_EITHER = {"a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "oa", "oe", "uê", "uy"}
# Units written with the micro sign are not TCVN3 "à": "5 µm".
_UNITS = {"µm", "µg", "µl", "µs", "µf", "µa", "µv", "µw", "µmol"}


def _is_syllable(word: str) -> bool:
    """A Vietnamese syllable: onset, vowel group, final consonant and one tone that fit
    together (the final k of Central Highlands names such as Đắk included)."""
    parts = unicodedata.normalize("NFD", word.lower())
    tones = [ch for ch in parts if ch in _TONES]
    if len(tones) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in parts if ch not in _TONES))
    toned = _toned_letter(parts)
    for onset in _ONSETS:
        if not base.startswith(onset):
            continue
        for coda in _CODAS:
            if not base.endswith(coda) or len(base) <= len(onset) + len(coda):
                continue
            vowels = base[len(onset):len(base) - len(coda)]
            if coda in _STOPS and tones not in (["\u0301"], ["\u0323"]):
                continue
            if coda in ("nh", "ch") and vowels[-1] not in "aêiy" or coda == "ng" and vowels in ("ê", "i", "y"):
                continue
            if toned is not None and not _tone_fits(vowels, toned - len(onset), coda):
                continue
            if vowels in _EITHER or (vowels in _NEED_CODA and coda) or (vowels in _NO_CODA and not coda):
                return True
    return False


def _toned_letter(nfd: str) -> int | None:
    """Index, among the word's letters, of the letter that carries the tone mark."""
    letter = -1
    for ch in nfd:
        if not unicodedata.combining(ch):
            letter += 1
        elif ch in _TONES:
            return letter
    return None


def _tone_fits(vowels: str, at: int, coda: str) -> bool:
    """Where a vowel group takes its tone: "chịu" not "chiụ", "Nghệ", "giữa", "hoà"/"hòa"."""
    if at < 0 or at >= len(vowels):
        return False
    if len(vowels) == 1 or vowels in ("oa", "oe", "uy", "uê", "oă", "uơ"):
        return True
    if vowels in _NEED_CODA or vowels in ("uyê",):
        return at == len(vowels) - 1
    if len(vowels) == 3:
        return at == 1
    return at == 0 if not coda else at == len(vowels) - 1


def _capital_inside(word: str) -> bool:
    """A capital accented letter inside a word next to a small one ("BÕn", "ViÖt"): Unicode
    text never has one, TCVN3 draws small accented letters with Latin-1's capitals."""
    return any(b.isupper() and not b.isascii() and (a.islower() or c.islower())
               for a, b, c in zip(word, word[1:], word[2:] + " ", strict=False))


@functools.lru_cache(maxsize=4096)
def _fix(text: str, encoding: str) -> str:
    import viparse

    return unicodedata.normalize("NFC", viparse.fix(text, encoding=encoding))


def _words(text: str) -> Iterator[tuple[int, int]]:
    """Start and end of each word: letters and the legacy encodings' symbol characters."""
    start = None
    for i, ch in enumerate(text):
        inside = ch.isalnum() or ch in _TCVN3 or unicodedata.combining(ch)
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            yield start, i
            start = None
    if start is not None:
        yield start, len(text)


@functools.lru_cache(maxsize=8192)  # a dispatch repeats its words; each vote converts the word
def _vote(word: str, encoding: str) -> int:
    """+1 legacy, -1 Unicode, 0 neither (the word says nothing about ``encoding``)."""
    if (not any(ch in _SURFACE[encoding] for ch in word) or any(ch.isdigit() for ch in word)
            or not any("a" <= ch.lower() <= "z" for ch in word) or word.lower() in _UNITS
            or _UNICODE_ONLY.search(word)):
        return 0
    converted = _fix(word, encoding)
    if converted == word:
        return 0
    as_is, as_legacy = _is_syllable(word), _is_syllable(converted)
    if as_legacy and (not as_is or _capital_inside(word)):
        return 1
    if as_is and not as_legacy:
        return -1
    return 0


@dataclass(frozen=True)
class Detection:
    """What :func:`detect` found: the likely encoding, and the text as typed and as meant (abridged)."""

    encoding: str
    votes: int
    sample: str
    reads: str
    other: int = 0  # the other encoding's legacy votes


def detect(text: str, font: str | None = None) -> Detection | None:
    """The legacy encoding ``text`` seems to be in, or ``None`` for Unicode text.

    ``font`` (an Excel cell's) is strong evidence: a ``.Vn*`` or ``VNI-*`` font with text
    that its encoding would change is legacy whatever the words say.
    """
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return None
    found: dict[str, tuple[int, int, str | None]] = {}
    for encoding in _SURFACE:
        legacy = unicode = 0
        sample = None
        for a, b in _words(text):
            vote = _vote(text[a:b], encoding)
            if vote > 0:
                legacy += 1
                sample = sample or text[a:b]
            elif vote < 0:
                unicode += 1
        found[encoding] = (legacy, unicode, sample)
    by_font = encoding_of_font(font)
    if by_font is not None and _fix(text, by_font) != text:
        return _detection(text, by_font, max(found[by_font][0], 1), font, found)
    best = max(_SURFACE, key=lambda e: (found[e][0] - found[e][1], found[e][0]))
    legacy, unicode, _sample = found[best]
    if legacy >= 1 and legacy > unicode:
        return _detection(text, best, legacy, font, found)
    return None


def _detection(text: str, encoding: str, votes: int, font: str | None,
               found: dict[str, tuple[int, int, str | None]]) -> Detection:
    other = max((v[0] for e, v in found.items() if e != encoding), default=0)
    return Detection(encoding, votes, _abridged(text), _abridged(convert(text, encoding, font)), other)


def _abridged(text: str, limit: int = 48) -> str:
    """``text`` shown in a message: soft hyphens visible, at most ``limit`` characters."""
    text = text.replace("\xad", "\u2010")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def encoding_of_font(font: str | None) -> str | None:
    """``tcvn3`` for the ``.Vn*`` fonts, ``vni`` for ``VNI-*``, ``None`` for Unicode fonts."""
    if not font:
        return None
    name = font.strip().lower()
    if name.startswith(".vn"):
        return "tcvn3"
    if name.startswith("vni-") or name.startswith("vni "):
        return "vni"
    return None


def convert(text: str, encoding: str, font: str | None = None) -> str:
    """``text`` with its legacy words converted from ``encoding``; Unicode words kept.

    A text with no letter that only Unicode has is converted whole (its ambiguous words,
    such as TCVN3 "Céng", included). In a text that mixes, only the words that are not
    Vietnamese as typed and are once converted change. TCVN3 has no capital accented
    letters: text typed in a capitals font (``.VnTimeH``), or whose Latin letters are
    all capitals, is converted to capitals.
    """
    text = unicodedata.normalize("NFC", text)
    if not _UNICODE_ONLY.search(text):
        out = _fix(text, encoding)
        if text != text.strip() or "  " in text:  # viparse folds spaces; keep the rest as typed
            out = "".join(
                _fix(part, encoding) if part.strip() else part for part in re.split(r"(\s+)", text)
            )
    else:
        pieces, last = [], 0
        for a, b in _words(text):
            word = text[a:b]
            pieces.append(text[last:a])
            pieces.append(_fix(word, encoding) if _vote(word, encoding) > 0 else word)
            last = b
        pieces.append(text[last:])
        out = "".join(pieces)
    if encoding == "tcvn3":
        letters = [ch for ch in text if "a" <= ch.lower() <= "z"]
        capitals = (font or "").strip().upper().endswith("H") and encoding_of_font(font) == "tcvn3"
        if capitals or (len(letters) >= 2 and all(ch.isupper() for ch in letters)):
            out = out.upper()
    return unicodedata.normalize("NFC", out)


#: Fields holding file paths, not text a reader sees.
_NOT_TEXT = {("signer", "signature_image"), ("signer", "seal_image"), ("templates",)}

Place = tuple[Any, ...]


def fix_tree(data: Any, encoding: str | None,
             font_at: Callable[[Place], str | None] = lambda loc: None) -> list[tuple[Place, str]]:
    """Find legacy text in every string of the YAML data, converting it in place when
    ``encoding`` is given. Returns ``(field path, message)`` for what is left."""
    problems: list[tuple[Place, str]] = []

    def visit(node: Any, loc: Place) -> None:
        if isinstance(node, dict):
            for key in list(node):
                value = node[key]
                if isinstance(value, str):
                    node[key] = check(value, (*loc, key))
                else:
                    visit(value, (*loc, key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                if isinstance(value, str):
                    node[i] = check(value, (*loc, i))
                else:
                    visit(value, (*loc, i))

    def check(value: str, loc: Place) -> str:
        if loc in _NOT_TEXT or value.isascii():
            return value
        font = font_at(loc)
        found = detect(value, font)
        if found is None:
            return value
        if encoding == found.encoding:
            fixed = convert(value, encoding, font)
            if detect(fixed) is None:
                return fixed
        problems.append((loc, message(found, font, encoding)))
        return value

    visit(data, ())
    return problems


def message(found: Detection, font: str | None, asked: str | None) -> str:
    """What is wrong and how to fix it, in the clerk's words."""
    name, fonts = ENCODINGS[found.encoding]
    if encoding_of_font(font) == found.encoding:
        what = _("the cell's font is {font}, an old {encoding} font, and its text is in that encoding "
                 "('{sample}' means '{reads}').", font=font, encoding=name, sample=found.sample, reads=found.reads)
    else:
        what = _("this text looks pasted from an old file in the {encoding} encoding (fonts {fonts}): "
                 "'{sample}' reads '{reads}'.", encoding=name, fonts=fonts, sample=found.sample,
                 reads=found.reads)
    if asked is not None and asked != found.encoding:
        how = _("It is not in {asked}, which --legacy-encoding {option} converts: run with "
                "--legacy-encoding {right} instead, or retype the text in Unicode.",
                asked=ENCODINGS[asked][0], option=asked, right=found.encoding)
    elif asked is not None:
        how = _("It mixes Unicode with {encoding} in a way that cannot be converted safely: retype it "
                "in Unicode.", encoding=name)
    else:
        how = _("Run again with --legacy-encoding {option} to convert it, or retype it in Unicode "
                "(or convert it with Unikey's converter, {encoding} to Unicode).",
                option=found.encoding, encoding=name)
    return f"{what} {how}"
