"""The addresses a file carries (QR codes, links, text): none an obvious placeholder."""

from __future__ import annotations

from generator.check.report import PASS, WARN
from generator.check.rules.base import Ctx, Out, _quote
from generator.i18n import _


def links_placeholder(c: Ctx) -> Out:
    from generator.input.placeholders import is_placeholder

    asks = _("every QR code and link leads to a real address")
    if not c.doc.addresses:
        return [(PASS, "—", _("no QR code or address"), asks)]
    bad = [(w, u) for w, u in c.doc.addresses if is_placeholder(u)]
    if not bad:
        return [(PASS, "—", _("{n} address(es), none a placeholder", n=len(c.doc.addresses)), asks)]
    return [(WARN, w, _("{url} looks like a placeholder, not a real address", url=_quote(u, 70)), asks)
            for w, u in bad]
