"""A plain `pip install .` carries the templates and fonts and renders from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest
from conftest import EXAMPLE, ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True, capture_output=True,
    )
    (path,) = out.glob("congvan-*.whl")
    return path


def test_wheel_contains_templates_fonts_and_licence(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in [
        "generator/_data/templates/dispatch.html.j2",
        "generator/_data/templates/annex.html.j2",
        "generator/_data/templates/page.css.j2",
        "generator/_data/templates/dispatch.docx",
        "generator/_data/assets/fonts/LiberationSerif-Regular.ttf",
        "generator/_data/assets/fonts/LiberationSerif-BoldItalic.ttf",
        "generator/_data/assets/fonts/LICENSE-OFL.txt",
        "generator/_data/examples/to-cong-nghe-so-2022/cong-van.yaml",
        "generator/_data/examples/to-cong-nghe-so-2022/ke-hoach.csv",
        # congvan serve works offline: its templates and script are in the package
        "generator/web/templates/edit.html.j2",
        "generator/web/static/app.js",
        "generator/web/static/app.css",
    ]:
        assert expected in names


def test_installed_wheel_renders_outside_the_source_tree(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True, capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("CONGVAN_QR_CACHE", None)
    out = tmp_path / "out"
    code = "import sys; from generator.cli import cli; cli.main(sys.argv[1:])"
    run = subprocess.run(
        [sys.executable, "-c", code, "render", str(EXAMPLE), "--out", str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.iterdir()) == ["cong-van.docx", "cong-van.pdf"]
    check = subprocess.run(
        [sys.executable, "-c", "import generator.resources as r; print(r.DATA_ROOT)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )
    assert check.stdout.strip() == str(target / "generator" / "_data")
    assert list((tmp_path / "cache" / "congvan" / "qr").glob("qr-*.png"))


def test_installed_wheel_starts_a_dispatch_with_init(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True, capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    code = "import sys; from generator.cli import cli; cli.main(sys.argv[1:])"
    for args in (["init", "moi"], ["validate", "moi/cong-van.yaml"]):
        run = subprocess.run([sys.executable, "-c", code, *args], cwd=tmp_path, env=env, capture_output=True,
                             text=True)
        assert run.returncode == 0, run.stderr
    assert (tmp_path / "moi" / "ke-hoach.csv").read_bytes() == (EXAMPLE.parent / "ke-hoach.csv").read_bytes()


def test_wheel_metadata_names_version_licence_and_shows_no_repository_picture(wheel):
    from email.parser import Parser

    from generator import __version__

    archive = zipfile.ZipFile(wheel)
    (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
    meta = Parser().parsestr(archive.read(name).decode("utf-8"))
    assert meta["Version"] == __version__  # one source: generator/__init__.py
    assert meta["License-Expression"] == "MIT"
    assert "LICENSE" in meta.get_all("License-File")
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in archive.namelist())
    assert meta["Author"] and len(meta.get_all("Classifier")) >= 8
    description = meta.get_payload()
    assert description.startswith("# congvan") and "## Quick start" in description
    import re

    # a picture or link by a path in the repository would be broken on a package page
    assert not re.findall(r"\]\((?!https?:|#)[^)]*\)", description)
    assert "[`generator/locale/vi.po`]" not in description and "`generator/locale/vi.po`" in description
    assert not any(d.startswith("viparse") for d in meta.get_all("Requires-Dist"))
