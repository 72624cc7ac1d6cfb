"""Runs on the computers clerks have: workers started with ``spawn`` (Windows has no
``fork``) make the same bytes, no module needs ``fcntl``, and the folder lock keeps its
guarantees with a portable library, never following a link."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ROOT

from generator import load_dispatch
from generator.batch import run as batch
from generator.cli import cli


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix in (".pdf", ".docx")}


def test_spawned_workers_make_the_same_bytes_as_forked_ones(small_example, tmp_path, monkeypatch):
    model = load_dispatch(small_example)
    made = {}
    for method in ("fork", "spawn"):
        monkeypatch.setenv("CONGVAN_START_METHOD", method)
        assert batch._context().get_start_method() == method
        out = tmp_path / method
        result = batch.run_batch(model, out, formats=["pdf", "docx"], jobs=2)
        assert len(result.written) == 20  # 9 copies and the annex, in two formats
        batch.run_print(model, out, formats=["pdf", "docx"], jobs=2)
        made[method] = _files(out)
    assert "print/in-tat-ca.pdf" in made["spawn"] and "print/in-tat-ca.docx" in made["spawn"]
    assert made["spawn"].keys() == made["fork"].keys()
    different = [name for name in made["fork"] if made["fork"][name] != made["spawn"][name]]
    assert not different


def test_workers_spawn_where_the_system_cannot_fork(monkeypatch):
    import multiprocessing

    monkeypatch.delenv("CONGVAN_START_METHOD", raising=False)
    assert batch._context().get_start_method() == "fork"
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert batch._context().get_start_method() == "spawn"  # Windows
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["fork", "spawn", "forkserver"])
    monkeypatch.setattr(sys, "platform", "darwin")
    assert batch._context().get_start_method() == "spawn"  # macOS


def test_every_module_imports_without_fcntl():
    code = (
        "import importlib, pkgutil, sys\n"
        "sys.modules['fcntl'] = None  # as on Windows: `import fcntl` raises ImportError\n"
        "import generator\n"
        "names = [m.name for m in pkgutil.walk_packages(generator.__path__, 'generator.') if not m.name.endswith('__main__')]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "assert 'generator.batch.locking' in names and 'generator.cli' in names\n"
        "print(len(names))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 20


@pytest.mark.parametrize("kind", ["link to a file", "link to nowhere", "folder"])
def test_a_lock_path_that_is_not_a_plain_file_is_refused_and_never_followed(small_example, tmp_path, kind):
    out = tmp_path / "out"
    out.mkdir()
    precious = tmp_path / "thu-cua-toi.txt"
    precious.write_text("nội dung của người dùng\n", encoding="utf-8")
    before = precious.stat()
    lock = out / ".congvan.lock"
    if kind == "link to a file":
        lock.symlink_to(precious)
    elif kind == "link to nowhere":
        lock.symlink_to(tmp_path / "khong-co.txt")
    else:
        lock.mkdir()
    result = CliRunner().invoke(cli, ["batch", str(small_example), "--per-province", "--format", "pdf",
                                      "--out", str(out)])
    assert result.exit_code == 3, result.output
    assert result.output.strip() == (
        f"Error: {lock} is not a plain file (a link, a folder or a device): congvan will not lock "
        "through it. Delete it, or choose another --out folder.")
    assert precious.read_text(encoding="utf-8") == "nội dung của người dùng\n"
    assert precious.stat().st_mtime_ns == before.st_mtime_ns
    assert not (tmp_path / "khong-co.txt").exists()
    assert not list(out.glob("*.pdf"))


def test_the_font_cache_folder_is_found_without_user_ids(monkeypatch, tmp_path):
    """Windows has no os.getuid: the prepared faces still get a folder of the user's."""
    from generator.render import fonts

    monkeypatch.delattr(os, "getuid")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    fonts.prepared_folder.cache_clear()
    try:
        folder = fonts.prepared_folder()
    finally:
        fonts.prepared_folder.cache_clear()
    assert folder.parent == tmp_path / "cache" / "congvan" and folder.is_dir()
