"""An experiment, not a feature: WeasyPrint's line breaking kept from one copy to the next.

    PYTHONPATH=. .venv/bin/python benchmarks/line_memo.py base
    PYTHONPATH=. .venv/bin/python benchmarks/line_memo.py memo

Renders the example's first 41 copies in one process (the first one warms up) and prints
the CPU time a PDF copy took, a digest of all 40 PDFs (the same in both modes when the
memo changes no byte) and, with ``memo``, how many calls of WeasyPrint's
``split_first_line`` the memo answered. The memo's key (the text, the width, the
justification and twenty of the style's text properties) is an assumption of this
experiment: see BENCHMARKS.md ("What bounds (d)/(a) now") for why it is not in congvan.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYS = ("font_family", "font_size", "font_weight", "font_style", "font_stretch", "letter_spacing", "word_spacing",
        "white_space", "lang", "hyphens", "text_transform", "overflow_wrap", "word_break", "font_kerning",
        "font_variant_ligatures", "font_feature_settings", "tab_size", "line_height", "text_indent", "direction")


def main() -> int:
    os.environ.setdefault("CONGVAN_QR_CACHE", tempfile.mkdtemp(prefix="congvan-qr-"))
    import weasyprint.layout.inline as inline
    import weasyprint.layout.preferred as preferred
    import weasyprint.text.line_break as line_break

    from generator import load_dispatch
    from generator.batch import copies
    from generator.render.pdf import PdfRenderer
    from generator.render.view import build_view

    dispatch = load_dispatch(ROOT / "examples" / "to-cong-nghe-so-2022" / "cong-van.yaml")
    views = [build_view(dispatch, c, annexes=False) for c in copies.plan_copies(dispatch)[:41]]
    mode = sys.argv[1] if len(sys.argv) > 1 else "base"
    calls = {"memo": 0, "new": 0}
    if mode == "memo":
        original, kept = line_break.split_first_line, {}

        def split_first_line(text, style, context, max_width, justification_spacing,  # type: ignore[no-untyped-def]
                             is_line_start=True, minimum=False):
            key = (text, tuple(repr(style[k]) for k in KEYS), max_width, justification_spacing, is_line_start,
                   minimum)
            calls["memo" if key in kept else "new"] += 1
            if key not in kept:
                kept[key] = original(text, style, context, max_width, justification_spacing, is_line_start, minimum)
            return kept[key]

        inline.split_first_line = preferred.split_first_line = split_first_line
    renderer = PdfRenderer(None)
    made = [renderer.render(views[0], author="x")]
    started = time.process_time()
    made += [renderer.render(v, author="x") for v in views[1:]]
    per_copy = (time.process_time() - started) / (len(views) - 1) * 1000
    print(f"{mode}: {per_copy:.1f} ms a PDF copy (CPU), digest {hashlib.sha256(b''.join(made)).hexdigest()[:16]}"
          + (f", memo answered {calls['memo']} of {calls['memo'] + calls['new']} calls" if mode == "memo" else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
