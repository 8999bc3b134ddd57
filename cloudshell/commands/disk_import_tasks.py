"""resume-import and delete-disk-image: an import task's disk image in its bucket, after the task began.

Both read the task (DescribeConversionTasks) for its manifest URL, and both
treat what they find as untrusted: the URL must point at this cloud's S3
endpoint, and the manifest read back passes the engine's checks (no DOCTYPE,
bounded, part counts and byte ranges that add up, part keys beside the
manifest) before a byte is uploaded or an object deleted. delete-disk-image
names every object in its question and deletes exactly those; it refuses an
active task's image unless ``--ignore-active-task``.
"""

from __future__ import annotations

from typing import Any

from cloudshell.cloud.errors import CloudError, Refused, UsageError
from cloudshell.commands.bundle_inputs import object_names
from cloudshell.commands.context import Context, DryRunDone, Result
from cloudshell.commands.conversions import task_id
from cloudshell.commands.disk_imports import DEFAULT_DAYS, expiry_days, image_file, part_mib, send_image, upload_lines
from cloudshell.commands.registry import FILE, Invocation, Param, command

_PLAN = "_disk_image_plan"   # Invocation value: the objects the question named, deleted as named
_DONE_STATES = ("cancelled", "cancelling", "completed")


def _task(ctx: Context, tid: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The task and its disk (ImportVolume, or ImportInstance's first volume), as the cloud describes them."""
    reply = ctx.session.call("describe_conversion_tasks", ConversionTaskIds=[tid])
    tasks = [t for t in reply.get("ConversionTasks") or () if t.get("ConversionTaskId") == tid]
    if not tasks:
        raise Refused(f"conversion task {tid} not found (see describe-conversion-tasks)")
    task = tasks[0]
    disk = task.get("ImportVolume") or next(iter((task.get("ImportInstance") or {}).get("Volumes") or ()), None)
    if not isinstance(disk, dict) or not (disk.get("Image") or {}).get("ImportManifestUrl"):
        raise Refused(f"conversion task {tid} names no disk image manifest (nothing to upload or delete)")
    return task, disk


def _location(ctx: Context, url: str) -> tuple[str, str]:
    from cloudshell.cloud.disk_import import bucket as remote

    return remote.resolve_manifest_url(ctx.session, url)


def _int(value: Any, what: str, tid: str, high: int) -> int:
    """A number the task's answer gives (untrusted): whole, 1 to ``high``."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= high:
        raise Refused(f"conversion task {tid} gives no usable {what} ({str(value)[:40]!r}); the upload "
                      "cannot be checked against it (nothing was sent)")
    return number


# -- resume-import ---------------------------------------------------------------------------------
@command("resume-import", "imports", "Upload (or finish uploading) the disk image of an import task.",
         params=(Param("source", kind=FILE, required=True, convert=image_file, metavar="FILE",
                       help="the disk image file the import started with"),
                 Param("task", ("-t", "--task"), required=True, convert=task_id, metavar="TASK",
                       help="the import task to upload for (import-vol-… or import-i-…)"),
                 Param("expires", ("-x", "--expires"), convert=expiry_days, metavar="DAYS",
                       help=f"how long a new manifest's presigned URLs stay valid (default {DEFAULT_DAYS} days)"),
                 Param("part_size", ("--part-size",), convert=part_mib, metavar="MiB",
                       help="size of each part of a new manifest (default 10)"),
                 Param("dont_verify_format", ("--dont-verify-format",), action="flag",
                       help="accepted for euca2ools' sake; has no effect"),
                 Param("user_threads", ("--user-threads",), metavar="N",
                       help="accepted for euca2ools' sake; parts go one at a time")),
         mutates=True, example="resume-import disk.img -t import-vol-ffut5xv4")
def resume_import(ctx: Context, inv: Invocation) -> Result:
    from cloudshell.cloud.disk_import import disk as local

    tid = inv.task
    task, container = _task(ctx, tid)
    state = str(task.get("State") or "")
    if state in _DONE_STATES:
        raise Refused(f"conversion task {tid} is {state}: there is nothing to upload")
    image = container.get("Image") or {}
    bucket, key = _location(ctx, str(image["ImportManifestUrl"]))
    fmt = str(image.get("Format") or "").upper()
    if fmt not in local.FORMATS:
        raise Refused(f"conversion task {tid} gives the image format {fmt[:20]!r}, not one of "
                      f"{', '.join(local.FORMATS)} (nothing was sent)")
    size = _int(image.get("Size"), "image size", tid, local.MAX_IMAGE_BYTES)
    volume = _int((container.get("Volume") or {}).get("Size"), "volume size", tid, 16384)
    try:
        found = local.file_size(inv.source)
    except local.BadDiskImage as exc:
        raise UsageError(f"resume-import: {exc.message}") from None
    if fmt == "RAW" and found != size:
        raise UsageError(f"resume-import: {inv.source} has {found} bytes; task {tid} imports a RAW image of "
                         f"{size} bytes (is it the same file?)")
    plan = {"path": inv.source, "format": fmt, "bytes": size, "local": found, "volume": volume,
            "days": inv.expires or DEFAULT_DAYS, "part_size": (inv.part_size or 10) << 20}
    folder = key.rsplit("/", 1)[0] + "/" if "/" in key else ""
    if ctx.dry_run:
        raise DryRunDone(True, f"resume-import would upload the parts of {inv.source} not yet in "
                               f"s3://{bucket}/{folder} for {tid}; S3 has no DryRun: nothing was sent")
    outcome = send_image(ctx, tid, bucket, key, plan)
    data = {"ConversionTaskId": tid, "Bucket": bucket, "ManifestKey": key, "Uploaded": list(outcome.uploaded),
            "Skipped": list(outcome.skipped)}
    return Result(data=data, lines=(f"task {tid}:", *upload_lines(outcome, bucket, key)))


# -- delete-disk-image ----------------------------------------------------------------------------
def _check_delete(ctx: Context, inv: Invocation) -> None:
    if bool(inv.task) == bool(inv.manifest_url):
        raise UsageError("delete-disk-image: give -t TASK or -u MANIFEST-URL (one of them)")
    if inv.ignore_active_task and not inv.task:
        raise UsageError("delete-disk-image: --ignore-active-task goes with -t TASK")


def _plan(ctx: Context, inv: Invocation) -> dict[str, Any]:
    """What this deletion removes, read once: the question names it, the handler deletes it."""
    from cloudshell.cloud.disk_import import bucket as remote

    planned = inv.values.get(_PLAN)
    if planned is not None:
        return planned
    url, state = inv.manifest_url, ""
    if inv.task:
        task, container = _task(ctx, inv.task)
        state = str(task.get("State") or "")
        if state == "active" and not inv.ignore_active_task:
            raise Refused(f"conversion task {inv.task} is active: it may still read its image; cancel it "
                          "first (cancel-conversion-task) or add --ignore-active-task (nothing was deleted)")
        url = str(container["Image"]["ImportManifestUrl"])
    if url.startswith("s3://"):
        bucket, _, key = url[5:].partition("/")
        bucket, key = remote.resolve_manifest_url(
            ctx.session, f"{ctx.session.s3.meta.endpoint_url.rstrip('/')}/{bucket}/{key}")
    else:
        bucket, key = _location(ctx, url)
    manifest = remote.fetch_manifest(ctx.session, bucket, key)
    if manifest is None:
        raise Refused(f"no import manifest at s3://{bucket}/{key}: nothing to delete (already deleted?)")
    folder = key.rsplit("/", 1)[0] + "/" if "/" in key else ""
    planned = {"bucket": bucket, "folder": folder, "keys": remote.delete_keys(manifest, key), "state": state}
    inv.values[_PLAN] = planned
    return planned


def _whose(inv: Invocation) -> str:
    return f" of task {inv.task}" if inv.task else ""


def _confirm(ctx: Context, inv: Invocation) -> str:
    plan = _plan(ctx, inv)
    count = len(plan["keys"])
    return (f"Delete {count} object{'s' * (count != 1)} of the disk image{_whose(inv)} from "
            f"s3://{plan['bucket']}/{plan['folder']}: {object_names(plan['keys'], plan['folder'])}?")


@command("delete-disk-image", "imports", "Delete an import task's disk image (its parts and manifest) from "
         "the bucket.",
         params=(Param("task", ("-t", "--task"), convert=task_id, metavar="TASK",
                       help="the import task whose image to delete"),
                 Param("manifest_url", ("-u", "--manifest-url"), metavar="URL",
                       help="the import manifest's URL (or s3://BUCKET/KEY) instead of -t"),
                 Param("ignore_active_task", ("--ignore-active-task",), action="flag",
                       help="delete it even though the task is active (with -t)")),
         mutates=True, destroys=True, check=_check_delete, confirm=_confirm,
         example="delete-disk-image -t import-vol-ffut5xv4")
def delete_disk_image(ctx: Context, inv: Invocation) -> Result:
    plan = _plan(ctx, inv)
    bucket, folder, keys = plan["bucket"], plan["folder"], plan["keys"]
    names = object_names(keys, folder)
    if ctx.dry_run:
        raise DryRunDone(True, f"delete-disk-image would delete {len(keys)} objects from s3://{bucket}/{folder} "
                               f"({names}); S3 has no DryRun: nothing was deleted")
    deleted: list[str] = []
    for key in keys:
        try:
            ctx.send("delete_object", service="s3", Bucket=bucket, Key=key)
        except CloudError as exc:
            done = f"deleted {len(deleted)} of {len(keys)} first" if deleted else "nothing was deleted"
            raise type(exc)(exc.code, f"{exc.message} (deleting {key}; {done}: run it again to delete the rest)",
                            retryable=exc.retryable, operation=exc.operation, status=exc.status) from None
        deleted.append(key)
    return Result(data={"Bucket": bucket, "Deleted": deleted},
                  lines=(f"deleted {len(deleted)} objects of the disk image{_whose(inv)} from "
                         f"s3://{bucket}/{folder}: {names}",))
