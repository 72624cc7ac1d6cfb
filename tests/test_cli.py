"""The command line, driven as a clerk drives it: exit codes, messages, files written or not."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, ROOT

from generator import __version__
from generator.cli import cli


@pytest.fixture
def runner():
    return CliRunner()


ZALO_WARNING = (
    f"Warning: {EXAMPLE}:74: qr_codes.1.url: 'https://zalo.me/thay-bang-dia-chi-kenh-zalo-oa' looks like a "
    "placeholder, not a real address: the QR code would lead nowhere. Write the real address before sending."
)


def test_render_writes_both_formats(runner, tmp_path):
    result = runner.invoke(cli, ["render", str(EXAMPLE), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cong-van.docx", "cong-van.pdf"]
    assert (tmp_path / "cong-van.pdf").read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "cong-van.docx").read_bytes().startswith(b"PK")
    assert result.output.splitlines() == [
        f"wrote {tmp_path / 'cong-van.pdf'}",
        f"wrote {tmp_path / 'cong-van.docx'}",
        ZALO_WARNING,  # the example's Zalo address is to be replaced (issue 10 §6)
    ]


def test_render_one_format(runner, tmp_path):
    result = runner.invoke(cli, ["render", str(EXAMPLE), "--format", "pdf", "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["cong-van.pdf"]


def test_a_bad_format_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(cli, ["render", str(EXAMPLE), "--format", "odt", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "'odt' is not a format. Use pdf, docx or pdf,docx." in result.output
    assert list(tmp_path.iterdir()) == []


def test_bad_input_gives_one_message_and_leaves_earlier_outputs(runner, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(cli, ["render", str(EXAMPLE), "--out", str(out)]).exit_code == 0
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    bad = tmp_path / "cong-van.yaml"  # same name: its outputs would replace the good ones
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace("recipients:\n", "recipents:\n", 1),
                   encoding="utf-8")
    (tmp_path / "ke-hoach.csv").write_bytes((EXAMPLE.parent / "ke-hoach.csv").read_bytes())
    result = runner.invoke(cli, ["render", str(bad), "--out", str(out)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    line = EXAMPLE.read_text(encoding="utf-8").splitlines().index("recipients:") + 1
    assert result.output.splitlines() == [
        f"Error: {bad}:{line}: recipents: unknown field `recipents`. Did you mean `recipients`?"
    ]
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()} == before


def test_a_missing_file_is_reported_not_raised(runner, tmp_path):
    result = runner.invoke(cli, ["render", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {tmp_path / 'nope.yaml'}: no such file. Check the path."


def test_an_unwritable_output_folder_is_reported(runner, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(cli, ["render", str(EXAMPLE), "--format", "pdf", "--out", str(blocker / "sub")])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot write to {blocker / 'sub'}")


def test_validate(runner):
    result = runner.invoke(cli, ["validate", str(EXAMPLE)])
    assert (result.exit_code, result.output) == (0, f"{ZALO_WARNING}\n{EXAMPLE}: OK\n")


def test_schema_is_json_schema_of_the_input(runner):
    result = runner.invoke(cli, ["schema"])
    schema = json.loads(result.output)
    assert schema["title"] == "Công văn (congvan)"
    assert {"agency", "recipients", "body", "signer", "annexes"} <= set(schema["properties"])
    assert "recipients" in schema["required"]


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.output == f"congvan, version {__version__}\n"


@pytest.mark.parametrize("args", [["--help"], ["schema"], ["render", "--help"]])
def test_help_and_schema_do_not_load_the_renderers(args):
    code = (
        "import sys; from generator.cli import cli\n"
        f"try:\n    cli.main({args!r}, standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('weasyprint', 'docxtpl', 'docx', 'lxml', 'fontTools') if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.splitlines()[-1] == "HEAVY []"
