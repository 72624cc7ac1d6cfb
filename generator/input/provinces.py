"""Provinces that know the date: codes, names, unit words, successors, and name matching.

The registry is the data file ``generator/input/data/provinces.csv``: the 63 provinces in
force until 30 June 2025 (Thừa Thiên Huế a province until 31 December 2024, then
Thành phố Huế) and the 34 from 1 July 2025, each row valid over a date range. Codes
are reused with a new meaning after the reform (24 is Bắc Giang before and Bắc Ninh
after), so a code or a name means nothing without a date. Facts and pitfalls:
``../shared/spec/provinces.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from generator.errors import InputError
from generator.i18n import _

__all__ = ["Province", "ProvinceError", "in_force", "key", "match", "place_tones", "recipient_name"]

_DATA = Path(__file__).resolve().parent / "data" / "provinces.csv"
_FAR_PAST = dt.date(1900, 1, 1)
_FAR_FUTURE = dt.date(9999, 12, 31)


@dataclass(frozen=True)
class Province:
    """A province-level unit as it stood over ``valid_from``–``valid_to``."""

    code: str
    name: str
    #: "tỉnh", "thành phố", or "Thành phố" for a city named after a person (NĐ 30,
    #: Phụ lục II: "Thành phố Hồ Chí Minh"), as written after "Ủy ban nhân dân".
    unit: str
    valid_from: dt.date
    valid_to: dt.date
    successor: str | None
    note: str = ""

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on <= self.valid_to

    @property
    def full_name(self) -> str:
        """"tỉnh Bắc Giang", "thành phố Hà Nội", "Thành phố Hồ Chí Minh"."""
        return f"{self.unit} {self.name}"


class ProvinceError(InputError):
    """A province name that matches nothing, or nothing in force on the dispatch's date."""


@functools.lru_cache(maxsize=1)
def _all() -> tuple[Province, ...]:
    with _DATA.open(encoding="utf-8", newline="") as fh:
        return tuple(
            Province(
                code=row["code"],
                name=row["name"],
                unit=row["unit"],
                valid_from=dt.date.fromisoformat(row["valid_from"]) if row["valid_from"] else _FAR_PAST,
                valid_to=dt.date.fromisoformat(row["valid_to"]) if row["valid_to"] else _FAR_FUTURE,
                successor=row["successor"] or None,
                note=row["note"],
            )
            for row in csv.DictReader(fh)
        )


def in_force(on: dt.date) -> list[Province]:
    """The provinces in force on ``on``, by code."""
    return sorted((p for p in _all() if p.in_force(on)), key=lambda p: p.code)


_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")
_D = str.maketrans({"Đ": "d", "đ": "d", "Ð": "d", "ð": "d"})
_PREFIX = re.compile(r"^(tinh|thanh pho|tp\.?|t\.p\.?|thu do)\s*")

#: Old spellings, abbreviations and nicknames clerks type, by key (see :func:`key`).
ALIASES = {
    "hcm": "hochiminh", "tphcm": "hochiminh", "saigon": "hochiminh", "sg": "hochiminh",
    "hn": "hanoi", "brvt": "bariavungtau", "daclac": "daklak", "daclak": "daklak",
    "dacnong": "daknong", "baccan": "backan", "kontum": "kontum",
}


# Cached: matching a plan compares each typed name with every province's key.
@functools.lru_cache(maxsize=4096)
def key(text: str) -> str:
    """The matching key of a province name: "TP. Hồ Chí Minh" -> "hochiminh".

    NFKC, dashes unified, Đ/đ (and the mojibake Ð/ð) to d, tone and vowel marks
    stripped, lower case, the administrative prefix dropped, spaces and punctuation
    dropped (``../shared/spec/provinces.md`` §4).
    """
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_D)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = " ".join(text.lower().split())
    text = _PREFIX.sub("", text)
    folded = re.sub(r"[\s.\-_,]", "", text)
    return ALIASES.get(folded, folded)


def match(text: str, on: dt.date) -> Province:
    """The province called ``text`` on the date ``on``.

    Raises :class:`ProvinceError` naming the closest provinces when nothing matches,
    and saying what a province became when it no longer exists on that date.
    """
    k = key(text)
    current = in_force(on)
    for p in current:
        if key(p.name) == k:
            return p
    for p in sorted(_all(), key=lambda p: p.valid_to, reverse=True):
        if key(p.name) == k and not p.in_force(on):
            if p.valid_to < on:
                later = _successor(p, on)
                merged = sum(1 for q in _all() if q.successor == later.code and q.valid_to == p.valid_to) > 1
                message = (
                    "{text} no longer exists on {on}: on {since} it became part of {new}. Write {name}."
                    if merged else "{text} no longer exists on {on}: on {since} it became {new}. Write {name}."
                )
                raise ProvinceError([_(
                    message, text=repr(text), on=f"{on:%d/%m/%Y}",
                    since=f"{p.valid_to + dt.timedelta(days=1):%d/%m/%Y}", new=later.full_name,
                    name=repr(later.name),
                )])
            # A later name of a province in force (Thành phố Huế for Thừa Thiên Huế in 2022)
            # means that province; anything else did not exist yet.
            earlier = [q for q in current if q.code == p.code and q.successor == p.code]
            if earlier:
                return earlier[0]
            raise ProvinceError([_(
                "{text} does not exist yet on {on}: it was created on {created}.",
                text=repr(text), on=f"{on:%d/%m/%Y}", created=f"{p.valid_from:%d/%m/%Y}",
            )])
    names = {key(p.name): p.name for p in current}
    close = difflib.get_close_matches(k, list(names), n=3, cutoff=0.6)
    hint = _("Did you mean {names}?", names=_(" or ").join(repr(names[c]) for c in close)) if close else _(
        "Check the spelling against the list of provinces in force on that date.")
    raise ProvinceError([_("{text} is not a province on {on}. {hint}", text=repr(text), on=f"{on:%d/%m/%Y}",
                           hint=hint)])


def _successor(p: Province, on: dt.date) -> Province:
    seen = set()
    while p.successor and not p.in_force(on) and p.code not in seen:
        seen.add(p.code)
        after = p.valid_to + dt.timedelta(days=1)
        nxt = [q for q in _all() if q.code == p.successor and q.in_force(after)]
        if not nxt:
            break
        p = nxt[0]
    return p


_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_SYLLABLE = re.compile(r"\w+", re.UNICODE)


# Cached: a batch passes every string of each of its 63 copies through here, and the
# copies share almost all of them (0.45 s of a batch's start before the cache).
@functools.lru_cache(maxsize=8192)
def place_tones(text: str, style: str = "new") -> str:
    """Move the tone of a syllable-final oa/oe/uy: "Hoà" <-> "Hòa" ("new" puts it on
    the second vowel, "old"... on the first... see below).

    In the *new* style (used by state documents: "Hòa Bình", "Thanh Hóa", "Ủy ban")
    the tone sits on the first vowel of a final oa/oe/uy; in the *old* style ("Hoà
    Bình", "Uỷ ban") on the second. Untouched: after "q" ("Quý"), or when a consonant
    follows ("Hoàng", "Thuyết").
    """
    if style not in ("new", "old"):
        raise ValueError("style is 'new' or 'old'")
    return _SYLLABLE.sub(lambda m: _syllable(m.group(0), style), unicodedata.normalize("NFC", text))


@functools.lru_cache(maxsize=8192)
def _syllable(word: str, style: str) -> str:
    nfd = unicodedata.normalize("NFD", word)
    tones = [c for c in nfd if c in _TONE_MARKS]
    if len(tones) != 1:
        return word
    bare = "".join(c for c in nfd if c not in _TONE_MARKS)
    base = unicodedata.normalize("NFC", bare)
    low = base.lower()
    for pair in ("oa", "oe", "uy"):
        if low.endswith(pair) and not (pair == "uy" and low.endswith("quy")):
            if len(low) >= 3 and pair[0] == "u" and low[-3] == "q":
                return word
            i = len(base) - (2 if style == "new" else 1)
            letters = list(base)
            letters[i] = unicodedata.normalize("NFC", letters[i] + tones[0])
            return "".join(letters)
    return word


def recipient_name(province: Province, template: str = "Ủy ban nhân dân {unit} {name}", *,
                   tones: str = "new") -> str:
    """The body a per-province copy is addressed to: "Ủy ban nhân dân tỉnh Bắc Giang".

    ``template`` names another body if needed ("Sở Thông tin và Truyền thông {unit}
    {name}"); ``{unit}`` is "tỉnh", "thành phố" or "Thành phố" (for Thành phố Hồ Chí
    Minh, NĐ 30, Phụ lục II). ``tones`` picks one tone-mark style for the document.
    """
    return place_tones(template.format(unit=province.unit, name=province.name), tones)
