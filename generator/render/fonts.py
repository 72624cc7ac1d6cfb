"""The embedded serif: its files, its glyph coverage and text widths.

The PDF embeds Liberation Serif 2.x, metric-compatible with Times New Roman (the
font NĐ 30 names), from ``assets/fonts``; nothing else. A character the font lacks
would be drawn by some other font, or as an empty box, so it is refused before
rendering with the field that holds it.

Why the PDF embeds a *prepared subset* (:func:`pdf_faces`): left to itself,
WeasyPrint subsets each font for each document with fontTools, which spends most of
a render decompiling Liberation Serif's 2,600 glyphs and layout tables (about 0.3 s
a face, 1.2 s a copy). The subset here is made once per machine and keeps every
glyph of the scripts a dispatch can use (Latin with Vietnamese, Greek, punctuation,
currency, arrows, mathematical signs), with its kerning and outlines unchanged; the
PDF then embeds it whole. Characters outside it are refused like missing glyphs.
"""

from __future__ import annotations

import contextlib
import functools
import unicodedata
from pathlib import Path
from typing import Any

from generator.atomic import write_cache_bytes
from generator.errors import InputError, RenderError
from generator.i18n import _
from generator.resources import FONTS_DIR

__all__ = [
    "FACES",
    "FAMILY",
    "PDF_RANGES",
    "check_coverage",
    "face_path",
    "pdf_faces",
    "text_width_mm",
    "uncovered",
]

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
        raise RenderError(_(
            "font file missing: {path}. Reinstall congvan, or restore assets/fonts from git.", path=path
        ))
    return path


@functools.cache
def _font(bold: bool, italic: bool) -> Any:
    import io

    from fontTools.ttLib import TTFont

    # From bytes, so no file handle stays open for the life of the process.
    return TTFont(io.BytesIO(face_path(bold, italic).read_bytes()))


#: Unicode blocks the prepared subset keeps: Basic Latin, Latin-1, Latin Extended-A/B
#: (Ơ ơ Ư ư), combining marks, Greek, Latin Extended Additional (Vietnamese), general
#: punctuation, currency (₫), letterlike symbols (№), arrows, mathematical operators.
PDF_RANGES = (
    (0x0020, 0x007E), (0x00A0, 0x024F), (0x0300, 0x036F), (0x0370, 0x03FF),
    (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F),
    (0x2190, 0x21FF), (0x2200, 0x22FF),
)


@functools.cache
def _coverage() -> frozenset[int]:
    """Code points the PDF can draw: in all four faces and in :data:`PDF_RANGES`.

    Worked out from the faces' character maps once per machine (0.15 s, at every start
    before) and kept beside the prepared faces, whose folder name changes with the faces.
    """
    kept = prepared_folder() / "coverage.txt"
    with contextlib.suppress(OSError, ValueError):
        if known := frozenset(int(code, 16) for code in kept.read_text(encoding="ascii").split()):
            return known
    sets = [set(_font(b, i).getBestCmap()) for (b, i) in FACES]
    both = set.intersection(*sets)
    covered = frozenset(c for c in both if any(lo <= c <= hi for lo, hi in PDF_RANGES))
    write_cache_bytes(kept, " ".join(f"{c:x}" for c in sorted(covered)).encode("ascii"))
    return covered


@functools.lru_cache(maxsize=1)
def prepared_folder() -> Path:
    """The cache folder of the prepared faces: its name hashes the source fonts, the
    fontTools version and the ranges, so a change to any of them makes a new one.

    The PDF draws every letter and digit with the faces in it, so it must be the user's
    own: under the user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``, then
    ``congvan/``), else ``congvan-<uid>`` in the temporary folder. A folder owned by
    someone else, or that others may write into (another user could have made it first
    in a shared ``/tmp`` and put other fonts there), is passed over; failing both, a new
    private folder serves this process.
    """
    import hashlib
    import os
    import tempfile

    import fontTools

    h = hashlib.sha256(fontTools.version.encode() + repr(PDF_RANGES).encode())
    for key in sorted(FACES):
        h.update(face_path(*key).read_bytes())
    name = f"fonts-{h.hexdigest()[:16]}"
    home_cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    owner = os.getuid() if hasattr(os, "getuid") else "user"  # Windows: the temporary folder is the user's own
    for base in (Path(home_cache) / "congvan", Path(tempfile.gettempdir()) / f"congvan-{owner}"):
        folder = base / name
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError:
            continue
        if _private(base) and _private(folder) and os.access(folder, os.W_OK):
            return folder
    return Path(tempfile.mkdtemp(prefix="congvan-fonts-"))


def _private(folder: Path) -> bool:
    """Whether ``folder`` is the user's and no one else may write into it. On Windows (no
    user ids or permission bits: folders under the user's profile are private by their
    access lists) any folder that can be made there is."""
    import os
    import stat

    if not hasattr(os, "getuid"):
        return True
    info = folder.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


@functools.lru_cache(maxsize=1)
def pdf_faces() -> dict[tuple[bool, bool], Path]:
    """The prepared subsets the PDF embeds, made on first use and kept in a cache folder
    (:func:`prepared_folder`)."""
    import io

    from fontTools import subset

    folder = prepared_folder()
    out: dict[tuple[bool, bool], Path] = {}
    for key, name in sorted(FACES.items()):
        path = folder / name
        if not path.is_file():
            options = subset.Options()
            options.layout_features = ["*"]
            options.name_IDs = ["*"]
            options.name_languages = ["*"]
            options.notdef_outline = True
            options.hinting = False
            options.drop_tables += ["FFTM"]
            sub = subset.Subsetter(options)
            sub.populate(unicodes=_coverage())
            copy = subset.load_font(io.BytesIO(face_path(*key).read_bytes()), options)
            copy.recalcTimestamp = False  # keep head.modified: same bytes on every machine
            sub.subset(copy)
            data = io.BytesIO()
            copy.save(data)
            write_cache_bytes(path, data.getvalue())
        out[key] = path
    return out


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
                        _(
                            "the character {char} (U+{code} {name}) is not in the font {family} as "
                            "the PDF embeds it, so it cannot be printed. Remove or replace it.",
                            char=repr(ch), code=f"{ord(ch):04X}", name=name, family=FAMILY,
                        ),
                    )
                )
