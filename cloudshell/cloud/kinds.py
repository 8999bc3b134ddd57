"""Resource kinds described as data: how to list them, how to name them, how to show them.

One table of kinds serves the inventory (fetch, by-id refresh), the describe
commands (request shape, JSON result), the completer (ID prefixes) and every
face's tables (columns). Adding a kind is adding a row, not a loop.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Raw = Mapping[str, Any]


def tag(raw: Raw, key: str) -> str:
    for t in raw.get("Tags") or ():
        if t.get("Key") == key:
            return str(t.get("Value") or "")
    return ""


def when(value: Any) -> str:
    """Dates as the short local form tables use; strings pass through."""
    if value is None or value == "":
        return ""
    if hasattr(value, "strftime"):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    return str(value)[:16].replace("T", " ")


def _instance_state(raw: Raw) -> str:
    return str((raw.get("State") or {}).get("Name") or "")


def _volume_attachment(raw: Raw) -> Raw:
    attachments = raw.get("Attachments") or ()
    return attachments[0] if attachments else {}


def _image_type(raw: Raw) -> str:
    marked = tag(raw, "cloudshell:image-type")
    if marked:
        return marked
    prefix = str(raw.get("ImageId", ""))[:4]
    if prefix in ("eki-", "aki-"):
        return "kernel"
    if prefix in ("eri-", "ari-"):
        return "ramdisk"
    return str(raw.get("ImageType") or "machine")


def _address_state(raw: Raw) -> str:
    return "associated" if raw.get("InstanceId") or raw.get("AssociationId") else "free"


def _rules(raw: Raw) -> str:
    parts = []
    for perm in raw.get("IpPermissions") or ():
        proto = perm.get("IpProtocol", "")
        proto = "all" if proto == "-1" else proto
        lo, hi = perm.get("FromPort"), perm.get("ToPort")
        ports = "" if lo is None else (f"{lo}" if lo == hi else f"{lo}-{hi}")
        sources = [r.get("CidrIp", "") for r in perm.get("IpRanges") or ()]
        sources += [g.get("GroupName") or g.get("GroupId", "") for g in perm.get("UserIdGroupPairs") or ()]
        parts.append(f"{proto}/{ports}" + (f" from {','.join(sources)}" if sources else "") if ports
                     else proto + (f" from {','.join(sources)}" if sources else ""))
    return "; ".join(parts)


@dataclass(frozen=True)
class Column:
    """One column of a kind's table: a header, a key, and how to read it from the raw record."""

    key: str
    header: str
    get: Callable[[Raw], Any]
    width: int | None = None  # hint for narrow terminals; None = flexible


@dataclass(frozen=True)
class ResourceKind:
    """How one kind of resource is listed, identified and shown."""

    name: str                    # "instances"
    singular: str                # "instance"
    operation: str               # "describe_instances"
    result_path: tuple[str, ...]  # ("Reservations", "Instances"): a list under a list
    id_key: str                  # "InstanceId"
    id_prefixes: tuple[str, ...]  # ("i-",); () where IDs are names or addresses
    id_filter: str               # filter name that selects by ID without failing on gone IDs
    ids_param: str | None        # request parameter that takes explicit IDs
    columns: tuple[Column, ...]
    state: Callable[[Raw], str] = lambda raw: ""
    zone: Callable[[Raw], str] = lambda raw: ""
    name_of: Callable[[Raw], str] = lambda raw: tag(raw, "Name")
    transitional: frozenset[str] = frozenset()
    request: Mapping[str, Any] = field(default_factory=dict)       # always sent
    aws_request: Mapping[str, Any] = field(default_factory=dict)   # sent to AWS only (scope to own)
    sweep_every: int = 1         # swept on every Nth full sweep (1: the live tables)

    def records_of(self, response: Raw) -> list[Raw]:
        """The flat list of raw records in one response page."""
        items: list[Any] = [response]
        for key in self.result_path:
            nxt: list[Any] = []
            for item in items:
                value = item.get(key) or []
                nxt.extend(value if isinstance(value, list) else [value])
            items = nxt
        return items

    def owns(self, resource_id: str) -> bool:
        return bool(self.id_prefixes) and resource_id.startswith(self.id_prefixes)


def _col(key: str, header: str, get: Callable[[Raw], Any], width: int | None = None) -> Column:
    return Column(key, header, get, width)


INSTANCES = ResourceKind(
    name="instances", singular="instance", operation="describe_instances",
    result_path=("Reservations", "Instances"), id_key="InstanceId", id_prefixes=("i-",),
    id_filter="instance-id", ids_param="InstanceIds",
    state=_instance_state, zone=lambda r: str((r.get("Placement") or {}).get("AvailabilityZone") or ""),
    transitional=frozenset({"pending", "stopping", "shutting-down", "rebooting"}),
    columns=(
        _col("id", "ID", lambda r: r.get("InstanceId", ""), 19),
        _col("name", "Name", lambda r: tag(r, "Name")),
        _col("state", "State", _instance_state, 13),
        # Priority order: narrow terminals keep the leftmost columns (the address beats the type).
        _col("zone", "Zone", lambda r: (r.get("Placement") or {}).get("AvailabilityZone", "")),
        _col("public_ip", "Public IP", lambda r: r.get("PublicIpAddress") or ""),
        _col("type", "Type", lambda r: r.get("InstanceType", "")),
        _col("private_ip", "Private IP", lambda r: r.get("PrivateIpAddress") or ""),
        _col("image", "Image", lambda r: r.get("ImageId", "")),
        _col("key", "Key", lambda r: r.get("KeyName") or ""),
        _col("launched", "Launched", lambda r: when(r.get("LaunchTime"))),
    ),
)

VOLUMES = ResourceKind(
    name="volumes", singular="volume", operation="describe_volumes",
    result_path=("Volumes",), id_key="VolumeId", id_prefixes=("vol-",),
    id_filter="volume-id", ids_param="VolumeIds",
    state=lambda r: str(r.get("State") or ""), zone=lambda r: str(r.get("AvailabilityZone") or ""),
    transitional=frozenset({"creating", "deleting", "attaching", "detaching"}),
    columns=(
        _col("id", "ID", lambda r: r.get("VolumeId", ""), 21),
        _col("name", "Name", lambda r: tag(r, "Name")),
        _col("state", "State", lambda r: r.get("State", "")),
        _col("size", "GiB", lambda r: str(r.get("Size", ""))),
        _col("zone", "Zone", lambda r: r.get("AvailabilityZone", "")),
        _col("instance", "Attached to", lambda r: _volume_attachment(r).get("InstanceId", "")),
        _col("device", "Device", lambda r: _volume_attachment(r).get("Device", "")),
        _col("snapshot", "Snapshot", lambda r: r.get("SnapshotId") or ""),
        _col("created", "Created", lambda r: when(r.get("CreateTime"))),
    ),
)

SNAPSHOTS = ResourceKind(
    name="snapshots", singular="snapshot", operation="describe_snapshots",
    result_path=("Snapshots",), id_key="SnapshotId", id_prefixes=("snap-",),
    id_filter="snapshot-id", ids_param="SnapshotIds",
    state=lambda r: str(r.get("State") or ""), transitional=frozenset({"pending"}),
    request={"OwnerIds": ["self"]}, sweep_every=3,
    columns=(
        _col("id", "ID", lambda r: r.get("SnapshotId", ""), 22),
        _col("name", "Name", lambda r: tag(r, "Name")),
        _col("state", "State", lambda r: r.get("State", "")),
        _col("progress", "Progress", lambda r: r.get("Progress") or ""),
        _col("volume", "Volume", lambda r: r.get("VolumeId") or ""),
        _col("size", "GiB", lambda r: str(r.get("VolumeSize", ""))),
        _col("description", "Description", lambda r: r.get("Description") or ""),
        _col("started", "Started", lambda r: when(r.get("StartTime"))),
    ),
)

IMAGES = ResourceKind(
    name="images", singular="image", operation="describe_images",
    result_path=("Images",), id_key="ImageId",
    id_prefixes=("emi-", "ami-", "eki-", "aki-", "eri-", "ari-"),
    id_filter="image-id", ids_param="ImageIds",
    state=lambda r: str(r.get("State") or ""), transitional=frozenset({"pending"}),
    name_of=lambda r: tag(r, "Name") or str(r.get("Name") or ""),
    aws_request={"Owners": ["self"]}, sweep_every=12,
    columns=(
        _col("id", "ID", lambda r: r.get("ImageId", ""), 21),
        _col("name", "Name", lambda r: r.get("Name") or tag(r, "Name")),
        _col("type", "Type", _image_type),
        _col("state", "State", lambda r: r.get("State", "")),
        _col("arch", "Arch", lambda r: r.get("Architecture") or ""),
        # moto drops KernelId/RamdiskId; the demo keeps the links in tags.
        _col("kernel", "Kernel", lambda r: r.get("KernelId") or tag(r, "cloudshell:kernel-id")),
        _col("ramdisk", "Ramdisk", lambda r: r.get("RamdiskId") or tag(r, "cloudshell:ramdisk-id")),
        _col("location", "Location", lambda r: r.get("ImageLocation") or ""),
        _col("public", "Public", lambda r: "yes" if r.get("Public") else "no"),
    ),
)

ADDRESSES = ResourceKind(
    name="addresses", singular="address", operation="describe_addresses",
    result_path=("Addresses",), id_key="PublicIp", id_prefixes=(),
    id_filter="public-ip", ids_param="PublicIps",
    state=_address_state, name_of=lambda r: tag(r, "Name"), sweep_every=3,
    columns=(
        _col("id", "Address", lambda r: r.get("PublicIp", ""), 15),
        _col("state", "State", _address_state),
        _col("instance", "Instance", lambda r: r.get("InstanceId") or ""),
        _col("private_ip", "Private IP", lambda r: r.get("PrivateIpAddress") or ""),
        _col("allocation", "Allocation", lambda r: r.get("AllocationId") or ""),
        _col("domain", "Domain", lambda r: r.get("Domain") or ""),
    ),
)

GROUPS = ResourceKind(
    name="groups", singular="security group", operation="describe_security_groups",
    result_path=("SecurityGroups",), id_key="GroupId", id_prefixes=("sg-",),
    id_filter="group-id", ids_param="GroupIds",
    name_of=lambda r: str(r.get("GroupName") or ""), sweep_every=12,
    columns=(
        _col("id", "ID", lambda r: r.get("GroupId", ""), 20),
        _col("name", "Name", lambda r: r.get("GroupName", "")),
        _col("description", "Description", lambda r: r.get("Description") or ""),
        _col("rules", "Inbound rules", _rules),
        _col("owner", "Owner", lambda r: r.get("OwnerId") or ""),
    ),
)

KEYPAIRS = ResourceKind(
    name="keypairs", singular="keypair", operation="describe_key_pairs",
    result_path=("KeyPairs",), id_key="KeyName", id_prefixes=(),
    id_filter="key-name", ids_param="KeyNames",
    name_of=lambda r: str(r.get("KeyName") or ""), sweep_every=12,
    columns=(
        _col("id", "Name", lambda r: r.get("KeyName", "")),
        _col("fingerprint", "Fingerprint", lambda r: r.get("KeyFingerprint") or ""),
        _col("key_id", "Key ID", lambda r: r.get("KeyPairId") or ""),
    ),
)

ZONES = ResourceKind(
    name="zones", singular="availability zone", operation="describe_availability_zones",
    result_path=("AvailabilityZones",), id_key="ZoneName", id_prefixes=(),
    id_filter="zone-name", ids_param="ZoneNames",
    state=lambda r: str(r.get("State") or ""), zone=lambda r: str(r.get("ZoneName") or ""),
    name_of=lambda r: str(r.get("ZoneName") or ""), sweep_every=12,
    columns=(
        _col("id", "Zone", lambda r: r.get("ZoneName", "")),
        _col("state", "State", lambda r: r.get("State", "")),
        _col("region", "Region", lambda r: r.get("RegionName") or ""),
        _col("zone_id", "Zone ID", lambda r: r.get("ZoneId") or ""),
    ),
)

KINDS: dict[str, ResourceKind] = {k.name: k for k in (
    INSTANCES, VOLUMES, SNAPSHOTS, IMAGES, ADDRESSES, GROUPS, KEYPAIRS, ZONES)}


def kind_of_id(resource_id: str) -> ResourceKind | None:
    """The kind an ID belongs to by its prefix (``vol-…`` → volumes); None for names and IPs."""
    for kind in KINDS.values():
        if kind.owns(resource_id):
            return kind
    return None


# EC2's name for each kind in tags (describe-tags' ResourceType, euca2ools' TAG lines).
TAG_RESOURCE_TYPES = {"instances": "instance", "volumes": "volume", "snapshots": "snapshot", "images": "image",
                      "groups": "security-group", "keypairs": "key-pair"}


def ec2_resource_type(resource_id: str) -> str:
    """``instance`` for ``i-…``, ``image`` for ``emi-…``; empty for an ID of no kind known here."""
    kind = kind_of_id(resource_id)
    return TAG_RESOURCE_TYPES.get(kind.name, "") if kind else ""


image_type = _image_type
