"""Box 10b (issue 10 §5): the urgency stamps have the Decree's sizes, KHẨN 20 × 8 mm,
THƯỢNG KHẨN 40 × 8, HỎA TỐC 30 × 8 (spec §5), within 0.5 mm, text centred with room
around its tone marks, in congvan's PDF and in the PDF LibreOffice makes of its DOCX.

The frame is read as the outer extent of the red strokes on page 1 (pdfplumber).
"""

from __future__ import annotations

import pytest
from libreoffice import docx_to_pdfs
from pdfread import MM, PdfReader

SIZES = {"KHẨN": (20.0, 8.0), "THƯỢNG KHẨN": (40.0, 8.0), "HỎA TỐC": (30.0, 8.0), "HOẢ TỐC": (30.0, 8.0)}
KEYS = {"KHẨN": "khan", "THƯỢNG KHẨN": "thuong-khan", "HỎA TỐC": "hoa-toc", "HOẢ TỐC": "hoa-toc-cu"}


def is_red(colour) -> bool:
    return isinstance(colour, (tuple, list)) and len(colour) == 3 and colour[0] > 0.5 and colour[1] < 0.2


def frame(data: bytes, mark: str) -> dict[str, float]:
    """The red frame's box and its text's box on page 1, in mm."""
    pdf = PdfReader(data)
    page = pdf.pages[0]
    strokes = [o for o in page.rects + page.lines + page.curves
               if is_red(o.get("stroking_color")) or is_red(o.get("non_stroking_color"))]
    assert strokes, "no red frame on page 1"
    words = mark.split()
    chars = [c for c in page.chars if is_red(c.get("non_stroking_color")) and c["text"].strip()]
    assert "".join(c["text"] for c in chars) == "".join(words)
    return {
        "x0": min(o["x0"] for o in strokes) / MM, "x1": max(o["x1"] for o in strokes) / MM,
        "top": min(o["top"] for o in strokes) / MM, "bottom": max(o["bottom"] for o in strokes) / MM,
        "tx0": min(c["x0"] for c in chars) / MM, "tx1": max(c["x1"] for c in chars) / MM,
        "ttop": min(c["top"] for c in chars) / MM, "tbottom": max(c["bottom"] for c in chars) / MM,
    }


@pytest.fixture(scope="module")
def rendered(second, tmp_path_factory):
    from generator.render.docx import docx_bytes
    from generator.render.pdf import pdf_bytes

    pdfs, docxs = {}, {}
    for mark, key in KEYS.items():
        d = second.model_copy(update={"marks": second.marks.model_copy(update={"urgency": mark})})
        pdfs[key] = pdf_bytes(d)
        docxs[key] = docx_bytes(d)
    return pdfs, docx_to_pdfs(docxs, tmp_path_factory.mktemp("urgency-lo"))


@pytest.mark.parametrize("output", ["pdf", "libreoffice"])
@pytest.mark.parametrize("mark", SIZES)
def test_urgency_frame_has_the_decrees_size_and_centred_text(rendered, mark, output):
    data = rendered[0 if output == "pdf" else 1][KEYS[mark]]
    box = frame(data, mark)
    width, height = SIZES[mark]
    assert box["x1"] - box["x0"] == pytest.approx(width, abs=0.5), box
    assert box["bottom"] - box["top"] == pytest.approx(height, abs=0.5), box
    # Centred across; the tone marks (Ẩ, Ợ) stand clear of the top edge.
    assert (box["tx0"] + box["tx1"]) / 2 == pytest.approx((box["x0"] + box["x1"]) / 2, abs=0.5), box
    assert box["ttop"] - box["top"] >= 1.0, box
    assert box["bottom"] - box["tbottom"] >= 1.0, box
