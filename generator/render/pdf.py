"""Render a dispatch to PDF with WeasyPrint, deterministically, from the project's own files.

Three things make the output trustworthy:

* Fonts: fontconfig is pointed at a configuration that knows only the project's
  fonts, so no system font can stand in for a missing glyph (the loader has already
  refused characters the font lacks). The embedded font is always Liberation Serif,
  as prepared by :func:`generator.render.fonts.pdf_faces`.
* Resources: a URL fetcher serves only the templates, fonts, QR and signature
  images; anything else (another file, the network) stops the render.
* Bytes: the same input gives the same file, whichever process renders it and
  whatever it rendered before.

The dispatch and each annex are laid out as separate documents and their pages
joined, so every annex starts on a new page with its own numbering from 1
(NĐ 30, Phụ lục I, III.1.đ). A :class:`PdfRenderer` keeps what is the same for every
copy of a batch (fonts, stylesheet, templates, the annex's layout) and lays out only
what differs.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from generator.atomic import atomic_write_bytes, write_cache_bytes
from generator.errors import RenderError
from generator.i18n import _
from generator.input.model import Dispatch
from generator.render import fonts, measures, pdf_reuse
from generator.render.view import AnnexView, DispatchView, build_view
from generator.resources import TEMPLATES_DIR, qr_cache_dir

if TYPE_CHECKING:
    from generator.batch.copies import ProvinceCopy

__all__ = ["PdfRenderer", "pdf_bytes", "render_pdf"]

#: 2020-01-01T00:00:00Z, for any timestamp a library would otherwise take from the clock.
SOURCE_DATE_EPOCH = "1577836800"

#: WeasyPrint says so when it subsets with fontTools rather than HarfBuzz. We embed
#: prepared fonts whole (``full_fonts``), so neither subsetter runs on our fonts.
_SUBSETTER_NOTICE = "Using fontTools instead of HarfBuzz-Subset"


def render_pdf(dispatch: Dispatch, out_path: str | Path) -> Path:
    """Render ``dispatch`` to the PDF file ``out_path``, written atomically."""
    return atomic_write_bytes(out_path, pdf_bytes(dispatch))


def pdf_bytes(dispatch: Dispatch, copy: ProvinceCopy | None = None) -> bytes:
    """The PDF of ``dispatch`` (or of its ``copy`` for one province) as bytes."""
    fonts.check_coverage(dispatch.model_dump(exclude={"signer": {"signature_image", "seal_image"}}))
    renderer = default_renderer(dispatch.templates_dir)
    return renderer.render(build_view(dispatch, copy), author=dispatch.agency.name)


def default_renderer(templates: Path | None = None) -> PdfRenderer:
    """The process's renderer for the built-in templates, or for those of ``templates``
    (a user's folder): made once, reused by every render in the process."""
    if templates is None:
        return _renderer(None, ())
    folder = templates.resolve()
    # A folder's renderer holds its stylesheet, laid out once: an edited file makes a new one.
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.rglob("*")) if p.is_file())
    return _renderer(folder, stamp)


@functools.lru_cache(maxsize=4)
def _renderer(templates: Path | None, _stamp: tuple[Any, ...]) -> PdfRenderer:
    return PdfRenderer(templates)


class PdfRenderer:
    """Lays out and writes dispatches, reusing all that does not change between copies."""

    def __init__(self, templates: Path | None = None) -> None:
        from generator.render.templating import template_file

        self._wp = _weasyprint()
        pdf_reuse.share_across_documents()
        from weasyprint.text.fonts import FontConfiguration

        self._env = _environment(templates)
        #: Where each template's relative URLs lead: the folder it was read from.
        self._base = {n: str(template_file(n, templates).parent) for n in ("dispatch.html.j2", "annex.html.j2")}
        self._fetcher = _asset_fetcher(self._wp, () if templates is None else (templates,))
        self._font_config = FontConfiguration()
        css = _render(
            self._env, "page.css.j2", P=measures.PAGE, S=measures.SIZES,
            single_line=measures.SINGLE_LINE, body_line_pt=measures.BODY_LINE_PT, fonts=_font_urls(),
        )
        with self._errors():
            self._css = self._wp.CSS(string=css, url_fetcher=self._fetcher, font_config=self._font_config)
        for name in ("dispatch.html.j2", "annex.html.j2"):  # compiled once, before workers are forked
            with contextlib.suppress(Exception):  # a user's broken template is reported where it is used
                self._env.get_template(name)
        self._annexes: dict[str, Any] = {}
        #: Images by URL (QR codes, signature), read and decoded once for all copies.
        self._images: dict[str, Any] = {}

    def render(self, view: DispatchView, *, author: str) -> bytes:
        """The PDF of ``view``: the dispatch's pages, then each annex's."""
        return self.render_counted(view, author=author)[0]

    def render_counted(self, view: DispatchView, *, author: str) -> tuple[bytes, list[int]]:
        """The PDF of ``view`` (as :meth:`render`) and the page count of each of its runs of
        pages numbered from 1: the dispatch's, then each annex's. A print DOCX pads its
        copies by them (:func:`generator.batch.printing.print_docx`); known here, they need
        not be read back from the PDF."""
        with self._errors(), _fixed_epoch():
            main = self._layout(_render(self._env, "dispatch.html.j2", v=view, author=author), "dispatch.html.j2")
            pages = list(main.pages)
            runs = [len(pages)]
            for annex in view.annexes:
                more = self.annex(annex).pages
                pages += more
                runs.append(len(more))
            joined = main.copy(pages)
            joined.metadata.title = view.subject_line
            joined.metadata.authors = [author]
            return bytes(joined.write_pdf(full_fonts=True)), runs

    def render_annexes(self, view: DispatchView, *, author: str) -> bytes:
        """The PDF of ``view``'s annexes alone, each numbered from 1: the file a batch's
        copies share."""
        with self._errors(), _fixed_epoch():
            docs = [self.annex(a) for a in view.annexes]
            joined = docs[0].copy([p for d in docs for p in d.pages])
            joined.metadata.title = view.annexes[0].title
            joined.metadata.authors = [author]
            return bytes(joined.write_pdf(full_fonts=True))

    def annex(self, annex: AnnexView) -> Any:
        """The laid-out annex, kept by its HTML: the same annex is laid out once."""
        html = _render(self._env, "annex.html.j2", a=annex)
        if html not in self._annexes:
            with self._errors(), _fixed_epoch():
                self._annexes[html] = self._layout(html, "annex.html.j2")
        return self._annexes[html]

    def _layout(self, html: str, template: str) -> Any:
        document = self._wp.HTML(string=html, base_url=self._base[template], url_fetcher=self._fetcher)
        return document.render(stylesheets=[self._css], font_config=self._font_config, cache=self._images)

    def _errors(self) -> contextlib.AbstractContextManager[None]:
        return weasyprint_problems("the PDF")


@functools.lru_cache(maxsize=4)
def _environment(user_dir: Path | None = None) -> Any:
    """The Jinja environment of the PDF side: sandboxed, everything but CSS autoescaped,
    no silent blanks; templates from ``user_dir`` (a user's folder) first, then the built-ins."""
    import jinja2

    from generator.render.templating import Sandbox, folder_loader

    env = Sandbox(
        loader=folder_loader(user_dir),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["file_url"] = file_url
    env.user_dir = user_dir  # type: ignore[attr-defined]
    return env


#: The scheme of the URLs of the images congvan makes itself (QR codes, the signature
#: block): ``congvan-cache:qr/qr-….png``, served by :func:`_asset_fetcher` from the cache.
CACHE_SCHEME = "congvan-cache"


def _cache_folders() -> dict[str, Path]:
    """The folders of the images congvan makes, by the name their URLs give them."""
    qr = qr_cache_dir()
    return {"qr": qr, "signatures": qr.parent / "signatures"}


def file_url(path: str | Path) -> str:
    """The URL a template gives an image or another file (the ``file_url`` filter).

    An image congvan made (a QR code, the signature block) is named by a URL that says
    nothing of where the cache is: WeasyPrint names an image in the PDF after its URL,
    and the same dispatch must give the same bytes whichever folder the project or its
    cache sits in. Any other file keeps its ``file://`` URL.
    """
    resolved = Path(path).resolve()
    for name, folder in _cache_folders().items():
        if resolved.parent == folder.resolve():
            return f"{CACHE_SCHEME}:{name}/{quote(resolved.name)}"
    return resolved.as_uri()


def _autoescape(name: str | None) -> bool:
    """HTML is escaped, whatever a user's partial is called; only stylesheets are not."""
    return name is None or not name.endswith((".css.j2", ".css"))


def _render(env: Any, name: str, **context: Any) -> str:
    import jinja2

    from generator.errors import TemplateError
    from generator.render.templating import template_problem

    user_dir = getattr(env, "user_dir", None)
    try:
        return str(env.get_template(name).render(**context))
    except (jinja2.TemplateError, RecursionError) as exc:
        raise template_problem(exc, name, user_dir) from None
    except Exception as exc:  # a user's template may also divide by zero, add text to numbers…
        problem = template_problem(exc, name, user_dir) if user_dir is not None else None
        if not isinstance(problem, TemplateError):
            raise
        raise problem from None


@contextlib.contextmanager
def weasyprint_problems(what: str) -> Iterator[None]:
    """Turn WeasyPrint's warnings and errors into one :class:`RenderError`.

    WeasyPrint logs and goes on (a browser renders what it can); for a dispatch a
    missing image or font is a wrong document, so each one stops the run. ``what``
    names the output in the message ("the PDF", "the print index").
    """
    wp = _weasyprint()
    problems: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if not message.startswith(_SUBSETTER_NOTICE):
                problems.append(message)

    logger = logging.getLogger("weasyprint")
    handler = Collect(level=logging.WARNING)
    logger.addHandler(handler)
    _REFUSED.clear()
    try:
        yield
        if problems and _REFUSED:  # refused inside an SVG image: WeasyPrint logs "Failed to render SVG"
            raise _REFUSED[0]
    except _RefusedURL as exc:
        from generator.errors import TemplateError

        raise TemplateError(_(
            "{what} could not be made: {where}the template asks for {url}, which was not "
            "fetched: {why}. A template may use only the project's fonts, the dispatch's images "
            "and the files in its own templates folder: no other file, no network.",
            what=_(what), where=exc.where, url=exc.short_url, why=exc.why)) from None
    except wp.urls.FatalURLFetchingError as exc:
        raise RenderError(_("{what} could not be made: {error} ({cause})", what=_(what), error=exc,
                            cause=exc.__cause__)) from None
    finally:
        logger.removeHandler(handler)
    if problems:
        raise RenderError(_("{what} could not be made as designed:", what=_(what)) + "\n  " + "\n  ".join(problems))


def _font_urls() -> dict[str, str]:
    faces = fonts.pdf_faces()
    return {
        "regular": faces[(False, False)].as_uri(),
        "bold": faces[(True, False)].as_uri(),
        "italic": faces[(False, True)].as_uri(),
        "bold_italic": faces[(True, True)].as_uri(),
    }


_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


def _weasyprint() -> Any:
    """Import WeasyPrint with fontconfig limited to the project's fonts.

    ``FONTCONFIG_FILE`` is read when fontconfig starts, that is, when WeasyPrint is
    first imported; it is set here, just before, for this process.
    """
    if "weasyprint" not in sys.modules:
        folder = fonts.pdf_faces()[(False, False)].parent
        conf = folder / "fonts.conf"
        text = _FONTCONFIG.format(fonts=folder, cache=folder / "fc-cache")
        if not conf.is_file() or conf.read_bytes() != text.encode():  # bytes: no locale decoding (Windows)
            write_cache_bytes(conf, text.encode())
        os.environ["FONTCONFIG_FILE"] = str(conf)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        if "weasyprint" not in sys.modules:
            try:
                with _libraries_by_name_only():
                    import weasyprint
            except OSError:  # a library the system finds only by searching: search, as WeasyPrint does
                pass  # (Python has taken the modules whose import failed out of sys.modules)
        import weasyprint
    return weasyprint


@contextlib.contextmanager
def _libraries_by_name_only() -> Iterator[None]:
    """WeasyPrint's import with its C libraries loaded by their file names only.

    WeasyPrint tries several names for each library (``libpango-1.0-0``, ``pango-1.0``,
    …, ``libpango-1.0.so.0``, ``libpango-1.0.dylib``), and cffi asks
    ``ctypes.util.find_library`` for each name that does not load as it is. On Linux that
    runs ``ldconfig``, ``gcc`` and ``ld`` for every name, 22 times: 0.2 s of the 0.4 s
    WeasyPrint takes to import, in every process that renders a PDF. Here the search finds
    nothing, so each library is loaded by the first of its names the system's loader
    knows (``libpango-1.0.so.0``): the file a search would have named. A system where only
    a search finds one gets an ``OSError``, and :func:`_weasyprint` imports WeasyPrint
    again with the search (WeasyPrint's message about it, on the output, is held back).
    """
    import ctypes.util
    import io

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        ctypes.util.find_library = search


#: The longest ``data:`` URL a template may use (a small logo); a larger one is refused.
MAX_DATA_URL = 64 * 1024


#: The URLs refused during the current render (WeasyPrint swallows a refusal inside an SVG).
_REFUSED: list[Any] = []


class _RefusedURL(BaseException):
    """A URL the fetcher would not fetch; a ``FatalURLFetchingError`` (see :func:`_asset_fetcher`)."""

    url: str
    why: str
    where: str


def _asset_fetcher(weasyprint: Any, extra_roots: tuple[Path, ...] = ()) -> Any:
    """A fetcher that serves only the project's own files and fails on anything else.

    It reads ``file://`` URLs inside the templates folder, the prepared fonts, the QR
    and signature caches, and ``extra_roots`` (a user's templates folder), after links
    are followed; and ``data:`` URLs up to :data:`MAX_DATA_URL` characters. Any other
    URL (another file, ``http(s)://``, ``ftp://``, a larger ``data:``) stops the render
    with a message naming it: a document missing a picture or a stylesheet is wrong.
    """
    from urllib.parse import urlsplit
    from urllib.request import url2pathname

    roots = [
        TEMPLATES_DIR.resolve(),
        fonts.pdf_faces()[(False, False)].parent.resolve(),
        qr_cache_dir().resolve(),
        (qr_cache_dir().parent / "signatures").resolve(),
        *(Path(r).resolve() for r in extra_roots),
    ]
    fatal = weasyprint.urls.FatalURLFetchingError

    class Refused(_RefusedURL, fatal):  # type: ignore[misc,valid-type]
        def __init__(self, url: str, why: str) -> None:
            super().__init__(f"refused to fetch {url[:200]}: {why}")
            self.url, self.why = url, why
            self.short_url = url if len(url) <= 120 else url[:100] + f"… ({len(url)} characters)"
            self.where = _where_in(extra_roots, url)
            _REFUSED.append(self)

    class AssetFetcher(weasyprint.urls.URLFetcher):  # type: ignore[misc,name-defined]
        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                if len(url) > MAX_DATA_URL:
                    raise Refused(url, _("a data: URL longer than {limit} characters",
                                         limit=MAX_DATA_URL))
                return super().fetch(url, headers)
            if scheme == CACHE_SCHEME:
                return super().fetch(_cached_file(url).as_uri(), headers)
            if scheme != "file":
                raise Refused(url, _("only the project's own files are used, never the network"))
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                raise Refused(url, _("a file on another machine"))
            try:
                path = Path(url2pathname(parts.path)).resolve()
            except (RuntimeError, OSError):  # "Symlink loop from …"
                raise Refused(url, _("a link that leads back to itself")) from None
            if not any(path.is_relative_to(root) for root in roots):
                raise Refused(url, _("a file outside the project's assets and the templates folder"))
            if not path.is_file():
                raise Refused(url, _("no such file"))
            return super().fetch(url, headers)

    def _cached_file(url: str) -> Path:
        folder, _slash, name = url.partition(":")[2].partition("/")
        path = _cache_folders().get(folder, Path("/nonexistent")) / unquote(name)
        if "/" in unquote(name) or not path.is_file():
            raise Refused(url, _("no such file"))
        return path

    return AssetFetcher(allowed_protocols=["file", "data", CACHE_SCHEME], fail_on_errors=True)


def _where_in(folders: tuple[Path, ...], url: str) -> str:
    """``file:line: `` of the first line of a template in ``folders`` that holds ``url``, or ""."""

    needles = [url, unquote(url.removeprefix("file://"))] if url.startswith("file:") else [url]
    if url.startswith("file:"):  # written relative to the template: its name
        needles.append(Path(unquote(url.removeprefix("file://"))).name)
    for folder in folders:
        for file in sorted(Path(folder).rglob("*")):
            if not file.is_file() or file.suffix not in (".j2", ".html", ".css", ".svg"):
                continue
            try:
                lines = file.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                continue
            for number, line in enumerate(lines, start=1):
                if any(n in line for n in needles):
                    return f"{file}:{number}: "
    return ""


@contextlib.contextmanager
def _fixed_epoch() -> Iterator[None]:
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    try:
        yield
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
