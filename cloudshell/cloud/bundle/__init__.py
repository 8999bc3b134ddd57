"""Image bundles in the euca2ools 3.4 / EC2 AMI format: make, check, unpack, move to S3.

No UI and no argument parsing here: the command layer calls these functions.
Importing the package is cheap; cryptography and boto3 load on first use.

Format: tar of the image (one member) -> SHA-1 of the tar stream -> gzip ->
AES-128-CBC (random 128-bit key and IV, PKCS#7 padding as ``openssl enc``) ->
parts ``PREFIX.part.NN`` of 10,485,760 bytes, each with its SHA-1, and a
signed ``PREFIX.manifest.xml`` (see :mod:`.manifest`).

Functions (``progress`` is always ``callable(stage, done_bytes, total_bytes)``
or None; an exception it raises stops the operation):

- ``bundle_image(image_path, dest_dir, prefix, arch, user_cert, user_key,
  cloud_cert, user_id, kernel_id=None, ramdisk_id=None, image_type="machine",
  progress=None, *, block_device_mapping=(), product_codes=(),
  part_size=PART_SIZE, compress_level=6, workers=None) -> BundleResult``
  (stage ``"bundle"``, bytes of the image read).
- ``unbundle(manifest_path, src_dir, dest_dir, user_key, progress=None, *,
  user_cert=None) -> Path`` of the restored image (stage ``"unbundle"``).
- ``read_manifest(path) -> Manifest``; ``verify_manifest(manifest, public_key)``.
- ``make_demo_credentials(dir) -> DemoCredentials`` (user_cert, user_key,
  cloud_cert, cloud_key paths; keys 0600).
- ``upload_bundle(session, bucket, key_prefix, manifest_path, *, acl=None,
  progress=None) -> UploadResult`` (stage ``"upload"``, after each object).
- ``download_bundle(session, bucket, prefix, dest_dir, *, key_prefix="",
  progress=None, verify_with=None, force=False) -> Path`` of the local manifest
  (stage ``"download"``).
- ``plan_delete(session, bucket, *, prefix=None, manifest=None,
  local_manifest=None, key_prefix="", verify_with=None) -> DeletePlan``;
  ``delete_bundle(session, bucket, *, plan=None, ..., clear=False) -> DeleteResult``.
- ``listed_prefixes(keys, bucket, folder)``: the bundles a listing names, checked.
- ``split_bucket_path("BUCKET/FOLDER") -> ("BUCKET", "FOLDER/")``.

What a bucket or a manifest says is untrusted (:mod:`.checks`, :mod:`.remote`);
files are created without following planted symlinks and never replace an
existing one unless ``force`` (:mod:`.files`).

Errors: :class:`BundleError` (exit 1, one line naming the file/part/object at
fault); :class:`BadBundle`, a bundle that is not what a bundle may be (exit 2
when nothing was done yet, else 1); ``Refused`` for a file in the way (exit 1);
bad arguments raise ``cloudshell.cloud.errors.UsageError`` (exit 2); S3
refusals arrive as the session's ``CloudError``.
"""

from __future__ import annotations

from cloudshell.cloud.bundle import tarball  # UEC tarballs: contents, extract, write_demo_tarball
from cloudshell.cloud.bundle.checks import is_plain_prefix
from cloudshell.cloud.bundle.errors import BadBundle, BundleError
from cloudshell.cloud.bundle.keys import DemoCredentials, make_demo_credentials
from cloudshell.cloud.bundle.manifest import (
    Manifest,
    ManifestPart,
    manifest_name,
    part_name,
    read_manifest,
)
from cloudshell.cloud.bundle.pipeline import (
    ARCHITECTURES,
    PART_SIZE,
    BundleResult,
    bundle_image,
    unbundle,
    verify_manifest,
)
from cloudshell.cloud.bundle.remote import (
    DeletePlan,
    DeleteResult,
    delete_bundle,
    download_bundle,
    fetch_manifest,
    listed_prefixes,
    plan_delete,
)
from cloudshell.cloud.bundle.transfer import DEFAULT_ACL, UploadResult, split_bucket_path, upload_bundle

__all__ = [
    "tarball",
    "ARCHITECTURES", "DEFAULT_ACL", "PART_SIZE", "BadBundle", "BundleError", "BundleResult", "DeletePlan",
    "DeleteResult", "DemoCredentials", "Manifest", "ManifestPart", "UploadResult", "bundle_image",
    "delete_bundle", "download_bundle", "fetch_manifest", "is_plain_prefix", "listed_prefixes",
    "make_demo_credentials", "manifest_name", "part_name", "plan_delete", "read_manifest",
    "split_bucket_path", "unbundle", "upload_bundle", "verify_manifest",
]
