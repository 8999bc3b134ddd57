"""Snapshots: create one of a volume, delete one no image is registered from."""

from __future__ import annotations

from cloudshell.cloud.errors import Refused
from cloudshell.commands.context import Context, Result
from cloudshell.commands.deleting import delete_command
from cloudshell.commands.guards import find, images_from_snapshot, label, some
from cloudshell.commands.registry import SNAPSHOT, VOLUME, Invocation, Param, command
from cloudshell.commands.values import description, snapshot_id, volume_id


def _check_create(ctx: Context, inv: Invocation) -> None:
    volume = find(ctx, inv.volume, "volumes")
    if volume.state not in ("available", "in-use"):
        raise Refused(f"create-snapshot: {label(volume)} is {volume.state or 'not ready'} "
                      "(a snapshot needs an available or in-use volume)")


@command("create-snapshot", "snapshots", "Snapshot a volume (attached or not).",
         params=(
             Param("volume", kind=VOLUME, required=True, convert=volume_id, metavar="VOLUME",
                   help="the volume to snapshot"),
             Param("description", ("-d", "--description"), convert=description, metavar="DESCRIPTION",
                   help="what the snapshot is"),
         ),
         mutates=True, check=_check_create, example='create-snapshot -d "before upgrade" vol-1a2b3c4d',
         description="An attached volume is snapshotted as it is on disk: flush or freeze "
                     "its file system first for a consistent copy.")
def create_snapshot(ctx: Context, inv: Invocation) -> Result:
    volume = find(ctx, inv.volume, "volumes")
    params = {"VolumeId": inv.volume}
    if inv.description is not None:
        params["Description"] = inv.description
    reply = ctx.send("create_snapshot", **params)
    snap = reply.get("SnapshotId", "")
    changes = ctx.after_action([snap])
    line = f"created {snap}: snapshot of {label(volume)}, {reply.get('State', 'pending')}"
    return Result(data=reply, lines=(line,), changes=changes)


def _check_delete(ctx: Context, inv: Invocation) -> None:
    snap = find(ctx, inv.snapshot, "snapshots")
    images = images_from_snapshot(ctx.inventory("images"), snap.id)
    if images:
        raise Refused(f"delete-snapshot: {label(snap)} is the source of image "
                      f"{some([label(i) for i in images])}: deregister the image first")


def _confirm_delete(ctx: Context, inv: Invocation) -> str:
    snap = find(ctx, inv.snapshot, "snapshots")
    raw = snap.raw
    about = ", ".join(x for x in (snap.name, raw.get("Description"), f"{raw.get('VolumeSize')} GiB",
                                  f"of {raw.get('VolumeId')}" if raw.get("VolumeId") else "") if x)
    return f"Delete {snap.id} ({about})? It cannot be restored afterwards."


delete_snapshot = delete_command(
    "snapshots", "Delete a snapshot no image is registered from.",
    Param("snapshot", kind=SNAPSHOT, required=True, convert=snapshot_id, metavar="SNAPSHOT",
          help="the snapshot to delete"),
    operation="delete_snapshot", key="SnapshotId", check=_check_delete, confirm=_confirm_delete,
    example="delete-snapshot snap-1a2b3c4d")
