"""Moving bundles to S3 (or Walrus/OSG) through the session layer (downloads, deletes: :mod:`.remote`).

Object keys are ``KEY_PREFIX + file name`` (``KEY_PREFIX`` is "" or ends with
"/"), as euca2ools lays them out with ``-b BUCKET/PREFIX``. Uploads send
parts first and the manifest last, so a manifest in the bucket means a
complete bundle. Each part is put with ``Content-MD5`` (the server checks what
it got) and metadata ``sha1`` (x-amz-meta-sha1); a part already in the bucket
is skipped when its size matches and every available fingerprint matches:
the ETag when it is a plain MD5, and the sha1 metadata when present. That
makes an interrupted upload resumable, even across tools that did not set the
metadata, and never trusts a name alone.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cloudshell.cloud.bundle.errors import BundleError
from cloudshell.cloud.bundle.manifest import read_manifest
from cloudshell.cloud.errors import CloudError, UsageError

Progress = Callable[[str, int, int], Any]

DEFAULT_ACL = "aws-exec-read"  # euca2ools' default: lets the cloud read the bundle to register it
BUFFER_SIZE = 1 << 20
_MISSING = frozenset({"404", "NoSuchKey", "NotFound", "NoSuchBucket"})
_PLAIN_MD5 = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class UploadResult:
    """Keys written and keys found already in place (skipped)."""

    bucket: str
    manifest_key: str
    uploaded: tuple[str, ...]
    skipped: tuple[str, ...]


def split_bucket_path(path: str) -> tuple[str, str]:
    """``"BUCKET/FOLDER"`` -> ``("BUCKET", "FOLDER/")``; ``"BUCKET"`` -> ``("BUCKET", "")``."""
    bucket, _, rest = path.strip().lstrip("/").partition("/")
    if not bucket:
        raise UsageError(f"bucket {path!r} is empty; expected BUCKET or BUCKET/PREFIX")
    return bucket, key_prefix_of(rest)


def key_prefix_of(prefix: str) -> str:
    prefix = (prefix or "").strip("/")
    return prefix + "/" if prefix else ""


def is_missing(exc: CloudError) -> bool:
    return exc.code in _MISSING or exc.status == 404


def _digests(path: Path) -> tuple[str, str, int]:
    md5, sha1, size = hashlib.md5(usedforsecurity=False), hashlib.sha1(), 0
    try:
        with open(path, "rb", buffering=0) as src:
            while chunk := src.read(BUFFER_SIZE):
                md5.update(chunk)
                sha1.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise BundleError(f"cannot read {path}: {exc.strerror or exc}") from None
    return md5.hexdigest(), sha1.hexdigest(), size


def ensure_bucket(session: Any, bucket: str) -> bool:
    """Create ``bucket`` unless it exists; True when it was created."""
    try:
        session.call("head_bucket", service="s3", Bucket=bucket)
        return False
    except CloudError as exc:
        if not is_missing(exc):
            raise
    params: dict[str, Any] = {"Bucket": bucket}
    region = session.s3.meta.region_name
    if region and region != "us-east-1":
        params["CreateBucketConfiguration"] = {"LocationConstraint": region}
    try:
        session.call("create_bucket", service="s3", mutating=True, **params)
    except CloudError as exc:
        if exc.code == "BucketAlreadyOwnedByYou":
            return False
        if exc.code in ("InvalidLocationConstraint", "IllegalLocationConstraintException") \
                and "CreateBucketConfiguration" in params:
            # Eucalyptus and other clouds name regions freely but know no constraints.
            session.call("create_bucket", service="s3", mutating=True, Bucket=bucket)
        else:
            raise
    return True


def _remote_matches(session: Any, bucket: str, key: str, size: int, md5: str, sha1: str) -> bool:
    try:
        head = session.call("head_object", service="s3", Bucket=bucket, Key=key)
    except CloudError as exc:
        if is_missing(exc):
            return False
        raise
    if head.get("ContentLength") != size:
        return False
    checks = []
    etag = str(head.get("ETag") or "").strip('"').lower()
    if _PLAIN_MD5.fullmatch(etag):
        checks.append(etag == md5)
    meta = {str(k).lower(): str(v).lower() for k, v in (head.get("Metadata") or {}).items()}
    if "sha1" in meta:
        checks.append(meta["sha1"] == sha1)
    return bool(checks) and all(checks)


def _put(session: Any, bucket: str, key: str, path: Path, md5: str, sha1: str | None,
         acl: str | None) -> None:
    params: dict[str, Any] = {
        "Bucket": bucket, "Key": key,
        "ContentMD5": base64.b64encode(bytes.fromhex(md5)).decode("ascii"),
    }
    if sha1:
        params["Metadata"] = {"sha1": sha1}
    if acl:
        params["ACL"] = acl
    try:
        with open(path, "rb") as body:
            session.call("put_object", service="s3", mutating=True, Body=body, **params)
    except OSError as exc:
        raise BundleError(f"cannot read {path}: {exc.strerror or exc}") from None


def upload_bundle(session: Any, bucket: str, key_prefix: str, manifest_path: str | os.PathLike[str],
                  *, acl: str | None = None, progress: Progress | None = None) -> UploadResult:
    """Upload the bundle of ``manifest_path`` (parts beside it) to ``bucket``/``key_prefix``.

    Creates the bucket if needed; checks each local part against the manifest
    before sending it; skips parts already in place; sends the manifest last.
    ``acl`` is a canned ACL (euca2ools used :data:`DEFAULT_ACL`); None sends none.
    ``progress("upload", bytes_done, bytes_total)`` after each object.
    """
    manifest = read_manifest(manifest_path)
    mpath = Path(manifest_path)
    folder = mpath.parent
    prefix = key_prefix_of(key_prefix)
    paths = [folder / p.filename for p in manifest.parts]
    for path in paths:
        if not path.is_file():
            raise BundleError(f"part file missing: {path}")
    total = sum(p.stat().st_size for p in paths) + mpath.stat().st_size
    ensure_bucket(session, bucket)

    uploaded: list[str] = []
    skipped: list[str] = []
    done = 0
    if progress:
        progress("upload", 0, total)
    for part, path in zip(manifest.parts, paths):
        md5, sha1, size = _digests(path)
        if sha1 != part.digest:
            raise BundleError(f"part {path.name} does not match its manifest (SHA-1 {sha1}, "
                              f"expected {part.digest}); bundle the image again")
        key = prefix + part.filename
        if _remote_matches(session, bucket, key, size, md5, sha1):
            skipped.append(key)
        else:
            _put(session, bucket, key, path, md5, sha1, acl)
            uploaded.append(key)
        done += size
        if progress:
            progress("upload", done, total)
    mkey = prefix + mpath.name
    md5, _sha1, size = _digests(mpath)
    _put(session, bucket, mkey, mpath, md5, None, acl)
    uploaded.append(mkey)
    if progress:
        progress("upload", done + size, total)
    return UploadResult(bucket, mkey, tuple(uploaded), tuple(skipped))
