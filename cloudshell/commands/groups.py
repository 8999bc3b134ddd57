"""Security groups: create, authorize and revoke rules (by CIDR or by source group), delete."""

from __future__ import annotations

from typing import Any

from cloudshell.cloud.errors import Refused, UsageError
from cloudshell.commands.context import Context, Result
from cloudshell.commands.deleting import delete_command
from cloudshell.commands.guards import find_group, groups_referencing, instances_in_group, label, some
from cloudshell.commands.registry import (
    CIDR, GROUP, PORTS, PROTOCOL, TEXT, Invocation, Param, command,
)
from cloudshell.commands.values import (
    account_id, cidr, description, group_name, group_ref, icmp_type_code, port_range, protocol, vpc_id,
)


@command("create-group", "security groups", "Create a security group (no inbound rules yet).",
         aliases=("add-group", "create-security-group"),
         params=(
             Param("name", kind=TEXT, required=True, convert=group_name, metavar="GROUP",
                   help="the new group's name"),
             Param("description", ("-d", "--description"), required=True, convert=description,
                   metavar="DESCRIPTION", help="what the group is for"),
             Param("vpc", ("-c", "--vpc"), convert=vpc_id, metavar="VPC", help="create it in this VPC"),
         ),
         mutates=True, example='create-group -d "web servers" web')
def create_group(ctx: Context, inv: Invocation) -> Result:
    params = {"GroupName": inv.name, "Description": inv.description}
    if inv.vpc:
        params["VpcId"] = inv.vpc
    reply = ctx.send("create_security_group", **params)
    group = reply.get("GroupId", "")
    changes = ctx.after_action([group])
    return Result(data=reply, lines=(f"created security group {inv.name} ({group})",), changes=changes)


RULE_PARAMS = (
    Param("group", kind=GROUP, required=True, convert=group_ref, metavar="GROUP",
          help="the group to change, by name or sg- ID"),
    Param("protocol", ("-P", "--protocol"), kind=PROTOCOL, convert=protocol, metavar="PROTO",
          help="tcp, udp, icmp, all, or a number (default tcp; icmp when -t is given)"),
    Param("ports", ("-p", "--port-range"), kind=PORTS, convert=port_range, metavar="PORT[-PORT]",
          help="a port or LOW-HIGH (tcp, udp); -1 for all"),
    Param("icmp", ("-t", "--icmp-type-code"), convert=icmp_type_code, metavar="TYPE:CODE",
          help="ICMP type and code, -1 for all (icmp only)"),
    Param("cidrs", ("-s", "--cidr", "--source-subnet"), kind=CIDR, action="append", convert=cidr,
          metavar="CIDR", help="source network a.b.c.d/n (repeatable; 0.0.0.0/0 is anywhere)"),
    Param("source_groups", ("-o", "--source-group"), kind=GROUP, action="append", convert=group_ref,
          metavar="GROUP", help="source security group, by name or sg- ID (repeatable)"),
    Param("source_user", ("-u", "--source-group-user"), convert=account_id, metavar="ACCOUNT",
          help="account owning the -o groups (default: yours)"),
    Param("egress", ("--egress",), action="flag", help="an outbound rule (VPC groups) instead of inbound"),
)


def _ports(cmd: str, inv: Invocation) -> dict[str, Any]:
    """FromPort/ToPort for the protocol, or a one-line error on options that do not fit it."""
    proto = inv.protocol or ("icmp" if inv.icmp else "tcp")
    ports, icmp = inv.ports, inv.icmp
    if proto in ("tcp", "udp"):
        if icmp is not None:
            raise UsageError(f"{cmd}: -t {icmp[0]}:{icmp[1]} is for -P icmp, not {proto}")
        if ports is None:
            raise UsageError(f"{cmd}: -P {proto} needs -p PORT[-PORT] (e.g. -p 22, -p 8000-8080, -p -1 for all)")
        lo, hi = (0, 65535) if ports == (-1, -1) else ports
        return {"IpProtocol": proto, "FromPort": lo, "ToPort": hi}
    if ports not in (None, (-1, -1)):
        what = "-t TYPE:CODE, not -p" if proto == "icmp" else "no ports"
        raise UsageError(f"{cmd}: -P {'all' if proto == '-1' else proto} takes {what} "
                         f"(got -p {ports[0]}-{ports[1]})")
    if proto == "icmp":
        kind, code = icmp if icmp is not None else (-1, -1)
        return {"IpProtocol": proto, "FromPort": kind, "ToPort": code}
    if icmp is not None:
        raise UsageError(f"{cmd}: -t is for -P icmp, not {'all' if proto == '-1' else proto}")
    return {"IpProtocol": proto}


def _permission(ctx: Context, inv: Invocation) -> tuple[Any, dict[str, Any]]:
    """The target group's record and the one IpPermissions entry the options describe."""
    cmd = inv.command.name
    perm = _ports(cmd, inv)
    if not inv.cidrs and not inv.source_groups:
        raise UsageError(f"{cmd}: give a source: -s CIDR (0.0.0.0/0 for anywhere) or -o GROUP")
    if inv.source_user and not inv.source_groups:
        raise UsageError(f"{cmd}: -u {inv.source_user} names the owner of -o groups: give -o GROUP too")
    group = find_group(ctx, inv.group)
    own = str(group.raw.get("OwnerId") or "")
    if inv.cidrs:
        perm["IpRanges"] = [{"CidrIp": c} for c in dict.fromkeys(inv.cidrs)]
    pairs: list[dict[str, str]] = []
    for ref in dict.fromkeys(inv.source_groups):
        if inv.source_user and inv.source_user != own:
            # Another account's group: only it knows the name; the cloud checks it.
            pairs.append({"UserId": inv.source_user, ("GroupId" if ref.startswith("sg-") else "GroupName"): ref})
        else:
            pairs.append({"GroupId": find_group(ctx, ref).id})
    if pairs:
        perm["UserIdGroupPairs"] = pairs
    return group, perm


def rule_text(perm: dict[str, Any], egress: bool = False, names: dict[str, str] | None = None) -> str:
    """``tcp 22 from 0.0.0.0/0``: one rule as people say it (source groups with their names)."""
    proto = perm["IpProtocol"]
    lo, hi = perm.get("FromPort"), perm.get("ToPort")
    if proto == "-1":
        what = "all traffic"
    elif proto == "icmp":
        what = "icmp" + ("" if lo == -1 else f" type {lo}" + ("" if hi == -1 else f" code {hi}"))
    elif lo is None:
        what = f"protocol {proto}"
    else:
        what = f"{proto} " + ("all ports" if (lo, hi) == (0, 65535) else str(lo) if lo == hi else f"{lo}-{hi}")
    sources = [r["CidrIp"] for r in perm.get("IpRanges", ())]
    for pair in perm.get("UserIdGroupPairs", ()):
        gid = pair.get("GroupId")
        name = (names or {}).get(gid or "")
        sources.append(f"{gid} ({name})" if gid and name else gid or f"{pair.get('UserId')}/{pair.get('GroupName')}")
    return f"{what} {'to' if egress else 'from'} {', '.join(sources)}"


def _change_rule(ctx: Context, inv: Invocation, *, grant: bool) -> Result:
    group, perm = _permission(ctx, inv)
    direction = "egress" if inv.egress else "ingress"
    operation = f"{'authorize' if grant else 'revoke'}_security_group_{direction}"
    reply = ctx.send(operation, GroupId=group.id, IpPermissions=[perm])
    names = {g.id: g.name for g in ctx.inventory("groups").of("groups").values()}
    ctx.after_action([group.id])   # the line below says what changed; the diff of rule lists would repeat it
    verb = "now allows" if grant else "no longer allows"
    return Result(data=reply, lines=(f"{label(group)} {verb} {rule_text(perm, inv.egress, names)}",))


def _check_rule(ctx: Context, inv: Invocation) -> None:
    _permission(ctx, inv)


@command("authorize", "security groups", "Allow traffic into a group: by CIDR or from another group.",
         aliases=("authorize-security-group-ingress",), params=RULE_PARAMS, mutates=True, check=_check_rule,
         example="authorize -P tcp -p 22 -s 10.0.0.0/8 mygroup")
def authorize(ctx: Context, inv: Invocation) -> Result:
    return _change_rule(ctx, inv, grant=True)


@command("revoke", "security groups", "Remove a rule from a group (the same options as authorize).",
         aliases=("revoke-security-group-ingress",), params=RULE_PARAMS, mutates=True, check=_check_rule,
         example="revoke -P tcp -p 22 -s 0.0.0.0/0 mygroup")
def revoke(ctx: Context, inv: Invocation) -> Result:
    return _change_rule(ctx, inv, grant=False)


def _check_delete(ctx: Context, inv: Invocation) -> None:
    inventory = ctx.inventory("groups", "instances")
    group = find_group(ctx, inv.group)
    if group.name == "default":
        raise Refused(f"delete-group: {label(group)} is the default group; clouds keep it")
    users = instances_in_group(inventory, group.id)
    if users:
        raise Refused(f"delete-group: {label(group)} is in use by {some([label(i) for i in users])}: "
                      "terminate them or move them to another group first")
    referrers = groups_referencing(inventory, group)
    if referrers:
        raise Refused(f"delete-group: the rules of {some([label(g) for g in referrers])} name "
                      f"{label(group)}: revoke those rules first")


def _confirm_delete(ctx: Context, inv: Invocation) -> str:
    group = find_group(ctx, inv.group)
    rules = len(group.raw.get("IpPermissions") or ())
    return (f"Delete security group {group.name} ({group.id}, {rules} inbound "
            f"rule{'' if rules == 1 else 's'})?")


delete_group = delete_command(
    "groups", "Delete a security group no instance uses.",
    Param("group", kind=GROUP, required=True, convert=group_ref, metavar="GROUP", help="group name or sg- ID"),
    operation="delete_security_group", key="GroupId", find=find_group, sent_id=lambda rec, rid: rec.id if rec else rid,
    said=lambda rec, rid: f"deleted security group {label(rec, rid)}", aliases=("delete-security-group",),
    check=_check_delete, confirm=_confirm_delete, example="delete-group mygroup")
