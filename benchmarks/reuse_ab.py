"""What each of the renderer's kept lines, shapes and styles saves a PDF copy: an A/B run.

    PYTHONPATH=. .venv/bin/python benchmarks/reuse_ab.py [--rounds 5] [--json reuse.json]

``generator.render.pdf_reuse`` keeps, across the copies a process makes, WeasyPrint's
line breaks (``_keep_line_breaks``), the Pango layouts it draws lines with
(``_keep_shaped_lines``) and elements' computed styles (``_keep_computed_styles``). This
renders the example's 63 copies (the first with its annex, to warm up) in a fresh process
for each mode, the modes alternating round after round so that the machine's drift
spreads over all of them, and prints each mode's median CPU time per copy and a digest of
the 62 PDFs after the first, which must be the same in every mode (the hooks change no
byte). Modes: ``all`` (as congvan runs), ``no-lines``, ``no-shapes``, ``no-styles``
(one hook off) and ``none`` (all three off; the font and image reuse stays).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODES = ("all", "no-lines", "no-shapes", "no-styles", "none")

CHILD = r'''
import hashlib, os, sys, time
from pathlib import Path
from generator import load_dispatch
from generator.batch import copies
from generator.render.pdf import PdfRenderer
from generator.render.view import build_view

mode = sys.argv[1]
dispatch = load_dispatch(Path(sys.argv[2]))
views = [build_view(dispatch, c, annexes=(i == 0)) for i, c in enumerate(copies.plan_copies(dispatch))]
renderer = PdfRenderer(None)  # installs the hooks
import weasyprint.css as css
import weasyprint.draw.text as draw_text
import weasyprint.layout.inline as inline
import weasyprint.layout.preferred as preferred
from weasyprint.text.line_break import Layout

off = {
    "lines": [(inline, "split_first_line"), (preferred, "split_first_line"), (inline, "create_layout")],
    "shapes": [(Layout, "reactivate"), (draw_text, "draw_first_line")],
    "styles": [(css.StyleFor, "set_computed_styles"), (css.ComputedStyle, "__missing__")],
}
hooks = {"all": [], "none": ["lines", "shapes", "styles"]}.get(mode, [mode.removeprefix("no-")])
for hook in hooks:
    for owner, name in off[hook]:
        setattr(owner, name, getattr(owner, name).__wrapped__)
renderer.render(views[0], author="x")
started = time.process_time()
made = [renderer.render(v, author="x") for v in views[1:]]
per_copy = (time.process_time() - started) / len(made) * 1000
print(f"{per_copy:.2f} {hashlib.sha256(b''.join(made)).hexdigest()[:16]}")
'''


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    example = ROOT / "examples" / "to-cong-nghe-so-2022" / "cong-van.yaml"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONGVAN_QR_CACHE": tempfile.mkdtemp(prefix="congvan-qr-")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    times: dict[str, list[float]] = {m: [] for m in MODES}
    digests: dict[str, set[str]] = {m: set() for m in MODES}
    for round_no in range(args.rounds):
        order = MODES[round_no % len(MODES):] + MODES[:round_no % len(MODES)]
        for mode in order:
            out = subprocess.run([sys.executable, "-c", CHILD, mode, str(example)], env=env, cwd=ROOT,
                                 check=True, capture_output=True, text=True).stdout.split()
            times[mode].append(float(out[0]))
            digests[mode].add(out[1])
    result = {m: {"ms_per_copy_median": round(statistics.median(times[m]), 2), "runs": times[m],
                  "digests": sorted(digests[m])} for m in MODES}
    for mode in MODES:
        print(f"{mode:10} {result[mode]['ms_per_copy_median']:6.2f} ms a PDF copy (CPU)  runs {times[mode]}")
    same = len(set().union(*digests.values())) == 1
    print("the PDFs are byte-identical in every mode" if same else f"PDFs DIFFER between modes: {digests}")
    if args.json:
        args.json.write_text(json.dumps({"modes": result, "identical": same}, indent=1), encoding="utf-8")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
