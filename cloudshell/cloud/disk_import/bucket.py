"""An import's disk image in the bucket: presigned URLs, the manifest, the parts, their deletion.

Everything goes through the session's S3 client (its signing, TLS, deadline,
retries). The presigned URLs are computed locally (nothing is sent to make
them); they let the cloud's conversion read the parts and delete them when it
is done, for ``seconds``.

Uploads follow euca2ools: the manifest first (it fixes the parts' layout, so a
stopped upload resumes from it), then each missing part. A part already in the
bucket is kept only when its size and plain-MD5 ETag match the local bytes,
never on its name alone.

What a bucket returns is untrusted: the manifest read back passes
:func:`~cloudshell.cloud.disk_import.manifest.parse_manifest`, and a manifest
URL a task names must point at this cloud's own S3 endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from cloudshell.cloud.bundle.checks import read_capped
from cloudshell.cloud.bundle.transfer import ensure_bucket, is_missing
from cloudshell.cloud.disk_import.disk import (
    PART_SIZE, BadDiskImage, DiskImportError, byte_ranges, file_size, read_range,
)
from cloudshell.cloud.disk_import.manifest import (
    MANIFEST_SUFFIX, ImportManifest, ImportPart, manifest_xml, parse_manifest, part_key,
)
from cloudshell.cloud.errors import CloudError

Progress = Callable[[str, int, int], Any]   # (stage, bytes done, bytes in all), as the bundle engine's

__all__ = ["ensure_bucket", "presign", "resolve_manifest_url", "new_manifest", "fetch_manifest",
           "upload_image", "check_agrees", "delete_keys", "UploadOutcome"]

_BUCKET = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_AWS_VIRTUAL = re.compile(r"(?P<bucket>.+)\.s3(?:[.-][a-z0-9-]+)?(?:\.dualstack)?\.amazonaws\.com")
_PLAIN_MD5 = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class UploadOutcome:
    """What one upload did: the manifest written or found, the part keys sent and kept."""

    bucket: str
    manifest_key: str
    manifest: ImportManifest
    manifest_written: bool
    uploaded: tuple[str, ...]
    skipped: tuple[str, ...]


def presign(session: Any, operation: str, bucket: str, key: str, seconds: int) -> str:
    """A URL that lets its holder do ``operation`` (get_object, head_object, delete_object) on the
    object for ``seconds``; signed here with the session's credentials, nothing sent."""
    try:
        return session.s3.generate_presigned_url(operation, Params={"Bucket": bucket, "Key": key},
                                                 ExpiresIn=seconds)
    except CloudError:
        raise
    except Exception as exc:  # noqa: BLE001 - botocore: no credentials, bad endpoint…
        raise DiskImportError(f"cannot sign a URL for s3://{bucket}/{key} ({type(exc).__name__}: {exc})") from None


def _port(parts: Any) -> int | None:
    try:
        return parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return None


def resolve_manifest_url(session: Any, url: str) -> tuple[str, str]:
    """(bucket, key) of an import manifest URL on this cloud's S3 endpoint (path or virtual-host style).

    A URL naming another host, a key that is not ``….manifest.xml`` or a name with control
    characters or ``..`` is refused: nothing is read or deleted anywhere a task merely names.
    """
    shown = url if len(url) <= 120 else url[:100] + "…"
    parts = urlsplit(url.strip())
    endpoint = urlsplit(session.s3.meta.endpoint_url)
    host, home = (parts.hostname or "").lower(), (endpoint.hostname or "").lower()
    base = endpoint.path.rstrip("/")
    path = unquote(parts.path)
    same_port = _port(parts) == _port(endpoint)
    if parts.scheme not in ("http", "https") or not host:
        raise BadDiskImage(f"the manifest URL {shown!r} is not an http(s) URL")
    if host == home and same_port:
        if base and not path.startswith(base + "/"):
            raise BadDiskImage(f"the manifest URL {shown!r} is not under the S3 endpoint's path {base}")
        bucket, _, key = path[len(base):].lstrip("/").partition("/")
    elif host.endswith("." + home) and same_port:
        bucket, key = host[: -len(home) - 1], path[len(base):].lstrip("/")
    elif home.endswith("amazonaws.com") and (found := _AWS_VIRTUAL.fullmatch(host)):
        bucket, key = found.group("bucket"), path.lstrip("/")
    else:
        raise BadDiskImage(f"the manifest URL points at {host}:{_port(parts)}, not this cloud's S3 endpoint "
                           f"{home}:{_port(endpoint)}; nothing there is read or deleted")
    if not _BUCKET.fullmatch(bucket) or ".." in bucket:
        raise BadDiskImage(f"the manifest URL {shown!r} names no valid bucket")
    if not key.endswith(MANIFEST_SUFFIX) or _CONTROL.search(key) or ".." in key.split("/") \
            or key.startswith("/") or "//" in key:
        raise BadDiskImage(f"the manifest URL {shown!r} does not name an import manifest "
                           f"(expected FOLDER/NAME{MANIFEST_SUFFIX})")
    return bucket, key


def new_manifest(session: Any, bucket: str, manifest_key: str, *, file_format: str, image_size: int,
                 volume_size: int, local_size: int, seconds: int, part_size: int = PART_SIZE) -> ImportManifest:
    """The manifest of a new upload: the file cut in ``part_size`` parts, each with its presigned URLs."""
    parts = []
    for span in byte_ranges(local_size, part_size):
        key = part_key(manifest_key, span.index)
        parts.append(ImportPart(span, key, presign(session, "head_object", bucket, key, seconds),
                                presign(session, "get_object", bucket, key, seconds),
                                presign(session, "delete_object", bucket, key, seconds)))
    return ImportManifest(file_format, image_size, volume_size, tuple(parts),
                          presign(session, "delete_object", bucket, manifest_key, seconds))


def fetch_manifest(session: Any, bucket: str, key: str) -> ImportManifest | None:
    """The manifest in the bucket, checked; None when there is none (an upload not started)."""
    where = f"import manifest s3://{bucket}/{key}"
    try:
        reply = session.call("get_object", service="s3", Bucket=bucket, Key=key)
    except CloudError as exc:
        if is_missing(exc):
            return None
        raise
    data = read_capped(
        reply, lambda length: BadDiskImage(f"{where} is too big to be an import manifest ({length} bytes)"),
        lambda reason: DiskImportError(f"reading {where} failed ({reason}); run it again"))
    return parse_manifest(data, where=where, manifest_key=key)


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _put(session: Any, bucket: str, key: str, data: bytes) -> None:
    session.call("put_object", service="s3", mutating=True, Bucket=bucket, Key=key, Body=data,
                 ContentMD5=base64.b64encode(bytes.fromhex(_md5(data))).decode("ascii"))


def _in_place(session: Any, bucket: str, key: str, data: bytes) -> bool:
    try:
        head = session.call("head_object", service="s3", Bucket=bucket, Key=key)
    except CloudError as exc:
        if is_missing(exc):
            return False
        raise
    etag = str(head.get("ETag") or "").strip('"').lower()
    return head.get("ContentLength") == len(data) and bool(_PLAIN_MD5.fullmatch(etag)) and etag == _md5(data)


def check_agrees(manifest: ImportManifest, file_format: str, image_size: int, volume_size: int,
                 where: str) -> None:
    """A manifest found in the bucket must describe the task's image, else it is someone else's upload."""
    if (manifest.file_format, manifest.image_size, manifest.volume_size) != (file_format, image_size, volume_size):
        raise BadDiskImage(f"{where} describes a {manifest.file_format} image of {manifest.image_size} bytes "
                           f"for {manifest.volume_size} GiB, the task a {file_format} image of {image_size} "
                           f"bytes for {volume_size} GiB: not this task's upload, nothing was sent")


def upload_image(session: Any, bucket: str, manifest_key: str, path: str, manifest: ImportManifest, *,
                 in_bucket: bool, progress: Progress | None = None) -> UploadOutcome:
    """Upload ``path`` as the parts of ``manifest`` (object ``manifest_key``).

    ``in_bucket``: the manifest was read from the bucket (a resumed upload): it is not written
    again, and parts already in place (same size and MD5) are kept. Otherwise the manifest is
    written first, then every part. ``progress("upload", bytes_done, bytes_total)`` after each part.
    """
    local = file_size(path)
    if manifest.file_size != local:
        raise BadDiskImage(f"{path} is not the file this import started with: it has {local} bytes, "
                           f"the manifest's parts {manifest.file_size}")
    if not in_bucket:
        _put(session, bucket, manifest_key, manifest_xml(manifest))
    uploaded, skipped, done = [], [], 0
    if progress:
        progress("upload", 0, local)
    for part in manifest.parts:
        data = read_range(path, part.range)
        if in_bucket and _in_place(session, bucket, part.key, data):
            skipped.append(part.key)
        else:
            _put(session, bucket, part.key, data)
            uploaded.append(part.key)
        done += part.range.size
        if progress:
            progress("upload", done, local)
    return UploadOutcome(bucket, manifest_key, manifest, not in_bucket, tuple(uploaded), tuple(skipped))


def delete_keys(manifest: ImportManifest, manifest_key: str) -> tuple[str, ...]:
    """The objects deleting the disk image removes: its parts (keys checked to lie beside the
    manifest), then the manifest."""
    return (*(p.key for p in manifest.parts), manifest_key)
