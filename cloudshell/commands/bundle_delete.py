"""delete-bundle: exactly one bundle's parts and manifest out of a bucket, each object named in
the confirmation and only those deleted (the rest of the bundle commands: bundles.py)."""

from __future__ import annotations

import os
from typing import Any

from cloudshell.cloud.errors import UsageError
from cloudshell.commands.bundle_inputs import (
    MANIFEST_SUFFIX, as_usage, bucket_path, bundle_prefix, engine, object_names, verify_key,
)
from cloudshell.commands.bundles import _PLAN, _cert, _count, _only_bundle, _signature
from cloudshell.commands.context import Context, DryRunDone, Result
from cloudshell.commands.registry import BUCKET, FILE, TEXT, Invocation, Param, command
from cloudshell.commands.values import shown


def _delete_target(inv: Invocation) -> dict[str, Any]:
    """Which bundle ``-p``/``-m`` names: the engine's keyword (prefix, manifest or local_manifest);
    ``{}`` for neither: the one bundle the bucket holds, as euca2ools 1.x's ``-b BUCKET`` alone."""
    if inv.prefix and inv.manifest:
        raise UsageError("delete-bundle: give -p PREFIX or -m MANIFEST, not both")
    if not inv.prefix and not inv.manifest:
        return {}
    if inv.prefix:
        return {"prefix": inv.prefix}
    raw = inv.manifest
    path = os.path.expanduser(raw)
    if not raw.endswith(MANIFEST_SUFFIX):
        raise UsageError(f"delete-bundle: -m {shown(raw)} is not a manifest (expected PREFIX{MANIFEST_SUFFIX})")
    if os.path.isfile(path):
        as_usage("delete-bundle", engine.read_manifest, path)
        return {"local_manifest": path}
    if "/" in raw:
        raise UsageError(f"delete-bundle: -m {shown(raw)}: no such file (expected a local manifest, or "
                         f"the name of one in the bucket)")
    return {"manifest": raw}


def _check_delete(ctx: Context, inv: Invocation) -> None:
    _delete_target(inv)


def _plan(ctx: Context, inv: Invocation) -> tuple[Any, str]:
    """The objects this delete removes (read from the manifest, checked) and the key that verified it.
    The plan the confirmation named is kept on the invocation: exactly those objects are deleted."""
    key, source = verify_key(ctx, "delete-bundle", inv.cert)
    planned = inv.values.get(_PLAN)
    if planned is None:
        bucket, folder = engine.split_bucket_path(inv.bucket)
        target = _delete_target(inv)
        if not target:
            found = _listed_bundles(ctx, bucket, folder)
            if not found and inv.clear:
                inv.values[_PLAN] = _BUCKET_ONLY   # euca2ools: with --clear, the bucket goes even so
                return _BUCKET_ONLY, source
            target = {"prefix": _only_bundle(ctx, bucket, folder, "delete-bundle")}
        planned = engine.plan_delete(ctx.session, bucket, key_prefix=folder, verify_with=key, **target)
        inv.values[_PLAN] = planned
    return planned, source


_BUCKET_ONLY = "bucket only"   # the plan of `delete-bundle -b BUCKET --clear` when no bundle is left


def _listed_bundles(ctx: Context, bucket: str, folder: str) -> list[str]:
    try:
        return [_only_bundle(ctx, bucket, folder, "delete-bundle")]
    except engine.BundleError:
        return []
    except UsageError:   # several: _only_bundle says so again with their names
        return ["several"]


def _confirm_delete(ctx: Context, inv: Invocation) -> str:
    plan, source = _plan(ctx, inv)
    bucket, folder = engine.split_bucket_path(inv.bucket)
    if plan is _BUCKET_ONLY:
        return f"No bundle is left in s3://{bucket}/{folder}; delete the bucket {bucket} if it is empty?"
    extra = ", then the bucket if nothing else is in it" if inv.clear else ""
    signed = f"manifest signature verified with {source}" if source else "UNSIGNED manifest: signature not checked"
    return (f"Delete {_count(len(plan.keys), 'object')} of bundle {plan.manifest.prefix} from "
            f"s3://{bucket}/{folder}: {object_names(plan.keys, folder)}{extra}? ({signed})")


@command("delete-bundle", "bundles", "Delete exactly one bundle's parts and manifest from a bucket.",
         params=(Param("bucket", ("-b", "--bucket"), kind=BUCKET, required=True, convert=bucket_path,
                       metavar="BUCKET[/PREFIX]", help="bucket, and folder inside it, holding the bundle"),
                 Param("prefix", ("-p", "--prefix"), kind=TEXT, convert=bundle_prefix, metavar="PREFIX",
                       help="the bundle's prefix (default: the one bundle the bucket holds)"),
                 Param("manifest", ("-m", "--manifest"), kind=FILE, metavar="MANIFEST",
                       help="a local manifest, or a manifest's name in the bucket"),
                 Param("clear", ("--clear",), action="flag", help="remove the bucket too, if then empty"),
                 _cert("deleting anything")),
         mutates=True, destroys=True, check=_check_delete, confirm=_confirm_delete,
         example="delete-bundle -b mybucket/images -p centos-7.img")
def delete_bundle(ctx: Context, inv: Invocation) -> Result:
    plan, source = _plan(ctx, inv)
    bucket, folder = engine.split_bucket_path(inv.bucket)
    if plan is _BUCKET_ONLY:
        ctx.send("delete_bucket", service="s3", Bucket=bucket)   # S3 refuses it unless empty
        return Result(data={"Bucket": bucket, "Deleted": [], "BucketRemoved": True},
                      lines=(f"no bundle was left in s3://{bucket}/{folder}; removed the bucket {bucket}",))
    data, warnings = _signature(source)
    if ctx.dry_run:
        raise DryRunDone(True, f"delete-bundle would delete {_count(len(plan.keys), 'object')} from "
                               f"s3://{bucket}/{folder} ({object_names(plan.keys, folder)}); "
                               "S3 has no DryRun: nothing was deleted")
    result = engine.delete_bundle(ctx.session, bucket, plan=plan, clear=bool(inv.clear))
    lines = [f"deleted {_count(len(result.deleted), 'object')} from s3://{bucket}/{folder}"
             f"{'' if source else ' (UNSIGNED manifest)'}"]
    if result.bucket_removed:
        lines.append(f"removed the bucket {bucket}")
    elif result.bucket_note:
        lines.append(result.bucket_note)
    return Result(data={"Bucket": bucket, "Deleted": list(result.deleted),
                        "BucketRemoved": result.bucket_removed, **data}, lines=tuple(lines), warnings=warnings)
