"""Bundling as one streaming pass over fixed-size buffers (unbundling: :mod:`.unpack`).

Bundle: image file -> tar (one member, header written by us) -> SHA-1 of the
tar stream -> gzip -> AES-128-CBC (PKCS#7 padding, as ``openssl enc``) ->
parts of ``part_size`` bytes, each with its SHA-1.

Deflate is the only expensive stage, so it runs on a pool of threads the way
pigz does it: the tar stream is cut into 1 MiB blocks, each compressed on its
own with the previous 32 KiB as preset dictionary and ended with a sync flush;
the raw deflate pieces, in order, form one valid deflate stream inside one gzip
member. zlib, hashlib and the AES encryptor release the GIL, so the reader's
SHA-1/CRC-32, the deflate workers and the encrypt/write stage overlap. At most
``2 * workers + 2`` blocks are in flight: memory stays flat whatever the size.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tarfile
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from cloudshell import __version__
from cloudshell.cloud.bundle import keys as bkeys
from cloudshell.cloud.bundle.errors import BundleError
from cloudshell.cloud.bundle.files import create_new, exists_refusal, remove_for_replace, write_new
from cloudshell.cloud.bundle.manifest import (
    IMAGE_TYPES,
    manifest_name,
    part_name,
    render_manifest,
    render_signed_elements,
    to_bytes,
)
from cloudshell.cloud.bundle.stream import _TAR_BLOCK, BUFFER_SIZE, Progress
from cloudshell.cloud.bundle.unpack import unbundle, verify_manifest  # noqa: F401 - re-exported
from cloudshell.cloud.errors import UsageError

PART_SIZE = 10 * 1024 * 1024  # 10,485,760: euca2ools' default
COMPRESS_LEVEL = 6  # gzip's default, as euca2ools used: same bundle size, speed from threads
ARCHITECTURES = ("i386", "x86_64", "armhf", "ppc", "ppc64", "ppc64le")
BUNDLER_NAME = "cloudshell"

_WINDOW = 32 * 1024
_TAR_RECORD = 20 * _TAR_BLOCK
_GZIP_END_BLOCK = b"\x03\x00"  # an empty final fixed-Huffman deflate block


@dataclass(frozen=True)
class BundleResult:
    """What :func:`bundle_image` wrote."""

    manifest_path: Path
    part_paths: tuple[Path, ...]
    digest: str          # SHA-1 of the tar stream, as in the manifest
    size: int            # image file size
    bundled_size: int    # sum of the part sizes


# -- small pieces ------------------------------------------------------------------------------
def _plain_name(name: str, what: str) -> str:
    if not name or name in (".", "..") or "/" in name or "\0" in name:
        raise UsageError(f"{what} {name!r} must be a plain file name (no '/')")
    return name


def tar_header(name: str, size: int, mtime: float) -> bytes:
    """The header block(s) of a one-member tar: GNU format (long names, sizes past 8 GiB)."""
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime)
    info.mode = 0o644
    info.type = tarfile.REGTYPE
    return info.tobuf(tarfile.GNU_FORMAT, "utf-8", "surrogateescape")


def tar_trailer(header_len: int, size: int) -> bytes:
    """Member padding, two zero blocks, and padding to a 10 KiB record, as tar and tarfile write."""
    pad = -size % _TAR_BLOCK
    total = header_len + size + pad + 2 * _TAR_BLOCK
    return bytes(pad + 2 * _TAR_BLOCK + (-total % _TAR_RECORD))


def _tar_stream(fileobj: BinaryIO, header: bytes, size: int,
                on_read: Callable[[int], None]) -> Iterator[bytes]:
    """The tar stream in blocks of about BUFFER_SIZE, reading the image once."""
    first = True
    done = 0
    while done < size:
        chunk = fileobj.read(min(BUFFER_SIZE, size - done))
        if not chunk:
            raise BundleError(f"the image file shrank while being bundled ({done} of {size} bytes read)")
        done += len(chunk)
        on_read(done)
        if first:
            chunk = header + chunk
            first = False
        yield chunk
    if first:
        yield header
    yield tar_trailer(len(header), size)


def _deflate_block(block: bytes, zdict: bytes, level: int) -> bytes:
    if zdict:
        comp = zlib.compressobj(level, zlib.DEFLATED, -15, 8, zlib.Z_DEFAULT_STRATEGY, zdict)
    else:
        comp = zlib.compressobj(level, zlib.DEFLATED, -15)
    return comp.compress(block) + comp.flush(zlib.Z_SYNC_FLUSH)


def _gzip_header(mtime: float) -> bytes:
    # magic, deflate, no flags, mtime, no extra flags, OS=unix
    return b"\x1f\x8b\x08\x00" + struct.pack("<I", int(mtime) & 0xFFFFFFFF) + b"\x00\x03"


class _PartWriter:
    """Writes a byte stream into PREFIX.part.NN files of part_size bytes, hashing each."""

    def __init__(self, folder: Path, prefix: str, part_size: int, force: bool = False) -> None:
        self.folder = folder
        self.force = force
        self.prefix = prefix
        self.part_size = part_size
        self.paths: list[Path] = []
        self.digests: list[str] = []
        self.sizes: list[int] = []
        self._file: BinaryIO | None = None
        self._sha: Any = None
        self._left = 0

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            if self._file is None:
                path = self.folder / part_name(self.prefix, len(self.paths))
                self._file = create_new(path, force=self.force)  # never through a planted symlink
                self.paths.append(path)
                self._sha = hashlib.sha1()
                self._left = self.part_size
            n = min(len(view), self._left)
            chunk = view[:n]
            self._file.write(chunk)
            self._sha.update(chunk)
            self._left -= n
            view = view[n:]
            if self._left == 0:
                self._close_part()

    def _close_part(self) -> None:
        assert self._file is not None
        self._file.close()
        self._file = None
        self.digests.append(self._sha.hexdigest())
        self.sizes.append(self.part_size - self._left)

    def close(self) -> None:
        if self._file is not None:
            self._close_part()

    def discard(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        for path in self.paths:
            try:
                path.unlink()
            except OSError:
                pass


def _check_type(image_type: str, kernel_id: str | None, ramdisk_id: str | None) -> str:
    # euca2ools: "--kernel true" / "--ramdisk true" bundle a kernel / ramdisk image.
    if kernel_id == "true":
        image_type = "kernel"
    if ramdisk_id == "true":
        image_type = "ramdisk"
    if image_type not in IMAGE_TYPES:
        raise UsageError(f"image type {image_type!r} is not one of {', '.join(IMAGE_TYPES)}")
    if image_type == "kernel" and (ramdisk_id or kernel_id not in (None, "true")):
        raise UsageError("a kernel image takes no --kernel ID or --ramdisk ID")
    if image_type == "ramdisk" and (kernel_id or ramdisk_id not in (None, "true")):
        raise UsageError("a ramdisk image takes no --kernel ID or --ramdisk ID")
    return image_type


def _same_key(cert: Any, key: Any) -> bool:
    return cert.public_key().public_numbers() == key.public_key().public_numbers()


# -- bundle -------------------------------------------------------------------------------------
def bundle_image(image_path: str | os.PathLike[str], dest_dir: str | os.PathLike[str],
                 prefix: str | None, arch: str, user_cert: str | os.PathLike[str],
                 user_key: str | os.PathLike[str], cloud_cert: str | os.PathLike[str],
                 user_id: str, kernel_id: str | None = None, ramdisk_id: str | None = None,
                 image_type: str = "machine", progress: Progress | None = None, *,
                 block_device_mapping: Sequence[tuple[str, str]] = (),
                 product_codes: Sequence[str] = (), part_size: int = PART_SIZE,
                 compress_level: int = COMPRESS_LEVEL, workers: int | None = None,
                 force: bool = False) -> BundleResult:
    """Bundle ``image_path`` into ``dest_dir/PREFIX.part.NN`` and ``PREFIX.manifest.xml``.

    ``prefix`` defaults to the image's file name. ``kernel_id="true"`` /
    ``ramdisk_id="true"`` mean a kernel / ramdisk image, as in euca2ools.
    ``progress("bundle", bytes_read, image_size)`` is called after each 1 MiB;
    an exception it raises stops the bundle and removes its part files.
    ``workers`` deflate threads (default: one per CPU, at most 8; 0 = inline).
    Files of this bundle already in ``dest_dir`` (its manifest, any
    ``PREFIX.part.N``) are refused unless ``force``; then they are replaced,
    symlinks as links, never written through.
    """
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    image = Path(image_path)
    if not image.is_file():
        raise UsageError(f"image file not found or not a regular file: {image}")
    prefix = _plain_name(prefix or image.name, "prefix")
    if arch not in ARCHITECTURES:
        raise UsageError(f"architecture {arch!r} is not one of {', '.join(ARCHITECTURES)}")
    user_id = (user_id or "").replace("-", "").strip()
    if not user_id:
        raise UsageError("an account ID is needed (-u ACCOUNT or EC2_USER_ID)")
    image_type = _check_type(image_type, kernel_id, ramdisk_id)
    if image_type == "kernel":
        kernel_id = "true"
    elif image_type == "ramdisk":
        ramdisk_id = "true"
    if part_size < 16 or not 0 <= compress_level <= 9:
        raise UsageError("part size must be at least 16 bytes and compression level 0-9")
    folder = Path(dest_dir)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"destination {folder} is not a directory")

    # Load every key before the long pass, so a bad file fails in a second.
    ucert = bkeys.load_certificate(user_cert)
    ukey = bkeys.load_private_key(user_key)
    ccert = bkeys.load_certificate(cloud_cert)
    if not _same_key(ucert, ukey):
        raise BundleError(f"the private key {user_key} does not belong to the certificate {user_cert}")
    folder.mkdir(parents=True, exist_ok=True)
    old = existing_bundle_files(folder, prefix)
    if old and not force:
        raise exists_refusal(old[0], "bundle-image")
    # An older manifest of this prefix would describe the parts we are about to overwrite.
    if force:
        remove_for_replace(folder / manifest_name(prefix))

    key, iv = os.urandom(16), os.urandom(16)
    writer = _PartWriter(folder, prefix, part_size, force)
    try:
        with open(image, "rb", buffering=0) as fileobj:
            stat = os.fstat(fileobj.fileno())
            size = stat.st_size
            encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
            report = (lambda done: progress("bundle", done, size)) if progress else (lambda done: None)
            report(0)
            stream = _tar_stream(fileobj, tar_header(prefix, size, stat.st_mtime), size, report)
            digest = _compress_encrypt(stream, encryptor, writer, compress_level,
                                       _worker_count(workers), stat.st_mtime)
        writer.close()
    except OSError as exc:
        writer.discard()
        where = exc.filename or image
        raise BundleError(f"bundling failed on {where}: {exc.strerror or exc}") from None
    except BaseException:
        writer.discard()
        raise

    mconfig, image_el = render_signed_elements(
        arch=arch, image_name=prefix, user=user_id, image_type=image_type, digest=digest,
        size=size, bundled_size=sum(writer.sizes),
        ec2_encrypted_key=bkeys.encrypt_hex(ccert.public_key(), key.hex()),
        user_encrypted_key=bkeys.encrypt_hex(ucert.public_key(), key.hex()),
        ec2_encrypted_iv=bkeys.encrypt_hex(ccert.public_key(), iv.hex()),
        user_encrypted_iv=bkeys.encrypt_hex(ucert.public_key(), iv.hex()),
        part_files=[(p.name, d) for p, d in zip(writer.paths, writer.digests)],
        kernel_id=kernel_id, ramdisk_id=ramdisk_id,
        block_device_mapping=block_device_mapping, product_codes=product_codes)
    signature = bkeys.sign_sha1_hex(ukey, to_bytes(mconfig + image_el))
    data = render_manifest(mconfig, image_el, signature, bundler_name=BUNDLER_NAME,
                           bundler_version=__version__)
    manifest_path = folder / manifest_name(prefix)
    try:
        write_new(manifest_path, data, force=force)
    except BaseException as exc:
        writer.discard()
        if not isinstance(exc, OSError):
            raise
        raise BundleError(f"cannot write the manifest {manifest_path}: {exc.strerror or exc}") from None
    return BundleResult(manifest_path, tuple(writer.paths), digest, size, sum(writer.sizes))


def existing_bundle_files(folder: Path, prefix: str) -> list[Path]:
    """The manifest and ``PREFIX.part.N`` files of ``prefix`` already in ``folder`` (symlinks too)."""
    head = f"{prefix}.part."
    try:
        names = sorted(n for n in os.listdir(folder)
                       if n == manifest_name(prefix) or (n.startswith(head) and n[len(head):].isdigit()))
    except OSError:
        return []
    return [folder / n for n in names]


def _worker_count(workers: int | None) -> int:
    if workers is None:
        return max(1, min(os.cpu_count() or 1, 8))
    return max(0, workers)


def _compress_encrypt(stream: Iterator[bytes], encryptor: Any, writer: _PartWriter, level: int,
                      workers: int, mtime: float) -> str:
    """Run the tar stream through SHA-1, gzip and AES into the part writer; return the SHA-1."""
    tar_sha = hashlib.sha1()
    crc = 0
    isize = 0
    gz_len = 0

    def emit(data: bytes) -> None:
        nonlocal gz_len
        gz_len += len(data)
        out = encryptor.update(data)
        if out:
            writer.write(out)

    emit(_gzip_header(mtime))
    if workers == 0:
        comp = zlib.compressobj(level, zlib.DEFLATED, -15)
        for block in stream:
            tar_sha.update(block)
            crc = zlib.crc32(block, crc)
            isize += len(block)
            emit(comp.compress(block))
        emit(comp.flush())
    else:
        from concurrent.futures import ThreadPoolExecutor

        pending: deque[Any] = deque()
        limit = 2 * workers + 1
        zdict = b""
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bundle-deflate")
        try:
            for block in stream:
                pending.append(pool.submit(_deflate_block, block, zdict, level))
                tar_sha.update(block)
                crc = zlib.crc32(block, crc)
                isize += len(block)
                zdict = block[-_WINDOW:] if len(block) >= _WINDOW else (zdict + block)[-_WINDOW:]
                while len(pending) > limit or (pending and pending[0].done()):
                    emit(pending.popleft().result())
            while pending:
                emit(pending.popleft().result())
        finally:
            for fut in pending:
                fut.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
        emit(_GZIP_END_BLOCK)
    emit(struct.pack("<II", crc & 0xFFFFFFFF, isize & 0xFFFFFFFF))
    pad = 16 - gz_len % 16  # PKCS#7: always 1..16 bytes
    writer.write(encryptor.update(bytes([pad]) * pad) + encryptor.finalize())
    return tar_sha.hexdigest()
