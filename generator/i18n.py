"""Messages in the clerk's language: Vietnamese by default, English on request.

Every message a user may read is written in the code in English and passed through
:func:`_`, which looks it up in the gettext catalogue ``generator/locale/vi.po``:

    raise InputError([f"{where}: " + _("unknown field `{field}`. {hint}", field=field, hint=hint)])

The English text is the message id, so the code reads naturally and a message the
catalogue lacks still reaches the user (in English) instead of failing. Placeholders
are filled after the lookup, so a translation may put them in another order; a
literal brace is written twice (``{{deadline}}``), as in :meth:`str.format`.

The language is chosen once per run: ``congvan --lang en``, else the ``CONGVAN_LANG``
environment variable, else Vietnamese. The catalogue is a plain ``.po`` file (edit it
with any PO editor; ``pybabel extract`` finds new messages) read with Babel when the
first message in Vietnamese is needed, so a run without errors never pays for it.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

__all__ = ["LANGUAGES", "N_", "_", "language", "set_language", "translate"]

#: The languages messages can be shown in; the first is the default.
LANGUAGES = ("vi", "en")

_CATALOGUES = Path(__file__).parent / "locale"
_chosen: str | None = None


def set_language(lang: str | None) -> None:
    """Show messages in ``lang`` ("vi" or "en") from now on; ``None`` goes back to the default."""
    global _chosen
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    _chosen = lang


def language() -> str:
    """The language messages are shown in now."""
    if _chosen is not None:
        return _chosen
    env = os.environ.get("CONGVAN_LANG", "").strip().lower()[:2]
    return env if env in LANGUAGES else LANGUAGES[0]


def _(message: str, /, **values: object) -> str:
    """``message`` in the current language, with ``{name}`` placeholders filled from ``values``."""
    return translate(message).format(**values)


def N_(message: str) -> str:  # noqa: N802 - gettext's name for it
    """Mark ``message`` for the catalogue where it is written (a table of messages), to be
    translated by :func:`_` when it is shown; returns it unchanged."""
    return message


def translate(message: str) -> str:
    """``message`` in the current language as it stands: for a library's own message
    (a YAML parser's, say), whose braces are not placeholders."""
    if language() == "en":
        return message
    return _catalogue(language()).get(message) or message


@functools.cache
def _catalogue(lang: str) -> dict[str, str]:
    """The translations of one language, message id to text (fuzzy entries left out)."""
    from babel.messages.pofile import read_po

    path = _CATALOGUES / f"{lang}.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    return {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }
