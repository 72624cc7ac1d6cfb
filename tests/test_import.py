"""`congvan import`: a rendered dispatch imports back to the model it came from.

Round trip: every DOCX and PDF congvan renders here (the example, the second dispatch and
variants: TM./KT./TL. signers, one recipient or a list, marks, a plan annex and a plain
annex) is imported; the YAML written loads and validates, equals the original field by
field (what the page does not show, ``per_province``, aside), and renders to the same bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import load_dispatch
from generator.input.model import Dispatch

#: Fields the page does not show: they cannot come back from a rendered file.
NOT_PRINTED = {"per_province", "templates"}


def _dump(model: Dispatch) -> dict:
    return model.model_dump(mode="python", exclude=NOT_PRINTED)


def _variant(base: Dispatch, **changes) -> Dispatch:
    data = base.model_dump(mode="python", exclude={"templates"}, exclude_none=True)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return Dispatch.model_validate(data)


@pytest.fixture(scope="module")
def variants(example, second):
    tm = _variant(
        second,
        signer={"authority": [{"prefix": "TM.", "of": "Ủy ban nhân dân"}], "title": "Chủ tịch",
                "name": "Lê Văn Cường"},
        recipients=["Sở Nội vụ tỉnh Bắc Ninh"],
        marks={"secrecy": "MẬT", "urgency": "HỎA TỐC"},
        annexes=[{"heading": "Phụ lục", "title": "Danh mục biểu mẫu dự toán",
                  "attributes": [{"label": "Biểu 01", "text": "Dự toán thu ngân sách nhà nước."},
                                 {"label": "Biểu 02", "text": "Dự toán chi thường xuyên."}]}],
        footer=None,
    )
    kt_list = _variant(
        example,
        recipients=["Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Sở Thông tin và Truyền thông các tỉnh"],
        marks={"urgency": "THƯỢNG KHẨN"},
        number=5,
        date={"year": 2022, "month": 9, "day": 5},
    )
    # The clerk's own break, not the one congvan computes ("SỞ THÔNG TIN / VÀ TRUYỀN THÔNG").
    lines = _variant(
        second,
        agency={"name": "Sở Thông tin và Truyền thông", "header_lines": ["Sở Thông tin và", "Truyền thông"],
                "parent": "UBND tỉnh Bắc Ninh"},
        body={"opening": ["Sở Thông tin và Truyền thông đề nghị các đơn vị báo cáo kết quả chuyển đổi số."],
              "closing": "Trân trọng./."},
        marks={"urgency": "KHẨN", "circulation": "Lưu hành nội bộ"},
    )
    # Two annexes: congvan numbers them Phụ lục I and II, the body refers to them as {annex:N},
    # the second a plain list (lines, no labels).
    two_annexes = _variant(
        second,
        body={"opening": ["Sở Tài chính hướng dẫn như sau (biểu tại {annex:1}, danh sách tại {annex:2}):"],
              "directives": [{"text": "Các đơn vị gửi dự toán theo mẫu tại {annex:1} trước ngày {deadline}.",
                              "deadline": dt.date(2025, 7, 15)}],
              "closing": "Trân trọng./."},
        annexes=[{"heading": "Phụ lục", "title": "Biểu tổng hợp dự toán thu",
                  "attributes": [{"label": "Biểu 01", "text": "Dự toán thu nội địa."},
                                 {"label": "Biểu 02", "text": "Dự toán thu từ hoạt động xuất nhập khẩu."}]},
                 {"heading": "Phụ lục", "title": "Danh sách đơn vị gửi dự toán",
                  "lines": [f"Đơn vị dự toán cấp I số {n}" for n in range(1, 6)]}],
    )
    # A long parent agency and agency: congvan breaks both into balanced lines itself
    # ("ỦY BAN NHÂN DÂN / TỈNH QUẢNG NINH"); they come back as the names, without lines.
    long_parent = _variant(
        second,
        agency={"name": "Sở Thông tin và Truyền thông", "parent": "Ủy ban nhân dân tỉnh Quảng Ninh"},
        code="STTTT-BCVT",
        place="Quảng Ninh",
        body={"opening": ["Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh Quảng Ninh, Sở Thông tin và Truyền thông "
                          "đề nghị các đơn vị báo cáo kết quả chuyển đổi số."],
              "closing": "Trân trọng./."},
    )
    return {"example": example, "second": second, "tm-plain-annex": tm, "kt-list-marks": kt_list,
            "header-lines-circulation": lines, "two-annexes": two_annexes, "long-parent": long_parent}


def _render(model: Dispatch, fmt: str) -> bytes:
    if fmt == "pdf":
        from generator.render.pdf import pdf_bytes

        return pdf_bytes(model)
    from generator.render.docx import docx_bytes

    return docx_bytes(model)


def _import(path: Path, out: Path, *args: str) -> Dispatch:
    from generator.cli import cli

    result = CliRunner().invoke(cli, ["import", str(path), "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    assert "Recognised" in result.output and "Left over (0)" in result.output, result.output
    return load_dispatch(out)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("which", ["example", "second", "tm-plain-annex", "kt-list-marks", "header-lines-circulation",
                                   "two-annexes", "long-parent"])
def test_round_trip(which, fmt, variants, tmp_path):
    model = variants[which]
    original = _render(model, fmt)
    source = tmp_path / f"ban-goc.{fmt}"
    source.write_bytes(original)
    back = _import(source, tmp_path / "out" / "cong-van.yaml")
    assert _dump(back) == _dump(model)
    assert _render(back, fmt) == original


@pytest.mark.parametrize("which", ["example", "second", "two-annexes", "long-parent"])
def test_round_trip_after_libreoffice_saved_the_docx(which, variants, tmp_path):
    from libreoffice import convert

    model = variants[which]
    source = tmp_path / "ban-goc.docx"
    source.write_bytes(_render(model, "docx"))
    saved = convert(source, "docx", tmp_path / "lo")
    back = _import(saved, tmp_path / "out" / "cong-van.yaml")
    assert _dump(back) == _dump(model)
    assert _render(back, "docx") == _render(model, "docx")
    assert _render(back, "pdf") == _render(model, "pdf")


@pytest.mark.parametrize("which", ["example", "second", "two-annexes", "long-parent"])
def test_the_pdf_libreoffice_makes_of_the_docx(which, variants, tmp_path):
    from libreoffice import docx_to_pdf

    model = variants[which]
    source = tmp_path / "ban-lo.pdf"
    source.write_bytes(docx_to_pdf(_render(model, "docx"), tmp_path / "lo"))
    back = _import(source, tmp_path / "out" / "cong-van.yaml")
    assert _dump(back) == _dump(model)
    assert _render(back, "pdf") == _render(model, "pdf")


def test_plan_goes_to_a_csv_with_merged_dates_shared(example, tmp_path):
    source = tmp_path / "ban-goc.docx"
    source.write_bytes(_render(example, "docx"))
    _import(source, tmp_path / "cong-van.yaml")
    text = (tmp_path / "cong-van-ke-hoach.csv").read_text(encoding="utf-8").splitlines()
    assert text[0] == 'TT,Cụm,Từ ngày,Đến ngày,"Tỉnh, thành phố"'
    # Clusters 2–4 share one merged date cell in the table: each gets its dates.
    assert text[3].startswith("3,Cụm 3,13/9/2022,23/9/2022,")
    yaml = (tmp_path / "cong-van.yaml").read_text(encoding="utf-8")
    assert "{province_count} địa phương" in yaml and "deadline: 2022-09-09" in yaml


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_per_province_copy_imports_as_a_dispatch_to_that_province(fmt, example, tmp_path):
    from generator.batch.copies import plan_copies
    from generator.render.docx import docx_bytes
    from generator.render.pdf import pdf_bytes

    render = docx_bytes if fmt == "docx" else pdf_bytes
    copy = next(c for c in plan_copies(example) if c.province.name == "Sơn La")
    original = render(example, copy)
    source = tmp_path / f"14-son-la.{fmt}"
    source.write_bytes(original)
    back = _import(source, tmp_path / "cong-van.yaml")
    assert back.recipients == ["Ủy ban nhân dân tỉnh Sơn La"]
    assert back.body.contact[0].startswith("Lịch bồi dưỡng, tập huấn trực tiếp tại tỉnh Sơn La thuộc Cụm 4, "
                                           "từ ngày 13/9/2022 đến ngày 23/9/2022")
    assert _dump(back)["annexes"] == _dump(example)["annexes"]
    assert render(back) == original
