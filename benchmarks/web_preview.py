"""How long `congvan serve` takes to update the live preview after an edit.

    PYTHONPATH=. .venv/bin/python benchmarks/web_preview.py [--runs 10] [--json out.json]

Starts `congvan serve` on a temporary copy of the example, opens the editor as a
browser would (the token, then the session cookie), and posts the form to /preview
``--runs`` times, each with another subject (what a clerk's typing sends): the time is
from the request to the answer holding every page as PNG (the YAML built from the form,
checked by the loader, the plan read, the PDF rendered by the server's warm renderer,
the pages drawn by pypdfium2). The first preview (the renderer warming up) is reported
apart; the median and the worst of the others are the numbers. Wall time, over HTTP
on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "to-cong-nghe-so-2022"
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    from webform import csrf_of, form_fields

    with tempfile.TemporaryDirectory(prefix="congvan-bench-web-") as tmp:
        shutil.copytree(EXAMPLE, Path(tmp) / "vd")
        env = {**os.environ, "CONGVAN_QR_CACHE": str(Path(tmp) / "qr")}
        proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", tmp, "--no-browser", "--port", "0"],
                                stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        try:
            url = re.search(r"http://\S+", proc.stdout.readline()).group(0)
            base = url.split("?", 1)[0]
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
            opener.open(url).read()
            page = opener.open(base + "edit?f=vd/cong-van.yaml").read().decode()
            csrf, fields = csrf_of(page), dict(form_fields(page))
            times = []
            for i in range(args.runs + 1):
                fields["subject"] = f"triển khai Kế hoạch bồi dưỡng, tập huấn lần {i + 1}"
                request = urllib.request.Request(base + "preview", data=urllib.parse.urlencode(fields).encode(),
                                                 headers={"X-CSRF-Token": csrf})
                started = time.perf_counter()
                answer = json.loads(opener.open(request).read())
                times.append(time.perf_counter() - started)
                assert answer["ok"] and len(answer["pages"]) == 3, answer.get("problems")
        finally:
            proc.terminate()
            proc.wait()
    warm = times[1:]
    result = {"first_s": round(times[0], 3), "median_s": round(statistics.median(warm), 3),
              "worst_s": round(max(warm), 3), "runs": len(warm), "cores": len(os.sched_getaffinity(0))}
    print(json.dumps(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
