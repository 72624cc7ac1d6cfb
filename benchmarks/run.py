"""Benchmark of the per-province batch of the reference example (63 provinces).

    PYTHONPATH=. .venv/bin/python benchmarks/run.py --runs 3 [--json results.json]

Scenarios, each run ``--runs`` times in fresh subprocesses (see benchmarks/README.md):

  a  cold start: ``congvan print --jobs 2`` into an empty folder, the one command that
     makes the 63 copies in PDF and DOCX, the shared annex and both print files
     (``--two-commands``: ``congvan batch --per-province`` first, then ``congvan print``,
     as measured before 2026-11-29's second session)
  b  the same after moving cluster 5's dates in the plan CSV, from a folder made by (a)
  c  naive: one fresh Python process per copy (PDF + DOCX), two at a time
  d  docxtpl + LibreOffice: the 63 DOCX in one process, then 2 ``soffice --headless
     --convert-to pdf`` processes in parallel, each converting half of them

Memory: the ``--runs`` timed rounds run without the memory sampler (the thread that
reads ``/proc/PID/smaps_rollup`` of every descendant every 0.05 s: about 0.3 s of CPU
per (a) run, which made (a) about 9 % slower when it ran in the timed runs). After them,
one more round (same order) runs each scenario with the sampler; the table's tree PSS
and the memory verdicts come from that round, whose wall time is not in the medians
(``memory_runs`` in the JSON). Peak RSS of one process (``/usr/bin/time -v``, from
``wait4``, free) is taken in every run. ``--memory-in-timed-runs`` is the method used
until 2026-11-30: the sampler in every timed run, no extra round.

Nothing is written into the repository: the example is copied to a temporary folder,
outputs and the QR cache go there, and compiled bytecode goes to a cache folder of its
own (``PYTHONPYCACHEPREFIX``). Prints a table and the ratios; ``--json`` writes all
the numbers, every run, the machine and the load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from measure import (  # noqa: E402
    SAMPLE_SECONDS,
    CommandFailed,
    RunResult,
    Step,
    _cpu_ticks,
    have_gnu_time,
    loadavg,
    run_steps,
    wait_for_quiet,
)

EXAMPLE = ROOT / "examples" / "to-cong-nghe-so-2022"
YAML = "cong-van.yaml"
CSV = "ke-hoach.csv"
CLUSTER5_OLD = "5,Cụm 5,12/9/2022,30/9/2022"
CLUSTER5_NEW = "5,Cụm 5,14/9/2022,28/9/2022"

SCENARIOS = {
    "a": "(a) cold: 63 copies pdf+docx + print files, --jobs 2{print}",
    "b": "(b) cluster 5 moved: copies + print files{print}",
    "c": "(c) naive: 1 process per copy, 2 at a time",
    "d": "(d) docxtpl 63 DOCX + 2 x soffice --convert-to pdf",
}

TARGETS = {"a_wall": 8.0, "a_floor": 5.0, "b_wall": 2.0, "d_over_a": 2.0, "c_over_a": 10.0, "peak_mb": 500.0}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- environment ------------------------------------------------------------------------


def child_env(pycache: Path, qr: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    # Compiled bytecode in a cache of our own, never next to the sources: an installed
    # package has its .pyc, so a fair start reads them rather than compiling each time.
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["CONGVAN_QR_CACHE"] = str(qr)
    env["CONGVAN_LANG"] = "en"  # the summary lines this script reads ("wrote N, …")
    env.setdefault("LC_ALL", "C.UTF-8")
    return env


def congvan_cmd() -> list[str]:
    if (ROOT / "generator" / "__main__.py").is_file():
        return [sys.executable, "-m", "generator"]
    return [sys.executable, "-c", "from generator.cli import cli; cli(prog_name='congvan')"]


def has_print_command(env: dict[str, str]) -> bool:
    out = subprocess.run([*congvan_cmd(), "--help"], env=env, capture_output=True, text=True)
    return bool(re.search(r"^\s+print\s", out.stdout, re.M))


def copies_of(yaml_path: Path) -> list[tuple[str, int]]:
    """(stem, cluster number) of every copy, in plan order, from the public API."""
    sys.path.insert(0, str(ROOT))
    from generator import load_dispatch  # noqa: PLC0415 (after pycache_prefix is set)
    from generator.batch.copies import plan_copies

    d = load_dispatch(yaml_path)
    return [(c.stem, c.cluster_index + 1) for c in plan_copies(d)]


# --- the machine ------------------------------------------------------------------------


def _first(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return "?"


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine(soffice: str | None) -> dict[str, object]:
    mem_kb = int(_first("/proc/meminfo", "MemTotal").split()[0]) if _first("/proc/meminfo", "MemTotal") != "?" else 0
    lo = "not installed"
    if soffice:
        lo = subprocess.run([soffice, "--version"], capture_output=True, text=True).stdout.strip() or "?"
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                                    capture_output=True, text=True).stdout.strip())
    except OSError:
        commit, dirty = "?", False
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": _first("/proc/cpuinfo", "model name"),
        "memory_gb": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "os": f"{_first('/etc/os-release', 'PRETTY_NAME=')}, Linux {platform.release()}",
        "weasyprint": _version("weasyprint"),
        "docxtpl": _version("docxtpl"),
        "python-docx": _version("python-docx"),
        "pydyf": _version("pydyf"),
        "pikepdf": _version("pikepdf"),
        "fonttools": _version("fonttools"),
        "libreoffice": lo,
        "git_commit": commit + ("+uncommitted changes" if dirty else ""),
    }


def probe_other_load(seconds: float = 3.0) -> float:
    """CPU cores kept busy by others over ``seconds`` while we do nothing."""
    busy0, _ = _cpu_ticks()
    time.sleep(seconds)
    busy1, _ = _cpu_ticks()
    return (busy1 - busy0) / os.sysconf("SC_CLK_TCK") / seconds


def settle(args: argparse.Namespace) -> float:
    """Before a run: wait while other jobs keep more than ``--max-other`` cores busy."""
    other = probe_other_load()
    tries = 0
    while other > args.max_other and tries < args.load_retries:
        log(f"  others keep {other:.2f} cores busy: waiting {args.load_sleep:.0f} s")
        time.sleep(args.load_sleep)
        tries += 1
        other = probe_other_load()
    return other


# --- scenarios -------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.uid = os.getuid()
        cache = Path(tempfile.gettempdir()) / f"congvan-bench-{self.uid}"
        self.pycache = cache / "pycache"
        self.pycache.mkdir(parents=True, exist_ok=True)
        sys.pycache_prefix = str(self.pycache)  # our own imports of generator write no .pyc into the tree
        self.work = Path(tempfile.mkdtemp(prefix="congvan-bench-run-"))
        self.use_time = have_gnu_time()
        self.soffice = shutil.which("soffice")
        self.src = self.work / "example"
        shutil.copytree(EXAMPLE, self.src)
        self.yaml = self.src / YAML
        self.csv_original = (self.src / CSV).read_bytes()
        self.copies = copies_of(self.yaml)
        self.warm_qr = self.work / "qr-warm"
        self.base_out: Path | None = None
        self.with_print = has_print_command(child_env(self.pycache, self.warm_qr))
        #: The step whose output ends with the print summary: 0 with one command, 1 with two.
        self.print_step = 1 if args.two_commands else 0
        self.counter = 0
        self.notes: list[str] = []

    def run_dir(self, name: str) -> Path:
        self.counter += 1
        path = self.work / f"{self.counter:03d}-{name}"
        path.mkdir()
        (path / "logs").mkdir()
        return path

    def congvan_steps(self, yaml: Path, out: Path) -> list[Step]:
        jobs = str(self.args.jobs)
        if self.with_print and not self.args.two_commands:
            # `congvan print` brings the copies up to date, then makes the print files.
            return [Step("print", [[*congvan_cmd(), "print", str(yaml), "--out", str(out), "--jobs", jobs]])]
        steps = [Step("batch", [[*congvan_cmd(), "batch", str(yaml), "--per-province", "--format", "pdf,docx",
                                 "--jobs", jobs, "--out", str(out)]])]
        if self.with_print:
            steps.append(Step("print", [[*congvan_cmd(), "print", str(yaml), "--out", str(out), "--jobs", jobs]]))
        return steps

    # warm-up: fills the bytecode cache, the page cache, the font subset cache; makes the
    # folder (b) starts from and the LibreOffice profiles. Not measured.
    def warm_up(self, scenarios: str) -> None:
        log("warm-up (not measured) ...")
        env = child_env(self.pycache, self.warm_qr)
        out = self.work / "base-out"
        d = self.run_dir("warmup")
        run_steps(self.congvan_steps(self.yaml, out), env, use_time=self.use_time, log_dir=d / "logs",
                  sample_memory=False)
        self.base_out = out
        if "c" in scenarios or "d" in scenarios:
            tmp = d / "naive"
            tmp.mkdir()
            subprocess.run([sys.executable, str(HERE / "naive_one.py"), str(self.yaml), str(tmp), "0"],
                           env=env, check=True)
        if "d" in scenarios and self.soffice:
            tmp = d / "docx"
            subprocess.run([sys.executable, str(HERE / "docx_all.py"), str(self.yaml), str(tmp)], env=env, check=True)
            first = sorted(tmp.glob("*.docx"))[0]
            for n in (1, 2):
                profile = Path(f"/tmp/lo-profile-{n}")
                t0 = time.perf_counter()
                subprocess.run(self.soffice_cmd(n, d / "pdf", [first]), env=env, check=True,
                               capture_output=True)
                if not hasattr(self, "lo_profile_seconds"):
                    self.lo_profile_seconds = round(time.perf_counter() - t0, 2)
                    self.lo_profile_existed = profile.exists()

    def soffice_cmd(self, n: int, outdir: Path, files: list[Path]) -> list[str]:
        return [self.soffice or "soffice", f"-env:UserInstallation=file:///tmp/lo-profile-{n}", "--headless",
                "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)]

    def run_a(self, sample_memory: bool) -> tuple[RunResult, dict[str, object]]:
        d = self.run_dir("a")
        src = d / "example"
        shutil.copytree(self.src, src)
        out = d / "out"
        out.mkdir()
        env = child_env(self.pycache, d / "qr")  # an empty QR cache too: a cold start
        result = run_steps(self.congvan_steps(src / YAML, out), env, use_time=self.use_time, log_dir=d / "logs",
                           sample_memory=sample_memory)
        pdfs, docxs = len(list(out.glob("*.pdf"))), len(list(out.glob("*.docx")))
        check = {"pdf": pdfs, "docx": docxs, "print_files": sorted(p.name for p in (out / "print").glob("*"))
                 if (out / "print").is_dir() else [], "batch_report": _report_line(d / "logs" / "out-0-0.txt")}
        expected = len(self.copies) + 1
        if (pdfs, docxs) != (expected, expected):
            raise CommandFailed(f"(a) made {pdfs} PDF and {docxs} DOCX, expected {expected} each")
        if not self.args.keep:
            shutil.rmtree(d)
        return result, check

    def run_b(self, sample_memory: bool) -> tuple[RunResult, dict[str, object]]:
        assert self.base_out is not None
        d = self.run_dir("b")
        out = d / "out"
        shutil.copytree(self.base_out, out)
        csv = self.src / CSV
        text = self.csv_original.decode("utf-8")
        if CLUSTER5_OLD not in text:
            raise CommandFailed(f"{CSV}: the line {CLUSTER5_OLD!r} is not there; update run.py")
        env = child_env(self.pycache, self.warm_qr)
        try:
            csv.write_bytes(text.replace(CLUSTER5_OLD, CLUSTER5_NEW).encode("utf-8"))
            result = run_steps(self.congvan_steps(self.yaml, out), env, use_time=self.use_time,
                               log_dir=d / "logs", sample_memory=sample_memory)
        finally:
            csv.write_bytes(self.csv_original)
        report = json.loads((out / "report.json").read_text()) if (out / "report.json").exists() else {}
        batch_line = _report_line(d / "logs" / "out-0-0.txt")
        cluster5 = {stem for stem, cl in self.copies if cl == 5}
        m = re.search(r"wrote (\d+)", batch_line)
        written = int(m.group(1)) if m else -1
        check = {"batch_report": batch_line, "expected_written": 2 * (len(cluster5) + 1),
                 "print_report": _last_line(d / "logs" / f"out-{self.print_step}-0.txt") if self.with_print else "",
                 "plan_changes": report.get("plan_changes")}
        if written != 2 * (len(cluster5) + 1):
            self.notes.append(f"(b) wrote {written} files, expected {2 * (len(cluster5) + 1)}: {batch_line}")
        if not self.args.keep:
            shutil.rmtree(d)
        return result, check

    def run_c(self, sample_memory: bool) -> tuple[RunResult, dict[str, object]]:
        d = self.run_dir("c")
        out = d / "out"
        out.mkdir()
        env = child_env(self.pycache, d / "qr")
        n = len(self.copies)
        cmd = ["xargs", "-P", str(self.args.jobs), "-n", "1", sys.executable, str(HERE / "naive_one.py"),
               str(self.yaml), str(out)]
        stdin = "".join(f"{i}\n" for i in range(n)).encode()
        result = run_steps([Step("copies", [cmd], stdin=stdin)], env, use_time=self.use_time, log_dir=d / "logs",
                           sample_memory=sample_memory)
        pdfs, docxs = len(list(out.glob("*.pdf"))), len(list(out.glob("*.docx")))
        if (pdfs, docxs) != (n, n):
            raise CommandFailed(f"(c) made {pdfs} PDF and {docxs} DOCX, expected {n} each")
        if not self.args.keep:
            shutil.rmtree(d)
        return result, {"pdf": pdfs, "docx": docxs}

    def run_d(self, sample_memory: bool) -> tuple[RunResult, dict[str, object]]:
        d = self.run_dir("d")
        docx_dir, pdf_dir = d / "docx", d / "pdf"
        env = child_env(self.pycache, d / "qr")
        files = [docx_dir / f"{stem}.docx" for stem, _ in self.copies]
        half = (len(files) + 1) // 2
        parts = [files[:half], files[half:]] if self.args.jobs >= 2 else [files]
        steps = [
            Step("docx", [[sys.executable, str(HERE / "docx_all.py"), str(self.yaml), str(docx_dir)]]),
            Step("soffice", [self.soffice_cmd(i + 1, pdf_dir, part) for i, part in enumerate(parts)]),
        ]
        result = run_steps(steps, env, use_time=self.use_time, log_dir=d / "logs", sample_memory=sample_memory)
        pdfs = len(list(pdf_dir.glob("*.pdf")))
        if pdfs != len(files):
            raise CommandFailed(f"(d) LibreOffice made {pdfs} PDF of {len(files)}")
        if not self.args.keep:
            shutil.rmtree(d)
        return result, {"pdf": pdfs, "docx": len(files)}


def _report_line(path: Path) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    lines = [ln for ln in text.splitlines() if ln.startswith(("wrote", "would write"))]
    return lines[-1] if lines else ""


def _last_line(path: Path) -> str:
    text = path.read_text(errors="replace").strip() if path.exists() else ""
    return text.splitlines()[-1] if text else ""


# --- report -----------------------------------------------------------------------------


def _mb(value: object) -> str:
    return "n/a" if value is None else f"{float(value):.0f}"  # type: ignore[arg-type]


def _peak(rows: list[dict[str, object]], key: str) -> float | None:
    """The largest ``key`` of ``rows``, skipping runs made without the sampler (None)."""
    values = [float(r[key]) for r in rows if r.get(key) is not None]  # type: ignore[arg-type]
    return max(values) if values else None


def summarise(runs: list[dict[str, object]], memory_runs: list[dict[str, object]]) -> dict[str, object]:
    """Medians of the timed ``runs``; tree PSS/RSS from ``memory_runs`` (the untimed runs
    with the sampler) when there are any, else from the timed runs that were sampled."""
    def med(key: str) -> float:
        return statistics.median(float(r[key]) for r in runs)

    steps: dict[str, float] = {}
    steps_cpu: dict[str, float] = {}
    steps_rss: dict[str, float] = {}
    for name in runs[0]["steps"]:  # type: ignore[union-attr]
        steps[name] = statistics.median(float(r["steps"][name]) for r in runs)  # type: ignore[index]
        if name in runs[0].get("steps_cpu", {}):  # type: ignore[union-attr]
            steps_cpu[name] = statistics.median(float(r["steps_cpu"][name]) for r in runs)  # type: ignore[index]
            steps_rss[name] = max(float(r["steps_rss_mb"][name]) for r in runs)  # type: ignore[index]
    sampled = memory_runs or [r for r in runs if r.get("sampled_memory")]
    summary: dict[str, object] = {
        "runs": len(runs),
        "timed_runs_sampled_memory": any(r.get("sampled_memory") for r in runs),
        "wall_median": med("wall"),
        "wall_min": min(float(r["wall"]) for r in runs),
        "wall_max": max(float(r["wall"]) for r in runs),
        "cpu_median": med("cpu"),
        "self_cpu_median": med("self_cpu"),
        # From wait4: free, so taken in every run, the memory run included.
        "max_rss_mb": max(float(r["max_rss_mb"]) for r in [*runs, *memory_runs]),
        "tree_rss_mb": _peak(sampled, "tree_rss_mb"),
        "tree_pss_mb": _peak(sampled, "tree_pss_mb"),
        "tree_memory_from": (f"{len(memory_runs)} untimed run(s) with the sampler" if memory_runs
                             else f"{len(sampled)} timed run(s) with the sampler"),
        "other_cores_median": med("other_cores"),
        "steal_cores_median": med("steal_cores"),
        "steps_wall_median": steps,
        "steps_cpu_median": steps_cpu,
        "steps_max_rss_mb": steps_rss,
    }
    if memory_runs:
        # Not in the medians: the sampler's CPU is in these walls. One run, for scale only.
        summary["memory_run"] = {k: [r[k] for r in memory_runs]
                                 for k in ("wall", "cpu", "self_cpu", "max_rss_mb", "tree_rss_mb", "tree_pss_mb",
                                           "other_cores")}
    return summary


def table(results: dict[str, dict[str, object]], labels: dict[str, str]) -> str:
    head = ("scenario", "wall median s", "CPU median s", "peak RSS MB (1 proc)", "peak tree PSS MB",
            "others, cores", "runs")
    rows = [head]
    for key, s in results.items():
        rows.append((
            labels[key], f"{s['wall_median']:.2f} ({s['wall_min']:.2f}-{s['wall_max']:.2f})",
            f"{s['cpu_median']:.2f}", _mb(s["max_rss_mb"]), _mb(s["tree_pss_mb"]),
            f"{s['other_cores_median']:.2f}", str(s["runs"]),
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    out = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows]
    out.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def verdicts(results: dict[str, dict[str, object]]) -> dict[str, object]:
    v: dict[str, object] = {}
    a = results.get("a")
    if a:
        v["a_wall_s"] = round(float(a["wall_median"]), 2)
        v["a_under_8s"] = float(a["wall_median"]) < TARGETS["a_wall"]
        v["a_under_5s"] = float(a["wall_median"]) < TARGETS["a_floor"]
        steps = a["steps_wall_median"]
        if "batch" in steps:  # type: ignore[operator]
            v["a_batch_alone_s"] = round(float(steps["batch"]), 2)  # type: ignore[index]
    if "b" in results:
        v["b_wall_s"] = round(float(results["b"]["wall_median"]), 2)
        v["b_under_2s"] = float(results["b"]["wall_median"]) < TARGETS["b_wall"]
    for other, target in (("d", "d_over_a"), ("c", "c_over_a")):
        if a and other in results:
            ratio = float(results[other]["wall_median"]) / float(a["wall_median"])
            v[f"{other}/a_wall"] = round(ratio, 2)
            v[f"{other}/a_at_least_{TARGETS[target]:g}x"] = ratio >= TARGETS[target]
            if "a_batch_alone_s" in v:
                v[f"{other}/a_batch_alone_wall"] = round(float(results[other]["wall_median"]) / float(v["a_batch_alone_s"]), 2)  # type: ignore[arg-type]
    peaks = {k: float(results[k]["max_rss_mb"]) for k in ("a", "b") if k in results}
    if peaks:
        v["peak_rss_mb_a_b"] = round(max(peaks.values()))
        tree = [float(results[k]["tree_pss_mb"]) for k in peaks if results[k]["tree_pss_mb"] is not None]
        v["peak_tree_pss_mb_a_b"] = round(max(tree)) if tree else None
        # Both the whole tree (PSS, from the run(s) with the sampler) and the largest
        # single process (RSS) must stay under the target.
        v["peak_under_500mb"] = max([*peaks.values(), *tree]) < TARGETS["peak_mb"]
    return v


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=3, help="runs of each scenario (default 3); the median is reported")
    p.add_argument("--jobs", type=int, default=2, help="workers / parallel processes (default 2)")
    p.add_argument("--scenarios", default="abcd", help="which of a, b, c, d to run (default abcd)")
    p.add_argument("--json", type=Path, help="write every number to this JSON file")
    p.add_argument("--max-load", type=float, default=0.5, help="wait at the start while the load average is above this")
    p.add_argument("--max-other", type=float, default=0.3,
                   help="before each run, wait while other processes keep more cores than this busy")
    p.add_argument("--load-retries", type=int, default=6)
    p.add_argument("--load-sleep", type=float, default=30.0)
    p.add_argument("--keep", action="store_true", help="keep the temporary folders (printed at the end)")
    p.add_argument("--two-commands", action="store_true",
                   help="(a) and (b) as `congvan batch --per-province`, then `congvan print` (two processes)")
    p.add_argument("--memory-in-timed-runs", action="store_true",
                   help="the old method: sample the tree's memory (PSS/RSS every 0.05 s) in every timed run, "
                        "no extra memory round (the sampler's CPU is then in the timed walls)")
    args = p.parse_args(argv)
    scenarios = "".join(s for s in "abcd" if s in args.scenarios)

    bench = Bench(args)
    notes = bench.notes
    if "d" in scenarios and not bench.soffice:
        notes.append("soffice is not installed: scenario (d) skipped")
        scenarios = scenarios.replace("d", "")
    if not bench.with_print:
        notes.append("`congvan print` does not exist in this tree: (a) and (b) measure the batch alone")
    if not bench.use_time:
        notes.append("/usr/bin/time not found: peak RSS from os.wait4 ru_maxrss of each child")
    print_label = (" (batch, then print)" if args.two_commands else " (congvan print)") if bench.with_print \
        else " (no print command)"
    labels = {k: v.format(print=print_label) for k, v in SCENARIOS.items()}

    load_start, waits = wait_for_quiet(args.max_load, args.load_retries, args.load_sleep, log)
    uptime_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    log(f"uptime before: {uptime_before}")
    started = dt.datetime.now().isoformat(timespec="seconds")
    bench.warm_up(scenarios)

    def one_run(key: str, what: str, sample_memory: bool) -> dict[str, object]:
        other_before = settle(args)
        log(f"{what} {labels[key]} (others before: {other_before:.2f} cores; memory sampler "
            f"{'on' if sample_memory else 'off'}) ...")
        result, check = getattr(bench, f"run_{key}")(sample_memory=sample_memory)
        log(f"  wall {result.wall:.2f} s, CPU {result.cpu:.2f} s (ours {result.self_cpu:.2f} s), "
            f"max RSS {result.max_rss_mb:.0f} MB, tree PSS {_mb(result.tree_pss_mb)} MB, "
            f"others {result.other_cores:.2f} cores; {check}")
        return {**result.__dict__, "load1": loadavg()[0], "other_before": other_before, "check": check}

    runs: dict[str, list[dict[str, object]]] = {k: [] for k in scenarios}
    memory_runs: dict[str, list[dict[str, object]]] = {k: [] for k in scenarios}
    # Round-robin (a b c d, a b c d, ...): a burst of load from others spreads over all
    # scenarios instead of spoiling one.
    for round_no in range(args.runs):
        for key in scenarios:
            runs[key].append(one_run(key, f"run {round_no + 1}/{args.runs}", args.memory_in_timed_runs))
    if not args.memory_in_timed_runs:
        # The memory sampler's CPU slows the run it watches: memory is taken in one more
        # round of its own, whose wall time stays out of the medians.
        for key in scenarios:
            memory_runs[key].append(one_run(key, "memory run (not timed)", True))
    uptime_after = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    log(f"uptime after: {uptime_after}")

    results = {k: summarise(v, memory_runs[k]) for k, v in runs.items()}
    verdict = verdicts(results)
    print()
    print(table(results, labels))
    print()
    if args.memory_in_timed_runs:
        print(f"peak tree PSS: sampled every {SAMPLE_SECONDS} s in every timed run (--memory-in-timed-runs: "
              "the sampler's CPU is in the timed walls)")
    else:
        print(f"peak tree PSS: from one more run of each scenario with the memory sampler "
              f"(every {SAMPLE_SECONDS} s), not timed; the timed runs had no sampler. That run's wall: "
              + ", ".join(f"({k}) {s['memory_run']['wall'][0]:.2f} s" for k, s in results.items())  # type: ignore[index]
              + "; our own CPU (the sampler's reads): "
              + ", ".join(f"({k}) {s['memory_run']['self_cpu'][0]:.2f} s vs {s['self_cpu_median']:.2f} s timed"  # type: ignore[index]
                          for k, s in results.items()))
    for key, s in results.items():
        parts = []
        for name, wall in s["steps_wall_median"].items():  # type: ignore[union-attr]
            cpu = s.get("steps_cpu_median", {}).get(name)  # type: ignore[union-attr]
            rss = s.get("steps_max_rss_mb", {}).get(name)  # type: ignore[union-attr]
            parts.append(f"{name} {wall:.2f} s" + (f" (CPU {cpu:.2f} s, RSS {rss:.0f} MB)" if cpu is not None else ""))
        print(f"steps of ({key}), medians: " + "; ".join(parts))
    print()
    for k, v in verdict.items():
        print(f"{k}: {v}")
    for n in notes:
        print(f"note: {n}")
    info = machine(bench.soffice)
    print(f"machine: {info}")
    print(f"load: start {load_start:.2f} (waited {waits} x {args.load_sleep:.0f} s); "
          f"before: {uptime_before}; after: {uptime_after}")
    if args.json:
        data = {
            "started": started, "args": {k: str(v) for k, v in vars(args).items()},
            "machine": info, "labels": labels, "summary": results, "verdicts": verdict, "targets": TARGETS,
            "runs": runs, "memory_runs": memory_runs, "notes": notes,
            "load": {"start_load1": load_start, "waits": waits, "uptime_before": uptime_before,
                     "uptime_after": uptime_after},
            "method": {
                "wall": "time.perf_counter around the run's commands; median of the timed runs, "
                        + ("each with the memory sampler running (--memory-in-timed-runs)" if args.memory_in_timed_runs
                           else "none with the memory sampler"),
                "cpu": "user+sys, delta of resource.getrusage(RUSAGE_CHILDREN) over the run",
                "self_cpu": "user+sys of the measuring process over the run (the sampler thread when it runs)",
                "max_rss": ((bench.use_time and "/usr/bin/time -v: ru_maxrss from wait4, the largest single "
                             "process of the command's tree") or "os.wait4 ru_maxrss")
                           + "; taken in every run (free), the summary is the peak over all of them",
                "tree_pss": f"peak of summed PSS (/proc/PID/smaps_rollup) of all descendants, sampled every "
                            f"{SAMPLE_SECONDS} s by a thread of the measuring process; "
                            + ("in every timed run, so the sampler's CPU (about 0.3 s per (a) run) is in the "
                               "timed walls" if args.memory_in_timed_runs else
                               "only in one extra run of each scenario after the timed rounds (memory_runs), "
                               "whose wall is not in the medians: in the timed runs the sampler's CPU (about "
                               "0.3 s per (a) run) made (a) about 9 % slower") + "; null where not sampled",
                "memory_sampling": "in the timed runs" if args.memory_in_timed_runs
                                   else "one untimed run per scenario after the timed rounds",
                "peak_under_500mb": "max of peak_rss_mb_a_b (largest single process) and peak_tree_pss_mb_a_b "
                                    "(whole tree) under 500 MB",
                "other_cores": "/proc/stat busy time minus our own CPU, over wall time",
                "pycache": str(bench.pycache), "lo_profile_first_run_s": getattr(bench, "lo_profile_seconds", None),
                "lo_profile_existed_before": getattr(bench, "lo_profile_existed", None),
            },
            "commands": {
                "a": [s.commands for s in bench.congvan_steps(Path("COPY") / YAML, Path("OUT"))],
                "c": f"seq 0 {len(bench.copies) - 1} | xargs -P {args.jobs} -n 1 python benchmarks/naive_one.py "
                     "COPY/cong-van.yaml OUT",
                "d": "python benchmarks/docx_all.py COPY/cong-van.yaml DOCX; then in parallel: " + " & ".join(
                    f"soffice -env:UserInstallation=file:///tmp/lo-profile-{n} --headless --convert-to pdf "
                    f"--outdir PDF <half {n}>" for n in (1, 2)),
            },
        }
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        log(f"wrote {args.json}")
    if args.keep:
        log(f"kept {bench.work}")
    else:
        shutil.rmtree(bench.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
