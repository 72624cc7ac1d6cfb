"""A print PDF of hundreds of copies, built without holding them all in memory.

:func:`generator.batch.printing.print_pdf` opens every copy, copies its pages into the batch
and then points the fonts and images the copies share at one of each: fine for the 63
copies of a per-province batch, but each open copy costs about 1.7 MB while the batch
is built (qpdf keeps the copy's objects, and the batch a copy of them, until the file
is written), so a volume of 200 copies needed over 400 MB in one process.

:func:`print_pdf_in_rounds` makes the same file in rounds of :data:`ROUND` copies: a
round's copies are opened, appended, their shared fonts and images pointed at those
already in the batch, and the batch is written out and read back, which leaves the
duplicates behind; then the round's copies are closed. Memory holds one round and the
batch (whose fonts are stored once), whatever the number of copies. Every copy starts
on an odd page, each has its bookmark, an optional index opens the file, and the same
input gives the same bytes, as with :func:`print_pdf`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from generator.batch import printing

__all__ = ["ROUND", "print_pdf_in_rounds"]

#: Copies opened at once.
ROUND = 25


def print_pdf_in_rounds(
    labels: Sequence[str], read: Callable[[int], bytes], *, index: bool = False, title: str = "",
) -> bytes:
    """One PDF of ``len(labels)`` copies, copy ``i``'s bytes given by ``read(i)``, in order,
    each starting on an odd page; with ``index``, opened by an index of the copies."""
    import pikepdf

    if not labels:
        raise ValueError("print_pdf_in_rounds: no copies to print")
    marks: list[tuple[str, int]] = []
    batch = pikepdf.new()
    if index:
        counts = []
        for i in range(len(labels)):
            with pikepdf.open(io.BytesIO(read(i))) as pdf:
                counts.append(len(pdf.pages))
        front = printing._Source(printing._index_pdf(labels, counts, title))
        marks.append((printing.INDEX_HEADING.capitalize(), 0))
        printing._append_on_whole_sheets(batch, front.pdf)
        batch = _written_and_read(batch, [front])
    for start in range(0, len(labels), ROUND):
        sources = [printing._Source(read(i)) for i in range(start, min(start + ROUND, len(labels)))]
        first = _kept(batch)
        for offset, source in enumerate(sources):
            marks.append((labels[start + offset], len(batch.pages)))
            printing._append_sharing(batch, source, first)
        batch = _written_and_read(batch, sources)
    return printing._finished(batch, marks, title)


def _written_and_read(batch: Any, sources: Sequence[Any]) -> Any:
    """The batch written (objects no page uses any more left out) and opened again; the
    sources, whose objects it no longer needs, closed."""
    import pikepdf

    data = printing.saved(batch)
    batch.close()
    for source in sources:
        source.pdf.close()
    return pikepdf.open(io.BytesIO(data))


def _kept(batch: Any) -> dict[bytes, Any]:
    """The fonts and images already in the batch, by the digest of their content."""
    first: dict[bytes, Any] = {}
    memo: dict[tuple[int, int], bytes] = {}
    for _offset, _kind, _table, _name, obj in printing._resources(batch.pages):
        first.setdefault(printing._digest(obj, memo), obj)
    return first
