"""instance information euca2ools has and awscli spells differently: status, types, monitoring,
the Windows password, product codes, and Eucalyptus' modify-instance-type.

Option spellings follow euca2ools 3.4 (``--hide-healthy``, ``--show-capacity``,
``-k/--priv-launch-key``); the answers stay awscli-shaped (DescribeInstanceTypes
with capacity is Eucalyptus' own, and is read from its XML into the same shape).
"""

from __future__ import annotations

import base64
import re
from typing import Any

from cloudshell.cloud import euca_api
from cloudshell.cloud.errors import UsageError
from cloudshell.commands.context import Context, Result
from cloudshell.commands.registry import (
    FILE, FILTER, INSTANCE, INSTANCE_TYPE, INT, TEXT, Invocation, Param, command,
)
from cloudshell.commands.targets import label, require, unique
from cloudshell.commands.values import filter_pair, filters_param, instance_id, private_key_pem, shown

FILTERS = Param("filters", ("--filter", "-F"), kind=FILTER, action="append", convert=filter_pair,
                metavar="NAME=VALUE", help="only what matches (repeatable), e.g. instance-state-name=running")
_TYPE = re.compile(r"[a-z][a-z0-9-]*\.[a-z0-9-]+")


def type_name(raw: str) -> str:
    if not _TYPE.fullmatch(raw.strip()):
        raise UsageError(f"{shown(raw)} is not an instance type (expected FAMILY.SIZE, e.g. m1.small)")
    return raw.strip()


def small_count(raw: str) -> int:
    if not re.fullmatch(r"\d{1,7}", raw.strip()) or int(raw) < 1:
        raise UsageError(f"{shown(raw)} is not a count (expected a whole number of at least 1)")
    return int(raw)



# -- describe-instance-status -----------------------------------------------------------
def healthy(status: dict[str, Any]) -> bool:
    return ((status.get("SystemStatus") or {}).get("Status") == "ok"
            and (status.get("InstanceStatus") or {}).get("Status") == "ok")


@command("describe-instance-status", "instances", "Show instance status checks and scheduled events.",
         params=(Param("ids", kind=INSTANCE, nargs="*", convert=instance_id, metavar="INSTANCE",
                       help="only these instances"),
                 Param("hide_healthy", ("--hide-healthy",), action="flag",
                       help="hide instances whose every status check passes"),
                 Param("include_all", ("--include-all-instances",), action="flag",
                       help="every instance, not only running ones"),
                 FILTERS),
         example="describe-instance-status --include-all-instances")
def describe_instance_status(ctx: Context, inv: Invocation) -> Result:
    params: dict[str, Any] = {}
    if inv.ids:
        params["InstanceIds"] = unique(inv.ids)
    if inv.include_all:
        params["IncludeAllInstances"] = True
    if inv.filters:
        params["Filters"] = filters_param(inv.filters)
    statuses: list[dict[str, Any]] = []
    for page in ctx.session.pages("describe_instance_status", **params):
        statuses += page.get("InstanceStatuses") or []
    if inv.hide_healthy:
        statuses = [s for s in statuses if not healthy(s)]
    lines = []
    for s in statuses:
        events = ", ".join(e.get("Code", "") for e in s.get("Events") or ())
        lines.append("  ".join(str(x) for x in (
            s.get("InstanceId"), s.get("AvailabilityZone"), (s.get("InstanceState") or {}).get("Name"),
            f"system {(s.get('SystemStatus') or {}).get('Status')}",
            f"instance {(s.get('InstanceStatus') or {}).get('Status')}")) + (f"  events: {events}" if events else ""))
    return Result(data={"InstanceStatuses": statuses},
                  lines=tuple(lines) or ("no instance status to show" + ("" if inv.include_all else
                                         " (only running instances; add --include-all-instances)"),))


# -- describe-instance-types -------------------------------------------------------------
def _aws_type(t: dict[str, Any]) -> dict[str, Any]:
    """awscli's InstanceTypeInfo, in the fields euca2ools shows."""
    return {"Name": t.get("InstanceType"), "Cpu": (t.get("VCpuInfo") or {}).get("DefaultVCpus"),
            "Memory": (t.get("MemoryInfo") or {}).get("SizeInMiB"),
            "Disk": (t.get("InstanceStorageInfo") or {}).get("TotalSizeInGB") or 0,
            "NetworkInterfaces": (t.get("NetworkInfo") or {}).get("MaximumNetworkInterfaces")}


def _euca_type(t: dict[str, Any]) -> dict[str, Any]:
    """Eucalyptus' instanceTypeDetails item, with its per-zone availability."""
    zones = t.get("availability") or []
    return {"Name": t.get("name"), "Cpu": _int(t.get("cpu")), "Memory": _int(t.get("memory")),
            "Disk": _int(t.get("disk")), "NetworkInterfaces": _int(t.get("networkInterfaces")),
            "Availability": [{"ZoneName": z.get("zoneName"), "Available": _int(z.get("available")) or 0,
                              "Max": _int(z.get("max")) or 0} for z in zones if isinstance(z, dict)]}


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


@command("describe-instance-types", "instances",
         "Show instance types: CPUs, memory, disk, interfaces (and Eucalyptus' free/max capacity).",
         params=(Param("types", kind=INSTANCE_TYPE, nargs="*", convert=type_name, metavar="INSTANCETYPE",
                       help="only these instance types"),
                 Param("show_capacity", ("--show-capacity",), action="flag",
                       help="[Eucalyptus] how many of each type are used and fit in all"),
                 Param("by_zone", ("--by-zone",), action="flag",
                       help="[Eucalyptus] capacity per availability zone (implies --show-capacity)")),
         example="describe-instance-types --show-capacity --by-zone")
def describe_instance_types(ctx: Context, inv: Invocation) -> Result:
    capacity = bool(inv.show_capacity or inv.by_zone)
    if capacity:
        # Eucalyptus' own form of the action: InstanceType.N and Availability, answered in
        # instanceTypeDetails; an AWS-shaped answer (no capacity to tell) is read too.
        params: dict[str, Any] = {f"InstanceType.{n}": t for n, t in enumerate(inv.types or (), 1)}
        params["Availability"] = True
        answer = euca_api.call(ctx.session, "DescribeInstanceTypes", params)
        if "instanceTypeDetails" in answer:
            types = [_euca_type(t) for t in answer.get("instanceTypeDetails") or [] if isinstance(t, dict)]
        else:
            types = [dict(_aws_type(_aws_keys(t)), Availability=[])
                     for t in answer.get("instanceTypeSet") or [] if isinstance(t, dict)]
    else:
        raw: list[dict[str, Any]] = []
        args = {"InstanceTypes": unique(inv.types)} if inv.types else {}
        for page in ctx.session.pages("describe_instance_types", **args):
            raw += page.get("InstanceTypes") or []
        types = [_aws_type(t) for t in sorted(raw, key=lambda t: str(t.get("InstanceType")))]
    lines = [f"{'NAME':<14} {'CPUS':>4} {'MEMORY MiB':>10} {'DISK GiB':>8} {'NICS':>4}"
             + ("  USED / TOTAL" if capacity else "")]
    for t in types:
        row = f"{t['Name'] or '':<14} {_s(t['Cpu']):>4} {_s(t['Memory']):>10} {_s(t['Disk']):>8} " \
              f"{_s(t['NetworkInterfaces']):>4}"
        if capacity:
            total = sum(z["Max"] for z in t.get("Availability") or ())
            used = total - sum(z["Available"] for z in t.get("Availability") or ())
            row += f"  {used} / {total}" if total or t.get("Availability") else "  (no capacity reported)"
        lines.append(row)
    return Result(data={"InstanceTypes": types}, lines=tuple(lines))


def _aws_keys(t: dict[str, Any]) -> dict[str, Any]:
    """The XML's camelCase instanceTypeSet item in botocore's spelling, for the fields read."""
    def sub(key: str) -> dict[str, Any]:
        value = t.get(key)
        return value if isinstance(value, dict) else {}
    return {"InstanceType": t.get("instanceType"),
            "VCpuInfo": {"DefaultVCpus": _int(sub("vCpuInfo").get("defaultVCpus"))},
            "MemoryInfo": {"SizeInMiB": _int(sub("memoryInfo").get("sizeInMiB"))},
            "InstanceStorageInfo": {"TotalSizeInGB": _int(sub("instanceStorageInfo").get("totalSizeInGB"))},
            "NetworkInfo": {"MaximumNetworkInterfaces":
                            _int(sub("networkInfo").get("maximumNetworkInterfaces"))}}


def _s(value: Any) -> str:
    return "" if value is None else str(value)


# -- modify-instance-type (Eucalyptus) -------------------------------------------------------
def _check_modify_type(ctx: Context, inv: Invocation) -> None:
    given = [f for f, v in (("-c", inv.cpus), ("-d", inv.disk), ("-m", inv.memory),
                            ("-i", inv.nics)) if v is not None]
    if inv.reset and given:
        raise UsageError(f"modify-instance-type: --reset may not be used with {given[0]} "
                         "(reset, or give new values)")
    if not inv.reset and not given:
        raise UsageError("modify-instance-type: nothing to change (give -c, -d, -m, -i, or --reset)")


@command("modify-instance-type", "instances", "[Eucalyptus cloud admin] Change an instance type's CPUs, "
         "memory, disk or interfaces.",
         params=(Param("name", kind=INSTANCE_TYPE, required=True, convert=type_name, metavar="INSTANCETYPE",
                       help="the instance type to change"),
                 Param("cpus", ("-c", "--cpus"), kind=INT, convert=small_count, metavar="COUNT",
                       help="virtual CPUs of each instance"),
                 Param("disk", ("-d", "--disk"), kind=INT, convert=small_count, metavar="GiB",
                       help="instance storage of each instance"),
                 Param("memory", ("-m", "--memory"), kind=INT, convert=small_count, metavar="MiB",
                       help="memory of each instance"),
                 Param("nics", ("-i", "--network-interfaces"), kind=INT, convert=small_count, metavar="COUNT",
                       help="at most this many network interfaces (VPC)"),
                 Param("reset", ("--reset",), action="flag", help="back to the type's default configuration")),
         mutates=True, check=_check_modify_type, example="modify-instance-type m1.small -c 2 -m 1024")
def modify_instance_type(ctx: Context, inv: Invocation) -> Result:
    params = {"Name": inv.name, "Cpu": inv.cpus, "Disk": inv.disk, "Memory": inv.memory,
              "NetworkInterfaces": inv.nics, "Reset": True if inv.reset else None}
    ctx.guard_mutation("ModifyInstanceTypeAttribute")
    ctx.sent.append("ModifyInstanceTypeAttribute")
    if ctx.dry_run:
        from cloudshell.commands.context import DryRunDone

        raise DryRunDone(True, "ModifyInstanceTypeAttribute is Eucalyptus' own and has no DryRun; nothing sent")
    answer = euca_api.call(ctx.session, "ModifyInstanceTypeAttribute", params, mutating=True)
    new = answer.get("instanceType") if isinstance(answer.get("instanceType"), dict) else {}
    data = {"InstanceType": {"Name": new.get("name"), "Cpu": _int(new.get("cpu")),
                             "Memory": _int(new.get("memory")), "Disk": _int(new.get("disk")),
                             "NetworkInterfaces": _int(new.get("networkInterfaces"))}}
    t = data["InstanceType"]
    return Result(data=data, lines=(f"{t['Name'] or inv.name}: {_s(t['Cpu'])} CPUs, {_s(t['Memory'])} MiB, "
                                    f"{_s(t['Disk'])} GiB disk, {_s(t['NetworkInterfaces'])} interfaces",))


# -- passwords ------------------------------------------------------------------------------
def decrypt_password(key_pem: bytes, encrypted_b64: str) -> str:
    """The password EC2 encrypted with the launch key's public half (RSA PKCS#1 v1.5)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError) as exc:
        raise UsageError(f"-k: cannot read the private key ({'it is encrypted' if 'encrypted' in str(exc) else 'not an RSA PEM key'}; "
                         "expected the launch keypair's unencrypted private key)") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise UsageError("-k: not an RSA key (EC2 encrypts Windows passwords with the RSA keypair it launched with)")
    wrong = UsageError("-k: this key does not decrypt the password (is it the keypair the instance was "
                       "launched with?)")
    try:
        clear = key.decrypt(base64.b64decode("".join(encrypted_b64.split()), validate=True), padding.PKCS1v15())
        text = clear.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise wrong from None
    # A wrong key yields random bytes, not an error (implicit rejection): a password is printable.
    if not text or not text.isprintable():
        raise wrong
    return text


def _password(ctx: Context, instance: str) -> dict[str, Any]:
    require(ctx, [instance], "instances")
    return ctx.session.call("get_password_data", InstanceId=instance)


@command("get-password-data", "instances", "Show the encrypted administrator password of a Windows instance.",
         params=(Param("instance", kind=INSTANCE, required=True, convert=instance_id, metavar="INSTANCE",
                       help="the instance"),),
         example="get-password-data i-1a2b3c4d")
def get_password_data(ctx: Context, inv: Invocation) -> Result:
    reply = _password(ctx, inv.instance)
    data = (reply.get("PasswordData") or "").strip()
    return Result(data=reply, lines=(data or f"{inv.instance}: no password data (yet: Windows sets it "
                                     "some minutes after the first boot)",))


@command("get-password", "instances", "Show a Windows instance's administrator password, decrypted with -k.",
         params=(Param("instance", kind=INSTANCE, required=True, convert=instance_id, metavar="INSTANCE",
                       help="the instance"),
                 Param("key", ("-k", "--priv-launch-key"), kind=FILE, required=True, convert=private_key_pem,
                       metavar="FILE", help="private key of the keypair the instance was launched with")),
         example="get-password i-1a2b3c4d -k mykey.priv",
         description="The password is printed on stdout and nowhere else; the key never leaves this machine.")
def get_password(ctx: Context, inv: Invocation) -> Result:
    reply = _password(ctx, inv.instance)
    encrypted = (reply.get("PasswordData") or "").strip()
    if not encrypted:
        raise UsageError(f"get-password: {inv.instance} has no password data (yet: Windows sets it some "
                         "minutes after the first boot)")
    password = decrypt_password(inv.key, encrypted)
    return Result(data={"InstanceId": inv.instance, "Password": password}, raw_text=password)


# -- monitoring -------------------------------------------------------------------------------
def _monitoring(ctx: Context, inv: Invocation, operation: str) -> Result:
    ids = unique(inv.ids)
    recs = require(ctx, ids, "instances")
    reply = ctx.send(operation, InstanceIds=ids)
    ctx.after_action(ids)
    lines = tuple(f"{label(recs.get(m.get('InstanceId')), m.get('InstanceId', ''))} monitoring "
                  f"{(m.get('Monitoring') or {}).get('State', '?')}" for m in reply.get("InstanceMonitorings") or ())
    return Result(data=reply, lines=lines)


@command("monitor-instances", "instances", "Turn detailed monitoring on.",
         params=(Param("ids", kind=INSTANCE, nargs="+", convert=instance_id, metavar="INSTANCE",
                       help="instances to monitor"),),
         mutates=True, example="monitor-instances i-1a2b3c4d")
def monitor_instances(ctx: Context, inv: Invocation) -> Result:
    return _monitoring(ctx, inv, "monitor_instances")


@command("unmonitor-instances", "instances", "Turn detailed monitoring off.",
         params=(Param("ids", kind=INSTANCE, nargs="+", convert=instance_id, metavar="INSTANCE",
                       help="instances to stop monitoring"),),
         mutates=True, example="unmonitor-instances i-1a2b3c4d")
def unmonitor_instances(ctx: Context, inv: Invocation) -> Result:
    return _monitoring(ctx, inv, "unmonitor_instances")


# -- product codes -----------------------------------------------------------------------------
def product_code(raw: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9]{1,64}", raw):
        raise UsageError(f"{shown(raw)} is not a product code (expected letters and digits, e.g. 774F4FF8)")
    return raw


@command("confirm-product-instance", "instances", "Say whether a product code is attached to an instance.",
         params=(Param("code", kind=TEXT, required=True, convert=product_code, metavar="CODE",
                       help="the product code"),
                 Param("instance", ("-i", "--instance"), kind=INSTANCE, required=True, convert=instance_id,
                       metavar="INSTANCE", help="the instance")),
         example="confirm-product-instance 774F4FF8 -i i-1a2b3c4d")
def confirm_product_instance(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.session.call("confirm_product_instance", ProductCode=inv.code, InstanceId=inv.instance)
    yes = bool(reply.get("Return"))
    owner = f" (owner {reply['OwnerId']})" if reply.get("OwnerId") else ""
    return Result(data=reply, lines=(f"{inv.code} is {'' if yes else 'not '}attached to {inv.instance}{owner}",))
