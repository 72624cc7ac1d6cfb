"""`congvan watch`: the copies and print files kept current while the clerk edits the
schedule; a broken save shown and survived; Ctrl-C stops."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time

from click.testing import CliRunner
from conftest import EXAMPLE, ROOT
from pdfread import PdfReader

from generator.batch.watching import fingerprint
from generator.cli import cli

CLUSTER5 = {"38-thanh-hoa", "40-nghe-an", "42-ha-tinh", "44-quang-binh", "45-quang-tri",
            "46-thua-thien-hue", "48-da-nang", "phu-luc"}
OLD, NEW = "5,Cụm 5,12/9/2022,30/9/2022", "5,Cụm 5,14/9/2022,28/9/2022"


class _Watch:
    """A `congvan watch` subprocess whose output lines are read on a thread."""

    def __init__(self, *args: str, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "watch", *args], cwd=ROOT, env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=1)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def until(self, marker: str, timeout: float = 240) -> list[str]:
        """The lines up to the first one holding ``marker``."""
        got: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                assert self.proc.poll() is None, "watch stopped:\n" + "".join(self.seen[-40:])
                continue
            got.append(line)
            self.seen.append(line)
            if marker in line:
                return got
        raise AssertionError(f"no {marker!r} within {timeout} s:\n" + "".join(self.seen[-40:]))

    def stop(self, signum: int) -> tuple[int, str]:
        """Send ``signum``; the exit status and all watch said."""
        self.proc.send_signal(signum)
        code = self.proc.wait(60)
        self.reader.join(10)
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        return code, "".join(self.seen) + "".join(self.lines.queue)


def _snapshot(folder):
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.suffix in (".pdf", ".docx")}


def test_watch_remakes_what_a_save_changes_survives_a_broken_save_and_stops_on_ctrl_c(tmp_path):
    source = tmp_path / "cong-van"
    shutil.copytree(EXAMPLE.parent, source)
    csv = source / "ke-hoach.csv"
    original = csv.read_text(encoding="utf-8")
    out = source / "ban-in"  # inside the watched folder: what watch writes must not wake it
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONGVAN_LANG": "en", "CONGVAN_QR_CACHE": str(tmp_path / "qr")}
    watch = _Watch(str(source / "cong-van.yaml"), "--out", str(out), "--jobs", "2", env=env)
    try:
        first = watch.until("up to date")
        assert any(line.startswith("wrote 128,") for line in first), first
        assert (out / "print" / "in-tat-ca.pdf").is_file() and (out / "print" / "in-tat-ca.docx").is_file()
        time.sleep(1.5)  # nothing changes: watch must stay quiet (its own outputs do not wake it)
        assert watch.lines.empty(), watch.lines.get()
        before = _snapshot(out)

        csv.write_text(original.replace(OLD, NEW), encoding="utf-8")
        made = watch.until("up to date")
        assert any("a file changed" in line for line in made)
        after = _snapshot(out)
        expected = {f"{s}.{f}" for s in CLUSTER5 for f in ("pdf", "docx")} | {
            "print/in-tat-ca.pdf", "print/in-tat-ca.docx"}
        assert {n for n in after if after[n][0] != before[n][0]} == expected
        assert {n for n in after if after[n][1] != before[n][1]} == expected  # the others untouched
        assert "từ ngày 14/9/2022 đến ngày 28/9/2022" in PdfReader((out / "38-thanh-hoa.pdf").read_bytes()).all_text()

        # A save with a mistake: the message names the file, the outputs stay, watch goes on.
        csv.write_text(original.replace(OLD, "5,Cụm 5,12/9/2022,31/2/2022"), encoding="utf-8")
        broken = watch.until("not made")
        assert any(line.startswith("Error:") and "ke-hoach.csv" in line for line in broken), broken
        assert not any("Traceback" in line for line in broken)
        assert _snapshot(out) == after

        csv.write_text(original, encoding="utf-8")
        watch.until("up to date")
        assert _snapshot(out)["38-thanh-hoa.pdf"][0] == before["38-thanh-hoa.pdf"][0]  # back as it was
    finally:
        code, said = watch.stop(signal.SIGINT)
    assert code == 0
    assert "Stopped." in said


def test_watch_stopped_by_kill_exits_143_and_says_so(tmp_path):
    source = tmp_path / "cong-van"
    shutil.copytree(EXAMPLE.parent, source)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONGVAN_LANG": "en", "CONGVAN_QR_CACHE": str(tmp_path / "qr")}
    watch = _Watch(str(source / "cong-van.yaml"), "--out", str(tmp_path / "out"), "--format", "docx", env=env)
    try:
        watch.until("Watching")
    finally:
        code, said = watch.stop(signal.SIGTERM)
    assert code == 143
    assert "Stopped." in said and "Traceback" not in said


def test_watch_stops_at_once_on_a_missing_file(tmp_path):
    result = CliRunner().invoke(cli, ["--lang", "en", "watch", str(tmp_path / "khong-co.yaml")])
    assert result.exit_code == 2
    assert "khong-co.yaml" in result.output and "Traceback" not in result.output


def test_watch_refuses_to_write_into_the_folder_it_watches(tmp_path):
    shutil.copytree(EXAMPLE.parent, tmp_path / "cv")
    result = CliRunner().invoke(cli, ["--lang", "en", "watch", str(tmp_path / "cv" / "cong-van.yaml"),
                                      "--out", str(tmp_path / "cv")])
    assert result.exit_code == 2
    assert "--out may not be the folder of cong-van.yaml" in result.output
    assert not (tmp_path / "cv" / "manifest.json").exists()


def test_what_is_watched(tmp_path):
    (tmp_path / "cv.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "ke-hoach.xlsx").write_bytes(b"x")
    (tmp_path / "~$ke-hoach.xlsx").write_bytes(b"lock")  # Excel's lock file
    (tmp_path / ".cv.yaml.swp").write_bytes(b"x")  # an editor's
    (tmp_path / "mau").mkdir()
    (tmp_path / "mau" / "dispatch.html.j2").write_text("x", encoding="utf-8")
    (tmp_path / "ban-in").mkdir()
    (tmp_path / "ban-in" / "01-ha-noi.pdf").write_bytes(b"x")
    seen = {os.path.relpath(p, tmp_path) for p in fingerprint(tmp_path / "cv.yaml", leave_out=(tmp_path / "ban-in",))}
    assert seen == {"cv.yaml", "ke-hoach.xlsx", os.path.join("mau", "dispatch.html.j2")}
