"""instances: run, terminate, reboot, stop, start, get-console-output.

Every launch carries a ClientToken, so a retried request (botocore's own
retries, or the user re-running with --client-token) never launches twice.
"""

from __future__ import annotations

import os
import re
import uuid
from typing import Any

from cloudshell.cloud.errors import OutcomeUnknown, Refused, UsageError
from cloudshell.cloud.kinds import KINDS
from cloudshell.commands.addresses import ipv4
from cloudshell.commands.context import Context, Result
from cloudshell.commands.images import require_image_type
from cloudshell.commands.launch_network import check_launch_network, in_vpc, launch_interfaces
from cloudshell.commands.network_values import address_count, flexible_bool, interface_spec, subnet_id
from cloudshell.commands.registry import (
    FILE, GROUP, INSTANCE, INSTANCE_RUNNING, INSTANCE_STOPPED, INSTANCE_TYPE, INT, KEYPAIR,
    MACHINE_IMAGE, TEXT, ZONE, Invocation, Param, boot_params, command,
)
from cloudshell.commands.targets import current, label, other_changes, require, transition, unique
from cloudshell.commands.values import image_id, instance_id, shown

USER_DATA_LIMIT = 16 * 1024   # EC2's limit, before base64
MAX_COUNT = 1000              # a typo like -n 10000 must not reach the cloud
_INSTANCE_TYPE = re.compile(r"[a-z][a-z0-9-]*\.[a-z0-9-]+")
_TOKEN = re.compile(r"[\x21-\x7e]{1,64}")


# -- values ------------------------------------------------------------------------

def count_range(raw: str) -> tuple[int, int]:
    """``N`` or ``MIN-MAX`` (euca2ools' -n), 1 ≤ MIN ≤ MAX ≤ 1000."""
    m = re.fullmatch(r"\s*(\d{1,9})\s*(?:-\s*(\d{1,9})\s*)?", raw)
    if not m:
        raise UsageError(f"{shown(raw)} is not a count (expected N or MIN-MAX, e.g. 1-3)")
    low, high = int(m[1]), int(m[2] or m[1])
    if low < 1:
        raise UsageError(f"{shown(raw)}: at least 1 instance (expected N or MIN-MAX, e.g. 1-3)")
    if low > high:
        raise UsageError(f"{shown(raw)}: MIN is more than MAX (expected MIN-MAX with MIN ≤ MAX, e.g. 1-3)")
    if high > MAX_COUNT:
        raise UsageError(f"{shown(raw)}: at most {MAX_COUNT} instances in one launch")
    return low, high


def instance_type(raw: str) -> str:
    value = raw.strip()
    if not _INSTANCE_TYPE.fullmatch(value):
        raise UsageError(f"{shown(raw)} is not an instance type (expected FAMILY.SIZE, e.g. m1.small, t3.micro)")
    return value


def user_data_text(raw: str) -> str:
    """Literal user data; refused when it names a file, as euca2ools does (-f was meant)."""
    if os.path.isfile(os.path.expanduser(raw)):
        raise UsageError(f"{shown(raw)} names a file: use -f FILE for its content, "
                         "or --user-data-force to send the name itself")
    return user_data_force(raw)


def user_data_force(raw: str) -> str:
    size = len(raw.encode("utf-8"))
    if size > USER_DATA_LIMIT:
        raise UsageError(f"user data of {size} bytes is too long (at most {USER_DATA_LIMIT} bytes, 16 KiB)")
    return raw


def user_data_file(raw: str) -> bytes:
    """The content of a readable regular file of at most 16 KiB."""
    path = os.path.expanduser(raw)
    if not os.path.exists(path):
        raise UsageError(f"{shown(raw)}: no such file (expected a readable file of user data)")
    if not os.path.isfile(path):
        raise UsageError(f"{shown(raw)} is not a regular file (expected a readable file of user data)")
    try:
        with open(path, "rb") as fh:
            data = fh.read(USER_DATA_LIMIT + 1)
    except OSError as exc:
        raise UsageError(f"{shown(raw)}: cannot read it ({exc.strerror}); expected a readable file") from None
    if len(data) > USER_DATA_LIMIT:
        raise UsageError(f"{shown(raw)} is {os.path.getsize(path)} bytes; user data may be at most "
                         f"{USER_DATA_LIMIT} bytes (16 KiB)")
    return data


def client_token(raw: str) -> str:
    if not _TOKEN.fullmatch(raw):
        raise UsageError(f"{shown(raw)} is not a client token (expected 1 to 64 printable ASCII characters)")
    return raw


# -- run-instances -------------------------------------------------------------------

def _named(ctx: Context, kind: str, wanted: str, match: tuple[str, ...], create: str) -> None:
    """A keypair, group or zone the user named exists, or one line listing those that do."""
    recs = ctx.inventory(kind).of(kind).values()
    if any(wanted in (rec.raw.get(key) for key in match) for rec in recs):
        return
    names = sorted({str(rec.raw.get(match[-1]) or rec.id) for rec in recs})
    have = ", ".join(names[:8]) + (" …" if len(names) > 8 else "") if names else "none"
    raise UsageError(f"no {KINDS[kind].singular} {wanted!r} here ({kind}: {have}{create})")


def _check_run(ctx: Context, inv: Invocation) -> None:
    data = [flag for flag, value in (("-d", inv.user_data), ("--user-data-force", inv.user_data_force),
                                     ("-f", inv.user_data_file)) if value is not None]
    if len(data) > 1:
        raise UsageError(f"run-instances: {data[0]} and {data[1]} both give user data (expected one of them)")
    if not inv.subnet and (inv.private_ip or inv.public_ip is not None or inv.secondary or inv.secondary_count):
        raise UsageError("run-instances: --private-ip-address, --secondary-address/--secondary-count and "
                         "--associate-public-ip-address need -s SUBNET (they are VPC options)")
    if inv.secondary and inv.secondary_count:
        raise UsageError("run-instances: --secondary-address and --secondary-count both give secondary addresses "
                         "(expected one of them)")
    if in_vpc(inv):
        names = [g for g in inv.groups if not g.startswith("sg-")]
        if names:
            raise UsageError(f"run-instances: -g {names[0]}: in a VPC give groups by ID (expected sg-…)")
        check_launch_network(ctx, inv)
    require_image_type(ctx, inv.image, "machine", "IMAGE")
    if inv.kernel:
        require_image_type(ctx, inv.kernel, "kernel", "--kernel")
    if inv.ramdisk:
        require_image_type(ctx, inv.ramdisk, "ramdisk", "--ramdisk")
    if inv.zone:
        _named(ctx, "zones", inv.zone, ("ZoneName",), "")
    if inv.key:
        _named(ctx, "keypairs", inv.key, ("KeyName",), "; create one with create-keypair")
    for group in inv.groups:
        _named(ctx, "groups", group, ("GroupId", "GroupName"), "; create one with create-group")


def _launch_params(inv: Invocation, token: str) -> dict[str, Any]:
    low, high = inv.count or (1, 1)
    params: dict[str, Any] = {"ImageId": inv.image, "MinCount": low, "MaxCount": high, "ClientToken": token}
    for key, value in (("KeyName", inv.key), ("InstanceType", inv.instance_type), ("KernelId", inv.kernel),
                       ("RamdiskId", inv.ramdisk), ("InstanceInitiatedShutdownBehavior", inv.shutdown)):
        if value:
            params[key] = value
    data = inv.user_data_file if inv.user_data_file is not None else (inv.user_data or inv.user_data_force)
    if data:
        params["UserData"] = data
    names = [g for g in inv.groups if not g.startswith("sg-")]
    group_ids = [g for g in inv.groups if g.startswith("sg-")]
    if in_vpc(inv):
        # euca2ools' "friendlier" options make interface 0; -a adds the others (or all of them).
        params["NetworkInterfaces"] = launch_interfaces(inv)
    else:
        for key, value in (("SecurityGroups", names), ("SecurityGroupIds", group_ids)):
            if value:
                params[key] = value
    placement = {k: v for k, v in (("AvailabilityZone", inv.zone), ("GroupName", inv.placement_group),
                                   ("Tenancy", inv.tenancy)) if v}
    if placement:
        params["Placement"] = placement
    if inv.monitor:
        params["Monitoring"] = {"Enabled": True}
    if inv.no_termination:
        params["DisableApiTermination"] = True
    if inv.ebs_optimized:
        params["EbsOptimized"] = True
    if inv.iam_profile:
        key = "Arn" if inv.iam_profile.startswith("arn:") else "Name"
        params["IamInstanceProfile"] = {key: inv.iam_profile}
    return params


RUN_PARAMS = (
    Param("image", kind=MACHINE_IMAGE, required=True, convert=image_id, metavar="IMAGE",
          help="machine image to launch (emi-/ami-…)"),
    Param("count", ("-n", "--instance-count"), kind=TEXT, convert=count_range, metavar="MIN[-MAX]",
          help="how many: N, or MIN-MAX for as many as fit but at least MIN (default 1)"),
    Param("key", ("-k", "--key"), kind=KEYPAIR, metavar="KEYPAIR", help="keypair to log in with"),
    Param("groups", ("-g", "--group"), kind=f"{GROUP}:same-vpc", action="append", metavar="GROUP",
          help="security group, by name or sg- ID (repeatable)"),
    Param("instance_type", ("-t", "--instance-type"), kind=INSTANCE_TYPE, convert=instance_type,
          metavar="TYPE", help="instance type, e.g. m1.small"),
    Param("zone", ("-z", "--availability-zone"), kind=ZONE, metavar="ZONE", help="availability zone"),
    *boot_params(image_id, kernel="kernel image (eki-/aki-…)", ramdisk="ramdisk image (eri-/ari-…)"),
    Param("user_data", ("-d", "--user-data"), kind=TEXT, convert=user_data_text, metavar="DATA",
          help="user data given on the line"),
    Param("user_data_force", ("--user-data-force",), kind=TEXT, convert=user_data_force, metavar="DATA",
          help="as -d, even if a file of that name exists"),
    Param("user_data_file", ("-f", "--user-data-file"), kind=FILE, convert=user_data_file, metavar="FILE",
          help="file whose content is the user data (at most 16 KiB)"),
    Param("subnet", ("-s", "--subnet"), kind="subnet:same-vpc", convert=subnet_id, metavar="SUBNET",
          help="[VPC] subnet to launch into (groups then by sg- ID)"),
    Param("public_ip", ("--associate-public-ip-address",), convert=flexible_bool, metavar="(true|false)",
          help="[VPC] give the instance's interface a public address or not"),
    Param("private_ip", ("--private-ip-address",), kind=TEXT, convert=ipv4, metavar="ADDRESS",
          help="[VPC] primary private address"),
    Param("secondary", ("--secondary-address", "--secondary-private-ip-address"), action="append", convert=ipv4,
          metavar="ADDRESS", help="[VPC] a secondary private address (repeatable)"),
    Param("secondary_count", ("--secondary-count", "--secondary-private-ip-address-count"), kind=INT,
          convert=address_count, metavar="COUNT", help="[VPC] this many secondary addresses, chosen by EC2"),
    Param("interfaces", ("-a", "--network-interface"), kind="network-interface", action="append",
          convert=interface_spec, metavar="INTERFACE",
          help="[VPC] an interface: eni-…:INDEX for one that exists, or :INDEX:SUBNET:[DESCRIPTION]:[PRIV_IP]:"
               "[GROUP,…]:[true|false]:[SEC_IP_COUNT|:SEC_IP,…] for a new one (repeatable)"),
    Param("monitor", ("-m", "--monitor"), action="flag", help="enable detailed monitoring"),
    Param("no_termination", ("--disable-api-termination",), action="flag",
          help="protect the instances from terminate-instances"),
    Param("shutdown", ("--instance-initiated-shutdown-behavior",), choices=("stop", "terminate"),
          metavar="ACTION", help="what a shutdown from inside the instance does"),
    Param("placement_group", ("--placement-group",), kind=TEXT, metavar="PLGROUP",
          help="placement group to launch into"),
    Param("tenancy", ("--tenancy",), choices=("default", "dedicated"), metavar="TENANCY",
          help="[VPC] dedicated hardware or not"),
    Param("iam_profile", ("-p", "--iam-profile"), kind=TEXT, metavar="IPROFILE",
          help="IAM instance profile, by name or ARN"),
    Param("ebs_optimized", ("--ebs-optimized",), action="flag", help="optimise for EBS I/O"),
    Param("client_token", ("--client-token",), kind=TEXT, convert=client_token, metavar="TOKEN",
          help="idempotency token (default: a new one); re-use it to retry a launch safely"),
)


@command("run-instances", "instances", "Launch instances of a machine image.", params=RUN_PARAMS,
         mutates=True, check=_check_run, example="run-instances emi-1a2b3c4d -n 2 -k testkey -g mygroup -t m1.small")
def run_instances(ctx: Context, inv: Invocation) -> Result:
    token = inv.client_token or uuid.uuid4().hex
    try:
        reply = ctx.send("run_instances", **_launch_params(inv, token))
    except OutcomeUnknown as exc:
        raise OutcomeUnknown(exc.code, f"{exc.message}; the launch may have happened: run the same command "
                             f"with --client-token {token} to make sure it happens only once",
                             retryable=True, operation=exc.operation) from None
    launched = reply.get("Instances") or []
    ids = [raw["InstanceId"] for raw in launched]
    changes = ctx.after_action(ids)
    lines = []
    for raw in launched:
        where = " in ".join(x for x in (raw.get("InstanceType"), (raw.get("Placement") or {})
                                        .get("AvailabilityZone")) if x)
        line = transition(ctx, raw["InstanceId"], "instances", [(raw.get("State") or {}).get("Name", "")],
                          prefix="launched ")
        lines.append(f"{line} ({where})" if where else line)
    high = (inv.count or (1, 1))[1]
    if len(ids) < high:
        lines.append(f"{len(ids)} of up to {high} launched (as many as the cloud had room for)")
    return Result(data=reply, lines=tuple(lines), changes=other_changes(changes, ids))


# -- state changes ----------------------------------------------------------------------

def _ids_param(kind: str, help_text: str) -> Param:
    return Param("ids", kind=kind, nargs="+", convert=instance_id, metavar="INSTANCE", help=help_text)


def _check_exist(ctx: Context, inv: Invocation) -> None:
    require(ctx, unique(inv.ids), "instances")


def _check_alive(verb: str):
    def check(ctx: Context, inv: Invocation) -> None:
        for rec in require(ctx, unique(inv.ids), "instances").values():
            if rec.state in ("terminated", "shutting-down"):
                raise Refused(f"{inv.command.name}: {label(rec)} is {rec.state}; it cannot be {verb}")
    return check


def _state_change(ctx: Context, inv: Invocation, operation: str, answer_key: str, **extra: Any) -> Result:
    ids = unique(inv.ids)
    before = {rid: current(ctx, rid, "instances") for rid in ids}
    reply = ctx.send(operation, InstanceIds=ids, **extra)
    changes = ctx.after_action(ids)
    lines = []
    for item in reply.get(answer_key) or []:
        rid = item.get("InstanceId", "")
        states = [(item.get(k) or {}).get("Name", "") for k in ("PreviousState", "CurrentState")]
        lines.append(transition(ctx, rid, "instances", states, name_of=before.get(rid)))
    return Result(data=reply, lines=tuple(lines), changes=other_changes(changes, ids))


def _check_terminate(ctx: Context, inv: Invocation) -> None:
    """Nothing to ask about, and nothing to send, when every instance named is already terminated."""
    recs = require(ctx, unique(inv.ids), "instances").values()
    if all(r.state == "terminated" for r in recs):
        raise Refused(f"terminate-instances: {', '.join(label(r) for r in recs)} "
                      f"{'is' if len(recs) == 1 else 'are'} already terminated; nothing was sent")


def _confirm_terminate(ctx: Context, inv: Invocation) -> str:
    recs = require(ctx, unique(inv.ids), "instances").values()
    return (f"Terminate {', '.join(label(r) for r in recs)}? Instance-store data and root volumes "
            "set to delete on termination are lost for good.")


@command("terminate-instances", "instances", "Terminate instances (for good).",
         params=(_ids_param(INSTANCE, "instances to terminate"),), mutates=True, destroys=True,
         check=_check_terminate, confirm=_confirm_terminate, example="terminate-instances i-1a2b3c4d")
def terminate_instances(ctx: Context, inv: Invocation) -> Result:
    return _state_change(ctx, inv, "terminate_instances", "TerminatingInstances")


@command("stop-instances", "instances", "Stop running instances (EBS-backed ones can be started again).",
         params=(_ids_param(INSTANCE_RUNNING, "instances to stop"),
                 Param("force", ("-f", "--force"), action="flag",
                       help="stop at once, without a clean shutdown (data may be lost)")),
         mutates=True, check=_check_alive("stopped"), example="stop-instances i-1a2b3c4d")
def stop_instances(ctx: Context, inv: Invocation) -> Result:
    return _state_change(ctx, inv, "stop_instances", "StoppingInstances",
                         **({"Force": True} if inv.force else {}))


@command("start-instances", "instances", "Start stopped instances.",
         params=(_ids_param(INSTANCE_STOPPED, "instances to start"),),
         mutates=True, check=_check_alive("started"), example="start-instances i-1a2b3c4d")
def start_instances(ctx: Context, inv: Invocation) -> Result:
    return _state_change(ctx, inv, "start_instances", "StartingInstances")


@command("reboot-instances", "instances", "Reboot running instances.",
         params=(_ids_param(INSTANCE_RUNNING, "instances to reboot"),),
         mutates=True, check=_check_alive("rebooted"), example="reboot-instances i-1a2b3c4d")
def reboot_instances(ctx: Context, inv: Invocation) -> Result:
    ids = unique(inv.ids)
    reply = ctx.send("reboot_instances", InstanceIds=ids)
    changes = ctx.after_action(ids)
    lines = tuple(f"{label(current(ctx, rid, 'instances'), rid)} reboot requested" for rid in ids)
    return Result(data=reply, lines=lines, changes=other_changes(changes, ids))


# -- console output ----------------------------------------------------------------------

def _caret(code: int) -> str:
    """``cat -v`` notation: ^[ for ESC, ^? for DEL, M-^[ for the C1 control CSI's cousins."""
    if code == 0x7F:
        return "^?"
    if code >= 0x80:
        return "M-" + _caret(code - 0x80)
    return "^" + chr(code + 64)


_ESCAPES = {c: _caret(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0)) if c not in (0x09, 0x0A)}


def escape_console(text: str) -> str:
    """Console output made safe for a terminal: CRLF as newlines, other control characters as ^X."""
    return text.replace("\r\n", "\n").translate(_ESCAPES)


@command("get-console-output", "instances", "Show an instance's console output (control characters escaped).",
         params=(Param("instance", kind=INSTANCE, required=True, convert=instance_id, metavar="INSTANCE",
                       help="the instance"),
                 Param("raw", ("-r", "--raw-console-output"), action="flag",
                       help="print the output as it is, control characters included")),
         example="get-console-output i-1a2b3c4d")
def get_console_output(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.session.call("get_console_output", InstanceId=inv.instance)
    output = reply.get("Output") or ""
    stamp = reply.get("Timestamp")
    when = stamp.isoformat() if hasattr(stamp, "isoformat") else str(stamp or "")
    body = output if inv.raw else escape_console(output)
    text = f"{reply.get('InstanceId', inv.instance)}\n{when}\n{body or '(no console output yet)'}"
    return Result(data=reply, raw_text=text.rstrip("\n") if not inv.raw else text, raw=bool(inv.raw))
