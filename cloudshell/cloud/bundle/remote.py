"""Bundles in a bucket, read as untrusted input: fetch a manifest, download a bundle, delete one.

Anyone who can write the bucket (or answer as its endpoint) writes the
manifest and the listing, so before any part is fetched, written or deleted:

- the manifest passes :mod:`.checks` (names ``PREFIX.part.N`` and
  ``PREFIX.manifest.xml``, no DOCTYPE, counts and sizes that add up);
- its signature is verified when a key is given (``verify_with``), and a
  failure refuses the bundle; without a key the caller says UNSIGNED;
- files already in the destination are kept when intact (a resumed
  download) and otherwise never replaced unless ``force``;
- every part is cut at what the manifest leaves of ``bundled_size`` (and at
  the Content-Length the server declared), so an endless part ends there.

Errors: :class:`BadBundle` (exit 2 before anything was written, 1 after),
``Refused`` for a file in the way, the session's ``CloudError`` for S3.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cloudshell.cloud.bundle.checks import check_prefix, prefix_of_manifest, read_capped
from cloudshell.cloud.bundle.errors import BadBundle, BundleError
from cloudshell.cloud.bundle.files import NewFile, exists_refusal, open_regular, write_new
from cloudshell.cloud.bundle.keys import verify_manifest
from cloudshell.cloud.bundle.manifest import Manifest, manifest_name, parse_manifest, read_manifest
from cloudshell.cloud.bundle.stream import BUFFER_SIZE, Progress
from cloudshell.cloud.bundle.transfer import is_missing, key_prefix_of
from cloudshell.cloud.errors import CloudError, UsageError


@dataclass(frozen=True)
class DeletePlan:
    """The objects one delete-bundle removes, all named ``PREFIX.part.N`` or ``PREFIX.manifest.xml``."""

    bucket: str
    keys: tuple[str, ...]
    manifest: Manifest
    verified: bool  # the signature was checked with a key; False: UNSIGNED (not checked)


@dataclass(frozen=True)
class DeleteResult:
    """Keys deleted, and whether the bucket went too (``clear`` and empty)."""

    bucket: str
    deleted: tuple[str, ...]
    bucket_removed: bool
    bucket_note: str = ""


def _get(session: Any, bucket: str, key: str, missing: str) -> dict[str, Any]:
    """The GetObject answer (its ``Body`` streaming); a missing object is a BundleError saying ``missing``."""
    try:
        return session.call("get_object", service="s3", Bucket=bucket, Key=key)
    except CloudError as exc:
        if is_missing(exc):
            raise BundleError(missing) from None
        raise


def fetch_manifest(session: Any, bucket: str, key: str, *, verify_with: Any = None) -> tuple[Manifest, bytes]:
    """The manifest object ``key`` (named ``PREFIX.manifest.xml``), checked, and its exact bytes."""
    where = f"manifest s3://{bucket}/{key}"
    prefix = prefix_of_manifest(key.rsplit("/", 1)[-1], where)
    reply = _get(session, bucket, key, f"{where} not found")
    data = read_capped(
        reply, lambda length: BadBundle(f"{where} is too big to be a bundle manifest ({length} bytes)"),
        lambda reason: BundleError(f"reading s3://{bucket}/{key} failed ({reason})"))
    manifest = parse_manifest(data, where=where, prefix=prefix)
    if verify_with is not None:
        try:
            verify_manifest(manifest, verify_with, where)
        except BadBundle as exc:
            raise BadBundle(f"{exc.message}; nothing was fetched past it (a bundle of someone else's: "
                            "verify it with their certificate)") from None
    return manifest, data


def _intact(path: Path, digest: str, limit: int) -> int | None:
    """The size of the regular file ``path`` if its SHA-1 is ``digest`` (and it fits in ``limit``), else None."""
    src = open_regular(path)
    if src is None:
        return None
    with src:
        if os.fstat(src.fileno()).st_size > limit:
            return None
        sha, size = hashlib.sha1(), 0
        try:
            while chunk := src.read(BUFFER_SIZE):
                sha.update(chunk)
                size += len(chunk)
        except OSError:
            return None
    return size if sha.hexdigest() == digest and size <= limit else None


def _same_bytes(path: Path, data: bytes) -> bool:
    src = open_regular(path)
    if src is None:
        return False
    with src:
        try:
            return src.read(len(data) + 1) == data
        except OSError:
            return False


def download_bundle(session: Any, bucket: str, prefix: str, dest_dir: str | os.PathLike[str], *,
                    key_prefix: str = "", progress: Progress | None = None, verify_with: Any = None,
                    force: bool = False) -> Path:
    """Download ``KEY_PREFIX + PREFIX.manifest.xml`` and its parts into ``dest_dir``.

    The manifest is checked (and verified with ``verify_with``, a public key,
    when given) before any part is fetched. Parts already present and intact
    are kept; any other file in the way is refused unless ``force``. Every part
    is checked against its SHA-1 as it arrives, cut at the bytes the declared
    ``bundled_size`` leaves, and written to a temporary file renamed into place.
    The manifest is written last. Returns the local manifest path.
    ``progress("download", bytes_done, bundled_size)`` after each MiB.
    """
    check_prefix(prefix, f"bucket s3://{bucket}")
    kprefix = key_prefix_of(key_prefix)
    mkey = kprefix + manifest_name(prefix)
    manifest, manifest_bytes = fetch_manifest(session, bucket, mkey, verify_with=verify_with)
    folder = Path(dest_dir)
    folder.mkdir(parents=True, exist_ok=True)
    total = manifest.bundled_size
    target = folder / manifest_name(prefix)
    kept: dict[int, int] = {}
    for part in manifest.parts:  # what is in the way, before anything is fetched
        local = folder / part.filename
        if os.path.lexists(local):
            size = _intact(local, part.digest, total)
            if size is not None:
                kept[part.index] = size
            elif not force:
                raise exists_refusal(local, "download-bundle")
    manifest_there = os.path.lexists(target)
    if manifest_there and not force and not _same_bytes(target, manifest_bytes):
        raise exists_refusal(target, "download-bundle")

    done, written = 0, 0
    if progress:
        progress("download", 0, total)
    for part in manifest.parts:
        if part.index in kept:
            done += kept[part.index]
            if progress:
                progress("download", min(done, total), total)
            continue
        done = _download_part(session, bucket, kprefix + part.filename, folder / part.filename,
                              part.digest, done, total, progress, force=force, written=written)
        written += 1
    if done != total:
        raise BadBundle(f"manifest s3://{bucket}/{mkey}: its parts hold {done} bytes, not the "
                        f"{total} it declares", done=written > 0)
    if force or not manifest_there:  # the very bytes the parts were checked against
        write_new(target, manifest_bytes, force=force)
    return target


def _download_part(session: Any, bucket: str, key: str, local: Path, expected: str, done: int,
                   total: int, progress: Progress | None, *, force: bool, written: int) -> int:
    where = f"part s3://{bucket}/{key}"
    reply = _get(session, bucket, key, f"{where} is missing from the bucket")
    body = reply["Body"]
    cap = total - done  # what the declared bundled_size leaves for this part and the rest
    sha1, got = hashlib.sha1(), 0
    try:
        length = reply.get("ContentLength")
        if isinstance(length, int) and length > cap:
            raise BadBundle(f"{where} is {length} bytes, more than the {cap} its manifest's bundled_size "
                            f"({total}) leaves for it", done=written > 0)
        with NewFile(local, force=force) as out:
            while True:
                try:
                    chunk = body.read(min(BUFFER_SIZE, cap - got + 1))
                except Exception as exc:  # noqa: BLE001 - transport failure mid-body
                    raise BundleError(f"downloading s3://{bucket}/{key} failed "
                                      f"({type(exc).__name__}); run the download again") from None
                if not chunk:
                    break
                got += len(chunk)
                if got > cap:
                    raise BadBundle(f"{where} runs past the {cap} bytes its manifest's bundled_size "
                                    f"({total}) leaves for it: cut there, nothing kept", done=written > 0)
                sha1.update(chunk)
                out.write(chunk)
                if progress:
                    progress("download", done + got, total)
            if sha1.hexdigest() != expected:
                raise BadBundle(f"downloaded part {key} is corrupt: its SHA-1 {sha1.hexdigest()} "
                                f"differs from the manifest's {expected}", done=written > 0)
            out.commit()
    except OSError as exc:
        raise BundleError(f"cannot write {local}: {exc.strerror or exc}") from None
    finally:
        body.close()
    return done + got


def plan_delete(session: Any, bucket: str, *, prefix: str | None = None, manifest: str | None = None,
                local_manifest: str | os.PathLike[str] | None = None, key_prefix: str = "",
                verify_with: Any = None) -> DeletePlan:
    """Which objects deleting one bundle removes: its manifest's parts (checked names), then the manifest.

    Name the bundle by ``prefix`` (``PREFIX.manifest.xml`` in the bucket), by
    ``manifest`` (the manifest's object name) or by ``local_manifest`` (a file
    on disk; the object deleted is its file name).
    """
    if sum(x is not None for x in (prefix, manifest, local_manifest)) != 1:
        raise UsageError("name the bundle by exactly one of a prefix (-p), a manifest name (-m) "
                         "or a local manifest file")
    kprefix = key_prefix_of(key_prefix)
    if local_manifest is not None:
        name = Path(local_manifest).name
        prefix_of_manifest(name, f"manifest {local_manifest}")
        found = read_manifest(local_manifest)
        if verify_with is not None:
            verify_manifest(found, verify_with)
        mkey = kprefix + name
    else:
        mkey = kprefix + (manifest if manifest is not None else manifest_name(prefix or ""))
        found, _ = fetch_manifest(session, bucket, mkey, verify_with=verify_with)
    keys = (*(kprefix + p.filename for p in found.parts), mkey)
    return DeletePlan(bucket, keys, found, verify_with is not None)


def delete_bundle(session: Any, bucket: str, *, plan: DeletePlan | None = None, prefix: str | None = None,
                  manifest: str | None = None, local_manifest: str | os.PathLike[str] | None = None,
                  key_prefix: str = "", clear: bool = False, verify_with: Any = None) -> DeleteResult:
    """Delete exactly one bundle's objects (``plan``, else :func:`plan_delete` of the other arguments).

    Only keys named ``KEY_PREFIX + PREFIX.part.N`` and ``KEY_PREFIX +
    PREFIX.manifest.xml`` are ever deleted. With ``clear`` the bucket is
    removed afterwards, only if it is then empty.
    """
    if plan is None:
        plan = plan_delete(session, bucket, prefix=prefix, manifest=manifest, local_manifest=local_manifest,
                           key_prefix=key_prefix, verify_with=verify_with)
    mkey = plan.keys[-1]
    head = mkey[: -len(manifest_name(""))] + ".part."
    own = re.compile(re.escape(head) + "[0-9]{1,9}")
    stray = [k for k in plan.keys[:-1] if not own.fullmatch(k)]
    if stray or not mkey.endswith(manifest_name("")):
        raise BadBundle(f"s3://{bucket}/{(stray or [mkey])[0]} is not one of the bundle's objects; "
                        "nothing was deleted")
    deleted = []
    for key in plan.keys:
        session.call("delete_object", service="s3", mutating=True, Bucket=bucket, Key=key)
        deleted.append(key)
    removed, note = False, ""
    if clear:
        listing = session.call("list_objects_v2", service="s3", Bucket=bucket, MaxKeys=1)
        if listing.get("KeyCount", 0) == 0 and not listing.get("Contents"):
            session.call("delete_bucket", service="s3", mutating=True, Bucket=bucket)
            removed = True
        else:
            note = f"bucket {bucket} still holds other objects; it was kept"
    return DeleteResult(bucket, tuple(deleted), removed, note)


def listed_prefixes(keys: list[str], bucket: str, folder: str) -> list[str]:
    """The bundle prefixes a bucket listing of ``folder`` names (its ``*.manifest.xml`` keys), checked:
    a key outside ``folder``, with a '/' past it, or with a prefix ``-p`` would refuse is BadBundle."""
    found = []
    for key in keys:
        if not key.endswith(manifest_name("")):
            continue
        where = f"the listing of s3://{bucket}/{folder} names the object {key!r}"
        if not key.startswith(folder) or "/" in key[len(folder):]:
            raise BadBundle(f"{where}, which is not a manifest in that folder")
        found.append(prefix_of_manifest(key[len(folder):], where))
    return found
