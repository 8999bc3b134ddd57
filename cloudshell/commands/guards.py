"""Safety checks from the live inventory, run before anything is sent.

EC2 itself refuses most of these; moto and some private clouds do not, and the
user's data must not depend on which endpoint they talk to. Every refusal
names the resource in the way. Pure reading: nothing here calls a mutating API.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cloudshell.cloud.errors import Refused, UsageError
from cloudshell.cloud.inventory import Inventory, Record
from cloudshell.cloud.kinds import KINDS
from cloudshell.commands.targets import label, require
from cloudshell.commands.values import device_slot

GONE_STATES = frozenset({"terminated", "shutting-down"})


def find(ctx: Any, resource_id: str, kind: str) -> Record:
    """The record of an ID the user gave (re-read by ID if the live snapshot predates it)."""
    return require(ctx, [resource_id], kind)[resource_id]


def some(labels: list[str], limit: int = 3) -> str:
    """A short list for a one-line message: the first few and how many more."""
    shown = ", ".join(labels[:limit])
    return shown + (f" and {len(labels) - limit} more" if len(labels) > limit else "")


def confirm_or_refuse(ctx: Any, command: str, question: str) -> None:
    """Ask like the pipeline does for destructive commands (for options that destroy: -f)."""
    if ctx.dry_run or ctx.assume_yes:
        return
    if not ctx.confirm(question):
        raise Refused(f"{command}: not confirmed, nothing was sent"
                      + ("" if ctx.interactive else " (add --yes to confirm in scripts)"))


# -- volumes and instances ----------------------------------------------------------------

def attachment(volume: Record) -> Mapping[str, Any]:
    """The volume's (first) attachment: InstanceId, Device, State; {} when free."""
    found = volume.raw.get("Attachments") or ()
    return found[0] if found else {}


def root_device(instance: Record) -> str:
    return str(instance.raw.get("RootDeviceName") or "")


def is_root(instance: Record, device: str, volume_id: str = "") -> bool:
    """Whether ``device`` (or the volume) is the instance's root device."""
    root = root_device(instance)
    if root and device and device_slot(device) == device_slot(root):
        return True
    if volume_id:
        for mapping in instance.raw.get("BlockDeviceMappings") or ():
            if (mapping.get("Ebs") or {}).get("VolumeId") == volume_id:
                return bool(root) and mapping.get("DeviceName") == root
    return False


def devices_in_use(inventory: Inventory, instance: Record) -> dict[str, str]:
    """Device name → volume ID on the instance, from its own mappings and from the volumes."""
    used: dict[str, str] = {}
    for mapping in instance.raw.get("BlockDeviceMappings") or ():
        name = mapping.get("DeviceName")
        if name:
            used[name] = (mapping.get("Ebs") or {}).get("VolumeId") or ""
    for vol in inventory.of("volumes").values():
        att = attachment(vol)
        if att.get("InstanceId") == instance.id and att.get("Device"):
            used[att["Device"]] = vol.id
    root = root_device(instance)
    if root and root not in used:
        used[root] = ""
    return used


def check_device_free(inventory: Inventory, instance: Record, device: str) -> None:
    """Refuse a device name the instance already uses (same disk, any spelling)."""
    slot = device_slot(device)
    for name, vol_id in sorted(devices_in_use(inventory, instance).items()):
        if name == device or device_slot(name) == slot:
            holder = label(inventory.get(vol_id, "volumes"), vol_id) if vol_id else "its root device"
            same = "" if name == device else f" as {name}"
            raise Refused(f"attach-volume: {device} is taken on {label(instance)}: {holder} is attached there{same} "
                          "(pick another device name)")


def check_attachable(inventory: Inventory, volume: Record, instance: Record, device: str) -> None:
    """Every reason attach-volume would hurt or fail, named."""
    if volume.state != "available":
        att = attachment(volume)
        if att.get("InstanceId"):
            holder = label(inventory.get(att["InstanceId"], "instances"), att["InstanceId"])
            raise Refused(f"attach-volume: {label(volume)} is {volume.state}: attached to {holder}"
                          f"{' as ' + att['Device'] if att.get('Device') else ''} (detach it first)")
        raise Refused(f"attach-volume: {label(volume)} is {volume.state or 'not ready'}, not available (wait for it)")
    if instance.state in GONE_STATES:
        raise Refused(f"attach-volume: {label(instance)} is {instance.state}: nothing can be attached to it")
    if volume.zone and instance.zone and volume.zone != instance.zone:
        raise Refused(f"attach-volume: {label(volume)} is in zone {volume.zone} but {label(instance)} is in "
                      f"{instance.zone}: a volume attaches only within its zone "
                      "(snapshot it and create a volume in the other zone)")
    check_device_free(inventory, instance, device)


# -- snapshots, images, groups ----------------------------------------------------------

def images_from_snapshot(inventory: Inventory, snapshot_id: str) -> list[Record]:
    """Images whose block device mappings start from this snapshot."""
    found = []
    for image in inventory.of("images").values():
        for mapping in image.raw.get("BlockDeviceMappings") or ():
            if (mapping.get("Ebs") or {}).get("SnapshotId") == snapshot_id:
                found.append(image)
                break
    return sorted(found, key=lambda r: r.id)


def _groups_matching(groups: Iterable[Record], ref: str) -> list[Record]:
    return [g for g in groups if (g.id if ref.startswith("sg-") else g.name) == ref]


def find_group(ctx: Any, ref: str) -> Record:
    """A security group by ID or by name; one line when missing or ambiguous."""
    groups = ctx.inventory("groups").of("groups")
    named = _groups_matching(groups.values(), ref)
    if not named:
        # The live snapshot may predate a group made a moment ago: ask once by ID or name.
        field = "group-id" if ref.startswith("sg-") else "group-name"
        kind = KINDS["groups"]
        named = [Record.from_raw(kind, raw) for page in ctx.session.pages(
                 kind.operation, Filters=[{"Name": field, "Values": [ref]}]) for raw in kind.records_of(page)]
        named = _groups_matching(named, ref)
    if not named and ref.startswith("sg-"):
        raise UsageError(f"no security group {ref} here (check the ID with describe-groups)")
    if not named:
        names = sorted({g.name for g in groups.values()})
        raise UsageError(f"no security group named {ref!r} here (groups: {some(names, 6) or 'none'})")
    if len(named) > 1:
        raise UsageError(f"several groups are named {ref!r} ({some([g.id for g in named], 6)}): "
                         "give the sg- ID")
    return named[0]


def instances_in_group(inventory: Inventory, group_id: str) -> list[Record]:
    """Instances (not terminated) that belong to the group."""
    found = []
    for inst in inventory.of("instances").values():
        if inst.state in ("terminated",):
            continue
        groups = inst.raw.get("SecurityGroups") or inst.raw.get("Groups") or ()
        if any(g.get("GroupId") == group_id for g in groups):
            found.append(inst)
    return sorted(found, key=lambda r: (r.name or "~", r.id))


def groups_referencing(inventory: Inventory, group: Record) -> list[Record]:
    """Other groups whose rules name this group as a source or destination."""
    found = []
    for other in inventory.of("groups").values():
        if other.id == group.id:
            continue
        perms: Iterable[Mapping[str, Any]] = [*(other.raw.get("IpPermissions") or ()),
                                              *(other.raw.get("IpPermissionsEgress") or ())]
        for perm in perms:
            if any(pair.get("GroupId") == group.id for pair in perm.get("UserIdGroupPairs") or ()):
                found.append(other)
                break
    return sorted(found, key=lambda r: r.id)
