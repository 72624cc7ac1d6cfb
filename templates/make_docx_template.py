"""Build ``templates/dispatch.docx``, the Word template the DOCX renderer fills.

Run ``python templates/make_docx_template.py`` after changing the layout or
``generator/render/measures.py``; the result is byte-identical from run to run, so git only
shows a change when the layout changed. The template is generated rather than drawn
in Word so that every margin, column and size comes from ``generator.render.measures`` (the
PDF's source too) and each choice is written down next to the rule it follows
(``../shared/spec/nd30.md``).

The template only lays out: the text is docxtpl/Jinja tags over ``v`` (a
:class:`generator.render.view.DispatchView`) and a few values the renderer measures
(``agency_rule_indent``, ``motto_rule_indent``, ``qr_images``, ``signature``). Two
of them sit in ``w:ind`` attributes, so this file is a template for docxtpl only:
Word opens the *rendered* documents, not this one.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import docx  # noqa: E402
from docx.enum.section import WD_ORIENT  # noqa: E402
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT as VALIGN  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH as ALIGN  # noqa: E402
from docx.enum.text import WD_LINE_SPACING  # noqa: E402
from docx.opc.constants import RELATIONSHIP_TYPE as RT  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Pt, RGBColor, Twips  # noqa: E402

from generator.atomic import atomic_write_bytes  # noqa: E402
from generator.render.docx import column_twips  # noqa: E402
from generator.render.measures import (  # noqa: E402
    PAGE,
    SIZES,
    mm_to_twips,
    mm_to_twips_at_least,
    pt_to_half_points,
)
from generator.render.ooxml import PLAN_TABLE, QR_TABLE, get_or_add  # noqa: E402
from generator.render.reproducible import fixed_zip, set_core_properties  # noqa: E402

OUT = Path(__file__).resolve().parent / "dispatch.docx"
FONT = "Times New Roman"  # NĐ 30, Phụ lục I, I.1 (spec §1)
BLACK = "000000"
RED = "E00000"  # box 10b: "màu đỏ tươi", the PDF's red
RULE = "6"  # rules and plan-table borders: 0.75 pt, in eighths of a point
TINY = 1  # pt: height of the paragraphs that only carry a section break


def mm(value: float) -> Twips:
    return Twips(mm_to_twips(value))


def margin(value: float) -> Twips:
    """A page margin, rounded up so that it stays inside the Decree's range."""
    return Twips(mm_to_twips_at_least(value))


# --- paragraphs and runs -------------------------------------------------------------


def para(
    container: Any,
    text: str = "",
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    align: Any = None,
    before: float = 0,
    after: float = 0,
    line: float | None = None,
    exact: float | None = None,
    first: float | None = None,
    left: float | None = None,
    color: str | None = None,
) -> Any:
    """A paragraph of one run; ``size`` also sizes the paragraph mark, so an empty
    paragraph is as tall as its text would be. ``line`` is a multiple of single
    spacing, ``exact`` an exact line height in pt; indents are in mm."""
    p = container.add_paragraph()
    f = p.paragraph_format
    f.space_before, f.space_after = Pt(before), Pt(after)
    if align is not None:
        f.alignment = align
    if line is not None:
        f.line_spacing = line
    if exact is not None:
        f.line_spacing, f.line_spacing_rule = Pt(exact), WD_LINE_SPACING.EXACTLY
    if first is not None:
        f.first_line_indent = mm(first)
    if left is not None:
        f.left_indent = mm(left)
    mark = get_or_add(p._p.get_or_add_pPr(), "w:rPr")
    get_or_add(mark, "w:sz", val=str(pt_to_half_points(size)))
    get_or_add(mark, "w:szCs", val=str(pt_to_half_points(size)))
    if text:
        run(p, text, size=size, bold=bold, italic=italic, color=color)
    return p


def run(p: Any, text: str, *, size: float, bold: bool = False, italic: bool = False,
        color: str | None = None) -> Any:
    r = p.add_run(text)
    r.font.size = Pt(size)
    get_or_add(r._r.get_or_add_rPr(), "w:szCs", val=str(pt_to_half_points(size)))
    if bold:
        r.font.bold = True
    if italic:
        r.font.italic = True
    if color:
        r.font.color.rgb = RGBColor.from_string(color)
    return r


def tag(container: Any, jinja: str) -> Any:
    """A paragraph holding only a docxtpl ``{%p …%}`` tag; docxtpl removes it."""
    return container.add_paragraph(jinja)


def body_para(container: Any, text: str) -> Any:
    """Box 6: justified, first-line indent, ≥ 6 pt before, 1.2 lines, never hyphenated."""
    p = para(container, text, size=SIZES.body, align=ALIGN.JUSTIFY, before=SIZES.body_space_before,
             line=SIZES.body_line_height, first=PAGE.first_line_indent)
    get_or_add(p._p.get_or_add_pPr(), "w:suppressAutoHyphens")
    return p


def spacer(container: Any, height_pt: float) -> Any:
    """An empty paragraph exactly ``height_pt`` high (vertical space between tables)."""
    return para(container, size=TINY, exact=height_pt)


def rule(container: Any, indent: str, *, height: float = 2, after: float = 0) -> Any:
    """A short solid rule: an empty paragraph with a bottom border between equal indents.

    ``indent`` is twips, or a Jinja expression the renderer fills. NĐ 30 draws rules
    as lines of a given length, centred (spec §3, boxes 1 and 2; §9 "Rules in DOCX").
    """
    p = para(container, size=TINY, exact=height, after=after)
    pPr = p._p.get_or_add_pPr()
    get_or_add(get_or_add(pPr, "w:pBdr"), "w:bottom", val="single", sz=RULE, space="1", color=BLACK)
    get_or_add(pPr, "w:ind", left=indent, right=indent)
    return p


def framed(p: Any, color: str) -> None:
    """Boxes 10a/10b/11: a single-line frame around the paragraph's runs (``w:bdr``)."""
    for r in p.runs:
        get_or_add(r._r.get_or_add_rPr(), "w:bdr", val="single", sz="8", space="2", color=color)


# --- tables --------------------------------------------------------------------------


def table(container: Any, widths: list[int], *, borders: bool = False, caption: str | None = None,
          margins: tuple[int, int] = (0, 0), centred: bool = False) -> Any:
    """A fixed-layout table with columns ``widths`` (twips) and cell margins
    ``margins`` (top/bottom, left/right in twips); borderless unless ``borders``."""
    t = container.add_table(rows=0, cols=len(widths))
    t.autofit = False
    for col, width in zip(t.columns, widths, strict=True):
        col.width = Twips(width)
    tblPr = t._tbl.tblPr
    get_or_add(tblPr, "w:tblW", w=str(sum(widths)), type="dxa")
    if centred:
        get_or_add(tblPr, "w:jc", val="center")
    edges = get_or_add(tblPr, "w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if borders:
            get_or_add(edges, f"w:{edge}", val="single", sz=RULE, space="0", color=BLACK)
        else:
            get_or_add(edges, f"w:{edge}", val="nil")
    cell_mar = get_or_add(tblPr, "w:tblCellMar")
    vertical, horizontal = margins
    for edge, width in (("top", vertical), ("left", horizontal), ("bottom", vertical),
                        ("right", horizontal)):
        get_or_add(cell_mar, f"w:{edge}", w=str(width), type="dxa")
    if caption:
        get_or_add(tblPr, "w:tblCaption", val=caption)
    return t


def row(t: Any, *, header: bool = False, cant_split: bool = True,
        valign: Any = VALIGN.TOP) -> list[Any]:
    """A new row's cells, emptied of python-docx's first paragraph."""
    r = t.add_row()
    trPr = r._tr.get_or_add_trPr()
    if cant_split:
        get_or_add(trPr, "w:cantSplit")
    if header:
        get_or_add(trPr, "w:tblHeader")  # repeated at the top of every page
    cells = list(r.cells)
    for cell in cells:
        cell.vertical_alignment = valign
        for p in list(cell._tc.findall(qn("w:p"))):
            cell._tc.remove(p)
    return cells


# --- document setup ------------------------------------------------------------------


def set_fonts(rPr: Any) -> None:
    """Times New Roman for every script, black, Vietnamese (theme fonts would win)."""
    fonts = get_or_add(rPr, "w:rFonts")
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for script in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{script}"), FONT)
    get_or_add(rPr, "w:color", val=BLACK)
    size = str(pt_to_half_points(SIZES.body))
    get_or_add(rPr, "w:sz", val=size)
    get_or_add(rPr, "w:szCs", val=size)
    get_or_add(rPr, "w:lang", val="vi-VN", eastAsia="vi-VN", bidi="ar-SA")


def setup_styles(doc: Any) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    set_fonts(defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}"))
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    for attr in list(spacing.attrib):
        del spacing.attrib[attr]
    get_or_add(spacing.getparent(), "w:spacing", before="0", after="0", line="240", lineRule="auto")
    for name in ("Normal", "Header", "Footer"):
        style = doc.styles[name]
        set_fonts(style.element.get_or_add_rPr())


def setup_page(doc: Any) -> Any:
    """§1: A4 portrait, margins, header distance, numbering from 1, number hidden on page 1."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = mm(PAGE.width), mm(PAGE.height)
    section.top_margin, section.bottom_margin = margin(PAGE.top), margin(PAGE.bottom)
    section.left_margin, section.right_margin = margin(PAGE.left), margin(PAGE.right)
    section.header_distance = section.footer_distance = mm(PAGE.header_distance)
    section.gutter = Twips(0)
    section.different_first_page_header_footer = True
    get_or_add(section._sectPr, "w:pgNumType", start="1")
    return section


def page_number_header(section: Any) -> None:
    """The default header: a centred PAGE field (pages 2, 3, … of each section)."""
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.style = None
    p.alignment = ALIGN.CENTER
    size = SIZES.page_number
    for kind in ("begin", "instr", "separate", "text", "end"):
        r = run(p, "", size=size)
        if kind == "instr":
            instr = get_or_add(r._r, "w:instrText")
            instr.text = " PAGE "
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        elif kind == "text":
            r.text = "1"
        else:
            get_or_add(r._r, "w:fldChar", fldCharType=kind)


def first_page_header(section: Any) -> None:
    """Page 1: no number; box 11 (circulation) framed at the top right, if given."""
    header = section.first_page_header
    header.is_linked_to_previous = False
    header._element.remove(header.paragraphs[0]._p)
    tag(header, "{%p if v.circulation %}")
    p = para(header, "{{ v.circulation }}", size=SIZES.marks, bold=True, align=ALIGN.RIGHT)
    framed(p, BLACK)
    tag(header, "{%p endif %}")


def first_page_footer(section: Any) -> None:
    """Box 13 on page 1 only, under a rule across the full text width (spec §5)."""
    footer = section.first_page_footer
    footer.is_linked_to_previous = False
    footer._element.remove(footer.paragraphs[0]._p)
    tag(footer, "{%p for line in v.footer %}")
    p = para(footer, "{{ line }}", size=SIZES.footer, align=ALIGN.CENTER)
    # Equal borders on consecutive paragraphs join: one rule above the first line.
    get_or_add(get_or_add(p._p.get_or_add_pPr(), "w:pBdr"), "w:top", val="single", sz=RULE,
               space="1", color=BLACK)
    tag(footer, "{%p endfor %}")


# --- the dispatch --------------------------------------------------------------------


def header_block(doc: Any) -> None:
    """Boxes 1–5b and 10a/10b: a borderless two-column table (spec §2, §3)."""
    left, right = column_twips(PAGE.header_split)
    t = table(doc, [left, right])
    agency, national = row(t, cant_split=True)
    tag(agency, "{%p if v.parent_agency %}")
    para(agency, "{{ v.parent_agency }}", size=SIZES.parent_agency, align=ALIGN.CENTER)
    tag(agency, "{%p endif %}")
    tag(agency, "{%p for line in v.agency_lines %}")
    para(agency, "{{ line }}", size=SIZES.agency, bold=True, align=ALIGN.CENTER)
    tag(agency, "{%p endfor %}")
    rule(agency, "{{ agency_rule_indent }}")
    para(national, "{{ v.national_title }}", size=SIZES.national_title, bold=True,
         align=ALIGN.CENTER)
    para(national, "{{ v.motto }}", size=SIZES.motto, bold=True, align=ALIGN.CENTER)
    rule(national, "{{ motto_rule_indent }}")

    # "Số" and the date open the same row with the same size and spacing: one line.
    number, date = row(t, cant_split=True)
    para(number, "{{ v.number_line }}", size=SIZES.number, align=ALIGN.CENTER, before=6)
    para(number, "{{ v.subject_line }}", size=SIZES.subject, align=ALIGN.CENTER,
         before=SIZES.subject_space_before)
    for mark, color in (("secrecy", BLACK), ("urgency", RED)):
        tag(number, f"{{%p if v.{mark} %}}")
        p = para(number, f"{{{{ v.{mark} }}}}", size=SIZES.marks, bold=True, align=ALIGN.CENTER,
                 before=6, color=color)
        framed(p, color)
        tag(number, "{%p endif %}")
    para(date, "{{ v.place_date }}", size=SIZES.place_date, italic=True, align=ALIGN.CENTER,
         before=6)


def kinh_gui(doc: Any) -> None:
    """Box 9a: one centred line, or "Kính gửi:" alone with the list under its colon."""
    tag(doc, "{%p if v.kinh_gui_single %}")
    para(doc, "Kính gửi: {{ v.recipients[0] }}", size=SIZES.kinh_gui, align=ALIGN.CENTER,
         before=12)
    tag(doc, "{%p else %}")
    para(doc, "Kính gửi:", size=SIZES.kinh_gui, left=PAGE.kinh_gui_indent, before=12)
    tag(doc, "{%p for line in v.recipients %}")
    para(doc, "{{ line }}", size=SIZES.kinh_gui, left=PAGE.kinh_gui_list_indent)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")


def body(doc: Any) -> None:
    """Box 6, the closing line included: one style for every paragraph."""
    tag(doc, "{%p for par in v.body %}")
    body_para(doc, "{{ par.full_text }}")
    tag(doc, "{%p endfor %}")


def qr_codes(doc: Any) -> None:
    """QR codes side by side, each with its caption centred under it."""
    tag(doc, "{%p if v.qr_codes %}")
    # As in the PDF: 8 mm of cell margin either side of a caption column 16 mm wider than the code.
    width = mm_to_twips(PAGE.qr_size + 32)
    t = table(doc, [width] * 3, caption=QR_TABLE, centred=True, margins=(0, mm_to_twips(8)))
    start, cell, end = row(t)
    tag(start, "{%tc for q in v.qr_codes %}")
    para(cell, "{{ qr_images[loop.index0] }}", size=SIZES.qr_caption, align=ALIGN.CENTER, before=8)
    para(cell, "{{ q.caption }}", size=SIZES.qr_caption, align=ALIGN.CENTER)
    tag(end, "{%tc endfor %}")
    tag(doc, "{%p endif %}")


def closing(doc: Any) -> None:
    """Boxes 9b and 7: borderless, top-aligned, so box 7a is level with "Nơi nhận:"."""
    spacer(doc, 12)
    t = table(doc, list(column_twips(PAGE.closing_split)))
    noi_nhan, signer = row(t)
    para(noi_nhan, "Nơi nhận:", size=SIZES.noi_nhan_label, bold=True, italic=True,
         align=ALIGN.LEFT)
    tag(noi_nhan, "{%p for line in v.noi_nhan %}")
    para(noi_nhan, "{{ line }}", size=SIZES.noi_nhan, align=ALIGN.LEFT)
    tag(noi_nhan, "{%p endfor %}")
    tag(signer, "{%p for line in v.signer_lines %}")
    para(signer, "{{ line }}", size=SIZES.signer, bold=True, align=ALIGN.CENTER)
    tag(signer, "{%p endfor %}")
    tag(signer, "{%p if signature %}")
    para(signer, "{{ signature }}", size=SIZES.signer, align=ALIGN.CENTER)
    tag(signer, "{%p else %}")
    spacer(signer, PAGE.signature_space * 72 / 25.4)
    tag(signer, "{%p endif %}")
    para(signer, "{{ v.signer_name }}", size=SIZES.signer, bold=True, align=ALIGN.CENTER)


def annexes(doc: Any) -> Any:
    """§6: each annex its own section (new page, numbers from 1); returns the paragraph
    that ends the section before it, which gets a copy of the body's ``w:sectPr``."""
    tag(doc, "{%p for a in v.annexes %}")
    section_break = spacer(doc, TINY)
    tag(doc, "{%p if a.heading %}")
    para(doc, "{{ a.heading }}", size=SIZES.annex_heading, bold=True, align=ALIGN.CENTER)
    tag(doc, "{%p endif %}")
    para(doc, "{{ a.title }}", size=SIZES.annex_title, bold=True, align=ALIGN.CENTER)
    para(doc, "{{ a.reference }}", size=SIZES.annex_reference, italic=True, align=ALIGN.CENTER)
    # Mẫu 2.1: a short rule under the reference line; the PDF's is 30 % of the width.
    rule(doc, str(mm_to_twips(PAGE.text_width * 0.35)), height=3, after=6)
    tag(doc, "{%p for line in a.attributes %}")
    body_para(doc, "{{ line }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if a.plan %}")
    spacer(doc, 8)
    plan_table(doc)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    return section_break


def plan_table(doc: Any) -> None:
    """TT | Cụm | Thời gian | Tỉnh, thành phố; single borders, header row repeated.

    Date cells are merged down runs of rows afterwards (generator.render.ooxml), found by
    the table's ``w:tblCaption``.
    """
    total = mm_to_twips(PAGE.text_width)
    widths = [round(total * share) for share in (0.09, 0.20, 0.24)]
    widths.append(total - sum(widths))
    t = table(doc, widths, borders=True, caption=PLAN_TABLE, margins=(40, 60))
    size = SIZES.annex_table
    for i, cell in enumerate(row(t, header=True, valign=VALIGN.CENTER)):
        para(cell, f"{{{{ a.plan.headers[{i}] }}}}", size=size, bold=True, align=ALIGN.CENTER)
    first, *rest = row(t)
    tag(first, "{%tr for r in a.plan.rows %}")
    for cell in rest:
        para(cell, "", size=size)
    cells = row(t, valign=VALIGN.CENTER)
    fields = ("number", "cluster", "dates", "provinces")
    aligns = (ALIGN.CENTER, ALIGN.LEFT, ALIGN.CENTER, ALIGN.LEFT)
    for cell, field, align in zip(cells, fields, aligns, strict=True):
        para(cell, f"{{{{ r.{field} }}}}", size=size, align=align)
    first, *rest = row(t)
    tag(first, "{%tr endfor %}")
    for cell in rest:
        para(cell, "", size=size)


def build() -> bytes:
    doc = docx.Document()
    for p in doc.paragraphs:  # python-docx's blank document may hold an empty one
        doc.element.body.remove(p._p)
    setup_styles(doc)
    section = setup_page(doc)
    page_number_header(section)
    first_page_header(section)
    first_page_footer(section)
    header_block(doc)
    kinh_gui(doc)
    body(doc)
    qr_codes(doc)
    closing(doc)
    section_break = annexes(doc)
    spacer(doc, TINY)  # the body must end in a paragraph, not a table
    # Every section gets the same properties; the annex loop's first paragraph ends
    # the section before it (the dispatch, or the previous annex).
    pPr = section_break._p.get_or_add_pPr()
    pPr.replace(get_or_add(pPr, "w:sectPr"), copy.deepcopy(section._sectPr))
    _drop_thumbnail(doc)
    set_core_properties(
        doc, title="", author="congvan", when=dt.datetime(2020, 1, 1),
        comments="congvan DOCX template; rebuild with python templates/make_docx_template.py",
    )
    out = io.BytesIO()
    doc.save(out)
    return fixed_zip(out.getvalue())


def _drop_thumbnail(doc: Any) -> None:
    """python-docx's blank document carries its own preview picture; ours would lie."""
    rels = doc.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del rels[rid]


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Build the docxtpl Word template.")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write it (default: {OUT})")
    path = atomic_write_bytes(parser.parse_args().out, build())
    print(f"wrote {path}")
