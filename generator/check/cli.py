"""The ``congvan check`` command and the ``render --check`` step.

Kept apart from :mod:`generator.cli` so that module only registers the command; the
checker's own imports (pdfplumber, python-docx) happen when a file is checked.
"""

from __future__ import annotations

from pathlib import Path

import click

from generator.errors import CongVanError
from generator.i18n import _

__all__ = ["CheckFailed", "check_command", "check_outputs"]


class CheckFailed(CongVanError):
    """``render --check``: a rendered file fails a rule of the Decree; nothing is written."""

    exit_code = 1


def _profile_help() -> str:
    from generator.check.profiles import PROFILES

    return (
        "Accepted ranges: "
        + "; ".join(f"{k} = {p.description}" for k, p in PROFILES.items())
        + "; or a .json file (see the README)."
    )


@click.command(name="check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A table to read, or JSON for programs.",
)
@click.option("--profile", default="nd30", show_default=True, help=_profile_help())
@click.option("--problems-only", is_flag=True, help="Show only the rules that do not pass.")
@click.pass_context
def check_command(ctx: click.Context, files: tuple[Path, ...], fmt: str, profile: str, problems_only: bool) -> None:
    """Check DOCX and PDF files against the layout rules of Decree 30/2020 (Appendix I).

    Each rule says pass, warn, fail or not evaluated, where it looked, what it found and
    what the Decree asks. Exit status: 0 when no rule fails, 1 when a rule fails, 2 when
    a file cannot be read.
    """
    from generator.check import CheckReadError, check_file, get_profile
    from generator.check.report import render_json, render_table

    chosen = get_profile(profile)
    reports = []
    status = 0
    for path in files:
        try:
            report = check_file(path, chosen)
        except CheckReadError as exc:
            click.echo(_("Error: {message}", message=exc.format_message()), err=True)
            status = 2
            continue
        reports.append(report)
        if report.failed and status == 0:
            status = 1
        if fmt == "table":
            click.echo(render_table(report, only_problems=problems_only))
    if fmt == "json":
        click.echo(render_json(reports), nl=False)
    ctx.exit(status)


def check_outputs(outputs: dict[str, bytes], stem: str) -> None:
    """``render --check``: check each rendered file; a failed rule stops the run before
    anything is written."""
    from generator.check import check_bytes
    from generator.check.report import render_table

    failed = []
    for fmt, data in outputs.items():
        report = check_bytes(data, f"{stem}.{fmt}")
        if report.failed:
            failed.append(render_table(report, only_problems=True))
        else:
            c = report.counts()
            click.echo(
                _(
                    "checked {file}: no rule fails ({w} warnings, {n} not evaluated)",
                    file=f"{stem}.{fmt}",
                    w=c["warn"],
                    n=c["not evaluated"],
                )
            )
    if failed:
        raise CheckFailed(_("the rendered file fails Decree 30 rules; nothing was written:") + "\n" + "\n".join(failed))
