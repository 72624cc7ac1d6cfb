"""One family of errors for a user's mistakes, each knowing how to show itself.

Like click's ``ClickException``: the library raises, and only the command line turns
an error into ``Error: …`` on stderr and a non-zero exit. A user's mistake never
surfaces as a Python traceback.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["CongVanError", "InputError", "RenderError", "TemplateError", "Terminated", "log_dir", "write_crash_log"]


class CongVanError(Exception):
    """Base of every error that is the input's or the environment's fault, not a bug."""

    exit_code = 1

    def format_message(self) -> str:
        return str(self)


class InputError(CongVanError):
    """The input is wrong: the message names the file, the line, the field and the fix."""

    exit_code = 2

    def __init__(self, problems: list[str], *, file: str | None = None) -> None:
        self.problems = problems
        self.file = file
        super().__init__("\n".join(problems))

    def format_message(self) -> str:
        if len(self.problems) == 1:
            return self.problems[0]
        from generator.i18n import _

        if self.file:
            head = _("{count} problems in {file}:", count=len(self.problems), file=self.file)
        else:
            head = _("{count} problems:", count=len(self.problems))
        return head + "\n" + "\n".join(f"  {p}" for p in self.problems)


class RenderError(CongVanError):
    """The output could not be made: a missing font or glyph, a template error, a disk error."""

    exit_code = 1


class TemplateError(CongVanError):
    """A user's own template is wrong (syntax, a value it lacks, an unsafe operation, a
    forbidden URL): the message names the template file, the line and what is wrong.

    A plain message, so it crosses from a batch's worker process to the parent intact.
    """

    exit_code = 2


class Terminated(KeyboardInterrupt):
    """A run stopped by SIGTERM (``kill``), raised by the command line's handler and handled
    as Ctrl-C is (a :class:`KeyboardInterrupt`): the run stops where it is, keeps what it
    made, and exits with 128 + the signal's number."""

    signum = 15


def log_dir() -> Path:
    """Where the log of an internal error goes: ``CONGVAN_LOG_DIR``, else the user's cache
    folder (``%LOCALAPPDATA%\\congvan\\logs`` on Windows, ``~/.cache/congvan/logs`` elsewhere)."""
    import os

    override = os.environ.get("CONGVAN_LOG_DIR")
    if override:
        return Path(override)
    base = os.environ.get("LOCALAPPDATA") if os.name == "nt" else os.environ.get("XDG_CACHE_HOME")
    return Path(base or Path.home() / ".cache") / "congvan" / "logs"


def write_crash_log(exc: BaseException) -> Path | None:
    """Write the traceback of ``exc``, an error that is congvan's fault and not the user's,
    to a new file in :func:`log_dir` (else the system's temporary folder), with the command
    line and the versions; return its path, or None when no file could be written."""
    import datetime as dt
    import os
    import platform
    import sys
    import tempfile
    import traceback

    from generator import __version__

    stamp = dt.datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
    text = (
        f"congvan {__version__}, Python {platform.python_version()}, {platform.platform()}\n"
        f"command: {' '.join(sys.argv)}\n"
        f"time: {dt.datetime.now().isoformat(timespec='seconds')}\n\n"
        + "".join(traceback.format_exception(exc))
    )
    for folder in (log_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"congvan-error-{stamp}-{os.getpid()}.log"
            with open(path, "x", encoding="utf-8") as fh:
                fh.write(text)
            return path
        except OSError:
            continue
    return None
