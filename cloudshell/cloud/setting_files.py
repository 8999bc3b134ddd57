"""The one reader of the settings files cloudshell trusts: config.toml, eucarc, euca2ools ini.

Each is read whole, once, through :func:`read_setting_file`, which refuses what
is not a regular file (a FIFO would hang start-up, a device never ends) or is
larger than 1 MiB, without blocking: the path is stat'ed first and opened with
``O_NONBLOCK``, then the open file is checked again. A file that others can
write is used, with one warning line on stderr (once per file): whoever can
write it picks the endpoint and the keys.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from cloudshell.cloud.errors import ConfigError, one_line

MAX_FILE = 1024 * 1024        # bytes; no real settings file comes near it
MAX_LINE = 64 * 1024          # bytes in one line of a eucarc
_warned: set[str] = set()


def read_setting_file(path: str | os.PathLike[str], what: str, *, limit: int = MAX_FILE) -> bytes:
    """The bytes of the settings file ``path`` (``what`` names it in messages: "eucarc", "ini").

    FileNotFoundError passes through (a missing optional file is the caller's
    business); every other problem is a one-line ConfigError naming the file.
    """
    path = str(path)
    try:
        _check(path, os.stat(path), what, limit)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        _check(path, info, what, limit)   # the path may have been swapped since the stat
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 16, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if size > limit:  # it grew while being read
        raise ConfigError(_too_large(path, what, size, limit))
    _warn_if_shared(path, what, info)
    return b"".join(chunks)


def _check(path: str, info: os.stat_result, what: str, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"{what} {path} is {_kind(info.st_mode)}, not a regular file "
                          "(expected a text file)")
    if info.st_size > limit:
        raise ConfigError(_too_large(path, what, info.st_size, limit))


def _too_large(path: str, what: str, size: int, limit: int) -> str:
    return f"{what} {path} is too large ({size:,}+ bytes): expected a settings file of at most {limit:,} bytes"


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a file"


def _warn_if_shared(path: str, what: str, info: os.stat_result) -> None:
    """One stderr line, once per file, when group or others may write it."""
    if not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return
    key = os.path.realpath(path)
    if key in _warned:
        return
    _warned.add(key)
    who = "anyone" if info.st_mode & stat.S_IWOTH else "its group"
    line = (f"cloudshell: warning: {what} {path} is writable by {who} (mode {stat.S_IMODE(info.st_mode):04o}): "
            f"whoever can write it chooses your endpoint and keys; fix it with chmod go-w {path}")
    try:
        print(one_line(line), file=sys.stderr, flush=True)
    except (OSError, ValueError):  # no usable stderr: nothing to warn on
        pass


def read_setting_text(path: str | os.PathLike[str], what: str, *, limit: int = MAX_FILE,
                      max_line: int | None = None) -> str:
    """The file as UTF-8 text (see :func:`read_setting_file`), each line at most ``max_line`` bytes
    when given; other bytes or a longer line are one line naming the file."""
    data = read_setting_file(path, what, limit=limit)
    if max_line is not None:
        start = 0
        for number, end in enumerate(_line_ends(data), 1):
            if end - start > max_line:
                raise ConfigError(f"{what} {Path(path)} line {number} is too long ({end - start:,} bytes): "
                                  f"expected lines of at most {max_line:,} bytes")
            start = end + 1
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(f"cannot read {what} {Path(path)}: line {line} is not UTF-8 text "
                          "(expected a UTF-8 text file)") from None


def _line_ends(data: bytes):
    """Where each line of ``data`` ends (its newline, or the end of the data)."""
    pos = data.find(b"\n")
    while pos >= 0:
        yield pos
        pos = data.find(b"\n", pos + 1)
    yield len(data)
