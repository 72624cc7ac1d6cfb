"""Measuring a scenario: wall time, CPU of the children, peak memory, other load.

Used by ``benchmarks/run.py``. Linux only (``/proc``), Python standard library only.

* Wall time: ``time.perf_counter`` around the commands of one run.
* CPU time: user + sys of the children, as the delta of
  ``resource.getrusage(RUSAGE_CHILDREN)`` over the run. A child's CPU counts there once
  it has been waited for, and it carries the CPU of its own waited-for descendants, so
  forked workers, ``xargs`` children and ``soffice.bin`` are all included.
* Peak memory, two ways:

  - ``max_rss_mb``: every command runs under ``/usr/bin/time -v``; its "Maximum
    resident set size" is ``ru_maxrss`` from ``wait4`` of the command, which on Linux
    is the largest RSS of any *single* process of that command's tree (the command,
    its forked workers, their children), not their sum. Without ``/usr/bin/time`` the
    same value is taken from ``os.wait4`` of each child. Cheap: the kernel keeps it
    anyway; the run pays only for the ``time`` wrapper's start.
  - ``tree_rss_mb`` / ``tree_pss_mb``: a sampler thread reads every descendant of this
    process every ``SAMPLE_SECONDS`` and sums their RSS (``/proc/PID/statm``) and PSS
    (``/proc/PID/smaps_rollup``); the peak of the sums is what the whole tree held at
    once. RSS counts the pages a forked worker shares with its parent twice, PSS
    splits them, so PSS is the honest "memory the batch needs". Sampling can miss a
    peak shorter than the interval. The sampler is not free: reading ``smaps_rollup``
    walks each process's page tables; during one ``congvan print`` of the example
    (2.9 s on 2 cores, 5+ processes) it took about 0.3 s of CPU and made the run about
    9 % slower. ``run_steps(..., sample_memory=False)`` starts no sampler and reports
    both as ``None``; ``benchmarks/run.py`` times its runs that way and samples memory
    in a separate run whose time it does not count.
* Other load: ``/proc/stat`` busy time of the whole machine over the run, minus our
  own CPU, in cores (0 = the machine was ours alone; 1 = another job kept a core busy).
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_SECONDS = 0.05
GNU_TIME = "/usr/bin/time"
_PAGE = os.sysconf("SC_PAGE_SIZE")
_HZ = os.sysconf("SC_CLK_TCK")


def have_gnu_time() -> bool:
    if not os.access(GNU_TIME, os.X_OK):
        return False
    probe = subprocess.run([GNU_TIME, "-v", "true"], capture_output=True, text=True)
    return probe.returncode == 0 and "Maximum resident set size" in probe.stderr


# --- the process tree ------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(x) for x in fh.read().split()]
        except OSError:
            pass
    return out


def descendants(pid: int) -> list[int]:
    found, todo = [], _children(pid)
    while todo:
        p = todo.pop()
        found.append(p)
        todo += _children(p)
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """Peak summed RSS and PSS of this process's descendants while it runs."""

    def __init__(self, interval: float = SAMPLE_SECONDS) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_procs = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self._stop_event.is_set():
            pids = descendants(me)
            if pids:
                self.peak_rss = max(self.peak_rss, sum(_rss(p) for p in pids))
                self.peak_pss = max(self.peak_pss, sum(_pss(p) for p in pids))
                self.peak_procs = max(self.peak_procs, len(pids))
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


# --- machine load ----------------------------------------------------------------------


def loadavg() -> tuple[float, float, float]:
    with open("/proc/loadavg") as fh:
        a, b, c = fh.read().split()[:3]
    return float(a), float(b), float(c)


def _cpu_ticks() -> tuple[int, int]:
    """(busy, steal) jiffies of the whole machine since boot."""
    with open("/proc/stat") as fh:
        parts = fh.readline().split()
    user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in parts[1:9])
    return user + nice + system + irq + softirq, steal


def wait_for_quiet(max_load: float, retries: int, sleep: float, log=print) -> tuple[float, int]:
    """Wait while the 1-minute load average is above ``max_load`` (``retries`` times at
    most, ``sleep`` s each). Returns the load when measuring starts and the waits."""
    waits = 0
    load = loadavg()[0]
    while load > max_load and waits < retries:
        log(f"  load average {load:.2f} > {max_load}: waiting {sleep:.0f} s ({waits + 1}/{retries})")
        time.sleep(sleep)
        waits += 1
        load = loadavg()[0]
    return load, waits


# --- running commands ------------------------------------------------------------------


@dataclass
class Step:
    """A command of a run, or several started together (run in parallel)."""

    name: str
    commands: list[list[str]]
    stdin: bytes | None = None
    cwd: str | None = None


@dataclass
class RunResult:
    wall: float
    cpu: float
    max_rss_mb: float
    #: Peak summed RSS / PSS of the tree; None when the run was made without the sampler.
    tree_rss_mb: float | None
    tree_pss_mb: float | None
    other_cores: float
    steal_cores: float
    steps: dict[str, float] = field(default_factory=dict)
    steps_cpu: dict[str, float] = field(default_factory=dict)
    steps_rss_mb: dict[str, float] = field(default_factory=dict)
    rss_method: str = ""
    #: Whether the TreeSampler thread ran during this run (it costs CPU: see above).
    sampled_memory: bool = True
    #: user + sys CPU of this measuring process over the run (the sampler thread's reads
    #: of /proc when it runs, Popen, wait4); the children's CPU is ``cpu``.
    self_cpu: float = 0.0


class CommandFailed(RuntimeError):
    pass


_MAXRSS = re.compile(r"Maximum resident set size \(kbytes\):\s*(\d+)")


def run_steps(steps: Sequence[Step], env: dict[str, str], *, use_time: bool, log_dir: Path,
              sample_memory: bool = True) -> RunResult:
    """Run ``steps`` one after the other (the commands of a step in parallel) and measure.

    With ``sample_memory=False`` no :class:`TreeSampler` runs (its CPU would slow the
    run down) and ``tree_rss_mb`` / ``tree_pss_mb`` are None; ``max_rss_mb`` (from
    ``wait4``) is measured either way."""
    before_self = resource.getrusage(resource.RUSAGE_SELF)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy0, steal0 = _cpu_ticks()
    sampler = TreeSampler() if sample_memory else None
    if sampler is not None:
        sampler.start()
    max_rss_kb = 0
    walls: dict[str, float] = {}
    cpus: dict[str, float] = {}
    rsss: dict[str, float] = {}
    started = time.perf_counter()
    try:
        for s_index, step in enumerate(steps):
            t0 = time.perf_counter()
            ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            step_rss_kb = 0
            procs = []
            for c_index, cmd in enumerate(step.commands):
                tag = f"{s_index}-{c_index}"
                time_file = log_dir / f"time-{tag}.txt"
                full = [GNU_TIME, "-v", "-o", str(time_file), *cmd] if use_time else list(cmd)
                out = open(log_dir / f"out-{tag}.txt", "wb")
                proc = subprocess.Popen(full, env=env, cwd=step.cwd, stdout=out, stderr=subprocess.STDOUT,
                                        stdin=subprocess.PIPE if step.stdin is not None else subprocess.DEVNULL)
                if step.stdin is not None:
                    proc.stdin.write(step.stdin)
                    proc.stdin.close()
                procs.append((proc, out, time_file, cmd, tag))
            failed = []
            for proc, out, time_file, cmd, tag in procs:
                # os.wait4 rather than proc.wait: the child's own rusage (max RSS).
                _, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = os.waitstatus_to_exitcode(status)
                out.close()
                if use_time and time_file.exists():
                    m = _MAXRSS.search(time_file.read_text(errors="replace"))
                    if m:
                        step_rss_kb = max(step_rss_kb, int(m.group(1)))
                else:
                    step_rss_kb = max(step_rss_kb, usage.ru_maxrss)
                max_rss_kb = max(max_rss_kb, step_rss_kb)
                if proc.returncode != 0:
                    failed.append((cmd, proc.returncode, log_dir / f"out-{tag}.txt"))
            walls[step.name] = time.perf_counter() - t0
            ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[step.name] = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
            rsss[step.name] = step_rss_kb / 1024
            if failed:
                cmd, rc, path = failed[0]
                tail = path.read_text(errors="replace")[-2000:]
                raise CommandFailed(f"exit {rc}: {' '.join(cmd)}\n{tail}")
    finally:
        wall = time.perf_counter() - started
        if sampler is not None:
            sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    after_self = resource.getrusage(resource.RUSAGE_SELF)
    busy1, steal1 = _cpu_ticks()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    self_cpu = (after_self.ru_utime - before_self.ru_utime) + (after_self.ru_stime - before_self.ru_stime)
    own = cpu + self_cpu
    other = max(0.0, (busy1 - busy0) / _HZ - own)
    return RunResult(
        wall=wall, cpu=cpu, max_rss_mb=max_rss_kb / 1024,
        tree_rss_mb=sampler.peak_rss / 2**20 if sampler is not None else None,
        tree_pss_mb=sampler.peak_pss / 2**20 if sampler is not None else None,
        other_cores=other / wall if wall else 0.0, steal_cores=(steal1 - steal0) / _HZ / wall if wall else 0.0,
        steps=walls, steps_cpu=cpus, steps_rss_mb=rsss,
        rss_method="/usr/bin/time -v (wait4 ru_maxrss)" if use_time else "os.wait4 ru_maxrss",
        sampled_memory=sampler is not None, self_cpu=self_cpu,
    )


def fresh_dir(base: Path, name: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=base))
    return path


def copy_example(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target
