"""Helpers for the VPC and networking command tests: the awscli program run in this process (its
start-up paid once, not once per check), and the network a test builds straight through the API.
"""

from __future__ import annotations

from typing import Any

from cloud_checks import aws, aws_text


def awscli(cloud, *args: str) -> Any:
    """``aws --endpoint-url URL ec2 ARGS --output json`` through awscli's own driver; the parsed JSON."""
    return aws(cloud, "ec2", *args)


def awscli_text(cloud, *args: str) -> str:
    """What ``aws --endpoint-url URL ec2 ARGS --output json`` prints, as it prints it."""
    return aws_text(cloud, "ec2", *args)


def vpc(session, cidr: str = "10.0.0.0/16") -> str:
    return session.call("create_vpc", CidrBlock=cidr)["Vpc"]["VpcId"]


def subnet(session, vpc_id: str, cidr: str = "10.0.1.0/24", zone: str = "us-east-1a") -> str:
    return session.call("create_subnet", VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]


def image(session) -> str:
    return session.call("register_image", Name="vpc-image", Architecture="x86_64")["ImageId"]


def instance_in(session, subnet_id: str, *, public: bool = False) -> str:
    nic = {"DeviceIndex": 0, "SubnetId": subnet_id, "AssociatePublicIpAddress": public}
    reply = session.call("run_instances", ImageId=image(session), MinCount=1, MaxCount=1, NetworkInterfaces=[nic])
    return reply["Instances"][0]["InstanceId"]


def internet_gateway(session, vpc_id: str | None = None) -> str:
    igw = session.call("create_internet_gateway")["InternetGateway"]["InternetGatewayId"]
    if vpc_id:
        session.call("attach_internet_gateway", InternetGatewayId=igw, VpcId=vpc_id)
    return igw


def main_route_table(session, vpc_id: str) -> dict[str, Any]:
    tables = session.call("describe_route_tables", Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    return next(t for t in tables if any(a.get("Main") for a in t.get("Associations") or ()))
