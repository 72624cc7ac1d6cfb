"""One family of errors for a user's mistakes, each knowing how to show itself.

Like click's ``ClickException``: the library raises, and only the command line turns
an error into ``Error: …`` on stderr and a non-zero exit. A user's mistake never
surfaces as a Python traceback.
"""

from __future__ import annotations

__all__ = ["CongVanError", "InputError", "RenderError", "TemplateError"]


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
