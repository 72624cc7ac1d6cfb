"""A user's own templates: they replace the built-in ones, run in Jinja's sandbox, and
reach no file but the project's assets and their own folder, and never the network.

Every forbidden thing is tried twice where it makes sense: through the data (where it
must print as typed and fetch nothing) and through a user's template (where the run
must stop with a message naming the template, the line or the URL). A local HTTP
server counts requests, so "nothing was fetched" is measured, not assumed. A secret
file next to the test (outside every allowed folder) stands for /etc/passwd, so a
leak would show in the PDF's text.
"""

from __future__ import annotations

import http.server
import io
import shutil
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, FIXTURES
from docxread import DocxReader
from pdfread import PdfReader

from generator import load_dispatch
from generator.cli import cli
from generator.errors import CongVanError, InputError, TemplateError
from generator.resources import TEMPLATES_DIR

SECRET = "TOPSECRET-4242"
#: A 1×1 PNG: small enough to be allowed in a template, drawn if it is fetched.
PIXEL = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
         "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
#: A data: URL far over the fetcher's bound (64 KiB).
HUGE = "data:image/png;base64," + "A" * 100_000


@pytest.fixture
def server():
    """A local HTTP server on a free port; ``server.hits`` lists every request it got."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(f'body::before {{ content: "{SECRET}" }}'.encode())

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.hits = hits  # type: ignore[attr-defined]
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def secret(tmp_path) -> Path:
    """A stylesheet outside every allowed folder: if fetched, its text is in the PDF."""
    path = tmp_path / "secret" / "secret.css"
    path.parent.mkdir()
    path.write_text(f'body::before {{ content: "{SECRET}" }}\n', encoding="utf-8")
    return path


def _url(server, name: str = "x.css") -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/{name}"


def _folder(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    folder = tmp_path / "mau"
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return folder


def _html_with(snippet: str) -> tuple[str, int]:
    """The built-in dispatch.html.j2 with ``snippet`` on its own line after <body>, and that line."""
    text = (TEMPLATES_DIR / "dispatch.html.j2").read_text(encoding="utf-8")
    head, tail = text.split("<body>\n", 1)
    return f"{head}<body>\n{snippet}\n{tail}", head.count("\n") + 2


def _docx_with(old: str, new: str) -> bytes:
    """The built-in dispatch.docx with ``old`` replaced by ``new`` in its body."""
    source = zipfile.ZipFile(TEMPLATES_DIR / "dispatch.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                text = data.decode()
                assert old in text
                data = text.replace(old, new, 1).encode()
            target.writestr(info, data)
    return out.getvalue()


def _with_templates(dispatch, folder: Path):
    return dispatch.model_copy(update={"templates": str(folder)})


def _pdf(dispatch) -> bytes:
    from generator.render.pdf import pdf_bytes

    return pdf_bytes(dispatch)


def _refused(dispatch, tmp_path: Path, snippet: str) -> tuple[Path, int, str]:
    """Render ``dispatch`` with ``snippet`` in a user's dispatch.html.j2, which must fail:
    the folder, the snippet's line, and the message."""
    html, line = _html_with(snippet)
    folder = _folder(tmp_path, {"dispatch.html.j2": html})
    with pytest.raises(TemplateError) as caught:
        _pdf(_with_templates(dispatch, folder))
    return folder, line, caught.value.format_message()


def _docx(dispatch) -> bytes:
    from generator.render.docx import docx_bytes

    return docx_bytes(dispatch)


# --- through the data: printed as typed, nothing fetched -------------------------------------


def _data_cases(server, secret: Path) -> dict[str, str]:
    return {
        "img-file": '<img src="file:///etc/passwd">',
        "img-secret": f'<img src="{secret.as_uri()}">',
        "link-http": f'<link rel=stylesheet href="{_url(server)}">',
        "link-secret": f'<link rel=stylesheet href="{secret.as_uri()}">',
        "style-url-file": '<p style="background: url(file:///etc/passwd)">x</p>',
        "style-import": f"<style>@import url({_url(server, 'i.css')});</style>",
        "img-data": f'<img src="{PIXEL}">',
        "img-data-huge": f'<img src="{HUGE[:70_000]}">',
    }


@pytest.mark.parametrize("case", ["img-file", "img-secret", "link-http", "link-secret", "style-url-file",
                                  "style-import", "img-data", "img-data-huge"])
def test_urls_in_the_data_print_as_typed_and_fetch_nothing(second, server, secret, case):
    text = _data_cases(server, secret)[case]
    body = second.body.model_copy(update={"opening": [f"Mở đầu {text} kết thúc."]})
    dispatch = second.model_copy(update={"body": body})
    pdf = PdfReader(_pdf(dispatch))
    assert server.hits == []
    printed = pdf.all_text().replace(" ", "")
    typed = f"Mởđầu{text}kếtthúc.".replace(" ", "")
    # A long URL is one word wider than the page: only its start is on the paper.
    assert (typed if len(text) < 90 else typed[:40]) in printed
    assert SECRET not in printed and "root:x:0" not in printed
    assert all(page.images == [] for page in pdf.pages)
    assert f"Mở đầu {text} kết thúc." in DocxReader(_docx(dispatch)).text()


# --- through a user's template: the run stops, naming the URL; nothing fetched or leaked -------


def _template_cases(server, secret: Path) -> dict[str, tuple[str, str]]:
    """snippet, and the URL the message must name."""
    return {
        "img-etc-passwd": ('<img src="file:///etc/passwd">', "file:///etc/passwd"),
        "img-localhost": ('<img src="file://localhost/etc/passwd">', "file://localhost/etc/passwd"),
        "img-relative": ('<img src="../../../../../../../../etc/passwd">', "file:///etc/passwd"),
        "link-secret": (f'<link rel="stylesheet" href="{secret.as_uri()}">', secret.as_uri()),
        "link-http": (f'<link rel="stylesheet" href="{_url(server)}">', _url(server)),
        "import-http": (f"<style>@import url({_url(server, 'i.css')});</style>", _url(server, "i.css")),
        "style-url-file": ('<p style="background: url(file:///etc/passwd)">x</p>', "file:///etc/passwd"),
        "ftp": ('<img src="ftp://127.0.0.1/x.png">', "ftp://127.0.0.1/x.png"),
        "data-huge": (f'<p style="background: url({HUGE})">x</p>', HUGE[:60]),
    }


@pytest.mark.parametrize("case", ["img-etc-passwd", "img-localhost", "img-relative", "link-secret",
                                  "link-http", "import-http", "style-url-file", "ftp", "data-huge"])
def test_a_user_template_reaching_out_stops_the_run_naming_the_url(second, server, secret, tmp_path, case):
    snippet, url = _template_cases(server, secret)[case]
    folder, line, message = _refused(second, tmp_path, snippet)
    assert url in message
    assert "was not fetched" in message
    if not case.startswith(("img-relative", "data")):  # the template's own text holds the URL
        assert f"{folder / 'dispatch.html.j2'}:{line}:" in message
    assert server.hits == []
    assert SECRET not in message and "root:x:0" not in message


def test_a_user_template_may_use_its_own_folder_and_a_small_data_url(second, server, tmp_path):
    html, _ = _html_with(f'<link rel="stylesheet" href="rieng.css"><img src="{PIXEL}" alt="">')
    folder = _folder(tmp_path, {
        "dispatch.html.j2": html,
        "rieng.css": 'body::before { content: "MẪU RIÊNG CỦA SỞ" }\n',
    })
    pdf = PdfReader(_pdf(_with_templates(second, folder)))
    assert "MẪU RIÊNG CỦA SỞ" in pdf.all_text()
    assert len(pdf.pages[0].images) == 1
    assert server.hits == []


def test_a_link_out_of_the_templates_folder_is_not_followed(second, secret, tmp_path):
    html, _ = _html_with('<link rel="stylesheet" href="link.css">')
    folder = _folder(tmp_path, {"dispatch.html.j2": html})
    (folder / "link.css").symlink_to(secret)
    with pytest.raises(TemplateError, match="link.css|secret.css"):
        _pdf(_with_templates(second, folder))


# --- the Jinja sandbox ---------------------------------------------------------------------


SANDBOX = {
    "mro": ("{{ ''.__class__.__mro__ }}", "__class__"),
    "globals": ("{{ cycler.__init__.__globals__ }}", "__init__"),
    "format": ("{{ '{0.__class__}'.format(v) }}", "__class__"),
    "path-read": ("{{ v.qr_codes[0].image.read_text() }}", "read_text"),
    "path-parent": ("{{ v.qr_codes[0].image.parent }}", "parent"),
    "mutate": ("{{ v.recipients.append('x') }}", "append"),
}


@pytest.mark.parametrize("case", sorted(SANDBOX))
def test_the_sandbox_refuses_unsafe_operations(example, tmp_path, case):
    snippet, detail = SANDBOX[case]
    folder, line, message = _refused(example, tmp_path, snippet)
    assert message.startswith(f"{folder / 'dispatch.html.j2'}:{line}: the template tried something")
    assert detail in message
    assert "built-in function" not in message and "<module" not in message


@pytest.mark.parametrize("source", ["{{ 'a' * 100000000 }}", "{{ [0] * 10**8 }}", "{{ 10 ** 100000000 }}"])
def test_a_template_cannot_build_a_huge_value(source, tmp_path):
    """Checked on the environments themselves: without the bound, the value is built
    (and WeasyPrint would then try to lay out 100 MB of text)."""
    from jinja2.sandbox import SecurityError

    from generator.render.docx import _jinja_env
    from generator.render.pdf import _environment

    for env in (_environment(tmp_path), _jinja_env()):
        with pytest.raises(SecurityError):
            env.from_string(source).render()


@pytest.mark.parametrize("snippet", [
    "{% include '/etc/passwd' %}",
    "{% include '../../../../../../../../etc/passwd' %}",
    "{% import '../secret/secret.css' as s %}",
    "{% from '/etc/passwd' import x %}",
    "{% extends '../secret/secret.css' %}",
])
def test_includes_and_imports_stay_in_the_templates_folders(second, secret, tmp_path, snippet):
    folder, line, message = _refused(second, tmp_path, snippet)
    assert message.startswith(f"{folder / 'dispatch.html.j2'}:{line}: the template asks for '")
    assert "may include or import only files from its own folder" in message
    assert SECRET not in message and "root:x:0" not in message


def test_an_include_through_a_link_out_of_the_folder_is_refused(second, secret, tmp_path):
    html, line = _html_with("{% include 'phan.html.j2' %}")
    folder = _folder(tmp_path, {"dispatch.html.j2": html})
    (folder / "phan.html.j2").symlink_to(secret)
    with pytest.raises(TemplateError, match=r"asks for 'phan\.html\.j2'") as caught:
        _pdf(_with_templates(second, folder))
    assert SECRET not in caught.value.format_message()


def test_a_partial_in_the_folder_is_included_and_escapes_html(second, tmp_path):
    """A user's partial is autoescaped whatever its name: data stays text."""
    html, _ = _html_with("{% include 'dau-trang.j2' %}")
    folder = _folder(tmp_path, {"dispatch.html.j2": html,
                                "dau-trang.j2": '<p class="rieng">Mẫu: {{ v.subject_line }}</p>'})
    subject = 'thử <img src="file:///etc/passwd">'
    pdf = PdfReader(_pdf(_with_templates(second.model_copy(update={"subject": subject}), folder)))
    assert f"Mẫu: V/v {subject}" in pdf.all_text()
    assert pdf.pages[0].images == []


# --- mistakes in a user's template: file, line, what is wrong --------------------------------


@pytest.mark.parametrize(("snippet", "expected"), [
    ("{% if %}", "template syntax: Expected an expression"),
    ("{{ v.subject_line }", "template syntax:"),
    ("{% for x in v.recipients %}", "template syntax:"),
    ("{{ v.chu_ky }}", "has no attribute 'chu_ky'"),
    ("{{ ten_co_quan }}", "'ten_co_quan' is undefined"),
    ("{{ 1 / 0 }}", "the template failed: division by zero"),
])
def test_a_mistake_in_a_user_template_names_file_and_line(second, tmp_path, snippet, expected):
    folder, line, message = _refused(second, tmp_path, snippet)
    where = f"{folder / 'dispatch.html.j2'}:"
    assert message.startswith(where)
    if "{% for" not in snippet:  # an unclosed block is found at the end of the file
        assert message.startswith(f"{where}{line}:")
    assert expected in message


def test_a_mistake_in_a_user_stylesheet_template(second, tmp_path):
    css = (TEMPLATES_DIR / "page.css.j2").read_text(encoding="utf-8") + "\n{{ P.khong_co }}\n"
    folder = _folder(tmp_path, {"page.css.j2": css})
    with pytest.raises(TemplateError, match=r"page\.css\.j2:\d+: .*khong_co"):
        _pdf(_with_templates(second, folder))


# --- what a user's folder replaces, and what it does not ------------------------------------


def test_files_in_the_folder_replace_the_built_ins_and_the_rest_stay(second, tmp_path):
    html, _ = _html_with('<p class="rieng">BẢN MẪU CỦA SỞ</p>')
    folder = _folder(tmp_path, {"dispatch.html.j2": html})
    mine = _with_templates(second, folder)
    assert "BẢN MẪU CỦA SỞ" in PdfReader(_pdf(mine)).all_text()
    assert "BẢN MẪU CỦA SỞ" not in PdfReader(_pdf(second)).all_text()  # no leak into the built-ins
    assert _docx(mine) == _docx(second)  # no dispatch.docx in the folder: the built-in one


def test_a_copy_of_the_built_ins_gives_the_same_bytes(second, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(TEMPLATES_DIR, folder)
    mine = _with_templates(second, folder)
    assert _pdf(mine) == _pdf(second)
    assert _docx(mine) == _docx(second)


def test_a_user_docx_template_replaces_the_built_in(second, tmp_path):
    folder = _folder(tmp_path, {"dispatch.docx": _docx_with("{{ v.subject_line }}",
                                                            "{{ v.subject_line }} (MẪU SỞ)")})
    word = DocxReader(_docx(_with_templates(second, folder)))
    assert f"V/v {second.subject} (MẪU SỞ)" in word.text()


@pytest.mark.parametrize(("new", "expected"), [
    ("{{ ''.__class__.__mro__ }}", "the template tried something templates may not do"),
    ("{{ qr_images.__class__ }}", "the template tried something templates may not do"),
    ("{% if %}", "template syntax:"),
    ("{{ ten_co_quan }}", "'ten_co_quan' is undefined"),
    ("{% include '/etc/passwd' %}", "a DOCX template cannot include or import other files"),
])
def test_a_mistake_in_a_user_docx_template_names_the_file_and_part(second, tmp_path, new, expected):
    folder = _folder(tmp_path, {"dispatch.docx": _docx_with("{{ v.subject_line }}", new)})
    with pytest.raises(TemplateError) as caught:
        _docx(_with_templates(second, folder))
    message = caught.value.format_message()
    assert message.startswith(str(folder / "dispatch.docx"))
    assert expected in message
    assert "root:x:0" not in message
    if "include" not in new:
        assert "word/document.xml" in message


def test_a_docx_template_objects_are_closed_to_templates(example, tmp_path):
    """The images handed to the DOCX template carry the document: a template may print
    them, never reach it (``tpl.save`` would write anywhere)."""
    target = tmp_path / "written.docx"
    folder = _folder(tmp_path, {"dispatch.docx": _docx_with(
        "{{ v.subject_line }}", "{{ qr_images[0].tpl.save('" + str(target) + "') }}")})
    with pytest.raises(TemplateError, match="may not do"):
        _docx(_with_templates(example, folder))
    assert not target.exists()


def test_a_file_that_is_not_a_docx_is_reported(second, tmp_path):
    folder = _folder(tmp_path, {"dispatch.docx": "not a zip"})
    with pytest.raises(TemplateError, match="not a DOCX file"):
        _docx(_with_templates(second, folder))


# --- the YAML field and the command line -----------------------------------------------------


def _dispatch_dir(tmp_path: Path, extra: str = "") -> Path:
    folder = tmp_path / "cv"
    folder.mkdir()
    text = (FIXTURES / "second-dispatch.yaml").read_text(encoding="utf-8")
    (folder / "cong-van.yaml").write_text(text + extra, encoding="utf-8")
    return folder / "cong-van.yaml"


def test_templates_in_the_yaml_is_a_folder_next_to_it(tmp_path):
    yaml = _dispatch_dir(tmp_path, "templates: mau-rieng\n")
    (yaml.parent / "mau-rieng").mkdir()
    assert load_dispatch(yaml).templates == str((yaml.parent / "mau-rieng").resolve())


def test_a_missing_templates_folder_in_the_yaml_names_the_line(tmp_path):
    yaml = _dispatch_dir(tmp_path, "templates: mau-rieng\n")
    line = yaml.read_text(encoding="utf-8").count("\n")
    with pytest.raises(InputError) as caught:
        load_dispatch(yaml)
    assert caught.value.format_message() == (
        f"{yaml}:{line}: templates: no folder 'mau-rieng' next to cong-van.yaml. Check the name, "
        "or remove the field to use the built-in templates.")


def test_the_command_line_option_overrides_the_yaml(tmp_path):
    yaml = _dispatch_dir(tmp_path, "templates: mau-yaml\n")
    html_yaml, _ = _html_with('<p class="rieng">MẪU YAML</p>')
    html_cli, _ = _html_with('<p class="rieng">MẪU DÒNG LỆNH</p>')
    _folder(yaml.parent, {}).rename(yaml.parent / "mau-yaml")
    (yaml.parent / "mau-yaml" / "dispatch.html.j2").write_text(html_yaml, encoding="utf-8")
    cli_folder = _folder(tmp_path, {"dispatch.html.j2": html_cli})
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(cli, ["render", str(yaml), "--format", "pdf", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "MẪU YAML" in PdfReader((out / "cong-van.pdf").read_bytes()).all_text()
    result = runner.invoke(cli, ["render", str(yaml), "--format", "pdf", "--out", str(out),
                                 "--templates", str(cli_folder)])
    assert result.exit_code == 0, result.output
    text = PdfReader((out / "cong-van.pdf").read_bytes()).all_text()
    assert "MẪU DÒNG LỆNH" in text and "MẪU YAML" not in text


def test_a_missing_templates_folder_on_the_command_line(tmp_path):
    yaml = _dispatch_dir(tmp_path)
    result = CliRunner().invoke(cli, ["render", str(yaml), "--templates", str(tmp_path / "khong-co")])
    assert result.exit_code == 2
    assert "Error: --templates: no templates folder" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("snippet", "expected"), [
    ("{% if %}", ":{line}: template syntax: Expected an expression"),
    ('<img src="file:///etc/passwd">', "the template asks for file:///etc/passwd, which was not fetched"),
])
def test_the_command_line_reports_a_broken_template_and_keeps_earlier_outputs(tmp_path, snippet, expected):
    yaml = _dispatch_dir(tmp_path)
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(cli, ["render", str(yaml), "--out", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    html, line = _html_with(snippet)
    folder = _folder(tmp_path, {"dispatch.html.j2": html})
    result = runner.invoke(cli, ["render", str(yaml), "--out", str(out), "--templates", str(folder)])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {folder / 'dispatch.html.j2'}") or \
        result.output.startswith("Error: the PDF could not be made")
    assert expected.format(line=line) in result.output
    assert "Traceback" not in result.output and "root:x:0" not in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_messages_are_in_vietnamese_by_default(second, tmp_path, monkeypatch):
    monkeypatch.setenv("CONGVAN_LANG", "vi")
    html, line = _html_with("{{ ''.__class__ }}")
    folder = _folder(tmp_path, {"dispatch.html.j2": html})
    with pytest.raises(CongVanError) as caught:
        _pdf(_with_templates(second, folder))
    message = caught.value.format_message()
    assert message.startswith(f"{folder / 'dispatch.html.j2'}:{line}: ")
    assert "mẫu" in message and "the template" not in message


# --- a batch: the user's templates are among what shapes each copy ---------------------------


def _small_batch(tmp_path: Path) -> Path:
    folder = tmp_path / "vd"
    shutil.copytree(EXAMPLE.parent, folder)
    (folder / "ke-hoach.csv").write_text(
        'TT,Cụm,Từ ngày,Đến ngày,"Tỉnh, thành phố"\n'
        '1,Cụm 1,12/9/2022,30/9/2022,"Bắc Giang, Bắc Ninh"\n', encoding="utf-8")
    return folder / "cong-van.yaml"


def test_a_batch_remakes_the_copies_when_a_user_template_changes(tmp_path):
    from generator.batch.run import run_batch

    yaml = _small_batch(tmp_path)
    out = tmp_path / "copies"
    dispatch = load_dispatch(yaml)
    first = run_batch(dispatch, out, formats=["pdf", "docx"])
    assert len(first.written) == 6
    folder = _folder(tmp_path, {})
    mine = _with_templates(dispatch, folder)
    # An empty folder changes nothing: every template is still the built-in one.
    again = run_batch(mine, out, formats=["pdf", "docx"], dry_run=True)
    assert again.written == [] and len(again.unchanged) == 6
    # A user's template of the PDF remakes the PDFs, not the DOCX files.
    html, _ = _html_with('<p class="rieng">BẢN CỦA SỞ</p>')
    (folder / "dispatch.html.j2").write_text(html, encoding="utf-8")
    changed = run_batch(mine, out, formats=["pdf", "docx"])
    assert all(why == "changed: templates" for _, why in changed.written)
    assert {n for n, _ in changed.written} == {p.name for p in out.glob("*.pdf")}
    assert "BẢN CỦA SỞ" in PdfReader((out / "24-bac-giang.pdf").read_bytes()).all_text()
    # So does a partial or a stylesheet it uses, edited afterwards.
    (folder / "rieng.css").write_text("p.rieng { color: red }\n", encoding="utf-8")
    assert {n for n, _ in run_batch(mine, out, formats=["pdf", "docx"], dry_run=True).written} == {
        p.name for p in out.glob("*.pdf")}
    # And a user's DOCX template remakes the DOCX files.
    (folder / "dispatch.docx").write_bytes(_docx_with("{{ v.subject_line }}", "{{ v.subject_line }} (SỞ)"))
    plan = run_batch(mine, out, formats=["docx"], dry_run=True)
    assert {n for n, _ in plan.written} == {p.name for p in out.glob("*.docx")}
    assert all(why == "changed: templates" for _, why in plan.written)


def test_a_batch_with_a_broken_template_leaves_the_copies(tmp_path):
    from generator.batch.run import run_batch

    yaml = _small_batch(tmp_path)
    out = tmp_path / "copies"
    dispatch = load_dispatch(yaml)
    run_batch(dispatch, out, formats=["pdf"])
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    html, line = _html_with("{{ v.khong_co }}")
    folder = _folder(tmp_path, {"dispatch.html.j2": html})
    with pytest.raises(TemplateError, match=rf"dispatch\.html\.j2:{line}: .*khong_co"):
        run_batch(_with_templates(dispatch, folder), out, formats=["pdf"], jobs=2)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert {n: b for n, b in after.items() if n.endswith(".pdf")} == \
        {n: b for n, b in before.items() if n.endswith(".pdf")}
