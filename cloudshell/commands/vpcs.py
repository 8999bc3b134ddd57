"""VPCs, subnets and DHCP option sets: create, delete, attributes, with euca2ools 3.4's spellings.

The guards read the cloud afresh: a VPC with anything still inside, a subnet with instances, a
subnet block outside its VPC's or overlapping another subnet are refused, named, before sending.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from cloudshell.cloud.errors import Refused, UsageError
from cloudshell.cloud.inventory import Record, label
from cloudshell.commands.context import Context, Result
from cloudshell.commands.deleting import delete_command
from cloudshell.commands.network_state import fresh, listed, live_instances, refuse_if_any, vpc_blocks
from cloudshell.commands.network_values import (
    dhcp_option, dhcp_options_id, dhcp_options_or_default, flexible_bool, network_kind, subnet_cidr, subnet_id,
    vpc_cidr, vpc_id,
)
from cloudshell.commands.registry import CIDR, TEXT, ZONE, Invocation, Param, command
from cloudshell.commands.values import zone_name

TRUE_FALSE = "(true|false)"
LIVE_PEERING = ("initiating-request", "pending-acceptance", "provisioning", "active")


def group_of(value_kind: str) -> str:
    """The help group of a network kind's commands (the kind's own, as its describe command's)."""
    return network_kind(value_kind).help_group


def one_attribute(inv: Invocation, dests: tuple[str, ...]) -> str:
    """The one attribute option given (EC2 changes one per call), else a one-line error."""
    flags = {p.dest: p.flags[0] for p in inv.command.params if p.flags}
    switches = {p.dest for p in inv.command.params if p.action == "flag"}
    # A switch counts when on; an option with a value counts when given, even "false".
    given = [d for d in dests if (inv.values.get(d) is True if d in switches
                                  else inv.values.get(d) not in (None, []))]
    if len(given) > 1:
        raise UsageError(f"{inv.command.name}: {flags[given[0]]} and {flags[given[1]]} both name an attribute "
                         "(expected one at a time)")
    if not given:
        raise UsageError(f"{inv.command.name}: name the attribute (one of: {', '.join(flags[d] for d in dests)})")
    return given[0]


def _created(reply: dict[str, Any], key: str, id_key: str) -> str:
    return str((reply.get(key) or {}).get(id_key) or "")


# -- VPCs -------------------------------------------------------------------------------------

@command("create-vpc", group_of("vpc"), "Create a VPC with an IPv4 block.",
         params=(Param("cidr", kind=CIDR, required=True, convert=vpc_cidr, metavar="CIDR",
                       help="the VPC's address block, /16 to /28, e.g. 10.0.0.0/16"),
                 Param("tenancy", ("--tenancy",), choices=("default", "dedicated"), metavar="TENANCY",
                       help="the type of instance tenancy to use")),
         mutates=True, example="create-vpc 10.0.0.0/16")
def create_vpc(ctx: Context, inv: Invocation) -> Result:
    params = {"CidrBlock": inv.cidr, **({"InstanceTenancy": inv.tenancy} if inv.tenancy else {})}
    reply = ctx.send("create_vpc", **params)
    vpc = reply.get("Vpc") or {}
    changes = ctx.after_action([vpc.get("VpcId", "")])
    line = f"created {vpc.get('VpcId', '')} ({vpc.get('CidrBlock', inv.cidr)}), {vpc.get('State') or 'pending'}"
    return Result(data=reply, lines=(line,), changes=changes)


def vpc_contents(ctx: Context, vid: str) -> dict[str, list[Record]]:
    """Everything still inside a VPC that stops it being deleted, by what it is, read now."""
    instances = live_instances(ctx, {"vpc-id": [vid]})
    held = {i.id for i in instances}
    interfaces = [e for e in listed(ctx, "network-interface", {"vpc-id": [vid]})
                  if (e.raw.get("Attachment") or {}).get("InstanceId") not in held]
    nat = [n for n in listed(ctx, "nat-gateway", {"vpc-id": [vid]}) if n.state not in ("deleted", "deleting", "failed")]
    return {
        "instances": instances,
        "subnets": listed(ctx, "subnet", {"vpc-id": [vid]}),
        "internet gateways": listed(ctx, "internet-gateway", {"attachment.vpc-id": [vid]}),
        "NAT gateways": nat,
        "virtual private gateways": [g for g in listed(ctx, "vpn-gateway", {"attachment.vpc-id": [vid]})
                                     if any(a.get("VpcId") == vid and a.get("State") in ("attached", "attaching")
                                            for a in g.raw.get("VpcAttachments") or ())],
        "network interfaces": interfaces,
        # EC2 refuses these too (DependencyViolation); the VPC's own default group, main table and
        # default ACL go with it.
        "security groups": [g for g in listed(ctx, "group", {"vpc-id": [vid]}) if g.name != "default"],
        "route tables": [t for t in listed(ctx, "route-table", {"vpc-id": [vid]})
                         if not any(a.get("Main") for a in t.raw.get("Associations") or ())],
        "network ACLs": [a for a in listed(ctx, "network-acl", {"vpc-id": [vid]}) if not a.raw.get("IsDefault")],
        "peering connections": [p for p in listed(ctx, "vpc-peering-connection", {})
                                if (p.raw.get("Status") or {}).get("Code") in LIVE_PEERING
                                and vid in (p.raw.get("RequesterVpcInfo", {}).get("VpcId"),
                                            p.raw.get("AccepterVpcInfo", {}).get("VpcId"))],
    }


def _check_delete_vpc(ctx: Context, inv: Invocation) -> None:
    vpc = fresh(ctx, "vpc", inv.vpc)
    refuse_if_any("delete-vpc", label(vpc), vpc_contents(ctx, vpc.id),
                  "terminate, delete or detach them first")


def _confirm_delete_vpc(ctx: Context, inv: Invocation) -> str:
    vpc = fresh(ctx, "vpc", inv.vpc)
    return f"Delete {label(vpc)} ({vpc.raw.get('CidrBlock', '')}) with its main route table, ACL and group?"


delete_vpc = delete_command(
    network_kind("vpc").name, "Delete an empty VPC (refused while anything is inside).",
    Param("vpc", kind="vpc", required=True, convert=vpc_id, metavar="VPC", help="the VPC to delete"),
    operation="delete_vpc", key="VpcId", check=_check_delete_vpc, confirm=_confirm_delete_vpc,
    find=lambda ctx, rid: fresh(ctx, "vpc", rid), example="delete-vpc vpc-1a2b3c4d")


@command("modify-vpc-attribute", group_of("vpc"), "Turn a VPC's DNS support or DNS host names on or off.",
         params=(Param("positional_vpc", kind="vpc", nargs="?", convert=vpc_id, metavar="VPC",
                       help="the VPC (or -c VPC)"),
                 Param("vpc", ("-c", "--vpc"), kind="vpc", convert=vpc_id, metavar="VPC", help="the VPC to modify"),
                 Param("dns_hostnames", ("-d", "--dns-hostnames"), convert=flexible_bool, metavar=TRUE_FALSE,
                       help="assign DNS names to instances or not"),
                 Param("dns_support", ("-s", "--dns-support"), convert=flexible_bool, metavar=TRUE_FALSE,
                       help="resolve DNS names or not")),
         mutates=True, check=lambda ctx, inv: (_the_vpc(inv), one_attribute(inv, ("dns_hostnames", "dns_support"))),
         example="modify-vpc-attribute -c vpc-1a2b3c4d -d true")
def modify_vpc_attribute(ctx: Context, inv: Invocation) -> Result:
    vid = _the_vpc(inv)
    dest = one_attribute(inv, ("dns_hostnames", "dns_support"))
    key = "EnableDnsHostnames" if dest == "dns_hostnames" else "EnableDnsSupport"
    reply = ctx.send("modify_vpc_attribute", VpcId=vid, **{key: {"Value": inv.get(dest) is True}})
    changes = ctx.after_action([vid])
    value = "true" if inv.values[dest] else "false"
    return Result(data=reply, lines=(f"{vid} {key[0].lower() + key[1:]} set to {value}",), changes=changes)


def _the_vpc(inv: Invocation) -> str:
    given = [v for v in (inv.get("positional_vpc"), inv.get("vpc")) if v]
    if not given:
        raise UsageError(f"{inv.command.name}: missing -c VPC (the VPC to modify)")
    if len(given) == 2 and given[0] != given[1]:
        raise UsageError(f"{inv.command.name}: give the VPC once (VPC {given[0]} or -c {given[1]}, not both)")
    return given[0]


@command("describe-vpc-attribute", group_of("vpc"), "Show whether a VPC resolves DNS or names its instances.",
         params=(Param("vpc", kind="vpc", required=True, convert=vpc_id, metavar="VPC", help="the VPC"),
                 Param("dns_hostnames", ("-d", "--dns-hostnames"), action="flag",
                       help="whether instances get DNS host names"),
                 Param("dns_support", ("-s", "--dns-support"), action="flag", help="whether DNS resolution is on")),
         check=lambda ctx, inv: one_attribute(inv, ("dns_hostnames", "dns_support")),
         example="describe-vpc-attribute vpc-1a2b3c4d -d")
def describe_vpc_attribute(ctx: Context, inv: Invocation) -> Result:
    dest = one_attribute(inv, ("dns_hostnames", "dns_support"))
    attribute = "enableDnsHostnames" if dest == "dns_hostnames" else "enableDnsSupport"
    reply = ctx.session.call("describe_vpc_attribute", VpcId=inv.vpc, Attribute=attribute)
    value = (reply.get(attribute[0].upper() + attribute[1:]) or {}).get("Value")
    shown = "true" if value else "false"
    return Result(data=reply, lines=(f"{inv.vpc} {attribute}: {shown}",), operation="describe_vpc_attribute")


# -- subnets ---------------------------------------------------------------------------------

def _check_create_subnet(ctx: Context, inv: Invocation) -> None:
    vpc = fresh(ctx, "vpc", inv.vpc)
    block = ipaddress.IPv4Network(inv.cidr)
    blocks = vpc_blocks(vpc)
    if not any(block.subnet_of(ipaddress.IPv4Network(b)) for b in blocks):
        raise Refused(f"create-subnet: {inv.cidr} is outside {label(vpc)}'s block{'s' if len(blocks) > 1 else ''} "
                      f"{', '.join(blocks)} (expected a block inside it); nothing was sent")
    for sub in listed(ctx, "subnet", {"vpc-id": [vpc.id]}):
        other = str(sub.raw.get("CidrBlock") or "")
        if other and block.overlaps(ipaddress.IPv4Network(other)):
            raise Refused(f"create-subnet: {inv.cidr} overlaps {label(sub)} ({other}) in {label(vpc)} "
                          "(pick a free block); nothing was sent")
    if inv.zone:
        zones = ctx.inventory("zones").of("zones")
        if zones and inv.zone not in zones:
            raise UsageError(f"create-subnet: zone {inv.zone!r} does not exist here "
                             f"(zones: {', '.join(sorted(zones))})")


@command("create-subnet", group_of("subnet"), "Create a subnet in a VPC, inside its block and clear of others.",
         params=(Param("cidr", kind=CIDR, required=True, convert=subnet_cidr, metavar="CIDR",
                       help="the subnet's block, /16 to /28, inside the VPC's"),
                 Param("vpc", ("-c", "--vpc"), kind="vpc", required=True, convert=vpc_id, metavar="VPC",
                       help="the VPC to create it in"),
                 Param("zone", ("-z", "--availability-zone"), kind=ZONE, convert=zone_name, metavar="ZONE",
                       help="availability zone (default: the cloud picks)"),
                 Param("cidr_flag", ("-i", "--cidr"), action="flag", help="(accepted before CIDR, as euca2ools)")),
         mutates=True, check=_check_create_subnet, example="create-subnet -c vpc-1a2b3c4d 10.0.1.0/24 -z us-east-1a")
def create_subnet(ctx: Context, inv: Invocation) -> Result:
    params = {"VpcId": inv.vpc, "CidrBlock": inv.cidr, **({"AvailabilityZone": inv.zone} if inv.zone else {})}
    reply = ctx.send("create_subnet", **params)
    sub = reply.get("Subnet") or {}
    changes = ctx.after_action([sub.get("SubnetId", "")])
    line = (f"created {sub.get('SubnetId', '')} ({sub.get('CidrBlock', inv.cidr)}) in {inv.vpc}, "
            f"zone {sub.get('AvailabilityZone', '')}, {sub.get('AvailableIpAddressCount', '?')} free addresses")
    return Result(data=reply, lines=(line,), changes=changes)


def _check_delete_subnet(ctx: Context, inv: Invocation) -> None:
    sub = fresh(ctx, "subnet", inv.subnet)
    instances = live_instances(ctx, {"subnet-id": [sub.id]})
    held = {i.id for i in instances}
    nat = [n for n in listed(ctx, "nat-gateway", {"subnet-id": [sub.id]}) if n.state not in ("deleted", "deleting",
                                                                                       "failed")]
    interfaces = [e for e in listed(ctx, "network-interface", {"subnet-id": [sub.id]})
                  if (e.raw.get("Attachment") or {}).get("InstanceId") not in held
                  and not any(e.id == (a.get("NetworkInterfaceId"))
                              for n in nat for a in n.raw.get("NatGatewayAddresses") or ())]
    refuse_if_any("delete-subnet", label(sub),
                  {"instances": instances, "NAT gateways": nat, "network interfaces": interfaces},
                  "terminate or delete them first")


def _confirm_delete_subnet(ctx: Context, inv: Invocation) -> str:
    sub = fresh(ctx, "subnet", inv.subnet)
    return f"Delete {label(sub)} ({sub.raw.get('CidrBlock', '')} in {sub.raw.get('VpcId', '')})?"


delete_subnet = delete_command(
    network_kind("subnet").name, "Delete a subnet without instances.",
    Param("subnet", kind="subnet", required=True, convert=subnet_id, metavar="SUBNET", help="the subnet to delete"),
    operation="delete_subnet", key="SubnetId", check=_check_delete_subnet, confirm=_confirm_delete_subnet,
    find=lambda ctx, rid: fresh(ctx, "subnet", rid), example="delete-subnet subnet-1a2b3c4d")


@command("modify-subnet-attribute", group_of("subnet"), "Set whether instances launched in a subnet get public "
         "addresses.",
         params=(Param("subnet", kind="subnet", required=True, convert=subnet_id, metavar="SUBNET",
                       help="the subnet to modify"),
                 Param("map_public_ip", ("-m", "--map-public-ip-on-launch"), required=True, convert=flexible_bool,
                       metavar=TRUE_FALSE, help="give new instances public addresses or not")),
         mutates=True, check=lambda ctx, inv: fresh(ctx, "subnet", inv.subnet) and None,
         example="modify-subnet-attribute subnet-1a2b3c4d -m true")
def modify_subnet_attribute(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("modify_subnet_attribute", SubnetId=inv.subnet,
                     MapPublicIpOnLaunch={"Value": bool(inv.map_public_ip)})
    changes = ctx.after_action([inv.subnet])
    value = "true" if inv.map_public_ip else "false"
    return Result(data=reply, lines=(f"{inv.subnet} mapPublicIpOnLaunch set to {value}",), changes=changes)


# -- DHCP option sets ----------------------------------------------------------------------------

def _check_options(ctx: Context, inv: Invocation) -> None:
    keys = [o["Key"] for o in inv.options]
    twice = next((k for k in keys if keys.count(k) > 1), None)
    if twice:
        raise UsageError(f"create-dhcp-options: {twice} given twice (expected each option once, its values "
                         "joined by commas)")


@command("create-dhcp-options", group_of("dhcp-options"), "Create a DHCP option set for VPCs.",
         params=(Param("options", kind=TEXT, nargs="+", convert=dhcp_option, metavar="KEY=VALUE,[VALUE,...]",
                       help="an option and its values: domain-name-servers, domain-name, ntp-servers, "
                            "netbios-name-servers, netbios-node-type"),),
         mutates=True, check=_check_options, example="create-dhcp-options domain-name-servers=10.0.0.2")
def create_dhcp_options(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("create_dhcp_options", DhcpConfigurations=list(inv.options))
    dopt = _created(reply, "DhcpOptions", "DhcpOptionsId")
    changes = ctx.after_action([dopt])
    said = "; ".join(f"{o['Key']}={','.join(o['Values'])}" for o in inv.options)
    return Result(data=reply, lines=(f"created {dopt}: {said}",), changes=changes)


def _check_delete_options(ctx: Context, inv: Invocation) -> None:
    dopt = fresh(ctx, "dhcp-options", inv.dhcp_options)
    refuse_if_any("delete-dhcp-options", label(dopt), {"VPCs": listed(ctx, "vpc", {"dhcp-options-id": [dopt.id]})},
                  "associate-dhcp-options default -c VPC (or another set) first")


delete_dhcp_options = delete_command(
    network_kind("dhcp-options").name, "Delete a DHCP option set no VPC uses.",
    Param("dhcp_options", kind="dhcp-options", required=True, convert=dhcp_options_id, metavar="DHCPOPTS",
          help="the DHCP option set to delete"),
    operation="delete_dhcp_options", key="DhcpOptionsId", check=_check_delete_options,
    confirm=lambda ctx, inv: f"Delete {label(fresh(ctx, 'dhcp-options', inv.dhcp_options))}?",
    find=lambda ctx, rid: fresh(ctx, "dhcp-options", rid), example="delete-dhcp-options dopt-1a2b3c4d")


def _check_associate_options(ctx: Context, inv: Invocation) -> None:
    fresh(ctx, "vpc", inv.vpc)
    if inv.dhcp_options != "default":
        fresh(ctx, "dhcp-options", inv.dhcp_options)


@command("associate-dhcp-options", group_of("dhcp-options"), "Give a VPC a DHCP option set (or default: none).",
         params=(Param("dhcp_options", kind="dhcp-options", required=True, convert=dhcp_options_or_default,
                       metavar="DHCPOPTS", help="the option set, or default"),
                 Param("vpc", ("-c", "--vpc"), kind="vpc", required=True, convert=vpc_id, metavar="VPC",
                       help="the VPC to give it to")),
         mutates=True, check=_check_associate_options, example="associate-dhcp-options dopt-1a2b3c4d -c vpc-1a2b3c4d")
def associate_dhcp_options(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("associate_dhcp_options", DhcpOptionsId=inv.dhcp_options, VpcId=inv.vpc)
    changes = ctx.after_action([inv.vpc])
    return Result(data=reply, lines=(f"{inv.vpc} now uses DHCP options {inv.dhcp_options}",), changes=changes)
