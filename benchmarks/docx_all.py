"""Scenario (d), first half: the 63 DOCX copies in ONE process (docxtpl done well).

    python benchmarks/docx_all.py DISPATCH.yaml OUT_DIR

The template is compiled once and filled 63 times; ``run.py`` then converts the
files to PDF with LibreOffice in batch mode.
"""

import sys
from pathlib import Path

from generator import load_dispatch
from generator.batch.copies import plan_copies
from generator.render.docx import docx_from_view, issue_datetime
from generator.render.view import build_view


def main(yaml_path: str, out_dir: str) -> None:
    d = load_dispatch(yaml_path)
    when = issue_datetime(d)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for copy in plan_copies(d):
        view = build_view(d, copy, annexes=False)
        (out / f"{copy.stem}.docx").write_bytes(docx_from_view(view, author=d.agency.name, when=when))


if __name__ == "__main__":
    main(*sys.argv[1:3])
