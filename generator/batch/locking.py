"""One run at a time per output folder.

Two batches writing the same folder would interleave their copies and overwrite
each other's manifest. Each run holds an exclusive lock on ``.congvan.lock`` in the
folder, taken with portalocker (``flock`` on Linux and macOS, ``msvcrt.locking`` on
Windows); a second run stops at once with a message naming the holder instead of
waiting without a word. The operating system drops the lock when a process dies,
even by SIGKILL, so a killed run never leaves the folder locked.

The lock file is opened without following a symbolic link (``O_NOFOLLOW`` where the
system has it, and a look at the path before and after opening everywhere): a
``.congvan.lock`` that is a link, a folder or a device is refused with exit 3, and
the file it points at is never opened, truncated or written.

portalocker is imported only when a lock is taken, so every module imports on a
system without ``fcntl``.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from generator.errors import CongVanError
from generator.i18n import _

__all__ = ["FolderBusy", "folder_lock"]

LOCK_NAME = ".congvan.lock"


class FolderBusy(CongVanError):
    exit_code = 3


def _not_a_lock_file(path: Path) -> FolderBusy:
    return FolderBusy(_(
        "{path} is not a plain file (a link, a folder or a device): congvan will not lock through it. "
        "Delete it, or choose another --out folder.", path=path,
    ))


def _open_lock_file(path: Path) -> int:
    """A descriptor of the lock file at ``path``, created if missing, never through a link."""
    try:
        before = os.lstat(path)
    except FileNotFoundError:
        before = None
    if before is not None and not stat.S_ISREG(before.st_mode):
        raise _not_a_lock_file(path)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError:
        if path.is_symlink() or (path.exists() and not path.is_file()):  # a link made meanwhile (ELOOP)
            raise _not_a_lock_file(path) from None
        raise
    opened = os.fstat(fd)
    if not stat.S_ISREG(opened.st_mode) or os.path.islink(path):
        os.close(fd)
        raise _not_a_lock_file(path)
    return fd


def _holder(fd: int) -> str:
    """The pid the holder wrote into the lock file, or words saying it is unknown."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 32).decode(errors="replace").strip()
    except OSError:  # Windows: the holder's locked bytes cannot be read
        text = ""
    return text or _("another process")


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the folder's lock for the duration of the block."""
    import portalocker

    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = _open_lock_file(folder / LOCK_NAME)
    except OSError as exc:  # a read-only or full disk, a file where the folder should be
        from generator.atomic import write_error

        raise write_error(folder, exc, folder=True) from None
    try:
        try:
            portalocker.lock(fd, portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING)
        except portalocker.exceptions.LockException:
            raise FolderBusy(_(
                "{folder} is being written by another congvan run (pid {pid}). "
                "Wait for it to finish, or choose another --out folder.", folder=folder, pid=_holder(fd),
            )) from None
        try:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, str(os.getpid()).encode())
        except OSError:
            pass  # a full disk: the lock holds without the pid, and the run will say the disk is full
        yield
    finally:
        os.close(fd)
