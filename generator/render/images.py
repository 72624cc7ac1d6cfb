"""The signature block image: the signer's signature with the seal over its left third.

NĐ 30, Phụ lục I, II.8.a: the agency's seal image is placed "so it covers about 1/3
of the signer's signature image on its left". Composing the two once, with Pillow,
gives both renderers the same picture as one inline image, so Word users get no
floating shapes and the overlap cannot differ between the PDF and the DOCX.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from generator.atomic import write_cache_bytes
from generator.errors import InputError
from generator.i18n import _
from generator.resources import qr_cache_dir

__all__ = ["signature_block"]


def signature_block(signature: Path, seal: Path | None) -> Path:
    """A cached PNG of ``signature``, with ``seal`` over its left third when given."""
    h = hashlib.sha256(signature.read_bytes())
    if seal is not None:
        h.update(b"\0" + seal.read_bytes())
    path = qr_cache_dir().parent / "signatures" / f"sig-{h.hexdigest()[:20]}.png"
    if path.is_file():
        return path
    from PIL import Image

    try:
        sig = Image.open(signature).convert("RGBA")
        stamp = Image.open(seal).convert("RGBA") if seal else None
    except OSError as exc:
        raise InputError(["signer: " + _("cannot read the image: {error}. Give a PNG file.", error=exc)]) from None
    if stamp is None:
        canvas = sig
    else:
        sig_x = max(0, stamp.width - sig.width // 3)
        width = max(stamp.width, sig_x + sig.width)
        height = max(sig.height, stamp.height)
        canvas = Image.new("RGBA", (width, height), (255, 255, 255, 0))
        canvas.alpha_composite(sig, (sig_x, (height - sig.height) // 2))
        canvas.alpha_composite(stamp, (0, (height - stamp.height) // 2))
    path.parent.mkdir(parents=True, exist_ok=True)
    png = io.BytesIO()
    canvas.save(png, format="PNG")
    return write_cache_bytes(path, png.getvalue())
