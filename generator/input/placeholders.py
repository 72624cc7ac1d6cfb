"""Web addresses that are obvious placeholders, not a real address.

A clerk copies an example and forgets to replace an address written to be replaced
(the example's Zalo channel: ``https://zalo.me/thay-bang-dia-chi-kenh-zalo-oa``). A QR
code printed with it sends every reader nowhere. ``validate`` and ``render`` warn
(:func:`address_warnings`), and ``congvan check`` reports such an address in a file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.i18n import _
from generator.vietnamese import fold

__all__ = ["address_warnings", "is_placeholder"]

#: Words that say "put the real address here", in Vietnamese (written without tone
#: marks, as in an address) and English.
_WORDS = re.compile(
    r"thay[-_ ]?(bang|the|dia[-_ ]?chi)|dien[-_ ]?(vao|dia[-_ ]?chi)|sua[-_ ]?dia[-_ ]?chi|dia[-_ ]?chi[-_ ]?that"
    r"|placeholder|change[-_ ]?me|replace[-_ ]?(me|this|with)|your[-_ ]|todo\b|xxx|lorem",
    re.I,
)
#: Domains reserved for examples (RFC 2606, RFC 6761).
_RESERVED = re.compile(r"(^|\.)(example\.(com|net|org)|localhost|[^.]+\.(example|invalid|test))$", re.I)


def is_placeholder(url: str) -> bool:
    """Whether ``url`` is plainly a stand-in: a reserved example domain, or words such as
    "thay-bang-dia-chi" or "your-link" in it."""
    parts = urlsplit(url if "//" in url else "//" + url)
    host = (parts.hostname or "").rstrip(".")
    if _RESERVED.search(host):
        return True
    return bool(_WORDS.search(fold(host + parts.path + "?" + parts.query)))


def address_warnings(dispatch: Any, source: Path | None = None) -> list[str]:
    """A warning for each QR code of ``dispatch`` whose address is a placeholder, as
    ``file:line: qr_codes.N.url: …`` (the line where the address is written)."""
    lines = _lines(source)
    out = []
    for n, code in enumerate(dispatch.qr_codes):
        if is_placeholder(code.url):
            line = next((k for k, text in enumerate(lines, 1) if code.url in text), None)
            where = f"{source}:{line}: " if source and line else f"{source}: " if source else ""
            out.append(where + f"qr_codes.{n}.url: " + _(
                "{url} looks like a placeholder, not a real address: the QR code would lead nowhere. "
                "Write the real address before sending.", url=repr(code.url),
            ))
    return out


def _lines(source: Path | None) -> list[str]:
    if source is None:
        return []
    try:
        return source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
