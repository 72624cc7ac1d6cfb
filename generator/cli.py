"""The ``congvan`` command line.

Kept light: WeasyPrint and docxtpl are imported inside the commands that render, so
``--help``, ``--version`` and ``schema`` start fast. The command group turns a
:class:`~generator.errors.CongVanError` into a click error, which click's
``Command.main`` prints as ``Error: …`` with a non-zero exit; a user's mistake
never shows a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from generator import __version__
from generator.errors import CongVanError
from generator.i18n import LANGUAGES, _, set_language

FORMATS = ("pdf", "docx")


def _formats(ctx: click.Context, param: click.Parameter, value: str) -> list[str]:
    chosen = [f.strip().lower() for f in value.split(",") if f.strip()]
    bad = [f for f in chosen if f not in FORMATS]
    if bad or not chosen:
        raise click.BadParameter(
            _("{value} is not a format. Use pdf, docx or pdf,docx.", value=repr(", ".join(bad) or value))
        )
    return list(dict.fromkeys(chosen))


def _templates_option(command):  # type: ignore[no-untyped-def]
    return click.option(
        "--templates", "templates", type=click.Path(path_type=Path), default=None,
        help="A folder of your own templates (dispatch.html.j2, annex.html.j2, page.css.j2, "
        "dispatch.docx) replacing the built-in ones; overrides `templates:` in the YAML.",
    )(command)


def _legacy_option(command):  # type: ignore[no-untyped-def]
    return click.option(
        "--legacy-encoding", "legacy_encoding", type=click.Choice(["tcvn3", "vni"], case_sensitive=False),
        default=None,
        help="Convert text pasted from old files in this encoding: tcvn3 (ABC, .VnTime fonts) or "
        "vni (VNI-Windows, VNI-Times fonts). Only text found to be in it is converted.",
    )(command)


def _load_checked(dispatch: Path, legacy_encoding: str | None = None):  # type: ignore[no-untyped-def]
    """The dispatch as the loader reads it; notes on the plan file (hidden rows) to stderr."""
    from generator.input import schedule
    from generator.input.loader import load_dispatch

    schedule.take_notes()
    model = load_dispatch(dispatch, legacy_encoding=legacy_encoding and legacy_encoding.lower())
    for note in schedule.take_notes():
        click.echo(_("Note: {message}", message=note), err=True)
    return model


def _load(dispatch: Path, templates: Path | None, legacy_encoding: str | None = None):  # type: ignore[no-untyped-def]
    """The dispatch, with ``--templates`` (if given) in place of its ``templates:`` field."""
    model = _load_checked(dispatch, legacy_encoding)
    if templates is not None:
        from generator.render.templating import user_templates_dir

        folder = user_templates_dir(templates, where="--templates")
        model = model.model_copy(update={"templates": str(folder)})
    return model


class _UserError(click.ClickException):
    """A :class:`CongVanError` shown the click way: ``Error: …`` (``Lỗi: …``) on stderr,
    with its exit code."""

    def __init__(self, error: CongVanError) -> None:
        super().__init__(error.format_message())
        self.exit_code = error.exit_code

    def show(self, file: Any = None) -> None:
        click.echo(_("Error: {message}", message=self.format_message()), file=file, err=file is None)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except CongVanError as exc:
            raise _UserError(exc) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="congvan")
@click.option(
    "--lang", type=click.Choice(LANGUAGES, case_sensitive=False), default=None, envvar="CONGVAN_LANG",
    help="Language of messages: vi (Vietnamese, the default) or en (English).",
)
def cli(lang: str | None) -> None:
    """Lay out Vietnamese official dispatches (công văn) per Decree 30/2020, as DOCX and PDF."""
    set_language(lang)


@cli.command()
@click.argument("dispatch", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format", "formats", default="pdf,docx", show_default=True, callback=_formats,
    help="Output formats, comma-separated.",
)
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
    show_default=True, help="Folder for the outputs.",
)
@_templates_option
@click.option("--check", "check", is_flag=True,
              help="Check the rendered files against Decree 30 (as `congvan check`); a failed rule writes nothing.")
@_legacy_option
def render(dispatch: Path, formats: list[str], out_dir: Path, templates: Path | None, check: bool = False,
           legacy_encoding: str | None = None) -> None:
    """Render DISPATCH.yaml to PDF and/or DOCX in the output folder.

    Each file is named after the YAML file and written atomically: a failed run
    leaves earlier outputs untouched.
    """
    model = _load(dispatch, templates, legacy_encoding)
    outputs: dict[str, bytes] = {}
    # Render everything first, write after: an error in one format leaves all files as they were.
    if "pdf" in formats:
        from generator.render.pdf import pdf_bytes

        outputs["pdf"] = pdf_bytes(model)
    if "docx" in formats:
        from generator.render.docx import docx_bytes

        outputs["docx"] = docx_bytes(model)
    if check:
        from generator.check.cli import check_outputs

        check_outputs(outputs, dispatch.stem)
    from generator.atomic import atomic_write_bytes

    for fmt, data in outputs.items():
        path = atomic_write_bytes(out_dir / f"{dispatch.stem}.{fmt}", data)
        click.echo(_("wrote {path}", path=path))


def _recipients_options(command):  # type: ignore[no-untyped-def]
    command = click.option(
        "--recipient-column", "recipient_column", default=None, metavar="NAME",
        help="With a list: the column printed after Kính gửi. [default: the column headed 'Kính gửi']",
    )(command)
    return click.option(
        "--per-recipient", "per_recipient", type=click.Path(dir_okay=False, path_type=Path), default=None,
        metavar="LIST.xlsx|csv",
        help="One copy per row of this list (Excel or CSV), as Word's mail merge; "
        "overrides copies.file in the YAML.",
    )(command)


def _recipients(model, per_recipient: Path | None, recipient_column: str | None):  # type: ignore[no-untyped-def]
    """The list the copies come from (``--per-recipient`` or ``copies.file``), or None;
    notes on it (hidden rows) to stderr."""
    from generator.input import schedule
    from generator.input.recipients import recipient_list

    schedule.take_notes()
    found = recipient_list(model, file=per_recipient, recipient_column=recipient_column)
    for note in schedule.take_notes():
        click.echo(_("Note: {message}", message=note), err=True)
    return found


def _default_jobs() -> int:
    import os

    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@cli.command()
@click.argument("dispatch", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--per-province", is_flag=True, help="One copy per province of the plan table (required).")
@click.option(
    "--format", "formats", default="pdf,docx", show_default=True, callback=_formats,
    help="Output formats, comma-separated.",
)
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Worker processes. [default: the number of cores]")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the copies. [default: output/<dispatch name>]")
@click.option("--dry-run", is_flag=True, help="Say what would be written and why; write nothing.")
@_templates_option
@_legacy_option
@_recipients_options
def batch(dispatch: Path, per_province: bool, formats: list[str], jobs: int | None,
          out_dir: Path | None, dry_run: bool, templates: Path | None, legacy_encoding: str | None = None,
          per_recipient: Path | None = None, recipient_column: str | None = None) -> None:
    """Make one copy of DISPATCH.yaml per province of its plan, each addressed to it.

    Files are named <code>-<name>.pdf (24-bac-giang.pdf). Run again after editing the
    schedule: only the copies whose content changed are made again, a province taken
    out of the plan has its copy moved to archive/, and report.txt / report.json say
    what changed.

    With --per-recipient LIST.xlsx (or a `copies:` section in the YAML naming the list),
    one copy per row of the list instead, addressed to its 'Kính gửi' column.
    """
    if per_province and per_recipient is not None:
        raise click.UsageError(_("say --per-province or --per-recipient LIST, not both."))
    from generator.batch.run import report_text, run_batch

    model = _load(dispatch, templates, legacy_encoding)
    recipients = None if per_province else _recipients(model, per_recipient, recipient_column)
    if not per_province and recipients is None:
        raise click.UsageError(_("say --per-province (one copy per province of the plan) or --per-recipient "
                                 "LIST.xlsx (one copy per row of a list)."))
    folder = out_dir or Path("output") / dispatch.stem
    result = _with_progress(lambda progress: run_batch(
        model, folder, formats=formats, jobs=jobs or _default_jobs(), dry_run=dry_run,
        progress=progress, recipients=recipients), 0, model, total=len(recipients.copies) if recipients else None)
    click.echo(report_text(result), nl=False)


@cli.command(name="print")
@click.argument("dispatch", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format", "formats", default="pdf,docx", show_default=True, callback=_formats,
    help="Print files to build, comma-separated.",
)
@click.option("--index", is_flag=True, help="Open the PDF with an index page of the copies.")
@click.option("--annex-only", is_flag=True, help="Print the annex alone, --copies times.")
@click.option("--copies", type=click.IntRange(1, 1000), default=None, help="With --annex-only: how many.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Worker processes for copies that must be made first. [default: the number of cores]")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The batch folder. [default: output/<dispatch name>]")
@click.option("--volume-size", type=click.IntRange(1, 10_000), default=200, show_default=True,
              help="Copies in one print file: more copies are split into volumes (in-tat-ca-tap-01.pdf, …).")
@_templates_option
@_legacy_option
@_recipients_options
def print_(dispatch: Path, formats: list[str], index: bool, annex_only: bool, copies: int | None,
           jobs: int | None, out_dir: Path | None, templates: Path | None, legacy_encoding: str | None = None,
           volume_size: int = 200, per_recipient: Path | None = None, recipient_column: str | None = None) -> None:
    """Build one print-ready file of all copies of DISPATCH.yaml, safe for duplex printers.

    First brings the copies up to date (as `congvan batch --per-province`, or, with
    --per-recipient LIST or a `copies:` section in the YAML, one per row of the list),
    then writes print/in-tat-ca.pdf (each copy starting on an odd page) and
    print/in-tat-ca.docx (each copy in its own section with its own page numbers), or,
    with --annex-only --copies N, print/phu-luc-xN.pdf: the shared annex N times. Print files are made again only
    when a copy in them changed. Over --volume-size copies, the print files are split into
    volumes (print/in-tat-ca-tap-01.pdf, …), each made again only when a copy in it changed.
    """
    if annex_only != (copies is not None):
        raise click.UsageError(_("--annex-only and --copies N go together."))
    from generator.batch.run import report_text, run_batch, run_print

    model = _load(dispatch, templates, legacy_encoding)
    recipients = _recipients(model, per_recipient, recipient_column)
    folder = out_dir or Path("output") / dispatch.stem
    needed = ["pdf"] if annex_only else formats
    jobs = jobs or _default_jobs()
    result = _with_progress(lambda progress: run_batch(
        model, folder, formats=needed, jobs=jobs, progress=progress, recipients=recipients), 0, model,
        total=len(recipients.copies) if recipients else None)
    click.echo(report_text(result), nl=False)
    printed = run_print(model, folder, formats=needed, index=index, annex_copies=copies, jobs=jobs,
                        recipients=recipients, volume_size=volume_size)
    click.echo(printed.summary())


@cli.command()
@click.argument("dispatch", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format", "formats", default="pdf,docx", show_default=True, callback=_formats,
    help="Formats of the copies and print files, comma-separated.",
)
@click.option("--index", is_flag=True, help="Open the print PDF with an index page of the copies.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Worker processes. [default: the number of cores]")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The batch folder. [default: output/<dispatch name>]")
@click.option("--interval", type=click.FloatRange(0.05, 60), default=0.1, show_default=True,
              help="Seconds between two looks at the files.")
@_templates_option
@_legacy_option
def watch(dispatch: Path, formats: list[str], index: bool, jobs: int | None, out_dir: Path | None,
          interval: float, templates: Path | None, legacy_encoding: str | None = None) -> None:
    """Keep the copies and print files of DISPATCH.yaml current while you edit it.

    Does what `congvan print` does, then watches the YAML file and the files next to it
    (the plan's CSV or XLSX, images, templates): each time one is saved, the copies
    whose content changed and the print files are made again, in the time of the
    copies the change touches. A mistake in a saved file is shown and the previous
    outputs stay; save the file again once fixed. Ctrl-C stops.
    """
    import datetime as dt

    from generator.batch.run import report_text, run_batch, run_print, warm_up
    from generator.batch.watching import watch as watch_files

    folder = out_dir or Path("output") / dispatch.stem
    if folder.resolve() == dispatch.resolve().parent:
        raise click.UsageError(_("--out may not be the folder of {file}: watch would take its own outputs for "
                                 "your changes. Use a folder inside it, for example --out {example}.",
                                 file=dispatch.name, example=folder / "ban-in"))
    jobs = jobs or _default_jobs()
    warm = False

    def stamp() -> str:
        return dt.datetime.now().strftime("%H:%M:%S")

    def make() -> None:
        nonlocal warm
        try:
            model = _load(dispatch, templates, legacy_encoding)
            recipients = _recipients(model, None, None)  # the list of copies.file, if any
            result = run_batch(model, folder, formats=formats, jobs=jobs, recipients=recipients)
            click.echo(report_text(result), nl=False)
            click.echo(run_print(model, folder, formats=formats, index=index, jobs=jobs,
                                 recipients=recipients).summary())
            if not warm:
                warm_up(model, formats, recipients)  # every later change starts from a warm process
                warm = True
        except CongVanError as exc:
            _UserError(exc).show()
            click.echo(_("[{time}] not made: fix the file and save it again.", time=stamp()))
            return
        click.echo(_("[{time}] up to date.", time=stamp()))

    if not dispatch.is_file():
        _load(dispatch, templates, legacy_encoding)  # says there is no such file, and stops
    try:
        click.echo(_("Watching {file} and the files next to it; Ctrl-C stops.", file=dispatch))
        watch_files(dispatch, make, leave_out=(folder,), interval=interval,
                    changed=lambda: click.echo(_("[{time}] a file changed: making the copies again…",
                                                 time=stamp())))
    except KeyboardInterrupt:
        click.echo(_("Stopped."))


def _with_progress(work, _clusters: int, model, total: int | None = None) -> object:  # type: ignore[no-untyped-def]
    """Run ``work(progress)`` with a progress bar on a terminal, silently otherwise."""
    import sys

    if not sys.stderr.isatty():
        return work(None)
    if total is None:
        total = model.plan.province_count if model.plan else 0
    with click.progressbar(length=total, label="copies", file=sys.stderr) as bar:
        return work(bar.update)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the dispatch YAML, for editors to validate and complete it."""
    from generator.input.model import Dispatch

    click.echo(json.dumps(Dispatch.model_json_schema(), ensure_ascii=False, indent=2))


@cli.command()
@click.argument("dispatch", type=click.Path(dir_okay=False, path_type=Path))
@_legacy_option
def validate(dispatch: Path, legacy_encoding: str | None = None) -> None:
    """Check DISPATCH.yaml without rendering it (and the list its `copies:` section names)."""
    model = _load_checked(dispatch, legacy_encoding)
    _recipients(model, None, None)
    click.echo(_("{file}: OK", file=dispatch))


from generator.check.cli import check_command  # noqa: E402  (registered last; imports only click)

cli.add_command(check_command)
