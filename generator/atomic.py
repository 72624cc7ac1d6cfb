"""Write output files so that a reader never sees half of one.

Like click's ``open_file(atomic=True)``: the bytes go to a temporary file in the
target's own folder (same file system, so the rename is atomic), which then
replaces the target. A failed or interrupted run leaves the earlier file as it was.

A run killed outright (SIGKILL, a power cut) between writing the temporary file and
renaming it leaves the temporary file behind, as ``.<name>.<random>.tmp``;
:func:`remove_stale_temporaries` clears those of a folder's known outputs, which a
batch does under the folder's lock before it writes.

The temporary name keeps at most :data:`_TMP_STEM` characters of the target's name, so
a target whose own name is near the file system's limit of 255 bytes can still be
written.

**Test hook.** ``CONGVAN_TEST_KILL=<stage>:<which>`` makes the process kill itself
with SIGKILL at one write, so the tests can interrupt a batch at a chosen point:
``<stage>`` is ``tmp`` (the temporary file is written, not yet renamed) or ``done``
(just after the rename); ``<which>`` is the 1-based count of writes in this process
(``done:3``) or a file name (``tmp:manifest.json``). ``raise:<which>`` instead raises an
unexpected error (a ``RuntimeError``) at that write, as a bug would, for the tests of
what the command line does then. Unset, it does nothing.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from generator.errors import RenderError
from generator.i18n import _, os_reason

__all__ = ["atomic_write_bytes", "remove_stale_temporaries", "write_cache_bytes", "write_error"]

#: How much of the target's name the temporary file's name keeps.
_TMP_STEM = 50

#: Errors that mean "this disk is full" rather than "this folder cannot be written".
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})

_writes = 0


def _tmp_prefix(name: str) -> str:
    return f".{name[:_TMP_STEM]}."


def write_error(path: Path, exc: OSError, *, folder: bool = False) -> RenderError:
    """The message for an :class:`OSError` met while writing ``path`` (or creating the
    folder ``path`` when ``folder``): a full disk, or a place that cannot be written."""
    if exc.errno in _FULL:
        return RenderError(_(
            "cannot write {file}: the disk is full. Free some space on it, or choose another "
            "--out folder; nothing was changed.", file=path,
        ))
    if folder or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EEXIST):
        return RenderError(_(
            "cannot write to {folder}: {reason}. Choose another --out folder; nothing was changed.",
            folder=path if folder else path.parent, reason=os_reason(exc),
        ))
    return RenderError(_(
        "cannot write {file}: {reason}. Nothing was changed.", file=path, reason=os_reason(exc),
    ))


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    global _writes
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(path.parent, exc, folder=True) from None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_tmp_prefix(path.name), suffix=".tmp")
    except OSError as exc:
        raise write_error(path, exc) from None
    _writes += 1
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        _test_kill("tmp", path)
        os.replace(tmp, path)
        _test_kill("done", path)
    except OSError as exc:
        raise write_error(path, exc) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def remove_stale_temporaries(folder: Path, names: list[str] | set[str]) -> list[str]:
    """Delete the temporary files an interrupted run left for ``names`` in ``folder``
    (names may be in a subfolder: ``print/in-tat-ca.pdf``); return what was deleted.

    Only call this while holding the folder's lock: a running writer's temporary file
    looks the same.
    """
    # One listing of each folder, not one glob per name: a batch of thousands of copies
    # would otherwise list its folder thousands of times.
    wanted: dict[Path, set[str]] = {}
    for name in names:
        target = folder / name
        wanted.setdefault(target.parent, set()).add(_tmp_prefix(target.name))
    removed = []
    for parent, prefixes in sorted(wanted.items()):
        try:
            entries = sorted(e.name for e in os.scandir(parent) if e.name.endswith(".tmp"))
        except OSError:
            continue
        for entry in entries:
            # mkstemp's name: the prefix, a random part without dots, ".tmp"
            if entry[: entry.rfind(".", 0, len(entry) - 4) + 1] not in prefixes:
                continue
            try:
                (parent / entry).unlink()
                removed.append(entry)
            except OSError:
                pass
    return removed


def _test_kill(stage: str, path: Path) -> None:
    """The test hook described in the module's docstring."""
    hook = os.environ.get("CONGVAN_TEST_KILL")
    if not hook:
        return
    want_stage, _sep, which = hook.partition(":")
    if want_stage != stage and not (want_stage == "raise" and stage == "tmp"):
        return
    if which == path.name or (which.isdigit() and int(which) == _writes):
        if want_stage == "raise":
            raise RuntimeError(f"CONGVAN_TEST_KILL={hook}: an internal error made on purpose")
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def write_cache_bytes(path: Path, data: bytes) -> Path:
    """Write a cache file (a QR image, a prepared face) so that parallel workers that
    start together never read half of one; return the path.

    Unlike :func:`atomic_write_bytes`, no fsync (a cache file lost in a power cut is made
    again) and not counted by the test hook, which counts the outputs' writes. The
    file is readable by its owner only, as :func:`tempfile.mkstemp` makes it.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
