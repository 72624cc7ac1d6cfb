"""Print files in volumes: more copies than ``--volume-size`` are split into
``print/in-tat-ca-tap-01.pdf``, ``…-tap-02.pdf``, each duplex-safe on its own and made
again only when a copy in it changed."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from docxread import DocxReader
from pypdf import PdfReader as Pypdf
from test_per_recipient import _example

from generator.batch.run import volume_names
from generator.cli import cli

ROWS = "STT,Kính gửi,Ngày tập huấn,Địa điểm\n" + "".join(
    f"{i},Ủy ban nhân dân xã Số {i},{i}/9/2025,Nhà văn hóa {i}\n" for i in range(1, 6))


def _run(*args):
    return CliRunner().invoke(cli, ["--lang", "en", *(str(a) for a in args)])


def _stamps(folder):
    return {p.name: p.stat().st_mtime_ns for p in (folder / "print").iterdir()}


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    yaml = _example(tmp_path_factory.mktemp("src"), ROWS)
    out = tmp_path_factory.mktemp("out") / "copies"
    result = _run("print", yaml, "--volume-size", "2", "--index", "--jobs", "2", "--out", out)
    assert result.exit_code == 0, result.output
    return yaml, out, result.output


def test_volume_names():
    assert volume_names(63, "pdf") == ["print/in-tat-ca.pdf"]
    assert volume_names(200, "docx") == ["print/in-tat-ca.docx"]
    assert volume_names(3321, "pdf")[::16] == ["print/in-tat-ca-tap-01.pdf", "print/in-tat-ca-tap-17.pdf"]
    assert len(volume_names(3321, "pdf")) == 17


def test_five_copies_in_volumes_of_two_each_duplex_safe(printed):
    _yaml, out, output = printed
    assert sorted(p.name for p in (out / "print").iterdir()) == [
        f"in-tat-ca-tap-0{k}.{f}" for k in (1, 2, 3) for f in ("docx", "pdf")]
    assert "print files: wrote print/in-tat-ca-tap-01.docx (new)" in output
    seen = []
    for k, expected in ((1, [1, 2]), (2, [3, 4]), (3, [5])):
        reader = Pypdf(out / "print" / f"in-tat-ca-tap-0{k}.pdf")
        marks = [o for o in reader.outline if o.title != "Danh sách bản in"]
        assert [o.title for o in marks] == [f"Ủy ban nhân dân xã Số {i}" for i in expected]
        starts = [reader.get_destination_page_number(o) for o in marks]
        assert all(s % 2 == 0 for s in starts), starts  # each copy on a front side
        assert "DANH SÁCH BẢN IN" in reader.pages[0].extract_text()  # each volume has its index
        for i, s in zip(expected, starts, strict=True):
            assert f"Kính gửi: Ủy ban nhân dân xã Số {i}" in reader.pages[s].extract_text().replace("\n", " ")
        word = DocxReader((out / "print" / f"in-tat-ca-tap-0{k}.docx").read_bytes()).text()
        assert word.count("Kính gửi:") == len(expected)
        seen += expected
    assert seen == [1, 2, 3, 4, 5]


def test_a_changed_row_remakes_only_its_volume(printed, tmp_path):
    yaml, out, _output = printed
    src, folder = tmp_path / "src", tmp_path / "copies"
    shutil.copytree(yaml.parent, src)
    shutil.copytree(out, folder, copy_function=shutil.copy2)
    before = _stamps(folder)
    same = _run("print", src / "cong-van.yaml", "--volume-size", "2", "--index", "--out", folder)
    assert same.exit_code == 0 and "print files: wrote nothing; unchanged 6" in same.output
    assert _stamps(folder) == before
    (src / "danh-sach.csv").write_text(ROWS.replace("3/9/2025", "30/9/2025"), encoding="utf-8")
    result = _run("print", src / "cong-van.yaml", "--volume-size", "2", "--index", "--out", folder)
    assert result.exit_code == 0, result.output
    assert ("print files: wrote print/in-tat-ca-tap-02.docx (changed: copies), print/in-tat-ca-tap-02.pdf "
            "(changed: copies); unchanged 4") in result.output
    after = _stamps(folder)
    assert {n for n in after if after[n] != before[n]} == {"in-tat-ca-tap-02.pdf", "in-tat-ca-tap-02.docx"}


def test_fewer_volumes_remove_the_print_files_no_longer_made(printed, tmp_path):
    yaml, out, _output = printed
    folder = tmp_path / "copies"
    shutil.copytree(out, folder, copy_function=shutil.copy2)
    result = _run("print", yaml, "--format", "pdf", "--volume-size", "200", "--out", folder)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (folder / "print").iterdir()) == [
        "in-tat-ca-tap-01.docx", "in-tat-ca-tap-02.docx", "in-tat-ca-tap-03.docx", "in-tat-ca.pdf"]
    assert len([o for o in Pypdf(folder / "print" / "in-tat-ca.pdf").outline]) == 5


def test_a_pdf_built_in_rounds_is_the_one_built_at_once(printed, monkeypatch):
    """The volumes of a large list are built a round of copies at a time (memory stays flat):
    the same pages, bookmarks and index as the PDF built from all copies at once."""
    from generator.batch import printing, volumes

    _yaml, out, _output = printed
    copies = [(f"Bản {i}", (out / name).read_bytes())
              for i, name in enumerate(sorted(
                  p.name for p in out.glob("*.pdf") if p.name != "phu-luc.pdf") * 3, 1)]
    monkeypatch.setattr(volumes, "ROUND", 4)  # rounds of 4 of the 15 copies
    rounds = volumes.print_pdf_in_rounds([c[0] for c in copies], lambda i: copies[i][1], index=True, title="T")
    at_once = printing.print_pdf(copies, index=True, title="T")
    a, b = Pypdf(_bytes(rounds)), Pypdf(_bytes(at_once))
    assert [p.extract_text() for p in a.pages] == [p.extract_text() for p in b.pages]
    assert [(o.title, a.get_destination_page_number(o)) for o in a.outline] == [
        (o.title, b.get_destination_page_number(o)) for o in b.outline]
    assert len(rounds) < 1.05 * len(at_once)  # fonts and images stored once across rounds too
    assert rounds == volumes.print_pdf_in_rounds([c[0] for c in copies], lambda i: copies[i][1], index=True,
                                                 title="T")


def _bytes(data):
    import io

    return io.BytesIO(data)
