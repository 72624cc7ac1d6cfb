"""The common form both readers produce and every rule reads.

Lengths are in millimetres from the page's top-left corner, sizes in points. What a
format cannot tell is ``None`` (a DOCX has no page numbers of lines, a PDF has no
margins, only where its text sits), and a rule that needs it says "not evaluated".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.errors import CongVanError

__all__ = ["CheckReadError", "Document", "HRule", "Line", "Numbering", "Section"]


class CheckReadError(CongVanError):
    """The file cannot be read as a PDF or a DOCX (exit status 2)."""

    exit_code = 2


@dataclass
class Line:
    """One line of text as a reader sees it (a PDF line segment, a DOCX paragraph line)."""

    text: str
    #: 0 for the dispatch, 1 for its first annex, …
    part: int
    #: Reading order in the file.
    order: int
    #: Lines with the same ``row`` key sit on one visual line (left and right columns).
    row: object
    #: Physical page (1-based) in a PDF; ``None`` in a DOCX.
    page: int | None = None
    x0: float | None = None
    x1: float | None = None
    #: Top of the line in mm (PDF only).
    y: float | None = None
    #: "body", "page-header" (top margin) or "page-footer".
    area: str = "body"
    fonts: frozenset[str] = frozenset()
    size: float | None = None
    sizes: frozenset[float] = frozenset()
    bold: bool | None = None
    italic: bool | None = None
    #: Colours of the text, "000000"-style hex; "auto" for the default (black).
    colors: frozenset[str] = frozenset()
    #: DOCX paragraph properties (``None`` in a PDF): alignment, indents (mm),
    #: spacing before/after (pt) and line spacing in lines.
    align: str | None = None
    first_indent: float | None = None
    left_indent: float | None = None
    space_before: float | None = None
    space_after: float | None = None
    line_spacing: float | None = None
    #: DOCX: an identifier of the paragraph (lines split at breaks share it) and of the
    #: table cell it sits in.
    para: object = None
    cell: object = None
    #: A horizontal rule drawn under this paragraph (DOCX border), length in mm and centre.
    rule_under: tuple[float, float] | None = None
    underlined: bool = False

    @property
    def centre(self) -> float | None:
        if self.x0 is None or self.x1 is None:
            return None
        return (self.x0 + self.x1) / 2


@dataclass
class HRule:
    """A horizontal rule drawn on a page (PDF), or a DOCX paragraph border."""

    part: int
    page: int | None
    x0: float
    x1: float
    y: float | None
    #: DOCX: the ``order`` of the line the rule follows.
    after: int | None = None

    @property
    def length(self) -> float:
        return self.x1 - self.x0

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Section:
    """A page geometry: a DOCX section, or a run of PDF pages of one part."""

    part: int
    width: float
    height: float
    #: Margins in mm; ``exact`` is False when estimated from where a PDF's text sits.
    top: float | None = None
    bottom: float | None = None
    left: float | None = None
    right: float | None = None
    exact: bool = True
    #: Sides whose estimate is only a bound (text may stop short of the margin).
    loose: set[str] = field(default_factory=set)
    has_table: bool | None = None
    where: str = ""

    @property
    def landscape(self) -> bool:
        return self.width > self.height


@dataclass
class Numbering:
    """What a part's page numbers look like."""

    part: int
    #: Pages in the part (PDF); ``None`` when unknown (DOCX).
    pages: int | None = None
    #: A number is shown on the part's first page.
    on_first: bool | None = None
    #: Numbers shown from page 2 on (``None``: cannot tell, e.g. a one-page part).
    shown: bool | None = None
    #: Numbers run 2, 3, … from the part's first page (restart in each annex).
    restarts: bool | None = None
    sequence_ok: bool | None = None
    centred: bool | None = None
    in_top_margin: bool | None = None
    sizes: frozenset[float] = frozenset()
    italic: bool | None = None
    found: str = ""


@dataclass
class Document:
    name: str
    kind: str  # "pdf" or "docx"
    lines: list[Line] = field(default_factory=list)
    rules: list[HRule] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    numbering: list[Numbering] = field(default_factory=list)
    #: Text area of the dispatch's first page (mm): left edge and width.
    text_left: float = 30.0
    text_width: float = 165.0
    #: Shapes and text boxes the reader saw but cannot measure (DOCX drawings, frames),
    #: each with the ``order`` of the line before it and what it is.
    shapes: list[tuple[int, str]] = field(default_factory=list)
    producer: str = ""

    def part_lines(self, part: int, area: str = "body") -> list[Line]:
        return [ln for ln in self.lines if ln.part == part and ln.area == area]

    @property
    def parts(self) -> list[int]:
        return sorted({ln.part for ln in self.lines} | {0})

    def column(self, line: Line) -> str | None:
        """ "left" or "right" half of the text area, ``None`` for full width or unknown."""
        c = line.centre
        if c is None:
            return None
        rel = (c - self.text_left) / self.text_width
        if rel < 0.45:
            return "left"
        if rel > 0.55:
            return "right"
        return None
