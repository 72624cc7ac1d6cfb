"""Print-ready batch files: every copy of a dispatch in one PDF or one DOCX.

A ministry sends the same dispatch to 63 provinces, one copy each; the clerk prints
them on a duplex printer in one job and splits the stack by hand. Three things make
that safe:

* Every copy starts on an odd page (a front side): a copy with an odd number of
  pages is followed by a blank page, so no sheet carries the end of one copy on its
  front and the start of the next on its back.
* An optional index page says which copy starts on which sheet and page, so the clerk
  can check the stack and reprint one copy.
* The batch stays small: the copies share their fonts and QR images, stored once.

The DOCX batch is for clerks who print from Word. Each copy keeps its own sections,
headers, footers and page numbers; its first section starts on an odd page
(``w:type="oddPage"``), which Word and LibreOffice honour by inserting the blank page
themselves when they lay the document out.

Every function returns bytes (the caller writes them atomically) and the same input
gives the same bytes.
"""

from __future__ import annotations

import contextlib
import copy as _copy
import hashlib
import io
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import RenderError
from .measures import PAGE

__all__ = ["annex_copies_pdf", "print_docx", "print_pdf"]

#: The index page's heading and its table's columns.
INDEX_HEADING = "DANH SÁCH BẢN IN"
INDEX_COLUMNS = ("STT", "Nơi nhận", "Số trang", "Tờ", "Trang")
INDEX_TEMPLATE = "print-index.html.j2"

_PT_PER_MM = 72 / 25.4


# ---------------------------------------------------------------------------- PDF


def print_pdf(
    copies: Sequence[tuple[str, bytes]], *, index: bool = False, title: str = ""
) -> bytes:
    """One PDF of all ``copies`` (label, PDF bytes), in order, each starting on an odd page.

    With ``index``, the batch opens with an index of the copies (padded to an even
    number of pages, so the first copy too starts on a front side). Each copy is also
    a bookmark named by its label. ``title`` goes on the index and in the PDF's
    metadata.
    """
    if not copies:
        raise ValueError("print_pdf: no copies to print")
    labels = [label for label, _ in copies]
    readers = [_read_pdf(data) for _, data in copies]
    counts = [len(r.pages) for r in readers]
    front = _index_pdf(labels, counts, title) if index else None
    return _write_batch(
        labels, readers, front=front, title=title, identity=_identity(copies, index, title)
    )


def annex_copies_pdf(annex: bytes, copies: int) -> bytes:
    """``copies`` copies of ``annex`` (a PDF) in one file, each starting on an odd page.

    For the plan table that goes out with every copy, printed on its own (for a
    meeting, or for copies already sent without it).
    """
    if copies < 1:
        raise ValueError(f"annex_copies_pdf: copies must be at least 1, not {copies}")
    reader = _read_pdf(annex)
    labels = [f"Bản {n}" for n in range(1, copies + 1)]
    return _write_batch(
        labels, [reader] * copies, front=None, title="",
        identity=_identity([("annex", annex)], False, str(copies)),
    )


@dataclass(frozen=True)
class IndexEntry:
    """One row of the index: a copy, its length, and where it starts in the batch."""

    number: int
    label: str
    pages: int
    #: 1-based sheet of a duplex print and page of the batch file where the copy starts.
    sheet: int
    page: int


def front_side_starts(counts: Sequence[int], first_page: int = 1) -> list[int]:
    """The 1-based page where each copy starts when every copy is padded to even length.

    ``first_page`` must be odd (a front side); every start is then odd too.
    """
    starts, page = [], first_page
    for n in counts:
        starts.append(page)
        page += _padded(n)
    return starts


def index_entries(labels: Sequence[str], counts: Sequence[int], lead: int) -> list[IndexEntry]:
    """The index rows for copies that follow ``lead`` pages (the index itself, even)."""
    starts = front_side_starts(counts, lead + 1)
    return [
        IndexEntry(n, label, count, (start + 1) // 2, start)
        for n, (label, count, start) in enumerate(zip(labels, counts, starts, strict=True), 1)
    ]


def _padded(pages: int) -> int:
    """Pages a copy takes in a duplex batch: its own, plus a blank back when odd."""
    return pages + pages % 2


def _read_pdf(data: bytes) -> Any:
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data))


def _write_batch(
    labels: Sequence[str], readers: Sequence[Any], *, front: bytes | None, title: str,
    identity: bytes,
) -> bytes:
    """The batch file: the index (if any), then each copy padded to an even page count."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    writer = PdfWriter()
    if front is not None:
        writer.append(_read_pdf(front), import_outline=False)
        writer.add_outline_item(title=INDEX_HEADING.capitalize(), page_number=0)
    for label, reader in zip(labels, readers, strict=True):
        start = len(writer.pages)
        writer.append(reader, import_outline=False)
        if len(reader.pages) % 2:
            _add_blank_back(writer)
        writer.add_outline_item(title=label, page_number=start)
    writer.page_mode = "/UseOutlines"
    metadata = {"/Producer": "congvan"}
    if title:
        metadata["/Title"] = title
    writer.add_metadata(metadata)
    _store_once(writer)
    # pypdf writes no /ID of its own; give the file one that depends on its input only.
    writer._ID = ArrayObject([ByteStringObject(identity), ByteStringObject(identity)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _store_once(writer: Any) -> None:
    """Keep one of each identical object: 63 copies embed the same fonts and QR images.

    pypdf merges objects that are identical as they stand; a font's descriptor becomes
    identical to its twin only once their font files have been merged, so the merging
    is repeated until nothing more merges (three rounds: font file, descriptor, font).
    """
    live = -1
    while True:
        writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
        now = sum(obj is not None for obj in writer._objects)
        if now == live:
            return
        live = now


def _add_blank_back(writer: Any) -> None:
    """A blank A4 page: the back of a copy's last sheet."""
    writer.add_blank_page(PAGE.width * _PT_PER_MM, PAGE.height * _PT_PER_MM)


def _identity(copies: Sequence[tuple[str, bytes]], index: bool, title: str) -> bytes:
    """A 16-byte file identifier made from the input, as the PDF's /ID."""
    h = hashlib.sha256(b"congvan print batch\0")
    h.update(f"{index}\0{title}\0{len(copies)}\0".encode())
    for label, data in copies:
        h.update(label.encode() + b"\0")
        h.update(hashlib.sha256(data).digest())
    return h.digest()[:16]


def _index_pdf(labels: Sequence[str], counts: Sequence[int], title: str) -> bytes:
    """The index pages, laid out with WeasyPrint in the embedded Liberation Serif.

    The index says where each copy starts, which depends on how many pages the index
    itself takes: it is laid out with a guess, then again if the guess was wrong (row
    heights do not depend on the page numbers, so the second layout is final). It is
    padded with a blank page to an even count.
    """
    from . import fonts
    from .pdf_render import _fixed_epoch

    fonts.check_coverage({"title": title, "labels": list(labels)})
    lead = 2
    for _ in range(3):
        entries = index_entries(labels, counts, lead)
        document = _layout_index(entries, title)
        needed = _padded(len(document.pages))
        if needed == lead:
            break
        lead = needed
    else:  # pragma: no cover - layouts that do not settle would be a WeasyPrint bug
        raise RenderError("the print index could not be laid out: its length does not settle")
    with _weasyprint_errors(), _fixed_epoch():
        data = bytes(document.write_pdf(full_fonts=True))
    if len(document.pages) % 2:
        data = _with_blank_back(data)
    return data


def _with_blank_back(data: bytes) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.append(_read_pdf(data), import_outline=False)
    _add_blank_back(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _layout_index(entries: Sequence[IndexEntry], title: str) -> Any:
    """The index laid out by WeasyPrint, limited to the project's fonts and files."""
    from .pdf_render import _asset_fetcher, _fixed_epoch, _weasyprint
    from .resources import TEMPLATES_DIR

    wp = _weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    total = sum(_padded(e.pages) for e in entries)
    html = _render_index_html(
        heading=INDEX_HEADING,
        title=title,
        summary=f"{len(entries)} bản, {total} trang in hai mặt trên {total // 2} tờ",
        headers=INDEX_COLUMNS,
        entries=entries,
        fonts=_font_urls(),
        P=PAGE,
    )
    with _weasyprint_errors(), _fixed_epoch():
        document = wp.HTML(string=html, base_url=str(TEMPLATES_DIR), url_fetcher=_asset_fetcher(wp))
        return document.render(font_config=FontConfiguration())


def _render_index_html(**context: Any) -> str:
    import jinja2

    from .resources import TEMPLATES_DIR

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return str(env.get_template(INDEX_TEMPLATE).render(**context))


def _font_urls() -> dict[str, str]:
    from . import fonts

    faces = fonts.pdf_faces()
    return {
        "regular": faces[(False, False)].as_uri(),
        "bold": faces[(True, False)].as_uri(),
        "italic": faces[(False, True)].as_uri(),
    }


@contextlib.contextmanager
def _weasyprint_errors() -> Iterator[None]:
    """WeasyPrint's warnings (a font not found, a file refused) as a :class:`RenderError`."""
    from .pdf_render import _weasyprint

    wp = _weasyprint()
    problems: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if not message.startswith("Using fontTools instead of HarfBuzz"):
                problems.append(message)

    logger = logging.getLogger("weasyprint")
    handler = Collect(level=logging.WARNING)
    logger.addHandler(handler)
    try:
        yield
    except wp.urls.FatalURLFetchingError as exc:
        raise RenderError(f"the print index could not be made: {exc}") from None
    finally:
        logger.removeHandler(handler)
    if problems:
        raise RenderError("the print index could not be made as designed:\n  " + "\n  ".join(problems))


# --------------------------------------------------------------------------- DOCX


def print_docx(copies: Sequence[bytes]) -> bytes:
    """One DOCX of all ``copies`` (as :func:`generator.docx_render.docx_bytes` renders them).

    The first copy is the base (styles, settings, properties); every copy's body
    follows in order with its own section properties, so its margins, first-page
    header and footer and page numbering from 1 are its own. The section that starts
    each copy starts on an odd page. Images are carried over and stored once; equal
    headers and footers are stored once too.
    """
    import docx

    if not copies:
        raise ValueError("print_docx: no copies to print")
    documents = [docx.Document(io.BytesIO(data)) for data in copies]
    _require_one_template(documents)
    merged = documents[0]
    props = merged.core_properties
    title, author, when = props.title, props.author, props.created
    stories = _StoryParts(merged.part)
    body = merged.element.body
    bodies = [_body_of(document) for document in documents]
    for child in list(body):
        body.remove(child)
    for n, (document, (blocks, final)) in enumerate(zip(documents, bodies, strict=True)):
        if n:
            blocks = [_copy.deepcopy(b) for b in blocks]
            final = _copy.deepcopy(final)
            for element in (*blocks, final):
                _carry_relationships(element, document.part, merged.part, stories)
        first = _section_starts(blocks) or [final]
        _start_on_odd_page(first[0])
        _restart_page_numbers(first[0])
        if n < len(documents) - 1:
            blocks = _end_section(blocks, final)
        for block in blocks:
            body.append(block)
    body.append(final)  # the last copy's last section: the document's own sectPr
    _number_drawings(merged)
    from .reproducible import fixed_zip, set_core_properties

    set_core_properties(merged, title=title or "", author=author or "", when=when)
    out = io.BytesIO()
    merged.save(out)
    return fixed_zip(out.getvalue())


def _body_of(document: Any) -> tuple[list[Any], Any]:
    """A copy's blocks (paragraphs and tables) and its last section's properties."""
    from docx.oxml.ns import qn

    body = document.element.body
    final = body.find(qn("w:sectPr"))
    if final is None:
        raise ValueError("print_docx: a copy has no section properties; render it with docx_bytes")
    return [child for child in body if child is not final], final


def _require_one_template(documents: Sequence[Any]) -> None:
    """Styles and numbering are taken from the first copy: the others must have the same."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    def shared(document: Any) -> list[bytes]:
        out = []
        for reltype in (RT.STYLES, RT.NUMBERING):
            try:
                out.append(document.part.part_related_by(reltype).blob)
            except KeyError:
                out.append(b"")
        return out

    base = shared(documents[0])
    for n, document in enumerate(documents[1:], 2):
        if shared(document) != base:
            raise ValueError(
                f"print_docx: copy {n} has other styles or numbering than copy 1; "
                "copies to print together must come from the same template"
            )


def _section_starts(blocks: Sequence[Any]) -> list[Any]:
    """The section breaks inside a copy's blocks (``w:sectPr`` in a paragraph), in order."""
    from docx.oxml.ns import qn

    return [s for b in blocks for s in b.iter(qn("w:sectPr"))]


def _start_on_odd_page(sectPr: Any) -> None:
    """The section starts on the next odd page: Word adds a blank page when needed."""
    from docx.enum.section import WD_SECTION_START

    sectPr.start_type = WD_SECTION_START.ODD_PAGE


def _restart_page_numbers(sectPr: Any) -> None:
    """Page numbers restart at 1 here, so each copy is numbered as it was on its own."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    numbering = sectPr.find(qn("w:pgNumType"))
    if numbering is None:
        numbering = OxmlElement("w:pgNumType")
        sectPr.insert_element_before(
            numbering, *(qn(t) for t in sectPr._tag_seq[sectPr._tag_seq.index("w:cols"):])
        )
    numbering.set(qn("w:start"), "1")


def _end_section(blocks: list[Any], sectPr: Any) -> list[Any]:
    """``blocks`` with ``sectPr`` in their last paragraph, ending the copy's last section.

    A copy on its own has its last section's properties at the end of the body; in
    the batch, another copy follows, so they move into the copy's last paragraph
    (added, as an empty one, only if the copy ends with a table).
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if not blocks or blocks[-1].tag != qn("w:p"):
        blocks = [*blocks, OxmlElement("w:p")]
    blocks[-1].set_sectPr(sectPr)
    return blocks


_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _carry_relationships(element: Any, source: Any, target: Any, stories: _StoryParts) -> None:
    """Point every relationship ``element`` uses (``r:embed``, ``r:id``) from ``source``'s
    targets to the same targets related to ``target``."""
    for node in element.iter():
        for name, rid in list(node.attrib.items()):
            if name.startswith(_R):
                node.set(name, _carry(source.rels[rid], target, stories))


def _carry(rel: Any, target: Any, stories: _StoryParts) -> str:
    """``rel``'s target related to ``target``: the new rId."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    if rel.is_external:
        return str(target.relate_to(rel.target_ref, rel.reltype, is_external=True))
    if rel.reltype == RT.IMAGE:
        # python-docx keeps one part per image (by SHA-1): a QR code in 63 copies is stored once.
        image = target.package.get_or_add_image_part(io.BytesIO(rel.target_part.blob))
        return str(target.relate_to(image, RT.IMAGE))
    if rel.reltype in (RT.HEADER, RT.FOOTER):
        return str(target.relate_to(stories.carry(rel.target_part, rel.reltype), rel.reltype))
    raise ValueError(f"print_docx: a copy refers to a part print_docx cannot carry over ({rel.reltype})")


class _StoryParts:
    """The batch's headers and footers, one part for each distinct one.

    Copies of one dispatch have the same page-number header and the same address
    footer; 63 copies then share one part of each instead of carrying 63.
    """

    def __init__(self, document_part: Any) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        self._package = document_part.package
        self._parts: dict[tuple[Any, ...], Any] = {}
        for rel in document_part.rels.values():
            if rel.reltype in (RT.HEADER, RT.FOOTER):
                self._parts.setdefault(_story_key(rel.target_part), rel.target_part)

    def carry(self, part: Any, reltype: str) -> Any:
        """The batch's part equal to ``part`` (a copy's header or footer), made if new."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.parts.hdrftr import FooterPart, HeaderPart

        key = _story_key(part)
        if key not in self._parts:
            kind, template = (
                (HeaderPart, "/word/header%d.xml") if reltype == RT.HEADER
                else (FooterPart, "/word/footer%d.xml")
            )
            element = _copy.deepcopy(part.element)
            new = kind(self._package.next_partname(template), part.content_type, element, self._package)
            _carry_relationships(element, part, new, self)
            self._parts[key] = new
        return self._parts[key]


def _story_key(part: Any) -> tuple[Any, ...]:
    """What makes two header or footer parts the same: their XML and what it points to."""
    rels = tuple(
        (rid, rel.reltype, rel.target_ref if rel.is_external else hashlib.sha1(rel.target_part.blob).digest())
        for rid, rel in sorted(part.rels.items())
    )
    return (part.content_type, part.blob, rels)


def _number_drawings(document: Any) -> None:
    """Give every drawing a distinct id (``wp:docPr/@id``), as Word requires.

    Each copy numbers its own drawings from the same start, so the batch would
    repeat them.
    """
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    elements = [document.element]
    elements += [
        rel.target_part.element
        for rel in document.part.rels.values()
        if rel.reltype in (RT.HEADER, RT.FOOTER)
    ]
    number = 0
    for element in elements:
        for drawing in element.iter(qn("wp:docPr")):
            number += 1
            drawing.set("id", str(number))
