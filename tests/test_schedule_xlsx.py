"""Plan tables kept in Excel as clerks lay them out: merged cells, hidden rows, formulas,
dates as dates, numbers or text; CSV as Excel saves it. Built here with openpyxl."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE

from generator import InputError
from generator.cli import cli
from generator.input.schedule import read_clusters, take_notes

HEADER = ["TT", "Cụm", "Từ ngày", "Đến ngày", "Tỉnh, thành phố"]


def workbook(rows, *, title="Kế hoạch"):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    return book, sheet


def cached(path: Path, results: dict[str, str]) -> None:
    """Give formula cells a saved result, as Excel does on saving (openpyxl writes none)."""
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for ref, value in results.items():
        xml, n = re.subn(rf'<c r="{ref}"([^>]*)><f>([^<]*)</f><v\s*/?>(</v>)?',
                         rf'<c r="{ref}" t="str"><f>\2</f><v>{value}</v>', xml)
        assert n == 1, ref
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_a_cluster_merged_down_over_one_province_a_row(tmp_path):
    book, sheet = workbook([
        [1, "Cụm 1", "12/9/2022", "30/9/2022", "Hà Nội"],
        [None, None, None, None, "Hải Phòng"],
        [None, None, None, None, "Bắc Ninh"],
        [2, "Cụm 2", dt.datetime(2022, 9, 13), dt.datetime(2022, 9, 23), "Thái Nguyên, Lạng Sơn"],
    ])
    for col in "ABCD":
        sheet.merge_cells(f"{col}2:{col}4")
    book.save(tmp_path / "k.xlsx")
    clusters, sources = read_clusters(tmp_path / "k.xlsx")
    assert clusters == [
        {"number": 1, "name": "Cụm 1", "start": dt.date(2022, 9, 12), "end": dt.date(2022, 9, 30),
         "provinces": ["Hà Nội", "Hải Phòng", "Bắc Ninh"]},
        {"number": 2, "name": "Cụm 2", "start": dt.date(2022, 9, 13), "end": dt.date(2022, 9, 23),
         "provinces": ["Thái Nguyên", "Lạng Sơn"]},
    ]
    assert sources[0].describe("provinces") == f"{tmp_path / 'k.xlsx'}:sheet 'Kế hoạch', rows 2–4 (column E, 'Tỉnh, thành phố')"


def test_a_merged_date_applies_to_every_row_of_the_merge(tmp_path):
    # two clusters sharing dates: the date cells merged over both rows
    book, sheet = workbook([
        [1, "Cụm 1", "13/9/2022", "23/9/2022", "Thái Nguyên"],
        [2, "Cụm 2", None, None, "Vĩnh Phúc"],
    ])
    sheet.merge_cells("C2:C3")
    sheet.merge_cells("D2:D3")
    book.save(tmp_path / "k.xlsx")
    clusters, _ = read_clusters(tmp_path / "k.xlsx")
    assert [(c["number"], c["start"], c["end"]) for c in clusters] == [
        (1, dt.date(2022, 9, 13), dt.date(2022, 9, 23)), (2, dt.date(2022, 9, 13), dt.date(2022, 9, 23))]


def test_rows_of_one_merged_cluster_with_other_dates_are_refused(tmp_path):
    book, sheet = workbook([
        [1, "Cụm 1", "12/9/2022", "30/9/2022", "Hà Nội"],
        [None, None, "13/9/2022", "30/9/2022", "Hải Phòng"],
    ])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    book.save(tmp_path / "k.xlsx")
    with pytest.raises(InputError) as info:
        read_clusters(tmp_path / "k.xlsx")
    assert info.value.format_message() == (
        f"{tmp_path / 'k.xlsx'}:sheet 'Kế hoạch', row 3 (column C, 'Từ ngày'): this row belongs to the cluster "
        "of row 2 (its cell A is merged with that row's) but has other dates. Give the cluster's rows the same "
        "dates, or unmerge the cell.")


def test_a_csv_saved_from_merged_cells_continues_the_cluster(tmp_path):
    (tmp_path / "k.csv").write_text(
        ",".join(HEADER[:4]) + ',"Tỉnh, thành phố"\n1,Cụm 1,12/9/2022,30/9/2022,Hà Nội\n,,,,Hải Phòng\n', encoding="utf-8")
    clusters, _ = read_clusters(tmp_path / "k.csv")
    assert clusters[0]["provinces"] == ["Hà Nội", "Hải Phòng"]


def test_hidden_rows_are_left_out_and_said_to_be(tmp_path):
    book, sheet = workbook([
        [1, "Cụm 1", "12/9/2022", "30/9/2022", "Hà Nội"],
        [2, "Cụm 2", "13/9/2022", "23/9/2022", "Thái Nguyên"],
        [3, "Cụm 3", "13/9/2022", "23/9/2022", "Vĩnh Phúc"],
    ])
    sheet.row_dimensions[3].hidden = True
    book.save(tmp_path / "k.xlsx")
    take_notes()
    clusters, sources = read_clusters(tmp_path / "k.xlsx")
    assert [c["provinces"] for c in clusters] == [["Hà Nội"], ["Vĩnh Phúc"]]
    assert [s.row for s in sources] == [2, 4]  # the sheet's own row numbers
    assert take_notes() == [f"{tmp_path / 'k.xlsx'}: row(s) 3 of sheet 'Kế hoạch' are hidden in Excel and were "
                            "left out of the plan. Unhide them to include them."]


@pytest.mark.parametrize("cell", ["11/9/2022", "11-09-2022", "11.09.2022", "2022-09-11", "Từ ngày 11/9/2022",
                                  "ngày 11 tháng 9 năm 2022", dt.datetime(2022, 9, 11), dt.datetime(2022, 9, 11, 8, 30),
                                  44815, 44815.0])
def test_dates_as_excel_dates_serial_numbers_or_text(tmp_path, cell):
    book, sheet = workbook([[1, "Cụm 1", cell, "30/9/2022", "Hà Nội"]])
    book.save(tmp_path / "k.xlsx")
    clusters, _ = read_clusters(tmp_path / "k.xlsx")
    assert clusters[0]["start"] == dt.date(2022, 9, 11)


@pytest.mark.parametrize(("cell", "shown"), [("31/9/2022", "'31/9/2022'"), ("11/9/22", "'11/9/22'"), (12, "'12'"),
                                             ("sáng thứ Hai", "'sáng thứ Hai'"), (44815.5, "'44815.5'")])
def test_anything_else_in_a_date_cell_is_refused_with_sheet_row_and_column(tmp_path, cell, shown):
    book, sheet = workbook([[1, "Cụm 1", "12/9/2022", "30/9/2022", "Hà Nội"],
                            [2, "Cụm 2", "12/9/2022", cell, "Hà Nam"]])
    book.save(tmp_path / "k.xlsx")
    with pytest.raises(InputError) as info:
        read_clusters(tmp_path / "k.xlsx")
    assert info.value.format_message() == (
        f"{tmp_path / 'k.xlsx'}:sheet 'Kế hoạch', row 3 (column D, 'Đến ngày'): {shown} is not a date. "
        "Write it as day/month/year, e.g. 12/9/2022.")


def test_formulas_give_the_result_excel_saved(tmp_path):
    book, sheet = workbook([["=ROW()-1", "Cụm 1", "12/9/2022", '=C2', "Hà Nội"]])
    book.save(tmp_path / "k.xlsx")
    cached(tmp_path / "k.xlsx", {"A2": "1", "D2": "30/9/2022"})
    clusters, _ = read_clusters(tmp_path / "k.xlsx")
    assert clusters[0]["number"] == 1 and clusters[0]["end"] == dt.date(2022, 9, 30)


def test_a_formula_excel_never_computed_is_refused_where_it_is(tmp_path):
    book, sheet = workbook([[1, "Cụm 1", "12/9/2022", "=C2+18", "Hà Nội"]])
    book.save(tmp_path / "k.xlsx")  # written by a program: no saved result
    with pytest.raises(InputError) as info:
        read_clusters(tmp_path / "k.xlsx")
    assert info.value.format_message() == (
        f"{tmp_path / 'k.xlsx'}:sheet 'Kế hoạch', row 2 (column D, 'Đến ngày'): the formula =C2+18 has no saved "
        "result (the file was written by a program, not saved by Excel). Open the file in Excel and save it, or "
        "type the value instead of the formula.")


def test_a_formula_whose_result_is_an_error_is_refused(tmp_path):
    book, sheet = workbook([[1, "Cụm 1", "12/9/2022", "30/9/2022", "=#REF!"]])
    book.save(tmp_path / "k.xlsx")
    cached(tmp_path / "k.xlsx", {"E2": "#REF!"})
    with pytest.raises(InputError) as info:
        read_clusters(tmp_path / "k.xlsx")
    assert "row 2 (column E, 'Tỉnh, thành phố'): the formula in this cell gives the error #REF!." in (
        info.value.format_message())


def test_a_title_row_above_the_header_and_a_hidden_first_sheet(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Ghi chú"
    notes.sheet_state = "hidden"
    sheet = book.create_sheet("Kế hoạch")
    sheet.append(["KẾ HOẠCH TỔ CHỨC BỒI DƯỠNG"])
    sheet.append(HEADER)
    sheet.append([1, "Cụm 1", "12/9/2022", "30/9/2022", "Hà Nội"])
    book.save(tmp_path / "k.xlsx")
    clusters, sources = read_clusters(tmp_path / "k.xlsx")
    assert clusters[0]["provinces"] == ["Hà Nội"] and sources[0].row == 3 and sources[0].sheet == "Kế hoạch"


# -- through the command line: message, exit status, earlier outputs untouched -----------------------


@pytest.fixture
def setup(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for f in EXAMPLE.parent.iterdir():
        shutil.copy(f, folder / f.name)
    yaml = folder / "cong-van.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("file: ke-hoach.csv", "file: ke-hoach.xlsx"),
                    encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "out"
    assert runner.invoke(cli, ["render", str(EXAMPLE), "--format", "docx", "--out", str(out)]).exit_code == 0
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    return runner, yaml, out, lambda: {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()} == before


def _example_rows(folder: Path) -> list[list[str]]:
    import csv

    return list(csv.reader((folder / "ke-hoach.csv").read_text(encoding="utf-8").splitlines()))[1:]


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda s: s.__setitem__("D3", "=C3+10"),
     "row 3 (column D, 'Đến ngày'): the formula =C3+10 has no saved result (the file was written by a program, "
     "not saved by Excel). Open the file in Excel and save it"),
    (lambda s: s.__setitem__("C4", "31/9/2022"),
     "row 4 (column C, 'Từ ngày'): '31/9/2022' is not a date. Write it as day/month/year, e.g. 12/9/2022."),
], ids=["formula-without-result", "impossible-date"])
def test_xlsx_mistakes_through_render(setup, edit, expected):
    runner, yaml, out, untouched = setup
    book, sheet = workbook([[int(r[0]), *r[1:]] for r in _example_rows(yaml.parent)])
    edit(sheet)
    book.save(yaml.parent / "ke-hoach.xlsx")
    result = runner.invoke(cli, ["render", str(yaml), "--out", str(out)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert len(result.output.splitlines()) == 1
    assert result.output.startswith(f"Error: {yaml.parent / 'ke-hoach.xlsx'}:sheet 'Kế hoạch', {expected}")
    assert untouched()


def test_hidden_rows_through_validate_are_noted_on_stderr(setup):
    runner, yaml, out, untouched = setup
    book, sheet = workbook([[int(r[0]), *r[1:]] for r in _example_rows(yaml.parent)])
    sheet.row_dimensions[3].hidden = True
    book.save(yaml.parent / "ke-hoach.xlsx")
    result = runner.invoke(cli, ["validate", str(yaml)])
    assert result.exit_code == 0, result.output
    assert (f"Note: {yaml.parent / 'ke-hoach.xlsx'}: row(s) 3 of sheet 'Kế hoạch' are hidden in Excel and were "
            "left out of the plan.") in result.stderr


def test_the_example_as_xlsx_reads_like_the_csv(setup):
    from generator import load_dispatch

    runner, yaml, out, untouched = setup
    book, sheet = workbook([[int(r[0]), *r[1:]] for r in _example_rows(yaml.parent)])
    book.save(yaml.parent / "ke-hoach.xlsx")
    assert load_dispatch(yaml) == load_dispatch(EXAMPLE)


def test_csv_with_bom_and_semicolons_through_render(setup):
    runner, yaml, out, untouched = setup
    text = (yaml.parent / "ke-hoach.csv").read_text(encoding="utf-8")
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(csv.reader(io.StringIO(text)))
    bad = buf.getvalue().replace("30/9/2022", "31/9/2022", 1)
    (yaml.parent / "ke-hoach.csv").write_bytes("\ufeff".encode() + bad.encode())
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("file: ke-hoach.xlsx", "file: ke-hoach.csv"),
                    encoding="utf-8")
    result = runner.invoke(cli, ["render", str(yaml), "--out", str(out)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.splitlines() == [
        f"Error: {yaml.parent / 'ke-hoach.csv'}:row 2 (column 'Đến ngày'): '31/9/2022' is not a date. "
        "Write it as day/month/year, e.g. 12/9/2022."]
    assert untouched()
