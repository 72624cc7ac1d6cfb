"""The embedded serif: its files, its glyph coverage and text widths.

The PDF embeds Liberation Serif 2.x, metric-compatible with Times New Roman (the
font NĐ 30 names), from ``assets/fonts``; nothing else. A character the font lacks
would be drawn by some other font, or as an empty box, so it is refused before
rendering with the field that holds it.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path
from typing import Any

from .errors import InputError, RenderError
from .resources import FONTS_DIR

__all__ = ["FACES", "FAMILY", "check_coverage", "face_path", "text_width_mm", "uncovered"]

#: The family name the PDF's fonts carry, and the face files per (bold, italic).
FAMILY = "Liberation Serif"
FACES = {
    (False, False): "LiberationSerif-Regular.ttf",
    (True, False): "LiberationSerif-Bold.ttf",
    (False, True): "LiberationSerif-Italic.ttf",
    (True, True): "LiberationSerif-BoldItalic.ttf",
}


def face_path(bold: bool = False, italic: bool = False) -> Path:
    path = FONTS_DIR / FACES[(bold, italic)]
    if not path.is_file():
        raise RenderError(
            f"font file missing: {path}. Reinstall congvan, or restore assets/fonts from git."
        )
    return path


@functools.lru_cache(maxsize=None)
def _font(bold: bool, italic: bool) -> Any:
    import io

    from fontTools.ttLib import TTFont

    # From bytes, so no file handle stays open for the life of the process.
    return TTFont(io.BytesIO(face_path(bold, italic).read_bytes()))


@functools.lru_cache(maxsize=None)
def _coverage() -> frozenset[int]:
    """Code points every face can draw (a glyph must exist in all four)."""
    sets = [set(_font(b, i).getBestCmap()) for (b, i) in FACES]
    return frozenset(set.intersection(*sets))


def text_width_mm(text: str, size_pt: float, *, bold: bool = False, italic: bool = False) -> float:
    """The advance width of ``text`` set at ``size_pt``, in millimetres (no kerning)."""
    font = _font(bold, italic)
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    units = sum(hmtx[cmap[ord(c)]][0] for c in text if ord(c) in cmap)
    return units / font["head"].unitsPerEm * size_pt * 25.4 / 72


def uncovered(data: Any) -> list[tuple[tuple[Any, ...], str]]:
    """Every character of every text in ``data`` (a model dump) the font cannot draw.

    Returns ``(field path, what is wrong)`` pairs, for the caller to place.
    """
    problems: list[tuple[tuple[Any, ...], str]] = []
    _walk(data, (), problems)
    return problems


def check_coverage(data: Any) -> None:
    """Raise :class:`InputError` if any text in ``data`` holds a character the font lacks."""
    problems = uncovered(data)
    if problems:
        raise InputError([f"{'.'.join(map(str, loc))}: {what}" for loc, what in problems])


def _walk(value: Any, loc: tuple[Any, ...], problems: list[tuple[tuple[Any, ...], str]]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _walk(v, (*loc, k), problems)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _walk(v, (*loc, i), problems)
    elif isinstance(value, str):
        covered = _coverage()
        for ch in dict.fromkeys(value):
            if ord(ch) not in covered and not ch.isspace():
                name = unicodedata.name(ch, "unnamed character")
                problems.append(
                    (
                        loc,
                        f"the character {ch!r} (U+{ord(ch):04X} {name}) is not in the font "
                        f"{FAMILY}, so it cannot be printed. Remove or replace it.",
                    )
                )
