"""Resource kinds described as data: how to list them, how to name them, how to show them.

One table of kinds serves the inventory (fetch, by-id refresh), the describe
commands (request shape, options, JSON result), the completer (ID prefixes,
facets, meta), the wait command (states), and every face's tables (columns,
view keys and labels, state colours, delete command, detail sections).
Adding a kind is adding a row, plus a hook where it is really special.

Nothing here imports a face: colours are named by class (``good``, ``busy``…),
and each face maps a class to its own style.
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


@dataclass(frozen=True)
class Column:
    """One column of a kind's table: a header, a key, and how to read it from the raw record."""

    key: str
    header: str
    get: Callable[[Raw], Any]
    width: int | None = None  # hint for narrow terminals; None = flexible


# State colour classes: what each face maps to its own style (table CSS, rich, the REPL).
GOOD, INFO, BUSY, WARN, BAD = "good", "info", "busy", "warn", "bad"
STATE_CLASS_NAMES = (GOOD, INFO, BUSY, WARN, BAD)

Section = Callable[[Raw], "list[tuple[str, str]]"]


@dataclass(frozen=True)
class Describe:
    """The describe command of a kind, as data; ``commands/describe.py`` builds it from this.

    ``options`` are awscli's plural ID options: (flag, request key, help, checked), where
    ``checked`` validates each value as one of the kind's IDs. ``split`` sends the positional
    values that start with a prefix under one key and the rest under another (``sg-…`` IDs
    versus group names). A kind whose command takes more (owners, ``verbose``…) has a hook
    in ``commands/describe.py`` under its name.
    """

    command: str                           # "describe-instances"
    summary: str
    example: str
    aliases: tuple[str, ...] = ()
    positional: str = "ids"                # dest of the IDs given as arguments
    metavar: str = ""                      # "" = the value kind in capitals
    what: str = ""                         # help of the arguments ("" = "<singular> IDs")
    checked: bool = True                   # arguments validated as the kind's IDs
    options: tuple[tuple[str, str, str, bool], ...] = ()
    split: tuple[str, str, str] | None = None   # (prefix, key of the prefixed, key of the rest)
    paginated: bool = True


def _no_meta(rec: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (), ()


@dataclass(frozen=True)
class ResourceKind:
    """How one kind of resource is listed, identified, named, coloured and shown."""

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
    # Sent first off AWS when sweeping (Eucalyptus' ``verbose``); the plain request again when
    # its answer is refused or holds no record.
    rich_request: Mapping[str, Any] = field(default_factory=dict)
    # Turns one answer's records into the kind's records (fold rows that belong to another).
    fold: Callable[[list[Raw]], list[Raw]] | None = None
    sweep_every: int = 1         # swept on every Nth full sweep (1: the live tables)
    # -- names, in every face
    plural: str = ""             # "" = singular + "s"
    value_kind: str = ""         # the parameter kind naming one ("instance"); "" = none
    group: str = ""              # the help group of its commands ("" = the kind's name)
    describe: Describe | None = None
    # -- states: each with its colour class; what `wait` takes; where one ends
    state_classes: Mapping[str, str] = field(default_factory=dict)
    wait_states: tuple[str, ...] = ()
    gone_state: str = ""         # the state of one its describe call no longer lists
    dead_ends: frozenset[str] = frozenset()
    leaving: frozenset[str] = frozenset()   # states of one being deleted (its delete is done)
    # -- completion
    by_name: bool = False        # completed by name, not by ID
    facet_field: str = ""        # narrowing (``image:kernel``) reads this field, not the state
    meta: Callable[[Any], tuple[tuple[str, ...], tuple[str, ...]]] = _no_meta  # (after the name, at the end)
    # -- the monitor
    view: int = 0                # its number key (0: no view)
    label: str = ""              # the tab's label ("Instances")
    short_label: str = ""        # the tab's label when the line is narrow ("Inst")
    count_label: str = ""        # status lines' count ("inst"); "" = not counted
    view_words: tuple[str, ...] = ()   # other words the command bar takes for its view
    actions: frozenset[str] = frozenset()   # the monitor's action keys in its view
    delete_command: str = ""     # the command deleting one of its rows ("" = none)
    detail: tuple[str, ...] = ()  # sections the detail screen draws itself: "attachments", "console"
    sections: tuple[tuple[str, Section], ...] = ()   # more detail sections, (title, rows from raw)

    def records_of(self, response: Raw) -> list[Raw]:
        """The flat list of raw records in one response page."""
        items: list[Any] = [response]
        for key in self.result_path:
            nxt: list[Any] = []
            for item in items:
                value = item.get(key) or []
                nxt.extend(value if isinstance(value, list) else [value])
            items = nxt
        return self.fold(items) if self.fold is not None else items

    def owns(self, resource_id: str) -> bool:
        return bool(self.id_prefixes) and resource_id.startswith(self.id_prefixes)

    @property
    def plural_name(self) -> str:
        return self.plural or self.singular + "s"

    @property
    def help_group(self) -> str:
        return self.group or self.name


def _col(key: str, header: str, get: Callable[[Raw], Any], width: int | None = None) -> Column:
    return Column(key, header, get, width)


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
    value_kind="snapshot",
    describe=Describe("describe-snapshots", "List snapshots (your own unless -a or -o).", "describe-snapshots -o self",
                      options=(("--snapshot-ids", "SnapshotIds", "snapshot IDs", True),)),
    state_classes={"completed": GOOD, "pending": BUSY, "error": BAD, "deleted": BAD},
    wait_states=("pending", "completed", "error", "deleted"),
    gone_state="deleted", dead_ends=frozenset({"deleted", "error"}), leaving=frozenset({"deleting", "deleted"}),
    view=3, label="Snapshots", short_label="Snap", count_label="snap", view_words=("snapshot",),
    delete_command="delete-snapshot",
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
    value_kind="keypair",
    describe=Describe("describe-keypairs", "List keypairs.", "describe-keypairs", aliases=("describe-key-pairs",),
                      positional="names", what="keypair names", checked=False,
                      options=(("--key-names", "KeyNames", "keypair names", False),), paginated=False),
    view=7, label="Keys", short_label="Key", count_label="key", view_words=("keypair", "keys"),
    delete_command="delete-keypair",
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
        _col("id", "Zone", lambda r: r.get("ZoneName", "")),
        _col("state", "State", lambda r: r.get("State", "")),
        _col("region", "Region", lambda r: r.get("RegionName") or ""),
        _col("zone_id", "Zone ID", lambda r: r.get("ZoneId") or ""),
        _col("capacity", "Free / max", _capacity_summary),
        _col("cluster", "Cluster", lambda r: r.get(CLUSTER) or ""),
    ),
)

REGIONS = ResourceKind(   # described, never swept: not in KINDS
    name="regions", singular="region", operation="describe_regions", result_path=("Regions",),
    id_key="RegionName", id_prefixes=(), id_filter="region-name", ids_param="RegionNames", group="zones",
    describe=Describe("describe-regions", "List regions and their endpoints.", "describe-regions",
                      positional="names", metavar="REGION", what="region names", checked=False,
                      options=(("--region-names", "RegionNames", "region names", False),), paginated=False),
    columns=(_col("id", "Region", lambda r: r.get("RegionName", "")),
             _col("endpoint", "Endpoint", lambda r: r.get("Endpoint", ""))),
)

KINDS: dict[str, ResourceKind] = {k.name: k for k in (
    INSTANCES, VOLUMES, SNAPSHOTS, IMAGES, ADDRESSES, GROUPS, KEYPAIRS, ZONES)}
DESCRIBED: tuple[ResourceKind, ...] = (*KINDS.values(), REGIONS)   # one describe command each

# -- tables the faces read, derived from the rows -------------------------------------

# The monitor's views, in number-key order.
VIEW_KINDS: tuple[ResourceKind, ...] = tuple(sorted((k for k in KINDS.values() if k.view), key=lambda k: k.view))
# Parameter value kind ("instance", from ``instance:running``) → the kind it names.
VALUE_KINDS: dict[str, str] = {k.value_kind: k.name for k in KINDS.values() if k.value_kind}
# How status lines name each kind's count ("10 inst 16 vol …"), in this order.
COUNT_LABELS: dict[str, str] = {k.name: k.count_label for k in KINDS.values() if k.count_label}
# One state-to-class map for every face (the table's CSS, rich output, the REPL).
STATE_CLASSES: dict[str, str] = {s: c for k in KINDS.values() for s, c in k.state_classes.items()}


def kind_of_value(param_kind: str) -> ResourceKind | None:
    """The kind a parameter's values name (``image:kernel`` → images); None for other values."""
    name = VALUE_KINDS.get(param_kind.partition(":")[0])
    return KINDS[name] if name else None


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
