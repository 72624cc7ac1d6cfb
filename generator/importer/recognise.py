"""Map the paragraphs of a read file to the fields of a dispatch.

Each element is found by its text first (the Decree fixes how "Số:", the date line,
"V/v", "Kính gửi", "Nơi nhận:" and the signer's prefixes read) and by its place
(before or after Kính gửi, left or right column) second. What congvan computes is
taken back out: the Quốc hiệu and Tiêu ngữ, directive numbers and item letters, the
recipients' punctuation, the annex reference line, counts ("63 địa phương",
"(12 tỉnh)") that agree with the plan, and deadlines written "trước ngày 9/9/2022".
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from generator.i18n import _
from generator.importer.reading import Para, PlanTable, Source
from generator.vietnamese import nfc

__all__ = ["Recognised", "recognise"]

Path_ = tuple[Any, ...]


@dataclass
class Recognised:
    data: dict[str, Any]
    #: Comments to write at a field: (field path, text).
    notes: list[tuple[Path_, str]] = field(default_factory=list)
    recognised: list[str] = field(default_factory=list)
    guessed: list[str] = field(default_factory=list)
    left_over: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Plan tables: annex index -> clusters (dicts of number, name, provinces, start, end).
    plans: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)

    def leave(self, at: Path_, text: str) -> None:
        self.notes.append((at, _("not placed: {text}", text=text)))
        self.left_over.append(text)


def _fold(text: str) -> str:
    from generator.vietnamese import fold

    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)  # en and em dashes, as the Tiêu ngữ is often typed
    return " ".join(fold(text).casefold().split())


_NATIONAL = "cong hoa xa hoi chu nghia viet nam"
_MOTTO = "doc lap - tu do - hanh phuc"
_NUMBER = re.compile(r"^Số\s*:?\s*(\d*)\s*/\s*(\S+)\s*$", re.I)
_DATE = re.compile(r"^(?P<place>[^,]+?)\s*,\s*ngày\s*(?P<d>\d{0,2})\s*(?:…\s*)?"
                   r"tháng\s*(?P<m>\d{0,2})\s*(?:…\s*)?năm\s*(?P<y>\d{4})\s*$", re.I)
_VV = re.compile(r"^V/v\s*:?\s*", re.I)
_KINH_GUI = re.compile(r"^Kính\s+gửi\s*:?\s*", re.I)
_DIRECTIVE = re.compile(r"^(\d{1,2})\s*[.)]\s+")
_ITEM = re.compile(r"^([a-zđ])\s*\)\s+")
_CLOSING = re.compile(r"^(Xin\s+)?(Trân\s+trọng|Trân\s+trọng\s+cảm\s+ơn)\b.*[.!]\s*$", re.I)
_AUTHORITY = re.compile(r"^(KT|TM|TL|TUQ|Q)\s*\.\s*(.+)$")
_SECRECY = {"MẬT", "TỐI MẬT", "TUYỆT MẬT"}
_URGENCY = {"KHẨN", "THƯỢNG KHẨN", "HỎA TỐC", "HOẢ TỐC"}
_CIRCULATION = re.compile(r"^(LƯU HÀNH NỘI BỘ|XEM XONG TRẢ LẠI|KHÔNG PHỔ BIẾN|CHỈ .+)$")
_ANNEX_HEADING = re.compile(r"^Phụ\s+lục\b", re.I)
_REFERENCE = re.compile(r"^\(\s*Kèm\s+theo\s+(?P<type>.+?)\s+số\b", re.I)
_ATTRIBUTE = re.compile(r"^-\s*(?P<label>[^:]{1,40}?)\s*:\s*(?P<text>.+)$")
_SHORT_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_DEADLINE = re.compile(r"(trước|chậm nhất|hạn chót|hạn)\b[^.;:]{0,40}?\bngày\s+"
                       r"(?P<date>(\d{1,2})/(\d{1,2})/(\d{4}))\b", re.I)
_COUNT = re.compile(r"\b(\d{1,3})(?=\s+(địa phương|tỉnh, thành phố|tỉnh/thành phố|tỉnh|tỉnh, thành)\b)", re.I)
_ACRONYMS = {"UBND", "HĐND", "MTTQ", "TW", "CP", "TTG", "BCĐ", "QG", "CNTT", "VN", "TP", "TP."}


def _strip(text: str) -> str:
    return " ".join(nfc(text).split())


def recognise(source: Source) -> Recognised:
    r = Recognised(data={})
    paras = sorted((p for p in source.paras if p.text.strip()), key=lambda p: (p.part, p.area != "body", p.key))
    main = [p for p in paras if p.part == 0 and p.area == "body"]
    corpus = " \n ".join(x for p in source.paras for x in (p.lines or [p.text]) if not _is_upper(x))
    kinh = next((i for i, p in enumerate(main) if _KINH_GUI.match(p.text)), None)
    if kinh is None:
        kinh = next((i for i, p in enumerate(main) if p.indented), len(main))
        r.warnings.append(_("no 'Kính gửi' line was found: the recipients are left to fill in"))
    header, rest = main[:kinh], main[kinh:]
    _header(r, header, [p for p in paras if p.part == 0 and p.area == "page-header"], corpus, source.kind)
    rest = _kinh_gui(r, rest)
    rest = _body(r, rest)
    _signature(r, rest, source)
    footer = [_strip(p.text) for p in paras if p.part == 0 and p.area == "page-footer"]
    if footer:
        r.data["footer"] = footer
        r.recognised.append(_("footer ({count} lines)", count=len(footer)))
    _annexes(r, source, paras, corpus)
    _counts_and_deadlines(r)
    return r


# --- header ------------------------------------------------------------------------------------

def _header(r: Recognised, header: list[Para], top: list[Para], corpus: str, kind: str) -> None:
    left: list[Para] = []
    for p in top:
        text = _strip(p.text).upper()
        if _CIRCULATION.match(text):
            r.data.setdefault("marks", {})["circulation"] = _strip(p.text)
            r.recognised.append(_("circulation mark"))
        else:
            r.leave(("agency",), _strip(p.text))
    after_number = False
    # A PDF's paragraphs in the header may join lines of one column that are separate
    # elements (the Quốc hiệu and the Tiêu ngữ; "Số:" and "V/v"): take them line by line,
    # a line that continues "V/v" or the agency joining it again.
    expanded: list[Para] = []
    for p in header:
        original = p.lines or [p.text]
        pieces = [piece for x in original for piece in _split_joined(_strip(x))]
        if pieces == original and (len(pieces) == 1 or _is_upper(p.text)):
            expanded.append(p)
            continue
        group: Para | None = None
        for k, x in enumerate(pieces):
            if k and _fold(pieces[k - 1] + " " + x) in (_NATIONAL, _MOTTO):
                expanded[-1].text += " " + x  # the Quốc hiệu wrapped in a narrow box
                expanded[-1].lines = [expanded[-1].text]
                continue
            if group is not None and group.pid == ("vv", id(p)) and not _known(x):
                group.text += " " + x
                continue
            if group is not None and group.pid == ("caps", id(p)) and _is_upper(x) and not _known(x):
                group.text += " " + x  # the agency's name on several lines
                group.lines.append(x)
                continue
            kind = "vv" if _VV.match(x) else "caps" if _is_upper(x) and not _known(x) else None
            group = Para(text=x, part=p.part, column=p.column, bold=p.bold, italic=p.italic, size=p.size,
                         lines=[x], key=p.key, centre=p.centre, pid=(kind, id(p)) if kind else p.pid)
            expanded.append(group)
    for p in expanded:
        text = _strip(p.text)
        folded = _fold(text)
        if folded == _NATIONAL or folded == _MOTTO:
            continue
        m = _NUMBER.match(text)
        if m:
            if m.group(1):
                r.data["number"] = int(m.group(1))
            r.data["code"] = m.group(2)
            r.recognised.append(_("number and code") if m.group(1) else _("code (number left blank)"))
            after_number = True
            continue
        m = _DATE.match(text)
        if m:
            r.data["place"] = _strip(m.group("place"))
            date: dict[str, int] = {"year": int(m.group("y"))}
            if m.group("m"):
                date["month"] = int(m.group("m"))
            if m.group("d") and m.group("m"):
                date["day"] = int(m.group("d"))
            r.data["date"] = date
            r.recognised.append(_("place and date") if "day" in date else _("place and date (day or month left blank)"))
            continue
        if _VV.match(text):
            r.data["subject"] = _VV.sub("", text)
            r.recognised.append(_("subject (V/v)"))
            continue
        upper = text.upper()
        marks = _marks(upper)
        if marks and len(marks) > 1:
            for mark in marks:
                kind = "secrecy" if mark in _SECRECY else "urgency"
                r.data.setdefault("marks", {})[kind] = mark
                r.recognised.append(_("secrecy mark {mark}", mark=mark) if kind == "secrecy"
                                    else _("urgency mark {mark}", mark=mark))
            continue
        if upper in _SECRECY:
            r.data.setdefault("marks", {})["secrecy"] = upper
            r.recognised.append(_("secrecy mark {mark}", mark=upper))
            continue
        if upper in _URGENCY:
            r.data.setdefault("marks", {})["urgency"] = upper
            r.recognised.append(_("urgency mark {mark}", mark=upper))
            continue
        if _CIRCULATION.match(upper) and upper == text:
            r.data.setdefault("marks", {})["circulation"] = text
            r.recognised.append(_("circulation mark"))
            continue
        if not after_number and p.column != "right" and _is_upper(text):
            left.append(p)
            continue
        r.leave(("subject",) if after_number else ("agency",), text)
    if left:
        # The issuing agency is bold; lines above it, not bold, are the parent (cơ quan chủ quản).
        bold = [p for p in left if p.bold]
        agency_paras = bold if bold and len(bold) < len(left) else left[-1:] if not bold else bold
        parent = [p for p in left if p not in agency_paras]
        lines = [_strip(x) for p in agency_paras for x in (p.lines or [p.text])]
        name = _recase(" ".join(lines), corpus)
        agency: dict[str, Any] = {"name": name}
        # congvan breaks a long name into balanced lines itself: lines it would print from the
        # name alone come back as the name; other breaks are the clerk's (header_lines). A
        # PDF also breaks where the column ends.
        if len(lines) > 1 and not _computed_lines(name, lines, parent=False) \
                and (kind == "docx" or _broken_by_hand(lines, agency_paras[0].size)):
            agency["header_lines"] = _split_like(name, lines)
        if parent:
            parent_lines = [_strip(x) for p in parent for x in (p.lines or [p.text])]
            agency["parent"] = _recase(" ".join(parent_lines), corpus)
            if len(parent_lines) > 1 and not _computed_lines(agency["parent"], parent_lines, parent=True) \
                    and (kind == "docx" or _broken_by_hand(parent_lines, parent[0].size, bold=False)):
                agency["parent_lines"] = _split_like(agency["parent"], parent_lines)
        r.data["agency"] = agency
        r.recognised.append(_("agency") + (" " + _("and parent agency") if parent else ""))
        r.guessed.append(_("the agency's letter case, from the body text: {name}", name=name))
    else:
        r.warnings.append(_("no agency name was found in the header"))


_NUMBER_DATE = re.compile(r"^(Số\s*:?\s*\d*\s*/\s*[A-ZĐ0-9.\-]+?)\s*([A-ZĐ][a-zà-ỹđ][^,]*,\s*ngày\b.*)$")


def _split_joined(line: str) -> list[str]:
    """A header line a PDF reader took for one: "BỘ …CỘNG HÒA XÃ HỘI…", "SỞ …Độc lập - …",
    "Số: 12/STC-NSBắc Ninh, ngày …" are two elements side by side."""
    for title in (_NATIONAL, _MOTTO):
        n = len(title)
        if len(line) > n and _fold(line[-n:]) == title:
            return [*_split_joined(line[:-n].strip()), line[-n:]]
        if len(line) > n and _fold(line[:n]) == title:
            return [line[:n], *_split_joined(line[n:].strip())]
    m = _NUMBER_DATE.match(line)
    if m:
        return [m.group(1), m.group(2)]
    return [line] if line else []


def _known(line: str) -> bool:
    """A header line that is an element of its own."""
    text = _strip(line)
    return bool(_fold(text) in (_NATIONAL, _MOTTO) or _NUMBER.match(text) or _DATE.match(text) or _VV.match(text)
                or text.upper() in _SECRECY | _URGENCY or _marks(text.upper()))


def _marks(text: str) -> list[str] | None:
    """Marks printed side by side on one line ("MẬT HỎA TỐC"), or None."""
    names = sorted(_SECRECY | _URGENCY, key=len, reverse=True)
    m = re.fullmatch(r"((?:" + "|".join(map(re.escape, names)) + r")\s*)+", text)
    if not m:
        return None
    return re.findall("|".join(map(re.escape, names)), text)


def _computed_lines(name: str, lines: list[str], *, parent: bool) -> bool:
    """Whether ``lines`` are those congvan prints for ``name`` when no lines are given."""
    from generator.render.view import header_lines

    return [_strip(x).upper() for x in lines] == header_lines(name, None, parent=parent)


def _broken_by_hand(lines: list[str], size: float | None, *, bold: bool = True) -> bool:
    """Lines of a PDF's agency name that a break typed by hand ended: the next word would
    have fitted in the header's left column."""
    from generator.render.fonts import text_width_mm
    from generator.render.measures import PAGE

    column = PAGE.text_width * PAGE.header_split
    for line, after in zip(lines, lines[1:], strict=False):
        if text_width_mm(f"{line} {after.split()[0]}", size or 12, bold=bold) < column - 2:
            return True
    return False


def _split_like(name: str, lines: list[str]) -> list[str]:
    words = name.split()
    out, at = [], 0
    for line in lines:
        n = len(line.split())
        out.append(" ".join(words[at:at + n]))
        at += n
    return out


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


#: Text in capitals longer than this is only given a capital first letter; runs of at most
#: _RECASE_RUN words are looked up (bounded work for any file).
_RECASE_WORDS = 80
_RECASE_RUN = 16


def _recase(text: str, corpus: str) -> str:
    """Text printed in capitals in the case the rest of the document writes it.

    The longest run of its words found in the corpus (not in capitals) takes the
    corpus's case; other words are lower case, the first capitalised; known acronyms
    (UBND, HĐND…) stay in capitals.
    """
    if not _is_upper(text):
        return text
    tokens = re.findall(r"\w+|[^\w\s]+", text)
    words = [t for t in tokens if re.match(r"\w", t)]
    out = [w.lower() for w in words]
    i = 0
    while i < len(words) and len(words) <= _RECASE_WORDS:
        best = 0
        for n in range(min(len(words) - i, _RECASE_RUN), 1, -1):
            pattern = r"(?<!\w)" + r"[^\w]+".join(re.escape(w) for w in words[i:i + n]) + r"(?!\w)"
            matches = list(itertools.islice(re.finditer(pattern, corpus, re.IGNORECASE), 20))
            if matches:
                # A run found inside a sentence says how its first word is written; at a
                # sentence's start its capital may be only the sentence's.
                m = next((x for x in matches if not _starts_sentence(corpus, x.start())), matches[0])
                found = re.findall(r"\w+", m.group(0))
                if len(found) == n:
                    if i > 0 and _starts_sentence(corpus, m.start()):
                        found[0] = found[0][:1].lower() + found[0][1:]
                    out[i:i + n] = found
                    best = n
                break
        i += best or 1
    for k, w in enumerate(words):
        if w.upper() in _ACRONYMS or any(ch.isdigit() for ch in w):
            out[k] = w
    if out:
        out[0] = out[0][:1].upper() + out[0][1:]
    # Put the words back between the original separators.
    result, k = [], 0
    for t in tokens:
        if re.match(r"\w", t):
            result.append(out[k])
            k += 1
        else:
            result.append(t)
    # Spacing: rebuild from the original text by replacing tokens in order.
    pieces, at = [], 0
    for t, orig in zip(result, tokens, strict=True):
        j = text.find(orig, at)
        pieces.append(text[at:j])
        pieces.append(t)
        at = j + len(orig)
    pieces.append(text[at:])
    return "".join(pieces)


def _starts_sentence(corpus: str, at: int) -> bool:
    before = corpus[:at].rstrip()
    return not before or before[-1] in ".:;!?\n"


# --- Kính gửi ----------------------------------------------------------------------------------

def _kinh_gui(r: Recognised, rest: list[Para]) -> list[Para]:
    if not rest or not _KINH_GUI.match(rest[0].text):
        return rest
    if len(rest[0].lines) > 1:  # "Kính gửi:" and its list in one paragraph, lines broken by hand
        p = rest[0]
        rest = [Para(text=x, part=p.part, column=p.column, lines=[x], key=p.key, pid=p.pid) for x in p.lines] + rest[1:]
    first = _KINH_GUI.sub("", _strip(rest[0].text))
    names: list[str] = []
    i = 1
    if first and not first.startswith("-"):
        names.append(first.rstrip(";.").strip() if first.endswith((";",)) else first)
    elif not first and len(rest) > 1 and not re.match(r"^[-–+•]", rest[1].text) and not rest[1].indented \
            and rest[1].pid == rest[0].pid:
        names.append(_strip(rest[1].text))  # "Kính gửi:<tab>X" read as two columns
        i = 2
    else:
        if first:
            names.append(_item(first))
        while i < len(rest) and re.match(r"^[-–+•]\s*", rest[i].text) and not rest[i].indented:
            names.append(_item(rest[i].text))
            i += 1
            if rest[i - 1].text.rstrip().endswith("."):
                break
    if names:
        r.data["recipients"] = names
        r.recognised.append(_("recipients (Kính gửi): {count}", count=len(names)))
    else:
        r.warnings.append(_("'Kính gửi' names no recipient"))
    return rest[i:]


def _item(text: str) -> str:
    text = re.sub(r"^[-–+•]\s*", "", _strip(text))
    return re.sub(r"\s*[;.,]\s*$", "", text)


# --- body --------------------------------------------------------------------------------------

def _is_noi_nhan(p: Para) -> bool:
    return bool(re.match(r"^Nơi\s+nhận\s*:?", p.text))


def _body(r: Recognised, rest: list[Para]) -> list[Para]:
    opening: list[str] = []
    directives: list[dict[str, Any]] = []
    contact: list[str] = []
    closing = None
    i = 0
    while i < len(rest):
        p = rest[i]
        text = _strip(p.text)
        if _is_noi_nhan(p) or (p.in_cell and p.column == "right" and closing is not None):
            break
        if closing is not None:
            break
        if _CLOSING.match(text) and len(text) < 80:
            closing = text
            i += 1
            continue
        label = p.label
        m = _DIRECTIVE.match(text)
        item = _ITEM.match(text)
        if label and re.match(r"^\d+[.)]$", label):
            directives.append({"text": text})
        elif label and re.match(r"^[a-zA-Z][.)]$", label) and directives:
            directives[-1].setdefault("items", []).append(text)
        elif m and not contact:
            directives.append({"text": text[m.end():]})
        elif item and directives and not contact:
            directives[-1].setdefault("items", []).append(text[item.end():])
        elif label == "-" and directives and not contact:
            directives[-1].setdefault("items", []).append(text)
        elif directives:
            contact.append(text)
        else:
            opening.append(text)
        i += 1
    body: dict[str, Any] = {}
    if opening:
        body["opening"] = opening
    if directives:
        body["directives"] = directives
    if contact:
        body["contact"] = contact
    if closing:
        body["closing"] = closing
    r.data["body"] = body
    r.recognised.append(_("body: {opening} opening paragraphs, {directives} directives, {contact} after them",
                          opening=len(opening), directives=len(directives), contact=len(contact)))
    if directives and any(p.label for p in rest[:i]):
        r.recognised.append(_("directives numbered by Word's automatic numbering"))
    return rest[i:]


# --- QR, signer, Nơi nhận --------------------------------------------------------------------

def _signature(r: Recognised, rest: list[Para], source: Source) -> None:
    qr = [q for q in source.qr if q[1] == 0]
    captions: list[Para] = []
    i = 0
    while i < len(rest) and not _is_noi_nhan(rest[i]) and not _AUTHORITY.match(_strip(rest[i].text)):
        captions.append(rest[i])
        i += 1
    rest = rest[i:]
    if qr and len(captions) > len(qr):
        captions = _captions_joined(captions, len(qr), source.kind)
    if qr:
        if source.kind == "pdf":
            caps = sorted(captions, key=lambda p: p.centre or 0)
            qrs = sorted(qr, key=lambda q: q[2] or 0)
        else:
            caps, qrs = captions, qr
        codes = []
        for k, (text, _part, _x) in enumerate(qrs):
            if k < len(caps):
                codes.append({"caption": _strip(caps[k].text), "url": text})
            else:
                codes.append({"caption": _("(caption)"), "url": text})
                r.warnings.append(_("a QR code ({url}) has no caption under it: write one", url=text))
        r.data["qr_codes"] = codes
        r.recognised.append(_("QR codes: {count}", count=len(codes)))
        for p in caps[len(qrs):]:
            r.leave(("qr_codes",), _strip(p.text))
    else:
        for p in captions:
            r.leave(("body", "closing") if "body" in r.data else ("signer",), _strip(p.text))
    if source.images > len(source.qr):
        r.warnings.append(_("{count} images are not QR codes (a signature, a seal, a logo): they are not "
                            "imported; add signature_image to the signer if needed",
                            count=source.images - len(source.qr)))
    left, right = [], []
    for p in rest:
        if p.column == "right" or (_AUTHORITY.match(_strip(p.text)) and p.column != "left"):
            right.append(p)
        elif p.column == "left" or _is_noi_nhan(p) or p.text.lstrip().startswith("-"):
            left.append(p)
        else:
            right.append(p)
    _noi_nhan(r, left)
    _signer(r, right)


def _captions_joined(captions: list[Para], codes: int, kind: str) -> list[Para]:
    """The lines of each QR code's caption (congvan breaks a long caption into balanced
    lines) as one caption: lines centred alike are one caption, when that gives one
    caption a code; else the lines as they are."""
    groups: list[list[Para]] = []
    for p in captions:
        group = next((g for g in groups if p.centre is not None and g[0].centre is not None
                      and abs(p.centre - g[0].centre) < 2.5), None)
        if group is None:
            groups.append([p])
        else:
            group.append(p)
    if len(groups) != codes or any(p.centre is None for p in captions):
        return captions
    out = []
    for g in groups:
        g = sorted(g, key=lambda p: p.key) if kind == "pdf" else g
        lines = [_strip(x) for p in g for x in (p.lines or [p.text])]
        out.append(Para(text=" ".join(lines), part=g[0].part, column=g[0].column, lines=lines, key=g[0].key,
                        centre=g[0].centre, pid=g[0].pid, in_cell=g[0].in_cell))
    return out


def _noi_nhan(r: Recognised, left: list[Para]) -> None:
    lines: list[str] = []
    for p in left:
        lines += [x for x in (p.lines or [p.text])]
    lines = [_strip(x) for x in lines if _strip(x)]
    if lines and re.match(r"^Nơi\s+nhận\s*:?$", lines[0]):
        lines = lines[1:]
    items: list[str] = []
    for x in lines:
        if re.match(r"^[-–+•]", x) or not items:
            items.append(x)
        else:
            items[-1] += " " + x  # a long line wrapped
    recipients: list[str] = []
    dist: dict[str, Any] = {}
    for x in items:
        text = _item(x)
        m = re.match(r"^Lưu\s*:?\s*(.*)$", text)
        if m:
            rest = m.group(1)
            d = re.search(r",\s*(?P<drafter>[^,()]+?)\s*\.\s*\((?P<copies>\d+)\)$", rest)
            if d:
                dist["drafter"] = d.group("drafter")
                dist["copies"] = int(d.group("copies"))
                rest = rest[: d.start()]
            c = re.search(r"\s*\((\d+)\)$", rest)
            if c:
                dist["archive_copies"] = int(c.group(1))
                rest = rest[: c.start()]
            elif "archive_copies" not in dist:
                c = re.search(r"\s*\((\d+)\)\s*,\s*(?P<drafter>[^,()]+)$", rest)
                if c:
                    dist["archive_copies"] = int(c.group(1))
                    dist["drafter"] = c.group("drafter")
                    rest = rest[: c.start()]
            dist["archive"] = [u.strip() for u in rest.split(",") if u.strip()]
        else:
            recipients.append(text)
    if recipients or dist:
        r.data["distribution"] = {"recipients": recipients or ["Như trên"], **dist}
        r.recognised.append(_("Nơi nhận: {count} lines", count=len(recipients)))
    else:
        r.warnings.append(_("no 'Nơi nhận' was found"))


def _signer(r: Recognised, right: list[Para]) -> None:
    lines: list[tuple[str, bool]] = []
    for p in right:
        for x in p.lines or [p.text]:
            if _strip(x):
                lines.append((_strip(x), p.bold))
    authority: list[dict[str, str]] = []
    title: list[str] = []
    name = None
    others: list[str] = []
    for text, _bold in lines:
        m = _AUTHORITY.match(text)
        if m and _is_upper(text) and not title:
            authority.append({"prefix": m.group(1) + ".", "of": _strip(m.group(2))})
        elif _is_upper(text) and name is None:
            title.append(text)
        elif not _is_upper(text):
            if name is not None:
                others.append(name)
            name = text
        else:
            others.append(text)
    if name is None:
        r.warnings.append(_("the signer's name was not found"))
        name = _("(name)")
    signer: dict[str, Any] = {}
    if authority:
        signer["authority"] = authority
    if title:
        signer["title"] = " ".join(title)
    signer["name"] = name
    r.data["signer"] = signer
    r.recognised.append(_("signer"))
    for o in others:
        r.leave(("signer",), o)


# --- annexes -----------------------------------------------------------------------------------

def _annexes(r: Recognised, source: Source, paras: list[Para], corpus: str) -> None:
    parts = sorted({p.part for p in paras if p.part > 0} | {t.part for t in source.tables if t.part > 0})
    annexes = []
    reference = None
    typed: list[str | None] = []
    for k, part in enumerate(parts):
        body = _reference_joined([p for p in paras if p.part == part and p.area == "body"])
        tables = [t for t in source.tables if t.part == part]
        annex: dict[str, Any] = {}
        title: list[str] = []
        attributes: list[dict[str, str]] = []
        plain: list[str] = []
        here = None  # this annex's reference line
        for p in body:
            text = _strip(p.text)
            if _ANNEX_HEADING.match(text) and "heading" not in annex and not title:
                annex["heading"] = _strip(p.lines[0]) if len(p.lines) > 1 else text
                if len(p.lines) > 1:
                    title.append(_strip(" ".join(p.lines[1:])))
            elif _REFERENCE.match(text) and here is None:
                reference = here = text
                m = _REFERENCE.match(text)
                type_name = _strip(m.group("type"))
                if type_name != "Công văn":
                    r.data["type_name"] = type_name
            elif not plain and _ATTRIBUTE.match(text) and len(_ATTRIBUTE.match(text).group("label").split()) <= 5:
                m = _ATTRIBUTE.match(text)
                attributes.append({"label": m.group("label"), "text": m.group("text")})
            elif not attributes and not plain and _is_upper(text) and here is None:
                title.append(text)
            elif not attributes and not plain and here is None and p.bold and not title:
                title.append(text)
            elif title and here is not None and not tables:
                plain.append(text)  # a plain list annex: its lines as written
            else:
                r.leave(("annexes", k), text)
        typed.append(annex.get("heading"))
        if plain:
            annex["lines"] = plain
        # The agency's name is printed in normal case in the reference line: use it.
        if reference:
            m = re.search(r"\bcủa\s+(.+?)\)\s*$", reference)
            if m and "agency" in r.data and _fold(m.group(1)) == _fold(r.data["agency"]["name"]):
                r.data["agency"]["name"] = _strip(m.group(1))
                if "header_lines" in r.data["agency"]:
                    r.data["agency"]["header_lines"] = _split_like(
                        r.data["agency"]["name"], r.data["agency"]["header_lines"])
                    if _computed_lines(r.data["agency"]["name"], r.data["agency"]["header_lines"], parent=False):
                        del r.data["agency"]["header_lines"]
        annex["title"] = _recase(" ".join(title), corpus) if title else _("(title)")
        if not title:
            r.warnings.append(_("annex {n} has no title: write one", n=k + 1))
        else:
            r.guessed.append(_("annex {n}'s title in normal case: {title}", n=k + 1, title=annex["title"]))
        if attributes:
            annex["attributes"] = attributes
        if tables:
            clusters, unit = _plan(r, tables[0], k)
            if clusters:
                r.plans[k] = clusters
                r.units[k] = unit
                annex["plan"] = {"clusters": clusters}
                if unit != "tỉnh":
                    annex["plan"]["unit"] = unit
        for t in tables[1:]:
            r.leave(("annexes", k), " | ".join(c or "" for c in t.rows[0]))
        annexes.append(annex)
        r.recognised.append(_("annex {n}", n=k + 1) + (" " + _("with its plan table") if tables else ""))
    if annexes:
        r.data["annexes"] = annexes
        _annex_headings(r, annexes, typed)


def _reference_joined(body: list[Para]) -> list[Para]:
    """The annex reference line as one paragraph: congvan breaks a long one into balanced
    lines ("(Kèm theo Công văn số …" / "ngày … của …)"), a DOCX as paragraphs."""
    out: list[Para] = []
    i = 0
    while i < len(body):
        p = body[i]
        text = _strip(p.text)
        joined = None
        if re.match(r"^\(\s*Kèm\s+theo\b", text, re.I) and not text.endswith(")"):
            lines = [_strip(x) for x in (p.lines or [p.text])]
            for j in range(i + 1, min(i + 4, len(body))):
                if body[j].italic != p.italic or _ANNEX_HEADING.match(_strip(body[j].text)):
                    break
                lines += [_strip(x) for x in (body[j].lines or [body[j].text])]
                if lines[-1].endswith(")"):
                    joined = (j, Para(text=" ".join(lines), part=p.part, column=p.column, italic=p.italic,
                                      size=p.size, lines=lines, key=p.key, centre=p.centre, pid=p.pid))
                    break
        if joined is not None:
            out.append(joined[1])
            i = joined[0] + 1
        else:
            out.append(p)
            i += 1
    return out


_ROMAN = r"(?:[IVXLC]+|\d+)"


def _annex_headings(r: Recognised, annexes: list[dict[str, Any]], typed: list[str | None]) -> None:
    """Annex headings as congvan writes them: "Phụ lục", numbered by congvan ("Phụ lục I",
    "Phụ lục II", … for two or more); the body's mentions of a numbered heading become
    ``{annex:N}``."""
    from generator.input.model import Annex, annex_headings

    try:
        computed = annex_headings([Annex(heading="Phụ lục" if t else None, title="x") for t in typed])
    except Exception:
        return
    for k, (annex, printed, heading) in enumerate(zip(annexes, typed, computed, strict=True)):
        if printed is None:
            continue
        annex["heading"] = "Phụ lục"
        if _fold(printed) != _fold(heading or ""):
            r.warnings.append(_(
                "annex {n} is headed '{typed}' in the file; congvan numbers the annexes and prints '{heading}'",
                n=k + 1, typed=printed, heading=heading))
    numbered = {h: n for n, h in enumerate(computed, start=1) if h and h != "Phụ lục"}
    if not numbered:
        return
    pattern = re.compile(r"(?<!\w)Phụ lục " + _ROMAN + r"(?!\w|\.\d)")

    def refs(text: str, where: str) -> str:
        new = pattern.sub(lambda m: f"{{annex:{numbered[m.group(0)]}}}" if m.group(0) in numbered else m.group(0),
                          text)
        if new != text:
            r.guessed.append(_("{where}: the annex's heading written as {{annex:N}}", where=where))
        return new

    body = r.data.get("body", {})
    for key in ("opening", "contact"):
        body_list = body.get(key, [])
        for i, t in enumerate(body_list):
            body_list[i] = refs(t, f"body.{key}.{i}")
    for i, d in enumerate(body.get("directives", [])):
        d["text"] = refs(d["text"], f"body.directives.{i}")
        if d.get("items"):
            d["items"] = [refs(t, f"body.directives.{i}.items.{j}") for j, t in enumerate(d["items"])]
    for k, annex in enumerate(annexes):
        for j, a in enumerate(annex.get("attributes", [])):
            a["text"] = refs(a["text"], f"annexes.{k}.attributes.{j}")
        if annex.get("lines"):
            annex["lines"] = [refs(t, f"annexes.{k}.lines.{j}") for j, t in enumerate(annex["lines"])]


def _plan(r: Recognised, table: PlanTable, k: int) -> tuple[list[dict[str, Any]], str]:
    header = [_fold(c or "") for c in table.rows[0]]

    def col(*names: str) -> int | None:
        for i, h in enumerate(header):
            if any(h == n or h.startswith(n) for n in names):
                return i
        return None

    c_num, c_name = col("tt", "stt"), col("cum", "ten cum")
    c_time, c_start, c_end = col("thoi gian"), col("tu ngay"), col("den ngay")
    c_prov = col("tinh")
    clusters: list[dict[str, Any]] = []
    unit = "tỉnh"
    dates: tuple[dt.date, dt.date] | None = None
    for row_no, row in enumerate(table.rows[1:], start=2):
        def cell(i: int | None, row: list[str | None] = row) -> str | None:
            return row[i] if i is not None and i < len(row) else ""

        if c_prov is None:
            break
        prov = cell(c_prov)
        if prov is None or not prov.strip():
            continue
        if c_time is not None:
            text = cell(c_time)
            if text:
                found = _SHORT_DATE.findall(text)
                if len(found) >= 2:
                    dates = (_date(found[0]), _date(found[1]))
                elif len(found) == 1:
                    dates = (_date(found[0]), _date(found[0]))
        elif c_start is not None and c_end is not None:
            a, b = cell(c_start), cell(c_end)
            fa, fb = _SHORT_DATE.findall(a or ""), _SHORT_DATE.findall(b or "")
            if fa and fb:
                dates = (_date(fa[0]), _date(fb[0]))
        if dates is None:
            r.leave(("annexes", k, "plan"), " | ".join(c or "" for c in row))
            continue
        provinces = [x.strip().rstrip(".").strip() for x in prov.split(",") if x.strip().rstrip(".").strip()]
        cluster: dict[str, Any] = {}
        number = cell(c_num)
        if number and number.rstrip(".").isdigit():
            cluster["number"] = int(number.rstrip("."))
        name = cell(c_name) or ""
        m = re.search(r"\s*\((\d+)\s+([^)]+)\)\s*$", name)
        if m:
            unit = _strip(m.group(2))
            if int(m.group(1)) != len(provinces):
                r.warnings.append(_(
                    "plan row {row}: '{name}' says {typed} but the row lists {count} provinces; congvan "
                    "prints the count it computes ({count})", row=row_no, name=name, typed=m.group(1),
                    count=len(provinces)))
            name = name[: m.start()]
        if name:
            cluster["name"] = _strip(name)
        cluster["provinces"] = provinces
        cluster["start"], cluster["end"] = dates
        clusters.append(cluster)
    r.recognised.append(_("plan table: {count} clusters", count=len(clusters)))
    return clusters, unit


def _date(parts: tuple[str, str, str]) -> dt.date:
    d, m, y = (int(x) for x in parts)
    try:
        return dt.date(y, m, d)
    except ValueError:
        return dt.date(y, 1, 1)


# --- computed counts and deadlines -------------------------------------------------------------

def _counts_and_deadlines(r: Recognised) -> None:
    data = r.data
    first_plan = next((r.plans[k] for k in sorted(r.plans)), None)
    count = sum(len(c["provinces"]) for c in first_plan) if first_plan else None
    body = data.get("body", {})

    def counts(text: str, where: str) -> str:
        if count is None:
            return text

        def sub(m: re.Match[str]) -> str:
            if int(m.group(1)) == count:
                return "{province_count}"
            r.warnings.append(_(
                "{where}: '{text}' does not agree with the plan ({count} provinces): kept as typed",
                where=where, text=m.group(0) + " " + m.group(2), count=count))
            return m.group(0)

        new = _COUNT.sub(sub, text)
        if new != text:
            r.guessed.append(_("{where}: the count written as {{province_count}}", where=where))
        return new

    for key in ("opening", "contact"):
        body_list = body.get(key, [])
        for i, t in enumerate(body_list):
            body_list[i] = counts(t, f"body.{key}.{i}")
    for i, d in enumerate(body.get("directives", [])):
        d["text"] = counts(d["text"], f"body.directives.{i}")
        d["items"] = [counts(t, f"body.directives.{i}.items.{j}") for j, t in enumerate(d.get("items", []))]
        if not d["items"]:
            del d["items"]
        texts = [d["text"], *d.get("items", [])]
        found = [m for t in texts for m in _DEADLINE.finditer(t)]
        if len(found) == 1:
            m = found[0]
            when = _date(m.group(3, 4, 5))
            if f"{when.day}/{when.month}/{when.year}" == m.group("date"):
                d["text"] = d["text"].replace(m.group("date"), "{deadline}")
                d["items"] = [t.replace(m.group("date"), "{deadline}") for t in d.get("items", [])]
                if not d["items"]:
                    del d["items"]
                d["deadline"] = when
                r.guessed.append(_("body.directives.{i}: {date} taken as its deadline", i=i, date=m.group("date")))
    for k, annex in enumerate(data.get("annexes", [])):
        annex["title"] = counts(annex["title"], f"annexes.{k}.title")
        for j, a in enumerate(annex.get("attributes", [])):
            a["text"] = counts(a["text"], f"annexes.{k}.attributes.{j}")
