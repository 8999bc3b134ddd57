"""The guards of the VPC commands, as a table: each builds the conflict straight through the API, runs
the command one-shot through the fault proxy (so every request is logged), and expects exit 1, one
line naming the conflict, and the mutating call never sent. Guards read the cloud afresh: the
conflicts here are made behind cloudshell's back, just before the command runs.

Then detach-internet-gateway's two questions, asked in order, through a context that records them.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from faultproxy import FaultProxy
from network_checks import image, instance_in, internet_gateway, main_route_table, subnet, vpc

from cloudshell.commands import Context, registry, run


def _eni(s, sid: str) -> str:
    return s.call("create_network_interface", SubnetId=sid)["NetworkInterface"]["NetworkInterfaceId"]


def _vpc_with_subnet(s) -> tuple[str, str]:
    vid = vpc(s)
    return vid, subnet(s, vid)


def delete_vpc_subnets(s):
    vid, sid = _vpc_with_subnet(s)
    return ["delete-vpc", vid], "DeleteVpc", f"delete-vpc: {vid} still holds subnets {sid}: " \
                                             "terminate, delete or detach them first"


def delete_vpc_everything(s):
    vid, sid = _vpc_with_subnet(s)
    iid = instance_in(s, sid)
    igw = internet_gateway(s, vid)
    eni = _eni(s, sid)
    return ["delete-vpc", vid, "--yes"], "DeleteVpc", (
        f"delete-vpc: {vid} still holds instances {iid}; subnets {sid}; internet gateways {igw}; "
        f"network interfaces {eni}: terminate, delete or detach them first")


def delete_vpc_gateway_only(s):
    vid = vpc(s)
    igw = internet_gateway(s, vid)
    return ["delete-vpc", vid, "--yes"], "DeleteVpc", f"delete-vpc: {vid} still holds internet gateways {igw}: "


def delete_vpc_leftovers(s):
    vid = vpc(s)
    gid = s.call("create_security_group", GroupName="app", Description="app", VpcId=vid)["GroupId"]
    rtb = s.call("create_route_table", VpcId=vid)["RouteTable"]["RouteTableId"]
    acl = s.call("create_network_acl", VpcId=vid)["NetworkAcl"]["NetworkAclId"]
    other = vpc(s, "10.7.0.0/16")
    pcx = s.call("create_vpc_peering_connection", VpcId=vid, PeerVpcId=other)["VpcPeeringConnection"]
    return ["delete-vpc", vid, "--yes"], "DeleteVpc", (
        f"delete-vpc: {vid} still holds security groups {gid} (app); route tables {rtb}; network ACLs {acl}; "
        f"peering connections {pcx['VpcPeeringConnectionId']}: terminate, delete or detach them first")


def delete_subnet_instances(s):
    _, sid = _vpc_with_subnet(s)
    first, second = instance_in(s, sid), instance_in(s, sid)
    return ["delete-subnet", sid, "--yes"], "DeleteSubnet", (
        f"delete-subnet: {sid} still holds instances {', '.join(sorted([first, second]))}: "
        "terminate or delete them first")


def subnet_overlaps(s):
    vid, sid = _vpc_with_subnet(s)
    return ["create-subnet", "-c", vid, "10.0.1.128/25"], "CreateSubnet", (
        f"create-subnet: 10.0.1.128/25 overlaps {sid} (10.0.1.0/24) in {vid} (pick a free block); nothing was sent")


def subnet_outside(s):
    vid = vpc(s)
    return ["create-subnet", "-c", vid, "10.1.0.0/24"], "CreateSubnet", (
        f"create-subnet: 10.1.0.0/24 is outside {vid}'s block 10.0.0.0/16 (expected a block inside it); "
        "nothing was sent")


def delete_attached_gateway(s):
    vid = vpc(s)
    igw = internet_gateway(s, vid)
    return ["delete-internet-gateway", igw, "--yes"], "DeleteInternetGateway", (
        f"delete-internet-gateway: {igw} is attached to {vid}: detach-internet-gateway -c {vid} {igw} first")


def second_gateway(s):
    vid = vpc(s)
    first = internet_gateway(s, vid)
    other = internet_gateway(s)
    return ["attach-internet-gateway", "-c", vid, other], "AttachInternetGateway", (
        f"attach-internet-gateway: {vid} already has {first} (a VPC takes one Internet gateway)")


def detach_public_unconfirmed(s):
    vid, sid = _vpc_with_subnet(s)
    igw = internet_gateway(s, vid)
    instance_in(s, sid, public=True)
    return ["detach-internet-gateway", "-c", vid, igw], "DetachInternetGateway", (
        "detach-internet-gateway: not confirmed, nothing was sent (add --yes to confirm in scripts)")


def main_table(s):
    vid = vpc(s)
    rtb = main_route_table(s, vid)["RouteTableId"]
    return ["delete-route-table", rtb, "--yes"], "DeleteRouteTable", (
        f"delete-route-table: {rtb} is the main route table of {vid}: it goes with the VPC")


def table_of_other_vpc(s):
    _, sid = _vpc_with_subnet(s)
    other = vpc(s, "10.5.0.0/16")
    rtb = s.call("create_route_table", VpcId=other)["RouteTable"]["RouteTableId"]
    return ["associate-route-table", "-s", sid, rtb], "AssociateRouteTable", (
        f"associate-route-table: {sid} is in ")


def route_exists(s):
    vid = vpc(s)
    igw = internet_gateway(s, vid)
    rtb = main_route_table(s, vid)["RouteTableId"]
    s.call("create_route", RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    return ["create-route", rtb, "-r", "0.0.0.0/0", "-g", igw], "CreateRoute", (
        f"create-route: {rtb} already routes 0.0.0.0/0 to {igw} (replace-route changes it)")


def local_route(s):
    vid = vpc(s)
    rtb = main_route_table(s, vid)["RouteTableId"]
    return ["delete-route", rtb, "-r", "10.0.0.0/16", "--yes"], "DeleteRoute", (
        f"delete-route: 10.0.0.0/16 is {rtb}'s local route (the VPC's own block): it cannot be deleted")


def attached_interface(s):
    _, sid = _vpc_with_subnet(s)
    iid = instance_in(s, sid)
    eni = _eni(s, sid)
    s.call("attach_network_interface", NetworkInterfaceId=eni, InstanceId=iid, DeviceIndex=1)
    return ["delete-network-interface", eni, "--yes"], "DeleteNetworkInterface", (
        f"delete-network-interface: {eni} is attached to {iid} as device 1: detach-network-interface eni-attach-")


def group_of_other_vpc(s):
    _, sid = _vpc_with_subnet(s)
    other = vpc(s, "10.6.0.0/16")
    gid = s.call("create_security_group", GroupName="elsewhere", Description="x", VpcId=other)["GroupId"]
    return ["run-instances", image(s), "-s", sid, "-g", gid], "RunInstances", (
        f"run-instances: -g {gid} (elsewhere) is in {other}, but {sid} is in ")


def address_outside_subnet(s):
    _, sid = _vpc_with_subnet(s)
    return ["run-instances", image(s), "-s", sid, "--private-ip-address", "10.0.9.9"], "RunInstances", (
        f"run-instances: 10.0.9.9 is outside {sid}'s block 10.0.1.0/24 (expected an address inside it)")


def peers_overlap(s):
    one, two = vpc(s), vpc(s, "10.0.128.0/17")
    return ["create-vpc-peering-connection", "-c", one, "-p", two], "CreateVpcPeeringConnection", (
        f"create-vpc-peering-connection: {one}'s 10.0.0.0/16 overlaps {two}'s 10.0.128.0/17: VPCs with "
        "overlapping blocks cannot peer")


def acl_in_use(s):
    vid, sid = _vpc_with_subnet(s)
    acl = s.call("create_network_acl", VpcId=vid)["NetworkAcl"]["NetworkAclId"]
    default = s.call("describe_network_acls", Filters=[{"Name": "vpc-id", "Values": [vid]},
                                                        {"Name": "default", "Values": ["true"]}])["NetworkAcls"][0]
    assoc = next(a["NetworkAclAssociationId"] for a in default["Associations"] if a["SubnetId"] == sid)
    s.call("replace_network_acl_association", AssociationId=assoc, NetworkAclId=acl)
    return ["delete-network-acl", acl, "--yes"], "DeleteNetworkAcl", (
        f"delete-network-acl: {acl} guards {sid}: replace-network-acl-association them onto another ACL first")


GUARDS: list[Callable] = [
    delete_vpc_subnets, delete_vpc_everything, delete_vpc_gateway_only, delete_vpc_leftovers,
    delete_subnet_instances, subnet_overlaps,
    subnet_outside, delete_attached_gateway, second_gateway, detach_public_unconfirmed, main_table,
    table_of_other_vpc, route_exists, local_route, attached_interface, group_of_other_vpc, address_outside_subnet,
    peers_overlap, acl_in_use,
]


@pytest.mark.parametrize("build", GUARDS, ids=[g.__name__ for g in GUARDS])
def test_guard_names_the_conflict_and_sends_nothing(cloud, monkeypatch, capsys, build):
    from cloudshell.cli import main

    args, action, expected = build(cloud.session)
    for name, value in cloud.env.items():
        monkeypatch.setenv(name, value)
    with FaultProxy(cloud.url) as proxy:
        capsys.readouterr()
        code = main(["--endpoint-url", proxy.url, *args])
        out, err = capsys.readouterr()
        assert code == 1, err
        assert out == ""
        assert len(err.strip().splitlines()) == 1
        assert err.startswith(f"cloudshell: {expected}")
        assert proxy.count(action) == 0
        assert proxy.count() > 0    # it did read the cloud first


def _ask(answers: list[bool], asked: list[str]):
    def confirm(question: str) -> bool:
        asked.append(question)
        return answers.pop(0)
    return confirm


def test_detaching_a_gateway_from_public_instances_asks_twice(cloud):
    s = cloud.session
    vid, sid = _vpc_with_subnet(s)
    igw = internet_gateway(s, vid)
    iid = instance_in(s, sid, public=True)
    public = s.call("describe_instances", InstanceIds=[iid])["Reservations"][0]["Instances"][0]["PublicIpAddress"]
    line = f"detach-internet-gateway -c {vid} {igw}"

    asked: list[str] = []
    ctx = Context(session=s, confirm=_ask([True, False], asked), interactive=True)
    with pytest.raises(Exception) as refused:
        run(ctx, registry().parse_line(line))
    assert str(refused.value) == "detach-internet-gateway: not confirmed, nothing was sent"
    assert asked == [f"1 instance in {vid} has a public address: {iid} {public}. Detaching {igw} cuts it off the "
                     "Internet. Detach it?",
                     f"Really detach {igw} from {vid}? Connections to {iid} from outside stop now."]
    assert s.call("describe_internet_gateways", InternetGatewayIds=[igw])["InternetGateways"][0]["Attachments"]

    asked.clear()
    ctx = Context(session=s, confirm=_ask([True, True], asked), interactive=True)
    result = run(ctx, registry().parse_line(line))
    assert len(asked) == 2
    assert result.lines == (f"{igw} detached from {vid}",)
    assert s.call("describe_internet_gateways", InternetGatewayIds=[igw])["InternetGateways"][0]["Attachments"] == []


def test_detaching_a_gateway_nobody_uses_asks_nothing(cloud):
    s = cloud.session
    vid, sid = _vpc_with_subnet(s)
    igw = internet_gateway(s, vid)
    instance_in(s, sid)     # private only
    asked: list[str] = []
    result = run(Context(session=s, confirm=_ask([], asked), interactive=True),
                 registry().parse_line(f"detach-internet-gateway -c {vid} {igw}"))
    assert asked == [] and result.lines == (f"{igw} detached from {vid}",)
