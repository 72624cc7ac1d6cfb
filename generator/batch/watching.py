"""``congvan watch``: keep a batch folder current while the clerk edits the dispatch or
its schedule.

A command started for each change pays, every time, for what is the same every time:
Python, WeasyPrint and its fonts, the templates, and each worker's first layout (about
2.5 s of a regeneration that touches seven copies). Watching keeps one process up with
all of that loaded and warmed by a first render; the workers it forks for a change
inherit it, so a change is made again in about the time of the copies it touches.

What is watched: the dispatch's YAML file, every file in its folder and the folders below
it (the plan's CSV or XLSX, the signature, the seal, a templates folder), leaving out the
output folder and hidden folders. Files are compared by modification time and size,
polled a few times a second: no extra dependency, and it works on network drives, where
change notifications often do not.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["Fingerprint", "fingerprint", "watch"]

#: How deep below the dispatch's folder files are watched, and how many at most.
MAX_DEPTH = 3
MAX_FILES = 5000

Fingerprint = dict[str, tuple[int, int]]


def fingerprint(dispatch: Path, *, leave_out: tuple[Path, ...] = ()) -> Fingerprint:
    """Modification time and size of the dispatch and of the files around it."""
    top = dispatch.resolve().parent
    skipped = {p.resolve() for p in leave_out}
    seen: Fingerprint = {}
    for path in _files(top, skipped, MAX_DEPTH):
        try:
            stat = path.stat()
        except OSError:  # removed while we looked: the next poll sees it gone
            continue
        seen[str(path)] = (stat.st_mtime_ns, stat.st_size)
        if len(seen) >= MAX_FILES:
            break
    with_dispatch = dispatch.resolve()
    if str(with_dispatch) not in seen:
        try:
            stat = with_dispatch.stat()
            seen[str(with_dispatch)] = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            seen[str(with_dispatch)] = (-1, -1)
    return seen


def _files(folder: Path, skipped: set[Path], depth: int) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith((".", "~$")) or entry.name.endswith((".tmp", "~")):
            continue  # hidden, editors' and Office's lock and temporary files
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            if depth > 0 and path.resolve() not in skipped:
                yield from _files(path, skipped, depth - 1)
        elif entry.is_file():
            yield path


def watch(
    dispatch: Path,
    run: Callable[[], object],
    *,
    leave_out: tuple[Path, ...] = (),
    interval: float = 0.1,
    settle: float = 0.25,
    changed: Callable[[], None] | None = None,
    idle: Callable[[], None] | None = None,
) -> None:
    """Call ``run`` now, then again after each change of the files around ``dispatch``,
    until interrupted (Ctrl-C, which the caller handles).

    A change is acted on once the files have stayed the same for ``settle`` seconds:
    editors and Excel save in several steps. ``changed`` is called when a change is
    seen, ``idle`` after each run.
    """
    before = fingerprint(dispatch, leave_out=leave_out)
    run()
    if idle:
        idle()
    while True:
        time.sleep(interval)
        now = fingerprint(dispatch, leave_out=leave_out)
        if now == before:
            continue
        if changed:
            changed()
        while True:  # wait for the saving to end
            time.sleep(settle)
            later = fingerprint(dispatch, leave_out=leave_out)
            if later == now:
                break
            now = later
        before = now
        run()
        if idle:
            idle()
