"""Templates: the built-in ones, a user's folder that replaces some of them, and the sandbox.

A dispatch may name a folder of its own templates (``templates:`` in the YAML, or
``--templates DIR`` on the command line). A file found there under one of
:data:`TEMPLATE_NAMES` replaces the built-in one; the others come from the built-ins.

Every template, built-in or the user's, runs in :class:`Sandbox`, Jinja's immutable
sandbox narrowed further: a template may read the dispatch's printed values (the
dataclasses of :mod:`generator.render.view` and :mod:`generator.render.measures`, strings, numbers,
lists, dates) and Jinja's own helpers, and nothing else: no attribute of a file path,
an image, a document object or a module, no ``__class__`` walk, no list or dict
changed in place, no huge string built with ``*``. Includes and imports are read
only from the user's folder and the built-in folder, never through a link out of them.

A mistake in a user's template is a :class:`~generator.errors.TemplateError` naming
the file, the line and what is wrong; the same in a built-in template is the
project's bug and stays a :class:`~generator.errors.RenderError`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, TemplateNotFound
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from generator.errors import CongVanError, InputError, RenderError, TemplateError
from generator.i18n import _
from generator.resources import TEMPLATES_DIR

__all__ = [
    "TEMPLATE_NAMES",
    "Sandbox",
    "folder_loader",
    "template_file",
    "template_problem",
    "user_templates_dir",
]

#: The templates a user's folder may replace.
TEMPLATE_NAMES = ("dispatch.html.j2", "annex.html.j2", "page.css.j2", "dispatch.docx")

#: The longest string or list a template may build with ``*`` (items or characters).
MAX_REPEAT = 1_000_000

#: Types whose attributes and methods a template may use (``str.upper``, ``dict.items``).
_PLAIN = (str, int, float, bool, tuple, list, dict, set, frozenset, dt.date, dt.time,
          dt.timedelta, type(None))


def user_templates_dir(path: str | Path, *, where: str) -> Path:
    """``path`` resolved, checked to be a folder; ``where`` says who named it (for the message)."""
    folder = Path(path).expanduser().resolve()
    if not folder.is_dir():
        raise InputError([where + ": " + _(
            "no templates folder {folder}. Give a folder that holds dispatch.html.j2, "
            "annex.html.j2, page.css.j2 or dispatch.docx, or leave the templates out.",
            folder=folder)])
    return folder


def template_file(name: str, user_dir: Path | None) -> Path:
    """The file a render uses for template ``name``: the user's when there is one, else the built-in."""
    if user_dir is not None:
        mine = user_dir / name
        if mine.is_file():
            return mine
    return TEMPLATES_DIR / name


class _FolderLoader(FileSystemLoader):
    """A FileSystemLoader that never follows a link out of its folder."""

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if not any(real.is_relative_to(Path(p).resolve()) for p in self.searchpath):
            raise TemplateNotFound(template)
        return source, filename, uptodate


def folder_loader(user_dir: Path | None) -> FileSystemLoader:
    """Templates from ``user_dir`` first, then the built-ins; nothing outside either."""
    folders = [TEMPLATES_DIR] if user_dir is None else [user_dir, TEMPLATES_DIR]
    return _FolderLoader([str(f) for f in folders])


def _open_to_templates(obj: Any) -> bool:
    """Whether a template may read ``obj``'s attributes and call its methods."""
    if isinstance(obj, _PLAIN):
        return True
    kind = type(obj)
    module = getattr(kind, "__module__", "") or ""
    if module.split(".")[0] in ("jinja2", "markupsafe"):
        return True  # loop, cycler, namespace, macros, Markup
    return module.startswith("generator.") and dataclasses.is_dataclass(obj) and not isinstance(obj, type)


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, open only to the values a dispatch prints."""

    intercepted_binops = frozenset({"*", "**"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return _open_to_templates(obj) and super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_REPEAT:
                    raise SecurityError(f"a sequence repeated {n} times is longer than {MAX_REPEAT}")
            return left * right
        if operator == "**":
            if isinstance(right, int) and abs(right) > 100 and isinstance(left, int) and abs(left) > 1:
                raise SecurityError(f"the power {left} ** {right} is too large")
            return left**right
        return super().call_binop(context, operator, left, right)


def _innermost_template_frame(exc: BaseException, files: set[str]) -> tuple[str | None, int | None]:
    """The template file and line where ``exc`` was raised (Jinja maps its frames to them)."""
    found: tuple[str | None, int | None] = (None, None)
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name in files or name.endswith((".j2", ".html", ".css")) or name == "<template>":
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def template_problem(
    exc: BaseException, name: str, user_dir: Path | None, *, near: str = "", part: str = ""
) -> CongVanError:
    """The error to show for ``exc``, raised while rendering template ``name``.

    In a user's template (``user_dir`` holds the file that failed): a
    :class:`TemplateError` with the file, the line and what is wrong. In a built-in
    one: a :class:`RenderError`, the project's bug.
    """
    import jinja2

    used = template_file(name, user_dir)
    files = {str(used)} | ({str(p) for p in user_dir.rglob("*")} if user_dir else set())
    filename = getattr(exc, "filename", None)
    lineno = getattr(exc, "lineno", None)
    if not isinstance(exc, jinja2.TemplateSyntaxError) or filename is None:
        frame_file, frame_line = _innermost_template_frame(exc, files)
        filename = filename or (frame_file if frame_file and frame_file != "<template>" else None)
        lineno = lineno or frame_line
    path = Path(filename) if filename else used
    if not path.is_absolute():
        path = used if path.name == name else (user_dir or TEMPLATES_DIR) / path
    where = str(path)
    if part:
        where += f" ({part}" + (f", line {lineno})" if lineno else ")")
    elif lineno:
        where += f":{lineno}"
    what = (getattr(exc, "message", None) or str(exc) or type(exc).__name__).rstrip(".")
    user = user_dir is not None and path.resolve().is_relative_to(user_dir)
    if not user:
        if isinstance(exc, jinja2.TemplateSyntaxError):
            return RenderError(f"{where}: template syntax: {what}")
        return RenderError(f"{where}: {what} (a value the template needs is missing)"
                           + (f" near: {near!r}" if near else ""))
    where_near = _(" near: '{text}'", text=near) if near else ""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        message = _("{where}: template syntax: {what}{near}. Correct the template at that line.",
                    where=where, what=what, near=where_near)
    elif isinstance(exc, SecurityError) or "unsafe" in what:
        message = _("{where}: the template tried something templates may not do ({what}){near}. "
                    "A template may only print the dispatch's values.",
                    where=where, what=what, near=where_near)
    elif isinstance(exc, TemplateNotFound) and name.endswith(".docx"):
        message = _("{where}: a DOCX template cannot include or import other files ('{name}'){near}.",
                    where=where, name=exc.name, near=where_near)
    elif isinstance(exc, TemplateNotFound):
        message = _("{where}: the template asks for '{name}', which is not a file in {folder} "
                    "or among the built-in templates. A template may include or import only "
                    "files from its own folder.",
                    where=where, name=exc.name, folder=user_dir)
    elif isinstance(exc, jinja2.UndefinedError):
        message = _("{where}: {what}{near}. Use only the values the built-in templates use "
                    "(see templates/ and the README).", where=where, what=what, near=where_near)
    elif isinstance(exc, RecursionError):
        message = _("{where}: the template includes or extends itself without end.", where=where)
    else:
        message = _("{where}: the template failed: {what}{near}.", where=where, what=what,
                    near=where_near)
    return TemplateError(message)
