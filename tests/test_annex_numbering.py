"""Annexes are numbered by congvan (Decree 30, Phụ lục I, III.1; §6 of the spec).

One annex with the heading "Phụ lục" prints "Phụ lục"; two or more print "Phụ lục I",
"Phụ lục II", … in order, in the PDF and the DOCX, and the body refers to them with
``{annex:N}``. An annex may be a plain list of lines. Page numbers restart in each
annex. The dispatch is the second test dispatch with annexes added.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docxread import DocxReader
from pdfread import PdfReader, norm

FIXTURE = Path(__file__).parent / "fixtures" / "second-dispatch.yaml"

TWO_ANNEXES = """
annexes:
  - heading: Phụ lục
    title: Biểu tổng hợp dự toán thu
    lines:
      - Thu nội địa
      - Thu từ hoạt động xuất nhập khẩu
      - Thu viện trợ
  - heading: Phụ lục
    title: Danh sách đơn vị gửi dự toán
    lines:
{lines}
"""


def _dispatch(tmp_path: Path, extra: str, opening: str | None = None):
    from generator import load_dispatch

    text = FIXTURE.read_text(encoding="utf-8")
    if opening is not None:
        text = text.replace("Sở Tài chính hướng dẫn như sau:", opening)
    path = tmp_path / "cong-van.yaml"
    path.write_text(text + extra, encoding="utf-8")
    return load_dispatch(path)


def _two(tmp_path: Path, lines: int = 3, opening: str | None = None):
    body = "\n".join(f"      - Đơn vị dự toán cấp I số {n}" for n in range(1, lines + 1))
    return _dispatch(tmp_path, TWO_ANNEXES.format(lines=body), opening)


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    # A body reference to each annex, and a second annex of more than one page.
    return _two(tmp_path_factory.mktemp("annex"), lines=70,
                opening="Sở Tài chính hướng dẫn như sau (biểu tại {annex:1}, danh sách tại {annex:2}):")


@pytest.fixture(scope="module")
def two_pdf(two) -> PdfReader:
    from generator.render.pdf import pdf_bytes

    return PdfReader(pdf_bytes(two))


def _annex_pages(reader: PdfReader) -> list[int]:
    return [i for i in range(len(reader.pages)) if "(Kèm theo" in reader.page_text(i)]


def test_two_annexes_are_numbered_in_roman_numerals_in_the_pdf(two_pdf):
    starts = _annex_pages(two_pdf)
    assert len(starts) == 2
    headings = [two_pdf.lines(i)[0].text for i in starts]
    assert headings == ["Phụ lục I", "Phụ lục II"]


def test_two_annexes_are_numbered_in_roman_numerals_in_the_docx(two):
    from generator.render.docx import docx_bytes

    text = DocxReader(docx_bytes(two)).text()
    assert "Phụ lục I " in text and "Phụ lục II " in text
    assert text.index("Phụ lục I ") < text.index("Phụ lục II ")


def test_the_body_refers_to_each_annex_by_its_computed_heading(two_pdf):
    assert "(biểu tại Phụ lục I, danh sách tại Phụ lục II):" in two_pdf.page_text(0)


def test_one_annex_is_phu_luc_without_a_number(tmp_path):
    from generator.render.pdf import pdf_bytes

    one = _dispatch(tmp_path, "annexes:\n  - heading: Phụ lục II\n    title: Biểu tổng hợp\n    lines: [Thu nội địa]\n"
                    .replace("Phụ lục II", "Phụ lục"))
    reader = PdfReader(pdf_bytes(one))
    start = _annex_pages(reader)[0]
    assert reader.lines(start)[0].text == "Phụ lục"


def test_a_plain_list_annex_prints_its_lines_as_written(two_pdf):
    first = _annex_pages(two_pdf)[0]
    texts = [ln.text for ln in two_pdf.lines(first)]
    for line in ("Thu nội địa", "Thu từ hoạt động xuất nhập khẩu", "Thu viện trợ"):
        assert line in texts  # a line of its own: no "- Label:" before it
    assert not any(t.startswith("-") for t in texts)


def test_page_numbers_restart_in_each_annex(two_pdf):
    second = _annex_pages(two_pdf)[1]
    after = range(second + 1, len(two_pdf.pages))
    assert len(after) >= 2  # the second annex runs over three pages or more
    numbers = [two_pdf.lines(i)[0].text for i in after]
    assert numbers == [str(n) for n in range(2, 2 + len(after))]
    # Page 1 of each annex shows no number.
    for i in _annex_pages(two_pdf):
        assert not norm(two_pdf.lines(i)[0].text).isdigit()


@pytest.mark.parametrize("typed", ["Phụ lục 2", "Phụ lục I"])
def test_a_typed_number_that_is_not_the_annexs_is_refused(tmp_path, typed):
    from generator.errors import InputError

    extra = TWO_ANNEXES.format(lines="      - Đơn vị A").replace("  - heading: Phụ lục\n    title: Danh",
                                                                  f"  - heading: {typed}\n    title: Danh")
    with pytest.raises(InputError) as err:
        _dispatch(tmp_path, extra)
    assert "annexes.1.heading" in str(err.value) and "'Phụ lục II'" in str(err.value)


def test_a_heading_other_than_phu_luc_is_refused(tmp_path):
    from generator.errors import InputError

    with pytest.raises(InputError) as err:
        _dispatch(tmp_path, "annexes:\n  - heading: Bảng 1\n    title: Biểu\n    lines: [Thu]\n")
    assert "annexes.0.heading" in str(err.value) and "Phụ lục" in str(err.value)


def test_a_reference_to_a_missing_annex_is_refused(tmp_path):
    from generator.errors import InputError

    with pytest.raises(InputError) as err:
        _two(tmp_path, opening="xem {annex:3}")
    assert "body.opening.0" in str(err.value) and "{annex:3}" in str(err.value)
