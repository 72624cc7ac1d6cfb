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
import functools
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
    #: Slack for a margin estimated from where a PDF's text stands, mm, on every side
    #: and for every document: a PDF gives glyph boxes, not the line boxes a word
    #: processor lays out (LibreOffice's first line stands 0.3 mm above its top margin).
    margin_tolerance_mm: float = 0.8


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


def get_profile(name: str | None, *, _seen: tuple[Path, ...] = ()) -> Profile:
    """The profile called ``name`` (``None``: the Decree's), or one read from a JSON file.

    A JSON profile is checked like a dispatch (pydantic): every range two finite numbers,
    low before high, each tolerance a finite number, no unknown field, and a chain of
    ``base`` files that never comes back to a file already in it.
    """
    if not name:
        return PROFILES["nd30"]
    if name in PROFILES:
        return PROFILES[name]
    path = Path(name)
    if path.suffix.lower() == ".json" and path.is_file():
        real = path.resolve()
        if real in _seen:
            chain = " -> ".join(p.name for p in (*_seen, real))
            raise InputError([_("{file}: base: the profiles name each other as base ({chain}). "
                                "Give one of them a built-in base such as nd30.", file=path, chain=chain)])
        if path.stat().st_size > 1_000_000:
            raise InputError([_("{file}: not a valid profile ({reason})", file=path, reason=_("too big"))])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise InputError([_("{file}: not a valid profile ({reason})", file=path, reason=exc)]) from None
        if not isinstance(data, dict):
            raise InputError([_("{file}: not a valid profile ({reason})", file=path,
                                reason=_("it must be a JSON object of fields"))])
        base_name = data.pop("base", "nd30")
        if not isinstance(base_name, str):
            raise InputError([_("{file}: base: must be the name of a profile ({names}) or a .json file",
                                file=path, names=", ".join(PROFILES))])
        values = _validated(data, path)
        base = get_profile(base_name, _seen=(*_seen, real))
        return dataclasses.replace(base, name=str(path), description=str(path), **values)
    raise InputError(
        [_("unknown profile {name!r}: choose one of {names}, or a .json file", name=name, names=", ".join(PROFILES))]
    )


def _validated(data: dict, path: Path) -> dict:  # type: ignore[type-arg]
    """``data``'s fields checked against :class:`Profile` with pydantic; a wrong one is an
    :class:`InputError` naming the file and each field."""
    from pydantic import ValidationError

    fields = {f.name for f in dataclasses.fields(Profile)} - {"name", "description"}
    unknown = sorted(set(data) - fields)
    if unknown:
        raise InputError([_("{file}: unknown profile field(s): {names}", file=path, names=", ".join(unknown))])
    try:
        checked = _profile_model().model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            whole = err["type"] in _NOT_A_RANGE
            field = str(err["loc"][0]) if whole else ".".join(str(p) for p in err["loc"])
            value = data.get(str(err["loc"][0])) if whole else err.get("input")
            problems.append(_("{file}: {field}: {what}; got {value}", file=path, field=field,
                              what=_profile_error(err), value=json.dumps(value, ensure_ascii=False)[:60]))
        raise InputError(problems, file=str(path)) from None
    return {k: getattr(checked, k) for k in data}


#: pydantic's errors that say a value is not a pair at all.
_NOT_A_RANGE = {"tuple_type", "too_short", "too_long", "missing"}


def _profile_error(err: dict) -> str:  # type: ignore[type-arg]
    if err["type"] == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    if err["type"] in _NOT_A_RANGE:
        return _("must be a range of two numbers, [low, high]")
    return _("must be a number")


@functools.lru_cache(maxsize=1)
def _profile_model() -> type:
    """A pydantic model of a profile file's fields: ranges of two finite numbers, low first."""
    from typing import Annotated

    from pydantic import AfterValidator, ConfigDict, Field, create_model

    def ordered(value: tuple[float, float]) -> tuple[float, float]:
        if value[0] > value[1]:
            raise ValueError(_("the low end {low} is above the high end {high}; write [low, high]",
                               low=value[0], high=value[1]))
        return value

    number = Annotated[float, Field(allow_inf_nan=False, ge=0)]
    pair = Annotated[tuple[number, number], AfterValidator(ordered)]
    fields = {}
    for f in dataclasses.fields(Profile):
        if f.name in ("name", "description"):
            continue
        fields[f.name] = (pair if f.type in ("Range", Range) else number, None)
    return create_model("ProfileFile", __config__=ConfigDict(extra="forbid", strict=False), **fields)
