"""Images made by the cloud: create-image from an instance, copy-image, and the instance bundle
tasks (bundle-instance, describe-bundle-tasks, cancel-bundle-task), as euca2ools spells them.

bundle-instance signs an S3 upload policy for the cloud with the secret key, locally (HMAC-SHA1,
as EC2 documents); the key itself is never sent, printed or logged.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
from typing import Any

from cloudshell.cloud.errors import Refused, UsageError
from cloudshell.commands.context import Context, Result
from cloudshell.commands.images import image_description, image_name
from cloudshell.commands.instances import client_token
from cloudshell.commands.registry import BUCKET, IMAGE, INSTANCE, TEXT, Invocation, Param, command
from cloudshell.commands.targets import label, require
from cloudshell.commands.values import image_id, instance_id, shown

_BUNDLE_ID = re.compile(r"bun-[0-9a-f]{8,17}")
_REGION = re.compile(r"[a-z]{2,}(?:-[a-z]+)*-\d{1,2}|[A-Za-z0-9][A-Za-z0-9_-]{0,62}")
_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,254}")
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def bundle_id(raw: str) -> str:
    if not _BUNDLE_ID.fullmatch(raw.strip()):
        raise UsageError(f"{shown(raw)} is not a bundle task ID (expected bun-…, from describe-bundle-tasks)")
    return raw.strip()


def region_name(raw: str) -> str:
    if not _REGION.fullmatch(raw.strip()):
        raise UsageError(f"{shown(raw)} is not a region name (expected e.g. us-east-1, from describe-regions)")
    return raw.strip()


def bucket_name(raw: str) -> str:
    if not _BUCKET.fullmatch(raw):
        raise UsageError(f"{shown(raw)} is not a bucket name (expected 3 to 63 lower-case letters, digits, . and -)")
    return raw


def prefix_name(raw: str) -> str:
    if not _PREFIX.fullmatch(raw):
        raise UsageError(f"{shown(raw)} is not a bundle prefix (expected letters, digits, . _ -)")
    return raw


def policy_text(raw: str) -> str:
    try:
        json.loads(base64.b64decode(raw.strip(), validate=True))
    except ValueError:
        raise UsageError("-c: not an upload policy (expected the base64 of a JSON S3 policy)") from None
    return raw.strip()


def hours(raw: str) -> int:
    if not re.fullmatch(r"\d{1,4}", raw.strip()) or not 1 <= int(raw) <= 168:
        raise UsageError(f"{shown(raw)} is not a number of hours (expected 1 to 168)")
    return int(raw)


# -- create-image -------------------------------------------------------------------------
def _check_create(ctx: Context, inv: Invocation) -> None:
    rec = require(ctx, [inv.instance], "instances")[inv.instance]
    if rec.state in ("terminated", "shutting-down", "pending"):
        raise Refused(f"create-image: {label(rec)} is {rec.state}; an image needs a running or stopped instance")
    if (rec.raw.get("RootDeviceType") or "ebs") != "ebs":
        raise UsageError(f"create-image: {label(rec)} is instance-store backed; create-image needs an EBS "
                         "instance (bundle-instance or bundle-vol image the others)")


@command("create-image", "images", "Create an EBS image from a running or stopped instance.",
         params=(Param("instance", kind=INSTANCE, required=True, convert=instance_id, metavar="INSTANCE",
                       help="the instance to image"),
                 Param("name", ("-n", "--name"), kind=TEXT, required=True, convert=image_name, metavar="NAME",
                       help="name of the new image"),
                 Param("description", ("-d", "--description"), kind=TEXT, convert=image_description,
                       metavar="DESC", help="its description"),
                 Param("no_reboot", ("--no-reboot",), action="flag",
                       help="do not shut the instance down first (the file systems may be imaged mid-write)")),
         mutates=True, check=_check_create, example="create-image i-1a2b3c4d -n web-2026-12 --no-reboot",
         description="Unless --no-reboot is given the cloud reboots the instance to image a clean file system; "
                     "the interactive faces ask first.")
def create_image(ctx: Context, inv: Invocation) -> Result:
    if ctx.interactive and not inv.no_reboot and not ctx.assume_yes and not ctx.dry_run:
        rec = require(ctx, [inv.instance], "instances")[inv.instance]
        if rec.state == "running" and not ctx.confirm(
                f"{label(rec)} will reboot while it is imaged (add --no-reboot to keep it running). Go on?"):
            raise Refused("create-image: not confirmed, nothing was sent (add --no-reboot to image it running)")
    params: dict[str, Any] = {"InstanceId": inv.instance, "Name": inv.name}
    if inv.description:
        params["Description"] = inv.description
    if inv.no_reboot:
        params["NoReboot"] = True
    reply = ctx.send("create_image", **params)
    new = reply.get("ImageId", "")
    ctx.after_action([new, inv.instance])
    how = "" if inv.no_reboot else " (the instance reboots for it)"
    return Result(data=reply, lines=(f"creating {new} ({inv.name}) from {inv.instance}{how}",))


# -- copy-image ------------------------------------------------------------------------------
@command("copy-image", "images", "Copy an image from another region into this one.",
         params=(Param("source_region", ("-r", "--source-region"), required=True, convert=region_name,
                       metavar="REGION", help="the region the image is in"),
                 Param("source_image", ("-s", "--source-ami-id"), kind=IMAGE, required=True, convert=image_id,
                       metavar="IMAGE", help="the image to copy"),
                 Param("name", ("-n", "--name"), kind=TEXT, convert=image_name, metavar="NAME",
                       help="name of the copy"),
                 Param("description", ("-d", "--description"), kind=TEXT, convert=image_description,
                       metavar="DESC", help="description of the copy"),
                 Param("client_token", ("-c", "--client-token"), convert=client_token, metavar="TOKEN",
                       help="idempotency token: re-use it to retry a copy safely")),
         mutates=True, example="copy-image -r us-west-1 -s ami-1a2b3c4d -n my-copy",
         description="Run it against the destination region, as euca2ools does.")
def copy_image(ctx: Context, inv: Invocation) -> Result:
    params: dict[str, Any] = {"SourceRegion": inv.source_region, "SourceImageId": inv.source_image,
                              "Name": inv.name or inv.source_image}
    for key, value in (("Description", inv.description), ("ClientToken", inv.client_token)):
        if value:
            params[key] = value
    reply = ctx.send("copy_image", **params)
    new = reply.get("ImageId", "")
    ctx.after_action([new])
    return Result(data=reply, lines=(f"copying {inv.source_image} from {inv.source_region} as {new}",))


# -- bundle tasks ----------------------------------------------------------------------------
def upload_policy(bucket: str, prefix: str, expires_hours: int, now: dt.datetime | None = None) -> str:
    """The S3 upload policy the cloud uses to write the bundle (base64 of its JSON), as EC2 documents."""
    when = (now or dt.datetime.now(dt.timezone.utc)) + dt.timedelta(hours=expires_hours)
    policy = {"expiration": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
              "conditions": [{"acl": "ec2-bundle-read"}, {"bucket": bucket}, ["starts-with", "$key", prefix]]}
    return base64.b64encode(json.dumps(policy).encode()).decode()


def sign_policy(policy_b64: str, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), policy_b64.encode(), hashlib.sha1).digest()).decode()


def _task_line(task: dict[str, Any]) -> str:
    s3 = (task.get("Storage") or {}).get("S3") or {}
    where = f"s3://{s3.get('Bucket')}/{s3.get('Prefix')}" if s3.get("Bucket") else ""
    progress = f" {task['Progress']}" if task.get("Progress") else ""
    return f"{task.get('BundleId')} {task.get('InstanceId')} {task.get('State')}{progress} {where}".rstrip()


def _check_bundle(ctx: Context, inv: Invocation) -> None:
    if inv.policy and not inv.signature and not _secret(ctx, inv):
        raise UsageError("bundle-instance: -c POLICY needs -s SIGNATURE or a secret key (-w) to sign it")
    if not (inv.owner_akid or ctx.session.endpoint.access_key):
        raise UsageError("bundle-instance: missing -o KEY-ID (the access key the bundle is uploaded as)")
    if not inv.policy and not _secret(ctx, inv):
        raise UsageError("bundle-instance: missing -w KEY (the secret key that signs the upload policy), "
                         "or give -c POLICY -s SIGNATURE")
    require(ctx, [inv.instance], "instances")


def _secret(ctx: Context, inv: Invocation) -> str | None:
    return inv.owner_sak or ctx.session.endpoint.secret_key


@command("bundle-instance", "images", "Have the cloud bundle an instance-store (Windows) instance into S3.",
         params=(Param("instance", kind=INSTANCE, required=True, convert=instance_id, metavar="INSTANCE",
                       help="the instance to bundle"),
                 Param("bucket", ("-b", "--bucket"), kind=BUCKET, required=True, convert=bucket_name,
                       metavar="BUCKET", help="bucket to store the bundle in"),
                 Param("prefix", ("-p", "--prefix"), required=True, convert=prefix_name, metavar="PREFIX",
                       help="name prefix of the bundle's files"),
                 Param("owner_akid", ("-o", "--owner-akid", "--user-access-key"), metavar="KEY-ID",
                       help="access key the bundle is uploaded as (default: this session's)"),
                 Param("policy", ("-c", "--policy"), convert=policy_text, metavar="POLICY",
                       help="base64 upload policy (default: one made here for the bucket and prefix)"),
                 Param("signature", ("-s", "--policy-signature"), metavar="SIGNATURE",
                       help="the policy's signature (default: signed here with the secret key)"),
                 Param("owner_sak", ("-w", "--owner-sak", "--user-secret-key"), metavar="KEY",
                       help="secret key that signs the policy (default: this session's; shows in ps)"),
                 Param("expires", ("-x", "--expires"), convert=hours, metavar="HOURS",
                       help="how long the policy lasts (default 24)")),
         mutates=True, check=_check_bundle, example="bundle-instance i-1a2b3c4d -b mybucket -p winimage")
def bundle_instance(ctx: Context, inv: Invocation) -> Result:
    policy = inv.policy or upload_policy(inv.bucket, inv.prefix, inv.expires or 24)
    signature = inv.signature or sign_policy(policy, _secret(ctx, inv) or "")
    storage = {"S3": {"Bucket": inv.bucket, "Prefix": inv.prefix,
                      "AWSAccessKeyId": inv.owner_akid or ctx.session.endpoint.access_key,
                      # a blob to botocore, which base64-encodes it: the JSON itself goes in
                      "UploadPolicy": base64.b64decode(policy), "UploadPolicySignature": signature}}
    reply = ctx.send("bundle_instance", InstanceId=inv.instance, Storage=storage)
    task = reply.get("BundleTask") or {}
    return Result(data=reply, lines=(f"bundling: {_task_line(task)}",))


@command("describe-bundle-tasks", "images", "Show instance bundle tasks.",
         params=(Param("ids", nargs="*", convert=bundle_id, metavar="BUNDLE", help="only these tasks"),),
         example="describe-bundle-tasks")
def describe_bundle_tasks(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.session.call("describe_bundle_tasks", **({"BundleIds": inv.ids} if inv.ids else {}))
    tasks = reply.get("BundleTasks") or []
    return Result(data=reply, lines=tuple(_task_line(t) for t in tasks) or ("no bundle tasks",))


@command("cancel-bundle-task", "images", "Cancel an instance bundle task.",
         params=(Param("bundle", required=True, convert=bundle_id, metavar="TASK-ID", help="the task to cancel"),),
         mutates=True, destroys=True, confirm=lambda ctx, inv: f"Cancel bundle task {inv.bundle}? What it "
                                                               "uploaded so far stays in the bucket.",
         example="cancel-bundle-task bun-1a2b3c4d")
def cancel_bundle_task(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("cancel_bundle_task", BundleId=inv.bundle)
    return Result(data=reply, lines=(f"cancelling: {_task_line(reply.get('BundleTask') or {})}",))
