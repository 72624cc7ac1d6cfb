"""``congvan check``: a Decree 30/2020 conformance checker for DOCX and PDF files.

Each file is read into one common form (:class:`~generator.check.doc.Document`: lines of
text with their page, position in mm, font, size, weight, slant and colour, plus the
page facts a format can tell), so every rule in :mod:`generator.check.rules` is written
once for both formats. A rule says pass, warn, fail, or "not evaluated" when the file
does not let it read what it needs; it never passes what it could not read.

    from generator.check import check_file
    report = check_file("cong-van.pdf")
    report.failed  # True when a rule fails
"""

from __future__ import annotations

from pathlib import Path

from generator.check.doc import CheckReadError, Document
from generator.check.profiles import PROFILES, Profile, get_profile
from generator.check.report import Report, Result
from generator.check.rules import RULES, run_rules

__all__ = [
    "PROFILES",
    "RULES",
    "CheckReadError",
    "Document",
    "Profile",
    "Report",
    "Result",
    "check_bytes",
    "check_file",
    "get_profile",
    "read_document",
]


def read_document(data: bytes, name: str) -> Document:
    """Read ``data`` (the bytes of the file called ``name``) as a PDF or a DOCX."""
    from generator.check.bounds import docx_fits, pdf_fits
    from generator.i18n import _

    if data[:5] == b"%PDF-":
        from generator.check.pdf_reader import read_pdf

        pdf_fits(data, name)
        return read_pdf(data, name)
    if data[:2] == b"PK":
        from generator.check.docx_reader import read_docx

        docx_fits(data, name)
        return read_docx(data, name)
    raise CheckReadError(_("{file}: not a PDF or DOCX file", file=name))


def check_bytes(data: bytes, name: str, profile: Profile | None = None) -> Report:
    """Check the bytes of one file (``name`` is shown in the report)."""
    profile = profile or get_profile(None)
    doc = read_document(data, name)
    from generator.check.addresses import read_addresses

    doc.addresses = read_addresses(data, doc)
    return Report(name, doc.kind, profile.name, run_rules(doc, profile))


def check_file(path: str | Path, profile: Profile | None = None) -> Report:
    """Check the DOCX or PDF file at ``path``."""
    from generator.check.bounds import file_fits
    from generator.i18n import _, os_reason

    path = Path(path)
    file_fits(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CheckReadError(_("{file}: cannot be read ({reason})", file=path, reason=os_reason(exc))) from None
    return check_bytes(data, str(path), profile)
