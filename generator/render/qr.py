"""QR codes: generated once per content and cached under a name derived from it.

The image is a plain black-on-white PNG at a fixed module scale; both renderers
print it at :data:`generator.render.measures.PAGE.qr_size`. The cache name hashes the
content and every parameter that shapes the image, so a changed URL or setting
never reuses a stale file.
"""

from __future__ import annotations

import functools
import hashlib
import io
from pathlib import Path

from generator.atomic import write_cache_bytes
from generator.resources import qr_cache_dir

__all__ = ["qr_image"]

#: Error correction "M" (15 %) survives a photocopy; a 4-module quiet zone is the
#: standard's minimum; 10 px a module keeps the PNG sharp at 28 mm and 300 dpi.
ERROR = "m"
BORDER = 4
SCALE = 10


#: The smallest printed module a phone camera reads reliably from paper and from a
#: photocopy (ISO/IEC 18004 leaves it to the application; 0.33 mm is the common
#: floor for print, taken with a margin for copies).
MIN_MODULE_MM = 0.35


def printed_size_mm() -> float:
    """The width the dispatch prints each QR code at, quiet zone included."""
    from generator.render.measures import PAGE

    return float(PAGE.qr_size)


def too_fine(content: str) -> tuple[int, float, int] | None:
    """``None`` if ``content``'s code scans at the printed size; else (modules across,
    module size in mm, the longest content in bytes that would still fit)."""
    import segno

    try:
        code = segno.make(content, error=ERROR, micro=False)
    except segno.DataOverflowError:
        modules = 177 + 2 * BORDER  # beyond version 40: more than any code holds
    else:
        modules = code.symbol_size(scale=1, border=BORDER)[0]
    module_mm = printed_size_mm() / modules
    if module_mm >= MIN_MODULE_MM:
        return None
    return modules, module_mm, _longest_that_fits()


@functools.lru_cache(maxsize=1)
def _longest_that_fits() -> int:
    """Bytes a code of the largest version that scans at the printed size holds (level M)."""
    import segno

    version = max(v for v in range(1, 41) if printed_size_mm() / (17 + 4 * v + 2 * BORDER) >= MIN_MODULE_MM)
    low, high = 1, 3000
    while low < high:  # the longest byte string that still fits that version
        mid = (low + high + 1) // 2
        try:
            segno.make("a" * mid, error=ERROR, micro=False, version=version, boost_error=False)
        except segno.DataOverflowError:
            high = mid - 1
        else:
            low = mid
    return low


def qr_image(content: str) -> Path:
    """The cached PNG encoding ``content``, made now if it is not there yet."""
    key = hashlib.sha256(f"{content}\0{ERROR}\0{BORDER}\0{SCALE}".encode()).hexdigest()[:20]
    path = qr_cache_dir() / f"qr-{key}.png"
    if not path.is_file():
        import segno

        code = segno.make(content, error=ERROR, micro=False)
        png = io.BytesIO()
        code.save(png, kind="png", scale=SCALE, border=BORDER)
        write_cache_bytes(path, png.getvalue())
    return path
