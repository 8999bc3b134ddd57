"""``--output euca`` of the network describes: euca2ools 3.4's records of VPCs, subnets, gateways,
route tables, interfaces, ACLs, DHCP options, VPN pieces and peering connections.

The layouts follow the ``print_vpc``, ``print_subnet``… methods of euca2ools' ``commands/ec2``
package, over the awscli-shaped answer. Each record function is public: the commands that create
one of these (``create-vpc`` prints its VPC record) reuse them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cloudshell.cloud.kinds import euca2ools_resource_type

Row = tuple[Any, ...]
Raw = Mapping[str, Any]

# euca2ools' names of the IP protocols an ACL entry gives by number.
PROTOCOLS = {-1: "all", 1: "icmp", 6: "tcp", 17: "udp", 132: "sctp"}


def tags(raw: Raw, resource_id: Any) -> Iterable[Row]:
    for t in raw.get("Tags") or raw.get("TagSet") or ():
        yield ("TAG", euca2ools_resource_type(str(resource_id or "")), resource_id, t.get("Key"), t.get("Value"))


def vpc(v: Raw) -> Iterable[Row]:
    yield ("VPC", v.get("VpcId"), v.get("State"), v.get("CidrBlock"), v.get("DhcpOptionsId"),
           v.get("InstanceTenancy"), v.get("IsDefault"))
    yield from tags(v, v.get("VpcId"))


def subnet(s: Raw) -> Iterable[Row]:
    yield ("SUBNET", s.get("SubnetId"), s.get("State"), s.get("VpcId"), s.get("CidrBlock"),
           s.get("AvailableIpAddressCount"), s.get("AvailabilityZone"), s.get("DefaultForAz"),
           s.get("MapPublicIpOnLaunch"))
    yield from tags(s, s.get("SubnetId"))


def internet_gateway(g: Raw) -> Iterable[Row]:
    yield ("INTERNETGATEWAY", g.get("InternetGatewayId"))
    for one in g.get("Attachments") or ():
        yield ("ATTACHMENT", one.get("VpcId"), one.get("State"))
    yield from tags(g, g.get("InternetGatewayId"))


def nat_gateway(n: Raw) -> Iterable[Row]:
    yield ("NATGATEWAY", n.get("NatGatewayId"), n.get("State"), n.get("SubnetId"), n.get("VpcId"),
           n.get("FailureCode"), n.get("FailureMessage"), n.get("CreateTime"), n.get("DeleteTime"))
    for a in n.get("NatGatewayAddresses") or ():
        yield ("NATGATEWAYADDRESSES", a.get("AllocationId"), a.get("NetworkInterfaceId"), a.get("PublicIp"),
               a.get("PrivateIp"))


def peering_connection(p: Raw) -> Iterable[Row]:
    status = p.get("Status") or {}
    yield ("VPCPEERINGCONNECTION", p.get("VpcPeeringConnectionId"), p.get("ExpirationTime"),
           f"{status.get('Code')}: {status.get('Message')}")
    for record, side in (("REQUESTERVPCINFO", "RequesterVpcInfo"), ("ACCEPTERVPCINFO", "AccepterVpcInfo")):
        info = p.get(side) or {}
        yield (record, info.get("VpcId"), info.get("CidrBlock"), info.get("OwnerId"))
    yield from tags(p, p.get("VpcPeeringConnectionId"))


def _protocol(value: Any) -> Any:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    return PROTOCOLS.get(number, number)


def network_acl(acl: Raw) -> Iterable[Row]:
    yield ("NETWORKACL", acl.get("NetworkAclId"), acl.get("VpcId"), "default" if acl.get("IsDefault") else "")
    for e in acl.get("Entries") or ():
        if "IcmpTypeCode" in e:
            low, high = (e.get("IcmpTypeCode") or {}).get("Code"), (e.get("IcmpTypeCode") or {}).get("Type")
        else:
            low, high = (e.get("PortRange") or {}).get("From"), (e.get("PortRange") or {}).get("To")
        yield ("ENTRY", "egress" if e.get("Egress") else "ingress", e.get("RuleNumber"), e.get("RuleAction"),
               e.get("CidrBlock"), _protocol(e.get("Protocol")), low, high)
    for a in acl.get("Associations") or ():
        yield ("ASSOCIATION", a.get("NetworkAclAssociationId"), a.get("SubnetId"))
    yield from tags(acl, acl.get("NetworkAclId"))


def route_table(t: Raw) -> Iterable[Row]:
    yield ("ROUTETABLE", t.get("RouteTableId"), t.get("VpcId"))
    for r in t.get("Routes") or ():
        target = (r.get("GatewayId") or r.get("NetworkInterfaceId") or r.get("InstanceId")
                  or r.get("NatGatewayId") or r.get("VpcPeeringConnectionId"))
        yield ("ROUTE", target, r.get("State"), r.get("DestinationCidrBlock"), r.get("Origin"))
    for vgw in t.get("PropagatingVgws") or ():
        yield ("PROPAGATINGVGW", vgw.get("GatewayId"))
    for a in t.get("Associations") or ():
        yield ("ASSOCIATION", a.get("RouteTableAssociationId"), a.get("SubnetId"), "main" if a.get("Main") else "")
    yield from tags(t, t.get("RouteTableId"))


def network_interface(n: Raw) -> Iterable[Row]:
    yield ("NETWORKINTERFACE", n.get("NetworkInterfaceId"), n.get("SubnetId"), n.get("VpcId"), n.get("OwnerId"),
           n.get("Status"), n.get("PrivateIpAddress"), n.get("PrivateDnsName"), n.get("SourceDestCheck"))
    att = n.get("Attachment")
    if att:
        yield ("ATTACHMENT", att.get("InstanceId"), att.get("AttachmentId"), att.get("DeviceIndex"),
               att.get("Status"), att.get("AttachTime"), att.get("DeleteOnTermination"))
    addresses = n.get("PrivateIpAddresses") or ()
    assoc = n.get("Association")
    if assoc:
        # euca2ools prints the private address whose association carries this public one.
        private = next((p.get("PrivateIpAddress") for p in addresses
                        if (p.get("Association") or {}).get("PublicIp") == assoc.get("PublicIp")), None)
        yield ("ASSOCIATION", assoc.get("PublicIp"), assoc.get("IpOwnerId"), private)
    for g in n.get("Groups") or ():
        yield ("GROUP", g.get("GroupId"), g.get("GroupName"))
    for p in addresses:
        yield ("PRIVATEIPADDRESS", p.get("PrivateIpAddress"), p.get("PrivateDnsName"),
               "primary" if p.get("Primary") else None)
    yield from tags(n, n.get("NetworkInterfaceId"))


def customer_gateway(c: Raw) -> Iterable[Row]:
    yield ("CUSTOMERGATEWAY", c.get("CustomerGatewayId"), c.get("State"), c.get("Type"), c.get("IpAddress"),
           c.get("BgpAsn"))
    yield from tags(c, c.get("CustomerGatewayId"))


def vpn_gateway(v: Raw) -> Iterable[Row]:
    yield ("VPNGATEWAY", v.get("VpnGatewayId"), v.get("State"), v.get("AvailabilityZone"), v.get("Type"))
    for a in v.get("VpcAttachments") or ():
        yield ("VGWATTACHMENT", a.get("VpcId"), a.get("State"))
    yield from tags(v, v.get("VpnGatewayId"))


def vpn_connection(v: Raw) -> Iterable[Row]:
    # euca2ools shows the customer gateway's configuration only when --format asks; never here.
    yield ("VPNCONNECTION", v.get("VpnConnectionId"), v.get("Type"), v.get("CustomerGatewayId"),
           v.get("VpnGatewayId"), v.get("State"))
    yield from tags(v, v.get("VpnConnectionId"))


def dhcp_options(d: Raw) -> Iterable[Row]:
    yield ("DHCPOPTIONS", d.get("DhcpOptionsId"))
    for option in d.get("DhcpConfigurations") or ():
        values = [str(v.get("Value", "")) if isinstance(v, Mapping) else str(v) for v in option.get("Values") or ()]
        yield ("OPTION", option.get("Key"), ",".join(values))
    yield from tags(d, d.get("DhcpOptionsId"))


def _each(key: str, one: Any) -> Any:
    def printer(data: Raw, _args: Raw) -> Iterable[Row]:
        for raw in data.get(key) or ():
            yield from one(raw)
    return printer


NETWORK_PRINTERS = {
    "describe-vpcs": _each("Vpcs", vpc),
    "describe-subnets": _each("Subnets", subnet),
    "describe-internet-gateways": _each("InternetGateways", internet_gateway),
    "describe-route-tables": _each("RouteTables", route_table),
    "describe-nat-gateways": _each("NatGateways", nat_gateway),
    "describe-network-interfaces": _each("NetworkInterfaces", network_interface),
    "describe-network-acls": _each("NetworkAcls", network_acl),
    "describe-dhcp-options": _each("DhcpOptions", dhcp_options),
    "describe-customer-gateways": _each("CustomerGateways", customer_gateway),
    "describe-vpn-gateways": _each("VpnGateways", vpn_gateway),
    "describe-vpn-connections": _each("VpnConnections", vpn_connection),
    "describe-vpc-peering-connections": _each("VpcPeeringConnections", peering_connection),
}
