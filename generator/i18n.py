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

__all__ = ["LANGUAGES", "N_", "_", "language", "os_reason", "set_language", "translate", "use_catalogue_in_click"]

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


# --- click's own messages and the operating system's reasons -----------------------------

#: click's modules that show messages to a user of congvan's command line.
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils",
                 "_termui_impl")


def _ngettext(singular: str, plural: str, count: int) -> str:
    """gettext's ``ngettext`` through the catalogue: Vietnamese has one form, and the
    catalogue holds the singular and the plural as two messages."""
    return translate(singular if count == 1 else plural)


def use_catalogue_in_click() -> None:
    """Show click's own messages ("Usage:", "No such option", "Missing argument", …) in
    the current language.

    click writes each message in English and passes it, when shown, to the name ``_``
    (``gettext.gettext``) or ``ngettext`` of its module. gettext's own route would need
    compiled ``.mo`` files and the process's locale; instead those two names are pointed
    at :func:`translate`, so click's messages come from the same ``vi.po`` and follow
    ``--lang``. ``tests/test_private_uses.py`` checks that click still looks them up there.
    """
    import importlib

    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = translate  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]


#: The operating system's reasons, by error number, for the errors a run may meet
#: (the system's own text, ``strerror``, is English on Linux and macOS).
OS_REASONS = {
    "ENOENT": N_("No such file or directory"),
    "EACCES": N_("Permission denied"),
    "EPERM": N_("Operation not permitted"),
    "ENOSPC": N_("No space left on device"),
    "EDQUOT": N_("Disk quota exceeded"),
    "EROFS": N_("Read-only file system"),
    "EISDIR": N_("Is a directory"),
    "ENOTDIR": N_("Not a directory"),
    "EEXIST": N_("File exists"),
    "EBUSY": N_("Device or resource busy"),
    "ENAMETOOLONG": N_("File name too long"),
    "ELOOP": N_("Too many levels of symbolic links"),
    "EMFILE": N_("Too many open files"),
    "EIO": N_("Input/output error"),
    "EXDEV": N_("Invalid cross-device link"),
    "ENOTEMPTY": N_("Directory not empty"),
}


def os_reason(exc: BaseException) -> str:
    """Why the operating system refused, in the current language: ``exc.strerror``
    translated by its error number, else as the system gave it."""
    import errno

    number = getattr(exc, "errno", None)
    name = errno.errorcode.get(number) if isinstance(number, int) else None
    if name in OS_REASONS:
        return _(OS_REASONS[name])
    return str(getattr(exc, "strerror", None) or exc)
