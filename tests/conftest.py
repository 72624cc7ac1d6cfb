from __future__ import annotations

import os
import sys
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
