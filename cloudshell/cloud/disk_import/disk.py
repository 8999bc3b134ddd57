"""The local disk image of an import: its format checked, its size, the byte ranges it is sent in.

The image file is untrusted input too (a VMDK header can claim any capacity),
so what is read from it is bounded and checked before anything is sent:

- RAW: any file; the image is the file, its size the file's.
- VMDK: only the stream-optimized kind EC2 and Eucalyptus import (one file,
  deflate-compressed grains, every marker present, shut down cleanly); the
  size is the disk's capacity from the header (or the footer when the header
  defers to it), as euca2ools sends it.
- VHD: the 512-byte footer (``conectix``) gives the disk's current size.

Errors are :class:`BadDiskImage` (exit 2: nothing was sent yet).
"""

from __future__ import annotations

import math
import os
import struct
from dataclasses import dataclass

from cloudshell.cloud.errors import CloudshellError

FORMATS = ("RAW", "VMDK", "VHD")
GIB = 1 << 30
PART_SIZE = 10 << 20          # euca2ools' 10 MiB parts
MAX_PARTS = 100_000           # a 1 TB image in 10 MiB parts
MAX_PART_BYTES = 5 << 30      # S3's limit on one PUT
MAX_IMAGE_BYTES = 16384 * GIB  # EC2's largest volume

_VMDK_MAGIC = 0x564D444B      # "KDMV" read little-endian
_VMDK_HEADER = struct.Struct("<IIIQQQQIQQQ?4cH")
_GD_AT_END = 0xFFFFFFFFFFFFFFFF
_VMDK_COMPRESSED, _VMDK_MARKERS = 1 << 16, 1 << 17
_VHD_COOKIE = b"conectix"


class DiskImportError(CloudshellError):
    """An import's upload or its manifest went wrong. Exit 1; the message names the object or file."""

    exit_code = 1


class BadDiskImage(DiskImportError):
    """A disk image or import manifest is not what it may be: refused. Exit 2 unless ``done``."""

    exit_code = 2

    def __init__(self, message: str, *, done: bool = False) -> None:
        super().__init__(message)
        if done:
            self.exit_code = 1


def _read(path: str, offset: int, size: int) -> bytes:
    try:
        with open(path, "rb") as src:
            src.seek(offset, os.SEEK_SET if offset >= 0 else os.SEEK_END)
            return src.read(size)
    except OSError as exc:
        raise BadDiskImage(f"cannot read {path}: {exc.strerror or exc}") from None


def file_size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError as exc:
        raise BadDiskImage(f"cannot read {path}: {exc.strerror or exc}") from None


def vmdk_capacity(path: str) -> int:
    """The virtual disk size in bytes of a stream-optimized VMDK, after checking it is one."""
    if file_size(path) < 1024:
        raise BadDiskImage(f"{path} is too small to be a stream-optimized VMDK (under 1 KiB)")
    fields = _VMDK_HEADER.unpack(_read(path, 0, _VMDK_HEADER.size))
    if fields[0] != _VMDK_MAGIC:
        raise BadDiskImage(f"{path} is not a VMDK file (no KDMV header); give the right -f FORMAT")
    if fields[9] == _GD_AT_END:   # streamed: the header's true values are in the footer
        fields = _VMDK_HEADER.unpack(_read(path, -1024, _VMDK_HEADER.size))
        if fields[0] != _VMDK_MAGIC:
            raise BadDiskImage(f"{path}: the VMDK footer is missing (the file is cut short?)")
    flags, sectors, unclean, algorithm = fields[2], fields[3], fields[11], fields[16]
    if not flags & _VMDK_COMPRESSED or not flags & _VMDK_MARKERS:
        raise BadDiskImage(f"{path} is a VMDK but not stream-optimized (convert it, e.g. "
                           "qemu-img convert -O vmdk -o subformat=streamOptimized)")
    if unclean:
        raise BadDiskImage(f"{path}: the VMDK is marked as not shut down cleanly")
    if algorithm != 1:
        raise BadDiskImage(f"{path}: the VMDK uses compression {algorithm}, not deflate")
    return _bounded(path, sectors * 512)


def vhd_size(path: str) -> int:
    """The disk size in bytes a VHD's footer declares (its last 512 bytes)."""
    if file_size(path) < 512:
        raise BadDiskImage(f"{path} is too small to be a VHD (under 512 bytes)")
    footer = _read(path, -512, 512)
    if not footer.startswith(_VHD_COOKIE):
        raise BadDiskImage(f"{path} is not a VHD file (no conectix footer); give the right -f FORMAT, "
                           "or --image-size BYTES")
    return _bounded(path, struct.unpack(">Q", footer[48:56])[0])


def _bounded(path: str, size: int) -> int:
    if not 1 <= size <= MAX_IMAGE_BYTES:
        raise BadDiskImage(f"{path} declares a disk of {size} bytes (expected 1 byte to 16 TiB)")
    return size


def image_bytes(path: str, fmt: str) -> int:
    """The image size sent as ``Image.Bytes``: RAW the file's, VMDK its capacity, VHD its footer's."""
    if fmt == "RAW":
        return _bounded(path, file_size(path))
    return vmdk_capacity(path) if fmt == "VMDK" else vhd_size(path)


def volume_gib(image_size: int) -> int:
    """The smallest volume (whole GiB) the image fits in."""
    return max(1, math.ceil(image_size / GIB))


@dataclass(frozen=True)
class ByteRange:
    """Part ``index`` of the file: bytes ``start`` to ``end``, both included (as the manifest says)."""

    index: int
    start: int
    end: int

    @property
    def size(self) -> int:
        return self.end - self.start + 1


def byte_ranges(size: int, part_size: int = PART_SIZE) -> list[ByteRange]:
    """The file cut in ``part_size`` pieces, the last one shorter."""
    if size < 1:
        raise BadDiskImage("the disk image is empty: there is nothing to import")
    if -(-size // part_size) > MAX_PARTS:
        raise BadDiskImage(f"the disk image is too big for {MAX_PARTS} parts of {part_size} bytes")
    return [ByteRange(n, start, min(start + part_size, size) - 1)
            for n, start in enumerate(range(0, size, part_size))]


def read_range(path: str, part: ByteRange) -> bytes:
    """The bytes of one part, exactly (a file that shrank since is refused)."""
    data = _read(path, part.start, part.size)
    if len(data) != part.size:
        raise DiskImportError(f"{path} changed while it was being uploaded (part {part.index} is short); "
                              "upload it again when nothing writes to it")
    return data
