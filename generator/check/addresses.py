"""The web addresses a file carries: its QR codes (decoded with zxing-cpp), its links,
and the addresses written in its text. The rule ``links.placeholder`` reads them."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from generator.check.doc import Document
from generator.i18n import _

__all__ = ["read_addresses"]

#: An address written in the text.
_IN_TEXT = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"“”()]+|\bzalo\.me/[^\s<>\"“”()]+")
#: Images larger than this are not QR codes worth decoding (pixels on a side).
_MAX_SIDE = 4000


def read_addresses(data: bytes, doc: Document) -> list[tuple[str, str]]:
    """(where, address) for each address in the file, in the order found."""
    out = [(_("page {n}", n=ln.page) if ln.page else _("in the text"), m.group(0).rstrip(".,;:"))
           for ln in doc.lines for m in _IN_TEXT.finditer(ln.text)]
    try:
        out += _pdf_addresses(data) if doc.kind == "pdf" else _docx_addresses(data)
    except Exception:  # a link or an image no reader foresaw: the text's addresses remain
        pass
    return out


def _decode(image: Any) -> list[str]:
    try:
        import zxingcpp
    except ImportError:
        return []
    if max(image.size) > _MAX_SIDE:
        return []
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode) if r.text]


def _pdf_addresses(data: bytes) -> list[tuple[str, str]]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    out: list[tuple[str, str]] = []
    document = pdfium.PdfDocument(data)
    try:
        for n, page in enumerate(document, start=1):
            where = _("QR code, page {n}", n=n)
            for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=3):
                try:
                    image = obj.get_bitmap(render=False).to_pil()
                except Exception:
                    continue
                out += [(where, text) for text in _decode(image)]
            out += [(_("link, page {n}", n=n), uri) for uri in _pdf_links(page)]
    finally:
        document.close()
    return out


def _pdf_links(page: Any) -> list[str]:
    import ctypes

    import pypdfium2.raw as raw

    uris = []
    for index in range(raw.FPDFPage_GetAnnotCount(page.raw)):
        annot = raw.FPDFPage_GetAnnot(page.raw, index)
        try:
            link = raw.FPDFAnnot_GetLink(annot)
            action = raw.FPDFLink_GetAction(link) if link else None
            if action and raw.FPDFAction_GetType(action) == raw.PDFACTION_URI:
                size = raw.FPDFAction_GetURIPath(page.pdf.raw, action, None, 0)
                buffer = (ctypes.c_char * size)()
                raw.FPDFAction_GetURIPath(page.pdf.raw, action, buffer, size)
                uris.append(bytes(buffer).rstrip(b"\0").decode("utf-8", "replace"))
        finally:
            raw.FPDFPage_CloseAnnot(annot)
    return uris


def _docx_addresses(data: bytes) -> list[tuple[str, str]]:
    from PIL import Image

    out: list[tuple[str, str]] = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.startswith("word/_rels/") and name.endswith(".rels"):
                rels = package.read(name).decode("utf-8", "replace")
                out += [(_("link"), m.group(1)) for m in re.finditer(
                    r'<Relationship\b[^>]*Type="[^"]*/hyperlink"[^>]*Target="([^"]+)"', rels)]
            elif name.startswith("word/media/") and name.lower().endswith((".png", ".jpg", ".jpeg", ".gif", ".bmp")):
                with Image.open(io.BytesIO(package.read(name))) as image:
                    out += [(_("QR code in the document"), text) for text in _decode(image)]
    return out
