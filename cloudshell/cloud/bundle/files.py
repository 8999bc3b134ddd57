"""The files the bundle engine reads and writes, opened so that nothing planted is followed.

- New files are created with ``O_CREAT|O_EXCL|O_NOFOLLOW``: a symlink or file
  already at the name is never written through.
- Temporary files are ``tempfile.mkstemp`` in the destination folder (random
  names, ``O_EXCL|O_NOFOLLOW``), renamed into place only when complete.
- An existing file is replaced only with ``force``; without it, placing is a
  hard link (which never replaces) and the name taken is an error. Replacing
  a symlink replaces the link, never what it points to.
- Files read back (manifests, parts kept for a resumed download) must be
  regular files, opened without following a symlink and without blocking on
  a FIFO.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO

from cloudshell.cloud.bundle.errors import BundleError
from cloudshell.cloud.errors import Refused

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NEW_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
FILE_MODE = 0o644


def exists_refusal(path: Path, what: str = "") -> Refused:
    return Refused(f"{what + ': ' if what else ''}{path} already exists; move it away or give --force "
                   "to replace it (nothing was written)")


def remove_for_replace(path: Path) -> None:
    """Make room for a forced replace: the name goes (a symlink itself, never its target)."""
    try:
        if stat.S_ISDIR(os.lstat(path).st_mode):
            raise BundleError(f"{path} is a folder; it is never replaced")
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise BundleError(f"cannot replace {path}: {exc.strerror or exc}") from None


def create_new(path: Path, *, force: bool = False, mode: int = FILE_MODE) -> BinaryIO:
    """Open ``path`` as a new, empty file (unbuffered). It must not exist, unless ``force``."""
    if force:
        remove_for_replace(path)
    try:
        fd = os.open(path, _NEW_FLAGS, mode)
    except FileExistsError:
        raise exists_refusal(path) from None
    except OSError as exc:
        raise BundleError(f"cannot create {path}: {exc.strerror or exc}") from None
    return os.fdopen(fd, "wb", buffering=0)


def place(tmp: Path, target: Path, *, force: bool) -> None:
    """Move the complete temporary file ``tmp`` to ``target`` in the same folder."""
    if force:
        if os.path.isdir(target) and not os.path.islink(target):
            raise BundleError(f"{target} is a folder; it is never replaced")
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target, follow_symlinks=False)  # never replaces anything, a symlink included
    except FileExistsError:
        raise exists_refusal(target) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        if os.path.lexists(target):  # a file system without hard links: check, then rename
            raise exists_refusal(target) from None
        os.rename(tmp, target)
        return
    os.unlink(tmp)


class NewFile:
    """A file written under a temporary name in ``target``'s folder, placed by :meth:`commit`.

    Used as a context manager, it is removed unless committed.
    """

    def __init__(self, target: Path, *, force: bool = False) -> None:
        self.target = target
        self.force = force
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:100]}.", suffix=".tmp")
        self.tmp = Path(name)
        try:
            os.fchmod(fd, FILE_MODE)
        except OSError:
            pass
        self.file: BinaryIO = os.fdopen(fd, "wb", buffering=0)
        self._done = False

    def write(self, data: bytes | memoryview) -> int:
        return self.file.write(data)

    def commit(self) -> Path:
        self.file.close()
        place(self.tmp, self.target, force=self.force)
        self._done = True
        return self.target

    def discard(self) -> None:
        self.file.close()
        if not self._done:
            self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> NewFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()


def write_new(target: Path, data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` as ``target`` through a temporary file."""
    with NewFile(target, force=force) as out:
        out.write(data)
        return out.commit()


def open_regular(path: Path) -> BinaryIO | None:
    """``path`` opened for reading if it is a regular file (not a symlink, FIFO or device), else None."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    return os.fdopen(fd, "rb", buffering=0)


def read_regular(path: Path, limit: int, what: str) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``path`` (a symlink to one is followed here:
    the user named it); a FIFO or device is refused without blocking on it."""
    try:
        fd = os.open(path, os.O_RDONLY | _CLOEXEC | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise BundleError(f"{what} not found: {path}") from None
    except OSError as exc:
        raise BundleError(f"cannot read the {what} {path}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb", buffering=0) as src:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise BundleError(f"{what} {path} is not a regular file")
        try:
            return src.read(limit + 1)
        except OSError as exc:
            raise BundleError(f"cannot read the {what} {path}: {exc.strerror or exc}") from None
