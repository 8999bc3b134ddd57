"""The demo cloud's VPC, beside its classic resources: two subnets in two zones, an internet gateway,
a route table with a default route through it (the public subnet's), and a few instances inside.

Seeded after everything classic, so the classic resources keep their names and IDs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from cloudshell.cloud.demo.seeding import DEMO_KEYPAIR, DEMO_ZONES, DemoInstance, tag_spec

if TYPE_CHECKING:
    from cloudshell.cloud.session import CloudSession

DEMO_VPC = ("demo-vpc", "10.10.0.0/16")
# name, zone, block, public (its route table sends 0.0.0.0/0 to the internet gateway)
SUBNET_PLAN = (("public-a", DEMO_ZONES[0], "10.10.1.0/24", True),
               ("private-b", DEMO_ZONES[1], "10.10.2.0/24", False))
# name, subnet, type
INSTANCE_PLAN = (("lab-www-1", "public-a", "m1.small"), ("lab-www-2", "public-a", "m1.small"),
                 ("lab-sql-1", "private-b", "m1.large"))
DEMO_VPC_GROUP = "lab-web"


@dataclass(frozen=True)
class DemoNetwork:
    """What the VPC seeding made, by ID."""

    vpc_id: str
    subnets: Mapping[str, str]          # name -> subnet ID
    internet_gateway_id: str
    route_table_id: str                 # the public subnet's, with 0.0.0.0/0 -> the gateway
    group_id: str
    instances: tuple[DemoInstance, ...]


def seed_network(session: CloudSession, image_id: str) -> DemoNetwork:
    call = session.call

    def named(kind: str, name: str) -> list[dict[str, Any]]:
        return tag_spec(kind, {"Name": name})

    vpc_name, block = DEMO_VPC
    vpc_id = call("create_vpc", mutating=True, CidrBlock=block,
                  TagSpecifications=named("vpc", vpc_name))["Vpc"]["VpcId"]
    igw = call("create_internet_gateway", mutating=True,
               TagSpecifications=named("internet-gateway", f"{vpc_name}-gw"))["InternetGateway"]["InternetGatewayId"]
    call("attach_internet_gateway", mutating=True, InternetGatewayId=igw, VpcId=vpc_id)
    table = call("create_route_table", mutating=True, VpcId=vpc_id,
                 TagSpecifications=named("route-table", "public"))["RouteTable"]["RouteTableId"]
    call("create_route", mutating=True, RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    subnets: dict[str, str] = {}
    for name, zone, cidr, public in SUBNET_PLAN:
        sid = call("create_subnet", mutating=True, VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=zone,
                   TagSpecifications=named("subnet", name))["Subnet"]["SubnetId"]
        subnets[name] = sid
        if public:
            call("associate_route_table", mutating=True, RouteTableId=table, SubnetId=sid)
            call("modify_subnet_attribute", mutating=True, SubnetId=sid, MapPublicIpOnLaunch={"Value": True})
    group = call("create_security_group", mutating=True, GroupName=DEMO_VPC_GROUP, VpcId=vpc_id,
                 Description="demo VPC group: ssh and http")["GroupId"]
    call("authorize_security_group_ingress", mutating=True, GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
        for port in (22, 80)])
    zone_of = {name: zone for name, zone, _cidr, _public in SUBNET_PLAN}
    made = []
    for name, subnet, itype in INSTANCE_PLAN:
        reply = call("run_instances", mutating=True, ImageId=image_id, MinCount=1, MaxCount=1, InstanceType=itype,
                     KeyName=DEMO_KEYPAIR, SubnetId=subnets[subnet], SecurityGroupIds=[group],
                     TagSpecifications=named("instance", name))
        made.append(DemoInstance(reply["Instances"][0]["InstanceId"], name, zone_of[subnet], image_id, itype,
                                 "running"))
    return DemoNetwork(vpc_id=vpc_id, subnets=MappingProxyType(subnets), internet_gateway_id=igw,
                       route_table_id=table, group_id=group, instances=tuple(made))
