"""Render a dispatch to DOCX by filling ``templates/dispatch.docx`` with docxtpl.

The template (built by ``templates/make_docx_template.py``) holds the layout; the
view (:mod:`generator.render.view`) holds every printed string; this module adds only what
depends on both: the lengths of the two short rules in the header, measured with the
font metrics the PDF uses, and the images. What Jinja cannot express in Word's XML
is done afterwards by :mod:`generator.render.ooxml`.

The same input gives the same bytes: core properties come from the dispatch (never
the clock) and the zip is written with fixed entry dates (:mod:`generator.render.reproducible`).

A batch renders the same template dozens of times in one process, so what does not
depend on the copy is done once a process and template: unzipping the template,
rewriting its XML parts into Jinja source and compiling that, and parsing and
reserialising its (large) styles part, which no copy changes.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.atomic import atomic_write_bytes
from generator.errors import CongVanError, RenderError
from generator.i18n import _
from generator.input.model import Dispatch
from generator.render import fonts, ooxml
from generator.render.measures import PAGE, SIZES, mm_to_twips
from generator.render.reproducible import saved_docx, set_core_properties
from generator.render.view import DispatchView, build_view, issue_datetime
from generator.resources import TEMPLATES_DIR

if TYPE_CHECKING:
    from generator.batch.copies import ProvinceCopy

__all__ = ["TEMPLATE_NAME", "column_twips", "docx_bytes", "docx_from_view", "render_docx"]

TEMPLATE_NAME = "dispatch.docx"


def render_docx(dispatch: Dispatch, out_path: str | Path) -> Path:
    """Render ``dispatch`` to the DOCX file ``out_path``, written atomically."""
    return atomic_write_bytes(out_path, docx_bytes(dispatch))


def docx_bytes(dispatch: Dispatch, copy: ProvinceCopy | None = None) -> bytes:
    """The DOCX of ``dispatch`` (or of its ``copy`` for one province) as bytes.

    Identical input gives identical bytes.
    """
    fonts.check_coverage(dispatch.model_dump(exclude={"signer": {"signature_image", "seal_image"}}))
    return docx_from_view(
        build_view(dispatch, copy), author=dispatch.agency.name, when=issue_datetime(dispatch),
        templates=dispatch.templates_dir,
    )


def docx_from_view(
    view: DispatchView, *, author: str, when: dt.datetime, annexes_only: bool = False,
    templates: Path | None = None,
) -> bytes:
    """The DOCX that prints ``view``: the template filled, then the OOXML touch-ups.

    With ``annexes_only``, only the annexes, for a batch whose copies share them.
    ``templates`` is a user's folder whose ``dispatch.docx``, if any, replaces the built-in.
    """
    from generator.render.templating import template_file

    source = template_file(TEMPLATE_NAME, templates)
    if source.parent == TEMPLATES_DIR:
        return _docx(view, author, when, annexes_only, None)
    try:
        return _docx(view, author, when, annexes_only, source)
    except CongVanError:
        raise
    except Exception as exc:  # a user's template without the tables and paragraphs we fill
        from generator.errors import TemplateError
        from generator.i18n import _

        raise TemplateError(_(
            "{file}: this DOCX template does not have the layout congvan fills ({what}). Start "
            "from a copy of the built-in templates/dispatch.docx and change only its text and styles.",
            file=source, what=f"{type(exc).__name__}: {exc}")) from None


def _docx(view: DispatchView, author: str, when: dt.datetime, annexes_only: bool,
          source: Path | None) -> bytes:
    tpl = _template(source)
    _fill(tpl, _context(tpl, view), source)
    document = tpl.docx
    plans = [a.plan for a in view.annexes if a.plan]
    ooxml.merge_plan_date_cells(document, [[r.date_span for r in p.rows] for p in plans])
    ooxml.shade_plan_rows(document, [[r.highlight for r in p.rows] for p in plans])
    ooxml.fit_qr_table(document)
    ooxml.keep_first_page_extras_on_page_one(document)
    if annexes_only:
        ooxml.keep_only_annexes(document)
    ooxml.give_every_story_a_paragraph(document)
    set_core_properties(document, title=view.subject_line, author=author, when=when)
    # What ``tpl.save`` does, less docxtpl's picture and media replacement (never asked for).
    return saved_docx(document)


def column_twips(share: float) -> tuple[int, int]:
    """A two-column split of the text width, in twips: ``share`` left, the rest right.

    The template builder sizes the header and closing tables with this, and the
    renderer centres the header rules in the same cells, so both agree to the twip.
    """
    total = mm_to_twips(PAGE.text_width)
    left = mm_to_twips(PAGE.text_width * share)
    return left, total - left


def _context(tpl: Any, view: DispatchView) -> dict[str, Any]:
    """``v`` plus what the template cannot compute: rule indents (twips) and images."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    left, right = column_twips(PAGE.header_split)
    longest = max(fonts.text_width_mm(line, SIZES.agency, bold=True) for line in view.agency_lines)
    # Box 2: one third to one half of the name's (longest) line, centred in the cell.
    agency_rule = min(mm_to_twips(PAGE.agency_rule_share * longest), left)
    # Box 1: exactly as long as the motto's line, centred under it.
    motto_rule = min(mm_to_twips(fonts.text_width_mm(view.motto, SIZES.motto, bold=True)), right)
    qr_images = [
        InlineImage(tpl, str(q.image), width=Mm(PAGE.qr_size), height=Mm(PAGE.qr_size))
        for q in view.qr_codes
    ]
    frame = view.urgency_frame or (0.0, 0.0)
    return {
        "v": view,
        "urgency_frame_twips": mm_to_twips(frame[0]),
        "urgency_frame_height": mm_to_twips(frame[1]),
        "agency_rule_indent": (left - agency_rule) // 2,
        "motto_rule_indent": (right - motto_rule) // 2,
        "qr_images": qr_images,
        "signature": _signature(tpl, view.signature_image, right),
    }


def _signature(tpl: Any, image: Path | None, cell_twips: int) -> Any:
    """The signature block as an image PAGE.signature_space high, never wider than its cell."""
    if image is None:
        return None
    from docx.shared import Mm, Twips
    from docxtpl import InlineImage
    from PIL import Image

    with Image.open(image) as im:
        width_mm = PAGE.signature_space * im.width / im.height
    cell_mm = cell_twips * 25.4 / 1440
    if width_mm > cell_mm:
        return InlineImage(tpl, str(image), width=Twips(cell_twips))
    return InlineImage(tpl, str(image), height=Mm(PAGE.signature_space))


def _template(source: Path | None = None) -> Any:
    """A fresh template to fill (docxtpl fills in place), read from disk once a process;
    ``source`` is a user's template, ``None`` the built-in one.

    Its document is made from the template's parts unzipped once a process
    (:class:`_Package`), not by docxtpl opening the zip again.
    """
    data = _template_bytes() if source is None else _user_template_bytes(source)
    tpl = _template_class()(io.BytesIO(data))
    tpl.docx = _package(data).document()  # docxtpl renders a document it is given (init_docx)
    return tpl


@functools.lru_cache(maxsize=4)
def _package(data: bytes) -> _Package:
    """The unzipped template ``data``, kept for the process; keyed by the bytes, so an
    edited user template is a new one."""
    return _Package(data)


class _Package:
    """A DOCX template unzipped once, from which each copy gets its own python-docx
    ``Document`` without reading the zip again.

    python-docx opens a file in two steps: a ``PackageReader`` unzips it (the parts'
    bytes and relationships, which it never changes), and the ``Unmarshaller`` makes
    the part objects from them with a part factory. The first is done once here; the
    second for each copy, as ``OpcPackage.open`` does, except that the styles part
    (a third of a megabyte of XML in the built-in template, which no copy changes) is
    parsed only if something asks for it (:func:`_template_styles_class`).
    """

    def __init__(self, data: bytes) -> None:
        from docx.opc.pkgreader import PackageReader

        self._reader = PackageReader.from_file(io.BytesIO(data))
        self._xml: dict[str, bytes] = {}  # partname -> its XML as python-docx writes it

    def document(self) -> Any:
        """A new python-docx ``Document`` of the template, as ``docx.Document(data)``."""
        from docx.opc.constants import CONTENT_TYPE as CT
        from docx.opc.package import Unmarshaller
        from docx.package import Package

        package = Package()
        Unmarshaller.unmarshal(self._reader, package, self._part)
        part = package.main_document_part
        if part.content_type != CT.WML_DOCUMENT_MAIN:  # as docx.Document checks
            raise ValueError(f"the template is not a Word file, content type is '{part.content_type}'")
        return part.document

    def _part(self, partname: Any, content_type: str, reltype: str, blob: bytes, package: Any) -> Any:
        """The part python-docx's ``PartFactory`` makes, but the styles parsed on demand."""
        from docx.opc.part import PartFactory

        styles = _template_styles_class()
        select = PartFactory.part_class_selector  # python-docx's: images by relationship type
        chosen = select(content_type, reltype) if select is not None else None
        if chosen is None and PartFactory.part_type_for.get(content_type) is styles.__base__:
            return styles(partname, content_type, None, package, source=blob, xml=self._xml)
        return PartFactory(partname, content_type, reltype, blob, package)


@functools.lru_cache(maxsize=1)
def _template_styles_class() -> Any:
    """python-docx's styles part, for a template's styles: parsed only if asked for.

    A copy never changes the styles, yet opening the template parsed them and saving
    serialised them again, for each copy. Until its XML is asked for (``element``,
    through which python-docx and docxtpl read or change it), this part's ``blob`` is
    the template's styles parsed and serialised once a process: the bytes that parsing
    and serialising them for each copy gave. Once asked for, it is an ordinary styles
    part with a tree of its own.
    """
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml.parser import parse_xml
    from docx.parts.styles import StylesPart

    class TemplateStyles(StylesPart):  # type: ignore[misc]
        def __init__(self, partname: Any, content_type: str, element: Any, package: Any, *,
                     source: bytes, xml: dict[str, bytes]) -> None:
            self._source, self._xml = source, xml
            super().__init__(partname, content_type, element, package)

        @property
        def _element(self) -> Any:  # XmlPart keeps its tree here; ``element`` reads it
            if self.__dict__.get("_parsed") is None:
                self.__dict__["_parsed"] = parse_xml(self._source)
            return self.__dict__["_parsed"]

        @_element.setter
        def _element(self, element: Any) -> None:
            self.__dict__["_parsed"] = element

        @property
        def blob(self) -> bytes:
            if self.__dict__.get("_parsed") is not None:
                return super().blob
            if self.partname not in self._xml:
                self._xml[self.partname] = serialize_part_xml(parse_xml(self._source))
            return self._xml[self.partname]

    return TemplateStyles


@functools.lru_cache(maxsize=1)
def _template_class() -> Any:
    """docxtpl's template, rewriting each XML part into Jinja source once a process.

    ``patch_xml`` (thirty regular-expression passes over WordprocessingML) gives the same
    result for the same part every time; a batch needs it once, not once a copy.
    """
    from docxtpl import DocxTemplate

    patched: dict[str, str] = {}

    class PatchingOnce(DocxTemplate):  # type: ignore[misc]
        def patch_xml(self, src_xml: str) -> str:
            if src_xml not in patched:
                patched[src_xml] = super().patch_xml(src_xml)
            return patched[src_xml]

    return PatchingOnce


@functools.lru_cache(maxsize=1)
def _template_bytes() -> bytes:
    path = TEMPLATES_DIR / TEMPLATE_NAME
    if not path.is_file():
        raise RenderError(_(
            "DOCX template missing: {path}. Rebuild it with "
            "`python templates/make_docx_template.py`, or reinstall congvan.", path=path,
        ))
    return path.read_bytes()


def _user_template_bytes(path: Path) -> bytes:
    """A user's DOCX template: read for each render, so an edit shows at once."""
    from generator.errors import TemplateError
    from generator.i18n import _

    data = path.read_bytes()
    if not data.startswith(b"PK"):
        raise TemplateError(_("{file}: not a DOCX file. Save the template from Word as .docx.", file=path))
    return data


@functools.lru_cache(maxsize=1)
def _jinja_env() -> Any:
    """The one Jinja environment of the DOCX side: strict, and compiling each XML part once.

    docxtpl turns each part of the template (body, headers, footers) into Jinja source
    and calls ``from_string`` on every render; for a batch of 63 copies that source is
    the same each time, and compiling it was two thirds of a copy's time.
    """
    import jinja2

    from generator.render.templating import Sandbox

    class CompilingOnce(Sandbox):
        def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
            key = (source, None if globals is None else tuple(sorted(globals.items())))
            cache = self.__dict__.setdefault("_compiled", {})
            if key not in cache:
                cache[key] = super().from_string(source, globals, template_class)
            return cache[key]

    # No loader with files: a DOCX template includes and imports nothing.
    return CompilingOnce(undefined=jinja2.StrictUndefined, loader=jinja2.DictLoader({}))


def _fill(tpl: Any, context: dict[str, Any], source: Path | None = None) -> None:
    """Render with a strict, sandboxed Jinja (a missing value is an error, never a blank).

    ``source`` is the user's template being filled, ``None`` the built-in one.
    """
    import jinja2

    env = _jinja_env()
    try:
        tpl.render(context, env, autoescape=True)
    except (jinja2.TemplateError, RecursionError) as exc:
        near = _text_near(exc)
        if source is not None:
            from generator.render.templating import template_problem

            part = getattr(getattr(tpl, "current_rendering_part", None), "partname", "") or ""
            raise template_problem(exc, TEMPLATE_NAME, source.parent, near=near,
                                   part=str(part).lstrip("/")) from None
        where = _(" near: {text}", text=repr(near)) if near else ""
        message = getattr(exc, "message", None) or str(exc)
        raise RenderError(f"templates/{TEMPLATE_NAME}: {message}{where}") from None


def _text_near(exc: BaseException) -> str:
    """The template's text (tags stripped) around the tag that failed.

    docxtpl attaches it to syntax errors (``docx_context``); for errors raised while
    rendering (an undefined name), Jinja's traceback has the template line and
    docxtpl's ``render_xml_part`` frame has the XML it compiled.
    """
    lines = list(getattr(exc, "docx_context", None) or [])
    if not lines:
        lineno, source = None, None
        tb = exc.__traceback__
        while tb is not None:
            code = tb.tb_frame.f_code
            if code.co_filename == "<template>":
                lineno = tb.tb_lineno
            elif code.co_name == "render_xml_part":
                source = tb.tb_frame.f_locals.get("src_xml")
            tb = tb.tb_next
        if lineno and isinstance(source, str):
            around = source.splitlines()[max(lineno - 3, 0) : lineno + 2]
            lines = [re.sub(r"<[^>]+>", "", line) for line in around]
    return re.sub(r"\s+", " ", " ".join(lines)).strip()[:300]
