"""Unbundling: the reverse of :mod:`.pipeline`, one streaming pass over fixed-size buffers.

Unbundle is pushed chunk by chunk through decrypt -> gunzip
(output bounded per call) -> a small tar reader, writing to a temporary file
renamed into place only when every check has passed.
"""

from __future__ import annotations

import hashlib
import os
import tarfile
import zlib
from pathlib import Path
from typing import Any, BinaryIO

from cloudshell.cloud.bundle import keys as bkeys
from cloudshell.cloud.bundle.errors import BadBundle, BundleError
from cloudshell.cloud.bundle.files import NewFile
from cloudshell.cloud.bundle.keys import verify_manifest
from cloudshell.cloud.bundle.manifest import Manifest, read_manifest
from cloudshell.cloud.bundle.stream import _TAR_BLOCK, BUFFER_SIZE, Progress


# -- unbundle -----------------------------------------------------------------------------------
class _CorruptData(Exception):
    """The decrypted stream is not what a bundle holds (bad gzip, tar or padding)."""


class _TarExtractor:
    """Push parser for a tar stream holding one regular file; writes its bytes to ``out``."""

    _META_LIMIT = 1 << 20

    def __init__(self, out: BinaryIO, expected_size: int | None = None) -> None:
        self.out = out
        self.expected_size = expected_size  # the manifest's: checked at the header, before any byte is written
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
        try:
            self.size = int(self._pax["size"]) if "size" in self._pax else info.size
        except ValueError:
            raise _CorruptData("bad pax size in the tar stream") from None
        if self.expected_size is not None and self.size != self.expected_size:
            raise _CorruptData(f"the tar holds a {self.size}-byte image but the manifest says "
                               f"{self.expected_size} bytes")
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

    def __init__(self, key: bytes, iv: bytes, out: BinaryIO, image_size: int | None = None) -> None:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        # The tar stream holds the image, its headers and padding: beyond that it is a gzip bomb.
        self.limit = None if image_size is None else image_size + (4 << 20)
        self.tar_bytes = 0
        self._decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        self._held = b""  # the last cipher block: holds the padding, known only at the end
        self._gunzip = zlib.decompressobj(31)
        self.tar_sha = hashlib.sha1()
        self.tar = _TarExtractor(out, image_size)

    def feed(self, chunk: bytes) -> None:
        plain = self._decryptor.update(chunk)
        if not plain:
            return
        data = self._held + plain
        self._held = data[-16:]
        self._inflate(memoryview(data)[:-16])

    def _consume(self, out: bytes) -> None:
        self.tar_bytes += len(out)
        if self.limit is not None and self.tar_bytes > self.limit:
            raise _CorruptData(f"the tar stream runs past {self.limit} bytes, more than the image the "
                               "manifest declares")
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


def unbundle(manifest_path: str | os.PathLike[str], src_dir: str | os.PathLike[str] | None,
             dest_dir: str | os.PathLike[str], user_key: str | os.PathLike[str],
             progress: Progress | None = None, *,
             user_cert: str | os.PathLike[str] | None = None, force: bool = False) -> Path:
    """Check and unpack a bundle; returns the path of the restored image in ``dest_dir``.

    Checks, in order: the private key decrypts the bundle key; the manifest
    signature (with ``user_cert`` if given, else with the private key's public
    half); each part's SHA-1 as it streams by; the image size and the tar
    stream's SHA-1; the tar's size against the manifest's as soon as its header
    arrives. Any failure raises BundleError naming what is wrong, and nothing is
    left in ``dest_dir``. The image goes to a temporary file (``mkstemp``) and
    never replaces an existing file unless ``force``.
    ``progress("unbundle", bytes, bundled_size)``.
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

    folder = Path(dest_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / manifest.output_name
    total = manifest.bundled_size
    done = 0
    try:
        with NewFile(target, force=force) as out:
            unpacker = _Unpacker(key, iv, out.file, manifest.size)
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
                        raise BadBundle(f"bundle data is corrupt in {part.filename}: {exc}") from None
                _check_part(part.filename, sha.hexdigest(), part.digest)
            try:
                unpacker.finish()
            except _CorruptData as exc:
                raise BadBundle(f"bundle data is corrupt: {exc}") from None
            if unpacker.tar.size != manifest.size:
                raise BadBundle(f"the image is {unpacker.tar.size} bytes but the manifest says "
                                f"{manifest.size}")
            if unpacker.tar_sha.hexdigest() != manifest.digest:
                raise BadBundle(f"the image digest {unpacker.tar_sha.hexdigest()} differs from the "
                                f"manifest's {manifest.digest}")
            out.commit()
    except OSError as exc:
        raise BundleError(f"unbundling failed on {exc.filename or target}: {exc.strerror or exc}") from None
    return target


def _check_part(filename: str, actual: str, expected: str) -> None:
    if actual != expected:
        raise BadBundle(f"part {filename} is corrupt: its SHA-1 {actual} differs from the "
                          f"manifest's {expected}")
