"""The twelve network kinds as rows: describe-* against moto, byte for byte with the awscli program,
their filters and IDs, and the inventory's refresh by ID (issue 13 item 1)."""

from __future__ import annotations

import json

import pytest
from clirun import run_awscli, run_here
from conftest import RANDOM_SEED, isolated_env
from network_world import build_network

from cloudshell.cloud.inventory import fetch_kind
from cloudshell.cloud.kinds import KINDS, kind_of_id
from cloudshell.cloud.session import CloudSession

# kind → (cloudshell's command, awscli's operation, the answer's list)
NETWORK = {
    "vpcs": ("describe-vpcs", "describe-vpcs", "Vpcs"),
    "subnets": ("describe-subnets", "describe-subnets", "Subnets"),
    "internet-gateways": ("describe-internet-gateways", "describe-internet-gateways", "InternetGateways"),
    "route-tables": ("describe-route-tables", "describe-route-tables", "RouteTables"),
    "nat-gateways": ("describe-nat-gateways", "describe-nat-gateways", "NatGateways"),
    "network-interfaces": ("describe-network-interfaces", "describe-network-interfaces", "NetworkInterfaces"),
    "network-acls": ("describe-network-acls", "describe-network-acls", "NetworkAcls"),
    "dhcp-options": ("describe-dhcp-options", "describe-dhcp-options", "DhcpOptions"),
    "customer-gateways": ("describe-customer-gateways", "describe-customer-gateways", "CustomerGateways"),
    "vpn-gateways": ("describe-vpn-gateways", "describe-vpn-gateways", "VpnGateways"),
    "vpn-connections": ("describe-vpn-connections", "describe-vpn-connections", "VpnConnections"),
    "vpc-peering-connections": ("describe-vpc-peering-connections", "describe-vpc-peering-connections",
                                "VpcPeeringConnections"),
}


def _cases(ids: dict[str, str]) -> dict[str, tuple[list[str], list[str]]]:
    """Case → (awscli's words after ``ec2``, cloudshell's words)."""
    cases = {f"{kind}-json": ([aws_op, "--output", "json"], [ours, "--output", "json"])
             for kind, (ours, aws_op, _key) in NETWORK.items()}
    cases |= {f"{kind}-text": ([aws_op, "--output", "text"], [ours, "--output", "text"])
              for kind, (ours, aws_op, _key) in NETWORK.items() if kind in ("vpcs", "subnets", "route-tables")}
    subnets_of = "Subnets[].[SubnetId, CidrBlock, AvailabilityZone, AvailableIpAddressCount]"
    cases["subnets-filter-query"] = (
        ["describe-subnets", "--filters", f"Name=vpc-id,Values={ids['vpc']}", "--query", subnets_of,
         "--output", "json"],
        ["describe-subnets", "--filter", f"vpc-id={ids['vpc']}", "--query", subnets_of, "--output", "json"])
    cases["vpc-by-id"] = (["describe-vpcs", "--vpc-ids", ids["vpc"], "--output", "json"],
                          ["describe-vpcs", ids["vpc"], "--output", "json"])
    # NAT gateways take awscli's --filter (singular): the request's Filter, not Filters.
    cases["nat-filter"] = (["describe-nat-gateways", "--filter", "Name=state,Values=available",
                            "--query", "NatGateways[].NatGatewayId", "--output", "json"],
                           ["describe-nat-gateways", "--filter", "state=available",
                            "--query", "NatGateways[].NatGatewayId", "--output", "json"])
    cases["routes-query"] = (["describe-route-tables", "--route-table-ids", ids["rtb"], "--query",
                              "RouteTables[].Routes[].[DestinationCidrBlock, GatewayId]", "--output", "text"],
                             ["describe-route-tables", "--route-table-ids", ids["rtb"], "--query",
                              "RouteTables[].Routes[].[DestinationCidrBlock, GatewayId]", "--output", "text"])
    cases["eni-by-tag"] = (["describe-network-interfaces", "--filters", "Name=tag:Name,Values=lab-eni",
                            "--query", "NetworkInterfaces[].NetworkInterfaceId", "--output", "json"],
                           ["describe-network-interfaces", "--filter", "tag:Name=lab-eni",
                            "--query", "NetworkInterfaces[].NetworkInterfaceId", "--output", "json"])
    return cases


@pytest.fixture(scope="module")
def network(moto_server, tmp_path_factory):
    """(IDs, {case: (awscli's outcome, cloudshell's)}) on one network cloud, every line run first: both
    programs' own drivers in this process (clirun.run_awscli, run_here)."""
    if not moto_server.running:
        moto_server.start()
    moto_server.reset(random_seed=RANDOM_SEED)
    session = CloudSession.for_url(moto_server.url)
    try:
        ids = build_network(session)
    finally:
        session.close()
    env = isolated_env(tmp_path_factory.mktemp("network"))
    url = ["--endpoint-url", moto_server.url]
    cases = _cases(ids)
    euca = [[f"euca-{ours}", *url] for ours, _aws, _key in NETWORK.values()]
    def outcome(done) -> dict:
        return {"stdout": done.stdout, "stderr": done.stderr, "code": done.returncode}

    theirs = [outcome(run_awscli(["ec2", *a, *url], env)) for a, _ in cases.values()]
    mine = [outcome(run_here(argv, env)) for argv in [[*b, *url] for _, b in cases.values()] + euca]
    outcomes = dict(zip(cases, zip(theirs, mine)))
    outcomes |= {f"{kind}-euca": (None, got) for kind, got in zip(NETWORK, mine[len(cases):])}
    return ids, outcomes, moto_server.url


@pytest.mark.parametrize("case", list(_cases({k: "x" for k in ("vpc", "rtb")})))
def test_network_describe_is_awscli_byte_for_byte(network, case):
    _ids, outcomes, _url = network
    theirs, ours = outcomes[case]
    assert theirs["code"] == 0, theirs["stderr"]
    assert ours["code"] == 0, ours["stderr"]
    assert theirs["stdout"].strip() not in ("", "[]"), "awscli printed nothing: the case compares nothing"
    assert ours["stdout"] == theirs["stdout"]


def test_every_kind_lists_what_was_built_and_the_narrowed_cases_hold_it(network):
    ids, outcomes, _url = network
    built = {"vpcs": ids["vpc"], "subnets": ids["subnet"], "internet-gateways": ids["igw"],
             "route-tables": ids["rtb"], "nat-gateways": ids["nat"], "network-interfaces": ids["eni"],
             "network-acls": ids["acl"], "dhcp-options": ids["dopt"], "customer-gateways": ids["cgw"],
             "vpn-gateways": ids["vgw"], "vpn-connections": ids["vpn"], "vpc-peering-connections": ids["pcx"]}
    for kind, rid in built.items():
        answer = json.loads(outcomes[f"{kind}-json"][1]["stdout"])
        listed = [raw[KINDS[kind].id_key] for raw in answer[NETWORK[kind][2]]]
        assert rid in listed, (kind, rid, listed)
        assert kind_of_id(rid) is KINDS[kind]
    subnets = json.loads(outcomes["subnets-filter-query"][1]["stdout"])
    assert sorted(s[1] for s in subnets) == ["10.20.1.0/24", "10.20.2.0/24"]
    assert [v["VpcId"] for v in json.loads(outcomes["vpc-by-id"][1]["stdout"])["Vpcs"]] == [ids["vpc"]]
    assert json.loads(outcomes["nat-filter"][1]["stdout"]) == [ids["nat"]]
    assert outcomes["routes-query"][1]["stdout"].splitlines()[-1].split("\t") == ["0.0.0.0/0", ids["igw"]]
    assert json.loads(outcomes["eni-by-tag"][1]["stdout"]) == [ids["eni"]]


def test_the_default_table_shows_names_and_key_facts(network, tmp_path):
    ids, _outcomes, url = network
    env = isolated_env(tmp_path)
    out = run_here(["--endpoint-url", url, "describe-subnets", "--output", "tsv"], env)
    assert out.returncode == 0, out.stderr
    rows = {line.split("\t")[0]: line.split("\t") for line in out.stdout.splitlines()}
    assert rows[ids["subnet"]][:7] == [ids["subnet"], "lab-a", "available", "10.20.1.0/24", "us-east-1a",
                                      rows[ids["subnet"]][5], ids["vpc"]]
    assert 240 <= int(rows[ids["subnet"]][5]) <= 251      # a /24's free addresses, less what is in it
    out = run_here(["--endpoint-url", url, "describe-route-tables", ids["rtb"], "--output", "tsv"], env)
    assert out.stdout.split("\t")[:5] == [ids["rtb"], "lab-rt", ids["vpc"], "no", ids["subnet"]]
    assert f"0.0.0.0/0→{ids['igw']}" in out.stdout


@pytest.mark.parametrize("command, given, expected", [
    ("describe-vpcs", "subnet-0123456789abcdef0", "is not a VPC ID"),
    ("describe-subnets", "vpc-12345678", "is not a subnet ID"),
    ("describe-internet-gateways", "igw-zz", "is not an internet gateway ID"),
    ("describe-route-tables", "rtb", "is not a route table ID"),
    ("describe-nat-gateways", "--nat-gateway-ids=eni-12345678", "is not a NAT gateway ID"),
])
def test_an_id_of_the_wrong_kind_is_refused_before_sending(cloud, command, given, expected):
    out = cloud.here([*cloud.endpoint_args, command, given])
    assert out.returncode == 2
    assert expected in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert out.stdout == ""


def test_refresh_by_id_finds_each_kind_and_drops_a_gone_one(cloud):
    ids = build_network(cloud.session)
    pairs = {"vpcs": "vpc", "subnets": "subnet", "internet-gateways": "igw", "route-tables": "rtb",
             "nat-gateways": "nat", "network-interfaces": "eni", "network-acls": "acl", "dhcp-options": "dopt",
             "customer-gateways": "cgw", "vpn-gateways": "vgw", "vpn-connections": "vpn",
             "vpc-peering-connections": "pcx"}
    for kind, what in pairs.items():
        recs, cut = fetch_kind(cloud.session, KINDS[kind], ids=[ids[what]])
        assert list(recs) == [ids[what]] and not cut, kind
        assert recs[ids[what]].name, kind                       # the Name tag, TagSet for ENIs too
    cloud.session.call("delete_network_acl", NetworkAclId=ids["acl"])
    recs, _ = fetch_kind(cloud.session, KINDS["network-acls"], ids=[ids["acl"]])
    assert recs == {}


# -- --output euca: euca2ools 3.4's records (print_vpc, print_subnet… in euca2ools/commands/ec2) --------

def _xml(value) -> str:
    """A JSON value as euca2ools' tabify writes the XML text of it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _tag_rows(raw, rid, resource_type):
    return [["TAG", resource_type, rid, t["Key"], t["Value"]] for t in raw.get("Tags") or raw.get("TagSet") or ()]


def _expected(kind: str, raw: dict) -> list[list[str]]:
    """The records euca2ools prints for one resource, read from awscli's JSON of it."""
    g = raw.get
    if kind == "vpcs":
        rows = [["VPC", g("VpcId"), g("State"), g("CidrBlock"), g("DhcpOptionsId"), g("InstanceTenancy"),
                 g("IsDefault")]]
        return rows + _tag_rows(raw, g("VpcId"), "vpc")
    if kind == "subnets":
        rows = [["SUBNET", g("SubnetId"), g("State"), g("VpcId"), g("CidrBlock"), g("AvailableIpAddressCount"),
                 g("AvailabilityZone"), g("DefaultForAz"), g("MapPublicIpOnLaunch")]]
        return rows + _tag_rows(raw, g("SubnetId"), "subnet")
    if kind == "internet-gateways":
        rows = [["INTERNETGATEWAY", g("InternetGatewayId")]]
        rows += [["ATTACHMENT", a["VpcId"], a["State"]] for a in g("Attachments") or ()]
        return rows + _tag_rows(raw, g("InternetGatewayId"), "internet-gateway")
    if kind == "route-tables":
        rows = [["ROUTETABLE", g("RouteTableId"), g("VpcId")]]
        rows += [["ROUTE", r.get("GatewayId") or r.get("NatGatewayId"), r.get("State"), r.get("DestinationCidrBlock"),
                  r.get("Origin")] for r in g("Routes") or ()]
        rows += [["ASSOCIATION", a["RouteTableAssociationId"], a.get("SubnetId"), "main" if a.get("Main") else ""]
                 for a in g("Associations") or ()]
        return rows + _tag_rows(raw, g("RouteTableId"), "route-table")
    if kind == "nat-gateways":
        rows = [["NATGATEWAY", g("NatGatewayId"), g("State"), g("SubnetId"), g("VpcId"), g("FailureCode"),
                 g("FailureMessage"), g("CreateTime").replace("+00:00", ".000Z") if "+" in g("CreateTime")
                 else g("CreateTime"), g("DeleteTime")]]
        return rows + [["NATGATEWAYADDRESSES", a.get("AllocationId"), a.get("NetworkInterfaceId"), a.get("PublicIp"),
                        a.get("PrivateIp")] for a in g("NatGatewayAddresses") or ()]
    if kind == "network-interfaces":
        rows = [["NETWORKINTERFACE", g("NetworkInterfaceId"), g("SubnetId"), g("VpcId"), g("OwnerId"), g("Status"),
                 g("PrivateIpAddress"), g("PrivateDnsName"), g("SourceDestCheck")]]
        if g("Attachment"):
            a = g("Attachment")
            rows.append(["ATTACHMENT", a.get("InstanceId"), a.get("AttachmentId"), a.get("DeviceIndex"),
                         a.get("Status"), a.get("AttachTime"), a.get("DeleteOnTermination")])
        if g("Association"):
            public = g("Association")["PublicIp"]
            rows.append(["ASSOCIATION", public, g("Association").get("IpOwnerId"),
                         next((p["PrivateIpAddress"] for p in g("PrivateIpAddresses")
                               if (p.get("Association") or {}).get("PublicIp") == public), None)])
        rows += [["GROUP", x["GroupId"], x["GroupName"]] for x in g("Groups") or ()]
        rows += [["PRIVATEIPADDRESS", p["PrivateIpAddress"], p.get("PrivateDnsName"), "primary" if p["Primary"] else None]
                 for p in g("PrivateIpAddresses") or ()]
        return rows + _tag_rows(raw, g("NetworkInterfaceId"), "network-interface")
    if kind == "network-acls":
        rows = [["NETWORKACL", g("NetworkAclId"), g("VpcId"), "default" if g("IsDefault") else ""]]
        rows += [["ENTRY", "egress" if e["Egress"] else "ingress", e["RuleNumber"], e["RuleAction"], e["CidrBlock"],
                  "all" if e["Protocol"] == "-1" else e["Protocol"], None, None] for e in g("Entries") or ()]
        rows += [["ASSOCIATION", a["NetworkAclAssociationId"], a["SubnetId"]] for a in g("Associations") or ()]
        return rows + _tag_rows(raw, g("NetworkAclId"), "network-acl")
    if kind == "dhcp-options":
        rows = [["DHCPOPTIONS", g("DhcpOptionsId")]]
        rows += [["OPTION", c["Key"], ",".join(v["Value"] for v in c["Values"])] for c in g("DhcpConfigurations")]
        return rows + _tag_rows(raw, g("DhcpOptionsId"), "dhcp-options")
    if kind == "customer-gateways":
        rows = [["CUSTOMERGATEWAY", g("CustomerGatewayId"), g("State"), g("Type"), g("IpAddress"), g("BgpAsn")]]
        return rows + _tag_rows(raw, g("CustomerGatewayId"), "customer-gateway")
    if kind == "vpn-gateways":
        rows = [["VPNGATEWAY", g("VpnGatewayId"), g("State"), g("AvailabilityZone"), g("Type")]]
        rows += [["VGWATTACHMENT", a["VpcId"], a["State"]] for a in g("VpcAttachments") or ()]
        return rows + _tag_rows(raw, g("VpnGatewayId"), "vpn-gateway")
    if kind == "vpn-connections":
        rows = [["VPNCONNECTION", g("VpnConnectionId"), g("Type"), g("CustomerGatewayId"), g("VpnGatewayId"),
                 g("State")]]
        return rows + _tag_rows(raw, g("VpnConnectionId"), "vpn-connection")
    assert kind == "vpc-peering-connections"
    rows = [["VPCPEERINGCONNECTION", g("VpcPeeringConnectionId"), g("ExpirationTime"),
             f"{g('Status')['Code']}: {g('Status')['Message']}"]]
    for word, side in (("REQUESTERVPCINFO", "RequesterVpcInfo"), ("ACCEPTERVPCINFO", "AccepterVpcInfo")):
        rows.append([word, g(side)["VpcId"], g(side)["CidrBlock"], g(side)["OwnerId"]])
    return rows + _tag_rows(raw, g("VpcPeeringConnectionId"), "vpc-peering-connection")


@pytest.mark.parametrize("kind", list(NETWORK))
def test_euca_names_print_euca2ools_records_field_by_field(network, kind):
    _ids, outcomes, _url = network
    got = outcomes[f"{kind}-euca"][1]
    assert got["code"] == 0, got["stderr"]
    answer = json.loads(outcomes[f"{kind}-json"][1]["stdout"])[NETWORK[kind][2]]
    expected = [[_xml(v) for v in row] for raw in answer for row in _expected(kind, raw)]
    assert [line.split("\t") for line in got["stdout"].splitlines()] == expected
    assert any(row[0] == "TAG" for row in expected) or kind == "nat-gateways"   # the Name tags were built
