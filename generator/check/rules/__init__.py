"""The rules of Decree 30/2020 a finished dispatch is checked against, each written once
for both formats over :class:`~generator.check.doc.Document`.

Every rule has an id, a title and its reference in ``../shared/spec/nd30.md`` (§ and
the Decree's own locator). A rule finds its element by text and position, measures it,
and returns results: pass, warn (a convention, or something a PDF only lets us
estimate), fail, or "not evaluated" when the file does not let it read what it needs.

The rules live in one module per part of the page the Decree lays out: :mod:`.page`,
:mod:`.fonts`, :mod:`.header` (boxes 1–2), :mod:`.number_date` (boxes 3, 4, 5b),
:mod:`.recipients` (boxes 9a, 9b), :mod:`.body` (box 6), :mod:`.signer` (boxes 7a, 7b),
:mod:`.marks` (boxes 10a, 10b), :mod:`.links` and :mod:`.annex`; :mod:`.base` holds
what they share.
"""

from __future__ import annotations

from generator.check.doc import Document
from generator.check.profiles import Profile
from generator.check.report import NOT_EVALUATED, Result
from generator.check.rules.annex import annex_heading, annex_numbering, annex_reference
from generator.check.rules.base import Ctx, Rule
from generator.check.rules.body import body_alignment, body_indent, body_size, body_spacing
from generator.check.rules.fonts import font_colour, font_family, font_unicode
from generator.check.rules.header import agency_name, agency_rule, motto, motto_rule, national_title
from generator.check.rules.links import links_placeholder
from generator.check.rules.marks import marks_frame, marks_rule
from generator.check.rules.number_date import date_rule, number_rule, subject_rule
from generator.check.rules.page import annex_page_numbers, page_margins, page_numbers, page_orientation, page_size
from generator.check.rules.recipients import kinh_gui, noi_nhan_label, noi_nhan_list
from generator.check.rules.signer import signer_authority, signer_name, signer_page
from generator.i18n import _

__all__ = ["RULES", "Rule", "run_rules"]



def _rules() -> list[Rule]:
    return [
        Rule("page.size", _("Paper size"), "§1; PL I, I.1", page_size),
        Rule("page.orientation", _("Orientation"), "§1; PL I, I.1", page_orientation),
        Rule("page.margins", _("Margins"), "§1; PL I, I.1", page_margins),
        Rule("page.numbers", _("Page numbers"), "§1; PL I, I.4", page_numbers),
        Rule("font.family", _("Typeface"), "§1; PL I, I.1", font_family),
        Rule("font.colour", _("Text colour"), "§1; PL I, I.1", font_colour),
        Rule("font.unicode", _("Unicode encoding"), "§1; PL I, I.1 (TCVN 6909:2001)", font_unicode),
        Rule("header.national-title", _("Quốc hiệu"), "§3 box 1; PL I, II.1", national_title),
        Rule("header.motto", _("Tiêu ngữ"), "§3 box 1; PL I, II.1", motto),
        Rule("header.motto-rule", _("Rule under the Tiêu ngữ"), "§3 box 1; PL I, II.1", motto_rule),
        Rule("header.agency", _("Agency name"), "§3 box 2; PL I, II.2", agency_name),
        Rule("header.agency-rule", _("Rule under the agency name"), "§3 box 2; PL I, II.2", agency_rule),
        Rule("header.number", _("Số and ký hiệu"), "§3 box 3, §8; PL I, II.3", number_rule),
        Rule("header.date", _("Place and date"), "§3 box 4; PL I, II.4", date_rule),
        Rule("header.subject", _("Trích yếu (V/v)"), "§3 box 5b; PL I, II.5.b", subject_rule),
        Rule("kinh-gui", _("Kính gửi"), "§3 box 9a, Details; PL I, II.9.d", kinh_gui),
        Rule("body.size", _("Body size"), "§3 box 6; PL I, II.6", body_size),
        Rule("body.indent", _("Body first-line indent"), "§3 box 6; PL I, II.6", body_indent),
        Rule("body.spacing", _("Body spacing"), "§3 box 6; PL I, II.6", body_spacing),
        Rule("body.alignment", _("Body alignment"), "§3 box 6; PL I, II.6", body_alignment),
        Rule("signer.authority", _("Quyền hạn and chức vụ"), "§3 box 7a, §4; PL I, II.7", signer_authority),
        Rule("signer.name", _("Signer's name"), "§3 box 7b; PL I, II.7", signer_name),
        Rule("signer.page", _("Signer block with the body"), "§3 box 7; PL I, II.7", signer_page),
        Rule("noi-nhan.label", _("“Nơi nhận:”"), "§3 box 9b; PL I, II.9", noi_nhan_label),
        Rule("noi-nhan.list", _("Nơi nhận list"), "§3 box 9b; PL I, II.9", noi_nhan_list),
        Rule("marks", _("Secrecy and urgency marks"), "§5; PL I, III.2–3", marks_rule),
        Rule("marks.frame", _("Urgency frame size"), "§5; PL I, III.3", marks_frame),
        Rule("links.placeholder", _("QR codes and links"), "§3 box 6", links_placeholder),
        Rule("annex.heading", _("Annex heading"), "§6.2; PL I, III.1", annex_heading),
        Rule("annex.numbering", _("Annex numbering"), "§6.1; PL I, III.1", annex_numbering),
        Rule("annex.reference", _("Annex reference line"), "§6.2; PL I, III.1", annex_reference),
        Rule("annex.page-numbers", _("Annex page numbers"), "§6.4; PL I, III.1.đ", annex_page_numbers),
    ]


class _Rules(dict):  # type: ignore[type-arg]
    """Rule id → :class:`Rule`, built on first use so titles are in the run's language."""

    def _load(self) -> None:
        if not super().__len__():
            for r in _rules():
                super().__setitem__(r.id, r)

    def __getitem__(self, key: str) -> Rule:
        self._load()
        return super().__getitem__(key)

    def __iter__(self):  # type: ignore[no-untyped-def]
        self._load()
        return super().__iter__()

    def __len__(self) -> int:
        self._load()
        return super().__len__()

    def keys(self):  # type: ignore[no-untyped-def]
        self._load()
        return super().keys()

    def values(self):  # type: ignore[no-untyped-def]
        self._load()
        return super().values()

    def items(self):  # type: ignore[no-untyped-def]
        self._load()
        return super().items()


RULES: dict[str, Rule] = _Rules()


def run_rules(doc: Document, profile: Profile) -> list[Result]:
    ctx = Ctx(doc, profile)
    annexes_only = not ctx.main and bool(ctx.annexes)
    results = []
    for rule in _rules():
        try:
            if annexes_only and not rule.id.startswith(
                ("annex.", "page.size", "page.orientation", "page.margins", "font.")
            ):
                found = [(NOT_EVALUATED, "—", _("the file holds annexes only, no dispatch"), "")]
            else:
                found = rule.check(ctx)
        except Exception as exc:  # a file laid out in a way no rule foresaw
            found = [
                (NOT_EVALUATED, "—", _("could not be evaluated: {reason}", reason=f"{type(exc).__name__}: {exc}"), "")
            ]
        for verdict, at, what, asks in found:
            results.append(Result(rule.id, verdict, at, what, asks, rule.reference, rule.title))
    return results
