"""One copy per province, made again only where something that shapes it changed.

``run_batch`` works out every output of a per-province batch (``24-bac-giang.pdf``,
``24-bac-giang.docx``, …), hashes what shapes each (:mod:`generator.batch.manifest`), and
renders only those whose hashes or bytes differ from the folder's manifest: an
unchanged copy keeps its bytes and its modification time. Provinces gone from the
plan have their copies moved to ``archive/``. Rendering uses every core asked for:
the parent lays out what all copies share (fonts, stylesheet, the annex), then
forks workers that inherit it, so no worker pays for it again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import gc
import importlib.metadata
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import __version__
from generator.atomic import atomic_write_bytes, remove_stale_temporaries
from generator.batch.copies import ProvinceCopy, plan_copies
from generator.batch.locking import folder_lock
from generator.batch.manifest import MANIFEST, Entry, Manifest, digest, file_digest
from generator.errors import InputError, RenderError
from generator.i18n import N_, _, translate
from generator.input.model import Dispatch
from generator.input.recipients import RecipientCopy, RecipientList, list_changes
from generator.render.view import DispatchView, build_view

__all__ = ["BatchResult", "Output", "PrintResult", "plan_outputs", "report_text", "run_batch", "run_print"]

ARCHIVE = "archive"

#: What each format's bytes depend on besides the content.
_TEMPLATES = {"pdf": ("page.css.j2", "dispatch.html.j2", "annex.html.j2"), "docx": ("dispatch.docx",)}
_SOFTWARE = {
    "pdf": ("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2"),
    "docx": ("docxtpl", "python-docx", "lxml", "jinja2"),
}


#: The file the copies share when their annex is the same for all (no highlighted row).
ANNEX_STEM = "phu-luc"


@dataclass(slots=True)
class Output:
    """A file the batch makes: its name in the folder, its format, and what it prints:
    a province's copy, or (``copy`` None) the annexes the copies share."""

    name: str
    fmt: str
    copy: ProvinceCopy | RecipientCopy | None
    inputs: dict[str, str]
    #: Why it must be made now ("" when it is up to date).
    reason: str = ""

    @property
    def annexes_only(self) -> bool:
        return self.copy is None


@dataclass
class BatchResult:
    """What a run did (or, with ``dry_run``, would do)."""

    written: list[tuple[str, str]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    plan_changes: list[str] = field(default_factory=list)
    #: The same changes as records, one per cluster, for report.json (:func:`plan_change_records`).
    plan_change_records: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    dry_run: bool = False
    #: What the clerk should know about the run (a damaged manifest.json), shown first.
    notes: list[str] = field(default_factory=list)
    #: The list the copies came from (``--per-recipient``); None for a per-province batch.
    list_file: str | None = None

    def summary(self) -> str:
        message = (
            "would write {written}, unchanged {unchanged}, would archive {archived}, in {seconds} s"
            if self.dry_run else "wrote {written}, unchanged {unchanged}, archived {archived}, in {seconds} s"
        )
        return _(message, written=len(self.written), unchanged=len(self.unchanged),
                 archived=len(self.archived), seconds=f"{self.seconds:.1f}")


def _versions(fmt: str) -> dict[str, str]:
    out = {"congvan": __version__}
    for name in _SOFTWARE[fmt]:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "?"
    return out


def _shared_inputs(fmt: str, templates: Path | None = None) -> dict[str, str]:
    """The hashes every output of one format shares: templates, fonts, software."""
    from generator.render import fonts

    parts = {
        "templates": digest(_template_files(fmt, templates)),
        "software": digest(_versions(fmt)),
    }
    if fmt == "pdf":
        parts["fonts"] = digest({f"{k}": fonts.face_path(*k) for k in sorted(fonts.FACES)})
    return parts


#: Files of a user's templates folder that can shape a PDF (not the outputs, should they be there).
_USER_ASSETS = frozenset({".j2", ".html", ".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp",
                          ".ttf", ".otf", ".woff", ".woff2"})


def _template_files(fmt: str, templates: Path | None) -> dict[str, Path]:
    """The template files that shape one format: a user's (``templates``) where it has
    them, else the built-ins; for the PDF, also every other file of the user's folder
    (partials, stylesheets, images its templates may use)."""
    from generator.render.templating import template_file

    files = {n: template_file(n, templates) for n in _TEMPLATES[fmt]}
    if templates is not None and fmt == "pdf":
        for path in sorted(templates.rglob("*")):
            rel = path.relative_to(templates).as_posix()
            if (path.is_file() and path.suffix.lower() in _USER_ASSETS and rel not in files
                    and rel not in _TEMPLATES["docx"]):
                files[f"user:{rel}"] = path
    return files


@dataclass(frozen=True, slots=True)
class _LazyView:
    """A copy's view, built where it is rendered: a batch of thousands of copies keeps
    only their hashes, never all their views at once (memory stays flat)."""

    dispatch: Dispatch
    copy: RecipientCopy

    def build(self) -> DispatchView:
        return build_view(self.dispatch, self.copy, annexes=False)


def _view_of(view: DispatchView | _LazyView) -> DispatchView:
    return view.build() if isinstance(view, _LazyView) else view


def plan_outputs(
    dispatch: Dispatch, formats: Iterable[str], recipients: RecipientList | None = None,
) -> list[tuple[DispatchView, list[Output]]]:
    """Every file of the batch, with the view it prints and the hashes of its inputs.

    Copies share one annex file (``phu-luc.pdf``) unless each shades its own row in
    the plan table; then each copy carries its annex. So a schedule change remakes
    the shared annex and the copies whose own dates changed, not all 63.

    With ``recipients`` (a list read by :mod:`generator.input.recipients`), one copy per row of
    it instead, sharing the annexes (if the dispatch has any); each copy's view is built
    where it is rendered (a :class:`_LazyView`), so that thousands of views are never
    held at once.
    """
    from generator.render.view import issue_datetime

    formats = list(formats)
    templates = dispatch.templates_dir
    shared = {fmt: _shared_inputs(fmt, templates) for fmt in formats}
    when = issue_datetime(dispatch).isoformat()
    own_annex = dispatch.per_province.highlight
    work: list[tuple[DispatchView, list[Output]]] = []

    def add(view: DispatchView, stem: str, copy: ProvinceCopy | None) -> None:
        content = digest({"view": view, "author": dispatch.agency.name, "when": when,
                          "annexes_only": copy is None})
        work.append((view, [Output(f"{stem}.{fmt}", fmt, copy, {"content": content, **shared[fmt]})
                            for fmt in formats]))

    if recipients is not None:
        if dispatch.annexes:
            from generator.render.view import _in_tone_style

            add(_in_tone_style(build_view(dispatch), dispatch.per_province.tones), ANNEX_STEM, None)
        if not recipients.copies:
            return work
        # Copies differ only in their recipient and their paragraph: the view of one with
        # neither is hashed once, and each copy's hash is made from it and its own two
        # texts (as the view writes them), instead of building and hashing thousands of views.
        from generator.input.provinces import place_tones

        tones = dispatch.per_province.tones
        blank = RecipientCopy(row=0, recipient="", stem="", paragraph=None if recipients.copies[0].paragraph is None
                              else "")
        base = digest({"view": build_view(dispatch, blank, annexes=False), "author": dispatch.agency.name,
                       "when": when, "annexes_only": False})
        for row in recipients.copies:
            content = digest({"base": base, "recipient": place_tones(row.recipient, tones),
                              "paragraph": None if row.paragraph is None else place_tones(row.paragraph, tones)})
            work.append((_LazyView(dispatch, row), [
                Output(f"{row.stem}.{fmt}", fmt, row, {"content": content, **shared[fmt]}) for fmt in formats]))
        return work
    copies = plan_copies(dispatch)
    if not own_annex:
        add(build_view(dispatch, copies[0]), ANNEX_STEM, None)
    for copy in copies:
        add(build_view(dispatch, copy, annexes=own_annex), copy.stem, copy)
    return work


def _plan_snapshot(copies: Iterable[ProvinceCopy]) -> dict[str, dict[str, str]]:
    return {
        c.province.code: {
            "name": c.province.name, "cluster": c.cluster_name,
            "start": c.cluster.start.isoformat(), "end": c.cluster.end.isoformat(),
        }
        for c in copies
    }


def plan_changes(old: dict[str, dict[str, str]], new: dict[str, dict[str, str]]) -> list[str]:
    """The schedule's changes between two runs, in words a clerk reads."""
    if not old:
        return []
    lines = []
    clusters_old: dict[str, tuple[str, str]] = {v["cluster"]: (v["start"], v["end"]) for v in old.values()}
    clusters_new: dict[str, tuple[str, str]] = {v["cluster"]: (v["start"], v["end"]) for v in new.values()}
    for name in sorted(set(clusters_old) & set(clusters_new), key=_natural):
        if clusters_old[name] != clusters_new[name]:
            lines.append(f"{name}: {_range(clusters_old[name])} -> {_range(clusters_new[name])}")
    for name in sorted(set(clusters_new) - set(clusters_old), key=_natural):
        lines.append(f"{name}: " + _("new, {range}", range=_range(clusters_new[name])))
    for name in sorted(set(clusters_old) - set(clusters_new), key=_natural):
        lines.append(f"{name}: " + _("removed"))
    for code in sorted(set(old) & set(new)):
        if old[code]["cluster"] != new[code]["cluster"]:
            lines.append(f"{new[code]['name']}: {old[code]['cluster']} -> {new[code]['cluster']}")
    for code in sorted(set(new) - set(old)):
        lines.append(f"{new[code]['name']}: " + _("added to {cluster}", cluster=new[code]["cluster"]))
    for code in sorted(set(old) - set(new)):
        lines.append(f"{old[code]['name']}: "
                     + _("removed from the plan (was in {cluster})", cluster=old[code]["cluster"]))
    return lines


def plan_change_records(old: dict[str, dict[str, str]], new: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """The schedule's changes between two runs as data (report.json): one record per
    cluster whose dates or provinces changed, with its old and new dates (``None`` for a
    cluster new or gone) and the provinces added to it and taken from it. A province
    moved from one cluster to another is taken from the first and added to the second."""
    if not old:
        return []

    def clusters(snapshot: dict[str, dict[str, str]]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for code, v in snapshot.items():
            c = out.setdefault(v["cluster"], {"dates": {"start": v["start"], "end": v["end"]}, "provinces": {}})
            c["provinces"][code] = v["name"]
        return out

    before, after = clusters(old), clusters(new)
    records = []
    for name in sorted(set(before) | set(after), key=_natural):
        was, now = before.get(name), after.get(name)
        was_in = was["provinces"] if was else {}
        now_in = now["provinces"] if now else {}
        added, removed = sorted(set(now_in) - set(was_in)), sorted(set(was_in) - set(now_in))
        if was and now and was["dates"] == now["dates"] and not added and not removed:
            continue
        records.append({
            "cluster": name,
            "old": was["dates"] if was else None,
            "new": now["dates"] if now else None,
            "provinces_added": [{"code": c, "name": now_in[c]} for c in added],
            "provinces_removed": [{"code": c, "name": was_in[c]} for c in removed],
        })
    return records


def _natural(name: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in name.replace(" ", "\0").split("\0"))


def _range(pair: tuple[str, str]) -> str:
    a, b = (dt.date.fromisoformat(x) for x in pair)
    return f"{a.day}/{a.month}/{a.year}–{b.day}/{b.month}/{b.year}"


def _reason(path: Path, entry: Entry | None, inputs: dict[str, str]) -> str:
    """Why the output at ``path`` must be made again ("" if it need not): the reason codes
    report.json keeps in English, shown translated by :func:`_why`."""
    if entry is None:
        return N_("new")
    if not path.is_file():
        return N_("file missing")
    changed = sorted(k for k in inputs if entry.inputs.get(k) != inputs[k])
    if changed:
        # the inputs a print file has are the copies in it ("files")
        return "changed: " + ", ".join(N_("copies") if k == "files" else k for k in changed)
    if file_digest(path) != entry.sha256:
        return N_("file changed since it was made")
    return ""


def run_batch(dispatch: Dispatch, folder: Path, **options: Any) -> BatchResult:
    """Bring ``folder`` up to date with one copy per province of ``dispatch``.

    Options: ``formats`` (list of "pdf", "docx"), ``jobs``, ``dry_run``, ``progress``
    (called with 1 per copy made), ``loader`` (a :func:`pdf_loader` started earlier; else
    one is started here when it helps). One run at a time per folder
    (:func:`generator.batch.locking.folder_lock`); a dry run takes no lock and writes nothing.
    """
    given = options.pop("loader", _NONE_GIVEN)
    if options.get("dry_run"):
        return _run_batch(dispatch, folder, **options)
    with folder_lock(folder), contextlib.ExitStack() as stack:
        loader = given if given is not _NONE_GIVEN else stack.enter_context(
            pdf_loader(options.get("formats", []), options.get("jobs", 1)))
        return _run_batch(dispatch, folder, loader=loader, **options)


_NONE_GIVEN: Any = object()


def _run_batch(
    dispatch: Dispatch,
    folder: Path,
    *,
    formats: list[str],
    jobs: int = 1,
    dry_run: bool = False,
    progress: Callable[[int], Any] | None = None,
    recipients: RecipientList | None = None,
    loader: _PdfLoader | None = None,
) -> BatchResult:
    started = time.perf_counter()
    manifest = Manifest.load(folder)
    planned = plan_outputs(dispatch, formats, recipients)
    result = BatchResult(dry_run=dry_run)
    if manifest.problem:
        result.notes.append(_manifest_note(manifest.problem))
    if recipients is not None:
        rows = recipients.snapshot
        result.list_file = recipients.file.name
        result.plan_changes = list_changes(manifest.rows, rows)
    else:
        copies = [o.copy for _, outputs in planned for o in outputs[:1] if isinstance(o.copy, ProvinceCopy)]
        snapshot = _plan_snapshot(copies)
        result.plan_changes = plan_changes(manifest.plan, snapshot)
        result.plan_change_records = plan_change_records(manifest.plan, snapshot)
    todo: list[tuple[DispatchView, list[Output]]] = []
    for view, outputs in planned:
        for o in outputs:
            o.reason = _reason(folder / o.name, manifest.outputs.get(o.name), o.inputs)
            if not o.reason:
                result.unchanged.append(o.name)
        stale = [o for o in outputs if o.reason]
        if stale:
            todo.append((view, stale))
    names = {o.name for _, outputs in planned for o in outputs}
    # Archived: the files of a province taken out of the plan, in any format; never the
    # outputs of a format this run did not ask for (`print --annex-only` makes PDFs only).
    stems = {os.path.splitext(n)[0] for n in names}
    gone = sorted(n for n in manifest.outputs
                  if os.path.splitext(n)[0] not in stems and not n.startswith(PRINT_DIR + "/"))
    result.written = [(o.name, o.reason) for _, outs in todo for o in outs]
    result.archived = [n for n in gone if (folder / n).exists()]
    if dry_run:
        result.seconds = time.perf_counter() - started
        return result

    folder.mkdir(parents=True, exist_ok=True)
    # A run killed before its renames left temporary files: clear them (we hold the lock).
    remove_stale_temporaries(folder, names | set(manifest.outputs) | {MANIFEST, "report.json", "report.txt"})
    done: dict[str, tuple[str, dict[str, Any]]] = {}
    rendered = False
    not_archived: RenderError | None = None
    making = _render_all(dispatch, todo, folder, jobs, progress, loader)
    try:
        for name, sha, about in making:
            done[name] = (sha, about)
        rendered = True
    finally:
        making.close()  # stops the workers (Ctrl-C, an error) before the manifest is written
        for _, outputs in planned:
            for o in outputs:
                if o.name in done:
                    sha, about = done[o.name]
                    manifest.outputs[o.name] = Entry(o.inputs, sha, {**_about(o), **about})
        for name in gone:
            try:
                _archive(folder, name)
            except RenderError as exc:  # the file stays where it is, and so does its entry
                not_archived = not_archived or exc
                continue
            manifest.outputs.pop(name, None)
        if len(done) == sum(len(outs) for _, outs in todo) and not not_archived:
            if recipients is not None:
                manifest.rows = rows
            else:
                manifest.plan = snapshot
        try:
            manifest.save(folder)
        except RenderError:
            if rendered:
                raise  # else the first error (say, the disk is full at a copy) is the one to show
    if not_archived:
        raise not_archived
    result.seconds = time.perf_counter() - started
    write_report(folder, result)
    return result


def _manifest_note(problem: str) -> str:
    return _("{problem}: every file is made again, and the manifest written anew.", problem=problem)


def _about(o: Output) -> dict[str, Any]:
    if o.copy is None:
        return {"annexes": True}
    if isinstance(o.copy, RecipientCopy):
        return {"row": o.copy.row}
    return {"province": o.copy.province.code, "name": o.copy.province.name, "cluster": o.copy.cluster_name}


def _archive(folder: Path, name: str) -> None:
    """Move a removed province's old copy to ``archive/``, never over an earlier one.

    ``archive`` must be a folder of the output folder's own: a file of that name, or a
    link (which would take the copy out of the folder), is a :class:`RenderError`, and
    the copy stays where it is.
    """
    source = folder / name
    if not source.exists():
        return
    target_dir = folder / ARCHIVE
    try:
        if target_dir.is_symlink():
            raise NotADirectoryError(errno.ENOTDIR, _("it is a link, not a folder"))
        target_dir.mkdir(exist_ok=True)
        target = target_dir / name
        if target.exists() or target.is_symlink():
            stem, suffix = os.path.splitext(name)
            target = target_dir / f"{stem}.{file_digest(source)[:8]}{suffix}"
        shutil.move(str(source), str(target))
    except OSError as exc:
        raise RenderError(_(
            "cannot move {file} to {folder}: {reason}. Make {folder} a folder (rename or remove what has "
            "that name) and run again; the copies are up to date, {file} stays where it is.",
            file=source, folder=target_dir, reason=exc.strerror or exc,
        )) from None


# --- rendering, in this process or in forked workers ----------------------------------

_WORK: dict[str, Any] = {}

#: Copies a worker makes before a fresh one (forked again from the warm parent) takes
#: over: what WeasyPrint, Pango and python-docx keep from each copy (a PDF worker grew by
#: 15-20 KB a copy, 7 MB over 400 copies, in a trace of 3,321 copies) then never adds up,
#: and memory is the same for 3,321 copies as for 630. A fresh PDF worker starts from the
#: loader, which has made a copy (fonts loaded, lines and styles kept): a few milliseconds.
#: A per-province batch (63 copies) never reaches it.
RECYCLE = 250


def _render_all(
    dispatch: Dispatch, todo: list[tuple[DispatchView, list[Output]]], folder: Path, jobs: int,
    progress: Callable[[int], Any] | None, loader: _PdfLoader | None = None,
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    if not todo:
        return
    formats = {o.fmt for _, outs in todo for o in outs}
    tasks = [_task(view, outputs) for view, outputs in todo]
    _WORK.update(dispatch=dispatch, folder=folder)
    templates = dispatch.templates_dir
    try:
        if loader is not None and "pdf" in formats:
            yield from _beside_loader(loader, tasks, formats, progress)
            return
        if formats == {"pdf", "docx"} and jobs > 1 and len(todo) > 1 and not _pdf_renderer_loaded():
            yield from _word_while_loading_weasyprint(tasks, jobs, progress, templates)
            return
        _load_renderers(formats, templates)
        for results in _in_workers(_render_task, tasks, jobs, ordered=False):
            if progress:
                progress(1)
            yield from results
    finally:
        _WORK.clear()


#: One copy's work, as a worker receives it: ("row", a list's row, its outputs) or ("view",
#: the copy's built view, its outputs); each output as (file name, format, the copy or None).
Task = tuple[str, Any, tuple[tuple[str, str, Any], ...]]


def _task(view: DispatchView | _LazyView, outputs: list[Output]) -> Task:
    """What a worker needs to make a copy's stale outputs, sent to it with the task, not read
    from the batch's plan: a worker that read thousands of copies'
    plans touched their pages, which the system then copied into every worker (about
    3 KB a copy a worker). A list's row is sent as the row: the worker builds the view from
    the dispatch it inherited."""
    outs = tuple((o.name, o.fmt, o.copy) for o in outputs)
    if isinstance(view, _LazyView):
        return ("row", view.copy, outs)
    return ("view", view, outs)


def _word_while_loading_weasyprint(
    tasks: list[Task], jobs: int, progress: Callable[[int], Any] | None, templates: Path | None,
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Make the Word copies in one worker while this process loads WeasyPrint, then the
    PDF copies in ``jobs`` workers forked from it.

    Loading WeasyPrint and its stylesheet takes about 1.4 s on one core, which a batch
    otherwise spends with the other core idle; Word copies need none of it. Progress is
    counted by PDF copies (each copy's DOCX is made alongside).
    """
    import functools

    # python-docx and the template are loaded by the Word worker itself, beside this
    # process loading WeasyPrint: the PDF workers need neither.
    _freeze()
    context = _context()
    with _pool(context, 1, RECYCLE) as word:
        docx = word.imap_unordered(functools.partial(_render_task, only="docx"), tasks)
        _load_renderers({"pdf"}, templates)  # inherited by every PDF worker
        with _pool(context, min(jobs, len(tasks)), RECYCLE) as pdf:
            for results in pdf.imap_unordered(functools.partial(_render_task, only="pdf"), tasks):
                if progress:
                    progress(1)
                yield from results
        for results in docx:
            yield from results


class _PdfLoader:
    """A process forked as a batch starts, that loads WeasyPrint while this one plans the
    batch, then makes the PDF copies in workers forked from it.

    Loading WeasyPrint and the stylesheet takes about half a second of one core; planning
    the batch (the manifest, each copy's view and hashes) about 0.2 s more. One after the
    other in one process, they held back the first PDF copy; side by side, the first PDF
    copy starts once WeasyPrint is loaded, and this process, which never loads it, makes
    the Word copies in a worker meanwhile. Only where processes fork (they inherit the
    loaded dispatch and, in the loader's workers, WeasyPrint).
    """

    def __init__(self, jobs: int) -> None:
        import multiprocessing
        import signal

        context = multiprocessing.get_context("fork")
        self._conn, theirs = context.Pipe()
        self._process = context.Process(target=_load_then_render, args=(theirs, jobs), daemon=False)
        self._finished = False
        # Held while forking, as for the pools: the loader sets its own handlers first.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            self._process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        theirs.close()

    def send(self, work: dict[str, Any]) -> None:
        """Hand the loader the batch's work: the dispatch, each copy's task, where and how to write."""
        self._conn.send(work)

    def results(self) -> Iterator[list[tuple[str, str, dict[str, Any]]]]:
        """Each PDF copy's results, as it is made."""
        while True:
            try:
                kind, value = self._conn.recv()
            except EOFError:
                raise RuntimeError("the process making the PDF copies stopped without a word") from None
            if kind == "made":
                yield value
            elif kind == "end":
                self._finished = True
                return
            else:
                raise value

    def close(self) -> None:
        """Wait for a loader that has finished; stop one that has not (nothing for it to do,
        an error, Ctrl-C): SIGTERM stops it and its workers, as it does the pools."""
        if not self._finished and self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._conn.close()


def _load_then_render(conn: Any, jobs: int) -> None:
    """The loader's life (:class:`_PdfLoader`): load WeasyPrint, wait for the work, make the
    PDF copies in workers forked from here, sending each copy's results back."""
    _worker_signals()
    # No collection while WeasyPrint is loaded and the first copy made: all that is made then
    # stays (modules, fonts, what a copy keeps), and the collector walked it again and again
    # (0.025 s of the loading); :func:`_freeze` collects once before the workers are forked.
    gc.disable()
    try:
        from generator.render.pdf import _weasyprint

        _weasyprint()  # the most of it, before the work (and the dispatch's templates) are known
        work = conn.recv()
        tasks = work.pop("tasks")
        _WORK.update(work)
        _load_renderers({"pdf"}, work["dispatch"].templates_dir)
        # One copy made here first: the workers forked afterwards then start with WeasyPrint's
        # fonts loaded and the lines and styles of a copy kept (pdf_reuse), which each would
        # otherwise make again (its first copy took 0.1 s more than the next ones).
        first = next((i for i, (_kind, _what, outs) in enumerate(tasks) if any(o[2] is not None for o in outs)), 0)
        conn.send(("made", _render_task(tasks.pop(first))))
        if tasks:
            _freeze()
            gc.enable()
            with _pool(_context(), min(jobs, len(tasks)), RECYCLE) as pool:
                for results in pool.imap_unordered(_render_task, tasks):
                    conn.send(("made", results))
        conn.send(("end", None))
    except (SystemExit, EOFError):
        pass  # stopped by the batch (SIGTERM), or the batch is gone
    except BaseException as exc:  # a render error, for the batch to report
        try:
            conn.send(("error", exc))
        except Exception:  # an exception that cannot be pickled
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        conn.close()


@contextlib.contextmanager
def pdf_loader(formats: Iterable[str], jobs: int) -> Iterator[_PdfLoader | None]:
    """A :class:`_PdfLoader` for a batch that makes PDFs in several workers and would load
    WeasyPrint first: a command's (not ``congvan watch``'s, which keeps it loaded, nor the
    web app's, whose batches run on a thread of the server); else None.

    The command line starts it before it reads the dispatch and the list: the loader then
    shares none of their memory with the batch's process, which would otherwise be
    copied into it as the batch goes on (a system copies a shared page when either
    process writes to it; Python writes to every object it uses).
    """
    import threading

    useful = ("pdf" in formats and jobs > 1 and not _pdf_renderer_loaded()
              and _context().get_start_method() == "fork" and threading.current_thread() is threading.main_thread())
    loader = _PdfLoader(jobs) if useful else None
    try:
        yield loader
    finally:
        if loader is not None:
            loader.close()


def _beside_loader(
    loader: _PdfLoader, tasks: list[Task], formats: set[str], progress: Callable[[int], Any] | None,
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """The PDF copies from the loader's workers and, meanwhile, the Word copies from a
    worker of this process. Progress is counted by PDF copies."""
    import functools

    # Sent before the Word worker is forked: sending writes to every object it sends (Python
    # counts references), which would make the system copy their pages, shared with the worker.
    loader.send({"tasks": [(kind, what, tuple(o for o in outs if o[1] == "pdf")) for kind, what, outs in tasks],
                 "dispatch": _WORK["dispatch"], "folder": _WORK["folder"]})
    with contextlib.ExitStack() as stack:
        docx = None
        if "docx" in formats:
            _freeze()
            word = stack.enter_context(_pool(_context(), 1, RECYCLE))
            docx = word.imap_unordered(functools.partial(_render_task, only="docx"), tasks)
        for results in loader.results():
            if progress:
                progress(1)
            yield from results
        if docx is not None:
            for results in docx:
                yield from results


def _pdf_renderer_loaded() -> bool:
    import sys

    return "weasyprint" in sys.modules


def _load_renderers(formats: set[str], templates: Path | None) -> None:
    """Load what each format's renderer needs, once, before workers are forked from this
    process: fonts, stylesheet and templates are then shared by every worker."""
    if "pdf" in formats:
        from generator.render.pdf import default_renderer

        default_renderer(templates)
    if "docx" in formats:
        from generator.render.docx import _package, _template_bytes

        _package(_template_bytes())  # the built-in template, unzipped
    _freeze()


def _freeze() -> None:
    """Put what is alive now out of the garbage collector's way (:func:`gc.freeze`).

    What is loaded lives as long as the process: the collector need not walk it again
    at each collection in every worker, and forked workers keep sharing its pages
    instead of copying them when the collector touches them. Garbage is collected
    first: frozen, it would never be, and a process that stays up (``congvan watch``)
    would keep some of every run's.
    """
    gc.collect()
    gc.freeze()
    _give_back_freed_memory()


def _give_back_freed_memory() -> None:
    """Return to the system what the C allocator keeps of memory already freed (glibc's
    ``malloc_trim``): reading a list of thousands of rows and planning its copies leave
    free space in the heap, which forked workers would otherwise count as shared pages
    of their parent. Nothing on other systems."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError, TypeError):  # not glibc (musl has no malloc_trim)
        ctypes.CDLL(None).malloc_trim(0)


def warm_up(dispatch: Dispatch, formats: Iterable[str], recipients: RecipientList | None = None) -> None:
    """Load and warm this process's renderers with one copy, writing nothing.

    For a process that stays up (``congvan watch``): workers forked from it later start
    with the fonts, templates, stylesheet and the first layout's caches in place, as
    well as the libraries the print files need.
    """
    formats = set(formats)
    _load_renderers(formats, dispatch.templates_dir)
    planned = plan_outputs(dispatch, sorted(formats), recipients)
    view, outputs = next(((v, outs) for v, outs in planned if not outs[0].annexes_only), planned[0])
    view = _view_of(view)
    for o in outputs:
        _output(view, o, dispatch)
    from generator.batch import printing  # noqa: F401  (pikepdf, and python-docx's reader, for the print files)

    _freeze()


def _in_workers(work: Callable[[Any], Any], items: list[Any], jobs: int, *, ordered: bool = True) -> Iterator[Any]:
    """``work(item)`` for each of ``items``: in this process, or in up to ``jobs`` forked
    workers, which inherit :data:`_WORK` and everything loaded before the fork."""
    if jobs <= 1 or len(items) <= 1:
        yield from (work(item) for item in items)
        return
    with _pool(_context(), min(jobs, len(items)), RECYCLE) as pool:
        yield from (pool.imap if ordered else pool.imap_unordered)(work, items)


def default_jobs() -> int:
    """Workers for a batch when none are asked for: the cores this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


#: Set to ``spawn`` to start workers as on Windows (fresh processes that import congvan
#: and receive the work) on a system that can fork; the tests compare both.
START_METHOD_ENV = "CONGVAN_START_METHOD"


def _context() -> Any:
    """How workers start: ``fork`` where the system has it (they inherit the loaded
    renderers), ``spawn`` elsewhere (Windows), on macOS (where Python itself no longer
    forks: the system's libraries are not safe after a fork), or when
    :data:`START_METHOD_ENV` says so."""
    import multiprocessing
    import sys

    wanted = os.environ.get(START_METHOD_ENV, "").strip().lower()
    methods = multiprocessing.get_all_start_methods()
    can_fork = "fork" in methods and sys.platform != "darwin"
    method = wanted if wanted in methods else ("fork" if can_fork else "spawn")
    return multiprocessing.get_context(method)


_STOPS = ("SIGINT", "SIGTERM")


@contextlib.contextmanager
def _pool(context: Any, processes: int, maxtasksperchild: int | None = None) -> Iterator[Any]:
    """A pool of ``processes`` workers that stop quietly on Ctrl-C and ``kill``
    (:func:`_worker_signals`); spawned workers are also handed :data:`_WORK` and the
    message language, which forked ones inherit (:func:`_adopt`).

    SIGINT and SIGTERM are held while the workers are started, and so in each worker until
    it has set its handlers: a signal arriving during a fork would otherwise reach the
    parent inside the fork's own callbacks, which drop the exception (the run would go
    on), or a worker before it is ready.

    When the work is done the workers are told to finish and are waited for (``close``,
    ``join``); only a run that stops on an error or a signal terminates them. (Terminating
    idle workers with SIGTERM at every normal end raced with spawned workers waiting on
    the task queue's lock: a test run hung in ``Pool.terminate``.)"""
    import signal

    if context.get_start_method() == "fork":
        initializer, initargs = _worker_signals, ()
    else:
        from generator.i18n import language

        initializer, initargs = _adopt, (dict(_WORK), language())
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        pool = context.Pool(processes, initializer, initargs, maxtasksperchild)
    else:
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {getattr(signal, name) for name in _STOPS})
        try:
            pool = context.Pool(processes, initializer, initargs, maxtasksperchild)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
    try:
        yield pool
    except BaseException:
        pool.terminate()
        raise
    pool.close()
    pool.join()


def _adopt(work: dict[str, Any], lang: str) -> None:
    """In a spawned worker: stop as forked ones do, and take the parent's work and language."""
    from generator.i18n import set_language

    _worker_signals()
    set_language(lang)
    _WORK.update(work)


def _worker_signals() -> None:
    """Run first in every worker: Ctrl-C (which a terminal sends to the workers too) is
    the parent's to handle, and SIGTERM, with which the parent stops its workers (or
    ``kill`` stops the whole group), ends a worker quietly. The next run finishes what a
    stopped one left.

    SIGTERM ends the worker by :class:`SystemExit`, not at once: an idle worker waits for
    its next task holding the pool's queue lock, which the exception releases on its way
    out; a worker killed with it held would leave the parent waiting for it for ever. A
    stop that lands in a callback Python cannot raise from (a weak reference's, a logging
    handler's at fork) is dropped there without a word: the parent stops its workers
    again if they go on (``Pool.terminate``), and the screen shows only its one line."""
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_stop)
    sys.unraisablehook = _quiet_stop
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def _worker_stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _quiet_stop(unraisable: Any) -> None:
    """A worker's ``sys.unraisablehook``: its stop (:func:`_worker_stop`) is not reported
    as "Exception ignored in …"; anything else is, as Python would."""
    import sys

    if not isinstance(unraisable.exc_value, SystemExit):
        sys.__unraisablehook__(unraisable)


def _render_task(task: Task, only: str | None = None) -> list[tuple[str, str, dict[str, Any]]]:
    """Make one copy (:func:`_task`) in every stale format (or in format ``only``); return
    names, hashes and what the manifest keeps about each besides (:func:`_output`)."""
    import hashlib

    kind, what, outs = task
    done = []
    collecting = gc.isenabled()
    # The collector is held during a copy and run once after it. A copy leaves a few thousand
    # objects in reference cycles (WeasyPrint's boxes), but while it is made most of what it
    # allocates is alive, and each of the collections its allocations set off walked it again.
    gc.disable()
    try:
        view = _LazyView(_WORK["dispatch"], what).build() if kind == "row" else what
        for name, fmt, copy in outs:
            if only is not None and fmt != only:
                continue
            data, about = _output(view, Output(name, fmt, copy, {}), _WORK["dispatch"])
            atomic_write_bytes(_WORK["folder"] / name, data)
            done.append((name, hashlib.sha256(data).hexdigest(), about))
    finally:
        if collecting:
            gc.enable()
            gc.collect(0)
    return done


def _output(view: DispatchView, o: Output, dispatch: Dispatch) -> tuple[bytes, dict[str, Any]]:
    """The bytes of output ``o`` of ``view`` (a copy of ``dispatch``, or the annexes it
    shares, as PDF or DOCX), and what the manifest keeps about it besides: a copy's PDF,
    its runs of pages numbered from 1 (``runs``), by which the print DOCX pads the copy to
    whole sheets."""
    author, templates = dispatch.agency.name, dispatch.templates_dir
    if o.fmt == "pdf":
        from generator.render.pdf import default_renderer

        renderer = default_renderer(templates)
        if o.annexes_only:
            return renderer.render_annexes(view, author=author), {}
        data, runs = renderer.render_counted(view, author=author)
        return data, {"runs": runs}
    from generator.render.docx import docx_from_view
    from generator.render.view import issue_datetime

    return docx_from_view(view, author=author, when=issue_datetime(dispatch), templates=templates,
                          annexes_only=o.annexes_only), {}


def report_text(result: BatchResult, detail: str = "all") -> str:
    """The change report as a clerk reads it.

    ``detail``: "all" lists every file written (report.txt); "changes", for the terminal,
    says how many files are new instead of listing them when every file written is new
    (a first run: about 130 lines otherwise); "summary" is the last line alone (``--quiet``).
    A dry run lists what it would write, however many: that is what it is asked for.
    """
    notes = [_("Note: {message}", message=note) for note in result.notes]
    if detail == "summary":
        return "\n".join([*notes, result.summary()]) + "\n"
    heading = _("Changes in {file}:", file=result.list_file) if result.list_file else _("Schedule changes:")
    lines = notes + [heading] + [f"  {c}" for c in result.plan_changes or [_("none")]]
    if (detail == "changes" and not result.dry_run and result.written
            and all(why == "new" for _n, why in result.written)):
        lines += [_("New files, written: {count} (listed in report.txt)", count=len(result.written))]
    elif result.written:
        lines += [_("Would write:") if result.dry_run else _("Written:")]
        lines += [f"  {n} ({_why(why)})" for n, why in result.written]
    else:
        lines += [_("Would write: none") if result.dry_run else _("Written: none")]
    lines += [_("Archived:")] + [f"  {n} -> {ARCHIVE}/" for n in result.archived] if result.archived else []
    lines.append(result.summary())
    return "\n".join(lines) + "\n"


def _why(reason: str) -> str:
    """Why an output was written, in the user's language (report.json keeps the English)."""
    if reason.startswith("changed: "):
        parts = reason.removeprefix("changed: ").split(", ")
        return _("changed: {parts}", parts=", ".join(translate(p) for p in parts))
    return translate(reason)


#: The folder of a batch folder that keeps the report of every run that changed something.
REPORTS = "reports"


def write_report(folder: Path, result: BatchResult) -> None:
    """The change report of the run, as ``report.json`` and ``report.txt`` in ``folder``,
    and as ``reports/<date>_<time>.json`` and ``.txt``, which keep the reports of earlier
    runs. A run that changed nothing writes no report: ``report.txt`` stays the report of
    the last change."""
    import json

    history = folder / REPORTS
    unusable = None
    if history.is_symlink() or (history.exists() and not history.is_dir()):  # a link would lead out of the folder
        unusable = RenderError(_(
            "cannot keep the report in {folder}: {reason}. Make {folder} a folder (rename or remove what has that "
            "name); the copies and the manifest are up to date.", folder=history,
            reason=_("it is a link, not a folder") if history.is_symlink() else _("it is a file, not a folder"),
        ))
    for stale in history.glob(".*.tmp") if history.is_dir() and not unusable else ():  # a run killed writing it
        with contextlib.suppress(OSError):
            stale.unlink()
    if not (result.written or result.archived or result.plan_changes):
        return
    now = dt.datetime.now()
    data = {
        "time": now.isoformat(timespec="seconds"),
        **({"list": result.list_file, "list_changes": result.plan_changes} if result.list_file else {
            "plan_changes": result.plan_change_records, "plan_changes_text": result.plan_changes}),
        "written": [{"file": n, "why": why} for n, why in result.written],
        "unchanged": result.unchanged,
        "archived": result.archived,
        "seconds": round(result.seconds, 2),
    }
    as_json = (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode()
    as_text = report_text(result).encode()
    if not unusable:
        stem = now.strftime("%Y-%m-%d_%H-%M-%S")
        n = 1
        while (history / f"{stem}.txt").exists() or (history / f"{stem}.json").exists():
            n += 1
            stem = now.strftime("%Y-%m-%d_%H-%M-%S") + f"-{n}"
        atomic_write_bytes(history / f"{stem}.json", as_json)
        atomic_write_bytes(history / f"{stem}.txt", as_text)
    atomic_write_bytes(folder / "report.json", as_json)
    atomic_write_bytes(folder / "report.txt", as_text)
    if unusable:
        raise unusable




# --- print files ----------------------------------------------------------------------

PRINT_DIR = "print"
PRINT_STEM = "in-tat-ca"
#: Copies in one print file: a printer queue takes a few hundred copies at a time, not thousands.
VOLUME_SIZE = 200


@dataclass
class PrintResult:
    written: list[tuple[str, str]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        made = ", ".join(f"{n} ({_why(why)})" for n, why in self.written) or _("nothing")
        return _("print files: wrote {made}; unchanged {unchanged}", made=made, unchanged=len(self.unchanged))


def run_print(
    dispatch: Dispatch, folder: Path, *, formats: list[str], index: bool = False,
    annex_copies: int | None = None, jobs: int = 1, recipients: RecipientList | None = None,
    volume_size: int = VOLUME_SIZE,
) -> PrintResult:
    """Build the print-ready files of a batch already brought up to date in ``folder``.

    ``print/in-tat-ca.pdf``: every copy in plan order, each starting on an odd page
    (duplex-safe), after an optional index; and ``print/in-tat-ca.docx``, the same for
    clerks who print from Word, each copy in its own section with its own page numbers.
    Copies that share the annex do not repeat it: with ``annex_copies``, instead
    ``print/phu-luc-x<N>.pdf`` is the annex alone, N times. A print file is made again only
    when a file in it, or an option, changed (recorded in the manifest like the copies).
    With ``jobs`` above 1, the PDF and the DOCX are made at the same time in two processes.

    With ``recipients``, the copies are the list's rows. More copies than ``volume_size``
    are split into volumes, ``print/in-tat-ca-tap-01.pdf``, ``…-tap-02.pdf``, each of
    ``volume_size`` copies, duplex-safe on its own and made again only when a copy in
    it changed; print files of an earlier run that are no longer made are removed.
    """
    with folder_lock(folder):
        return _run_print(dispatch, folder, formats=formats, index=index, annex_copies=annex_copies, jobs=jobs,
                          recipients=recipients, volume_size=volume_size)


def volume_names(count: int, fmt: str, volume_size: int = VOLUME_SIZE) -> list[str]:
    """The print files of ``count`` copies: one, or a volume per ``volume_size`` copies."""
    volumes = max(1, -(-count // volume_size))
    if volumes == 1:
        return [f"{PRINT_DIR}/{PRINT_STEM}.{fmt}"]
    width = max(2, len(str(volumes)))
    return [f"{PRINT_DIR}/{PRINT_STEM}-tap-{k:0{width}d}.{fmt}" for k in range(1, volumes + 1)]


def _run_print(
    dispatch: Dispatch, folder: Path, *, formats: list[str], index: bool, annex_copies: int | None,
    jobs: int = 1, recipients: RecipientList | None = None, volume_size: int = VOLUME_SIZE,
) -> PrintResult:
    manifest = Manifest.load(folder)
    own_annex = dispatch.per_province.highlight and recipients is None
    copies: list[ProvinceCopy] | list[RecipientCopy] = recipients.copies if recipients else plan_copies(dispatch)
    result = PrintResult()
    files: list[tuple[str, list[tuple[str, str]], dict[str, Any]]] = []
    if annex_copies is not None:
        if own_annex or not (dispatch.plan if recipients is None else dispatch.annexes):
            raise InputError([_("--annex-only needs the copies to share one annex (per_province.highlight: false).")])
        files.append((f"{PRINT_DIR}/{ANNEX_STEM}-x{annex_copies}.pdf",
                     [("Phụ lục", f"{ANNEX_STEM}.pdf")], {"annex_copies": annex_copies}))
    else:
        for fmt in formats:
            parts = [(c.recipient, f"{c.stem}.{fmt}") for c in copies]
            names = volume_names(len(parts), fmt, volume_size)
            pdfs = [_pdf_of(manifest, folder, c.stem) for c in copies] if fmt == "docx" else []
            for k, name in enumerate(names):
                volume = slice(k * volume_size, (k + 1) * volume_size)
                options: dict[str, Any] = {"index": index and fmt == "pdf"}
                if fmt == "docx":
                    options["pages_from"] = [pdf for pdf, _sha, _runs in pdfs[volume]]
                    options["pdf_sha256"] = [(pdf, sha) for pdf, sha, _runs in pdfs[volume] if pdf]
                    options["runs"] = [runs for _pdf, _sha, runs in pdfs[volume]]
                files.append((name, parts[volume], options))
            # print files of an earlier run that this one does not make (fewer or more volumes)
            for old in [n for n in manifest.outputs if _print_file_of(n, fmt) and n not in names]:
                (folder / old).unlink(missing_ok=True)
                del manifest.outputs[old]
    remove_stale_temporaries(folder, {name for name, _parts, _options in files})  # a killed run's (we hold the lock)
    software = digest({n: _version(n) for n in ("congvan", "pikepdf", "python-docx", "weasyprint")})
    todo: list[tuple[str, list[tuple[str, str]], dict[str, Any], dict[str, str], str]] = []
    for name, parts, options in files:
        entries = [manifest.outputs.get(f) for _, f in parts]
        missing = [f for (_, f), e in zip(parts, entries, strict=True) if e is None or not (folder / f).is_file()]
        if missing:
            raise InputError([f"{folder}: " + _("{file} is missing: run `congvan batch --per-province` first.",
                                                 file=missing[0])] if recipients is None else [
                f"{folder}: " + _("{file} is missing: run `congvan batch --per-recipient {list}` first.",
                                  file=missing[0], list=recipients.file.name)])
        # A print DOCX's blank pages follow its copies' PDFs (their page counts): those are its files too.
        pdfs = [(pdf, sha) for pdf, sha in options.pop("pdf_sha256", [])]
        inputs = {"files": digest([(f, e.sha256) for (_, f), e in zip(parts, entries, strict=True)]  # type: ignore[union-attr]
                                  + pdfs),
                  # the runs follow from the PDFs, whose hashes are the inputs
                  "options": digest({k: v for k, v in options.items() if k != "runs"}), "software": software}
        entry = manifest.outputs.get(name)
        reason = _reason(folder / name, entry, inputs)
        if not reason:
            result.unchanged.append(name)
            continue
        todo.append((name, parts, options, inputs, reason))
    import hashlib

    if len(files) > len(formats):  # volumes: each written as soon as it is made, one at a time a worker
        # by name: tap-01.docx, tap-01.pdf, tap-02.docx, …: a DOCX and a PDF volume side by side
        todo.sort(key=lambda t: t[0])
        try:
            for k, sha in _write_volumes(folder, [(name, parts, options) for name, parts, options, _i, _r in todo],
                                         title=dispatch.subject, jobs=jobs):
                name, _parts, _options, inputs, reason = todo[k]
                manifest.outputs[name] = Entry(inputs, sha, {"print": True})
                result.written.append((name, reason))
        finally:
            result.written.sort(key=lambda w: w[0])
            manifest.save(folder)
        return result
    made = _make_print_files(folder, [(name, parts, options) for name, parts, options, _i, _r in todo],
                             title=dispatch.subject, jobs=jobs)

    # Written only once every file is made: an error in one leaves all as they were.
    for (name, _parts, _options, inputs, reason), data in zip(todo, made, strict=True):
        atomic_write_bytes(folder / name, data)
        manifest.outputs[name] = Entry(inputs, hashlib.sha256(data).hexdigest(), {"print": True})
        result.written.append((name, reason))
    manifest.save(folder)
    return result


def _write_volumes(
    folder: Path, files: list[tuple[str, list[tuple[str, str]], dict[str, Any]]], *, title: str, jobs: int
) -> Iterator[tuple[int, str]]:
    """Make and write each volume of the print files; yield its position and the hash of its
    bytes as each is written. Up to ``jobs`` volumes are made at once, each in a worker that
    reads only its own copies, so memory holds a volume a worker, never the whole batch."""
    if not files:
        return
    _WORK.update(print_folder=folder, print_files=files, print_title=title)
    try:
        if jobs <= 1 or len(files) == 1:
            yield from (_write_volume(i) for i in range(len(files)))
            return
        context = _context()
        # One volume of each format at a time. A PDF volume holds a round of 25 copies open and
        # the volume so far (a worker about 75 MB over its start): two side by side were the peak
        # of a 3,321-copy batch's memory, above the copies' own. A DOCX volume holds a copy at a
        # time (about 20 MB, printing.print_docx).
        _WORK["locks"] = {"pdf": context.Lock(), "docx": context.Lock()}
        # A new worker for each volume (forked in milliseconds): what a worker's allocator
        # kept from a DOCX merge would otherwise stay with it while it makes a PDF volume.
        with _pool(context, min(jobs, len(files)), 1) as pool:
            yield from pool.imap_unordered(_write_volume, range(len(files)))
    finally:
        _WORK.clear()


def _write_volume(index: int) -> tuple[int, str]:
    import contextlib
    import hashlib

    name = _WORK["print_files"][index][0]
    lock = _WORK.get("locks", {}).get(name.rsplit(".", 1)[-1])
    with lock or contextlib.nullcontext():
        data = _make_print_file(index)
    atomic_write_bytes(_WORK["print_folder"] / name, data)
    sha = hashlib.sha256(data).hexdigest()
    # The merge leaves reference cycles (python-docx's and lxml's proxies) that the collector
    # would reach only after several volumes: without this, a worker held 130 MB more at
    # each DOCX volume of 200 copies.
    del data
    gc.collect()
    return index, sha


def _print_file_of(name: str, fmt: str) -> bool:
    """Whether ``name`` is one of the main print files (one, or a volume) in format ``fmt``."""
    return name.startswith(f"{PRINT_DIR}/{PRINT_STEM}") and name.endswith(f".{fmt}")


def _make_print_files(
    folder: Path, files: list[tuple[str, list[tuple[str, str]], dict[str, Any]]], *, title: str, jobs: int
) -> list[bytes]:
    """The bytes of each print file. The first is made in this process, which keeps the
    digests of the copies it merged for the next time (``congvan watch``); with ``jobs``
    above 1 the others are made at the same time in forked workers."""
    _WORK.update(print_folder=folder, print_files=files, print_title=title)
    try:
        if jobs <= 1 or len(files) <= 1:
            return [_make_print_file(i) for i in range(len(files))]
        with _pool(_context(), min(jobs - 1, len(files) - 1)) as pool:
            others = pool.map_async(_make_print_file, range(1, len(files)))
            first = _make_print_file(0)
            return [first, *others.get()]
    finally:
        _WORK.clear()


def _pdf_of(manifest: Manifest, folder: Path, stem: str) -> tuple[str | None, str | None, list[int] | None]:
    """The PDF of a copy made from the same content as its DOCX, its hash and its runs of
    pages numbered from 1 as the batch recorded them (None if it did not: they are then
    read from the PDF), for the print DOCX's page counts; (None, None, None) when there is
    no such PDF (a print of DOCX only)."""
    pdf, docx = manifest.outputs.get(f"{stem}.pdf"), manifest.outputs.get(f"{stem}.docx")
    if pdf is None or docx is None or pdf.inputs.get("content") != docx.inputs.get("content"):
        return None, None, None
    if not (folder / f"{stem}.pdf").is_file():
        return None, None, None
    runs = pdf.about.get("runs")
    counted = isinstance(runs, list) and runs and all(type(n) is int and n > 0 for n in runs)
    return f"{stem}.pdf", pdf.sha256, runs if counted else None


#: Above this many copies a print PDF is built in rounds (:mod:`generator.batch.volumes`), its
#: memory then flat; a per-province batch (63 copies at most) is built at once, as before.
_ROUNDS_FROM = 64


def _make_print_file(index: int) -> bytes:
    from generator.batch import printing

    folder: Path = _WORK["print_folder"]
    name, parts, options = _WORK["print_files"][index]
    if name.endswith(".pdf") and "annex_copies" not in options and len(parts) > _ROUNDS_FROM:
        from generator.batch.volumes import print_pdf_in_rounds

        return print_pdf_in_rounds([label for label, _f in parts], lambda i: (folder / parts[i][1]).read_bytes(),
                                   index=options["index"], title=_WORK["print_title"])
    if name.endswith(".docx"):
        # The page counts of the copies' PDFs, where the batch made them too: as the batch
        # recorded them, or read from the PDF (a manifest of an earlier version).
        runs = options.get("runs") or [None] * len(options["pages_from"])
        pages = [counted or (printing.numbered_runs((folder / pdf).read_bytes()) if pdf else None)
                 for pdf, counted in zip(options["pages_from"], runs, strict=True)]
        # Each copy read when the merge comes to it: memory holds a copy, not the volume.
        return printing.print_docx(((folder / f).read_bytes() for _, f in parts), pages)
    blobs = {f: (folder / f).read_bytes() for f in dict.fromkeys(f for _, f in parts)}
    if "annex_copies" in options:
        return printing.annex_copies_pdf(blobs[f"{ANNEX_STEM}.pdf"], options["annex_copies"])
    return printing.print_pdf([(label, blobs[f]) for label, f in parts], index=options["index"],
                              title=_WORK["print_title"])




def _version(name: str) -> str:
    if name == "congvan":
        return __version__
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "?"
