"""One copy per row of a list (``--per-recipient LIST.xlsx|csv``, or ``copies:`` in the YAML):
what each copy says, how the list is read and its columns matched, the errors naming the
list file, row and column, and everything the per-province batch does (incremental runs,
change report, dry run, lock, killed runs finished byte for byte)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, ROOT, holding_lock
from docxread import DocxReader
from pdfread import PdfReader

from generator import load_dispatch
from generator.batch.run import run_batch
from generator.cli import cli
from generator.errors import InputError
from generator.input.recipients import find_column, read_recipients, recipient_list

LIST = (
    "STT,Kính gửi,Mã,Ngày tập huấn,Địa điểm\n"
    "1,Sở Tài chính,stc,12/9/2025,Hội trường A\n"
    "2,Sở Nội vụ,snv,13/9/2025,Hội trường B\n"
    "3,Ủy ban nhân dân xã Tân Phú,,14/9/2025,Nhà văn hóa xã\n"
)
PARAGRAPH = "Lớp tập huấn của đơn vị khai giảng ngày {ngày  TẬP huấn} tại {Dia diem}."
STEMS = ("stc", "snv", "uy-ban-nhan-dan-xa-tan-phu")
RUN_FILES = {"report.json", "report.txt", ".congvan.lock"}


def _example(folder: Path, rows: str = LIST, *, section: bool = True, name: str = "danh-sach.csv") -> Path:
    """The example dispatch in ``folder`` with a list ``name`` and (``section``) a ``copies:``
    section naming it."""
    folder.mkdir(parents=True, exist_ok=True)
    for f in EXAMPLE.parent.iterdir():
        shutil.copy(f, folder / f.name)
    (folder / name).write_text(rows, encoding="utf-8")
    yaml = folder / "cong-van.yaml"
    if section:
        with yaml.open("a", encoding="utf-8") as f:
            f.write(f"copies:\n  file: {name}\n  paragraph: {PARAGRAPH}\n")
    return yaml


def _run(*args: str):
    return CliRunner().invoke(cli, ["--lang", "en", *(str(a) for a in args)])


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in RUN_FILES and p.parent.name != "reports"}  # reports carry times


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A batch of the three rows, both formats, by the command line."""
    yaml = _example(tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("out") / "copies"
    result = _run("batch", yaml, "--jobs", "2", "--out", out)
    assert result.exit_code == 0, result.output
    return yaml, out, result.output


def test_each_row_is_a_copy_addressed_to_its_recipient_with_its_cells(made):
    _yaml, out, _output = made
    assert sorted(p.stem for p in out.glob("*.pdf")) == sorted([*STEMS, "phu-luc"])
    for stem, recipient, day, place in (("stc", "Sở Tài chính", "12/9/2025", "Hội trường A"),
                                        ("uy-ban-nhan-dan-xa-tan-phu", "Ủy ban nhân dân xã Tân Phú",
                                         "14/9/2025", "Nhà văn hóa xã")):
        own = f"Lớp tập huấn của đơn vị khai giảng ngày {day} tại {place}."
        text = PdfReader((out / f"{stem}.pdf").read_bytes()).all_text()
        assert f"Kính gửi: {recipient}" in text and text.count("Kính gửi:") == 1
        assert own in text
        assert "KẾ HOẠCH TỔ CHỨC" not in text  # the annex is the shared file
        word = DocxReader((out / f"{stem}.docx").read_bytes()).text()
        assert f"Kính gửi: {recipient}" in word and own in word
    assert "KẾ HOẠCH TỔ CHỨC" in PdfReader((out / "phu-luc.pdf").read_bytes()).all_text()


def test_the_manifest_keeps_the_rows_for_the_next_report(made):
    _yaml, out, _output = made
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # the columns that shape a copy (STT does not: a renumbered list changes no copy)
    assert manifest["rows"]["snv"] == {"row": 3, "recipient": "Sở Nội vụ", "cells": {
        "Kính gửi": "Sở Nội vụ", "Mã": "snv", "Ngày tập huấn": "13/9/2025", "Địa điểm": "Hội trường B"}}
    assert manifest["outputs"]["snv.pdf"]["about"] == {"row": 3, "runs": [2]}
    assert manifest["outputs"]["snv.docx"]["about"] == {"row": 3}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Kính gửi", 0), ("kính GỬI", 0), ("  Kính   gửi ", 0), ("kinh gui", 0),
        ("Ngày tập huấn", 1), ("ngay tap huan", 1), ("NGÀY TẬP HUẤN", 1),
        ("Hòa Bình", 2), ("Hoà Bình", 2), ("hoa binh", 2),
        ("Ma", None),  # 'Mã' and 'Má' both read 'ma' without tone marks: not a guess
        ("Mã", 3), ("Má", 4), ("Nơi nhận", None),
        ("Địa điểm", 5), ("dia diem", 5), ("Ðia diem", 5),  # Ð (U+00D0), pasted through the wrong code page
    ],
)
def test_column_names_are_matched_as_excel_users_type_them(typed, expected):
    import unicodedata

    headers = ["Kính gửi", unicodedata.normalize("NFD", "Ngày Tập Huấn"), "Hoà Bình", "Mã", "Má", "Địa điểm"]
    assert find_column(typed, headers) == expected


def test_an_excel_list_with_a_title_row_hidden_rows_and_dates(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(["DANH SÁCH CÁC XÃ NHẬN CÔNG VĂN"])
    sheet.append(["TT", "kính gửi", "Tên tệp", "Ngày tập huấn"])
    sheet.append([1, "Ủy ban nhân dân xã A", "xa-a", dt.datetime(2025, 9, 2)])
    sheet.append([2, "Ủy ban nhân dân xã B", "xa-b", dt.datetime(2025, 9, 3)])
    sheet.append([3, "Ủy ban nhân dân xã C", "xa-c", dt.datetime(2025, 9, 4)])
    sheet.row_dimensions[4].hidden = True
    path = tmp_path / "ds.xlsx"
    book.save(path)
    from generator.input import schedule

    schedule.take_notes()
    found = read_recipients(path, paragraph="Ngày {Ngày tập huấn}.")
    assert [(c.row, c.recipient, c.stem, c.paragraph) for c in found.copies] == [
        (3, "Ủy ban nhân dân xã A", "xa-a", "Ngày 2/9/2025."), (5, "Ủy ban nhân dân xã C", "xa-c", "Ngày 4/9/2025.")]
    assert schedule.take_notes() == [f"{path}: row(s) 4 of sheet 'Danh sách' are hidden in Excel and were left "
                                     "out of the list. Unhide them to include them."]


def test_an_excel_list_of_every_commune_is_read(tmp_path):
    """3,321 rows (every commune since 1 July 2025) from Excel: past a plan sheet's 2,000
    rows, which bound only a plan."""
    import openpyxl

    from generator.input.model import MAX_SHEET_ROWS

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STT", "Kính gửi", "Mã", "Địa chỉ thư điện tử"])
    for n in range(1, 3322):
        sheet.append([n, f"Ủy ban nhân dân xã Số {n}", f"xa-{n:04d}", f"xa{n}@example.gov.vn"])
    path = tmp_path / "cac-xa.xlsx"
    book.save(path)
    found = read_recipients(path)
    assert len(found.copies) == 3321 > MAX_SHEET_ROWS
    assert (found.copies[-1].row, found.copies[-1].recipient, found.copies[-1].stem) == (
        3322, "Ủy ban nhân dân xã Số 3321", "xa-3321")


def _list_book(path: Path, cell: str) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STT", "Kính gửi"])
    sheet.append([1, "Sở A"])
    sheet[cell] = "x"
    book.save(path)


@pytest.mark.parametrize("cell", ["A20011", "AY2"])
def test_an_excel_list_is_bounded_as_a_list_not_as_a_plan(tmp_path, monkeypatch, cell):
    from generator.input.recipients import MAX_LIST_COLUMNS, MAX_RECIPIENTS

    _list_book(tmp_path / "ds.xlsx", cell)
    yaml = _example(tmp_path, section=False)
    monkeypatch.chdir(tmp_path)
    result = _run("batch", yaml, "--per-recipient", "ds.xlsx", "--format", "pdf", "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert f"ds.xlsx:sheet 'Sheet', row {cell[2:] if cell.startswith('AY') else cell[1:]} (cell {cell}): " \
           f"a list of recipients holds values only in its first {MAX_RECIPIENTS + 10:,} rows and " \
           f"{MAX_LIST_COLUMNS} columns (A to AX)." in result.output
    assert "plan" not in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_list_larger_than_a_plan_file_is_read_and_one_too_large_is_refused_as_a_list(tmp_path, monkeypatch):
    from generator.input import recipients
    from generator.input.model import MAX_PLAN_BYTES

    rows = "STT,Kính gửi,Ghi chú\n" + "".join(f"{n},Ủy ban nhân dân xã Số {n},{'x' * 400}\n" for n in range(1, 3001))
    path = tmp_path / "ds.csv"
    path.write_text(rows, encoding="utf-8")
    assert path.stat().st_size > MAX_PLAN_BYTES
    assert len(read_recipients(path).copies) == 3000
    monkeypatch.setattr(recipients, "MAX_LIST_BYTES", MAX_PLAN_BYTES)
    with pytest.raises(InputError) as refused:
        read_recipients(path)
    assert str(refused.value).startswith(f"{path}: the file is 1.3 MB, more than the 1 MB a list of recipients can be.")


def test_recipient_column_option_and_utf8_bom_semicolon_csv(tmp_path):
    path = tmp_path / "ds.csv"
    path.write_bytes("\ufeffSTT;Nơi nhận;Lớp\n1;Sở Y tế;A\n2;Sở Xây dựng;B\n".encode())
    found = read_recipients(path, recipient_column="NƠI NHẬN", paragraph="Lớp {lớp}")
    assert [(c.recipient, c.stem, c.paragraph) for c in found.copies] == [
        ("Sở Y tế", "so-y-te", "Lớp A"), ("Sở Xây dựng", "so-xay-dung", "Lớp B")]


ERRORS = [
    ("empty recipient",
     "STT,Kính gửi\n1,Sở A\n2,\n3,Sở B\n", (),
     "ds.csv:row 3 (column 'Kính gửi'): the recipient is empty. Type who this copy is for, or delete the row."),
    ("same file name",
     "STT,Kính gửi,Mã\n1,Sở A,so-a\n2,Sở B,\n3,Sở B,x\n4,Sở A,\n", (),
     "ds.csv:row 5 (column 'Kính gửi'): this copy's file name 'so-a' is already that of row 2 ('Sở A'). "
     "Give each row its own name in a column 'Tên tệp' (or 'Mã'), or remove the duplicate row."),
    ("placeholder with no column",
     "STT,Kính gửi,Ngày tập huấn\n1,Sở A,1/9/2025\n", ("--paragraph", "Ngày {Ngay tap hun}."),
     "ds.csv:row 1: copies.paragraph: the placeholder {Ngay tap hun} names no column of the list. "
     "Did you mean 'Ngày tập huấn'? The columns are: 'STT', 'Kính gửi', 'Ngày tập huấn'."),
    ("no rows",
     "STT,Kính gửi\n,\n", (),
     "ds.csv: the list has no rows below its header row (row 1). Add one row per copy, the recipient in "
     "column 'Kính gửi'."),
    ("no recipient column",
     "STT,Kinh gi,Ngày\n1,Sở A,1/9\n", (),
     "ds.csv:row 1: no column 'Kính gửi' in the header row ('STT', 'Kinh gi', 'Ngày'). Head the recipients' "
     "column 'Kính gửi', or name it with --recipient-column. Did you mean 'Kinh gi'?"),
]


@pytest.mark.parametrize(("case", "rows", "extra", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_name_the_list_file_row_and_column(tmp_path, monkeypatch, case, rows, extra, message):
    yaml = _example(tmp_path, section=False)
    if extra:
        with yaml.open("a", encoding="utf-8") as f:
            f.write(f"copies:\n  paragraph: {extra[1]}\n")
    (tmp_path / "ds.csv").write_text(rows, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the message names the list as given on the command line
    result = _run("batch", yaml, "--per-recipient", "ds.csv", "--format", "pdf", "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()  # checked before anything is made


def test_a_missing_list_in_the_yaml_names_its_line(tmp_path):
    yaml = _example(tmp_path, section=False)
    text = yaml.read_text(encoding="utf-8")
    yaml.write_text(text + "copies:\n  file: danh-sach-xa.xlsx\n", encoding="utf-8")
    line = text.count("\n") + 2
    result = _run("batch", yaml, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output.strip() == (f"Error: {yaml}:{line}: copies.file: no file 'danh-sach-xa.xlsx' next to "
                                     "cong-van.yaml. Check the name of the list (.xlsx or .csv).")


def test_without_a_list_batch_asks_for_one_of_the_two(tmp_path):
    yaml = _example(tmp_path, section=False)
    result = _run("batch", yaml, "--out", tmp_path / "out")
    assert result.exit_code == 2 and "--per-province" in result.output and "--per-recipient" in result.output


def test_a_changed_row_remakes_its_copy_and_the_report_names_row_and_column(made, tmp_path):
    yaml, out, first_output = made
    assert "Changes in danh-sach.csv:\n  none\n" in first_output
    src, folder = tmp_path / "src", tmp_path / "copies"
    shutil.copytree(yaml.parent, src)
    shutil.copytree(out, folder, copy_function=shutil.copy2)
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.pdf")}
    unchanged = _run("batch", src / "cong-van.yaml", "--out", folder)
    assert unchanged.exit_code == 0 and "Written: none" in unchanged.output
    (src / "danh-sach.csv").write_text(
        LIST.replace("13/9/2025,Hội trường B", "15/9/2025,Hội trường C")
        .replace("3,Ủy ban nhân dân xã Tân Phú,,14/9/2025,Nhà văn hóa xã\n", ""), encoding="utf-8")
    dry = _run("batch", src / "cong-van.yaml", "--out", folder, "--dry-run")
    assert dry.exit_code == 0 and "would write 2, unchanged 4, would archive 2" in dry.output
    assert {p.name: p.stat().st_mtime_ns for p in folder.glob("*.pdf")} == stamps  # a dry run writes nothing
    result = _run("batch", src / "cong-van.yaml", "--out", folder)
    assert result.exit_code == 0, result.output
    assert ("Changes in danh-sach.csv:\n"
            "  row 3 (Sở Nội vụ): Ngày tập huấn: 13/9/2025 -> 15/9/2025; Địa điểm: Hội trường B -> Hội trường C\n"
            "  Ủy ban nhân dân xã Tân Phú (was row 4): removed from the list\n") in result.output
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["list"] == "danh-sach.csv"
    assert sorted(w["file"] for w in report["written"]) == ["snv.docx", "snv.pdf"]
    assert sorted(report["archived"]) == ["uy-ban-nhan-dan-xa-tan-phu.docx", "uy-ban-nhan-dan-xa-tan-phu.pdf"]
    assert (folder / "archive" / "uy-ban-nhan-dan-xa-tan-phu.pdf").is_file()
    now = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.pdf")}
    assert now["stc.pdf"] == stamps["stc.pdf"] and now["phu-luc.pdf"] == stamps["phu-luc.pdf"]
    assert "ngày 15/9/2025 tại Hội trường C" in PdfReader((folder / "snv.pdf").read_bytes()).all_text()


def test_the_copies_are_the_same_bytes_with_one_worker_or_two(made, tmp_path):
    yaml, out, _output = made
    result = _run("batch", yaml, "--jobs", "1", "--out", tmp_path / "one")
    assert result.exit_code == 0
    assert _files(tmp_path / "one") == _files(out)


@pytest.mark.parametrize("point", ["done:2", "tmp:5", "tmp:manifest.json"])
def test_a_killed_run_is_finished_byte_for_byte_by_the_next(made, tmp_path, point):
    yaml, out, _output = made
    folder = tmp_path / "copies"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONGVAN_LANG": "en", "CONGVAN_TEST_KILL": point}
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "batch", str(yaml), "--jobs", "1", "--out", str(folder)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, proc.stderr)
    result = _run("batch", yaml, "--jobs", "1", "--out", folder)
    assert result.exit_code == 0, result.output
    assert _files(folder) == _files(out)
    assert not list(folder.rglob("*.tmp"))


def test_a_busy_folder_stops_a_list_batch(made, tmp_path):
    yaml, _out, _output = made
    with holding_lock(tmp_path / "c") as holder:
        result = _run("batch", yaml, "--format", "pdf", "--out", tmp_path / "c")
        assert result.exit_code == 3
        assert f"is being written by another congvan run (pid {holder.pid})" in result.output
        assert not list((tmp_path / "c").glob("*.pdf"))


def test_the_per_province_batch_ignores_the_list(tmp_path):
    yaml = _example(tmp_path)
    dispatch = load_dispatch(yaml)
    assert recipient_list(dispatch) is not None
    result = run_batch(dispatch, tmp_path / "out", formats=["pdf"], dry_run=True)
    assert len(result.written) == 64 and "24-bac-giang.pdf" in dict(result.written)


def test_validate_reads_the_list_the_yaml_names(tmp_path):
    yaml = _example(tmp_path, LIST.replace("Sở Nội vụ", ""))
    result = _run("validate", yaml)
    assert result.exit_code == 2
    assert f"{tmp_path / 'danh-sach.csv'}:row 3 (column 'Kính gửi'): the recipient is empty." in result.output


def test_a_change_to_the_dispatch_remakes_every_copy_and_one_to_a_row_only_its_own(made, tmp_path):
    yaml, out, _output = made
    src = tmp_path / "src"
    shutil.copytree(yaml.parent, src)
    text = (src / "cong-van.yaml").read_text(encoding="utf-8")
    (src / "cong-van.yaml").write_text(text.replace("Trân trọng./.", "Trân trọng cảm ơn./."), encoding="utf-8")
    every = run_batch(load_dispatch(src / "cong-van.yaml"), out, formats=["pdf", "docx"], dry_run=True,
                      recipients=recipient_list(load_dispatch(src / "cong-van.yaml")))
    assert sorted(n for n, _ in every.written) == sorted(f"{s}.{f}" for s in (*STEMS, "phu-luc") for f in ("pdf", "docx"))
    (src / "cong-van.yaml").write_text(text, encoding="utf-8")
    (src / "danh-sach.csv").write_text(LIST.replace("Sở Tài chính", "Sở Tài Chính"), encoding="utf-8")
    dispatch = load_dispatch(src / "cong-van.yaml")
    one = run_batch(dispatch, out, formats=["pdf", "docx"], dry_run=True, recipients=recipient_list(dispatch))
    assert sorted(n for n, _ in one.written) == ["stc.docx", "stc.pdf"]


@pytest.mark.parametrize(("cell", "what"), [
    ("Sở Y\u00adtế", "the invisible character U+00AD (SOFT HYPHEN) would disappear from the page"),
    ("Sở 漢 tế", "漢"),
])
def test_a_cell_that_cannot_be_printed_is_refused_with_its_row_and_column(tmp_path, cell, what):
    path = tmp_path / "ds.csv"
    path.write_text(f"Kính gửi,Ngày\nSở A,1/9\n{cell},2/9\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_recipients(path)
    message = caught.value.format_message()
    assert message.startswith(f"{path}:row 3 (column 'Kính gửi'): ") and what in message


def test_watch_finds_the_list_in_the_yaml_and_remakes_a_changed_rows_copy(tmp_path):
    from test_watch import _Watch

    yaml = _example(tmp_path / "cv")
    out = tmp_path / "ban-in"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONGVAN_LANG": "en", "CONGVAN_QR_CACHE": str(tmp_path / "qr")}
    watch = _Watch(str(yaml), "--out", str(out), "--jobs", "1", "--format", "pdf", env=env)
    try:
        first = watch.until("up to date")
        assert any(line.startswith("wrote 4,") for line in first), first  # 3 rows and the annex
        (yaml.parent / "danh-sach.csv").write_text(LIST.replace("Hội trường A", "Hội trường D"), encoding="utf-8")
        made = watch.until("up to date")
        assert "  row 2 (Sở Tài chính): Địa điểm: Hội trường A -> Hội trường D\n" in made, made
        assert any(line.startswith("wrote 1, unchanged 3") for line in made), made
        assert "tại Hội trường D." in PdfReader((out / "stc.pdf").read_bytes()).all_text()
    finally:
        watch.proc.send_signal(signal.SIGINT)
        watch.proc.wait(60)
        watch.reader.join(10)
        watch.proc.stdout.close()


def test_a_row_inserted_at_the_top_makes_one_copy_and_one_line_of_report(made, tmp_path):
    yaml, out, _output = made
    src = tmp_path / "src"
    shutil.copytree(yaml.parent, src)
    lines = LIST.splitlines()
    renumbered = [lines[0], "1,Sở Xây dựng,sxd,11/9/2025,Phòng 1"] + [
        f"{i},{line.split(',', 1)[1]}" for i, line in enumerate(lines[1:], start=2)]
    (src / "danh-sach.csv").write_text("\n".join(renumbered) + "\n", encoding="utf-8")
    dispatch = load_dispatch(src / "cong-van.yaml")
    result = run_batch(dispatch, out, formats=["pdf", "docx"], dry_run=True, recipients=recipient_list(dispatch))
    assert result.plan_changes == ["row 2 (Sở Xây dựng): added"]
    assert sorted(n for n, _ in result.written) == ["sxd.docx", "sxd.pdf"]


def test_serve_makes_the_copies_of_the_list_the_yaml_names(tmp_path, capsys, made):
    """congvan serve's button runs :mod:`generator.web.batchjob`: with a ``copies:`` section it
    makes the list's copies, as ``print`` does, and offers the print files."""
    import json

    from generator.web import batchjob

    yaml = _example(tmp_path / "src")
    out = tmp_path / "out"
    assert batchjob.main([str(yaml), str(out)]) == 0
    said = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert said[0]["total"] == len(STEMS) + 1  # progress: the list's copies and the shared annex
    assert sorted(p.stem for p in out.glob("*.pdf")) == sorted([*STEMS, "phu-luc"])
    assert said[-1]["files"] == ["print/in-tat-ca.docx", "print/in-tat-ca.pdf"]
    _yaml, by_cli, _output = made
    def copies(folder):  # the copies and the annex, byte for byte as `congvan batch` makes them
        return {k: v for k, v in _files(folder).items() if k.endswith((".pdf", ".docx")) and "/" not in k}

    assert copies(out) == copies(by_cli)
