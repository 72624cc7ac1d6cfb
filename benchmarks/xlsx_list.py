"""One `congvan print` of 3,321 copies from an Excel list, as a clerk would run it.

    PYTHONPATH=. .venv/bin/python benchmarks/xlsx_list.py [--rows 3321]

Writes the example with a generated list (the rows of `scale.py`, under a title row, as
clerks make them) as `danh-sach.xlsx` and a `copies:` section naming it, runs
`congvan print cong-van.yaml` once from an empty folder (2 cores: about 2 minutes),
and prints the wall time and what was made. Nothing is written into the repository.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale  # noqa: E402  (the generated list and the per-copy paragraph)


def main(argv: list[str] | None = None) -> int:
    import openpyxl

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3321)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="congvan-xlsx-"))
    try:
        src = work / "src"
        shutil.copytree(scale.EXAMPLE, src)
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Danh sách"
        sheet.append(["DANH SÁCH CÁC XÃ, PHƯỜNG, ĐẶC KHU NHẬN CÔNG VĂN"])
        for row in csv.reader(io.StringIO(scale.make_list(args.rows))):
            sheet.append(row)
        book.save(src / "danh-sach.xlsx")
        with (src / "cong-van.yaml").open("a", encoding="utf-8") as f:
            f.write(f"copies:\n  file: danh-sach.xlsx\n  paragraph: {scale.PARAGRAPH}\n")
        env = {**os.environ, "PYTHONPATH": str(scale.ROOT), "CONGVAN_QR_CACHE": str(work / "qr")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "generator", "print", str(src / "cong-van.yaml"),
                               "--out", str(work / "out"), "-q"], env=env, cwd=scale.ROOT, capture_output=True,
                              text=True)
        wall = time.perf_counter() - started
        out = work / "out"
        print(f"exit {done.returncode}, {wall:.1f} s: {len(list(out.glob('*.pdf')))} PDF, "
              f"{len(list(out.glob('*.docx')))} DOCX, {len(list((out / 'print').glob('*')))} print files")
        if done.returncode:
            print(done.stderr[-2000:])
        return done.returncode
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
