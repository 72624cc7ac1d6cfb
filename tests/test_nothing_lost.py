"""Nothing lost: a batch killed with SIGKILL at any point, a folder that cannot be
written, a full disk. Earlier outputs and the manifest stay as they were, no temporary
file is left behind, and the next run completes the folder byte for byte as a clean
run would.

The kill points are deterministic: ``CONGVAN_TEST_KILL`` (see :mod:`generator.atomic`)
makes the batch kill itself with SIGKILL at a chosen write, either after the temporary
file is written and before it is renamed (``tmp:…``) or just after the rename
(``done:…``). The batch runs with one worker, so writes come in plan order:
``phu-luc.pdf`` (1), ``phu-luc.docx`` (2), ``24-bac-giang.pdf`` (3), … the 8th
output, then ``manifest.json``, ``report.json``, ``report.txt``.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, ROOT

from generator import load_dispatch
from generator.batch.run import run_batch
from generator.cli import cli

#: A plan of 3 provinces: 4 files per format (the shared annex and 3 copies).
SMALL_PLAN = (
    'TT,Cụm,Từ ngày,Đến ngày,"Tỉnh, thành phố"\n'
    '1,Cụm 1,12/9/2022,30/9/2022,"Bắc Giang, Bắc Ninh"\n'
    '2,Cụm 2,13/9/2022,23/9/2022,"Thái Nguyên"\n'
)
#: The same plan after a schedule change of cluster 2.
MOVED_PLAN = SMALL_PLAN.replace("2,Cụm 2,13/9/2022,23/9/2022", "2,Cụm 2,15/9/2022,25/9/2022")
OUTPUTS = {f"{s}.{f}" for s in ("phu-luc", "24-bac-giang", "27-bac-ninh", "19-thai-nguyen") for f in ("pdf", "docx")}
#: Files that describe a run rather than its outputs (what it wrote, when, its pid).
RUN_FILES = {"report.json", "report.txt", ".congvan.lock"}


def _example(folder: Path, plan: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for f in EXAMPLE.parent.iterdir():
        shutil.copy(f, folder / f.name)
    (folder / "ke-hoach.csv").write_text(plan, encoding="utf-8")
    return folder / "cong-van.yaml"


def _files(folder: Path) -> dict[str, bytes]:
    """Every file of the folder but the run's own, by name relative to it."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in RUN_FILES}


def _assert_manifest_matches_disk(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    on_disk = {p.name for p in folder.iterdir() if p.suffix in (".pdf", ".docx")}
    assert set(manifest["outputs"]) == on_disk
    for name, entry in manifest["outputs"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == entry["sha256"], name


def _no_temporaries(folder: Path) -> None:
    assert not [p.name for p in folder.rglob("*.tmp")]


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """Clean runs, uninterrupted, of the small plan and of the moved one."""
    base = tmp_path_factory.mktemp("clean")
    out = {}
    for key, plan in (("small", SMALL_PLAN), ("moved", MOVED_PLAN)):
        yaml = _example(base / f"{key}-src", plan)
        folder = base / key
        run_batch(load_dispatch(yaml), folder, formats=["pdf", "docx"], jobs=1)
        out[key] = _files(folder)
        assert set(out[key]) == OUTPUTS | {"manifest.json"}
        _assert_manifest_matches_disk(folder)
    return out


def _killed_batch(yaml: Path, folder: Path, point: str) -> None:
    """``congvan batch`` in a subprocess, killing itself with SIGKILL at ``point``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONGVAN_LANG": "en", "CONGVAN_TEST_KILL": point}
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "batch", str(yaml), "--per-province", "--jobs", "1",
         "--out", str(folder)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, proc.stderr)


def _rerun(yaml: Path, folder: Path) -> None:
    result = CliRunner().invoke(cli, ["batch", str(yaml), "--per-province", "--jobs", "1", "--out", str(folder)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("point", "complete_outputs"),
    [
        ("done:1", 1),            # after the first output
        ("tmp:4", 3),             # in the middle of the 4th: its temporary file is written, not renamed
        ("tmp:manifest.json", 8),  # every output written, the manifest not yet
        ("tmp:report.txt", 8),     # the manifest written, the report half
    ],
)
def test_a_first_batch_killed_anywhere_is_completed_by_the_next_run(clean, tmp_path, point, complete_outputs):
    yaml = _example(tmp_path / "src", SMALL_PLAN)
    folder = tmp_path / "copies"
    _killed_batch(yaml, folder, point)
    present = {p.name for p in folder.iterdir() if p.suffix in (".pdf", ".docx")}
    assert len(present) == complete_outputs
    for name in present:  # what a reader sees is whole: the bytes a clean run makes
        assert (folder / name).read_bytes() == clean["small"][name], name
    if point.startswith("tmp:"):
        assert list(folder.glob(".*.tmp")), "the kill came after the temporary file was written"
    _rerun(yaml, folder)
    assert _files(folder) == clean["small"]  # outputs and manifest, byte for byte
    _assert_manifest_matches_disk(folder)
    _no_temporaries(folder)
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert {w["file"] for w in report["written"]} | set(report["unchanged"]) == OUTPUTS


@pytest.mark.parametrize("point", ["tmp:3", "tmp:manifest.json"])
def test_a_rerun_killed_after_a_schedule_change_keeps_the_previous_manifest(clean, tmp_path, point):
    """The folder holds a complete earlier run; the schedule changes; the run that
    remakes cluster 2's copies (and the shared annex) is killed."""
    yaml = _example(tmp_path / "src", SMALL_PLAN)
    folder = tmp_path / "copies"
    folder.mkdir()
    for name, data in clean["small"].items():
        (folder / name).write_bytes(data)
    (yaml.parent / "ke-hoach.csv").write_text(MOVED_PLAN, encoding="utf-8")
    _killed_batch(yaml, folder, point)
    after = _files(folder)
    assert after["manifest.json"] == clean["small"]["manifest.json"]
    for name, data in after.items():  # each file is either the old one or the new one, whole
        if name.endswith(".tmp"):
            continue
        assert data in (clean["small"].get(name), clean["moved"].get(name)), name
    for name in ("24-bac-giang.pdf", "24-bac-giang.docx", "27-bac-ninh.pdf", "27-bac-ninh.docx"):
        assert after[name] == clean["small"][name]  # not to be remade: untouched
    _rerun(yaml, folder)
    assert _files(folder) == clean["moved"]
    _assert_manifest_matches_disk(folder)
    _no_temporaries(folder)
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["plan_changes"] == ["Cụm 2: 13/9/2022–23/9/2022 -> 15/9/2022–25/9/2022"]


# --- a folder that cannot be written ------------------------------------------------------


def _assert_clean_error(result, *phrases: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and "Traceback" not in result.output, result.output
    for phrase in phrases:
        assert phrase in result.output, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_an_output_folder_that_is_a_file_is_refused_with_a_message(tmp_path):
    yaml = _example(tmp_path / "src", SMALL_PLAN)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    for command in (["render", str(yaml)], ["batch", str(yaml), "--per-province"], ["print", str(yaml)]):
        # the folder itself a file: the command line says so before anything is done
        result = CliRunner().invoke(cli, [*command, "--out", str(blocker)])
        assert result.exit_code == 2 and f"'{blocker}' is a file" in result.output, result.output
        # a folder inside a file: found when writing
        result = CliRunner().invoke(cli, [*command, "--out", str(blocker / "sub")])
        _assert_clean_error(result, f"cannot write to {blocker / 'sub'}", "Choose another --out folder")
    assert blocker.read_text() == "a file where the folder should be"


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder holding earlier outputs that cannot be written: by its mode for an
    ordinary user; for root, whom modes do not stop, a tmpfs remounted read-only."""
    folder = tmp_path / "ro"
    folder.mkdir()

    def fill(files: dict[str, bytes]) -> None:
        for name, data in files.items():
            (folder / name).write_bytes(data)

    if os.geteuid() != 0:
        yield folder, lambda files: (fill(files), folder.chmod(0o555))
        folder.chmod(0o755)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("running as root, where a folder's mode does not stop writes, and without "
                    "the right (CAP_SYS_ADMIN) to mount a read-only file system")
    try:
        def fill_and_freeze(files: dict[str, bytes]) -> None:
            fill(files)
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)

        yield folder, fill_and_freeze
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_read_only_output_folder_is_refused_and_left_as_it_was(clean, read_only_folder, tmp_path):
    folder, freeze = read_only_folder
    freeze({**clean["small"], "cong-van.pdf": b"earlier render"})
    before = _files(folder)
    yaml = _example(tmp_path / "src", MOVED_PLAN)
    for args in (["batch", str(yaml), "--per-province", "--out", str(folder)],
                 ["render", str(yaml), "--format", "docx", "--out", str(folder)]):
        result = CliRunner().invoke(cli, args)
        _assert_clean_error(result, "cannot write to", str(folder), "Choose another --out folder")
    assert _files(folder) == before


# --- a full disk --------------------------------------------------------------------------


def test_a_full_disk_is_said_and_leaves_earlier_outputs(clean, tmp_path, monkeypatch):
    """Everywhere: the third write of the run fails as a full disk does (ENOSPC); the
    disk has room again for the manifest."""
    yaml = _example(tmp_path / "src", MOVED_PLAN)
    folder = tmp_path / "copies"
    folder.mkdir()
    for name, data in clean["small"].items():
        (folder / name).write_bytes(data)
    real_fsync, calls = os.fsync, []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    result = CliRunner().invoke(cli, ["batch", str(yaml), "--per-province", "--jobs", "1", "--out", str(folder)])
    monkeypatch.undo()
    # phu-luc.pdf and phu-luc.docx were remade; 19-thai-nguyen.pdf found the disk full
    _assert_clean_error(result, f"cannot write {folder / '19-thai-nguyen.pdf'}: the disk is full",
                        "Free some space")
    after = _files(folder)
    assert after["19-thai-nguyen.pdf"] == clean["small"]["19-thai-nguyen.pdf"]
    _no_temporaries(folder)
    _assert_manifest_matches_disk(folder)  # it records the two new files, and the old one
    _rerun(yaml, folder)
    assert _files(folder) == clean["moved"]


@pytest.fixture
def small_disk(tmp_path):
    """A real 8 MB tmpfs, for root with CAP_SYS_ADMIN."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root with CAP_SYS_ADMIN; "
                    "test_a_full_disk_is_said_and_leaves_earlier_outputs covers the same in-process")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path) -> None:
    """Write a filler file until the disk is full."""
    try:
        with open(disk / "filler", "wb") as fh:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    assert os.statvfs(disk).f_bavail == 0


def test_a_really_full_disk(clean, small_disk, tmp_path):
    yaml = _example(tmp_path / "src", SMALL_PLAN)
    folder = small_disk / "copies"
    _rerun(yaml, folder)
    render = CliRunner().invoke(cli, ["render", str(yaml), "--out", str(small_disk / "one")])
    assert render.exit_code == 0, render.output
    before, one = _files(folder), _files(small_disk / "one")
    assert before == clean["small"]
    _fill(small_disk)
    (yaml.parent / "ke-hoach.csv").write_text(MOVED_PLAN, encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(yaml), "--per-province", "--jobs", "1", "--out", str(folder)])
    _assert_clean_error(result, "the disk is full", str(folder), "Free some space")
    assert _files(folder) == before
    _no_temporaries(small_disk)
    result = CliRunner().invoke(cli, ["render", str(yaml), "--out", str(small_disk / "one")])
    _assert_clean_error(result, f"cannot write {small_disk / 'one' / 'cong-van.pdf'}: the disk is full")
    assert _files(small_disk / "one") == one
    _no_temporaries(small_disk)
    (small_disk / "filler").unlink()
    _rerun(yaml, folder)
    assert _files(folder) == clean["moved"]
