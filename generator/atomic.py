"""Write output files so that a reader never sees half of one.

Like click's ``open_file(atomic=True)``: the bytes go to a temporary file in the
target's own folder (same file system, so the rename is atomic), which then
replaces the target. A failed or interrupted run leaves the earlier file as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import RenderError

__all__ = ["atomic_write_bytes"]


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise RenderError(f"cannot write to {path.parent}: {exc.strerror}. Choose another --out folder.") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        raise RenderError(f"cannot write {path}: {exc.strerror}. Nothing was changed.") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
