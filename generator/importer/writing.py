"""Write the recognised dispatch as commented YAML (ruamel.yaml) and its plans as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString

from generator.i18n import _
from generator.importer.recognise import Recognised

__all__ = ["plan_csv", "yaml_text"]

#: The order of the model's fields, as the example writes them.
ORDER = ("type_name", "agency", "number", "code", "place", "date", "subject", "marks", "recipients", "body",
         "qr_codes", "signer", "distribution", "footer", "annexes")


def _short(d: dt.date) -> str:
    return f"{d.day}/{d.month}/{d.year}"


def plan_csv(clusters: list[dict[str, Any]]) -> str:
    """A plan file as ``congvan`` reads it: TT, Cụm, Từ ngày, Đến ngày, Tỉnh, thành phố."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["TT", "Cụm", "Từ ngày", "Đến ngày", "Tỉnh, thành phố"])
    for c in clusters:
        w.writerow([c.get("number", ""), c.get("name", ""), _short(c["start"]), _short(c["end"]),
                    ", ".join(c["provinces"])])
    return out.getvalue()


def _commented(value: Any) -> Any:
    if isinstance(value, dict):
        m = CommentedMap()
        for k, v in value.items():
            m[k] = _commented(v)
        return m
    if isinstance(value, list):
        s = CommentedSeq()
        for v in value:
            s.append(_commented(v))
        return s
    if isinstance(value, str) and len(value) > _WRAP:
        return _folded(value)
    return value


#: Longer texts are written as folded blocks (``>-``), lines of at most this many characters.
_WRAP = 88


def _folded(text: str) -> FoldedScalarString:
    """``text`` as a ``>-`` block, folded at spaces (the model reads it back as one line)."""
    out = FoldedScalarString(text)
    positions, start = [], 0
    while len(text) - start > _WRAP:
        cut = text.rfind(" ", start, start + _WRAP)
        if cut <= start:
            break
        positions.append(cut)
        start = cut + 1
    out.fold_pos = positions  # type: ignore[attr-defined]
    return out


def yaml_text(r: Recognised, source_name: str, plan_files: dict[int, str]) -> str:
    data = dict(r.data)
    ordered = {k: data[k] for k in ORDER if k in data}
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    for k, name in plan_files.items():
        plan = ordered["annexes"][k]["plan"]
        plan.pop("clusters", None)
        unit = plan.pop("unit", None)
        plan["file"] = name
        if unit:
            plan["unit"] = unit
    doc = _commented(ordered)
    head = [_("Imported by congvan import from {file}.", file=source_name),
            _("Check what follows against the original: comments mark what was guessed or not placed.")]
    if r.guessed:
        head.append(_("Guessed:"))
        head += ["  - " + g for g in r.guessed]
    doc.yaml_set_start_comment("\n".join(head))
    by_key: dict[tuple[Any, ...], list[str]] = {}
    for at, text in r.notes:
        by_key.setdefault(at, []).append(text)
    for at, texts in by_key.items():
        _attach(doc, at, texts)
    yaml = YAML()
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def _attach(doc: CommentedMap, at: tuple[Any, ...], texts: list[str]) -> None:
    """Comment ``texts`` before the field ``at`` (or the nearest one that exists).

    Columns follow the dump's indentation (mappings by 2, a sequence's dash 2 in from its
    key, an item's fields 4 in): the comment lines up with what it stands before.
    """
    node: Any = doc
    parent: Any = doc
    key: Any = next(iter(doc))
    column, at_column = 0, 0
    for step in at:
        if isinstance(node, CommentedMap) and step in node:
            parent, key, at_column = node, step, column
            node = node[step]
            column += 2
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and step < len(node):
            parent, key, at_column = node, step, column
            node = node[step]
            column += 2
        else:
            break
    lines = "\n".join(" ".join(t.split()) for t in texts)
    parent.yaml_set_comment_before_after_key(key, before=lines, indent=at_column)
