"""Volumes: create from a size or a snapshot, attach, detach, delete — each guarded against data loss."""

from __future__ import annotations

from cloudshell.cloud.errors import Refused, UsageError
from cloudshell.commands.context import Context, Result
from cloudshell.commands.deleting import delete_command
from cloudshell.commands.guards import (
    attachment, check_attachable, confirm_or_refuse, find, is_root, label,
)
from cloudshell.commands.registry import (
    DEVICE, INSTANCE, INSTANCE_RUNNING, INT, SNAPSHOT, VOLUME, VOLUME_ATTACHED, VOLUME_AVAILABLE, ZONE, Invocation, Param,
    command,
)
from cloudshell.commands.values import (
    device_name, instance_id, positive_int, snapshot_id, volume_id, volume_size, zone_name,
)

VOLUME_TYPES = ("standard", "gp2", "gp3", "io1", "io2", "st1", "sc1")
IOPS_TYPES = ("io1", "io2", "gp3")


def _check_create(ctx: Context, inv: Invocation) -> None:
    if inv.size is None and inv.snapshot is None:
        raise UsageError("create-volume: give a size (-s GiB) or a snapshot (--snapshot SNAPSHOT)")
    if inv.iops is not None and inv.type not in IOPS_TYPES:
        raise UsageError(f"create-volume: --iops needs --type {', '.join(IOPS_TYPES)} "
                         f"(not {inv.type or 'the default type'})")
    zones = ctx.inventory("zones").of("zones")
    if inv.zone not in zones:
        known = ", ".join(sorted(zones)) or "none listed"
        raise UsageError(f"create-volume: zone {inv.zone!r} does not exist here (zones: {known})")
    if inv.snapshot is not None:
        snap = find(ctx, inv.snapshot, "snapshots")
        if snap.state != "completed":
            raise Refused(f"create-volume: {label(snap)} is {snap.state or 'not ready'}: volumes are made "
                          "from completed snapshots only (wait for it)")
        need = int(snap.raw.get("VolumeSize") or 0)
        if inv.size is not None and inv.size < need:
            raise UsageError(f"create-volume: -s {inv.size} is smaller than {snap.id}'s {need} GiB "
                             f"(expected {need} or more, or leave -s out)")


@command("create-volume", "volumes", "Create a volume of a size, or from a snapshot, in a zone.",
         params=(
             Param("size", ("-s", "--size"), kind=INT, convert=volume_size, metavar="GiB",
                   help="size in GiB, 1-16384 (from a snapshot: at least its size)"),
             Param("snapshot", ("--snapshot",), kind=SNAPSHOT, convert=snapshot_id, metavar="SNAPSHOT",
                   help="create the volume from this snapshot"),
             Param("zone", ("-z", "--zone", "--availability-zone"), kind=ZONE, required=True,
                   convert=zone_name, metavar="ZONE", help="availability zone (see describe-availability-zones)"),
             Param("type", ("--type",), choices=VOLUME_TYPES, metavar="TYPE", help="volume type"),
             Param("iops", ("--iops",), kind=INT, convert=positive_int, metavar="IOPS",
                   help="provisioned IOPS (io1, io2, gp3)"),
         ),
         mutates=True, check=_check_create, example="create-volume -s 10 -z us-east-1a")
def create_volume(ctx: Context, inv: Invocation) -> Result:
    params = {"AvailabilityZone": inv.zone, "Size": inv.size, "SnapshotId": inv.snapshot,
              "VolumeType": inv.type, "Iops": inv.iops}
    reply = ctx.send("create_volume", **{k: v for k, v in params.items() if v is not None})
    vol = reply.get("VolumeId", "")
    changes = ctx.after_action([vol])
    origin = f", from {inv.snapshot}" if inv.snapshot else ""
    line = (f"created {vol}: {reply.get('Size', inv.size)} GiB in {reply.get('AvailabilityZone', inv.zone)}"
            f"{origin}, {reply.get('State', 'creating')}")
    return Result(data=reply, lines=(line,), changes=changes)


def _check_attach(ctx: Context, inv: Invocation) -> None:
    volume = find(ctx, inv.volume, "volumes")
    instance = find(ctx, inv.instance, "instances")
    check_attachable(ctx.inventory("volumes", "instances"), volume, instance, inv.device)


@command("attach-volume", "volumes", "Attach an available volume to an instance in its zone.",
         params=(
             Param("volume", kind=VOLUME_AVAILABLE, required=True, convert=volume_id, metavar="VOLUME",
                   help="an available volume"),
             Param("instance", ("-i", "--instance"), kind=INSTANCE_RUNNING, required=True, convert=instance_id,
                   metavar="INSTANCE", zone_of="volume", help="a running instance in the volume's zone"),
             Param("device", ("-d", "--device"), kind=DEVICE, required=True, convert=device_name,
                   metavar="DEVICE", device_of="instance", help="device name on the instance, e.g. /dev/sdf"),
         ),
         mutates=True, check=_check_attach, example="attach-volume -i i-1a2b3c4d -d /dev/sdf vol-1a2b3c4d")
def attach_volume(ctx: Context, inv: Invocation) -> Result:
    inventory = ctx.inventory("volumes", "instances")
    volume, instance = inventory.get(inv.volume, "volumes"), inventory.get(inv.instance, "instances")
    reply = ctx.send("attach_volume", VolumeId=inv.volume, InstanceId=inv.instance, Device=inv.device)
    changes = ctx.after_action([inv.volume, inv.instance])
    state = reply.get("State", "attaching")
    line = (f"{label(volume, inv.volume)} {state} to {label(instance, inv.instance)} as "
            f"{reply.get('Device', inv.device)}")
    return Result(data=reply, lines=(line,), changes=changes)


def _detach_target(ctx: Context, inv: Invocation):
    """The volume, its attachment, and the instance it is attached to (when visible)."""
    volume = find(ctx, inv.volume, "volumes")
    att = attachment(volume)
    if not att.get("InstanceId"):
        raise Refused(f"detach-volume: {label(volume)} is not attached ({volume.state or 'no state'})")
    if inv.instance and inv.instance != att["InstanceId"]:
        raise UsageError(f"detach-volume: {volume.id} is attached to {att['InstanceId']}, not {inv.instance}")
    if inv.device and inv.device != att.get("Device"):
        raise UsageError(f"detach-volume: {volume.id} is attached as {att.get('Device')}, not {inv.device}")
    instance = ctx.inventory("instances").get(att["InstanceId"], "instances")
    return volume, att, instance


def _check_detach(ctx: Context, inv: Invocation) -> None:
    volume, att, instance = _detach_target(ctx, inv)
    device = att.get("Device", "")
    holder = label(instance, att["InstanceId"])
    root = instance is not None and is_root(instance, device, volume.id)
    if root and instance.state != "stopped" and not inv.force:
        raise Refused(f"detach-volume: {label(volume)} is the root device ({device}) of {holder}, "
                      f"which is {instance.state}: stop the instance first, or add -f to force it")
    if inv.force:
        size = volume.raw.get("Size")
        what = "the root device" if root else device
        confirm_or_refuse(ctx, "detach-volume",
                          f"Force-detach {label(volume)} ({size} GiB, {what}) from {holder}? Writes in "
                          "flight are lost and its file system may be damaged.")


@command("detach-volume", "volumes", "Detach a volume from its instance (-f forces it: data may be lost).",
         params=(
             Param("volume", kind=VOLUME_ATTACHED, required=True, convert=volume_id, metavar="VOLUME",
                   help="an attached volume"),
             Param("instance", ("-i", "--instance"), kind=INSTANCE, convert=instance_id, metavar="INSTANCE",
                   help="the instance it is attached to (checked)"),
             Param("device", ("-d", "--device"), kind=DEVICE, convert=device_name, metavar="DEVICE",
                   help="the device it is attached as (checked)"),
             Param("force", ("-f", "--force"), action="flag",
                   help="force the detach (asks first: unflushed data is lost)"),
         ),
         mutates=True, check=_check_detach, example="detach-volume vol-1a2b3c4d",
         description="Unmount the file system inside the instance first: a detach under load loses data.")
def detach_volume(ctx: Context, inv: Invocation) -> Result:
    volume, att, instance = _detach_target(ctx, inv)
    # The instance is always named: some endpoints (moto) fail a detach without it.
    params = {"VolumeId": inv.volume, "InstanceId": att["InstanceId"], "Device": inv.device,
              "Force": True if inv.force else None}
    reply = ctx.send("detach_volume", **{k: v for k, v in params.items() if v is not None})
    changes = ctx.after_action([inv.volume, att["InstanceId"]])
    line = (f"{label(volume)} {reply.get('State', 'detaching')} from {label(instance, att['InstanceId'])}"
            f" ({att.get('Device', '')}){' - forced' if inv.force else ''}")
    return Result(data=reply, lines=(line,), changes=changes)


def _check_delete(ctx: Context, inv: Invocation) -> None:
    volume = find(ctx, inv.volume, "volumes")
    att = attachment(volume)
    if att.get("InstanceId") or volume.state == "in-use":
        holder = label(ctx.inventory("instances").get(att.get("InstanceId", ""), "instances"),
                       att.get("InstanceId", "an instance"))
        raise Refused(f"delete-volume: {label(volume)} is attached to {holder}"
                      f"{' as ' + att['Device'] if att.get('Device') else ''}: detach it first")


def _confirm_delete(ctx: Context, inv: Invocation) -> str:
    volume = find(ctx, inv.volume, "volumes")
    about = ", ".join(x for x in (volume.name, f"{volume.raw.get('Size')} GiB", volume.state) if x)
    return f"Delete {volume.id} ({about})? Its data will be lost."


delete_volume = delete_command(
    "volumes", "Delete a volume that is not attached (its data is lost).",
    Param("volume", kind=VOLUME_AVAILABLE, required=True, convert=volume_id, metavar="VOLUME",
          help="an available volume"),
    operation="delete_volume", key="VolumeId", check=_check_delete, confirm=_confirm_delete,
    example="delete-volume vol-1a2b3c4d")
