"""``--output euca`` records of the VPC and networking commands that change things (create, attach,
associate, replace…), each following its ``print_result`` in euca2ools 3.4 (``print_vpc``,
``print_subnet``, ``print_route_table``… of ``euca2ools/commands/ec2/__init__.py``); the field rules
are formats/euca.py's. Commands whose euca2ools class prints nothing (delete-vpc, detach-…) have
an empty layout. Merged into :data:`cloudshell.formats.euca.PRINTERS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cloudshell.formats.euca import Printer, Row, _get, _interface, _tags

PROTOCOL_NAMES = {-1: "all", 1: "icmp", 6: "tcp", 17: "udp", 132: "sctp"}


def vpc_rows(v: Mapping[str, Any]) -> Iterable[Row]:
    yield ("VPC", v.get("VpcId"), v.get("State"), v.get("CidrBlock"), v.get("DhcpOptionsId"),
           v.get("InstanceTenancy"), v.get("IsDefault"))
    yield from _tags(v, v.get("VpcId"))


def subnet_rows(s: Mapping[str, Any]) -> Iterable[Row]:
    yield ("SUBNET", s.get("SubnetId"), s.get("State"), s.get("VpcId"), s.get("CidrBlock"),
           s.get("AvailableIpAddressCount"), s.get("AvailabilityZone"), s.get("DefaultForAz"),
           s.get("MapPublicIpOnLaunch"))
    yield from _tags(s, s.get("SubnetId"))


def internet_gateway_rows(g: Mapping[str, Any]) -> Iterable[Row]:
    yield ("INTERNETGATEWAY", g.get("InternetGatewayId"))
    for a in g.get("Attachments") or ():
        yield ("ATTACHMENT", a.get("VpcId"), a.get("State"))
    yield from _tags(g, g.get("InternetGatewayId"))


def nat_gateway_rows(n: Mapping[str, Any]) -> Iterable[Row]:
    yield ("NATGATEWAY", n.get("NatGatewayId"), n.get("State"), n.get("SubnetId"), n.get("VpcId"),
           n.get("FailureCode"), n.get("FailureMessage"), n.get("CreateTime"), n.get("DeleteTime"))
    for a in n.get("NatGatewayAddresses") or ():
        yield ("NATGATEWAYADDRESSES", a.get("AllocationId"), a.get("NetworkInterfaceId"), a.get("PublicIp"),
               a.get("PrivateIp"))


def peering_rows(p: Mapping[str, Any]) -> Iterable[Row]:
    status = p.get("Status") or {}
    yield ("VPCPEERINGCONNECTION", p.get("VpcPeeringConnectionId"), p.get("ExpirationTime"),
           f"{status.get('Code')}: {status.get('Message')}")
    for word, key in (("REQUESTERVPCINFO", "RequesterVpcInfo"), ("ACCEPTERVPCINFO", "AccepterVpcInfo")):
        info = p.get(key) or {}
        yield (word, info.get("VpcId"), info.get("CidrBlock"), info.get("OwnerId"))
    yield from _tags(p, p.get("VpcPeeringConnectionId"))


def _protocol(value: Any) -> Any:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    return PROTOCOL_NAMES.get(number, number)


def network_acl_rows(a: Mapping[str, Any]) -> Iterable[Row]:
    yield ("NETWORKACL", a.get("NetworkAclId"), a.get("VpcId"), "default" if a.get("IsDefault") else "")
    for e in a.get("Entries") or ():
        if "IcmpTypeCode" in e:   # euca2ools prints the code before the type
            low, high = _get(e, "IcmpTypeCode", "Code"), _get(e, "IcmpTypeCode", "Type")
        else:
            low, high = _get(e, "PortRange", "From"), _get(e, "PortRange", "To")
        yield ("ENTRY", "egress" if e.get("Egress") else "ingress", e.get("RuleNumber"), e.get("RuleAction"),
               e.get("CidrBlock"), _protocol(e.get("Protocol")), low, high)
    for assoc in a.get("Associations") or ():
        yield ("ASSOCIATION", assoc.get("NetworkAclAssociationId"), assoc.get("SubnetId"))
    yield from _tags(a, a.get("NetworkAclId"))


def route_table_rows(t: Mapping[str, Any]) -> Iterable[Row]:
    yield ("ROUTETABLE", t.get("RouteTableId"), t.get("VpcId"))
    for r in t.get("Routes") or ():
        target = (r.get("GatewayId") or r.get("NetworkInterfaceId") or r.get("InstanceId") or r.get("NatGatewayId")
                  or r.get("VpcPeeringConnectionId"))
        yield ("ROUTE", target, r.get("State"), r.get("DestinationCidrBlock"), r.get("Origin"))
    for vgw in t.get("PropagatingVgws") or ():
        yield ("PROPAGATINGVGW", vgw.get("GatewayId"))
    for assoc in t.get("Associations") or ():
        yield ("ASSOCIATION", assoc.get("RouteTableAssociationId"), assoc.get("SubnetId"),
               "main" if assoc.get("Main") else "")
    yield from _tags(t, t.get("RouteTableId"))


def customer_gateway_rows(c: Mapping[str, Any]) -> Iterable[Row]:
    yield ("CUSTOMERGATEWAY", c.get("CustomerGatewayId"), c.get("State"), c.get("Type"), c.get("IpAddress"),
           c.get("BgpAsn"))
    yield from _tags(c, c.get("CustomerGatewayId"))


def vpn_gateway_rows(g: Mapping[str, Any]) -> Iterable[Row]:
    yield ("VPNGATEWAY", g.get("VpnGatewayId"), g.get("State"), g.get("AvailabilityZone"), g.get("Type"))
    for a in g.get("VpcAttachments") or ():
        yield ("VGWATTACHMENT", a.get("VpcId"), a.get("State"))
    yield from _tags(g, g.get("VpnGatewayId"))


def vpn_connection_rows(v: Mapping[str, Any], config: bool = False) -> Iterable[Row]:
    yield ("VPNCONNECTION", v.get("VpnConnectionId"), v.get("Type"), v.get("CustomerGatewayId"),
           v.get("VpnGatewayId"), v.get("State"))
    if config and v.get("CustomerGatewayConfiguration"):
        for line in str(v["CustomerGatewayConfiguration"]).splitlines():
            yield (line,)
    yield from _tags(v, v.get("VpnConnectionId"))


def dhcp_options_rows(d: Mapping[str, Any]) -> Iterable[Row]:
    yield ("DHCPOPTIONS", d.get("DhcpOptionsId"))
    for option in d.get("DhcpConfigurations") or ():
        yield ("OPTION", option.get("Key"), ",".join(str(v.get("Value")) for v in option.get("Values") or ()))
    yield from _tags(d, d.get("DhcpOptionsId"))


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
    yield ("ENTRY", "egress" if args.get("egress") else "ingress", args.get("rule"),
           "allow" if args.get("allow") else "deny", args.get("cidr"), PROTOCOL_NAMES.get(number, number), low, high)


def _route(_: Mapping[str, Any], args: Mapping[str, Any]) -> Iterable[Row]:
    target = next((args.get(d) for d in ("gateway", "instance", "interface", "peering") if args.get(d)), None)
    yield ("ROUTE", target, args.get("cidr"))


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
        yield ("ATTACHMENT", a.get("AttachmentId"), a.get("DeviceIndex"), a.get("Status"), a.get("AttachTime"),
               a.get("DeleteOnTermination"))


def _vpc_attribute(data: Mapping[str, Any], args: Mapping[str, Any]) -> Iterable[Row]:
    key = "EnableDnsHostnames" if args.get("dns_hostnames") else "EnableDnsSupport"
    yield ("RETURN", _get(data, key, "Value"))


VPC_PRINTERS: dict[str, Printer] = {
    "create-vpc": _one("Vpc", vpc_rows),
    "delete-vpc": _nothing,
    "modify-vpc-attribute": _nothing,
    "describe-vpc-attribute": _vpc_attribute,
    "create-subnet": _one("Subnet", subnet_rows),
    "delete-subnet": _nothing,
    "modify-subnet-attribute": _nothing,
    "create-dhcp-options": _one("DhcpOptions", dhcp_options_rows),
    "delete-dhcp-options": _nothing,
    "associate-dhcp-options": lambda _, args: [("DHCPOPTIONS", args.get("dhcp_options"), args.get("vpc"))],
    "create-internet-gateway": _one("InternetGateway", internet_gateway_rows),
    "attach-internet-gateway": _nothing,
    "detach-internet-gateway": _nothing,
    "delete-internet-gateway": _nothing,
    "create-nat-gateway": _one("NatGateway", nat_gateway_rows),
    "delete-nat-gateway": lambda data, _: [(data.get("NatGatewayId"),)],
    "create-route-table": _one("RouteTable", route_table_rows),
    "delete-route-table": _nothing,
    "create-route": _route,
    "replace-route": _route,
    "delete-route": _nothing,
    "associate-route-table": lambda data, args: [("ASSOCIATION", data.get("AssociationId"), args.get("route_table"),
                                                  args.get("subnet"))],
    "disassociate-route-table": _nothing,
    "replace-route-table-association": lambda data, args: [("ASSOCIATION", data.get("NewAssociationId"),
                                                            args.get("route_table"))],
    "enable-vgw-route-propagation": _nothing,
    "disable-vgw-route-propagation": _nothing,
    "create-network-acl": _one("NetworkAcl", network_acl_rows),
    "delete-network-acl": _nothing,
    "create-network-acl-entry": _acl_entry,
    "replace-network-acl-entry": _acl_entry,
    "delete-network-acl-entry": _nothing,
    "replace-network-acl-association": lambda data, args: [("ASSOCIATION", data.get("NewAssociationId"),
                                                            args.get("acl"))],
    "create-network-interface": _one("NetworkInterface", _interface),
    "delete-network-interface": _nothing,
    "attach-network-interface": lambda data, _: [(data.get("AttachmentId"),)],
    "detach-network-interface": _nothing,
    "assign-private-ip-addresses": _nothing,
    "unassign-private-ip-addresses": _nothing,
    "describe-network-interface-attribute": _interface_attribute,
    "modify-network-interface-attribute": _nothing,
    "reset-network-interface-attribute": lambda _, args: [("sourceDestCheck", args.get("interface"), "RESET")],
    "create-customer-gateway": _one("CustomerGateway", customer_gateway_rows),
    "delete-customer-gateway": _nothing,
    "create-vpn-gateway": _one("VpnGateway", vpn_gateway_rows),
    "delete-vpn-gateway": _nothing,
    "attach-vpn-gateway": lambda data, _: [("VGWATTACHMENT", _get(data, "VpcAttachment", "VpcId"),
                                            _get(data, "VpcAttachment", "State"))],
    "detach-vpn-gateway": _nothing,
    "create-vpn-connection": lambda data, args: vpn_connection_rows(data.get("VpnConnection") or {},
                                                                    config=args.get("format") != "none"),
    "delete-vpn-connection": _nothing,
    "create-vpn-connection-route": _nothing,
    "delete-vpn-connection-route": _nothing,
    "create-vpc-peering-connection": _one("VpcPeeringConnection", peering_rows),
    "accept-vpc-peering-connection": _one("VpcPeeringConnection", peering_rows),
    "reject-vpc-peering-connection": _nothing,
    "delete-vpc-peering-connection": _nothing,
}
