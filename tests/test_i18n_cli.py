"""Vietnamese all the way on the command line: every command's --help, click's own
messages, the operating system's reasons, the batch's report and progress bar; --lang
before or after the command; --quiet."""

from __future__ import annotations

import inspect
import io
import re
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import EXAMPLE

from generator.cli import cli
from generator.i18n import CLICK_MODULES

CLICK = Path(click.__file__).parent


def _catalogue() -> dict[str, str]:
    from babel.messages.pofile import read_po

    with (Path(__file__).parent.parent / "generator" / "locale" / "vi.po").open("rb") as f:
        return {m.id: m.string for m in read_po(f, locale="vi") if m.id and m.string and not m.fuzzy}


def _commands():
    return sorted(cli.commands)


def _vi(*args: str):
    return CliRunner().invoke(cli, list(args), env={"CONGVAN_LANG": "vi"}, prog_name="congvan")


def test_every_help_text_of_every_command_is_in_the_catalogue():
    CliRunner().invoke(cli, ["--lang", "en", "--help"])  # the help texts in English again, as written
    translated = _catalogue()
    missing = []
    for command in [cli, *cli.commands.values()]:
        texts = [inspect.cleandoc(command.help or "")]
        texts += [p.help for p in command.params if getattr(p, "help", None)]
        missing += [f"{command.name}: {t!r}" for t in texts if t and t not in translated]
    assert not missing, "add to generator/locale/vi.po:\n" + "\n".join(missing)


def test_every_message_click_can_show_is_in_the_catalogue():
    from babel.messages.extract import extract_from_file

    translated = _catalogue()
    missing = []
    for module in CLICK_MODULES:
        for _line, message, _comments, _context in extract_from_file(
                "python", str(CLICK / f"{module}.py"), keywords={"_": None, "ngettext": (1, 2)}):
            for text in [message] if isinstance(message, str) else message:
                if text and text not in translated:
                    missing.append(f"click/{module}.py: {text!r}")
    assert not missing, "add to generator/locale/vi.po:\n" + "\n".join(missing)


@pytest.mark.parametrize("command", [None, *sorted(["batch", "check", "print", "render", "schema", "validate",
                                                    "watch"])])
def test_help_is_in_vietnamese(command):
    result = _vi(*([command] if command else []), "--help")
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("Cách dùng: congvan") and "Tùy chọn:" in out
    assert "Hiện hướng dẫn này rồi thoát." in out and "--lang" in out
    for english in ("Usage:", "Options:", "Show this message", "Commands:", "[default:", "Language of messages",
                    "[OPTIONS]", "required", " TEXT ", "INTEGER", "FLOAT", " PATH ", "DIRECTORY"):
        assert english not in out, english


def test_help_in_english_with_lang_after_the_command():
    result = _vi("validate", "--help", "--lang", "en")
    assert result.output.startswith("Usage: congvan validate [OPTIONS] DISPATCH")
    assert "Check DISPATCH.yaml without rendering it" in result.output


def test_lang_is_accepted_after_the_command(tmp_path):
    result = _vi("validate", str(tmp_path / "x.yaml"), "--lang", "en")
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {tmp_path / 'x.yaml'}: no such file. Check the path."
    result = _vi("validate", str(EXAMPLE), "--lang=en")
    assert result.exit_code == 0
    assert result.output.endswith(f"{EXAMPLE}: OK\n")  # after the example's placeholder-address warning
    assert "looks like a placeholder" in result.output


@pytest.mark.parametrize(("args", "expected"), [
    (["render", "--format", "odt", "x.yaml"],
     "Lỗi: Giá trị không hợp lệ cho '--format': 'odt' không phải là định dạng. Hãy dùng pdf, docx hoặc pdf,docx."),
    (["validate", "--bogus"], "Lỗi: Không có tùy chọn '--bogus'."),
    (["validate"], "Lỗi: Thiếu tham số 'DISPATCH'."),
    (["batch", "x.yaml", "--jobs", "0"], "Lỗi: Giá trị không hợp lệ cho '--jobs' / '-j': 0 không nằm trong khoảng 1<=x<=64."),
    (["nope"], "Lỗi: Không có lệnh 'nope'."),
    (["--lang", "fr", "validate"], "Lỗi: Giá trị không hợp lệ cho '--lang': 'fr' không phải là một trong 'vi', 'en'."),
])
def test_clicks_own_messages_are_in_vietnamese(args, expected):
    result = _vi(*args)
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0].startswith("Cách dùng: congvan")
    assert lines[1].startswith("Gõ 'congvan") and lines[1].endswith("--help' để xem hướng dẫn.")
    assert lines[-1] == expected


def test_version_in_vietnamese():
    from generator import __version__

    assert _vi("--version").output == f"congvan, phiên bản {__version__}\n"


def test_the_operating_systems_reason_is_in_vietnamese(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = _vi("render", str(EXAMPLE), "--format", "pdf", "--out", str(blocker / "out"))
    assert result.exit_code != 0
    assert "Không phải là thư mục" in result.output or "Tệp đã có" in result.output, result.output
    assert "Not a directory" not in result.output and "File exists" not in result.output
    result = _vi("validate", str(tmp_path / ("a" * 300 + ".yaml")))
    assert result.exit_code == 2
    assert result.output.rstrip().endswith(": không đọc được: Tên tệp quá dài."), result.output


def test_a_first_batch_counts_its_new_files_and_quiet_prints_the_summary_only(small_example, tmp_path):
    out = tmp_path / "out"
    result = _vi("batch", str(small_example), "--per-province", "--format", "pdf", "--out", str(out), "-j", "1")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-2] == "Tệp mới, đã ghi: 10 (liệt kê trong report.txt)"
    assert not any(line.endswith("(mới)") for line in lines)
    assert sum(line.endswith("(mới)") for line in (out / "report.txt").read_text(encoding="utf-8").splitlines()) == 10
    result = _vi("batch", str(small_example), "--per-province", "--format", "pdf", "--out", str(out), "--quiet")
    assert result.exit_code == 0
    assert len(result.output.splitlines()) == 1 and result.output.startswith("đã ghi 0, giữ nguyên 10")


def test_a_dry_run_says_what_it_would_write(small_example, tmp_path):
    out = tmp_path / "out"
    assert _vi("batch", str(small_example), "--per-province", "--format", "pdf", "--out", str(out), "-j", "1").exit_code == 0
    csv = small_example.parent / "ke-hoach.csv"
    before = csv.read_text(encoding="utf-8")
    try:
        csv.write_text(before.replace("13/9/2022,23/9/2022", "14/9/2022,23/9/2022", 1), encoding="utf-8")
        result = _vi("batch", str(small_example), "--per-province", "--format", "pdf", "--out", str(out), "--dry-run")
    finally:
        csv.write_text(before, encoding="utf-8")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Sẽ ghi:" in lines and "Đã ghi:" not in lines
    assert any(line.startswith("  ") and line.endswith(".pdf (đã thay đổi: các bản)") or ".pdf (" in line
               for line in lines[lines.index("Sẽ ghi:") + 1:])


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_progress_bar_is_in_vietnamese_and_shows_no_estimate_at_first(monkeypatch, example):
    from generator import cli as cli_module

    clock = [1000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setenv("CONGVAN_LANG", "vi")
    total = example.plan.province_count
    seen = []

    def work(progress):
        for _ in range(total):
            clock[0] += 10
            progress(1)
            seen.append(re.sub(r"\x1b\[[?0-9;]*[a-zA-Z]", "", terminal.getvalue().rsplit("\r", 1)[-1]))
        return "done"

    assert cli_module._with_progress(work, example, None) == "done"
    estimate = re.compile(r"\d\d:\d\d:\d\d")
    assert all(line.startswith("các bản") for line in seen if line.strip())
    early = seen[: int(total * cli_module.ESTIMATE_AFTER) - 1]
    assert early and not any(estimate.search(line) for line in early)
    assert any(estimate.search(line) for line in seen[int(total * cli_module.ESTIMATE_AFTER) + 1: -1])
