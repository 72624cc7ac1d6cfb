"""Helpers for the tests of ``congvan serve``: the fields a browser would post from a page."""

from __future__ import annotations

import re

import lxml.html


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def form_fields(html: str) -> list[tuple[str, str]]:
    """The name/value pairs the editor's form posts as the page was served (the
    prototypes in <template> left out, as a browser does)."""
    doc = lxml.html.fromstring(html)
    for t in list(doc.iter("template")):
        t.getparent().remove(t)
    out = []
    for el in doc.xpath('//form[@id="dispatch"]//*[self::input or self::textarea or self::select]'):
        name = el.get("name")
        if not name or el.get("type") == "file":
            continue
        if el.tag == "input" and el.get("type") == "checkbox":
            if el.get("checked") is not None:
                out.append((name, el.get("value")))
        elif el.tag == "select":
            chosen = [o for o in el.iter("option") if o.get("selected") is not None]
            out.append((name, (chosen[0].text or "") if chosen else ""))
        elif el.tag == "textarea":
            out.append((name, el.text or ""))
        else:
            out.append((name, el.get("value") or ""))
    return out
