"""Network ACLs and their entries, and VPC peering connections, one-shot against moto's server,
each change cross-checked with the awscli program."""

from __future__ import annotations

import json

from cloud_checks import oneshot
from network_checks import awscli, subnet, vpc


def _acl(cloud, monkeypatch, acl: str) -> dict:
    return awscli(cloud, "describe-network-acls", "--network-acl-ids", acl)["NetworkAcls"][0]


def _entries(cloud, monkeypatch, acl: str) -> dict[tuple[int, bool], dict]:
    return {(e["RuleNumber"], e["Egress"]): e for e in _acl(cloud, monkeypatch, acl)["Entries"]}


def test_a_network_acl_its_entries_and_its_subnet(cloud, monkeypatch, capsys):
    s = cloud.session
    vid = vpc(s)
    sid = subnet(s, vid)
    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-create-network-acl", vid)
    assert code == 0, err
    assert out.startswith("NETWORKACL\tacl-") and out.splitlines()[0].endswith(f"\t{vid}\t")
    acl = out.split("\t")[1]
    assert _acl(cloud, monkeypatch, acl)["VpcId"] == vid

    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-create-network-acl-entry", acl, "-n", "100",
                             "--allow", "-r", "0.0.0.0/0", "-P", "tcp", "-p", "22")
    assert (code, out) == (0, "ENTRY\tingress\t100\tallow\t0.0.0.0/0\ttcp\t22\t22\n"), err
    entry = _entries(cloud, monkeypatch, acl)[(100, False)]
    assert (entry["RuleAction"], entry["Protocol"], entry["PortRange"]) == ("allow", "6", {"From": 22, "To": 22})

    code, out, err = oneshot(cloud, monkeypatch, capsys, "replace-network-acl-entry", acl, "-n", "100", "--deny",
                             "-r", "10.0.0.0/8", "-P", "udp", "-p", "53-54", "--output", "table")
    assert code == 0, err
    entry = _entries(cloud, monkeypatch, acl)[(100, False)]
    assert (entry["RuleAction"], entry["CidrBlock"], entry["Protocol"]) == ("deny", "10.0.0.0/8", "17")

    code, out, err = oneshot(cloud, monkeypatch, capsys, "create-network-acl-entry", acl, "-n", "110", "--allow",
                             "-r", "0.0.0.0/0", "-P", "icmp", "-t", "8:0", "--egress", "--output", "table")
    assert code == 0, err
    assert (110, True) in _entries(cloud, monkeypatch, acl)

    code, out, err = oneshot(cloud, monkeypatch, capsys, "delete-network-acl-entry", acl, "-n", "110", "--yes")
    assert code == 1 and f"{acl} has no ingress entry 110" in err
    code, out, err = oneshot(cloud, monkeypatch, capsys, "delete-network-acl-entry", acl, "-n", "110", "--egress",
                             "--yes", "--output", "table")
    assert code == 0, err
    assert (110, True) not in _entries(cloud, monkeypatch, acl)

    default = awscli(cloud, "describe-network-acls", "--filters", f"Name=vpc-id,Values={vid}",
                     "Name=default,Values=true")["NetworkAcls"][0]
    assoc = next(a["NetworkAclAssociationId"] for a in default["Associations"] if a["SubnetId"] == sid)
    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-replace-network-acl-association", assoc, "-a", acl)
    assert code == 0, err
    word, new_assoc, shown_acl = out.strip().split("\t")
    assert (word, shown_acl) == ("ASSOCIATION", acl) and new_assoc.startswith("aclassoc-")
    assert [a["SubnetId"] for a in _acl(cloud, monkeypatch, acl)["Associations"]] == [sid]

    code, out, err = oneshot(cloud, monkeypatch, capsys, "replace-network-acl-association", new_assoc, "-a",
                             default["NetworkAclId"], "--output", "table")
    assert code == 0, err
    code, out, err = oneshot(cloud, monkeypatch, capsys, "delete-network-acl", acl, "--yes", "--output", "table")
    assert code == 0, err
    assert acl not in json.dumps(awscli(cloud, "describe-network-acls"))

    code, out, err = oneshot(cloud, monkeypatch, capsys, "delete-network-acl", default["NetworkAclId"], "--yes")
    assert code == 1 and "is the default ACL of" in err


def test_a_peering_connection_requested_accepted_deleted(cloud, monkeypatch, capsys):
    s = cloud.session
    one, two, three = vpc(s), vpc(s, "10.1.0.0/16"), vpc(s, "10.2.0.0/16")
    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-create-vpc-peering-connection", "-c", one, "-p", two)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("VPCPEERINGCONNECTION\tpcx-")
    assert lines[1].startswith(f"REQUESTERVPCINFO\t{one}\t10.0.0.0/16")
    assert lines[2].startswith(f"ACCEPTERVPCINFO\t{two}")
    pcx = lines[0].split("\t")[1]
    seen = awscli(cloud, "describe-vpc-peering-connections", "--vpc-peering-connection-ids", pcx)
    assert seen["VpcPeeringConnections"][0]["AccepterVpcInfo"]["VpcId"] == two

    code, out, err = oneshot(cloud, monkeypatch, capsys, "accept-vpc-peering-connection", pcx, "--output", "json")
    assert code == 0, err
    assert json.loads(out)["VpcPeeringConnection"]["Status"]["Code"] == "active"
    seen = awscli(cloud, "describe-vpc-peering-connections", "--vpc-peering-connection-ids", pcx)
    assert seen["VpcPeeringConnections"][0]["Status"]["Code"] == "active"

    code, out, err = oneshot(cloud, monkeypatch, capsys, "reject-vpc-peering-connection", pcx)
    assert code == 1 and f"{pcx} is active, not pending-acceptance" in err

    code, out, err = oneshot(cloud, monkeypatch, capsys, "delete-vpc-peering-connection", pcx, "--yes",
                             "--output", "table")
    assert code == 0, err
    seen = awscli(cloud, "describe-vpc-peering-connections", "--vpc-peering-connection-ids", pcx)
    assert seen["VpcPeeringConnections"][0]["Status"]["Code"] == "deleted"

    code, out, err = oneshot(cloud, monkeypatch, capsys, "create-vpc-peering-connection", "-c", one, "-p", three,
                             "--output", "json")
    assert code == 0, err
    other = json.loads(out)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-reject-vpc-peering-connection", other)
    assert (code, out) == (0, ""), err
    seen = awscli(cloud, "describe-vpc-peering-connections", "--vpc-peering-connection-ids", other)
    assert seen["VpcPeeringConnections"][0]["Status"]["Code"] == "rejected"
