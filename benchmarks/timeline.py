"""Where the time of one `congvan print` goes, process by process: a timeline.

    PYTHONPATH=. .venv/bin/python benchmarks/timeline.py [--runs 3] [--json timeline.json]

Runs `congvan print` of the example (63 copies, PDF and DOCX, the shared annex, both print
files, --jobs 2) from a fresh process into an empty folder, `--runs` times, with the main
steps of the batch wrapped so that each process writes when each step started and ended
(seconds from the command's start). Prints, for the median run, one line per process and
step: how many times it ran, when it first started, when it last ended, and its total.
What it shows: how long the batch's own process works alone before the PDF copies start
(imports, loading the dispatch, planning), when WeasyPrint is ready, how long the copies
take in the workers, and the print files at the end.

The wrapping adds a few milliseconds; compare runs of this script with each other, and
take wall times from `run.py`.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "to-cong-nghe-so-2022"

#: (module, attribute) of each step timed.
STEPS = [
    ("generator.input.loader", "load_dispatch"),
    ("generator.batch.run", "plan_outputs"),
    ("generator.batch.run", "_load_renderers"),
    ("generator.render.pdf", "PdfRenderer.render_counted"),
    ("generator.render.pdf", "PdfRenderer.render_annexes"),
    ("generator.render.docx", "docx_from_view"),
    ("generator.batch.run", "_run_print"),
    ("generator.batch.printing", "print_pdf"),
    ("generator.batch.printing", "print_docx"),
]

CHILD = r'''
import functools, importlib, os, sys, time
T0, LOG = float(sys.argv[1]), open(sys.argv[2], "a", buffering=1)
def log(name, a, b):
    LOG.write(f"{os.getpid()} {a - T0:.4f} {b - T0:.4f} {name}\n")
log("start", T0, time.time())
started = time.time()
import generator.cli
log("import generator.cli", started, time.time())
def wrap(module, attribute):
    owner = importlib.import_module(module)
    *path, name = attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    original = getattr(owner, name)
    @functools.wraps(original)
    def timed(*args, **kwargs):
        started = time.time()
        try:
            return original(*args, **kwargs)
        finally:
            log(attribute, started, time.time())
    setattr(owner, name, timed)
for module, attribute in STEPS:
    wrap(module, attribute)
import generator.render.docx, generator.batch.printing  # noqa: the wrapped names are looked up there
import atexit
atexit.register(lambda: log("end", time.time(), time.time()))
generator.cli.cli(prog_name="congvan", args=sys.argv[3:])
'''


def one_run(work: Path, n: int) -> tuple[float, list[tuple[int, float, float, str]]]:
    src = work / f"src{n}"
    shutil.copytree(EXAMPLE, src)
    log = work / f"log{n}.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONGVAN_QR_CACHE": str(work / f"qr{n}")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    code = CHILD.replace("STEPS", repr(STEPS))
    t0 = time.time()
    subprocess.run([sys.executable, "-c", code, repr(t0), str(log), "print", str(src / "cong-van.yaml"),
                    "--out", str(work / f"out{n}"), "--jobs", "2", "-q"], check=True, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    wall = time.time() - t0
    rows = []
    for line in log.read_text(encoding="utf-8").splitlines():
        pid, a, b, name = line.split(" ", 3)
        rows.append((int(pid), float(a), float(b), name))
    return wall, rows


def summary(rows: list[tuple[int, float, float, str]]) -> list[dict[str, object]]:
    """One entry per (process, step), processes named by the order they first appear."""
    order: dict[int, int] = {}
    for pid, _a, _b, _name in sorted(rows, key=lambda r: r[1]):
        order.setdefault(pid, len(order))
    steps: dict[tuple[int, str], list[tuple[float, float]]] = collections.defaultdict(list)
    for pid, a, b, name in rows:
        steps[(order[pid], name)].append((a, b))
    out = []
    for (proc, name), spans in sorted(steps.items(), key=lambda kv: min(a for a, _b in kv[1])):
        out.append({"process": proc, "step": name, "count": len(spans), "first": min(a for a, _b in spans),
                    "last_end": max(b for _a, b in spans), "total": sum(b - a for a, b in spans)})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="congvan-timeline-"))
    try:
        one_run(work, -1)  # warm: bytecode, the page cache, the font cache
        runs = [one_run(work, n) for n in range(args.runs)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    walls = [w for w, _rows in runs]
    median = statistics.median(walls)
    wall, rows = min(runs, key=lambda r: abs(r[0] - median))
    table = summary(rows)
    print(f"congvan print of the example, --jobs 2: wall {wall:.2f} s (runs: {', '.join(f'{w:.2f}' for w in walls)})")
    print(f"{'process':>7}  {'step':32} {'n':>3} {'first':>7} {'last end':>8} {'total':>7}")
    for e in table:
        print(f"{e['process']:>7}  {e['step']:32} {e['count']:>3} {e['first']:>7.3f} {e['last_end']:>8.3f} "
              f"{e['total']:>7.3f}")
    if args.json:
        args.json.write_text(json.dumps({"walls": walls, "median_run": table}, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
