"""The network kinds' rows: VPCs, subnets, gateways, route tables, interfaces, ACLs, DHCP options,
VPN pieces and peering connections (issue 13).

All sit on the slow tier (swept every 12th sweep, like groups): networks change seldom, and a
mutating command refreshes what it touched by ID. None has a view of its own here: the monitor's
Networks view draws VPCs with their subnets (``screens``), the rest are described and completed.
"""

from __future__ import annotations

from collections.abc import Callable

from cloudshell.cloud.kinds.base import BAD, BUSY, GOOD, INFO, WARN, Describe, Raw, ResourceKind, col, tag

SLOW = 12   # sweep_every of the network kinds: the groups' tier


def _name(raw: Raw) -> str:
    return tag(raw, "Name")


def yes_no(value: object) -> str:
    return "yes" if value else "no"


def _vpc_attachment(raw: Raw, key: str = "Attachments") -> Raw:
    """The first attachment that is not gone (internet and VPN gateways)."""
    for one in raw.get(key) or ():
        if one.get("State") not in ("detached",):
            return one
    return {}


def _igw_state(raw: Raw) -> str:
    one = _vpc_attachment(raw)
    if not one:
        return "detached"
    state = str(one.get("State") or "")
    return "attached" if state in ("available", "attached") else state


def _vgw_vpc(raw: Raw) -> str:
    return str(_vpc_attachment(raw, "VpcAttachments").get("VpcId") or "")


def _main(raw: Raw) -> str:
    return yes_no(any(a.get("Main") for a in raw.get("Associations") or ()))


def _associated_subnets(raw: Raw) -> str:
    return ", ".join(str(a["SubnetId"]) for a in raw.get("Associations") or () if a.get("SubnetId"))


def route_target(route: Raw) -> str:
    """Where one route leads: ``local``, ``igw-…``, ``nat-…``, ``i-…``, ``eni-…``, ``pcx-…``…"""
    for key in ("GatewayId", "NatGatewayId", "InstanceId", "NetworkInterfaceId", "VpcPeeringConnectionId",
                "TransitGatewayId", "EgressOnlyInternetGatewayId", "LocalGatewayId", "CarrierGatewayId"):
        if route.get(key):
            return str(route[key])
    return ""


def _routes(raw: Raw) -> str:
    parts = []
    for route in raw.get("Routes") or ():
        dest = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock") \
            or route.get("DestinationPrefixListId") or ""
        state = "" if route.get("State") in (None, "active") else f" ({route['State']})"
        parts.append(f"{dest}→{route_target(route)}{state}")
    return "; ".join(parts)


def _eni_attachment(raw: Raw) -> Raw:
    return raw.get("Attachment") or {}


def _eni_public(raw: Raw) -> str:
    return str((raw.get("Association") or {}).get("PublicIp") or "")


def _acl_entries(raw: Raw) -> str:
    entries = raw.get("Entries") or ()
    inbound = sum(1 for e in entries if not e.get("Egress"))
    return f"{inbound} in, {len(entries) - inbound} out"


def _acl_subnets(raw: Raw) -> str:
    return ", ".join(str(a["SubnetId"]) for a in raw.get("Associations") or () if a.get("SubnetId"))


def _dhcp_options(raw: Raw) -> str:
    parts = []
    for conf in raw.get("DhcpConfigurations") or ():
        values = [str(v.get("Value", "")) if isinstance(v, dict) else str(v) for v in conf.get("Values") or ()]
        parts.append(f"{conf.get('Key', '')}={','.join(values)}")
    return "; ".join(parts)


def _nat_address(raw: Raw, key: str) -> str:
    return ", ".join(str(a[key]) for a in raw.get("NatGatewayAddresses") or () if a.get(key))


def _pcx_state(raw: Raw) -> str:
    return str((raw.get("Status") or {}).get("Code") or "")


def _pcx_side(side: str, key: str) -> Callable[[Raw], str]:
    return lambda raw: str((raw.get(side) or {}).get(key) or "")


def _state(raw: Raw) -> str:
    return str(raw.get("State") or "")


def _describe(command: str, what: str, flag: str, key: str, metavar: str, example: str = "",
              paginated: bool = True) -> Describe:
    """A network kind's describe command: IDs as arguments (euca2ools' metavar) or under awscli's option."""
    return Describe(command, f"List {what} (all, or the IDs given).", example or command,
                    metavar=metavar, options=((flag, key, f"{what[:-1] if what.endswith('s') else what} IDs", True),),
                    paginated=paginated)


VPCS = ResourceKind(
    name="vpcs", singular="VPC", operation="describe_vpcs", result_path=("Vpcs",), id_key="VpcId",
    id_prefixes=("vpc-",), id_filter="vpc-id", ids_param="VpcIds", state=_state, sweep_every=SLOW,
    value_kind="vpc", group="networks", cached=("cidr",),
    describe=_describe("describe-vpcs", "VPCs", "--vpc-ids", "VpcIds", "VPC", "describe-vpcs --filter state=available"),
    state_classes={"available": GOOD, "pending": BUSY},
    wait_states=("pending", "available"),
    meta=lambda rec: ((rec["cidr"],) if rec["cidr"] else (), ("default",) if rec["default"] == "yes" else ()),
    columns=(
        col("id", "ID", lambda r: r.get("VpcId", ""), 21),
        col("name", "Name", _name),
        col("state", "State", _state),
        col("cidr", "CIDR", lambda r: r.get("CidrBlock") or ""),
        col("dhcp", "DHCP options", lambda r: r.get("DhcpOptionsId") or ""),
        col("tenancy", "Tenancy", lambda r: r.get("InstanceTenancy") or ""),
        col("default", "Default", lambda r: yes_no(r.get("IsDefault"))),
    ),
)

SUBNETS = ResourceKind(
    name="subnets", singular="subnet", operation="describe_subnets", result_path=("Subnets",),
    id_key="SubnetId", id_prefixes=("subnet-",), id_filter="subnet-id", ids_param="SubnetIds",
    state=_state, zone=lambda r: str(r.get("AvailabilityZone") or ""), sweep_every=SLOW,
    value_kind="subnet", group="networks", cached=("vpc", "cidr", "free"),
    describe=_describe("describe-subnets", "subnets", "--subnet-ids", "SubnetIds", "SUBNET",
                       "describe-subnets --filter vpc-id=vpc-1a2b3c4d"),
    state_classes={"available": GOOD, "pending": BUSY},
    wait_states=("pending", "available"),
    meta=lambda rec: (tuple(x for x in (rec["cidr"], rec.zone) if x),
                      tuple(x for x in (f"{rec['free']} free" if rec["free"] else "", rec["vpc"]) if x)),
    columns=(
        col("id", "ID", lambda r: r.get("SubnetId", ""), 24),
        col("name", "Name", _name),
        col("state", "State", _state),
        col("cidr", "CIDR", lambda r: r.get("CidrBlock") or ""),
        col("zone", "Zone", lambda r: r.get("AvailabilityZone") or ""),
        col("free", "Free", lambda r: "" if r.get("AvailableIpAddressCount") is None
            else str(r["AvailableIpAddressCount"])),
        col("vpc", "VPC", lambda r: r.get("VpcId") or ""),
        col("public_ip", "Public IP on launch", lambda r: yes_no(r.get("MapPublicIpOnLaunch"))),
        col("default", "Default", lambda r: yes_no(r.get("DefaultForAz"))),
    ),
)

INTERNET_GATEWAYS = ResourceKind(
    name="internet-gateways", singular="internet gateway", operation="describe_internet_gateways",
    result_path=("InternetGateways",), id_key="InternetGatewayId", id_prefixes=("igw-",),
    id_filter="internet-gateway-id", ids_param="InternetGatewayIds", state=_igw_state, sweep_every=SLOW,
    value_kind="internet-gateway", group="networks", cached=("vpc",),
    describe=_describe("describe-internet-gateways", "internet gateways", "--internet-gateway-ids",
                       "InternetGatewayIds", "IGATEWAY"),
    state_classes={"attached": INFO, "detached": GOOD, "attaching": BUSY, "detaching": BUSY},
    meta=lambda rec: ((), (f"→ {rec['vpc']}",) if rec["vpc"] else ("detached",)),
    columns=(
        col("id", "ID", lambda r: r.get("InternetGatewayId", ""), 21),
        col("name", "Name", _name),
        col("state", "State", _igw_state),
        col("vpc", "VPC", lambda r: _vpc_attachment(r).get("VpcId") or ""),
        col("owner", "Owner", lambda r: r.get("OwnerId") or ""),
    ),
)

ROUTE_TABLES = ResourceKind(
    name="route-tables", singular="route table", operation="describe_route_tables",
    result_path=("RouteTables",), id_key="RouteTableId", id_prefixes=("rtb-",), id_filter="route-table-id",
    ids_param="RouteTableIds", sweep_every=SLOW, value_kind="route-table", group="networks", cached=("vpc", "main"),
    describe=_describe("describe-route-tables", "route tables", "--route-table-ids", "RouteTableIds", "RTABLE"),
    meta=lambda rec: ((rec["vpc"],) if rec["vpc"] else (), ("main",) if rec["main"] == "yes" else ()),
    columns=(
        col("id", "ID", lambda r: r.get("RouteTableId", ""), 21),
        col("name", "Name", _name),
        col("vpc", "VPC", lambda r: r.get("VpcId") or ""),
        col("main", "Main", _main),
        col("subnets", "Subnets", _associated_subnets),
        col("routes", "Routes", _routes),
    ),
)

NAT_GATEWAYS = ResourceKind(
    name="nat-gateways", singular="NAT gateway", operation="describe_nat_gateways",
    result_path=("NatGateways",), id_key="NatGatewayId", id_prefixes=("nat-",), id_filter="nat-gateway-id",
    ids_param="NatGatewayIds", filter_key="Filter", state=_state, sweep_every=SLOW,
    transitional=frozenset({"pending", "deleting"}), value_kind="nat-gateway", group="networks", cached=("subnet",),
    describe=_describe("describe-nat-gateways", "NAT gateways", "--nat-gateway-ids", "NatGatewayIds", "NGATEWAY"),
    state_classes={"available": GOOD, "pending": BUSY, "deleting": BUSY, "failed": BAD, "deleted": BAD},
    wait_states=("pending", "available", "deleting", "deleted", "failed"),
    gone_state="deleted", dead_ends=frozenset({"deleted", "failed"}), leaving=frozenset({"deleting", "deleted"}),
    meta=lambda rec: ((rec["public_ip"],) if rec["public_ip"] else (), (f"in {rec['subnet']}",) if rec["subnet"] else ()),
    columns=(
        col("id", "ID", lambda r: r.get("NatGatewayId", ""), 21),
        col("name", "Name", _name),
        col("state", "State", _state),
        col("vpc", "VPC", lambda r: r.get("VpcId") or ""),
        col("subnet", "Subnet", lambda r: r.get("SubnetId") or ""),
        col("public_ip", "Public IP", lambda r: _nat_address(r, "PublicIp")),
        col("private_ip", "Private IP", lambda r: _nat_address(r, "PrivateIp")),
    ),
)

NETWORK_INTERFACES = ResourceKind(
    name="network-interfaces", singular="network interface", operation="describe_network_interfaces",
    result_path=("NetworkInterfaces",), id_key="NetworkInterfaceId", id_prefixes=("eni-",),
    id_filter="network-interface-id", ids_param="NetworkInterfaceIds",
    state=lambda r: str(r.get("Status") or ""), zone=lambda r: str(r.get("AvailabilityZone") or ""),
    transitional=frozenset({"attaching", "detaching"}), sweep_every=SLOW,
    value_kind="network-interface", group="networks", cached=("subnet", "instance", "private_ip"),
    describe=_describe("describe-network-interfaces", "network interfaces", "--network-interface-ids",
                       "NetworkInterfaceIds", "INTERFACE"),
    state_classes={"available": GOOD, "in-use": INFO, "attaching": BUSY, "detaching": BUSY},
    meta=lambda rec: ((rec["private_ip"],) if rec["private_ip"] else (),
                      (f"→ {rec['instance']}",) if rec["instance"] else ()),
    columns=(
        col("id", "ID", lambda r: r.get("NetworkInterfaceId", ""), 21),
        col("name", "Name", _name),
        col("state", "State", lambda r: r.get("Status") or ""),
        col("subnet", "Subnet", lambda r: r.get("SubnetId") or ""),
        col("private_ip", "Private IP", lambda r: r.get("PrivateIpAddress") or ""),
        col("instance", "Instance", lambda r: _eni_attachment(r).get("InstanceId") or ""),
        col("public_ip", "Public IP", _eni_public),
        col("vpc", "VPC", lambda r: r.get("VpcId") or ""),
        col("zone", "Zone", lambda r: r.get("AvailabilityZone") or ""),
        col("mac", "MAC", lambda r: r.get("MacAddress") or ""),
        col("description", "Description", lambda r: r.get("Description") or ""),
    ),
)

NETWORK_ACLS = ResourceKind(
    name="network-acls", singular="network ACL", operation="describe_network_acls", result_path=("NetworkAcls",),
    # No ID filter: moto 5 answers 500 to network-acl-id, so a refresh by ID lists them all.
    id_key="NetworkAclId", id_prefixes=("acl-",), id_filter="", ids_param="NetworkAclIds", sweep_every=SLOW, value_kind="network-acl", group="networks", cached=("vpc",),
    describe=_describe("describe-network-acls", "network ACLs", "--network-acl-ids", "NetworkAclIds", "NACL"),
    meta=lambda rec: ((rec["vpc"],) if rec["vpc"] else (), ("default",) if rec["default"] == "yes" else ()),
    columns=(
        col("id", "ID", lambda r: r.get("NetworkAclId", ""), 21),
        col("name", "Name", _name),
        col("vpc", "VPC", lambda r: r.get("VpcId") or ""),
        col("default", "Default", lambda r: yes_no(r.get("IsDefault"))),
        col("subnets", "Subnets", _acl_subnets),
        col("entries", "Entries", _acl_entries),
    ),
)

DHCP_OPTIONS = ResourceKind(
    name="dhcp-options", singular="DHCP options set", operation="describe_dhcp_options",
    result_path=("DhcpOptions",), id_key="DhcpOptionsId", id_prefixes=("dopt-",), id_filter="dhcp-options-id",
    ids_param="DhcpOptionsIds", sweep_every=SLOW, plural="DHCP options sets", value_kind="dhcp-options",
    group="networks",
    describe=_describe("describe-dhcp-options", "DHCP options sets", "--dhcp-options-ids", "DhcpOptionsIds",
                       "DHCPOPTS"),
    meta=lambda rec: ((), (rec["options"],) if rec["options"] else ()),
    columns=(
        col("id", "ID", lambda r: r.get("DhcpOptionsId", ""), 22),
        col("name", "Name", _name),
        col("options", "Options", _dhcp_options),
        col("owner", "Owner", lambda r: r.get("OwnerId") or ""),
    ),
)

VPN_STATES = {"available": GOOD, "pending": BUSY, "deleting": BUSY, "deleted": BAD}

CUSTOMER_GATEWAYS = ResourceKind(
    name="customer-gateways", singular="customer gateway", operation="describe_customer_gateways",
    result_path=("CustomerGateways",), id_key="CustomerGatewayId", id_prefixes=("cgw-",),
    id_filter="customer-gateway-id", ids_param="CustomerGatewayIds", state=_state, sweep_every=SLOW,
    transitional=frozenset({"pending", "deleting"}), value_kind="customer-gateway", group="vpn",
    describe=_describe("describe-customer-gateways", "customer gateways", "--customer-gateway-ids",
                       "CustomerGatewayIds", "CGATEWAY", paginated=False),
    state_classes=VPN_STATES, wait_states=("pending", "available", "deleting", "deleted"),
    gone_state="deleted", dead_ends=frozenset({"deleted"}), leaving=frozenset({"deleting", "deleted"}),
    meta=lambda rec: ((rec["ip"],) if rec["ip"] else (), (f"ASN {rec['asn']}",) if rec["asn"] else ()),
    columns=(
        col("id", "ID", lambda r: r.get("CustomerGatewayId", ""), 21),
        col("name", "Name", _name),
        col("state", "State", _state),
        col("ip", "IP address", lambda r: r.get("IpAddress") or ""),
        col("asn", "BGP ASN", lambda r: str(r.get("BgpAsn") or "")),
        col("type", "Type", lambda r: r.get("Type") or ""),
    ),
)

VPN_GATEWAYS = ResourceKind(
    name="vpn-gateways", singular="VPN gateway", operation="describe_vpn_gateways",
    result_path=("VpnGateways",), id_key="VpnGatewayId", id_prefixes=("vgw-",), id_filter="vpn-gateway-id",
    ids_param="VpnGatewayIds", state=_state, zone=lambda r: str(r.get("AvailabilityZone") or ""),
    sweep_every=SLOW, transitional=frozenset({"pending", "deleting"}), value_kind="vpn-gateway", group="vpn",
    cached=("vpc",),
    describe=_describe("describe-vpn-gateways", "VPN gateways", "--vpn-gateway-ids", "VpnGatewayIds", "VGATEWAY",
                       paginated=False),
    state_classes=VPN_STATES, wait_states=("pending", "available", "deleting", "deleted"),
    gone_state="deleted", dead_ends=frozenset({"deleted"}), leaving=frozenset({"deleting", "deleted"}),
    meta=lambda rec: ((rec["type"],) if rec["type"] else (), (f"→ {rec['vpc']}",) if rec["vpc"] else ()),
    columns=(
        col("id", "ID", lambda r: r.get("VpnGatewayId", ""), 21),
        col("name", "Name", _name),
        col("state", "State", _state),
        col("vpc", "VPC", _vgw_vpc),
        col("type", "Type", lambda r: r.get("Type") or ""),
        col("asn", "Amazon ASN", lambda r: str(r.get("AmazonSideAsn") or "")),
    ),
)

VPN_CONNECTIONS = ResourceKind(
    name="vpn-connections", singular="VPN connection", operation="describe_vpn_connections",
    # No ID filter: moto 5 answers 500 to vpn-connection-id, so a refresh by ID lists them all.
    result_path=("VpnConnections",), id_key="VpnConnectionId", id_prefixes=("vpn-",), id_filter="",
    ids_param="VpnConnectionIds", state=_state, sweep_every=SLOW,
    transitional=frozenset({"pending", "deleting"}), value_kind="vpn-connection", group="vpn",
    cached=("customer_gateway", "vpn_gateway"),
    describe=_describe("describe-vpn-connections", "VPN connections", "--vpn-connection-ids", "VpnConnectionIds",
                       "VPNCONN", paginated=False),
    state_classes=VPN_STATES, wait_states=("pending", "available", "deleting", "deleted"),
    gone_state="deleted", dead_ends=frozenset({"deleted"}), leaving=frozenset({"deleting", "deleted"}),
    meta=lambda rec: ((), tuple(x for x in (rec["customer_gateway"], rec["vpn_gateway"]) if x)),
    columns=(
        col("id", "ID", lambda r: r.get("VpnConnectionId", ""), 21),
        col("name", "Name", _name),
        col("state", "State", _state),
        col("customer_gateway", "Customer gateway", lambda r: r.get("CustomerGatewayId") or ""),
        col("vpn_gateway", "VPN gateway", lambda r: r.get("VpnGatewayId") or ""),
        col("type", "Type", lambda r: r.get("Type") or ""),
    ),
)

VPC_PEERING_CONNECTIONS = ResourceKind(
    name="vpc-peering-connections", singular="VPC peering connection",
    operation="describe_vpc_peering_connections", result_path=("VpcPeeringConnections",),
    id_key="VpcPeeringConnectionId", id_prefixes=("pcx-",), id_filter="vpc-peering-connection-id",
    ids_param="VpcPeeringConnectionIds", state=_pcx_state, sweep_every=SLOW,
    transitional=frozenset({"initiating-request", "provisioning", "deleting"}),
    value_kind="vpc-peering-connection", group="networks", cached=("requester", "accepter"),
    describe=_describe("describe-vpc-peering-connections", "VPC peering connections",
                       "--vpc-peering-connection-ids", "VpcPeeringConnectionIds", "PEERCONN"),
    state_classes={"active": GOOD, "pending-acceptance": WARN, "initiating-request": BUSY, "provisioning": BUSY,
                   "deleting": BUSY, "rejected": BAD, "failed": BAD, "expired": BAD, "deleted": BAD},
    wait_states=("pending-acceptance", "provisioning", "active", "rejected", "failed", "deleted"),
    gone_state="deleted", dead_ends=frozenset({"rejected", "failed", "expired", "deleted"}),
    leaving=frozenset({"deleting", "deleted"}),
    meta=lambda rec: ((), (f"{rec['requester']} ↔ {rec['accepter']}",)),
    columns=(
        col("id", "ID", lambda r: r.get("VpcPeeringConnectionId", ""), 21),
        col("name", "Name", _name),
        col("state", "State", _pcx_state),
        col("requester", "Requester VPC", _pcx_side("RequesterVpcInfo", "VpcId")),
        col("requester_cidr", "Requester CIDR", _pcx_side("RequesterVpcInfo", "CidrBlock")),
        col("accepter", "Accepter VPC", _pcx_side("AccepterVpcInfo", "VpcId")),
        col("accepter_cidr", "Accepter CIDR", _pcx_side("AccepterVpcInfo", "CidrBlock")),
    ),
)


NETWORK_KINDS: tuple[ResourceKind, ...] = (
    VPCS, SUBNETS, INTERNET_GATEWAYS, ROUTE_TABLES, NAT_GATEWAYS, NETWORK_INTERFACES, NETWORK_ACLS, DHCP_OPTIONS,
    CUSTOMER_GATEWAYS, VPN_GATEWAYS, VPN_CONNECTIONS, VPC_PEERING_CONNECTIONS)

# EC2's resource types in tags (describe-tags' ResourceType).
NETWORK_TAG_TYPES = {
    "vpcs": "vpc", "subnets": "subnet", "internet-gateways": "internet-gateway", "route-tables": "route-table",
    "nat-gateways": "natgateway", "network-interfaces": "network-interface", "network-acls": "network-acl",
    "dhcp-options": "dhcp-options", "customer-gateways": "customer-gateway", "vpn-gateways": "vpn-gateway",
    "vpn-connections": "vpn-connection", "vpc-peering-connections": "vpc-peering-connection"}
