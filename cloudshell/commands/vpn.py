"""VPN: customer gateways (the far side), virtual private gateways (the VPC side), the connections
between them and their static routes, with euca2ools 3.4's spellings (``-t ipsec.1``,
``--customer-gateway``, ``--vpn-gateway``, ``--vpn-connection``, ``--cidr``).
"""

from __future__ import annotations

from cloudshell.cloud.errors import Refused
from cloudshell.cloud.inventory import Record, label
from cloudshell.commands.addresses import ipv4
from cloudshell.commands.context import Context, Result
from cloudshell.commands.deleting import delete_command
from cloudshell.commands.guards import some
from cloudshell.commands.network_state import fresh, listed
from cloudshell.commands.network_values import (
    bgp_asn, customer_gateway_id, network_kind, vpc_id, vpn_connection_id, vpn_gateway_id,
)
from cloudshell.commands.registry import CIDR, INT, TEXT, Invocation, Param, command
from cloudshell.commands.values import cidr, zone_name
from cloudshell.commands.vpcs import group_of

GROUP = group_of("vpn-connection")
TYPE_PARAM = Param("type", ("-t", "--type"), required=True, choices=("ipsec.1",), metavar="ipsec.1",
                   help="the type of VPN connection")
LIVE = ("pending", "available", "attaching", "attached")


def _vpcs_of(vgw: Record) -> list[str]:
    return [str(a.get("VpcId")) for a in vgw.raw.get("VpcAttachments") or ()
            if a.get("VpcId") and a.get("State") in ("attached", "attaching")]


def _connections(ctx: Context, filters: dict[str, list[str]]) -> list[Record]:
    return [c for c in listed(ctx, "vpn-connection", filters) if c.state not in ("deleted", "deleting")]


# -- customer gateways ------------------------------------------------------------------------

@command("create-customer-gateway", GROUP, "Record the far side of a VPN: its public address and BGP ASN.",
         params=(TYPE_PARAM,
                 Param("ip", ("-i", "--ip"), kind=TEXT, required=True, convert=ipv4, metavar="ADDRESS",
                       help="the customer gateway's Internet-facing address"),
                 Param("asn", ("-b", "--bgp-asn"), kind=INT, convert=bgp_asn, metavar="ASN",
                       help="its BGP AS number (default 65000)")),
         mutates=True, example="create-customer-gateway -t ipsec.1 -i 198.51.100.7 -b 65000")
def create_customer_gateway(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("create_customer_gateway", Type=inv.type, IpAddress=inv.ip, BgpAsn=inv.asn or 65000)
    cgw = reply.get("CustomerGateway") or {}
    changes = ctx.after_action([str(cgw.get("CustomerGatewayId") or "")])
    return Result(data=reply, lines=(f"created {cgw.get('CustomerGatewayId', '')} for {inv.ip} "
                                     f"(ASN {cgw.get('BgpAsn', inv.asn or 65000)})",), changes=changes)


def _check_delete_cgw(ctx: Context, inv: Invocation) -> None:
    cgw = fresh(ctx, "customer-gateway", inv.gateway)
    using = _connections(ctx, {"customer-gateway-id": [cgw.id]})
    if using:
        raise Refused(f"delete-customer-gateway: {label(cgw)} is used by {some([label(c) for c in using])}: "
                      "delete-vpn-connection first")


delete_customer_gateway = delete_command(
    network_kind("customer-gateway").name, "Delete a customer gateway no VPN connection uses.",
    Param("gateway", kind="customer-gateway", required=True, convert=customer_gateway_id, metavar="CGATEWAY",
          help="the customer gateway to delete"),
    operation="delete_customer_gateway", key="CustomerGatewayId", check=_check_delete_cgw,
    confirm=lambda ctx, inv: f"Delete {label(fresh(ctx, 'customer-gateway', inv.gateway))}?",
    find=lambda ctx, rid: fresh(ctx, "customer-gateway", rid), example="delete-customer-gateway cgw-1a2b3c4d")


# -- virtual private gateways --------------------------------------------------------------------

@command("create-vpn-gateway", GROUP, "Create a virtual private gateway (the VPC side of a VPN).",
         params=(TYPE_PARAM,
                 Param("zone", ("-z", "--availability-zone"), convert=zone_name, metavar="ZONE",
                       help="availability zone (EC2 picks by default)")),
         mutates=True, example="create-vpn-gateway -t ipsec.1")
def create_vpn_gateway(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("create_vpn_gateway", Type=inv.type, **({"AvailabilityZone": inv.zone} if inv.zone else {}))
    vgw = reply.get("VpnGateway") or {}
    changes = ctx.after_action([str(vgw.get("VpnGatewayId") or "")])
    return Result(data=reply, lines=(f"created {vgw.get('VpnGatewayId', '')}, {vgw.get('State', 'pending')}",),
                  changes=changes)


def _vgw_params(verb: str) -> tuple[Param, ...]:
    return (Param("vpc", ("-c", "--vpc"), kind="vpc", required=True, convert=vpc_id, metavar="VPC",
                  help=f"the VPC to {verb}"),
            Param("gateway", kind="vpn-gateway", required=True, convert=vpn_gateway_id, metavar="VGATEWAY",
                  help="the virtual private gateway"))


def _check_attach(ctx: Context, inv: Invocation) -> None:
    vpc = fresh(ctx, "vpc", inv.vpc)
    vgw = fresh(ctx, "vpn-gateway", inv.gateway)
    where = _vpcs_of(vgw)
    if where:
        raise Refused(f"attach-vpn-gateway: {label(vgw)} is {'already ' if where[0] == vpc.id else ''}attached to "
                      f"{where[0]}")


@command("attach-vpn-gateway", GROUP, "Attach a virtual private gateway to a VPC.", params=_vgw_params("attach it to"),
         mutates=True, check=_check_attach, example="attach-vpn-gateway -c vpc-1a2b3c4d vgw-1a2b3c4d")
def attach_vpn_gateway(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("attach_vpn_gateway", VpnGatewayId=inv.gateway, VpcId=inv.vpc)
    changes = ctx.after_action([inv.gateway])
    state = (reply.get("VpcAttachment") or {}).get("State", "attaching")
    return Result(data=reply, lines=(f"{inv.gateway} {state} to {inv.vpc}",), changes=changes)


def _check_detach(ctx: Context, inv: Invocation) -> None:
    vpc = fresh(ctx, "vpc", inv.vpc)
    vgw = fresh(ctx, "vpn-gateway", inv.gateway)
    if vpc.id not in _vpcs_of(vgw):
        raise Refused(f"detach-vpn-gateway: {label(vgw)} is not attached to {label(vpc)}")


@command("detach-vpn-gateway", GROUP, "Detach a virtual private gateway from its VPC.",
         params=_vgw_params("detach it from"), mutates=True, check=_check_detach,
         example="detach-vpn-gateway -c vpc-1a2b3c4d vgw-1a2b3c4d")
def detach_vpn_gateway(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("detach_vpn_gateway", VpnGatewayId=inv.gateway, VpcId=inv.vpc)
    changes = ctx.after_action([inv.gateway])
    return Result(data=reply, lines=(f"{inv.gateway} detaching from {inv.vpc}",), changes=changes)


def _check_delete_vgw(ctx: Context, inv: Invocation) -> None:
    vgw = fresh(ctx, "vpn-gateway", inv.gateway)
    where = _vpcs_of(vgw)
    if where:
        raise Refused(f"delete-vpn-gateway: {label(vgw)} is attached to {where[0]}: "
                      f"detach-vpn-gateway -c {where[0]} {vgw.id} first")
    using = _connections(ctx, {"vpn-gateway-id": [vgw.id]})
    if using:
        raise Refused(f"delete-vpn-gateway: {label(vgw)} is used by {some([label(c) for c in using])}: "
                      "delete-vpn-connection first")


delete_vpn_gateway = delete_command(
    network_kind("vpn-gateway").name, "Delete a detached virtual private gateway.",
    Param("gateway", kind="vpn-gateway", required=True, convert=vpn_gateway_id, metavar="VGATEWAY",
          help="the virtual private gateway to delete"),
    operation="delete_vpn_gateway", key="VpnGatewayId", check=_check_delete_vgw,
    confirm=lambda ctx, inv: f"Delete {label(fresh(ctx, 'vpn-gateway', inv.gateway))}?",
    find=lambda ctx, rid: fresh(ctx, "vpn-gateway", rid), example="delete-vpn-gateway vgw-1a2b3c4d")


# -- VPN connections and their static routes -------------------------------------------------------

def _check_create_connection(ctx: Context, inv: Invocation) -> None:
    fresh(ctx, "customer-gateway", inv.customer_gateway)
    fresh(ctx, "vpn-gateway", inv.vpn_gateway)


@command("create-vpn-connection", GROUP, "Connect a virtual private gateway to a customer gateway.",
         params=(TYPE_PARAM,
                 Param("customer_gateway", ("--customer-gateway",), kind="customer-gateway", required=True,
                       convert=customer_gateway_id, metavar="CGATEWAY", help="the customer gateway"),
                 Param("vpn_gateway", ("--vpn-gateway",), kind="vpn-gateway", required=True, convert=vpn_gateway_id,
                       metavar="VGATEWAY", help="the virtual private gateway"),
                 Param("static", ("--static-routes-only",), action="flag", help="static routes instead of BGP"),
                 Param("format", ("--format",), choices=("xml", "none"), metavar="FORMAT",
                       help="euca output: xml prints the connection's configuration after its record, none not")),
         mutates=True, check=_check_create_connection,
         example="create-vpn-connection -t ipsec.1 --customer-gateway cgw-1a2b3c4d --vpn-gateway vgw-1a2b3c4d")
def create_vpn_connection(ctx: Context, inv: Invocation) -> Result:
    params = {"Type": inv.type, "CustomerGatewayId": inv.customer_gateway, "VpnGatewayId": inv.vpn_gateway}
    if inv.static:
        params["Options"] = {"StaticRoutesOnly": True}
    reply = ctx.send("create_vpn_connection", **params)
    vpn = reply.get("VpnConnection") or {}
    changes = ctx.after_action([str(vpn.get("VpnConnectionId") or "")])
    return Result(data=reply, lines=(f"created {vpn.get('VpnConnectionId', '')} between {inv.vpn_gateway} and "
                                     f"{inv.customer_gateway}, {vpn.get('State', 'pending')}",), changes=changes)


delete_vpn_connection = delete_command(
    network_kind("vpn-connection").name, "Delete a VPN connection (its tunnels go down).",
    Param("connection", kind="vpn-connection", required=True, convert=vpn_connection_id, metavar="VPNCONN",
          help="the VPN connection to delete"),
    operation="delete_vpn_connection", key="VpnConnectionId",
    check=lambda ctx, inv: fresh(ctx, "vpn-connection", inv.connection) and None,
    confirm=lambda ctx, inv: f"Delete {label(fresh(ctx, 'vpn-connection', inv.connection))}? Its tunnels go down.",
    find=lambda ctx, rid: fresh(ctx, "vpn-connection", rid), example="delete-vpn-connection vpn-1a2b3c4d")


def _route_params(verb: str) -> tuple[Param, ...]:
    return (Param("connection", ("--vpn-connection",), kind="vpn-connection", required=True,
                  convert=vpn_connection_id, metavar="VPNCONN", help="the VPN connection"),
            Param("cidr", ("--cidr",), kind=CIDR, required=True, convert=cidr, metavar="CIDR",
                  help=f"the block to {verb} a route for"))


def _routes_of(conn: Record) -> list[str]:
    return [str(r.get("DestinationCidrBlock")) for r in conn.raw.get("Routes") or ()
            if r.get("State") not in ("deleted", "deleting")]


def _check_route(adding: bool):
    def check(ctx: Context, inv: Invocation) -> None:
        conn = fresh(ctx, "vpn-connection", inv.connection)
        routes = _routes_of(conn)
        if adding and inv.cidr in routes:
            raise Refused(f"{inv.command.name}: {label(conn)} already routes {inv.cidr}")
        if not adding and inv.cidr not in routes:
            raise Refused(f"{inv.command.name}: {label(conn)} has no static route to {inv.cidr}"
                          f"{' (its routes: ' + ', '.join(routes) + ')' if routes else ''}")
    return check


@command("create-vpn-connection-route", GROUP, "Add a static route from a VPN connection to the customer side.",
         params=_route_params("add"), mutates=True, check=_check_route(True),
         example="create-vpn-connection-route --vpn-connection vpn-1a2b3c4d --cidr 192.168.0.0/16")
def create_vpn_connection_route(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("create_vpn_connection_route", VpnConnectionId=inv.connection, DestinationCidrBlock=inv.cidr)
    changes = ctx.after_action([inv.connection])
    return Result(data=reply, lines=(f"{inv.connection}: {inv.cidr} routed to the customer side",), changes=changes)


@command("delete-vpn-connection-route", GROUP, "Delete a static route of a VPN connection.",
         params=_route_params("delete"), mutates=True, destroys=True, check=_check_route(False),
         confirm=lambda ctx, inv: f"Delete {inv.connection}'s route to {inv.cidr}?",
         example="delete-vpn-connection-route --vpn-connection vpn-1a2b3c4d --cidr 192.168.0.0/16")
def delete_vpn_connection_route(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("delete_vpn_connection_route", VpnConnectionId=inv.connection, DestinationCidrBlock=inv.cidr)
    changes = ctx.after_action([inv.connection])
    return Result(data=reply, lines=(f"{inv.connection}: deleted the route to {inv.cidr}",), changes=changes)
