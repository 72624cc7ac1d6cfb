"""The Decree's measures, defined once: page, margins, columns and type sizes.

Both renderers derive their units from here (CSS ``mm``/``pt`` for the PDF, twips
and EMU for the DOCX), so the two outputs cannot drift apart. Every value is inside
the ranges of NĐ 30/2020, Phụ lục I, and follows the recommended default profile of
``../shared/spec/nd30.md`` §9 unless a comment says why not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "MOTTO",
    "NATIONAL_TITLE",
    "SINGLE_LINE",
    "PAGE",
    "SIZES",
    "Page",
    "Sizes",
    "mm_to_twips",
    "mm_to_twips_at_least",
    "pt_to_half_points",
]

MM_PER_INCH = 25.4
TWIPS_PER_INCH = 1440


def mm_to_twips(mm: float) -> int:
    """Millimetres to twentieths of a point, WordprocessingML's unit for lengths."""
    return round(mm / MM_PER_INCH * TWIPS_PER_INCH)


def mm_to_twips_at_least(mm: float) -> int:
    """Millimetres to twips, rounded up: for margins, whose Decree ranges are lower bounds
    (15 mm is 850.39 twips; 850 would be 14.99 mm, outside the 15–20 mm range)."""
    return math.ceil(mm / MM_PER_INCH * TWIPS_PER_INCH - 1e-9)


def pt_to_half_points(pt: float) -> int:
    """Points to half-points, WordprocessingML's unit for font sizes (``w:sz``)."""
    return round(pt * 2)


@dataclass(frozen=True)
class Page:
    """A4 portrait; margins in mm (§1: T 20–25, B 20–25, L 30–35, R 15–20)."""

    width: float = 210.0
    height: float = 297.0
    top: float = 20.0
    bottom: float = 20.0
    left: float = 30.0
    right: float = 15.0
    #: Distance from the page edge to the page number in the top margin (§1: the
    #: official sample file uses 10 mm).
    header_distance: float = 10.0
    #: Header table split, left/right. Mẫu 1.5 uses ≈ 42/58 % (§2), but at our 165 mm
    #: text width that leaves 69 mm on the left, and "BỘ THÔNG TIN VÀ TRUYỀN THÔNG"
    #: at 12 pt bold needs 74.4 mm; 46/54 % gives 75.9 mm for the agency and 89.1 mm
    #: for the Quốc hiệu, which needs 88.3 mm at 12 pt bold (widths from fontTools).
    header_split: float = 0.46
    #: Nơi nhận / signer table split (§2, Mẫu 1.5: 3510/5812 twips ≈ 38/62 %).
    closing_split: float = 0.38
    #: "Kính gửi:" start for a list of recipients, and where the dashes line up:
    #: under the colon, ≈ 17.6 mm after the start at 14 pt (§3 Details).
    kinh_gui_indent: float = 30.0
    kinh_gui_list_indent: float = 47.6
    #: Body first-line indent (§3 box 6: 1 cm or 1.27 cm).
    first_line_indent: float = 10.0
    #: Space kept for the signature and seal between box 7a and 7b (§3 box 7c:
    #: not fixed; the sample leaves about four 14 pt lines).
    signature_space: float = 25.0
    #: QR codes are printed at this fixed size, captions under them.
    qr_size: float = 28.0
    #: The rule under the agency name is this share of the name's longest line
    #: (§3 box 2: one third to one half).
    agency_rule_share: float = 0.4

    @property
    def text_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def text_height(self) -> float:
        return self.height - self.top - self.bottom


@dataclass(frozen=True)
class Sizes:
    """Type sizes in points for each element of §3 (recommended profile, §9)."""

    parent_agency: float = 12  # box 2, chủ quản: 12–13, upright, not bold
    agency: float = 12  # box 2: 12–13, bold
    national_title: float = 12  # box 1 Quốc hiệu: 12–13, bold
    motto: float = 13  # box 1 Tiêu ngữ: 13–14, bold
    number: float = 13  # box 3 "Số:": 13
    place_date: float = 13  # box 4: 13–14, italic
    subject: float = 12  # box 5b "V/v": 12–13
    subject_space_before: float = 6  # box 5b: 6 pt above, from the Số line
    kinh_gui: float = 14  # box 9a: 13–14
    body: float = 14  # box 6: 13–14
    body_space_before: float = 6  # box 6: paragraph spacing ≥ 6 pt
    #: Box 6: single to 1.5 lines. In *lines*, as Word counts them ("Multiple 1.2"):
    #: one line of Times New Roman / Liberation Serif is :data:`SINGLE_LINE` em, so the
    #: PDF's CSS line-height is this × SINGLE_LINE, and both outputs break pages alike.
    body_line_height: float = 1.2
    signer: float = 14  # box 7a/7b: 13–14, bold
    noi_nhan_label: float = 12  # box 9b "Nơi nhận:": 12, bold italic
    noi_nhan: float = 11  # box 9b list: 11
    marks: float = 13  # boxes 10a/10b/11: 13–14, bold
    footer: float = 11  # box 13: 11–12
    page_number: float = 14  # §1: 13–14
    qr_caption: float = 12
    annex_heading: float = 14  # §6: "Phụ lục" 14 bold
    annex_title: float = 14  # §6: 13–14 bold
    annex_reference: float = 14  # §6: 13–14 italic
    annex_table: float = 13


PAGE = Page()
SIZES = Sizes()

#: Height of one "single" line in em for Times New Roman and its metric clone Liberation
#: Serif: (hhea ascender 1825 + descender 443 + line gap 87) / 2048 units per em.
SINGLE_LINE = (1825 + 443 + 87) / 2048

#: Box 1, fixed text. The Decree writes the motto with spaced hyphens (§3).
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
