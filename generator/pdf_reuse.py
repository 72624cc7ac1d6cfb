"""What every PDF of a process shares, made once: WeasyPrint's per-document work that
does not change between the copies of a batch.

WeasyPrint writes each document from scratch. For a batch of 63 copies that embed the
same four faces and the same QR images, most of a copy's writing time went into
rebuilding, for every copy, objects whose bytes never change: each face's widths and
character map, its compressed font file, the PNG data of each image. The hooks here
let WeasyPrint build each of those once per process and hand back the same bytes
afterwards. They change no output: every PDF is byte-identical to one written by plain
WeasyPrint (the batch tests compare a copy made alone in a fresh process with the same
copy made after others).

:func:`share_across_documents` installs them; it is called by the PDF renderer.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import zlib
from typing import Any

from . import fonts

__all__ = ["share_across_documents"]


@functools.lru_cache(maxsize=1)
def share_across_documents() -> None:
    """Install the hooks (once per process; WeasyPrint must be importable)."""
    _replay_font_dictionaries()
    _parse_our_fonts_once()
    _compress_large_streams_once()
    _keep_png_data()


# --- the font dictionary ----------------------------------------------------------------

def _replay_font_dictionaries() -> None:
    """Build the PDF objects of a set of embedded faces once, then replay their bytes.

    With whole faces embedded (``full_fonts``), the objects WeasyPrint's
    ``build_fonts_dictionary`` makes for a face (font file, descriptor, CID font with
    the widths of ~1,100 glyphs, character map) depend on the face alone, not on the
    text: about 40 ms a copy spent making the same bytes again. The first document
    that uses a given list of faces has them built by WeasyPrint as usual, under
    numbers no real PDF reaches; their bytes are kept, and later documents get the
    same objects, renumbered into place. A face whose objects may depend on the text
    (subset, glyphs missing, variable, colour or bitmap faces, faces in forms) is
    built by WeasyPrint every time.
    """
    import weasyprint.pdf as wp_pdf

    original = wp_pdf.build_fonts_dictionary
    if getattr(original, "replays", False):
        return
    kept: dict[tuple[Any, ...], _Recording] = {}

    def build_fonts_dictionary(pdf: Any, fonts: dict[str, Any], compress: bool, subset: bool,
                               options: dict[str, Any]) -> Any:
        faces = list(fonts.values())
        if subset or not faces or not all(_replayable(f) for f in faces):
            return original(pdf, fonts, compress, subset, options)
        key = (compress, options.get("hinting"), str(options.get("pdf_version")),
               tuple(_face_key(f) for f in faces))
        if key not in kept:
            if len(kept) >= 16:
                kept.clear()
            kept[key] = _Recording.of(original, fonts, compress, subset, options)
        return kept[key].replay(pdf)

    build_fonts_dictionary.replays = True  # type: ignore[attr-defined]
    wp_pdf.build_fonts_dictionary = build_fonts_dictionary


def _replayable(font: Any) -> bool:
    """Whether WeasyPrint's objects for ``font`` depend on the face alone (a font object
    of another WeasyPrint, lacking one of these attributes, is built as usual)."""
    try:
        return not (font.bitmap or font.missing or font.used_in_forms or font.png or font.svg
                    or font.colr or font.variations or "fvar" in font.tables)
    except AttributeError:
        return False


def _face_key(font: Any) -> tuple[Any, ...]:
    """Everything of ``font`` that ``build_fonts_dictionary`` reads when not subsetting."""
    widths = set(font.widths.values())
    return (
        font.hash, font.name, font.family, font.type, font.index, font.upem, font.ascent,
        font.descent, font.flags, font.italic_angle, font.stemv, font.stemh,
        len(font.widths) > 1 and len(widths) == 1,  # the FixedPitch flag looks at the used glyphs
        hashlib.sha256(font.file_content).digest(),
    )


class _Recording:
    """The PDF objects of one build of the font dictionary, as bytes to renumber."""

    #: Object numbers given while recording: far above any real PDF's, so a reference
    #: to one (``1000000005 0 R``) cannot be mistaken for anything else.
    BASE = 1_000_000_000
    _REFERENCE = re.compile(rb"(?<![0-9])(1[0-9]{9}) 0 R")

    def __init__(self, objects: list[tuple[bool, bytes, bytes]], fonts: dict[str, int]) -> None:
        #: (compressible, the bytes that may hold references, the stream's bytes after them)
        self.objects = objects
        #: font name in the page resources -> index of its font dictionary
        self.fonts = fonts

    @classmethod
    def of(cls, build: Any, fonts: dict[str, Any], compress: bool, subset: bool,
           options: dict[str, Any]) -> _Recording:
        recorder = _Recorder(cls.BASE)
        result = build(recorder, fonts, compress, subset, options)
        objects = []
        for obj in recorder.objects:
            data = obj.data
            # A stream's content is binary: references can only be in its dictionary.
            head, sep, tail = data.partition(b"\nstream\n") if _is_stream(obj) else (data, b"", b"")
            objects.append((obj.compressible, head, sep + tail))
        index = {}
        for name, reference in result.items():
            number = int(reference.split()[0])
            index[name] = number - cls.BASE
        return cls(objects, index)

    def replay(self, pdf: Any) -> Any:
        import pydyf

        first = len(pdf.objects)

        def renumber(match: re.Match[bytes]) -> bytes:
            return b"%d 0 R" % (first + int(match.group(1)) - self.BASE)

        for compressible, head, tail in self.objects:
            pdf.add_object(_Fixed(self._REFERENCE.sub(renumber, head) + tail, compressible))
        return pydyf.Dictionary({name: b"%d 0 R" % (first + i) for name, i in self.fonts.items()})


class _Recorder:
    """Stands in for ``pydyf.PDF`` while the font dictionary is built: numbers its
    objects from ``base``."""

    def __init__(self, base: int) -> None:
        self.base = base
        self.objects: list[Any] = []

    def add_object(self, obj: Any) -> None:
        obj.number = self.base + len(self.objects)
        self.objects.append(obj)


def _is_stream(obj: Any) -> bool:
    import pydyf

    return isinstance(obj, pydyf.Stream)


@functools.lru_cache(maxsize=1)
def _fixed_class() -> type:
    import pydyf

    class Fixed(pydyf.Object):
        """A PDF object whose bytes are already known."""

        def __init__(self, data: bytes, compressible: bool) -> None:
            super().__init__()
            self._data, self._compressible = data, compressible

        @property
        def data(self) -> bytes:
            return self._data

        @property
        def compressible(self) -> bool:
            return self._compressible

    return Fixed


def _Fixed(data: bytes, compressible: bool) -> Any:  # noqa: N802 - builds a pydyf object
    return _fixed_class()(data, compressible)


# --- images -----------------------------------------------------------------------------

def _keep_png_data() -> None:
    """Encode each image's PNG data once per process, not once per document.

    WeasyPrint re-encodes every raster image (the QR codes, the signature) as PNG for
    each PDF it writes (about 8 ms a copy). The encoding is kept by the image's mode,
    size and pixels, so a changed image is encoded anew.
    """
    from weasyprint.images import RasterImage

    original = RasterImage._get_png_data
    if getattr(original, "kept", False):
        return
    kept: dict[tuple[Any, ...], bytes] = {}

    def get_png_data(pillow_image: Any) -> Any:
        key = _image_key(pillow_image)
        if key not in kept:
            if len(kept) >= 64:
                kept.clear()
            kept[key] = original(pillow_image)
        return kept[key]

    get_png_data.kept = True  # type: ignore[attr-defined]
    RasterImage._get_png_data = staticmethod(get_png_data)


def _image_key(pillow_image: Any) -> tuple[Any, ...]:
    """What the PNG data of ``pillow_image`` depends on.

    An image WeasyPrint has just opened from its file's bytes, not yet decoded, is
    known by those bytes (decoding it only to look at the pixels costs as much as the
    encoding saved); any other by its pixels (and palette, which sets the bit depth).
    """
    source = getattr(pillow_image, "fp", None)
    if isinstance(source, io.BytesIO) and pillow_image.tile:  # tiles left to decode: untouched
        return ("file", pillow_image.format, pillow_image.mode, pillow_image.size,
                hashlib.sha256(source.getvalue()).digest())
    palette = pillow_image.getpalette() if pillow_image.mode == "P" else None
    return ("pixels", pillow_image.mode, pillow_image.size, hashlib.sha256(pillow_image.tobytes()).digest(),
            tuple(palette or ()))


def _parse_our_fonts_once() -> None:
    """Let WeasyPrint parse each of the project's four faces once per process, not per PDF.

    With ``full_fonts`` WeasyPrint embeds a font whole and, for every document,
    parses it again with fontTools to list the widths and characters of all its
    glyphs: a third of the time of a two-page copy. Our faces never change, so the
    parsed font is kept and handed back; WeasyPrint only reads from it (it modifies a
    parsed font only for variable and colour fonts, which ours are not). Any other
    font is parsed as before. The output is the same, byte for byte.
    """
    import hashlib
    import io

    from fontTools.ttLib import TTFont
    from weasyprint.pdf import fonts as wp_fonts

    ours = {hashlib.sha256(path.read_bytes()).digest() for path in fonts.pdf_faces().values()}
    parsed: dict[tuple[bytes, int], Any] = {}

    def parse(file: Any, *args: Any, fontNumber: int = -1, **kwargs: Any) -> Any:  # noqa: N803
        data = file.getvalue() if isinstance(file, io.BytesIO) and not args and not kwargs else None
        key = (hashlib.sha256(data).digest(), fontNumber) if data is not None else None
        if key is None or key[0] not in ours:
            return TTFont(file, *args, fontNumber=fontNumber, **kwargs)
        if key not in parsed:
            parsed[key] = _ParsedFace(TTFont(file, fontNumber=fontNumber))
        return parsed[key]

    if getattr(wp_fonts, "TTFont", None) is TTFont:
        wp_fonts.TTFont = parse


def _compress_large_streams_once() -> None:
    """Let pydyf compress each large stream (our embedded faces) once per process.

    Every PDF embeds the same four faces, and pydyf compresses each again at level 9
    for every document (about 40 ms a copy). pydyf's ``zlib`` is given a stand-in
    that hands back the compressed bytes of an input it has already compressed; zlib
    is deterministic, so the output is the same, byte for byte.
    """
    import pydyf

    if getattr(pydyf, "zlib", None) is zlib:
        pydyf.zlib = _ZlibWithMemory()  # type: ignore[attr-defined]


class _ZlibWithMemory:
    """:mod:`zlib` for pydyf: the same functions, remembering large inputs' results."""

    #: Inputs from this size are remembered (a face is ~80 kB; page streams are smaller).
    LARGE = 48 * 1024

    def __init__(self) -> None:
        self._kept: dict[tuple[bytes, tuple[Any, ...]], bytes] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    def compressobj(self, *args: Any, **kwargs: Any) -> Any:
        return _Compressor(self, (args, tuple(sorted(kwargs.items()))), zlib.compressobj(*args, **kwargs))


class _Compressor:
    """A ``zlib.compressobj`` whose large input is compressed whole on ``compress``."""

    def __init__(self, memory: _ZlibWithMemory, settings: tuple[Any, ...], real: Any) -> None:
        self._memory, self._settings, self._real = memory, settings, real
        self._done = False

    def compress(self, data: bytes) -> bytes:
        if self._done or len(data) < _ZlibWithMemory.LARGE:
            return bytes(self._real.compress(data))
        import hashlib

        key = (hashlib.sha256(data).digest(), self._settings)
        kept = self._memory._kept
        if key not in kept:
            if len(kept) >= 32:
                kept.clear()
            kept[key] = self._real.compress(data) + self._real.flush()
        self._done = True
        return kept[key]

    def flush(self, *args: Any) -> bytes:
        return b"" if self._done else bytes(self._real.flush(*args))

class _ParsedFace:

    """One of our faces as WeasyPrint's font dictionary reads it, with the answers kept.

    WeasyPrint asks a parsed font for the width of every glyph
    (``getGlyphSet().values()``) and for its character map; both are worked out once
    here. Anything else is passed to the fontTools object.
    """

    def __init__(self, font: Any) -> None:
        import types

        self._font = font
        self._glyphs = {name: types.SimpleNamespace(width=g.width) for name, g in font.getGlyphSet().items()}
        self._cmap = font.getBestCmap()
        self._ids = {name: font.getGlyphID(name) for name in set(self._cmap.values())}

    def getGlyphSet(self) -> dict[str, Any]:  # noqa: N802 - fontTools' name
        return self._glyphs

    def getBestCmap(self) -> dict[int, str]:  # noqa: N802
        return self._cmap

    def getGlyphID(self, name: str) -> int:  # noqa: N802
        return self._ids[name] if name in self._ids else int(self._font.getGlyphID(name))

    def __getitem__(self, tag: str) -> Any:
        return self._font[tag]

    def __contains__(self, tag: str) -> bool:
        return tag in self._font

    def __getattr__(self, name: str) -> Any:
        return getattr(self._font, name)
