"""``--output euca``: euca2ools 3.4's tab-separated records, a type word first.

Scripts written for euca2ools read ``INSTANCE``, ``VOLUME``, ``ADDRESS``… lines
with ``grep`` and ``awk '{print $2}'``. The layouts follow the ``print_result``
methods of euca2ools' ``commands/ec2`` package, field for field, over the
awscli-shaped answer cloudshell holds; like euca2ools' ``tabify``, an empty value
leaves an empty field (its tab stays), ``0`` is printed, booleans are the XML's
``true``/``false`` and times are EC2's ``2026-12-03T05:34:29.000Z``.

Some euca2ools commands print what was asked rather than what came back
(``delete-volume`` prints ``VOLUME vol-…``): those printers read the invocation.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from cloudshell.cloud.kinds import euca2ools_resource_type
from cloudshell.commands.context import Result

Row = tuple[Any, ...]
Printer = Callable[[Mapping[str, Any], Mapping[str, Any]], Iterable[Row]]


def field(value: Any) -> str:
    """One value as euca2ools' tabify writes the XML text of it."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.datetime):
        utc = value.astimezone(_dt.timezone.utc) if value.tzinfo else value
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else str(value)
    return str(value)


def tabify(row: Row, show: Callable[[str], str] = str, empty: str = "") -> str:
    """The record's line; ``empty`` stands for a field with no value (euca2ools' --show-empty-fields
    writes ``(nil)``). A one-field row is a line of text (a key, console output), never a record."""
    if len(row) == 1:
        return show(field(row[0]))
    return "\t".join(show(field(v)) or empty for v in row)


def _get(raw: Mapping[str, Any] | None, *path: str) -> Any:
    value: Any = raw or {}
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _tags(raw: Mapping[str, Any], resource_id: Any) -> Iterable[Row]:
    for t in raw.get("Tags") or ():
        yield ("TAG", euca2ools_resource_type(str(resource_id or "")), resource_id, t.get("Key"), t.get("Value"))


# -- instances -------------------------------------------------------------------------
def _reservation(res: Mapping[str, Any]) -> Iterable[Row]:
    groups = ", ".join(g.get("GroupName") or g.get("GroupId") or "" for g in res.get("Groups") or ())
    yield ("RESERVATION", res.get("ReservationId"), res.get("OwnerId"), groups)
    for inst in sorted(res.get("Instances") or (), key=lambda i: field(i.get("LaunchTime"))):
        yield from _instance(inst)


def _instance(i: Mapping[str, Any]) -> Iterable[Row]:
    monitoring = _get(i, "Monitoring", "State")
    yield ("INSTANCE", i.get("InstanceId"), i.get("ImageId"), i.get("PublicDnsName"), i.get("PrivateDnsName"),
           _get(i, "State", "Name"), i.get("KeyName"), i.get("AmiLaunchIndex"),
           ",".join(str(p.get("ProductCodeId", "")) for p in i.get("ProductCodes") or ()),
           i.get("InstanceType"), i.get("LaunchTime"), _get(i, "Placement", "AvailabilityZone"),
           i.get("KernelId"), i.get("RamdiskId"), i.get("Platform"),
           f"monitoring-{monitoring}" if monitoring else None,
           i.get("PublicIpAddress"), i.get("PrivateIpAddress"), i.get("VpcId"), i.get("SubnetId"),
           # euca2ools reads a key no answer has (showInstanceRequestId): the spot request's
           # field is always empty there, and the license after it too.
           i.get("RootDeviceType"), i.get("InstanceLifecycle"), None, None,
           _get(i, "Placement", "GroupName"), i.get("VirtualizationType"), i.get("Hypervisor"),
           i.get("ClientToken"), ",".join(g.get("GroupId", "") for g in i.get("SecurityGroups") or ()),
           _get(i, "Placement", "Tenancy"), i.get("EbsOptimized"), _get(i, "IamInstanceProfile", "Arn"),
           i.get("Architecture"))
    for dev in i.get("BlockDeviceMappings") or ():
        ebs = dev.get("Ebs") or {}
        yield ("BLOCKDEVICE", dev.get("DeviceName"), ebs.get("VolumeId"), ebs.get("AttachTime"),
               ebs.get("DeleteOnTermination"), ebs.get("VolumeType"), ebs.get("Iops"))
    for nic in i.get("NetworkInterfaces") or ():
        yield from _interface(nic)
    yield from _tags(i, i.get("InstanceId"))


def _interface(nic: Mapping[str, Any]) -> Iterable[Row]:
    yield ("NETWORKINTERFACE", nic.get("NetworkInterfaceId"), nic.get("SubnetId"), nic.get("VpcId"),
           nic.get("OwnerId"), nic.get("Status"), nic.get("PrivateIpAddress"), nic.get("PrivateDnsName"),
           nic.get("SourceDestCheck"))
    att = nic.get("Attachment")
    if att:
        yield ("ATTACHMENT", att.get("InstanceId"), att.get("AttachmentId"), att.get("DeviceIndex"),
               att.get("Status"), att.get("AttachTime"), att.get("DeleteOnTermination"))
    private = nic.get("PrivateIpAddresses") or ()
    assoc = nic.get("Association")
    if assoc:
        match = next((p for p in private if _get(p, "Association", "PublicIp") == assoc.get("PublicIp")), {})
        yield ("ASSOCIATION", assoc.get("PublicIp"), assoc.get("IpOwnerId"), match.get("PrivateIpAddress"))
    for group in nic.get("Groups") or ():
        yield ("GROUP", group.get("GroupId"), group.get("GroupName"))
    for p in private:
        yield ("PRIVATEIPADDRESS", p.get("PrivateIpAddress"), p.get("PrivateDnsName"),
               "primary" if p.get("Primary") else None)
    yield from _tags(nic, nic.get("NetworkInterfaceId"))


def _state_changes(data: Mapping[str, Any], key: str) -> Iterable[Row]:
    for change in data.get(key) or ():
        yield ("INSTANCE", change.get("InstanceId"), _get(change, "PreviousState", "Name"),
               _get(change, "CurrentState", "Name"))


# -- volumes and snapshots ---------------------------------------------------------------
def _attachment(a: Mapping[str, Any]) -> Row:
    return ("ATTACHMENT", a.get("VolumeId"), a.get("InstanceId"), a.get("Device"), a.get("State"),
            a.get("AttachTime"))


def _volume(v: Mapping[str, Any]) -> Iterable[Row]:
    yield ("VOLUME", v.get("VolumeId"), v.get("Size"), v.get("SnapshotId"), v.get("AvailabilityZone"),
           v.get("State"), v.get("CreateTime"), v.get("VolumeType") or "standard", v.get("Iops"))
    for a in v.get("Attachments") or ():
        yield _attachment(a)
    yield from _tags(v, v.get("VolumeId"))


def _snapshot(s: Mapping[str, Any]) -> Iterable[Row]:
    yield ("SNAPSHOT", s.get("SnapshotId"), s.get("VolumeId"), s.get("State"), s.get("StartTime"),
           s.get("Progress"), s.get("OwnerId"), s.get("VolumeSize"), s.get("Description"))
    yield from _tags(s, s.get("SnapshotId"))


# -- images ------------------------------------------------------------------------------
def _image(img: Mapping[str, Any]) -> Iterable[Row]:
    if img.get("RootDeviceType") == "instance-store":
        location = img.get("ImageLocation")
    else:
        location = f"{img.get('OwnerId') or ''}/{img.get('Name') or ''}"
    yield ("IMAGE", img.get("ImageId"), location, img.get("ImageOwnerAlias") or img.get("OwnerId"),
           img.get("State"), "public" if img.get("Public") else "private", img.get("Architecture"),
           img.get("ImageType"), img.get("KernelId"), img.get("RamdiskId"), img.get("Platform"),
           img.get("RootDeviceType"), img.get("VirtualizationType"), img.get("Hypervisor"))
    for m in img.get("BlockDeviceMappings") or ():
        if m.get("VirtualName"):
            yield ("BLOCKDEVICEMAPPING", "EPHEMERAL", m.get("DeviceName"), m.get("VirtualName"))
        else:
            ebs = m.get("Ebs") or {}
            yield ("BLOCKDEVICEMAPPING", "EBS", m.get("DeviceName"), ebs.get("SnapshotId"), ebs.get("VolumeSize"),
                   ebs.get("DeleteOnTermination"), ebs.get("VolumeType"), ebs.get("Iops"))
    yield from _tags(img, img.get("ImageId"))


def _images(data: Mapping[str, Any], _: Mapping[str, Any]) -> Iterable[Row]:
    seen: dict[str, Mapping[str, Any]] = {}
    for img in data.get("Images") or ():
        seen.setdefault(str(img.get("ImageId")), img)
    for _id, img in sorted(seen.items()):
        yield from _image(img)


# -- groups --------------------------------------------------------------------------------
def _group(g: Mapping[str, Any]) -> Iterable[Row]:
    yield ("GROUP", g.get("GroupId"), g.get("OwnerId"), g.get("GroupName"), g.get("Description"), g.get("VpcId"))
    for key, way, word in (("IpPermissions", "FROM", "ingress"), ("IpPermissionsEgress", "TO", "egress")):
        for perm in g.get(key) or ():
            base = ("PERMISSION", g.get("OwnerId"), g.get("GroupName"), "ALLOWS", perm.get("IpProtocol"),
                    perm.get("FromPort"), perm.get("ToPort"))
            for r in perm.get("IpRanges") or ():
                yield (*base, way, "CIDR", r.get("CidrIp"), word)
            for other in perm.get("UserIdGroupPairs") or ():
                item: tuple[Any, ...] = (way, "USER", other.get("UserId"))
                if other.get("GroupName"):
                    item += ("NAME", other["GroupName"])
                if other.get("GroupId"):
                    item += ("ID", other["GroupId"])
                yield (*base, *item, word)
    yield from _tags(g, g.get("GroupId") or g.get("GroupName"))


def _rule_change(data: Mapping[str, Any], args: Mapping[str, Any]) -> Iterable[Row]:
    group = args.get("group")
    yield ("GROUP", group)
    # The protocol and ports the request carried (commands/groups.py _ports): tcp when -P is not
    # given (icmp with -t), icmp's -1 -1 when -t is not, tcp/udp's -1 as every port.
    protocol = args.get("protocol") or ("icmp" if args.get("icmp") else "tcp")
    if protocol == "icmp":
        low, high = _port_range(args.get("icmp") or (-1, -1))
    elif protocol in ("tcp", "udp"):
        low, high = _port_range(args.get("ports"))
        if (low, high) in ((-1, -1), ("-1", "-1")):
            low, high = 0, 65535
    else:
        low, high = None, None
    perm: tuple[Any, ...] = ("PERMISSION", group, "ALLOWS", protocol, low, high)
    sources = list(args.get("source_groups") or ())
    if args.get("source_user"):
        perm += ("USER", args["source_user"])
    if sources:
        perm += ("ID" if str(sources[0]).startswith("sg-") else "NAME", sources[0])
    cidrs = list(args.get("cidrs") or ())
    if cidrs:
        perm += ("FROM", "CIDR", cidrs[0])
    yield perm


def _port_range(value: Any) -> tuple[Any, Any]:
    """(from, to) of a parsed ``-p 80-90`` or ``-t 8:0`` (a pair already, or its text)."""
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return value[0], value[1]
    text = str(value or "")
    low, _, high = text.replace(":", "-").partition("-")
    return (low or None), (high or low or None)


# -- every command ---------------------------------------------------------------------------
def _each(key: str, one: Callable[[Mapping[str, Any]], Iterable[Row]]) -> Printer:
    def printer(data: Mapping[str, Any], _: Mapping[str, Any]) -> Iterable[Row]:
        for item in data.get(key) or ():
            yield from one(item)
    return printer


def _echo(word: str, *dests: str) -> Printer:
    """What euca2ools prints from its own arguments: ``VOLUME vol-…``."""
    def printer(_: Mapping[str, Any], args: Mapping[str, Any]) -> Iterable[Row]:
        yield (word, *(args.get(d) for d in dests))
    return printer


def _associate(data: Mapping[str, Any], args: Mapping[str, Any]) -> Iterable[Row]:
    allocation = args.get("allocation") or (args.get("address") if str(args.get("address") or "").startswith(
        "eipalloc-") else None)   # euca2ools takes a positional allocation ID as -a
    if allocation:
        yield ("ADDRESS", args.get("instance"), allocation, data.get("AssociationId"), args.get("private_ip"))
    else:
        yield ("ADDRESS", args.get("address"), args.get("instance"))


def _keypair(data: Mapping[str, Any], args: Mapping[str, Any]) -> Iterable[Row]:
    yield ("KEYPAIR", data.get("KeyName"), data.get("KeyFingerprint"))
    if data.get("KeyMaterial") and not args.get("file"):
        # The PEM on stdout as euca2ools' print writes it: its own last newline, then print's (a
        # blank line ends the key).
        for line in str(data["KeyMaterial"]).split("\n"):
            yield (line,)


def _tags_created(_: Mapping[str, Any], args: Mapping[str, Any]) -> Iterable[Row]:
    for rid in args.get("ids") or ():
        for key, value in _tag_pairs(args.get("tags")):
            yield ("TAG", euca2ools_resource_type(str(rid)), rid, key, value)


def _tag_pairs(tags: Any) -> list[tuple[Any, Any]]:
    if isinstance(tags, Mapping):
        return list(tags.items())
    pairs = []
    for t in tags or ():
        if isinstance(t, Mapping):
            pairs.append((t.get("Key"), t.get("Value")))
        elif isinstance(t, (tuple, list)) and len(t) == 2:
            pairs.append((t[0], t[1]))
        else:
            key, _, value = str(t).partition("=")
            pairs.append((key, value))
    return pairs


PRINTERS: dict[str, Printer] = {
    "describe-instances": _each("Reservations", _reservation),
    "run-instances": lambda data, _: _reservation(data),
    "terminate-instances": lambda data, _: _state_changes(data, "TerminatingInstances"),
    "stop-instances": lambda data, _: _state_changes(data, "StoppingInstances"),
    "start-instances": lambda data, _: _state_changes(data, "StartingInstances"),
    "reboot-instances": lambda data, _: (),
    "describe-volumes": _each("Volumes", _volume),
    "create-volume": lambda v, _: [("VOLUME", v.get("VolumeId"), v.get("Size"), v.get("SnapshotId"),
                                    v.get("AvailabilityZone"), v.get("State"), v.get("CreateTime"))],
    "delete-volume": _echo("VOLUME", "volume"),
    "attach-volume": lambda data, _: [_attachment(data)],
    "detach-volume": lambda data, _: [_attachment(data)],
    "describe-snapshots": _each("Snapshots", _snapshot),
    "create-snapshot": lambda s, _: [("SNAPSHOT", s.get("SnapshotId"), s.get("VolumeId"), s.get("State"),
                                      s.get("StartTime"), s.get("OwnerId"), s.get("VolumeSize"),
                                      s.get("Description"))],
    "delete-snapshot": _echo("SNAPSHOT", "snapshot"),
    "describe-images": _images,
    "register": lambda data, _: [("IMAGE", data.get("ImageId"))],
    "deregister": _echo("IMAGE", "image"),
    "describe-addresses": _each("Addresses", lambda a: [(
        "ADDRESS", a.get("PublicIp"), a.get("InstanceId"), a.get("Domain") or "standard", a.get("AllocationId"),
        a.get("AssociationId"), a.get("NetworkInterfaceId"), a.get("PrivateIpAddress"))]),
    "allocate-address": lambda a, _: [("ADDRESS", a.get("PublicIp"), a.get("Domain") or "standard",
                                       a.get("AllocationId"))],
    "associate-address": _associate,
    "disassociate-address": lambda _, args: [("ADDRESS", args.get("address") or args.get("association"))],
    "release-address": _echo("ADDRESS", "address", "allocation"),
    "describe-groups": _each("SecurityGroups", _group),
    "create-group": lambda data, args: [("GROUP", data.get("GroupId"), args.get("name"), args.get("description"))],
    "delete-group": lambda data, _: [("RETURN", data.get("Return"))],   # empty where the answer has none
    "authorize": _rule_change,
    "revoke": _rule_change,
    "describe-keypairs": _each("KeyPairs", lambda k: [("KEYPAIR", k.get("KeyName"), k.get("KeyFingerprint"))]),
    "create-keypair": _keypair,
    "import-keypair": lambda k, _: [("KEYPAIR", k.get("KeyName"), k.get("KeyFingerprint"))],
    "delete-keypair": _echo("KEYPAIR", "name"),
    "describe-availability-zones": _each("AvailabilityZones", lambda z: [(
        "AVAILABILITYZONE", z.get("ZoneName"), z.get("State"),
        ", ".join(str(m.get("Message", m) if isinstance(m, Mapping) else m) for m in z.get("Messages") or ()))]),
    "describe-regions": _each("Regions", lambda r: [("REGION", r.get("RegionName"), r.get("Endpoint"))]),
    "describe-tags": _each("Tags", lambda t: [("TAG", t.get("ResourceType"), t.get("ResourceId"), t.get("Key"),
                                               t.get("Value"))]),
    "create-tags": _tags_created,
    "delete-tags": lambda data, _: (),
}

PRINTERS["describe-group"] = PRINTERS["describe-groups"]   # euca2ools' name of the same command


def _more() -> None:
    """The records of the commands euca2ools has beyond the everyday ones (formats/euca_more.py) and
    of the network describes and commands (formats/euca_network.py, formats/euca_vpc.py)."""
    from cloudshell.formats.euca_more import MORE_PRINTERS
    from cloudshell.formats.euca_network import NETWORK_PRINTERS
    from cloudshell.formats.euca_vpc import VPC_PRINTERS

    PRINTERS.update(MORE_PRINTERS)
    PRINTERS.update(NETWORK_PRINTERS)
    PRINTERS.update(VPC_PRINTERS)


_more()


def has_layout(command: str | None) -> bool:
    return command in PRINTERS


# Commands whose own text (Result.raw_text) euca2ools' layout replaces under --output euca.
OVER_TEXT = frozenset({"get-console-output"})


def render(result: Result, show: Callable[[str], str]) -> str:
    """The result as euca2ools prints it (the caller checked :func:`has_layout`); ``show`` makes each
    value terminal-safe (a tab or an escape in a tag cannot forge a field or a record)."""
    data = result.data if isinstance(result.data, Mapping) else {}
    args = result.request or {}
    rows = PRINTERS[str(result.command)](data, args)
    empty = "(nil)" if args.get("show_empty_fields") else ""
    return "\n".join(tabify(row, show, empty) for row in rows)
