"""Scenario (b) in watch mode: how long `congvan watch` takes to bring the 63 copies and
the print files up to date after cluster 5's dates are moved in the plan CSV.

    PYTHONPATH=. .venv/bin/python benchmarks/watch_regen.py [--runs 5] [--json out.json]

The example is copied to a temporary folder and `congvan watch --jobs 2` started on it
(its first run makes everything, not measured). Then, ``--runs`` times: the CSV is
rewritten with cluster 5 moved and the time until watch prints "up to date" is taken
("from the save": what the clerk waits, including noticing the change, polled every
0.1 s, and letting the save settle, 0.25 s; saves come at random points of the polling
cycle), with the part from watch's "a file changed" line to its
"up to date" line ("making": the regeneration itself). The CSV is then restored and the
folder brought back (not measured). Wall time; the median is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLE = ROOT / "examples" / "to-cong-nghe-so-2022"
OLD = "5,Cụm 5,12/9/2022,30/9/2022"
NEW = "5,Cụm 5,14/9/2022,28/9/2022"


class Watch:
    """A running `congvan watch`, read line by line with the time each line came."""

    def __init__(self, yaml: Path, out: Path, env: dict[str, str], jobs: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "watch", str(yaml), "--out", str(out), "--jobs", str(jobs)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT, bufsize=1)
        self.log: list[str] = []

    def until(self, marker: str, timeout: float = 300) -> tuple[float, float | None]:
        """Read lines until one contains ``marker``; when it came, and when "a file changed" did."""
        assert self.proc.stdout is not None
        deadline = time.perf_counter() + timeout
        changed = None
        while time.perf_counter() < deadline:
            line = self.proc.stdout.readline()
            now = time.perf_counter()
            if not line:
                raise RuntimeError("watch stopped:\n" + "".join(self.log[-30:]))
            self.log.append(line)
            if "a file changed" in line:
                changed = now
            if "not made" in line:
                raise RuntimeError("watch could not make the copies:\n" + "".join(self.log[-30:]))
            if marker in line:
                return now, changed
        raise RuntimeError(f"no {marker!r} within {timeout} s")

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return -9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="congvan-bench-watch-"))
    try:
        shutil.copytree(EXAMPLE, work / "example")
        csv = work / "example" / "ke-hoach.csv"
        original = csv.read_text(encoding="utf-8")
        if OLD not in original:
            raise SystemExit(f"{csv.name}: the line {OLD!r} is not there; update watch_regen.py")
        env = {**os.environ, "CONGVAN_LANG": "en", "CONGVAN_QR_CACHE": str(work / "qr"),
               "PYTHONPATH": str(ROOT)}
        watch = Watch(work / "example" / "cong-van.yaml", work / "out", env, args.jobs)
        started = time.perf_counter()
        watch.until("up to date")
        first = time.perf_counter() - started
        waits, makings = [], []
        # Saves land at random points of watch's polling cycle, as a clerk's do.
        jitter = random.Random(0)
        for n in range(args.runs):
            time.sleep(1.0 + jitter.uniform(0, 0.25))
            saved = time.perf_counter()
            csv.write_text(original.replace(OLD, NEW), encoding="utf-8")
            done, changed = watch.until("up to date")
            waits.append(done - saved)
            makings.append(done - changed if changed else float("nan"))
            print(f"run {n + 1}: from the save {waits[-1]:.2f} s, making {makings[-1]:.2f} s", flush=True)
            time.sleep(1.0)
            csv.write_text(original, encoding="utf-8")
            watch.until("up to date")
        code = watch.stop()
        wrote = [line.strip() for line in watch.log if line.startswith("wrote ")]
        result = {
            "first_run_s": round(first, 2),
            "from_save_s": [round(w, 3) for w in waits], "making_s": [round(m, 3) for m in makings],
            "from_save_median_s": round(statistics.median(waits), 2),
            "making_median_s": round(statistics.median(makings), 2),
            "under_2s": statistics.median(waits) < 2.0, "exit_code": code, "batch_reports": wrote[:4],
        }
        print(json.dumps(result, ensure_ascii=False, indent=1))
        if args.json:
            args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
