"""congvan: Vietnamese official dispatches (công văn) laid out per Decree 30/2020.

The public API is small: load a :class:`Dispatch` from YAML, render it to PDF or DOCX.
Rendering modules import WeasyPrint and docxtpl lazily, so ``import generator`` and
the ``congvan --help``/``schema`` commands stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator.errors import CongVanError as CongVanError
from generator.errors import InputError as InputError
from generator.errors import RenderError as RenderError
from generator.input.loader import load_dispatch as load_dispatch
from generator.input.model import Dispatch as Dispatch

__version__ = "0.1.0"

__all__ = [
    "CongVanError",
    "Dispatch",
    "InputError",
    "RenderError",
    "load_dispatch",
    "render_docx",
    "render_pdf",
]

if TYPE_CHECKING:
    from generator.render.docx import render_docx as render_docx
    from generator.render.pdf import render_pdf as render_pdf


def __getattr__(name: str) -> Any:
    if name == "render_pdf":
        from generator.render.pdf import render_pdf

        return render_pdf
    if name == "render_docx":
        from generator.render.docx import render_docx

        return render_docx
    raise AttributeError(f"module 'generator' has no attribute {name!r}")
