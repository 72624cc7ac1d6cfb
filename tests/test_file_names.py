"""File names built from data stay in the output folder and never collide.

Names come from three places: a copy's stem (the province's code and the slug of its
name, :attr:`generator.batch.copies.ProvinceCopy.stem`), ``render``'s output named after the
YAML file, and the names a manifest on disk lists (which a batch archives when they
leave the plan). Print files have fixed names.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, FIXTURES

from generator.batch.copies import ProvinceCopy
from generator.batch.manifest import Manifest, safe_name
from generator.cli import cli
from generator.input import provinces

STEM = re.compile(r"\d{2}-[a-z0-9]+(-[a-z0-9]+)*")


def _copy_named(name: str, code: str = "01") -> ProvinceCopy:
    real = provinces.match("Hà Nội", dt.date(2022, 9, 12))
    return ProvinceCopy(province=dataclasses.replace(real, name=name, code=code), cluster_index=0,
                        cluster=None, cluster_name="Cụm 1", recipient="x")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("../../x", "01-x"),
        ("/etc/passwd", "01-etc-passwd"),
        ("..\\..\\Windows\\x", "01-windows-x"),
        ("CON", "01-con"),  # a device name on Windows, harmless after the code
        ("nul.txt", "01-nul-txt"),
        ("a:b*c?d|e<f>g\"h", "01-a-b-c-d-e-f-g-h"),
        ("Đắk\u0000Lắk\u202e", "01-dak-lak"),
        ("   ", "01-"),
    ],
)
def test_a_copys_stem_is_ascii_and_stays_in_the_folder(name, stem):
    assert _copy_named(name).stem == stem


def test_a_300_character_name_gives_a_file_name_the_disk_accepts(tmp_path):
    stem = _copy_named("Thành phố " + "rất dài " * 40).stem
    assert len(stem) <= 63 and STEM.fullmatch(stem)
    (tmp_path / f"{stem}.docx").write_bytes(b"")  # the file system takes it


def test_two_names_with_one_slug_differ_by_their_codes():
    a, b = _copy_named("Hòa Bình", "17"), _copy_named("Hoà Bình", "99")
    assert a.stem != b.stem and a.stem.split("-", 1)[1] == b.stem.split("-", 1)[1]


def test_every_province_of_the_registry_on_any_date_has_its_own_name():
    """Stems are unique among the provinces in force on a date, also without regard to
    case (Windows and macOS folders), for the 63 until 30/6/2025 and the 34 since."""
    for on in (dt.date(2022, 9, 12), dt.date(2025, 6, 30), dt.date(2025, 7, 1), dt.date(2026, 1, 5)):
        stems = [_copy_of(p).stem for p in provinces.in_force(on)]
        assert all(STEM.fullmatch(s) for s in stems)
        assert len({s.casefold() for s in stems}) == len(stems), on


def _copy_of(province) -> ProvinceCopy:
    return ProvinceCopy(province=province, cluster_index=0, cluster=None, cluster_name="", recipient="")  # type: ignore[arg-type]


@pytest.mark.parametrize("stem", ["x" * 250, "công-văn-" * 20 + "cuối", "CON", "-n", "$(touch pwned)"])
def test_render_names_its_files_after_the_yaml_file_inside_the_out_folder(tmp_path, stem):
    """``render`` names its outputs after the YAML file: a long name (250 bytes, the
    longest a folder takes with the extension) is written too, through a temporary name
    that keeps only the start of it."""
    assert len(f"{stem}.docx".encode()) <= 255
    src = tmp_path / "src"
    src.mkdir()
    yaml = src / f"{stem}.yaml"
    shutil.copy(FIXTURES / "second-dispatch.yaml", yaml)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["render", str(yaml), "--format", "docx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == [f"{stem}.docx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "src"]


@pytest.mark.parametrize("name", ["../outside.pdf", "/tmp/outside.pdf", "print/../../outside.pdf",
                                  ".congvan.lock", "sub\\..\\x.pdf", ""])
def test_a_manifest_naming_files_outside_the_folder_is_not_followed(name):
    assert not safe_name(name)


def test_a_tampered_manifest_cannot_make_a_batch_move_a_file_from_outside(tmp_path):
    """A batch archives the files its manifest lists that are no longer in the plan: a
    manifest edited to list ``../outside.pdf`` must not move that file."""
    from generator import load_dispatch
    from generator.batch.run import run_batch

    src = tmp_path / "src"
    src.mkdir()
    for f in EXAMPLE.parent.iterdir():
        shutil.copy(f, src / f.name)
    (src / "ke-hoach.csv").write_text('TT,Cụm,Từ ngày,Đến ngày,"Tỉnh, thành phố"\n1,Cụm 1,12/9/2022,30/9/2022,Bắc Giang\n',
                                      encoding="utf-8")
    folder = tmp_path / "copies"
    folder.mkdir()
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"someone else's file")
    entry = {"inputs": {}, "sha256": "0" * 64, "about": {}}
    (folder / "manifest.json").write_text(json.dumps({"format": 1, "plan": {}, "outputs": {
        "../outside.pdf": entry, str(outside): entry, "print/../../outside.pdf": entry}}), encoding="utf-8")
    assert Manifest.load(folder).outputs == {}
    result = run_batch(load_dispatch(src / "cong-van.yaml"), folder, formats=["docx"], jobs=1)
    assert result.archived == []
    assert outside.read_bytes() == b"someone else's file"
    assert not (folder / "archive").exists()
    assert sorted(p.name for p in folder.glob("*.docx")) == ["24-bac-giang.docx", "phu-luc.docx"]
