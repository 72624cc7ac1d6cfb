"""Read a rendered DOCX the way Word shows it: paragraphs in order, their runs' formatting."""

from __future__ import annotations

import io
from dataclasses import dataclass

import docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from pdfread import norm


@dataclass
class Para:
    text: str
    size: float | None
    bold: bool
    italic: bool
    paragraph: Paragraph


class DocxReader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.doc = docx.Document(io.BytesIO(data))
        default = self.doc.styles["Normal"].font
        self._default_size = default.size.pt if default.size else None

    def paragraphs(self) -> list[Para]:
        """Every paragraph of the body, tables included, in reading order."""
        out = []
        for p in self.doc.element.body.iter(qn("w:p")):
            par = Paragraph(p, self.doc)
            runs = [r for r in par.runs if r.text.strip()]
            size = next((r.font.size.pt for r in runs if r.font.size), self._default_size)
            out.append(Para(norm(par.text), size, bool(runs) and all(r.font.bold for r in runs),
                            bool(runs) and all(r.font.italic for r in runs), par))
        return out

    def text(self) -> str:
        return " ".join(p.text for p in self.paragraphs() if p.text)

    def find(self, text: str) -> Para:
        wanted = norm(text)
        for p in self.paragraphs():
            if wanted in p.text:
                return p
        raise AssertionError(f"{text!r} not in the DOCX")

    def table(self, caption: str):
        for t in self.doc.tables:
            if t._tbl.xpath(f"./w:tblPr/w:tblCaption[@w:val='{caption}']"):
                return t
        raise AssertionError(f"no table captioned {caption!r}")

    def media(self) -> list[bytes]:
        import zipfile

        z = zipfile.ZipFile(io.BytesIO(self.data))
        return [z.read(n) for n in sorted(z.namelist()) if n.startswith("word/media/")]
