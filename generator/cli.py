"""The ``congvan`` command line.

Kept light: WeasyPrint and docxtpl are imported inside the commands that render, so
``--help``, ``--version`` and ``schema`` start fast. The command group turns a
:class:`~generator.errors.CongVanError` into a click error, which click's
``Command.main`` prints as ``Error: …`` with a non-zero exit; a user's mistake
never shows a traceback.
"""

from __future__ import annotations

import contextlib
import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from generator import __version__
from generator.errors import CongVanError, InputError, Terminated
from generator.i18n import LANGUAGES, N_, _, set_language, translate, use_catalogue_in_click

FORMATS = ("pdf", "docx")

use_catalogue_in_click()  # click's own messages ("Usage:", "No such option", …) from vi.po too


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


def _quiet_option(command):  # type: ignore[no-untyped-def]
    return click.option(
        "--quiet", "-q", "quiet", is_flag=True,
        help="Print the summary only. Without it: the summary and the files that changed "
        "(every file is listed in report.txt).",
    )(command)


def _report(result, quiet: bool) -> str:  # type: ignore[no-untyped-def]
    """The batch's report for the terminal: the summary alone with --quiet."""
    from generator.batch.run import report_text

    return report_text(result, detail="summary" if quiet else "changes")


def _load_checked(dispatch: Path, legacy_encoding: str | None = None):  # type: ignore[no-untyped-def]
    """The dispatch as the loader reads it; notes on the plan file (hidden rows) to stderr."""
    from generator.input import schedule
    from generator.input.loader import load_dispatch

    schedule.take_notes()
    model = load_dispatch(dispatch, legacy_encoding=legacy_encoding and legacy_encoding.lower())
    for note in schedule.take_notes():
        click.echo(_("Note: {message}", message=note), err=True)
    return model


def _warn_of_placeholders(model, dispatch: Path) -> None:  # type: ignore[no-untyped-def]
    """`validate` and `render`: a warning for each QR code whose address is a placeholder."""
    from generator.input.placeholders import address_warnings

    for warning in address_warnings(model, dispatch):
        click.echo(_("Warning: {message}", message=warning), err=True)


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


def _language_in(args: list[str]) -> str | None:
    """The language a ``--lang`` anywhere on the command line asks for (before or after
    the command), read before click parses, so that help and click's own messages come
    in it too."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        else:
            continue
        return value.lower() if value.lower() in LANGUAGES else None
    return None


#: What ``--help`` shows for a value of these types, in place of click's English names.
_TYPE_NAMES = {"text": N_("text"), "integer": N_("integer"), "integer range": N_("integer"),
               "float": N_("number"), "float range": N_("number")}

#: The English help texts, kept where they are replaced by their translations.
_ENGLISH: dict[tuple[int, str], str] = {}


def _shown(obj: object, attribute: str) -> None:
    """Set ``obj.attribute`` (a help text, a metavar) to its translation, from the English."""
    key = (id(obj), attribute)
    if key not in _ENGLISH:
        value = getattr(obj, attribute)
        _ENGLISH[key] = inspect.cleandoc(value) if isinstance(value, str) and attribute == "help" else value
    english = _ENGLISH[key]
    if isinstance(english, str) and english:
        setattr(obj, attribute, translate(english))


def _localise(command: click.Command, ctx: click.Context) -> None:
    """Put the help of ``command`` and its subcommands in the current language: texts are
    written in English in the code, and translated in ``vi.po`` like every message."""
    for attribute in ("help", "short_help", "epilog", "options_metavar", "subcommand_metavar"):
        if hasattr(command, attribute):
            _shown(command, attribute)
    for param in command.params:
        if getattr(param, "help", None):
            _shown(param, "help")
        if isinstance(param, click.Option) and not param.is_flag and param.type.name in _TYPE_NAMES:
            key = (id(param), "metavar")
            _ENGLISH.setdefault(key, param.metavar)
            if _ENGLISH[key] is None:  # click would show the type's English name: TEXT, INTEGER RANGE
                param.metavar = translate(_TYPE_NAMES[param.type.name]).upper()
    help_option = command.get_help_option(ctx)
    if help_option is not None:  # made by click, cached on first use, in whatever language was current
        help_option.help = translate("Show this message and exit.")
    for sub in getattr(command, "commands", {}).values():
        _localise(sub, ctx)


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        set_language(value.lower())


def _lang_option() -> click.Option:
    return click.Option(
        ["--lang"], type=click.Choice(LANGUAGES, case_sensitive=False), default=None, expose_value=False,
        is_eager=True, callback=_set_lang, help="Language of messages: vi (Vietnamese, the default) or en (English).",
    )


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_("{prog}, version {version}", prog="congvan", version=__version__))
        ctx.exit()
class _Stopped(click.ClickException):
    """Ctrl-C (SIGINT) or ``kill`` (SIGTERM) during a run: one line, exit 130 or 143."""

    def __init__(self, signum: int) -> None:
        super().__init__(_("Stopped. What was made so far is kept; run the same command again to finish the work."))
        self.exit_code = 128 + signum

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), file=file, err=file is None)


class _InternalError(click.ClickException):
    """The last resort for an error that is congvan's fault: one line on the screen, the
    traceback in a log file (:func:`generator.errors.write_crash_log`)."""

    def __init__(self, exc: BaseException) -> None:
        from generator.errors import write_crash_log

        log = write_crash_log(exc)
        if log is None:
            message = _("an internal error ({error}); no log file could be written.", error=type(exc).__name__)
        else:
            message = _("an internal error; details in {log}. Please send that file to whoever looks "
                        "after congvan.", log=log)
        super().__init__(message)
        self.exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(_("Error: {message}", message=self.format_message()), file=file, err=file is None)


@contextlib.contextmanager
def _signals_stop() -> Iterator[None]:
    """While a command runs, SIGTERM (``kill``) stops it as Ctrl-C (SIGINT) does, by raising
    :class:`~generator.errors.Terminated` (a KeyboardInterrupt): the run keeps what it made.
    A worker forked in the instant before it sets its own handlers (``batch._worker_signals``)
    just exits."""
    import os
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    owner = os.getpid()

    def stop(signum: int, frame: object) -> None:
        if os.getpid() != owner:  # a worker just forked, before it set its own handlers
            raise SystemExit(128 + signum)
        raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class _Group(click.Group):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        set_language(_language_in(args))
        _localise(self, ctx)
        return super().parse_args(ctx, args)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        """Every command takes ``--lang`` too (``congvan validate x.yaml --lang en``)."""
        if not any("--lang" in p.opts for p in cmd.params):
            cmd.params.append(_lang_option())
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context) -> object:
        import signal

        try:
            with _signals_stop():
                return super().invoke(ctx)
        except CongVanError as exc:
            raise _UserError(exc) from None
        except KeyboardInterrupt as exc:
            raise _Stopped(getattr(exc, "signum", signal.SIGINT)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # a bug: one line on the screen, the traceback in a log file
            raise _InternalError(exc) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the version and exit.")
@click.option(
    "--lang", type=click.Choice(LANGUAGES, case_sensitive=False), default=None,  # else CONGVAN_LANG, else vi
    help="Language of messages: vi (Vietnamese, the default) or en (English).",
)
def cli(lang: str | None) -> None:
    """Lay out Vietnamese official dispatches (công văn) per Decree 30/2020, as DOCX and PDF."""
    if lang is not None:
        set_language(lang.lower())


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
    _warn_of_placeholders(model, dispatch)  # last, as a reminder; an error above says only what is wrong


def _batch_folder(dispatch: Path, out_dir: Path | None) -> Path:
    """``--out``, else ``output/<the dispatch's name>``. A name that names no folder of its
    own (``...yaml``, whose stem ``..`` would put the copies beside the sources) is refused."""
    if out_dir is not None:
        return out_dir
    if not dispatch.stem.strip(". "):
        raise InputError([_(
            "{file}: a file named like this gives no name for the output folder (output/{stem} is not a folder "
            "of its own). Rename the file (for example cong-van.yaml), or name the folder with --out.",
            file=dispatch, stem=dispatch.stem,
        )])
    return Path("output") / dispatch.stem


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
    from generator.batch.run import default_jobs

    return default_jobs()


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
@_quiet_option
@_recipients_options
def batch(dispatch: Path, per_province: bool, formats: list[str], jobs: int | None,
          out_dir: Path | None, dry_run: bool, templates: Path | None, legacy_encoding: str | None = None,
          quiet: bool = False, per_recipient: Path | None = None, recipient_column: str | None = None) -> None:
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
    from generator.batch.run import pdf_loader, run_batch

    jobs = jobs or _default_jobs()
    with pdf_loader([] if dry_run else formats, jobs) as loader:  # first: it loads WeasyPrint meanwhile
        model = _load(dispatch, templates, legacy_encoding)
        recipients = None if per_province else _recipients(model, per_recipient, recipient_column)
        if not per_province and recipients is None:
            raise click.UsageError(_("say --per-province (one copy per province of the plan) or --per-recipient "
                                     "LIST.xlsx (one copy per row of a list)."))
        folder = _batch_folder(dispatch, out_dir)
        result = _with_progress(lambda progress: run_batch(
            model, folder, formats=formats, jobs=jobs, dry_run=dry_run, progress=progress, recipients=recipients,
            loader=loader), model, recipients, quiet)
    click.echo(_report(result, quiet), nl=False)


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
@_quiet_option
@_recipients_options
def print_(dispatch: Path, formats: list[str], index: bool, annex_only: bool, copies: int | None,
           jobs: int | None, out_dir: Path | None, templates: Path | None, legacy_encoding: str | None = None,
           quiet: bool = False, volume_size: int = 200, per_recipient: Path | None = None,
           recipient_column: str | None = None) -> None:
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
    from generator.batch.run import pdf_loader, run_batch, run_print

    needed = ["pdf"] if annex_only else formats
    jobs = jobs or _default_jobs()
    # An index page is laid out by this process afterwards: it loads WeasyPrint for the copies too.
    with pdf_loader([] if index else needed, jobs) as loader:  # first: it loads WeasyPrint meanwhile
        model = _load(dispatch, templates, legacy_encoding)
        recipients = _recipients(model, per_recipient, recipient_column)
        folder = _batch_folder(dispatch, out_dir)
        result = _with_progress(lambda progress: run_batch(
            model, folder, formats=needed, jobs=jobs, progress=progress, recipients=recipients, loader=loader,
        ), model, recipients, quiet)
    click.echo(_report(result, quiet), nl=False)
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
@_quiet_option
def watch(dispatch: Path, formats: list[str], index: bool, jobs: int | None, out_dir: Path | None,
          interval: float, templates: Path | None, legacy_encoding: str | None = None, quiet: bool = False) -> None:
    """Keep the copies and print files of DISPATCH.yaml current while you edit it.

    Does what `congvan print` does, then watches the YAML file and the files next to it
    (the plan's CSV or XLSX, images, templates): each time one is saved, the copies
    whose content changed and the print files are made again, in the time of the
    copies the change touches. A mistake in a saved file is shown and the previous
    outputs stay; save the file again once fixed. Ctrl-C stops.
    """
    import datetime as dt

    from generator.batch.run import run_batch, run_print, warm_up
    from generator.batch.watching import watch as watch_files

    folder = _batch_folder(dispatch, out_dir)
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
            click.echo(_report(result, quiet), nl=False)
            click.echo(run_print(model, folder, formats=formats, index=index, jobs=jobs,
                                 recipients=recipients).summary())
            if not warm:
                warm_up(model, formats, recipients)  # every later change starts from a warm process
                warm = True
        except CongVanError as exc:
            _UserError(exc).show()
            click.echo(_("[{time}] not made: fix the file and save it again.", time=stamp()))
            return
        except Exception as exc:  # whatever a save holds, watch says so and keeps watching
            _InternalError(exc).show()
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
    except KeyboardInterrupt as exc:
        click.echo(_("Stopped."))
        if isinstance(exc, Terminated):  # `kill`, a service manager: 143, as every command
            raise SystemExit(128 + exc.signum) from None


#: The progress bar shows a time estimate once this share of the copies is made: the
#: first copies wait for the renderers to load, and an estimate from them is far too long.
ESTIMATE_AFTER = 0.25


def _with_progress(work, model, recipients, quiet: bool = False) -> object:  # type: ignore[no-untyped-def]
    """Run ``work(progress)`` with a progress bar on a terminal, silently otherwise; the bar
    counts the list's copies, or the plan's provinces."""
    import sys

    if quiet or not sys.stderr.isatty():
        return work(None)
    if recipients is not None:
        total = len(recipients.copies)
    else:
        total = model.plan.province_count if model.plan else 0
    with click.progressbar(length=total, label=_("copies"), file=sys.stderr, show_eta=False) as bar:
        def progress(done: int) -> None:
            bar.show_eta = bar.pos + done >= ESTIMATE_AFTER * total
            bar.update(done)

        return work(progress)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the dispatch YAML as you write it, for editors to check and complete it.

    Save it beside your YAML (congvan schema > congvan.schema.json) and put this line first
    in the YAML, for VS Code's YAML extension:

    # yaml-language-server: $schema=congvan.schema.json
    """
    from generator.input.schema import input_schema

    click.echo(json.dumps(input_schema(), ensure_ascii=False, indent=2))


@cli.command()
@click.argument("dispatch", type=click.Path(dir_okay=False, path_type=Path))
@_legacy_option
def validate(dispatch: Path, legacy_encoding: str | None = None) -> None:
    """Check DISPATCH.yaml without rendering it (and the list its `copies:` section names)."""
    model = _load_checked(dispatch, legacy_encoding)
    _recipients(model, None, None)
    _warn_of_placeholders(model, dispatch)
    click.echo(_("{file}: OK", file=dispatch))


@cli.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The dispatch YAML to write (default: FILE's name with .yaml); plan tables go to CSV "
              "files beside it.")
@_legacy_option
def import_(file: Path, out: Path | None, legacy_encoding: str | None = None) -> None:
    """Turn an existing dispatch (FILE.docx, FILE.doc or FILE.pdf) into a dispatch YAML.

    Prints what was recognised, what was guessed and what was left over (written as
    comments in the YAML).
    """
    from generator.importer import import_file

    result = import_file(file, out, legacy_encoding=legacy_encoding and legacy_encoding.lower())
    click.echo(result.report())
@cli.command()
@click.argument("folder", type=click.Path(path_type=Path), default=Path("."), required=False)
def init(folder: Path) -> None:
    """Start a dispatch of your own in FOLDER (default: this folder).

    Writes cong-van.yaml (the example dispatch with comments, to edit), ke-hoach.csv (its
    plan table, for Excel) and congvan.schema.json (for VS Code to check and complete the
    YAML). Never overwrites a file.
    """
    from generator.starter import YAML_NAME, write_starter

    for path in write_starter(folder):
        click.echo(_("wrote {path}", path=path))
    yaml = folder / YAML_NAME
    click.echo(_("Next: edit {yaml}, then check it with `congvan validate {yaml}` and make the files with "
                 "`congvan render {yaml}`.", yaml=yaml))
@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path), default=".")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Any other than this machine's (127.0.0.1) needs --accounts.")
@click.option("--port", type=click.IntRange(0, 65535), default=8750, show_default=True,
              help="Port; another free one is taken when it is busy. 0: any free port.")
@click.option("--accounts", "accounts_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A TOML file of accounts ([accounts] name = \"<hash>\"); required with --host.")
@click.option("--no-browser", is_flag=True, help="Do not open the browser.")
@click.option("--hash-password", is_flag=True,
              help="Ask for a password and print its hash for --accounts; start nothing.")
def serve(folder: Path, host: str, port: int, accounts_file: Path | None, no_browser: bool,
          hash_password: bool) -> None:
    """Edit the dispatches of FOLDER in the browser, with a live preview of the page.

    Starts a local web app (default folder: the current one) and prints its address,
    with a random token; only a browser given that address (or a signed-in account,
    with --accounts) gets in.
    """
    from generator.web.server import run

    if hash_password:
        from generator.web.security import hash_password as hashed

        password = click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
        click.echo(hashed(password))
        return
    run(folder, host=host, port=port, accounts_file=accounts_file, open_browser=not no_browser,
        echo=click.echo)


from generator.check.cli import check_command  # noqa: E402  (registered last; imports only click)

cli.add_command(check_command)
