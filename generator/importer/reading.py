"""Read a DOCX, DOC or PDF into paragraphs, plan tables and QR codes.

Built on the lines of ``congvan check`` (:func:`generator.check.read_document`): the
file goes through the checker's public entry point first, so every bound it applies to
hostile files (size, zip bombs, XML entities) holds here too. What a line does not
carry (Word's automatic numbering, text boxes, merged table cells, the images of QR
codes) is then read from the same bytes, which the checker has accepted.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.check.doc import CheckReadError, Document, Line
from generator.errors import InputError
from generator.i18n import _
from generator.vietnamese import nfc

__all__ = ["MAX_IMPORT_BYTES", "Para", "PlanTable", "Source", "read_source"]

#: Bytes of a file to import: a dispatch with its annexes and a few images is well under
#: this; anything larger is refused before it is read.
MAX_IMPORT_BYTES = 20_000_000
#: Seconds LibreOffice may take to convert a .doc.
SOFFICE_TIMEOUT = 120
#: The first bytes of a Word 97–2003 file (an OLE compound file).
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Images of a PDF looked at for QR codes (a dispatch prints a few; a scan has one a page).
MAX_QR_IMAGES = 40

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_EMU_MM = 1 / 36000


def q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


@dataclass
class Para:
    """A paragraph (or one column of a line laid out with tabs), in reading order."""

    text: str
    part: int
    column: str | None = None
    bold: bool = False
    italic: bool = False
    size: float | None = None
    indented: bool = False
    #: Word's automatic numbering of the paragraph: "1.", "a)", "-" (DOCX only).
    label: str | None = None
    area: str = "body"
    #: The lines the paragraph was printed on (a PDF wraps; a DOCX breaks at line breaks).
    lines: list[str] = field(default_factory=list)
    fonts: frozenset[str] = frozenset()
    #: Sort key in reading order.
    key: tuple[Any, ...] = ()
    centre: float | None = None
    #: A DOCX paragraph's id: column segments of one paragraph share it.
    pid: object = None
    in_cell: bool = False
    #: The first paragraph after a page or section break (DOCX).
    after_break: bool = False


@dataclass
class PlanTable:
    part: int
    #: Rows of cell texts; ``None`` where a cell continues the merged cell above.
    rows: list[list[str | None]]
    key: tuple[Any, ...] = ()


@dataclass
class Source:
    name: str
    kind: str
    paras: list[Para]
    tables: list[PlanTable]
    #: Decoded QR codes in reading order: (text, part, horizontal centre in mm or None).
    qr: list[tuple[str, int, float | None]]
    images: int = 0


def read_source(path: Path, legacy_encoding: str | None = None) -> Source:
    """Read ``path`` (.docx, .doc or .pdf) into paragraphs, plan tables and QR codes."""
    from generator.check import read_document

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError([_("{file}: cannot be read ({reason})", file=path, reason=exc.strerror or exc)]) from None
    if size > MAX_IMPORT_BYTES:
        raise InputError([_(
            "{file}: the file is {size:.1f} MB, more than the {limit} MB a dispatch to import can be. "
            "Check that it is the right file.", file=path, size=size / 1e6, limit=MAX_IMPORT_BYTES // 1_000_000)])
    name = str(path)
    with path.open("rb") as f:
        magic = f.read(8)
    if path.suffix.lower() in (".doc", ".rtf") or magic == _OLE or magic[:5] == b"{\\rtf":
        data = _doc_to_docx(path)  # Word 97–2003 (also when named .docx), or RTF saved as .doc
    else:
        data = path.read_bytes()
    if data[:2] == b"PK":
        _zip_bounds(data, name)
    try:
        doc = read_document(data, name)
    except CheckReadError as exc:
        raise InputError([exc.format_message()]) from None
    if doc.kind == "docx":
        source = _from_docx(doc, data, name, legacy_encoding)
    else:
        source = _from_pdf(doc, data, name)
    if legacy_encoding:
        _convert_legacy(source, legacy_encoding)
        if source.kind == "docx":
            _reassign_parts(source)
    for p in source.paras:  # a PDF's text may be decomposed (NFD); the model is NFC
        p.text = nfc(p.text)
        p.lines = [nfc(x) for x in p.lines]
    return source


#: What the parts of a DOCX may hold once unzipped: far above any real dispatch, far below
#: what a zip bomb (a few kilobytes that unzip to gigabytes) would make python-docx read.
MAX_UNZIPPED_PART = 100_000_000
MAX_UNZIPPED_TOTAL = 200_000_000
MAX_PARTS = 2_000


def _zip_bounds(data: bytes, name: str) -> None:
    """Refuse a DOCX whose parts unzip to more than a dispatch could hold, before any is read.

    The sizes are those the zip's directory declares; Python's zipfile never inflates a
    part beyond its declared size, so they bound what the readers read.
    """
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # the checker's reader says what is wrong with it
    total = sum(i.file_size for i in infos)
    if len(infos) > MAX_PARTS or total > MAX_UNZIPPED_TOTAL or any(i.file_size > MAX_UNZIPPED_PART for i in infos):
        raise InputError([_(
            "{file}: the file unzips to {size} MB in {parts} parts, far more than a dispatch holds (at most "
            "{limit} MB): it is not a dispatch, or it is damaged", file=name, size=f"{total / 1e6:,.0f}",
            parts=len(infos), limit=MAX_UNZIPPED_TOTAL // 1_000_000)])


# --- .doc through LibreOffice --------------------------------------------------------------

def _doc_to_docx(path: Path) -> bytes:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise InputError([_(
            "{file}: a Word 97–2003 file (.doc) is converted with LibreOffice, which is not installed "
            "here. Install LibreOffice, or open the file in Word and save it as .docx, then import "
            "the .docx.", file=path)])
    data = path.read_bytes()
    if data[:2] == b"PK":
        return data  # a DOCX named .doc
    if not (data[:8] == _OLE or data[:5] == b"{\\rtf"):
        raise InputError([_("{file}: not a Word file (.doc)", file=path)])
    with tempfile.TemporaryDirectory(prefix="congvan-import-") as tmp:
        work = Path(tmp)
        src = work / "in.doc"
        src.write_bytes(data)
        profile = (work / "profile").as_uri()
        try:
            subprocess.run(
                [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                 "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work / "out"), str(src)],
                check=True, capture_output=True, timeout=SOFFICE_TIMEOUT,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            raise InputError([_("{file}: LibreOffice could not convert the file ({reason})",
                                file=path, reason=type(exc).__name__)]) from None
        out = work / "out" / "in.docx"
        if not out.is_file():
            raise InputError([_("{file}: LibreOffice could not convert the file ({reason})",
                                file=path, reason=_("no output"))])
        return out.read_bytes()


# --- DOCX ------------------------------------------------------------------------------------

def _walk_paragraphs(parent: Any, out: list[Any], tables: list[Any]) -> None:
    """``w:p`` and ``w:tbl`` in the order the checker's DOCX reader visits them."""
    for child in parent:
        if child.tag == q("p"):
            out.append(child)
        elif child.tag == q("tbl"):
            tables.append(child)
            for tr in child.findall(q("tr")):
                for tc in tr.findall(q("tc")):
                    _walk_paragraphs(tc, out, tables)
        elif child.tag == q("sdt"):
            content = child.find(q("sdtContent"))
            if content is not None:
                _walk_paragraphs(content, out, tables)


def _from_docx(doc: Document, data: bytes, name: str, legacy_encoding: str | None = None) -> Source:
    import docx

    document = docx.Document(io.BytesIO(data))
    elements: list[Any] = []
    table_els: list[Any] = []
    _walk_paragraphs(document.element.body, elements, table_els)
    numbering = _Numbering(document)
    # Keyed by the id of the element proxies table_els keeps alive (lxml hands back the same one).
    plan_tables = {id(t): t for t in table_els if _is_plan_table(t, legacy_encoding)}
    paras: list[Para] = []
    tables: list[PlanTable] = []
    seen_tables: set[int] = set()
    by_pid: dict[object, list[Line]] = {}
    for ln in doc.lines:
        if ln.area == "body":
            by_pid.setdefault(ln.para, []).append(ln)
    by_pid = _aligned(by_pid, elements)
    part_of_pid: dict[int, int] = {}
    last_part = 0
    for pid in range(1, len(elements) + 1):
        lines = by_pid.get(pid, [])
        if lines:
            last_part = lines[0].part
        part_of_pid[pid] = last_part
    last_order: float = -1
    breaking = False
    for pid, p in enumerate(elements, start=1):
        lines = by_pid.get(pid, [])
        part = part_of_pid[pid]
        cell = True if any(True for _ in p.iterancestors(q("tc"))) else None  # in a table cell
        tid = next((id(t) for t in p.iterancestors(q("tbl")) if id(t) in plan_tables), None)
        if tid is not None:
            if tid not in seen_tables and lines:
                seen_tables.add(tid)
                tables.append(PlanTable(part, _table_rows(plan_tables[tid]), (lines[0].order,)))
            continue
        label = numbering.label(p)
        # Text boxes anchored in this paragraph come first (the header is often drawn so).
        paras += _text_boxes(p, part, doc, last_order + 0.5)
        ppr = p.find(q("pPr"))
        if ppr is not None and ppr.find(q("pageBreakBefore")) is not None:
            breaking = True
        if not lines:
            breaking = breaking or _breaks(p)
            continue
        last_order = max(x.order for x in lines)
        first_para = len(paras)
        rows: dict[int, list[Line]] = {}
        for ln in lines:
            rows.setdefault(ln.row[2] if isinstance(ln.row, tuple) else 0, []).append(ln)
        made_from = len(paras)
        multi_column = False
        for li in sorted(rows):
            segs = rows[li]
            # A line laid out with tabs: one paragraph per column it reaches.
            groups: list[list[Line]] = []
            for ln in segs:
                col = doc.column(ln) if len(segs) > 1 else None
                if groups and (doc.column(groups[-1][-1]) if len(segs) > 1 else None) == col:
                    groups[-1].append(ln)
                else:
                    groups.append([ln])
            for g in groups:
                text = " ".join(x.text for x in g)
                first = g[0]
                column = doc.column(first) if (cell is not None or len(segs) > 1) else None
                if len(groups) == 1 and len(segs) > 1 and cell is None:
                    # "Kính gửi:<tab>X": one paragraph, whatever the tab stops.
                    column = None
                paras.append(Para(
                    text=text, part=part, column=column,
                    bold=all(bool(x.bold) for x in g), italic=all(bool(x.italic) for x in g),
                    size=first.size, indented=bool(first.first_indent and first.first_indent > 3),
                    label=label if li == min(rows) and g is groups[0] else None,
                    lines=[text], fonts=frozenset().union(*(x.fonts for x in g)),
                    key=(first.order,), centre=first.centre, pid=(pid, li) if cell is not None else pid,
                    in_cell=cell is not None,
                ))
            multi_column = multi_column or len(groups) > 1
        made = paras[made_from:]
        if len(made) > 1 and not multi_column:
            # Lines broken by hand (Shift+Enter) in one paragraph: one paragraph of several lines.
            head = made[0]
            head.lines = [m.text for m in made]
            head.text = " ".join(head.lines)
            head.bold = all(m.bold for m in made)
            head.italic = all(m.italic for m in made)
            head.pid = (pid, 0) if cell is not None else pid
            del paras[made_from + 1:]
        if breaking and len(paras) > first_para:
            paras[first_para].after_break = True
            breaking = False
        breaking = breaking or _breaks(p)
    for ln in doc.lines:
        if ln.area == "page-footer" and ln.part == 0 and not ln.text.isdigit():
            paras.append(Para(text=ln.text, part=0, area="page-footer", lines=[ln.text], size=ln.size,
                              fonts=ln.fonts, key=(10**9 + len(paras),)))
        if ln.area == "page-header" and ln.part == 0 and not ln.text.isdigit():
            paras.append(Para(text=ln.text, part=0, area="page-header", lines=[ln.text], size=ln.size,
                              bold=bool(ln.bold), fonts=ln.fonts, key=(-1,)))
    qr = _docx_qr(document, elements, part_of_pid)
    images = sum(1 for _ in document.element.body.iter(f"{{{_A}}}blip"))
    return Source(name, "docx", paras, tables, qr, images)


def _squeezed(text: str) -> str:
    return "".join(nfc(text).casefold().split())


def _aligned(by_pid: dict[object, list[Line]], elements: list[Any]) -> dict[object, list[Line]]:
    """The checker's lines keyed by the 1-based index of their ``w:p`` in ``elements``.

    The checker numbers paragraphs in the order this module walks them; should that ever
    differ, each paragraph's lines are matched to the next element holding their text.
    """
    texts = ["".join(_squeezed(t.text or "") for t in p.iter(q("t"))) for p in elements]

    def holds(index: int, lines: list[Line]) -> bool:
        return 0 <= index < len(texts) and all(_squeezed(ln.text) in texts[index] for ln in lines)

    if all(isinstance(pid, int) and holds(pid - 1, lines) for pid, lines in by_pid.items()):
        return by_pid
    out: dict[object, list[Line]] = {}
    at = 0
    for lines in sorted(by_pid.values(), key=lambda ls: ls[0].order):
        k = next((i for i in range(at, len(texts)) if holds(i, lines)), None)
        if k is None:
            continue
        out.setdefault(k + 1, []).extend(lines)
        at = k + 1
    return out


def _breaks(p: Any) -> bool:
    """A page break in the paragraph, or a section ending with it."""
    ppr = p.find(q("pPr"))
    if ppr is not None and ppr.find(q("sectPr")) is not None:
        return True
    return any(br.get(q("type")) == "page" for br in p.iter(q("br")))


def _reassign_parts(source: Source) -> None:
    """Parts found again once legacy text is converted ("Phụ lục" could not be read before)."""
    from generator.check.pdf_reader import ANNEX_START

    body = sorted((p for p in source.paras if p.area == "body"), key=lambda p: p.key)
    part = 0
    for i, p in enumerate(body):
        if p.after_break and any(ANNEX_START.match(x.text) for x in body[i:i + 4]):
            part += 1
        p.part = part
    for t in source.tables:
        before = [p for p in body if p.key < t.key]
        t.part = before[-1].part if before else 0


def _text_boxes(p: Any, part: int, doc: Document, pid: float) -> list[Para]:
    out: list[Para] = []
    boxes = []
    for anchor in p.iter(f"{{{_WP}}}anchor", f"{{{_WP}}}inline"):
        # Inside mc:AlternateContent, the Choice and its Fallback hold the same text: take one.
        if any(a.tag == f"{{{_MC}}}Fallback" for a in anchor.iterancestors()):
            continue
        content = next(anchor.iter(q("txbxContent")), None)
        if content is None:
            continue
        x = None
        pos = anchor.find(f"{{{_WP}}}positionH/{{{_WP}}}posOffset")
        ext = anchor.find(f"{{{_WP}}}extent")
        if pos is not None and pos.text and pos.text.strip().lstrip("-").isdigit():
            x = int(pos.text) * _EMU_MM
            if ext is not None and ext.get("cx", "").isdigit():
                x += int(ext.get("cx")) * _EMU_MM / 2
            rel = anchor.find(f"{{{_WP}}}positionH")
            if rel is not None and rel.get("relativeFrom") in ("margin", "column"):
                x += doc.text_left
        boxes.append((x, content))
    if not boxes:
        for content in p.iter(q("txbxContent")):
            if any(a.tag == f"{{{_MC}}}Fallback" for a in content.iterancestors()):
                continue
            boxes.append((None, content))
    for k, (x, content) in enumerate(boxes):
        column = None
        if x is not None:
            rel = (x - doc.text_left) / doc.text_width
            column = "left" if rel < 0.45 else "right" if rel > 0.55 else None
        for j, bp in enumerate(content.iter(q("p"))):
            runs = [r for r in bp.iter(q("r")) if "".join(t.text or "" for t in r.iter(q("t"))).strip()]
            text = " ".join("".join(t.text or "" for t in bp.iter(q("t"))).split())
            if not text:
                continue
            bold = bool(runs) and all(_run_on(r, "b") for r in runs)
            italic = bool(runs) and all(_run_on(r, "i") for r in runs)
            out.append(Para(text=text, part=part, column=column, bold=bold, italic=italic, lines=[text],
                            key=(pid, k, j), pid=("box", pid, k, j), in_cell=True))
    return out


def _run_on(r: Any, tag: str) -> bool:
    rpr = r.find(q("rPr"))
    el = rpr.find(q(tag)) if rpr is not None else None
    return el is not None and el.get(q("val")) not in ("0", "false", "off")


class _Numbering:
    """Labels of Word's automatic numbering (numPr): "1.", "2.", "a)", …"""

    def __init__(self, document: Any) -> None:
        self.formats: dict[tuple[str, int], tuple[str, str]] = {}
        self.counters: dict[tuple[str, int], int] = {}
        self.styles: dict[str, tuple[str, int]] = {}
        try:
            root = document.part.numbering_part.element
        except Exception:
            return
        abstract = {}
        for a in root.findall(q("abstractNum")):
            levels = {}
            for lvl in a.findall(q("lvl")):
                fmt = lvl.find(q("numFmt"))
                text = lvl.find(q("lvlText"))
                levels[int(lvl.get(q("ilvl"), "0"))] = (
                    fmt.get(q("val")) if fmt is not None else "decimal",
                    text.get(q("val")) if text is not None else "%1.",
                )
            abstract[a.get(q("abstractNumId"))] = levels
        for num in root.findall(q("num")):
            aid = num.find(q("abstractNumId"))
            if aid is None:
                continue
            for ilvl, value in abstract.get(aid.get(q("val")), {}).items():
                self.formats[(num.get(q("numId")), ilvl)] = value
        for style in document.styles.element.findall(q("style")):
            numpr = style.find(f"{q('pPr')}/{q('numPr')}")
            if numpr is not None:
                nid = numpr.find(q("numId"))
                ilvl = numpr.find(q("ilvl"))
                if nid is not None:
                    self.styles[style.get(q("styleId"))] = (
                        nid.get(q("val")), int(ilvl.get(q("val"))) if ilvl is not None else 0)

    def label(self, p: Any) -> str | None:
        ppr = p.find(q("pPr"))
        if ppr is None:
            return None
        numpr = ppr.find(q("numPr"))
        ref = None
        if numpr is not None:
            nid = numpr.find(q("numId"))
            ilvl = numpr.find(q("ilvl"))
            if nid is not None:
                ref = (nid.get(q("val")), int(ilvl.get(q("val"))) if ilvl is not None else 0)
        else:
            style = ppr.find(q("pStyle"))
            if style is not None:
                ref = self.styles.get(style.get(q("val")))
        if ref is None or ref[0] == "0" or ref not in self.formats:
            return None
        fmt, text = self.formats[ref]
        n = self.counters.get(ref, 0) + 1
        self.counters[ref] = n
        for key in list(self.counters):  # a higher level restarts the lower ones
            if key[0] == ref[0] and key[1] > ref[1]:
                del self.counters[key]
        if fmt == "bullet":
            return "-"
        if fmt in ("lowerLetter", "upperLetter"):
            value = "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26]
            value = value.upper() if fmt == "upperLetter" else value
        elif fmt in ("lowerRoman", "upperRoman"):
            value = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"][(n - 1) % 10]
        else:
            value = str(n)
        return re.sub(r"%\d", value, text).strip() or f"{value}."


def _is_plan_table(tbl: Any, legacy_encoding: str | None = None) -> bool:
    rows = tbl.findall(q("tr"))
    if len(rows) < 2:
        return False
    header = [" ".join("".join(t.text or "" for t in tc.iter(q("t"))).split()) for tc in rows[0].findall(q("tc"))]
    if legacy_encoding:
        from generator.input import legacy

        header = [legacy.convert(h, legacy_encoding) for h in header]
    header = [nfc(h).casefold() for h in header]
    return len(header) >= 3 and any(h.startswith("tỉnh") for h in header) and any(
        h in ("cụm", "tên cụm") or "thời gian" in h or "từ ngày" in h for h in header)


def _table_rows(tbl: Any) -> list[list[str | None]]:
    out: list[list[str | None]] = []
    for tr in tbl.findall(q("tr")):
        row: list[str | None] = []
        for tc in tr.findall(q("tc")):
            tcpr = tc.find(q("tcPr"))
            span = 1
            merge = None
            if tcpr is not None:
                gs = tcpr.find(q("gridSpan"))
                if gs is not None and (gs.get(q("val")) or "1").isdigit():
                    span = int(gs.get(q("val")))
                vm = tcpr.find(q("vMerge"))
                if vm is not None:
                    merge = vm.get(q("val")) or "continue"
            text = " ".join(" ".join(
                "".join(t.text or "" for t in p.iter(q("t"))) for p in tc.iter(q("p"))).split())
            row.append(None if merge == "continue" else nfc(text))
            row += [""] * (span - 1)
        out.append(row)
    return out


def _docx_qr(document: Any, elements: list[Any], part_of_pid: dict[int, int]) -> list[tuple[str, int, float | None]]:
    out: list[tuple[str, int, float | None]] = []
    seen: set[str] = set()
    for pid, p in enumerate(elements, start=1):
        for blip in p.iter(f"{{{_A}}}blip"):
            rid = blip.get(f"{{{_R}}}embed")
            if not rid or rid in seen or len(seen) >= MAX_QR_IMAGES:
                continue
            seen.add(rid)
            try:
                blob = document.part.related_parts[rid].blob
            except Exception:
                continue
            for text in _decode_qr(blob):
                out.append((text, part_of_pid.get(pid, 0), None))
    return out


def _decode_qr(blob: bytes) -> list[str]:
    """The texts of the QR codes in an image (none when it is not an image or has none)."""
    try:
        import zxingcpp
        from PIL import Image

        with Image.open(io.BytesIO(blob)) as img:
            if img.width * img.height > 40_000_000:
                return []
            img = img.convert("L")
            return [r.text for r in zxingcpp.read_barcodes(img) if r.format == zxingcpp.BarcodeFormat.QRCode]
    except Exception:
        return []


# --- PDF -------------------------------------------------------------------------------------

_MARKER = re.compile(r"^(\d+\.\s|[a-zđ]\)\s|-\s|\+\s)")


def _from_pdf(doc: Document, data: bytes, name: str) -> Source:
    import pdfplumber

    tables: list[PlanTable] = []
    boxes: dict[int, list[tuple[float, float, float, float]]] = {}
    qr: list[tuple[str, int, float | None]] = []
    page_part = {ln.page: ln.part for ln in doc.lines}
    images = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            part = page_part.get(number, 0)
            for t in page.find_tables():
                rows = t.extract()
                if not rows or len(rows) < 2:
                    continue
                header = [" ".join((c or "").split()).casefold() for c in rows[0]]
                if not (any(h.startswith("tỉnh") for h in header) and len(header) >= 3):
                    continue
                boxes.setdefault(number, []).append(tuple(v / (72 / 25.4) for v in t.bbox))
                cells = [[None if c is None else nfc(" ".join(c.split())) for c in r] for r in rows]
                if tables and tables[-1].part == part and number > 1 and _same_header(tables[-1].rows[0], cells[0]):
                    tables[-1].rows += cells[1:]  # the table goes on over the page (header repeated)
                else:
                    tables.append(PlanTable(part, cells))
            for img in page.images:
                images += 1
                if images > MAX_QR_IMAGES:
                    break
                bbox = (max(0, img["x0"]), max(0, img["top"]),
                        min(page.width, img["x1"]), min(page.height, img["bottom"]))
                if bbox[2] - bbox[0] < 10 or bbox[3] - bbox[1] < 10:
                    continue
                try:
                    pil = page.crop(bbox).to_image(resolution=200).original
                    blob = io.BytesIO()
                    pil.save(blob, format="PNG")
                except Exception:
                    continue
                for text in _decode_qr(blob.getvalue()):
                    qr.append((text, part, (bbox[0] + bbox[2]) / 2 / (72 / 25.4)))
    lines = [ln for ln in doc.lines if not _inside(ln, boxes.get(ln.page or 0, []))]
    paras = _pdf_paragraphs(doc, _labels_joined(lines))
    return Source(name, "pdf", paras, tables, qr, images)


_LABEL = re.compile(r"^(\d{1,2}\.|[a-zđ]\)|[-–+•])$")


def _labels_joined(lines: list[Line]) -> list[Line]:
    """A list label drawn apart from its text (Word's automatic numbering: "1." then a tab)
    joined to the text it labels, as one line."""
    import dataclasses

    out: list[Line] = []
    skip: set[int] = set()
    for i, ln in enumerate(lines):
        if i in skip:
            continue
        if _LABEL.match(ln.text) and ln.area == "body":
            nxt = next((j for j in range(i + 1, min(i + 4, len(lines))) if j not in skip
                        and lines[j].row == ln.row and lines[j].page == ln.page
                        and (lines[j].x0 or 0) > (ln.x1 or 0)), None)
            if nxt is not None:
                o = lines[nxt]
                skip.add(nxt)
                out.append(dataclasses.replace(ln, text=f"{ln.text} {o.text}", x1=o.x1,
                                               bold=bool(ln.bold) and bool(o.bold), italic=o.italic))
                continue
        out.append(ln)
    return out


def _would_not_fit(last: Line, ln: Line, right: float) -> bool:
    from generator.render.fonts import text_width_mm

    word = ln.text.split()[0] if ln.text.split() else ""
    try:
        width = text_width_mm(" " + word, ln.size or 12, bold=bool(ln.bold), italic=bool(ln.italic))
    except Exception:
        return False
    return (last.x1 or 0) + width > right - 0.5


def _same_header(a: list[str | None], b: list[str | None]) -> bool:
    return [x or "" for x in a] == [x or "" for x in b]


def _inside(ln: Line, boxes: list[tuple[float, float, float, float]]) -> bool:
    for x0, top, x1, bottom in boxes:
        if ln.y is not None and top - 1 <= ln.y <= bottom and (ln.x0 or 0) >= x0 - 1 and (ln.x1 or 0) <= x1 + 1:
            return True
    return False


def _pdf_paragraphs(doc: Document, lines: list[Line]) -> list[Para]:
    out: list[Para] = []
    right_edge: dict[int, float] = {}
    for ln in lines:
        if ln.area == "body" and ln.page is not None:
            right_edge[ln.page] = max(right_edge.get(ln.page, 0), ln.x1 or 0)
    left = doc.text_left
    open_: list[tuple[Para, Line]] = []
    for ln in sorted(lines, key=lambda x: (x.page or 0, x.y or 0, x.x0 or 0)):
        if ln.area != "body":
            if ln.text.strip().isdigit():
                continue
            out.append(Para(text=ln.text, part=ln.part, area=ln.area, lines=[ln.text], size=ln.size,
                            bold=bool(ln.bold), fonts=ln.fonts, key=(ln.page, ln.y, ln.x0)))
            continue
        pitch = (ln.size or 12) * 25.4 / 72 * 1.75
        target = None
        for para, last in reversed(open_):
            if para.part != ln.part or abs((last.size or 0) - (ln.size or 0)) > 0.3:
                continue
            if bool(last.bold) != bool(ln.bold) or bool(last.italic) != bool(ln.italic):
                continue
            full = (last.x1 or 0) >= right_edge.get(last.page or 0, 0) - 2.5 and (last.x1 or 0) - (last.x0 or 0) > 100
            if last.page == ln.page:
                gap = (ln.y or 0) - (last.y or 0)
                if not 0 < gap <= pitch:
                    continue
            elif not (ln.page == (last.page or 0) + 1 and full):
                continue
            if full and abs((ln.x0 or 0) - left) < 1.5:
                target = para
                break
            if last.page == ln.page and ln.row != last.row and (ln.y or 0) - (last.y or 0) > pitch / 2 \
                    and abs((ln.x0 or 0) - left) < 1.5 and abs((last.x0 or 0) - left) < 12 \
                    and not _MARKER.match(ln.text) and _would_not_fit(last, ln, right_edge.get(ln.page or 0, 0)):
                target = para  # ragged text: the line broke because the next word did not fit
                break
            ln_full = (ln.x1 or 0) >= right_edge.get(ln.page or 0, 0) - 2.5
            if last.page == ln.page and not _MARKER.match(ln.text) and last.centre is not None \
                    and ln.centre is not None and abs(ln.centre - last.centre) < 2.5 and (full or not ln_full) \
                    and abs((ln.x0 or 0) - (last.x0 or 0)) > 1:  # centred, not two lines set at one indent
                target = para
                break
        if target is not None:
            target.lines.append(ln.text)
            target.text = " ".join(target.lines)
            open_ = [(p, ln if p is target else x) for p, x in open_]
            continue
        first_line = (ln.x0 or 0) > left + 3 and (ln.x1 or 0) >= right_edge.get(ln.page or 0, 0) - 2.5
        para = Para(text=ln.text, part=ln.part, column=doc.column(ln), bold=bool(ln.bold), italic=bool(ln.italic),
                    size=ln.size, indented=first_line, lines=[ln.text], fonts=ln.fonts,
                    key=(ln.page, ln.y, ln.x0), centre=ln.centre)
        if first_line:  # a full-width first line, indented: its column is the page's
            para.column = None
        out.append(para)
        open_.append((para, ln))
        open_ = open_[-8:]
    return out


# --- legacy encodings -----------------------------------------------------------------------

def _convert_legacy(source: Source, encoding: str) -> None:
    from generator.input import legacy

    def fix(text: str, fonts: frozenset[str]) -> str:
        font = next((f for f in fonts if legacy.encoding_of_font(f)), None)
        if font is None and legacy.detect(text) is None:
            return text
        return legacy.convert(text, encoding, font)

    for p in source.paras:
        p.text = fix(p.text, p.fonts)
        p.lines = [fix(x, p.fonts) for x in p.lines]
    for t in source.tables:
        t.rows = [[None if c is None else fix(c, frozenset()) for c in r] for r in t.rows]
