"""CPU time of one copy, PDF and DOCX, in a warm process (the cost a batch worker pays).

    PYTHONPATH=. .venv/bin/python benchmarks/per_copy.py [--copies 20] [--profile]

Renders the example's first copies with the process's renderer after one warm-up copy,
and prints the CPU time per copy (process time, so another process on the machine
disturbs it less than wall time). ``--profile`` prints cProfile's top functions too.
Run it from a checkout of another commit (``git worktree add``) to compare.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "to-cong-nghe-so-2022" / "cong-van.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("CONGVAN_QR_CACHE", tempfile.mkdtemp(prefix="congvan-qr-"))

    from generator import load_dispatch
    from generator.batch import copies
    from generator.render.docx import docx_from_view, issue_datetime
    from generator.render.pdf import default_renderer
    from generator.render.view import build_view

    dispatch = load_dispatch(EXAMPLE)
    views = [build_view(dispatch, c, annexes=False) for c in copies.plan_copies(dispatch)[: args.copies + 1]]
    renderer, when, author = default_renderer(), issue_datetime(dispatch), dispatch.agency.name
    renderer.render(views[0], author=author)
    docx_from_view(views[0], author=author, when=when)
    profile = cProfile.Profile() if args.profile else None
    if profile:
        profile.enable()
    start = time.process_time()
    for view in views[1:]:
        renderer.render(view, author=author)
    middle = time.process_time()
    for view in views[1:]:
        docx_from_view(view, author=author, when=when)
    end = time.process_time()
    if profile:
        profile.disable()
    n = len(views) - 1
    print(f"PDF {(middle - start) / n * 1000:.0f} ms a copy, DOCX {(end - middle) / n * 1000:.0f} ms a copy "
          f"(CPU, {n} copies{', profiled' if profile else ''})")
    if profile:
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
