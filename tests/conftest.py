from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "to-cong-nghe-so-2022" / "cong-van.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session", autouse=True)
def _qr_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests cache QR images in a folder of their own, never in the source tree."""
    os.environ["CONGVAN_QR_CACHE"] = str(tmp_path_factory.mktemp("qr"))


@pytest.fixture(scope="session", autouse=True)
def _log_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The log of an internal error (generator.errors.write_crash_log) goes to a folder of
    the tests' own, never to the user's cache."""
    os.environ["CONGVAN_LOG_DIR"] = str(tmp_path_factory.mktemp("logs"))


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch):
    """Tests read messages in English unless they ask for Vietnamese (the users' default).

    The language is an environment variable, so subprocesses and click's ``--lang``
    (whose default is the variable) see the same; a test of the Vietnamese messages
    sets ``CONGVAN_LANG=vi`` or passes ``--lang vi``.
    """
    from generator.i18n import set_language

    monkeypatch.setenv("CONGVAN_LANG", "en")
    set_language(None)
    yield
    set_language(None)


@pytest.fixture(scope="session")
def example():
    from generator import load_dispatch

    return load_dispatch(EXAMPLE)


@pytest.fixture(scope="session")
def example_pdf(example) -> bytes:
    from generator.render.pdf import pdf_bytes

    return pdf_bytes(example)


@pytest.fixture(scope="session")
def pdf(example_pdf):
    from pdfread import PdfReader

    return PdfReader(example_pdf)


@pytest.fixture(scope="session")
def example_docx(example) -> bytes:
    from generator.render.docx import docx_bytes

    return docx_bytes(example)


@pytest.fixture(scope="session")
def second():
    from generator import load_dispatch

    return load_dispatch(FIXTURES / "second-dispatch.yaml")


@pytest.fixture(scope="module")
def small_example(tmp_path_factory):
    """The example with a plan of two clusters (9 provinces), to keep batches short; one
    copy per test module, which may edit it."""
    folder = tmp_path_factory.mktemp("small")
    for f in EXAMPLE.parent.iterdir():
        shutil.copy(f, folder / f.name)
    rows = (folder / "ke-hoach.csv").read_text(encoding="utf-8").splitlines()
    (folder / "ke-hoach.csv").write_text("\n".join([rows[0], "1" + rows[2][1:], "2" + rows[3][1:]]) + "\n",
                                         encoding="utf-8")
    return folder / "cong-van.yaml"


@contextlib.contextmanager
def holding_lock(folder: Path) -> Iterator[subprocess.Popen]:
    """Another process holding the folder's lock (as a running batch does) until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from generator.batch.locking import folder_lock\n"
         "with folder_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(60)\n",
         str(folder)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
