"""The signature never stands alone (issue 10 §2): whatever the body's length, the page
that holds the signer also holds Nơi nhận, the closing line, the QR codes and at least
two lines of the body, in congvan's PDF and in the DOCX as LibreOffice lays it out
(``w:keepNext`` chains and ``w:widowControl``; CSS ``break-after: avoid``,
``break-inside: avoid``, ``orphans``/``widows``).

The example and the second dispatch are lengthened a line or two at a time, so one of
the variants fills page 1 or 2 to just above the signature block.
"""

from __future__ import annotations

import pytest
from libreoffice import docx_to_pdfs
from pageflow import signature_problems

#: One more sentence in the body: about two lines at 14 pt.
SENTENCE = ("Các đơn vị tổng hợp kết quả triển khai, đánh giá khả năng hoàn thành các chỉ tiêu "
            "và gửi báo cáo theo đúng thời hạn quy định.")
SHORT = "Các đơn vị báo cáo kết quả đúng hạn."


def lengthened(dispatch, extra: list[str]):
    body = dispatch.body.model_copy(update={"opening": list(dispatch.body.opening) + extra})
    return dispatch.model_copy(update={"body": body})


def variants(example, second) -> dict[str, object]:
    out = {}
    for n in range(0, 4):
        for m in range(0, 2):
            out[f"example+{n}x2+{m}x1"] = lengthened(example, [SENTENCE] * n + [SHORT] * m)
    for n in range(6, 11):
        out[f"second+{n}x2"] = lengthened(second, [SENTENCE] * n)
        out[f"second+{n}x2+1"] = lengthened(second, [SENTENCE] * n + [SHORT])
    return out


@pytest.fixture(scope="module")
def rendered(example, second, tmp_path_factory):
    from generator.render.docx import docx_bytes
    from generator.render.pdf import pdf_bytes

    dispatches = variants(example, second)
    pdfs = {k: pdf_bytes(d) for k, d in dispatches.items()}
    docxs = {k: docx_bytes(d) for k, d in dispatches.items()}
    return dispatches, pdfs, docx_to_pdfs(docxs, tmp_path_factory.mktemp("breaks-lo"))


def _problems(dispatch, data: bytes) -> list[str]:
    caption = dispatch.qr_codes[0].caption.split()[0] if dispatch.qr_codes else None
    return signature_problems(data, dispatch.body.closing, dispatch.signer.name, caption)


def test_pdf_never_leaves_the_signature_alone(rendered):
    dispatches, pdfs, _ = rendered
    problems = {k: p for k, d in dispatches.items() if (p := _problems(d, pdfs[k]))}
    assert problems == {}


def test_libreoffice_never_leaves_the_signature_alone(rendered):
    dispatches, _, libreoffice = rendered
    problems = {k: p for k, d in dispatches.items() if (p := _problems(d, libreoffice[k]))}
    assert problems == {}
