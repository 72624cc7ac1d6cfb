"""``congvan import``: turn an existing dispatch (DOCX, DOC or PDF) into congvan's YAML.

The file is read by the readers of ``congvan check`` (:func:`generator.check.read_document`,
with their bounds on hostile files) into lines with positions and styles;
:mod:`.reading` groups them into paragraphs, tables and QR codes, :mod:`.recognise`
maps those to the model's fields (saying what it recognised, what it guessed and what
it could not place), and :mod:`.writing` writes the YAML, with comments where something
was left over, and a CSV per plan table.

    from generator.importer import import_file
    result = import_file(Path("cong-van-cu.docx"), Path("cong-van.yaml"))
    result.report  # recognised / guessed / left over
"""

from __future__ import annotations

from generator.importer.run import Imported, ImportResult, import_file, import_text

__all__ = ["ImportResult", "Imported", "import_file", "import_text"]
