"""Byte-identical DOCX files from identical input.

A DOCX is a zip of XML parts. python-docx writes each entry with the current clock
time and the host's file-system flags, and stamps the core properties with whatever
the template carried; any of these makes two renders of the same dispatch differ.
Everything that would vary is pinned here, once, for the template builder
(``templates/make_docx_template.py``) and the renderer alike.

:func:`saved_docx` writes a python-docx document's zip with these fixed entries
directly; :func:`fixed_zip` rewrites a zip some other code already saved. Both give
the same bytes for the same parts.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import struct
import zipfile
import zlib
from collections.abc import Mapping
from typing import Any

__all__ = ["ZIP_DATE", "fixed_zip", "saved_docx", "set_core_properties"]

#: The earliest date a zip entry can carry (MS-DOS epoch); used for every entry.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def fixed_zip(data: bytes) -> bytes:
    """``data`` (a zip) rewritten with every entry dated :data:`ZIP_DATE`.

    Entries keep their order, names, contents and compression method. The host
    system and permission bits, which ``zipfile`` takes from the machine that
    writes, are set to fixed values too (MS-DOS, and the rw------- ``zipfile`` gives
    an entry without attributes), so the bytes do not depend on where the file was made.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for entry in src.infolist():
            dst.writestr(_entry(entry.filename, entry.compress_type), src.read(entry.filename))
    return out.getvalue()


def saved_docx(document: Any, xml: Mapping[Any, bytes] | None = None) -> bytes:
    """The bytes ``document.save()`` then :func:`fixed_zip` gave (a python-docx
    ``Document``), each part compressed once and the template's unchanged parts not
    at all after the first copy.

    ``xml`` gives, by part name, bytes to write instead of a part's own: the print
    DOCX puts its ``word/document.xml`` together copy by copy, never as one tree.

    Saving and then :func:`fixed_zip` compressed every part twice and decompressed it
    once. This runs python-docx's own package writer (``PackageWriter``'s steps:
    content types, package relationships, then each part and its relationships, in
    python-docx's order), as ``OpcPackage.save`` does, into a :class:`_FixedZipWriter`
    instead of the zip writer ``PackageWriter.write`` makes for itself.
    """
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    parts = package.parts  # walks the relationship graph: once, as OpcPackage.save does
    for part in parts:
        part.before_marshal()
    writer = _FixedZipWriter(xml or {})
    PackageWriter._write_content_types_stream(writer, parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, parts)
    return writer.close()


class _FixedZipWriter:
    """python-docx's physical package writer (``PhysPkgWriter``: ``write`` a part's
    blob under its pack URI, ``close``), writing the zip :func:`fixed_zip` writes.

    ``zipfile`` cannot store data compressed earlier, and a copy's largest parts (the
    built-in template's two styles parts, 0.8 MB of XML) are the same in every copy;
    compressing them took about 7 ms of a copy's 25. So the records are written here,
    field for field as ``zipfile`` writes them to a seekable file (no data descriptor,
    no extra fields, no zip64: a DOCX is far from 4 GB), and the compressed data of a
    blob seen lately is reused (:func:`_deflated`). ``tests/test_docx.py`` checks that the bytes
    are those of python-docx's save followed by :func:`fixed_zip`.
    """

    def __init__(self, xml: Mapping[Any, bytes]) -> None:
        self._out = io.BytesIO()
        self._directory: list[bytes] = []
        self._xml = xml

    def write(self, pack_uri: Any, blob: bytes) -> None:
        blob = self._xml.get(pack_uri, blob)
        crc, data = _deflated(blob)
        name, flags = _name_and_flags(pack_uri.membername)
        fields = (_VERSION, 0, flags, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE, crc,
                  len(data), len(blob), len(name))
        self._directory.append(
            struct.pack("<4s4B4H3L5HLL", b"PK\x01\x02", _VERSION, 0, *fields, 0, 0, 0, 0,
                        _ATTRIBUTES, self._out.tell()) + name)
        self._out.write(struct.pack("<4s2B4H3L2H", b"PK\x03\x04", *fields, 0) + name + data)

    def close(self) -> bytes:
        """The zip: the entries, then the central directory and its end record."""
        start = self._out.tell()
        for record in self._directory:
            self._out.write(record)
        count, size = len(self._directory), self._out.tell() - start
        if start + size > 0xFFFFFFFF or count > 0xFFFF:
            raise ValueError("a DOCX too large for a zip without zip64")
        self._out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, size, start, 0))
        return self._out.getvalue()


#: What ``zipfile`` writes for a deflated entry of :func:`_entry`: version 2.0 to
#: extract and made by 2.0 on MS-DOS, the date :data:`ZIP_DATE`, and the permissions
#: (rw-------) it gives an entry without attributes.
_VERSION = 20
_DOS_DATE = (ZIP_DATE[0] - 1980) << 9 | ZIP_DATE[1] << 5 | ZIP_DATE[2]
_DOS_TIME = ZIP_DATE[3] << 11 | ZIP_DATE[4] << 5 | ZIP_DATE[5] // 2
_ATTRIBUTES = 0o600 << 16


def _name_and_flags(name: str) -> tuple[bytes, int]:
    """An entry's name as ``zipfile`` stores it: ASCII, or UTF-8 with flag bit 11."""
    try:
        return name.encode("ascii"), 0
    except UnicodeEncodeError:
        return name.encode("utf-8"), 0x800


@functools.lru_cache(maxsize=64)
def _deflated(blob: bytes) -> tuple[int, bytes]:
    """``blob``'s CRC-32 and its raw deflate stream at zlib's default level, as
    ``zipfile`` compresses a ``ZIP_DEFLATED`` entry.

    Kept for the blobs seen lately: the template's unchanged parts (the same bytes
    objects in every copy) are found again; a copy's own parts are soon dropped.
    """
    if len(blob) > 0x7FFFFFFF:
        raise ValueError("a DOCX part over 2 GB")
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return zlib.crc32(blob), compressor.compress(blob) + compressor.flush()


def _entry(name: str, compress_type: int) -> zipfile.ZipInfo:
    """A zip entry for ``name`` dated :data:`ZIP_DATE`, made on "MS-DOS" with no attributes
    of its own (``zipfile`` then gives it rw-------)."""
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = compress_type
    info.create_system = 0
    info.external_attr = 0
    return info


def set_core_properties(
    document: Any, *, title: str, author: str, when: dt.datetime, comments: str = ""
) -> None:
    """Fill ``docProps/core.xml`` of a python-docx ``Document`` with fixed values only.

    Created and modified both take ``when`` (the dispatch's own date, never the
    clock); revision is 1 and "last modified by" is empty, as for a file nobody has
    edited yet.
    """
    props = document.core_properties
    props.title = title
    props.author = author
    props.subject = ""
    props.keywords = ""
    props.category = ""
    props.comments = comments
    props.last_modified_by = ""
    props.revision = 1
    props.created = when
    props.modified = when
