"""Print batches: all copies in one PDF or DOCX, each copy starting on a front side.

Three copies of different lengths: the example (3 pages: 2 of dispatch, 1 of annex)
addressed to the Youth Union, the second dispatch (1 page), and the example addressed
to Bắc Giang. Each is rendered once for the module.
"""

from __future__ import annotations

import io
import re

import pytest
from docxread import DocxReader
from pdfread import PdfReader, norm

KINH_GUI = [
    "Kính gửi: Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh",
    "- Kho bạc Nhà nước khu vực IV.",
    "Kính gửi: Ủy ban nhân dân tỉnh Bắc Giang",
]
LABELS = ["Trung ương Đoàn", "Sở, ban, ngành tỉnh Bắc Ninh", "Ủy ban nhân dân tỉnh Bắc Giang"]
ANNEX_TITLE = "KẾ HOẠCH TỔ CHỨC BỒI DƯỠNG"
TITLE = "Kế hoạch bồi dưỡng Tổ công nghệ số cộng đồng"


@pytest.fixture(scope="module")
def dispatches(example, second):
    bac_giang = example.model_copy(update={"recipients": ["Ủy ban nhân dân tỉnh Bắc Giang"]})
    return [example, second, bac_giang]


@pytest.fixture(scope="module")
def pdf_copies(dispatches, example_pdf) -> list[tuple[str, bytes]]:
    from generator.render.pdf import pdf_bytes

    rendered = [example_pdf, pdf_bytes(dispatches[1]), pdf_bytes(dispatches[2])]
    return list(zip(LABELS, rendered, strict=True))


@pytest.fixture(scope="module")
def docx_copies(dispatches, example_docx) -> list[bytes]:
    from generator.render.docx import docx_bytes

    return [example_docx, docx_bytes(dispatches[1]), docx_bytes(dispatches[2])]


@pytest.fixture(scope="module")
def batch(pdf_copies) -> bytes:
    from generator.batch.printing import print_pdf

    return print_pdf(pdf_copies)


@pytest.fixture(scope="module")
def indexed(pdf_copies) -> bytes:
    from generator.batch.printing import print_pdf

    return print_pdf(pdf_copies, index=True, title=TITLE)


@pytest.fixture(scope="module")
def merged(docx_copies) -> bytes:
    from generator.batch.printing import print_docx

    return print_docx(docx_copies)


def _is_blank(reader: PdfReader, i: int) -> bool:
    page = reader.pages[i]
    return not (page.chars or page.images or page.rects or page.lines or page.curves)


# ---------------------------------------------------------------------------- PDF


def test_pdf_copies_have_the_expected_lengths(pdf_copies):
    assert [len(PdfReader(data).pages) for _, data in pdf_copies] == [3, 1, 3]


def test_each_copy_starts_on_an_odd_page_with_its_own_recipient(batch, pdf_copies):
    pdf = PdfReader(batch)
    # 3 + blank, 1 + blank, 3 + blank.
    assert len(pdf.pages) == 10
    for start, (_, data), kinh_gui in zip([1, 5, 7], pdf_copies, KINH_GUI, strict=True):
        own = PdfReader(data)
        assert kinh_gui in pdf.page_text(start - 1)
        for k in range(len(own.pages)):
            assert pdf.page_text(start - 1 + k) == own.page_text(k)


def test_a_blank_page_follows_each_copy_of_odd_length(batch):
    pdf = PdfReader(batch)
    blanks = [i + 1 for i in range(len(pdf.pages)) if _is_blank(pdf, i)]
    assert blanks == [4, 6, 10]
    for number in blanks:
        page = pdf.pages[number - 1]
        assert (round(page.width), round(page.height)) == (595, 842)  # A4 in points


def test_copies_of_even_length_need_no_blank_page(pdf_copies):
    from pypdf import PdfReader as Pypdf
    from pypdf import PdfWriter

    from generator.batch.printing import print_pdf

    writer = PdfWriter()
    # The example's dispatch without its annex: two pages.
    writer.append(Pypdf(io.BytesIO(pdf_copies[0][1])), pages=(0, 2))
    out = io.BytesIO()
    writer.write(out)
    two_pages = out.getvalue()
    pdf = PdfReader(print_pdf([("a", two_pages), ("b", two_pages)]))
    assert len(pdf.pages) == 4
    assert KINH_GUI[0] in pdf.page_text(2)
    assert not any(_is_blank(pdf, i) for i in range(4))


def test_index_lists_each_copy_with_the_sheet_and_page_it_starts_on(indexed):
    pdf = PdfReader(indexed)
    # Index (1 page + blank), then the copies: 3 + blank, 1 + blank, 3 + blank.
    assert len(pdf.pages) == 12
    text = pdf.page_text(0)
    assert "DANH SÁCH BẢN IN" in text
    assert TITLE in text
    assert "3 bản, 10 trang in hai mặt trên 5 tờ" in text
    assert _is_blank(pdf, 1)
    [table] = pdf.tables(0)
    assert table[0] == ["STT", "Nơi nhận", "Số trang", "Tờ", "Trang"]
    assert table[1:] == [
        ["1", LABELS[0], "3", "2", "3"],
        ["2", LABELS[1], "1", "4", "7"],
        ["3", LABELS[2], "3", "5", "9"],
    ]
    for row, kinh_gui in zip(table[1:], KINH_GUI, strict=True):
        assert kinh_gui in pdf.page_text(int(row[4]) - 1)


def test_index_is_set_in_the_embedded_liberation_serif(indexed):
    pdf = PdfReader(indexed)
    fonts = {re.sub(r"^[A-Z]{6}\+", "", c["fontname"]) for c in pdf.pages[0].chars}
    assert fonts and all(f.startswith("Liberation-Serif") for f in fonts), fonts
    assert PdfReader(indexed).find(0, "DANH SÁCH BẢN IN").bold


def test_a_long_index_is_padded_to_an_even_page_count_and_points_right(pdf_copies):
    """100 one-page copies: the index takes three pages and a blank, which moves every
    copy's start; the numbers it prints are the ones of the file."""
    from pypdf import PdfWriter

    from generator.batch.printing import print_pdf

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    labels = [f"Đơn vị số {n}" for n in range(1, 101)]
    copies = [(label, out.getvalue()) for label in labels[:-1]] + [(labels[-1], pdf_copies[1][1])]
    pdf = PdfReader(print_pdf(copies, index=True))
    index_pages = 4
    assert len(pdf.pages) == index_pages + 200
    assert _is_blank(pdf, index_pages - 1)
    assert "Đơn vị số 100" in pdf.page_text(index_pages - 2)
    rows = [r for i in range(index_pages) for t in pdf.tables(i) for r in t if r[0] != "STT"]
    assert [r[1] for r in rows] == labels
    assert [int(r[4]) for r in rows] == list(range(index_pages + 1, len(pdf.pages), 2))
    assert KINH_GUI[1] in pdf.page_text(int(rows[-1][4]) - 1)
    assert _is_blank(pdf, len(pdf.pages) - 1)


def test_pdf_has_one_bookmark_per_copy(indexed):
    from pypdf import PdfReader as Pypdf

    reader = Pypdf(io.BytesIO(indexed))
    marks = [(m.title, reader.get_destination_page_number(m) + 1) for m in reader.outline]
    assert marks == [("Danh sách bản in", 1), (LABELS[0], 3), (LABELS[1], 7), (LABELS[2], 9)]


def test_pdf_is_byte_identical_when_built_twice(pdf_copies, batch, indexed):
    from pypdf import PdfReader as Pypdf

    from generator.batch.printing import print_pdf

    assert print_pdf(pdf_copies) == batch
    assert print_pdf(pdf_copies, index=True, title=TITLE) == indexed
    reader = Pypdf(io.BytesIO(batch))
    ids = reader.trailer["/ID"]
    assert len(ids[0]) == 16 and ids[0] == ids[1]
    assert ids[0] != Pypdf(io.BytesIO(indexed)).trailer["/ID"][0]
    assert not {"/CreationDate", "/ModDate"} & set(reader.metadata or {})


def test_shared_fonts_and_images_are_stored_once(pdf_copies, batch, indexed):
    from pypdf import PdfReader as Pypdf

    assert len(batch) < sum(len(data) for _, data in pdf_copies) / 2
    for data in (batch, indexed):
        reader = Pypdf(io.BytesIO(data))
        font_files, images = set(), set()
        for page in reader.pages:
            for font in page["/Resources"].get("/Font", {}).values():
                cid_font = font.get_object()["/DescendantFonts"][0].get_object()
                descriptor = cid_font["/FontDescriptor"].get_object()
                font_files.add(descriptor.raw_get("/FontFile2").idnum)
            for xobject in page["/Resources"].get("/XObject", {}).values():
                images.add(xobject.idnum)
        # Four faces at most (regular, bold, italic, bold italic), index included;
        # the example's two QR codes, shared by both copies of it.
        assert len(font_files) <= 4
        assert len(images) == 2


def test_print_pdf_needs_copies():
    from generator.batch.printing import print_pdf

    with pytest.raises(ValueError, match="no copies"):
        print_pdf([])


def test_annex_copies_each_start_on_an_odd_page(example_pdf):
    from pypdf import PdfReader as Pypdf
    from pypdf import PdfWriter

    from generator.batch.printing import annex_copies_pdf

    writer = PdfWriter()
    writer.append(Pypdf(io.BytesIO(example_pdf)), pages=(2, 3))  # the example's 1-page annex
    out = io.BytesIO()
    writer.write(out)
    annex = out.getvalue()
    pdf = PdfReader(annex_copies_pdf(annex, 3))
    assert len(pdf.pages) == 6
    for i in range(6):
        if i % 2 == 0:
            assert ANNEX_TITLE in pdf.page_text(i)
        else:
            assert _is_blank(pdf, i)
    assert annex_copies_pdf(annex, 3) == annex_copies_pdf(annex, 3)
    with pytest.raises(ValueError):
        annex_copies_pdf(annex, 0)


# --------------------------------------------------------------------------- DOCX


def _section_texts(data: bytes) -> list[str]:
    """The text of each section of a DOCX, in order (a section ends at a ``w:sectPr``)."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    doc = DocxReader(data).doc
    texts, current = [], []
    for p in doc.element.body.iter(qn("w:p")):
        current.append(Paragraph(p, doc).text)
        if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            texts.append(norm(" ".join(current)))
            current = []
    texts.append(norm(" ".join(current)))
    return texts


def test_docx_keeps_every_copys_sections_in_order(merged, docx_copies):
    import docx
    from docx.enum.section import WD_SECTION_START

    doc = docx.Document(io.BytesIO(merged))
    # Example: dispatch + annex; second dispatch: one section; example again. Each
    # copy, and each annex (numbered from 1 too), starts on an odd page.
    assert [s.start_type for s in doc.sections] == [WD_SECTION_START.ODD_PAGE] * 5
    for data in docx_copies:  # a copy on its own starts its annex on the next page
        own = docx.Document(io.BytesIO(data)).sections
        assert all(s.start_type == WD_SECTION_START.NEW_PAGE for s in own)
    texts = _section_texts(merged)
    assert len(texts) == 5
    assert KINH_GUI[0] in texts[0]
    assert KINH_GUI[1] in texts[2]
    assert KINH_GUI[2] in texts[3]
    assert ANNEX_TITLE in texts[1] and ANNEX_TITLE in texts[4]
    assert ANNEX_TITLE not in texts[2]
    own = [t for data in docx_copies for t in _section_texts(data)]
    assert texts == own


def test_docx_numbers_each_copys_pages_from_one_with_a_distinct_first_page(merged):
    import docx
    from docx.oxml.ns import qn

    doc = docx.Document(io.BytesIO(merged))
    for section in doc.sections:
        numbering = section._sectPr.find(qn("w:pgNumType"))
        assert numbering is not None and numbering.get(qn("w:start")) == "1"
        assert section.different_first_page_header_footer
        assert "PAGE" in section.header._element.xml  # pages after the first show their number
        assert "PAGE" not in section.first_page_header._element.xml


def test_docx_keeps_each_copys_footer(merged):
    import docx

    doc = docx.Document(io.BytesIO(merged))
    footers = [norm(" ".join(p.text for p in s.first_page_footer.paragraphs)) for s in doc.sections]
    # Only the second dispatch has an address footer (box 13) on its first page.
    assert "Số 11 đường Lý Thái Tổ" in footers[2]
    assert [bool(f) for f in footers] == [False, False, True, False, False]


def test_docx_text_is_the_copies_text_in_order(merged, docx_copies):
    text = DocxReader(merged).text()
    assert text == " ".join(DocxReader(data).text() for data in docx_copies)
    positions = [text.index(k) for k in KINH_GUI]
    assert positions == sorted(positions)


def test_docx_images_resolve_and_are_stored_once(merged, docx_copies):
    import docx

    def blobs(data: bytes) -> list[bytes]:
        doc = docx.Document(io.BytesIO(data))
        out = []
        for shape in doc.inline_shapes:
            rid = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
            out.append(doc.part.related_parts[rid].blob)
        return out

    expected = [b for data in docx_copies for b in blobs(data)]
    assert len(expected) == 4  # two QR codes in each copy of the example
    assert blobs(merged) == expected
    assert sorted(DocxReader(merged).media()) == sorted(set(expected))
    ids = re.findall(r'<wp:docPr id="(\d+)"', docx.Document(io.BytesIO(merged)).element.xml)
    assert len(ids) == 4 and len(set(ids)) == 4


def test_docx_is_byte_identical_when_built_twice(merged, docx_copies):
    from generator.batch.printing import print_docx

    assert print_docx(docx_copies) == merged
    assert len(merged) < sum(len(d) for d in docx_copies)


def test_docx_keeps_the_core_properties_of_the_copies(merged, docx_copies):
    import docx

    merged_props = docx.Document(io.BytesIO(merged)).core_properties
    first = docx.Document(io.BytesIO(docx_copies[0])).core_properties
    assert (merged_props.title, merged_props.author, merged_props.created) == (
        first.title, first.author, first.created,
    )


def test_docx_refuses_copies_from_another_template(docx_copies):
    import zipfile

    from generator.batch.printing import print_docx

    src = zipfile.ZipFile(io.BytesIO(docx_copies[1]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/styles.xml":
                data = data.replace(b"Times New Roman", b"Arial", 1)
            dst.writestr(name, data)
    with pytest.raises(ValueError, match="copy 2 has other styles"):
        print_docx([docx_copies[0], out.getvalue()])


def test_docx_restarts_numbering_for_a_copy_that_does_not(docx_copies):
    """A copy without ``w:pgNumType`` would continue the previous copy's page numbers."""
    import zipfile

    import docx
    from docx.oxml.ns import qn

    from generator.batch.printing import print_docx

    src = zipfile.ZipFile(io.BytesIO(docx_copies[1]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/document.xml":
                data = re.sub(rb"<w:pgNumType[^>]*/>", b"", data)
            dst.writestr(name, data)
    assert b"pgNumType" not in zipfile.ZipFile(out).read("word/document.xml")
    sections = docx.Document(io.BytesIO(print_docx([docx_copies[0], out.getvalue()]))).sections
    last = sections[-1]._sectPr
    assert last.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    order = [child.tag.split("}")[1] for child in last]
    assert order.index("pgNumType") < order.index("cols") < order.index("titlePg")



def test_docx_takes_copies_from_an_iterable_with_the_same_bytes(docx_copies, pdf_copies):
    """A generator (each copy read when the merge comes to it) gives the bytes a list
    gives, blank pages included (their header and footer are made at the end)."""
    import zipfile

    from generator.batch.printing import numbered_runs, print_docx

    pages = [numbered_runs(data) for _label, data in pdf_copies] * 3
    copies = docx_copies * 3
    assert print_docx(iter(docx_copies)) == print_docx(docx_copies)
    with_blanks = print_docx(copies, pages)
    assert print_docx((c for c in copies), pages) == with_blanks
    assert b"congvan-blank" not in zipfile.ZipFile(io.BytesIO(with_blanks)).read("word/document.xml")


#: Run in a fresh process: the peak resident memory of print_docx for a few copies,
#: then for many (the same copy again and again).
_PEAKS = """
import resource, sys
from pathlib import Path
from generator.batch.printing import print_docx
copy = Path(sys.argv[1]).read_bytes()
pages = [int(n) for n in sys.argv[2].split(",")]
scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB elsewhere
peaks = []
for count in (20, 140):
    print_docx([copy] * count, [pages] * count)
    peaks.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20)
print(*peaks)
"""


def test_docx_memory_does_not_grow_with_the_number_of_copies(example_docx, example_pdf, tmp_path):
    """A print volume's merge holds a copy at a time, not the volume: 120 more copies
    (one tree of all copies took about 0.5 MB each: 59 MB more) raise the peak by little."""
    pytest.importorskip("resource")
    import os
    import subprocess
    import sys
    from pathlib import Path

    import generator
    from generator.batch.printing import numbered_runs

    copy = tmp_path / "copy.docx"
    copy.write_bytes(example_docx)
    runs = ",".join(map(str, numbered_runs(example_pdf)))
    root = str(Path(generator.__file__).resolve().parents[1])  # this code, not an installed one
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", _PEAKS, str(copy), runs],
                         capture_output=True, text=True, check=True, env=env)
    few, many = map(float, out.stdout.split())
    assert many - few < 20, f"peak {few:.0f} MB for 20 copies, {many:.0f} MB for 140"
