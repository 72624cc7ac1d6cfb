"""Read a DOCX into lines with python-docx, resolving each run's effective formatting.

Word shows a run with the formatting set on the run, else its character style, else
its paragraph's style (and the styles it is based on), else the document defaults;
theme fonts come from the theme part. Paragraphs are split at line breaks into lines
and at tabs into segments (a header laid out with tabs), and each gets an estimated
horizontal position from the page margins, table columns, indents, alignment, tab
stops and the width of its text in Times New Roman metrics. A DOCX does not say on
which page a line falls, so ``page`` and ``y`` stay ``None``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from generator.check.doc import CheckReadError, Document, HRule, Line, Numbering, Section
from generator.check.pdf_reader import ANNEX_START
from generator.i18n import _

__all__ = ["read_docx"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TWIP_MM = 25.4 / 1440
_PAGE_FIELD = re.compile(r"(^|\s)PAGE(\s|\\|$)")


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _on(el: Any) -> bool | None:
    """A toggle property (w:b, w:i …): None when absent."""
    if el is None:
        return None
    val = el.get(q("val"))
    return val not in ("0", "false", "off", "none")


def _twips(el: Any, attr: str) -> float | None:
    if el is None:
        return None
    v = el.get(q(attr))
    if v is None:
        return None
    try:
        return float(v)
    except ValueError:
        return None


class _Styles:
    """Effective run and paragraph properties through styles and document defaults."""

    def __init__(self, document: Any) -> None:
        root = document.styles.element
        self.by_id = {s.get(q("styleId")): s for s in root.findall(q("style"))}
        self.default_para = next(
            (
                s.get(q("styleId"))
                for s in root.findall(q("style"))
                if s.get(q("type")) == "paragraph" and _on(s) is not False and s.get(q("default")) in ("1", "true")
            ),
            None,
        )
        defaults = root.find(q("docDefaults"))
        self.r_default = defaults.find(f"{q('rPrDefault')}/{q('rPr')}") if defaults is not None else None
        self.p_default = defaults.find(f"{q('pPrDefault')}/{q('pPr')}") if defaults is not None else None
        self.theme = _theme_fonts(document)

    def chain(self, style_id: str | None) -> list[Any]:
        out, seen = [], set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            out.append(style)
            based = style.find(q("basedOn"))
            style_id = based.get(q("val")) if based is not None else None
        return out

    def run_sources(self, run: Any, para_style: str | None) -> list[Any]:
        """rPr elements from the most to the least specific."""
        out = []
        rpr = run.find(q("rPr"))
        if rpr is not None:
            out.append(rpr)
            rstyle = rpr.find(q("rStyle"))
            if rstyle is not None:
                out += [s.find(q("rPr")) for s in self.chain(rstyle.get(q("val")))]
        out += [s.find(q("rPr")) for s in self.chain(para_style)]
        out.append(self.r_default)
        return [x for x in out if x is not None]

    def para_sources(self, p: Any) -> tuple[list[Any], str | None]:
        ppr = p.find(q("pPr"))
        style_id = None
        if ppr is not None and ppr.find(q("pStyle")) is not None:
            style_id = ppr.find(q("pStyle")).get(q("val"))
        style_id = style_id or self.default_para
        out = [ppr] + [s.find(q("pPr")) for s in self.chain(style_id)] + [self.p_default]
        return [x for x in out if x is not None], style_id


def _first(sources: list[Any], tag: str) -> Any:
    for s in sources:
        el = s.find(q(tag))
        if el is not None:
            return el
    return None


def _attr(sources: list[Any], tag: str, attrs: tuple[str, ...]) -> float | None:
    """The first source that sets one of ``attrs`` on ``tag`` wins (Word merges by attribute)."""
    for s in sources:
        el = s.find(q(tag))
        if el is None:
            continue
        for a in attrs:
            v = _twips(el, a)
            if v is not None:
                return v
    return None


def _theme_fonts(document: Any) -> dict[str, str]:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    try:
        part = document.part.part_related_by(RT.THEME)
        root = etree.fromstring(part.blob)
    except Exception:
        return {}
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    out = {}
    for kind in ("major", "minor"):
        latin = root.find(f".//{a}{kind}Font/{a}latin")
        if latin is not None and latin.get("typeface"):
            out[kind] = latin.get("typeface")
    return out


class _Run:
    __slots__ = ("text", "font", "size", "bold", "italic", "color", "underline")

    def __init__(
        self, text: str, font: str, size: float | None, bold: bool, italic: bool, color: str, underline: bool
    ) -> None:
        self.text, self.font, self.size, self.bold, self.italic = text, font, size, bold, italic
        self.color, self.underline = color, underline


def read_docx(data: bytes, name: str) -> Document:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise CheckReadError(_("{file}: cannot be read as a DOCX ({reason})", file=name, reason=exc)) from None
    try:
        return _Reader(document, name).read()
    except CheckReadError:
        raise
    except Exception as exc:
        raise CheckReadError(_("{file}: cannot be read as a DOCX ({reason})", file=name, reason=exc)) from None


class _Reader:
    def __init__(self, document: Any, name: str) -> None:
        self.document = document
        self.styles = _Styles(document)
        self.doc = Document(name=name, kind="docx")
        body = document.element.body
        self.sect_prs = list(body.iter(q("sectPr")))
        self.section = 0
        self.order = 0
        self.breaks: set[int] = {0}
        settings = document.settings.element.find(q("defaultTabStop"))
        self.default_tab = (_twips(settings, "val") or 720) * TWIP_MM
        self.section_tables: dict[int, bool] = {}
        self.tables = 0
        self.paragraphs = 0

    # -- geometry -------------------------------------------------------------------
    def _page(self, index: int) -> tuple[float, float, float, float, float, float]:
        """width, height, top, bottom, left, right of section ``index`` (mm)."""
        sp = self.sect_prs[min(index, len(self.sect_prs) - 1)] if self.sect_prs else None
        size = sp.find(q("pgSz")) if sp is not None else None
        mar = sp.find(q("pgMar")) if sp is not None else None
        w = (_twips(size, "w") or 11906) * TWIP_MM
        h = (_twips(size, "h") or 16838) * TWIP_MM
        vals = [(_twips(mar, k) if mar is not None else None) for k in ("top", "bottom", "left", "right")]
        t, b, left, r = (abs(v) * TWIP_MM if v is not None else 25.4 for v in vals)
        return w, h, t, b, left, r

    def read(self) -> Document:
        body = self.document.element.body
        w, _h, _t, _b, left, right = self._page(0)
        self.doc.text_left, self.doc.text_width = left, w - left - right
        self._block(body, None, 0)
        self._assign_parts()
        self._sections()
        self._headers()
        return self.doc

    def _container(self) -> tuple[float, float]:
        w, _h, _t, _b, left, right = self._page(self.section)
        return left, w - right

    def _block(self, parent: Any, box: tuple[float, float] | None, depth: int, cell: object = None) -> None:
        for child in parent:
            if child.tag == q("p"):
                self._paragraph(child, box or self._container(), cell)
            elif child.tag == q("tbl"):
                if _data_table(child):
                    self.section_tables[self.section] = True
                self._table(child, box or self._container(), depth)
            elif child.tag == q("sdt"):
                content = child.find(q("sdtContent"))
                if content is not None:
                    self._block(content, box, depth, cell)

    def _table(self, tbl: Any, box: tuple[float, float], depth: int) -> None:
        grid = [(_twips(g, "w") or 0) * TWIP_MM for g in tbl.findall(f"{q('tblGrid')}/{q('gridCol')}")]
        tpr = tbl.find(q("tblPr"))
        indent = (
            (_twips(tpr.find(q("tblInd")), "w") or 0) * TWIP_MM
            if tpr is not None and tpr.find(q("tblInd")) is not None
            else 0
        )
        jc = tpr.find(q("jc")) if tpr is not None else None
        total = sum(grid)
        x = box[0] + indent
        if jc is not None and jc.get(q("val")) == "center" and total:
            x = (box[0] + box[1]) / 2 - total / 2
        # Counters, not id(): lxml's element proxies come and go, and ids are reused.
        self.tables += 1
        tid = self.tables
        for r, tr in enumerate(tbl.findall(q("tr"))):
            col = 0
            for c, tc in enumerate(tr.findall(q("tc"))):
                tcpr = tc.find(q("tcPr"))
                span = 1
                if tcpr is not None and tcpr.find(q("gridSpan")) is not None:
                    span = int(_twips(tcpr.find(q("gridSpan")), "val") or 1)
                tcw = tcpr.find(q("tcW")) if tcpr is not None else None
                if tcw is not None and tcw.get(q("type")) in (None, "dxa") and _twips(tcw, "w"):
                    # The width set on the cells (what python-docx and Word set), else the grid.
                    widths = [
                        (_twips(c2.find(f"{q('tcPr')}/{q('tcW')}"), "w") or 0) * TWIP_MM for c2 in tr.findall(q("tc"))
                    ]
                    x0 = x + sum(widths[:c])
                    x1 = x0 + widths[c]
                elif grid:
                    x0 = x + sum(grid[:col])
                    x1 = x + sum(grid[: col + span])
                else:
                    n = len(tr.findall(q("tc")))
                    x0 = box[0] + (box[1] - box[0]) * c / n
                    x1 = box[0] + (box[1] - box[0]) * (c + 1) / n
                col += span
                self._block(tc, (x0, x1), depth + 1, cell=(tid, r, c))

    # -- paragraphs -----------------------------------------------------------------
    def _paragraph(self, p: Any, box: tuple[float, float], cell: object) -> None:
        sources, style_id = self.styles.para_sources(p)
        ppr = p.find(q("pPr"))
        if ppr is not None and _on(ppr.find(q("pageBreakBefore"))):
            self.breaks.add(self.order)
        jc_el = _first(sources, "jc")
        align = jc_el.get(q("val")) if jc_el is not None else "left"
        align = {"start": "left", "end": "right", "both": "justify", "distribute": "justify"}.get(align, align)
        left = (_attr(sources, "ind", ("left", "start")) or 0) * TWIP_MM
        right = (_attr(sources, "ind", ("right", "end")) or 0) * TWIP_MM
        first = _attr(sources, "ind", ("firstLine",))
        hanging = _attr(sources, "ind", ("hanging",))
        first_mm = -(hanging or 0) * TWIP_MM if hanging else (first or 0) * TWIP_MM
        before = _attr(sources, "spacing", ("before",))
        after = _attr(sources, "spacing", ("after",))
        line_val = _attr(sources, "spacing", ("line",))
        rule_el = None
        for s in sources:
            sp = s.find(q("spacing"))
            if sp is not None and sp.get(q("lineRule")):
                rule_el = sp.get(q("lineRule"))
                break
        tabs = self._tabs(sources)
        runs = list(self._runs(p, style_id))
        x0c, x1c = box[0] + left, box[1] - right
        self.paragraphs += 1
        pid = self.paragraphs
        border = self._border(sources)
        text_lines = _split(runs)
        made: list[Line] = []
        for li, segments in enumerate(text_lines):
            x = x0c + (first_mm if li == 0 else 0)
            for si, seg in enumerate(segments):
                text = " ".join("".join(r.text for r in seg).replace("\u00a0", " ").split())
                visible = [r for r in seg if r.text.strip()]
                size = max((r.size for r in visible if r.size), default=None)
                width = _width(visible, text)
                if si == 0:
                    if align == "center" and len(segments) == 1:
                        sx0 = max(x0c, (x0c + x1c) / 2 - width / 2)
                    elif align == "right" and len(segments) == 1:
                        sx0 = max(x0c, x1c - width)
                    else:
                        sx0 = x
                else:
                    sx0 = self._tab_x(tabs, box[0], x, width)
                sx1 = min(sx0 + width, x1c) if width else sx0
                x = sx1
                if not text:
                    continue
                line = Line(
                    text=text,
                    part=0,
                    order=self.order,
                    row=(cell, pid, li),
                    x0=sx0,
                    x1=sx1,
                    fonts=frozenset(r.font for r in visible),
                    size=size,
                    sizes=frozenset(r.size for r in visible if r.size),
                    bold=all(r.bold for r in visible),
                    italic=all(r.italic for r in visible),
                    colors=frozenset(r.color for r in visible),
                    align=align,
                    first_indent=first_mm if li == 0 and si == 0 else 0.0,
                    left_indent=left,
                    space_before=before / 20 if before is not None else 0.0,
                    space_after=after / 20 if after is not None else 0.0,
                    line_spacing=_line_spacing(line_val, rule_el, size),
                    para=pid,
                    cell=cell,
                    underlined=bool(visible) and all(r.underline for r in visible),
                )
                line.section = self.section  # type: ignore[attr-defined]
                self.doc.lines.append(line)
                made.append(line)
                self.order += 1
        if border is not None:
            kind, _ = border
            above = made[-1] if made and kind == "bottom" else self._previous_line()
            if above is not None:
                self.doc.rules.append(HRule(0, None, x0c, x1c, None, after=above.order))
        for el in p.iter():
            if el.tag in (q("drawing"), q("pict")) or el.tag.endswith("}AlternateContent"):
                self.doc.shapes.append((self.order - 1, el.tag.split("}")[-1]))
                break
            if el.tag == q("br") and el.get(q("type")) == "page":
                self.breaks.add(self.order)
        if ppr is not None and ppr.find(q("sectPr")) is not None:
            self.section += 1
            self.breaks.add(self.order)
        if ppr is not None and ppr.find(q("framePr")) is not None:
            self.doc.shapes.append((self.order - 1, "frame"))

    def _previous_line(self) -> Line | None:
        return self.doc.lines[-1] if self.doc.lines else None

    def _border(self, sources: list[Any]) -> tuple[str, float] | None:
        for s in sources:
            bdr = s.find(q("pBdr"))
            if bdr is None:
                continue
            for kind in ("bottom", "top"):
                el = bdr.find(q(kind))
                if el is not None and el.get(q("val")) not in (None, "nil", "none"):
                    return kind, 0.0
            return None
        return None

    def _tabs(self, sources: list[Any]) -> list[tuple[float, str]]:
        out: list[tuple[float, str]] = []
        for s in reversed(sources):
            tabs = s.find(q("tabs"))
            if tabs is None:
                continue
            for t in tabs.findall(q("tab")):
                pos = (_twips(t, "pos") or 0) * TWIP_MM
                val = t.get(q("val"))
                out = [x for x in out if abs(x[0] - pos) > 0.1]
                if val != "clear":
                    out.append((pos, val or "left"))
        return sorted(out)

    def _tab_x(self, tabs: list[tuple[float, str]], origin: float, x: float, width: float) -> float:
        for pos, kind in tabs:
            at = origin + pos
            start = {"center": at - width / 2, "right": at - width}.get(kind, at)
            if start >= x - 0.5:
                return start
        step = self.default_tab
        k = int((x - origin) / step) + 1
        return origin + k * step

    def _runs(self, p: Any, style_id: str | None) -> Iterator[_Run]:
        for r in p.iter(q("r")):
            anc = r.getparent()
            skip = False
            while anc is not None and anc is not p:
                if anc.tag in (q("del"), q("txbxContent")) or anc.tag.endswith("}txbxContent"):
                    skip = True
                    break
                anc = anc.getparent()
            if skip:
                continue
            text = []
            for child in r:
                if child.tag == q("t"):
                    text.append(child.text or "")
                elif child.tag == q("tab"):
                    text.append("\t")
                elif child.tag in (q("br"), q("cr")):
                    text.append("\n")
                elif child.tag == q("noBreakHyphen"):
                    text.append("-")
            if not text:
                continue
            yield self._format(r, "".join(text), style_id)

    def _format(self, r: Any, text: str, style_id: str | None) -> _Run:
        sources = self.styles.run_sources(r, style_id)

        def toggle(tag: str) -> bool:
            el = _first(sources, tag)
            return bool(_on(el)) if el is not None else False

        size_el = _first(sources, "sz")
        size = (_twips(size_el, "val") or 0) / 2 if size_el is not None else 10.0
        font = "?"
        for s in sources:
            rf = s.find(q("rFonts"))
            if rf is None:
                continue
            name = rf.get(q("ascii")) or rf.get(q("hAnsi"))
            theme = rf.get(q("asciiTheme")) or rf.get(q("hAnsiTheme"))
            if theme:
                font = self.styles.theme.get("major" if theme.startswith("major") else "minor", theme)
                break
            if name:
                font = name
                break
        else:
            font = "Times New Roman"  # Word's default when nothing names a font
        color_el = _first(sources, "color")
        color = "auto"
        if color_el is not None:
            theme = color_el.get(q("themeColor"))
            val = (color_el.get(q("val")) or "auto").lower()
            color = "auto" if theme in ("text1", "dark1") else (f"theme:{theme}" if theme and val == "auto" else val)
        u = _first(sources, "u")
        underline = u is not None and u.get(q("val")) not in (None, "none", "0")
        if toggle("caps"):
            text = text.upper()
        return _Run(text, font, size, toggle("b"), toggle("i"), color, underline)

    # -- parts, sections, page numbers ----------------------------------------------
    def _assign_parts(self) -> None:
        lines = self.doc.lines
        starts = []
        for b in sorted(self.breaks):
            ahead = [ln for ln in lines if ln.order >= b][:4]
            if any(ANNEX_START.match(ln.text) for ln in ahead):
                starts.append(b)
        part = 0
        for ln in lines:
            while part < len(starts) and ln.order >= starts[part]:
                part += 1
            ln.part = part
        for r in self.doc.rules:
            r.part = next((ln.part for ln in lines if ln.order == r.after), 0)

    def _sections(self) -> None:
        for i, _sp in enumerate(self.sect_prs or [None]):
            w, h, t, b, left, right = self._page(i)
            on = [ln for ln in self.doc.lines if getattr(ln, "section", 0) == i]
            part = on[0].part if on else (self.doc.sections[-1].part if self.doc.sections else 0)
            self.doc.sections.append(
                Section(
                    part=part,
                    width=w,
                    height=h,
                    top=t,
                    bottom=b,
                    left=left,
                    right=right,
                    exact=True,
                    has_table=self.section_tables.get(i, False),
                    where=_("section {n}", n=i + 1),
                )
            )

    def _headers(self) -> None:
        sections = list(self.document.sections)
        parts_seen: set[int] = set()
        for i, section in enumerate(sections):
            sec = self.doc.sections[i] if i < len(self.doc.sections) else None
            part = sec.part if sec else 0
            sp = section._sectPr
            title_pg = section.different_first_page_header_footer
            default_h = (
                _page_field(section.header, self)
                if not section.header.is_linked_to_previous or i
                else _page_field(section.header, self)
            )
            first_h = _page_field(section.first_page_header, self) if title_pg else None
            default_f = _page_field(section.footer, self)
            first_f = _page_field(section.first_page_footer, self) if title_pg else None
            for story, area in (
                (section.header, "page-header"),
                (section.footer, "page-footer"),
                (section.first_page_header, "page-header"),
                (section.first_page_footer, "page-footer"),
            ):
                if story.is_linked_to_previous and i:
                    continue
                for para in story.paragraphs:
                    for run in para.runs:
                        if run.text.strip():
                            f = self._format(run._r, run.text, para.style.style_id if para.style is not None else None)
                            self.doc.lines.append(
                                Line(
                                    text=run.text.strip(),
                                    part=part,
                                    order=-1,
                                    row=None,
                                    area=area,
                                    fonts=frozenset([f.font]),
                                    size=f.size,
                                    sizes=frozenset([f.size] if f.size else []),
                                    bold=f.bold,
                                    italic=f.italic,
                                    colors=frozenset([f.color]),
                                )
                            )
            if part in parts_seen:
                continue
            parts_seen.add(part)
            num = Numbering(part=part)
            shown = default_h or default_f
            num.on_first = bool(first_h or first_f) if title_pg else bool(shown)
            num.shown = bool(shown) if shown else None
            num.in_top_margin = bool(default_h) if shown else None
            if shown:
                num.centred = shown["centred"]
                num.sizes = frozenset(shown["sizes"])
                num.italic = shown["italic"]
            pg = sp.find(q("pgNumType"))
            start = _twips(pg, "start") if pg is not None else None
            fmt = pg.get(q("fmt")) if pg is not None else None
            if part == 0:
                num.restarts = start in (None, 1)
            else:
                starts_section = any(s.part == part for s in self.doc.sections[: i + 1]) and (
                    i == 0 or self.doc.sections[i - 1].part != part
                )
                num.restarts = bool(starts_section and start == 1)
            num.sequence_ok = fmt in (None, "decimal") and num.restarts
            bits = []
            if default_h:
                bits.append(_("PAGE field in the header"))
            if default_f:
                bits.append(_("PAGE field in the footer"))
            if title_pg:
                bits.append(_("first page: {what}", what=_("number shown") if num.on_first else _("no number")))
            elif shown:
                bits.append(_("no different first page"))
            if start is not None:
                bits.append(_("starts at {n}", n=int(start)))
            num.found = "; ".join(bits) or _("no page number field")
            self.doc.numbering.append(num)


def _page_field(story: Any, reader: _Reader) -> dict[str, Any] | None:
    """The paragraph holding a PAGE field in a header or footer: alignment, sizes, slant."""
    el = story._element
    for p in el.iter(q("p")):
        instr = " ".join(
            [t.text or "" for t in p.iter(q("instrText"))] + [f.get(q("instr")) or "" for f in p.iter(q("fldSimple"))]
        )
        if not _PAGE_FIELD.search(instr.upper()):
            continue
        sources, style_id = reader.styles.para_sources(p)
        jc = _first(sources, "jc")
        align = jc.get(q("val")) if jc is not None else "left"
        centred = align == "center"
        if not centred:
            tabs = reader._tabs(sources)
            centred = any(kind == "center" for _pos, kind in tabs) and "\t" in "".join(
                "\t" for _t in p.iter(q("tab")) if _t.getparent().tag == q("r")
            )
        runs = [r for r in p.iter(q("r"))]
        formats = [reader._format(r, "1", style_id) for r in runs] or [reader._format(p, "1", style_id)]
        return {
            "centred": centred,
            "sizes": {f.size for f in formats if f.size},
            "italic": any(f.italic for f in formats),
        }
    return None


def _data_table(tbl: Any) -> bool:
    """A table of data (ruled, or of three rows or more), not a borderless layout grid nor
    a one-cell frame (the urgency mark's box). Only the table's own rows and borders count:
    a frame nested in a layout grid does not make the grid a data table."""
    rows = tbl.findall(q("tr"))
    if len(rows) >= 3:
        return True
    cells = [tc for tr in rows for tc in tr.findall(q("tc"))]
    if len(cells) <= 1:
        return False
    own = [tbl.find(f"{q('tblPr')}/{q('tblBorders')}")]
    own += [tc.find(f"{q('tcPr')}/{q('tcBorders')}") for tc in cells]
    for borders in own:
        if borders is not None and any(b.get(q("val")) not in (None, "nil", "none") for b in borders):
            return True
    return False


def _split(runs: list[_Run]) -> list[list[list[_Run]]]:
    """Runs cut at line breaks (lines) and tabs (segments)."""
    lines: list[list[list[_Run]]] = [[[]]]
    for r in runs:
        parts = re.split(r"(\n|\t)", r.text)
        for piece in parts:
            if piece == "\n":
                lines.append([[]])
            elif piece == "\t":
                lines[-1].append([])
            elif piece:
                lines[-1][-1].append(_Run(piece, r.font, r.size, r.bold, r.italic, r.color, r.underline))
    return lines


def _width(runs: list[_Run], text: str) -> float:
    from generator.render.fonts import text_width_mm

    if not runs:
        return 0.0
    size = max((r.size for r in runs if r.size), default=12.0)
    try:
        return text_width_mm(text, size, bold=all(r.bold for r in runs), italic=all(r.italic for r in runs))
    except Exception:
        return len(text) * size * 0.5 * 25.4 / 72


def _line_spacing(val: float | None, rule: str | None, size: float | None) -> float | None:
    """Line spacing in lines ("single" = 1)."""
    if val is None:
        return 1.0
    if rule in (None, "auto"):
        return val / 240
    if size:
        from generator.render.measures import SINGLE_LINE

        return (val / 20) / (size * SINGLE_LINE)
    return None
