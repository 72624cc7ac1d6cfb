"""The dispatch as a form, and the form back into the YAML file.

The form is described once (:data:`SECTIONS`), in the order of the page. Each field's
HTML name is its path in the YAML (``body.directives.2.deadline``), so a message of the
loader, which names that path, is shown at the field. A submitted form is laid over the
file's ruamel.yaml round-trip tree: fields the form does not know (``templates:``,
``footer:``) stay, comments and the order of fields stay, and a text the clerk did not
change keeps its style (a folded ``>-`` block stays one).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from generator.i18n import N_, _

__all__ = ["SECTIONS", "Field", "ListOf", "apply_form", "form_nodes", "nested"]


@dataclass(frozen=True)
class Field:
    """One input: ``key`` (relative path), its label, and its kind: text, area (a long
    text), int, date, select, bool, issue_date (the dispatch's day, month and year), or
    annex_heading (a tick: an annex, whose heading congvan computes, or an attached plan)."""

    key: str
    label: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    required: bool = False
    help: str = ""


@dataclass(frozen=True)
class ListOf:
    """A list the clerk adds to, removes from and reorders: of one text (``item`` a
    :class:`Field` with key "") or of groups of fields."""

    key: str
    label: str
    item_label: str
    fields: tuple[Field | ListOf, ...] = field(default_factory=tuple)
    required: bool = False


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple[Field | ListOf, ...]


PREFIXES = ("KT.", "TM.", "TL.", "TUQ.", "Q.")
SECTIONS: tuple[Section, ...] = (
    Section("header", N_("Header"), (
        Field("agency.parent", N_("Governing agency")),
        Field("agency.name", N_("Issuing agency"), required=True),
    )),
    Section("header_more", N_("More options"), (
        ListOf("agency.header_lines", N_("The agency's name broken into lines (optional)"), N_("Header line"),
               (Field("", ""),)),
        ListOf("agency.parent_lines", N_("The governing agency's name broken into lines (optional)"),
               N_("Governing agency line"), (Field("", ""),)),
        Field("type_name", N_("Type of document"), help=N_("Leave empty for 'Công văn'.")),
        Field("marks.urgency", N_("Urgency"), "select", ("KHẨN", "THƯỢNG KHẨN", "HỎA TỐC")),
        Field("marks.secrecy", N_("Secrecy"), "select", ("MẬT", "TỐI MẬT", "TUYỆT MẬT")),
        Field("marks.circulation", N_("Circulation mark")),
    )),
    Section("number", N_("Number and date"), (
        Field("number", N_("Number"), "int", help=N_("Leave empty in a draft.")),
        Field("code", N_("Code (ký hiệu)"), required=True),
        Field("place", N_("Place"), required=True),
        Field("date.year", N_("Year"), "int", required=True),
        Field("date.full", N_("Date of issue"), "issue_date", help=N_("Leave empty in a draft.")),
    )),
    Section("subject", N_("Subject"), (Field("subject", N_("Subject (V/v)"), "area", required=True),)),
    Section("recipients", N_("To"), (
        ListOf("recipients", N_("To (Kính gửi)"), N_("Recipient"), (Field("", ""),), required=True),
    )),
    Section("body", N_("Body"), (
        ListOf("body.opening", N_("Opening paragraphs"), N_("Opening paragraph"), (Field("", "", "area"),)),
        ListOf("body.directives", N_("Numbered directives"), N_("Directive"), (
            Field("text", N_("content"), "area", required=True),
            ListOf("items", N_("Sub-items"), N_("sub-item"), (Field("", "", "area"),)),
            Field("deadline", N_("deadline"), "date"),
        )),
        ListOf("body.contact", N_("Contact paragraphs"), N_("Contact paragraph"), (Field("", "", "area"),)),
        Field("body.closing", N_("Closing")),
    )),
    Section("qr", N_("QR codes"), (
        ListOf("qr_codes", N_("QR codes"), N_("QR code"), (
            Field("caption", N_("caption"), required=True), Field("url", N_("address"), required=True),
        )),
    )),
    Section("signer", N_("Signer"), (
        ListOf("signer.authority", N_("Authority"), N_("Authority"), (
            Field("prefix", N_("prefix"), "select", PREFIXES, required=True),
            Field("of", N_("of whom"), required=True),
        )),
        Field("signer.title", N_("Signer's title")),
        Field("signer.name", N_("Signer's name"), required=True),
        Field("signer.signature_image", N_("Signature image (a PNG file beside the dispatch)")),
        Field("signer.seal_image", N_("Seal image (a PNG file beside the dispatch)")),
    )),
    Section("distribution", N_("Recipients of copies"), (
        ListOf("distribution.recipients", N_("Recipients of copies (Nơi nhận)"), N_("Copy to"), (Field("", ""),)),
        ListOf("distribution.archive", N_("Filed at"), N_("Filed at"), (Field("", ""),)),
        Field("distribution.archive_copies", N_("Copies filed"), "int"),
        Field("distribution.drafter", N_("Drafter's initials")),
        Field("distribution.copies", N_("Copies issued"), "int"),
        ListOf("footer", N_("Address lines at the foot of page 1"), N_("Address line"), (Field("", ""),)),
    )),
    Section("per_province", N_("One copy per province"), (
        Field("per_province.recipient", N_("Recipient of each copy"),
              help=N_("{unit} and {name} are the province's.")),
        Field("per_province.paragraph", N_("Paragraph of each copy"), "area",
              help=N_("{province}, {cluster}, {start} and {end} are the province's.")),
        Field("per_province.tones", N_("Tone marks in names"), "select", ("new", "old"),
              help=N_("new: Hòa, Thủy; old: Hoà, Thuỷ.")),
        Field("per_province.highlight", N_("Shade the province's row in the plan"), "bool"),
    )),
    Section("copies", N_("One copy per row of a list"), (
        Field("copies.file", N_("List of the copies (XLSX or CSV beside the dispatch)"),
              help=N_("One row per copy, as for Word's mail merge.")),
        Field("copies.recipient_column", N_("Column printed after Kính gửi"),
              help=N_("Leave empty for the column headed 'Kính gửi'.")),
        Field("copies.file_column", N_("Column of each copy's file name"),
              help=N_("Leave empty for a column headed 'Tên tệp' or 'Mã', else the recipient's name.")),
        Field("copies.paragraph", N_("Paragraph of each copy of the list"), "area",
              help=N_("{Column name} is that row's cell.")),
    )),
    Section("annexes", N_("Annexes"), (
        ListOf("annexes", N_("Annexes"), N_("Annex"), (
            Field("heading", N_("an annex (Phụ lục), numbered by congvan"), "annex_heading",
                  help=N_("One annex is headed 'Phụ lục', two or more 'Phụ lục I', 'Phụ lục II', … in "
                          "order. Untick for an attached plan (KẾ HOẠCH …).")),
            Field("title", N_("title"), "area", required=True),
            ListOf("attributes", N_("Attributes"), N_("attribute"), (
                Field("label", N_("label"), required=True), Field("text", N_("content"), "area", required=True),
            )),
            ListOf("lines", N_("Lines without labels"), N_("line"), (Field("", "", "area"),)),
        )),
    )),
)


# -- from the YAML tree to the form -----------------------------------------------------

@dataclass
class Node:
    """A field or list as the template shows it: HTML name, label, value, children."""

    spec: Field | ListOf
    name: str
    label: str
    value: Any = None
    items: list[list[Node]] = field(default_factory=list)
    prototype: list[Node] = field(default_factory=list)

    @property
    def is_list(self) -> bool:
        return isinstance(self.spec, ListOf)

    @property
    def own_label(self) -> str:
        return _(self.spec.label) if self.spec.label else ""


def _get(tree: Any, path: str) -> Any:
    node = tree
    for part in path.split("."):
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _show(value: Any, kind: str) -> Any:
    if value is None:
        return "" if kind not in ("bool", "annex_heading") else False
    if kind == "bool":
        return bool(value)
    if kind == "annex_heading":
        return True
    if kind == "date" and isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def form_nodes(tree: Any) -> list[tuple[Section, list[Node]]]:
    """The form's sections with each field's name, label and value from ``tree``."""
    return [(s, [_node(f, tree, "", []) for f in s.fields]) for s in SECTIONS]


def _label(chain: list[str], own: str) -> str:
    head = ", ".join(chain)
    if head and own:
        return f"{head} – {own}"
    return head or own


def _node(spec: Field | ListOf, tree: Any, prefix: str, chain: list[str]) -> Node:
    name = ".".join(p for p in (prefix, spec.key) if p)
    label = _label(chain, _(spec.label) if spec.label else "")
    if isinstance(spec, Field):
        if spec.kind == "issue_date":
            d = _get(tree, prefix + "date" if not prefix else f"{prefix}.date")
            value = ""
            if isinstance(d, dict) and d.get("month") and d.get("day"):
                try:
                    value = dt.date(int(d["year"]), int(d["month"]), int(d["day"])).isoformat()
                except (TypeError, ValueError):
                    value = ""
            return Node(spec, name, label, value)
        return Node(spec, name, label, _show(_get(tree, name) if tree is not None else None, spec.kind))
    values = _get(tree, name) if tree is not None else None
    node = Node(spec, name, label)
    item_label = _(spec.item_label)
    for i, _value in enumerate(values if isinstance(values, list) else []):
        node.items.append(_item(spec, tree, f"{name}.{i}", chain + [f"{item_label} {i + 1}"]))
    node.prototype = _item(spec, None, f"{name}.0", chain + [f"{item_label} 1"])
    return node


def _item(spec: ListOf, tree: Any, prefix: str, chain: list[str]) -> list[Node]:
    return [_node(f, tree, prefix, chain) for f in spec.fields]


# -- from the form to the YAML tree -----------------------------------------------------

def nested(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """``[("body.directives.0.text", "…")]`` → ``{"body": {"directives": {0: {"text": "…"}}}}``."""
    out: dict[Any, Any] = {}
    for key, value in pairs:
        parts: list[Any] = [int(p) if p.isdigit() else p for p in key.split(".")]
        node = out
        for part in parts[:-1]:
            nxt = node.get(part)
            if not isinstance(nxt, dict):
                nxt = node[part] = {}
            node = nxt
        node[parts[-1]] = value
    return out


class FormProblem(ValueError):
    """A value the form cannot put in the YAML (not a number): at the field ``name``."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def _text(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n").strip()


def apply_form(tree: Any, form: dict[str, Any]) -> Any:
    """Lay the submitted ``form`` (see :func:`nested`) over ``tree`` (a ruamel
    round-trip mapping, or None for a new dispatch) and return the tree."""
    from ruamel.yaml.comments import CommentedMap

    if not isinstance(tree, dict):
        tree = CommentedMap()
    for section in SECTIONS:
        for spec in section.fields:
            _apply(spec, tree, form, "")
    return tree


def _parent(tree: Any, path: list[str], create: bool) -> Any:
    from ruamel.yaml.comments import CommentedMap

    node = tree
    for part in path:
        nxt = node.get(part)
        if not isinstance(nxt, dict):
            if not create:
                return None
            nxt = CommentedMap()
            _put(node, part, nxt)
        node = nxt
    return node


def _order() -> list[str]:
    """Every top-level and nested key in the order of the page, for placing a new key."""
    keys: list[str] = []

    def walk(specs: tuple[Field | ListOf, ...]) -> None:
        for s in specs:
            keys.extend(p for p in s.key.split(".") if p and p not in keys)
            if isinstance(s, ListOf):
                walk(s.fields)

    for section in SECTIONS:
        walk(section.fields)
    for extra in ("year", "month", "day", "annexes", "plan", "per_province"):
        if extra not in keys:
            keys.append(extra)
    return keys


_ORDER = _order()


def _put(mapping: Any, key: str, value: Any) -> None:
    """Set ``key``; a new key goes after the keys the page shows before it."""
    if key in mapping or not hasattr(mapping, "insert"):
        mapping[key] = value
        return
    rank = _ORDER.index(key) if key in _ORDER else len(_ORDER)
    position = len(mapping)
    for i, existing in enumerate(mapping):
        if existing in _ORDER and _ORDER.index(existing) > rank:
            position = i
            break
    mapping.insert(position, key, value)


def _drop(mapping: Any, key: str) -> None:
    if isinstance(mapping, dict) and key in mapping:
        del mapping[key]


def _scalar(spec: Field, raw: Any, old: Any, name: str) -> Any:
    """The YAML value of an input, or None to leave the field out."""
    from ruamel.yaml.scalarstring import FoldedScalarString

    if spec.kind == "bool":
        if raw not in (None, "", "0", "false"):
            return True
        return False if isinstance(old, bool) else None  # unticked: written only if the file had it
    if spec.kind == "annex_heading":
        # ticked: an annex, its number computed from its place (Phụ lục, or Phụ lục I, II, …)
        return (old if old == "Phụ lục" else "Phụ lục") if raw not in (None, "", "0", "false") else None
    text = _text(raw)
    if not text:
        return None
    if spec.kind == "int":
        try:
            return int(text)
        except ValueError:
            raise FormProblem(name, _("must be a whole number")) from None
    if spec.kind == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise FormProblem(name, _("must be a date written YYYY-MM-DD")) from None
    if isinstance(old, str) and _text(old) == text:
        return old  # unchanged: keep its style (a folded block stays one)
    if spec.kind == "area" and (len(text) > 80 or isinstance(old, FoldedScalarString)) and "\n" not in text:
        return FoldedScalarString(text)
    return text


def _apply(spec: Field | ListOf, tree: Any, form: dict[str, Any], prefix: str) -> None:
    path = [p for p in (prefix.split(".") if prefix else []) + spec.key.split(".") if p]
    values = form
    for part in path:
        values = values.get(int(part) if part.isdigit() else part) if isinstance(values, dict) else None
    if isinstance(spec, Field) and spec.kind == "issue_date":
        date = _parent(tree, ["date"], create=True)
        text = _text(values)
        if text:
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                raise FormProblem("date.full", _("must be a date written YYYY-MM-DD")) from None
            _put(date, "year", day.year)
            _put(date, "month", day.month)
            _put(date, "day", day.day)
        else:
            _drop(date, "month")
            _drop(date, "day")
        return
    container = _container(tree, path[:-1], create=False)
    key = path[-1]
    if isinstance(spec, Field):
        old = container.get(key) if isinstance(container, dict) else None
        value = _scalar(spec, values, old, ".".join(path))
        if value is None:
            if isinstance(container, dict):
                _drop(container, key)
                if not container and len(path) > 1 and path[-2] in ("marks", "per_province", "agency", "copies"):
                    parent = _container(tree, path[:-2], create=False)
                    if isinstance(parent, dict) and not path[-2].isdigit():
                        _drop(parent, path[-2])
            return
        container = _container(tree, path[:-1], create=True)
        _put(container, key, value)
        return
    items = [values[i] for i in sorted(values)] if isinstance(values, dict) else []
    old = container.get(key) if isinstance(container, dict) else None
    if not items:
        if isinstance(container, dict):
            _drop(container, key)
        return
    container = _container(tree, path[:-1], create=True)
    _put(container, key, _list(spec, old, items, ".".join(path)))


def _container(tree: Any, path: list[str], create: bool) -> Any:
    from ruamel.yaml.comments import CommentedMap

    node = tree
    for part in path:
        if isinstance(node, list):
            node = node[int(part)]
            continue
        nxt = node.get(part) if isinstance(node, dict) else None
        if not isinstance(nxt, dict | list):
            if not create:
                return None
            nxt = CommentedMap()
            _put(node, part, nxt)
        node = nxt
    return node


def _list(spec: ListOf, old: Any, items: list[Any], name: str) -> Any:
    """The new list, reusing the old one (and its items) so that comments stay."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    seq = old if isinstance(old, CommentedSeq) else CommentedSeq()
    olds = list(seq)
    new: list[Any] = []
    scalar = len(spec.fields) == 1 and isinstance(spec.fields[0], Field) and spec.fields[0].key == ""
    for i, raw in enumerate(items):
        before = olds[i] if i < len(olds) else None
        if scalar:
            value = _scalar(spec.fields[0], raw, before, f"{name}.{i}")  # type: ignore[arg-type]
            if value is not None:
                new.append(value)
            continue
        item = before if isinstance(before, CommentedMap) else CommentedMap()
        sub = raw if isinstance(raw, dict) else {}
        for f in spec.fields:
            _apply(f, item, sub, "")
        if item:
            new.append(item)
    # item by item, so that a comment or blank line after an unchanged item stays with it
    for i, value in enumerate(new):
        if i < len(seq):
            if seq[i] is not value:
                seq[i] = value
        else:
            seq.append(value)
    while len(seq) > len(new):
        del seq[len(seq) - 1]
    return seq
