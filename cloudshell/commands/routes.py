"""Route tables and routes: create, delete, replace, associate with subnets, and route propagation
from a virtual private gateway, with euca2ools 3.4's spellings (``create-route RTB -r CIDR -g IGW``).
"""

from __future__ import annotations

from typing import Any

from cloudshell.cloud.errors import Refused, UsageError
from cloudshell.cloud.inventory import Record, label
from cloudshell.commands.context import Context, Result
from cloudshell.commands.deleting import delete_command
from cloudshell.commands.network_state import fresh, listed
from cloudshell.commands.network_values import (
    network_interface_id, network_kind, peering_id, route_gateway, route_table_association_id, route_table_id,
    subnet_id, vpc_id, vpn_gateway_id,
)
from cloudshell.commands.registry import CIDR, INSTANCE, Invocation, Param, command
from cloudshell.commands.values import cidr, instance_id
from cloudshell.commands.vpcs import group_of

GROUP = group_of("route-table")


@command("create-route-table", GROUP, "Create a route table in a VPC.",
         params=(Param("vpc", kind="vpc", required=True, convert=vpc_id, metavar="VPC",
                       help="the VPC to create it in"),),
         mutates=True, check=lambda ctx, inv: fresh(ctx, "vpc", inv.vpc) and None,
         example="create-route-table vpc-1a2b3c4d")
def create_route_table(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("create_route_table", VpcId=inv.vpc)
    rtb = str((reply.get("RouteTable") or {}).get("RouteTableId") or "")
    changes = ctx.after_action([rtb])
    return Result(data=reply, lines=(f"created {rtb} in {inv.vpc}",), changes=changes)


def _main(table: Record) -> bool:
    return any(a.get("Main") for a in table.raw.get("Associations") or ())


def _subnets_of(table: Record) -> list[str]:
    return [str(a["SubnetId"]) for a in table.raw.get("Associations") or () if a.get("SubnetId")]


def _check_delete_table(ctx: Context, inv: Invocation) -> None:
    table = fresh(ctx, "route-table", inv.route_table)
    if _main(table):
        raise Refused(f"delete-route-table: {label(table)} is the main route table of {table.raw.get('VpcId')}: "
                      "it goes with the VPC (make another table main first)")
    subnets = _subnets_of(table)
    if subnets:
        raise Refused(f"delete-route-table: {label(table)} is associated with {', '.join(subnets)}: "
                      "disassociate-route-table them first")


delete_route_table = delete_command(
    network_kind("route-table").name, "Delete a route table no subnet uses.",
    Param("route_table", kind="route-table", required=True, convert=route_table_id, metavar="RTABLE",
          help="the route table to delete"),
    operation="delete_route_table", key="RouteTableId", check=_check_delete_table,
    confirm=lambda ctx, inv: f"Delete {label(fresh(ctx, 'route-table', inv.route_table))} and its routes?",
    find=lambda ctx, rid: fresh(ctx, "route-table", rid), example="delete-route-table rtb-1a2b3c4d")


# -- routes ---------------------------------------------------------------------------------

TARGETS = ("gateway", "instance", "interface", "peering")


def _target(inv: Invocation) -> tuple[str, str]:
    """The one target given: (request key, ID)."""
    given = [(d, inv.get(d)) for d in TARGETS if inv.get(d)]
    if len(given) != 1:
        flags = "-g GATEWAY, -i INSTANCE, -n INTERFACE or -p PEERCON"
        raise UsageError(f"{inv.command.name}: {'give one target' if not given else 'give only one target'} "
                         f"({flags})")
    dest, value = given[0]
    if dest == "gateway":
        key = "NatGatewayId" if value.startswith("nat-") else "GatewayId"
    else:
        key = {"instance": "InstanceId", "interface": "NetworkInterfaceId", "peering": "VpcPeeringConnectionId"}[dest]
    return key, value


def _route_params(what: str) -> tuple[Param, ...]:
    return (Param("route_table", kind="route-table", required=True, convert=route_table_id, metavar="RTABLE",
                  help=f"the route table {what}"),
            Param("cidr", ("-r", "--cidr"), kind=CIDR, required=True, convert=cidr, metavar="CIDR",
                  help="the destination block, e.g. 0.0.0.0/0"),
            Param("gateway", ("-g", "--gateway-id"), kind="internet-gateway", convert=route_gateway,
                  metavar="GATEWAY", help="an Internet, NAT or virtual private gateway to send it to"),
            Param("instance", ("-i", "--instance"), kind=INSTANCE, convert=instance_id, metavar="INSTANCE",
                  help="a NAT instance to send it to"),
            Param("interface", ("-n", "--network-interface"), kind="network-interface", convert=network_interface_id,
                  metavar="INTERFACE", help="a network interface to send it to"),
            Param("peering", ("-p", "--vpc-peering-connection"), kind="vpc-peering-connection", convert=peering_id,
                  metavar="PEERCON", help="a VPC peering connection to send it to"))


def _route(table: Record, block: str) -> dict[str, Any] | None:
    return next((r for r in table.raw.get("Routes") or () if r.get("DestinationCidrBlock") == block), None)


def _check_route(replace: bool):
    def check(ctx: Context, inv: Invocation) -> None:
        _target(inv)
        table = fresh(ctx, "route-table", inv.route_table)
        found = _route(table, inv.cidr)
        name = inv.command.name
        if found is not None and found.get("GatewayId") == "local":
            raise Refused(f"{name}: {inv.cidr} is {label(table)}'s local route (the VPC's own block): "
                          "it cannot be changed")
        if replace and found is None:
            raise Refused(f"{name}: {label(table)} has no route to {inv.cidr} (create-route adds one)")
        if not replace and found is not None:
            raise Refused(f"{name}: {label(table)} already routes {inv.cidr} to {_target_of(found)} "
                          "(replace-route changes it)")
    return check


def _target_of(route: dict[str, Any]) -> str:
    return str(route.get("GatewayId") or route.get("NatGatewayId") or route.get("InstanceId")
               or route.get("NetworkInterfaceId") or route.get("VpcPeeringConnectionId") or "")


@command("create-route", GROUP, "Add a route to a route table.", params=_route_params("to add the route to"),
         mutates=True, check=_check_route(False), example="create-route rtb-1a2b3c4d -r 0.0.0.0/0 -g igw-1a2b3c4d")
def create_route(ctx: Context, inv: Invocation) -> Result:
    key, target = _target(inv)
    reply = ctx.send("create_route", RouteTableId=inv.route_table, DestinationCidrBlock=inv.cidr, **{key: target})
    changes = ctx.after_action([inv.route_table])
    return Result(data=reply, lines=(f"{inv.route_table}: {inv.cidr} → {target}",), changes=changes)


@command("replace-route", GROUP, "Send a route table's route to another target.",
         params=_route_params("to change"), mutates=True, check=_check_route(True),
         example="replace-route rtb-1a2b3c4d -r 0.0.0.0/0 -g igw-1a2b3c4d")
def replace_route(ctx: Context, inv: Invocation) -> Result:
    key, target = _target(inv)
    reply = ctx.send("replace_route", RouteTableId=inv.route_table, DestinationCidrBlock=inv.cidr, **{key: target})
    changes = ctx.after_action([inv.route_table])
    return Result(data=reply, lines=(f"{inv.route_table}: {inv.cidr} → {target} (replaced)",), changes=changes)


def _check_delete_route(ctx: Context, inv: Invocation) -> None:
    table = fresh(ctx, "route-table", inv.route_table)
    found = _route(table, inv.cidr)
    if found is None:
        raise Refused(f"delete-route: {label(table)} has no route to {inv.cidr}")
    if found.get("GatewayId") == "local":
        raise Refused(f"delete-route: {inv.cidr} is {label(table)}'s local route (the VPC's own block): "
                      "it cannot be deleted")


def _confirm_delete_route(ctx: Context, inv: Invocation) -> str:
    found = _route(fresh(ctx, "route-table", inv.route_table), inv.cidr) or {}
    return f"Delete the route {inv.cidr} → {_target_of(found)} from {inv.route_table}? Traffic to it stops."


@command("delete-route", GROUP, "Delete a route from a route table.",
         params=(Param("route_table", kind="route-table", required=True, convert=route_table_id, metavar="RTABLE",
                       help="the route table to delete the route from"),
                 Param("cidr", ("-r", "--cidr"), kind=CIDR, required=True, convert=cidr, metavar="CIDR",
                       help="the destination block of the route")),
         mutates=True, destroys=True, check=_check_delete_route, confirm=_confirm_delete_route,
         example="delete-route rtb-1a2b3c4d -r 0.0.0.0/0")
def delete_route(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("delete_route", RouteTableId=inv.route_table, DestinationCidrBlock=inv.cidr)
    changes = ctx.after_action([inv.route_table])
    return Result(data=reply, lines=(f"{inv.route_table}: deleted the route to {inv.cidr}",), changes=changes)


# -- associations -----------------------------------------------------------------------------

def _check_associate(ctx: Context, inv: Invocation) -> None:
    table = fresh(ctx, "route-table", inv.route_table)
    sub = fresh(ctx, "subnet", inv.subnet)
    if sub.raw.get("VpcId") != table.raw.get("VpcId"):
        raise Refused(f"associate-route-table: {label(sub)} is in {sub.raw.get('VpcId')} but {label(table)} is in "
                      f"{table.raw.get('VpcId')} (expected a subnet of the table's VPC)")
    for other in listed(ctx, "route-table", {"association.subnet-id": [sub.id]}):
        if other.id == table.id:
            raise Refused(f"associate-route-table: {label(sub)} is already associated with {label(table)}")
        raise Refused(f"associate-route-table: {label(sub)} is associated with {label(other)}: "
                      "replace-route-table-association moves it")


@command("associate-route-table", GROUP, "Make a subnet use a route table.",
         params=(Param("route_table", kind="route-table:same-vpc", required=True, convert=route_table_id,
                       metavar="RTABLE", help="the route table"),
                 Param("subnet", ("-s", "--subnet"), kind="subnet:same-vpc", required=True, convert=subnet_id,
                       metavar="SUBNET", help="a subnet of the table's VPC")),
         mutates=True, check=_check_associate, example="associate-route-table -s subnet-1a2b3c4d rtb-1a2b3c4d")
def associate_route_table(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("associate_route_table", RouteTableId=inv.route_table, SubnetId=inv.subnet)
    changes = ctx.after_action([inv.route_table])
    return Result(data=reply, lines=(f"{inv.subnet} now uses {inv.route_table} ({reply.get('AssociationId', '')})",),
                  changes=changes)


def table_of_association(ctx: Context, assoc: str) -> tuple[Record, dict[str, Any]]:
    for table in listed(ctx, "route-table", {"association.route-table-association-id": [assoc]}):
        for a in table.raw.get("Associations") or ():
            if a.get("RouteTableAssociationId") == assoc:
                return table, a
    raise UsageError(f"no route table association {assoc} here (see describe-route-tables)")


def _check_disassociate(ctx: Context, inv: Invocation) -> None:
    table, a = table_of_association(ctx, inv.association)
    if a.get("Main"):
        raise Refused(f"disassociate-route-table: {inv.association} makes {label(table)} its VPC's main table: "
                      "replace-route-table-association to make another one main")


@command("disassociate-route-table", GROUP, "Take a subnet off its route table (it falls back to the main one).",
         params=(Param("association", kind="text", required=True, convert=route_table_association_id,
                       metavar="RTBASSOC", help="the association to remove (rtbassoc-…)"),),
         mutates=True, check=_check_disassociate, example="disassociate-route-table rtbassoc-1a2b3c4d")
def disassociate_route_table(ctx: Context, inv: Invocation) -> Result:
    table, a = table_of_association(ctx, inv.association)
    reply = ctx.send("disassociate_route_table", AssociationId=inv.association)
    changes = ctx.after_action([table.id])
    return Result(data=reply, lines=(f"{a.get('SubnetId', '')} no longer uses {label(table)}".strip(),),
                  changes=changes)


def _check_replace_association(ctx: Context, inv: Invocation) -> None:
    old, _ = table_of_association(ctx, inv.association)
    new = fresh(ctx, "route-table", inv.route_table)
    if new.raw.get("VpcId") != old.raw.get("VpcId"):
        raise Refused(f"replace-route-table-association: {label(new)} is in {new.raw.get('VpcId')}, not in "
                      f"{old.raw.get('VpcId')} where {inv.association} is")


@command("replace-route-table-association", GROUP, "Move a subnet (or the main association) to another table.",
         params=(Param("association", kind="text", required=True, convert=route_table_association_id,
                       metavar="RTBASSOC", help="the association to move (rtbassoc-…)"),
                 Param("route_table", ("-r", "--route-table"), kind="route-table", required=True,
                       convert=route_table_id, metavar="RTABLE", help="the route table to use instead")),
         mutates=True, check=_check_replace_association,
         example="replace-route-table-association rtbassoc-1a2b3c4d -r rtb-1a2b3c4d")
def replace_route_table_association(ctx: Context, inv: Invocation) -> Result:
    old, _ = table_of_association(ctx, inv.association)
    reply = ctx.send("replace_route_table_association", AssociationId=inv.association, RouteTableId=inv.route_table)
    changes = ctx.after_action([old.id, inv.route_table])
    return Result(data=reply, lines=(f"{inv.association} moved from {old.id} to {inv.route_table} "
                                     f"({reply.get('NewAssociationId', '')})",), changes=changes)


# -- route propagation from a virtual private gateway ---------------------------------------------

def _propagation(enable: bool):
    verb = "enable" if enable else "disable"

    @command(f"{verb}-vgw-route-propagation", GROUP,
             f"{'Let' if enable else 'Stop'} a route table {'take' if enable else 'taking'} routes from a virtual "
             "private gateway.",
             params=(Param("route_table", ("--route-table",), kind="route-table", required=True,
                           convert=route_table_id, metavar="RTABLE", help="the route table"),
                     Param("gateway", ("--vgw",), kind="vpn-gateway", required=True, convert=vpn_gateway_id,
                           metavar="VGATEWAY", help="the virtual private gateway")),
             mutates=True, example=f"{verb}-vgw-route-propagation --route-table rtb-1a2b3c4d --vgw vgw-1a2b3c4d")
    def handler(ctx: Context, inv: Invocation) -> Result:
        reply = ctx.send(f"{verb}_vgw_route_propagation", RouteTableId=inv.route_table, GatewayId=inv.gateway)
        changes = ctx.after_action([inv.route_table])
        said = "takes routes from" if enable else "no longer takes routes from"
        return Result(data=reply, lines=(f"{inv.route_table} {said} {inv.gateway}",), changes=changes)
    return handler


enable_vgw_route_propagation = _propagation(True)
disable_vgw_route_propagation = _propagation(False)
