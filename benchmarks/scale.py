"""Scale of a per-recipient batch: 63, 630 and 3,321 copies (every commune since 1 July 2025).

For each size N, a list of N recipients is generated (names need not be real: "Ủy ban
nhân dân xã Tân Phú 12", a code, a date and a place per row) next to a copy of the
example dispatch, whose YAML gets a ``copies:`` section naming the list and a per-copy
paragraph using two of its columns. Then, in fresh processes, measured with
``benchmarks/measure.py`` (wall time, CPU, peak memory of the whole process tree):

* ``full``: ``congvan print cong-van.yaml --jobs J`` from an empty folder: every copy in
  PDF and DOCX, the shared annex, and the print files in volumes of 200 copies;
* ``same``: the same command again, nothing changed;
* ``one``: the same command after one row's date changed (the batch remakes one copy,
  then the one volume of each format it is in).

Also, in this process, how long the folder's ``manifest.json`` takes to read and write
(``Manifest.load`` / ``save``, median of 5), and its size.

    PYTHONPATH=. .venv/bin/python benchmarks/scale.py --sizes 63,630 --runs 1 --json scale.json
    PYTHONPATH=. .venv/bin/python benchmarks/scale.py --sizes 63,630,3321 --runs 3 \
        --json scale.json --plot docs/scale.png

``--plot`` needs matplotlib (a benchmark dependency only: ``pip install matplotlib``).
Every result records ``/proc/loadavg`` before and after each run, and the CPU other
processes used meanwhile (``other_cores``): numbers from a busy machine are slower.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from measure import Step, have_gnu_time, loadavg, run_steps  # noqa: E402
from run import child_env, congvan_cmd  # noqa: E402

EXAMPLE = ROOT / "examples" / "to-cong-nghe-so-2022"
COMMUNES = 3321
SYLLABLES = ("Tân", "Phú", "An", "Bình", "Hòa", "Thạnh", "Long", "Mỹ", "Phước", "Hưng", "Đông", "Tây",
             "Nam", "Bắc", "Trung", "Lộc", "Thuận", "Quang", "Hải", "Sơn", "Thủy", "Xuân", "Đức", "Vĩnh")
PARAGRAPH = "Lớp tập huấn tại {Tên xã} khai giảng ngày {Ngày tập huấn} tại {Địa điểm}."


def make_list(n: int, seed: int = 30) -> str:
    """A CSV list of ``n`` communes with made-up names, a code, a date and a place each."""
    rng = random.Random(seed)
    lines = ["STT,Mã,Tên xã,Kính gửi,Ngày tập huấn,Địa điểm"]
    for i in range(1, n + 1):
        name = f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}"
        unit = "phường" if i % 5 == 0 else "xã"
        day = 1 + i % 28
        lines.append(f"{i},{i:05d},{unit} {name},Ủy ban nhân dân {unit} {name},{day}/9/2025,"
                     f"Nhà văn hóa {unit} {name}")
    return "\n".join(lines) + "\n"


def prepare(base: Path, n: int) -> Path:
    folder = base / f"src-{n}"
    shutil.copytree(EXAMPLE, folder)
    (folder / "danh-sach.csv").write_text(make_list(n), encoding="utf-8")
    with (folder / "cong-van.yaml").open("a", encoding="utf-8") as f:
        f.write(f"copies:\n  file: danh-sach.csv\n  paragraph: {PARAGRAPH}\n")
    return folder / "cong-van.yaml"


def change_one_row(yaml: Path, n: int) -> None:
    path = yaml.parent / "danh-sach.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    row = n // 2  # a row in the middle
    cells = lines[row].split(",")
    cells[4] = "30/9/2025" if cells[4] != "30/9/2025" else "29/9/2025"
    lines[row] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def manifest_times(folder: Path) -> dict[str, float]:
    from generator.batch.manifest import MANIFEST, Manifest

    loads, saves = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        m = Manifest.load(folder)
        loads.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        m.save(folder)
        saves.append(time.perf_counter() - t0)
    return {"load_s": statistics.median(loads), "save_s": statistics.median(saves),
            "bytes": (folder / MANIFEST).stat().st_size, "outputs": len(m.outputs)}


def one_size(base: Path, n: int, jobs: int, env: dict[str, str], use_time: bool, log) -> dict[str, object]:
    yaml = prepare(base, n)
    out = base / f"out-{n}"
    logs = base / f"logs-{n}"
    logs.mkdir()
    cmd = [*congvan_cmd(), "print", str(yaml), "--jobs", str(jobs), "--out", str(out)]
    result: dict[str, object] = {"copies": n}
    for name in ("full", "same", "one"):
        if name == "one":
            change_one_row(yaml, n)
        before = " ".join(map(str, loadavg()))
        log(f"  {n} copies, {name} (load {before}) ...")
        # Memory is the point here: the sampler runs (its CPU is in these walls too).
        run = run_steps([Step(name, [cmd])], env, use_time=use_time, log_dir=logs, sample_memory=True)
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        result[name] = {
            "wall_s": round(run.wall, 2), "cpu_s": round(run.cpu, 2),
            "per_copy_ms": round(1000 * run.wall / n, 1),
            "max_rss_mb": round(run.max_rss_mb), "tree_rss_mb": round(run.tree_rss_mb),
            "tree_pss_mb": round(run.tree_pss_mb), "other_cores": round(run.other_cores, 2),
            "batch_s": report.get("seconds"), "written": len(report.get("written", [])),
            "loadavg_before": before, "loadavg_after": " ".join(map(str, loadavg())),
        }
        log(f"    {result[name]}")
    result["print_files"] = sorted(p.name for p in (out / "print").iterdir())
    result["manifest"] = manifest_times(out)
    shutil.rmtree(out)
    return result


def median_of(runs: list[dict[str, object]]) -> dict[str, object]:
    """The run whose full time is the median (its numbers stay together)."""
    ordered = sorted(runs, key=lambda r: r["full"]["wall_s"])  # type: ignore[index]
    return ordered[len(ordered) // 2]


def table(results: list[dict[str, object]]) -> str:
    head = ("copies", "full s", "CPU s", "per copy ms (CPU ms)", "peak PSS MB (all procs)", "peak RSS MB (all procs)",
            "nothing changed s", "one row changed s", "manifest read/write ms", "other cores", "load before")
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        f, s, o, m = r["full"], r["same"], r["one"], r["manifest"]  # type: ignore[index]
        rows.append("| " + " | ".join(str(x) for x in (
            r["copies"], f["wall_s"], f["cpu_s"], f"{f['per_copy_ms']} ({1000 * f['cpu_s'] / r['copies']:.0f})",
            f["tree_pss_mb"], f["tree_rss_mb"], s["wall_s"],
            o["wall_s"], f"{1000 * m['load_s']:.0f} / {1000 * m['save_s']:.0f}", f["other_cores"],
            f["loadavg_before"])) + " |")
    return "\n".join(rows)


def plot(results: list[dict[str, object]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = [r["copies"] for r in results]
    wall = [r["full"]["wall_s"] for r in results]  # type: ignore[index]
    pss = [r["full"]["tree_pss_mb"] for r in results]  # type: ignore[index]
    fig, left = plt.subplots(figsize=(7, 4), dpi=100)
    cpu = [r["full"]["cpu_s"] for r in results]  # type: ignore[index]
    left.plot(n, wall, "o-", color="tab:blue", label="wall time (s)")
    left.plot(n, cpu, "^-", color="tab:green", label="CPU time, all processes (s)")
    left.set_xlabel("copies (PDF + DOCX + print volumes)")
    left.set_ylabel("time of `congvan print` (s)", color="tab:blue")
    if len(n) > 1:  # the line through 0 and the time per copy at the largest size
        slope = wall[-1] / n[-1]
        left.plot([0, n[-1]], [0, slope * n[-1]], ":", color="tab:blue", alpha=0.5, label="linear")
    right = left.twinx()
    right.plot(n, pss, "s--", color="tab:red", label="peak memory (MB)")
    right.set_ylabel("peak memory, all processes (PSS, MB)", color="tab:red")
    right.set_ylim(0, max(600, max(pss) * 1.2))
    right.axhline(600, color="tab:red", alpha=0.3)
    left.set_ylim(0, None)
    lines = left.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    left.legend(lines, [str(h.get_label()) for h in lines], loc="upper left", fontsize="small")
    left.set_title("congvan print --per-recipient: time and memory against copies")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default=f"63,630,{COMMUNES}", help="numbers of copies (default 63,630,3321)")
    p.add_argument("--runs", type=int, default=1, help="runs of each size; the median is reported")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--json", type=Path)
    p.add_argument("--plot", type=Path, help="write the plot (PNG) here (needs matplotlib)")
    p.add_argument("--from-json", type=Path, help="only draw the plot and table from an earlier --json")
    args = p.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    if args.from_json:
        data = json.loads(args.from_json.read_text(encoding="utf-8"))
        print(table(data["results"]))
        if args.plot:
            plot(data["results"], args.plot)
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    base = Path(tempfile.mkdtemp(prefix="congvan-scale-"))
    env = child_env(base / "pycache", base / "qr")
    use_time = have_gnu_time()
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    all_runs: dict[int, list[dict[str, object]]] = {n: [] for n in sizes}
    try:
        for r in range(args.runs):
            for n in sizes:
                log(f"run {r + 1}/{args.runs}: {n} copies")
                run_dir = base / f"run{r}"
                run_dir.mkdir(exist_ok=True)
                all_runs[n].append(one_size(run_dir, n, args.jobs, env, use_time, log))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    results = [median_of(all_runs[n]) for n in sizes]
    print(table(results))
    data = {"started_utc": started, "jobs": args.jobs, "runs": args.runs, "results": results,
            "all_runs": {str(n): v for n, v in all_runs.items()}}
    if args.json:
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.plot:
        plot(results, args.plot)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
