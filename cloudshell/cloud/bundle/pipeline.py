"""Bundling and unbundling as one streaming pass over fixed-size buffers.

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

Unbundle is the reverse, pushed chunk by chunk through decrypt -> gunzip
(output bounded per call) -> a small tar reader, writing to a temporary file
renamed into place only when every check has passed.
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
from cloudshell.cloud.bundle.manifest import (
    IMAGE_TYPES,
    Manifest,
    manifest_name,
    part_name,
    read_manifest,
    render_manifest,
    render_signed_elements,
    to_bytes,
)
from cloudshell.cloud.errors import UsageError

Progress = Callable[[str, int, int], Any]

BUFFER_SIZE = 1 << 20
PART_SIZE = 10 * 1024 * 1024  # 10,485,760: euca2ools' default
COMPRESS_LEVEL = 6  # gzip's default, as euca2ools used: same bundle size, speed from threads
ARCHITECTURES = ("i386", "x86_64", "armhf", "ppc", "ppc64", "ppc64le")
BUNDLER_NAME = "cloudshell"

_WINDOW = 32 * 1024
_TAR_BLOCK = 512
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

    def __init__(self, folder: Path, prefix: str, part_size: int) -> None:
        self.folder = folder
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
                self.paths.append(path)
                self._file = open(path, "wb", buffering=0)  # noqa: SIM115 - closed in _close_part
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
                 compress_level: int = COMPRESS_LEVEL, workers: int | None = None) -> BundleResult:
    """Bundle ``image_path`` into ``dest_dir/PREFIX.part.NN`` and ``PREFIX.manifest.xml``.

    ``prefix`` defaults to the image's file name. ``kernel_id="true"`` /
    ``ramdisk_id="true"`` mean a kernel / ramdisk image, as in euca2ools.
    ``progress("bundle", bytes_read, image_size)`` is called after each 1 MiB;
    an exception it raises stops the bundle and removes its part files.
    ``workers`` deflate threads (default: one per CPU, at most 8; 0 = inline).
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
    # An older manifest of this prefix would describe the parts we are about to overwrite.
    (folder / manifest_name(prefix)).unlink(missing_ok=True)

    key, iv = os.urandom(16), os.urandom(16)
    writer = _PartWriter(folder, prefix, part_size)
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
    tmp = manifest_path.with_name(f".{manifest_path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, manifest_path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        writer.discard()
        raise BundleError(f"cannot write the manifest {manifest_path}: {exc.strerror or exc}") from None
    return BundleResult(manifest_path, tuple(writer.paths), digest, size, sum(writer.sizes))


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


# -- unbundle -----------------------------------------------------------------------------------
class _CorruptData(Exception):
    """The decrypted stream is not what a bundle holds (bad gzip, tar or padding)."""


class _TarExtractor:
    """Push parser for a tar stream holding one regular file; writes its bytes to ``out``."""

    _META_LIMIT = 1 << 20

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.state = "header"
        self.buf = bytearray()
        self.need = _TAR_BLOCK
        self.remaining = 0
        self.pad = 0
        self.name: str | None = None
        self.size: int | None = None
        self._meta_type = b""
        self._long_name: str | None = None
        self._pax: dict[str, str] = {}

    def feed(self, data: bytes | memoryview) -> None:
        view = memoryview(data)
        while view:
            if self.state == "data":
                n = min(len(view), self.remaining)
                self.out.write(view[:n])
                self.remaining -= n
                view = view[n:]
                if self.remaining == 0:
                    self.state = "pad"
            elif self.state == "pad":
                n = min(len(view), self.pad)
                self.pad -= n
                view = view[n:]
                if self.pad == 0:
                    self.state = "end"
            elif self.state == "end":
                if bytes(view).strip(b"\0"):
                    raise _CorruptData("the tar stream holds more than one file")
                return
            else:  # header or meta: gather self.need bytes
                n = min(len(view), self.need - len(self.buf))
                self.buf += view[:n]
                view = view[n:]
                if len(self.buf) == self.need:
                    block = bytes(self.buf)
                    self.buf.clear()
                    if self.state == "header":
                        self._header(block)
                    else:
                        self._meta(block)

    def _header(self, block: bytes) -> None:
        if not block.strip(b"\0"):
            raise _CorruptData("the tar stream holds no file")
        try:
            info = tarfile.TarInfo.frombuf(block, "utf-8", "surrogateescape")
        except tarfile.HeaderError as exc:
            raise _CorruptData(f"not a tar stream ({exc})") from None
        if info.type in (tarfile.GNUTYPE_LONGNAME, tarfile.XHDTYPE, tarfile.XGLTYPE,
                         tarfile.SOLARIS_XHDTYPE):
            if info.size > self._META_LIMIT:
                raise _CorruptData("oversized tar metadata header")
            self._meta_type = info.type
            self._meta_size = info.size
            self.state = "meta"
            self.need = info.size + (-info.size % _TAR_BLOCK)
            if self.need == 0:
                self._meta(b"")
            return
        if info.type not in (tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.CONTTYPE):
            raise _CorruptData(f"the tar stream holds a non-file entry ({info.name})")
        self.name = self._pax.get("path") or self._long_name or info.name
        self.size = int(self._pax["size"]) if "size" in self._pax else info.size
        self.remaining = self.size
        self.pad = -self.size % _TAR_BLOCK
        self.state = "data" if self.size else ("pad" if self.pad else "end")

    def _meta(self, block: bytes) -> None:
        payload = block[: self._meta_size]
        if self._meta_type == tarfile.GNUTYPE_LONGNAME:
            self._long_name = payload.rstrip(b"\0").decode("utf-8", "surrogateescape")
        elif self._meta_type in (tarfile.XHDTYPE, tarfile.SOLARIS_XHDTYPE):
            self._pax.update(_pax_records(payload))
        self.state = "header"
        self.need = _TAR_BLOCK

    @property
    def complete(self) -> bool:
        return self.state in ("end", "pad") and self.remaining == 0 and self.name is not None


def _pax_records(payload: bytes) -> dict[str, str]:
    records: dict[str, str] = {}
    pos = 0
    while pos < len(payload):
        space = payload.find(b" ", pos)
        if space < 0:
            break
        try:
            length = int(payload[pos:space])
        except ValueError:
            raise _CorruptData("bad pax header in the tar stream") from None
        if length <= 0:
            break
        record = payload[space + 1: pos + length - 1]
        key, _, value = record.partition(b"=")
        records[key.decode("utf-8", "replace")] = value.decode("utf-8", "surrogateescape")
        pos += length
    return records


class _Unpacker:
    """decrypt -> PKCS#7 unpad -> gunzip -> SHA-1 + tar extraction, fed one chunk at a time."""

    def __init__(self, key: bytes, iv: bytes, out: BinaryIO) -> None:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        self._decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        self._held = b""  # the last cipher block: holds the padding, known only at the end
        self._gunzip = zlib.decompressobj(31)
        self.tar_sha = hashlib.sha1()
        self.tar = _TarExtractor(out)

    def feed(self, chunk: bytes) -> None:
        plain = self._decryptor.update(chunk)
        if not plain:
            return
        data = self._held + plain
        self._held = data[-16:]
        self._inflate(memoryview(data)[:-16])

    def _consume(self, out: bytes) -> None:
        self.tar_sha.update(out)
        self.tar.feed(out)

    def _inflate(self, data: bytes | memoryview) -> None:
        # Output is bounded per call (BUFFER_SIZE): a run of zeros cannot blow up memory.
        try:
            while data:
                if self._gunzip.eof:  # another gzip member: gzip accepts concatenated ones
                    self._gunzip = zlib.decompressobj(31)
                out = self._gunzip.decompress(data, BUFFER_SIZE)
                if out:
                    self._consume(out)
                data = self._gunzip.unused_data if self._gunzip.eof else self._gunzip.unconsumed_tail
        except zlib.error as exc:
            raise _CorruptData(f"the decrypted data is not gzip ({exc})") from None

    def finish(self) -> None:
        tail = self._decryptor.finalize()
        data = self._held + tail
        if len(data) != 16:
            raise _CorruptData("the encrypted stream is not a whole number of AES blocks (truncated?)")
        pad = data[-1]
        if not 1 <= pad <= 16 or data[-pad:] != bytes([pad]) * pad:
            raise _CorruptData("bad padding after decryption (wrong key or corrupt data)")
        self._inflate(data[:-pad])
        try:
            while not self._gunzip.eof:  # output zlib still holds back
                out = self._gunzip.decompress(b"", BUFFER_SIZE)
                if not out:
                    break
                self._consume(out)
        except zlib.error as exc:
            raise _CorruptData(f"the decrypted data is not gzip ({exc})") from None
        if not self._gunzip.eof:
            raise _CorruptData("the gzip stream ends early (truncated bundle)")
        if not self.tar.complete:
            raise _CorruptData("the tar stream ends before the image does (truncated bundle)")


def _decrypt_key_iv(manifest: Manifest, key: Any, key_path: Any) -> tuple[bytes, bytes, str]:
    for who in ("user", "ec2"):
        k = bkeys.decrypt_hex(key, getattr(manifest, f"{who}_encrypted_key"))
        v = bkeys.decrypt_hex(key, getattr(manifest, f"{who}_encrypted_iv"))
        if k and v:
            try:
                raw_k, raw_v = bytes.fromhex(k), bytes.fromhex(v)
            except ValueError:
                continue
            if len(raw_k) == 16 and len(raw_v) == 16:
                return raw_k, raw_v, who
    raise BundleError(f"the private key {key_path} cannot decrypt this bundle's key "
                      "(the bundle was made for another key)")


def verify_manifest(manifest: Manifest, public_key: Any) -> None:
    """Raise BundleError unless the manifest's signature verifies with ``public_key``."""
    where = manifest.path.name if manifest.path else "manifest"
    if not manifest.signature:
        raise BundleError(f"manifest {where} is not signed")
    if not manifest.signed_bytes or not bkeys.verify_sha1_hex(
            public_key, manifest.signed_bytes, manifest.signature):
        raise BundleError(f"manifest {where}: the signature does not verify "
                          "(the manifest was altered, or signed by another key)")


def unbundle(manifest_path: str | os.PathLike[str], src_dir: str | os.PathLike[str] | None,
             dest_dir: str | os.PathLike[str], user_key: str | os.PathLike[str],
             progress: Progress | None = None, *,
             user_cert: str | os.PathLike[str] | None = None) -> Path:
    """Check and unpack a bundle; returns the path of the restored image in ``dest_dir``.

    Checks, in order: the private key decrypts the bundle key; the manifest
    signature (with ``user_cert`` if given, else with the private key's public
    half); each part's SHA-1 as it streams by; the image size and the tar
    stream's SHA-1. Any failure raises BundleError naming what is wrong, and
    nothing is left in ``dest_dir``. ``progress("unbundle", bytes, bundled_size)``.
    """
    manifest = read_manifest(manifest_path)
    source = Path(src_dir) if src_dir else Path(manifest_path).resolve().parent
    private = bkeys.load_private_key(user_key)
    key, iv, via = _decrypt_key_iv(manifest, private, user_key)
    if user_cert is not None:
        verify_manifest(manifest, bkeys.load_certificate(user_cert).public_key())
    elif via == "user":
        verify_manifest(manifest, private.public_key())
    else:
        raise BundleError("this key opened the cloud's copy of the bundle key; give the user's "
                          "certificate to verify the manifest signature")

    paths = [source / p.filename for p in manifest.parts]
    for path in paths:
        if not path.is_file():
            raise BundleError(f"part file missing: {path}")

    name = manifest.image_name if manifest.image_name and "/" not in manifest.image_name \
        and manifest.image_name not in (".", "..") else manifest.prefix
    folder = Path(dest_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    tmp = folder / f".{name}.unbundle-{os.getpid()}.tmp"
    total = manifest.bundled_size
    done = 0
    try:
        with open(tmp, "wb") as out:
            unpacker = _Unpacker(key, iv, out)
            if progress:
                progress("unbundle", 0, total)
            for part, path in zip(manifest.parts, paths):
                sha = hashlib.sha1()
                with open(path, "rb", buffering=0) as src:
                    try:
                        while chunk := src.read(BUFFER_SIZE):
                            sha.update(chunk)
                            done += len(chunk)
                            unpacker.feed(chunk)
                            if progress:
                                progress("unbundle", done, total)
                    except _CorruptData as exc:
                        # Blame the part if its bytes are wrong, else the data itself.
                        while chunk := src.read(BUFFER_SIZE):
                            sha.update(chunk)
                        _check_part(part.filename, sha.hexdigest(), part.digest)
                        raise BundleError(f"bundle data is corrupt in {part.filename}: {exc}") from None
                _check_part(part.filename, sha.hexdigest(), part.digest)
            try:
                unpacker.finish()
            except _CorruptData as exc:
                raise BundleError(f"bundle data is corrupt: {exc}") from None
        if unpacker.tar.size != manifest.size:
            raise BundleError(f"the image is {unpacker.tar.size} bytes but the manifest says "
                              f"{manifest.size}")
        if unpacker.tar_sha.hexdigest() != manifest.digest:
            raise BundleError(f"the image digest {unpacker.tar_sha.hexdigest()} differs from the "
                              f"manifest's {manifest.digest}")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BundleError(f"unbundling failed on {exc.filename or target}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _check_part(filename: str, actual: str, expected: str) -> None:
    if actual != expected:
        raise BundleError(f"part {filename} is corrupt: its SHA-1 {actual} differs from the "
                          f"manifest's {expected}")

