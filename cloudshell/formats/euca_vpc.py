"""``--output euca`` records of the VPC and networking commands that change things (create, attach,
associate, replace…), each following its ``print_result`` in euca2ools 3.4 (``print_vpc``,
``print_subnet``… records of formats/euca_network.py, shared with the describes); the field rules
are formats/euca.py's. Commands whose euca2ools class prints nothing (delete-vpc, detach-…) have
an empty layout. Merged into :data:`cloudshell.formats.euca.PRINTERS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cloudshell.formats import euca_network as network
from cloudshell.formats.euca import Printer, Row, _get

PROTOCOL_NAMES = network.PROTOCOLS


def _one(key: str, rows: Any) -> Printer:
    return lambda data, _: rows(data.get(key) or {})


def _nothing(data: Mapping[str, Any], args: Mapping[str, Any]) -> Iterable[Row]:
    return ()


def _acl_entry(_: Mapping[str, Any], args: Mapping[str, Any]) -> Iterable[Row]:
    proto = args.get("protocol") or "-1"
    number = {"-1": -1, "icmp": 1, "tcp": 6, "udp": 17}.get(proto)
    number = int(proto) if number is None else number
    ports = args.get("icmp") if number == 1 else args.get("ports")
    low, high = ports if ports else (None, None)
    if number == 1:
        # euca2ools prints ``type or from`` and ``code or to``: an ICMP 0 falls through to the port
        # range an ICMP entry has not, so it leaves an empty field (a port 0 is printed).
        low, high = low or None, high or None
    yield ("ENTRY", "egress" if args.get("egress") else "ingress", args.get("rule"),
           "allow" if args.get("allow") else "deny", args.get("cidr"), PROTOCOL_NAMES.get(number, number), low, high)


def _route(targets: tuple[str, ...]) -> Printer:
    def printer(_: Mapping[str, Any], args: Mapping[str, Any]) -> Iterable[Row]:
        target = next((args.get(d) for d in targets if args.get(d)), None)
        yield ("ROUTE", target, args.get("cidr"))
    return printer


def _interface_attribute(data: Mapping[str, Any], args: Mapping[str, Any]) -> Iterable[Row]:
    chosen = next((d for d in ("description", "source_dest_check", "group_set", "attachment") if args.get(d)), "")
    attribute = {"description": "description", "source_dest_check": "sourceDestCheck", "group_set": "groupSet",
                 "attachment": "attachment"}.get(chosen, "")
    yield ("NETWORKINTERFACE", data.get("NetworkInterfaceId"), attribute)
    if chosen == "description":
        yield ("DESCRIPTION", _get(data, "Description", "Value"))
    elif chosen == "source_dest_check":
        yield ("SOURCEDESTCHECK", _get(data, "SourceDestCheck", "Value"))
    elif chosen == "group_set":
        for g in data.get("Groups") or ():
            yield ("GROUP", g.get("GroupId"), g.get("GroupName"))
    elif chosen == "attachment" and data.get("Attachment"):
        a = data["Attachment"]
        # euca2ools reads ``attachmentID`` (no answer has that key): the ID's field stays empty.
        yield ("ATTACHMENT", None, a.get("DeviceIndex"), a.get("Status"), a.get("AttachTime"),
               a.get("DeleteOnTermination"))


def _vpn_connection(data: Mapping[str, Any], args: Mapping[str, Any]) -> Iterable[Row]:
    """Its record, then (unless --format none, as euca2ools) the customer gateway's configuration."""
    vpn = data.get("VpnConnection") or {}
    rows = list(network.vpn_connection(vpn))
    yield rows[0]
    if args.get("format") != "none" and vpn.get("CustomerGatewayConfiguration"):
        for line in str(vpn["CustomerGatewayConfiguration"]).splitlines():
            yield (line,)
    yield from rows[1:]


def _vpc_attribute(data: Mapping[str, Any], args: Mapping[str, Any]) -> Iterable[Row]:
    key = "EnableDnsHostnames" if args.get("dns_hostnames") else "EnableDnsSupport"
    yield ("RETURN", _get(data, key, "Value"))


VPC_PRINTERS: dict[str, Printer] = {
    "create-vpc": _one("Vpc", network.vpc),
    "delete-vpc": _nothing,
    "modify-vpc-attribute": _nothing,
    "describe-vpc-attribute": _vpc_attribute,
    "create-subnet": _one("Subnet", network.subnet),
    "delete-subnet": _nothing,
    "modify-subnet-attribute": _nothing,
    "create-dhcp-options": _one("DhcpOptions", network.dhcp_options),
    "delete-dhcp-options": _nothing,
    "associate-dhcp-options": lambda _, args: [("DHCPOPTIONS", args.get("dhcp_options"), args.get("vpc"))],
    "create-internet-gateway": _one("InternetGateway", network.internet_gateway),
    "attach-internet-gateway": _nothing,
    "detach-internet-gateway": _nothing,
    "delete-internet-gateway": _nothing,
    "create-nat-gateway": _one("NatGateway", network.nat_gateway),
    "delete-nat-gateway": lambda data, _: [(data.get("NatGatewayId"),)],
    "create-route-table": _one("RouteTable", network.route_table),
    "delete-route-table": _nothing,
    # euca2ools' create-route reads its -g from a name it never sets: a gateway target (internet or
    # NAT) prints an empty field there; replace-route prints it.
    "create-route": _route(("instance", "interface", "peering")),
    "replace-route": _route(("gateway", "instance", "interface", "peering")),
    "delete-route": _nothing,
    "associate-route-table": lambda data, args: [("ASSOCIATION", data.get("AssociationId"), args.get("route_table"),
                                                  args.get("subnet"))],
    "disassociate-route-table": _nothing,
    "replace-route-table-association": lambda data, args: [("ASSOCIATION", data.get("NewAssociationId"),
                                                            args.get("route_table"))],
    "enable-vgw-route-propagation": _nothing,
    "disable-vgw-route-propagation": _nothing,
    "create-network-acl": _one("NetworkAcl", network.network_acl),
    "delete-network-acl": _nothing,
    "create-network-acl-entry": _acl_entry,
    "replace-network-acl-entry": _acl_entry,
    "delete-network-acl-entry": _nothing,
    "replace-network-acl-association": lambda data, args: [("ASSOCIATION", data.get("NewAssociationId"),
                                                            args.get("acl"))],
    "create-network-interface": _one("NetworkInterface", network.network_interface),
    "delete-network-interface": _nothing,
    "attach-network-interface": lambda data, _: [(data.get("AttachmentId"),)],
    "detach-network-interface": _nothing,
    "assign-private-ip-addresses": _nothing,
    "unassign-private-ip-addresses": _nothing,
    "describe-network-interface-attribute": _interface_attribute,
    "modify-network-interface-attribute": _nothing,
    "reset-network-interface-attribute": lambda _, args: [("sourceDestCheck", args.get("interface"), "RESET")],
    "create-customer-gateway": _one("CustomerGateway", network.customer_gateway),
    "delete-customer-gateway": _nothing,
    "create-vpn-gateway": _one("VpnGateway", network.vpn_gateway),
    "delete-vpn-gateway": _nothing,
    "attach-vpn-gateway": lambda data, _: [("VGWATTACHMENT", _get(data, "VpcAttachment", "VpcId"),
                                            _get(data, "VpcAttachment", "State"))],
    "detach-vpn-gateway": _nothing,
    "create-vpn-connection": _vpn_connection,
    "delete-vpn-connection": _nothing,
    "create-vpn-connection-route": _nothing,
    "delete-vpn-connection-route": _nothing,
    "create-vpc-peering-connection": _one("VpcPeeringConnection", network.peering_connection),
    "accept-vpc-peering-connection": _one("VpcPeeringConnection", network.peering_connection),
    "reject-vpc-peering-connection": _nothing,
    "delete-vpc-peering-connection": _nothing,
}
