"""Small typography (issue 10 §7), read from the pages of congvan's PDF and of the PDF
LibreOffice makes of its DOCX: a QR caption never leaves one word alone on a line, and
the annex's reference line breaks before "của" or "ngày", never inside the agency's name.
"""

from __future__ import annotations

import pytest
from libreoffice import docx_to_pdfs
from pdfread import MM, PdfReader, norm

from generator.input.model import Agency, QRCode

CAPTIONS = {
    "example": None,  # "Tổ công nghệ số cộng đồng", "Kênh Zalo OA Chuyển đổi số quốc gia"
    "long": ["Cổng thông tin điện tử của Tổ công nghệ số cộng đồng", "Trang thông tin Chuyển đổi số quốc gia"],
}
AGENCY = "Cục Chuyển đổi số quốc gia"


def with_captions(example, captions):
    if captions is None:
        return example
    codes = [QRCode(caption=c, url=q.url) for c, q in zip(captions, example.qr_codes, strict=True)]
    return example.model_copy(update={"qr_codes": codes})


def with_reference(example):
    """The example issued by the Cục, numbered and dated: its reference line is long."""
    return example.model_copy(update={
        "agency": Agency(name=AGENCY, parent="Bộ Khoa học và Công nghệ"),
        "number": 123, "date": example.date.model_copy(update={"month": 9, "day": 5}),
    })


@pytest.fixture(scope="module")
def rendered(example, tmp_path_factory):
    from generator.render.docx import docx_bytes
    from generator.render.pdf import pdf_bytes

    ds = {k: with_captions(example, c) for k, c in CAPTIONS.items()}
    ds["reference"] = with_reference(example)
    pdfs = {k: pdf_bytes(d) for k, d in ds.items()}
    lo = docx_to_pdfs({k: docx_bytes(d) for k, d in ds.items()}, tmp_path_factory.mktemp("typography-lo"))
    return ds, pdfs, lo


def caption_lines(data: bytes) -> list[list[str]]:
    """Under each QR code, its caption's lines (text within the code's column)."""
    pdf = PdfReader(data)
    found = [(i, [im for im in page.images if abs((im["x1"] - im["x0"]) - 28 * MM) < 2 * MM])
             for i, page in enumerate(pdf.pages)]
    i, codes = next(((i, codes) for i, codes in found if codes), (None, []))
    assert codes, "no QR code on any page"
    out = []
    for im in sorted(codes, key=lambda im: im["x0"]):
        middle = (im["x0"] + im["x1"]) / 2
        lines = pdf.lines(i, (middle - 23 * MM, middle + 23 * MM))
        out.append([ln.text for ln in lines if im["bottom"] < ln.bottom < im["bottom"] + 20 * MM
                    and "Nơi nhận" not in ln.text and not ln.bold])
    return out


@pytest.mark.parametrize("output", ["pdf", "libreoffice"])
@pytest.mark.parametrize("key", CAPTIONS)
def test_no_caption_line_holds_a_single_word(rendered, key, output):
    ds, pdfs, lo = rendered
    captions = caption_lines((pdfs if output == "pdf" else lo)[key])
    assert [" ".join(c) for c in captions] == [q.caption for q in ds[key].qr_codes]
    for lines in captions:
        assert all(len(line.split()) >= 2 for line in lines), lines
        # "…Chuyển / đổi số quốc gia" was the other break the issue saw: names stay whole.
        if "Chuyển đổi số quốc gia" in " ".join(lines):
            assert any("Chuyển đổi số quốc gia" in line for line in lines), lines


def reference_lines(data: bytes) -> list[str]:
    pdf = PdfReader(data)
    for i in range(len(pdf.pages)):
        lines = [ln.text for ln in pdf.lines(i)]
        start = next((n for n, t in enumerate(lines) if t.startswith("(Kèm theo")), None)
        if start is not None:
            end = next(n for n in range(start, len(lines)) if lines[n].endswith(")"))
            return lines[start:end + 1]
    raise AssertionError("no reference line")


@pytest.mark.parametrize("output", ["pdf", "libreoffice"])
def test_reference_line_breaks_before_cua_or_ngay(rendered, output):
    ds, pdfs, lo = rendered
    lines = reference_lines((pdfs if output == "pdf" else lo)["reference"])
    assert len(lines) >= 2, lines
    assert all(line.split()[0] in ("của", "ngày") for line in lines[1:]), lines
    assert any(norm(AGENCY) in line for line in lines), lines
