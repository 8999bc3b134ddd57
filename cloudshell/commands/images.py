"""images: register (a bundle's manifest, or a snapshot as root device) and deregister.

Some endpoints (moto, old Eucalyptus front ends) accept KernelId, RamdiskId or a
root snapshot and then forget them. Where the image read back lacks what was
asked for, it is recorded in ``cloudshell:`` tags (as the demo cloud does), so
the guards that need it (no deregistering a kernel machine images boot, no
deleting a snapshot an image is registered from) hold on every cloud.
"""

from __future__ import annotations

import re
from typing import Any

from cloudshell.cloud.errors import CloudError, Refused, UsageError
from cloudshell.cloud.inventory import Record
from cloudshell.cloud.kinds import KINDS, image_type, tag
from cloudshell.commands.context import Context, Result
from cloudshell.commands.registry import (
    ARCH, BUCKET, DEVICE, IMAGE, KERNEL, RAMDISK, SNAPSHOT, TEXT, Invocation, Param, command,
)
from cloudshell.commands.targets import label, other_changes, require
from cloudshell.commands.values import image_id, shown, snapshot_id

ARCHITECTURES = ("i386", "x86_64", "armhf", "arm64", "ppc", "ppc64", "ppc64le")  # EC2 + bundle-image -r
# The root snapshot an image was registered from, where the endpoint does not keep it.
SNAPSHOT_TAG = "cloudshell:snapshot-id"
LOCATION_TAG = "cloudshell:manifest-location"   # where an endpoint that drops ImageLocation had it from
MANIFEST_SUFFIX = ".manifest.xml"
DEFAULT_ROOT_DEVICE = "/dev/sda1"

_NAME = re.compile(r"[A-Za-z0-9()\[\] ./\-'@_]{3,128}")
_DEVICE = re.compile(r"/dev/(?:(?:sd|xvd|hd|vd)[a-z]{1,2}(?:[1-9][0-9]?)?|nvme[0-9]{1,2}n1)")
_BUCKET = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{2,62}")


def manifest_location(raw: str) -> str:
    """``BUCKET/PREFIX.manifest.xml``, as upload-bundle prints it."""
    value = raw.strip()
    value = value[5:] if value.startswith("s3://") else value
    bucket, slash, key = value.partition("/")
    if not (slash and _BUCKET.fullmatch(bucket) and key.endswith(MANIFEST_SUFFIX)
            and len(key) > len(MANIFEST_SUFFIX) and not key.startswith("/")):
        raise UsageError(f"{shown(raw)} is not a manifest location "
                         f"(expected BUCKET/PREFIX{MANIFEST_SUFFIX}, as upload-bundle prints it)")
    return f"{bucket}/{key}"


def image_name(raw: str) -> str:
    if not _NAME.fullmatch(raw):
        raise UsageError(f"{shown(raw)} is not an image name (expected 3 to 128 letters, digits, "
                         "spaces and ( ) [ ] . / - ' @ _)")
    return raw


def image_description(raw: str) -> str:
    if len(raw) > 255 or any(ord(c) < 32 for c in raw):
        raise UsageError(f"{shown(raw)} is not a description (expected at most 255 printable characters)")
    return raw


def device_name(raw: str) -> str:
    value = raw.strip()
    if not _DEVICE.fullmatch(value):
        raise UsageError(f"{shown(raw)} is not a device name (expected e.g. /dev/sda1, /dev/xvda, /dev/vda)")
    return value


def find_image(ctx: Context, image: str) -> Record:
    """An image by ID: from the inventory, else asked for by ID (public images are not listed on AWS)."""
    rec = ctx.inventory("images").get(image, "images")
    if rec is not None:
        return rec
    try:
        found = ctx.session.call("describe_images", ImageIds=[image]).get("Images") or []
    except CloudError as exc:
        if not exc.code.startswith("InvalidAMIID"):
            raise
        found = []
    if not found:
        raise UsageError(f"no image {image} here (check the ID with describe-images)")
    return Record.from_raw(KINDS["images"], found[0])


def require_image_type(ctx: Context, image: str, wanted: str, what: str) -> Record:
    """The image, which must be available and of the wanted type (machine, kernel, ramdisk)."""
    rec = find_image(ctx, image)
    actual = image_type(rec.raw)
    if actual != wanted:
        raise UsageError(f"{what} {label(rec)} is a {actual} image, not a {wanted} image "
                         f"(see describe-images --filter image-type={wanted})")
    if rec.state and rec.state != "available":
        raise UsageError(f"{what} {label(rec)} is {rec.state}, not available")
    return rec


def check_register(ctx: Context, *, kernel: str | None = None, ramdisk: str | None = None,
                   snapshot: str | None = None) -> None:
    """The images and snapshot a registration names exist and are what they claim to be."""
    if kernel:
        require_image_type(ctx, kernel, "kernel", "--kernel")
    if ramdisk:
        require_image_type(ctx, ramdisk, "ramdisk", "--ramdisk")
    if snapshot:
        rec = require(ctx, [snapshot], "snapshots")[snapshot]
        if rec.state not in ("completed", ""):
            raise UsageError(f"--snapshot {label(rec)} is {rec.state}; an image needs a completed snapshot "
                             f"(try: wait {snapshot} completed)")


def validate_register(ctx: Context, *, name: str | None = None, location: str | None = None,
                      snapshot: str | None = None, description: str | None = None,
                      architecture: str | None = None, kernel: str | None = None,
                      ramdisk: str | None = None, root_device: str | None = None, **_: Any) -> str:
    """Every check a registration needs, input first, then the inventory; returns the image name."""
    if bool(location) == bool(snapshot):
        raise UsageError("register: give a MANIFEST location or --snapshot SNAP (exactly one)")
    if location:
        location = manifest_location(location)
    if location and root_device:
        raise UsageError("register: --root-device-name goes with --snapshot, not with a MANIFEST")
    shown_as = "-n"
    if not name:
        if not location:
            raise UsageError("register: missing -n NAME (an image from a snapshot needs a name)")
        name, shown_as = location.rsplit("/", 1)[-1][:-len(MANIFEST_SUFFIX)], "name from MANIFEST (give -n NAME)"
    for flag, value, check in ((shown_as, name, image_name), ("--snapshot", snapshot, snapshot_id),
                               ("--kernel", kernel, image_id), ("--ramdisk", ramdisk, image_id),
                               ("--root-device-name", root_device, device_name),
                               ("-d", description, image_description)):
        if value:
            try:
                check(value)
            except UsageError as exc:
                raise UsageError(f"register: {flag}: {exc}") from None
    if architecture and architecture not in ARCHITECTURES:
        raise UsageError(f"register: -a {shown(architecture)}: expected one of {', '.join(ARCHITECTURES)}")
    check_register(ctx, kernel=kernel, ramdisk=ramdisk, snapshot=snapshot)
    return name


def register_image(ctx: Context, *, name: str | None = None, location: str | None = None,
                   snapshot: str | None = None, description: str | None = None,
                   architecture: str | None = None, kernel: str | None = None, ramdisk: str | None = None,
                   root_device: str | None = None, virtualization: str | None = None,
                   kind: str | None = None) -> Result:
    """Register an image from a manifest location or a root snapshot; the ``register`` command's core.

    Validates every value (shapes, then the inventory) before sending, so other
    commands (``bundle-image … && register``) may call it directly. ``kind`` is
    the image type the manifest declares (machine, kernel, ramdisk).
    """
    name = validate_register(ctx, name=name, location=location, snapshot=snapshot,
                             description=description, architecture=architecture,
                             kernel=kernel, ramdisk=ramdisk, root_device=root_device)
    location = manifest_location(location) if location else None
    params: dict[str, Any] = {"Name": name}
    for key, value in (("ImageLocation", location), ("Description", description),
                       ("Architecture", architecture), ("KernelId", kernel), ("RamdiskId", ramdisk),
                       ("VirtualizationType", virtualization)):
        if value:
            params[key] = value
    if snapshot:
        params["RootDeviceName"] = root_device or DEFAULT_ROOT_DEVICE
        params["BlockDeviceMappings"] = [{"DeviceName": params["RootDeviceName"],
                                          "Ebs": {"SnapshotId": snapshot}}]
    reply = ctx.send("register_image", **params)
    new_id = reply.get("ImageId", "")
    notes = _record_what_was_dropped(ctx, new_id, kernel=kernel, ramdisk=ramdisk, snapshot=snapshot,
                                     kind=kind, location=location)
    changes = ctx.after_action([new_id])
    source = location or f"snapshot {snapshot}"
    lines = (f"registered {new_id} ({name}) from {source}", *notes)
    return Result(data=reply, lines=lines, changes=other_changes(changes, [new_id]))


def _record_what_was_dropped(ctx: Context, new_id: str, *, kernel: str | None, ramdisk: str | None,
                             snapshot: str | None, kind: str | None,
                             location: str | None = None) -> tuple[str, ...]:
    from cloudshell.cloud.demo import IMAGE_TYPE_TAG, KERNEL_TAG, RAMDISK_TAG

    try:
        found = ctx.session.call("describe_images", ImageIds=[new_id]).get("Images") or []
    except CloudError:
        return ()
    if not found:
        return ()
    raw = found[0]
    roots = {(m.get("Ebs") or {}).get("SnapshotId") for m in raw.get("BlockDeviceMappings") or ()}
    wanted = {KERNEL_TAG: kernel if kernel and raw.get("KernelId") != kernel else None,
              RAMDISK_TAG: ramdisk if ramdisk and raw.get("RamdiskId") != ramdisk else None,
              SNAPSHOT_TAG: snapshot if snapshot and snapshot not in roots else None,
              IMAGE_TYPE_TAG: kind if kind and image_type(raw) != kind else None,
              LOCATION_TAG: location if location and raw.get("ImageLocation") != location else None}
    tags = [{"Key": k, "Value": v} for k, v in wanted.items() if v]
    if not tags:
        return ()
    ctx.send("create_tags", Resources=[new_id], Tags=tags)
    keys = ", ".join(t["Key"] for t in tags)
    return (f"the endpoint did not keep everything asked for; recorded in tags: {keys}",)


@command("register", "images", "Register an image: a bundle's manifest, or a snapshot as root device.",
         aliases=("register-image",),
         params=(Param("location", kind=BUCKET, nargs="?", convert=manifest_location, metavar="MANIFEST",
                       help=f"BUCKET/PREFIX{MANIFEST_SUFFIX} of an uploaded bundle"),
                 Param("name", ("-n", "--name"), kind=TEXT, convert=image_name, metavar="NAME",
                       help="image name (default for a manifest: its PREFIX)"),
                 Param("description", ("-d", "--description"), kind=TEXT, convert=image_description,
                       metavar="DESC", help="description of the image"),
                 Param("architecture", ("-a", "--architecture"), kind=ARCH, choices=ARCHITECTURES,
                       metavar="ARCH", help="CPU architecture"),
                 Param("kernel", ("--kernel",), kind=KERNEL, convert=image_id, metavar="KERNEL",
                       help="kernel image to boot it with (eki-/aki-…)"),
                 Param("ramdisk", ("--ramdisk",), kind=RAMDISK, convert=image_id, metavar="RAMDISK",
                       help="ramdisk image to boot it with (eri-/ari-…)"),
                 Param("snapshot", ("-s", "--snapshot"), kind=SNAPSHOT, convert=snapshot_id, metavar="SNAP",
                       help="snapshot to use as the root device (instead of MANIFEST)"),
                 Param("root_device", ("--root-device-name",), kind=DEVICE, convert=device_name,
                       metavar="DEVICE", help=f"root device with --snapshot (default {DEFAULT_ROOT_DEVICE})"),
                 Param("virtualization", ("--virtualization-type",), choices=("paravirtual", "hvm"),
                       metavar="TYPE", help="paravirtual or hvm")),
         mutates=True, example=f"register mybucket/centos-7{MANIFEST_SUFFIX} -n centos-7 -a x86_64",
         check=lambda ctx, inv: validate_register(ctx, **_register_args(inv)))
def register(ctx: Context, inv: Invocation) -> Result:
    args = _register_args(inv)
    if inv.location and not ctx.dry_run:
        # The manifest says what it is; endpoints that do not keep the type get it recorded.
        from cloudshell.commands.bundle_inputs import manifest_image_type

        args["kind"] = manifest_image_type(ctx, inv.location)
    return register_image(ctx, **args)


def _register_args(inv: Invocation) -> dict[str, Any]:
    return {"name": inv.name, "location": inv.location, "snapshot": inv.snapshot,
            "description": inv.description, "architecture": inv.architecture, "kernel": inv.kernel,
            "ramdisk": inv.ramdisk, "root_device": inv.root_device, "virtualization": inv.virtualization}


def booted_by(ctx: Context, rec: Record) -> list[Record]:
    """Machine images that boot with this kernel or ramdisk (from the image, else the tags)."""
    from cloudshell.cloud.demo import KERNEL_TAG, RAMDISK_TAG

    out = []
    for other in ctx.inventory("images").of("images").values():
        links = {other.raw.get("KernelId"), other.raw.get("RamdiskId"),
                 tag(other.raw, KERNEL_TAG), tag(other.raw, RAMDISK_TAG)}
        if other.id != rec.id and rec.id in links:
            out.append(other)
    return out


def _check_deregister(ctx: Context, inv: Invocation) -> None:
    rec = find_image(ctx, inv.image)
    users = booted_by(ctx, rec)
    if users:
        named = ", ".join(label(u) for u in users[:5]) + (" …" if len(users) > 5 else "")
        raise Refused(f"deregister: {label(rec)} is the {image_type(rec.raw)} of {named}; "
                      "those images could not boot any more: deregister them first")


def _confirm_deregister(ctx: Context, inv: Invocation) -> str:
    rec = find_image(ctx, inv.image)
    return f"Deregister {label(rec)}? No instance can be launched from it afterwards."


@command("deregister", "images", "Deregister an image: no more instances can be launched from it.",
         aliases=("deregister-image",),
         params=(Param("image", kind=IMAGE, required=True, convert=image_id, metavar="IMAGE",
                       help="the image to deregister"),),
         mutates=True, destroys=True, check=_check_deregister, confirm=_confirm_deregister,
         example="deregister emi-1a2b3c4d")
def deregister(ctx: Context, inv: Invocation) -> Result:
    rec = find_image(ctx, inv.image)
    reply = ctx.send("deregister_image", ImageId=inv.image)
    changes = ctx.after_action([inv.image])
    return Result(data=reply, lines=(f"{label(rec)} deregistered",),
                  changes=other_changes(changes, [inv.image]))
