"""What a reader sees, computed once from the model for both renderers.

The templates only lay out: every printed string (the "Số" line, the date line, the
recipient punctuation, directive numbers and sub-item letters, counts, the annex
reference line, merged date cells) is decided here, following
``../shared/spec/nd30.md``. A rule changed here changes the PDF and the DOCX alike.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.render import measures
from generator.render import qr
from generator.input.model import PLACEHOLDER, Annex, Dispatch, Plan
from generator.input.provinces import place_tones
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

__all__ = ["DispatchView", "build_view"]

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

    @property
    def full_text(self) -> str:
        return f"{self.label} {self.text}" if self.label else self.text


@dataclass(frozen=True)
class QRView:
    caption: str
    url: str
    image: Path


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
    agency = dispatch.agency
    lines = agency.header_lines or [agency.name]
    recipients = [copy.recipient] if copy else list(dispatch.recipients)
    view = DispatchView(
        parent_agency=agency.parent.upper() if agency.parent else None,
        agency_lines=[line.upper() for line in lines],
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
        qr_codes=[QRView(q.caption, q.url, qr.qr_image(q.url)) for q in dispatch.qr_codes],
        noi_nhan=_noi_nhan(dispatch),
        signer_lines=dispatch.signer.lines,
        signer_name=dispatch.signer.name,
        signature_image=_signature(dispatch),
        footer=list(dispatch.footer),
        annexes=[_annex(dispatch, a, values, copy) for a in dispatch.annexes] if annexes else [],
    )
    return _in_tone_style(view, dispatch.per_province.tones) if copy else view


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
    """Replace ``{name}`` placeholders; the model has checked every name is known."""
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
    return out


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
    dispatch: Dispatch, annex: Annex, values: dict[str, str], copy: ProvinceCopy | RecipientCopy | None
) -> AnnexView:
    shade = copy.cluster_index if copy and dispatch.per_province.highlight and annex.plan is dispatch.plan else None
    return AnnexView(
        heading=annex.heading,
        title=fill(annex.title, values).upper(),
        reference=_reference(dispatch),
        attributes=[f"- {a.label}: {fill(a.text, values)}" for a in annex.attributes],
        plan=_plan(annex.plan, shade) if annex.plan else None,
    )
