"""`congvan schema` describes the YAML as a person writes it: every YAML of the examples
and tests is valid against it, what it accepts loads, and what the loader refuses (a
sample) it refuses too."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import typing
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, FIXTURES, ROOT
from ruamel.yaml import YAML

from generator import load_dispatch
from generator.cli import cli
from generator.errors import InputError

YAMLS = sorted([*(ROOT / "examples").rglob("*.yaml"), *FIXTURES.rglob("*.yaml")])


def _as_an_editor_reads(value):
    """The YAML's data as JSON: a date is text to an editor (YAML 1.2 has no date type)."""
    if isinstance(value, dict):
        return {str(k): _as_an_editor_reads(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_an_editor_reads(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _read(path: Path):
    return _as_an_editor_reads(YAML(typ="safe").load(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(CliRunner().invoke(cli, ["schema"]).output)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_schema_names_itself_and_describes_every_property_in_vietnamese(validator):
    schema = validator.schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] and schema["title"]
    described = []

    def walk(node, where):
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                assert sub.get("description"), f"{where}.{name} has no description"
                described.append(sub["description"])
            for key, sub in node.items():
                if key != "anyOf":  # conditions on properties described where they are defined
                    walk(sub, f"{where}.{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{where}[{i}]")

    walk(schema, "$")
    assert len(described) > 60
    vietnamese = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")
    assert all(set(d.lower()) & vietnamese for d in described), [d for d in described
                                                                 if not set(d.lower()) & vietnamese]
    assert schema["properties"]["date"]["examples"] and schema["properties"]["code"]["examples"]


def _model_fields(model, seen=None):
    """Every field path of the model, as ``Dispatch.signer.name``."""
    from pydantic import BaseModel

    out = set()
    for name, field in model.model_fields.items():
        out.add(f"{model.__name__}.{name}")
        stack = [field.annotation]
        while stack:
            t = stack.pop()
            if isinstance(t, type) and issubclass(t, BaseModel) and t is not model:
                out |= _model_fields(t)
            stack += list(typing.get_args(t))
    return out


def test_every_field_of_the_model_is_in_the_schema(validator):
    from generator.input.model import Dispatch

    def names(node):
        found = set()
        if isinstance(node, dict):
            found |= set(node.get("properties", {}))
            for sub in node.values():
                found |= names(sub)
        elif isinstance(node, list):
            for sub in node:
                found |= names(sub)
        return found

    in_schema = names(validator.schema)
    missing = {f for f in _model_fields(Dispatch) if f.split(".")[1] not in in_schema}
    assert not missing


@pytest.mark.parametrize("path", YAMLS, ids=lambda p: p.name)
def test_every_yaml_of_the_examples_and_tests_is_valid(validator, path):
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(_read(path))]
    assert not errors


def _second():
    return _read(FIXTURES / "second-dispatch.yaml")


def _example():
    return _read(EXAMPLE)


def _write(tmp_path, data, plan_from=None):
    path = tmp_path / "cong-van.yaml"
    if plan_from is not None:
        (tmp_path / "ke-hoach.csv").write_bytes((plan_from.parent / "ke-hoach.csv").read_bytes())
    out = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, out)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _with(base, change):
    data = copy.deepcopy(base())
    change(data)
    return data


def _set(path, value):
    def change(data):
        node = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value
    return change


def _drop(path):
    def change(data):
        node = data
        for part in path[:-1]:
            node = node[part]
        del node[path[-1]]
    return change


#: Shorthands a person writes, which the schema accepts and the loader reads.
ACCEPTED = {
    "date as a year": (_second, _set(("date",), 2025)),
    "date as year and month": (_second, _set(("date",), {"year": 2025, "month": 3})),
    "date in full as text": (_second, _set(("date",), "2025-03-05")),
    "prefix without a dot, in lower case": (_second, _set(("signer", "authority", 0, "prefix"), "kt")),
    "urgency in lower case": (_second, _set(("marks", "urgency"), "hỏa tốc")),
    "secrecy in mixed case": (_second, _set(("marks", "secrecy"), "Tối mật")),
    "plan written in the YAML": (_example, _set(("annexes", 0, "plan"), {"clusters": [
        {"name": "Cụm 1", "start": "2022-09-12", "end": "2022-09-30", "provinces": ["Bắc Giang", "Bắc Ninh"]},
        {"start": "2022-09-13", "end": "2022-09-23", "provinces": ["Thái Nguyên"]}], "unit": "tỉnh"})),
    "plan from a file, with a unit": (_example, _set(("annexes", 0, "plan"), {"file": "ke-hoach.csv",
                                                                              "unit": "tỉnh, thành phố"})),
    "per-province settings": (_example, _set(("per_province",), {
        "recipient": "Sở Thông tin và Truyền thông {unit} {name}", "tones": "old", "highlight": True})),
    "a body with contact only": (_second, _set(("body",), {"contact": ["Liên hệ: ông A."]})),
}


@pytest.mark.parametrize("case", ACCEPTED, ids=list(ACCEPTED))
def test_what_the_schema_accepts_loads(validator, tmp_path, case):
    base, change = ACCEPTED[case]
    data = _with(base, change)
    assert not list(validator.iter_errors(data))
    load_dispatch(_write(tmp_path, data, EXAMPLE if base is _example else None))


#: A sample of what the loader refuses, each refused by the schema too.
REFUSED = {
    "a missing required field": (_second, _drop(("subject",))),
    "a misspelt field": (_second, _set(("recipents",), ["Sở Y tế"])),
    "an empty text": (_second, _set(("place",), " ")),
    "text where a list belongs": (_second, _set(("recipients",), "Sở Y tế")),
    "no recipients": (_second, _set(("recipients",), [])),
    "number 0": (_second, _set(("number",), 0)),
    "a number as text": (_second, _set(("number",), "bảy")),
    "a date in day/month/year": (_second, _set(("date",), "05/03/2025")),
    "a month 13": (_second, _set(("date",), {"year": 2025, "month": 13})),
    "a day without a month": (_second, _set(("date",), {"year": 2025, "day": 5})),
    "a code with a slash": (_second, _set(("code",), "STC/NS")),
    "a subject starting with V/v": (_second, _set(("subject",), "V/v hướng dẫn lập dự toán")),
    "an unknown signing prefix": (_second, _set(("signer", "authority", 0, "prefix"), "XT.")),
    "a signer without title or authority": (_second, _set(("signer",), {"name": "Trần Thị Bình"})),
    "a seal without a signature": (_second, _set(("signer", "seal_image"), "con-dau.png")),
    "copies without the drafter": (_second, _drop(("distribution", "drafter"))),
    "an unknown urgency": (_second, _set(("marks", "urgency"), "gấp")),
    "an empty body": (_second, _set(("body",), {"closing": "Trân trọng./."})),
    "a web address without https": (_example, _set(("qr_codes", 0, "url"), "onetouch.mic.gov.vn")),
    "a plan with both file and clusters": (_example, _set(("annexes", 0, "plan"), {
        "file": "ke-hoach.csv",
        "clusters": [{"start": "2022-09-12", "end": "2022-09-30", "provinces": ["Bắc Giang"]}]})),
    "a cluster without provinces": (_example, _set(("annexes", 0, "plan"), {"clusters": [
        {"start": "2022-09-12", "end": "2022-09-30", "provinces": []}]})),
    "a recipient line without {name}": (_example, _set(("per_province", "recipient"), "Ủy ban nhân dân tỉnh")),
    "an unknown tone style": (_example, _set(("per_province", "tones"), "moi")),
    "a zero-width space": (_second, _set(("place",), "Bắc\u200bNinh")),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_what_the_loader_refuses_the_schema_refuses(validator, tmp_path, case):
    base, change = REFUSED[case]
    data = _with(base, change)
    with pytest.raises(InputError):
        load_dispatch(_write(tmp_path, data, EXAMPLE if base is _example else None))
    assert list(validator.iter_errors(data)), "the schema accepts what the loader refuses"
