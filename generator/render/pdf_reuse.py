"""What every PDF of a process shares, made once: WeasyPrint's per-document work that
does not change between the copies of a batch.

WeasyPrint writes each document from scratch. For a batch of 63 copies that embed the
same four faces and the same QR images, most of a copy's writing time went into
rebuilding, for every copy, objects whose bytes never change: each face's parsed
widths and character map, its compressed font file, the PNG data of each image. The
hooks here let WeasyPrint build each of those once per process and hand back the same
bytes afterwards; and they let it compute each element's style, and break and shape
each line of text, once, as the copies share most of their elements and paragraphs,
which WeasyPrint styles, lays out and draws again in every copy. They change no output:
every PDF is byte-identical to one written by plain WeasyPrint (the batch tests compare
a copy made alone in a fresh process with the same copy made after others; the PDF
tests, documents styled in many ways made one after another with the hooks and without).

:func:`share_across_documents` installs them; it is called by the PDF renderer.
"""

from __future__ import annotations

import collections
import contextlib
import copy
import functools
import hashlib
import io
import re
from typing import Any

import pydyf

from generator.errors import RenderError

__all__ = ["share_across_documents"]


@functools.lru_cache(maxsize=1)
def share_across_documents() -> None:
    """Install the hooks (once per process; WeasyPrint must be importable)."""
    _replay_font_dictionaries()
    _keep_png_data()
    _keep_line_breaks()
    _keep_shaped_lines()
    _keep_computed_styles()


# --- the font dictionary ----------------------------------------------------------------

def _replay_font_dictionaries() -> None:
    """Build the PDF objects of each embedded face once, then replay their bytes.

    With whole faces embedded (``full_fonts``), the objects WeasyPrint's
    ``build_fonts_dictionary`` makes for a face (font file, descriptor, CID font with
    the widths of ~1,100 glyphs, character map) depend on the face alone, not on the
    text: about 40 ms a copy spent making the same bytes again. The first time a face
    is met, WeasyPrint builds its objects as usual, under numbers no real PDF reaches;
    their bytes are kept, in this process and in the prepared faces' cache folder
    (:func:`_stored`), and every later document, in this process or the next, gets the
    same objects, renumbered into place in the order WeasyPrint gives them (every face's
    font file first, then each face's other objects). A face whose objects may depend
    on the text (subset, glyphs missing, variable, colour or bitmap faces, faces in
    forms), or two faces of one file, are built by WeasyPrint every time.
    """
    import weasyprint.pdf as wp_pdf

    original = wp_pdf.build_fonts_dictionary
    if getattr(original, "replays", False):
        return
    kept: dict[tuple[Any, ...], _Recording] = {}

    def build_fonts_dictionary(pdf: Any, fonts: dict[str, Any], compress: bool, subset: bool,
                               options: dict[str, Any]) -> Any:
        faces = list(fonts.values())
        if (subset or not faces or not all(_replayable(f) for f in faces)
                or len({f.hash for f in faces}) != len(faces)):
            return original(pdf, fonts, compress, subset, options)
        settings = (compress, options.get("hinting"), str(options.get("pdf_version")))
        recordings = []
        for name, font in fonts.items():
            key = (*settings, _face_key(font))
            if key not in kept:
                if len(kept) >= 32:
                    kept.clear()
                kept[key] = _stored(key) or _store(key, _Recording.of(original, {name: font}, compress, subset,
                                                                       options))
            recordings.append(kept[key])
        return _Recording.replay_faces(pdf, recordings)

    build_fonts_dictionary.replays = True  # type: ignore[attr-defined]
    wp_pdf.build_fonts_dictionary = build_fonts_dictionary


def _stored_name(key: tuple[Any, ...]) -> str:
    """The file a face's recording is kept in: named by its key and the versions of the
    libraries that wrote the bytes, so that another version records anew."""
    import importlib.metadata

    versions = [importlib.metadata.version(n) for n in ("weasyprint", "pydyf")]
    return "pdf-objects-" + hashlib.sha256(repr((versions, key)).encode()).hexdigest()[:32] + ".json"


def _stored(key: tuple[Any, ...]) -> _Recording | None:
    """A face's recording as an earlier process kept it, if it is there and whole."""
    import json

    from generator.render import fonts

    try:
        data = json.loads((fonts.prepared_folder() / _stored_name(key)).read_text(encoding="ascii"))
        objects = [(bool(c), bytes.fromhex(head), bytes.fromhex(tail)) for c, head, tail in data["objects"]]
        faces = {str(name): int(index) for name, index in data["fonts"].items()}
        if not objects or sorted(faces.values()) != [len(objects) - 1]:
            return None
        return _Recording(objects, faces)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _store(key: tuple[Any, ...], recording: _Recording) -> _Recording:
    """Keep ``recording`` for the processes to come (as hex in JSON: nothing in the cache
    folder is ever run or unpickled); a folder that cannot be written keeps nothing."""
    import json

    from generator.atomic import write_cache_bytes
    from generator.render import fonts

    data = {"objects": [[c, head.hex(), tail.hex()] for c, head, tail in recording.objects],
            "fonts": recording.fonts}
    with contextlib.suppress(OSError, RenderError):
        write_cache_bytes(fonts.prepared_folder() / _stored_name(key), json.dumps(data).encode("ascii"))
    return recording


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

    @classmethod
    def replay_faces(cls, pdf: Any, recordings: list[_Recording]) -> Any:
        """Add the objects of each face's recording to ``pdf`` in the order WeasyPrint adds
        a list of faces' (every face's font file, then each face's other objects), each
        reference renumbered; return the fonts dictionary."""
        first = len(pdf.objects)
        numbers = []  # for each recording, its objects' new numbers by recorded index
        after = first + len(recordings)
        for k, recording in enumerate(recordings):
            rest = len(recording.objects) - 1
            numbers.append([first + k, *range(after, after + rest)])
            after += rest
        order = [(r, 0) for r in range(len(recordings))] + [
            (r, i) for r, recording in enumerate(recordings) for i in range(1, len(recording.objects))]
        for r, i in order:
            compressible, head, tail = recordings[r].objects[i]
            new = numbers[r]

            def renumber(match: re.Match[bytes], new: list[int] = new) -> bytes:
                return b"%d 0 R" % new[int(match.group(1)) - cls.BASE]

            pdf.add_object(_Fixed(cls._REFERENCE.sub(renumber, head) + tail, compressible))
        return pydyf.Dictionary({name: b"%d 0 R" % numbers[r][i] for r, recording in enumerate(recordings)
                                 for name, i in recording.fonts.items()})


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


# --- line breaking ----------------------------------------------------------------------

#: The computed style properties WeasyPrint reads to break a line of text
#: (``weasyprint.text.line_break`` and ``weasyprint.text.fonts``): two calls with the same
#: text, width, justification and these values break the line alike.
#: ``tests/test_private_uses.py`` reads WeasyPrint's source for every property those
#: modules read, so a release that reads one more fails there rather than here.
LINE_STYLE = (
    "direction", "font_family", "font_feature_settings", "font_kerning", "font_language_override", "font_size",
    "font_stretch", "font_style", "font_variant_alternates", "font_variant_caps", "font_variant_east_asian",
    "font_variant_ligatures", "font_variant_numeric", "font_variant_position", "font_variation_settings",
    "font_weight", "hyphenate_character", "hyphenate_limit_chars", "hyphenate_limit_zone", "hyphens", "lang",
    "letter_spacing", "line_height", "overflow_wrap", "tab_size", "text_decoration_line", "white_space",
    "word_break", "word_spacing",
)

#: Lines kept, the least recently used dropped first: enough for every paragraph the
#: copies share (about 100 lines a copy of the example, 300 for its annex), bounded so
#: that a batch of thousands of copies, each with its own lines, holds no more than one of 600.
LINES_KEPT = 1024


class _Kept(collections.OrderedDict):  # type: ignore[type-arg]
    """What was made for a key, the least recently used dropped past :data:`LINES_KEPT`."""

    def found(self, key: Any) -> Any:
        """What was kept for ``key`` (now the most recently used), or None."""
        made = self.get(key)
        if made is not None:
            self.move_to_end(key)
        return made

    def keep(self, key: Any, made: Any) -> None:
        self[key] = made
        if len(self) > LINES_KEPT:
            self.popitem(last=False)


def _keep_line_breaks() -> None:
    """Break each line of text once per process, and hand the same line back afterwards.

    WeasyPrint lays out each document whole, so every copy of a batch breaks again the
    lines of the paragraphs all copies share: about 8 ms of a copy's 55. Its
    ``split_first_line`` (as ``weasyprint.layout.inline`` and ``.preferred`` call it)
    is answered from the lines kept, by the text, the available width, the
    justification, the font configuration and the style's :data:`LINE_STYLE`. The
    answer's text layout is a fresh copy each time: WeasyPrint keeps one per text box,
    and changes it when it draws (an ellipsis); what it holds between layout and drawing
    is plain values (the text, the widths), Pango's objects are made again to draw.
    """
    import weasyprint.layout.inline as inline
    import weasyprint.layout.preferred as preferred

    original = inline.split_first_line
    if getattr(original, "keeps_lines", False):
        return
    kept = _Kept()

    def split_first_line(text: str, style: Any, context: Any, max_width: float | None,
                         justification_spacing: float, is_line_start: bool = True,
                         minimum: bool = False) -> tuple[Any, ...]:
        try:
            key = _line_key(text, style, max_width, justification_spacing, is_line_start, minimum)
            line = kept.found(key)
        except (TypeError, KeyError):  # a value that cannot be a key, a style without it (none today)
            return original(text, style, context, max_width, justification_spacing, is_line_start, minimum)
        if line is None:
            line = original(text, style, context, max_width, justification_spacing, is_line_start, minimum)
            kept.keep(key, (copy.copy(line[0]), *line[1:]))
            return line
        return (copy.copy(line[0]), *line[1:])

    # A justified line's text layout, made again with its word spacing and at once put aside
    # (``add_word_spacing``, the one user of ``create_layout`` in ``layout.inline``), is
    # handed out the same way: a new one holding what the first one held, but none of
    # Pango's objects (set to None: putting a layout aside deletes them).
    create_layout = inline.create_layout
    spaced = _Kept()

    def create_spaced_layout(text: str, style: Any, context: Any, max_width: float | None,
                             justification_spacing: float) -> Any:
        try:
            key = _line_key(text, style, max_width, justification_spacing)
            made = spaced.found(key)
        except (TypeError, KeyError):
            return create_layout(text, style, context, max_width, justification_spacing)
        if made is None:
            layout = create_layout(text, style, context, max_width, justification_spacing)
            spaced.keep(key, (type(layout), {**vars(layout), "layout": None, "language": None, "style": None}))
            return layout
        kind, state = made
        layout = object.__new__(kind)
        layout.__dict__.update(state)
        return layout

    split_first_line.keeps_lines = True  # type: ignore[attr-defined]
    split_first_line.__wrapped__ = original  # type: ignore[attr-defined]
    create_spaced_layout.__wrapped__ = create_layout  # type: ignore[attr-defined]
    inline.split_first_line = preferred.split_first_line = split_first_line
    inline.create_layout = create_spaced_layout


def _line_key(text: str, style: Any, *more: Any) -> tuple[Any, ...]:
    """What a line of ``text`` in ``style`` is kept by (:data:`LINE_STYLE`), and ``more``."""
    return (text, style.font_config, tuple(style[name] for name in LINE_STYLE), *more)


def _keep_shaped_lines() -> None:
    """Shape each line of text once per process to draw it, and draw it from that afterwards.

    To draw a line, WeasyPrint makes its text layout again (a Pango context and layout for
    the line's text and style) and Pango shapes the text again: about 3.5 ms of a copy's
    47, for lines the copies share. ``Layout.reactivate`` is answered from the layouts
    kept, by the text, the justification, the font configuration and the style's
    :data:`LINE_STYLE`; a kept Pango layout is then drawn by every line with that key.
    Drawing changes a Pango layout only to put an ellipsis in it (``text-overflow:
    ellipsis``, ``block-ellipsis``): such a line is given a layout of its own first.
    """
    from weasyprint.draw import text as draw_text
    from weasyprint.text.line_break import Layout

    reactivate = Layout.reactivate
    if getattr(reactivate, "keeps_shapes", False):
        return
    draw_first_line = draw_text.draw_first_line
    kept = _Kept()
    own = ("style", "max_width", "justification_spacing")  # the line's, not what reactivating makes

    def kept_reactivate(self: Any, style: Any) -> None:
        try:
            key = _line_key(self.text, style, self.justification_spacing)
            made = kept.found(key)
        except (TypeError, KeyError):  # a value that cannot be a key, an SVG text's style without it
            return reactivate(self, style)
        if made is None:
            reactivate(self, style)
            kept.keep(key, {name: value for name, value in vars(self).items() if name not in own})
            return None
        self.__dict__.update(made)
        self.style = style
        return None

    def draw_first_line_alone(stream: Any, textbox: Any, text_overflow: str, block_ellipsis: Any,
                              matrix: Any) -> Any:
        if text_overflow == "ellipsis" or block_ellipsis != "none":
            reactivate(textbox.pango_layout, textbox.style)  # its own: the ellipsis changes it
        return draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)

    kept_reactivate.keeps_shapes = True  # type: ignore[attr-defined]
    kept_reactivate.__wrapped__ = reactivate  # type: ignore[attr-defined]
    draw_first_line_alone.__wrapped__ = draw_first_line  # type: ignore[attr-defined]
    Layout.reactivate = kept_reactivate
    draw_text.draw_first_line = draw_first_line_alone


# --- computed styles --------------------------------------------------------------------

_NEW = object()


def _page_free(value: Any) -> bool:
    """Whether a declared value is data (strings, numbers, CSS tokens, tuples and lists of
    them) in no unit relative to the page (``vw``, ``vh``…): its computed value is then the
    same in every document. A ``var()`` or any other object is not."""
    import tinycss2.ast
    from weasyprint.css.units import VIEWPORT_UNITS

    if value is None or isinstance(value, (str, int, float)):
        return True
    if isinstance(value, (tuple, list, tinycss2.ast.Node)):
        unit = getattr(value, "lower_unit", None) or getattr(value, "unit", None)
        if isinstance(unit, str) and unit.lower() in VIEWPORT_UNITS:
            return False
        if isinstance(value, tinycss2.ast.Node):
            inside = getattr(value, "arguments", None) or getattr(value, "content", None) or ()
            return isinstance(inside, (list, tuple)) and all(_page_free(v) for v in inside)
        return all(_page_free(v) for v in value)
    return False


#: Elements' styles kept (by what they are computed from): a few hundred for a template.
STYLES_KEPT = 4096


def _keep_computed_styles() -> None:
    """Compute each style property of an element once per process, and hand the value to
    every later element whose style is computed from the same declarations.

    WeasyPrint computes an element's style property by property, when first asked, from
    the declarations the cascade chose for it (with their weights), its parent's computed
    style, the root's, the document's base URL and fonts. Every copy of a batch asks
    again for the same properties of the same elements: about 3 ms of a copy's 43.
    Within one document WeasyPrint already gives elements with the same parent style and
    the same declarations one style object; this carries the computed values over to the
    next documents. Each style is keyed by its declarations, pseudo-element, base URL, font
    configuration and its parent's and root's keys; a property's computed value is kept
    when WeasyPrint computes it (``ComputedStyle.__missing__``), and a new style with the
    same key starts with the values kept. A style with a declaration that is not plain
    data (a ``var()``) or is sized by the page (``vw``, also inside a ``calc()``: the page
    size is not in the key), and every style under it, is computed as WeasyPrint does.
    """
    import weasyprint.css as wp_css

    computed_style, style_for = wp_css.ComputedStyle, wp_css.StyleFor
    missing, set_computed = computed_style.__missing__, style_for.set_computed_styles
    if getattr(set_computed, "keeps_styles", False):
        return
    kept: dict[tuple[Any, ...], tuple[dict[str, Any], dict[str, Any]]] = {}

    def key_of(style: Any) -> tuple[Any, ...] | None:
        return None if style is None else style.__dict__.get("congvan_key")

    def set_computed_styles(self: Any, element: Any, parent: Any, root: Any = None, pseudo_type: Any = None,
                            base_url: Any = None, target_collector: Any = None) -> None:
        set_computed(self, element, parent, root, pseudo_type, base_url, target_collector)
        style = self.get_computed_styles()[element, pseudo_type]
        parent_key = key_of(style.parent_style)
        if style.parent_style is not None and parent_key is None:
            return
        try:
            key = (tuple(sorted((name, value, weight) for name, (value, weight) in style.cascaded.items())),
                   parent_key, key_of(style.root_style), pseudo_type, base_url, style.font_config)
            found = kept.get(key, _NEW)
        except TypeError:  # a declaration that cannot be a key
            return
        if found is _NEW:
            # Only declarations of plain values, in units whose size does not depend on the page.
            found = ({}, {}) if all(_page_free(value) for value, _weight in style.cascaded.values()) else None
            if len(kept) >= STYLES_KEPT:
                kept.clear()
            kept[key] = found
        if found is None:
            return
        style.congvan_key = key
        values, specified = found
        # What WeasyPrint computed already (the anchor) is among the values kept, the same.
        dict.update(style, values)
        style.specified.update(specified)

    def computed(self: Any, name: str) -> Any:
        value = missing(self, name)
        key = self.__dict__.get("congvan_key")
        if key is not None and name in self and key in kept:
            values, specified = kept[key]
            values[name] = dict.__getitem__(self, name)
            if name in self.specified:
                specified[name] = self.specified[name]
        return value

    set_computed_styles.keeps_styles = True  # type: ignore[attr-defined]
    set_computed_styles.__wrapped__ = set_computed  # type: ignore[attr-defined]
    computed.__wrapped__ = missing  # type: ignore[attr-defined]
    style_for.set_computed_styles = set_computed_styles
    computed_style.__missing__ = computed
