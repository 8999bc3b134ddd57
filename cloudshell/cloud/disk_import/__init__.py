"""Disk image imports (ImportVolume, ImportInstance) the euca2ools way: the image in parts in a
bucket, an import manifest beside them, the cloud reading both through presigned URLs.

No UI and no argument parsing here: the command layer (commands/disk_imports.py) calls these.

- :mod:`.disk`: the local image: its format checked (RAW, stream-optimized VMDK, VHD), the size
  sent as ``Image.Bytes``, the byte ranges it is cut in.
- :mod:`.manifest`: the manifest XML written as euca2ools 3.4 writes it, and read back checked.
- :mod:`.bucket`: presigned URLs, the manifest URL a task names resolved to this cloud's S3,
  the upload (resumable) and the objects a deletion removes.

Errors: :class:`DiskImportError` (exit 1) and :class:`BadDiskImage` (untrusted or bad input
refused; exit 2 while nothing was sent or deleted).
"""

from cloudshell.cloud.disk_import.disk import FORMATS, BadDiskImage, DiskImportError

__all__ = ["FORMATS", "BadDiskImage", "DiskImportError"]
