"""Vietnamese text rules that Decree 30/2020 fixes: dates, numbers, sub-item letters.

Every rule here is small and pure, so both renderers and the tests share one
definition of what a reader must see (``../shared/spec/nd30.md`` §3 "Details").
"""

from __future__ import annotations

import unicodedata

__all__ = [
    "nfc",
    "full_date",
    "short_date",
    "document_number",
    "sub_item_letters",
    "slug",
    "join_recipient_lines",
]

#: Letters for sub-items a), b), … in Vietnamese alphabetical order (NĐ 30, Phụ lục I,
#: II.6.đ): "đ" follows "d", and there is no f, j, w or z.
VIETNAMESE_LETTERS = "a b c d đ e g h i k l m n o p q r s t u v x y".split()


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the only form the project stores or emits."""
    return unicodedata.normalize("NFC", text)


def day_str(day: int) -> str:
    """Days 1–9 get a leading zero (NĐ 30, Phụ lục I, II.4.b)."""
    return f"{day:02d}"


def month_str(month: int) -> str:
    """Only months 1 and 2 get a leading zero: "tháng 01", "tháng 02", "tháng 3"."""
    return f"{month:02d}" if month <= 2 else str(month)


def full_date(year: int, month: int | None, day: int | None, *, blank: str) -> str:
    """The date as the Decree writes it: "ngày 05 tháng 01 năm 2020".

    A draft may leave the day and month blank; ``blank`` is then printed in their
    place, so the signer's office can write them in by hand, as the reference shows
    ("ngày       tháng      năm 2022").
    """
    d = day_str(day) if day is not None else blank
    m = month_str(month) if month is not None else blank
    return f"ngày {d} tháng {m} năm {year}"


def short_date(year: int, month: int, day: int) -> str:
    """The short form used inside body text and plan tables: "9/9/2022", "12/9/2022"."""
    return f"{day}/{month}/{year}"


def document_number(number: int | None, code: str, *, blank: str) -> str:
    """The "Số" value: numbers below 10 are written 01–09, larger ones as they are.

    A draft has no number yet: ``blank`` keeps the space where the registry
    clerk writes it ("Số:           /BTTTT-CĐSQG").
    """
    if number is None:
        return f"{blank}/{code}"
    return f"{number:02d}/{code}"


def sub_item_letters(count: int) -> list[str]:
    """The first ``count`` sub-item letters, "a" to "y" in Vietnamese order.

    Past "y" the letters double ("aa", "bb", …) rather than restart, so a label is
    never repeated within one directive.
    """
    letters = []
    for i in range(count):
        base = VIETNAMESE_LETTERS[i % len(VIETNAMESE_LETTERS)]
        letters.append(base * (i // len(VIETNAMESE_LETTERS) + 1))
    return letters


def join_recipient_lines(names: list[str]) -> list[str]:
    """Recipient lines under "Kính gửi:": "- X;" each, the last ending "."."""
    lines = [f"- {name};" for name in names]
    if lines:
        lines[-1] = lines[-1][:-1] + "."
    return lines


#: Đ/đ, and the look-alike Ð/ð a text pasted through the wrong code page carries.
_FOLD = str.maketrans({"Đ": "D", "đ": "d", "Ð": "D", "ð": "d"})


def fold(text: str) -> str:
    """``text`` without tone and vowel marks, case kept: "Đà Nẵng" -> "Da Nang".

    Đ/đ have no canonical decomposition, so they are mapped before NFD. For matching
    what a person typed with or without marks, and for file names; never for what is
    printed.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slug(text: str) -> str:
    """An ASCII file-name slug: "Bà Rịa – Vũng Tàu" -> "ba-ria-vung-tau": the text
    folded (:func:`fold`), any run of other characters one hyphen
    (``../shared/spec/provinces.md`` §6).
    """
    out, dash = [], False
    for ch in fold(text).lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")
