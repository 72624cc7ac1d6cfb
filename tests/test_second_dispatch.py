"""A dispatch unlike the reference in every dimension renders correctly (PDF side).

Parent agency, full number and date, several recipients, a KHẨN mark, sub-items, a TL.
signer with a stacked KT. prefix, no QR codes, no annex, an address footer.
"""

from __future__ import annotations

import pytest
from pdfread import MM, PdfReader

from generator.render.measures import PAGE, SIZES

LEFT = PAGE.left * MM
SPLIT = LEFT + PAGE.header_split * (PAGE.text_width * MM)


@pytest.fixture(scope="module")
def pdf(second):
    from generator.render.pdf import pdf_bytes

    return PdfReader(pdf_bytes(second))


def test_one_page_no_annex_no_qr(pdf):
    assert len(pdf.pages) == 1
    assert pdf.pages[0].images == []


def test_parent_agency_is_upright_not_bold_above_the_agency(pdf):
    parent = pdf.find(0, "UBND TỈNH BẮC NINH", (0, SPLIT))
    agency = pdf.find(0, "SỞ TÀI CHÍNH", (0, SPLIT))
    assert (parent.size, parent.bold, parent.italic) == (SIZES.parent_agency, False, False)
    assert agency.bold and parent.bottom < agency.top


def test_number_and_full_date(pdf):
    number = pdf.find(0, "Số: 07/STC-NS", (0, SPLIT))
    date = pdf.find(0, "Bắc Ninh, ngày 05 tháng 3 năm 2025", (SPLIT, 1000))
    assert number.bottom == pytest.approx(date.bottom, abs=0.5)


def test_several_recipients_hang_under_the_colon(pdf):
    label = pdf.find(0, "Kính gửi:")
    assert label.text == "Kính gửi:"  # alone on its line
    lines = [pdf.find(0, t) for t in ("- Các sở, ban, ngành thuộc tỉnh;",
                                      "- Ủy ban nhân dân các huyện, thị xã, thành phố;",
                                      "- Kho bạc Nhà nước khu vực IV.")]
    assert len({round(ln.x0, 1) for ln in lines}) == 1  # dashes line up
    colon = [c for c in pdf.pages[0].chars if c["text"] == ":" and abs(c["top"] - label.top) < 1][0]
    assert lines[0].x0 == pytest.approx(colon["x0"], abs=2.5)  # under the colon
    assert all(label.bottom < ln.top for ln in lines)


def test_urgency_mark_is_red_bold_and_framed(pdf):
    mark = pdf.find(0, "KHẨN", (0, SPLIT))
    assert mark.bold and mark.size == SIZES.marks
    chars = [c for c in pdf.pages[0].chars if c["text"] in "KHẨN" and abs(c["top"] - mark.top) < 1]
    for c in chars:  # bright red ink (NĐ 30 §5: "màu đỏ tươi")
        red, green, blue = c["non_stroking_color"]
        assert red > 0.8 and green < 0.1 and blue < 0.1
    frames = [r for r in pdf.pages[0].rects if r["x0"] < mark.x0 and r["x1"] > mark.x1
              and r["top"] < mark.top and r["bottom"] > mark.bottom]
    assert frames, "no frame around the mark"


def test_sub_items_are_lettered_in_vietnamese_order(pdf):
    text = pdf.all_text()
    for letter, words in zip(["a)", "b)", "c)", "d)", "đ)", "e)"],
                             ["Dự toán thu", "Không đưa", "Báo cáo", "Dự kiến", "Tổng hợp", "Gửi bản"], strict=True):
        assert f"{letter} {words}" in text
    assert "2. Các đơn vị gửi dự toán về Sở Tài chính trước ngày 15/7/2025." in text


def test_stacked_signer_and_distribution(pdf):
    lines = [pdf.find(0, t) for t in ("TL. GIÁM ĐỐC", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG")]
    assert lines[0].top < lines[1].top < lines[2].top
    assert all(ln.bold and ln.size == SIZES.signer for ln in lines)
    assert pdf.find(0, "- Lưu: VT, NS (2), TTB.(40).").size == SIZES.noi_nhan


def test_address_footer_at_the_foot_of_page_one_under_a_full_rule(pdf):
    footer = pdf.find(0, "Số 11 đường Lý Thái Tổ")
    assert footer.size == SIZES.footer
    assert footer.top > (PAGE.height - PAGE.bottom) * MM  # in the bottom margin band
    rule = [r for r in pdf.hlines(0) if 0 < footer.top - r[2] < 8]
    assert rule and rule[0][0] == pytest.approx(LEFT, abs=1)
    assert rule[0][1] == pytest.approx((PAGE.width - PAGE.right) * MM, abs=1)


# --- the same dispatch in Word -------------------------------------------------------


@pytest.fixture(scope="module")
def word(second):
    from docxread import DocxReader

    from generator.render.docx import docx_bytes

    return DocxReader(docx_bytes(second))


def test_docx_has_one_section_and_no_images(word):
    assert len(word.doc.sections) == 1
    assert word.doc.element.body.xpath(".//w:drawing") == []


def test_docx_header_parent_agency_and_marks(word):
    parent = word.find("UBND TỈNH BẮC NINH")
    assert (parent.size, parent.bold) == (SIZES.parent_agency, False)
    assert word.find("SỞ TÀI CHÍNH").bold
    assert word.find("Số: 07/STC-NS").size == SIZES.number
    assert word.find("Bắc Ninh, ngày 05 tháng 3 năm 2025").italic
    mark = word.find("KHẨN")
    assert mark.bold
    colours = {r.font.color.rgb for r in mark.paragraph.runs if r.text.strip()}
    assert all(c is not None and c[0] > 200 and c[1] < 30 and c[2] < 30 for c in colours)


def test_docx_recipients_hang_under_the_colon(word):
    label = word.find("Kính gửi:")
    assert label.text == "Kính gửi:"
    items = [word.find(t).paragraph for t in ("- Các sở, ban, ngành thuộc tỉnh;",
                                               "- Ủy ban nhân dân các huyện, thị xã, thành phố;",
                                               "- Kho bạc Nhà nước khu vực IV.")]
    indents = {round(p.paragraph_format.left_indent.mm, 1) for p in items}
    assert indents == {PAGE.kinh_gui_list_indent}
    assert label.paragraph.paragraph_format.left_indent.mm == pytest.approx(PAGE.kinh_gui_indent, abs=0.1)


def test_docx_body_signer_and_footer(word):
    text = word.text()
    for fragment in ("a) Dự toán thu", "đ) Tổng hợp", "e) Gửi bản",
                     "2. Các đơn vị gửi dự toán về Sở Tài chính trước ngày 15/7/2025.",
                     "TL. GIÁM ĐỐC KT. CHÁNH VĂN PHÒNG PHÓ CHÁNH VĂN PHÒNG", "- Lưu: VT, NS (2), TTB.(40)."):
        assert fragment in text
    footer = word.doc.sections[0].first_page_footer._element
    assert "Số 11 đường Lý Thái Tổ" in footer.xpath("string(.)")
    assert "Số 11" not in word.doc.sections[0].footer._element.xpath("string(.)")  # page 1 only
