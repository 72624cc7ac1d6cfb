"""The merged print DOCX as LibreOffice lays it out: page numbers, margins, odd-page starts.

Three copies of different lengths: the example (2 pages of dispatch, then a 1-page
annex numbered from 1), the second dispatch (1 page), and the example addressed to
Bắc Giang. In the print DOCX every run of pages numbered from 1 starts on an odd page,
a blank page follows a run of odd length, and LibreOffice shows the number on page 2
of each copy with the margins of the copy on its own.
"""

from __future__ import annotations

import pytest
from libreoffice import docx_to_pdf, need_soffice
from pdfread import PdfReader, norm

MM = 72 / 25.4
KINH_GUI = ["Trung ương Đoàn", "Kho bạc Nhà nước khu vực IV", "Ủy ban nhân dân tỉnh Bắc Giang"]


@pytest.fixture(scope="module")
def copies(example, second, example_pdf, example_docx):
    from generator.render.docx import docx_bytes
    from generator.render.pdf import pdf_bytes

    bac_giang = example.model_copy(update={"recipients": ["Ủy ban nhân dân tỉnh Bắc Giang"]})
    pdfs = [example_pdf, pdf_bytes(second), pdf_bytes(bac_giang)]
    docxs = [example_docx, docx_bytes(second), docx_bytes(bac_giang)]
    return pdfs, docxs


@pytest.fixture(scope="module")
def laid_out(copies, tmp_path_factory):
    """LibreOffice's PDF of the print DOCX, and of each copy on its own."""
    need_soffice()
    from generator.batch.printing import numbered_runs, print_docx

    pdfs, docxs = copies
    merged = print_docx(docxs, [numbered_runs(p) for p in pdfs])
    work = tmp_path_factory.mktemp("print-docx-lo")
    singles = [PdfReader(docx_to_pdf(d, work / f"copy{n}", f"ban-{n}")) for n, d in enumerate(docxs)]
    return PdfReader(docx_to_pdf(merged, work / "merged", "in-tat-ca")), singles


def _number_at_top(reader: PdfReader, i: int) -> str:
    page = reader.pdf.pages[i]
    return norm(page.crop((0, 0, page.width, 18 * MM)).extract_text() or "")


def _first_text_top(reader: PdfReader, i: int) -> float:
    return min(c["top"] for c in reader.pdf.pages[i].chars if c["text"].strip()) / MM


def test_numbered_runs_reads_the_dispatch_and_each_annex(copies):
    from generator.batch.printing import numbered_runs

    pdfs, _docxs = copies
    assert [numbered_runs(p) for p in pdfs] == [[2, 1], [1], [2, 1]]


def test_the_renderer_counts_the_runs_the_pdf_shows(example, second):
    """The batch records each copy's runs as the renderer counts them (the print DOCX then
    reads no PDF): they are the runs the PDF's page numbers show, annexes included."""
    from generator.batch.copies import plan_copies
    from generator.batch.printing import numbered_runs
    from generator.render.pdf import default_renderer
    from generator.render.view import build_view

    renderer = default_renderer()
    views = [build_view(example), build_view(second), build_view(example, plan_copies(example)[0], annexes=False),
             build_view(example, plan_copies(example)[0])]
    counted = [renderer.render_counted(v, author="x") for v in views]
    assert [runs for _data, runs in counted] == [[2, 1], [1], [2], [2, 1]]
    assert [numbered_runs(data) for data, _runs in counted] == [runs for _data, runs in counted]


def test_print_docx_uses_next_page_sections_with_blank_pages(copies):
    import io

    import docx
    from docx.enum.section import WD_SECTION_START

    from generator.batch.printing import numbered_runs, print_docx

    pdfs, docxs = copies
    merged = docx.Document(io.BytesIO(print_docx(docxs, [numbered_runs(p) for p in pdfs])))
    assert {s.start_type for s in merged.sections} == {WD_SECTION_START.NEW_PAGE}
    # 2 sections per example copy, 1 for the second dispatch, and a blank-page section
    # after each run of odd length (the annex, the 1-page dispatch) but the very last.
    assert len(merged.sections) == 2 + 1 + 1 + 1 + 2


def test_libreoffice_starts_every_run_on_an_odd_page_with_a_blank_page_between(laid_out):
    merged, _singles = laid_out
    assert len(merged.pages) == 9
    starts = {i: norm(merged.page_text(i)) for i in (0, 4, 6)}
    for i, name in zip(starts, KINH_GUI, strict=True):
        assert name in starts[i], (i, starts[i][:200])
    for i in (2, 8):  # each annex, page 1 of its own numbering, on a front side
        assert "KẾ HOẠCH TỔ CHỨC BỒI DƯỠNG" in norm(merged.page_text(i))
    for i in (3, 5):  # the backs left blank
        assert not [c for c in merged.pdf.pages[i].chars if c["text"].strip()]


def test_libreoffice_shows_the_number_on_page_two_of_every_copy(laid_out):
    merged, _singles = laid_out
    assert [_number_at_top(merged, i) for i in range(9)] == ["", "2", "", "", "", "", "", "2", ""]


def test_libreoffice_keeps_the_margins_of_each_copy(laid_out):
    merged, singles = laid_out
    for start, single in zip((0, 4, 6), singles, strict=True):
        assert _first_text_top(merged, start) == pytest.approx(_first_text_top(single, 0), abs=0.3)
        first = merged.pdf.pages[start].chars
        own = single.pdf.pages[0].chars
        assert min(c["x0"] for c in first) / MM == pytest.approx(min(c["x0"] for c in own) / MM, abs=0.3)


def test_the_examples_print_docx_in_libreoffice(example, tmp_path):
    """`congvan print` of the example: 63 copies of 2 pages; LibreOffice lays the print
    DOCX out in 126 pages, each copy numbered from 1 with "2" on its second page, and
    page 1 of each copy starts where the copy on its own does."""
    need_soffice()
    from generator.batch.run import run_batch, run_print

    folder = tmp_path / "out"
    run_batch(example, folder, formats=["pdf", "docx"], jobs=2)
    run_print(example, folder, formats=["pdf", "docx"], jobs=2)
    merged = PdfReader(docx_to_pdf(folder / "print" / "in-tat-ca.docx", tmp_path / "lo"))
    single = PdfReader(docx_to_pdf(folder / "01-ha-noi.docx", tmp_path / "lo1"))
    assert len(merged.pages) == 126
    numbers = [_number_at_top(merged, i) for i in range(126)]
    assert numbers == ["", "2"] * 63
    tops = {round(_first_text_top(merged, i), 1) for i in range(0, 126, 2)}
    assert tops == {round(_first_text_top(single, 0), 1)}
