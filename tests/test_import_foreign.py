"""`congvan import` of files congvan did not make: layouts as a clerk's Word saves them.

Built in the test with python-docx (tests/clerk_docx.py): the header as a table, as tab
stops, as two text boxes; "Kính gửi" with tabs; directives numbered by Word's automatic
numbering or typed "1."; a plan table whose date cells are merged down; a document typed
in TCVN3 (.VnTime fonts).
"""

from __future__ import annotations

import pytest
from clerk_docx import EXPECTED, clerk_docx
from click.testing import CliRunner

from generator import load_dispatch


def _import(source, out, *args):
    from generator.cli import cli

    result = CliRunner().invoke(cli, ["import", str(source), "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return load_dispatch(out), result.output


def _check(model) -> None:
    e = EXPECTED
    assert model.agency.model_dump(exclude_none=True) == e["agency"]
    assert (model.number, model.code, model.place, model.subject) == (e["number"], e["code"], e["place"], e["subject"])
    assert model.date.model_dump() == e["date"]
    assert model.recipients == e["recipients"]
    assert model.body.opening == e["opening"]
    assert [d.model_dump() for d in model.body.directives] == e["directives"]
    assert model.body.contact == e["contact"] and model.body.closing == e["closing"]
    assert model.signer.model_dump(exclude_none=True) == e["signer"]
    assert model.distribution.recipients == e["noi_nhan"] and model.distribution.archive == e["archive"]
    (annex,) = model.annexes
    assert annex.heading == "Phụ lục" and annex.title == e["annex_title"]
    assert [c.model_dump() for c in annex.plan.clusters] == e["clusters"]


@pytest.mark.parametrize("header", ["table", "tabs", "textboxes"])
def test_header_layouts(header, tmp_path):
    source = clerk_docx(tmp_path / "cong-van.docx", header=header)
    model, output = _import(source, tmp_path / "out" / "cong-van.yaml")
    _check(model)
    assert "Left over (0)" in output


@pytest.mark.parametrize("numbering", ["typed", "numpr"])
@pytest.mark.parametrize("kinh_gui", ["tabs", "lines", "breaks"])
def test_directives_and_kinh_gui(numbering, kinh_gui, tmp_path):
    source = clerk_docx(tmp_path / "cong-van.docx", numbering=numbering, kinh_gui=kinh_gui)
    model, _output = _import(source, tmp_path / "cong-van.yaml")
    _check(model)


def test_plan_with_merged_date_cells_goes_to_csv(tmp_path):
    source = clerk_docx(tmp_path / "cong-van.docx")
    _import(source, tmp_path / "cong-van.yaml")
    rows = (tmp_path / "cong-van-ke-hoach.csv").read_text(encoding="utf-8").splitlines()
    assert rows[1:] == [
        '1,Cụm 1,10/3/2025,20/3/2025,"Bắc Ninh, Bắc Giang, Hà Nam"',
        '2,Cụm 2,10/3/2025,20/3/2025,"Hà Nội, Hải Phòng"',
        '3,Cụm 3,12/3/2025,25/3/2025,"Lào Cai, Yên Bái"',
    ]


def test_a_count_that_disagrees_with_the_plan_stays_text_with_a_warning(tmp_path):
    from clerk_docx import OPENING

    source = clerk_docx(tmp_path / "cong-van.docx", opening=OPENING.replace("7 tỉnh", "8 tỉnh"))
    model, output = _import(source, tmp_path / "cong-van.yaml")
    assert model.body.opening == [OPENING.replace("7 tỉnh", "8 tỉnh")]
    assert "body.opening.0: '8 tỉnh' does not agree with the plan (7 provinces): kept as typed" in output


def test_tcvn3_document_with_legacy_encoding(tmp_path):
    source = clerk_docx(tmp_path / "cong-van.docx", legacy=True)
    model, _output = _import(source, tmp_path / "cong-van.yaml", "--legacy-encoding", "tcvn3")
    assert model.agency.name == "Sở Tài chính"
    assert (model.number, model.code, model.place) == (12, "STC-NS", "Bắc Ninh")
    assert model.subject == EXPECTED["subject"]
    assert model.signer.name == "Trần Thị Bình"
    assert model.body.contact == EXPECTED["contact"]
    assert [c.provinces for c in model.annexes[0].plan.clusters] == [c["provinces"] for c in EXPECTED["clusters"]]


def test_report_is_in_vietnamese_by_default(tmp_path, monkeypatch):
    from generator.cli import cli

    monkeypatch.delenv("CONGVAN_LANG")
    source = clerk_docx(tmp_path / "cong-van.docx")
    result = CliRunner().invoke(cli, ["import", str(source), "--out", str(tmp_path / "cv.yaml")])
    assert result.exit_code == 0, result.output
    assert "Đã nhận ra" in result.output and "Đoán" in result.output and "Còn lại" in result.output


def test_what_is_not_placed_is_a_comment_at_the_nearest_field(tmp_path):
    import docx

    source = clerk_docx(tmp_path / "cong-van.docx", header="tabs")
    d = docx.Document(source)
    kinh = next(p for p in d.paragraphs if p.text.startswith("Kính gửi"))
    kinh.insert_paragraph_before("Điện thoại liên hệ 0222.3822.000")
    d.save(source)
    out = tmp_path / "cong-van.yaml"
    model, output = _import(source, out)
    assert "Left over (1), written as comments in the YAML:\n  - Điện thoại liên hệ 0222.3822.000" in output
    text = out.read_text(encoding="utf-8")
    assert "# not placed: Điện thoại liên hệ 0222.3822.000\nsubject: " in text
    assert model.subject == EXPECTED["subject"]


@pytest.mark.parametrize("header, numbering, ragged", [("table", "typed", False), ("textboxes", "numpr", False),
                                                       ("tabs", "numpr", False), ("table", "typed", True)])
def test_a_pdf_word_made_of_a_clerks_file(header, numbering, ragged, tmp_path):
    from libreoffice import convert

    source = clerk_docx(tmp_path / "cong-van.docx", header=header, numbering=numbering, ragged=ragged)
    pdf = convert(source, "pdf", tmp_path / "pdf")
    model, output = _import(pdf, tmp_path / "out" / "cong-van.yaml")
    _check(model)
    assert "Left over (0)" in output


def test_a_plan_province_not_in_force_on_the_date_is_reported_and_the_yaml_still_written(tmp_path):
    import docx

    source = clerk_docx(tmp_path / "cong-van.docx")
    d = docx.Document(source)
    date = d.tables[0].cell(1, 1).paragraphs[0].runs[0]  # dated after the 2025 merger: Bắc Giang is gone
    date.text = date.text.replace("05 tháng 3 năm 2025", "05 tháng 8 năm 2025")
    d.save(source)
    out = tmp_path / "cong-van.yaml"
    from generator.cli import cli

    result = CliRunner().invoke(cli, ["import", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "The YAML does not validate yet; fix this, then render it:" in result.output
    assert ("cong-van-ke-hoach.csv:row 2 (column 'Tỉnh, thành phố'): annexes.0.plan.clusters.0.provinces.1: "
            "'Bắc Giang' no longer exists on 05/08/2025") in result.output
    assert str(tmp_path / "cong-van-ke-hoach.csv") in result.output
    assert out.exists() and (tmp_path / "cong-van-ke-hoach.csv").exists()


@pytest.mark.parametrize("header", ["table", "tabs"])
def test_one_recipient_after_a_tab(header, tmp_path):
    source = clerk_docx(tmp_path / "cong-van.docx", header=header, kinh_gui="tabs-one")
    model, output = _import(source, tmp_path / "cong-van.yaml")
    assert model.recipients == ["Sở Nội vụ tỉnh Bắc Ninh"]
    assert model.body.opening == EXPECTED["opening"]
    assert "Left over (0)" in output


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_signature_block_laid_out_with_tabs(fmt, tmp_path):
    from libreoffice import convert

    source = clerk_docx(tmp_path / "cong-van.docx", header="tabs", signature="tabs")
    if fmt == "pdf":
        source = convert(source, "pdf", tmp_path / "pdf")
    model, output = _import(source, tmp_path / "out" / "cong-van.yaml")
    _check(model)
    assert "Left over (0)" in output


def test_a_line_left_over_in_an_annex_is_a_comment_before_the_annex(tmp_path):
    import docx

    source = clerk_docx(tmp_path / "cong-van.docx")
    d = docx.Document(source)
    d.paragraphs[-1].text = "Ghi chú: các đơn vị chủ động bố trí."
    d.save(source)
    out = tmp_path / "cong-van.yaml"
    model, output = _import(source, out)
    assert "Left over (1), written as comments in the YAML:\n  - Ghi chú: các đơn vị chủ động bố trí." in output
    assert "annexes:\n  # not placed: Ghi chú: các đơn vị chủ động bố trí.\n  - heading: Phụ lục\n" in out.read_text(
        encoding="utf-8")
    _check(model)


def test_lines_are_matched_to_paragraphs_by_text_if_the_reader_numbers_them_otherwise(tmp_path, monkeypatch):
    """The checker's reader may number paragraphs its own way (another order, other ids):
    the import then matches its lines to Word's paragraphs by their text."""
    import generator.check as check

    read = check.read_document

    def renumbered(data, name):
        doc = read(data, name)
        for ln in doc.lines:
            if ln.para is not None:
                ln.para = ("p", ln.para * 7 + 1000)
        return doc

    monkeypatch.setattr(check, "read_document", renumbered)
    source = clerk_docx(tmp_path / "cong-van.docx", numbering="numpr")
    model, output = _import(source, tmp_path / "cong-van.yaml")
    _check(model)


def test_a_typed_annex_number_becomes_phu_luc_with_a_warning(tmp_path):
    """congvan numbers the annexes: a single annex headed "Phụ lục II" by the clerk is
    written ``heading: Phụ lục`` (the YAML validates), and the report says what changes."""
    import docx

    source = clerk_docx(tmp_path / "cong-van.docx")
    d = docx.Document(source)
    heading = next(p for p in d.paragraphs if p.text == "Phụ lục")
    heading.runs[0].text = "Phụ lục II"
    d.save(source)
    model, output = _import(source, tmp_path / "cong-van.yaml")
    _check(model)
    assert "annex 1 is headed 'Phụ lục II' in the file; congvan numbers the annexes and prints 'Phụ lục'" in output
    assert "Left over (0)" in output and "does not validate" not in output
