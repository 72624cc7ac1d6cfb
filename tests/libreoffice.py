"""The DOCX as LibreOffice lays it out: convert with ``soffice --headless`` for the tests.

Many offices open congvan's DOCX in LibreOffice, so the parity tests read the PDF that
LibreOffice makes of it. ``make test`` installs LibreOffice where it is missing (as root,
with apt-get); elsewhere the tests that need it skip with a message naming ``soffice``.
Each conversion runs with a profile of its own, so tests running side by side (or a
LibreOffice the developer has open) never share one.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def need_soffice() -> str:
    """The path of ``soffice``, or skip the test naming the missing program."""
    if not SOFFICE:
        pytest.skip("LibreOffice is not installed: no 'soffice' on PATH (make test installs it as root)")
    return SOFFICE


def convert(source: Path, to: str = "pdf", outdir: Path | None = None, timeout: float = 180) -> Path:
    """Convert ``source`` with LibreOffice headless (``to``: ``pdf``, ``docx``…); the new file's path."""
    soffice = need_soffice()
    outdir = Path(outdir or source.parent)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        done = subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", to, "--outdir", str(outdir), str(source)],
            capture_output=True, text=True, timeout=timeout,
        )
    target = outdir / (source.stem + "." + to.split(":")[0])
    if done.returncode != 0 or not target.exists():
        raise AssertionError(f"LibreOffice could not convert {source}: {done.stdout}{done.stderr}")
    return target


def docx_to_pdf(docx: bytes | Path, workdir: Path, name: str = "ban") -> bytes:
    """The PDF LibreOffice makes of a DOCX (given as bytes or a path), as bytes."""
    workdir.mkdir(parents=True, exist_ok=True)
    if isinstance(docx, bytes):
        source = workdir / f"{name}.docx"
        source.write_bytes(docx)
    else:
        source = Path(docx)
    return convert(source, "pdf", workdir / "lo-out").read_bytes()


def docx_to_pdfs(docxs: dict[str, bytes], workdir: Path, timeout: float = 600) -> dict[str, bytes]:
    """The PDFs LibreOffice makes of several DOCX files (name -> bytes), in one run of
    ``soffice`` (starting it is most of a conversion's time)."""
    soffice = need_soffice()
    workdir.mkdir(parents=True, exist_ok=True)
    sources = []
    for name, data in docxs.items():
        sources.append(workdir / f"{name}.docx")
        sources[-1].write_bytes(data)
    outdir = workdir / "lo-out"
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        done = subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(outdir), *map(str, sources)],
            capture_output=True, text=True, timeout=timeout,
        )
    out = {}
    for name, source in zip(docxs, sources, strict=True):
        target = outdir / (source.stem + ".pdf")
        if not target.exists():
            raise AssertionError(f"LibreOffice could not convert {source}: {done.stdout}{done.stderr}")
        out[name] = target.read_bytes()
        # Times New Roman is laid out with its metric clone; another font breaks lines elsewhere.
        if b"LiberationSerif" not in out[name]:
            raise AssertionError("LibreOffice set Times New Roman in a font other than Liberation Serif: "
                                 "install fonts-liberation2 (Debian) so its lines match the PDF's")
    return out
