"""``congvan serve``: the app's endpoints through Starlette's test client.

What a browser sends (the form's fields as the page serves them) and what comes back:
the token and session, CSRF, paths kept inside the folder, the YAML saved with its
comments and order, a save refused when the file changed since it was opened, the
loader's messages at their fields, uploads checked, downloads equal to the command line's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE
from webform import csrf_of, form_fields

pytest.importorskip("starlette")
pytest.importorskip("httpx2", reason="Starlette's test client needs httpx2")

from starlette.testclient import TestClient  # noqa: E402

TOKEN = "test-token-123"
EDIT = "/edit?f=vd/cong-van.yaml"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE.parent, tmp_path / "vd")
    return tmp_path


@pytest.fixture
def client(folder: Path) -> TestClient:
    from generator.web import create_app

    c = TestClient(create_app(folder, token=TOKEN), follow_redirects=True)
    assert c.get(f"/?token={TOKEN}").status_code == 200
    return c


def _open(client: TestClient, url: str = EDIT) -> tuple[str, dict[str, str]]:
    page = client.get(url)
    assert page.status_code == 200, page.text
    return csrf_of(page.text), dict(form_fields(page.text))


def _post(client: TestClient, url: str, csrf: str, fields: dict[str, str], **kw):
    return client.post(url, data=fields, headers={"X-CSRF-Token": csrf}, **kw)


# -- who gets in ---------------------------------------------------------------------

def test_without_the_token_or_its_cookie_every_page_is_403(folder):
    from generator.web import create_app

    c = TestClient(create_app(folder, token=TOKEN))
    for url in ("/", EDIT, "/download?f=vd/cong-van.yaml&fmt=pdf", "/static/app.js"):
        assert c.get(url).status_code == 403
    assert c.get("/?token=wrong").status_code == 403
    assert c.post("/save", data={"f": "vd/cong-van.yaml"}).status_code == 403


def test_the_token_gives_a_session_cookie_and_leaves_the_address(folder):
    from generator.web import create_app

    c = TestClient(create_app(folder, token=TOKEN))
    first = c.get(f"/?token={TOKEN}", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/"
    assert "httponly" in first.headers["set-cookie"].lower()
    assert "samesite=strict" in first.headers["set-cookie"].lower()
    assert c.get("/").status_code == 200


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(client, folder):
    _csrf, fields = _open(client)
    before = (folder / "vd" / "cong-van.yaml").read_bytes()
    fields["subject"] = "đổi mà không có mã"
    del fields["csrf"]  # a forged form from another site has no token
    assert client.post("/save", data=fields).status_code == 403
    assert client.post("/save", data={**fields, "csrf": "forged"}).status_code == 403
    assert client.post("/save", data=fields, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert (folder / "vd" / "cong-van.yaml").read_bytes() == before


@pytest.mark.parametrize("name", ["../cong-van.yaml", "/etc/passwd.yaml", "vd/../../x.yaml", "..\\x.yaml"])
def test_paths_outside_the_folder_are_refused(client, name):
    assert client.get("/edit", params={"f": name}).status_code == 403
    assert client.get("/download", params={"f": name, "fmt": "pdf"}).status_code == 403


def test_a_symbolic_link_out_of_the_folder_is_refused(client, folder, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    shutil.copy(EXAMPLE, outside / "bi-mat.yaml")
    (folder / "lien-ket.yaml").symlink_to(outside / "bi-mat.yaml")
    (folder / "thu-muc").symlink_to(outside)
    assert client.get("/edit", params={"f": "lien-ket.yaml"}).status_code == 403
    assert client.get("/edit", params={"f": "thu-muc/bi-mat.yaml"}).status_code == 403
    assert "lien-ket" not in client.get("/").text


def test_serve_on_another_address_refuses_to_start_without_accounts(folder):
    from generator.cli import cli

    result = CliRunner().invoke(cli, ["serve", str(folder), "--host", "0.0.0.0", "--no-browser"])
    assert result.exit_code == 2
    assert "--accounts" in result.output and "Traceback" not in result.output


def test_an_accounts_file_with_a_plain_password_is_refused(folder, tmp_path):
    from generator.cli import cli

    accounts = tmp_path / "accounts.toml"
    accounts.write_text('[accounts]\nvanthu = "matkhau123"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", str(folder), "--host", "0.0.0.0", "--accounts", str(accounts),
                                      "--no-browser"])
    assert result.exit_code == 2
    assert "hashed" in result.output


def test_with_accounts_only_a_signed_in_person_gets_in(folder):
    from generator.web import create_app
    from generator.web.security import hash_password

    c = TestClient(create_app(folder, accounts={"vanthu": hash_password("đúng-mật-khẩu")}))
    assert c.get(f"/?token={TOKEN}", follow_redirects=False).status_code == 303  # to the login page
    login = c.get("/login")
    csrf = csrf_of(login.text)
    wrong = c.post("/login", data={"csrf": csrf, "user": "vanthu", "password": "sai"})
    assert "Wrong name or password" in wrong.text
    assert c.get(EDIT, follow_redirects=False).status_code == 303
    c.post("/login", data={"csrf": csrf, "user": "vanthu", "password": "đúng-mật-khẩu"})
    assert c.get(EDIT).status_code == 200


# -- the form and the file -----------------------------------------------------------

def test_saving_the_form_unchanged_leaves_the_file_byte_for_byte(client, folder):
    csrf, fields = _open(client)
    path = folder / "vd" / "cong-van.yaml"
    before = path.read_bytes()
    saved = _post(client, "/save", csrf, fields)
    assert saved.status_code == 200 and saved.json()["ok"], saved.text
    assert path.read_bytes() == before
    assert (folder / "vd" / "ke-hoach.csv").read_bytes() == (EXAMPLE.parent / "ke-hoach.csv").read_bytes()


def test_an_edit_keeps_the_comments_and_the_order_of_fields(client, folder):
    csrf, fields = _open(client)
    fields["subject"] = "triển khai Kế hoạch năm 2023"
    fields["body.directives.2.deadline"] = "2022-09-16"
    fields["recipients.1"] = "Bộ Giáo dục và Đào tạo"
    assert _post(client, "/save", csrf, fields).json()["ok"]
    text = (folder / "vd" / "cong-van.yaml").read_text(encoding="utf-8")
    old = EXAMPLE.read_text(encoding="utf-8")
    comments = [line.strip() for line in old.splitlines() if line.strip().startswith("#")]
    assert comments and all(c in text for c in comments)
    keys = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert keys == [line.split(":")[0] for line in old.splitlines() if line[:1].isalpha()]
    assert "subject: triển khai Kế hoạch năm 2023" in text
    assert "deadline: 2022-09-16" in text
    from generator.input.loader import load_dispatch

    model = load_dispatch(folder / "vd" / "cong-van.yaml")
    assert model.recipients == ["Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Bộ Giáo dục và Đào tạo"]


def _form_keys() -> set[str]:
    """The model's field names the editor's form (and its plan grid) lets the clerk edit."""
    from generator.web.forms import SECTIONS, ListOf

    keys: set[str] = set()

    def walk(specs):
        for spec in specs:
            keys.update(p for p in spec.key.split(".") if p)
            if isinstance(spec, ListOf):
                walk(spec.fields)

    for section in SECTIONS:
        walk(section.fields)
    return keys


def test_every_field_of_the_model_is_in_the_form():
    import typing

    from pydantic import BaseModel

    from generator.input.model import Dispatch, Plan

    def fields(model, seen):
        out = set()
        for name, field in model.model_fields.items():
            out.add((model.__name__, name))
            stack = [field.annotation]
            while stack:
                t = stack.pop()
                if isinstance(t, type) and issubclass(t, BaseModel) and t not in seen:
                    seen.add(t)
                    out |= fields(t, seen)
                stack += list(typing.get_args(t))
        return out

    # the plan is the grid; the date is one date field (day, month) and the year;
    # templates is a folder of the clerk's IT person, not a field of the page
    elsewhere = {("Annex", "plan"), ("IssueDate", "month"), ("IssueDate", "day"), ("Dispatch", "templates")}
    missing = {f"{m}.{n}" for m, n in fields(Dispatch, {Dispatch, Plan}) - elsewhere if n not in _form_keys()}
    assert not missing


def test_the_new_fields_of_the_model_are_edited_and_the_annex_heading_is_not_typed(client, folder):
    csrf, fields = _open(client)
    page = client.get(EDIT).text
    # the annex heading is a tick, not a text: congvan numbers the annexes
    assert 'type="checkbox" id="f-annexes.0.heading"' in page
    assert "annexes.0.heading" not in fields  # the example's attached plan is not an annex
    fields["agency.parent"] = "Ủy ban nhân dân tỉnh Bắc Ninh"
    fields["agency.parent_lines.0"] = "Ủy ban nhân dân"
    fields["agency.parent_lines.1"] = "tỉnh Bắc Ninh"
    fields["annexes.0.heading"] = "1"
    fields["annexes.1.heading"] = "1"
    fields["annexes.1.title"] = "Danh sách các đơn vị"
    fields["annexes.1.lines.0"] = "1. Sở Thông tin và Truyền thông các tỉnh."
    fields["annexes.1.lines.1"] = "2. Các doanh nghiệp viễn thông."
    saved = _post(client, "/save", csrf, fields)
    assert saved.status_code == 200 and saved.json()["ok"], saved.text
    from generator import load_dispatch
    from generator.input.model import annex_headings

    model = load_dispatch(folder / "vd" / "cong-van.yaml")
    assert model.agency.parent_lines == ["Ủy ban nhân dân", "tỉnh Bắc Ninh"]
    assert model.annexes[1].lines == ["1. Sở Thông tin và Truyền thông các tỉnh.", "2. Các doanh nghiệp viễn thông."]
    assert annex_headings(model.annexes) == ["Phụ lục I", "Phụ lục II"]
    text = (folder / "vd" / "cong-van.yaml").read_text(encoding="utf-8")
    assert "Phụ lục I" not in text and text.count("heading: Phụ lục") == 2
    # shown again as the clerk left them
    again = dict(form_fields(client.get(EDIT).text))
    assert again["agency.parent_lines.1"] == "tỉnh Bắc Ninh" and again["annexes.1.heading"] == "1"
    assert again["annexes.1.lines.0"] == "1. Sở Thông tin và Truyền thông các tỉnh."
    # unticked: an attached plan again
    del again["annexes.0.heading"]
    assert _post(client, "/save", csrf, again).json()["ok"]
    assert annex_headings(load_dispatch(folder / "vd" / "cong-van.yaml").annexes) == [None, "Phụ lục"]


def test_the_list_of_copies_is_edited_in_the_form(client, folder):
    (folder / "vd" / "danh-sach.csv").write_text("Kính gửi,Mã\nSở Tài chính,01\n", encoding="utf-8")
    csrf, fields = _open(client)
    fields["copies.file"] = "danh-sach.csv"
    fields["copies.file_column"] = "Mã"
    fields["copies.paragraph"] = "Đơn vị {Mã} gửi báo cáo trước ngày 15."
    saved = _post(client, "/save", csrf, fields)
    assert saved.status_code == 200 and saved.json()["ok"], saved.text
    from generator import load_dispatch

    copies = load_dispatch(folder / "vd" / "cong-van.yaml").copies
    assert Path(copies.file).name == "danh-sach.csv" and copies.file_column == "Mã"
    assert copies.paragraph == "Đơn vị {Mã} gửi báo cáo trước ngày 15."
    again = dict(form_fields(client.get(EDIT).text))
    assert again["copies.file"] == "danh-sach.csv"
    for key in ("copies.file", "copies.file_column", "copies.paragraph"):
        again[key] = ""
    assert _post(client, "/save", csrf, again).json()["ok"]
    assert "copies:" not in (folder / "vd" / "cong-van.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def example_docx() -> bytes:
    from generator import load_dispatch
    from generator.render.docx import docx_bytes

    return docx_bytes(load_dispatch(EXAMPLE))


def test_importing_a_word_file_opens_the_new_dispatch_in_the_editor_with_the_report(client, folder, example_docx,
                                                                                     monkeypatch, tmp_path_factory):
    from generator import load_dispatch
    from generator.i18n import set_language

    monkeypatch.setenv("CONGVAN_LANG", "vi")  # the clerk's default
    set_language(None)

    (folder / "cong-van-cu.yaml").write_text("agency: {name: giữ nguyên}\n", encoding="utf-8")  # never overwritten
    csrf = csrf_of(client.get("/").text)
    page = client.post("/import", data={"csrf": csrf}, files={"file": ("Công văn cũ.docx", example_docx)})
    assert page.status_code == 200 and "/edit?f=cong-van-cu-2.yaml" in str(page.url), page.text
    assert (folder / "cong-van-cu.yaml").read_text(encoding="utf-8") == "agency: {name: giữ nguyên}\n"
    model = load_dispatch(folder / "cong-van-cu-2.yaml")
    assert model.subject == load_dispatch(EXAMPLE).subject
    assert model.plan is not None and model.plan.province_count == 63
    assert [p.name for p in folder.glob("cong-van-cu-2-ke-hoach*.csv")] == ["cong-van-cu-2-ke-hoach.csv"]
    # the report, in Vietnamese: recognised / guessed / left over
    assert "Đã nhập từ Công văn cũ.docx" in page.text
    assert "Đã nhận ra (" in page.text and "Đoán: hãy kiểm tra (" in page.text and "Còn sót:" in page.text
    from markupsafe import escape

    from generator.importer import import_text

    source = tmp_path_factory.mktemp("word") / "cong-van-cu-2.docx"
    source.write_bytes(example_docx)
    result = import_text(source, folder / "cong-van-cu-2.yaml").result
    assert result.recognised
    for line in result.recognised + result.guessed + result.left_over + result.warnings:
        assert f"<li>{escape(line)}</li>" in page.text
    fields = dict(form_fields(page.text))
    assert fields["agency.name"] == "Bộ Thông tin và Truyền thông"


@pytest.mark.parametrize(("name", "data", "why"), [
    ("cong-van.odt", b"PK\x03\x04...", "cannot be uploaded here"),
    ("cong-van.docx", b"%PDF-1.7 not a docx", "not a real DOCX file"),
    ("cong-van.pdf", b"PK\x03\x04 not a pdf", "not a real PDF file"),
    ("cong-van.doc", b"<html>a web page saved as .doc</html>", "not a real DOC file"),
])
def test_an_import_of_another_kind_of_file_is_refused_and_writes_nothing(client, folder, name, data, why):
    before = sorted(p.name for p in folder.iterdir())
    page = client.post("/import", data={"csrf": csrf_of(client.get("/").text)}, files={"file": (name, data)})
    assert page.status_code == 422 and why in page.text
    assert sorted(p.name for p in folder.iterdir()) == before


def test_a_word_file_in_old_tcvn3_fonts_is_imported_in_unicode(client, folder, tmp_path_factory):
    from clerk_docx import clerk_docx

    from generator import load_dispatch

    source = clerk_docx(tmp_path_factory.mktemp("tcvn3") / "cong-van.docx", legacy=True)
    page = client.post("/import", data={"csrf": csrf_of(client.get("/").text)},
                       files={"file": ("van-ban-tcvn3.docx", source.read_bytes())})
    assert page.status_code == 200 and "/edit?f=van-ban-tcvn3.yaml" in str(page.url), page.text
    assert load_dispatch(folder / "van-ban-tcvn3.yaml").agency.name == "Sở Tài chính"
    assert "tcvn3" in page.text and "--legacy-encoding" not in page.text


def test_an_import_without_the_csrf_token_is_refused(client, folder, example_docx):
    before = sorted(p.name for p in folder.iterdir())
    page = client.post("/import", files={"file": ("cong-van.docx", example_docx)})
    assert page.status_code == 403
    assert sorted(p.name for p in folder.iterdir()) == before


def test_a_second_save_of_a_file_changed_since_it_was_opened_is_refused(client, folder):
    csrf, first = _open(client)
    _csrf, second = _open(client)
    first["subject"] = "bản của người thứ nhất"
    assert _post(client, "/save", csrf, first).json()["ok"]
    second["subject"] = "bản của người thứ hai"
    refused = _post(client, "/save", csrf, second)
    assert refused.status_code == 409
    assert "changed by someone else" in refused.json()["message"]
    text = (folder / "vd" / "cong-van.yaml").read_text(encoding="utf-8")
    assert "người thứ nhất" in text and "người thứ hai" not in text


def test_a_plan_file_changed_since_it_was_opened_also_refuses_the_save(client, folder):
    csrf, fields = _open(client)
    plan = folder / "vd" / "ke-hoach.csv"
    plan.write_text(plan.read_text(encoding="utf-8").replace("12/9/2022", "14/9/2022", 1), encoding="utf-8")
    assert _post(client, "/save", csrf, fields).status_code == 409


def test_the_loaders_message_comes_back_at_its_field(client):
    csrf, fields = _open(client)
    got = _post(client, "/preview", csrf, {**fields, "grid.2.start": "31/9/2022"}).json()
    assert not got["ok"]
    at = {p["name"]: p["message"] for p in got["problems"]}
    assert "31/9/2022" in at["grid.2.start"] and at["grid.2.start"].startswith("ke-hoach.csv:row 4")
    got = _post(client, "/preview", csrf, {**fields, "qr_codes.1.url": "zalo.me/kenh", "date.year": "1900"}).json()
    at = {p["name"]: p["message"] for p in got["problems"]}
    assert set(at) == {"qr_codes.1.url", "date.year"}
    assert at["qr_codes.1.url"].startswith(str(EXAMPLE.name)) or "cong-van.yaml:" in at["qr_codes.1.url"]


def test_saving_a_mistake_is_refused_and_the_file_stays(client, folder):
    csrf, fields = _open(client)
    before = (folder / "vd" / "cong-van.yaml").read_bytes()
    fields["grid.4.provinces"] = "Thanh Hóa, Nghệ Anh"
    got = _post(client, "/save", csrf, fields)
    assert got.status_code == 422
    assert any(p["name"] == "grid.4.provinces" and "Nghệ Anh" in p["message"] for p in got.json()["problems"])
    assert (folder / "vd" / "cong-van.yaml").read_bytes() == before


def test_hostile_text_is_shown_literally(client, folder):
    csrf, fields = _open(client)
    fields["subject"] = '<script>alert("x")</script> & <b>đậm</b>'
    assert _post(client, "/save", csrf, fields).json()["ok"]
    page = client.get(EDIT).text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;đậm&lt;/b&gt;" in page
    assert "&lt;script&gt;" in client.get("/").text


def test_the_preview_is_the_pages_of_the_pdf(client):
    import base64

    csrf, fields = _open(client)
    got = _post(client, "/preview", csrf, fields).json()
    assert got["ok"] and len(got["pages"]) == 3
    assert base64.b64decode(got["pages"][0].split(",", 1)[1]).startswith(b"\x89PNG")


def test_downloads_are_the_command_lines_bytes(client, folder):
    from generator.input.loader import load_dispatch
    from generator.render.docx import docx_bytes
    from generator.render.pdf import pdf_bytes

    model = load_dispatch(folder / "vd" / "cong-van.yaml")
    assert client.get("/download?f=vd/cong-van.yaml&fmt=pdf").content == pdf_bytes(model)
    assert client.get("/download?f=vd/cong-van.yaml&fmt=docx").content == docx_bytes(model)


# -- uploads -------------------------------------------------------------------------

def test_an_uploaded_plan_goes_through_the_same_checks(client):
    csrf, _fields = _open(client)
    good = _post(client, "/plan/upload", csrf, {}, files={"plan": ("ke-hoach.csv", (EXAMPLE.parent / "ke-hoach.csv").read_bytes())})
    assert good.json()["ok"] and len(good.json()["rows"]) == 10
    assert good.json()["rows"][4]["provinces"].startswith("Thanh Hóa, Nghệ An")
    bad = "TT,Cụm,Từ ngày,Đến ngày,\"Tỉnh, thành phố\"\n1,Cụm 1,31/9/2022,30/9/2022,Hà Nội\n".encode()
    refused = _post(client, "/plan/upload", csrf, {}, files={"plan": ("ke-hoach.csv", bad)})
    assert refused.status_code == 422 and "ke-hoach.csv:row 2" in refused.json()["message"]
    assert "/tmp" not in refused.json()["message"]


@pytest.mark.parametrize(("name", "data", "why"), [
    ("ke-hoach.exe", b"MZ", "cannot be uploaded"),
    ("ke-hoach.xlsx", b"not a zip", "not a real XLSX"),
    ("ke-hoach.csv", b"x" * 2_000_001, "larger than"),
])
def test_uploads_are_limited_in_size_and_type(client, name, data, why):
    csrf, _fields = _open(client)
    refused = _post(client, "/plan/upload", csrf, {}, files={"plan": (name, data)})
    assert refused.status_code == 422 and why in refused.json()["message"]


def test_the_grid_downloads_as_xlsx_that_the_reader_reads_back(client, tmp_path):
    from generator.input import schedule

    csrf, fields = _open(client)
    got = _post(client, "/plan/xlsx", csrf, fields)
    (tmp_path / "k.xlsx").write_bytes(got.content)
    clusters, _rows = schedule.read_clusters(tmp_path / "k.xlsx")
    want, _rows = schedule.read_clusters(EXAMPLE.parent / "ke-hoach.csv")
    assert clusters == want


# -- home ----------------------------------------------------------------------------

def test_home_lists_the_dispatches_and_makes_new_ones(client, folder):
    home = client.get("/").text
    assert "triển khai Kế hoạch bồi dưỡng" in home and "vd/cong-van.yaml" in home
    csrf = csrf_of(home)
    dup = client.post("/new", data={"csrf": csrf, "kind": "duplicate", "f": "vd/cong-van.yaml"})
    assert dup.status_code == 200 and (folder / "cong-van-ban-sao.yaml").is_file()
    assert (folder / "cong-van-ban-sao-ke-hoach.csv").is_file()
    from generator.input.loader import load_dispatch

    assert load_dispatch(folder / "cong-van-ban-sao.yaml") == load_dispatch(EXAMPLE)
    blank = client.post("/new", data={"csrf": csrf, "kind": "blank", "name": "Công văn mới"})
    assert blank.status_code == 200 and 'name="agency.name"' in blank.text


def test_new_from_the_example_uses_the_example_the_package_ships(client, folder, tmp_path_factory, monkeypatch):
    """An installed wheel has no examples/ folder beside the package: the button takes the
    example from generator/_data (resources.EXAMPLE_DIR), as ``congvan init`` does."""
    import shutil as sh

    from generator import load_dispatch, resources

    shipped = tmp_path_factory.mktemp("site-packages") / "examples" / "to-cong-nghe-so-2022"
    sh.copytree(EXAMPLE.parent, shipped)
    text = (shipped / "cong-van.yaml").read_text(encoding="utf-8")
    (shipped / "cong-van.yaml").write_text(text.replace("place: Hà Nội", "place: Đà Nẵng"), encoding="utf-8")
    monkeypatch.setattr(resources, "EXAMPLE_DIR", shipped)
    home = client.get("/").text
    assert 'value="example"' in home
    page = client.post("/new", data={"csrf": csrf_of(home), "kind": "example"})
    assert page.status_code == 200 and page.url.params["f"] == "cong-van-mau/cong-van.yaml"
    made = folder / "cong-van-mau"
    assert sorted(p.name for p in made.iterdir()) == ["cong-van.yaml", "congvan.schema.json", "ke-hoach.csv"]
    model = load_dispatch(made / "cong-van.yaml")
    assert model.place == "Đà Nẵng"
    assert model.model_copy(update={"place": "Hà Nội"}) == load_dispatch(EXAMPLE)
    # a second one never overwrites the first
    client.post("/new", data={"csrf": csrf_of(home), "kind": "example"})
    assert (folder / "cong-van-mau-2" / "cong-van.yaml").is_file()
    monkeypatch.setattr(resources, "EXAMPLE_DIR", tmp_path_factory.mktemp("no-example"))
    assert 'value="example"' not in client.get("/").text


def _png(width: int = 240, height: int = 120) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (width, height), (20, 40, 160, 255)).save(out, format="PNG")
    return out.getvalue()


def test_a_signature_png_is_uploaded_beside_the_dispatch_and_previewed(client, folder):
    csrf, fields = _open(client)
    got = _post(client, "/image/upload", csrf, {"f": "vd/cong-van.yaml", "field": "signer.signature_image"},
                files={"image": ("chữ ký.png", _png())})
    assert got.json() == {"ok": True, "name": "cong-van-chu-ky.png"}
    assert (folder / "vd" / "cong-van-chu-ky.png").read_bytes() == _png()
    fields["signer.signature_image"] = "cong-van-chu-ky.png"
    assert _post(client, "/preview", csrf, fields).json()["ok"]
    assert _post(client, "/save", csrf, fields).json()["ok"]
    assert "signature_image: cong-van-chu-ky.png" in (folder / "vd" / "cong-van.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "data", "why"), [
    ("chu-ky.jpg", b"\xff\xd8\xff", "cannot be uploaded"),
    ("chu-ky.png", b"\x89PNG\r\n\x1a\n" + b"broken", "not a real PNG"),
])
def test_an_image_that_is_not_a_png_is_refused(client, folder, name, data, why):
    csrf, _fields = _open(client)
    got = _post(client, "/image/upload", csrf, {"f": "vd/cong-van.yaml", "field": "signer.seal_image"},
                files={"image": (name, data)})
    assert got.status_code == 422 and why in got.json()["message"]
    assert not list((folder / "vd").glob("*.png"))


def test_a_new_dispatchs_plan_never_overwrites_another_dispatchs_plan_file(client, folder):
    shutil.copy(EXAMPLE.parent / "ke-hoach.csv", folder / "ke-hoach.csv")
    mine = (folder / "ke-hoach.csv").read_bytes()
    csrf, fields = _open(client)
    fields = {k: v for k, v in fields.items() if not k.startswith("grid.")}
    fields.update({"f": "moi.yaml", "opened": _open(client, "/edit?f=moi.yaml")[1]["opened"],
                   "plan_file": "ke-hoach.csv", "grid.0.name": "Cụm 1", "grid.0.start": "12/9/2022",
                   "grid.0.end": "30/9/2022", "grid.0.provinces": "Hà Nội"})
    saved = _post(client, "/save", csrf, fields)
    assert saved.json()["ok"], saved.text
    assert (folder / "ke-hoach.csv").read_bytes() == mine
    assert "file: moi-ke-hoach.csv" in (folder / "moi.yaml").read_text(encoding="utf-8")
    assert "Hà Nội" in (folder / "moi-ke-hoach.csv").read_text(encoding="utf-8")


def test_the_check_report_is_one_click_away(client, folder, example_pdf):
    import html

    from generator.check import check_bytes

    page = client.get("/check?f=vd/cong-van.yaml")
    assert page.status_code == 200
    assert "cong-van.pdf" in page.text and "cong-van.docx" in page.text
    text = html.unescape(page.text)
    report = check_bytes(example_pdf, "cong-van.pdf")
    assert len(report.results) > 10
    assert all(f"<td>{r.rule}</td><td>{r.verdict}</td>" in text for r in report.results)


def test_hash_password_prints_a_hash_the_server_accepts():
    from generator.cli import cli
    from generator.web.security import verify_password

    result = CliRunner().invoke(cli, ["serve", "--hash-password"], input="mật-khẩu\nmật-khẩu\n")
    assert result.exit_code == 0, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("scrypt$") and "mật" not in line
    assert verify_password("mật-khẩu", line) and not verify_password("khác", line)
