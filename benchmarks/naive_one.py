"""Scenario (c), one copy: what a script without the batch engine does for each province.

    python benchmarks/naive_one.py DISPATCH.yaml OUT_DIR INDEX

A fresh process loads the dispatch, lays out copy INDEX (0-based, plan order) and
writes its PDF and its DOCX, through the public API only. ``run.py`` starts one such
process per copy, two at a time (``xargs -P 2``), like two workers.
"""

import sys
from pathlib import Path

from generator import load_dispatch
from generator.batch.copies import plan_copies
from generator.render.docx import docx_from_view, issue_datetime
from generator.render.pdf import default_renderer
from generator.render.view import build_view


def main(yaml_path: str, out_dir: str, index: str) -> None:
    d = load_dispatch(yaml_path)
    copy = plan_copies(d)[int(index)]
    view = build_view(d, copy, annexes=False)
    out = Path(out_dir)
    (out / f"{copy.stem}.pdf").write_bytes(default_renderer().render(view, author=d.agency.name))
    (out / f"{copy.stem}.docx").write_bytes(docx_from_view(view, author=d.agency.name, when=issue_datetime(d)))


if __name__ == "__main__":
    main(*sys.argv[1:4])
