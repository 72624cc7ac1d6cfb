"""Hostile input, second round (issue 11, §2 and the readers' part of §3): every reader has
a bound checked before the expensive work, and what a user can cause is a message naming
the file, the line (or row and column) and the field, never a traceback.

Cases that would hang or exhaust memory without their bound run in a subprocess under a
generous limit (:func:`_bounded`: 60 s, 1 GiB of address space), so that a regression
fails here instead of hanging the test run. The limits are in :mod:`generator.input.model`.
"""

from __future__ import annotations

import io
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE

from generator import load_dispatch
from generator.cli import cli
from generator.errors import InputError
from generator.input.model import (
    MAX_CHECK_PAGES,
    MAX_CHECK_PARAGRAPHS,
    MAX_DEPTH,
    MAX_IMAGE_PIXELS,
    MAX_PLAN_BYTES,
    MAX_RENDER_CHARS,
    MAX_SHEET_COLUMNS,
    MAX_SHEET_ROWS,
)
from generator.resources import TEMPLATES_DIR

HEADER = "TT,Cụm,Từ ngày,Đến ngày,\"Tỉnh, thành phố\"\n"


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def _bounded(*args: str, cwd: Path, lang: str = "en", code: str | None = None) -> subprocess.CompletedProcess:
    """``congvan ARGS`` (or ``python -c CODE``) in ``cwd``, under 60 s and 1 GiB of address space."""
    env = {**os.environ, "CONGVAN_LANG": lang}
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "generator", "--lang", lang, *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=60,
                          preexec_fn=_limit)


def _no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "Error" not in result.stderr.replace("Error: ", "").replace("Lỗi: ", ""), result.stderr[-2000:]


@pytest.fixture
def project(tmp_path) -> Path:
    """The example dispatch and its plan, copied: returns the YAML file."""
    for name in ("cong-van.yaml", "ke-hoach.csv"):
        shutil.copy(EXAMPLE.parent / name, tmp_path / name)
    return tmp_path / "cong-van.yaml"


def _edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` in the YAML; the 1-based line where ``new`` starts."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _line_of(path: Path, start: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.startswith(start))


def _refused(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        load_dispatch(path)
    return caught.value.format_message()


# --- YAML: aliases, nesting, characters and values Python would leak ---------------------------

def _laughs(levels: int, width: int = 10) -> str:
    lines = ['a0: &a0 "chữ chữ chữ chữ chữ chữ chữ chữ chữ chữ"']
    for n in range(1, levels + 1):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_a_450_byte_alias_bomb_is_refused_at_its_first_anchor(project):
    """9 levels of 10 aliases: the legacy-encoding walk never finished; now the anchor is refused."""
    text = project.read_text(encoding="utf-8")
    project.write_text(_laughs(9) + text, encoding="utf-8")
    result = _bounded("validate", project.name, cwd=project.parent)
    assert result.returncode == 2
    assert f"{project.name}:1:5: anchors and aliases (&name, *name, <<:) are not accepted" in result.stderr
    _no_traceback(result)


def test_aliased_annexes_are_refused_not_expanded(project):
    """A 21 KB file of aliased annexes expanded to 40 million characters and was called OK."""
    line = _edit(project, "annexes:\n", "x_big: &big \"" + "chữ " * 2000 + "\"\nannexes:\n")
    text = project.read_text(encoding="utf-8")
    project.write_text(text + "".join(f"x{n}: *big\n" for n in range(5000)), encoding="utf-8")
    result = _bounded("validate", project.name, cwd=project.parent)
    assert result.returncode == 2
    assert f"{project.name}:{line}:8: anchors and aliases" in result.stderr
    _no_traceback(result)


@pytest.mark.parametrize("command", ["render", "batch", "print"])
@pytest.mark.parametrize("case", ["aliases", "xlsx far cell", "image bomb"])
def test_every_command_that_reads_the_dispatch_refuses_the_same(project, command, case):
    """The same readers serve render, batch and print: each stops with the message, writes nothing."""
    if case == "aliases":
        project.write_text(_laughs(9) + project.read_text(encoding="utf-8"), encoding="utf-8")
        expected = f"{project.name}:1:5: anchors and aliases"
    elif case == "xlsx far cell":
        _workbook(project.parent / "xa.xlsx", far="XFD1048576")
        _edit(project, "file: ke-hoach.csv", "file: xa.xlsx")
        expected = "xa.xlsx:sheet 'Sheet', row 1048576 (cell XFD1048576): a plan sheet holds values only"
    else:
        from PIL import Image

        Image.new("1", (20000, 20000)).save(project.parent / "anh.png")
        line = _edit(project, "signer:\n", "signer:\n  signature_image: anh.png\n") + 1
        expected = f"{project.name}:{line}: signer.signature_image: the image is 20000 x 20000 pixels"
    extra = ["--per-province"] if command == "batch" else []
    result = _bounded(command, project.name, *extra, "--out", "out", cwd=project.parent)
    assert result.returncode == 2, result.stderr[-2000:]
    assert expected in result.stderr
    assert not (project.parent / "out").exists() or not any((project.parent / "out").rglob("*.pdf"))
    _no_traceback(result)


@pytest.mark.parametrize("snippet", ["place: &p Hà Nội", "date: &d\n  year: 2022\nx: *d"])
def test_any_anchor_or_merge_key_is_refused_with_its_line(project, snippet):
    old = "place: Hà Nội" if snippet.startswith("place") else "date:\n  year: 2022"
    line = _edit(project, old, snippet)
    message = _refused(project)
    assert message.startswith(f"{project}:{line}:")
    assert "anchors and aliases (&name, *name, <<:) are not accepted. Write the value out in full" in message


def test_the_legacy_walk_visits_a_shared_node_once():
    """Without the bound, 2**40 paths to the same list: the walk never ends."""
    code = (
        "from generator.input import legacy\n"
        "node = ['Céng hoµ x· héi chñ nghÜa ViÖt Nam']\n"
        "for _ in range(40):\n"
        "    node = [node, node]\n"
        "problems = legacy.fix_tree({'body': node}, None)\n"
        "print(len(problems))\n"
    )
    result = _bounded(cwd=Path.cwd(), code=code)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "1"


@pytest.mark.parametrize("style", ["flow", "block", "mapping"])
def test_deep_nesting_is_refused_with_its_line(project, style):
    """250 levels: a RecursionError traceback before."""
    if style == "flow":
        value = "x: " + "[" * 250 + "]" * 250
    elif style == "block":
        value = "x:\n" + "".join(" " * (2 * i) + "- \n" for i in range(250))
    else:
        value = "x:\n" + "".join(" " * (2 * i) + f"k{i}:\n" for i in range(250)) + " " * 500 + "v"
    line = _edit(project, "place: Hà Nội", "place: Hà Nội\n" + value)
    result = _bounded("validate", project.name, cwd=project.parent)
    assert result.returncode == 2
    assert f"the values are nested more than {MAX_DEPTH} levels deep" in result.stderr
    # the line of the 21st level: in a flow, the line of ``x:``; in blocks, one level a line
    assert f"{project.name}:{line + 1 if style == 'flow' else line + 1 + MAX_DEPTH}:" in result.stderr
    _no_traceback(result)


def test_nesting_within_the_limit_is_not_refused_for_depth(project):
    _edit(project, "place: Hà Nội", "place: Hà Nội\nx: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))
    message = _refused(project)
    assert "nested" not in message and "unknown field `x`" in message


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x7f", "\ufffe"])
def test_a_control_character_is_refused_with_line_and_column(project, char):
    """A NUL byte: "position 3811" and an unrelated hint about indentation before."""
    line = _edit(project, "subject: triển", f"subject: tr{char}iển")
    message = _refused(project)
    assert message == (f"{project}:{line}:12: the control character U+{ord(char):04X} cannot be in a YAML file "
                       "(it comes from a damaged file or from text pasted from another program). Delete it.")


@pytest.mark.parametrize("digits", [4301, 5000, 100_000])
def test_a_number_of_thousands_of_digits_names_its_line(project, digits):
    line = _edit(project, "# number: 123", "number: " + "9" * digits)
    message = _refused(project)
    assert message == (f"{project}:{line}: a number of {digits:,} digits: no field takes a number this long. "
                       "Check the value; put a text made of digits in double quotes.")


@pytest.mark.parametrize("digits", [7, 4000])
def test_a_dispatch_number_past_six_digits_is_refused(project, digits):
    line = _edit(project, "# number: 123", "number: " + "9" * digits)
    message = _refused(project)
    assert message.startswith(f"{project}:{line}: number: must be at most 999999; got 9999")


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "1e400"])
def test_nan_and_infinity_are_refused_in_words(project, value):
    line = _edit(project, "# number: 123", f"number: {value}")
    message = _refused(project)
    assert message.startswith(f"{project}:{line}: number: must be a number (not .nan or .inf); got ")
    assert "finite" not in message


@pytest.mark.parametrize("snippet", ["1: x", "agency:\n  2: x\n  name: Bộ Thông tin và Truyền thông"])
def test_integer_keys_are_refused_in_words(project, snippet):
    old = "# number: 123" if snippet.startswith("1") else "agency:\n  name: Bộ Thông tin và Truyền thông"
    _edit(project, old, snippet)
    message = _refused(project)
    assert "a field name must be text, not a number: write the name of a field before ':'" in message
    assert "Keys should be strings" not in message


@pytest.mark.parametrize("value", ["[a, b]", "5", "{x: 1}", '""'])
def test_a_plan_file_that_is_not_one_name_is_refused_at_its_line(project, value):
    """``file: [a, b]`` gave "…/['a', 'b']: no such plan file" with no line."""
    line = _edit(project, "file: ke-hoach.csv", f"file: {value}")
    message = _refused(project)
    assert message.startswith(f"{project}:{line}: annexes.0.plan.file: must be the name of one CSV or Excel "
                              "(.xlsx) file, e.g. ke-hoach.csv; got ")


def _loop(folder: Path) -> str:
    (folder / "loop1").symlink_to("loop2")
    (folder / "loop2").symlink_to("loop1")
    return "loop1"


@pytest.mark.parametrize("field", ["plan", "signature_image", "seal_image", "templates"])
def test_a_symlink_loop_is_refused_at_its_field(project, field):
    """``RuntimeError: Symlink loop`` tracebacks before, for the plan file, images and templates."""
    name = _loop(project.parent)
    if field == "plan":
        line, where = _edit(project, "file: ke-hoach.csv", f"file: {name}"), "annexes.0.plan.file"
    elif field == "templates":
        line, where = _edit(project, "place: Hà Nội", f"place: Hà Nội\ntemplates: {name}") + 1, "templates"
    else:
        line, where = _edit(project, "signer:\n", f"signer:\n  {field}: {name}\n") + 1, f"signer.{field}"
    result = _bounded("validate", project.name, cwd=project.parent)
    assert result.returncode == 2
    assert (f"{project.name}:{line}: {where}: loop1 is a link that leads back to itself. "
            "Give the real file or folder.") in result.stderr
    _no_traceback(result)


def test_a_templates_option_that_loops_is_refused(project):
    _loop(project.parent)
    result = _bounded("render", project.name, "--templates", "loop1", "--out", "out", cwd=project.parent)
    assert result.returncode == 2
    assert "loop1 is a link that leads back to itself" in result.stderr
    _no_traceback(result)


@pytest.mark.parametrize("char", ["\u034f", "\ufe0f", "\u3164", "\u180b"])
def test_invisible_characters_that_are_not_format_characters_are_refused(project, char):
    """U+034F (combining grapheme joiner) was accepted although U+200B was refused."""
    line = _edit(project, "subject: triển", f"subject: tri{char}ển")
    message = _refused(project)
    assert message.startswith(f"{project}:{line}: subject: the invisible character U+{ord(char):04X} (")


def test_the_readers_messages_are_vietnamese_in_vietnamese_mode(project):
    cases = {
        "# number: 123": ("number: " + "9" * 5000, "một số có 5,000 chữ số"),
        "place: Hà Nội": ("place: &p Hà Nội", "không chấp nhận neo và bí danh"),
        "subject: triển": ("subject: tr\x00iển", "ký tự điều khiển U+0000 không được có trong tệp YAML"),
        "file: ke-hoach.csv": ("file: [a, b]", "phải là tên của một tệp CSV hoặc Excel"),
        "date:\n  year: 2022": ("date:\n  year: 2022\n1: x", "tên trường phải là chữ, không phải số"),
    }
    original = project.read_text(encoding="utf-8")
    for old, (new, vietnamese) in cases.items():
        project.write_text(original.replace(old, new, 1), encoding="utf-8")
        result = CliRunner().invoke(cli, ["--lang", "vi", "validate", str(project)])
        assert result.exit_code == 2, result.output
        assert vietnamese in result.output, result.output
        for english in ("digits", "anchors", "control character", "must be the name", "Exceeds the limit",
                        "Keys should be strings"):
            assert english not in result.output, result.output
    project.write_text(original.replace("# number: 123", "number: .nan"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--lang", "vi", "validate", str(project)])
    assert "finite" not in result.output and "phải là một số (không phải .nan hay .inf)" in result.output


# --- plan files: CSV ---------------------------------------------------------------------------

def _plan(project: Path, name: str, data: bytes) -> int:
    (project.parent / name).write_bytes(data)
    return _edit(project, "file: ke-hoach.csv", f"file: {name}")


def test_a_csv_past_the_size_limit_is_refused_before_it_is_read(project, monkeypatch):
    """A 105 MB CSV took 63 s and 2 GB before; 1 MB over the limit is refused from its size."""
    csv = (project.parent / "ke-hoach.csv").read_bytes()
    _plan(project, "lon.csv", csv + b"\n" * (MAX_PLAN_BYTES + 1 - len(csv)))
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"read {self}"))
    message = _refused(project)
    assert message == (f"{project.parent / 'lon.csv'}: the plan file is 1.0 MB, more than the 1 MB a plan "
                       "table can be (at most 100 clusters). Check that it is the right file.")


@pytest.mark.parametrize("length, column, name", [(140_000, 2, "Cụm"), (131_073, 6, 6), (10_001, 5, "Tỉnh, thành phố")])
def test_a_huge_cell_is_refused_with_row_and_column(project, length, column, name):
    """A cell over 131,072 characters gave ``_csv.Error``."""
    rows = (project.parent / "ke-hoach.csv").read_text(encoding="utf-8").splitlines()
    cells = rows[2].split(",", 4)
    if column == 6:
        rows[2] = rows[2] + "," + "x" * length
    elif column == 5:
        rows[2] = ",".join(cells[:4]) + ",\"" + "Hà Nội, " * (length // 8) + "Hà Nội" * 2 + "\""
        length = len(rows[2].split(",\"", 1)[1].rstrip("\""))
    else:
        cells[1] = "x" * length
        rows[2] = ",".join(cells)
    _plan(project, "o.csv", ("\n".join(rows) + "\n").encode())
    message = _refused(project)
    assert message == (f"{project.parent / 'o.csv'}:row 3 (column {name!r}): this cell is {length:,} characters, "
                       "more than the 10,000 a cell of a plan holds. Check that the file is the plan table.")


@pytest.mark.parametrize("tt", ["²", "9" * 5000, "١", "1½"])
def test_a_cluster_number_that_is_not_digits_is_refused_with_its_cell(project, tt):
    """``²`` or 5,000 digits in TT gave a ``ValueError`` traceback."""
    text = (project.parent / "ke-hoach.csv").read_text(encoding="utf-8")
    _plan(project, "tt.csv", text.replace("\n2,", f"\n{tt},", 1).encode())
    message = _refused(project)
    shown = tt if len(tt) <= 20 else tt[:17] + "…"
    assert message == (f"{project.parent / 'tt.csv'}:row 3 (column 'TT'): {shown!r} is not a cluster number. "
                       "Write the number with the digits 0–9, e.g. 1, 2, 3.")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le"])
def test_a_utf16_csv_with_a_bom_is_read(project, example, encoding):
    """Excel's "Unicode Text" (UTF-16, tab-separated): "missing column(s)" before."""
    text = (project.parent / "ke-hoach.csv").read_text(encoding="utf-8")
    data = text.encode(encoding)
    if encoding != "utf-16":
        data = ("\ufeff" + text).encode(encoding)
    _plan(project, "u16.csv", data)
    assert load_dispatch(project).annexes == example.annexes


@pytest.mark.parametrize("kind", ["fifo", "missing", "folder"])
def test_a_plan_file_that_is_not_a_file_is_refused_at_its_line(project, kind):
    if kind == "fifo":
        os.mkfifo(project.parent / "ong.csv")
    elif kind == "folder":
        (project.parent / "ong.csv").mkdir()
    line = _edit(project, "file: ke-hoach.csv", "file: ong.csv")
    result = _bounded("validate", project.name, cwd=project.parent)
    assert result.returncode == 2
    assert (f"{project.name}:{line}: annexes.0.plan.file: no plan file 'ong.csv' next to {project.name}. "
            "Check the name.") in result.stderr
    _no_traceback(result)


# --- plan files: XLSX --------------------------------------------------------------------------

def _workbook(path: Path, far: str | None = None, styled: str | None = None) -> None:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["TT", "Cụm", "Từ ngày", "Đến ngày", "Tỉnh, thành phố"])
    sheet.append([1, "Cụm 1", "12/9/2022", "30/9/2022", "Hà Nội, Bắc Ninh"])
    if far:
        sheet[far] = "ghi chú"
    if styled:
        sheet[styled].font = Font(bold=True)
    book.save(path)


@pytest.mark.parametrize("cell", ["XFD1048576", f"A{MAX_SHEET_ROWS + 1}", "AY2"])
def test_a_value_far_down_or_right_is_refused_before_a_grid_is_built(project, cell):
    """One cell at XFD1048576 made the reader build a 16384 x 1048576 grid (10 GB)."""
    _workbook(project.parent / "xa.xlsx", far=cell)
    _edit(project, "file: ke-hoach.csv", "file: xa.xlsx")
    result = _bounded("validate", project.name, cwd=project.parent)
    assert result.returncode == 2
    row = cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert (f"xa.xlsx:sheet 'Sheet', row {row} (cell {cell}): a plan sheet holds values only in its first "
            f"{MAX_SHEET_ROWS:,} rows and {MAX_SHEET_COLUMNS} columns (A to AX).") in result.stderr
    _no_traceback(result)


def test_a_cell_formatted_far_away_but_empty_is_ignored(project):
    _workbook(project.parent / "xa.xlsx", styled="XFD1048576")
    _edit(project, "file: ke-hoach.csv", "file: xa.xlsx")
    result = _bounded("validate", project.name, cwd=project.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{project.name}: OK"


@pytest.mark.parametrize("part, size", [("xl/media/image1.bin", 60_000_000), ("xl/worksheets/sheet9.xml", 11_000_000)])
def test_a_zip_bomb_workbook_is_refused_from_its_directory(project, part, size):
    """A 1.8 MB zip bomb took 5.5 GB and 35 s, then was accepted."""
    _workbook(project.parent / "plan.xlsx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(project.parent / "plan.xlsx") as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info, source.read(info))
        out.writestr(part, b"<" + b" " * size)
    (project.parent / "bom.xlsx").write_bytes(buffer.getvalue())
    _edit(project, "file: ke-hoach.csv", "file: bom.xlsx")
    result = _bounded("validate", project.name, cwd=project.parent)
    assert result.returncode == 2
    limit = 10 if part.endswith(".xml") else 50
    assert "bom.xlsx: the workbook's parts take " in result.stderr
    assert f"MB once unpacked, more than the {limit} MB a plan table can take." in result.stderr
    _no_traceback(result)


def test_a_workbook_is_loaded_once(project, monkeypatch):
    from openpyxl.reader.excel import ExcelReader

    _workbook(project.parent / "plan.xlsx")
    _edit(project, "file: ke-hoach.csv", "file: plan.xlsx")
    reads = []
    original = ExcelReader.read
    monkeypatch.setattr(ExcelReader, "read", lambda self: reads.append(1) or original(self))
    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("a second load"))
    dispatch = load_dispatch(project)
    assert reads == [1]
    assert dispatch.annexes[0].plan.clusters[0].provinces == ["Hà Nội", "Bắc Ninh"]


# --- images ------------------------------------------------------------------------------------

@pytest.mark.parametrize("side, field", [(20000, "signature_image"), (12000, "signature_image"), (12000, "seal_image")])
def test_an_image_past_the_pixel_limit_is_refused_at_its_field(project, side, field):
    """20000 x 20000: DecompressionBombError; 12000 x 12000: accepted, 120 s and 3.3 GB per batch."""
    from PIL import Image

    Image.new("1", (side, side)).save(project.parent / "anh.png")
    line = _edit(project, "signer:\n", f"signer:\n  {field}: anh.png\n") + 1
    result = _bounded("validate", project.name, cwd=project.parent)
    assert result.returncode == 2
    assert (f"{project.name}:{line}: signer.{field}: the image is {side} x {side} pixels, more than the "
            f"{MAX_IMAGE_PIXELS / 1e6:g} million pixels a signature or seal image can have.") in result.stderr
    _no_traceback(result)


def test_an_image_within_the_limit_is_accepted(project):
    from PIL import Image

    Image.new("RGBA", (4000, 4000)).save(project.parent / "anh.png")
    _edit(project, "signer:\n", "signer:\n  signature_image: anh.png\n")
    assert load_dispatch(project).signer.signature_image


@pytest.mark.parametrize("field", ["signature_image", "seal_image"])
def test_a_text_file_named_png_fails_validate_at_its_field(project, field):
    (project.parent / "anh.png").write_text("không phải ảnh", encoding="utf-8")
    line = _edit(project, "signer:\n", f"signer:\n  {field}: anh.png\n") + 1
    message = _refused(project)
    assert message == (f"{project}:{line}: signer.{field}: anh.png is not an image, or a damaged one. "
                       "Give a PNG or JPEG file.")


def test_the_signature_block_refuses_a_bomb_given_past_the_loader(tmp_path):
    from PIL import Image

    from generator.render.images import signature_block

    Image.new("1", (20000, 20000)).save(tmp_path / "bom.png")
    code = ("from pathlib import Path\nfrom generator.render.images import signature_block\n"
            "from generator.errors import InputError\n"
            f"try:\n    signature_block(Path({str(tmp_path / 'bom.png')!r}), None)\n"
            "except InputError as exc:\n    print(exc.format_message())\n")
    result = _bounded(cwd=tmp_path, code=code)
    assert "the image is 20000 x 20000 pixels" in result.stdout, result.stderr[-2000:]
    assert signature_block  # imported in-process too: the module loads


# --- user templates ----------------------------------------------------------------------------

HUGE = {
    "ljust": "{{ 'x'.ljust(10**8) }}",
    "center": "{{ 'x'|center(10**8) }}",
    "format filter": "{{ '%0100000000d'|format(1) }}",
    "percent": "{{ '%0100000000d' % 1 }}",
    "str.format width": "{{ '{:>100000000}'.format(1) }}",
    "str.format nested width": "{{ '{:>{w}}'.format(1, w=10**8) }}",
    "replace": "{{ ('x' * 10**6).replace('x', 'x' * 1000) }}",
    "replace filter": "{{ ('x' * 10**6)|replace('x', 'x' * 1000) }}",
    "join filter": "{{ (['x' * 10**6] * 1000)|join }}",
    "join method": "{{ ''.join(['x' * 10**6] * 1000) }}",
    "zfill": "{{ '1'.zfill(10**9) }}",
    "expandtabs": "{{ ('\\t' * 10**6).expandtabs(1000) }}",
    "indent": "{{ ('a\\n' * 10**5)|indent('y' * 10**4) }}",
    "star width": "{{ '%*d' % (10**8, 1) }}",
    "loop": "{% for i in range(10**5) %}{{ 'x' * 10**6 }}{% endfor %}",
    "join separator": "{{ ([''] * 10**6)|join('x' * 10**6) }}",
    "indent width": "{{ ('a\\n' * 10**5)|indent(10**6) }}",
    "namespace": "{% set ns = namespace(t='') %}{% for i in range(10**5) %}{% set ns.t = ns.t ~ 'x' * 10**6 %}"
                 "{% endfor %}{{ ns.t|length }}",
}


def test_no_template_builds_or_renders_more_than_the_limit(tmp_path):
    """Each case built 10^8 to 10^9 characters (one line rendered for 101 s)."""
    code = (
        "import json, sys\n"
        "from generator.render.templating import Sandbox\n"
        "from jinja2.sandbox import SecurityError\n"
        "out = {}\n"
        f"for name, source in json.loads({json.dumps(json.dumps(HUGE))}).items():\n"
        "    try:\n"
        "        out[name] = len(Sandbox().from_string(source).render())\n"
        "    except SecurityError as exc:\n"
        "        out[name] = str(exc)\n"
        "print(json.dumps(out))\n"
    )
    result = _bounded(cwd=tmp_path, code=code)
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout)
    for name, message in outcome.items():
        assert isinstance(message, str), name
        assert message.startswith("the text it builds would be "), (name, message)
        assert message.endswith(f"characters, more than the {MAX_RENDER_CHARS:,} a template may produce"), name


def test_ordinary_template_code_still_renders():
    from generator.render.templating import Sandbox

    source = "{{ 'hello %s'|format('a') }} {{ 'x'.ljust(5) }}|{{ [1, 2]|join(',') }} {{ '{:>4}'.format(7) }}"
    assert Sandbox().from_string(source).render() == "hello a x    |1,2    7"
    numbers = "{{ '{:,}'.format(10**12) }} {{ '%d' % 10**12 }} {{ '%s đồng'|format(10**12) }} {{ (10**12)|string }}"
    assert Sandbox().from_string(numbers).render() == ("1,000,000,000,000 1000000000000 1000000000000 đồng "
                                                       "1000000000000")
    counted = "{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}"
    assert Sandbox().from_string(counted).render() == "3"
    assert Sandbox().from_string("{{ 'a\nb'|indent(2, first=True) }}").render() == "  a\n  b"


def _user_template(folder: Path, snippet: str) -> int:
    text = (TEMPLATES_DIR / "dispatch.html.j2").read_text(encoding="utf-8")
    head, tail = text.split("<body>\n", 1)
    folder.mkdir(exist_ok=True)
    (folder / "dispatch.html.j2").write_text(f"{head}<body>\n{snippet}\n{tail}", encoding="utf-8")
    return head.count("\n") + 2


@pytest.mark.parametrize("case", ["ljust", "join filter", "loop"])
def test_a_huge_template_stops_the_render_naming_its_line(project, case):
    line = _user_template(project.parent / "mau", HUGE[case])
    result = _bounded("render", project.name, "--templates", "mau", "--format", "pdf", "--out", "out",
                      cwd=project.parent)
    assert result.returncode == 2
    assert f"mau/dispatch.html.j2:{line}: the template tried something templates may not do (the text it " \
           "builds would be " in result.stderr
    assert not (project.parent / "out" / "cong-van.pdf").exists()
    _no_traceback(result)


def test_a_huge_docx_template_value_is_refused(second, tmp_path):
    from generator.render.docx import _jinja_env

    with pytest.raises(Exception) as caught:
        _jinja_env().from_string("{{ 'x'.ljust(10**8) }}").render()
    assert "the text it builds would be 100,000,000 characters" in str(caught.value)


def test_a_symlink_loop_a_template_uses_is_refused_at_its_line(project):
    """``Error fetching … (Symlink loop from …)``, exit 1, before."""
    line = _user_template(project.parent / "mau", '<img src="vong.png">')
    _loop(project.parent / "mau")
    (project.parent / "mau" / "vong.png").symlink_to("loop1")
    result = CliRunner().invoke(cli, ["render", str(project), "--templates", str(project.parent / "mau"),
                                      "--format", "pdf", "--out", str(project.parent / "out")])
    assert result.exit_code == 2, result.output
    assert f"{project.parent / 'mau' / 'dispatch.html.j2'}:{line}: the template asks for file://" in result.output
    assert "which was not fetched: a link that leads back to itself" in result.output


def test_an_svg_linking_out_in_a_templates_folder_names_the_svg(project):
    """"Failed to render SVG image", exit 1, no line, before."""
    line = _user_template(project.parent / "mau", '<img src="logo.svg">')
    assert line
    (project.parent / "mau" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">\n'
        '<image xlink:href="http://127.0.0.1:9/x.png" width="10" height="10"/></svg>\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", str(project), "--templates", str(project.parent / "mau"),
                                      "--format", "pdf", "--out", str(project.parent / "out")])
    assert result.exit_code == 2, result.output
    assert f"{project.parent / 'mau' / 'logo.svg'}:2: the template asks for http://127.0.0.1:9/x.png, which " \
           "was not fetched" in result.output
    assert "Failed to render SVG" not in result.output


# --- congvan check -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, bytes]:
    from generator.render.docx import docx_bytes
    from generator.render.pdf import pdf_bytes

    dispatch = load_dispatch(EXAMPLE)
    return {"pdf": pdf_bytes(dispatch), "docx": docx_bytes(dispatch)}


def _check(tmp_path: Path, *files: str, profile: str | None = None) -> subprocess.CompletedProcess:
    args = ["check", *files] + (["--profile", profile] if profile else [])
    return _bounded(*args, cwd=tmp_path)


@pytest.mark.parametrize("kind", ["/dev/zero", "fifo", "link to /dev/zero"])
def test_check_refuses_what_is_not_a_regular_file(tmp_path, kind):
    """``/dev/zero`` was read until memory ran out; a FIFO hung."""
    if kind == "fifo":
        os.mkfifo(tmp_path / "ong.pdf")
        name = "ong.pdf"
    elif kind.startswith("link"):
        (tmp_path / "zero.docx").symlink_to("/dev/zero")
        name = "zero.docx"
    else:
        name = kind
    result = _check(tmp_path, name)
    assert result.returncode == 2
    assert f"Error: {name}: not a regular file (a device, a pipe or a folder). Give a PDF or DOCX file." in result.stderr
    _no_traceback(result)


def _docx_variant(data: bytes, change=None, extra: tuple[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if change and info.filename == "word/document.xml":
                part = change(part)
            target.writestr(info.filename, part)
        if extra:
            target.writestr(*extra)
    return out.getvalue()


@pytest.mark.parametrize("size, expected", [
    (60_000_000, "its part word/media/big.bin takes 60.0 MB once unpacked, more than the 50 MB the checker reads in one part"),
    (2**31, "MB once unpacked, more than the 200 MB the checker reads (a zip bomb"),
])
def test_check_refuses_a_docx_whose_media_inflates_past_the_limit(tmp_path, rendered, size, expected):
    """A 2 MB DOCX with a 2 GiB media part took 4.2 GB."""
    if size > 100_000_000:  # a 2 GiB part, as its directory entry says (it compresses to 2 MB)
        data = _docx_variant(rendered["docx"], extra=("word/media/big.bin", b"x"))
        entry = data.rfind(b"word/media/big.bin") - 46  # its central directory header
        assert data[entry:entry + 4] == b"PK\x01\x02"
        data = data[: entry + 24] + size.to_bytes(4, "little") + data[entry + 28:]
    else:
        data = _docx_variant(rendered["docx"], extra=("word/media/big.bin", b"\0" * size))
    (tmp_path / "to.docx").write_bytes(data)
    result = _check(tmp_path, "to.docx")
    assert result.returncode == 2
    assert f"Error: to.docx: {expected}" in result.stderr or (
        "Error: to.docx: its parts take 2,1" in result.stderr and expected in result.stderr)
    _no_traceback(result)


def test_check_refuses_a_docx_of_too_many_paragraphs(tmp_path, rendered):
    """8 million empty paragraphs in 110 KB took about 9 minutes."""
    data = _docx_variant(rendered["docx"], lambda d: d.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * 2_000_000, 1))
    (tmp_path / "p.docx").write_bytes(data)
    result = _check(tmp_path, "p.docx")
    assert result.returncode == 2
    assert (f"Error: p.docx: more than {MAX_CHECK_PARAGRAPHS:,} paragraphs, far more than any dispatch."
            in result.stderr)
    _no_traceback(result)


def test_check_reads_a_docx_just_under_the_paragraph_limit(tmp_path, rendered):
    from generator.check.bounds import docx_fits

    with zipfile.ZipFile(io.BytesIO(rendered["docx"])) as z:
        body = z.read("word/document.xml")
    existing = len(re.findall(rb"<w:p[\s/>]", body))
    data = _docx_variant(rendered["docx"], lambda d: d.replace(
        b"<w:body>", b"<w:body>" + b"<w:p/>" * (MAX_CHECK_PARAGRAPHS - existing), 1))
    docx_fits(data, "x.docx")  # no error


def test_check_names_a_docx_with_a_doctype(tmp_path, rendered):
    """"'_cython_3_2_9.cython_function_or_method' object has no attribute 'endswith'" before."""
    data = _docx_variant(rendered["docx"], lambda d: d.replace(
        b"?>", b'?><!DOCTYPE w:document [<!ENTITY a "aaaa">]>', 1))
    (tmp_path / "d.docx").write_bytes(data)
    result = _check(tmp_path, "d.docx")
    assert result.returncode == 2
    assert ("Error: d.docx: its part word/document.xml declares a DOCTYPE, which Word never writes"
            in result.stderr)
    _no_traceback(result)


def _pdf_bomb(path: Path, size: int, filters: list[str]) -> None:
    import base64
    import zlib

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    data = zlib.compress(b"BT ET " + b" " * size, 9)
    if "/ASCII85Decode" in filters:
        data = base64.a85encode(data) + b"~>"
    stream = pikepdf.Stream(pdf, data)
    stream["/Filter"] = pikepdf.Array([pikepdf.Name(f) for f in filters])
    pdf.pages[0].Contents = pdf.make_indirect(stream)
    pdf.save(path, compress_streams=False)


@pytest.mark.parametrize("filters", [["/FlateDecode"], ["/ASCII85Decode", "/FlateDecode"]])
def test_check_refuses_a_pdf_stream_that_inflates_past_the_limit(tmp_path, filters):
    """A 1.5 MB PDF whose content stream inflates to 1.5 GB took 3 GB, then exit 0."""
    _pdf_bomb(tmp_path / "b.pdf", 1_500_000_000 if len(filters) == 1 else 300_000_000, filters)
    result = _check(tmp_path, "b.pdf")
    assert result.returncode == 2
    assert "Error: b.pdf: a stream of the PDF (object " in result.stderr
    assert "inflates to more than 20 MB" in result.stderr
    _no_traceback(result)


def _pdf_with_font_stream(size: int) -> bytes:
    import zlib

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    font = pikepdf.Stream(pdf, zlib.compress(b"\0" * size, 9))
    font["/Filter"] = pikepdf.Name.FlateDecode
    font["/Length1"] = size
    pdf.Root["/X"] = pdf.make_indirect(font)
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


def test_check_gives_an_embedded_font_the_room_of_a_part_not_of_a_page():
    from generator.check import CheckReadError
    from generator.check.bounds import pdf_fits

    pdf_fits(_pdf_with_font_stream(30_000_000), "font.pdf")  # a large CJK face: no error
    with pytest.raises(CheckReadError) as caught:
        pdf_fits(_pdf_with_font_stream(60_000_000), "font.pdf")
    assert "inflates to more than 50 MB" in str(caught.value)


def test_check_refuses_a_pdf_of_too_many_pages(tmp_path):
    import pikepdf

    pdf = pikepdf.new()
    for _ in range(MAX_CHECK_PAGES + 1):
        pdf.add_blank_page()
    pdf.save(tmp_path / "dai.pdf")
    result = _check(tmp_path, "dai.pdf")
    assert result.returncode == 2
    assert (f"Error: dai.pdf: {MAX_CHECK_PAGES + 1} pages, more than the {MAX_CHECK_PAGES} the checker reads."
            in result.stderr)


def test_check_releases_each_pdf_page_before_reading_the_next(rendered, monkeypatch):
    """200 pages took 0.96 GB: every page's objects were kept to the end."""
    import pdfplumber.page

    from generator.check import check_bytes, pdf_reader

    events = []
    close, lines = pdfplumber.page.Page.close, pdf_reader._page_lines
    monkeypatch.setattr(pdfplumber.page.Page, "close", lambda self: events.append(("close", self.page_number))
                        or close(self))
    monkeypatch.setattr(pdf_reader, "_page_lines", lambda page, number: events.append(("read", number))
                        or lines(page, number))
    report = check_bytes(rendered["pdf"], "cong-van.pdf")
    assert report.kind == "pdf"
    pages = len(pdfplumber.open(io.BytesIO(rendered["pdf"])).pages)
    assert pages > 1
    expected = [event for n in range(1, pages + 1) for event in (("read", n), ("close", n))]
    assert events[: 2 * pages] == expected


@pytest.mark.parametrize("user", ["secret", ""])
def test_check_names_a_password_protected_pdf(tmp_path, rendered, user):
    import pikepdf

    with pikepdf.open(io.BytesIO(rendered["pdf"])) as pdf:
        pdf.save(tmp_path / "kin.pdf", encryption=pikepdf.Encryption(user=user, owner="chu"))
    result = _check(tmp_path, "kin.pdf")
    if user:
        assert result.returncode == 2
        assert ("Error: kin.pdf: the PDF is protected by a password. Check a copy saved without the password."
                in result.stderr)
    else:  # only an owner password: it opens, and is checked
        assert result.returncode in (0, 1), result.stderr
    _no_traceback(result)


def test_check_refuses_a_file_past_the_size_limit(tmp_path, monkeypatch):
    from generator.check import CheckReadError, check_file

    path = tmp_path / "lon.pdf"
    with path.open("wb") as f:
        f.write(b"%PDF-1.7\n")
        f.truncate(60_000_000)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read"))
    with pytest.raises(CheckReadError) as caught:
        check_file(path)
    assert str(caught.value).startswith(f"{path}: the file is 60.0 MB, more than the 50 MB the checker reads.")


# --- check --profile ---------------------------------------------------------------------------

@pytest.mark.parametrize("files, expected", [
    ({"self.json": {"base": "self.json"}},
     "self.json: base: the profiles name each other as base (self.json -> self.json)."),
    ({"a.json": {"base": "b.json"}, "b.json": {"base": "a.json"}},
     "a.json: base: the profiles name each other as base (a.json -> b.json -> a.json)."),
    ({"a.json": {"tolerance_pt": None}}, "a.json: tolerance_pt: must be a number; got null"),
    ({"a.json": {"tolerance_mm": "nửa"}}, "a.json: tolerance_mm: must be a number; got \"nửa\""),
    ({"a.json": {"margin_left": [30]}}, "a.json: margin_left: must be a range of two numbers, [low, high]; got [30]"),
    ({"a.json": {"body": [14, 13]}}, "a.json: body: the low end 14.0 is above the high end 13.0; write [low, high]"),
    ({"a.json": {"body": [13, None]}}, "a.json: body.1: must be a number; got null"),
    ({"a.json": {"base": 5}}, "a.json: base: must be the name of a profile"),
    ({"a.json": [1, 2]}, "a.json: not a valid profile (it must be a JSON object of fields)"),
])
def test_a_wrong_profile_is_refused_naming_the_field(tmp_path, rendered, files, expected):
    """A self-based profile: RecursionError; ``null``: 16 rules "not evaluated" and exit 0."""
    for name, content in files.items():
        (tmp_path / name).write_text(json.dumps(content), encoding="utf-8")
    (tmp_path / "cv.pdf").write_bytes(rendered["pdf"])
    result = _check(tmp_path, "cv.pdf", profile=next(iter(files)))
    assert result.returncode == 2
    assert f"Error: {expected}" in result.stderr
    _no_traceback(result)


def test_a_profile_with_nan_is_refused(tmp_path):
    from generator.check import get_profile

    (tmp_path / "a.json").write_text('{"tolerance_pt": NaN}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        get_profile(str(tmp_path / "a.json"))
    assert "tolerance_pt: must be a number; got NaN" in caught.value.format_message()


def test_a_valid_profile_file_still_applies(tmp_path):
    from generator.check import get_profile

    (tmp_path / "base.json").write_text('{"margin_left": [30, 32]}', encoding="utf-8")
    (tmp_path / "a.json").write_text('{"base": "' + str(tmp_path / "base.json") + '", "tolerance_pt": 0.5}',
                                     encoding="utf-8")
    profile = get_profile(str(tmp_path / "a.json"))
    assert profile.margin_left == (30, 32) and profile.tolerance_pt == 0.5 and profile.body == (13, 14)
