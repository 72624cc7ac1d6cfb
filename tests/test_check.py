"""`congvan check`: our own outputs pass; each rule, broken alone, fails alone; foreign
DOCX layouts are read right or honestly "not evaluated"; the CLI and `render --check`."""

from __future__ import annotations

import dataclasses
import io
import json

import docx
import pytest
from conftest import FIXTURES
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from generator.check import check_bytes
from generator.check.report import FAIL, NOT_EVALUATED, PASS, WARN

SECOND = FIXTURES / "second-dispatch.yaml"


# --------------------------------------------------------------------------------------
# Our own outputs
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def second_pdf(second) -> bytes:
    from generator.render.pdf import pdf_bytes

    return pdf_bytes(second)


@pytest.fixture(scope="module")
def second_docx(second) -> bytes:
    from generator.render.docx import docx_bytes

    return docx_bytes(second)


@pytest.fixture(scope="module")
def baselines(example_pdf, example_docx, second_pdf, second_docx):
    return {
        ("example", "pdf"): check_bytes(example_pdf, "cong-van.pdf").verdicts(),
        ("example", "docx"): check_bytes(example_docx, "cong-van.docx").verdicts(),
        ("second", "pdf"): check_bytes(second_pdf, "second.pdf").verdicts(),
        ("second", "docx"): check_bytes(second_docx, "second.docx").verdicts(),
    }


@pytest.mark.parametrize("which", ["example_pdf", "example_docx", "second_pdf", "second_docx"])
def test_our_outputs_pass(which, request):
    report = check_bytes(request.getfixturevalue(which), which)
    failed = [(r.rule, r.found) for r in report.results if r.verdict == FAIL]
    assert not failed
    # What the example is made of is read, not guessed: the header, body and closing pass.
    for rule in ("header.national-title", "header.motto", "header.motto-rule", "header.agency",
                 "header.agency-rule", "header.subject", "kinh-gui", "body.size", "body.indent",
                 "signer.authority", "signer.name", "noi-nhan.label", "noi-nhan.list", "page.numbers"):
        assert report.verdict(rule) == PASS, (rule, report.verdicts())


def test_our_pdf_reports_the_substitute_font(example_pdf):
    report = check_bytes(example_pdf, "x.pdf")
    font = next(r for r in report.results if r.rule == "font.family")
    assert font.verdict == WARN and "Liberation Serif" in font.found and "substitute" in font.found


def test_draft_number_and_date_are_warnings(example_pdf):
    report = check_bytes(example_pdf, "x.pdf")
    assert report.verdict("header.number") == WARN
    assert report.verdict("header.date") == WARN


def test_a_per_province_copy_passes(example):
    from generator.batch.copies import plan_copies
    from generator.render.docx import docx_bytes
    from generator.render.pdf import pdf_bytes

    copy = plan_copies(example)[0]
    for data, name in ((pdf_bytes(example, copy), "copy.pdf"), (docx_bytes(example, copy), "copy.docx")):
        report = check_bytes(data, name)
        assert not report.failed, [(r.rule, r.found) for r in report.results if r.verdict == FAIL]
        assert report.verdict("kinh-gui") == PASS


def test_the_shared_annex_file_of_a_batch(example):
    """A batch's phu-luc.pdf / .docx holds the annex alone: annex rules apply, dispatch
    rules are not evaluated, nothing fails."""
    from generator.render.docx import docx_from_view, issue_datetime
    from generator.render.pdf import default_renderer
    from generator.render.view import build_view

    view = build_view(example)
    pdf = default_renderer().render_annexes(view, author=example.agency.name)
    docx_data = docx_from_view(view, author=example.agency.name, when=issue_datetime(example), annexes_only=True)
    for data, name in ((pdf, "phu-luc.pdf"), (docx_data, "phu-luc.docx")):
        report = check_bytes(data, name)
        assert not report.failed, [(r.rule, r.found) for r in report.results if r.verdict == FAIL]
        assert report.verdict("annex.heading") in (PASS, WARN)
        assert report.verdict("annex.page-numbers") == PASS
        assert report.verdict("header.national-title") == NOT_EVALUATED


# --------------------------------------------------------------------------------------
# Each rule broken alone
# --------------------------------------------------------------------------------------


def _assert_only(report, rule: str, baseline: dict[str, str]) -> None:
    got = report.verdicts()
    assert got[rule] == FAIL, (rule, [(r.rule, r.verdict, r.found) for r in report.results if r.rule == rule])
    changed = {k: (baseline[k], v) for k, v in got.items() if k != rule and v != baseline[k]}
    detail = [(r.rule, r.verdict, r.found) for r in report.results if r.rule in changed]
    assert not changed, (changed, detail)


def _docx_edit(data: bytes, edit) -> bytes:
    document = docx.Document(io.BytesIO(data))
    edit(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _paragraphs(document):
    from docx.text.paragraph import Paragraph

    return [Paragraph(p, document) for p in document.element.body.iter(qn("w:p"))]


def _para(document, start: str):
    return next(p for p in _paragraphs(document) if p.text.strip().startswith(start))


def _replace(document, old: str, new: str) -> None:
    for p in _paragraphs(document):
        for run in p.runs:
            if old in run.text:
                run.text = run.text.replace(old, new)
                return
    raise AssertionError(old)


def _body(document):
    return [p for p in _paragraphs(document) if p.paragraph_format.first_line_indent]


def _set_rule_width(document, after: str, width_mm: float) -> None:
    """The bordered paragraph after ``after`` made ``width_mm`` long, centred in its cell."""
    p = _para(document, after)
    rule = p._p.getnext()
    cell_w = sum(int(g.get(qn("w:w"))) for g in [rule.getparent().find(qn("w:tcPr")).find(qn("w:tcW"))])
    ind = rule.find(qn("w:pPr")).find(qn("w:ind"))
    side = str(round((cell_w - width_mm / 25.4 * 1440) / 2))
    ind.set(qn("w:left"), side)
    ind.set(qn("w:right"), side)


def _motto_12pt(document) -> None:
    from generator.render.fonts import text_width_mm

    for run in _para(document, "Độc lập").runs:
        run.font.size = Pt(12)
    _set_rule_width(document, "Độc lập", text_width_mm("Độc lập - Tự do - Hạnh phúc", 12, bold=True))


def _first_page_number(document) -> None:
    document.sections[0].different_first_page_header_footer = False


def _no_restart(document) -> None:
    sect = document.sections[1]._sectPr
    sect.remove(sect.find(qn("w:pgNumType")))


def _no_final_dot(document) -> None:
    _replace(document, "Kho bạc Nhà nước khu vực IV.", "Kho bạc Nhà nước khu vực IV")


def _urgency_black(document) -> None:
    for run in _para(document, "KHẨN").runs:
        run.font.color.rgb = RGBColor(0, 0, 0)


def _legacy_body(document) -> None:
    _body(document)[0].runs[0].text = "Céng hßa x· héi chñ nghÜa ViÖt Nam, §éc lËp - Tù do - H¹nh phóc."


def _annex_title_not_bold(document) -> None:
    for run in _para(document, "KẾ HOẠCH").runs:
        run.font.bold = False


DOCX_BREAKS = [
    ("page.size", "second", lambda d: setattr(d.sections[0], "page_width", Mm(216))),
    ("page.margins", "second", lambda d: setattr(d.sections[0], "left_margin", Mm(25))),
    ("page.numbers", "second", _first_page_number),
    ("font.family", "second", lambda d: [setattr(r.font, "name", "Arial") for p in _body(d) for r in p.runs]),
    ("font.colour", "second", lambda d: setattr(_body(d)[0].runs[0].font.color, "rgb", RGBColor(0, 0, 0xFF))),
    ("font.unicode", "second", _legacy_body),
    ("header.national-title", "second", lambda d: [setattr(r.font, "bold", False) for r in _para(d, "CỘNG HÒA").runs]),
    ("header.motto", "second", _motto_12pt),
    ("header.motto-rule", "second", lambda d: _set_rule_width(d, "Độc lập", 30)),
    ("header.agency", "second", lambda d: _replace(d, "SỞ TÀI CHÍNH", "Sở Tài chính")),
    ("header.agency-rule", "second", lambda d: _set_rule_width(d, "SỞ TÀI CHÍNH", 25)),
    ("header.number", "second", lambda d: _replace(d, "07/STC-NS", "7/STC-NS")),
    ("header.date", "second", lambda d: _replace(d, "tháng 3 năm", "tháng 03 năm")),
    ("header.subject", "second", lambda d: _replace(d, "V/v ", "V/v: ")),
    ("kinh-gui", "second", _no_final_dot),
    ("body.size", "second", lambda d: [setattr(r.font, "size", Pt(12)) for p in _body(d) for r in p.runs]),
    ("body.indent", "second", lambda d: [setattr(p.paragraph_format, "first_line_indent", Mm(5)) for p in _body(d)]),
    ("body.spacing", "second", lambda d: [setattr(p.paragraph_format, "line_spacing", 2.0) for p in _body(d)]),
    ("signer.authority", "second", lambda d: _replace(d, "TL. GIÁM ĐỐC", "T/L GIÁM ĐỐC")),
    ("signer.name", "second", lambda d: [setattr(r.font, "bold", False) for r in _para(d, "Trần Thị Bình").runs]),
    ("noi-nhan.label", "second", lambda d: [setattr(r.font, "italic", False) for r in _para(d, "Nơi nhận").runs]),
    ("noi-nhan.list", "second", lambda d: _replace(d, "TTB.(40).", "TTB.(40)")),
    ("marks", "second", _urgency_black),
    ("annex.heading", "example", _annex_title_not_bold),
    ("annex.reference", "example", lambda d: _replace(d, "năm 2022 của", "năm 2021 của")),
    ("annex.page-numbers", "example", _no_restart),
]


@pytest.mark.parametrize(("rule", "which", "edit"), DOCX_BREAKS, ids=[b[0] for b in DOCX_BREAKS])
def test_docx_rule_broken_alone(rule, which, edit, baselines, example_docx, second_docx):
    data = _docx_edit(example_docx if which == "example" else second_docx, edit)
    _assert_only(check_bytes(data, "broken.docx"), rule, baselines[(which, "docx")])


def test_docx_landscape_dispatch_fails_orientation(second_docx):
    def edit(d):
        s = d.sections[0]
        s.orientation = 1
        s.page_width, s.page_height = s.page_height, s.page_width

    report = check_bytes(_docx_edit(second_docx, edit), "x.docx")
    assert report.verdict("page.orientation") == FAIL
    assert report.verdict("page.size") == PASS


# --------------------------------------------------------------------------------------
# PDFs: our templates, with one style or one string changed
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tweaked():
    """A PDF renderer that adds ``css`` to our stylesheet (and may load any local font)."""
    from generator.render.pdf import PdfRenderer
    from generator.resources import TEMPLATES_DIR

    class Tweaked(PdfRenderer):
        extra = ""
        joined_annex = False

        def _layout(self, html, *args, **kwargs):
            wp = self._wp
            if self.inline:  # only the dispatch is laid out: its view has no annexes
                html = html.replace("</body>", f'<div style="break-before: page">{self.inline}</div></body>')
            css = wp.CSS(string=self.extra or "/* */", font_config=self._font_config)
            document = wp.HTML(string=html, base_url=str(TEMPLATES_DIR), url_fetcher=self._fetcher)
            return document.render(stylesheets=[self._css, css], font_config=self._font_config)

    def render(model, *, css: str = "", view_changes=None, annex_inline: bool = False) -> bytes:
        from generator.render.pdf import _render
        from generator.render.view import build_view

        renderer = Tweaked()
        renderer.extra = css
        renderer.inline = ""
        view = build_view(model)
        if view_changes:
            view = view_changes(view)
        if annex_inline:
            annex = _render(renderer._env, "annex.html.j2", a=view.annexes[0])
            renderer.inline = annex.split("<body>", 1)[1].rsplit("</body>", 1)[0]
            view = dataclasses.replace(view, annexes=[])
        return renderer.render(view, author=model.agency.name)

    return render


ARIAL = "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"


def _replace_view(**changes):
    return lambda v: dataclasses.replace(v, **changes)


def _body_text(v):
    body = list(v.body)
    body[0] = dataclasses.replace(body[0], text="Céng hßa x· héi chñ nghÜa ViÖt Nam, §éc lËp - Tù do - H¹nh phóc.")
    return dataclasses.replace(v, body=body)


def _annex_reference(v):
    annex = dataclasses.replace(v.annexes[0], reference=v.annexes[0].reference.replace("năm 2022", "năm 2021"))
    return dataclasses.replace(v, annexes=[annex])


PDF_BREAKS = [
    ("page.size", "second", "@page { size: 216mm 279mm }", None),
    ("page.margins", "second", "@page { margin-left: 25mm }", None),
    ("page.orientation", "second", "@page { size: A4 landscape }", None),
    ("page.numbers", "second", "@page :first { @top-center { content: counter(page) } }", None),
    ("font.family", "example", f'@font-face {{ font-family: Arial; src: url("file://{ARIAL}") }} .body p {{ font-family: Arial }}', None),
    ("font.colour", "second", ".body p { color: #0000ff }", None),
    ("font.unicode", "second", "", _body_text),
    ("header.national-title", "second", ".national-title { font-weight: normal }", None),
    ("header.motto", "second", ".motto p { font-size: 12pt }", None),
    ("header.motto-rule", "second", ".motto .rule { width: 50% }", None),
    ("header.agency", "second", ".agency p { font-weight: normal }", None),
    ("header.agency-rule", "second", ".agency .rule { width: 80% }", None),
    ("header.number", "second", "", lambda v: dataclasses.replace(v, number_line="Số: 7/STC-NS")),
    ("header.date", "second", "", lambda v: dataclasses.replace(v, place_date=v.place_date.replace("tháng 3", "tháng 03"))),
    ("header.subject", "second", "", lambda v: dataclasses.replace(v, subject_line=v.subject_line.replace("V/v", "V/v:"))),
    ("kinh-gui", "second", "", lambda v: dataclasses.replace(v, recipients=[*v.recipients[:-1], v.recipients[-1].rstrip(".")])),
    ("body.size", "second", ".body p { font-size: 12pt }", None),
    ("body.indent", "second", ".body p { text-indent: 5mm }", None),
    ("body.spacing", "example", ".body p { margin-top: 0 }", None),
    ("signer.authority", "second", "", lambda v: dataclasses.replace(v, signer_lines=["T/L GIÁM ĐỐC", *v.signer_lines[1:]])),
    ("signer.name", "second", ".signer.name { font-weight: normal }", None),
    ("noi-nhan.label", "second", ".noi-nhan-label { font-style: normal }", None),
    ("noi-nhan.list", "second", "", lambda v: dataclasses.replace(v, noi_nhan=[*v.noi_nhan[:-1], v.noi_nhan[-1].rstrip(".")])),
    ("marks", "second", ".mark.urgency { color: #000 }", None),
    ("annex.heading", "example", ".annex-title { font-weight: normal }", None),
    ("annex.reference", "example", "", _annex_reference),
]


@pytest.mark.parametrize(("rule", "which", "css", "change"), PDF_BREAKS, ids=[b[0] for b in PDF_BREAKS])
def test_pdf_rule_broken_alone(rule, which, css, change, tweaked, baselines, example, second):
    data = tweaked(example if which == "example" else second, css=css, view_changes=change)
    _assert_only(check_bytes(data, "broken.pdf"), rule, baselines[(which, "pdf")])


def test_pdf_annex_numbered_on_from_the_dispatch_fails(example, tweaked):
    """An annex laid out in the dispatch's own flow: its pages carry 3, 4, … not 1, 2."""
    data = tweaked(example, annex_inline=True)
    report = check_bytes(data, "joined.pdf")
    assert report.verdict("annex.page-numbers") == FAIL
    assert report.verdict("page.numbers") == PASS


# --------------------------------------------------------------------------------------
# DOCX files we did not make
# --------------------------------------------------------------------------------------


def _foreign(build) -> bytes:
    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:hAnsi"), "Times New Roman")
    normal.paragraph_format.space_after = Pt(0)
    s = d.sections[0]
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin = s.bottom_margin = Mm(20)
    s.left_margin, s.right_margin = Mm(30), Mm(15)
    build(d)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _p(d, text, *, size=None, bold=None, italic=None, align=None, style=None, indent=None, before=None):
    p = d.add_paragraph(style=style)
    r = p.add_run(text)
    if size:
        r.font.size = Pt(size)
    r.font.bold, r.font.italic = bold, italic
    if align:
        p.alignment = {"center": 1, "right": 2, "justify": 3, "left": 0}[align]
    if indent is not None:
        p.paragraph_format.first_line_indent = Mm(indent)
    if before is not None:
        p.paragraph_format.space_before = Pt(before)
    return p


def _bottom_border(p, left_mm: float, right_mm: float) -> None:
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    ppr.append(bdr)
    p.paragraph_format.left_indent, p.paragraph_format.right_indent = Mm(left_mm), Mm(right_mm)


def _closing_and_body(d, *, style_body=None, style_noi=None) -> None:
    _p(d, "Kính gửi: Sở Y tế các tỉnh, thành phố", size=14, align="center", before=12)
    for text in ("Bộ Y tế đề nghị các Sở Y tế rà soát danh mục thuốc thiết yếu và báo cáo kết quả về Bộ trước "
                 "ngày 30 tháng 6 năm 2025 để tổng hợp trình Chính phủ theo quy định hiện hành.",
                 "Trân trọng./."):
        if style_body:
            _p(d, text, style=style_body)
        else:
            _p(d, text, size=14, align="justify", indent=10, before=6)
    table = d.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.width, right.width = Mm(62), Mm(103)
    lp = left.paragraphs[0]
    run = lp.add_run("Nơi nhận:")
    if style_noi:
        lp.style = style_noi
    else:
        run.font.size, run.font.bold, run.font.italic = Pt(12), True, True
    for line in ("- Như trên;", "- Lưu: VT, KH."):
        left.add_paragraph().add_run(line).font.size = Pt(11)
    for i, (line, bold) in enumerate((("KT. BỘ TRƯỞNG", True), ("THỨ TRƯỞNG", True), ("", False),
                                      ("Nguyễn Văn A", True))):
        p = right.paragraphs[0] if i == 0 else right.add_paragraph()
        p.alignment = 1
        r = p.add_run(line)
        r.font.size, r.font.bold = Pt(14), bold


def test_foreign_paragraph_header():
    """Header as a run of centred paragraphs (no table), date right-aligned below "Số"."""
    def build(d):
        _p(d, "BỘ Y TẾ", size=13, bold=True, align="center")
        _p(d, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=13, bold=True, align="center")
        _p(d, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True, align="center")
        _p(d, "Số: 12/BYT-KH", size=13, align="center")
        _p(d, "Hà Nội, ngày 05 tháng 3 năm 2025", size=14, italic=True, align="right")
        _p(d, "V/v rà soát danh mục thuốc", size=12, align="center")
        _closing_and_body(d)

    report = check_bytes(_foreign(build), "foreign.docx")
    v = report.verdicts()
    assert v["header.national-title"] == PASS
    assert v["header.number"] == PASS
    assert v["header.date"] == FAIL  # it truly is not on the line of "Số:"
    assert v["header.motto-rule"] == FAIL  # there is none
    assert v["body.size"] == PASS and v["body.indent"] == PASS
    assert v["noi-nhan.label"] == PASS and v["noi-nhan.list"] == PASS
    assert v["signer.authority"] == PASS and v["signer.name"] == PASS
    assert v["page.numbers"] == WARN  # no PAGE field: fine only for one page


def test_foreign_styles_instead_of_direct_formatting():
    """Sizes, weights, indents and spacing set by styles, not on the runs."""
    from docx.enum.style import WD_STYLE_TYPE

    def build(d):
        body = d.styles.add_style("CV Body", WD_STYLE_TYPE.PARAGRAPH)
        body.base_style = d.styles["Normal"]
        body.font.size = Pt(14)
        pf = body.paragraph_format
        pf.first_line_indent, pf.space_before, pf.line_spacing, pf.alignment = Mm(12.7), Pt(6), 1.2, 3
        noi = d.styles.add_style("CV Noi nhan", WD_STYLE_TYPE.PARAGRAPH)
        noi.font.size, noi.font.bold, noi.font.italic = Pt(12), True, True
        head = d.styles.add_style("CV Quoc hieu", WD_STYLE_TYPE.PARAGRAPH)
        head.base_style = noi.base_style = d.styles["Normal"]
        head.font.size, head.font.bold = Pt(12), True
        head.paragraph_format.alignment = 1
        table = d.add_table(rows=2, cols=2)
        for row, (l_text, r_text) in enumerate((("BỘ Y TẾ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                                                 ("Số: 12/BYT-KH", "Hà Nội, ngày 05 tháng 3 năm 2025"))):
            left, right = table.rows[row].cells
            left.width, right.width = Mm(70), Mm(95)
            left.paragraphs[0].text = l_text
            right.paragraphs[0].text = r_text
            left.paragraphs[0].style = right.paragraphs[0].style = head
        date = table.rows[1].cells[1].paragraphs[0]
        date.runs[0].font.bold, date.runs[0].font.italic, date.runs[0].font.size = False, True, Pt(14)
        num = table.rows[1].cells[0].paragraphs[0]
        num.runs[0].font.bold, num.runs[0].font.size = False, Pt(13)
        motto = table.rows[0].cells[1].add_paragraph("Độc lập - Tự do - Hạnh phúc", style=head)
        motto.runs[0].font.size = Pt(13)
        rule = table.rows[0].cells[1].add_paragraph()
        _bottom_border(rule, 19.5, 19.5)
        table.rows[1].cells[0].add_paragraph("V/v rà soát danh mục thuốc").runs[0].font.size = Pt(12)
        _closing_and_body(d, style_body=body, style_noi=noi)

    report = check_bytes(_foreign(build), "styled.docx")
    v = report.verdicts()
    for rule in ("header.national-title", "header.motto", "header.motto-rule", "header.number", "header.date",
                 "header.subject", "body.size", "body.indent", "body.spacing", "noi-nhan.label", "font.family"):
        assert v[rule] == PASS, (rule, [(r.verdict, r.found) for r in report.results if r.rule == rule])


def test_foreign_header_made_of_tabs():
    """Agency and Quốc hiệu on one paragraph split by a centred tab stop; the motto's rule is a picture."""
    from docx.enum.text import WD_TAB_ALIGNMENT

    def tabbed(d, left, right, *, size_l, size_r, bold_l=False, bold_r=False, italic_r=False):
        p = d.add_paragraph()
        p.paragraph_format.tab_stops.add_tab_stop(Mm(35), WD_TAB_ALIGNMENT.CENTER)
        p.paragraph_format.tab_stops.add_tab_stop(Mm(118), WD_TAB_ALIGNMENT.CENTER)
        if left:
            r = p.add_run("\t" + left)
            r.font.size, r.font.bold = Pt(size_l), bold_l
        r = p.add_run(("\t" if left else "\t\t") + right)
        r.font.size, r.font.bold, r.font.italic = Pt(size_r), bold_r, italic_r
        return p

    def build(d):
        tabbed(d, "BỘ Y TẾ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size_l=13, size_r=12, bold_l=True, bold_r=True)
        tabbed(d, "", "Độc lập - Tự do - Hạnh phúc", size_l=13, size_r=13, bold_r=True)
        from PIL import Image

        img = io.BytesIO()
        Image.new("RGB", (200, 2)).save(img, "PNG")
        img.seek(0)
        d.add_paragraph().add_run().add_picture(img, width=Mm(56))
        tabbed(d, "Số: 12/BYT-KH", "Hà Nội, ngày 05 tháng 3 năm 2025", size_l=13, size_r=13, italic_r=True)
        _p(d, "V/v rà soát danh mục thuốc", size=12)
        _closing_and_body(d)

    report = check_bytes(_foreign(build), "tabs.docx")
    v = report.verdicts()
    assert v["header.national-title"] == PASS
    assert v["header.motto"] == PASS
    assert v["header.date"] == PASS  # on the line of "Số:", right of the centred tab
    assert v["header.number"] == PASS
    assert v["header.motto-rule"] == NOT_EVALUATED  # a picture cannot be measured
    assert v["header.agency"] == PASS


def test_theme_fonts_are_resolved():
    """python-docx's own template names its fonts through the theme (not Times New Roman)."""
    d = docx.Document()
    d.add_paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    out = io.BytesIO()
    d.save(out)
    report = check_bytes(out.getvalue(), "plain.docx")
    font = next(r for r in report.results if r.rule == "font.family")
    assert font.verdict == FAIL and "Times New Roman" not in font.found.split(" in ")[0]


def test_a_scanned_pdf_is_not_evaluated():
    from weasyprint import HTML

    data = HTML(string="<html><body><div style='width:50mm;height:20mm;background:#888'></div></body></html>").write_pdf()
    report = check_bytes(data, "scan.pdf")
    for rule in ("font.family", "header.national-title", "header.number", "kinh-gui"):
        assert report.verdict(rule) == NOT_EVALUATED, rule
    assert not report.failed


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------


def test_cli_table_json_and_exit_codes(tmp_path, example_pdf, second_docx):
    from click.testing import CliRunner

    from generator.cli import cli

    good = tmp_path / "good.pdf"
    good.write_bytes(example_pdf)
    bad = tmp_path / "bad.docx"
    bad.write_bytes(_docx_edit(second_docx, lambda d: _replace(d, "V/v ", "V/v: ")))
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7 not really")
    runner = CliRunner()
    r = runner.invoke(cli, ["check", str(good)])
    assert r.exit_code == 0, r.output
    assert "header.motto" in r.output and "pass" in r.output and "rule asks" in r.output
    r = runner.invoke(cli, ["check", str(good), str(bad), "--format", "json"])
    assert r.exit_code == 1
    data = json.loads(r.output)
    assert [d["file"] for d in data] == [str(good), str(bad)]
    subject = next(x for x in data[1]["results"] if x["rule"] == "header.subject")
    assert subject["verdict"] == "fail" and "colon" in subject["found"]
    r = runner.invoke(cli, ["check", str(junk)])
    assert r.exit_code == 2 and "Error:" in r.output and "Traceback" not in r.output
    r = runner.invoke(cli, ["check", str(good), "--profile", "nope"])
    assert r.exit_code == 2 and "unknown profile" in r.output


def test_profiles_hold_a_file_to_other_ranges(example_docx, tmp_path):
    from generator.check import get_profile

    assert not check_bytes(example_docx, "x.docx", get_profile("congvan")).failed
    sample = check_bytes(example_docx, "x.docx", get_profile("mau-1.5"))
    assert sample.verdict("page.margins") == FAIL  # the sample uses 25/20/35/20 mm
    custom = tmp_path / "p.json"
    custom.write_text(json.dumps({"base": "nd30", "margin_left": [31, 35]}))
    assert check_bytes(example_docx, "x.docx", get_profile(str(custom))).verdict("page.margins") == FAIL


def test_render_check(tmp_path):
    from click.testing import CliRunner

    from generator.cli import cli

    r = CliRunner().invoke(cli, ["render", str(SECOND), "--out", str(tmp_path), "--check"])
    assert r.exit_code == 0, r.output
    assert "no rule fails" in r.output
    assert (tmp_path / "second-dispatch.pdf").is_file()


def test_render_check_fails_the_run(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import generator.render.view as view_module
    from generator.cli import cli

    real = view_module.build_view

    def colon(*a, **k):
        return dataclasses.replace(real(*a, **k), subject_line="V/v: x")

    monkeypatch.setattr("generator.render.pdf.build_view", colon)
    monkeypatch.setattr("generator.render.docx.build_view", colon)
    r = CliRunner().invoke(cli, ["render", str(SECOND), "--out", str(tmp_path), "--check"])
    assert r.exit_code == 1
    assert "header.subject" in r.output and "nothing was written" in r.output
    assert not (tmp_path / "second-dispatch.pdf").exists()
