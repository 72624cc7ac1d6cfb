"""`congvan init` starts a dispatch of one's own: a commented YAML that points the
editor at the schema, its plan CSV and the schema, all of which load and validate."""

from __future__ import annotations

import json

import jsonschema
from click.testing import CliRunner
from conftest import EXAMPLE
from ruamel.yaml import YAML
from test_schema import _read

from generator import load_dispatch
from generator.cli import cli


def _init(*args):
    return CliRunner().invoke(cli, ["init", *args], prog_name="congvan")


def test_init_writes_a_dispatch_that_loads_and_the_schema_it_names(tmp_path):
    folder = tmp_path / "cong-van-cua-toi"
    result = _init(str(folder))
    assert result.exit_code == 0, result.output
    assert {p.name for p in folder.iterdir()} == {"congvan.schema.json", "cong-van.yaml", "ke-hoach.csv"}
    assert result.output.splitlines()[:3] == [f"wrote {folder / n}" for n in
                                              ("cong-van.yaml", "ke-hoach.csv", "congvan.schema.json")]
    text = (folder / "cong-van.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=congvan.schema.json"
    assert "# Công văn mới" in text and "congvan validate cong-van.yaml" in text
    # the example as shipped, with its comments: the same dispatch once loaded
    assert load_dispatch(folder / "cong-van.yaml") == load_dispatch(EXAMPLE)
    assert (folder / "ke-hoach.csv").read_bytes() == (EXAMPLE.parent / "ke-hoach.csv").read_bytes()
    schema = json.loads((folder / "congvan.schema.json").read_text(encoding="utf-8"))
    assert schema == json.loads(CliRunner().invoke(cli, ["schema"]).output)
    jsonschema.Draft202012Validator(schema).validate(_read(folder / "cong-van.yaml"))
    assert CliRunner().invoke(cli, ["validate", str(folder / "cong-van.yaml")]).exit_code == 0


def test_init_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _init().exit_code == 0
    assert (tmp_path / "cong-van.yaml").is_file()
    YAML(typ="safe").load((tmp_path / "cong-van.yaml").read_text(encoding="utf-8"))


def test_init_never_overwrites(tmp_path):
    (tmp_path / "ke-hoach.csv").write_text("của tôi\n", encoding="utf-8")
    result = _init(str(tmp_path))
    assert result.exit_code == 2
    assert result.output.strip() == (f"Error: {tmp_path / 'ke-hoach.csv'} already exists: congvan init never "
                                     "overwrites a file. Choose another folder, or move the file away.")
    assert [p.name for p in tmp_path.iterdir()] == ["ke-hoach.csv"]
    assert (tmp_path / "ke-hoach.csv").read_text(encoding="utf-8") == "của tôi\n"


def test_init_says_what_to_do_next_in_vietnamese(tmp_path):
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "moi")], env={"CONGVAN_LANG": "vi"})
    assert result.exit_code == 0
    assert result.output.splitlines()[-1].startswith(f"Tiếp theo: sửa {tmp_path / 'moi' / 'cong-van.yaml'}, rồi")
