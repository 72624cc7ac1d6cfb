"""Render a dispatch to PDF with WeasyPrint, deterministically, from the project's own files.

Three things make the output trustworthy:

* Fonts: fontconfig is pointed at a configuration that knows only ``assets/fonts``,
  so no system font can stand in for a missing glyph (the loader has already
  refused characters the font lacks). The embedded font is always Liberation Serif.
* Resources: a URL fetcher serves only the templates, fonts, QR and signature
  images; anything else (another file, the network) stops the render.
* Bytes: the same input gives the same file. fontTools stamps subset fonts with the
  time unless ``SOURCE_DATE_EPOCH`` is set, so it is fixed for the render.

The dispatch and each annex are laid out as separate documents and their pages
joined, so every annex starts on a new page with its own numbering from 1
(NĐ 30, Phụ lục I, III.1.đ).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import fonts, measures
from .atomic import atomic_write_bytes
from .errors import RenderError
from .model import Dispatch
from .resources import FONTS_DIR, TEMPLATES_DIR, qr_cache_dir
from .view import DispatchView, build_view

__all__ = ["pdf_bytes", "render_pdf"]

#: 2020-01-01T00:00:00Z: the timestamp fontTools writes into embedded font subsets.
SOURCE_DATE_EPOCH = "1577836800"


def render_pdf(dispatch: Dispatch, out_path: str | Path) -> Path:
    """Render ``dispatch`` to the PDF file ``out_path``, written atomically."""
    return atomic_write_bytes(out_path, pdf_bytes(dispatch))


def pdf_bytes(dispatch: Dispatch) -> bytes:
    """The PDF of ``dispatch`` as bytes."""
    fonts.check_coverage(dispatch.model_dump(exclude={"signer": {"signature_image", "seal_image"}}))
    view = build_view(dispatch)
    env = _environment()
    css_text = _render(
        env, "page.css.j2", P=measures.PAGE, S=measures.SIZES, single_line=measures.SINGLE_LINE,
        fonts=_font_urls(),
    )
    author = dispatch.agency.name
    html_docs = [_render(env, "dispatch.html.j2", v=view, author=author)]
    html_docs += [_render(env, "annex.html.j2", a=a) for a in view.annexes]
    return _write(html_docs, css_text, view, author)


def _write(html_docs: list[str], css_text: str, view: DispatchView, author: str) -> bytes:
    weasyprint = _weasyprint()
    fetcher = _asset_fetcher(weasyprint)
    with _weasyprint_errors() as problems, _fixed_epoch():
        css = weasyprint.CSS(string=css_text, url_fetcher=fetcher)
        docs = [
            weasyprint.HTML(string=h, base_url=str(TEMPLATES_DIR), url_fetcher=fetcher).render(
                stylesheets=[css]
            )
            for h in html_docs
        ]
        pages = [page for doc in docs for page in doc.pages]
        joined = docs[0].copy(pages)
        joined.metadata.title = view.subject_line
        joined.metadata.authors = [author]
        data = joined.write_pdf()
    if problems:
        raise RenderError("the PDF could not be made as designed:\n  " + "\n  ".join(problems))
    return bytes(data)


@functools.lru_cache(maxsize=1)
def _environment() -> Any:
    """The one Jinja environment of the PDF side: HTML autoescaped, no silent blanks."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(["html.j2", "html"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["file_url"] = lambda p: Path(p).resolve().as_uri()
    return env


def _render(env: Any, name: str, **context: Any) -> str:
    import jinja2

    try:
        return str(env.get_template(name).render(**context))
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"{exc.filename or name}:{exc.lineno}: template syntax: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise RenderError(f"{name}: {exc.message} (a value the template needs is missing)") from None


def _font_urls() -> dict[str, str]:
    return {
        "regular": fonts.face_path().as_uri(),
        "bold": fonts.face_path(bold=True).as_uri(),
        "italic": fonts.face_path(italic=True).as_uri(),
        "bold_italic": fonts.face_path(bold=True, italic=True).as_uri(),
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
    if "weasyprint" not in __import__("sys").modules:
        conf_dir = Path(tempfile.gettempdir()) / f"congvan-fontconfig-{os.getuid()}"
        conf_dir.mkdir(exist_ok=True)
        conf = conf_dir / "fonts.conf"
        text = _FONTCONFIG.format(fonts=FONTS_DIR, cache=conf_dir / "cache")
        if not conf.is_file() or conf.read_text() != text:
            conf.write_text(text)
        os.environ["FONTCONFIG_FILE"] = str(conf)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import weasyprint
    return weasyprint


def _asset_fetcher(weasyprint: Any) -> Any:
    """A fetcher that serves only the project's own files and fails on anything else."""
    roots = [TEMPLATES_DIR.resolve(), FONTS_DIR.resolve(), qr_cache_dir().resolve().parent]

    class AssetFetcher(weasyprint.urls.URLFetcher):  # type: ignore[misc,name-defined]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("file://"):
                raise weasyprint.urls.FatalURLFetchingError(f"refused to fetch {url}: not a project file")
            path = Path(__import__("urllib.parse").parse.unquote(url[len("file://"):])).resolve()
            if not any(path.is_relative_to(root) for root in roots):
                raise weasyprint.urls.FatalURLFetchingError(f"refused to read {path}: outside the project's assets")
            if not path.is_file():
                raise weasyprint.urls.FatalURLFetchingError(f"missing file {path}")
            return super().fetch(url, headers)

    return AssetFetcher(allowed_protocols=["file"], fail_on_errors=True)


#: WeasyPrint subsets fonts with HarfBuzz when libharfbuzz-subset is installed and
#: says so when it falls back to fontTools. fontTools is what we want: it is pinned
#: in constraints.txt, so the embedded subsets (and the PDF's bytes) do not depend
#: on which system library a machine happens to have.
_SUBSETTER_NOTICE = "Using fontTools instead of HarfBuzz-Subset"


@contextlib.contextmanager
def _weasyprint_errors() -> Iterator[list[str]]:
    """Collect WeasyPrint's warnings and errors: for a dispatch each one is a defect."""
    problems: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if not message.startswith(_SUBSETTER_NOTICE):
                problems.append(message)

    logger = logging.getLogger("weasyprint")
    handler = Collect(level=logging.WARNING)
    logger.addHandler(handler)
    try:
        yield problems
    except Exception as exc:
        fatal = getattr(__import__("sys").modules.get("weasyprint.urls"), "FatalURLFetchingError", None)
        raise RenderError(f"the PDF could not be made: {exc}") from exc if fatal else exc
    finally:
        logger.removeHandler(handler)


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
