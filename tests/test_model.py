"""Loading a dispatch: normalisation, computed values, and errors a clerk can act on."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from conftest import EXAMPLE

from generator import InputError, load_dispatch
from generator.render.view import build_view

EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")


def load_text(tmp_path: Path, text: str, name: str = "cv.yaml"):
    plan = tmp_path / "ke-hoach.csv"
    if not plan.exists():
        plan.write_bytes((EXAMPLE.parent / "ke-hoach.csv").read_bytes())
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_dispatch(path)


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(InputError) as info:
        load_text(tmp_path, text)
    return info.value.format_message()


def test_example_counts_are_computed_from_the_plan(example):
    view = build_view(example)
    assert example.plan.province_count == 63
    assert "tại 63 địa phương trước thứ Sáu, ngày 9/9/2022." in view.body[4].text
    assert view.annexes[0].title.endswith("TẠI 63 ĐỊA PHƯƠNG")
    assert [r.cluster for r in view.annexes[0].plan.rows][:2] == ["Cụm 1 (12 tỉnh)", "Cụm 2 (4 tỉnh)"]


def test_text_is_stored_in_nfc_with_single_spaces(tmp_path):
    nfd = unicodedata.normalize("NFD", "Trung ương Đoàn   Thanh niên")
    d = load_text(tmp_path, EXAMPLE_TEXT.replace(
        "  - Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh", f"  - {nfd}"))
    assert d.recipients == ["Trung ương Đoàn Thanh niên"]
    assert unicodedata.is_normalized("NFC", d.recipients[0])


def test_plan_from_csv_equals_the_plan_written_inline(tmp_path, example):
    clusters = "\n".join(
        f"        - {{number: {c.number}, name: '{c.name}', start: {c.start}, end: {c.end}, "
        f"provinces: [{', '.join(c.provinces)}]}}"
        for c in example.plan.clusters
    )
    inline = EXAMPLE_TEXT.replace("      file: ke-hoach.csv", "      clusters:\n" + clusters)
    assert load_text(tmp_path, inline).plan == example.plan


def test_plan_from_xlsx_with_date_cells_equals_the_csv(tmp_path, example):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STT", "Cụm", "Từ ngày", "Đến ngày", "Tỉnh, thành phố"])
    for c in example.plan.clusters:
        sheet.append([c.number, f"{c.name} ({len(c.provinces)} tỉnh)",
                      dt.datetime.combine(c.start, dt.time()), dt.datetime.combine(c.end, dt.time()),
                      ", ".join(c.provinces) + "."])
    book.save(tmp_path / "lich.xlsx")
    d = load_text(tmp_path, EXAMPLE_TEXT.replace("file: ke-hoach.csv", "file: lich.xlsx"))
    assert d.plan == example.plan


def test_an_unknown_field_names_the_line_and_the_closest_field(tmp_path):
    message = error_of(tmp_path, EXAMPLE_TEXT.replace("recipients:\n", "recipents:\n", 1))
    line = EXAMPLE_TEXT.splitlines().index("recipients:") + 1
    assert f"cv.yaml:{line}: recipents: unknown field `recipents`. Did you mean `recipients`?" in message
    assert "missing required field" not in message  # the typo is the one fix


def test_a_wrong_prefix_lists_the_allowed_ones(tmp_path):
    message = error_of(tmp_path, EXAMPLE_TEXT.replace("prefix: KT.", "prefix: PT."))
    assert "signer.authority.0.prefix" in message
    assert "'KT.', 'TM.', 'TL.', 'TUQ.' or 'Q.'" in message


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        ("  year: 2022\n", "  year: 2022\n  month: 2\n  day: 31\n", "31/2/2022 does not exist: month 2 of 2022 has 28 days"),
        ("  year: 2022\n", "  year: 2022\n  day: 5\n", "a day needs a month"),
        ("      deadline: 2022-09-09", "      deadline: 2022-02-30", "2022-02-30: day is out of range for month. Write a real date"),
        ("code: BTTTT-CĐSQG", "code: BTTTT CĐSQG", "write the ký hiệu without spaces"),
        ("subject: triển khai", "subject: V/v triển khai", "leave out 'V/v'"),
        ("{deadline}", "{han_chot}", "unknown placeholder {han_chot}"),
        ("url: https://onetouch.mic.gov.vn", "url: onetouch.mic.gov.vn", "is not a web address"),
        ("  name: Nguyễn Huy Dũng", "  name: Nguyễn Huy Dũng 漢", "U+6F22"),
    ],
    ids=["31-feb", "day-without-month", "bad-yaml-date", "code-with-space", "vv-typed",
         "unknown-placeholder", "url-without-scheme", "glyph-not-in-font"],
)
def test_invalid_values_are_explained(tmp_path, replace, by, expected):
    assert replace in EXAMPLE_TEXT
    message = error_of(tmp_path, EXAMPLE_TEXT.replace(replace, by, 1))
    assert expected in message
    assert message.startswith(str(tmp_path / "cv.yaml") + ":")


def test_a_qr_address_too_long_to_scan_at_the_printed_size_is_refused(tmp_path):
    from generator.render import qr

    longest = qr._longest_that_fits()
    base = "https://onetouch.mic.gov.vn/"
    fits = base + "a" * (longest - len(base))
    load_text(tmp_path, EXAMPLE_TEXT.replace("url: https://onetouch.mic.gov.vn", f"url: {fits}", 1))
    message = error_of(tmp_path, EXAMPLE_TEXT.replace("url: https://onetouch.mic.gov.vn", f"url: {fits}a", 1))
    assert ".url: this address is" in message
    assert f"too fine to scan (at least 0.35 mm). Use a shorter address (at most {longest} characters)" in message
    assert message.startswith(str(tmp_path / "cv.yaml") + ":")


def test_a_year_left_over_from_an_older_dispatch_is_caught(tmp_path):
    message = error_of(tmp_path, EXAMPLE_TEXT.replace("deadline: 2022-09-09", "deadline: 2021-09-09", 1))
    assert "body.directives.2.deadline: 9/9/2021 is in 2021, but the dispatch is dated 2022" in message
    line = EXAMPLE_TEXT.splitlines().index("      deadline: 2022-09-09") + 1
    assert message.startswith(f"{tmp_path / 'cv.yaml'}:{line}:")
    # in the plan file: the row and column of the cell
    plan = tmp_path / "ke-hoach.csv"
    plan.write_text((EXAMPLE.parent / "ke-hoach.csv").read_text(encoding="utf-8").replace(
        "5,Cụm 5,12/9/2022,30/9/2022", "5,Cụm 5,12/9/2012,30/9/2022"), encoding="utf-8")
    message = error_of(tmp_path, EXAMPLE_TEXT)
    assert "ke-hoach.csv:row 6 (column" in message and "12/9/2012 is in 2012" in message
    # the next year is fine: a plan sent in December reaches into January
    plan.write_text((EXAMPLE.parent / "ke-hoach.csv").read_text(encoding="utf-8").replace(
        "5,Cụm 5,12/9/2022,30/9/2022", "5,Cụm 5,12/9/2022,30/1/2023"), encoding="utf-8")
    load_text(tmp_path, EXAMPLE_TEXT)


def test_deadline_must_appear_in_its_text(tmp_path):
    message = error_of(tmp_path, EXAMPLE_TEXT.replace("ngày {deadline}.", "ngày 9/9/2022."))
    assert "deadline is set but the text never shows it: write {deadline}" in message


def test_yaml_syntax_errors_give_line_and_column(tmp_path):
    message = error_of(tmp_path, 'agency:\n  name: "Bộ Nội vụ\nnumber: 5\n')
    assert message.startswith(f"{tmp_path / 'cv.yaml'}:")
    assert "YAML syntax" in message
    message = error_of(tmp_path, "agency:\n\tname: Bộ Nội vụ\n")
    assert ":2:1: YAML syntax" in message and "never tabs" in message


def test_text_with_a_colon_gets_a_quoting_hint(tmp_path):
    text = EXAMPLE_TEXT.replace("  directives:\n", "    - Cụ thể như sau:\n  directives:\n", 1)
    message = error_of(tmp_path, text)
    assert "body.opening.2: this text was read as 'key: value'" in message
    assert "Put the whole text in double quotes" in message
    message = error_of(tmp_path, EXAMPLE_TEXT.replace("  closing: Trân trọng./.", "  closing: Lưu ý: hạn chót"))
    assert "YAML syntax: mapping values are not allowed here" in message
    assert "must be put in double quotes" in message


def test_a_province_listed_twice_names_both_clusters(tmp_path):
    csv = (EXAMPLE.parent / "ke-hoach.csv").read_text(encoding="utf-8").replace("Cao Bằng", "Hà Nội")
    (tmp_path / "ke-hoach.csv").write_text(csv, encoding="utf-8")
    message = error_of(tmp_path, EXAMPLE_TEXT)
    assert "'Hà Nội' is listed twice, in clusters 1 and 2" in message


def test_a_bad_date_in_the_plan_file_names_row_and_column(tmp_path):
    csv = (EXAMPLE.parent / "ke-hoach.csv").read_text(encoding="utf-8").replace("13/9/2022,23/9/2022", "31/9/2022,23/9/2022", 1)
    (tmp_path / "ke-hoach.csv").write_text(csv, encoding="utf-8")
    message = error_of(tmp_path, EXAMPLE_TEXT)
    assert f"{tmp_path / 'ke-hoach.csv'}:row 3 (column 'Từ ngày'): '31/9/2022' is not a date" in message


def test_a_range_ending_before_it_starts_is_refused(tmp_path):
    csv = (EXAMPLE.parent / "ke-hoach.csv").read_text(encoding="utf-8").replace("13/9/2022,23/9/2022", "23/9/2022,13/9/2022", 1)
    (tmp_path / "ke-hoach.csv").write_text(csv, encoding="utf-8")
    message = error_of(tmp_path, EXAMPLE_TEXT)
    assert f"{tmp_path / 'ke-hoach.csv'}:row 3" in message
    assert "the range ends (13/09/2022) before it starts (23/09/2022)" in message


def test_a_typed_count_that_disagrees_is_refused(tmp_path):
    csv = (EXAMPLE.parent / "ke-hoach.csv").read_text(encoding="utf-8").replace("2,Cụm 2,", "2,Cụm 2 (5 tỉnh),")
    (tmp_path / "ke-hoach.csv").write_text(csv, encoding="utf-8")
    assert "the name says 5 but the row lists 4 provinces" in error_of(tmp_path, EXAMPLE_TEXT)


def test_prefixes_are_normalised_and_titles_upper_cased(second):
    assert second.signer.lines == ["TL. GIÁM ĐỐC", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"]
    assert second.marks.urgency == "KHẨN"


def test_second_dispatch_view(second):
    view = build_view(second)
    assert view.number_line == "Số: 07/STC-NS"
    assert view.place_date == "Bắc Ninh, ngày 05 tháng 3 năm 2025"
    assert view.parent_agency == "UBND TỈNH BẮC NINH"
    assert not view.kinh_gui_single
    assert view.recipients == [
        "- Các sở, ban, ngành thuộc tỉnh;",
        "- Ủy ban nhân dân các huyện, thị xã, thành phố;",
        "- Kho bạc Nhà nước khu vực IV.",
    ]
    assert [p.label for p in view.body if p.kind == "item"] == ["a)", "b)", "c)", "d)", "đ)", "e)"]
    assert view.noi_nhan[-1] == "- Lưu: VT, NS (2), TTB.(40)."
    assert view.annexes == [] and view.qr_codes == []
