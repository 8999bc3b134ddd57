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

from cloudshell.cloud.kinds import ec2_resource_type
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


def tabify(row: Row, show: Callable[[str], str] = str) -> str:
    return "\t".join(show(field(v)) for v in row)


def _get(raw: Mapping[str, Any] | None, *path: str) -> Any:
    value: Any = raw or {}
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _tags(raw: Mapping[str, Any], resource_id: Any) -> Iterable[Row]:
    for t in raw.get("Tags") or ():
        yield ("TAG", ec2_resource_type(str(resource_id or "")), resource_id, t.get("Key"), t.get("Value"))


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
           i.get("RootDeviceType"), i.get("InstanceLifecycle"), i.get("SpotInstanceRequestId"), None,
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
    low, high = _port_range(args.get("ports") or args.get("icmp"))
    perm: tuple[Any, ...] = ("PERMISSION", group, "ALLOWS", args.get("protocol"), low, high)
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


# -- instance information (instance_info.py) ---------------------------------------------------
def _instance_status(s: Mapping[str, Any]) -> Iterable[Row]:
    events = list(s.get("Events") or ())
    starts = sorted(field(e.get("NotBefore")) for e in events if e.get("NotBefore"))
    yield ("INSTANCE", s.get("InstanceId"), s.get("AvailabilityZone"), _get(s, "InstanceState", "Name"),
           _get(s, "InstanceState", "Code"), _get(s, "InstanceStatus", "Status"), _get(s, "SystemStatus", "Status"),
           "retiring" if events else "active", starts[0] if starts else None)
    for word, key in (("SYSTEMSTATUS", "SystemStatus"), ("INSTANCESTATUS", "InstanceStatus")):
        for d in _get(s, key, "Details") or ():
            yield (word, d.get("Name"), d.get("Status"), d.get("ImpairedSince"))
    for e in events:
        yield ("EVENT", e.get("Code"), e.get("NotBefore"), e.get("NotAfter"), e.get("Description"))


_TYPE_HEADERS = (("Name", "Name"), ("Cpu", "CPUs"), ("Memory", "Memory (MiB)"), ("Disk", "Disk (GiB)"),
                 ("NetworkInterfaces", "NICs"))


def _type_rows(types: list[Mapping[str, Any]], capacity: bool) -> Iterable[Row]:
    """euca2ools' aligned columns, each line after ``INSTANCETYPE<tab> `` (its print of two values)."""
    rows = []
    for t in types:
        cells = [field(t.get(k)) for k, _ in _TYPE_HEADERS]
        if capacity:
            total = sum(int(z.get("Max") or 0) for z in t.get("Availability") or ())
            used = total - sum(int(z.get("Available") or 0) for z in t.get("Availability") or ())
            cells += [str(used), str(total), f"{used / total:.0%}" if total else ""]
        rows.append(cells)
    heads = [h for _, h in _TYPE_HEADERS] + (["Used", "Total", "Used %"] if capacity else [])
    widths = [max([len(h)] + [len(r[n]) for r in rows]) for n, h in enumerate(heads)]

    def line(cells: list[str]) -> str:
        out = [cells[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(cells[1:5], widths[1:5])]
        text = "  ".join(out)
        if capacity:
            text += f"  {cells[5].rjust(widths[5])} / {cells[6].rjust(widths[6])}  {cells[7].rjust(widths[7])}"
        return text
    for cells in [heads, *rows]:
        yield ("INSTANCETYPE", " " + line(cells))


def _instance_types(data: Mapping[str, Any], args: Mapping[str, Any]) -> Iterable[Row]:
    types = list(data.get("InstanceTypes") or ())
    capacity = bool(args.get("show_capacity") or args.get("by_zone"))
    if not args.get("by_zone"):
        yield from _type_rows(types, capacity)
        return
    zones = sorted({str(z.get("ZoneName")) for t in types for z in t.get("Availability") or ()})
    for zone in zones:
        yield ("AVAILABILITYZONE", zone)
        yield from _type_rows([dict(t, Availability=[z for z in t.get("Availability") or ()
                                                     if z.get("ZoneName") == zone])
                               for t in types if any(z.get("ZoneName") == zone for z in t.get("Availability") or ())],
                              True)
        yield ("",)


def _monitorings(data: Mapping[str, Any], _: Mapping[str, Any]) -> Iterable[Row]:
    for m in data.get("InstanceMonitorings") or ():
        yield (m.get("InstanceId"), f"monitoring-{_get(m, 'Monitoring', 'State')}")


# -- attributes (attributes.py) ---------------------------------------------------------------
_INSTANCE_ATTRS = {"block_device_mapping": ("blockDeviceMapping", "BlockDeviceMappings"),
                   "disable_api_termination": ("disableApiTermination", "DisableApiTermination"),
                   "ebs_optimized": ("ebsOptimized", "EbsOptimized"), "group_id": ("groupSet", "Groups"),
                   "product_code": ("productCodes", "ProductCodes"),
                   "shutdown": ("instanceInitiatedShutdownBehavior", "InstanceInitiatedShutdownBehavior"),
                   "instance_type": ("instanceType", "InstanceType"), "kernel": ("kernel", "KernelId"),
                   "ramdisk": ("ramdisk", "RamdiskId"), "root_device_name": ("rootDeviceName", "RootDeviceName"),
                   "source_dest_check": ("sourceDestCheck", "SourceDestCheck"), "user_data": ("userData", "UserData")}


def _instance_attribute(data: Mapping[str, Any], args: Mapping[str, Any]) -> Iterable[Row]:
    dest = next((d for d in _INSTANCE_ATTRS if args.get(d)), None)
    if dest is None:
        return
    name, key = _INSTANCE_ATTRS[dest]
    iid = data.get("InstanceId")
    value = data.get(key)
    if key == "BlockDeviceMappings":
        for m in value or ():
            ebs = m.get("Ebs") or {}
            yield ("BLOCKDEVICE", m.get("DeviceName"), ebs.get("VolumeId"), ebs.get("AttachTime"),
                   ebs.get("DeleteOnTermination"))
    elif key == "Groups":
        yield (name, iid, ", ".join(g.get("GroupId") or g.get("GroupName") or "" for g in value or ()))
    elif key == "ProductCodes":
        yield (name, iid, ", ".join(str(c.get("ProductCodeId", "")) for c in value or ()))
    elif key == "UserData":
        import base64

        text = base64.b64decode(_get(value, "Value") or "").decode("utf-8", "replace")
        if text:
            yield (name, iid)
            for line in text.rstrip("\n").split("\n"):
                yield (line,)
        else:
            yield (name, iid, None)
    else:
        yield (name, iid, value.get("Value") if isinstance(value, Mapping) and "Value" in value else value)


def _permissions(word: str, rid: Any, perms: Iterable[Mapping[str, Any]]) -> Iterable[Row]:
    for perm in perms or ():
        for kind, who in perm.items():
            yield (word, rid, "group" if kind == "Group" else "userId", who)


def _product_codes(rid: Any, codes: Iterable[Mapping[str, Any]]) -> Iterable[Row]:
    for c in codes or ():
        code = c.get("ProductCodeId")
        yield ("productCodes", rid, "productCode", f"[{c['ProductCodeType']}: {code}]" if c.get("ProductCodeType") else code)


def _image_attribute(data: Mapping[str, Any], _: Mapping[str, Any]) -> Iterable[Row]:
    iid = data.get("ImageId")
    yield from _permissions("launchPermission", iid, data.get("LaunchPermissions") or ())
    yield from _product_codes(iid, data.get("ProductCodes") or ())
    for m in data.get("BlockDeviceMappings") or ():
        source = m.get("VirtualName") or _get(m, "Ebs", "SnapshotId")
        yield ("blockDeviceMapping", iid, "blockDeviceMap", f"{m.get('DeviceName')}: {source}")
    for word, key in (("kernel", "KernelId"), ("ramdisk", "RamdiskId"), ("description", "Description")):
        if _get(data, key, "Value"):
            yield (word, iid, None, _get(data, key, "Value"))


def _grant_rows(word: str, rid: Any, args: Mapping[str, Any]) -> Iterable[Row]:
    for verb, dest in (("ADD", "add"), ("REMOVE", "remove")):
        for who in args.get(dest) or ():
            yield (word, rid, verb, "Group" if who == "all" else "UserId", who)


def _image_modified(_: Mapping[str, Any], args: Mapping[str, Any]) -> Iterable[Row]:
    iid = args.get("image")
    if args.get("description"):
        yield ("description", iid, None, args["description"])
    for code in args.get("product_code") or ():
        yield ("productcodes", iid, "productCode", code)
    if args.get("launch_permission"):
        yield from _grant_rows("launchPermission", iid, args)


def _snapshot_attribute(data: Mapping[str, Any], _: Mapping[str, Any]) -> Iterable[Row]:
    sid = data.get("SnapshotId")
    yield from _permissions("createVolumePermission", sid, data.get("CreateVolumePermissions") or ())
    yield from _product_codes(sid, data.get("ProductCodes") or ())


def _account_attributes(data: Mapping[str, Any], _: Mapping[str, Any]) -> Iterable[Row]:
    for a in data.get("AccountAttributes") or ():
        yield ("ACCOUNTATTRIBUTE", a.get("AttributeName"))
        for v in a.get("AttributeValues") or ():
            yield ("VALUE", v.get("AttributeValue"))


# -- image tasks (image_tasks.py) ---------------------------------------------------------------
def _bundle_task(t: Mapping[str, Any] | None) -> Iterable[Row]:
    s3 = _get(t, "Storage", "S3") or {}
    bucket, prefix = s3.get("Bucket"), s3.get("Prefix")
    yield ("BUNDLE", _get(t, "BundleId"), _get(t, "InstanceId"), bucket, prefix, _get(t, "StartTime"),
           _get(t, "UpdateTime"), _get(t, "State"), _get(t, "Progress"),
           f"{bucket}/{prefix}.manifest.xml" if bucket and prefix else None)


# -- conversion tasks (conversions.py) -----------------------------------------------------------
def _disk_image(c: Mapping[str, Any]) -> Row:
    bits: list[Any] = ["DISKIMAGE"]
    for word, value in (("DiskImageFormat", _get(c, "Image", "Format")), ("DiskImageSize", _get(c, "Image", "Size")),
                        ("VolumeId", _get(c, "Volume", "Id")), ("VolumeSize", _get(c, "Volume", "Size")),
                        ("AvailabilityZone", c.get("AvailabilityZone")),
                        ("ApproximateBytesConverted", c.get("BytesConverted")), ("Status", c.get("Status")),
                        ("StatusMessage", c.get("StatusMessage"))):
        if value:
            bits += [word, value]
    return tuple(bits)


def _conversion_task(t: Mapping[str, Any]) -> Iterable[Row]:
    bits: list[Any] = []
    if t.get("ImportVolume"):
        bits += ["TaskType", "IMPORTVOLUME"]
    if t.get("ImportInstance"):
        bits += ["TaskType", "IMPORTINSTANCE"]
    for word, key in (("TaskId", "ConversionTaskId"), ("ExpirationTime", "ExpirationTime"), ("Status", "State"),
                      ("StatusMessage", "StatusMessage")):
        if t.get(key):
            bits += [word, t[key]]
    if t.get("ImportVolume"):
        yield tuple(bits)
        yield _disk_image(t["ImportVolume"])
    if t.get("ImportInstance"):
        if _get(t, "ImportInstance", "InstanceId"):
            bits += ["InstanceID", t["ImportInstance"]["InstanceId"]]
        yield tuple(bits)
        for v in _get(t, "ImportInstance", "Volumes") or ():
            yield _disk_image(v)


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
    if args.get("allocation"):
        yield ("ADDRESS", args.get("instance"), args.get("allocation"), data.get("AssociationId"),
               args.get("private_ip"))
    else:
        yield ("ADDRESS", args.get("address"), args.get("instance"))


def _keypair(data: Mapping[str, Any], args: Mapping[str, Any]) -> Iterable[Row]:
    yield ("KEYPAIR", data.get("KeyName"), data.get("KeyFingerprint"))
    if data.get("KeyMaterial") and not args.get("file"):
        for line in str(data["KeyMaterial"]).rstrip("\n").split("\n"):  # the PEM on stdout, line by line
            yield (line,)


def _tags_created(_: Mapping[str, Any], args: Mapping[str, Any]) -> Iterable[Row]:
    for rid in args.get("ids") or ():
        for key, value in _tag_pairs(args.get("tags")):
            yield ("TAG", ec2_resource_type(str(rid)), rid, key, value)


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
    "delete-group": lambda data, _: [("RETURN", data.get("Return", True))],
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
    "describe-instance-status": _each("InstanceStatuses", _instance_status),
    "describe-instance-types": _instance_types,
    "modify-instance-type": lambda data, _: [("INSTANCETYPE", *(_get(data, "InstanceType", k) for k in (
        "Name", "Cpu", "Memory", "Disk", "NetworkInterfaces")))],
    "get-password-data": lambda data, _: [(data["PasswordData"],)] if data.get("PasswordData") else [],
    "get-password": lambda data, _: [(data.get("Password"),)],
    "monitor-instances": _monitorings,
    "unmonitor-instances": _monitorings,
    "describe-instance-attribute": _instance_attribute,
    "modify-instance-attribute": lambda data, _: (),
    "reset-instance-attribute": lambda data, _: (),
    "describe-image-attribute": _image_attribute,
    "modify-image-attribute": _image_modified,
    "reset-image-attribute": lambda _, args: [("launchPermission", args.get("image"), "RESET")],
    "describe-snapshot-attribute": _snapshot_attribute,
    "modify-snapshot-attribute": lambda _, args: _grant_rows("createVolumePermission", args.get("snapshot"), args),
    "reset-snapshot-attribute": lambda _, args: [("createVolumePermission", args.get("snapshot"), "RESET")],
    "describe-account-attributes": _account_attributes,
    "create-image": lambda data, _: [("IMAGE", data.get("ImageId"))],
    "copy-image": lambda data, _: [("IMAGE", data.get("ImageId"))],
    "bundle-instance": lambda data, _: _bundle_task(data.get("BundleTask")),
    "describe-bundle-tasks": _each("BundleTasks", _bundle_task),
    "cancel-bundle-task": lambda data, _: _bundle_task(data.get("BundleTask")),
    "fingerprint-key": lambda data, _: [(data.get("KeyFingerprint"),)],
    "version": lambda data, _: [(f"cloudshell {data.get('Version')}",)],
    "generate-environment-config": lambda data, _: [(f"{k}={v}",) for k, v in sorted(data.items())],
    "bundle-and-upload-image": lambda data, _: [("Uploaded", data.get("ManifestLocation"))],
    "download-and-unbundle": lambda data, _: [("Wrote", data.get("Image"))],
    "unbundle-stream": lambda data, _: [],
    "describe-conversion-tasks": _each("ConversionTasks", _conversion_task),
    "cancel-conversion-task": lambda data, _: [],
    "install-image": lambda data, _: [("IMAGE", data.get("ImageId"))],
    "confirm-product-instance": lambda data, args: [(args.get("code"), args.get("instance"), data.get("Return"),
                                                     data.get("OwnerId"))],
}

PRINTERS["describe-group"] = PRINTERS["describe-groups"]   # euca2ools' name of the same command


def has_layout(command: str | None) -> bool:
    return command in PRINTERS


def render(result: Result, show: Callable[[str], str]) -> str:
    """The result as euca2ools prints it (the caller checked :func:`has_layout`); ``show`` makes each
    value terminal-safe (a tab or an escape in a tag cannot forge a field or a record)."""
    data = result.data if isinstance(result.data, Mapping) else {}
    rows = PRINTERS[str(result.command)](data, result.request or {})
    return "\n".join(tabify(row, show) for row in rows)
