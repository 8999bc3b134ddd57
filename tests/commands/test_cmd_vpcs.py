"""create/delete-vpc and -subnet, the VPC and subnet attributes, DHCP option sets: one-shot against
moto's server, each mutation cross-checked with the awscli program afterwards."""

from __future__ import annotations

import json

from cloud_checks import oneshot
from network_checks import awscli, subnet, vpc


def test_a_vpc_and_its_subnet_from_creation_to_deletion(cloud, monkeypatch, capsys):
    code, out, err = oneshot(cloud, monkeypatch, capsys, "create-vpc", "10.20.0.0/16", "--output", "json")
    assert code == 0, err
    vid = json.loads(out)["Vpc"]["VpcId"]
    seen = awscli(cloud, "describe-vpcs", "--vpc-ids", vid)["Vpcs"][0]
    assert seen["CidrBlock"] == "10.20.0.0/16"

    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-create-subnet", "-c", vid, "10.20.1.0/24",
                             "-z", "us-east-1b")
    assert code == 0, err
    record = out.splitlines()[0].split("\t")
    assert record[0] == "SUBNET" and record[3:5] == [vid, "10.20.1.0/24"] and record[6] == "us-east-1b"
    sid = record[1]
    seen = awscli(cloud, "describe-subnets", "--subnet-ids", sid)["Subnets"][0]
    assert (seen["VpcId"], seen["CidrBlock"], seen["AvailabilityZone"]) == (vid, "10.20.1.0/24", "us-east-1b")

    code, out, err = oneshot(cloud, monkeypatch, capsys, "modify-subnet-attribute", sid, "-m", "true",
                             "--output", "table")
    assert code == 0, err
    assert f"{sid} mapPublicIpOnLaunch set to true" in out
    assert awscli(cloud, "describe-subnets", "--subnet-ids", sid)["Subnets"][0]["MapPublicIpOnLaunch"]

    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-modify-vpc-attribute", "-c", vid, "-d", "true")
    assert code == 0 and out == "", err
    seen = awscli(cloud, "describe-vpc-attribute", "--vpc-id", vid, "--attribute", "enableDnsHostnames")
    assert seen["EnableDnsHostnames"] == {"Value": True}
    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-describe-vpc-attribute", vid, "-d")
    assert (code, out) == (0, "RETURN\ttrue\n"), err
    code, out, err = oneshot(cloud, monkeypatch, capsys, "describe-vpc-attribute", vid, "--dns-support",
                             "--output", "json")
    assert code == 0, err
    assert json.loads(out) == awscli(cloud, "describe-vpc-attribute", "--vpc-id", vid,
                                     "--attribute", "enableDnsSupport")

    code, out, err = oneshot(cloud, monkeypatch, capsys, "delete-subnet", sid, "--yes", "--output", "table")
    assert code == 0, err
    assert f"deleted {sid}" in out
    assert awscli(cloud, "describe-subnets", "--filters", f"Name=vpc-id,Values={vid}")["Subnets"] == []

    code, out, err = oneshot(cloud, monkeypatch, capsys, "delete-vpc", vid, "--yes", "--output", "table")
    assert code == 0, err
    assert f"deleted {vid}" in out
    assert awscli(cloud, "describe-vpcs", "--filters", f"Name=vpc-id,Values={vid}")["Vpcs"] == []


def test_create_vpc_json_is_the_api_answer_as_awscli_prints_it(cloud, monkeypatch, capsys):
    code, out, err = oneshot(cloud, monkeypatch, capsys, "create-vpc", "10.30.0.0/16", "--tenancy", "default",
                             "--output", "json")
    assert code == 0, err
    mine = json.loads(out)
    theirs = awscli(cloud, "create-vpc", "--cidr-block", "10.31.0.0/16")
    assert set(mine) == set(theirs) == {"Vpc"}
    assert set(mine["Vpc"]) == set(theirs["Vpc"])


def test_delete_vpc_asks_first_and_refuses_without_yes(cloud, monkeypatch, capsys):
    vid = vpc(cloud.session)
    code, out, err = oneshot(cloud, monkeypatch, capsys, "delete-vpc", vid)
    assert code == 1
    assert "not confirmed, nothing was sent" in err
    assert awscli(cloud, "describe-vpcs", "--vpc-ids", vid)["Vpcs"][0]["VpcId"] == vid


def test_dhcp_options_created_associated_then_deleted(cloud, monkeypatch, capsys):
    vid = vpc(cloud.session)
    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-create-dhcp-options",
                             "domain-name-servers=10.0.0.2,10.0.0.3", "domain-name=example.test")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("DHCPOPTIONS\tdopt-")
    assert set(lines[1:3]) == {"OPTION\tdomain-name-servers\t10.0.0.2,10.0.0.3", "OPTION\tdomain-name\texample.test"}
    dopt = lines[0].split("\t")[1]
    seen = awscli(cloud, "describe-dhcp-options", "--dhcp-options-ids", dopt)["DhcpOptions"][0]
    assert {c["Key"]: [v["Value"] for v in c["Values"]] for c in seen["DhcpConfigurations"]} == {
        "domain-name-servers": ["10.0.0.2", "10.0.0.3"], "domain-name": ["example.test"]}

    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-associate-dhcp-options", dopt, "-c", vid)
    assert (code, out) == (0, f"DHCPOPTIONS\t{dopt}\t{vid}\n"), err
    assert awscli(cloud, "describe-vpcs", "--vpc-ids", vid)["Vpcs"][0]["DhcpOptionsId"] == dopt

    code, out, err = oneshot(cloud, monkeypatch, capsys, "delete-dhcp-options", dopt, "--yes")
    assert code == 1
    assert err.strip() == (f"cloudshell: delete-dhcp-options: {dopt} still holds VPCs {vid}: "
                           "associate-dhcp-options default -c VPC (or another set) first")

    code, out, err = oneshot(cloud, monkeypatch, capsys, "associate-dhcp-options", "default", "-c", vid,
                             "--output", "table")
    assert code == 0, err
    assert awscli(cloud, "describe-vpcs", "--vpc-ids", vid)["Vpcs"][0]["DhcpOptionsId"] == "default"
    code, out, err = oneshot(cloud, monkeypatch, capsys, "delete-dhcp-options", dopt, "--yes", "--output", "table")
    assert code == 0, err
    assert dopt not in json.dumps(awscli(cloud, "describe-dhcp-options"))


def test_read_only_refuses_every_network_mutation_before_sending(cloud, monkeypatch, capsys):
    vid = vpc(cloud.session)
    sid = subnet(cloud.session, vid)
    for args in (["create-vpc", "10.9.0.0/16"], ["create-subnet", "-c", vid, "10.0.2.0/24"],
                 ["delete-subnet", sid, "--yes"], ["create-internet-gateway"],
                 ["create-route-table", vid], ["modify-vpc-attribute", vid, "-s", "false"]):
        code, out, err = oneshot(cloud, monkeypatch, capsys, "--read-only", *args)
        assert code == 1, args
        assert err.strip() == f"cloudshell: {args[0]}: refused, cloudshell runs --read-only (nothing was sent)"
    assert len(awscli(cloud, "describe-vpcs", "--filters", "Name=cidr,Values=10.9.0.0/16")["Vpcs"]) == 0
    assert len(awscli(cloud, "describe-subnets", "--filters", f"Name=vpc-id,Values={vid}")["Subnets"]) == 1
    assert awscli(cloud, "describe-internet-gateways")["InternetGateways"] == []


def test_every_network_command_has_help_with_an_example(cloud, monkeypatch, capsys):
    from cloudshell.commands import registry

    names = [c.name for c in registry().all() if c.group in ("networks", "vpn")]
    assert len(names) >= 55
    for name in names:
        code, out, err = oneshot(cloud, monkeypatch, capsys, name, "--help")
        assert code == 0, (name, err)
        assert out.startswith(f"usage: {name}") and "example:" in out, name
