"""Every kind of input mistake, end to end through `congvan render`.

For each case: one message naming the file and line (or the plan file's row), the
field and the fix; exit status 2; no traceback; and the outputs of an earlier good
run left exactly as they were (bytes and modification time). Both languages: the
English message with ``--lang en``, and the default (Vietnamese) message.
"""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE

from generator.cli import cli

YAML = EXAMPLE.read_text(encoding="utf-8")
CSV = (EXAMPLE.parent / "ke-hoach.csv").read_text(encoding="utf-8")


def _line(text: str) -> int:
    return YAML.splitlines().index(text) + 1


# (id, file to edit, old, new, English message part, Vietnamese message part, where)
CASES = [
    ("bad-indentation", "yaml", "  year: 2022\n", "    year: 2022\n  month: x\n y: 1\n",
     "YAML syntax", "lỗi cú pháp YAML", "cong-van.yaml:"),
    ("tab", "yaml", "  year: 2022\n", "\tyear: 2022\n", "Indent with spaces, never tabs.",
     "không dùng phím Tab", "cong-van.yaml:"),
    ("unclosed-quote", "yaml", "  title: Thứ trưởng\n", '  title: "Thứ trưởng\n',
     f"The double quote opened on line {_line('  title: Thứ trưởng')} is never closed",
     f"Dấu ngoặc kép mở ở dòng {_line('  title: Thứ trưởng')} chưa được đóng", "cong-van.yaml:"),
    ("unknown-field", "yaml", "recipients:\n", "recipents:\n",
     "unknown field `recipents`. Did you mean `recipients`?",
     "không có trường `recipents`. Có phải ý bạn là `recipients`?", f"cong-van.yaml:{_line('recipients:')}:"),
    ("missing-field", "yaml", "  title: Thứ trưởng\n  name: Nguyễn Huy Dũng\n", "  title: Thứ trưởng\n",
     "signer.name: missing required field. Add `name:`", "thiếu trường bắt buộc. Hãy thêm `name:`",
     "cong-van.yaml:"),
    ("wrong-type", "yaml", "  year: 2022\n", "  year: hai nghìn\n",
     "date.year: must be a whole number; got 'hai nghìn'", "phải là số nguyên", f"cong-van.yaml:{_line('  year: 2022')}:"),
    ("empty-list", "yaml", "recipients:\n  - Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh\n", "recipients: []\n",
     "recipients: needs at least 1 item(s)", "cần ít nhất 1 mục", f"cong-van.yaml:{_line('recipients:')}:"),
    ("impossible-date", "yaml", "  year: 2022\n", "  year: 2022\n  month: 2\n  day: 31\n",
     "31/2/2022 does not exist: month 2 of 2022 has 28 days", "không có thật", "cong-van.yaml:"),
    ("range-backwards", "csv", "2,Cụm 2,13/9/2022,23/9/2022", "2,Cụm 2,23/9/2022,13/9/2022",
     "the range ends (13/09/2022) before it starts (23/09/2022): swap start and end", "hãy đổi chỗ start và end",
     "ke-hoach.csv:row 3"),
    ("deadline-never-shown", "yaml", "ngày {deadline}.", "ngày 9/9/2022.",
     "body.directives.2: deadline is set but the text never shows it", "có ghi deadline nhưng nội dung không dùng đến",
     f"cong-van.yaml:{YAML.splitlines().index('      deadline: 2022-09-09') - 5}:"),  # its "- text:" line
    ("year-of-another-dispatch", "yaml", "      deadline: 2022-09-09", "      deadline: 2021-09-09",
     "9/9/2021 is in 2021, but the dispatch is dated 2022", "nhưng văn bản đề năm 2022",
     f"cong-van.yaml:{_line('      deadline: 2022-09-09')}:"),
    ("unknown-province", "csv", "Thái Nguyên", "Thái Nguyen x",
     "is not a province on 11/09/2022", "không phải là tỉnh, thành phố", "ke-hoach.csv:row 3"),
    ("province-twice", "csv", "Lạng Sơn, Bắc Kạn", "Lạng Sơn, Bắc Giang",
     "listed twice, in clusters 1 and 2: keep one", "có tên hai lần, ở cụm 1 và cụm 2", "ke-hoach.csv:row 3"),
    ("empty-cluster", "csv", '"Thái Nguyên, Lạng Sơn, Bắc Kạn, Cao Bằng"', '""',
     "provinces: needs at least 1 item(s)", "cần ít nhất 1 mục", "ke-hoach.csv:row 3"),
    ("qr-not-a-url", "yaml", "    url: https://onetouch.mic.gov.vn", "    url: onetouch.mic.gov.vn",
     "is not a web address: write it in full", "không phải là địa chỉ web",
     f"cong-van.yaml:{_line('    url: https://onetouch.mic.gov.vn')}:"),
    ("qr-too-long", "yaml", "    url: https://onetouch.mic.gov.vn", "    url: https://onetouch.mic.gov.vn/" + "a" * 400,
     "too fine to scan", "quá nhỏ để quét", f"cong-van.yaml:{_line('    url: https://onetouch.mic.gov.vn')}:"),
    ("control-character", "yaml", "  name: Nguyễn Huy Dũng", '  name: "Nguyễn Huy\\x07 Dũng"',
     "the control character U+0007 cannot be printed", "ký tự điều khiển U+0007", "cong-van.yaml:"),
    ("u-fffe", "yaml", "  name: Nguyễn Huy Dũng", '  name: "Nguyễn Huy\\uFFFE Dũng"',
     "U+FFFE", "U+FFFE", "cong-van.yaml:"),
    ("legacy-tcvn3", "yaml", "  name: Nguyễn Huy Dũng", "  name: NguyÔn Huy Dòng",
     "--legacy-encoding tcvn3", "--legacy-encoding tcvn3", "cong-van.yaml:"),
]


@pytest.fixture
def folder(tmp_path):
    """A copy of the example, rendered once: the earlier outputs a mistake must not touch."""
    for f in EXAMPLE.parent.iterdir():
        shutil.copy(f, tmp_path / f.name)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["--lang", "en", "render", str(tmp_path / EXAMPLE.name), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return tmp_path


def _snapshot(out):
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(out.iterdir())}


@pytest.mark.parametrize(("kind", "old", "new", "english", "vietnamese", "where"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_mistake_is_one_clear_message_and_nothing_is_touched(
        folder, monkeypatch, kind, old, new, english, vietnamese, where):
    target = folder / (EXAMPLE.name if kind == "yaml" else "ke-hoach.csv")
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    out = folder / "out"
    before = _snapshot(out)
    for lang, expected, prefix in (("en", english, "Error: "), ("vi", vietnamese, "Lỗi: ")):
        monkeypatch.setenv("CONGVAN_LANG", lang)
        result = CliRunner().invoke(cli, ["render", str(folder / EXAMPLE.name), "--out", str(out)])
        assert result.exit_code == 2, result.output
        assert result.output.startswith(prefix), result.output
        assert expected in result.output, result.output
        if lang == "en":  # "row 3" reads "dòng 3" in Vietnamese
            assert where in result.output, result.output
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert _snapshot(out) == before
