"""The classic kinds' rows: instances, volumes, snapshots, images, addresses, groups, keypairs,
zones (and regions, described but never swept)."""

from __future__ import annotations

from cloudshell.cloud.kinds.base import (
    BAD, BUSY, GOOD, INFO, WARN, Describe, Raw, ResourceKind, col, tag, when,
)


def _instance_state(raw: Raw) -> str:
    return str((raw.get("State") or {}).get("Name") or "")


def _volume_attachment(raw: Raw) -> Raw:
    attachments = raw.get("Attachments") or ()
    return attachments[0] if attachments else {}


# Image ID prefixes that say what the image is (the lexer colours them apart too).
IMAGE_PREFIX_TYPES = {"eki-": "kernel", "aki-": "kernel", "eri-": "ramdisk", "ari-": "ramdisk"}


def _image_type(raw: Raw) -> str:
    marked = tag(raw, "cloudshell:image-type")
    if marked:
        return marked
    prefix = str(raw.get("ImageId", ""))[:4]
    if prefix in IMAGE_PREFIX_TYPES:
        return IMAGE_PREFIX_TYPES[prefix]
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


# Eucalyptus answers ``describe-availability-zones verbose`` with rows named ``|- m1.small`` after
# each zone (free / max instances, cpu, ram, disk of that type), the zone's own row then naming
# its cluster where the state was. They fold into the zone they follow.
CAPACITY = "cloudshell:capacity"
CLUSTER = "cloudshell:cluster"


def _fold_capacity(rows: list[Raw]) -> list[Raw]:
    out: list[Raw] = []
    for raw in rows:
        name = str(raw.get("ZoneName") or "")
        if name.startswith("|-") and out:
            zone = dict(out[-1])
            zone[CAPACITY] = [*zone.get(CAPACITY, ()), (name[2:].strip(), str(raw.get("State") or "").strip())]
            state = str(zone.get("State") or "")
            if " " in state.strip():   # "10.0.0.1 arn:euca:…": the cluster, not a state
                zone[CLUSTER], zone["State"] = state.strip(), ""
            out[-1] = zone
            continue
        out.append(raw)
    return out


def _capacity_rows(raw: Raw) -> list[tuple[str, str]]:
    return [(str(t), str(c)) for t, c in raw.get(CAPACITY) or ()]


def _capacity_summary(raw: Raw) -> str:
    parts = []
    for vm_type, capacity in _capacity_rows(raw):
        free, _, rest = capacity.partition("/")
        most = rest.split()[0] if rest.split() else ""
        if vm_type != "vm types" and free.strip().isdigit() and most.isdigit():
            parts.append(f"{vm_type} {int(free)}/{int(most)}")
    return ", ".join(parts)


INSTANCES = ResourceKind(
    name="instances", singular="instance", operation="describe_instances",
    result_path=("Reservations", "Instances"), id_key="InstanceId", id_prefixes=("i-",),
    id_filter="instance-id", ids_param="InstanceIds",
    state=_instance_state, zone=lambda r: str((r.get("Placement") or {}).get("AvailabilityZone") or ""),
    transitional=frozenset({"pending", "stopping", "shutting-down", "rebooting"}),
    value_kind="instance",
    describe=Describe("describe-instances", "List instances (all, or the IDs given).",
                      "describe-instances --filter instance-state-name=running",
                      options=(("--instance-ids", "InstanceIds", "instance IDs", True),)),
    state_classes={"running": GOOD, "pending": BUSY, "stopping": BUSY, "shutting-down": BUSY,
                   "rebooting": BUSY, "stopped": WARN, "terminated": BAD},
    wait_states=("pending", "running", "stopping", "stopped", "shutting-down", "terminated"),
    gone_state="terminated", dead_ends=frozenset({"terminated"}),
    view=1, label="Instances", short_label="Inst", count_label="inst", view_words=("instance", "inst"),
    actions=frozenset({"attach", "reboot", "power", "terminate", "associate", "console", "ssh"}),
    detail=("attachments", "console"),
    columns=(
        col("id", "ID", lambda r: r.get("InstanceId", ""), 19),
        col("name", "Name", lambda r: tag(r, "Name")),
        col("state", "State", _instance_state, 13),
        # Priority order: narrow terminals keep the leftmost columns (the address beats the type).
        col("zone", "Zone", lambda r: (r.get("Placement") or {}).get("AvailabilityZone", "")),
        col("public_ip", "Public IP", lambda r: r.get("PublicIpAddress") or ""),
        col("type", "Type", lambda r: r.get("InstanceType", "")),
        col("private_ip", "Private IP", lambda r: r.get("PrivateIpAddress") or ""),
        col("image", "Image", lambda r: r.get("ImageId", "")),
        col("key", "Key", lambda r: r.get("KeyName") or ""),
        col("launched", "Launched", lambda r: when(r.get("LaunchTime"))),
    ),
)

VOLUMES = ResourceKind(
    name="volumes", singular="volume", operation="describe_volumes",
    result_path=("Volumes",), id_key="VolumeId", id_prefixes=("vol-",),
    id_filter="volume-id", ids_param="VolumeIds",
    state=lambda r: str(r.get("State") or ""), zone=lambda r: str(r.get("AvailabilityZone") or ""),
    transitional=frozenset({"creating", "deleting", "attaching", "detaching"}), cached=("instance", "device"),
    value_kind="volume",
    describe=Describe("describe-volumes", "List volumes (all, or the IDs given).",
                      "describe-volumes --filter status=available",
                      options=(("--volume-ids", "VolumeIds", "volume IDs", True),)),
    state_classes={"available": GOOD, "in-use": INFO, "creating": BUSY, "deleting": BUSY,
                   "attaching": BUSY, "detaching": BUSY, "deleted": BAD, "error": BAD},
    wait_states=("creating", "available", "in-use", "deleting", "deleted", "error"),
    gone_state="deleted", dead_ends=frozenset({"deleted", "error"}), leaving=frozenset({"deleting", "deleted"}),
    meta=lambda rec: ((f"{rec['size']} GiB",) if rec["size"] else (),
                      (f"→ {rec['instance']}",) if rec["instance"] else ()),
    view=2, label="Volumes", short_label="Vol", count_label="vol", view_words=("volume", "vol"),
    actions=frozenset({"attach", "detach", "snapshot", "create_volume"}), delete_command="delete-volume",
    detail=("attachments",),
    columns=(
        col("id", "ID", lambda r: r.get("VolumeId", ""), 21),
        col("name", "Name", lambda r: tag(r, "Name")),
        col("state", "State", lambda r: r.get("State", "")),
        col("size", "GiB", lambda r: str(r.get("Size", ""))),
        col("zone", "Zone", lambda r: r.get("AvailabilityZone", "")),
        col("instance", "Attached to", lambda r: _volume_attachment(r).get("InstanceId", "")),
        col("device", "Device", lambda r: _volume_attachment(r).get("Device", "")),
        col("snapshot", "Snapshot", lambda r: r.get("SnapshotId") or ""),
        col("created", "Created", lambda r: when(r.get("CreateTime"))),
    ),
)

SNAPSHOTS = ResourceKind(
    name="snapshots", singular="snapshot", operation="describe_snapshots",
    result_path=("Snapshots",), id_key="SnapshotId", id_prefixes=("snap-",),
    id_filter="snapshot-id", ids_param="SnapshotIds",
    state=lambda r: str(r.get("State") or ""), transitional=frozenset({"pending"}),
    scopes=({"OwnerIds": ["self"]}, {"RestorableByUserIds": ["self"]}), sweep_every=3,
    value_kind="snapshot",
    describe=Describe("describe-snapshots", "List snapshots (your own unless -a or -o).", "describe-snapshots -o self",
                      options=(("--snapshot-ids", "SnapshotIds", "snapshot IDs", True),)),
    state_classes={"completed": GOOD, "pending": BUSY, "error": BAD, "deleted": BAD},
    wait_states=("pending", "completed", "error", "deleted"),
    gone_state="deleted", dead_ends=frozenset({"deleted", "error"}), leaving=frozenset({"deleting", "deleted"}),
    view=3, label="Snapshots", short_label="Snap", count_label="snap", view_words=("snapshot",),
    delete_command="delete-snapshot",
    columns=(
        col("id", "ID", lambda r: r.get("SnapshotId", ""), 22),
        col("name", "Name", lambda r: tag(r, "Name")),
        col("state", "State", lambda r: r.get("State", "")),
        col("progress", "Progress", lambda r: r.get("Progress") or ""),
        col("volume", "Volume", lambda r: r.get("VolumeId") or ""),
        col("size", "GiB", lambda r: str(r.get("VolumeSize", ""))),
        col("description", "Description", lambda r: r.get("Description") or ""),
        col("started", "Started", lambda r: when(r.get("StartTime"))),
    ),
)

IMAGES = ResourceKind(
    name="images", singular="image", operation="describe_images",
    result_path=("Images",), id_key="ImageId",
    id_prefixes=("emi-", "ami-", "eki-", "aki-", "eri-", "ari-"),
    id_filter="image-id", ids_param="ImageIds",
    state=lambda r: str(r.get("State") or ""), transitional=frozenset({"pending"}),
    name_of=lambda r: tag(r, "Name") or str(r.get("Name") or ""),
    scopes=({"Owners": ["self"]}, {"ExecutableUsers": ["self"]}), sweep_every=12, cached=("type",),
    value_kind="image",
    describe=Describe("describe-images", "List images: machine images, kernels and ramdisks.",
                      "describe-images --filter image-type=kernel",
                      what="image IDs (emi-/ami-, eki-/aki-, eri-/ari-)",
                      options=(("--image-ids", "ImageIds", "image IDs", True),)),
    state_classes={"available": GOOD, "pending": BUSY, "failed": BAD},
    wait_states=("pending", "available", "failed", "deregistered"),
    gone_state="deregistered", dead_ends=frozenset({"failed", "deregistered"}),
    leaving=frozenset({"deregistered"}), facet_field="type",
    view=4, label="Images", short_label="Img", count_label="img", view_words=("image",),
    delete_command="deregister",
    columns=(
        col("id", "ID", lambda r: r.get("ImageId", ""), 21),
        col("name", "Name", lambda r: r.get("Name") or tag(r, "Name")),
        col("type", "Type", _image_type),
        col("state", "State", lambda r: r.get("State", "")),
        col("arch", "Arch", lambda r: r.get("Architecture") or ""),
        # moto drops KernelId/RamdiskId; the demo keeps the links in tags.
        col("kernel", "Kernel", lambda r: r.get("KernelId") or tag(r, "cloudshell:kernel-id")),
        col("ramdisk", "Ramdisk", lambda r: r.get("RamdiskId") or tag(r, "cloudshell:ramdisk-id")),
        col("location", "Location", lambda r: r.get("ImageLocation") or ""),
        col("public", "Public", lambda r: "yes" if r.get("Public") else "no"),
    ),
)

ADDRESSES = ResourceKind(
    name="addresses", singular="address", operation="describe_addresses",
    result_path=("Addresses",), id_key="PublicIp", id_prefixes=(),
    id_filter="public-ip", ids_param="PublicIps",
    state=_address_state, name_of=lambda r: tag(r, "Name"), sweep_every=3, cached=("instance",),
    plural="addresses", value_kind="address",
    describe=Describe("describe-addresses", "List elastic IP addresses.", "describe-addresses",
                      what="public IPs or allocation IDs (eipalloc-…)", checked=False,
                      options=(("--allocation-ids", "AllocationIds", "allocation IDs", False),
                               ("--public-ips", "PublicIps", "public IP addresses", False)),
                      split=("eipalloc-", "AllocationIds", "PublicIps"), paginated=False),
    state_classes={"associated": INFO, "free": GOOD},
    meta=lambda rec: ((), (f"→ {rec['instance']}",) if rec["instance"] else ()),
    view=5, label="Addresses", short_label="Addr", count_label="addr", view_words=("address",),
    delete_command="release-address",
    columns=(
        col("id", "Address", lambda r: r.get("PublicIp", ""), 15),
        col("state", "State", _address_state),
        col("instance", "Instance", lambda r: r.get("InstanceId") or ""),
        col("private_ip", "Private IP", lambda r: r.get("PrivateIpAddress") or ""),
        col("allocation", "Allocation", lambda r: r.get("AllocationId") or ""),
        col("domain", "Domain", lambda r: r.get("Domain") or ""),
    ),
)

GROUPS = ResourceKind(
    name="groups", singular="security group", operation="describe_security_groups",
    result_path=("SecurityGroups",), id_key="GroupId", id_prefixes=("sg-",),
    id_filter="group-id", ids_param="GroupIds",
    name_of=lambda r: str(r.get("GroupName") or ""), sweep_every=12,
    value_kind="group", group="security groups", by_name=True,   # euca2ools takes group names
    describe=Describe("describe-groups", "List security groups and their rules.", "describe-groups mygroup",
                      aliases=("describe-security-groups",), positional="names",
                      what="group names or IDs (sg-…)", checked=False,
                      options=(("--group-ids", "GroupIds", "group IDs (sg-…)", True),
                               ("--group-names", "GroupNames", "group names", False)),
                      split=("sg-", "GroupIds", "GroupNames")),
    meta=lambda rec: ((), (rec["description"],) if rec["description"] else ()),
    view=6, label="Groups", short_label="Grp", count_label="grp", view_words=("group", "security-groups"),
    delete_command="delete-group",
    columns=(
        col("id", "ID", lambda r: r.get("GroupId", ""), 20),
        col("name", "Name", lambda r: r.get("GroupName", "")),
        col("description", "Description", lambda r: r.get("Description") or ""),
        col("rules", "Inbound rules", _rules),
        col("owner", "Owner", lambda r: r.get("OwnerId") or ""),
    ),
)

KEYPAIRS = ResourceKind(
    name="keypairs", singular="keypair", operation="describe_key_pairs",
    result_path=("KeyPairs",), id_key="KeyName", id_prefixes=(),
    id_filter="key-name", ids_param="KeyNames",
    name_of=lambda r: str(r.get("KeyName") or ""), sweep_every=12,
    value_kind="keypair",
    describe=Describe("describe-keypairs", "List keypairs.", "describe-keypairs", aliases=("describe-key-pairs",),
                      positional="names", what="keypair names", checked=False,
                      options=(("--key-names", "KeyNames", "keypair names", False),), paginated=False),
    view=7, label="Keys", short_label="Key", count_label="key", view_words=("keypair", "keys"),
    delete_command="delete-keypair",
    columns=(
        col("id", "Name", lambda r: r.get("KeyName", "")),
        col("fingerprint", "Fingerprint", lambda r: r.get("KeyFingerprint") or ""),
        col("key_id", "Key ID", lambda r: r.get("KeyPairId") or ""),
    ),
)

ZONES = ResourceKind(
    name="zones", singular="availability zone", operation="describe_availability_zones",
    result_path=("AvailabilityZones",), id_key="ZoneName", id_prefixes=(),
    id_filter="zone-name", ids_param="ZoneNames",
    state=lambda r: str(r.get("State") or ""), zone=lambda r: str(r.get("ZoneName") or ""),
    name_of=lambda r: str(r.get("ZoneName") or ""), sweep_every=12,
    rich_request={"ZoneNames": ["verbose"]}, fold=_fold_capacity,
    plural="availability zones", value_kind="zone",
    describe=Describe("describe-availability-zones", "List availability zones (verbose: with details).",
                      "describe-availability-zones verbose", aliases=("describe-zones",), positional="names",
                      what="zone names, or 'verbose'", checked=False,
                      options=(("--zone-names", "ZoneNames", "zone names", False),), paginated=False),
    state_classes={"available": GOOD, "information": INFO, "impaired": WARN, "unavailable": BAD},
    view=8, label="Zones", short_label="Zone", view_words=("zone",),
    sections=(("Capacity", _capacity_rows),),
    columns=(
        col("id", "Zone", lambda r: r.get("ZoneName", "")),
        col("state", "State", lambda r: r.get("State", "")),
        col("region", "Region", lambda r: r.get("RegionName") or ""),
        col("zone_id", "Zone ID", lambda r: r.get("ZoneId") or ""),
        col("capacity", "Free / max", _capacity_summary),
        col("cluster", "Cluster", lambda r: r.get(CLUSTER) or ""),
    ),
)

REGIONS = ResourceKind(   # described, never swept: not in KINDS
    name="regions", singular="region", operation="describe_regions", result_path=("Regions",),
    id_key="RegionName", id_prefixes=(), id_filter="region-name", ids_param="RegionNames", group="zones",
    describe=Describe("describe-regions", "List regions and their endpoints.", "describe-regions",
                      positional="names", metavar="REGION", what="region names", checked=False,
                      options=(("--region-names", "RegionNames", "region names", False),), paginated=False),
    columns=(col("id", "Region", lambda r: r.get("RegionName", "")),
             col("endpoint", "Endpoint", lambda r: r.get("Endpoint", ""))),
)


image_type = _image_type
