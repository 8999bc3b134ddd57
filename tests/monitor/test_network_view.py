"""The Networks view's rows and an instance's network, read from a snapshot swept from moto
(cloud/networks.py): the tree order, the route out, the counts."""

from __future__ import annotations

from network_world import build_network

from cloudshell.cloud.inventory import fetch
from cloudshell.cloud.networks import SOURCES, instance_network, view_records


def test_each_vpc_then_its_subnets_with_their_route_out_free_addresses_and_instances(cloud):
    ids = build_network(cloud.session)
    call = cloud.session.call
    # private-ish: lab-b goes out through the NAT gateway; two instances in lab-a, one gone.
    nat_table = call("create_route_table", VpcId=ids["vpc"])["RouteTable"]["RouteTableId"]
    call("create_route", RouteTableId=nat_table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=ids["nat"])
    call("associate_route_table", RouteTableId=nat_table, SubnetId=ids["subnet-b"])
    image = call("register_image", Name="lab-image", Architecture="x86_64")["ImageId"]
    group = call("describe_security_groups", Filters=[{"Name": "vpc-id", "Values": [ids["vpc"]]}])["SecurityGroups"][0]
    launched = [i["InstanceId"] for i in call("run_instances", ImageId=image, MinCount=3, MaxCount=3,
                                               SubnetId=ids["subnet"], SecurityGroupIds=[group["GroupId"]])["Instances"]]
    call("terminate_instances", InstanceIds=launched[:1])
    inv = fetch(cloud.session, SOURCES)
    rows = list(view_records(inv).values())
    order = [r.id for r in rows]
    lab = order.index(ids["vpc"])
    assert order[lab + 1:lab + 3] == [ids["subnet"], ids["subnet-b"]]           # by zone: a, then b
    assert rows[0].fields["vpc"] == "" and rows[0]["cidr"] == "172.31.0.0/16"   # the default VPC first
    a, b = rows[lab + 1], rows[lab + 2]
    assert (a["id"], a["internet"], a["instances"], a["route_table"]) == (f"├ {ids['subnet']}", "yes", "2", ids["rtb"])
    assert (b["id"], b["internet"], b["instances"], b["route_table"]) == (f"└ {ids['subnet-b']}", "yes (NAT)", "0",
                                                                          nat_table)
    vpc = rows[lab]
    assert (vpc["name"], vpc["zone"], vpc["internet"], vpc["instances"]) == ("lab", "2 zones", "yes", "2")
    assert int(vpc["free"]) == int(a["free"]) + int(b["free"])
    other = rows[order.index(ids["vpc-other"])]                                  # no subnet, no route out
    assert (other["zone"], other["free"], other["internet"], other["instances"]) == ("", "", "no", "0")
    # An instance's place: VPC, subnet, the table it routes through, its interface, its group.
    inst = inv.get(launched[1], "instances")
    facts = dict(instance_network(inv, inst))
    assert facts["VPC"] == f"{ids['vpc']} (lab) 10.20.0.0/16"
    assert facts["Subnet"].startswith(f"{ids['subnet']} (lab-a) 10.20.1.0/24 us-east-1a")
    assert facts["Route table"] == f"{ids['rtb']} (lab-rt) Internet: yes"
    eni = inst.raw["NetworkInterfaces"][0]
    assert facts["Interface 0"].startswith(f"{eni['NetworkInterfaceId']} {eni['PrivateIpAddress']}")
    assert facts["Group"] == f"{group['GroupId']} ({group['GroupName']})"
