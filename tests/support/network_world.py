"""A cloud with one of each network kind, named, beside moto's default VPC (the network tests' world)."""

from __future__ import annotations


def _named(session, rid: str, name: str) -> str:
    session.call("create_tags", Resources=[rid], Tags=[{"Key": "Name", "Value": name}])
    return rid


def build_network(session) -> dict[str, str]:
    """One of each network kind, named, beside moto's default VPC; {what: ID}."""
    call = session.call
    ids: dict[str, str] = {}
    ids["vpc"] = _named(session, call("create_vpc", CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"], "lab")
    ids["subnet"] = _named(session, call("create_subnet", VpcId=ids["vpc"], CidrBlock="10.20.1.0/24",
                                         AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"], "lab-a")
    ids["subnet-b"] = _named(session, call("create_subnet", VpcId=ids["vpc"], CidrBlock="10.20.2.0/24",
                                           AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"], "lab-b")
    ids["igw"] = _named(session, call("create_internet_gateway")["InternetGateway"]["InternetGatewayId"], "lab-gw")
    call("attach_internet_gateway", VpcId=ids["vpc"], InternetGatewayId=ids["igw"])
    ids["rtb"] = _named(session, call("create_route_table", VpcId=ids["vpc"])["RouteTable"]["RouteTableId"], "lab-rt")
    call("create_route", RouteTableId=ids["rtb"], DestinationCidrBlock="0.0.0.0/0", GatewayId=ids["igw"])
    call("associate_route_table", RouteTableId=ids["rtb"], SubnetId=ids["subnet"])
    alloc = call("allocate_address", Domain="vpc")["AllocationId"]
    ids["nat"] = _named(session, call("create_nat_gateway", SubnetId=ids["subnet"],
                                      AllocationId=alloc)["NatGateway"]["NatGatewayId"], "lab-nat")
    ids["eni"] = _named(session, call("create_network_interface", SubnetId=ids["subnet"],
                                      Description="spare")["NetworkInterface"]["NetworkInterfaceId"], "lab-eni")
    ids["acl"] = _named(session, call("create_network_acl", VpcId=ids["vpc"])["NetworkAcl"]["NetworkAclId"], "lab-acl")
    ids["dopt"] = _named(session, call("create_dhcp_options", DhcpConfigurations=[
        {"Key": "domain-name", "Values": ["lab.internal"]}])["DhcpOptions"]["DhcpOptionsId"], "lab-dhcp")
    ids["cgw"] = _named(session, call("create_customer_gateway", Type="ipsec.1", PublicIp="198.51.100.7",
                                      BgpAsn=65010)["CustomerGateway"]["CustomerGatewayId"], "office")
    ids["vgw"] = _named(session, call("create_vpn_gateway", Type="ipsec.1")["VpnGateway"]["VpnGatewayId"], "lab-vgw")
    ids["vpn"] = _named(session, call("create_vpn_connection", Type="ipsec.1", CustomerGatewayId=ids["cgw"],
                                      VpnGatewayId=ids["vgw"])["VpnConnection"]["VpnConnectionId"], "office-vpn")
    ids["vpc-other"] = other = call("create_vpc", CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    ids["igw-spare"] = call("create_internet_gateway")["InternetGateway"]["InternetGatewayId"]
    ids["pcx"] = _named(session, call("create_vpc_peering_connection", VpcId=ids["vpc"], PeerVpcId=other)
                        ["VpcPeeringConnection"]["VpcPeeringConnectionId"], "lab-peer")
    return ids
