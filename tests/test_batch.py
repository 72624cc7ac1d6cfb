"""One copy per province: content, names, regeneration after a schedule change, report,
archive, and byte-identical output however the copies are made."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, ROOT, holding_lock
from docxread import DocxReader
from pdfread import PdfReader

from generator import load_dispatch
from generator.batch.run import run_batch
from generator.cli import cli


@pytest.fixture(scope="module")
def example_dir(tmp_path_factory):
    """A copy of the example, free to edit."""
    folder = tmp_path_factory.mktemp("example")
    for f in EXAMPLE.parent.iterdir():
        shutil.copy(f, folder / f.name)
    return folder


@pytest.fixture(scope="module")
def batch_dir(example_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "copies"
    result = run_batch(load_dispatch(example_dir / "cong-van.yaml"), out, formats=["pdf", "docx"], jobs=2)
    assert len(result.written) == 128 and not result.unchanged
    return out


def _snapshot(folder):
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir() if p.is_file()
            and p.suffix in (".pdf", ".docx")}


def test_file_names_are_code_then_ascii_slug(batch_dir):
    pdfs = sorted(p.name for p in batch_dir.glob("*.pdf"))
    assert len(pdfs) == 64  # 63 copies and the shared annex
    assert "phu-luc.pdf" in pdfs
    copies = [n for n in pdfs if n != "phu-luc.pdf"]
    assert all(re.fullmatch(r"\d{2}-[a-z0-9]+(-[a-z0-9]+)*\.pdf", n) for n in copies)
    for name in ("24-bac-giang.pdf", "79-ho-chi-minh.pdf", "77-ba-ria-vung-tau.pdf",
                 "46-thua-thien-hue.pdf", "66-dak-lak.pdf", "17-hoa-binh.pdf"):
        assert name in copies
    assert {p.stem for p in batch_dir.glob("*.docx")} == {p.stem for p in batch_dir.glob("*.pdf")}


@pytest.mark.parametrize(
    ("stem", "recipient", "own"),
    [
        ("24-bac-giang", "Ủy ban nhân dân tỉnh Bắc Giang", "tỉnh Bắc Giang thuộc Cụm 1, từ ngày 12/9/2022 đến ngày 30/9/2022"),
        ("79-ho-chi-minh", "Ủy ban nhân dân Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh thuộc Cụm 8, từ ngày 11/9/2022 đến ngày 30/9/2022"),
        ("01-ha-noi", "Ủy ban nhân dân thành phố Hà Nội", "thành phố Hà Nội thuộc Cụm 1"),
        ("46-thua-thien-hue", "Ủy ban nhân dân tỉnh Thừa Thiên Huế", "thuộc Cụm 5, từ ngày 12/9/2022 đến ngày 30/9/2022"),
        ("62-kon-tum", "Ủy ban nhân dân tỉnh Kon Tum", "thuộc Cụm 7, từ ngày 13/9/2022 đến ngày 23/9/2022"),
    ],
)
def test_each_copy_names_its_province_and_its_clusters_dates(batch_dir, stem, recipient, own):
    pdf = PdfReader((batch_dir / f"{stem}.pdf").read_bytes())
    text = pdf.all_text()
    assert f"Kính gửi: {recipient}" in text
    assert own in text
    assert text.count("Kính gửi:") == 1
    assert "Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh tham gia" in text  # the body is the dispatch's
    assert "KẾ HOẠCH TỔ CHỨC" not in text  # the annex is the shared file
    word = DocxReader((batch_dir / f"{stem}.docx").read_bytes()).text()
    assert f"Kính gửi: {recipient}" in word and own in word


def test_the_shared_annex_has_the_plan(batch_dir):
    pdf = PdfReader((batch_dir / "phu-luc.pdf").read_bytes())
    assert pdf.page_text(0).startswith("KẾ HOẠCH TỔ CHỨC")
    assert "Kính gửi" not in pdf.all_text()
    word = DocxReader((batch_dir / "phu-luc.docx").read_bytes())
    assert word.text().startswith("KẾ HOẠCH TỔ CHỨC") and "Kính gửi" not in word.text()
    assert len(word.doc.sections) == 1


def test_a_copy_made_alone_in_a_fresh_process_is_byte_identical(batch_dir, example_dir):
    code = (
        "import sys\n"
        "from generator import load_dispatch\n"
        "from generator.batch.run import plan_outputs\n"
        "from generator.render.pdf import default_renderer\n"
        "from generator.render.docx import docx_from_view, issue_datetime\n"
        "d = load_dispatch(sys.argv[1])\n"
        "for view, outputs in plan_outputs(d, ['pdf', 'docx']):\n"
        "    for o in outputs:\n"
        "        if o.name in sys.argv[2:]:\n"
        "            data = (default_renderer().render(view, author=d.agency.name) if o.fmt == 'pdf'\n"
        "                    else docx_from_view(view, author=d.agency.name, when=issue_datetime(d)))\n"
        "            open(sys.argv[-1] + '.' + o.name, 'wb').write(data)\n"
    )
    out = batch_dir.parent / "alone"
    names = ["38-thanh-hoa.pdf", "95-bac-lieu.pdf", "38-thanh-hoa.docx"]
    subprocess.run([sys.executable, "-c", code, str(example_dir / "cong-van.yaml"), *names, str(out)],
                   check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    for name in names:
        assert (batch_dir.parent / f"alone.{name}").read_bytes() == (batch_dir / name).read_bytes(), name


def test_one_worker_and_two_workers_make_the_same_bytes(example_dir, batch_dir, tmp_path):
    serial = tmp_path / "serial"
    run_batch(load_dispatch(example_dir / "cong-van.yaml"), serial, formats=["pdf", "docx"], jobs=1)
    assert {n: b for n, (b, _) in _snapshot(serial).items()} == {n: b for n, (b, _) in _snapshot(batch_dir).items()}


def test_a_new_process_loads_weasyprint_beside_the_planning_to_the_same_bytes(example_dir, batch_dir, tmp_path):
    """A batch run as the command line runs it (a new process, two jobs): a forked process
    loads WeasyPrint while the batch is planned and makes the PDF copies in its workers;
    the batch's own process never loads it. The same bytes as the other ways; a run with
    nothing to make stops that process at once and leaves none behind."""
    code = (
        "import multiprocessing, sys\nfrom pathlib import Path\n"
        "from generator import load_dispatch\n"
        "from generator.batch.run import run_batch\n"
        "d = load_dispatch(sys.argv[1])\n"
        "first = run_batch(d, Path(sys.argv[2]), formats=['pdf', 'docx'], jobs=2)\n"
        "assert len(first.written) == 128, first.written\n"
        "assert 'weasyprint' not in sys.modules\n"
        "again = run_batch(d, Path(sys.argv[2]), formats=['pdf', 'docx'], jobs=2)\n"
        "assert not again.written and len(again.unchanged) == 128\n"
        "assert multiprocessing.active_children() == []\n"
    )
    folder = tmp_path / "fresh"
    proc = subprocess.run([sys.executable, "-c", code, str(example_dir / "cong-van.yaml"), str(folder)],
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert {n: b for n, (b, _) in _snapshot(folder).items()} == {n: b for n, (b, _) in _snapshot(batch_dir).items()}


def test_an_error_in_a_pdf_copy_made_beside_the_planning_is_reported(example_dir, tmp_path):
    templates = tmp_path / "mau"
    templates.mkdir()
    html = (ROOT / "templates" / "dispatch.html.j2").read_text(encoding="utf-8")
    (templates / "dispatch.html.j2").write_text(html.replace("{{ v.motto }}", "{{ v.motto }}{{ v.no_such_thing }}"),
                                                encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "--lang", "en", "batch", str(example_dir / "cong-van.yaml"),
         "--per-province", "--format", "pdf", "--jobs", "2", "--templates", str(templates),
         "--out", str(tmp_path / "copies")], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"Error: {templates / 'dispatch.html.j2'}:") and "no_such_thing" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not list((tmp_path / "copies").glob("*.pdf"))


def test_a_schedule_change_remakes_exactly_that_clusters_copies(example_dir, batch_dir, tmp_path):
    folder = tmp_path / "copies"
    shutil.copytree(batch_dir, folder, copy_function=shutil.copy2)
    before = _snapshot(folder)
    csv = example_dir / "ke-hoach.csv"
    original = csv.read_text(encoding="utf-8")
    try:
        csv.write_text(original.replace("5,Cụm 5,12/9/2022,30/9/2022", "5,Cụm 5,14/9/2022,28/9/2022"), encoding="utf-8")
        dispatch = load_dispatch(example_dir / "cong-van.yaml")
        dry = run_batch(dispatch, folder, formats=["pdf", "docx"], jobs=2, dry_run=True)
        assert _snapshot(folder) == before  # a dry run writes nothing
        result = run_batch(dispatch, folder, formats=["pdf", "docx"], jobs=2)
    finally:
        csv.write_text(original, encoding="utf-8")
    cluster5 = {"38-thanh-hoa", "40-nghe-an", "42-ha-tinh", "44-quang-binh", "45-quang-tri",
                "46-thua-thien-hue", "48-da-nang", "phu-luc"}
    expected = {f"{s}.{f}" for s in cluster5 for f in ("pdf", "docx")}
    after = _snapshot(folder)
    changed = {n for n in after if after[n][0] != before[n][0]}
    touched = {n for n in after if after[n][1] != before[n][1]}
    assert changed == expected
    assert touched == expected  # the others keep their bytes and their modification time
    assert {n for n, _ in result.written} == expected == {n for n, _ in dry.written}
    assert result.plan_changes == ["Cụm 5: 12/9/2022–30/9/2022 -> 14/9/2022–28/9/2022"]
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["plan_changes_text"] == result.plan_changes
    assert report["plan_changes"] == [{
        "cluster": "Cụm 5", "old": {"start": "2022-09-12", "end": "2022-09-30"},
        "new": {"start": "2022-09-14", "end": "2022-09-28"}, "provinces_added": [], "provinces_removed": []}]
    assert {w["file"] for w in report["written"]} == expected
    assert all(w["why"] == "changed: content" for w in report["written"])
    assert len(report["unchanged"]) == 128 - len(expected)
    text = (folder / "report.txt").read_text(encoding="utf-8")
    assert "Cụm 5: 12/9/2022–30/9/2022 -> 14/9/2022–28/9/2022" in text
    pdf = PdfReader((folder / "38-thanh-hoa.pdf").read_bytes())
    assert "từ ngày 14/9/2022 đến ngày 28/9/2022" in pdf.all_text()


def test_a_province_taken_out_of_the_plan_is_archived(example_dir, batch_dir, tmp_path):
    folder = tmp_path / "copies"
    shutil.copytree(batch_dir, folder, copy_function=shutil.copy2)
    old = (folder / "95-bac-lieu.pdf").read_bytes()
    csv = example_dir / "ke-hoach.csv"
    original = csv.read_text(encoding="utf-8")
    try:
        csv.write_text(original.replace(", Bạc Liêu", ""), encoding="utf-8")
        result = run_batch(load_dispatch(example_dir / "cong-van.yaml"), folder, formats=["pdf", "docx"], jobs=2)
    finally:
        csv.write_text(original, encoding="utf-8")
    assert not (folder / "95-bac-lieu.pdf").exists()
    assert (folder / "archive" / "95-bac-lieu.pdf").read_bytes() == old
    assert sorted(result.archived) == ["95-bac-lieu.docx", "95-bac-lieu.pdf"]
    assert "Bạc Liêu: removed from the plan (was in Cụm 10)" in result.plan_changes
    # every remaining copy says "62 địa phương" now: the count is computed from the plan
    assert len(result.written) == 126 and not result.unchanged
    assert "tại 62 địa phương" in PdfReader((folder / "96-ca-mau.pdf").read_bytes()).all_text()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert "95-bac-lieu.pdf" not in manifest["outputs"]


def test_an_edited_or_deleted_copy_is_made_again(batch_dir, example_dir, tmp_path):
    folder = tmp_path / "copies"
    shutil.copytree(batch_dir, folder, copy_function=shutil.copy2)
    (folder / "24-bac-giang.pdf").write_bytes(b"not a pdf")
    (folder / "27-bac-ninh.docx").unlink()
    result = run_batch(load_dispatch(example_dir / "cong-van.yaml"), folder, formats=["pdf", "docx"], jobs=1)
    assert dict(result.written) == {"24-bac-giang.pdf": "file changed since it was made",
                                    "27-bac-ninh.docx": "file missing"}
    assert (folder / "24-bac-giang.pdf").read_bytes() == (batch_dir / "24-bac-giang.pdf").read_bytes()


def test_batch_cli(example_dir, tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["batch", str(example_dir / "cong-van.yaml"), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "say --per-province" in result.output
    result = runner.invoke(cli, ["batch", str(example_dir / "cong-van.yaml"), "--per-province",
                                 "--format", "pdf", "--jobs", "2", "--out", str(tmp_path / "c"), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("would write 64, unchanged 0, would archive 0")
    assert not (tmp_path / "c").exists()


def test_print_files_start_every_copy_on_an_odd_page_and_are_remade_only_on_change(
        example_dir, batch_dir, tmp_path):
    from pypdf import PdfReader as Pypdf

    from generator.batch.run import run_print

    folder = tmp_path / "copies"
    shutil.copytree(batch_dir, folder, copy_function=shutil.copy2)
    dispatch = load_dispatch(example_dir / "cong-van.yaml")
    first = run_print(dispatch, folder, formats=["pdf", "docx"], index=True)
    assert [n for n, _ in first.written] == ["print/in-tat-ca.pdf", "print/in-tat-ca.docx"]
    # made side by side in two processes: the same bytes
    parallel = tmp_path / "parallel"
    shutil.copytree(batch_dir, parallel, copy_function=shutil.copy2)
    run_print(dispatch, parallel, formats=["pdf", "docx"], index=True, jobs=2)
    for name in ("in-tat-ca.pdf", "in-tat-ca.docx"):
        assert (parallel / "print" / name).read_bytes() == (folder / "print" / name).read_bytes(), name
    reader = Pypdf(folder / "print" / "in-tat-ca.pdf")
    marks = [o for o in reader.outline if o.title != "DANH SÁCH BẢN IN".capitalize()]
    starts = [reader.get_destination_page_number(o) for o in marks]
    assert len(starts) == 63  # the copies; the shared annex is printed with --annex-only
    assert marks[0].title == "Ủy ban nhân dân tỉnh Bắc Giang"
    assert all(s % 2 == 0 for s in starts)  # 0-based even = printed page 1, 3, 5…: a front side
    assert "Ủy ban nhân dân tỉnh Bắc Giang" in reader.pages[starts[0]].extract_text()
    assert "DANH SÁCH BẢN IN" in reader.pages[0].extract_text()
    word = DocxReader((folder / "print" / "in-tat-ca.docx").read_bytes())
    assert word.text().count("Kính gửi:") == 63
    stamps = {p.name: p.stat().st_mtime_ns for p in (folder / "print").iterdir()}
    again = run_print(dispatch, folder, formats=["pdf", "docx"], index=True)
    assert again.written == [] and sorted(again.unchanged) == sorted(f"print/{n}" for n in stamps)
    assert {p.name: p.stat().st_mtime_ns for p in (folder / "print").iterdir()} == stamps
    # a schedule change remakes the copies of one cluster, then both print files
    csv = example_dir / "ke-hoach.csv"
    original = csv.read_text(encoding="utf-8")
    try:
        csv.write_text(original.replace("7,Cụm 7,13/9/2022,23/9/2022", "7,Cụm 7,15/9/2022,23/9/2022"), encoding="utf-8")
        changed = load_dispatch(example_dir / "cong-van.yaml")
        run_batch(changed, folder, formats=["pdf", "docx"], jobs=2)
        third = run_print(changed, folder, formats=["pdf", "docx"], index=True)
    finally:
        csv.write_text(original, encoding="utf-8")
    assert dict(third.written) == {"print/in-tat-ca.pdf": "changed: copies", "print/in-tat-ca.docx": "changed: copies"}


def test_the_print_docx_pads_copies_by_the_runs_the_batch_recorded(example_dir, batch_dir, tmp_path, monkeypatch):
    """The batch keeps each PDF copy's runs of numbered pages in the manifest, and the print
    DOCX uses them without reading the PDFs; a manifest without them (an earlier version)
    has them read from the PDFs, to the same bytes."""
    from generator.batch import printing
    from generator.batch.run import run_print

    dispatch = load_dispatch(example_dir / "cong-van.yaml")
    manifest = json.loads((batch_dir / "manifest.json").read_text(encoding="utf-8"))
    pdfs = {n: e for n, e in manifest["outputs"].items() if n.endswith(".pdf")}
    assert pdfs["01-ha-noi.pdf"]["about"]["runs"] == [len(PdfReader((batch_dir / "01-ha-noi.pdf").read_bytes()).pages)]
    assert all("runs" not in e["about"] for n, e in manifest["outputs"].items() if n.endswith(".docx"))
    recorded = tmp_path / "recorded"
    shutil.copytree(batch_dir, recorded, copy_function=shutil.copy2)

    def unread(pdf):
        raise AssertionError("the print DOCX read a PDF for its page counts")

    with monkeypatch.context() as m:
        m.setattr(printing, "numbered_runs", unread)
        run_print(dispatch, recorded, formats=["docx"], index=False)
    earlier = tmp_path / "earlier"
    shutil.copytree(batch_dir, earlier, copy_function=shutil.copy2)
    for entry in manifest["outputs"].values():
        entry["about"].pop("runs", None)
    (earlier / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    run_print(dispatch, earlier, formats=["docx"], index=False)
    assert (earlier / "print" / "in-tat-ca.docx").read_bytes() == (recorded / "print" / "in-tat-ca.docx").read_bytes()


def test_annex_alone_n_times(batch_dir, example_dir, tmp_path):
    from pypdf import PdfReader as Pypdf

    from generator.batch.run import run_print

    folder = tmp_path / "copies"
    shutil.copytree(batch_dir, folder, copy_function=shutil.copy2)
    result = run_print(load_dispatch(example_dir / "cong-van.yaml"), folder, formats=["pdf"], annex_copies=5)
    assert [n for n, _ in result.written] == ["print/phu-luc-x5.pdf"]
    reader = Pypdf(folder / "print" / "phu-luc-x5.pdf")
    annex_pages = len(Pypdf(folder / "phu-luc.pdf").pages)
    assert len(reader.pages) == 5 * (annex_pages + annex_pages % 2)


def test_a_second_run_on_a_busy_folder_stops_with_a_message(example_dir, tmp_path):
    with holding_lock(tmp_path / "c") as holder:
        result = CliRunner().invoke(cli, ["batch", str(example_dir / "cong-van.yaml"), "--per-province",
                                          "--format", "pdf", "--out", str(tmp_path / "c")])
        assert result.exit_code == 3
        assert result.output.strip() == (f"Error: {tmp_path / 'c'} is being written by another congvan run "
                                         f"(pid {holder.pid}). Wait for it to finish, or choose another --out folder.")
        assert not list((tmp_path / "c").glob("*.pdf"))
    # the kernel freed the lock with the killed process: the folder is usable again
    from generator.batch.locking import folder_lock

    with folder_lock(tmp_path / "c"):
        pass
