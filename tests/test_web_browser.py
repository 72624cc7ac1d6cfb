"""``congvan serve`` in a real browser: headless Chromium (Debian's ``chromium``)
driven by Playwright, against the command ``congvan serve`` itself.

Fields are found by their labels as a clerk reads them (in Vietnamese, the default).
Screenshots go to ``tests/results/`` as artefacts.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT

CHROMIUM = Path(os.environ.get("CONGVAN_CHROMIUM", "/usr/bin/chromium"))
RESULTS = ROOT / "tests" / "results"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]

sync_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need Playwright (pip: playwright)")
if not CHROMIUM.exists():
    pytest.skip(f"the browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium)",
                allow_module_level=True)

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

SLOW = 240_000  # ms: a first batch of 63 copies on a busy 2-core machine
QUICK = 60_000  # ms: a preview or a save


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``congvan serve`` on a folder holding a copy of the example per test; its URL."""
    folder = tmp_path_factory.mktemp("served")
    for name in ("vd", "cum5", "ngay", "hai", "an-toan", "moi"):
        shutil.copytree(EXAMPLE.parent, folder / name)
    env = {**os.environ, "CONGVAN_LANG": "vi"}
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", str(folder), "--no-browser", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://\S+", line)
        assert url, line + proc.stdout.read()
        yield folder, url.group(0)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        proc.stdout.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _context(browser, url):
    ctx = browser.new_context(viewport={"width": 1500, "height": 1000}, accept_downloads=True, locale="vi-VN")
    page = ctx.new_page()
    assert page.goto(url).status == 200
    return ctx, page


def _base(url: str) -> str:
    return url.split("?", 1)[0]


def _editor(page, url: str, f: str):
    page.goto(_base(url) + "edit?f=" + f)
    page.wait_for_selector("#pages img.page", timeout=QUICK)


def _shot(page, name: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    page.screenshot(path=str(path), full_page=False)
    return path


def _save(page, expect: str = "Đã lưu"):
    page.get_by_role("button", name="Lưu", exact=True).click()
    sync_api.expect(page.locator("#status")).to_contain_text(expect, timeout=QUICK)


def _batch(page):
    page.get_by_role("button", name="Tạo các bản gửi tỉnh và tệp in").click()
    sync_api.expect(page.locator("#phase")).to_have_text("xong", timeout=SLOW)


# 1 ------------------------------------------------------------------------------------

def _example_texts():
    from generator.web.files import load_yaml

    return load_yaml(EXAMPLE.read_text(encoding="utf-8"))


def test_typing_the_reference_dispatch_into_a_blank_form_gives_the_command_lines_bytes(served, browser, tmp_path):
    folder, url = served
    y = _example_texts()
    ctx, page = _context(browser, url)
    page.get_by_label("Tên công văn mới").fill("go-tay")
    page.get_by_role("button", name="Công văn mới (trống)").click()
    page.wait_for_url(re.compile(r"/edit\?f=go-tay\.yaml"))

    def fill(label, value):
        page.get_by_label(label, exact=True).fill(str(value))

    def add(item):
        page.get_by_role("button", name=f"Thêm: {item}", exact=True).click()

    fill("Cơ quan ban hành", y["agency"]["name"])
    fill("Ký hiệu", y["code"])
    fill("Địa danh", y["place"])
    fill("Năm", y["date"]["year"])
    fill("Trích yếu (V/v)", y["subject"])
    add("Kính gửi")
    fill("Kính gửi 1", y["recipients"][0])
    for i, text in enumerate(y["body"]["opening"], start=1):
        add("Đoạn mở đầu")
        fill(f"Đoạn mở đầu {i}", text)
    for i, d in enumerate(y["body"]["directives"], start=1):
        add("Nhiệm vụ")
        fill(f"Nhiệm vụ {i} – nội dung", d["text"])
        if "deadline" in d:
            fill(f"Nhiệm vụ {i} – hạn", d["deadline"].isoformat())
    for i, text in enumerate(y["body"]["contact"], start=1):
        add("Đoạn liên hệ")
        fill(f"Đoạn liên hệ {i}", text)
    fill("Câu kết", y["body"]["closing"])
    for i, qr in enumerate(y["qr_codes"], start=1):
        add("Mã QR")
        fill(f"Mã QR {i} – chú thích", qr["caption"])
        fill(f"Mã QR {i} – địa chỉ", qr["url"])
    for i, a in enumerate(y["signer"]["authority"], start=1):
        add("Thẩm quyền ký")
        page.get_by_label(f"Thẩm quyền ký {i} – chữ viết tắt", exact=True).select_option(a["prefix"])
        fill(f"Thẩm quyền ký {i} – thay mặt", a["of"])
    fill("Chức vụ người ký", y["signer"]["title"])
    fill("Họ tên người ký", y["signer"]["name"])
    for i, text in enumerate(y["distribution"]["recipients"], start=1):
        add("Nơi nhận")
        fill(f"Nơi nhận {i}", text)
    for i, text in enumerate(y["distribution"]["archive"], start=1):
        add("Lưu")
        fill(f"Lưu {i}", text)
    fill("Nơi nhận của mỗi bản", y["per_province"]["recipient"])
    fill("Đoạn riêng của mỗi bản", y["per_province"]["paragraph"])
    for i, annex in enumerate(y["annexes"], start=1):
        add("Phụ lục")
        fill(f"Phụ lục {i} – tên", annex["title"])
        for j, attr in enumerate(annex["attributes"], start=1):
            page.locator("fieldset.list", has=page.get_by_text(f"Phụ lục {i} – Các mục", exact=True)) \
                .get_by_role("button", name="Thêm: mục").click()
            fill(f"Phụ lục {i}, mục {j} – tên mục", attr["label"])
            fill(f"Phụ lục {i}, mục {j} – nội dung", attr["text"])
    page.get_by_label("Tải lên kế hoạch (CSV hoặc XLSX, như Excel lưu)").set_input_files(
        str(EXAMPLE.parent / "ke-hoach.csv"))
    sync_api.expect(page.locator(".plan-message")).to_contain_text("Đã đọc 10 cụm từ ke-hoach.csv")
    sync_api.expect(page.locator("#stale")).to_be_hidden(timeout=QUICK)
    page.wait_for_selector("#pages img.page", timeout=QUICK)
    _save(page)
    _shot(page, "web-blank-typed.png")

    got = {}
    for fmt in ("pdf", "docx"):
        with page.expect_download(timeout=SLOW) as download:
            page.get_by_role("link", name=f"Tải {fmt.upper()}").click()
        got[fmt] = Path(download.value.path()).read_bytes()
    ctx.close()

    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "generator", "render", str(EXAMPLE), "--out", str(out)],
                   check=True, cwd=ROOT, capture_output=True)
    assert got["pdf"] == (out / "cong-van.pdf").read_bytes()
    assert got["docx"] == (out / "cong-van.docx").read_bytes()
    assert (folder / "ke-hoach.csv").is_file()  # the plan saved next to the new dispatch


# 2 ------------------------------------------------------------------------------------

def test_moving_cluster_5_in_the_grid_remakes_exactly_its_7_provinces(served, browser):
    folder, url = served
    ctx, page = _context(browser, url)
    _editor(page, url, "cum5/cong-van.yaml")
    _batch(page)
    out = folder / "output" / "cum5" / "cong-van"
    assert len(list(out.glob("*.pdf"))) == 64  # 63 copies and the shared annex
    prints = {p: p.stat().st_mtime_ns for p in (out / "print").glob("in-tat-ca.*")}
    assert len(prints) == 2

    page.get_by_label("Dòng 5 – Từ ngày", exact=True).fill("14/9/2022")
    page.get_by_label("Dòng 5 – Đến ngày", exact=True).fill("28/9/2022")
    sync_api.expect(page.locator("#status")).to_have_text("", timeout=QUICK)
    _save(page)
    _batch(page)
    _shot(page, "web-change-report.png")
    changes = page.locator("#changes").inner_text()
    assert "Cụm 5: 12/9/2022–30/9/2022 -> 14/9/2022–28/9/2022" in changes
    written = page.locator("#changes ul.written li").all_inner_texts()
    copies = sorted({w.rsplit(".", 1)[0] for w in written if "/" not in w} - {"phu-luc"})
    assert {"phu-luc.pdf", "phu-luc.docx"} <= set(written)  # the shared annex shows the new dates
    with (EXAMPLE.parent / "ke-hoach.csv").open(encoding="utf-8") as fh:
        row5 = list(csv.DictReader(fh))[4]["Tỉnh, thành phố"]
    from generator.vietnamese import slug

    assert len(copies) == 7
    assert sorted(c.split("-", 1)[1] for c in copies) == sorted(slug(p.strip()) for p in row5.split(","))
    assert sorted(w for w in written if "/" in w) == ["print/in-tat-ca.docx", "print/in-tat-ca.pdf"]
    assert all(p.stat().st_mtime_ns != t for p, t in prints.items())
    links = page.locator("#outputs a").all_inner_texts()
    assert links == ["Tệp in DOCX", "Tệp in PDF", "Tệp ZIP các bản"]
    with page.expect_download(timeout=SLOW) as download:
        page.get_by_role("link", name="Tệp in PDF").click()
    assert Path(download.value.path()).read_bytes() == (out / "print" / "in-tat-ca.pdf").read_bytes()
    ctx.close()


# 3 ------------------------------------------------------------------------------------

def test_an_impossible_date_is_shown_at_its_cell_and_the_preview_keeps_the_last_good_page(served, browser):
    _folder, url = served
    ctx, page = _context(browser, url)
    _editor(page, url, "ngay/cong-van.yaml")
    good = page.locator("#pages img.page").first.get_attribute("src")
    cell = page.get_by_label("Dòng 3 – Từ ngày", exact=True)
    cell.fill("31/9/2022")
    message = page.locator("td.c-start .err")
    sync_api.expect(message).to_contain_text("'31/9/2022'", timeout=QUICK)
    sync_api.expect(message).to_contain_text("ke-hoach.csv:dòng 4")
    assert cell.get_attribute("aria-invalid") == "true"
    sync_api.expect(page.locator("#stale")).to_be_visible()
    assert page.locator("#pages img.page").first.get_attribute("src") == good
    page.evaluate("document.querySelector('td.c-start .err').scrollIntoView({block: 'center'})")
    _shot(page, "web-impossible-date.png")
    cell.fill("13/9/2022")  # as it was
    sync_api.expect(page.locator("#stale")).to_be_hidden(timeout=QUICK)
    sync_api.expect(message).to_have_count(0)
    ctx.close()


# 4 ------------------------------------------------------------------------------------

def test_two_browsers_the_second_save_is_refused_and_the_file_holds_the_first(served, browser):
    folder, url = served
    ctx1, first = _context(browser, url)
    ctx2, second = _context(browser, url)
    _editor(first, url, "hai/cong-van.yaml")
    _editor(second, url, "hai/cong-van.yaml")
    first.get_by_label("Trích yếu (V/v)", exact=True).fill("bản của người thứ nhất")
    _save(first)
    second.get_by_label("Địa danh", exact=True).fill("Đà Nẵng")
    _save(second, expect="đã được người khác thay đổi sau khi bạn mở")
    _shot(second, "web-second-save-refused.png")
    text = (folder / "hai" / "cong-van.yaml").read_text(encoding="utf-8")
    assert "subject: bản của người thứ nhất" in text and "Đà Nẵng" not in text
    assert second.get_by_label("Địa danh", exact=True).input_value() == "Đà Nẵng"  # nothing typed is lost
    ctx1.close()
    ctx2.close()


# 5 ------------------------------------------------------------------------------------

def test_no_token_403_and_a_forged_post_without_csrf_is_refused(served, browser):
    folder, url = served
    stranger = browser.new_context()
    page = stranger.new_page()
    assert page.goto(_base(url)).status == 403
    assert page.goto(_base(url) + "edit?f=an-toan/cong-van.yaml").status == 403
    stranger.close()
    ctx, page = _context(browser, url)
    before = (folder / "an-toan" / "cong-van.yaml").read_bytes()
    forged = ctx.request.post(_base(url) + "save", form={"f": "an-toan/cong-van.yaml", "subject": "giả mạo"})
    assert forged.status == 403
    assert (folder / "an-toan" / "cong-van.yaml").read_bytes() == before
    ctx.close()


# the model's newer fields ---------------------------------------------------------------

def test_a_second_annex_with_plain_lines_and_the_parent_broken_into_lines(served, browser):
    from generator import load_dispatch
    from generator.input.model import annex_headings

    folder, url = served
    ctx, page = _context(browser, url)
    _editor(page, url, "moi/cong-van.yaml")
    page.locator("details.more summary").click()
    page.get_by_label("Cơ quan chủ quản", exact=True).fill("Ủy ban nhân dân tỉnh Bắc Ninh")
    for i, line in enumerate(("Ủy ban nhân dân", "tỉnh Bắc Ninh"), start=1):
        page.get_by_role("button", name="Thêm: Dòng cơ quan chủ quản", exact=True).click()
        page.get_by_label(f"Dòng cơ quan chủ quản {i}", exact=True).fill(line)
    page.get_by_role("button", name="Thêm: Phụ lục", exact=True).click()
    # the heading is a tick: congvan numbers the annexes, nobody types "Phụ lục II"
    page.get_by_label("Phụ lục 2 – là phụ lục (congvan tự đánh số)", exact=True).check()
    page.get_by_label("Phụ lục 2 – tên", exact=True).fill("Danh sách các đơn vị")
    page.locator("fieldset.list[data-key=lines]", has=page.get_by_text("Phụ lục 2 – Các dòng không có nhãn",
                                                                       exact=True)).get_by_role("button", name="Thêm: dòng").click()
    page.get_by_label("Phụ lục 2, dòng 1", exact=True).fill("1. Sở Thông tin và Truyền thông các tỉnh.")
    sync_api.expect(page.locator("#stale")).to_be_hidden(timeout=QUICK)
    _save(page)
    model = load_dispatch(folder / "moi" / "cong-van.yaml")
    assert model.agency.parent_lines == ["Ủy ban nhân dân", "tỉnh Bắc Ninh"]
    assert model.annexes[1].lines == ["1. Sở Thông tin và Truyền thông các tỉnh."]
    assert annex_headings(model.annexes) == [None, "Phụ lục"]
    ctx.close()


# import (issue 14 §1) -------------------------------------------------------------------

def test_importing_a_word_file_from_the_home_page_opens_it_with_the_report(served, browser, tmp_path):
    from generator import load_dispatch
    from generator.render.docx import docx_bytes

    folder, url = served
    word = tmp_path / "Công văn năm ngoái.docx"
    word.write_bytes(docx_bytes(load_dispatch(EXAMPLE)))
    ctx, page = _context(browser, url)
    page.get_by_label("Nhập từ tệp Word (DOCX, DOC hoặc PDF)").set_input_files(str(word))
    page.get_by_role("button", name="Nhập", exact=True).click()
    page.wait_for_url(re.compile(r"/edit\?f=cong-van-nam-ngoai\.yaml"))
    report = page.locator(".import-report")
    sync_api.expect(report).to_contain_text("Đã nhập từ Công văn năm ngoái.docx")
    sync_api.expect(report).to_contain_text("Đã nhận ra")
    sync_api.expect(report).to_contain_text("Còn sót")
    assert page.get_by_label("Cơ quan ban hành", exact=True).input_value() == "Bộ Thông tin và Truyền thông"
    page.wait_for_selector("#pages img.page", timeout=QUICK)
    _shot(page, "web-import.png")
    assert load_dispatch(folder / "cong-van-nam-ngoai.yaml").subject == load_dispatch(EXAMPLE).subject
    ctx.close()


# 6 ------------------------------------------------------------------------------------

def test_screenshots_of_the_editor_with_its_preview(served, browser):
    _folder, url = served
    ctx, page = _context(browser, url)
    _shot(page, "web-home.png")
    _editor(page, url, "vd/cong-van.yaml")
    path = _shot(page, "web-editor.png")
    assert path.stat().st_size > 50_000
    assert page.locator("#pages img.page").count() == 3
    # every field of the form has a label
    unlabelled = page.evaluate("""() => Array.from(document.querySelectorAll(
        '#dispatch input:not([type=hidden]), #dispatch textarea, #dispatch select'))
        .filter(e => !e.labels || e.labels.length === 0 || !e.labels[0].textContent.trim()).length""")
    assert unlabelled == 0
    ctx.close()
