"""What a reader sees, computed once from the model for both renderers.

The templates only lay out: every printed string (the "Số" line, the date line, the
recipient punctuation, directive numbers and sub-item letters, counts, the annex
reference line, merged date cells) is decided here, following
``../shared/spec/nd30.md``. A rule changed here changes the PDF and the DOCX alike.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.input.model import ANNEX_REF, PLACEHOLDER, Annex, Dispatch, Plan, annex_headings
from generator.input.provinces import place_tones
from generator.render import fonts, measures, qr
from generator.vietnamese import (
    document_number,
    full_date,
    join_recipient_lines,
    short_date,
    sub_item_letters,
)

if TYPE_CHECKING:
    from generator.batch.copies import ProvinceCopy
    from generator.input.recipients import RecipientCopy

__all__ = ["DispatchView", "balanced_lines", "build_view", "header_lines"]

#: Printed where a draft leaves the number or the day and month for the registry.
BLANK_NUMBER = "\u00a0" * 10
BLANK_DATE = "\u00a0" * 6
#: Printed for blank parts of the annex reference line, as the reference does.
BLANK_REFERENCE = "…"


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph: ``kind`` is text, directive, item or closing."""

    kind: str
    text: str
    label: str = ""
    #: Kept on the page of what follows it (the closing, the last lines of the body,
    #: before the QR codes, Nơi nhận and the signer): CSS ``break-after: avoid``,
    #: DOCX ``w:keepNext``.
    keep_with_next: bool = False

    @property
    def full_text(self) -> str:
        return f"{self.label} {self.text}" if self.label else self.text


@dataclass(frozen=True)
class QRView:
    caption: str
    url: str
    image: Path
    #: The caption broken into balanced lines, none of them a single word (§7).
    caption_lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PlanRow:
    """One cluster row. ``date_span`` > 0 starts a merged date cell of that many rows;
    0 means the row continues the cell above (NĐ 30 has no rule; the reference merges
    consecutive clusters with the same range)."""

    number: str
    cluster: str
    dates: str
    date_span: int
    provinces: str
    #: Shaded: the row of the province a per-province copy is addressed to.
    highlight: bool = False


@dataclass(frozen=True)
class PlanView:
    headers: tuple[str, str, str, str]
    rows: list[PlanRow]


@dataclass(frozen=True)
class AnnexView:
    heading: str | None
    title: str
    reference: str
    attributes: list[str]
    plan: PlanView | None
    #: The reference line broken where a reader expects it: before "của" or "ngày" (§7).
    reference_lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DispatchView:
    """Every string and list the templates print, in reading order."""

    parent_agency: str | None
    agency_lines: list[str]
    national_title: str
    motto: str
    number_line: str
    subject_line: str
    place_date: str
    secrecy: str | None
    urgency: str | None
    circulation: str | None
    kinh_gui_single: bool
    recipients: list[str]
    body: list[Paragraph]
    qr_codes: list[QRView]
    noi_nhan: list[str]
    signer_lines: list[str]
    signer_name: str
    signature_image: Path | None
    footer: list[str]
    annexes: list[AnnexView] = field(default_factory=list)
    #: Box 2's parent agency as printed, one entry a line (balanced, or the clerk's).
    parent_lines: list[str] = field(default_factory=list)
    #: Box 10b's frame, width and height in mm (§5), when there is an urgency mark.
    urgency_frame: tuple[float, float] | None = None
    #: Page 1's bottom margin in mm when box 13 is taller than the margin allows (the PDF's;
    #: Word and LibreOffice move the body up themselves); ``None``: the usual margin.
    first_page_bottom: float | None = None


def issue_datetime(dispatch: Dispatch) -> dt.datetime:
    """The dispatch's date; a draft without day and month is dated 1 January of its year."""
    d = dispatch.date
    if d.is_complete:
        return dt.datetime(d.year, d.month or 1, d.day or 1)
    return dt.datetime(d.year, 1, 1)


def build_view(
    dispatch: Dispatch, copy: ProvinceCopy | RecipientCopy | None = None, *, annexes: bool = True
) -> DispatchView:
    """Compute the printed form of ``dispatch``, or of its copy for one province.

    A copy is addressed to the province's body alone, carries the per-province
    paragraph after the directives, may shade its province's row in the plan, and
    writes every tone mark in the dispatch's one style (``per_province.tones``).
    ``annexes=False`` leaves the annexes out, for copies that share one annex file.
    """
    plan = dispatch.plan
    values = {"province_count": str(plan.province_count)} if plan else {}
    headings = annex_headings(dispatch.annexes)
    values |= {f"annex:{n}": h for n, h in enumerate(headings, 1) if h}
    agency = dispatch.agency
    recipients = [copy.recipient] if copy else list(dispatch.recipients)
    view = DispatchView(
        parent_agency=agency.parent.upper() if agency.parent else None,
        agency_lines=header_lines(agency.name, agency.header_lines, parent=False),
        national_title=measures.NATIONAL_TITLE,
        motto=measures.MOTTO,
        number_line="Số: " + document_number(dispatch.number, dispatch.code, blank=BLANK_NUMBER),
        subject_line=f"V/v {dispatch.subject}",
        place_date=f"{dispatch.place}, "
        + full_date(dispatch.date.year, dispatch.date.month, dispatch.date.day, blank=BLANK_DATE),
        secrecy=dispatch.marks.secrecy,
        urgency=dispatch.marks.urgency,
        circulation=dispatch.marks.circulation,
        kinh_gui_single=len(recipients) == 1,
        recipients=recipients if len(recipients) == 1 else join_recipient_lines(recipients),
        body=_body(dispatch, values, copy),
        qr_codes=[QRView(q.caption, q.url, qr.qr_image(q.url), _caption_lines(q.caption))
                  for q in dispatch.qr_codes],
        noi_nhan=_noi_nhan(dispatch),
        signer_lines=dispatch.signer.lines,
        signer_name=dispatch.signer.name,
        signature_image=_signature(dispatch),
        footer=list(dispatch.footer),
        annexes=[_annex(dispatch, a, h, values, copy) for a, h in zip(dispatch.annexes, headings, strict=True)]
        if annexes else [],
        parent_lines=header_lines(agency.parent, agency.parent_lines, parent=True) if agency.parent else [],
        urgency_frame=measures.URGENCY_FRAMES[_tones_new(dispatch.marks.urgency)]
        if dispatch.marks.urgency else None,
        first_page_bottom=_first_page_bottom(len(dispatch.footer)),
    )
    return _in_tone_style(view, dispatch.per_province.tones) if copy else view


def _first_page_bottom(footer_lines: int) -> float | None:
    bottom = measures.first_page_bottom(footer_lines)
    return bottom if bottom > measures.PAGE.bottom else None


def _in_tone_style(value: Any, style: str) -> Any:
    """``value`` with every string's tone marks in ``style`` (dataclasses, lists, strings)."""
    if isinstance(value, str):
        return place_tones(value, style)
    if isinstance(value, list):
        return [_in_tone_style(v, style) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _in_tone_style(getattr(value, f.name), style) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def fill(text: str, values: dict[str, str]) -> str:
    """Replace ``{name}`` placeholders and ``{annex:N}`` (the annex's computed heading);
    the model has checked every name is known."""
    text = ANNEX_REF.sub(lambda m: values.get(f"annex:{int(m.group(1))}", m.group(0)), text)
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _body(dispatch: Dispatch, values: dict[str, str], copy: ProvinceCopy | RecipientCopy | None) -> list[Paragraph]:
    body = dispatch.body
    out = [Paragraph("text", fill(t, values)) for t in body.opening]
    for n, d in enumerate(body.directives, start=1):
        local = dict(values)
        if d.deadline is not None:
            local["deadline"] = short_date(d.deadline.year, d.deadline.month, d.deadline.day)
        out.append(Paragraph("directive", fill(d.text, local), f"{n}."))
        for letter, item in zip(sub_item_letters(len(d.items)), d.items, strict=True):
            out.append(Paragraph("item", fill(item, local), f"{letter})"))
    paragraph = dispatch.per_province.paragraph
    own = getattr(copy, "paragraph", None)  # a list row's copy: its paragraph, its cells in place
    if own is not None:
        out.append(Paragraph("text", own))
    elif copy is not None and paragraph is not None and not hasattr(copy, "paragraph"):
        out.append(Paragraph("text", fill(paragraph, {**values, **copy.values})))
    out += [Paragraph("text", fill(t, values)) for t in body.contact]
    if body.closing:
        out.append(Paragraph("closing", body.closing))
    # The closing and at least two lines of the body go with the signature block: the
    # closing and the paragraphs before it that make up two lines keep with what follows
    # (the QR codes, Nơi nhận); widows/orphans of 2 keep two lines of a split paragraph.
    lines = 0.0
    for i in range(len(out) - 1, -1, -1):
        out[i] = dataclasses.replace(out[i], keep_with_next=True)
        if out[i].kind != "closing":
            lines += _estimated_lines(out[i].full_text)
        if lines >= 2:
            break
    return out


def _estimated_lines(text: str) -> int:
    """How many lines a body paragraph takes (its first-line indent included)."""
    page, sizes = measures.PAGE, measures.SIZES
    width = page.first_line_indent + _width(text, sizes.body, False, False)
    return max(1, -int(-width // (page.text_width * 0.97)))  # justified lines are rarely full


def _noi_nhan(dispatch: Dispatch) -> list[str]:
    """Box 9b: "- X;" per line, then "- Lưu: VT, CĐSQG (2)." and box 12 if given."""
    dist = dispatch.distribution
    lines = [f"- {r};" for r in dist.recipients]
    archive = "- Lưu: " + ", ".join(dist.archive)
    if dist.archive_copies:
        archive += f" ({dist.archive_copies})"
    if dist.drafter:
        archive += f", {dist.drafter}" + (f".({dist.copies})" if dist.copies else "")
    lines.append(archive + ".")
    return lines


def _signature(dispatch: Dispatch) -> Path | None:
    from generator.render.images import signature_block

    signer = dispatch.signer
    if not signer.signature_image:
        return None
    seal = Path(signer.seal_image) if signer.seal_image else None
    return signature_block(Path(signer.signature_image), seal)


def _date_range(start: dt.date, end: dt.date) -> str:
    return (
        f"Từ ngày {short_date(start.year, start.month, start.day)} "
        f"đến ngày {short_date(end.year, end.month, end.day)}"
    )


def _plan(plan: Plan, highlight: int | None = None) -> PlanView:
    rows: list[PlanRow] = []
    clusters = plan.clusters
    i = 0
    while i < len(clusters):
        j = i
        while j + 1 < len(clusters) and (clusters[j + 1].start, clusters[j + 1].end) == (
            clusters[i].start,
            clusters[i].end,
        ):
            j += 1
        for k in range(i, j + 1):
            c = clusters[k]
            number = c.number or k + 1
            name = c.name or f"Cụm {number}"
            rows.append(
                PlanRow(
                    number=str(number),
                    cluster=f"{name} ({len(c.provinces)} {plan.unit})",
                    dates=_date_range(c.start, c.end) if k == i else "",
                    date_span=(j - i + 1) if k == i else 0,
                    provinces=", ".join(c.provinces) + ".",
                    highlight=k == highlight,
                )
            )
        i = j + 1
    return PlanView(("TT", "Cụm", "Thời gian", "Tỉnh, thành phố"), rows)


def _reference(dispatch: Dispatch) -> str:
    """"(Kèm theo Công văn số 05/BTTTT-CĐSQG ngày 05 tháng 9 năm 2022 của Bộ …)".

    Blank parts stay blank in a draft (NĐ 30, Phụ lục I, III.1; §6 of the spec).
    """
    number = document_number(dispatch.number, dispatch.code, blank=BLANK_NUMBER)
    d = dispatch.date
    date = full_date(d.year, d.month, d.day, blank=BLANK_REFERENCE)
    return f"(Kèm theo {dispatch.type_name} số {number} {date} của {dispatch.agency.name})"


def _annex(
    dispatch: Dispatch, annex: Annex, heading: str | None, values: dict[str, str],
    copy: ProvinceCopy | RecipientCopy | None,
) -> AnnexView:
    shade = copy.cluster_index if copy and dispatch.per_province.highlight and annex.plan is dispatch.plan else None
    reference = _reference(dispatch)
    return AnnexView(
        heading=heading,
        title=fill(annex.title, values).upper(),
        reference=reference,
        reference_lines=balanced_lines(
            reference, measures.PAGE.text_width, measures.SIZES.annex_reference,
            italic=True, preferred=_REFERENCE_BREAKS,
        ),
        attributes=[f"- {a.label}: {fill(a.text, values)}" for a in annex.attributes]
        + [fill(t, values) for t in annex.lines],
        plan=_plan(annex.plan, shade) if annex.plan else None,
    )


# --- line breaking: one place for both renderers ----------------------------------------

#: Breaks that cost nothing (mm of line width); any other break between words costs this,
#: so a name breaks at a word where a reader expects it whenever one fits.
_PLAIN_BREAK = 30.0
#: A line holding a single word costs this, so it is chosen only when nothing else fits.
_SINGLE_WORD = 1000.0
#: Above this many words, or this many ways to break them, plain greedy wrapping (the
#: choices grow as words^lines; names, captions and reference lines stay far below).
_MAX_WORDS = 40
_MAX_CHOICES = 5000

#: Words that start a place name in an agency's name ("TỈNH QUẢNG NINH", "XÃ BÁT TRÀNG"):
#: the place runs from here to the end of the name and is never split.
_PLACE_LEVELS = (
    ("thành", "phố"), ("thị", "xã"), ("thị", "trấn"), ("đặc", "khu"),
    ("tỉnh",), ("xã",), ("phường",), ("huyện",), ("quận",),
)
#: Unit names and set phrases never split across lines.
_UNBROKEN = (
    ("ủy", "ban", "nhân", "dân"), ("hội", "đồng", "nhân", "dân"), ("mặt", "trận", "tổ", "quốc"),
    ("trung", "ương"), ("quốc", "gia"), ("việt", "nam"), ("hồ", "chí", "minh"), ("ủy", "ban"),
    ("nhân", "dân"), ("văn", "phòng"), ("trung", "tâm"), ("chi", "cục"), ("tổng", "cục"),
    ("thanh", "niên"), ("cộng", "sản"), ("chuyển", "đổi", "số"), ("công", "nghệ"), ("cộng", "đồng"),
    ("điện", "tử"), ("thông", "tin"), ("truyền", "thông"), ("khoa", "học"),
)
#: A unit inside a name starts here: "SỞ TÀI CHÍNH / TỈNH …", "BỘ THÔNG TIN / VÀ TRUYỀN THÔNG".
_NAME_BREAKS = ("và", "sở", "cục", "vụ", "ban", "phòng", "viện", "trung", "văn", "chi", "tổng", "tỉnh",
                "thành", "thị", "đặc", "xã", "phường", "huyện", "quận", "ủy", "hội")
#: The annex reference line breaks before "của" (the agency) or "ngày" (the date).
_REFERENCE_BREAKS = ("của", "ngày")


def _tones_new(text: str) -> str:
    return place_tones(text, "new")


def _key(word: str) -> str:
    return _tones_new(word).casefold().strip(",.;:()")


def header_lines(name: str, given: list[str] | None, *, parent: bool) -> list[str]:
    """Box 2's lines, in capitals: the clerk's ``header_lines`` as given, else the name
    broken at the fewest, most balanced word boundaries that keep every line at least
    :attr:`measures.Page.header_gutter` from the Quốc hiệu's column and never split a
    place or unit name ("ỦY BAN NHÂN DÂN / TỈNH QUẢNG NINH")."""
    if given:
        return [line.upper() for line in given]
    page, sizes = measures.PAGE, measures.SIZES
    size = sizes.parent_agency if parent else sizes.agency
    return balanced_lines(name.upper(), page.header_text_width, size, bold=not parent,
                          preferred=_NAME_BREAKS, names=True)


def _caption_lines(caption: str) -> list[str]:
    return balanced_lines(caption, measures.PAGE.qr_caption_width, measures.SIZES.qr_caption, names=True)


def _breakable(words: list[str], names: bool) -> list[bool]:
    """``ok[i]``: a line may start at word ``i`` (``i`` ≥ 1)."""
    keys = [_key(w) for w in words]
    ok = [True] * len(words)
    if not names:
        return ok
    for phrase in _UNBROKEN:
        n = len(phrase)
        for i in range(len(keys) - n + 1):
            if tuple(keys[i:i + n]) == phrase:
                for j in range(i + 1, i + n):
                    ok[j] = False
    place = next((i for i in range(1, len(keys)) for level in _PLACE_LEVELS
                  if tuple(keys[i:i + len(level)]) == level and keys[i:i + 2] != ["xã", "hội"]
                  and i + len(level) < len(keys)), None)
    if place is not None:  # a level word followed by a name: one unit to the end
        for j in range(place + 1, len(keys)):
            ok[j] = False
    return ok


@functools.lru_cache(maxsize=4096)
def _width(text: str, size: float, bold: bool, italic: bool) -> float:
    return fonts.text_width_mm(text, size, bold=bold, italic=italic)


def balanced_lines(
    text: str, width: float, size: float, *, bold: bool = False, italic: bool = False,
    preferred: tuple[str, ...] = (), names: bool = False,
) -> list[str]:
    """See :func:`_balanced_lines`; a new list each call, the breaking done once per input."""
    return list(_balanced_lines(text, width, size, bold, italic, preferred, names))


@functools.lru_cache(maxsize=1024)
def _balanced_lines(
    text: str, width: float, size: float, bold: bool, italic: bool, preferred: tuple[str, ...], names: bool,
) -> tuple[str, ...]:
    """``text`` broken into the fewest lines no wider than ``width`` mm at ``size`` pt, the
    break points chosen so the longest line is as short as possible (balanced), no line
    holds a single word when another choice fits, and a break before a word of
    ``preferred`` is chosen over any other. With ``names``, place and unit names are never
    split. Spaces only separate words (a no-break space joins).

    Both renderers print the lines as computed here, so the PDF and the DOCX break alike.
    """
    words = [w for w in text.split(" ") if w]
    if len(words) <= 1 or _width(text, size, bold, italic) <= width:
        return (text,) if text else ()
    if len(words) > _MAX_WORDS:
        return tuple(_greedy(words, width, size, bold, italic))
    ok = _breakable(words, names)
    keys = [_key(w) for w in words]
    cost = [0.0] + [
        0.0 if (not preferred or k in preferred or words[i - 1].endswith(",")) else _PLAIN_BREAK
        for i, k in enumerate(keys) if i
    ]
    fewest = max(2, math.ceil(_width(text, size, bold, italic) / width))
    for strict in (True, False):
        for count in range(fewest, min(len(words), 6) + 1):
            if math.comb(len(words) - 1, count - 1) > _MAX_CHOICES:
                break
            best: tuple[float, list[str]] | None = None
            for cuts in itertools.combinations(range(1, len(words)), count - 1):
                if strict and not all(ok[c] for c in cuts):
                    continue
                bounds = (0, *cuts, len(words))
                lines = [" ".join(words[a:b]) for a, b in itertools.pairwise(bounds)]
                widths = [_width(line, size, bold, italic) for line in lines]
                if max(widths) > width:
                    continue
                score = (sum(cost[c] for c in cuts) + max(widths)
                         + _SINGLE_WORD * sum(b - a == 1 for a, b in itertools.pairwise(bounds)))
                if best is None or score < best[0]:
                    best = (score, lines)
            if best is not None:
                return tuple(best[1])
    return tuple(_greedy(words, width, size, bold, italic))


def _greedy(words: list[str], width: float, size: float, bold: bool, italic: bool) -> list[str]:
    lines: list[str] = []
    for word in words:
        if lines and _width(f"{lines[-1]} {word}", size, bold, italic) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines
