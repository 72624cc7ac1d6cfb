"""Messages in Vietnamese by default, in English with ``--lang en``.

The catalogue ``generator/locale/vi.po`` must translate every message the code can
show (found by Babel's extractor, as ``pybabel extract`` would), keep each message's
placeholders, and the command line must speak Vietnamese unless asked otherwise.
"""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, ROOT

PACKAGE = ROOT / "generator"
CATALOGUE = PACKAGE / "locale" / "vi.po"


def _catalogue():
    from babel.messages.pofile import read_po

    with CATALOGUE.open("rb") as f:
        return read_po(f, locale="vi")


def _messages_in_code() -> dict[str, str]:
    """Every literal passed to ``_()``, ``N_()`` or ``translate()`` in the package: message -> where."""
    from babel.messages.extract import extract_from_dir

    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords={"_": None, "N_": None, "translate": None},
    ):
        if isinstance(message, str) and message:
            found.setdefault(message, f"generator/{filename}:{lineno}")
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_code_shows_many_messages_through_the_catalogue():
    # The extractor sees the calls: were messages written as bare f-strings again,
    # this would drop and the next test would check nothing.
    assert len(_messages_in_code()) > 150


def test_every_message_in_the_code_has_a_vietnamese_translation():
    translated = {m.id: m.string for m in _catalogue() if m.id and m.string and not m.fuzzy}
    missing = {m: where for m, where in _messages_in_code().items() if m not in translated}
    assert not missing, "add these to generator/locale/vi.po:\n" + "\n".join(
        f"  {where}: {m!r}" for m, where in sorted(missing.items(), key=lambda x: x[1])
    )


def test_translations_keep_every_placeholder():
    wrong = [
        (m.id, m.string) for m in _catalogue()
        if m.id and m.string and _fields(m.id) != _fields(m.string)
    ]
    assert not wrong


def test_each_message_is_in_the_catalogue_once():
    ids = [m.id for m in _catalogue() if m.id]
    assert len(ids) == len(set(ids))
    # Babel's reader keeps one of two entries with the same msgid: count them in the file
    import re
    from collections import Counter

    raw = re.findall(r'^msgid ((?:".*"\n?)+)', CATALOGUE.read_text(encoding="utf-8"), re.M)
    assert [m for m, n in Counter(raw).items() if n > 1 and m != '""\n'] == []


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """The example with a typo in a field name and a date that does not exist."""
    for f in EXAMPLE.parent.iterdir():
        shutil.copy(f, tmp_path / f.name)
    path = tmp_path / EXAMPLE.name
    text = path.read_text(encoding="utf-8").replace("\nrecipients:", "\nrecipents:", 1)
    path.write_text(text, encoding="utf-8")
    return path


def _run(args: list[str], env: dict[str, str] | None = None):
    from generator.cli import cli

    return CliRunner().invoke(cli, args, env=env or {})


def test_messages_are_in_vietnamese_by_default(broken, monkeypatch):
    monkeypatch.delenv("CONGVAN_LANG")
    result = _run(["validate", str(broken)])
    assert result.exit_code == 2
    assert result.output.startswith("Lỗi: ")
    assert "không có trường `recipents`. Có phải ý bạn là `recipients`?" in result.output
    assert "Traceback" not in result.output


def test_lang_en_gives_english(broken, monkeypatch):
    monkeypatch.delenv("CONGVAN_LANG")
    result = _run(["--lang", "en", "validate", str(broken)])
    assert result.exit_code == 2
    assert result.output.startswith("Error: ")
    assert "unknown field `recipents`. Did you mean `recipients`?" in result.output


def test_the_environment_variable_chooses_the_language_too(broken):
    result = _run(["validate", str(broken)], env={"CONGVAN_LANG": "vi"})
    assert "không có trường `recipents`" in result.output


@pytest.mark.parametrize(
    ("old", "new", "vietnamese"),
    [
        ("\nrecipients:", "\nrecipients: [\n", "lỗi cú pháp YAML"),
        ("  year: 2022\n", "  year: 2022\n  month: 2\n  day: 31\n", "không có thật: tháng 2 năm 2022 chỉ có 28 ngày"),
        ("- Bắc Giang", "- Bắc Giangg", "không phải là tỉnh, thành phố vào ngày"),
    ],
)
def test_common_mistakes_are_explained_in_vietnamese(tmp_path, monkeypatch, old, new, vietnamese):
    for f in EXAMPLE.parent.iterdir():
        shutil.copy(f, tmp_path / f.name)
    path = tmp_path / EXAMPLE.name
    text = path.read_text(encoding="utf-8")
    if old not in text:
        csv = tmp_path / "ke-hoach.csv"
        assert old.strip("- ") in csv.read_text(encoding="utf-8")
        csv.write_text(csv.read_text(encoding="utf-8").replace(old.strip("- "), new.strip("- "), 1), encoding="utf-8")
    else:
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    monkeypatch.setenv("CONGVAN_LANG", "vi")
    result = _run(["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert vietnamese in result.output
    assert "Traceback" not in result.output
