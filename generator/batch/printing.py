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

The DOCX batch is for clerks who print from Word or LibreOffice. Each copy keeps its
own sections, headers, footers and page numbers. Every section that restarts the page
numbers at 1 (a copy, and each annex in it) starts on an odd page: given the page
count of each such run of pages (read from the copy's PDF, :func:`numbered_runs`), the
batch puts a blank page (a section of its own, with the empty first-page header) after
a run of odd length, and every section starts on the next page (``nextPage``).

Not ``w:type="oddPage"``, which would let Word add the blank pages itself: LibreOffice
7.4 imports an odd-page section that has its own first-page header with the wrong page
style, so it showed no page number on the second page of any copy and started page 1
4.3 mm higher; saving from LibreOffice made that loss permanent. Without the page
counts (a print of DOCX copies only), the batch falls back to ``oddPage``.

Every function returns bytes (the caller writes them atomically) and the same input
gives the same bytes.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from generator.errors import RenderError
from generator.i18n import _
from generator.render.measures import PAGE

__all__ = ["annex_copies_pdf", "numbered_runs", "print_docx", "print_pdf"]

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
    labels = [label for label, _data in copies]
    sources = [_Source(data) for _label, data in copies]
    front = _index_pdf(labels, [len(s.pdf.pages) for s in sources], title) if index else None
    return _write_batch(labels, sources, front=front, title=title)


def annex_copies_pdf(annex: bytes, copies: int) -> bytes:
    """``copies`` copies of ``annex`` (a PDF) in one file, each starting on an odd page.

    For the plan table that goes out with every copy when the copies share one annex
    file: the annex is printed as many times as there are copies.
    """
    if copies < 1:
        raise ValueError(f"annex_copies_pdf: copies must be at least 1, not {copies}")
    labels = [f"Bản {n}" for n in range(1, copies + 1)]
    # One source per copy: a page can be in a document once; the shared fonts and
    # images are stored once all the same (_append_sharing).
    return _write_batch(labels, [_Source(annex) for _label in labels], front=None, title="")


@dataclass(frozen=True)
class _IndexEntry:
    """One row of the index: a copy, its length, and where it starts in the batch."""

    number: int
    label: str
    pages: int
    #: The sheet of a duplex print, and the page of the file, where the copy starts.
    sheet: int
    page: int


def _index_entries(labels: Sequence[str], counts: Sequence[int], lead: int) -> list[_IndexEntry]:
    """The index rows for copies that follow ``lead`` pages (the index itself, even)."""
    entries, page = [], lead + 1
    for number, (label, count) in enumerate(zip(labels, counts, strict=True), 1):
        entries.append(_IndexEntry(number, label, count, (page + 1) // 2, page))
        page += _padded(count)
    return entries


def _padded(pages: int) -> int:
    """Pages a copy takes in a duplex batch: its own, plus a blank back when odd."""
    return pages + pages % 2


def _open_pdf(data: bytes) -> Any:
    import pikepdf

    return pikepdf.open(io.BytesIO(data))


class _Source:
    """A PDF going into a batch, with the digests of its objects (see :func:`_append_sharing`)."""

    def __init__(self, data: bytes) -> None:
        self.pdf = _open_pdf(data)
        #: Digests of this file's objects by their number in it, kept for the process
        #: by the file's bytes: a batch made again after a change digests only the
        #: copies that changed (``congvan watch``).
        self.digests = _digests_of(hashlib.sha256(data).digest())


@functools.lru_cache(maxsize=512)
def _digests_of(file_digest: bytes) -> dict[tuple[int, int], bytes]:
    return {}


def _write_batch(labels: Sequence[str], sources: Sequence[Any], *, front: bytes | None, title: str) -> bytes:
    """The batch file: the index (if any), then each copy, each padded to an even length.

    qpdf (through pikepdf) copies the pages and writes the file: it reads and
    writes the 63 copies of a batch in well under a second, where pypdf took eight.
    The file's /ID is derived from its content, so the same input gives the same bytes.
    """
    import pikepdf

    batch = pikepdf.new()
    marks: list[tuple[str, int]] = []
    first: dict[bytes, Any] = {}
    if front is not None:
        marks.append((INDEX_HEADING.capitalize(), 0))
        _append_sharing(batch, _Source(front), first)
    for label, source in zip(labels, sources, strict=True):
        marks.append((label, len(batch.pages)))
        _append_sharing(batch, source, first)
    return _finished(batch, marks, title)


def _finished(batch: Any, marks: Sequence[tuple[str, int]], title: str) -> bytes:
    """The batch's bytes, with a bookmark per mark (label, first page) and its metadata."""
    import pikepdf

    with batch.open_outline() as outline:
        outline.root.extend(pikepdf.OutlineItem(label, page) for label, page in marks)
    batch.Root.PageMode = pikepdf.Name.UseOutlines
    batch.docinfo["/Producer"] = "congvan"
    if title:
        batch.docinfo["/Title"] = title
    return saved(batch)


def saved(batch: Any) -> bytes:
    """A batch's bytes: objects no page uses left out, streams compressed, the file's /ID
    derived from its content (the same input gives the same bytes)."""
    import pikepdf

    out = io.BytesIO()
    batch.save(out, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _append_on_whole_sheets(batch: Any, source: Any) -> None:
    """``source``'s pages, then a blank A4 page if they would end on a front side."""
    batch.pages.extend(source.pages)
    if len(source.pages) % 2:
        batch.add_blank_page(page_size=(PAGE.width * _PT_PER_MM, PAGE.height * _PT_PER_MM))


def _append_sharing(batch: Any, source: _Source, first: dict[bytes, Any]) -> None:
    """``source``'s pages appended to ``batch`` on whole sheets, keeping one of each font and
    image the copies share: 63 copies embed the same ones.

    Each copy brings its own copy of the four faces and of the QR images. A page's font
    or image with the content of one already in the batch (``first``, by a digest of the
    object and everything it refers to, taken in the source) is pointed at that one, and
    not copied into the batch at all: it is taken out of the source's page before the
    page is copied (copying the faces again and again was most of the time of a print
    file), and put back pointing at the kept one. The copy's own new fonts and images
    become the kept ones for the copies after it.
    """
    start = len(batch.pages)
    shared = [(offset, kind, table, name, kept) for offset, kind, table, name, obj in _resources(source.pdf.pages)
              if (kept := first.get(_digest(obj, source.digests))) is not None]
    for _offset, _kind, table, name, _kept in shared:
        if name in table:  # a table several pages use is emptied once
            del table[name]
    _append_on_whole_sheets(batch, source.pdf)
    for offset, kind, _table, name, kept in shared:
        batch.pages[start + offset].obj["/Resources"][kind][name] = kept
    _point_at_kept(batch, source, start, first)


def _point_at_kept(batch: Any, source: _Source, start: int, first: dict[bytes, Any]) -> None:
    """Point the fonts and images of ``source``'s pages, placed in ``batch`` from page
    ``start`` on, at the first ones of the same content (``first``, by digest), which
    this fills as it goes; the copy's own duplicates are then unused."""
    for offset, kind, _table, name, obj in _resources(source.pdf.pages):
        copied = batch.pages[start + offset].obj["/Resources"][kind]
        kept = first.setdefault(_digest(obj, source.digests), copied[name])
        if kept.objgen != copied[name].objgen:
            copied[name] = kept


def _resources(pages: Any) -> list[tuple[int, str, Any, str, Any]]:
    """Each font and image ``pages`` use (the indirect objects of their ``/Font`` and
    ``/XObject`` tables): (page offset, "/Font" or "/XObject", the table, the name, the object)."""
    import pikepdf

    found = []
    for offset, page in enumerate(pages):
        resources = page.obj.get("/Resources")
        if resources is None:
            continue
        for kind in ("/Font", "/XObject"):
            table = resources.get(kind)
            if isinstance(table, pikepdf.Dictionary):
                found += [(offset, kind, table, name, table[name]) for name in table.keys() if table[name].is_indirect]
    return found


def _digest(obj: Any, memo: dict[tuple[int, int], bytes]) -> bytes:
    """A digest of a PDF object's content, following its references (streams by their bytes)."""
    import pikepdf

    if not isinstance(obj, pikepdf.Object):
        return hashlib.sha256(repr(obj).encode()).digest()
    key = obj.objgen if obj.is_indirect else None
    if key is not None and key in memo:
        return memo[key]
    h = hashlib.sha256()
    if isinstance(obj, pikepdf.Stream):
        h.update(b"stream")
        h.update(_digest(obj.stream_dict, memo))
        h.update(hashlib.sha256(obj.read_raw_bytes()).digest())
    elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Array)):
        text = obj.unparse(resolved=True)  # the object itself, not "12 0 R"
        if b" R" not in text or not _REFERENCE.search(text):
            h.update(text)  # no reference inside: its text is its content (a widths array)
        elif isinstance(obj, pikepdf.Dictionary):
            h.update(b"dict")
            for name in sorted(obj.keys()):
                h.update(name.encode() + b"\0" + _digest(obj.get(name), memo))
        else:
            h.update(b"array")
            for item in obj:
                h.update(_digest(item, memo))
    else:
        h.update(obj.unparse())
    digest = h.digest()
    if key is not None:
        memo[key] = digest
    return digest


_REFERENCE = re.compile(rb"\d+ \d+ R\b")


def _index_pdf(labels: Sequence[str], counts: Sequence[int], title: str) -> bytes:
    """The index pages, laid out with WeasyPrint in the embedded Liberation Serif.

    The index says where each copy starts, which depends on how many pages the index
    itself takes (padded to an even count): it is laid out for a guess of two, and
    again if the guess was wrong. Row heights do not depend on the page numbers, so
    the second layout is final.
    """
    from generator.render import fonts
    from generator.render.pdf import _fixed_epoch

    fonts.check_coverage({"title": title, "labels": list(labels)})
    lead = 2
    for _attempt in range(3):
        document = _layout_index(_index_entries(labels, counts, lead), title)
        needed = _padded(len(document.pages))
        if needed == lead:
            break
        lead = needed
    else:  # pragma: no cover - a length that does not settle would be a WeasyPrint bug
        raise RenderError(_("the print index could not be laid out: its length does not settle"))
    with _weasyprint_errors(), _fixed_epoch():
        return bytes(document.write_pdf(full_fonts=True))


def _layout_index(entries: Sequence[_IndexEntry], title: str) -> Any:
    """The index laid out by WeasyPrint, limited to the project's fonts and files."""
    from generator.render.pdf import _asset_fetcher, _fixed_epoch, _weasyprint
    from generator.render.pdf import _font_urls as pdf_font_urls
    from generator.resources import TEMPLATES_DIR

    wp = _weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    total = sum(_padded(e.pages) for e in entries)
    html = _render_index_html(
        heading=INDEX_HEADING,
        title=title,
        summary=f"{len(entries)} bản, {total} trang in hai mặt trên {total // 2} tờ",
        headers=INDEX_COLUMNS,
        entries=entries,
        fonts=pdf_font_urls(),
        P=PAGE,
    )
    with _weasyprint_errors(), _fixed_epoch():
        fetcher = _asset_fetcher(wp)
        document = wp.HTML(string=html, base_url=str(TEMPLATES_DIR), url_fetcher=fetcher)
        return document.render(font_config=FontConfiguration())


def _render_index_html(**context: Any) -> str:
    """The index page's HTML, from the PDF side's one Jinja environment."""
    from generator.render.pdf import _environment, _render

    return _render(_environment(), INDEX_TEMPLATE, **context)


def _weasyprint_errors() -> contextlib.AbstractContextManager[None]:
    """WeasyPrint's warnings (a font not found, a file refused) as a :class:`RenderError`."""
    from generator.render.pdf import weasyprint_problems

    return weasyprint_problems("the print index")


# --------------------------------------------------------------------------- DOCX


def print_docx(copies: Iterable[bytes], pages: Sequence[Sequence[int] | None] | None = None) -> bytes:
    """One DOCX of all ``copies`` (as :func:`generator.render.docx.docx_bytes` renders them).

    The first copy is the base (styles, settings, properties); every copy's body
    follows in order with its own section properties, so its margins, first-page
    header and footer and page numbering from 1 are its own. The section that starts
    each copy, and any other that restarts the page numbers (an annex), starts on an
    odd page: ``pages`` gives, for each copy, the page count of each of its runs of
    pages numbered from 1 (:func:`numbered_runs` of its PDF), and a blank page follows
    a run of odd length. A copy without them (``None``, or counts that do not match
    its sections) has its sections start on odd pages by ``w:type="oddPage"``.
    Images are carried over and stored once; equal headers and footers are stored
    once too.

    Only the base is opened with python-docx, which parses every XML part of a
    package; the other copies are read as :class:`_CopyPackage`, which parses only
    their body and the headers and footers the batch does not have yet. (The
    styles the copies share are most of their XML: parsing them once per copy was
    most of the time this took.)

    Memory does not grow with the number of copies beyond the batch's own bytes:
    ``copies`` may be any iterable (a generator reading each file when its turn
    comes), and each copy is read, parsed, put together and serialised on its own
    (:class:`_Body`), its tree dropped before the next is read. A volume of 200
    copies held one tree of all of them (about 0.9 MB a copy) and every copy's styles.
    """
    import docx

    stream = iter(copies)
    first = next(stream, None)
    if first is None:
        raise ValueError("print_docx: no copies to print")
    once = _ReadOnce()
    package = _CopyPackage(first, once)
    template = _template_parts(package)
    merged = docx.Document(io.BytesIO(first))
    del first
    props = merged.core_properties
    title, author, when = props.title, props.author, props.created
    shared = _SharedParts(merged.part, package.main)
    out = _Body(merged)
    n, upcoming = 0, package
    while upcoming is not None:
        package = upcoming
        if n == 0:
            blocks, final = out.take_base()
        else:
            # A tree of the copy's own, parsed for the batch: its blocks move in as they are.
            _require_template(package, template, n + 1)
            blocks, final = _body_of(package.main.element())
            for element in (*blocks, final):
                _carry_relationships(element, package.main, merged.part, shared)
        following = next(stream, None)  # read ahead: is this the last copy?
        upcoming = _CopyPackage(following, once) if following is not None else None
        del following
        sections = [*_section_breaks(blocks), final]
        _restart_page_numbers(sections[0])
        runs = pages[n] if pages is not None and n < len(pages) else None
        starts = [i for i, section in enumerate(sections) if _restarts_page_numbers(section)]
        last = upcoming is None
        if runs is None or len(runs) != len(starts):
            for i in starts:
                _start_on_odd_page(sections[i])
        else:
            blocks = _pad_runs(blocks, sections, starts, runs)
        if not last:
            blocks = _end_section(blocks, final)
            if runs is not None and len(runs) == len(starts) and runs[-1] % 2:
                blocks.append(_blank_page(final))
        else:
            blocks = [*blocks, final]  # the last copy's last section: the document's own sectPr
        out.add(blocks)
        del blocks, final, sections, package
        n += 1
    out.clear_blank_pages()
    _number_drawings(_story_elements(merged), out.drawings)
    from generator.render.reproducible import saved_docx, set_core_properties

    set_core_properties(merged, title=title or "", author=author or "", when=when)
    return saved_docx(merged, {merged.part.partname: out.xml()})


class _Body:
    """The batch's ``word/document.xml``, put together one copy at a time.

    Each copy's blocks go into the batch's (otherwise empty) body, where what was
    done on the tree of all copies is done on them: the blank pages get their empty
    header and footer, the drawings their numbers (both with running state), then
    the body is serialised as python-docx serialises the whole part and its content
    kept as bytes; the blocks leave the tree. The part is those bytes spliced
    between the document's start and end, which are the same for every copy.

    The blank pages' header and footer are made once all copies are in, as they
    were when the whole tree was at hand (their parts' names and rIds come after the
    copies' own): until then their references carry a placeholder rId.
    """

    def __init__(self, merged: Any) -> None:
        self._merged = merged
        self._body = merged.element.body
        #: The first copy's blocks and last section, already in the batch's tree.
        self._base: tuple[list[Any], Any] | None = _body_of(merged.element)
        for child in list(self._body):
            self._body.remove(child)
        self._chunks: list[bytes] = []
        self._ends: tuple[bytes, bytes] | None = None
        #: The references every blank page gets (from the first one's), once there is one.
        self._refs: list[Any] = []
        #: Drawings numbered so far.
        self.drawings = 0

    def take_base(self) -> tuple[list[Any], Any]:
        """The first copy's blocks and last section (:func:`_body_of`), once: the copy
        python-docx opened as the batch, its body taken out of the tree."""
        if self._base is None:  # pragma: no cover - print_docx takes it once
            raise ValueError("print_docx: the first copy's body was taken already")
        base, self._base = self._base, None
        return base

    def add(self, blocks: Sequence[Any]) -> None:
        """A copy's blocks, in order, after those added before."""
        from docx.opc.oxml import serialize_part_xml

        body = self._body
        for block in blocks:
            body.append(block)
        self._mark_blank_pages()
        self.drawings = _number_drawings([body], self.drawings)
        xml = serialize_part_xml(self._merged.element)
        start, end = xml.find(_BODY_START), xml.rfind(_BODY_END)
        if start < 0 or end < start:  # pragma: no cover - python-docx writes w:body so
            raise ValueError("print_docx: the document's body could not be found in its XML")
        start += len(_BODY_START)
        self._ends = (xml[:start], xml[end:])
        self._chunks.append(xml[start:end])
        for block in blocks:
            body.remove(block)

    def _mark_blank_pages(self) -> None:
        """Give the blank pages in the body the references to the one empty header and
        footer they share (a section without its own would show the header and footer
        of the section before it)."""
        import copy

        from docx.enum.section import WD_HEADER_FOOTER
        from docx.oxml.ns import qn

        for sectPr in [s for s in self._body.iter(qn("w:sectPr")) if s.get(_BLANK)]:
            del sectPr.attrib[_BLANK]
            if not self._refs:
                # as python-docx adds them when a section's header and footer are unlinked
                sectPr.add_headerReference(WD_HEADER_FOOTER.PRIMARY, _BLANK_HEADER)
                sectPr.add_footerReference(WD_HEADER_FOOTER.PRIMARY, _BLANK_FOOTER)
                self._refs = [copy.deepcopy(r) for r in sectPr
                              if r.tag in (qn("w:headerReference"), qn("w:footerReference"))]
                continue
            for ref in reversed(self._refs):
                sectPr.insert(0, copy.deepcopy(ref))

    def clear_blank_pages(self) -> None:
        """The empty header and footer of the blank pages, if there are any: their parts
        are made now, and their rIds replace the placeholders."""
        if not self._refs:
            return
        part = self._merged.part
        _header, header = part.add_header_part()
        _footer, footer = part.add_footer_part()
        marks = ((f'"{_BLANK_HEADER}"'.encode(), f'"{header}"'.encode()),
                 (f'"{_BLANK_FOOTER}"'.encode(), f'"{footer}"'.encode()))
        for k, chunk in enumerate(self._chunks):
            for mark, rid in marks:
                chunk = chunk.replace(mark, rid)
            self._chunks[k] = chunk

    def xml(self) -> bytes:
        """The whole part: the document's start, every copy's blocks, its end."""
        if self._ends is None:  # pragma: no cover - print_docx adds a copy at least
            raise ValueError("print_docx: no copies to print")
        head, tail = self._ends
        return b"".join((head, *self._chunks, tail))


_BODY_START, _BODY_END = b"<w:body>", b"</w:body>"
#: The rIds the blank pages' header and footer references carry until their parts are made.
_BLANK_HEADER, _BLANK_FOOTER = "congvan-blank-header", "congvan-blank-footer"


class _CopyPackage:
    """A copy's package, read from its zip part by part as the merge asks for them.

    python-docx's ``Document`` reads and parses every part when it opens a file. Of
    a copy after the first the batch needs its body and, once for all copies, its
    headers, footers and images; nothing here is parsed before it is needed, and
    what the copies have in common is worked out once (:class:`_ReadOnce`).
    """

    def __init__(self, data: bytes, once: _ReadOnce) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.opc.packuri import PACKAGE_URI

        self._zip = zipfile.ZipFile(io.BytesIO(data))
        self._members = set(self._zip.namelist())
        self.once = once
        self._parts: dict[str, _SourcePart] = {}
        self._overrides, self._defaults = once.content_types(self._zip.read("[Content_Types].xml"))
        main = self.part(PACKAGE_URI).related(RT.OFFICE_DOCUMENT)
        if main is None:
            raise ValueError("print_docx: a copy has no main document; render it with docx_bytes")
        self.main = main

    def part(self, partname: Any) -> _SourcePart:
        """The part named ``partname`` (a ``PackURI``): one object for each, so it is read once."""
        if partname not in self._parts:
            self._parts[partname] = _SourcePart(self, partname)
        return self._parts[partname]

    def read(self, partname: Any) -> bytes | None:
        """The bytes of the part named ``partname`` (a ``PackURI``), or None if there is none."""
        name = partname.membername
        return self._zip.read(name) if name in self._members else None

    def content_type(self, partname: Any) -> str:
        """The part's content type, by ``[Content_Types].xml``: its override, else its extension's."""
        found = self._overrides.get(partname.lower()) or self._defaults.get(partname.ext.lower())
        if found is None:
            raise ValueError(f"print_docx: a copy has no content type for {partname}")
        return found


class _ReadOnce:
    """What the copies' packages have in common, read once for all of them.

    The copies of a dispatch come from one template: their content types, their
    relationship parts and their styles are the same bytes. Each distinct one is
    parsed here once, keyed by its bytes.
    """

    def __init__(self) -> None:
        self._types: dict[bytes, tuple[dict[str, str], dict[str, str]]] = {}
        self._rels: dict[tuple[bytes, str], list[tuple[str, str, str, bool, Any]]] = {}
        self._saved: dict[bytes, bytes] = {}

    def content_types(self, xml: bytes) -> tuple[dict[str, str], dict[str, str]]:
        """``[Content_Types].xml``'s types by part name, and by extension (both in lower case)."""
        if xml not in self._types:
            from docx.opc.oxml import parse_xml

            types = parse_xml(xml)
            self._types[xml] = (
                {o.partname.lower(): o.content_type for o in types.overrides},
                {d.extension.lower(): d.content_type for d in types.defaults},
            )
        return self._types[xml]

    def relationships(self, xml: bytes, base_uri: str) -> list[tuple[str, str, str, bool, Any]]:
        """A ``.rels`` part's relationships, in order: rId, type, target as written,
        whether it is external, and the target part's name (a ``PackURI``) if not."""
        key = (xml, base_uri)
        if key not in self._rels:
            from docx.opc.constants import RELATIONSHIP_TARGET_MODE as RTM
            from docx.opc.oxml import parse_xml
            from docx.opc.packuri import PackURI

            rels = []
            for rel in parse_xml(xml).Relationship_lst:
                external = rel.target_mode == RTM.EXTERNAL
                target = None if external else PackURI.from_rel_ref(base_uri, rel.target_ref)
                rels.append((rel.rId, rel.reltype, rel.target_ref, external, target))
            self._rels[key] = rels
        return self._rels[key]

    def as_saved(self, blob: bytes) -> bytes:
        """An XML part's bytes as python-docx writes them once it has parsed them.

        Parts are compared in that form, as they were when every copy was opened
        with python-docx.
        """
        if blob not in self._saved:
            from docx.opc.oxml import serialize_part_xml
            from docx.oxml.parser import parse_xml

            self._saved[blob] = serialize_part_xml(parse_xml(blob))
        return self._saved[blob]


@dataclass(frozen=True)
class _Relationship:
    """A relationship of a copy's part: what python-docx's ``_Relationship`` tells the merge."""

    reltype: str
    target_ref: str
    is_external: bool
    package: _CopyPackage
    partname: Any  # the target's PackURI; None when external

    @property
    def target_part(self) -> _SourcePart:
        return self.package.part(self.partname)


class _SourcePart:
    """A part of a copy: its bytes, content type and relationships, read on first use."""

    def __init__(self, package: _CopyPackage, partname: Any) -> None:
        self.package = package
        self.partname = partname

    @functools.cached_property
    def blob(self) -> bytes:
        blob = self.package.read(self.partname)
        if blob is None:
            raise ValueError(f"print_docx: a copy refers to {self.partname}, which it does not have")
        return blob

    @functools.cached_property
    def content_type(self) -> str:
        return self.package.content_type(self.partname)

    @functools.cached_property
    def rels(self) -> dict[str, _Relationship]:
        """The part's relationships by rId, in the order of its ``.rels`` part."""
        xml = self.package.read(self.partname.rels_uri)
        if xml is None:
            return {}
        return {
            rid: _Relationship(reltype, ref, external, self.package, target)
            for rid, reltype, ref, external, target in self.package.once.relationships(xml, self.partname.baseURI)
        }

    def related(self, reltype: str) -> _SourcePart | None:
        """The first part this one relates to by ``reltype``, if any."""
        for rel in self.rels.values():
            if rel.reltype == reltype and not rel.is_external:
                return rel.target_part
        return None

    def element(self) -> Any:
        """A new tree of the part's XML, parsed as python-docx parses it (its element classes)."""
        from docx.oxml.parser import parse_xml

        return parse_xml(self.blob)

    @property
    def saved_blob(self) -> bytes:
        """The part's XML as python-docx would write it (see :meth:`_ReadOnce.as_saved`)."""
        return self.package.once.as_saved(self.blob)


def _body_of(document: Any) -> tuple[list[Any], Any]:
    """A copy's blocks (paragraphs and tables) and its last section's properties.

    ``document`` is the copy's ``w:document`` element.
    """
    from docx.oxml.ns import qn

    body = document.body
    final = body.find(qn("w:sectPr"))
    if final is None:
        raise ValueError("print_docx: a copy has no section properties; render it with docx_bytes")
    return [child for child in body if child is not final], final


def _template_parts(package: _CopyPackage) -> list[_SourcePart | None]:
    """A copy's styles and numbering parts (or None where it has none)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    return [package.main.related(reltype) for reltype in (RT.STYLES, RT.NUMBERING)]


def _require_template(package: _CopyPackage, template: Sequence[_SourcePart | None], n: int) -> None:
    """Styles and numbering are taken from the first copy (``template``, its
    :func:`_template_parts`): copy ``n`` must have the same."""
    if not all(_same_xml(a, b) for a, b in zip(_template_parts(package), template, strict=True)):
        raise ValueError(
            f"print_docx: copy {n} has other styles or numbering than copy 1; "
            "copies to print together must come from the same template"
        )


def _same_xml(a: _SourcePart | None, b: _SourcePart | None) -> bool:
    """Whether two XML parts (or their absence) are the same, as python-docx would write them.

    Equal bytes need no parsing: copies of one template have the very same styles.
    """
    if a is None or b is None:
        return a is b
    return a.blob == b.blob or a.saved_blob == b.saved_blob


def _section_breaks(blocks: Sequence[Any]) -> list[Any]:
    """The section breaks inside a copy's blocks (``w:sectPr`` in a paragraph), in order."""
    from docx.oxml.ns import qn

    return [s for b in blocks for s in b.iter(qn("w:sectPr"))]


def _start_on_odd_page(sectPr: Any) -> None:
    """The section starts on the next odd page: Word adds a blank page when needed.

    Word and LibreOffice count "odd" by page number. Every section that restarts its
    numbering at 1 (a copy, and each annex in it) is therefore made to start on an
    odd page, so that page numbers and sheets keep step: were an annex numbered 1 to
    fall on the back of a sheet, the next copy, numbered 1 too, would be put on a
    back as well. The cost is a blank page before an annex that follows a dispatch of
    odd length, which LibreOffice inserts in a single copy already.
    """
    from docx.enum.section import WD_SECTION_START

    sectPr.start_type = WD_SECTION_START.ODD_PAGE


def numbered_runs(pdf: bytes) -> list[int]:
    """The page count of each run of pages numbered from 1 in congvan's ``pdf`` of a copy:
    the dispatch, then each annex. Page 1 of a run shows no number (Decree 30); the
    pages after it show theirs in the top margin."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        runs: list[int] = []
        for page in document:
            width, height = page.get_size()
            text = page.get_textpage().get_text_bounded(0, height - _NUMBER_STRIP_MM * _PT_PER_MM, width, height)
            if runs and text.strip().isdigit():
                runs[-1] += 1
            else:
                runs.append(1)
        return runs
    finally:
        document.close()


#: The strip at the top of a page that holds its number (the top margin is 20 mm).
_NUMBER_STRIP_MM = 18


def _pad_runs(blocks: list[Any], sections: Sequence[Any], starts: Sequence[int], runs: Sequence[int]) -> list[Any]:
    """``blocks`` with a blank page before each run of pages that follows a run of odd
    length inside the copy; every section starts on the next page."""
    from docx.enum.section import WD_SECTION_START

    for section in sections:
        if _restarts_page_numbers(section):
            section.start_type = WD_SECTION_START.NEW_PAGE
    out = list(blocks)
    for k, start in enumerate(starts[1:]):
        if runs[k] % 2 == 0:
            continue
        ending = sections[start - 1]  # the sectPr that ends the run before it
        holder = ending.getparent().getparent()  # w:sectPr in w:pPr in w:p
        at = next(i for i, b in enumerate(out) if b is holder or b in holder.iterancestors())
        out.insert(at + 1, _blank_page(ending))
    return out


def _blank_page(like: Any) -> Any:
    """A paragraph ending a one-page section with the page setup of ``like`` (a
    ``w:sectPr``), its numbering continued; :class:`_Body` gives it an
    empty header and footer."""
    import copy

    from docx.enum.section import WD_SECTION_START
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    sectPr = copy.deepcopy(like)
    for tag in ("w:pgNumType", "w:headerReference", "w:footerReference", "w:titlePg"):
        for element in sectPr.findall(qn(tag)):
            sectPr.remove(element)
    sectPr.start_type = WD_SECTION_START.NEW_PAGE
    sectPr.set(_BLANK, "1")
    paragraph = OxmlElement("w:p")
    paragraph.set_sectPr(sectPr)
    return paragraph


#: Marks a blank page's section while the batch is put together (removed after).
_BLANK = "congvan-blank"


def _restarts_page_numbers(sectPr: Any) -> bool:
    from docx.oxml.ns import qn

    numbering = sectPr.find(qn("w:pgNumType"))
    return numbering is not None and numbering.get(qn("w:start")) == "1"


def _restart_page_numbers(sectPr: Any) -> None:
    """Page numbers restart at 1 here, so each copy is numbered as it was on its own."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    numbering = sectPr.find(qn("w:pgNumType"))
    if numbering is None:
        numbering = OxmlElement("w:pgNumType")
        sectPr.insert_element_before(numbering, *_AFTER_PGNUMTYPE)
    numbering.set(qn("w:start"), "1")


#: What follows ``w:pgNumType`` in ``w:sectPr`` (ECMA-376 Part 1, 17.6.17).
_AFTER_PGNUMTYPE = (
    "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
    "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
)


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


def _carry_relationships(element: Any, source: _SourcePart, target: Any, shared: _SharedParts) -> None:
    """Point every relationship ``element`` uses (``r:embed``, ``r:id``) from ``source``'s
    targets to the same targets related to ``target`` (a part of the batch)."""
    for attribute in _relationship_attributes()(element):
        attribute.getparent().set(attribute.attrname, _carry(source.rels[str(attribute)], target, shared))


@functools.cache
def _relationship_attributes() -> Any:
    """An XPath to the attributes in the relationships namespace of an element and
    everything in it, in document order (the order rIds were given in before).

    Compiled once: it runs on every block of every copy.
    """
    from docx.oxml.ns import nsmap
    from lxml import etree

    return etree.XPath("descendant-or-self::*/@r:*", namespaces={"r": nsmap["r"]})


def _carry(rel: _Relationship, target: Any, shared: _SharedParts) -> str:
    """``rel``'s target related to ``target``: the new rId."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    if rel.is_external:
        return str(target.relate_to(rel.target_ref, rel.reltype, is_external=True))
    if rel.reltype == RT.IMAGE:
        return str(target.relate_to(shared.image(rel.target_part.blob), RT.IMAGE))
    if rel.reltype in (RT.HEADER, RT.FOOTER):
        return str(target.relate_to(shared.carry(rel.target_part, rel.reltype), rel.reltype))
    raise ValueError(f"print_docx: a copy refers to a part it cannot carry over ({rel.reltype})")


class _SharedParts:
    """The batch's headers, footers and images, one part for each distinct one.

    Copies of one dispatch have the same page-number header, the same address
    footer and the same QR codes; 63 copies then share one part of each instead of
    carrying 63.
    """

    def __init__(self, document_part: Any, source: _SourcePart) -> None:
        """The batch's own (``document_part``'s), keyed as read from ``source``, the
        first copy's main part, which python-docx opened as ``document_part``."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        self._package = document_part.package
        self._parts: dict[tuple[Any, ...], Any] = {}
        self._images: dict[bytes, Any] = {}
        for rid, rel in source.rels.items():
            if rel.reltype in (RT.HEADER, RT.FOOTER):
                self._parts.setdefault(_story_key(rel.target_part), document_part.rels[rid].target_part)

    def carry(self, part: _SourcePart, reltype: str) -> Any:
        """The batch's part equal to ``part`` (a copy's header or footer), made if new."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.parts.hdrftr import FooterPart, HeaderPart

        key = _story_key(part)
        if key not in self._parts:
            kind, template = (
                (HeaderPart, "/word/header%d.xml") if reltype == RT.HEADER
                else (FooterPart, "/word/footer%d.xml")
            )
            element = part.element()
            name = self._package.next_partname(template)
            new = kind(name, part.content_type, element, self._package)
            _carry_relationships(element, part, new, self)
            self._parts[key] = new
        return self._parts[key]

    def image(self, blob: bytes) -> Any:
        """The batch's image part holding ``blob`` (an image file's bytes), made if new.

        python-docx itself keeps one part per image (by SHA-1), but reads the image's
        header and digest to find it; the same bytes are looked up here first.
        """
        if blob not in self._images:
            self._images[blob] = self._package.get_or_add_image_part(io.BytesIO(blob))
        return self._images[blob]


def _story_key(part: _SourcePart) -> tuple[Any, ...]:
    """What makes two header or footer parts the same: their XML and what it points to."""
    rels = tuple(
        (rid, rel.reltype, rel.target_ref if rel.is_external else rel.target_part.blob)
        for rid, rel in sorted(part.rels.items())
    )
    return (part.content_type, part.saved_blob, rels)


def _story_elements(document: Any) -> list[Any]:
    """The root elements of the batch's headers and footers, in the order of its relationships."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    return [
        rel.target_part.element
        for rel in document.part.rels.values()
        if rel.reltype in (RT.HEADER, RT.FOOTER)
    ]


def _number_drawings(elements: Sequence[Any], number: int) -> int:
    """Give every drawing in ``elements`` a distinct id (``wp:docPr/@id``), as Word
    requires, counting on from ``number`` drawings numbered before; the count after.

    Each copy numbers its own drawings from the same start, so the batch would
    repeat them. The batch numbers those of its body, copy by copy, then those of
    its headers and footers.
    """
    from docx.oxml.ns import qn

    for element in elements:
        for drawing in element.iter(qn("wp:docPr")):
            number += 1
            drawing.set("id", str(number))
    return number
