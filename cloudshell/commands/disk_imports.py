"""import-volume and import-instance: a disk image into the cloud the euca2ools way (S3 manifest flow).

The image goes to a bucket in 10 MiB parts beside an import manifest; EC2's
ImportVolume/ImportInstance is told the manifest's presigned URL and converts
what it finds there. Like euca2ools: ``-b BUCKET`` (a new folder ``UUID/`` in
it, under ``--prefix``) or ``--manifest-url URL``; ``--no-upload`` starts the
task only (``resume-import`` uploads later); the URLs last ``-x DAYS``.
Every value is checked, and the image's format and size read, before anything
is sent. The engine is ``cloud/disk_import``; resume-import and
delete-disk-image are in disk_import_tasks.py.
"""

from __future__ import annotations

import base64
import os
import re
import uuid
from typing import Any

from cloudshell.cloud.errors import CloudError, UsageError
from cloudshell.commands.addresses import ipv4
from cloudshell.commands.bundle_inputs import ARCHITECTURES, bucket_path
from cloudshell.commands.bundles import _PartMeter
from cloudshell.commands.context import Context, Result
from cloudshell.commands.instances import instance_type, subnet_id, user_data_file
from cloudshell.commands.registry import (
    ARCH, BUCKET, FILE, GROUP, INSTANCE_TYPE, KEYPAIR, TEXT, ZONE, Invocation, Param, command,
)
from cloudshell.commands.values import (
    description, existing_file, group_name, keypair_name, shown, volume_size, zone_name,
)

FORMATS = ("RAW", "VMDK", "VHD")
DEFAULT_DAYS = 30
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
_SIZE = re.compile(r"([0-9]{1,16})\s*([KMGT]?)(?:i?B)?", re.I)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# -- values --------------------------------------------------------------------------------------
def disk_format(raw: str) -> str:
    value = raw.strip().upper()
    if value not in FORMATS:
        raise UsageError(f"{shown(raw)} is not a disk image format (expected raw, vmdk or vhd)")
    return value


def image_size(raw: str) -> int:
    """``--image-size``: bytes, or with a K/M/G/T suffix (binary units), as euca2ools' filesize."""
    found = _SIZE.fullmatch(raw.strip())
    if not found or int(found.group(1)) < 1:
        raise UsageError(f"{shown(raw)} is not a size (expected bytes, e.g. 8589934592 or 8G)")
    return int(found.group(1)) * _UNITS[found.group(2).upper()]


def expiry_days(raw: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        value = 0
    if not 1 <= value <= 3650:
        raise UsageError(f"{shown(raw)} is not a number of days (expected 1 to 3650; default {DEFAULT_DAYS})")
    return value


def part_mib(raw: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        value = 0
    if not 1 <= value <= 5120:
        raise UsageError(f"{shown(raw)} is not a part size (expected whole MiB, 1 to 5120; default 10)")
    return value


def key_folder(raw: str) -> str:
    """``--prefix``: folders inside the bucket, plain names joined by '/'."""
    parts = [p for p in raw.strip().split("/") if p]
    if not parts or _CONTROL.search(raw) or any(p in (".", "..") for p in parts) or len(raw) > 500:
        raise UsageError(f"{shown(raw)} is not a prefix (expected plain names joined by '/')")
    return "/".join(parts)


def manifest_url(raw: str) -> str:
    value = raw.strip()
    if not re.fullmatch(r"https?://[^\s]+", value) or len(value) > 4096:
        raise UsageError(f"{shown(raw)} is not a URL (expected the presigned http(s) URL of an import manifest)")
    return value


def image_file(raw: str) -> str:
    path = existing_file(raw)
    name = os.path.basename(path)
    if _CONTROL.search(name) or len(name) > 200:
        raise UsageError(f"{shown(raw)}: its file name cannot name an object (no control characters, at most "
                         "200 characters)")
    return path


def user_data_b64(raw: str) -> str:
    if len(raw.encode()) > 16384:
        raise UsageError("user data is too long (at most 16384 bytes)")
    return base64.b64encode(raw.encode()).decode("ascii")


def user_data_file_b64(raw: str) -> str:
    return base64.b64encode(user_data_file(raw)).decode("ascii")


# -- the disk image, checked ------------------------------------------------------------------------
def disk_plan(cmd: str, inv: Invocation) -> dict[str, Any]:
    """The image's format, size (``Image.Bytes``) and volume size, read and checked; nothing sent."""
    from cloudshell.cloud.disk_import import disk

    if inv.bucket and inv.manifest_url:
        raise UsageError(f"{cmd}: give -b BUCKET or --manifest-url URL, not both")
    if not inv.bucket and not inv.manifest_url:
        raise UsageError(f"{cmd}: missing -b BUCKET (where the image is uploaded) or --manifest-url URL")
    if inv.prefix and not inv.bucket:
        raise UsageError(f"{cmd}: --prefix goes with -b BUCKET (the manifest URL already names its folder)")
    path, fmt = inv.source, inv.format
    try:
        size = inv.image_size or disk.image_bytes(path, fmt)
        local = disk.file_size(path)
        if fmt == "RAW" and inv.image_size and inv.image_size != local:
            raise UsageError(f"{cmd}: --image-size {inv.image_size} differs from the {local} bytes of the RAW "
                             f"image {path}")
        disk.byte_ranges(local, (inv.part_size or 10) << 20)
    except disk.BadDiskImage as exc:
        raise UsageError(f"{cmd}: {exc.message}") from None
    needed = disk.volume_gib(size)
    if inv.volume_size and inv.volume_size < needed:
        raise UsageError(f"{cmd}: -s {inv.volume_size} GiB is too small for a {size}-byte image "
                         f"(at least {needed} GiB)")
    return {"path": path, "format": fmt, "bytes": size, "local": local, "volume": inv.volume_size or needed,
            "days": inv.expires or DEFAULT_DAYS, "part_size": (inv.part_size or 10) << 20}


def manifest_location(ctx: Context, inv: Invocation, path: str) -> tuple[str, str, str]:
    """(bucket, key, URL) of the manifest: a new ``[FOLDER/][PREFIX/]UUID/NAME.manifest.xml`` in
    ``-b``, presigned here, or what ``--manifest-url`` names (on this cloud's S3)."""
    from cloudshell.cloud.disk_import import bucket as remote

    if inv.manifest_url:
        if inv.no_upload:
            return "", "", inv.manifest_url
        try:
            bucket, key = remote.resolve_manifest_url(ctx.session, inv.manifest_url)
        except remote.BadDiskImage as exc:
            raise UsageError(f"--manifest-url: {exc.message}") from None
        return bucket, key, inv.manifest_url
    bucket, _, folder = inv.bucket.partition("/")
    folders = [f for f in (folder, inv.prefix) if f]
    key = "/".join([*folders, str(uuid.uuid4()), os.path.basename(path) + ".manifest.xml"])
    days = inv.expires or DEFAULT_DAYS
    return bucket, key, remote.presign(ctx.session, "get_object", bucket, key, days * 86400)


def send_image(ctx: Context, task_id: str, bucket: str, key: str, plan: dict[str, Any]) -> Any:
    """Upload the image for ``task_id``: resumes from a manifest already there, else writes a new one.
    A failure names the task and how to finish or cancel it."""
    from cloudshell.cloud.disk_import import bucket as remote

    where = f"import manifest s3://{bucket}/{key}"
    try:
        found = remote.fetch_manifest(ctx.session, bucket, key)
        if found is not None:
            remote.check_agrees(found, plan["format"], plan["bytes"], plan["volume"], where)
        manifest = found or remote.new_manifest(
            ctx.session, bucket, key, file_format=plan["format"], image_size=plan["bytes"],
            volume_size=plan["volume"], local_size=plan["local"], seconds=plan["days"] * 86400,
            part_size=plan["part_size"])
        count = len(manifest.parts)
        pieces = [(f"part {p.index + 1}/{count}", p.range.size) for p in manifest.parts]
        return remote.upload_image(ctx.session, bucket, key, plan["path"], manifest, in_bucket=found is not None,
                                   progress=_PartMeter(ctx, pieces))
    except remote.BadDiskImage:
        raise    # refused before a byte was sent (a manifest or file that is not this task's): exit 2
    except (CloudError, remote.DiskImportError) as exc:
        raise remote.DiskImportError(
            f"{exc.message}; the import task {task_id} exists: finish the upload with "
            f"resume-import -t {task_id} {plan['path']}, or cancel-conversion-task {task_id}") from None


def upload_lines(outcome: Any, bucket: str, key: str) -> list[str]:
    folder = key.rsplit("/", 1)[0] + "/" if "/" in key else ""
    lines = [f"uploaded {len(outcome.uploaded)} part{'s' * (len(outcome.uploaded) != 1)}"
             f"{' and the manifest' if outcome.manifest_written else ''} to s3://{bucket}/{folder}"]
    if outcome.skipped:
        lines.append(f"kept {len(outcome.skipped)} part{'s' * (len(outcome.skipped) != 1)} already there "
                     "(same size and MD5)")
    return lines


def _start(ctx: Context, inv: Invocation, operation: str, params_of: Any, cmd: str) -> Result:
    """The flow both commands share: checks, manifest location, the call, then the upload."""
    from cloudshell.cloud.bundle.transfer import ensure_bucket

    plan = disk_plan(cmd, inv)
    bucket, key, url = manifest_location(ctx, inv, plan["path"])
    params = params_of(plan, url)
    if inv.bucket and not ctx.dry_run:
        ensure_bucket(ctx.session, bucket)     # before the task: a bucket refused leaves no task behind
    reply = ctx.send(operation, **params)
    task = reply.get("ConversionTask") or {}
    task_id = str(task.get("ConversionTaskId") or "")
    lines = [f"import task {task_id or '(no ID in the answer)'} {task.get('State') or 'started'}"]
    data: dict[str, Any] = dict(reply)
    warnings: tuple[str, ...] = ()
    if plan["days"] > 7 and str(ctx.session.s3.meta.endpoint_url).endswith("amazonaws.com"):
        warnings = (f"the presigned URLs last {plan['days']} days, but AWS S3 honours SigV4 URLs for at most 7",)
    if inv.no_upload:   # said on stderr too: euca2ools' records on stdout carry no hint
        warnings += (f"nothing uploaded (--no-upload): upload it with resume-import -t {task_id} {plan['path']}",)
    else:
        outcome = send_image(ctx, task_id, bucket, key, plan)
        lines += upload_lines(outcome, bucket, key)
        data["Upload"] = {"Bucket": bucket, "ManifestKey": key, "Uploaded": list(outcome.uploaded),
                          "Skipped": list(outcome.skipped)}
    return Result(data=data, lines=tuple(lines), warnings=warnings)


def _shared(zone_required: bool) -> tuple[Param, ...]:
    return (
        Param("source", kind=FILE, required=True, convert=image_file, metavar="FILE",
              help="the disk image file to import"),
        Param("format", ("-f", "--format"), required=True, convert=disk_format, metavar="FORMAT",
              help="the image's format: vmdk (stream-optimized), raw or vhd"),
        Param("zone", ("-z", "--availability-zone"), kind=ZONE, required=zone_required, convert=zone_name,
              metavar="ZONE", help="the zone to create the " + ("volume" if zone_required else "instance") + " in"),
        Param("volume_size", ("-s", "--volume-size"), convert=volume_size, metavar="GiB",
              help="size of the volume to import to (default: the image's, rounded up to whole GiB)"),
        Param("image_size", ("--image-size",), convert=image_size, metavar="BYTES",
              help="size of the disk (default: read from the image: RAW its file size, VMDK and VHD their headers)"),
        Param("bucket", ("-b", "--bucket"), kind=BUCKET, convert=bucket_path, metavar="BUCKET",
              help="the bucket to upload the image to (a new folder UUID/ in it)"),
        Param("manifest_url", ("--manifest-url",), convert=manifest_url, metavar="URL",
              help="a presigned URL of the import manifest to use, instead of -b"),
        Param("prefix", ("--prefix",), convert=key_folder, metavar="PREFIX",
              help="a folder in the bucket for the image's parts and manifest"),
        Param("expires", ("-x", "--expires"), convert=expiry_days, metavar="DAYS",
              help=f"how long the manifest's presigned URLs stay valid (default {DEFAULT_DAYS} days)"),
        Param("no_upload", ("--no-upload",), action="flag",
              help="start the task but upload nothing (upload later with resume-import)"),
        Param("description", ("-d", "--description"), convert=description, metavar="DESC",
              help="a description of the import task (not of the volume)"),
        Param("part_size", ("--part-size",), convert=part_mib, metavar="MiB", help="size of each part (default 10)"),
        Param("ignore_region_affinity", ("--ignore-region-affinity",), action="flag",
              help="accepted for euca2ools' sake; has no effect"),
        Param("dont_verify_format", ("--dont-verify-format",), action="flag",
              help="accepted for euca2ools' sake; the format is read only when --image-size is not given"),
    )


def _check(cmd: str, inv: Invocation) -> None:
    """Every value and the image itself, before the REPL or the monitor asks or sends anything."""
    disk_plan(cmd, inv)


def _image(plan: dict[str, Any], url: str) -> dict[str, Any]:
    return {"Image": {"Format": plan["format"], "Bytes": plan["bytes"], "ImportManifestUrl": url},
            "Volume": {"Size": plan["volume"]}}


@command("import-volume", "imports", "Import a disk image file as a new volume (uploads it to a bucket first).",
         params=_shared(zone_required=True), mutates=True, check=lambda ctx, inv: _check("import-volume", inv),
         example="import-volume disk.img -f raw -z one -b imports")
def import_volume(ctx: Context, inv: Invocation) -> Result:
    def params(plan: dict[str, Any], url: str) -> dict[str, Any]:
        return {"AvailabilityZone": inv.zone, **_image(plan, url),
                **({"Description": inv.description} if inv.description else {})}
    return _start(ctx, inv, "import_volume", params, "import-volume")


def _launch(inv: Invocation) -> dict[str, Any]:
    spec: dict[str, Any] = {"InstanceType": inv.instance_type, "Architecture": inv.architecture}
    if inv.group:
        spec["GroupNames"] = [inv.group]
    if inv.zone:
        spec["Placement"] = {"AvailabilityZone": inv.zone}
    if inv.user_data or inv.user_data_file:
        spec["UserData"] = {"Data": inv.user_data or inv.user_data_file}
    for dest, name in (("subnet", "SubnetId"), ("private_ip", "PrivateIpAddress"),
                       ("shutdown", "InstanceInitiatedShutdownBehavior"), ("key", "KeyName")):
        if inv.get(dest):
            spec[name] = inv.get(dest)
    if inv.monitor:
        spec["Monitoring"] = True
    return spec


def _check_instance(ctx: Context, inv: Invocation) -> None:
    if inv.user_data and inv.user_data_file:
        raise UsageError("import-instance: give --user-data or --user-data-file, not both")
    _check("import-instance", inv)


@command("import-instance", "imports", "Import a disk image file as a new instance (uploads it to a bucket first).",
         params=(_shared(zone_required=False)[0],
                 Param("instance_type", ("-t", "--instance-type"), kind=INSTANCE_TYPE, required=True,
                       convert=instance_type, metavar="TYPE", help="the type of the instance"),
                 Param("architecture", ("-a", "--architecture"), kind=ARCH, required=True, choices=ARCHITECTURES,
                       metavar="ARCH", help="the instance's processor architecture"),
                 Param("platform", ("-p", "--platform"), required=True, choices=("Windows", "Linux"),
                       metavar="PLATFORM", help="the instance's operating system"),
                 *_shared(zone_required=False)[1:],
                 Param("group", ("-g", "--group"), kind=GROUP, convert=group_name, metavar="GROUP",
                       help="the security group to launch it in"),
                 Param("user_data", ("--user-data",), convert=user_data_b64, metavar="DATA",
                       help="user data for the instance"),
                 Param("user_data_file", ("--user-data-file",), kind=FILE, convert=user_data_file_b64,
                       metavar="FILE", help="a file of user data for the instance"),
                 Param("subnet", ("--subnet",), convert=subnet_id, metavar="SUBNET",
                       help="[VPC] the subnet of its network interface"),
                 Param("private_ip", ("--private-ip-address",), convert=ipv4, metavar="ADDRESS",
                       help="[VPC] its primary private IP address"),
                 Param("monitor", ("--monitor",), action="flag", help="enable detailed monitoring"),
                 Param("shutdown", ("--instance-initiated-shutdown-behavior",), choices=("stop", "terminate"),
                       metavar="BEHAVIOUR", help="stop (default) or terminate when it shuts down"),
                 Param("key", ("--key",), kind=KEYPAIR, convert=keypair_name, metavar="KEYPAIR",
                       help="[Eucalyptus] the keypair to log in with")),
         mutates=True, check=_check_instance,
         example="import-instance disk.img -t m1.small -f raw -a x86_64 -p Linux -b imports")
def import_instance(ctx: Context, inv: Invocation) -> Result:
    from cloudshell.cloud.disk_import.launch import accept_key_name

    if inv.key:
        accept_key_name(ctx.session)

    def params(plan: dict[str, Any], url: str) -> dict[str, Any]:
        disk = _image(plan, url)
        if inv.description:
            disk["Description"] = inv.description
        out = {"LaunchSpecification": _launch(inv), "DiskImages": [disk], "Platform": inv.platform}
        if inv.description:
            out["Description"] = inv.description
        return out
    return _start(ctx, inv, "import_instance", params, "import-instance")
