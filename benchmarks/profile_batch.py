"""Where the time of the per-province batch goes: cProfile of its parts, in-process.

    PYTHONPATH=. .venv/bin/python benchmarks/profile_batch.py [--copies 10] [--json PATH]

1. Process start and imports, each in fresh subprocesses (median of 3).
2. One process's fixed costs: loading the dispatch, planning the outputs (hashes),
   the PDF renderer (fonts, stylesheet), the first copy, the shared annex.
3. The PDF path for ``--copies`` copies (``default_renderer().render(view)``, as a
   batch worker does) and the DOCX path (``docx_from_view``): timed without the
   profiler, then profiled. The profile's self time is put into buckets (layout,
   drawing, fonts, compression, docxtpl, zip, ...); a C function's time goes to the
   bucket of whoever called it. The shares are applied to the unprofiled time.
4. The print step (``run_print``) for PDF and for DOCX, each in a fresh process so its
   peak RSS is its own, from a batch folder made here.

Writes nothing into the repository (a temporary folder, a QR cache and a bytecode
cache of its own).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLE = ROOT / "examples" / "to-cong-nghe-so-2022"
SITE = "site-packages/"

# Python files -> bucket, by path fragment (first match wins).
BUCKETS = [
    ("weasyprint/layout/", "WeasyPrint layout (boxes, lines, pages)"),
    ("weasyprint/text/", "WeasyPrint text shaping/line breaking (Pango)"),
    ("weasyprint/css/", "WeasyPrint CSS cascade, computed styles"),
    ("weasyprint/formatting_structure/", "WeasyPrint box tree building"),
    ("weasyprint/html.py", "WeasyPrint box tree building"),
    ("tinyhtml5/", "HTML parsing"),
    ("html5lib/", "HTML parsing"),
    ("cssselect2/", "WeasyPrint CSS cascade, computed styles"),
    ("tinycss2/", "WeasyPrint CSS cascade, computed styles"),
    ("weasyprint/draw/", "WeasyPrint drawing (content streams)"),
    ("weasyprint/stacking.py", "WeasyPrint drawing (content streams)"),
    ("weasyprint/pdf/stream.py", "WeasyPrint drawing (content streams)"),
    ("weasyprint/matrix.py", "WeasyPrint drawing (content streams)"),
    ("weasyprint/pdf/fonts.py", "font dictionary / embedding"),
    ("fontTools/", "font dictionary / embedding"),
    ("weasyprint/images.py", "images (QR, signature)"),
    ("PIL/", "images (QR, signature)"),
    ("weasyprint/pdf/", "PDF assembly (WeasyPrint pdf/)"),
    ("weasyprint/document.py", "PDF assembly (WeasyPrint pdf/)"),
    ("weasyprint/anchors.py", "PDF assembly (WeasyPrint pdf/)"),
    ("pydyf/", "PDF object serialisation (pydyf)"),
    ("weasyprint/", "WeasyPrint other"),
    ("docxtpl/", "docxtpl (template render, XML patching)"),
    ("docxcompose/", "docxcompose"),
    # lxml's parser and serialiser are Cython functions cProfile does not see: their
    # time shows as the self time of the python-docx functions that call them.
    ("docx/oxml/parser.py", "lxml XML parse/serialise"),
    ("docx/opc/oxml.py", "lxml XML parse/serialise"),
    ("/docx/", "python-docx (open/save parts)"),
    ("jinja2/", "Jinja2 (templates)"),
    ("<template>", "Jinja2 (templates)"),
    ("zipfile", "zip writing/reading"),
    ("pikepdf/", "pikepdf/qpdf (print file)"),
    ("generator/batch/printing.py", "pikepdf/qpdf (print file)"),
    ("generator/", "congvan code"),
    ("/logging/", "logging"),
    ("pydantic", "congvan code"),
]


def bucket_of_file(filename: str, funcname: str) -> str | None:
    """The bucket of a Python function, or None for a C function (decided by caller)."""
    if filename == "~":
        return None
    for frag, name in BUCKETS:
        if frag in filename:
            return name
    return "other Python (stdlib, ...)"


def c_bucket(funcname: str, caller_bucket: str) -> str:
    """Some C functions are buckets of their own, whoever calls them."""
    if "zlib" in funcname or "compress" in funcname:
        if "zip" in caller_bucket or "docx" in caller_bucket:
            return "zip writing/reading"
        return "compression (zlib)"
    if "lxml" in funcname:
        if "pikepdf" in caller_bucket:
            return caller_bucket
        return "lxml XML parse/serialise"
    if "_cffi_backend" in funcname or "cffi" in funcname:
        if "WeasyPrint" in caller_bucket:
            return caller_bucket + " [C: Pango/HarfBuzz]" if "text" in caller_bucket else caller_bucket
    return caller_bucket


def buckets(stats: pstats.Stats) -> dict[str, float]:
    """Self time per bucket; a C function's time split among its callers' buckets."""
    raw = stats.stats  # type: ignore[attr-defined]
    memo: dict[tuple, str] = {}

    def py_bucket(key: tuple, depth: int = 0) -> str:
        filename, _, funcname = key
        b = bucket_of_file(filename, funcname)
        if b is not None:
            return b
        if key in memo:
            return memo[key]
        callers = raw.get(key, (0, 0, 0, 0, {}))[4]
        if not callers or depth > 5:
            return "other C"
        best = max(callers.items(), key=lambda kv: kv[1][2])[0]
        memo[key] = py_bucket(best, depth + 1)
        return memo[key]

    out: dict[str, float] = {}
    for key, (cc, nc, tt, ct, callers) in raw.items():
        filename, _, funcname = key
        b = bucket_of_file(filename, funcname)
        if b is not None:
            out[b] = out.get(b, 0.0) + tt
            continue
        total = sum(v[2] for v in callers.values()) or 0.0
        if not callers or total <= 0:
            name = c_bucket(funcname, py_bucket(key))
            out[name] = out.get(name, 0.0) + tt
            continue
        for caller, v in callers.items():
            name = c_bucket(funcname, py_bucket(caller))
            out[name] = out.get(name, 0.0) + tt * v[2] / total
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def cumulative(stats: pstats.Stats, wanted: dict[str, tuple[str, str]]) -> dict[str, float]:
    """Cumulative time of named functions: label -> (file fragment, function name)."""
    raw = stats.stats  # type: ignore[attr-defined]
    out = {}
    for label, (frag, func) in wanted.items():
        out[label] = sum(v[3] for k, v in raw.items() if frag in k[0] and k[2] == func)
    return out


def top_functions(stats: pstats.Stats, n: int = 15) -> list[tuple[str, float, int]]:
    raw = stats.stats  # type: ignore[attr-defined]
    rows = sorted(raw.items(), key=lambda kv: -kv[1][2])[:n]
    out = []
    for (filename, line, func), (cc, nc, tt, ct, _) in rows:
        short = filename.split(SITE)[-1] if SITE in filename else filename.replace(str(ROOT) + "/", "")
        out.append((f"{short}:{line}({func})", round(tt, 4), nc))
    return out


PDF_PHASES = {
    "HTML parse (weasyprint.HTML)": ("weasyprint/__init__.py", "__init__"),
    "layout total (Document._render)": ("weasyprint/document.py", "_render"),
    "  computed styles": ("weasyprint/css/__init__.py", "get_all_computed_styles"),
    "  box tree": ("weasyprint/formatting_structure/build.py", "build_formatting_structure"),
    "  layout_document": ("weasyprint/layout/__init__.py", "layout_document"),
    "write_pdf total": ("weasyprint/document.py", "write_pdf"),
    "  page.paint (drawing)": ("weasyprint/document.py", "paint"),
    "  build_fonts_dictionary": ("weasyprint/pdf/fonts.py", "build_fonts_dictionary"),
    "    fontTools parse for widths/ToUnicode": ("fontTools/ttLib/ttFont.py", "getGlyphSet"),
    "  pydyf PDF.write (serialise + compress)": ("pydyf/__init__.py", "write"),
    "Jinja render of dispatch.html": ("generator/render/pdf.py", "_render"),
}
DOCX_PHASES = {
    "template open (_template)": ("generator/render/docx.py", "_template"),
    "docxtpl fill (_fill)": ("generator/render/docx.py", "_fill"),
    "context (_context)": ("generator/render/docx.py", "_context"),
    "OOXML touch-ups (merge/shade/fit/keep)": ("generator/render/ooxml.py", "merge_plan_date_cells"),
    "save (tpl.save)": ("docxtpl/template.py", "save"),
    "fixed_zip (re-zip, fixed dates)": ("generator/render/reproducible.py", "fixed_zip"),
}


def _median_run(cmd: list[str], env: dict[str, str], n: int = 3) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def startup(env: dict[str, str]) -> dict[str, float]:
    py = sys.executable
    snippets = {
        "python -c pass": "pass",
        "import generator.cli (congvan --help)": "import generator.cli",
        "+ load_dispatch(example)": f"from generator import load_dispatch; load_dispatch({str(EXAMPLE / 'cong-van.yaml')!r})",
        "import weasyprint": "import weasyprint",
        "import generator.render.pdf + default_renderer()": "from generator.render.pdf import default_renderer; default_renderer()",
        "import docxtpl": "import docxtpl",
        "import generator.render.docx + template bytes": "from generator.render.docx import _template_bytes; _template_bytes()",
        "all of a worker's start (imports, load, renderer, template)": (
            f"from generator import load_dispatch; d = load_dispatch({str(EXAMPLE / 'cong-van.yaml')!r}); "
            "from generator.render.pdf import default_renderer; default_renderer(); "
            "from generator.render.docx import _template_bytes; _template_bytes()"),
    }
    return {label: round(_median_run([py, "-c", code], env), 3) for label, code in snippets.items()}


def _timed(fn, *a, **kw):
    c0, t0 = time.process_time(), time.perf_counter()
    value = fn(*a, **kw)
    return value, time.perf_counter() - t0, time.process_time() - c0


def in_process(n: int, work: Path) -> dict[str, object]:
    from generator import load_dispatch
    from generator.batch.copies import plan_copies
    from generator.batch.run import plan_outputs
    from generator.render.view import build_view

    res: dict[str, object] = {}
    d, wall, cpu = _timed(load_dispatch, work / "example" / "cong-van.yaml")
    res["load_dispatch_s"] = round(cpu, 3)
    _, wall, cpu = _timed(plan_outputs, d, ["pdf", "docx"])
    res["plan_outputs_s (views + hashes of 64 outputs)"] = round(cpu, 3)
    copies = plan_copies(d)
    views = [build_view(d, c, annexes=False) for c in copies[: n + 1]]
    author = d.agency.name

    from generator.render.pdf import default_renderer

    renderer, _, cpu = _timed(default_renderer)
    res["pdf_renderer_setup_s"] = round(cpu, 3)
    _, _, cpu = _timed(renderer.render, views[0], author=author)
    res["pdf_first_copy_s"] = round(cpu, 3)
    annex_view = build_view(d, copies[0])
    pdf_annex, _, cpu = _timed(renderer.render_annexes, annex_view, author=author)
    res["pdf_shared_annex_s"] = round(cpu, 3)

    def pdf_all():
        return [renderer.render(v, author=author) for v in views[1:]]

    pdfs, wall, cpu = _timed(pdf_all)
    res["pdf_per_copy_s"] = round(cpu / n, 4)
    res["pdf_bytes_per_copy"] = sum(map(len, pdfs)) // n
    prof = cProfile.Profile()
    prof.enable()
    pdf_all()
    prof.disable()
    st = pstats.Stats(prof)
    res["pdf_profile_total_s"] = round(st.total_tt, 3)  # type: ignore[attr-defined]
    res["pdf_buckets"] = {k: round(v, 4) for k, v in buckets(st).items()}
    res["pdf_phases_cumulative"] = {k: round(v, 4) for k, v in cumulative(st, PDF_PHASES).items()}
    res["pdf_top_self"] = top_functions(st)

    from generator.render.docx import _template_bytes, docx_from_view, issue_datetime

    when = issue_datetime(d)
    _, _, cpu = _timed(_template_bytes)
    res["docx_template_setup_s"] = round(cpu, 3)
    _, _, cpu = _timed(docx_from_view, views[0], author=author, when=when)
    res["docx_first_copy_s"] = round(cpu, 3)

    def docx_all():
        return [docx_from_view(v, author=author, when=when) for v in views[1:]]

    docs, wall, cpu = _timed(docx_all)
    res["docx_per_copy_s"] = round(cpu / n, 4)
    res["docx_bytes_per_copy"] = sum(map(len, docs)) // n
    prof = cProfile.Profile()
    prof.enable()
    docx_all()
    prof.disable()
    st = pstats.Stats(prof)
    res["docx_profile_total_s"] = round(st.total_tt, 3)  # type: ignore[attr-defined]
    res["docx_buckets"] = {k: round(v, 4) for k, v in buckets(st).items()}
    res["docx_phases_cumulative"] = {k: round(v, 4) for k, v in cumulative(st, DOCX_PHASES).items()}
    res["docx_top_self"] = top_functions(st)
    res["rss_after_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return res


def print_part(fmt: str, yaml_path: str, folder: str) -> dict[str, object]:
    """In a fresh process: ``run_print`` for one format, timed, profiled, with peak RSS."""
    from generator import load_dispatch
    from generator.batch.run import run_print

    d = load_dispatch(yaml_path)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    prof = cProfile.Profile()
    c0, t0 = time.process_time(), time.perf_counter()
    prof.enable()
    result = run_print(d, Path(folder), formats=[fmt])
    prof.disable()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    st = pstats.Stats(prof)
    return {
        "written": result.written, "wall_profiled_s": round(wall, 3), "cpu_profiled_s": round(cpu, 3),
        "rss_before_mb": round(base / 1024), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "buckets": {k: round(v, 3) for k, v in list(buckets(st).items())[:12]},
        "top_self": top_functions(st, 12),
    }


def print_step(env: dict[str, str], work: Path) -> dict[str, object]:
    from generator import load_dispatch
    from generator.batch.run import run_batch

    yaml_path = work / "example" / "cong-van.yaml"
    folder = work / "batch"
    run_batch(load_dispatch(yaml_path), folder, formats=["pdf", "docx"], jobs=2)
    out: dict[str, object] = {}
    for fmt in ("pdf", "docx"):
        # Unprofiled, for the time; then profiled, for the shares.
        code = (f"import time, resource; from pathlib import Path; from generator import load_dispatch; "
                f"from generator.batch.run import run_print; d = load_dispatch({str(yaml_path)!r}); "
                f"t0 = time.perf_counter(); c0 = time.process_time(); "
                f"run_print(d, Path({str(folder)!r}), formats=[{fmt!r}]); "
                f"print(time.perf_counter() - t0, time.process_time() - c0, "
                f"resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
        shutil.rmtree(folder / "print", ignore_errors=True)
        p = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
        wall, cpu, rss = p.stdout.split()[-3:]
        shutil.rmtree(folder / "print", ignore_errors=True)
        p = subprocess.run([sys.executable, __file__, "--print-part", fmt, str(yaml_path), str(folder)],
                           env=env, check=True, capture_output=True, text=True)
        part = json.loads(p.stdout)
        part.update(wall_s=round(float(wall), 3), cpu_s=round(float(cpu), 3), peak_rss_unprofiled_mb=round(int(rss) / 1024))
        out[fmt] = part
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--copies", type=int, default=10)
    p.add_argument("--json", type=Path)
    p.add_argument("--skip-print", action="store_true")
    p.add_argument("--print-part", nargs=3, metavar=("FMT", "YAML", "FOLDER"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.print_part:
        print(json.dumps(print_part(*args.print_part)))
        return 0

    cache = Path(tempfile.gettempdir()) / f"congvan-bench-{os.getuid()}"
    (cache / "pycache").mkdir(parents=True, exist_ok=True)
    sys.pycache_prefix = str(cache / "pycache")
    work = Path(tempfile.mkdtemp(prefix="congvan-profile-"))
    try:
        shutil.copytree(EXAMPLE, work / "example")
        os.environ["CONGVAN_QR_CACHE"] = str(work / "qr")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(x for x in (str(ROOT), env.get("PYTHONPATH", "")) if x)
        env["PYTHONPYCACHEPREFIX"] = str(cache / "pycache")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        sys.path.insert(0, str(ROOT))
        data: dict[str, object] = {"startup_wall_s": startup(env)}
        data["in_process"] = in_process(args.copies, work)
        if not args.skip_print:
            data["print_step"] = print_step(env, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(data, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
