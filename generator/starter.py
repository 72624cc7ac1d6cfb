"""``congvan init``: a dispatch of one's own to start from.

Writes, into a folder, the example shipped inside the package as a starting point: the
YAML (its comments say what each part is; a first line points VS Code's YAML
extension at the schema), the plan table as CSV (opens in Excel), and the schema
itself (``congvan schema``), so the editor checks and completes the YAML offline.
Nothing is ever overwritten.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.errors import InputError
from generator.i18n import _

__all__ = ["YAML_NAME", "write_starter"]

YAML_NAME = "cong-van.yaml"
PLAN_NAME = "ke-hoach.csv"

#: The comment that opens the YAML ``congvan init`` writes, after the schema line.
_HEADER = """\
# Công văn mới, bắt đầu từ công văn mẫu của congvan: sửa từng trường cho công văn của bạn.
# - Dòng đầu tiên giúp VS Code (tiện ích YAML của Red Hat) kiểm tra và gợi ý từng trường theo
#   {schema}; di chuột lên một trường để xem giải thích.
# - Bảng kế hoạch ở {plan} (mở bằng Excel, lưu lại dạng CSV UTF-8); không cần thì xóa cả
#   mục annexes ở cuối tệp và per_province.
# - Kiểm tra:  congvan validate {yaml}
#   Tạo tệp:   congvan render {yaml}   (ra output/cong-van.pdf và output/cong-van.docx)
#   Mỗi tỉnh một bản:  congvan batch {yaml} --per-province
"""


def starter_yaml() -> str:
    """The starting YAML: the schema line, a header saying what to do, then the example
    (without its own opening comment, which describes the example)."""
    from generator.input.schema import SCHEMA_FILE
    from generator.resources import EXAMPLE_DIR

    text = (EXAMPLE_DIR / YAML_NAME).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    header = _HEADER.format(schema=SCHEMA_FILE, plan=PLAN_NAME, yaml=YAML_NAME)
    return f"# yaml-language-server: $schema={SCHEMA_FILE}\n" + header + "".join(lines)


def write_starter(folder: Path) -> list[Path]:
    """Write the starting dispatch into ``folder`` (made if missing); the files written.

    Refuses, before writing anything, when one of the files is already there.
    """
    from generator.atomic import atomic_write_bytes
    from generator.input.schema import SCHEMA_FILE, input_schema
    from generator.resources import EXAMPLE_DIR

    files = {
        YAML_NAME: starter_yaml().encode("utf-8"),
        PLAN_NAME: (EXAMPLE_DIR / PLAN_NAME).read_bytes(),
        SCHEMA_FILE: (json.dumps(input_schema(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
    }
    there = [folder / name for name in files if (folder / name).exists() or (folder / name).is_symlink()]
    if there:
        raise InputError([_("{path} already exists: congvan init never overwrites a file. Choose another "
                            "folder, or move the file away.", path=p) for p in there])
    if folder.exists() and not folder.is_dir():
        raise InputError([_("{path} is a file, not a folder: choose a folder for the new dispatch.",
                            path=folder)])
    return [atomic_write_bytes(folder / name, data) for name, data in files.items()]
