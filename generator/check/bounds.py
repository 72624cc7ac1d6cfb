"""What ``congvan check`` refuses before it reads a file: anything that is not a regular
file, and files, zip parts, PDF streams, pages and paragraphs past the limits in
:mod:`generator.input.model` (README, "Limits"). Each check reads only a zip's directory, a
PDF's object table or a stream's first bytes past its limit, never the whole inflated
content, so a small file that inflates to gigabytes is refused in a moment.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
import zlib
from pathlib import Path

from generator.check.doc import CheckReadError
from generator.i18n import _
from generator.input.model import (
    MAX_CHECK_BYTES,
    MAX_CHECK_INFLATED,
    MAX_CHECK_PAGES,
    MAX_CHECK_PARAGRAPHS,
    MAX_CHECK_PART_BYTES,
    MAX_CHECK_STREAM_BYTES,
)

__all__ = ["docx_fits", "file_fits", "pdf_fits"]


def _mb(size: int) -> str:
    return f"{size / 1e6:,.1f}"


def file_fits(path: Path) -> None:
    """Refuse a path that is not a regular file (``/dev/zero``, a FIFO, a folder) or is too big,
    from its metadata alone (a FIFO is never opened)."""
    try:
        info = path.stat()
    except (OSError, RuntimeError) as exc:
        raise CheckReadError(_("{file}: cannot be read ({reason})", file=path,
                               reason=getattr(exc, "strerror", None) or exc)) from None
    if not stat.S_ISREG(info.st_mode):
        raise CheckReadError(_("{file}: not a regular file (a device, a pipe or a folder). Give a "
                               "PDF or DOCX file.", file=path))
    if info.st_size > MAX_CHECK_BYTES:
        raise CheckReadError(_("{file}: the file is {size} MB, more than the {limit} MB the checker "
                               "reads. Check a dispatch, not a collection of documents.",
                               file=path, size=_mb(info.st_size), limit=f"{MAX_CHECK_BYTES / 1e6:g}"))


_PARAGRAPH = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?p[\s/>]")


def docx_fits(data: bytes, name: str) -> None:
    """Refuse a DOCX whose parts inflate past the limits, that declares a DOCTYPE (Word never
    writes one; entities are how XML bombs grow), or has too many paragraphs."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise CheckReadError(_("{file}: cannot be read as a DOCX ({reason})", file=name, reason=exc)) from None
    with archive:
        infos = archive.infolist()
        total = sum(i.file_size for i in infos)
        if total > MAX_CHECK_INFLATED:
            raise CheckReadError(_(
                "{file}: its parts take {size} MB once unpacked, more than the {limit} MB the checker "
                "reads (a zip bomb, or a document full of media). Check the file without its media.",
                file=name, size=_mb(total), limit=f"{MAX_CHECK_INFLATED / 1e6:g}"))
        for info in infos:
            if info.file_size > MAX_CHECK_PART_BYTES:
                raise CheckReadError(_(
                    "{file}: its part {part} takes {size} MB once unpacked, more than the {limit} MB "
                    "the checker reads in one part. Check the file without its media.",
                    file=name, part=info.filename, size=_mb(info.file_size),
                    limit=f"{MAX_CHECK_PART_BYTES / 1e6:g}"))
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                _xml_part_fits(archive, info, name)


def _xml_part_fits(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """Stream one XML part: no DOCTYPE, and (the body) not too many paragraphs."""
    paragraphs = 0
    carry = b""  # a tag cut by the end of a chunk, counted with the next
    count = info.filename == "word/document.xml"
    try:
        with archive.open(info) as part:
            while True:
                chunk = part.read(1 << 20)
                buf = carry + chunk
                if b"<!DOCTYPE" in buf or b"<!ENTITY" in buf:
                    raise CheckReadError(_(
                        "{file}: its part {part} declares a DOCTYPE, which Word never writes (the file "
                        "was made or altered by another program). Open it in Word or LibreOffice and "
                        "save it again as DOCX.", file=name, part=info.filename))
                cut = buf.rfind(b"<") if chunk else len(buf)
                if cut < len(buf) - 64:
                    cut = len(buf)
                if count:
                    paragraphs += len(_PARAGRAPH.findall(buf, 0, cut))
                    if paragraphs > MAX_CHECK_PARAGRAPHS:
                        raise CheckReadError(_(
                            "{file}: more than {limit} paragraphs, far more than any dispatch. Check a "
                            "dispatch, not a collection of documents.",
                            file=name, limit=f"{MAX_CHECK_PARAGRAPHS:,}"))
                carry = buf[cut:]
                if not chunk:
                    break
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise CheckReadError(_("{file}: cannot be read as a DOCX ({reason})", file=name, reason=exc)) from None


def pdf_fits(data: bytes, name: str) -> None:
    """Refuse a PDF with a password, more pages than the limit, or a stream the text reader
    would inflate past the limit (images are not inflated by it and are left alone)."""
    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise CheckReadError(_(
            "{file}: the PDF is protected by a password. Check a copy saved without the password.",
            file=name)) from None
    except Exception:  # damaged: pdfplumber, which reads what it can, says what is wrong
        return
    with pdf:
        pages = len(pdf.pages)
        if pages > MAX_CHECK_PAGES:
            raise CheckReadError(_(
                "{file}: {pages} pages, more than the {limit} the checker reads. Check a dispatch, "
                "not a collection of documents.", file=name, pages=f"{pages:,}", limit=MAX_CHECK_PAGES))
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") != pikepdf.Name.Image:
                # an embedded font (a whole CJK face can be 20 MB) may be as large as a DOCX part
                font = "/Length1" in obj or str(obj.get("/Subtype")) in _FONT_FILES
                limit = MAX_CHECK_PART_BYTES if font else MAX_CHECK_STREAM_BYTES
                if _inflated(obj, limit) > limit:
                    raise CheckReadError(_(
                        "{file}: a stream of the PDF (object {number}) inflates to more than {limit} MB, "
                        "far more than a page's text needs. The file is damaged or made to exhaust the "
                        "checker.", file=name, number=obj.objgen[0], limit=f"{limit / 1e6:g}"))


#: The filters a stream's size is measured through; others (LZW, run length) are
#: measured by an upper bound of how much they can grow.
_ASCII = {"/ASCIIHexDecode", "/AHx", "/ASCII85Decode", "/A85"}
_FLATE = {"/FlateDecode", "/Fl"}
_FONT_FILES = {"/Type1C", "/CIDFontType0C", "/OpenType"}


def _inflated(stream: object, limit: int) -> int:
    """The size of ``stream`` once decoded, counted up to just past the limit."""
    import base64

    import pikepdf

    try:
        filters = stream.get("/Filter")  # type: ignore[attr-defined]
        names = [str(f) for f in (filters if isinstance(filters, pikepdf.Array) else [filters] if filters else [])]
        raw = bytes(stream.read_raw_bytes())  # type: ignore[attr-defined]
        while names and names[0] in _ASCII:
            if names.pop(0) in ("/ASCIIHexDecode", "/AHx"):
                text = re.sub(rb"\s", b"", raw).rstrip(b">")
                raw = bytes.fromhex((text + b"0" * (len(text) % 2)).decode("ascii"))
            else:
                raw = base64.a85decode(raw.strip(), adobe=raw.strip().endswith(b"~>"))
    except Exception:  # undecodable: pdfminer will say so, or skip it
        return 0
    if not names:
        return len(raw)
    if names[0] not in _FLATE:
        return len(raw) * 3000  # LZW grows at most about this much; run length far less
    inflater = zlib.decompressobj()
    size = 0
    try:
        while raw and size <= limit:
            size += len(inflater.decompress(raw, 1 << 20))
            raw = inflater.unconsumed_tail
            if inflater.eof:
                break
    except zlib.error:
        return size
    return size if len(names) == 1 else size * 3000 if size * 3000 > limit else size
