"""How a rendered dispatch falls into pages, as a reader turning them sees it: the page
number printed at the top, the text that starts each page, and where the signature
block stands. Used on congvan's PDF and on the PDF LibreOffice makes of its DOCX."""

from __future__ import annotations

from dataclasses import dataclass

from pdfread import MM, Line, PdfReader, norm

#: Text whose bottom is above this (mm from the top edge) is in the top margin: the
#: page number (§1: 10 mm from the edge), never body text.
MARGIN = 17.0


@dataclass
class PageView:
    number: str  # the printed page number, "" when none
    lines: list[Line]  # the rest, top to bottom

    @property
    def start(self) -> str:
        """The first words of the page (the comparison allows for line grouping)."""
        return norm(self.lines[0].text)[:24] if self.lines else ""

    def index(self, text: str) -> int | None:
        wanted = norm(text)
        return next((i for i, line in enumerate(self.lines) if wanted in line.text), None)


def pages(data: bytes) -> list[PageView]:
    pdf = PdfReader(data)
    out = []
    for i in range(len(pdf.pages)):
        lines = pdf.lines(i)
        top = [line.text for line in lines if line.bottom < MARGIN * MM]
        out.append(PageView(" ".join(top), [line for line in lines if line.bottom >= MARGIN * MM]))
    return out


def signature_problems(data: bytes, closing: str, signer_name: str, qr_caption: str | None = None) -> list[str]:
    """What is wrong with where the signature block stands: the page that holds the
    signer's name must also hold Nơi nhận, the closing line, the QR codes (when given)
    and at least two lines of the body above the closing."""
    views = pages(data)
    where = [i for i, v in enumerate(views) if v.index(signer_name) is not None]
    if not where:
        return [f"the signer {signer_name!r} is on no page"]
    page = views[where[0]]
    problems = []
    closing_at = page.index(closing)
    if closing_at is None:
        problems.append(f"page {where[0] + 1}: the signer without the closing {closing!r}")
    else:
        body_lines = closing_at  # lines above the closing on its page
        if where[0] > 0 and body_lines < 2:
            problems.append(f"page {where[0] + 1}: {body_lines} line(s) of the body before the closing")
    if page.index("Nơi nhận:") is None:
        problems.append(f"page {where[0] + 1}: the signer without Nơi nhận")
    if qr_caption and page.index(qr_caption) is None:
        problems.append(f"page {where[0] + 1}: the signer without the QR codes")
    return problems
