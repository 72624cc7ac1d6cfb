"""Box 2 beside box 1 (issue 10 §1): the agency's lines never meet the Quốc hiệu, a long
name breaks between words congvan chooses (never inside a place or unit name), and the
PDF and the DOCX as LibreOffice lays it out print the same lines.

Everything is read from the pages: characters with their positions (pdfplumber), in
congvan's PDF and in the PDF LibreOffice makes of congvan's DOCX.
"""

from __future__ import annotations

import pytest
from libreoffice import docx_to_pdfs
from pdfread import MM, PdfReader

from generator.input.model import Agency
from generator.render.measures import PAGE

#: Real agencies of every length and kind, with their parents (cơ quan chủ quản), and the
#: names a line may never split: "ỦY BAN NHÂN DÂN", the place ("TỈNH QUẢNG NINH").
AGENCIES: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "bo-tttt": ("Bộ Thông tin và Truyền thông", None, ("VÀ TRUYỀN THÔNG",)),
    "bo-khcn": ("Bộ Khoa học và Công nghệ", None, ("KHOA HỌC",)),
    "cuc-cds": ("Cục Chuyển đổi số quốc gia", "Bộ Khoa học và Công nghệ", ("QUỐC GIA",)),
    "cuc-cds-tttt": ("Cục Chuyển đổi số quốc gia", "Bộ Thông tin và Truyền thông", ("QUỐC GIA",)),
    "so-khcn-qn": ("Sở Khoa học và Công nghệ", "Ủy ban nhân dân tỉnh Quảng Ninh",
                   ("ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NINH")),
    "ubnd-hcm": ("Ủy ban nhân dân Thành phố Hồ Chí Minh", None,
                 ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HỒ CHÍ MINH")),
    "bo-nnmt": ("Bộ Nông nghiệp và Môi trường", None, ("VÀ MÔI TRƯỜNG",)),
    "bo-vhttdl": ("Bộ Văn hóa, Thể thao và Du lịch", None, ("THỂ THAO", "DU LỊCH")),
    "so-tc-bn": ("Sở Tài chính", "UBND tỉnh Bắc Ninh", ("TỈNH BẮC NINH",)),
    "so-tc-brvt": ("Sở Tài chính", "Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu",
                   ("ỦY BAN NHÂN DÂN", "TỈNH BÀ RỊA - VŨNG TÀU")),
    "xa-bat-trang": ("Ủy ban nhân dân xã Bát Tràng", None, ("ỦY BAN NHÂN DÂN", "XÃ BÁT TRÀNG")),
    "phong-kt-phu-quoc": ("Phòng Kinh tế", "Ủy ban nhân dân đặc khu Phú Quốc",
                          ("ỦY BAN NHÂN DÂN", "ĐẶC KHU PHÚ QUỐC")),
    "bo-ldtbxh": ("Bộ Lao động - Thương binh và Xã hội", None, ("XÃ HỘI",)),
    "so-gddt-hn": ("Sở Giáo dục và Đào tạo", "Ủy ban nhân dân thành phố Hà Nội",
                   ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI")),
}

#: The least gutter, as measures.py states it (4 mm before it stated one).
GUTTER = getattr(PAGE, "header_gutter", 4.0)
#: Where the header's two columns meet, in points from the page's left edge.
SPLIT = (PAGE.left + PAGE.text_width * PAGE.header_split) * MM


def header(data: bytes) -> tuple[list[str], float]:
    """Box 2's lines (parent and agency, top to bottom) and the least horizontal distance
    in mm between any of them and a line of box 1 beside it, read from page 1."""
    pdf = PdfReader(data)
    page = pdf.pages[0]
    left = pdf.lines(0, (0, SPLIT))
    right = pdf.lines(0, (SPLIT, page.width))
    number = next(i for i, line in enumerate(left) if line.text.startswith("Số"))
    box2 = left[:number]
    gaps = [r.x0 - line.x1 for line in box2 for r in right
            if line.top < r.bottom and r.top < line.bottom]
    return [line.text for line in box2], min(gaps) / MM


def dispatch_for(example, name: str, parent: str | None, **lines):
    return example.model_copy(update={"agency": Agency(name=name, parent=parent, **lines)})


@pytest.fixture(scope="module")
def rendered(example, tmp_path_factory):
    """Each agency's PDF, its DOCX as LibreOffice prints it, and the view's lines."""
    from generator.render.docx import docx_bytes
    from generator.render.pdf import pdf_bytes
    from generator.render.view import build_view

    pdfs, docxs, views = {}, {}, {}
    for key, (name, parent, _names) in AGENCIES.items():
        d = dispatch_for(example, name, parent)
        pdfs[key] = pdf_bytes(d)
        docxs[key] = docx_bytes(d)
        view = build_view(d, annexes=False)
        parent_lines = getattr(view, "parent_lines", [view.parent_agency] if parent else [])
        views[key] = parent_lines + view.agency_lines
    return pdfs, docxs, views


@pytest.fixture(scope="module")
def libreoffice(rendered, tmp_path_factory):
    return docx_to_pdfs(rendered[1], tmp_path_factory.mktemp("header-lo"))


@pytest.mark.parametrize("key", AGENCIES)
def test_pdf_header_keeps_the_gutter_and_place_names_whole(rendered, key):
    lines, gap = header(rendered[0][key])
    name, parent, whole = AGENCIES[key]
    assert gap >= GUTTER - 0.05, (lines, gap)
    assert lines == rendered[2][key]
    assert " ".join(lines) == " ".join(filter(None, [parent, name])).upper()
    for words in whole:
        assert any(words in line for line in lines), (words, lines)


@pytest.mark.parametrize("key", AGENCIES)
def test_libreoffice_header_has_the_same_lines_and_gutter(rendered, libreoffice, key):
    lines, gap = header(libreoffice[key])
    assert lines == header(rendered[0][key])[0]
    assert gap >= GUTTER - 0.05, (lines, gap)


def test_the_example_breaks_as_a_clerk_would(rendered):
    assert rendered[2]["bo-tttt"] == ["BỘ THÔNG TIN", "VÀ TRUYỀN THÔNG"]
    assert rendered[2]["so-khcn-qn"] == ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NINH", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"]
    assert rendered[2]["ubnd-hcm"] == ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HỒ CHÍ MINH"]


def test_a_clerks_lines_win_for_the_agency_and_its_parent(example, tmp_path):
    from generator.render.docx import docx_bytes
    from generator.render.pdf import pdf_bytes

    d = dispatch_for(
        example, "Sở Khoa học và Công nghệ", "Ủy ban nhân dân tỉnh Quảng Ninh",
        header_lines=["Sở Khoa học", "và Công nghệ"], parent_lines=["Ủy ban nhân dân", "tỉnh Quảng Ninh"],
    )
    wanted = ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NINH", "SỞ KHOA HỌC", "VÀ CÔNG NGHỆ"]
    assert header(pdf_bytes(d))[0] == wanted
    lo = docx_to_pdfs({"clerk": docx_bytes(d)}, tmp_path)["clerk"]
    assert header(lo)[0] == wanted


def test_parent_lines_must_spell_the_parent():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="parent_lines read 'UBND tỉnh Bắc Giang'"):
        Agency(name="Sở Tài chính", parent="UBND tỉnh Bắc Ninh", parent_lines=["UBND tỉnh", "Bắc Giang"])
