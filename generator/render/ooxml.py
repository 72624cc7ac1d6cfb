"""The raw WordprocessingML touch-ups that docxtpl cannot express.

docxtpl fills a template with Jinja; some of what NĐ 30 asks for depends on the
data in ways a Jinja tag cannot say inside Word's XML: a date cell merged over a
*run* of rows (docxtpl's ``{% vm %}`` merges a whole loop), a QR table whose column
count is known only at render time, and page-1-only header and footer content in a
document whose annexes are further sections. Each function below does one such
job on the rendered python-docx ``Document``, named for the document concept, and
inserts elements in the order the schema requires (Word rejects a file otherwise;
LibreOffice silently ignores misplaced elements).

The template builder uses :func:`get_or_add` and the table captions from here too,
so the rules about element order and about finding tables live in one place.
"""

from __future__ import annotations

from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.parts.hdrftr import FooterPart, HeaderPart

__all__ = [
    "PLAN_TABLE",
    "QR_TABLE",
    "fit_qr_table",
    "get_or_add",
    "give_every_story_a_paragraph",
    "keep_first_page_extras_on_page_one",
    "merge_plan_date_cells",
]

#: ``w:tblCaption`` values the template gives the tables post-processing must find.
PLAN_TABLE = "congvan-plan"
QR_TABLE = "congvan-qr"

#: Child order of the property elements we touch (ECMA-376 Part 1, §17, the
#: CT_*Pr sequences); a new child goes before the first sibling that must follow it.
_ORDER: dict[str, tuple[str, ...]] = {
    "pPr": (
        "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
        "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
        "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
        "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
        "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
        "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
        "sectPr", "pPrChange",
    ),
    "rPr": (
        "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike",
        "dstrike", "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid",
        "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs",
        "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em",
        "lang", "eastAsianLayout", "specVanish", "oMath",
    ),
    "tblPr": (
        "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
        "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
        "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription",
    ),
    "trPr": (
        "cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
        "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden",
    ),
    "tcPr": (
        "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
        "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark",
    ),
    "sectPr": (
        "headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz",
        "pgMar", "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt",
        "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid",
        "printerSettings", "sectPrChange",
    ),
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def get_or_add(parent: Any, tag: str, **attrs: str) -> Any:
    """The child ``tag`` ("w:spacing") of ``parent``, created in schema order if absent.

    ``attrs`` ("val": "single") are set as ``w:`` attributes on the child, whether it
    was found or made.
    """
    child = parent.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        order = _ORDER.get(_local(parent.tag))
        name = tag.split(":", 1)[1]
        later = order[order.index(name) + 1 :] if order and name in order else ()
        for sibling in parent:
            if _local(sibling.tag) in later:
                sibling.addprevious(child)
                break
        else:
            parent.append(child)
    for key, value in attrs.items():
        child.set(qn(f"w:{key}"), str(value))
    return child


def _captioned(document: Any, caption: str) -> list[Any]:
    """Every ``w:tbl`` of the body whose ``w:tblPr/w:tblCaption/@w:val`` is ``caption``."""
    return [
        tbl
        for tbl in document.element.body.iter(qn("w:tbl"))
        if caption in tbl.xpath("./w:tblPr/w:tblCaption/@w:val")
    ]


def merge_plan_date_cells(document: Any, spans: list[list[int]]) -> None:
    """Merge the date column of each plan table down runs of rows (``w:vMerge``).

    ``spans`` holds, per plan table in document order, each body row's
    ``PlanRow.date_span``: n > 0 starts a cell merged over n rows
    (``<w:vMerge w:val="restart"/>`` when n > 1), 0 continues the cell above
    (``<w:vMerge w:val="continue"/>``, its content emptied, since Word shows only
    the first cell of a merge and LibreOffice would otherwise keep the rest).
    Header rows (``w:tblHeader``) are skipped.
    """
    tables = _captioned(document, PLAN_TABLE)
    if len(tables) != len(spans):
        raise ValueError(f"{len(tables)} plan tables in the document, {len(spans)} expected")
    for tbl, row_spans in zip(tables, spans, strict=True):
        rows = [tr for tr in tbl.findall(qn("w:tr")) if not tr.xpath("./w:trPr/w:tblHeader")]
        if len(rows) != len(row_spans):
            raise ValueError(f"plan table has {len(rows)} rows, {len(row_spans)} expected")
        for tr, span in zip(rows, row_spans, strict=True):
            tc = tr.findall(qn("w:tc"))[2]
            if span == 0:
                tc.vMerge = "continue"
                _empty_cell(tc)
            elif span > 1:
                tc.vMerge = "restart"


#: The shade of a highlighted plan row, as in the PDF's stylesheet (#e0e0e0).
HIGHLIGHT_FILL = "E0E0E0"


def shade_plan_rows(document: Any, highlights: list[list[bool]]) -> None:
    """Shade the cells of highlighted plan rows (``w:tcPr/w:shd``), all but the date cell.

    A per-province copy may mark its province's row; the date cell can be merged with
    other clusters' rows, so it stays unshaded, as in the PDF. ``highlights`` holds,
    per plan table in document order, one flag per body row.
    """
    for tbl, flags in zip(_captioned(document, PLAN_TABLE), highlights, strict=True):
        rows = [tr for tr in tbl.findall(qn("w:tr")) if not tr.xpath("./w:trPr/w:tblHeader")]
        for tr, flag in zip(rows, flags, strict=True):
            if not flag:
                continue
            for i, tc in enumerate(tr.findall(qn("w:tc"))):
                if i != 2:
                    get_or_add(tc.get_or_add_tcPr(), "w:shd", val="clear", color="auto", fill=HIGHLIGHT_FILL)


def keep_only_annexes(document: Any) -> None:
    """Remove the dispatch's own section, leaving the annexes as a document of their own.

    The dispatch ends at the first paragraph that carries a ``w:pPr/w:sectPr`` (the
    template puts one before each annex); everything up to it goes. Run it after
    :func:`keep_first_page_extras_on_page_one`, so the annexes keep an empty first-page
    header and footer.
    """
    body = document.element.body
    for child in list(body):
        body.remove(child)
        if child.tag == qn("w:p") and child.xpath("./w:pPr/w:sectPr"):
            return
    raise ValueError("the document has no annex section")


def _empty_cell(tc: Any) -> None:
    """Leave ``tc`` with one empty ``w:p`` (a cell must end in a paragraph)."""
    paragraphs = tc.findall(qn("w:p"))
    for child in list(tc):
        if child.tag != qn("w:tcPr") and child is not paragraphs[0]:
            tc.remove(child)
    for child in list(paragraphs[0]):
        if child.tag != qn("w:pPr"):
            paragraphs[0].remove(child)


def fit_qr_table(document: Any) -> None:
    """Size the QR table's grid (``w:tblGrid/w:gridCol``) to its cells' ``w:tcW``.

    The template has one looping cell; docxtpl repeats it per QR code and then
    spreads the template's grid width over the new column count. Each column must
    instead be exactly one cell wide, so the codes keep their printed size and the
    centred table stays centred.
    """
    for tbl in _captioned(document, QR_TABLE):
        first_row = tbl.find(qn("w:tr"))
        widths = [str(w) for w in first_row.xpath("./w:tc/w:tcPr/w:tcW/@w:w")]
        grid = tbl.find(qn("w:tblGrid"))
        for col in list(grid):
            grid.remove(col)
        for width in widths:
            col = OxmlElement("w:gridCol")
            col.set(qn("w:w"), width)
            grid.append(col)
        total = str(sum(int(w) for w in widths))
        get_or_add(tbl.find(qn("w:tblPr")), "w:tblW", w=total, type="dxa")


def keep_first_page_extras_on_page_one(document: Any) -> None:
    """Give every annex section an empty first-page header and footer.

    The template gives all sections the same ``w:sectPr``, so each annex restarts
    its page numbers and hides the number on its first page. But the first-page
    header (box 11, circulation) and footer (box 13, address) belong to page 1 of
    the dispatch only (NĐ 30, Phụ lục I; spec §5). Sections after the first are
    pointed (``w:headerReference``/``w:footerReference`` of ``w:type="first"``) at
    one shared empty header and footer part.
    """
    sections = list(document.sections)
    if len(sections) < 2:
        return
    package = document.part.package
    header = HeaderPart.new(package)
    footer = FooterPart.new(package)
    ids = {
        "w:headerReference": document.part.relate_to(header, RT.HEADER),
        "w:footerReference": document.part.relate_to(footer, RT.FOOTER),
    }
    for part in (header, footer):
        p = part.element.find(qn("w:p"))
        p.remove(p.find(qn("w:pPr")))  # the "Header"/"Footer" style is not in our styles
    for section in sections[1:]:
        sectPr = section._sectPr
        for tag, rid in ids.items():
            for ref in sectPr.findall(qn(tag)):
                if ref.get(qn("w:type")) == "first":
                    ref.set(qn("r:id"), rid)


def give_every_story_a_paragraph(document: Any) -> None:
    """Add an empty ``w:p`` to any header or footer (``w:hdr``/``w:ftr``) left empty.

    The page-1 header and footer hold only content the dispatch may not have
    (``{%p if v.circulation %}``, ``{%p for line in v.footer %}``); Word refuses a
    ``w:hdr``/``w:ftr`` with no block element in it.
    """
    for rel in document.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            root = rel.target_part.element
            if root.find(qn("w:p")) is None and root.find(qn("w:tbl")) is None:
                root.append(OxmlElement("w:p"))
