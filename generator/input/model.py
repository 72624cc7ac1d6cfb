"""The model of a công văn and its annexes: the single source of truth both renderers read.

Every part of the dispatch in §2–§6 of ``../shared/spec/nd30.md`` has a field here.
The model is strict (unknown fields are errors, types are checked) and normalises all
text to Unicode NFC with single spaces on load, so that what a clerk typed in YAML, Word
or Excel compares equal however it was entered. What the Decree computes (counts, the
annex reference line, numbering, letters) is *not* a field: see ``generator.render.view``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from generator.i18n import _
from generator.vietnamese import nfc

__all__ = [
    "Agency",
    "Annex",
    "AnnexAttribute",
    "Authority",
    "Body",
    "Cluster",
    "Directive",
    "Dispatch",
    "Distribution",
    "IssueDate",
    "Marks",
    "PerProvince",
    "Plan",
    "QRCode",
    "Signer",
]


def _clean_text(value: object) -> object:
    """NFC, whitespace runs folded to one space, ends stripped.

    YAML folded blocks and text pasted from PDFs carry line breaks that are not
    paragraph breaks (the seed itself is such a text); a paragraph is one field.
    """
    if isinstance(value, str):
        return " ".join(nfc(value).split())
    return value


def _not_empty(value: str) -> str:
    if not value:
        raise ValueError(_("must not be empty"))
    return value


def _printable(value: str) -> str:
    """Refuse characters that would corrupt a DOCX or print as nothing.

    XML 1.0 has no place for C0 control characters (other than tab and line breaks,
    which :func:`_clean_text` has already folded), U+FFFE/U+FFFF or lone surrogates;
    Word refuses to open a file that holds one.
    """
    for ch in value:
        code = ord(ch)
        if code < 0x20 or 0x7F <= code < 0xA0 or code in (0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
            raise ValueError(_(
                "the control character U+{code} cannot be printed (it often comes with text "
                "pasted from old files): delete it", code=f"{code:04X}",
            ))
    return value


# --- limits: what keeps a dispatch a dispatch, and every run bounded in time and memory ----
# (README, "Limits"). A công văn is one to a few pages; these are far above any real one.

#: Characters in one text field: about three pages of body text.
MAX_TEXT = 10_000
#: Characters in the whole body (opening, directives and their items, contact): about 20 pages.
MAX_BODY = 60_000
#: Items in one list (recipients, paragraphs, directives, lines of Nơi nhận, …), and
#: the lists that hold more than text, with their own limits and fixes.
MAX_ITEMS = 200
MAX_ITEMS_OF = {"clusters": 100, "provinces": 100, "annexes": 20, "qr_codes": 20}
#: Bytes in the dispatch's YAML file (checked by the loader before it is parsed).
MAX_FILE_BYTES = 1_000_000
#: Levels of nesting in the YAML (a dispatch needs six: annexes, plan, clusters, provinces).
MAX_DEPTH = 20
#: Bytes in a plan's CSV file (checked before it is read), and in an XLSX workbook on disk
#: and once its parts are inflated (checked in the zip's directory before Excel's XML is read).
MAX_PLAN_BYTES = 1_000_000
MAX_WORKBOOK_BYTES = 10_000_000
MAX_WORKBOOK_INFLATED = 50_000_000
#: ... and of its XML parts (the sheets and their text, which the reader parses) once inflated.
MAX_WORKBOOK_XML = 10_000_000
#: The last row and column of a plan sheet that may hold a value (a plan has at most 100
#: clusters; a cluster spread one province a row takes a row per province).
MAX_SHEET_ROWS = 2_000
MAX_SHEET_COLUMNS = 50
#: Pixels (width x height) and bytes of a signature or seal image: a 4000 x 4000 scan or
#: photo passes; checked from the image's header, before it is decoded.
MAX_IMAGE_PIXELS = 16_000_000
MAX_IMAGE_BYTES = 20_000_000
#: Characters a user's template may produce (the whole output, and any one value it builds).
MAX_RENDER_CHARS = 10_000_000
#: ``congvan check``: bytes of the file, of any part of a DOCX and of all its parts once
#: inflated, of any PDF content stream once inflated; pages of a PDF, paragraphs of a DOCX.
MAX_CHECK_BYTES = 50_000_000
MAX_CHECK_PART_BYTES = 50_000_000
MAX_CHECK_INFLATED = 200_000_000
MAX_CHECK_STREAM_BYTES = 20_000_000
MAX_CHECK_PAGES = 500
MAX_CHECK_PARAGRAPHS = 20_000


def _within_limit(value: str) -> str:
    if len(value) > MAX_TEXT:
        raise ValueError(_(
            "this text is {length} characters, more than the {limit} a field holds (about three "
            "pages). Shorten it, or split it into paragraphs, or send long material as a separate "
            "document.", length=f"{len(value):,}", limit=f"{MAX_TEXT:,}",
        ))
    return value


def _list_within_limit(value: object, info: ValidationInfo) -> object:
    """Refuse a list longer than its limit before any of its items is checked."""
    if isinstance(value, (list, tuple)):
        limit = MAX_ITEMS_OF.get(info.field_name or "", MAX_ITEMS)
        if len(value) > limit:
            if info.field_name in ("clusters", "provinces"):
                fix = _("A plan table has one row per cluster and names each province once: "
                        "check that the plan file is the right one.")
            else:
                fix = _("Shorten the list, or send the material as a separate document.")
            raise ValueError(_("{count} items, more than the {limit} this list holds. {fix}",
                               count=f"{len(value):,}", limit=limit, fix=fix))
    return value


#: Characters Unicode makes "default ignorable" (they print as nothing) that are not of
#: category Cf: the combining grapheme joiner, Hangul fillers, Khmer and Mongolian vowel
#: inherents and selectors, variation selectors.
_IGNORABLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10))) + "".join(map(chr, range(0xE0100, 0xE01F0)))
)


def _no_invisible(value: str) -> str:
    """Refuse invisible formatting characters (Unicode category Cf): a soft hyphen, a zero
    width space or joiner, a byte order mark, bidirectional controls. They print as
    nothing, or turn the text around (U+202E), so the page would not say what was typed."""
    import unicodedata

    for ch in value:
        if unicodedata.category(ch) == "Cf" or ch in _IGNORABLE:
            raise ValueError(_(
                "the invisible character U+{code} ({name}) would disappear from the page or change "
                "how the text around it prints (it often comes with text pasted from Word or the "
                "web): delete it", code=f"{ord(ch):04X}", name=unicodedata.name(ch, "format character"),
            ))
    return value


#: Any text a reader sees: NFC, single-spaced, at most MAX_TEXT characters, printable and
#: visible, never empty.
Text = Annotated[str, BeforeValidator(_clean_text), AfterValidator(_within_limit), AfterValidator(_printable),
                 AfterValidator(_no_invisible), AfterValidator(_not_empty)]


def _upper(value: str) -> str:
    return value.upper()


#: Text the Decree prints in capitals (titles in box 7a, marks); stored upper-cased.
UpperText = Annotated[Text, AfterValidator(_upper)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    _list_limit = field_validator("*", mode="before")(_list_within_limit)


class Agency(_Model):
    """Box 2: the issuing agency and, if any, its parent (cơ quan chủ quản)."""

    name: Text = Field(description="Full name in normal case, e.g. 'Bộ Thông tin và Truyền thông'.")
    header_lines: list[Text] | None = Field(
        None,
        description="How the name breaks in the header, one entry per line (printed in "
        "capitals). Default: the name on one line, wrapped by the column width.",
    )
    parent: Text | None = Field(
        None, description="Cơ quan chủ quản, printed above the agency name in capitals, not bold."
    )
    parent_lines: list[Text] | None = Field(
        None,
        description="How the parent agency breaks in the header, one entry per line (printed "
        "in capitals). Default: congvan breaks a long name between words, never inside a place name.",
    )

    @model_validator(mode="after")
    def _lines_spell_the_name(self) -> Agency:
        for field_name, lines, name in (("header_lines", self.header_lines, self.name),
                                        ("parent_lines", self.parent_lines, self.parent)):
            if lines is None:
                continue
            joined = " ".join(lines)
            if name is None or joined.casefold() != name.casefold():
                raise ValueError(_(
                    "{field} read {lines} but the name is {name}; "
                    "they must be the same words, only broken into lines",
                    field=field_name, lines=repr(joined), name=repr(name),
                ))
        return self


class IssueDate(_Model):
    """Box 4's date. A draft may leave the day, or the day and month, blank."""

    year: int = Field(ge=1945, le=2200)
    month: int | None = Field(None, ge=1, le=12)
    day: int | None = Field(None, ge=1, le=31)

    @model_validator(mode="before")
    @classmethod
    def _from_date(cls, value: object) -> object:
        if isinstance(value, dt.date):
            return {"year": value.year, "month": value.month, "day": value.day}
        if isinstance(value, int) and not isinstance(value, bool):
            return {"year": value}
        if isinstance(value, str):  # a date in quotes: "2025-03-05" (editors and JSON write dates as text)
            m = re.fullmatch(r"\s*([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})\s*", value)
            if m:
                return dict(zip(("year", "month", "day"), map(int, m.groups()), strict=True))
        return value

    @model_validator(mode="after")
    def _real_date(self) -> IssueDate:
        if self.day is not None:
            if self.month is None:
                raise ValueError(_("a day needs a month: give month too, or leave day out"))
            last = calendar.monthrange(self.year, self.month)[1]
            if self.day > last:
                raise ValueError(_(
                    "{day}/{month}/{year} does not exist: month {month} of {year} has {last} days",
                    day=self.day, month=self.month, year=self.year, last=last,
                ))
        return self

    @property
    def is_complete(self) -> bool:
        return self.day is not None and self.month is not None


class Directive(_Model):
    """One numbered directive of the body ("1.", "2.", …)."""

    text: Text
    items: list[Text] = Field(
        default_factory=list, description="Sub-items, lettered a), b), c), d), đ), e)… in order."
    )
    deadline: dt.date | None = Field(
        None,
        description="Target date; the text shows it where it writes {deadline} (as 9/9/2022).",
    )


class Body(_Model):
    """Box 6: the content, in the order a công văn reads."""

    opening: list[Text] = Field(default_factory=list, description="Paragraphs before the directives.")
    directives: list[Directive] = Field(default_factory=list)
    contact: list[Text] = Field(
        default_factory=list, description="Paragraphs after the directives (contact point, …)."
    )
    closing: Text | None = Field(
        None, description="The closing line, e.g. 'Trân trọng./.' (the Decree's samples end in './.')."
    )

    @model_validator(mode="after")
    def _has_content(self) -> Body:
        if not (self.opening or self.directives or self.contact):
            raise ValueError(_("the body is empty: give at least one paragraph in opening"))
        return self

    @model_validator(mode="after")
    def _not_a_book(self) -> Body:
        texts = [*self.opening, *self.contact, self.closing or ""]
        texts += [t for d in self.directives for t in (d.text, *d.items)]
        length = sum(len(t) for t in texts)
        if length > MAX_BODY:
            raise ValueError(_(
                "the body is {length} characters (about {pages} pages), more than the {limit} "
                "(about 20 pages) a dispatch holds. Send long material as an annex file or a separate "
                "document, and keep the dispatch to what it asks.",
                length=f"{length:,}", pages=length // 3000, limit=f"{MAX_BODY:,}",
            ))
        return self


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise ValueError(_(
            "{value} is not a web address: write it in full, e.g. https://example.gov.vn", value=repr(value)
        ))
    return value


def _fits_the_printed_qr(value: str) -> str:
    """Refuse an address whose QR code would be too fine to scan at the printed size.

    The longer the text, the more modules the code needs; printed at a fixed
    :data:`~generator.render.measures.PAGE` ``qr_size``, each module gets smaller. Below
    :data:`~generator.render.qr.MIN_MODULE_MM` a phone no longer reads a printed or
    photocopied code reliably.
    """
    from generator.render import qr

    problem = qr.too_fine(value)
    if problem is not None:
        modules, module_mm, longest = problem
        raise ValueError(_(
            "this address is {length} characters: its QR code would have {modules} modules across, "
            "{module} mm each when printed {size} mm wide, too fine to scan (at least {minimum} mm). "
            "Use a shorter address (at most {longest} characters), such as a short link.",
            length=len(value.encode("utf-8")), modules=modules, module=f"{module_mm:.2f}",
            size=f"{qr.printed_size_mm():g}", minimum=f"{qr.MIN_MODULE_MM:g}", longest=longest,
        ))
    return value


class QRCode(_Model):
    """A QR code printed after the closing, with its caption under it."""

    caption: Text
    url: Annotated[Text, AfterValidator(_check_url), AfterValidator(_fits_the_printed_qr)]


_PREFIXES = ("KT.", "TM.", "TL.", "TUQ.", "Q.")


class Authority(_Model):
    """One line of box 7a that carries a signing prefix: "KT. BỘ TRƯỞNG"."""

    prefix: Literal["KT.", "TM.", "TL.", "TUQ.", "Q."]
    of: UpperText = Field(description="Whose authority: 'Bộ trưởng', 'Ủy ban nhân dân', …")

    @field_validator("prefix", mode="before")
    @classmethod
    def _dot(cls, value: object) -> object:
        if isinstance(value, str):
            bare = value.strip().upper().rstrip(".")
            if bare + "." in _PREFIXES:
                return bare + "."
        return value

    @property
    def line(self) -> str:
        return f"{self.prefix} {self.of}"


class Signer(_Model):
    """Boxes 7a–7c: authority, title, signature space, name."""

    authority: list[Authority] = Field(
        default_factory=list,
        description="Prefix lines, outermost first: [TL. BỘ TRƯỞNG, KT. VỤ TRƯỞNG].",
    )
    title: UpperText | None = Field(None, description="The signer's own title, e.g. 'Thứ trưởng'.")
    name: Text
    signature_image: Text | None = Field(
        None, description="PNG with a transparent background, relative to the YAML file."
    )
    seal_image: Text | None = Field(
        None, description="PNG of the seal at its real size; it covers the signature's left third."
    )

    @model_validator(mode="after")
    def _has_a_title(self) -> Signer:
        if not self.authority and not self.title:
            raise ValueError(_("give the signer a title, or an authority line such as 'KT. BỘ TRƯỞNG'"))
        if self.seal_image and not self.signature_image:
            raise ValueError(_("a seal image overlaps the signature: give signature_image too"))
        return self

    @property
    def lines(self) -> list[str]:
        """Box 7a as printed, one entry per line."""
        out = [a.line for a in self.authority]
        if self.title:
            out.append(self.title)
        return out


class Distribution(_Model):
    """Box 9b "Nơi nhận" and box 12 (drafter's initials and copies)."""

    recipients: list[Text] = Field(
        description="One line each, without the leading '- ' or the ';'. A công văn starts with 'Như trên'."
    )
    archive: list[Text] = Field(
        default_factory=lambda: ["VT"], description="'Lưu:' units, e.g. [VT, CĐSQG]."
    )
    archive_copies: int | None = Field(None, ge=1, description="Copies kept, printed as '(2)'.")
    drafter: Text | None = Field(None, description="Drafter's initials (box 12), e.g. 'PL'.")
    copies: int | None = Field(None, ge=1, description="Copies issued (box 12), printed as '.(300)'.")

    @model_validator(mode="after")
    def _copies_need_drafter(self) -> Distribution:
        if self.copies is not None and self.drafter is None:
            raise ValueError(_("copies is printed after the drafter's initials: give drafter too"))
        return self


class Marks(_Model):
    """Boxes 10a, 10b and 11."""

    secrecy: Literal["MẬT", "TỐI MẬT", "TUYỆT MẬT"] | None = None
    urgency: Literal["KHẨN", "THƯỢNG KHẨN", "HỎA TỐC", "HOẢ TỐC"] | None = None
    circulation: UpperText | None = Field(None, description="e.g. 'Lưu hành nội bộ' (box 11).")

    @field_validator("secrecy", "urgency", mode="before")
    @classmethod
    def _caps(cls, value: object) -> object:
        return nfc(value).strip().upper() if isinstance(value, str) else value


class Cluster(_Model):
    """One row of the plan table: a cluster of provinces and its date range."""

    number: int | None = Field(None, ge=1, le=999_999, description="Default: its position in the table.")
    name: Text | None = Field(None, description="Default: 'Cụm <number>'.")
    provinces: list[Text] = Field(min_length=1)
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _range(self) -> Cluster:
        if self.end < self.start:
            raise ValueError(_(
                "the range ends ({end}) before it starts ({start}): swap start and end",
                end=f"{self.end:%d/%m/%Y}", start=f"{self.start:%d/%m/%Y}",
            ))
        return self


class Plan(_Model):
    """The plan table of an annex: clusters of provinces with date ranges."""

    clusters: list[Cluster] = Field(min_length=1)
    unit: Text = Field("tỉnh", description="The word after a cluster's count: 'Cụm 1 (12 tỉnh)'.")

    @model_validator(mode="after")
    def _each_province_once(self) -> Plan:
        seen: dict[str, int] = {}
        for i, cluster in enumerate(self.clusters):
            for j, p in enumerate(cluster.provinces):
                key = p.casefold()
                if key in seen:
                    raise ValueError(f"clusters.{i}.provinces.{j}: " + _(
                        "{name} is listed twice, in clusters {first} and {second}: keep one",
                        name=repr(p), first=seen[key] + 1, second=i + 1,
                    ))
                seen[key] = i
        return self

    @property
    def province_count(self) -> int:
        return sum(len(c.provinces) for c in self.clusters)


class AnnexAttribute(_Model):
    """A "- Label: text" line of an annex (Thời gian, Đối tượng, Nội dung, Hình thức, …)."""

    label: Text
    text: Text


#: An annex heading as a clerk may type it: "Phụ lục", or with a number ("Phụ lục II", "Phụ lục 2").
ANNEX_HEADING = re.compile(r"(?i)^phụ lục(?:\s+([ivxlc]+|\d+))?$")

#: A reference to an annex's computed heading in body or annex text: ``{annex:2}``.
ANNEX_REF = re.compile(r"\{annex:(\d+)\}")


def roman(n: int) -> str:
    """``n`` (1–3999) in Roman numerals: 1 → I, 4 → IV, 14 → XIV."""
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


class Annex(_Model):
    """An annex or attached plan, on its own pages with its own page numbers."""

    heading: Text | None = Field(
        None, description="'Phụ lục' for an annex: congvan numbers them (one annex: 'Phụ lục'; two or "
        "more: 'Phụ lục I', 'Phụ lục II', …). Leave out for an attached plan (KẾ HOẠCH …).",
    )
    title: Text = Field(description="Printed in capitals, e.g. 'Kế hoạch tổ chức …'.")
    attributes: list[AnnexAttribute] = Field(default_factory=list)
    lines: list[Text] = Field(
        default_factory=list, description="Plain lines of text, printed as written (a list without labels)."
    )
    plan: Plan | None = None

    @field_validator("heading")
    @classmethod
    def _heading_is_phu_luc(cls, value: str | None) -> str | None:
        if value is not None and not ANNEX_HEADING.match(value):
            raise ValueError(_(
                "{value}: write 'Phụ lục' (congvan numbers the annexes), or leave heading out "
                "for an attached plan", value=repr(value),
            ))
        return value


def annex_headings(annexes: list[Annex]) -> list[str | None]:
    """The printed heading of each annex (Decree 30, Phụ lục I, III.1; §6.1 of the spec): one
    annex with a heading is "Phụ lục", two or more are "Phụ lục I", "Phụ lục II", … in order."""
    count = sum(1 for a in annexes if a.heading is not None)
    out: list[str | None] = []
    n = 0
    for annex in annexes:
        if annex.heading is None:
            out.append(None)
            continue
        n += 1
        out.append("Phụ lục" if count == 1 else f"Phụ lục {roman(n)}")
    return out


class PerProvince(_Model):
    """How ``congvan batch --per-province`` addresses and adapts each province's copy."""

    recipient: Text = Field(
        "Ủy ban nhân dân {unit} {name}",
        description="Kính gửi of each copy; {unit} is tỉnh / thành phố, {name} the province's "
        "name on the dispatch's date. E.g. 'Sở Thông tin và Truyền thông {unit} {name}'.",
    )
    tones: Literal["new", "old"] = Field(
        "new", description="Tone marks of the whole copy's names: new 'Hòa', old 'Hoà'."
    )
    paragraph: Text | None = Field(
        None,
        description="A paragraph for each copy, after the directives. Placeholders: {province} "
        "('tỉnh Bắc Giang'), {cluster} ('Cụm 1'), {start} and {end} ('12/9/2022').",
    )
    highlight: bool = Field(False, description="Shade the recipient's own row in the plan table.")

    @field_validator("recipient")
    @classmethod
    def _recipient_placeholders(cls, value: str) -> str:
        unknown = set(PLACEHOLDER.findall(value)) - {"unit", "name"}
        if unknown or "{name}" not in value:
            raise ValueError(_(
                "{value}: write the body's name with {{unit}} and {{name}}, e.g. "
                "'Ủy ban nhân dân {{unit}} {{name}}'", value=repr(value),
            ))
        return value


class Copies(_Model):
    """One copy per row of a list, as Word's mail merge (``congvan batch --per-recipient``)."""

    file: str | None = Field(
        None, description="The list (.xlsx or .csv) next to this file, one row per copy, e.g. "
        "'danh-sach.xlsx'. `print`, `watch` and `serve` then make its copies without --per-recipient.",
    )
    recipient_column: Text | None = Field(
        None, description="The column printed after Kính gửi [default: the column headed 'Kính gửi'].",
    )
    file_column: Text | None = Field(
        None, description="The column giving each copy's file name or code [default: a column headed "
        "'Tên tệp' or 'Mã' if there is one, else the recipient's name without tone marks].",
    )
    paragraph: Text | None = Field(
        None, description="A paragraph for each copy, after the directives; {Column name} is that "
        "row's cell, e.g. 'Lớp tập huấn của đơn vị khai giảng ngày {Ngày tập huấn}.'",
    )


#: Placeholders a per-province paragraph may use.
COPY_PLACEHOLDERS = {"province", "cluster", "start", "end", "province_count"}

_CODE = re.compile(r"^[^\s/]+$")

#: A placeholder in body or annex text: ``{province_count}``, ``{deadline}``. Only
#: names in lower case with underscores count, so other braces stay literal text.
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class Dispatch(_Model):
    """A công văn: header, body, closing, signer, distribution and annexes."""

    type_name: Text = Field("Công văn", description="Used in the annex reference line.")
    agency: Agency
    number: int | None = Field(None, ge=1, le=999_999,
                               description="Leave out in a draft: printed as blank space.")
    code: Text = Field(description="Ký hiệu after the '/', e.g. 'BTTTT-CĐSQG'.")
    place: Text = Field(description="Địa danh, e.g. 'Hà Nội'.")
    date: IssueDate
    subject: Text = Field(description="Trích yếu, printed after 'V/v '.")
    recipients: list[Text] = Field(min_length=1, description="Kính gửi.")
    body: Body
    qr_codes: list[QRCode] = Field(default_factory=list)
    signer: Signer
    distribution: Distribution
    marks: Marks = Field(default_factory=Marks)
    footer: list[Text] = Field(
        default_factory=list, description="Box 13: address lines at the foot of page 1."
    )
    annexes: list[Annex] = Field(default_factory=list)
    per_province: PerProvince = Field(
        default_factory=PerProvince, description="Settings for one copy per province of the plan."
    )
    copies: Copies | None = Field(
        None, description="One copy per row of a list (congvan batch --per-recipient).",
    )
    templates: str | None = Field(
        None,
        exclude=True,  # where the layout comes from, not printed text
        description="A folder of your own templates, relative to this file: its dispatch.html.j2, "
        "annex.html.j2, page.css.j2 and dispatch.docx replace the built-in ones.",
    )

    @field_validator("code")
    @classmethod
    def _code_shape(cls, value: str) -> str:
        if not _CODE.match(value):
            raise ValueError(_(
                "{value}: write the ký hiệu without spaces or '/', e.g. 'BTTTT-CĐSQG'", value=repr(value)
            ))
        return value.upper()

    @field_validator("subject")
    @classmethod
    def _no_vv(cls, value: str) -> str:
        if re.match(r"(?i)^v/v\b", value):
            raise ValueError(_("leave out 'V/v': it is printed for you"))
        return value

    @model_validator(mode="after")
    def _placeholders_known(self) -> Dispatch:
        has_plan = self.plan is not None
        for where, text, extra in self._texts_with_placeholders():
            for name in PLACEHOLDER.findall(text):
                known = {"province_count"} if has_plan else set()
                known |= extra
                if name not in known:
                    hint = ", ".join("{" + k + "}" for k in sorted(known)) or _("none here")
                    raise ValueError(f"{where}: " + _(
                        "unknown placeholder {placeholder} (known: {known})", placeholder="{" + name + "}", known=hint,
                    ))
        paragraph = self.per_province.paragraph
        if paragraph is not None:
            unknown = set(PLACEHOLDER.findall(paragraph)) - COPY_PLACEHOLDERS
            if unknown or not has_plan:
                raise ValueError(
                    "per_province.paragraph: "
                    + (_("unknown placeholder {placeholder} (known: {known})",
                         placeholder="{" + sorted(unknown)[0] + "}",
                         known=", ".join("{" + k + "}" for k in sorted(COPY_PLACEHOLDERS)))
                       if unknown else _("needs an annex with a plan table to take dates from"))
                )
        headings = annex_headings(self.annexes)
        for i, (annex, heading) in enumerate(zip(self.annexes, headings, strict=True)):
            typed = ANNEX_HEADING.match(annex.heading or "")
            if typed and typed.group(1) and typed.group(1).upper() != (heading or "").removeprefix("Phụ lục ").upper():
                raise ValueError(f"annexes.{i}.heading: " + _(
                    "{value}: this annex is {heading}; write 'Phụ lục' and congvan numbers the annexes",
                    value=repr(annex.heading), heading=repr(heading),
                ))
        for where, text, _extra in self._texts_with_placeholders():
            for ref in ANNEX_REF.findall(text):
                n = int(ref)
                if not 1 <= n <= len(headings) or headings[n - 1] is None:
                    numbered = [str(k) for k, h in enumerate(headings, 1) if h is not None]
                    raise ValueError(f"{where}: " + _(
                        "{{annex:{n}}} refers to no annex with a heading 'Phụ lục' (annexes with one: {known})",
                        n=n, known=", ".join(numbered) or _("none here"),
                    ))
        for i, d in enumerate(self.body.directives):
            if d.deadline is not None and "{deadline}" not in d.text:
                raise ValueError(f"body.directives.{i}: " + _(
                    "deadline is set but the text never shows it: write {{deadline}} where the date belongs",
                ))
        return self

    def _texts_with_placeholders(self) -> list[tuple[str, str, set[str]]]:
        out: list[tuple[str, str, set[str]]] = []
        for i, t in enumerate(self.body.opening):
            out.append((f"body.opening.{i}", t, set()))
        for i, d in enumerate(self.body.directives):
            extra = {"deadline"} if d.deadline is not None else set()
            out.append((f"body.directives.{i}.text", d.text, extra))
            out += [(f"body.directives.{i}.items.{j}", t, extra) for j, t in enumerate(d.items)]
        for i, t in enumerate(self.body.contact):
            out.append((f"body.contact.{i}", t, set()))
        for i, a in enumerate(self.annexes):
            out.append((f"annexes.{i}.title", a.title, set()))
            out += [(f"annexes.{i}.attributes.{j}.text", t.text, set()) for j, t in enumerate(a.attributes)]
            out += [(f"annexes.{i}.lines.{j}", t, set()) for j, t in enumerate(a.lines)]
        return out

    @property
    def templates_dir(self) -> Path | None:
        """The folder of the dispatch's own templates (``templates:`` or ``--templates``), if any."""
        return Path(self.templates) if self.templates else None

    @property
    def plan(self) -> Plan | None:
        """The first annex's plan table, the one body text counts refer to."""
        for annex in self.annexes:
            if annex.plan is not None:
                return annex.plan
        return None

    def date_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Dates whose year cannot be this dispatch's: (field path, what is wrong).

        A deadline or a plan date falls in the dispatch's year, or in the next one (a
        plan sent in December reaches into January). Anything else is nearly always a
        year left over from an older dispatch the text was copied from.
        """
        year = self.date.year
        dates: list[tuple[tuple[str | int, ...], dt.date]] = [
            (("body", "directives", i, "deadline"), d.deadline)
            for i, d in enumerate(self.body.directives) if d.deadline is not None
        ]
        for a, annex in enumerate(self.annexes):
            for c, cluster in enumerate(annex.plan.clusters if annex.plan else []):
                dates += [(("annexes", a, "plan", "clusters", c, "start"), cluster.start),
                          (("annexes", a, "plan", "clusters", c, "end"), cluster.end)]
        return [
            (loc, _("{date} is in {year}, but the dispatch is dated {own}: write a date of {own} or {next}",
                    date=f"{when.day}/{when.month}/{when.year}", year=when.year, own=year, next=year + 1))
            for loc, when in dates if not year <= when.year <= year + 1
        ]
