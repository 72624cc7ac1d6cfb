"""Text that looks like markup stays text: HTML, CSS, Jinja and WordprocessingML print literally."""

from __future__ import annotations

import pytest
from docxread import DocxReader
from pdfread import PdfReader

HOSTILE = [
    '<img src="file:///etc/passwd">',
    "<style>body { display: none }</style>",
    "{{ 7*7 }}",
    "{% include 'dispatch.html.j2' %}",
    "</w:t></w:r><w:r><w:t>x",
    "&amp; &lt;b&gt;",
]


@pytest.mark.parametrize("text", HOSTILE, ids=["img", "style", "jinja-expr", "jinja-include", "wordml", "entities"])
def test_markup_in_a_field_is_printed_as_typed(second, text):
    from generator.render.docx import docx_bytes
    from generator.render.pdf import pdf_bytes

    body = second.body.model_copy(update={"opening": [f"Mở đầu {text} kết thúc."]})
    dispatch = second.model_copy(update={"body": body, "subject": f"thử {text}"})
    pdf = PdfReader(pdf_bytes(dispatch))
    assert f"Mở đầu {text} kết thúc." in pdf.all_text()
    assert pdf.pages[0].images == []  # no image was fetched
    assert "49" not in pdf.all_text().replace("0222", "")  # nothing was evaluated
    word = DocxReader(docx_bytes(dispatch))
    assert f"Mở đầu {text} kết thúc." in word.text()
    assert f"V/v thử {text}" in word.text()
    assert word.doc.element.body.xpath(".//w:drawing") == []
