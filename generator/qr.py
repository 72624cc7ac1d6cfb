"""QR codes: generated once per content and cached under a name derived from it.

The image is a plain black-on-white PNG at a fixed module scale; both renderers
print it at :data:`generator.measures.PAGE.qr_size`. The cache name hashes the
content and every parameter that shapes the image, so a changed URL or setting
never reuses a stale file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from .resources import qr_cache_dir

__all__ = ["qr_image"]

#: Error correction "M" (15 %) survives a photocopy; a 4-module quiet zone is the
#: standard's minimum; 10 px a module keeps the PNG sharp at 28 mm and 300 dpi.
ERROR = "m"
BORDER = 4
SCALE = 10


def qr_image(content: str) -> Path:
    """The cached PNG encoding ``content``, made now if it is not there yet."""
    key = hashlib.sha256(f"{content}\0{ERROR}\0{BORDER}\0{SCALE}".encode()).hexdigest()[:20]
    path = qr_cache_dir() / f"qr-{key}.png"
    if not path.is_file():
        import segno

        code = segno.make(content, error=ERROR, micro=False)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".png.tmp")
        os.close(fd)
        try:
            code.save(tmp, kind="png", scale=SCALE, border=BORDER)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return path
