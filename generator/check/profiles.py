"""Sets of accepted ranges a file is checked against (``congvan check --profile``).

``nd30`` (the default) is the Decree's own ranges, as in ``../shared/spec/nd30.md``
§1 and §3. ``mau-1.5`` accepts only the values of the official sample file (Phụ lục
III, Mẫu 1.5, measured), and ``congvan`` only this project's recommended profile
(spec §9): use them to hold a document to one consistent choice inside the ranges.
A profile can also be a JSON file naming a base profile and the ranges it changes:
``{"base": "nd30", "margin_left": [30, 32]}``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from generator.errors import InputError
from generator.i18n import _

__all__ = ["PROFILES", "Profile", "get_profile"]

Range = tuple[float, float]


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    margin_top: Range = (20, 25)
    margin_bottom: Range = (20, 25)
    margin_left: Range = (30, 35)
    margin_right: Range = (15, 20)
    page_number: Range = (13, 14)
    national_title: Range = (12, 13)
    motto: Range = (13, 14)
    agency: Range = (12, 13)
    number: Range = (13, 13)
    place_date: Range = (13, 14)
    subject: Range = (12, 13)
    kinh_gui: Range = (13, 14)
    body: Range = (13, 14)
    #: First-line indent of body paragraphs, mm: 1 cm or 1.27 cm (read as a range).
    first_indent: Range = (10, 12.7)
    #: Space between body paragraphs, pt (at least).
    paragraph_space: float = 6
    #: Body line spacing in lines: single to 1.5.
    line_spacing: Range = (1.0, 1.5)
    signer: Range = (13, 14)
    noi_nhan_label: Range = (12, 12)
    noi_nhan: Range = (11, 11)
    marks: Range = (13, 14)
    annex_heading: Range = (14, 14)
    annex_title: Range = (13, 14)
    annex_reference: Range = (13, 14)
    #: The agency rule's share of the agency name's line (1/3 to 1/2).
    agency_rule: Range = (1 / 3, 1 / 2)
    #: Slack for what a reader measures: mm for lengths, pt for sizes.
    tolerance_mm: float = 0.5
    tolerance_pt: float = 0.25


PROFILES = {
    "nd30": Profile("nd30", "the ranges of Decree 30/2020/NĐ-CP, Appendix I (default)"),
    "mau-1.5": Profile(
        "mau-1.5",
        "the values of the official sample Mẫu 1.5 (Appendix III), measured",
        margin_top=(25, 25),
        margin_bottom=(20, 20),
        margin_left=(35, 35),
        margin_right=(20, 20),
        page_number=(14, 14),
        national_title=(12, 12),
        motto=(14, 14),
        agency=(13, 13),
        number=(13, 13),
        place_date=(14, 14),
        subject=(12, 12),
        kinh_gui=(14, 14),
        body=(14, 14),
        first_indent=(10, 10),
        signer=(14, 14),
    ),
    "congvan": Profile(
        "congvan",
        "this project's recommended profile (spec §9)",
        margin_top=(20, 20),
        margin_bottom=(20, 20),
        margin_left=(30, 30),
        margin_right=(15, 15),
        page_number=(14, 14),
        national_title=(12, 12),
        motto=(13, 13),
        agency=(12, 12),
        number=(13, 13),
        place_date=(13, 13),
        subject=(12, 12),
        kinh_gui=(14, 14),
        body=(14, 14),
        first_indent=(10, 10),
        signer=(14, 14),
        line_spacing=(1.15, 1.3),
    ),
}


def get_profile(name: str | None) -> Profile:
    """The profile called ``name`` (``None``: the Decree's), or one read from a JSON file."""
    if not name:
        return PROFILES["nd30"]
    if name in PROFILES:
        return PROFILES[name]
    path = Path(name)
    if path.suffix.lower() == ".json" and path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            base = get_profile(data.pop("base", "nd30"))
            fields = {f.name for f in dataclasses.fields(Profile)}
            unknown = sorted(set(data) - fields)
            if unknown:
                raise InputError([_("{file}: unknown profile field(s): {names}", file=path, names=", ".join(unknown))])
            values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
            return dataclasses.replace(base, name=str(path), description=str(path), **values)
        except (ValueError, TypeError) as exc:
            raise InputError([_("{file}: not a valid profile ({reason})", file=path, reason=exc)]) from None
    raise InputError(
        [_("unknown profile {name!r}: choose one of {names}, or a .json file", name=name, names=", ".join(PROFILES))]
    )
