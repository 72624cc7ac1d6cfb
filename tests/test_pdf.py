"""The reference dispatch as a reader of the PDF sees it: words, positions, fonts, sizes.

Expected positions are computed from the spec's millimetres (``MM`` = 72/25.4 pt) with
the arithmetic in a comment, then read back from the rendered file.
"""

from __future__ import annotations

import io
import re

import pytest
import seed_text as seed
from pdfread import MM, PdfReader, decode_qr, norm, render_page_image

from generator.render.measures import PAGE, SIZES

A4 = (round(210 * MM, 2), round(297 * MM, 2))  # 595.28 x 841.89 pt
LEFT = PAGE.left * MM  # 30 mm = 85.04 pt
RIGHT = (PAGE.width - PAGE.right) * MM  # 210 - 15 = 195 mm = 552.76 pt
TOP = PAGE.top * MM  # 20 mm = 56.69 pt
BOTTOM = (PAGE.height - PAGE.bottom) * MM  # 297 - 20 = 277 mm = 785.20 pt
SPLIT = LEFT + PAGE.header_split * (RIGHT - LEFT)  # header column boundary
LEFT_COL = (0, SPLIT)
RIGHT_COL = (SPLIT, 1000)
ANNEX_PAGE = 2  # 0-based: the dispatch takes pages 1–2, the annex starts on page 3


def test_every_page_is_a4_portrait(pdf):
    for page in pdf.pages:
        assert (round(page.width, 2), round(page.height, 2)) == A4


def test_text_stays_inside_the_margins(pdf):
    for page in pdf.pages:
        body = [c for c in page.chars if c["text"].strip() and c["top"] >= TOP]
        assert min(c["x0"] for c in body) >= LEFT - 0.5
        # justified lines end within a point of the margin (WeasyPrint spreads the
        # remaining space over the spaces, and rounds)
        assert max(c["x1"] for c in body) <= RIGHT + 1.5
        assert max(c["bottom"] for c in body) <= BOTTOM + 0.5
    # and the body really uses the text area: continuation lines start at the left margin
    assert min(c["x0"] for c in pdf.pages[0].chars if c["text"].strip()) == pytest.approx(LEFT, abs=1)


def test_only_liberation_serif_is_used_and_it_is_embedded(example_pdf):
    from pypdf import PdfReader as Pypdf

    reader = Pypdf(io.BytesIO(example_pdf))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.add(re.sub(r"^/[A-Z]{6}\+", "", font["/BaseFont"]))
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object()
    assert names == {
        "Liberation-Serif", "Liberation-Serif-Bold", "Liberation-Serif-Italic",
        "Liberation-Serif-Bold-Italic",
    }


def test_body_has_every_paragraph_of_the_seed_in_order(pdf):
    text = pdf.all_text(range(0, ANNEX_PAGE))
    position = 0
    for paragraph in [seed.KINH_GUI, *seed.BODY]:
        found = text.find(norm(paragraph), position)
        assert found >= 0, f"missing or out of order: {paragraph[:60]!r}"
        position = found + len(paragraph)


def test_closing_block_words(pdf):
    text = pdf.all_text(range(0, ANNEX_PAGE))
    for line in [*seed.NOI_NHAN, *seed.SIGNER]:
        assert norm(line) in text


def test_header_elements_have_the_decrees_sizes_and_weights(pdf):
    def line(text, column):
        return pdf.find(0, text, column)

    # The seed's one line ends 1.2 mm from the Quốc hiệu; congvan breaks it (issue 10 §1).
    for part in ("BỘ THÔNG TIN", "VÀ TRUYỀN THÔNG"):
        agency = line(part, LEFT_COL)
        assert (agency.size, agency.bold) == (SIZES.agency, True)
    title = line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", RIGHT_COL)
    assert (title.size, title.bold) == (SIZES.national_title, True)
    motto = line("Độc lập - Tự do - Hạnh phúc", RIGHT_COL)
    assert (motto.size, motto.bold) == (SIZES.motto, True)
    number = line("Số: /BTTTT-CĐSQG", LEFT_COL)
    assert (number.size, number.bold, number.italic) == (SIZES.number, False, False)
    date = line("Hà Nội, ngày tháng năm 2022", RIGHT_COL)
    assert date.italic and 13 <= date.size <= 14
    subject = line("V/v triển khai Kế hoạch", LEFT_COL)
    assert (subject.size, subject.bold) == (SIZES.subject, False)
    assert "V/v:" not in pdf.page_text(0)


def test_number_and_date_share_one_line(pdf):
    number = pdf.find(0, "Số:", LEFT_COL)
    date = pdf.find(0, "Hà Nội, ngày", RIGHT_COL)
    assert number.bottom == pytest.approx(date.bottom, abs=0.5)


def test_national_title_and_motto_are_centred_in_the_right_column(pdf):
    centre = (SPLIT + RIGHT) / 2
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"):
        ln = pdf.find(0, text, RIGHT_COL)
        assert (ln.x0 + ln.x1) / 2 == pytest.approx(centre, abs=1.5)


def test_rules_under_the_motto_and_the_agency_name(pdf):
    rules = pdf.hlines(0)
    motto = pdf.find(0, "Độc lập - Tự do - Hạnh phúc", RIGHT_COL)
    under_motto = [r for r in rules if 0 < r[2] - motto.bottom < 6 and r[0] >= SPLIT]
    assert len(under_motto) == 1
    x0, x1, _ = under_motto[0]
    # NĐ 30 §3 box 1: the rule is as long as the motto's line
    assert x0 == pytest.approx(motto.x0, abs=1) and x1 == pytest.approx(motto.x1, abs=1)
    agency = pdf.find(0, "VÀ TRUYỀN THÔNG", LEFT_COL)  # the name's last and longest line
    under_agency = [r for r in rules if 0 < r[2] - agency.bottom < 6 and r[1] <= SPLIT]
    assert len(under_agency) == 1
    x0, x1, _ = under_agency[0]
    width = agency.x1 - agency.x0
    # §3 box 2: one third to one half of the name's line, centred under it
    assert width / 3 <= x1 - x0 <= width / 2
    assert (x0 + x1) / 2 == pytest.approx((agency.x0 + agency.x1) / 2, abs=1)


def test_kinh_gui_body_and_closing_sizes(pdf):
    kinh_gui = pdf.find(0, "Kính gửi:")
    assert kinh_gui.size == SIZES.kinh_gui
    first = pdf.find(0, "Thực hiện Chương trình công tác")
    assert (first.size, first.bold) == (SIZES.body, False)
    # first-line indent of 1 cm from the left margin
    assert first.x0 == pytest.approx(LEFT + PAGE.first_line_indent * MM, abs=1)


def _closing_page(pdf) -> int:
    return next(i for i in range(ANNEX_PAGE) if "Nơi nhận:" in pdf.page_text(i))


def test_noi_nhan_and_signer(pdf):
    page = _closing_page(pdf)
    label = pdf.find(page, "Nơi nhận:")
    assert label.size == SIZES.noi_nhan_label and label.bold and label.italic
    assert label.x0 == pytest.approx(LEFT, abs=1)  # flush left
    for text in seed.NOI_NHAN[1:]:
        item = pdf.find(page, text)
        assert (item.size, item.bold) == (SIZES.noi_nhan, False)
    authority = pdf.find(page, "KT. BỘ TRƯỞNG")
    assert authority.size == SIZES.signer and authority.bold
    assert abs(authority.top - label.top) < 3  # box 7a level with "Nơi nhận:"
    name = pdf.find(page, "Nguyễn Huy Dũng", (LEFT + (RIGHT - LEFT) * PAGE.closing_split, 1000))
    assert name.size == SIZES.signer and name.bold
    assert name.top - authority.bottom > PAGE.signature_space * MM  # room to sign


def test_page_numbers_in_the_top_margin_from_page_two(pdf):
    def in_top_margin(i):
        return [c for c in pdf.pages[i].chars if c["text"].strip() and c["bottom"] < TOP]

    assert in_top_margin(0) == []
    numbers = in_top_margin(1)
    assert "".join(c["text"] for c in numbers) == "2"
    centre = (numbers[0]["x0"] + numbers[-1]["x1"]) / 2
    assert centre == pytest.approx((LEFT + RIGHT) / 2, abs=1)  # (30 + 195) / 2 mm
    assert numbers[0]["size"] == pytest.approx(SIZES.page_number, abs=0.01)
    # the annex starts a page of its own, and its first page shows no number
    assert in_top_margin(ANNEX_PAGE) == []
    assert pdf.page_text(ANNEX_PAGE).startswith(seed.ANNEX[0][:30])


def test_annex_text(pdf):
    text = pdf.all_text(range(ANNEX_PAGE, len(pdf.pages)))
    position = 0
    for paragraph in seed.ANNEX:
        found = text.find(norm(paragraph), position)
        assert found >= 0, f"missing or out of order: {paragraph[:60]!r}"
        position = found
    title = pdf.find(ANNEX_PAGE, "KẾ HOẠCH TỔ CHỨC")
    assert title.bold and title.size == SIZES.annex_title
    reference = pdf.find(ANNEX_PAGE, "(Kèm theo Công văn số")
    assert reference.italic


def _plan_rows(pdf):
    tables = pdf.tables(ANNEX_PAGE)
    assert len(tables) == 1
    header, *rows = tables[0]
    assert header == seed.PLAN_HEADERS
    return rows


def test_plan_table_rows_match_the_seed(pdf):
    rows = _plan_rows(pdf)
    assert [(r[0], r[1], r[3]) for r in rows] == [(n, c, p + ".") for n, c, _, p in seed.CLUSTERS]


def test_all_63_provinces_appear_once_in_the_annex(pdf):
    provinces = [p.strip() for r in _plan_rows(pdf) for p in r[3].rstrip(".").split(", ")]
    assert len(provinces) == 63
    assert len(set(provinces)) == 63
    assert sorted(provinces) == sorted(p for c in seed.CLUSTERS for p in c[3].split(", "))


def test_equal_consecutive_date_ranges_share_one_merged_cell(pdf):
    rows = _plan_rows(pdf)
    for group in seed.MERGED_DATE_GROUPS:
        first, *rest = group
        assert rows[first - 1][2] == seed.CLUSTERS[first - 1][2]
        assert [rows[k - 1][2] for k in rest] == [None] * len(rest)  # covered by the merged cell


def test_both_qr_codes_decode_to_the_input_urls(pdf, example_pdf, example):
    page = next(i for i in range(ANNEX_PAGE) if pdf.pages[i].images)
    assert decode_qr(render_page_image(example_pdf, page)) == sorted(q.url for q in example.qr_codes)


def test_qr_codes_are_side_by_side_with_their_captions_under_them(pdf):
    page_no = next(i for i in range(ANNEX_PAGE) if pdf.pages[i].images)
    page = pdf.pages[page_no]
    images = sorted(page.images, key=lambda im: im["x0"])
    assert len(images) == 2
    assert images[0]["top"] == pytest.approx(images[1]["top"], abs=0.5)  # same row
    for image, caption in zip(images, seed.QR_CAPTIONS, strict=True):
        assert image["x1"] - image["x0"] == pytest.approx(PAGE.qr_size * MM, abs=0.5)
        below = page.crop((image["x0"] - 15 * MM, image["bottom"], image["x1"] + 15 * MM, image["bottom"] + 40))
        assert norm(below.extract_text()) == caption
    # after the closing line, before "Nơi nhận"
    closing_page = next(i for i in range(ANNEX_PAGE) if "Trân trọng./." in pdf.page_text(i))
    assert closing_page <= page_no
    if closing_page == page_no:
        assert images[0]["top"] > pdf.find(page_no, "Trân trọng./.").bottom
    assert images[0]["bottom"] < pdf.find(page_no, "Nơi nhận:").top


def test_rendering_twice_gives_the_same_bytes(example, example_pdf):
    from generator.render.pdf import pdf_bytes

    assert pdf_bytes(example) == example_pdf


def test_a_long_annex_repeats_its_header_row_and_numbers_its_own_pages(example):
    import datetime as dt

    from generator.input.model import Cluster, Plan
    from generator.render.pdf import pdf_bytes

    day = dt.date(2022, 9, 12)
    clusters = [
        Cluster(provinces=[f"Địa phương {i}"], start=day + dt.timedelta(days=i % 5), end=day + dt.timedelta(days=i % 5))
        for i in range(1, 61)
    ]
    annex = example.annexes[0].model_copy(update={"plan": Plan(clusters=clusters)})
    long = example.model_copy(update={"annexes": [annex]})
    reader = PdfReader(pdf_bytes(long))
    assert len(reader.pages) >= ANNEX_PAGE + 2
    second = ANNEX_PAGE + 1
    top = [c["text"] for c in reader.pages[second].chars if c["text"].strip() and c["bottom"] < TOP]
    assert "".join(top) == "2"  # the annex's own page 2
    assert reader.all_text(range(second, second + 1)).startswith("TT Cụm Thời gian Tỉnh, thành phố")


def test_what_pdfs_share_is_reused_without_changing_a_byte(example, second, tmp_path):
    """The renderer builds what PDFs share (each face's objects, the images' data) once per
    process and reuses it (``generator.render.pdf_reuse``). PDFs made one after another in one
    process, with different faces and images, must have the bytes plain WeasyPrint writes
    for each alone, in a fresh process without the reuse."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from conftest import EXAMPLE, FIXTURES

    from generator.render.pdf import pdf_bytes

    root = Path(__file__).resolve().parent.parent
    plain = (
        "import sys\n"
        "import generator.render.pdf_reuse as reuse\n"
        "reuse.share_across_documents = lambda: None\n"
        "from generator import load_dispatch, render_pdf\n"
        "render_pdf(load_dispatch(sys.argv[1]), sys.argv[2])\n"
    )
    in_process = [pdf_bytes(d) for d in (second, example, second, example)]
    for source, made in ((FIXTURES / "second-dispatch.yaml", in_process[2]), (EXAMPLE, in_process[3])):
        out = tmp_path / (source.stem + ".pdf")
        subprocess.run([sys.executable, "-c", plain, str(source), str(out)],
                       check=True, cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
        assert out.read_bytes() == made, source.name
    assert in_process[0] == in_process[2] and in_process[1] == in_process[3]


def test_a_line_kept_from_one_document_is_never_handed_to_text_of_another_style(monkeypatch):
    """WeasyPrint's lines are broken and shaped once per process and kept (``pdf_reuse``):
    the same words in the same width, but with another weight, size, spacing, language,
    wrapping or ellipsis, must be broken and drawn as that style makes them. Documents made
    one after another with the lines kept, each after all the others, have the bytes of
    the same documents made with no line kept."""
    import weasyprint.draw.text as draw_text
    import weasyprint.layout.inline as inline
    import weasyprint.layout.preferred as preferred
    from weasyprint.text.line_break import Layout

    from generator.render.pdf import _weasyprint
    from generator.render.pdf_reuse import share_across_documents

    wp = _weasyprint()
    share_across_documents()
    fonts = wp.text.fonts.FontConfiguration()  # one for all documents, as the renderer's: lines are kept by it
    words = ("Lịch bồi dưỡng, tập huấn trực tiếp tại thành phố Hà Nội thuộc Cụm 1, từ ngày 12/9/2022 "
             "đến ngày 30/9/2022; đề nghị Ủy ban nhân dân thành phố Hà Nội phối hợp, bố trí địa điểm. "
             "AVATAR official filing: internationalization https://onetouch.mic.gov.vn/to-cong-nghe-so-cong-dong")
    styles = ["", "font-weight: bold", "font-style: italic", "font-size: 15pt", "letter-spacing: 0.6pt",
              "word-spacing: 4pt", "white-space: nowrap", "text-align: justify", "text-indent: 12.7mm",
              "font-variant: small-caps", "font-kerning: none",
              "overflow-wrap: anywhere", "text-decoration: underline",
              "line-height: 2", "direction: rtl", "hyphens: auto' lang='en", "hyphens: auto' lang='de",
              "white-space: nowrap; overflow: hidden; text-overflow: ellipsis",
              "overflow: hidden; max-lines: 2; block-ellipsis: auto", "overflow: hidden; max-lines: 1"]

    def pdfs(order: list[str]) -> dict[str, bytes]:
        made = {}
        for style in order:
            html = (f"<html lang='vi'><body style='font-family: Liberation Serif; font-size: 14pt'>"
                    f"<p style='width: 120mm; {style}'>{words}</p><p style='width: 42mm; {style}'>{words}</p>")
            made[style] = wp.HTML(string=html).write_pdf(font_config=fonts)
        return made

    kept = pdfs(styles) | pdfs(styles[::-1])  # each style after every other one
    split = inline.split_first_line
    monkeypatch.setattr(inline, "split_first_line", split.__wrapped__)
    monkeypatch.setattr(preferred, "split_first_line", split.__wrapped__)
    monkeypatch.setattr(Layout, "reactivate", Layout.reactivate.__wrapped__)
    monkeypatch.setattr(draw_text, "draw_first_line", draw_text.draw_first_line.__wrapped__)
    plain = pdfs(styles)
    same = {s: [t for t in styles if t != s and plain[t] == plain[s]] for s in styles}
    assert not any(same.values()), same  # every style breaks or draws differently
    assert kept == plain


def test_a_style_kept_from_one_document_is_never_handed_to_an_element_styled_otherwise(monkeypatch):
    """WeasyPrint's computed styles are kept across documents (``pdf_reuse``), keyed by what
    they are computed from. The same elements under other declarations (a stylesheet, a
    style attribute, a parent's or the root's font size, a logical property outweighing a
    physical one, a custom property, a language, generated content, the page's size) must get their own
    values: documents made one after another with styles kept, each after all the others,
    have the bytes of the same documents made with nothing kept."""
    import weasyprint.css as wp_css

    from generator.render.pdf import _weasyprint
    from generator.render.pdf_reuse import share_across_documents

    wp = _weasyprint()
    share_across_documents()
    fonts = wp.text.fonts.FontConfiguration()
    body = ("<h1>Kế hoạch</h1><p class='a'>Kính gửi: <em>Ủy ban nhân dân</em> tỉnh Bắc Giang</p>"
            "<table><tr><td>1</td><td>Cụm 1</td></tr><tr><td>2</td><td>Cụm 2</td></tr></table>"
            "<ul><li>Một</li><li>Hai</li></ul>")
    variants = {
        "plain": ("", "", ""),
        "sheet": ("p.a { font-size: 18pt; color: #c00 }", "", ""),
        "attribute": ("", " style='font-size: 9pt'", ""),
        "root em": ("html { font-size: 20px } p { font-size: 1.5em; margin-left: 2rem }", "", ""),
        # The same two declarations, weighed the other way round: only their weights differ.
        "logical": ("p.a { margin-inline-start: 25mm } p { margin-left: 5mm }", "", ""),
        "physical": ("p { margin-inline-start: 25mm } p.a { margin-left: 5mm }", "", ""),
        "variable": (":root { --w: 40mm } p { width: var(--w) }", "", ""),
        "lang": ("", "", " lang='en'"),
        "content": ("li::before { content: '» ' } em::after { content: ' (*)' }", "", ""),
        "table": ("table { border-collapse: collapse } td { border: 2pt solid; padding: 4pt }", "", ""),
        "inherit": ("body { font-weight: bold; letter-spacing: 1pt }", "", ""),
        "positioned": ("em { position: absolute } h1 { float: right }", "", ""),
        # The same declarations on pages of two sizes: a width in vw is the page's.
        "vw on A4": ("@page { size: A4 } p { width: 50vw; border: 1pt solid }", "", ""),
        "vw on A5": ("@page { size: A5 } p { width: 50vw; border: 1pt solid }", "", ""),
        "calc on A5": ("@page { size: A5 } p { width: calc(50vw - 1cm); border: 1pt solid }", "", ""),
        "calc on A4": ("@page { size: A4 } p { width: calc(50vw - 1cm); border: 1pt solid }", "", ""),
    }

    def pdfs(order: list[str]) -> dict[str, bytes]:
        made = {}
        for name in order:
            css, attribute, lang = variants[name]
            html = (f"<html{lang}><head><style>body {{ font-family: Liberation Serif }} {css}</style></head>"
                    f"<body{attribute}>{body}</body></html>")
            made[name] = wp.HTML(string=html).write_pdf(font_config=fonts)
        return made

    names = list(variants)
    kept = pdfs(names) | pdfs(names[::-1])
    monkeypatch.setattr(wp_css.StyleFor, "set_computed_styles", wp_css.StyleFor.set_computed_styles.__wrapped__)
    monkeypatch.setattr(wp_css.ComputedStyle, "__missing__", wp_css.ComputedStyle.__missing__.__wrapped__)
    plain = pdfs(names)
    same = {n: [m for m in names if m != n and plain[m] == plain[n]] for n in names}
    assert not any(same.values()), same  # every variant looks different
    assert kept == plain


_LIBRARIES = (
    "import json, subprocess, sys\n"
    "calls = []\n"
    "start = subprocess.Popen.__init__\n"
    "def spy(self, *args, **kwargs):\n"
    "    calls.append(args[0] if args else kwargs.get('args'))\n"
    "    return start(self, *args, **kwargs)\n"
    "subprocess.Popen.__init__ = spy\n"
    "HOW\n"
    "wp.HTML(string='<p>Kính gửi</p>').write_pdf()\n"
    "maps = sorted({l.split()[-1].rsplit('/', 1)[-1] for l in open('/proc/self/maps') if '.so' in l})\n"
    "print(json.dumps({'calls': [str(c) for c in calls], 'libraries': maps}))\n"
)


def _imported(how: str, tmp_path) -> tuple[dict, str]:
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    code = _LIBRARIES.replace("HOW", how)
    done = subprocess.run([sys.executable, "-c", code], check=True, cwd=root, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(root), "XDG_CACHE_HOME": str(tmp_path / "cache")})
    lines = done.stdout.splitlines()
    return json.loads(lines[-1]), "\n".join(lines[:-1])


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="reads /proc/self/maps")
def test_weasyprint_loads_its_libraries_without_searching_for_them_and_loads_the_same_ones(tmp_path):
    """congvan imports WeasyPrint with each C library loaded by its file name
    (``pdf._libraries_by_name_only``): no ``ldconfig``/``gcc``/``ld`` run (0.2 s of every
    render process's start), and the very files WeasyPrint's own search loads."""
    fast, _ = _imported("from generator.render.pdf import _weasyprint\nwp = _weasyprint()", tmp_path)
    plain, _ = _imported(
        "import os\nfrom generator.render import fonts\n"
        "os.environ['FONTCONFIG_FILE'] = str(fonts.pdf_faces()[(False, False)].parent / 'fonts.conf')\n"
        "import weasyprint as wp", tmp_path)
    assert fast["calls"] == []
    assert plain["calls"]  # WeasyPrint's own import searches: the spy sees it
    assert {"libpango-1.0.so", "libfontconfig.so", "libharfbuzz.so"} <= {
        name.split(".so")[0] + ".so" for name in fast["libraries"]}
    assert fast["libraries"] == plain["libraries"]


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="reads /proc/self/maps")
def test_a_library_only_a_search_finds_is_searched_for_and_nothing_is_printed(tmp_path):
    """Where a library does not load by its file name (installed outside the loader's
    paths, found by ``ldconfig``/``gcc`` only), WeasyPrint is imported again with its
    search: the render works, and WeasyPrint's "could not import some external
    libraries" message from the first try is not printed."""
    # The system's loader refuses every file name while congvan's import holds the search back.
    refuse = (
        "import ctypes.util, cffi\n"
        "load = cffi.FFI.dlopen\n"
        "def dlopen(self, name, flags=0):\n"
        "    if ctypes.util.find_library('c') is None:\n"
        "        raise OSError('cannot open shared object file ' + str(name))\n"
        "    return load(self, name, flags)\n"
        "cffi.FFI.dlopen = dlopen\n"
        "from generator.render.pdf import _weasyprint\nwp = _weasyprint()"
    )
    found, printed = _imported(refuse, tmp_path)
    assert found["calls"]  # searched, the second time
    assert "libpango-1.0.so.0" in " ".join(found["libraries"])
    assert printed == ""


def test_the_faces_objects_kept_on_disk_give_plain_weasyprints_bytes_in_the_next_process(tmp_path):
    """Each face's objects are kept beside the prepared faces, so a new process (each batch
    worker, the next run) does not build them again: what it then writes must be the bytes
    plain WeasyPrint writes, and a damaged kept file is built anew."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from conftest import EXAMPLE

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    render = (
        "import sys\n"
        "import generator.render.pdf_reuse as reuse\n"
        "if sys.argv[3] == 'plain':\n"
        "    reuse.share_across_documents = lambda: None\n"
        "if sys.argv[3] == 'kept':\n"
        "    def built(*args, **kwargs):\n"
        "        raise AssertionError('a face was built again')\n"
        "    reuse._Recording.of = built\n"
        "from generator import load_dispatch, render_pdf\n"
        "render_pdf(load_dispatch(sys.argv[1]), sys.argv[2])\n"
    )

    def run(name: str, how: str) -> bytes:
        subprocess.run([sys.executable, "-c", render, str(EXAMPLE), str(tmp_path / name), how],
                       check=True, cwd=root, env=env)
        return (tmp_path / name).read_bytes()

    first = run("first.pdf", "reuse")
    kept = sorted((tmp_path / "cache").rglob("pdf-objects-*.json"))
    assert len(kept) == 4  # the four faces the example prints
    assert run("kept.pdf", "kept") == first == run("plain.pdf", "plain")
    kept[0].write_text('{"objects": [[true, "zz", ""]], "fonts": {}}', encoding="ascii")
    assert run("again.pdf", "reuse") == first


def test_a_face_printing_one_glyph_does_not_lend_its_flags_to_the_next_document(tmp_path):
    """WeasyPrint marks a face FixedPitch when every glyph a document prints from it has the
    same width: a print index whose italic title is one letter. The reuse must key on that,
    so the next index, whose italic title has many letters, gets the bytes plain WeasyPrint
    writes for it alone (it got the first one's FixedPitch flag, and a print file then
    kept two copies of the italic face)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from generator.batch.printing import _index_pdf
    from generator.render.pdf_reuse import share_across_documents

    share_across_documents()
    labels, counts, title = ["Trung ương Đoàn", "Ủy ban nhân dân tỉnh Bắc Giang"], [3, 3], "Kế hoạch bồi dưỡng"
    _index_pdf(["A"], [1], "T")  # the italic face prints one glyph
    made = _index_pdf(labels, counts, title)
    root = Path(__file__).resolve().parent.parent
    plain = (
        "import sys\n"
        "import generator.render.pdf_reuse as reuse\n"
        "reuse.share_across_documents = lambda: None\n"
        "from generator.batch.printing import _index_pdf\n"
        f"sys.stdout.buffer.write(_index_pdf({labels!r}, {counts!r}, {title!r}))\n"
    )
    alone = subprocess.run([sys.executable, "-c", plain], check=True, capture_output=True, cwd=root,
                           env={**os.environ, "PYTHONPATH": str(root)}).stdout
    assert made == alone


def test_the_prepared_faces_are_never_taken_from_a_folder_others_can_write(tmp_path):
    """The PDF draws every letter with the prepared faces: a folder another user made first
    (a shared /tmp) or may write into must be passed over, not read."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    code = "from generator.render import fonts; print(fonts.pdf_faces()[(False, False)])"

    def faces_with(xdg: Path, tmp: Path) -> Path:
        env = {**os.environ, "PYTHONPATH": str(root), "XDG_CACHE_HOME": str(xdg), "TMPDIR": str(tmp)}
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=root, check=True,
                             capture_output=True, text=True).stdout.strip()
        return Path(out)

    good = faces_with(tmp_path / "cache", tmp_path / "tmp1")
    assert good.parent.parent == tmp_path / "cache" / "congvan" and good.stat().st_size > 50_000

    for planted in (tmp_path / "shared-cache" / "congvan", tmp_path / "tmp2" / f"congvan-{os.getuid()}"):
        planted.mkdir(parents=True)
        planted.chmod(0o777)  # anyone may write here
    faces = faces_with(tmp_path / "shared-cache", tmp_path / "tmp2")
    assert not faces.is_relative_to(tmp_path / "shared-cache") and tmp_path / "tmp2" / f"congvan-{os.getuid()}" not in faces.parents
    assert faces.read_bytes() == good.read_bytes()
