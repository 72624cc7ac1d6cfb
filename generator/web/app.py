"""The web app: Starlette routes over the command line's functions.

Every page and request is checked by :class:`Guard` (token or session, CSRF, accounts);
every file name a request gives goes through :func:`security.inside`.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from generator.errors import CongVanError, InputError
from generator.i18n import _, translate
from generator.web import files, forms, security
from generator.web.security import COOKIE, OutsideFolder, Sessions, inside

HERE = Path(__file__).parent
_RENDER_LOCK = threading.Lock()
#: Fields of the editor's form at most: every list of the model at its limit fits.
MAX_FIELDS = 20_000


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True
    templates.env.globals["_"] = _
    templates.env.globals["tr"] = translate
    return templates


# -- guard -----------------------------------------------------------------------------

class Guard:
    """ASGI middleware: 403 without the token or a session; CSRF on every POST."""

    def __init__(self, app: Any, sessions: Sessions) -> None:
        self.app = app
        self.sessions = sessions

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        sessions = self.sessions
        session = sessions.get(request.cookies.get(COOKIE))
        token = request.query_params.get("token")
        if session is None and sessions.token_ok(token):
            sid, _session = sessions.new()
            query = {k: v for k, v in request.query_params.items() if k != "token"}
            target = request.url.path + ("?" + urlencode(query) if query else "")
            response: Response = RedirectResponse(target, status_code=303)
            response.set_cookie(COOKIE, sid, httponly=True, samesite="strict")
            await response(scope, receive, send)
            return
        if sessions.accounts is not None and request.url.path in ("/login", "/static/app.css"):
            scope.setdefault("state", {})["session"] = session
            await self.app(scope, receive, send)
            return
        if not sessions.allowed(session):
            if sessions.accounts is not None and request.method == "GET":
                await RedirectResponse("/login", status_code=303)(scope, receive, send)
                return
            await PlainTextResponse(_("Forbidden: open the address congvan serve printed, with its token."),
                                    status_code=403)(scope, receive, send)
            return
        scope.setdefault("state", {})["session"] = session
        if request.method not in ("GET", "HEAD"):
            sent = request.headers.get("x-csrf-token")
            if sent is None:
                # a form posted without script: the token is a field of the form
                body = b""
                more = True
                while more:
                    message = await receive()
                    body += message.get("body", b"")
                    more = message.get("more_body", False)
                    if len(body) > files.IMPORT_LIMIT + files.UPLOAD_LIMIT:
                        await PlainTextResponse(_("Refused: the request is too large."),
                                                status_code=413)(scope, receive, send)
                        return

                async def replay() -> Any:
                    return {"type": "http.request", "body": body, "more_body": False}

                form = await Request(scope, replay).form(max_fields=MAX_FIELDS)
                sent = form.get("csrf")
                await form.close()
                receive = replay
            if not Sessions.csrf_ok(session, str(sent) if sent is not None else None):
                await PlainTextResponse(_("Refused: the form has no valid CSRF token. Reload the page."),
                                        status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)


# -- state -----------------------------------------------------------------------------

@dataclass
class Job:
    """A batch run: its progress as the page's bar shows it, then its report."""

    total: int = 0
    done: int = 0
    phase: str = ""
    finished: bool = False
    error: str = ""
    report: str = ""
    changes: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


@dataclass
class State:
    folder: Path
    sessions: Sessions
    jobs: dict[str, Job] = field(default_factory=dict)
    jobs_count: int = 0
    #: The reports of the last imports, by a random key the editor's address carries.
    imports: dict[str, Any] = field(default_factory=dict)
    work: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="congvan-serve-")))


def _state(request: Request) -> State:
    return request.app.state.congvan


def _session(request: Request) -> Any:
    return request.scope.get("state", {}).get("session")


def _dispatch_path(request: Request, name: str | None) -> Path:
    state = _state(request)
    path = inside(state.folder, name or "")
    if path.suffix not in (".yaml", ".yml"):
        raise OutsideFolder(name)
    return path


def _out_folder(state: State, path: Path) -> Path:
    rel = path.resolve().relative_to(state.folder.resolve())
    return state.folder / "output" / rel.with_suffix("")


# -- pages -----------------------------------------------------------------------------

async def home(request: Request) -> Response:
    state = _state(request)
    return _page(request, "home.html.j2", dispatches=files.list_dispatches(state.folder),
                 example=_example() is not None)


def _page(request: Request, name: str, *, status: int = 200, **context: Any) -> Response:
    session = _session(request)
    context.update(csrf=session.csrf if session else "", user=session.user if session else None)
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status)


def _example() -> Path | None:
    """The example the package ships (``congvan init`` starts from it), in a source
    checkout and in an installed wheel alike."""
    from generator import resources
    from generator.starter import YAML_NAME

    example = resources.EXAMPLE_DIR / YAML_NAME
    return example if example.is_file() else None


def _new_name(state: State, name: str) -> Path:
    from generator.vietnamese import slug

    stem = slug(name or "") or "cong-van-moi"
    path = state.folder / f"{stem}.yaml"
    n = 2
    while path.exists() or path.with_suffix("").exists():
        path = state.folder / f"{stem}-{n}.yaml"
        n += 1
    return path


async def new(request: Request) -> Response:
    state = _state(request)
    form = await request.form()
    kind = str(form.get("kind") or "blank")
    if kind == "example" and _example() is not None:
        from generator.starter import YAML_NAME, write_starter

        # a folder of its own, as ``congvan init`` makes: the YAML, its plan and the schema
        target_dir = state.folder / _new_name(state, str(form.get("name") or "cong-van-mau")).stem
        write_starter(target_dir)
        target = target_dir / YAML_NAME
    elif kind == "duplicate":
        source = _dispatch_path(request, str(form.get("f") or ""))
        target = _new_name(state, source.stem + "-ban-sao")
        text = source.read_text(encoding="utf-8")
        tree = files.load_yaml(text)
        files.write_atomic(target, text.encode("utf-8"))
        plan = files.plan_of(tree)
        if plan and isinstance(plan[1].get("file"), str):
            plan_src = inside(source.parent, str(plan[1]["file"]))
            plan_dst = target.parent / f"{target.stem}-{plan_src.name}"
            if plan_src.is_file():
                files.write_atomic(plan_dst, plan_src.read_bytes())
                plan[1]["file"] = plan_dst.name
                files.write_atomic(target, files.dump_yaml(tree).encode("utf-8"))
    else:
        target = _new_name(state, str(form.get("name") or ""))
    rel = target.resolve().relative_to(state.folder.resolve()).as_posix()
    return RedirectResponse("/edit?" + urlencode({"f": rel}), status_code=303)


#: Import reports kept for the editor to show (the oldest dropped first).
KEPT_IMPORTS = 20


def _free_import_name(state: State, name: str) -> Path:
    """A new dispatch name for an import: neither the YAML, nor its folder, nor the plan
    files the importer names after it (``<name>-ke-hoach*.csv``) exist yet."""
    path = _new_name(state, name)
    n = 2
    while any(state.folder.glob(f"{path.stem}-ke-hoach*.csv")):
        path = _new_name(state, f"{name}-{n}")
        n += 1
    return path


async def import_word(request: Request) -> Response:
    """"Import a Word file": the DOCX, DOC or PDF through ``congvan import`` into a new
    dispatch of the folder (nothing overwritten), then the editor with the import's report."""
    import secrets

    from starlette.concurrency import run_in_threadpool

    from generator.importer import import_text

    state = _state(request)
    async with request.form(max_part_size=files.UPLOAD_LIMIT) as form:
        upload = form.get("file")
        if upload is None or isinstance(upload, str) or not upload.filename:
            return _page(request, "message.html.j2", title=_("Cannot import"),
                         message=_("Choose a Word file (DOCX or DOC) or a PDF to import."), f=None)
        data = await upload.read(files.IMPORT_LIMIT + 1)
        name = Path(upload.filename).name
    try:
        files.check_upload(name, data, files.IMPORT_KINDS, files.IMPORT_LIMIT)
        target = _free_import_name(state, Path(name).stem)
        with tempfile.TemporaryDirectory(prefix="congvan-import-", dir=state.work) as tmp:
            source = Path(tmp) / (f"{target.stem}{Path(name).suffix.lower()}")
            source.write_bytes(data)
            try:
                made = await run_in_threadpool(import_text, source, target)
            except InputError as exc:
                raise InputError([p.replace(str(source), name) for p in exc.problems]) from None
    except CongVanError as exc:
        return _page(request, "message.html.j2", title=_("Cannot import"), message=exc.format_message(), f=None,
                     status=422)
    made.write(target)
    key = secrets.token_urlsafe(12)
    state.imports[key] = (name, made.result)
    while len(state.imports) > KEPT_IMPORTS:
        del state.imports[next(iter(state.imports))]
    rel = target.resolve().relative_to(state.folder.resolve()).as_posix()
    return RedirectResponse("/edit?" + urlencode({"f": rel, "imported": key}), status_code=303)


async def edit(request: Request) -> Response:
    state = _state(request)
    path = _dispatch_path(request, request.query_params.get("f"))
    imported = state.imports.get(request.query_params.get("imported") or "")
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    problem = ""
    try:
        tree = files.load_yaml(text)
    except Exception as exc:  # noqa: BLE001 - shown, and the form starts from what could be read
        tree, problem = None, str(exc)
    plan = files.plan_of(tree)
    plan_file = ""
    grid: list[dict[str, str]] = []
    if plan is not None:
        if isinstance(plan[1].get("file"), str):
            plan_file = str(plan[1]["file"])
            try:
                grid = files.read_grid(inside(path.parent, plan_file))
            except (CongVanError, OutsideFolder) as exc:
                problem = str(exc)
        elif isinstance(plan[1].get("clusters"), list):
            grid = files.grid_from_clusters(plan[1]["clusters"])
    rel = path.resolve().relative_to(state.folder.resolve()).as_posix()
    return _page(
        request, "edit.html.j2", f=rel, sections=forms.form_nodes(tree), grid=grid, plan_file=plan_file,
        columns=files.GRID_COLUMNS, column_labels=files.GRID_LABELS, problem=problem, exists=path.is_file(),
        opened=files.opened_stamp(path, _plan_path(path, tree)), provinces=_province_names(tree),
        prefix_choices=forms.PREFIXES, imported=imported,
    )


def _plan_path(path: Path, tree: Any) -> Path | None:
    plan = files.plan_of(tree)
    if plan and isinstance(plan[1].get("file"), str):
        try:
            return inside(path.parent, str(plan[1]["file"]))
        except OutsideFolder:
            return None
    return None


def _province_names(tree: Any) -> list[str]:
    """The provinces in force on the dispatch's date, for the grid's completion."""
    from generator.input import provinces

    date = tree.get("date") if isinstance(tree, dict) and isinstance(tree.get("date"), dict) else {}
    try:
        on = dt.date(int(date.get("year")), int(date.get("month") or 1), int(date.get("day") or 1))
    except (TypeError, ValueError):
        on = dt.date.today()
    return [p.name for p in provinces.in_force(on)]


# -- the form into YAML, checked by the loader ------------------------------------------

@dataclass
class Built:
    yaml: str
    tree: Any
    plan_name: str | None
    plan_bytes: bytes | None
    problems: list[dict[str, str]]
    model: Any = None


_ROW = re.compile(r"row (\d+)")
_PATH = re.compile(r"^(.*?):(\d+)(?::\d+)?: ([A-Za-z_][\w.]*): (.*)$", re.S)


async def _build(request: Request, form: Any, path: Path) -> Built:
    """The YAML the form describes, laid over the file, and the loader's verdict on it."""
    pairs = [(k, str(v)) for k, v in form.multi_items() if isinstance(v, str)]
    data = forms.nested(pairs)
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    try:
        tree = files.load_yaml(text)
    except Exception:  # noqa: BLE001 - the form replaces what could not be read
        tree = None
    try:
        tree = forms.apply_form(tree, data)
    except forms.FormProblem as exc:
        return Built("", tree, None, None, [{"name": exc.name, "message": str(exc)}])
    rows = files.grid_rows(data)
    plan_name = str(data.get("plan_file") or "").strip() or None
    plan_bytes = None
    if rows:
        plan_name = plan_name or "ke-hoach.csv"
        try:
            inside(path.parent, plan_name)
        except OutsideFolder:
            return Built("", tree, None, None, [{"name": "plan_file", "message": _(
                "the plan file must be a name in the dispatch's folder.")}])
        if Path(plan_name).suffix.lower() not in (".csv", ".xlsx"):
            plan_name = str(Path(plan_name).with_suffix(".csv"))
        plan_bytes = files.grid_bytes(rows, Path(plan_name).suffix)
        _set_plan(tree, plan_name)
    elif files.plan_of(tree) is not None:
        annex_at, _plan = files.plan_of(tree)  # type: ignore[misc]
        del tree["annexes"][annex_at]["plan"]
    yaml_text = files.dump_yaml(tree)
    built = Built(yaml_text, tree, plan_name, plan_bytes, [])
    _check(built, path)
    return built


def _set_plan(tree: Any, plan_name: str) -> None:
    from ruamel.yaml.comments import CommentedMap

    found = files.plan_of(tree)
    if found is None:
        annexes = tree.get("annexes")
        if not isinstance(annexes, list) or not annexes:
            return  # the loader says an annex is needed for the plan (no annex, no table)
        annexes[0]["plan"] = CommentedMap()
        found = 0, annexes[0]["plan"]
    plan = found[1]
    plan.pop("clusters", None)
    plan["file"] = plan_name


def _check(built: Built, path: Path) -> None:
    """Parse the built YAML as ``congvan validate`` would, the grid standing as its plan file."""
    from generator.input import schedule
    from generator.input.loader import parse_dispatch

    with tempfile.TemporaryDirectory(prefix="congvan-form-") as tmp:
        text = built.yaml
        plan_tmp = None
        if built.plan_bytes is not None and built.plan_name:
            plan_tmp = Path(tmp) / Path(built.plan_name).name
            plan_tmp.write_bytes(built.plan_bytes)
            tree = files.load_yaml(text)
            files.plan_of(tree)[1]["file"] = str(plan_tmp)  # type: ignore[index]
            text = files.dump_yaml(tree)
        try:
            schedule.take_notes()
            built.model = parse_dispatch(text, source=path)
        except InputError as exc:
            built.problems = [_at_field(p, plan_tmp, built.plan_name) for p in exc.problems]


def _at_field(problem: str, plan_tmp: Path | None, plan_name: str | None) -> dict[str, str]:
    """A loader's message and the form field (or grid cell) it is about."""
    if plan_tmp is not None and plan_name and problem.startswith(str(plan_tmp)):
        problem = plan_name + problem[len(str(plan_tmp)):]
        # "row 4" in the language the message is in
        row = re.search(re.escape(_("row {row}", row="ROWNUMBER")).replace("ROWNUMBER", r"(\d+)"), problem)
        row = row or _ROW.search(problem)
        column = next((k for k, h in files.GRID_COLUMNS if f"'{h}'" in problem), None)
        if column is None and ".provinces" in problem:
            column = "provinces"
        name = f"grid.{int(row.group(1)) - 2}.{column or 'name'}" if row else "grid"
        return {"name": name, "message": problem}
    m = _PATH.match(problem)
    if not m:
        return {"name": "", "message": problem}
    name = m.group(3)
    if name.startswith("date.") and name != "date.year":
        name = "date.full"
    if ".plan" in name:
        name = "grid"
    return {"name": name, "message": problem}


# -- preview, save ---------------------------------------------------------------------

def _pages_png(pdf: bytes, scale: float = 1.1) -> list[str]:
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    pages = []
    try:
        for page in doc:
            image = page.render(scale=scale).to_pil()
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=False)
            pages.append("data:image/png;base64," + base64.b64encode(out.getvalue()).decode())
    finally:
        doc.close()
    return pages


def preview_pages(model: Any) -> list[str]:
    """The pages of ``model``'s PDF as PNG data URLs, by the process's warm renderer."""
    from generator.render.pdf import pdf_bytes

    with _RENDER_LOCK:
        return _pages_png(pdf_bytes(model))


async def preview(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    form = await request.form(max_fields=MAX_FIELDS)
    path = _dispatch_path(request, str(form.get("f") or ""))
    built = await _build(request, form, path)
    if built.problems or built.model is None:
        return JSONResponse({"ok": False, "problems": built.problems})
    try:
        pages = await run_in_threadpool(preview_pages, built.model)
    except CongVanError as exc:
        return JSONResponse({"ok": False, "problems": [{"name": "", "message": exc.format_message()}]})
    return JSONResponse({"ok": True, "pages": pages, "problems": []})


async def save(request: Request) -> Response:
    form = await request.form(max_fields=MAX_FIELDS)
    path = _dispatch_path(request, str(form.get("f") or ""))
    built = await _build(request, form, path)
    if built.problems:
        return JSONResponse({"ok": False, "problems": built.problems,
                             "message": _("Not saved: correct the fields marked in red.")}, status_code=422)
    old_tree = files.load_yaml(path.read_text(encoding="utf-8")) if path.is_file() else None
    plan_path = inside(path.parent, built.plan_name) if built.plan_name else None
    stamp = files.opened_stamp(path, _plan_path(path, old_tree))
    if str(form.get("opened") or "") != stamp:
        return JSONResponse({"ok": False, "problems": [], "conflict": True, "message": _(
            "Not saved: {file} was changed by someone else after you opened it. Nothing was overwritten. "
            "Copy what you typed, reload the page to see their version, and make your changes again.",
            file=path.name)}, status_code=409)
    if plan_path is not None and built.plan_bytes is not None and plan_path != _plan_path(path, old_tree) \
            and plan_path.exists() and not _same_grid(plan_path, built.plan_bytes):
        # a plan file new to this dispatch must not overwrite another dispatch's plan
        plan_path = _free_name(path.parent / f"{path.stem}-{plan_path.name}")
        _set_plan(built.tree, plan_path.name)
        built.yaml = files.dump_yaml(built.tree)
    if plan_path is not None and built.plan_bytes is not None:
        current = plan_path.read_bytes() if plan_path.is_file() else None
        same = current is not None and _same_grid(plan_path, built.plan_bytes)
        if not same:
            files.write_atomic(plan_path, built.plan_bytes)
    files.write_atomic(path, built.yaml.encode("utf-8"))
    new_tree = files.load_yaml(built.yaml)
    return JSONResponse({"ok": True, "opened": files.opened_stamp(path, _plan_path(path, new_tree)),
                         "message": _("Saved {file} at {time}.", file=path.name,
                                      time=dt.datetime.now().strftime("%H:%M:%S"))})


def _free_name(path: Path) -> Path:
    candidate, n = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


def _same_grid(plan_path: Path, data: bytes) -> bool:
    """Whether the file already holds this grid (then it is left as the clerk saved it)."""
    try:
        return files.grid_bytes(files.read_grid(plan_path), plan_path.suffix) == data
    except CongVanError:
        return False


async def plan_upload(request: Request) -> Response:
    async with request.form(max_part_size=files.UPLOAD_LIMIT + 1024) as form:
        upload = form.get("plan")
        if upload is None or isinstance(upload, str):
            return JSONResponse({"ok": False, "message": _("Choose a CSV or XLSX file.")}, status_code=400)
        data = await upload.read(files.UPLOAD_LIMIT + 1)
    try:
        suffix = files.check_upload(upload.filename or "", data, (".csv", ".xlsx"))
        with tempfile.TemporaryDirectory(prefix="congvan-upload-") as tmp:
            name = Path(upload.filename or f"ke-hoach{suffix}").name
            target = Path(tmp) / name
            target.write_bytes(data)
            try:
                rows = files.read_grid(target)
            except InputError as exc:
                raise InputError([p.replace(str(target), name) for p in exc.problems]) from None
    except InputError as exc:
        return JSONResponse({"ok": False, "message": exc.format_message()}, status_code=422)
    return JSONResponse({"ok": True, "rows": rows, "name": name})


IMAGE_NAMES = {"signer.signature_image": "chu-ky", "signer.seal_image": "con-dau"}


async def image_upload(request: Request) -> Response:
    """A signature or seal PNG, written beside the dispatch as <name>-chu-ky.png or
    <name>-con-dau.png; the form's field then names it (the YAML changes at the save)."""
    async with request.form(max_part_size=files.UPLOAD_LIMIT + 1024) as form:
        path = _dispatch_path(request, str(form.get("f") or ""))
        field = str(form.get("field") or "")
        upload = form.get("image")
        if field not in IMAGE_NAMES or upload is None or isinstance(upload, str):
            return JSONResponse({"ok": False, "message": _("Choose a PNG file.")}, status_code=400)
        data = await upload.read(files.UPLOAD_LIMIT + 1)
        name = upload.filename or ""
    try:
        files.check_upload(name, data, (".png",))
        files.check_png(Path(name).name, data)
    except InputError as exc:
        return JSONResponse({"ok": False, "message": exc.format_message()}, status_code=422)
    target = path.parent / f"{path.stem}-{IMAGE_NAMES[field]}.png"
    files.write_atomic(target, data)
    return JSONResponse({"ok": True, "name": target.name})


async def plan_xlsx(request: Request) -> Response:
    form = await request.form(max_fields=MAX_FIELDS)
    pairs = [(k, str(v)) for k, v in form.multi_items() if isinstance(v, str)]
    rows = files.grid_rows(forms.nested(pairs))
    return Response(files.grid_bytes(rows, ".xlsx"),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="ke-hoach.xlsx"'})


# -- outputs ---------------------------------------------------------------------------

def _load(path: Path) -> Any:
    from generator.input import schedule
    from generator.input.loader import load_dispatch

    schedule.take_notes()
    return load_dispatch(path)


async def download(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    path = _dispatch_path(request, request.query_params.get("f"))
    fmt = request.query_params.get("fmt", "pdf")
    if fmt not in ("pdf", "docx"):
        return PlainTextResponse(_("Unknown format."), status_code=400)

    def make() -> bytes:
        model = _load(path)
        with _RENDER_LOCK:
            if fmt == "pdf":
                from generator.render.pdf import pdf_bytes

                return pdf_bytes(model)
            from generator.render.docx import docx_bytes

            return docx_bytes(model)

    try:
        data = await run_in_threadpool(make)
    except CongVanError as exc:
        return _page(request, "message.html.j2", title=_("Cannot render"), message=exc.format_message(),
                     f=_rel(request, path))
    media = "application/pdf" if fmt == "pdf" else (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{path.stem}.{fmt}"'})


def _rel(request: Request, path: Path) -> str:
    return path.resolve().relative_to(_state(request).folder.resolve()).as_posix()


async def check(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    path = _dispatch_path(request, request.query_params.get("f"))

    def make() -> list[tuple[str, Any]]:
        from generator.check import check_bytes
        from generator.render.docx import docx_bytes
        from generator.render.pdf import pdf_bytes

        model = _load(path)
        with _RENDER_LOCK:
            outputs = {"pdf": pdf_bytes(model), "docx": docx_bytes(model)}
        return [(f"{path.stem}.{fmt}", check_bytes(data, f"{path.stem}.{fmt}")) for fmt, data in outputs.items()]

    try:
        reports = await run_in_threadpool(make)
    except CongVanError as exc:
        return _page(request, "message.html.j2", title=_("Cannot check"), message=exc.format_message(),
                     f=_rel(request, path))
    return _page(request, "check.html.j2", f=_rel(request, path), reports=reports)


async def batch_start(request: Request) -> Response:
    state = _state(request)
    form = await request.form()
    path = _dispatch_path(request, str(form.get("f") or ""))
    state.jobs_count += 1
    job_id = str(state.jobs_count)
    job = state.jobs[job_id] = Job(phase=_("checking the dispatch"))
    threading.Thread(target=_run_job, args=(job, path, _out_folder(state, path)), daemon=True).start()
    return JSONResponse({"job": job_id})


def _run_job(job: Job, path: Path, folder: Path) -> None:
    """Run the batch in its own process (see :mod:`generator.web.batchjob`) and follow it."""
    import subprocess
    import sys

    try:
        proc = subprocess.Popen([sys.executable, "-m", "generator.web.batchjob", str(path), str(folder)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
        assert proc.stdout is not None
        for line in proc.stdout:
            try:
                said = json.loads(line)
            except ValueError:
                continue
            if "total" in said:
                job.total = said["total"]
            if "done" in said:
                job.done = min(job.total, job.done + int(said["done"]))
            if "phase" in said:
                job.phase = said["phase"]
            if "changes" in said:
                job.done = job.total
                job.changes, job.written = said["changes"], said["written"]
            if "report" in said:
                job.written += said["printed"]
                job.report, job.files = said["report"], said["files"]
                job.phase = _("done")
            if "error" in said:
                job.error = said["error"]
        errors = proc.stderr.read() if proc.stderr else ""
        if proc.wait() != 0 and not job.error:
            job.error = _("Unexpected error: {error}", error=errors.strip()[-2000:])
    except OSError as exc:
        job.error = _("Unexpected error: {error}", error=exc)
    finally:
        job.finished = True


async def batch_events(request: Request) -> Response:
    import asyncio

    state = _state(request)
    job = state.jobs.get(request.query_params.get("job", ""))
    if job is None:
        return PlainTextResponse(_("No such run."), status_code=404)

    async def stream() -> Any:
        last = None
        while True:
            data = json.dumps({"total": job.total, "done": job.done, "phase": job.phase, "finished": job.finished,
                               "error": job.error, "report": job.report, "changes": job.changes,
                               "written": job.written, "files": job.files}, ensure_ascii=False)
            if data != last:
                yield f"data: {data}\n\n"
                last = data
            if job.finished:
                return
            await asyncio.sleep(0.2)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})


async def output(request: Request) -> Response:
    state = _state(request)
    path = _dispatch_path(request, request.query_params.get("f"))
    folder = _out_folder(state, path)
    name = request.query_params.get("name", "")
    if name == "copies.zip":
        data = io.BytesIO()
        with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as z:
            for p in sorted(folder.glob("*")):
                if p.suffix in (".pdf", ".docx") and p.is_file():
                    z.write(p, p.name)
        return Response(data.getvalue(), media_type="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="{path.stem}-cac-ban.zip"'})
    target = inside(folder, name)
    if target.suffix not in (".pdf", ".docx") or not target.is_file():
        return PlainTextResponse(_("No such file: make the copies first."), status_code=404)
    media = "application/pdf" if target.suffix == ".pdf" else (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    return Response(target.read_bytes(), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{target.name}"'})


# -- login (only with accounts) ---------------------------------------------------------

async def login(request: Request) -> Response:
    sessions: Sessions = _state(request).sessions
    session = _session(request)
    if request.method == "GET":
        sid = None
        if session is None:
            sid, session = sessions.new()
        response = _page_with(request, session, "login.html.j2", error="")
        if sid:
            response.set_cookie(COOKIE, sid, httponly=True, samesite="strict")
        return response
    form = await request.form()
    if session is None or not Sessions.csrf_ok(session, str(form.get("csrf") or "")):
        return PlainTextResponse(_("Refused: the form has no valid CSRF token. Reload the page."), status_code=403)
    user = str(form.get("user") or "")
    stored = (sessions.accounts or {}).get(user)
    if stored is None or not security.verify_password(str(form.get("password") or ""), stored):
        time.sleep(0.5)
        return _page_with(request, session, "login.html.j2", error=_("Wrong name or password."))
    sessions.by_id = {k: v for k, v in sessions.by_id.items() if v is not session}
    sid, _new = sessions.new(user)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, sid, httponly=True, samesite="strict")
    return response


def _page_with(request: Request, session: Any, name: str, **context: Any) -> Response:
    context.update(csrf=session.csrf, user=session.user)
    return request.app.state.templates.TemplateResponse(request, name, context)


async def _outside(request: Request, exc: Exception) -> Response:
    return PlainTextResponse(_("Refused: that file is not inside the folder being served."), status_code=403)


async def _input_error(request: Request, exc: Exception) -> Response:
    message = exc.format_message() if isinstance(exc, CongVanError) else str(exc)
    return PlainTextResponse(message, status_code=422)


def create_app(folder: str | Path, *, token: str | None = None, accounts: dict[str, str] | None = None) -> Any:
    """The app serving the dispatches of ``folder``."""
    folder = Path(folder).resolve()
    sessions = Sessions(accounts=accounts)
    if token:
        sessions.token = token
    routes = [
        Route("/", home),
        Route("/new", new, methods=["POST"]),
        Route("/import", import_word, methods=["POST"]),
        Route("/edit", edit),
        Route("/preview", preview, methods=["POST"]),
        Route("/save", save, methods=["POST"]),
        Route("/plan/upload", plan_upload, methods=["POST"]),
        Route("/plan/xlsx", plan_xlsx, methods=["POST"]),
        Route("/image/upload", image_upload, methods=["POST"]),
        Route("/download", download),
        Route("/check", check),
        Route("/batch", batch_start, methods=["POST"]),
        Route("/batch/events", batch_events),
        Route("/output", output),
        Route("/login", login, methods=["GET", "POST"]),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={OutsideFolder: _outside, CongVanError: _input_error})
    app.state.congvan = State(folder, sessions)
    app.state.templates = _templates()
    app.add_middleware(Guard, sessions=sessions)
    return app
