"""The reference dispatch as a Word user sees the DOCX: text, page setup, formatting,
headers, merged cells, inline QR images, sections."""

from __future__ import annotations

import io
import zipfile

import pytest
import seed_text as seed
from docxread import DocxReader
from pdfread import decode_qr, norm

from generator.render.measures import PAGE, SIZES


@pytest.fixture(scope="module")
def word(example_docx):
    return DocxReader(example_docx)


def test_every_paragraph_of_the_seed_in_order(word):
    text = word.text()
    position = 0
    for paragraph in [*seed.HEADER, seed.KINH_GUI, *seed.BODY, *seed.QR_CAPTIONS, *seed.NOI_NHAN,
                      *seed.SIGNER, *seed.ANNEX, *seed.PLAN_HEADERS]:
        found = text.find(norm(paragraph), position)
        assert found >= 0, f"missing or out of order: {paragraph[:60]!r}"
        position = found + len(norm(paragraph))


def test_page_setup_of_every_section(word):
    assert len(word.doc.sections) == 2  # the dispatch, then the annex
    for section in word.doc.sections:
        assert (round(section.page_width.mm, 1), round(section.page_height.mm, 1)) == (210.0, 297.0)
        assert section.page_width < section.page_height  # portrait
        # inside the Decree's ranges (§1), at the recommended values
        assert 20 <= section.top_margin.mm <= 25 and section.top_margin.mm == pytest.approx(PAGE.top, abs=0.05)
        assert 20 <= section.bottom_margin.mm <= 25
        assert 30 <= section.left_margin.mm <= 35 and section.left_margin.mm == pytest.approx(PAGE.left, abs=0.05)
        assert 15 <= section.right_margin.mm <= 20 and section.right_margin.mm == pytest.approx(PAGE.right, abs=0.05)


def test_page_number_field_in_the_header_hidden_on_first_pages(word):
    for section in word.doc.sections:
        assert section.different_first_page_header_footer
        assert norm(section.first_page_header._element.xpath("string(.)")) == ""
        header = section.header._element
        assert " PAGE " in header.xpath("string(.//w:instrText)")
        jc = header.xpath(".//w:p/w:pPr/w:jc/@w:val")
        assert jc == ["center"]
        sizes = set(header.xpath(".//w:r/w:rPr/w:sz/@w:val"))
        assert sizes == {str(int(SIZES.page_number * 2))}
        start = section._sectPr.xpath("./w:pgNumType/@w:start")
        assert start == ["1"]  # numbering restarts at 1 in the annex
    annex_start = word.doc.sections[1]._sectPr.xpath("./w:type/@w:val")
    assert annex_start in ([], ["nextPage"])  # the annex starts on a new page


def test_fonts_name_times_new_roman(word):
    normal = word.doc.styles["Normal"].element
    fonts = normal.xpath("./w:rPr/w:rFonts")[0]
    assert {fonts.get(f"{{{fonts.nsmap['w']}}}{a}") for a in ("ascii", "hAnsi", "cs")} == {"Times New Roman"}
    document = zipfile.ZipFile(io.BytesIO(word.data)).read("word/document.xml").decode()
    assert "Liberation" not in document and "Arial" not in document


@pytest.mark.parametrize(
    ("text", "size", "bold", "italic"),
    [
        ("BỘ THÔNG TIN VÀ TRUYỀN THÔNG", SIZES.agency, True, False),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", SIZES.national_title, True, False),
        ("Độc lập - Tự do - Hạnh phúc", SIZES.motto, True, False),
        ("Số:", SIZES.number, False, False),
        ("V/v triển khai", SIZES.subject, False, False),
        ("Hà Nội, ngày", SIZES.place_date, False, True),
        ("Kính gửi:", SIZES.kinh_gui, False, False),
        ("Thực hiện Chương trình", SIZES.body, False, False),
        ("Nơi nhận:", 12, True, True),
        ("- Như trên;", 11, False, False),
        ("- Lưu: VT, CĐSQG.", 11, False, False),
        ("KT. BỘ TRƯỞNG", SIZES.signer, True, False),
        ("Nguyễn Huy Dũng", SIZES.signer, True, False),
        ("KẾ HOẠCH TỔ CHỨC", SIZES.annex_title, True, False),
        ("(Kèm theo Công văn số", SIZES.annex_reference, False, True),
    ],
)
def test_element_sizes_and_weights(word, text, size, bold, italic):
    found = [p for p in word.paragraphs() if p.text.startswith(norm(text))]
    assert found, text
    p = found[-1] if text == "Nguyễn Huy Dũng" else found[0]
    assert (p.size, p.bold, p.italic) == (size, bold, italic)


def test_body_is_justified_with_first_line_indent(word):
    p = word.find("Thực hiện Chương trình").paragraph
    assert p.alignment == 3  # WD_ALIGN_PARAGRAPH.JUSTIFY
    assert p.paragraph_format.first_line_indent.mm == pytest.approx(PAGE.first_line_indent, abs=0.1)
    assert p.paragraph_format.space_before.pt >= 6
    assert p._p.xpath("./w:pPr/w:suppressAutoHyphens")  # never hyphenate


def test_header_is_a_borderless_table_with_number_and_date_on_one_row(word):
    header = word.doc.tables[0]
    borders = header._tbl.xpath("./w:tblPr/w:tblBorders/*/@w:val")
    assert set(borders) <= {"nil", "none"}
    second_row = [norm(c.text) for c in header.rows[1].cells]
    assert second_row[0].startswith("Số: /BTTTT-CĐSQG")
    assert second_row[1] == "Hà Nội, ngày tháng năm 2022"
    assert not word.doc.element.body.xpath(".//w:txbxContent")  # no text boxes


def test_plan_table_merges_equal_consecutive_date_cells_vertically(word):
    table = word.table("congvan-plan")
    assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")  # repeated on every page
    rows = table.rows[1:]
    assert len(rows) == len(seed.CLUSTERS)
    for group in seed.MERGED_DATE_GROUPS:
        for k in group:
            tc = rows[k - 1]._tr.tc_lst[2]
            merge = tc.xpath("./w:tcPr/w:vMerge")
            text = norm(tc.xpath("string(.)"))
            if len(group) == 1:
                assert tc.xpath("./w:tcPr/w:vMerge/@w:val") in ([], ["restart"])
                assert text == seed.CLUSTERS[k - 1][2]
            elif k == group[0]:
                assert tc.xpath("./w:tcPr/w:vMerge/@w:val") == ["restart"]
                assert text == seed.CLUSTERS[k - 1][2]
            else:
                assert tc.xpath("./w:tcPr/w:vMerge/@w:val") in ([], ["continue"]) and merge
                assert text == ""
    provinces = [p for r in rows for p in norm(r._tr.tc_lst[3].xpath("string(.)")).rstrip(".").split(", ")]
    assert len(provinces) == len(set(provinces)) == 63


def test_qr_codes_are_inline_images_that_decode_to_the_urls(word, example):
    drawings = word.doc.element.body.xpath(".//w:drawing")
    assert len(drawings) == 2
    assert all(d.xpath("./wp:inline") for d in drawings)  # inline, not floating
    for shape in word.doc.inline_shapes:
        assert (round(shape.width.mm, 1), round(shape.height.mm, 1)) == (PAGE.qr_size, PAGE.qr_size)
    from PIL import Image

    urls = [decode_qr(Image.open(io.BytesIO(blob)).convert("RGB")) for blob in word.media()]
    assert sorted(u for found in urls for u in found) == sorted(q.url for q in example.qr_codes)


def test_rendering_twice_gives_the_same_bytes(example, example_docx):
    from generator.render.docx import docx_bytes

    assert docx_bytes(example) == example_docx
    dates = {i.date_time for i in zipfile.ZipFile(io.BytesIO(example_docx)).infolist()}
    assert dates == {(1980, 1, 1, 0, 0, 0)}


def _saved_then_fixed(document) -> bytes:
    from generator.render.reproducible import fixed_zip

    out = io.BytesIO()
    document.save(out)
    return fixed_zip(out.getvalue())


def test_a_copy_is_written_as_python_docx_saves_it_with_fixed_entries(example_docx):
    """The zip written directly (compressed data reused) is python-docx's save then fixed_zip,
    a part with a non-ASCII name too."""
    import docx
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    from generator.render.reproducible import saved_docx

    document = docx.Document(io.BytesIO(example_docx))
    assert saved_docx(document) == _saved_then_fixed(document)
    extra = Part(PackURI("/customXml/ghi-chú.xml"), "application/xml", b"<a/>", document.part.package)
    document.part.relate_to(extra, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml")
    assert saved_docx(document) == _saved_then_fixed(document)
    assert saved_docx(document) == saved_docx(document)


def test_each_copy_starts_from_the_template_as_python_docx_opens_it():
    """A copy's document, made from the template unzipped once with its styles parsed only
    on demand, saves as docx.Document(template) does; a change to the styles is kept."""
    import docx
    from docx.shared import Pt

    from generator.render.docx import _template, _template_bytes
    from generator.render.reproducible import saved_docx

    opened = docx.Document(io.BytesIO(_template_bytes()))
    assert saved_docx(_template().docx) == _saved_then_fixed(opened)
    changed = _template().docx
    changed.styles["Normal"].font.size = Pt(7)
    opened.styles["Normal"].font.size = Pt(7)
    assert saved_docx(changed) == _saved_then_fixed(opened) != saved_docx(_template().docx)


def test_template_is_up_to_date_with_its_builder(tmp_path):
    """templates/dispatch.docx is what templates/make_docx_template.py makes."""
    import subprocess
    import sys

    from conftest import ROOT

    script = ROOT / "templates" / "make_docx_template.py"
    out = subprocess.run([sys.executable, str(script), "--out", str(tmp_path / "t.docx")],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "t.docx").read_bytes() == (ROOT / "templates" / "dispatch.docx").read_bytes()


def test_every_template_variable_is_provided():
    from docxtpl import DocxTemplate

    from generator.resources import TEMPLATES_DIR

    used = DocxTemplate(TEMPLATES_DIR / "dispatch.docx").get_undeclared_template_variables()
    assert used == {"v", "agency_rule_indent", "motto_rule_indent", "qr_images", "signature"}
