"""Dispatches as a clerk's Word saves them, built with python-docx for the import tests.

One dispatch (a Sở Tài chính letter with a plan annex), laid out the ways offices do:
the header as a borderless table, as tab stops or as two text boxes; "Kính gửi" with
tabs; directives numbered by Word's automatic numbering (numPr) or typed "1.";
the plan's date cells merged down over clusters; optionally typed in TCVN3 (.VnTime).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

PARENT = "UBND TỈNH BẮC NINH"
AGENCY = "SỞ TÀI CHÍNH"
NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập – Tự do – Hạnh phúc"  # with en dashes, as the reference typed it
NUMBER = "Số: 12/STC-NS"
SUBJECT = "V/v kiểm tra công tác lập dự toán năm 2026"
DATE = "Bắc Ninh, ngày 05 tháng 3 năm 2025"
RECIPIENTS = ["Các sở, ban, ngành thuộc tỉnh", "Kho bạc Nhà nước khu vực IV"]
OPENING = ("Căn cứ Luật Ngân sách nhà nước năm 2015, Sở Tài chính tổ chức kiểm tra công tác lập dự toán "
           "tại 7 tỉnh theo kế hoạch kèm theo, như sau:")
DIRECTIVES = [
    ("Về chuẩn bị hồ sơ", ["Dự toán thu, chi năm 2026.", "Báo cáo đánh giá thực hiện năm 2025."]),
    ("Các đơn vị gửi hồ sơ về Sở Tài chính trước ngày 15/3/2025.", []),
]
CONTACT = "Thông tin liên hệ: bà Trần Thị Bình, điện thoại 0222.3822.000."
CLOSING = "Trân trọng./."
NOI_NHAN = ["Như trên", "Giám đốc Sở (để b/c)"]
SIGNER = ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Thị Bình")
ANNEX_TITLE = "KẾ HOẠCH KIỂM TRA CÔNG TÁC LẬP DỰ TOÁN TẠI 7 TỈNH"
REFERENCE = "(Kèm theo Công văn số 12/STC-NS ngày 05 tháng 3 năm 2025 của Sở Tài chính)"
PLAN = [  # number, name, provinces, dates (None: merged with the row above)
    (1, "Cụm 1", ["Bắc Ninh", "Bắc Giang", "Hà Nam"], "Từ ngày 10/3/2025 đến ngày 20/3/2025"),
    (2, "Cụm 2", ["Hà Nội", "Hải Phòng"], None),
    (3, "Cụm 3", ["Lào Cai", "Yên Bái"], "Từ ngày 12/3/2025 đến ngày 25/3/2025"),
]

#: What the import should give back.
EXPECTED = {
    "agency": {"name": "Sở Tài chính", "parent": "UBND tỉnh Bắc Ninh"},
    "number": 12,
    "code": "STC-NS",
    "place": "Bắc Ninh",
    "date": {"year": 2025, "month": 3, "day": 5},
    "subject": "kiểm tra công tác lập dự toán năm 2026",
    "recipients": RECIPIENTS,
    "opening": [OPENING.replace("7 tỉnh", "{province_count} tỉnh")],
    "directives": [
        {"text": "Về chuẩn bị hồ sơ", "items": DIRECTIVES[0][1], "deadline": None},
        {"text": "Các đơn vị gửi hồ sơ về Sở Tài chính trước ngày {deadline}.", "items": [],
         "deadline": dt.date(2025, 3, 15)},
    ],
    "contact": [CONTACT],
    "closing": CLOSING,
    "signer": {"authority": [{"prefix": "KT.", "of": "GIÁM ĐỐC"}], "title": "PHÓ GIÁM ĐỐC", "name": "Trần Thị Bình"},
    "noi_nhan": NOI_NHAN,
    "archive": ["VT", "NS"],
    "clusters": [
        {"number": 1, "name": "Cụm 1", "provinces": ["Bắc Ninh", "Bắc Giang", "Hà Nam"],
         "start": dt.date(2025, 3, 10), "end": dt.date(2025, 3, 20)},
        {"number": 2, "name": "Cụm 2", "provinces": ["Hà Nội", "Hải Phòng"],
         "start": dt.date(2025, 3, 10), "end": dt.date(2025, 3, 20)},
        {"number": 3, "name": "Cụm 3", "provinces": ["Lào Cai", "Yên Bái"],
         "start": dt.date(2025, 3, 12), "end": dt.date(2025, 3, 25)},
    ],
    "annex_title": "Kế hoạch kiểm tra công tác lập dự toán tại {province_count} tỉnh",
}


def _tcvn3(text: str) -> str:
    import json

    # The tables congvan reads legacy text with (viparse's, vendored): text typed back into TCVN3.
    data = Path(__file__).resolve().parent.parent / "generator" / "input" / "data" / "legacy-encodings.json"
    back = {u: legacy for legacy, u in json.loads(data.read_text(encoding="utf-8"))["tcvn3"]}
    return "".join(back.get(ch, back.get(ch.lower(), ch)) for ch in text)


class _Writer:
    def __init__(self, legacy: bool) -> None:
        self.legacy = legacy
        self.d = docx.Document()
        sec = self.d.sections[0]
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.left_margin, sec.right_margin = Mm(30), Mm(20)
        sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
        normal = self.d.styles["Normal"]
        normal.font.name = ".VnTime" if legacy else "Times New Roman"
        normal.font.size = Pt(14)
        normal.paragraph_format.space_after = Pt(0)

    def run(self, p, text: str, bold=False, italic=False, size=None):  # type: ignore[no-untyped-def]
        caps = self.legacy and any(c.isalpha() for c in text) and text == text.upper()
        r = p.add_run(_tcvn3(text) if self.legacy else text)
        r.bold, r.italic = bold, italic
        if size:
            r.font.size = Pt(size)
        if self.legacy:
            r.font.name = ".VnTimeH" if caps else ".VnTime"
        return r

    def para(self, container, text="", bold=False, italic=False, align=None, size=None, indent=False):  # type: ignore[no-untyped-def]
        p = container.add_paragraph()
        if text:
            self.run(p, text, bold, italic, size)
        if align:
            p.alignment = align
        if indent and getattr(self, "ragged", False):  # block paragraphs: left-aligned, space between
            p.paragraph_format.space_after = Pt(8)
        elif indent:
            p.paragraph_format.first_line_indent = Mm(10)
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        return p


def _no_borders(table) -> None:  # type: ignore[no-untyped-def]
    tbl_pr = table._tbl.tblPr
    tbl_pr.append(parse_xml(
        f'<w:tblBorders {nsdecls("w")}>' + "".join(
            f'<w:{s} w:val="nil"/>' for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>"))


def _text_box(paragraph, x_mm: float, width_mm: float, lines: list[tuple[str, bool, bool]], w: _Writer) -> None:  # type: ignore[no-untyped-def]
    """A floating text box as Word 2010+ saves it: mc:AlternateContent with a wps shape and a VML fallback."""
    emu = 36000
    content = "".join(
        f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr>{"<w:b/>" if b else ""}{"<w:i/>" if i else ""}'
        f'</w:rPr><w:t xml:space="preserve">{_tcvn3(t) if w.legacy else t}</w:t></w:r></w:p>'
        for t, b, i in lines)
    xml = f"""<w:r {nsdecls("w", "wp", "a", "pic", "r")}
      xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
      xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
      xmlns:v="urn:schemas-microsoft-com:vml">
      <mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>
        <wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0"
                   locked="0" layoutInCell="1" allowOverlap="1">
          <wp:simplePos x="0" y="0"/>
          <wp:positionH relativeFrom="margin"><wp:posOffset>{int(x_mm * emu)}</wp:posOffset></wp:positionH>
          <wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>
          <wp:extent cx="{int(width_mm * emu)}" cy="{int(30 * emu)}"/>
          <wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>
          <wp:docPr id="{int(x_mm) + 10}" name="Text Box {int(x_mm)}"/>
          <wp:cNvGraphicFramePr/>
          <a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
            <wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>
              <a:ext cx="{int(width_mm * emu)}" cy="{int(30 * emu)}"/></a:xfrm>
              <a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>
              <wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>
          </a:graphicData></a:graphic>
        </wp:anchor></w:drawing></mc:Choice>
      <mc:Fallback><w:pict><v:shape style="position:absolute;width:{width_mm}mm;height:30mm">
        <v:textbox><w:txbxContent>{content}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>
      </mc:AlternateContent></w:r>"""
    paragraph._p.append(parse_xml(xml))


def _numbering(d) -> str:  # type: ignore[no-untyped-def]
    """A list "1.", "2." with lettered sub-items "a)", "b)" in the numbering part; its numId."""
    part = d.part.numbering_part
    root = part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:multiLevelType w:val="hybridMultilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>'
        '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="567"/></w:pPr></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/>'
        '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="567"/></w:pPr></w:lvl></w:abstractNum>')
    first_num = root.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        root.append(abstract)
    root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def _numbered(p, num_id: str, level: int) -> None:  # type: ignore[no-untyped-def]
    ppr = p._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def clerk_docx(path: Path, *, header: str = "table", numbering: str = "typed", kinh_gui: str = "tabs",
               legacy: bool = False, opening: str = OPENING, ragged: bool = False,
               signature: str = "table") -> Path:
    w = _Writer(legacy)
    w.ragged = ragged
    d = w.d
    center = WD_ALIGN_PARAGRAPH.CENTER
    if header == "table":
        t = d.add_table(rows=2, cols=2)
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        _no_borders(t)
        for row in t.rows:
            row.cells[0].width, row.cells[1].width = Mm(70), Mm(90)
        left, right = t.cell(0, 0), t.cell(0, 1)
        left.paragraphs[0].alignment = center
        w.run(left.paragraphs[0], PARENT, size=13)
        w.para(left, AGENCY, bold=True, align=center, size=13)
        right.paragraphs[0].alignment = center
        w.run(right.paragraphs[0], NATIONAL, bold=True, size=12)
        w.para(right, MOTTO, bold=True, align=center)
        left, right = t.cell(1, 0), t.cell(1, 1)
        left.paragraphs[0].alignment = center
        w.run(left.paragraphs[0], NUMBER, size=13)
        subject = w.para(left, SUBJECT.split(" năm")[0], align=center, size=12)
        subject.add_run().add_break()  # the V/v broken by hand, as the reference is
        w.run(subject, "năm" + SUBJECT.split(" năm")[1], size=12)
        right.paragraphs[0].alignment = center
        w.run(right.paragraphs[0], DATE, italic=True)
    elif header == "tabs":
        for a, b, bold_a, bold_b, italic_b in ((PARENT, NATIONAL, False, True, False),
                                               (AGENCY, MOTTO, True, True, False),
                                               (NUMBER, DATE, False, False, True)):
            p = d.add_paragraph()
            stops = p.paragraph_format.tab_stops
            stops.add_tab_stop(Mm(35), WD_TAB_ALIGNMENT.CENTER)
            stops.add_tab_stop(Mm(115), WD_TAB_ALIGNMENT.CENTER)
            w.run(p, "\t" + a, bold=bold_a, size=13)
            w.run(p, "\t" + b, bold=bold_b, italic=italic_b, size=13 if b != NATIONAL else 12)
        p = d.add_paragraph()
        p.paragraph_format.tab_stops.add_tab_stop(Mm(35), WD_TAB_ALIGNMENT.CENTER)
        w.run(p, "\t" + SUBJECT, size=12)
    elif header == "textboxes":
        anchor = d.add_paragraph()
        _text_box(anchor, 0, 70, [(PARENT, False, False), (AGENCY, True, False), (NUMBER, False, False),
                                  (SUBJECT, False, False)], w)
        _text_box(anchor, 75, 90, [(NATIONAL, True, False), (MOTTO, True, False), (DATE, False, True)], w)
        for _ in range(5):
            d.add_paragraph()
    else:
        raise ValueError(header)
    d.add_paragraph()
    if kinh_gui == "tabs-one":  # one recipient after a tab
        p = d.add_paragraph()
        p.paragraph_format.tab_stops.add_tab_stop(Mm(40))
        p.paragraph_format.left_indent = Mm(20)
        w.run(p, "Kính gửi:\tSở Nội vụ tỉnh Bắc Ninh")
    elif kinh_gui == "tabs":
        p = d.add_paragraph()
        p.paragraph_format.tab_stops.add_tab_stop(Mm(45))
        p.paragraph_format.left_indent = Mm(20)
        w.run(p, "Kính gửi:\t- " + RECIPIENTS[0] + ";")
        for name in RECIPIENTS[1:]:
            p = d.add_paragraph()
            p.paragraph_format.tab_stops.add_tab_stop(Mm(45))
            p.paragraph_format.left_indent = Mm(20)
            w.run(p, "\t- " + name + ("." if name == RECIPIENTS[-1] else ";"))
    elif kinh_gui == "breaks":  # one paragraph, its lines broken by hand
        p = w.para(d, "Kính gửi:", align=center)
        for name in RECIPIENTS:
            p.add_run().add_break()
            w.run(p, "- " + name + ("." if name == RECIPIENTS[-1] else ";"))
    else:
        w.para(d, "Kính gửi:", align=center)
        for name in RECIPIENTS:
            w.para(d, "- " + name + ("." if name == RECIPIENTS[-1] else ";"), align=center)
    w.para(d, opening, indent=True)
    num_id = _numbering(d) if numbering == "numpr" else None
    for n, (text, items) in enumerate(DIRECTIVES, start=1):
        if num_id:
            _numbered(w.para(d, text, indent=True), num_id, 0)
        else:
            w.para(d, f"{n}. {text}", indent=True)
        for k, item in enumerate(items):
            if num_id:
                _numbered(w.para(d, item, indent=True), num_id, 1)
            else:
                w.para(d, f"{'abcd'[k]}) {item}", indent=True)
    w.para(d, CONTACT, indent=True)
    w.para(d, CLOSING, indent=True)
    if signature == "tabs":  # Nơi nhận on the left, the signer on a centred tab stop
        rows = [("Nơi nhận:", SIGNER[0]), ("- " + NOI_NHAN[0] + ";", SIGNER[1])]
        rows += [("- " + x + ";", "") for x in NOI_NHAN[1:]] + [("- Lưu: VT, NS.", ""), ("", ""), ("", SIGNER[2])]
        for k, (a, b) in enumerate(rows):
            p = d.add_paragraph()
            p.paragraph_format.tab_stops.add_tab_stop(Mm(115), WD_TAB_ALIGNMENT.CENTER)
            if a:
                w.run(p, a, bold=k == 0, italic=k == 0, size=12 if k == 0 else 11)
            if b:
                w.run(p, "\t" + b, bold=True)
        return _annex(w, path)
    t = d.add_table(rows=1, cols=2)
    _no_borders(t)
    left, right = t.cell(0, 0), t.cell(0, 1)
    w.run(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12)
    for line in NOI_NHAN:
        w.para(left, f"- {line};", size=11)
    w.para(left, "- Lưu: VT, NS.", size=11)
    right.paragraphs[0].alignment = center
    w.run(right.paragraphs[0], SIGNER[0], bold=True)
    w.para(right, SIGNER[1], bold=True, align=center)
    for _ in range(3):
        w.para(right, "")
    w.para(right, SIGNER[2], bold=True, align=center)
    return _annex(w, path)


def _annex(w: _Writer, path: Path) -> Path:
    d = w.d
    center = WD_ALIGN_PARAGRAPH.CENTER
    d.add_page_break()
    w.para(d, "Phụ lục", bold=True, align=center)
    w.para(d, ANNEX_TITLE, bold=True, align=center)
    w.para(d, REFERENCE, italic=True, align=center)
    plan = d.add_table(rows=1 + len(PLAN), cols=4)
    plan.style = "Table Grid"
    for c, head in enumerate(("TT", "Cụm", "Thời gian", "Tỉnh, thành phố")):
        w.run(plan.cell(0, c).paragraphs[0], head, bold=True, size=13)
    for r, (number, name, provinces, dates) in enumerate(PLAN, start=1):
        w.run(plan.cell(r, 0).paragraphs[0], str(number), size=13)
        w.run(plan.cell(r, 1).paragraphs[0], f"{name} ({len(provinces)} tỉnh)", size=13)
        if dates:
            w.run(plan.cell(r, 2).paragraphs[0], dates, size=13)
        w.run(plan.cell(r, 3).paragraphs[0], ", ".join(provinces) + ".", size=13)
    merged = plan.cell(1, 2).merge(plan.cell(2, 2))  # the dates shared by clusters 1 and 2
    for p in merged.paragraphs[1:]:  # python-docx keeps the empty paragraph of the merged cell
        p._p.getparent().remove(p._p)
    d.add_paragraph()  # Word always ends the body with a paragraph, after any table
    d.save(path)
    return path
