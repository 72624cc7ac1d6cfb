"""The dispatches of the served folder: listing, reading the YAML as a round-trip tree,
the plan table as a grid, and writing both back atomically."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.atomic import atomic_write_bytes
from generator.errors import InputError
from generator.i18n import N_, _
from generator.importer.reading import MAX_IMPORT_BYTES

__all__ = ["GRID_COLUMNS", "dump_yaml", "grid_bytes", "list_dispatches", "load_yaml", "opened_stamp"]

#: The grid's columns: key in the cluster, header as the CSV reader knows it.
GRID_COLUMNS = (("number", "TT"), ("name", "Cụm"), ("start", "Từ ngày"), ("end", "Đến ngày"),
                ("provinces", "Tỉnh, thành phố"))
GRID_LABELS = {"number": N_("No."), "name": N_("Cluster"), "start": N_("From date"), "end": N_("To date"),
               "provinces": N_("Provinces")}
SKIP_DIRS = {"output", "__pycache__", "node_modules"}


def _yaml():  # type: ignore[no-untyped-def]
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    return yaml


def load_yaml(text: str) -> Any:
    return _yaml().load(text) if text.strip() else None


def dump_yaml(tree: Any) -> str:
    out = io.StringIO()
    _yaml().dump(tree, out)
    return out.getvalue()


def opened_stamp(*paths: Path | None) -> str:
    """A digest of the files as they are now ("absent" for a missing one): compared at a
    save with the one taken when the page was opened."""
    h = hashlib.sha256()
    for p in paths:
        if p is None:
            continue
        try:
            h.update(hashlib.sha256(p.read_bytes()).digest())
        except FileNotFoundError:
            h.update(b"absent")
    return h.hexdigest()


@dataclass
class Listed:
    path: str
    subject: str
    number: str
    date: str
    state: str
    saved: str


def list_dispatches(folder: Path) -> list[Listed]:
    """The YAML files of ``folder`` (and its subfolders, two levels down), with what the
    home page shows of each."""
    found: list[Listed] = []
    root = folder.resolve()
    for path in sorted(root.rglob("*.y*ml")):
        rel = path.relative_to(root)
        if path.suffix not in (".yaml", ".yml") or len(rel.parts) > 3 or path.is_symlink():
            continue
        if any(p.startswith(".") or p in SKIP_DIRS for p in rel.parts[:-1]):
            continue
        try:
            tree = load_yaml(path.read_text(encoding="utf-8"))
        except Exception:  # noqa: BLE001 - a file that does not parse is still listed
            tree = None
        if tree is not None and not (isinstance(tree, dict) and "agency" in tree):
            continue  # another YAML file (a CI config, say), not a dispatch
        tree = tree or {}
        date = tree.get("date") if isinstance(tree.get("date"), dict) else {}
        day = "/".join(str(date[k]) for k in ("day", "month", "year") if date.get(k))
        issued = bool(tree.get("number")) and bool(date.get("day"))
        saved = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%d/%m/%Y %H:%M")
        found.append(Listed(rel.as_posix(), str(tree.get("subject") or ""), str(tree.get("number") or ""),
                            day, _("issued") if issued else _("draft"), saved))
    return found


# -- the plan as a grid -------------------------------------------------------------------

def plan_of(tree: Any) -> tuple[int, Any] | None:
    """The annex holding the plan table and its ``plan:`` mapping."""
    annexes = tree.get("annexes") if isinstance(tree, dict) else None
    for i, annex in enumerate(annexes if isinstance(annexes, list) else []):
        if isinstance(annex, dict) and isinstance(annex.get("plan"), dict):
            return i, annex["plan"]
    return None


def _day(value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value.day}/{value.month}/{value.year}"
    return "" if value is None else str(value)


def grid_from_clusters(clusters: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {"number": str(c.get("number") or ""), "name": str(c.get("name") or ""), "start": _day(c.get("start")),
         "end": _day(c.get("end")), "provinces": ", ".join(str(p) for p in c.get("provinces") or [])}
        for c in clusters
    ]


def read_grid(path: Path) -> list[dict[str, str]]:
    """The rows of a plan file through the command line's reader (its checks included)."""
    from generator.input import schedule

    clusters, _rows = schedule.read_clusters(path)
    return grid_from_clusters(clusters)


def grid_rows(form: dict[str, Any]) -> list[dict[str, str]]:
    grid = form.get("grid") if isinstance(form.get("grid"), dict) else {}
    rows = []
    for i in sorted(k for k in grid if isinstance(k, int)):
        row = grid[i] if isinstance(grid[i], dict) else {}
        cells = {k: str(row.get(k) or "").strip() for k, _h in GRID_COLUMNS}
        if any(cells.values()):
            rows.append(cells)
    return rows


def grid_bytes(rows: list[dict[str, str]], suffix: str = ".csv") -> bytes:
    """The grid as a plan file the command line reads: CSV (UTF-8 with the BOM Excel
    writes, so Excel opens it with its accents) or XLSX."""
    header = [h for _k, h in GRID_COLUMNS]
    if suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = "Kế hoạch"
        ws.append(header)
        for row in rows:
            ws.append([int(row["number"]) if row["number"].isdigit() else row["number"]]
                      + [row[k] for k, _h in GRID_COLUMNS[1:]])
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[k] for k, _h in GRID_COLUMNS])
    return out.getvalue().encode("utf-8")


UPLOAD_LIMIT = 2_000_000
#: Bytes of a Word or PDF file to import: the importer's own limit (it then applies
#: ``congvan check``'s bounds on the parts inside it).
IMPORT_LIMIT = MAX_IMPORT_BYTES
#: What each kind of upload starts with: ZIP for XLSX and DOCX, the OLE2 compound file of
#: Word 97–2003 for DOC, %PDF- for PDF.
UPLOAD_KINDS = {".csv": None, ".xlsx": b"PK\x03\x04", ".png": b"\x89PNG\r\n\x1a\n", ".docx": b"PK\x03\x04",
                ".doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".pdf": b"%PDF-"}
#: The files "Import a Word file" takes.
IMPORT_KINDS = (".docx", ".doc", ".pdf")


def check_upload(name: str, data: bytes, allowed: tuple[str, ...], limit: int = UPLOAD_LIMIT) -> str:
    """The upload's suffix, once its size (at most ``limit`` bytes) and type are known good."""
    suffix = Path(name or "").suffix.lower()
    if suffix not in allowed:
        raise InputError([f"{Path(name).name}: " + _("a file of this kind cannot be uploaded here; use {kinds}.",
                                                    kinds=", ".join(allowed))])
    if len(data) > limit:
        raise InputError([f"{Path(name).name}: " + _("the file is larger than {limit} MB.",
                                                    limit=limit // 1_000_000)])
    magic = UPLOAD_KINDS.get(suffix)
    if magic and not data.startswith(magic):
        raise InputError([f"{Path(name).name}: " + _("the file is not a real {kind} file.", kind=suffix[1:].upper())])
    return suffix


def check_png(name: str, data: bytes) -> None:
    """A PNG Pillow reads whole, of a size a signature or seal can be."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            size = image.size
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a broken file
        raise InputError([f"{name}: " + _("the file is not a real {kind} file.", kind="PNG")]) from None
    if max(size) > 4000:
        raise InputError([f"{name}: " + _("the image is {width}×{height} pixels; a signature or seal needs at most "
                                          "4000 on a side. Make it smaller.", width=size[0], height=size[1])])


def write_atomic(path: Path, data: bytes) -> None:
    atomic_write_bytes(path, data)
