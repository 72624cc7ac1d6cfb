"""Read a rendered PDF the way a reader does: text, positions, fonts, sizes, pixels."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pdfplumber

MM = 72 / 25.4  # points per millimetre


def norm(text: str) -> str:
    """Whitespace folded (NBSP included), as the tests compare text."""
    return " ".join(text.replace("\u00a0", " ").split())


@dataclass
class Line:
    """A run of characters on one baseline, with what a reader can measure of it."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    fonts: set[str]

    @property
    def bold(self) -> bool:
        return all("Bold" in f for f in self.fonts)

    @property
    def italic(self) -> bool:
        return all("Italic" in f for f in self.fonts)


class PdfReader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pdf = pdfplumber.open(io.BytesIO(data))
        self.pages = self.pdf.pages

    def page_text(self, i: int) -> str:
        return norm(self.pages[i].extract_text() or "")

    def all_text(self, pages: range | None = None) -> str:
        """Body text without page numbers (text in the top margin is left out)."""
        idx = pages if pages is not None else range(len(self.pages))
        parts = []
        for i in idx:
            page = self.pages[i]
            body = page.crop((0, 20 * MM, page.width, page.height))
            parts.append(body.extract_text() or "")
        return norm(" ".join(parts))

    def lines(self, i: int, x_range: tuple[float, float] | None = None) -> list[Line]:
        """Characters grouped into lines by baseline (and by column when ``x_range``)."""
        chars = [c for c in self.pages[i].chars if c["text"].strip() or c["text"] == " "]
        if x_range:
            chars = [c for c in chars if x_range[0] <= c["x0"] < x_range[1]]
        rows: dict[float, list[dict]] = {}
        for c in chars:
            key = round(c["bottom"], 0)
            rows.setdefault(key, []).append(c)
        out = []
        for _, cs in sorted(rows.items()):
            cs.sort(key=lambda c: c["x0"])
            if any(c["text"].strip() for c in cs):
                out.append(_line(cs))
        return out

    def find(self, i: int, text: str, x_range: tuple[float, float] | None = None) -> Line:
        """The line on page ``i`` (within ``x_range``) that contains ``text``."""
        wanted = norm(text)
        lines = self.lines(i, x_range)
        for line in lines:
            if wanted in line.text:
                return line
        raise AssertionError(f"{text!r} not found on page {i + 1}: {[ln.text for ln in lines]}")

    def tables(self, i: int) -> list[list[list[str | None]]]:
        """Ruled tables on page ``i``, cell text whitespace-normalised; ``None`` for a cell
        covered by a merged cell above or beside it."""
        return [
            [[None if cell is None else norm(cell) for cell in row] for row in table]
            for table in self.pages[i].extract_tables()
        ]

    def hlines(self, i: int) -> list[tuple[float, float, float]]:
        """Horizontal rules drawn on page ``i``: (x0, x1, y-top)."""
        page = self.pages[i]
        out = []
        for obj in page.lines + page.rects:
            if abs(obj["top"] - obj["bottom"]) < 2 and obj["x1"] - obj["x0"] > 5:
                out.append((obj["x0"], obj["x1"], obj["top"]))
        return out


def _line(chars: list[dict]) -> Line:
    text = "".join(c["text"] for c in chars)
    visible = [c for c in chars if c["text"].strip()]
    return Line(
        text=norm(text),
        x0=min(c["x0"] for c in visible),
        x1=max(c["x1"] for c in visible),
        top=min(c["top"] for c in visible),
        bottom=max(c["bottom"] for c in visible),
        size=round(max(c["size"] for c in visible), 2),
        fonts={re.sub(r"^[A-Z]{6}\+", "", c["fontname"]) for c in visible},
    )


def render_page_image(data: bytes, index: int, dpi: int = 200):
    """Page ``index`` as a PIL image, drawn by PDFium."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        return doc[index].render(scale=dpi / 72).to_pil()
    finally:
        doc.close()


def decode_qr(image) -> list[str]:
    import zxingcpp

    return sorted(r.text for r in zxingcpp.read_barcodes(image))
