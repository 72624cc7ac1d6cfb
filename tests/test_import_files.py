"""`congvan import` of a Word 97–2003 file, and of hostile files.

A .doc goes through LibreOffice headless; without LibreOffice the message says what to
do. Files that are not dispatches (too large, zip bombs, XML entity bombs, garbage)
are refused with one message and exit status 2, nothing is written, never a traceback.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from clerk_docx import EXPECTED, clerk_docx
from click.testing import CliRunner

from generator import load_dispatch


def _run(*args):
    from generator.cli import cli

    return CliRunner().invoke(cli, ["import", *map(str, args)])


def test_doc_goes_through_libreoffice(tmp_path):
    from libreoffice import convert

    doc = convert(clerk_docx(tmp_path / "cong-van.docx"), "doc", tmp_path / "doc")
    result = _run(doc, "--out", tmp_path / "out" / "cong-van.yaml")
    assert result.exit_code == 0, result.output
    model = load_dispatch(tmp_path / "out" / "cong-van.yaml")
    assert model.agency.name == "Sở Tài chính" and model.subject == EXPECTED["subject"]
    assert [d.text for d in model.body.directives] == [d["text"] for d in EXPECTED["directives"]]
    assert [c.provinces for c in model.annexes[0].plan.clusters] == [c["provinces"] for c in EXPECTED["clusters"]]


def test_doc_without_libreoffice_says_what_to_do(tmp_path, monkeypatch):
    import generator.importer.reading as reading

    monkeypatch.setattr(reading.shutil, "which", lambda name: None)
    doc = tmp_path / "cong-van.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    result = _run(doc, "--out", tmp_path / "cv.yaml")
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {doc}: a Word 97–2003 file (.doc) is converted with LibreOffice, which is not installed here. "
        "Install LibreOffice, or open the file in Word and save it as .docx, then import the .docx.\n")
    assert not (tmp_path / "cv.yaml").exists()


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def _docx_with(document_xml: bytes, tmp_path) -> bytes:
    """A valid DOCX (python-docx's own) with its document part replaced."""
    base = clerk_docx(tmp_path / "base.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    parts["word/document.xml"] = document_xml
    return _zip(parts)


def _refused(path, tmp_path, expected: str) -> None:
    out = tmp_path / "out" / "cv.yaml"
    result = _run(path, "--out", out)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and expected in result.output, result.output
    assert "Traceback" not in result.output and not out.parent.exists()


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path):
    from generator.importer.reading import MAX_IMPORT_BYTES

    big = tmp_path / "lon.docx"
    with big.open("wb") as f:
        f.truncate(MAX_IMPORT_BYTES + 1)  # sparse: nothing to read
    _refused(big, tmp_path, "more than the 20 MB a dispatch to import can be")


def test_a_zip_bomb_is_refused(tmp_path):
    bomb = tmp_path / "bom.docx"
    bomb.write_bytes(_docx_with(b"<" + b" " * 300_000_000 + b"/>", tmp_path))
    assert bomb.stat().st_size < 2_000_000
    _refused(bomb, tmp_path, "far more than a dispatch holds")


def test_xml_entities_are_not_expanded(tmp_path):
    laughs = b'<!ENTITY a0 "lollollollollollollollollollol">' + b"".join(
        b'<!ENTITY a%d "%s">' % (i, b"&a%d;" % (i - 1) * 10) for i in range(1, 10))
    xml = (b'<?xml version="1.0"?><!DOCTYPE w:document [' + laughs + b']>'
           b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
           b'<w:p><w:r><w:t>&a9;</w:t></w:r></w:p></w:body></w:document>')
    path = tmp_path / "cuoi.docx"
    path.write_bytes(_docx_with(xml, tmp_path))
    out = tmp_path / "out" / "cv.yaml"
    result = _run(path, "--out", out)
    assert "Traceback" not in result.output
    assert "lollol" not in result.output
    if out.exists():
        assert "lollol" not in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("name, data, expected", [
    ("rac.docx", b"PK\x03\x04 not a zip at all", "cannot be read as a DOCX"),
    ("rac.pdf", b"%PDF-1.7\n garbage", "cannot be read as a PDF"),
    ("rac.docx", b"hello", "not a PDF or DOCX file"),
])
def test_garbage_is_refused(name, data, expected, tmp_path):
    path = tmp_path / name
    path.write_bytes(data)
    _refused(path, tmp_path, expected)


def test_a_scanned_pdf_has_no_text_to_import(tmp_path):
    from PIL import Image

    scan = tmp_path / "ban-quet.pdf"
    Image.new("L", (827, 1169), 255).save(scan, "PDF", resolution=100)
    _refused(scan, tmp_path, "the file has no text to import (a scanned page is a picture of text)")


def test_a_tcvn3_file_is_converted_without_being_asked_and_the_report_says_so(tmp_path):
    """A file typed in .VnTime fonts is read as TCVN3 (a clerk of the web app has no option
    to give), the same as with --legacy-encoding tcvn3."""
    source = clerk_docx(tmp_path / "cong-van.docx", legacy=True)
    result = _run(source, "--out", tmp_path / "cv.yaml")
    assert result.exit_code == 0, result.output
    assert ("Warnings" in result.output and "the file is typed in old tcvn3 fonts: its text was converted to "
            "Unicode. Check the Vietnamese letters against the original.") in result.output
    asked = _run(source, "--out", tmp_path / "asked.yaml", "--legacy-encoding", "tcvn3")
    assert asked.exit_code == 0, asked.output
    assert (tmp_path / "cv.yaml").read_text(encoding="utf-8") == (tmp_path / "asked.yaml").read_text(
        encoding="utf-8").replace("asked-ke-hoach", "cv-ke-hoach")
    assert "Sở Tài chính" in (tmp_path / "cv.yaml").read_text(encoding="utf-8")
