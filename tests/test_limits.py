"""Resource bounds: input far larger than any dispatch stops with a clear message when it
is read, before anything is rendered, instead of rendering for minutes or running out
of memory. The limits are in :mod:`generator.input.model` and the README ("Limits")."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, FIXTURES
from pydantic import ValidationError

from generator import load_dispatch
from generator.cli import cli
from generator.errors import InputError
from generator.input.model import MAX_BODY, MAX_FILE_BYTES, MAX_ITEMS, MAX_TEXT, Body, Dispatch

SECOND = FIXTURES / "second-dispatch.yaml"


def _yaml_with(tmp_path, old: str, new: str, source=SECOND):
    text = source.read_text(encoding="utf-8")
    assert old in text
    if source == EXAMPLE:
        shutil.copy(source.parent / "ke-hoach.csv", tmp_path)
    path = tmp_path / "cong-van.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _subject_line() -> str:
    return next(line for line in SECOND.read_text(encoding="utf-8").splitlines() if line.startswith("subject:"))


def test_a_10_mb_text_field_stops_before_the_file_is_parsed(tmp_path):
    path = _yaml_with(tmp_path, _subject_line(), "subject: " + "Hướng dẫn triển khai " * 500_000)
    with pytest.raises(InputError) as err:
        load_dispatch(path)
    message = err.value.format_message()
    assert message.startswith(f"{path}: the file is ")
    assert f"more than the {MAX_FILE_BYTES / 1e6:g} MB a dispatch can be" in message
    assert "Check that it is the right file" in message


def test_a_10_mb_text_field_is_refused_by_the_model_alone(second):
    data = second.model_dump()
    data["body"]["opening"] = ["chữ " * 2_500_000]
    with pytest.raises(ValidationError) as err:
        Dispatch.model_validate(data)
    assert [e["loc"] for e in err.value.errors()] == [("body", "opening", 0)]
    assert "this text is 9,999,999 characters, more than the 10,000 a field holds" in str(err.value)


def test_a_text_over_the_limit_is_refused_with_its_line_and_field(tmp_path):
    path = _yaml_with(tmp_path, _subject_line(), "subject: " + "chữ " * 3000)
    with pytest.raises(InputError) as err:
        load_dispatch(path)
    line = next(i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if t.startswith("subject:"))
    assert err.value.format_message() == (
        f"{path}:{line}: subject: this text is 11,999 characters, more than the 10,000 a field holds "
        "(about three pages). Shorten it, or split it into paragraphs, or send long material as a "
        "separate document.")


def test_a_text_at_the_limit_is_accepted(second):
    body = Body.model_validate({"opening": ["x" * MAX_TEXT]})
    assert len(body.opening[0]) == MAX_TEXT


def test_10000_clusters_stop_at_the_plan(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for f in EXAMPLE.parent.iterdir():
        shutil.copy(f, src / f.name)
    rows = [f'{i},Cụm {i},12/9/2022,30/9/2022,"Tỉnh {i}"' for i in range(1, 10_001)]
    (src / "ke-hoach.csv").write_text('TT,Cụm,Từ ngày,Đến ngày,"Tỉnh, thành phố"\n' + "\n".join(rows) + "\n",
                                      encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_dispatch(src / "cong-van.yaml")
    message = err.value.format_message()
    assert "annexes.0.plan.clusters: 10,000 items, more than the 100 this list holds." in message
    assert "check that the plan file is the right one" in message
    assert "\n" not in message  # one message, not one per cluster


def test_a_100_page_body_is_refused_before_rendering(tmp_path, monkeypatch):
    paragraph = "Đề nghị các cơ quan, đơn vị phối hợp triển khai thực hiện nghiêm túc các nội dung. " * 24
    opening = "\n".join(f"    - {paragraph}" for _ in range(150))
    path = _yaml_with(tmp_path, "body:\n  opening:\n", "body:\n  opening:\n" + opening + "\n", source=EXAMPLE)
    import generator.render.docx
    import generator.render.pdf

    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered")

    monkeypatch.setattr(generator.render.pdf, "pdf_bytes", no_rendering)
    monkeypatch.setattr(generator.render.docx, "docx_bytes", no_rendering)
    result = CliRunner().invoke(cli, ["render", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert ": body: the body is " in result.output
    assert "characters (about 100 pages), more than the 60,000 (about 20 pages) a dispatch holds." in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


@pytest.mark.parametrize("field", ["recipients", "distribution.recipients", "body.directives"])
def test_a_list_over_the_limit_is_refused_with_its_field(second, field):
    data = second.model_dump()
    *parents, last = field.split(".")
    holder = data
    for p in parents:
        holder = holder[p]
    holder[last] = [holder[last][0]] * 10_000
    with pytest.raises(ValidationError) as err:
        Dispatch.model_validate(data)
    assert [e["loc"] for e in err.value.errors()] == [tuple(field.split("."))]
    assert f"10,000 items, more than the {MAX_ITEMS} this list holds." in str(err.value)


def test_the_limits_leave_room_for_any_real_dispatch(example):
    texts = [*example.body.opening, *example.body.contact]
    texts += [t for d in example.body.directives for t in (d.text, *d.items)]
    assert sum(map(len, texts)) * 10 < MAX_BODY
    assert EXAMPLE.stat().st_size * 50 < MAX_FILE_BYTES
