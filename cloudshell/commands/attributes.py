"""The attribute commands: describe/modify/reset of instance, image and snapshot attributes, and
describe-account-attributes, with euca2ools 3.4's option spellings (one attribute flag at a time:
``-l`` launch permission with ``-a``/``-r`` ENTITY, ``-c`` createVolumePermission, …).

Answers stay awscli's shape; the ``--output euca`` records are in formats/euca.py.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from cloudshell.cloud.errors import UsageError
from cloudshell.commands.context import Context, Result
from cloudshell.commands.registry import (
    DEVICE, FILE, GROUP, IMAGE, INSTANCE, INSTANCE_TYPE, KERNEL, RAMDISK, SNAPSHOT, TEXT, Invocation, Param,
    command,
)
from cloudshell.commands.targets import label, require
from cloudshell.commands.values import image_id, instance_id, shown, snapshot_id

TRUE_FALSE = ("true", "false")


def entity(raw: str) -> str:
    """``all`` or an account number (euca2ools' -a/-r ENTITY); dashes are dropped, as euca2ools does."""
    value = raw.strip().replace("-", "")
    if value == "all" or re.fullmatch(r"\d{12}", value):
        return value
    raise UsageError(f"{shown(raw)} is not an account (expected a 12-digit account number, or all)")


def _grants(inv: Invocation) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for key, entities in (("Add", inv.add), ("Remove", inv.remove)):
        for e in entities or ():
            out.setdefault(key, []).append({"Group": "all"} if e == "all" else {"UserId": e})
    return out


def _one_of(inv: Invocation, choices: dict[str, str], *, need: bool = True) -> str | None:
    """The one attribute flag given (euca2ools' mutually exclusive list), else a one-line error."""
    given = [dest for dest in choices if inv.get(dest) not in (None, False, [])]
    flags = {p.dest: p.flags[0] for p in inv.command.params if p.flags}
    if len(given) > 1:
        raise UsageError(f"{inv.command.name}: {flags[given[0]]} and {flags[given[1]]} both name an attribute "
                         "(expected one at a time)")
    if not given and need:
        raise UsageError(f"{inv.command.name}: name the attribute (one of: "
                         f"{', '.join(flags[d] for d in choices)})")
    return given[0] if given else None


def _required_flag(flag: str, dest: str):
    def check(ctx: Context, inv: Invocation) -> None:
        if not inv.get(dest):
            raise UsageError(f"{inv.command.name}: missing {flag} (the only attribute it changes; "
                             f"usage: {inv.command.usage()})")
    return check


def _flag(dest: str, flags: tuple[str, ...], help_text: str) -> Param:
    return Param(dest, flags, action="flag", help=help_text)


# -- instances --------------------------------------------------------------------------------
# flag dest → (the API's attribute name, the answer's key)
INSTANCE_ATTRS = {
    "block_device_mapping": ("blockDeviceMapping", "BlockDeviceMappings"),
    "disable_api_termination": ("disableApiTermination", "DisableApiTermination"),
    "ebs_optimized": ("ebsOptimized", "EbsOptimized"),
    "group_id": ("groupSet", "Groups"),
    "product_code": ("productCodes", "ProductCodes"),
    "shutdown": ("instanceInitiatedShutdownBehavior", "InstanceInitiatedShutdownBehavior"),
    "instance_type": ("instanceType", "InstanceType"),
    "kernel": ("kernel", "KernelId"),
    "ramdisk": ("ramdisk", "RamdiskId"),
    "root_device_name": ("rootDeviceName", "RootDeviceName"),
    "source_dest_check": ("sourceDestCheck", "SourceDestCheck"),
    "user_data": ("userData", "UserData"),
}
INSTANCE_PARAM = Param("instance", kind=INSTANCE, required=True, convert=instance_id, metavar="INSTANCE",
                       help="the instance")


@command("describe-instance-attribute", "attributes", "Show one attribute of an instance.",
         params=(INSTANCE_PARAM,
                 _flag("block_device_mapping", ("-b", "--block-device-mapping"), "block device mappings"),
                 _flag("disable_api_termination", ("--disable-api-termination",), "whether termination is disabled"),
                 _flag("ebs_optimized", ("--ebs-optimized",), "whether it is optimised for EBS I/O"),
                 _flag("group_id", ("-g", "--group-id"), "its security groups"),
                 _flag("product_code", ("-p", "--product-code"), "its product codes"),
                 _flag("shutdown", ("--instance-initiated-shutdown-behavior",), "stop or terminate on shutdown"),
                 _flag("instance_type", ("-t", "--instance-type"), "its type"),
                 _flag("kernel", ("--kernel",), "its kernel image"),
                 _flag("ramdisk", ("--ramdisk",), "its ramdisk image"),
                 _flag("root_device_name", ("--root-device-name",), "its root device (e.g. /dev/sda1)"),
                 _flag("source_dest_check", ("--source-dest-check",), "[VPC] source/destination checking"),
                 _flag("user_data", ("--user-data",), "its user data")),
         check=lambda ctx, inv: _one_of(inv, INSTANCE_ATTRS),
         example="describe-instance-attribute i-1a2b3c4d --instance-type")
def describe_instance_attribute(ctx: Context, inv: Invocation) -> Result:
    dest = _one_of(inv, INSTANCE_ATTRS)
    attribute, key = INSTANCE_ATTRS[dest]
    reply = ctx.session.call("describe_instance_attribute", InstanceId=inv.instance, Attribute=attribute)
    value = reply.get(key)
    if isinstance(value, dict) and "Value" in value:
        value = value["Value"]
    if key == "UserData" and value:
        value = base64.b64decode(value).decode("utf-8", "replace")
    if key == "Groups":
        value = ", ".join(g.get("GroupId") or g.get("GroupName") or "" for g in value or ())
    elif key == "ProductCodes":
        value = ", ".join(p.get("ProductCodeId", "") for p in value or ())
    elif key == "BlockDeviceMappings":
        value = ", ".join(f"{m.get('DeviceName')}={(m.get('Ebs') or {}).get('VolumeId', '')}" for m in value or ())
    text = "" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
    return Result(data=reply, lines=(f"{inv.instance} {attribute}: {text or '(none)'}",))


def _bdm_flag(raw: str) -> dict[str, Any]:
    device, sep, rest = raw.partition("=")
    keep = rest.lstrip(":")
    if not sep or not device.startswith("/dev/") or keep not in TRUE_FALSE:
        raise UsageError(f"{shown(raw)} is not a mapping change (expected DEVICE=::true or DEVICE=::false: "
                         "delete the volume on termination or not)")
    return {"DeviceName": device, "Ebs": {"DeleteOnTermination": keep == "true"}}


def _user_data_file(raw: str) -> str:
    from cloudshell.commands.instances import user_data_file

    return base64.b64encode(user_data_file(raw)).decode()


MODIFY_INSTANCE = {"bdm": "-b", "disable_api_termination": "--disable-api-termination",
                   "ebs_optimized": "--ebs-optimized", "groups": "-g", "shutdown": "--instance-initiated-shutdown-behavior",
                   "instance_type": "-t", "kernel": "--kernel", "ramdisk": "--ramdisk",
                   "source_dest_check": "--source-dest-check", "sriov": "--sriov", "user_data": "--user-data",
                   "user_data_file": "--user-data-file"}
_STOPPED_ONLY = ("instance_type", "kernel", "ramdisk", "user_data", "user_data_file", "ebs_optimized")


def _check_modify_instance(ctx: Context, inv: Invocation) -> None:
    dest = _one_of(inv, MODIFY_INSTANCE)
    rec = require(ctx, [inv.instance], "instances")[inv.instance]
    if dest in _STOPPED_ONLY and rec.state not in ("stopped", ""):
        raise UsageError(f"modify-instance-attribute: {MODIFY_INSTANCE[dest]} needs a stopped instance; "
                         f"{label(rec)} is {rec.state} (stop-instances {inv.instance} first)")


@command("modify-instance-attribute", "attributes", "Change one attribute of an instance.",
         params=(INSTANCE_PARAM,
                 Param("bdm", ("-b", "--block-device-mapping"), action="append", convert=_bdm_flag,
                       metavar="DEVICE=::(true|false)", kind=DEVICE,
                       help="whether the volume on DEVICE is deleted when the instance terminates (repeatable)"),
                 Param("disable_api_termination", ("--disable-api-termination",), choices=TRUE_FALSE,
                       metavar="BOOL", help="whether terminate-instances is refused"),
                 Param("ebs_optimized", ("--ebs-optimized",), choices=TRUE_FALSE, metavar="BOOL",
                       help="optimise for EBS I/O"),
                 Param("groups", ("-g", "--group-id"), kind=GROUP, action="append", metavar="GROUP",
                       help="[VPC] the security groups it is in, by sg- ID (repeatable)"),
                 Param("shutdown", ("--instance-initiated-shutdown-behavior",), choices=("stop", "terminate"),
                       metavar="ACTION", help="what a shutdown from inside does"),
                 Param("instance_type", ("-t", "--instance-type"), kind=INSTANCE_TYPE, metavar="INSTANCETYPE",
                       help="its type (stopped instances)"),
                 Param("kernel", ("--kernel",), kind=KERNEL, convert=image_id, metavar="IMAGE", help="its kernel"),
                 Param("ramdisk", ("--ramdisk",), kind=RAMDISK, convert=image_id, metavar="IMAGE",
                       help="its ramdisk"),
                 Param("source_dest_check", ("--source-dest-check",), choices=TRUE_FALSE, metavar="BOOL",
                       help="[VPC] source/destination address checking"),
                 Param("sriov", ("--sriov",), choices=("simple",), metavar="simple", help="enhanced networking"),
                 Param("user_data", ("--user-data",), kind=TEXT, metavar="DATA", help="its user data (base64)"),
                 Param("user_data_file", ("--user-data-file",), kind=FILE, convert=_user_data_file,
                       metavar="FILE", help="its user data, from a file")),
         mutates=True, check=_check_modify_instance,
         example="modify-instance-attribute i-1a2b3c4d --disable-api-termination true")
def modify_instance_attribute(ctx: Context, inv: Invocation) -> Result:
    dest = _one_of(inv, MODIFY_INSTANCE)
    value = inv.get(dest)
    key, api = {"bdm": ("BlockDeviceMappings", value), "groups": ("Groups", value),
                "disable_api_termination": ("DisableApiTermination", {"Value": value == "true"}),
                "ebs_optimized": ("EbsOptimized", {"Value": value == "true"}),
                "source_dest_check": ("SourceDestCheck", {"Value": value == "true"}),
                "shutdown": ("InstanceInitiatedShutdownBehavior", {"Value": value}),
                "instance_type": ("InstanceType", {"Value": value}), "kernel": ("Kernel", {"Value": value}),
                "ramdisk": ("Ramdisk", {"Value": value}), "sriov": ("SriovNetSupport", {"Value": value}),
                "user_data": ("UserData", {"Value": (value or "").encode()}),
                "user_data_file": ("UserData", {"Value": (value or "").encode()})}[dest]
    reply = ctx.send("modify_instance_attribute", InstanceId=inv.instance, **{key: api})
    ctx.after_action([inv.instance])
    shown_value = "(file)" if dest == "user_data_file" else value
    return Result(data=reply, lines=(f"{inv.instance}: {MODIFY_INSTANCE[dest]} set to {shown_value}",))


RESET_INSTANCE = {"kernel": "kernel", "ramdisk": "ramdisk", "source_dest_check": "sourceDestCheck"}


@command("reset-instance-attribute", "attributes", "Put one attribute of an instance back to its default.",
         params=(INSTANCE_PARAM, _flag("kernel", ("--kernel",), "its kernel image"),
                 _flag("ramdisk", ("--ramdisk",), "its ramdisk image"),
                 _flag("source_dest_check", ("--source-dest-check",), "source/destination checking (back to true)")),
         mutates=True, destroys=True, check=lambda ctx, inv: _one_of(inv, RESET_INSTANCE),
         confirm=lambda ctx, inv: f"Reset {RESET_INSTANCE[_one_of(inv, RESET_INSTANCE)]} of {inv.instance} to "
                                  "its default?",
         example="reset-instance-attribute i-1a2b3c4d --kernel")
def reset_instance_attribute(ctx: Context, inv: Invocation) -> Result:
    attribute = RESET_INSTANCE[_one_of(inv, RESET_INSTANCE)]
    reply = ctx.send("reset_instance_attribute", InstanceId=inv.instance, Attribute=attribute)
    ctx.after_action([inv.instance])
    return Result(data=reply, lines=(f"{inv.instance}: {attribute} reset",))


# -- images -------------------------------------------------------------------------------------
IMAGE_ATTRS = {"launch_permission": ("launchPermission", "LaunchPermissions"),
               "product_codes": ("productCodes", "ProductCodes"),
               "block_device_mapping": ("blockDeviceMapping", "BlockDeviceMappings"),
               "kernel": ("kernel", "KernelId"), "ramdisk": ("ramdisk", "RamdiskId"),
               "description": ("description", "Description")}
IMAGE_PARAM = Param("image", kind=IMAGE, required=True, convert=image_id, metavar="IMAGE", help="the image")
ADD = Param("add", ("-a", "--add"), action="append", convert=entity, metavar="ENTITY",
            help="account to grant the permission to, or all (repeatable)")
REMOVE = Param("remove", ("-r", "--remove"), action="append", convert=entity, metavar="ENTITY",
               help="account to take the permission from, or all (repeatable)")


def _perm_lines(rid: str, perms: list[dict[str, Any]], what: str) -> list[str]:
    return [f"{rid} {what}: {'everyone (all)' if p.get('Group') == 'all' else p.get('UserId') or p.get('Group')}"
            for p in perms]


@command("describe-image-attribute", "attributes", "Show one attribute of an image.",
         params=(IMAGE_PARAM, _flag("launch_permission", ("-l", "--launch-permission"), "who may launch it"),
                 _flag("product_codes", ("-p", "--product-codes"), "its product codes"),
                 _flag("block_device_mapping", ("-B", "--block-device-mapping"), "its block device mappings"),
                 _flag("kernel", ("--kernel",), "its kernel image"), _flag("ramdisk", ("--ramdisk",), "its ramdisk"),
                 _flag("description", ("--description",), "its description")),
         check=lambda ctx, inv: _one_of(inv, IMAGE_ATTRS), example="describe-image-attribute emi-1a2b3c4d -l")
def describe_image_attribute(ctx: Context, inv: Invocation) -> Result:
    attribute, key = IMAGE_ATTRS[_one_of(inv, IMAGE_ATTRS)]
    reply = ctx.session.call("describe_image_attribute", ImageId=inv.image, Attribute=attribute)
    value = reply.get(key)
    if key == "LaunchPermissions":
        lines = _perm_lines(inv.image, value or [], "launch permission") or [f"{inv.image}: only its owner may launch it"]
    elif key == "ProductCodes":
        lines = [f"{inv.image} product code: {p.get('ProductCodeId')}" for p in value or ()]
    elif key == "BlockDeviceMappings":
        lines = [f"{inv.image} {m.get('DeviceName')}: {m.get('VirtualName') or (m.get('Ebs') or {}).get('SnapshotId')}"
                 for m in value or ()]
    else:
        lines = [f"{inv.image} {attribute}: {(value or {}).get('Value') or '(none)'}"]
    return Result(data=reply, lines=tuple(lines) or (f"{inv.image}: no {attribute}",))


def _check_modify_image(ctx: Context, inv: Invocation) -> None:
    dest = _one_of(inv, {"description": "", "product_code": "", "launch_permission": ""})
    if dest != "launch_permission" and (inv.add or inv.remove):
        raise UsageError(f"modify-image-attribute: {'-a' if inv.add else '-r'} goes with -l/--launch-permission")
    if dest == "launch_permission" and not (inv.add or inv.remove):
        raise UsageError("modify-image-attribute: -l needs at least one -a ENTITY or -r ENTITY")


@command("modify-image-attribute", "attributes", "Change an image's description, product codes or launch "
         "permissions.",
         params=(IMAGE_PARAM, Param("description", ("--description",), kind=TEXT, metavar="DESC",
                                    help="its new description"),
                 Param("product_code", ("-p", "--product-code"), action="append", metavar="CODE",
                       help="product code to add to an instance-store image (repeatable)"),
                 _flag("launch_permission", ("-l", "--launch-permission"), "grant or revoke launching with -a/-r"),
                 ADD, REMOVE),
         mutates=True, check=_check_modify_image, example="modify-image-attribute emi-1a2b3c4d -l -a all")
def modify_image_attribute(ctx: Context, inv: Invocation) -> Result:
    if inv.launch_permission:
        params: dict[str, Any] = {"LaunchPermission": _grants(inv)}
    elif inv.description is not None:
        params = {"Description": {"Value": inv.description}}
    else:
        params = {"ProductCodes": list(inv.product_code)}
    reply = ctx.send("modify_image_attribute", ImageId=inv.image, **params)
    ctx.after_action([inv.image])
    lines = ([f"{inv.image}: launch permission {'granted to' if k == 'Add' else 'taken from'} "
              f"{p.get('UserId') or p.get('Group')}" for k, ps in _grants(inv).items() for p in ps]
             if inv.launch_permission else [f"{inv.image}: {'description' if inv.description is not None else 'product codes'} changed"])
    return Result(data=reply, lines=tuple(lines))


@command("reset-image-attribute", "attributes", "Take away every launch permission of an image (owner only).",
         params=(IMAGE_PARAM, Param("launch_permission", ("-l", "--launch-permission"), action="flag", required=True,
                                    help="reset launch permissions (required)")),
         mutates=True, destroys=True, check=_required_flag("-l", "launch_permission"),
         confirm=lambda ctx, inv: f"Reset the launch permissions of {inv.image}? Only its owner may launch it afterwards.",
         example="reset-image-attribute emi-1a2b3c4d -l")
def reset_image_attribute(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("reset_image_attribute", ImageId=inv.image, Attribute="launchPermission")
    ctx.after_action([inv.image])
    return Result(data=reply, lines=(f"{inv.image}: launch permissions reset (only its owner may launch it)",))


# -- snapshots -----------------------------------------------------------------------------------
SNAPSHOT_PARAM = Param("snapshot", kind=SNAPSHOT, required=True, convert=snapshot_id, metavar="SNAPSHOT",
                       help="the snapshot")
SNAPSHOT_ATTRS = {"create_volume_permission": ("createVolumePermission", "CreateVolumePermissions"),
                  "product_codes": ("productCodes", "ProductCodes")}


@command("describe-snapshot-attribute", "attributes", "Show who may create volumes from a snapshot, or its "
         "product codes.",
         params=(SNAPSHOT_PARAM, _flag("create_volume_permission", ("-c", "--create-volume-permission"),
                                       "who may create volumes from it"),
                 _flag("product_codes", ("-p", "--product-codes"), "its product codes")),
         check=lambda ctx, inv: _one_of(inv, SNAPSHOT_ATTRS), example="describe-snapshot-attribute snap-1a2b3c4d -c")
def describe_snapshot_attribute(ctx: Context, inv: Invocation) -> Result:
    attribute, key = SNAPSHOT_ATTRS[_one_of(inv, SNAPSHOT_ATTRS)]
    reply = ctx.session.call("describe_snapshot_attribute", SnapshotId=inv.snapshot, Attribute=attribute)
    if key == "CreateVolumePermissions":
        lines = _perm_lines(inv.snapshot, reply.get(key) or [], "create volume permission") or [
            f"{inv.snapshot}: only its owner may create volumes from it"]
    else:
        lines = [f"{inv.snapshot} product code: {p.get('ProductCodeId')}" for p in reply.get(key) or ()] or [
            f"{inv.snapshot}: no product codes"]
    return Result(data=reply, lines=tuple(lines))


def _check_modify_snapshot(ctx: Context, inv: Invocation) -> None:
    _required_flag("-c", "create_volume_permission")(ctx, inv)
    if not (inv.add or inv.remove):
        raise UsageError("modify-snapshot-attribute: -c needs at least one -a ENTITY or -r ENTITY")


@command("modify-snapshot-attribute", "attributes", "Grant or revoke creating volumes from a snapshot.",
         params=(SNAPSHOT_PARAM, Param("create_volume_permission", ("-c", "--create-volume-permission"),
                                       action="flag", required=True, help="grant/revoke with -a/-r (required)"),
                 ADD, REMOVE),
         mutates=True, check=_check_modify_snapshot, example="modify-snapshot-attribute snap-1a2b3c4d -c -a 111122223333")
def modify_snapshot_attribute(ctx: Context, inv: Invocation) -> Result:
    grants = _grants(inv)
    reply: dict[str, Any] = {}
    for key, perms in grants.items():   # EC2's OperationType form, one call per direction
        users = [p["UserId"] for p in perms if "UserId" in p]
        groups = [p["Group"] for p in perms if "Group" in p]
        reply = ctx.send("modify_snapshot_attribute", SnapshotId=inv.snapshot, Attribute="createVolumePermission",
                         OperationType=key.lower(), **({"UserIds": users} if users else {}),
                         **({"GroupNames": groups} if groups else {}))
    lines = [f"{inv.snapshot}: create volume permission {'granted to' if k == 'Add' else 'taken from'} "
             f"{p.get('UserId') or p.get('Group')}" for k, ps in grants.items() for p in ps]
    return Result(data=reply, lines=tuple(lines))


@command("reset-snapshot-attribute", "attributes", "Take away every create-volume permission of a snapshot.",
         params=(SNAPSHOT_PARAM, Param("create_volume_permission", ("-c", "--create-volume-permission"),
                                       action="flag", required=True, help="reset who may create volumes (required)")),
         mutates=True, destroys=True, check=_required_flag("-c", "create_volume_permission"),
         confirm=lambda ctx, inv: f"Reset the create-volume permissions of {inv.snapshot}? Only its owner may "
                                  "create volumes from it afterwards.",
         example="reset-snapshot-attribute snap-1a2b3c4d -c")
def reset_snapshot_attribute(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("reset_snapshot_attribute", SnapshotId=inv.snapshot, Attribute="createVolumePermission")
    return Result(data=reply, lines=(f"{inv.snapshot}: create volume permissions reset",))


# -- the account -------------------------------------------------------------------------------------
@command("describe-account-attributes", "attributes", "Show the account's attributes (platforms, limits).",
         params=(Param("names", nargs="*", metavar="ATTRIBUTE", help="only these attributes, e.g. supported-platforms"),),
         example="describe-account-attributes supported-platforms")
def describe_account_attributes(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.session.call("describe_account_attributes", **({"AttributeNames": inv.names} if inv.names else {}))
    lines = [f"{a.get('AttributeName')}: {', '.join(str(v.get('AttributeValue')) for v in a.get('AttributeValues') or ())}"
             for a in reply.get("AccountAttributes") or ()]
    return Result(data=reply, lines=tuple(lines) or ("no account attributes",))
