"""What every PDF of a process shares, made once: WeasyPrint's per-document work that
does not change between the copies of a batch.

WeasyPrint writes each document from scratch. For a batch of 63 copies that embed the
same four faces and the same QR images, most of a copy's writing time went into
rebuilding, for every copy, objects whose bytes never change: each face's parsed
widths and character map, its compressed font file, the PNG data of each image. The
hooks here let WeasyPrint build each of those once per process and hand back the same
bytes afterwards. They change no output: every PDF is byte-identical to one written by plain
WeasyPrint (the batch tests compare a copy made alone in a fresh process with the same
copy made after others).

:func:`share_across_documents` installs them; it is called by the PDF renderer.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
from typing import Any

import pydyf

__all__ = ["share_across_documents"]


@functools.lru_cache(maxsize=1)
def share_across_documents() -> None:
    """Install the hooks (once per process; WeasyPrint must be importable)."""
    _replay_font_dictionaries()
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
        # WeasyPrint's FixedPitch flag: every glyph the document prints from the face has one
        # width (one glyph printed is enough: a print index's one-letter italic title).
        len(widths) == 1,
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
            head, sep, tail = (data.partition(b"\nstream\n") if isinstance(obj, pydyf.Stream)
                               else (data, b"", b""))
            objects.append((obj.compressible, head, sep + tail))
        index = {}
        for name, reference in result.items():
            number = int(reference.split()[0])
            index[name] = number - cls.BASE
        return cls(objects, index)

    def replay(self, pdf: Any) -> Any:
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


class _Fixed(pydyf.Object):
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
