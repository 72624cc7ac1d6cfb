"""Hostile input and faults around a batch folder (issue 11, §1 and §3): nothing archived
or written that the run was not asked for, a damaged manifest or a file where a folder
should be reported and survived, earlier reports kept, Ctrl-C and ``kill`` stopping a
run quietly, an internal error shown as one line with its traceback in a log file, and
``watch`` surviving whatever a save holds.

The runs use a plan of three provinces (eight files), except where a run must last long
enough to be interrupted. Subprocesses run under an address-space limit of 1 GiB and a
time limit, so that a regression fails instead of hanging CI.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, ROOT
from test_nothing_lost import SMALL_PLAN
from test_watch import _Watch as _WatchUnbounded

from generator.cli import cli

SMALL = {f"{s}.{f}" for s in ("phu-luc", "24-bac-giang", "27-bac-ninh", "19-thai-nguyen") for f in ("pdf", "docx")}
#: SMALL_PLAN without Bắc Ninh.
SHRUNK_PLAN = SMALL_PLAN.replace('"Bắc Giang, Bắc Ninh"', '"Bắc Giang"')
#: SMALL_PLAN after a schedule change of cluster 2.
MOVED_PLAN = SMALL_PLAN.replace("2,Cụm 2,13/9/2022,23/9/2022", "2,Cụm 2,15/9/2022,25/9/2022")

LIMIT_SECONDS = 60
LIMIT_BYTES = 1 << 30


def _limits() -> None:
    """In a test's subprocess: a generous bound on memory, so a regression fails, not hangs."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))


class _Watch(_WatchUnbounded):
    """`congvan watch` in a subprocess (lines read on a thread), under :func:`_limits`."""

    def __init__(self, *args: str, env: dict[str, str]) -> None:
        import queue
        import threading

        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "watch", *args], cwd=ROOT, env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=1, preexec_fn=_limits)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(10)
        assert self.proc.stdout is not None
        self.proc.stdout.close()


def _example(folder: Path, plan: str = SMALL_PLAN, name: str = "cong-van.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for f in EXAMPLE.parent.iterdir():
        shutil.copy(f, folder / f.name)
    (folder / "ke-hoach.csv").write_text(plan, encoding="utf-8")
    if name != "cong-van.yaml":
        (folder / "cong-van.yaml").rename(folder / name)
    return folder / name


def _run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def _assert_manifest_is_the_disk(folder: Path, suffixes: tuple[str, ...] = (".pdf", ".docx")) -> None:
    """Every file the manifest names is there with the bytes it records, and every copy
    on disk (of the formats ``suffixes``) is in the manifest."""
    outputs = _manifest(folder)["outputs"]
    for name, entry in outputs.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == entry["sha256"], name
    on_disk = {p.name for p in folder.iterdir() if p.suffix in suffixes}
    assert on_disk == {n for n in outputs if "/" not in n}


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A source folder of the small plan and a batch folder made from it (PDF and DOCX)."""
    base = tmp_path_factory.mktemp("made")
    yaml = _example(base / "src")
    folder = base / "copies"
    result = CliRunner().invoke(cli, ["batch", str(yaml), "--per-province", "--jobs", "1", "--out", str(folder)])
    assert result.exit_code == 0, result.output
    return yaml, folder


@pytest.fixture
def copy_of(made, tmp_path):
    """A copy of the made batch folder and of its sources, free to change."""
    yaml, folder = made
    src = tmp_path / "src"
    shutil.copytree(yaml.parent, src)
    out = tmp_path / "copies"
    shutil.copytree(folder, out, copy_function=shutil.copy2)
    return src / yaml.name, out


# --- §1: archiving is for provinces taken out of the plan ----------------------------------


def test_print_annex_only_keeps_the_word_copies(copy_of):
    yaml, folder = copy_of
    before = {n: (folder / n).read_bytes() for n in SMALL}
    result = _run("print", str(yaml), "--annex-only", "--copies", "3", "--jobs", "2", "--out", str(folder))
    assert result.exit_code == 0, result.output
    assert "archived 0" in result.output
    assert not (folder / "archive").exists()
    assert {n: (folder / n).read_bytes() for n in SMALL} == before
    assert SMALL <= set(_manifest(folder)["outputs"])
    assert (folder / "print" / "phu-luc-x3.pdf").is_file()
    _assert_manifest_is_the_disk(folder)


def test_a_dry_run_of_one_format_would_archive_nothing(copy_of):
    yaml, folder = copy_of
    for fmt in ("pdf", "docx"):
        result = _run("batch", str(yaml), "--per-province", "--format", fmt, "--dry-run", "--out", str(folder))
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[-1].startswith("would write 0, unchanged 4, would archive 0")


def test_a_province_taken_out_is_archived_in_every_format_even_when_one_is_asked(copy_of):
    yaml, folder = copy_of
    (yaml.parent / "ke-hoach.csv").write_text(SHRUNK_PLAN, encoding="utf-8")
    result = _run("batch", str(yaml), "--per-province", "--format", "pdf", "--jobs", "1", "--out", str(folder))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (folder / "archive").iterdir()) == ["27-bac-ninh.docx", "27-bac-ninh.pdf"]
    assert (folder / "24-bac-giang.docx").is_file() and (folder / "19-thai-nguyen.docx").is_file()
    _assert_manifest_is_the_disk(folder)


# --- §1: a dispatch whose name names no folder ------------------------------------------


@pytest.mark.parametrize("name", ["...yaml", "..yaml", ". .yaml"])
@pytest.mark.parametrize("command", ["batch", "print", "watch"])
def test_a_dispatch_name_that_gives_no_folder_is_refused(tmp_path, monkeypatch, name, command):
    yaml = _example(tmp_path / "src", name=name)
    monkeypatch.chdir(yaml.parent)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    args = [command, name] + (["--per-province"] if command == "batch" else [])
    if command == "watch":  # in a subprocess: a watch that starts would never end
        proc = subprocess.run([sys.executable, "-m", "generator", *args], cwd=yaml.parent, env=_env(),
                              capture_output=True, text=True, timeout=LIMIT_SECONDS, preexec_fn=_limits)
        code, output = proc.returncode, proc.stdout + proc.stderr
    else:
        result = _run(*args)
        code, output = result.exit_code, result.output
    assert code == 2, output
    assert "gives no name for the output folder" in output
    assert "Rename the file (for example cong-van.yaml), or name the folder with --out" in output
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # nothing written


def test_such_a_dispatch_runs_with_out(tmp_path, monkeypatch):
    yaml = _example(tmp_path / "src", name="...yaml")
    monkeypatch.chdir(yaml.parent)
    result = _run("batch", "...yaml", "--per-province", "--format", "docx", "--jobs", "1", "--out", "ban-in")
    assert result.exit_code == 0, result.output
    assert {p.name for p in (yaml.parent / "ban-in").glob("*.docx")} == {n for n in SMALL if n.endswith(".docx")}


# --- §1, §3: a damaged manifest ----------------------------------------------------------


ENTRY = {"inputs": {"content": "x"}, "sha256": "0" * 64, "about": {}}
PLAN = {"24": {"name": "Bắc Giang", "cluster": "Cụm 1", "start": "2022-09-12", "end": "2022-09-30"}}


@pytest.mark.parametrize(
    "damage",
    [
        b"null", b"[]", b"{}", b'"manifest"', b"42", b'{"outputs": []}', b'{"format": 1, "outputs": []}',
        b'{"format": 1, "outputs": null}',
        json.dumps({"format": 1, "outputs": {"24-bac-giang.pdf": {"inputs": {}}}}).encode(),  # no sha256
        json.dumps({"format": 1, "outputs": {"24-bac-giang.pdf": {"sha256": "0"}}}).encode(),  # no inputs
        json.dumps({"format": 1, "outputs": {"24-bac-giang.pdf": {**ENTRY, "sha256": 7}}}).encode(),
        json.dumps({"format": 1, "outputs": {"24-bac-giang.pdf": {**ENTRY, "inputs": ["content"]}}}).encode(),
        json.dumps({"format": 1, "outputs": {"24-bac-giang.pdf": {**ENTRY, "inputs": {"content": 1}}}}).encode(),
        json.dumps({"format": 1, "outputs": {"24-bac-giang.pdf": {**ENTRY, "about": []}}}).encode(),
        json.dumps({"format": 1, "outputs": {"24-bac-giang.pdf": [1, 2]}}).encode(),
        json.dumps({"format": 1, "outputs": {}, "plan": []}).encode(),
        json.dumps({"format": 1, "outputs": {}, "plan": {"24": {"name": "Bắc Giang"}}}).encode(),
        json.dumps({"format": 1, "outputs": {}, "plan": {"24": {**PLAN["24"], "start": "12/9"}}}).encode(),
        json.dumps({"format": 1, "outputs": {}, "plan": {"24": {**PLAN["24"], "end": None}}}).encode(),
        b'{"format": 1, "outputs": {', b"\xff\xfe\x00", b"",
    ],
    ids=lambda d: d[:40].decode(errors="replace"),
)
def test_a_damaged_manifest_is_no_manifest_and_is_said(copy_of, damage):
    yaml, folder = copy_of
    (folder / "manifest.json").write_bytes(damage)
    args = ("batch", str(yaml), "--per-province", "--format", "docx", "--jobs", "1", "--out", str(folder))
    result = _run(*args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"Note: {folder / 'manifest.json'} is damaged or of another version of congvan: every file is made "
        "again, and the manifest written anew.\n")
    assert result.output.splitlines()[-1].startswith("wrote 4, unchanged 0, archived 0")
    _assert_manifest_is_the_disk(folder, (".docx",))
    again = _run(*args)
    assert "Note:" not in again.output and "wrote 0, unchanged 4" in again.output


def test_print_after_a_damaged_manifest(copy_of):
    yaml, folder = copy_of
    (folder / "manifest.json").write_text('{"outputs": []}', encoding="utf-8")
    result = _run("print", str(yaml), "--format", "docx", "--jobs", "1", "--out", str(folder))
    assert result.exit_code == 0, result.output
    assert "is damaged" in result.output and (folder / "print" / "in-tat-ca.docx").is_file()


# --- §1, §3: `archive` that is not a folder ---------------------------------------------


@pytest.mark.parametrize("what", ["file", "link"])
def test_archive_that_is_not_a_folder_is_a_write_problem_and_the_manifest_stays_true(copy_of, tmp_path, what):
    yaml, folder = copy_of
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if what == "file":
        (folder / "archive").write_text("a note of the clerk's", encoding="utf-8")
    else:
        (folder / "archive").symlink_to(elsewhere)
    (yaml.parent / "ke-hoach.csv").write_text(SHRUNK_PLAN, encoding="utf-8")
    result = _run("batch", str(yaml), "--per-province", "--jobs", "1", "--out", str(folder))
    assert result.exit_code == 1, result.output
    assert f"Error: cannot move {folder / '27-bac-ninh.docx'} to {folder / 'archive'}: " in result.output
    assert "Make" in result.output and "a folder (rename or remove what has that name) and run again" in result.output
    assert (folder / "27-bac-ninh.pdf").is_file() and (folder / "27-bac-ninh.docx").is_file()
    assert not list(elsewhere.iterdir())  # nothing moved out of the output folder
    _assert_manifest_is_the_disk(folder)
    if what == "file":
        assert (folder / "archive").read_text(encoding="utf-8") == "a note of the clerk's"
    (folder / "archive").unlink()
    result = _run("batch", str(yaml), "--per-province", "--jobs", "1", "--out", str(folder))
    assert result.exit_code == 0, result.output
    assert "Bắc Ninh: removed from the plan (was in Cụm 1)" in result.output  # still reported: not done before
    assert sorted(p.name for p in (folder / "archive").iterdir()) == ["27-bac-ninh.docx", "27-bac-ninh.pdf"]
    _assert_manifest_is_the_disk(folder)


# --- §1: earlier reports are kept --------------------------------------------------------


def test_a_run_with_no_change_keeps_the_report_of_the_last_change(copy_of):
    yaml, folder = copy_of
    reports = folder / "reports"
    first = {p.name: p.read_bytes() for p in reports.iterdir()}
    assert len(first) == 2 and {Path(n).suffix for n in first} == {".txt", ".json"}
    report = (folder / "report.txt").read_bytes()
    assert report in first.values()
    result = _run("batch", str(yaml), "--per-province", "--jobs", "1", "--out", str(folder))
    assert "Written: none" in result.output  # said on the screen ...
    assert (folder / "report.txt").read_bytes() == report  # ... but the report of the change stays
    assert {p.name: p.read_bytes() for p in reports.iterdir()} == first
    (yaml.parent / "ke-hoach.csv").write_text(MOVED_PLAN, encoding="utf-8")
    _run("batch", str(yaml), "--per-province", "--jobs", "1", "--out", str(folder))
    now = {p.name: p.read_bytes() for p in reports.iterdir()}
    assert len(now) == 4 and all(now[n] == data for n, data in first.items())
    latest = (folder / "report.txt").read_text(encoding="utf-8")
    assert "Cụm 2: 13/9/2022–23/9/2022 -> 15/9/2022–25/9/2022" in latest
    assert latest.encode() in now.values()
    data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert data["plan_changes"] == [{
        "cluster": "Cụm 2", "old": {"start": "2022-09-13", "end": "2022-09-23"},
        "new": {"start": "2022-09-15", "end": "2022-09-25"}, "provinces_added": [], "provinces_removed": []}]
    assert data["plan_changes_text"] == ["Cụm 2: 13/9/2022–23/9/2022 -> 15/9/2022–25/9/2022"]


@pytest.mark.parametrize("what", ["file", "link"])
def test_reports_that_is_not_a_folder_is_a_write_problem(copy_of, tmp_path, what):
    yaml, folder = copy_of
    shutil.rmtree(folder / "reports")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if what == "file":
        (folder / "reports").write_text("", encoding="utf-8")
    else:
        (folder / "reports").symlink_to(elsewhere)
    (yaml.parent / "ke-hoach.csv").write_text(MOVED_PLAN, encoding="utf-8")
    result = _run("batch", str(yaml), "--per-province", "--jobs", "1", "--out", str(folder))
    assert result.exit_code == 1, result.output
    assert f"Error: cannot keep the report in {folder / 'reports'}: it is a {what}, not a folder. Make" in result.output
    assert "the copies and the manifest are up to date" in result.output
    assert not list(elsewhere.iterdir())
    _assert_manifest_is_the_disk(folder)
    assert "Cụm 2: 13/9/2022–23/9/2022 -> 15/9/2022–25/9/2022" in (folder / "report.txt").read_text(encoding="utf-8")
    (folder / "reports").unlink()
    again = _run("batch", str(yaml), "--per-province", "--jobs", "1", "--out", str(folder))
    assert again.exit_code == 0 and "wrote 0, unchanged 8" in again.output


def test_plan_changes_as_records():
    from generator.batch.run import plan_change_records

    def snap(rows):
        return {code: {"name": name, "cluster": cluster, "start": start, "end": end}
                for code, name, cluster, start, end in rows}

    old = snap([("24", "Bắc Giang", "Cụm 1", "2022-09-12", "2022-09-30"),
                ("27", "Bắc Ninh", "Cụm 1", "2022-09-12", "2022-09-30"),
                ("19", "Thái Nguyên", "Cụm 2", "2022-09-13", "2022-09-23"),
                ("95", "Bạc Liêu", "Cụm 3", "2022-09-13", "2022-09-23")])
    new = snap([("24", "Bắc Giang", "Cụm 1", "2022-09-12", "2022-09-30"),
                ("19", "Thái Nguyên", "Cụm 1", "2022-09-12", "2022-09-30"),
                ("27", "Bắc Ninh", "Cụm 2", "2022-09-14", "2022-09-23"),
                ("01", "Hà Nội", "Cụm 4", "2022-09-15", "2022-09-20")])
    assert plan_change_records({}, new) == []  # a first run changes no schedule
    assert plan_change_records(old, old) == []
    one, two, three, four = plan_change_records(old, new)
    assert one == {"cluster": "Cụm 1", "old": {"start": "2022-09-12", "end": "2022-09-30"},
                   "new": {"start": "2022-09-12", "end": "2022-09-30"},
                   "provinces_added": [{"code": "19", "name": "Thái Nguyên"}],
                   "provinces_removed": [{"code": "27", "name": "Bắc Ninh"}]}
    assert two["new"] == {"start": "2022-09-14", "end": "2022-09-23"}
    assert two["provinces_added"] == [{"code": "27", "name": "Bắc Ninh"}]
    assert three == {"cluster": "Cụm 3", "old": {"start": "2022-09-13", "end": "2022-09-23"}, "new": None,
                     "provinces_added": [], "provinces_removed": [{"code": "95", "name": "Bạc Liêu"}]}
    assert four["old"] is None and four["provinces_added"] == [{"code": "01", "name": "Hà Nội"}]


# --- §3: Ctrl-C and kill -----------------------------------------------------------------


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "CONGVAN_LANG": "en", **extra}


def _interrupted_print(yaml: Path, folder: Path, signum: int, *, group: bool) -> subprocess.CompletedProcess:
    """``congvan print --jobs 2`` in a subprocess, sent ``signum`` once its workers have
    written a few copies: to its whole process group as a terminal's Ctrl-C does, or to
    the parent alone as ``kill PID`` does."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "print", str(yaml), "--format", "pdf", "--jobs", "2",
         "--out", str(folder)], cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True, preexec_fn=_limits)
    deadline = time.monotonic() + 240
    while len(list(folder.glob("*.pdf"))) < 3:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no copies written"
        time.sleep(0.02)
    (os.killpg if group else os.kill)(proc.pid, signum)
    out, err = proc.communicate(timeout=LIMIT_SECONDS)
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):  # no worker left behind
        os.killpg(proc.pid, 0)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.parametrize(
    ("signum", "group", "status"),
    [(signal.SIGINT, True, 130), (signal.SIGTERM, False, 143), (signal.SIGTERM, True, 143),
     (signal.SIGINT, False, 130)],
    ids=["ctrl-c", "kill", "kill-group", "sigint-parent"],
)
def test_a_print_stopped_by_a_signal_stops_quietly_and_the_next_run_finishes(tmp_path, signum, group, status):
    yaml = _example(tmp_path / "src", plan=(EXAMPLE.parent / "ke-hoach.csv").read_text(encoding="utf-8"))
    folder = tmp_path / "copies"
    stopped = _interrupted_print(yaml, folder, signum, group=group)
    assert stopped.returncode == status, stopped.stderr
    assert stopped.stderr == ("Stopped. What was made so far is kept; run the same command again to finish "
                              "the work.\n")
    assert "Traceback" not in stopped.stdout and "Error" not in stopped.stdout
    if signum == signal.SIGINT and group:  # the next run finishes the work
        proc = subprocess.run(
            [sys.executable, "-m", "generator", "print", str(yaml), "--format", "pdf", "--jobs", "2",
             "--out", str(folder)], cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        assert len(list(folder.glob("*.pdf"))) == 64 and (folder / "print" / "in-tat-ca.pdf").is_file()
        assert not list(folder.rglob("*.tmp"))
        _assert_manifest_is_the_disk(folder)


def test_a_ctrl_c_in_vietnamese(tmp_path):
    yaml = _example(tmp_path / "src", plan=(EXAMPLE.parent / "ke-hoach.csv").read_text(encoding="utf-8"))
    folder = tmp_path / "copies"
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "batch", str(yaml), "--per-province", "--jobs", "2",
         "--out", str(folder)], cwd=ROOT, env=_env(CONGVAN_LANG="vi"), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=_limits)
    while len(list(folder.glob("*.pdf"))) < 3:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)
    _out, err = proc.communicate(timeout=LIMIT_SECONDS)
    assert proc.returncode == 130
    assert err == "Đã dừng. Những gì đã tạo được vẫn giữ nguyên; hãy chạy lại đúng lệnh này để làm nốt phần còn lại.\n"


# --- §3: the last resort -----------------------------------------------------------------


@pytest.mark.parametrize(("jobs", "lang"), [("1", "en"), ("2", "en"), ("2", "vi")])
def test_an_internal_error_is_one_line_and_a_log_file(tmp_path, jobs, lang):
    """``CONGVAN_TEST_KILL=raise:3`` makes the third write raise a RuntimeError, as a bug would
    (in a worker with --jobs 2)."""
    yaml = _example(tmp_path / "src")
    logs = tmp_path / "logs"
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "batch", str(yaml), "--per-province", "--jobs", jobs,
         "--out", str(tmp_path / "copies")], cwd=ROOT, capture_output=True, text=True, timeout=LIMIT_SECONDS * 3,
        env=_env(CONGVAN_TEST_KILL="raise:3", CONGVAN_LOG_DIR=str(logs), CONGVAN_LANG=lang), preexec_fn=_limits)
    assert proc.returncode == 1, proc.stderr
    [log] = list(logs.iterdir())
    if lang == "en":
        assert proc.stderr == (f"Error: an internal error; details in {log}. Please send that file to whoever looks "
                               "after congvan.\n")
    else:
        assert proc.stderr == f"Lỗi: lỗi nội bộ của chương trình; chi tiết ở {log}. Vui lòng gửi tệp đó cho người phụ trách congvan.\n"
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError: CONGVAN_TEST_KILL=raise:3: an internal error made on purpose" in text
    assert "command: " in text and "batch" in text
    assert not list((tmp_path / "copies").rglob("*.tmp"))


def test_an_internal_error_in_a_pdf_worker_of_the_loader_is_one_line_and_a_log_file(tmp_path):
    """PDF only, two jobs: the copies are made by the workers of the process that loaded
    WeasyPrint beside the planning (``batch.run._PdfLoader``); its error comes back the same."""
    yaml = _example(tmp_path / "src")
    logs = tmp_path / "logs"
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "batch", str(yaml), "--per-province", "--format", "pdf", "--jobs", "2",
         "--out", str(tmp_path / "copies")], cwd=ROOT, capture_output=True, text=True, timeout=LIMIT_SECONDS * 3,
        env=_env(CONGVAN_TEST_KILL="raise:3", CONGVAN_LOG_DIR=str(logs)), preexec_fn=_limits)
    assert proc.returncode == 1, proc.stderr
    [log] = list(logs.iterdir())
    assert proc.stderr == (f"Error: an internal error; details in {log}. Please send that file to whoever looks "
                           "after congvan.\n")
    assert "RuntimeError: CONGVAN_TEST_KILL=raise:3: an internal error made on purpose" in log.read_text(encoding="utf-8")
    assert not list((tmp_path / "copies").rglob("*.tmp"))


def test_an_internal_error_with_no_log_folder_goes_to_the_temporary_folder(tmp_path):
    yaml = _example(tmp_path / "src")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "batch", str(yaml), "--per-province", "--jobs", "1",
         "--out", str(tmp_path / "copies")], cwd=ROOT, capture_output=True, text=True, timeout=LIMIT_SECONDS * 3,
        env=_env(CONGVAN_TEST_KILL="raise:1", CONGVAN_LOG_DIR=str(blocked / "logs"), TMPDIR=str(tmp)))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    [log] = list(tmp.glob("congvan-error-*.log"))
    assert f"details in {log}." in proc.stderr


# --- §3: watch survives whatever a save holds --------------------------------------------


def test_watch_survives_what_a_save_holds(tmp_path):
    yaml = _example(tmp_path / "src")
    folder = tmp_path / "copies"
    csv = yaml.parent / "ke-hoach.csv"
    watch = _Watch(str(yaml), "--format", "pdf", "--jobs", "2", "--out", str(folder), "--interval", "0.05",
                   env=_env(CONGVAN_LOG_DIR=str(tmp_path / "logs")))
    try:
        watch.until("up to date", timeout=240)
        before = (folder / "19-thai-nguyen.pdf").read_bytes()
        saves = {
            "a 140 KB cell": SMALL_PLAN.replace("Thái Nguyên", "Thái Nguyên" + "x" * 140_000),
            "a TT of ²": SMALL_PLAN.replace("2,Cụm 2", "²,Cụm 2"),
            "a TT of 5,000 digits": SMALL_PLAN.replace("2,Cụm 2", "9" * 5000 + ",Cụm 2"),
        }
        for what, plan in saves.items():
            csv.write_text(plan, encoding="utf-8")
            lines = watch.until("not made", timeout=LIMIT_SECONDS)
            assert not any("Traceback" in line for line in lines), (what, lines)
            assert watch.proc.poll() is None, what
        # links that lead nowhere or to themselves, beside the dispatch and in a folder below it
        (yaml.parent / "loop.csv").symlink_to("loop.csv")
        (yaml.parent / "sub").mkdir()
        (yaml.parent / "sub" / "a").symlink_to("b")
        (yaml.parent / "sub" / "b").symlink_to("a")
        (yaml.parent / "sub" / "up").symlink_to("..")
        (yaml.parent / "gone.png").symlink_to(tmp_path / "nowhere.png")
        csv.write_text(MOVED_PLAN, encoding="utf-8")
        lines = watch.until("up to date", timeout=LIMIT_SECONDS * 2)
        assert not any("Traceback" in line for line in lines), lines
        assert (folder / "19-thai-nguyen.pdf").read_bytes() != before  # the good save was made
        watch.proc.send_signal(signal.SIGINT)
        watch.until("Stopped.", timeout=LIMIT_SECONDS)
        assert watch.proc.wait(timeout=LIMIT_SECONDS) == 0
    finally:
        watch.close()
    assert not any("Traceback" in line for line in watch.seen), "".join(watch.seen)


def test_watch_reports_an_internal_error_and_keeps_watching(tmp_path):
    """A bug met in one regeneration (here the test hook's RuntimeError) is one line and a
    log file, and watch goes on; the next save is made."""
    yaml = _example(tmp_path / "src")
    folder = tmp_path / "copies"
    logs = tmp_path / "logs"
    watch = _Watch(str(yaml), "--format", "docx", "--jobs", "1", "--out", str(folder), "--interval", "0.05",
                   env=_env(CONGVAN_LOG_DIR=str(logs), CONGVAN_TEST_KILL="raise:report.txt"))
    try:
        lines = watch.until("not made", timeout=240)
        assert any(f"Error: an internal error; details in {logs}" in line for line in lines), lines
        assert len(list(logs.iterdir())) == 1
        (yaml.parent / "ke-hoach.csv").write_text(MOVED_PLAN, encoding="utf-8")
        watch.until("not made", timeout=LIMIT_SECONDS)  # the hook raises at every report.txt
        assert watch.proc.poll() is None
        watch.proc.send_signal(signal.SIGINT)
        assert watch.proc.wait(timeout=LIMIT_SECONDS) == 0
    finally:
        watch.close()
    assert not any("Traceback" in line for line in watch.seen), "".join(watch.seen)


def test_a_workers_stop_dropped_in_a_callback_is_not_reported_but_other_errors_are(capsys, monkeypatch):
    """A worker's SIGTERM raises SystemExit; landing in a callback Python cannot raise from,
    it printed "Exception ignored in …" under the one line a stopped run shows."""
    import gc

    from generator.batch.run import _quiet_stop

    class Stopped:
        def __del__(self) -> None:
            raise SystemExit(143)

    class Broken:
        def __del__(self) -> None:
            raise ValueError("a real one")

    monkeypatch.setattr(sys, "unraisablehook", _quiet_stop)
    Stopped()
    gc.collect()
    assert capsys.readouterr().err == ""
    Broken()
    gc.collect()
    assert "ValueError: a real one" in capsys.readouterr().err
