"""Where templates, fonts and the QR cache live, installed or in a source checkout.

A wheel carries ``templates/``, ``assets/fonts/`` and the example inside the package as
``generator/_data/`` (see ``pyproject.toml``); a source checkout or an editable
install reads them from the project root, the layout the team edits.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA_ROOT", "EXAMPLE_DIR", "FONTS_DIR", "TEMPLATES_DIR", "qr_cache_dir"]

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "_data"

#: The folder that holds ``templates/`` and ``assets/``.
DATA_ROOT = _INSTALLED if _INSTALLED.is_dir() else _PACKAGE.parent
TEMPLATES_DIR = DATA_ROOT / "templates"
FONTS_DIR = DATA_ROOT / "assets" / "fonts"
#: The example dispatch (YAML and plan CSV), the start of ``congvan init``.
EXAMPLE_DIR = DATA_ROOT / "examples" / "to-cong-nghe-so-2022"


def qr_cache_dir() -> Path:
    """The folder where QR images are cached, one file per content.

    ``assets/qr/`` in a source checkout, as the project layout says; an installed
    package cannot write into site-packages, so it uses the user's cache folder.
    ``CONGVAN_QR_CACHE`` overrides both.
    """
    override = os.environ.get("CONGVAN_QR_CACHE")
    if override:
        path = Path(override)
    elif DATA_ROOT is _INSTALLED:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        path = Path(base) / "congvan" / "qr"
    else:
        path = DATA_ROOT / "assets" / "qr"
    path.mkdir(parents=True, exist_ok=True)
    return path
