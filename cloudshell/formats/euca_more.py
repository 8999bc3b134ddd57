"""``--output euca`` records of the rest of euca2ools' commands: instance status and types,
monitoring, passwords, the attribute commands, image and bundle tasks, conversion tasks and the
local tools, each following its ``print_result`` in euca2ools 3.4 (see formats/euca.py for the
field rules). Merged into :data:`cloudshell.formats.euca.PRINTERS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cloudshell.formats.euca import Printer, Row, _each, _get, field

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
    """euca2ools' aligned columns, each line after ``INSTANCETYPE<tab>`` (Python 2's print of two
    values adds no space after a tab)."""
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
        yield ("INSTANCETYPE", line(cells))


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



def _console_output(data: Mapping[str, Any], args: Mapping[str, Any]) -> Iterable[Row]:
    """The instance, the time, then the output and print's newline after it (a blank line where the
    output ends with one, as euca2ools prints it); control characters escaped unless -r."""
    from cloudshell.commands.instances import escape_console

    yield (data.get("InstanceId") or args.get("instance"),)
    yield (data.get("Timestamp"),)
    output = str(data.get("Output") or "")
    for line in (output if args.get("raw") else escape_console(output)).split("\n"):
        yield (line,)


MORE_PRINTERS: dict[str, Printer] = {
    "get-console-output": _console_output,
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
    "import-volume": lambda data, _: _conversion_task(data.get("ConversionTask") or {}),
    "import-instance": lambda data, _: _conversion_task(data.get("ConversionTask") or {}),
    "resume-import": lambda data, _: [],       # euca2ools prints nothing (the progress bars go to stderr)
    "delete-disk-image": lambda data, _: [],
    "install-image": lambda data, _: [("IMAGE", data.get("ImageId"))],
    "confirm-product-instance": lambda data, args: [(args.get("code"), args.get("instance"), data.get("Return"),
                                                     data.get("OwnerId"))],
}
