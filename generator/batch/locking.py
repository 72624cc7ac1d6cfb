"""One run at a time per output folder.

Two batches writing the same folder would interleave their copies and overwrite
each other's manifest. Each run holds an exclusive ``flock`` on ``.congvan.lock``
in the folder; a second run stops at once with a message instead of waiting
without a word. The kernel drops the lock when a process dies, even by SIGKILL,
so a killed run never leaves the folder locked.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from generator.errors import CongVanError
from generator.i18n import _

__all__ = ["FolderBusy", "folder_lock"]

LOCK_NAME = ".congvan.lock"


class FolderBusy(CongVanError):
    exit_code = 3


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the folder's lock for the duration of the block."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:  # a read-only or full disk, a file where the folder should be
        from generator.atomic import write_error

        raise write_error(folder, exc, folder=True) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
            raise FolderBusy(_(
                "{folder} is being written by another congvan run (pid {pid}). "
                "Wait for it to finish, or choose another --out folder.", folder=folder, pid=holder,
            )) from None
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        except OSError:
            pass  # a full disk: the lock holds without the pid, and the run will say the disk is full
        yield
    finally:
        os.close(fd)
