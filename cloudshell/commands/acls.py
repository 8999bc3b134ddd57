"""Network ACLs and their entries, with euca2ools 3.4's spellings
(``create-network-acl-entry ACL -n 100 --allow -r 0.0.0.0/0 -P tcp -p 22``).
"""

from __future__ import annotations

from typing import Any

from cloudshell.cloud.errors import Refused, UsageError
from cloudshell.cloud.inventory import Record, label
from cloudshell.commands.context import Context, Result
from cloudshell.commands.deleting import delete_command
from cloudshell.commands.network_state import fresh, listed
from cloudshell.commands.network_values import (
    network_acl_association_id, network_acl_id, network_kind, rule_number, vpc_id,
)
from cloudshell.commands.registry import CIDR, INT, PORTS, PROTOCOL, TEXT, Invocation, Param, command
from cloudshell.commands.values import cidr, icmp_type_code, port_range, protocol
from cloudshell.commands.vpcs import group_of

GROUP = group_of("network-acl")
PROTOCOL_NUMBERS = {"-1": -1, "icmp": 1, "tcp": 6, "udp": 17}


@command("create-network-acl", GROUP, "Create a network ACL in a VPC (it denies everything until given entries).",
         params=(Param("vpc", kind="vpc", required=True, convert=vpc_id, metavar="VPC", help="the VPC"),),
         mutates=True, check=lambda ctx, inv: fresh(ctx, "vpc", inv.vpc) and None,
         example="create-network-acl vpc-1a2b3c4d")
def create_network_acl(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("create_network_acl", VpcId=inv.vpc)
    acl = str((reply.get("NetworkAcl") or {}).get("NetworkAclId") or "")
    changes = ctx.after_action([acl])
    return Result(data=reply, lines=(f"created {acl} in {inv.vpc}",), changes=changes)


def _subnets(acl: Record) -> list[str]:
    return [str(a.get("SubnetId")) for a in acl.raw.get("Associations") or () if a.get("SubnetId")]


def _check_delete(ctx: Context, inv: Invocation) -> None:
    acl = fresh(ctx, "network-acl", inv.acl)
    if acl.raw.get("IsDefault"):
        raise Refused(f"delete-network-acl: {label(acl)} is the default ACL of {acl.raw.get('VpcId')}: "
                      "it goes with the VPC")
    subnets = _subnets(acl)
    if subnets:
        raise Refused(f"delete-network-acl: {label(acl)} guards {', '.join(subnets)}: "
                      "replace-network-acl-association them onto another ACL first")


delete_network_acl = delete_command(
    network_kind("network-acl").name, "Delete a network ACL no subnet uses.",
    Param("acl", kind="network-acl", required=True, convert=network_acl_id, metavar="ACL",
          help="the network ACL to delete"),
    operation="delete_network_acl", key="NetworkAclId", check=_check_delete,
    confirm=lambda ctx, inv: f"Delete {label(fresh(ctx, 'network-acl', inv.acl))} and its entries?",
    find=lambda ctx, rid: fresh(ctx, "network-acl", rid), example="delete-network-acl acl-1a2b3c4d")


# -- entries -------------------------------------------------------------------------------

def _entry_params() -> tuple[Param, ...]:
    return (Param("acl", kind="network-acl", required=True, convert=network_acl_id, metavar="NACL",
                  help="the network ACL"),
            Param("rule", ("-n", "--rule-number"), kind=INT, required=True, convert=rule_number, metavar="INT",
                  help="the entry's number, 1-32766 (lower numbers are matched first)"),
            Param("allow", ("--allow",), action="flag", help="let the traffic it matches through"),
            Param("deny", ("--deny",), action="flag", help="block the traffic it matches"),
            Param("cidr", ("-r", "--cidr"), kind=CIDR, required=True, convert=cidr, metavar="CIDR",
                  help="the addresses it matches"),
            Param("protocol", ("-P", "--protocol"), kind=PROTOCOL, convert=protocol, metavar="PROTOCOL",
                  help="tcp, udp, icmp, all or a number (default all)"),
            Param("egress", ("--egress",), action="flag", help="outgoing traffic (default: incoming)"),
            Param("ports", ("-p", "--port-range"), kind=PORTS, convert=port_range, metavar="RANGE",
                  help="a port or FROM-TO (tcp and udp)"),
            Param("icmp", ("-t", "--icmp-type-code"), kind=TEXT, convert=icmp_type_code, metavar="TYPE:CODE",
                  help="ICMP type and code (icmp)"))


def entry_request(inv: Invocation) -> dict[str, Any]:
    """The entry as the API takes it, from euca2ools' options; one-line errors for what does not fit."""
    name = inv.command.name
    if inv.allow == inv.deny:
        raise UsageError(f"{name}: give --allow or --deny (one of them)")
    proto = inv.protocol or "-1"
    number = PROTOCOL_NUMBERS.get(proto, None)
    number = int(proto) if number is None else number
    params: dict[str, Any] = {"NetworkAclId": inv.acl, "RuleNumber": inv.rule, "Egress": bool(inv.egress),
                              "RuleAction": "allow" if inv.allow else "deny", "CidrBlock": inv.cidr,
                              "Protocol": str(number)}
    if number in (6, 17):
        if inv.ports is None:
            raise UsageError(f"{name}: -P {proto} needs -p PORT or FROM-TO")
        params["PortRange"] = {"From": inv.ports[0], "To": inv.ports[1]}
    elif inv.ports is not None:
        raise UsageError(f"{name}: -p is for tcp and udp (not {'all' if number == -1 else proto})")
    if number == 1:
        if inv.icmp is None:
            raise UsageError(f"{name}: -P icmp needs -t TYPE:CODE (e.g. 8:0, or -1:-1 for all)")
        params["IcmpTypeCode"] = {"Type": inv.icmp[0], "Code": inv.icmp[1]}
    elif inv.icmp is not None:
        raise UsageError(f"{name}: -t is for icmp (not {'all' if number == -1 else proto})")
    return params


def _entry(acl: Record, rule: int, egress: bool) -> dict[str, Any] | None:
    return next((e for e in acl.raw.get("Entries") or ()
                 if e.get("RuleNumber") == rule and bool(e.get("Egress")) == egress), None)


def _check_entry(replace: bool):
    def check(ctx: Context, inv: Invocation) -> None:
        entry_request(inv)
        acl = fresh(ctx, "network-acl", inv.acl)
        way = "egress" if inv.egress else "ingress"
        found = _entry(acl, inv.rule, bool(inv.egress))
        if replace and found is None:
            raise Refused(f"{inv.command.name}: {label(acl)} has no {way} entry {inv.rule} "
                          "(create-network-acl-entry adds one)")
        if not replace and found is not None:
            raise Refused(f"{inv.command.name}: {label(acl)} has an {way} entry {inv.rule} already "
                          f"({found.get('RuleAction')} {found.get('CidrBlock')}): replace-network-acl-entry changes it")
    return check


def _said(params: dict[str, Any]) -> str:
    way = "egress" if params["Egress"] else "ingress"
    ports = params.get("PortRange") or params.get("IcmpTypeCode") or {}
    extra = "" if not ports else " " + "-".join(str(v) for v in ports.values())
    return (f"{params['NetworkAclId']}: {way} entry {params['RuleNumber']} {params['RuleAction']} "
            f"{params['CidrBlock']} protocol {params['Protocol']}{extra}")


@command("create-network-acl-entry", GROUP, "Add an entry to a network ACL.", params=_entry_params(),
         mutates=True, check=_check_entry(False),
         example="create-network-acl-entry acl-1a2b3c4d -n 100 --allow -r 0.0.0.0/0 -P tcp -p 22")
def create_network_acl_entry(ctx: Context, inv: Invocation) -> Result:
    params = entry_request(inv)
    reply = ctx.send("create_network_acl_entry", **params)
    changes = ctx.after_action([inv.acl])
    return Result(data=reply, lines=(_said(params),), changes=changes)


@command("replace-network-acl-entry", GROUP, "Change an entry of a network ACL.", params=_entry_params(),
         mutates=True, check=_check_entry(True),
         example="replace-network-acl-entry acl-1a2b3c4d -n 100 --deny -r 0.0.0.0/0 -P tcp -p 22")
def replace_network_acl_entry(ctx: Context, inv: Invocation) -> Result:
    params = entry_request(inv)
    reply = ctx.send("replace_network_acl_entry", **params)
    changes = ctx.after_action([inv.acl])
    return Result(data=reply, lines=(_said(params) + " (replaced)",), changes=changes)


def _check_delete_entry(ctx: Context, inv: Invocation) -> None:
    acl = fresh(ctx, "network-acl", inv.acl)
    if _entry(acl, inv.rule, bool(inv.egress)) is None:
        raise Refused(f"delete-network-acl-entry: {label(acl)} has no {'egress' if inv.egress else 'ingress'} "
                      f"entry {inv.rule}")


@command("delete-network-acl-entry", GROUP, "Delete an entry of a network ACL.",
         params=(Param("acl", kind="network-acl", required=True, convert=network_acl_id, metavar="NACL",
                       help="the network ACL"),
                 Param("rule", ("-n", "--rule-number"), kind=INT, required=True, convert=rule_number, metavar="INT",
                       help="the entry's number"),
                 Param("egress", ("--egress",), action="flag", help="an egress entry (default: ingress)")),
         mutates=True, destroys=True, check=_check_delete_entry,
         confirm=lambda ctx, inv: f"Delete {'egress' if inv.egress else 'ingress'} entry {inv.rule} of {inv.acl}?",
         example="delete-network-acl-entry acl-1a2b3c4d -n 100")
def delete_network_acl_entry(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("delete_network_acl_entry", NetworkAclId=inv.acl, RuleNumber=inv.rule, Egress=bool(inv.egress))
    changes = ctx.after_action([inv.acl])
    return Result(data=reply, lines=(f"{inv.acl}: deleted {'egress' if inv.egress else 'ingress'} entry {inv.rule}",),
                  changes=changes)


# -- associations ------------------------------------------------------------------------------

def _acl_of_association(ctx: Context, assoc: str) -> tuple[Record, dict[str, Any]]:
    for acl in listed(ctx, "network-acl", {"association.association-id": [assoc]}):
        for a in acl.raw.get("Associations") or ():
            if a.get("NetworkAclAssociationId") == assoc:
                return acl, a
    raise UsageError(f"no network ACL association {assoc} here (see describe-network-acls)")


def _check_replace_association(ctx: Context, inv: Invocation) -> None:
    old, a = _acl_of_association(ctx, inv.association)
    new = fresh(ctx, "network-acl", inv.acl)
    if new.raw.get("VpcId") != old.raw.get("VpcId"):
        raise Refused(f"replace-network-acl-association: {label(new)} is in {new.raw.get('VpcId')}, not in "
                      f"{old.raw.get('VpcId')} where {a.get('SubnetId')} is")


@command("replace-network-acl-association", GROUP, "Guard a subnet with another network ACL.",
         params=(Param("association", kind=TEXT, required=True, convert=network_acl_association_id,
                       metavar="ACLASSOC", help="the subnet's ACL association (aclassoc-…)"),
                 Param("acl", ("-a", "--network-acl"), kind="network-acl", required=True, convert=network_acl_id,
                       metavar="ACL", help="the network ACL to use instead")),
         mutates=True, check=_check_replace_association,
         example="replace-network-acl-association aclassoc-1a2b3c4d -a acl-1a2b3c4d")
def replace_network_acl_association(ctx: Context, inv: Invocation) -> Result:
    old, a = _acl_of_association(ctx, inv.association)
    reply = ctx.send("replace_network_acl_association", AssociationId=inv.association, NetworkAclId=inv.acl)
    changes = ctx.after_action([old.id, inv.acl])
    return Result(data=reply, lines=(f"{a.get('SubnetId', '')} moved from {old.id} to {inv.acl} "
                                     f"({reply.get('NewAssociationId', '')})",), changes=changes)
