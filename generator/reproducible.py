"""Byte-identical DOCX files from identical input.

A DOCX is a zip of XML parts. python-docx writes each entry with the current clock
time and the host's file-system flags, and stamps the core properties with whatever
the template carried; any of these makes two renders of the same dispatch differ.
Everything that would vary is pinned here, once, for the template builder
(``templates/make_docx_template.py``) and the renderer alike.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

__all__ = ["ZIP_DATE", "fixed_zip", "set_core_properties"]

#: The earliest date a zip entry can carry (MS-DOS epoch); used for every entry.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def fixed_zip(data: bytes) -> bytes:
    """``data`` (a zip) rewritten with every entry dated :data:`ZIP_DATE`.

    Entries keep their order, names, contents and compression method. The host
    system and permission bits, which ``zipfile`` takes from the machine that
    writes, are set to fixed values too (MS-DOS, no attributes), so the bytes do
    not depend on where the file was made.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for entry in src.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_DATE)
            info.compress_type = entry.compress_type
            info.create_system = 0
            info.external_attr = 0
            dst.writestr(info, src.read(entry.filename))
    return out.getvalue()


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
