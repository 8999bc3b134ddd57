"""Network interfaces (create, attach, detach, private addresses, attributes) and run-instances /
associate-address the VPC way, one-shot against moto's server, cross-checked with the awscli
program; reset-network-interface-attribute against a canned answer (moto's server raises
NotImplementedError for it)."""

from __future__ import annotations

import json

from cloud_checks import oneshot
from faultproxy import FaultProxy
from network_checks import awscli, image, instance_in, subnet, vpc


def _eni(cloud, monkeypatch, eni: str) -> dict:
    return awscli(cloud, "describe-network-interfaces",
                  "--network-interface-ids", eni)["NetworkInterfaces"][0]


def test_an_interface_from_creation_to_deletion(cloud, monkeypatch, capsys):
    s = cloud.session
    vid = vpc(s)
    sid = subnet(s, vid)
    gid = s.call("create_security_group", GroupName="nic", Description="nic", VpcId=vid)["GroupId"]
    iid = instance_in(s, sid)

    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-create-network-interface", sid, "-g", gid,
                             "-d", "second leg", "--private-ip-address", "10.0.1.40")
    assert code == 0, err
    first = out.splitlines()[0].split("\t")
    assert first[0] == "NETWORKINTERFACE" and first[2:4] == [sid, vid] and first[6] == "10.0.1.40"
    assert f"GROUP\t{gid}\tnic" in out and "PRIVATEIPADDRESS\t10.0.1.40\t" in out
    eni = first[1]
    seen = _eni(cloud, monkeypatch, eni)
    assert (seen["Description"], [g["GroupId"] for g in seen["Groups"]]) == ("second leg", [gid])

    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-attach-network-interface", "-i", iid, "-d", "1", eni)
    assert code == 0, err
    attachment = out.strip()
    assert attachment.startswith("eni-attach-")
    seen = _eni(cloud, monkeypatch, eni)["Attachment"]
    assert (seen["InstanceId"], seen["DeviceIndex"], seen["AttachmentId"]) == (iid, 1, attachment)

    code, out, err = oneshot(cloud, monkeypatch, capsys, "assign-private-ip-addresses", "-n", eni,
                             "--secondary-address", "10.0.1.41", "--output", "table")
    assert code == 0, err
    assert f"{eni}: assigned 10.0.1.41" in out
    held = {a["PrivateIpAddress"] for a in _eni(cloud, monkeypatch, eni)["PrivateIpAddresses"]}
    assert held == {"10.0.1.40", "10.0.1.41"}

    code, out, err = oneshot(cloud, monkeypatch, capsys, "unassign-private-ip-addresses", eni,
                             "--secondary-address", "10.0.1.40", "--yes")
    assert code == 1
    assert "10.0.1.40 is " in err and "primary address: it stays with the interface" in err
    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-unassign-private-ip-addresses", eni,
                             "--secondary-address", "10.0.1.41")
    assert (code, out) == (0, ""), err
    held = {a["PrivateIpAddress"] for a in _eni(cloud, monkeypatch, eni)["PrivateIpAddresses"]}
    assert held == {"10.0.1.40"}

    code, out, err = oneshot(cloud, monkeypatch, capsys, "modify-network-interface-attribute", eni,
                             "--source-dest-check", "false", "--output", "table")
    assert code == 0, err
    assert _eni(cloud, monkeypatch, eni)["SourceDestCheck"] is False
    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-describe-network-interface-attribute", eni,
                             "--source-dest-check")
    assert (code, out) == (0, f"NETWORKINTERFACE\t{eni}\tsourceDestCheck\nSOURCEDESTCHECK\tfalse\n"), err
    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-describe-network-interface-attribute", eni, "-a")
    lines = out.splitlines()
    # euca2ools reads the attachment's ID from a key no answer has (attachmentID): an empty field.
    assert code == 0 and lines[0] == f"NETWORKINTERFACE\t{eni}\tattachment", err
    assert lines[1].split("\t")[:4] == ["ATTACHMENT", "", "1", "attached"] and len(lines) == 2
    code, out, err = oneshot(cloud, monkeypatch, capsys, "describe-network-interface-attribute", eni, "-d",
                             "--output", "json")
    assert code == 0, err
    assert json.loads(out) == awscli(cloud, "describe-network-interface-attribute",
                                     "--network-interface-id", eni, "--attribute", "description")

    code, out, err = oneshot(cloud, monkeypatch, capsys, "delete-network-interface", eni, "--yes")
    assert code == 1 and f"{eni} is attached to {iid} as device 1" in err
    code, out, err = oneshot(cloud, monkeypatch, capsys, "detach-network-interface", attachment, "--output", "table")
    assert code == 0, err
    assert not _eni(cloud, monkeypatch, eni).get("Attachment", {}).get("InstanceId")
    code, out, err = oneshot(cloud, monkeypatch, capsys, "delete-network-interface", eni, "--yes", "--output", "table")
    assert code == 0, err
    gone = awscli(cloud, "describe-network-interfaces", "--filters", f"Name=subnet-id,Values={sid}")
    assert eni not in json.dumps(gone)


def test_reset_source_dest_check_canned(cloud, monkeypatch, capsys):
    """moto raises NotImplementedError for ResetNetworkInterfaceAttribute: EC2's documented answer."""
    from cloudshell.cli import main

    s = cloud.session
    eni = s.call("create_network_interface", SubnetId=subnet(s, vpc(s)))["NetworkInterface"]["NetworkInterfaceId"]
    body = ('<?xml version="1.0" encoding="UTF-8"?><ResetNetworkInterfaceAttributeResponse xmlns="http://ec2.'
            'amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><return>true</return>'
            '</ResetNetworkInterfaceAttributeResponse>').encode()
    for name, value in cloud.env.items():
        monkeypatch.setenv(name, value)
    with FaultProxy(cloud.url) as proxy:
        proxy.inject("canned", action="ResetNetworkInterfaceAttribute", body=body)
        capsys.readouterr()
        assert main(["--endpoint-url", proxy.url, "euca-reset-network-interface-attribute", eni,
                     "--source-dest-check"]) == 0
        assert capsys.readouterr().out == f"sourceDestCheck\t{eni}\tRESET\n"
        sent = [q for q in proxy.queries if q.get("Action") == ["ResetNetworkInterfaceAttribute"]]
        assert [(q["NetworkInterfaceId"], q["SourceDestCheck"]) for q in sent] == [([eni], ["sourceDestCheck"])]


def _instance(cloud, monkeypatch, iid: str) -> dict:
    return awscli(cloud, "describe-instances", "--instance-ids", iid)["Reservations"][0]["Instances"][0]


def test_run_instances_into_a_subnet_with_a_public_address_and_a_fixed_private_one(cloud, monkeypatch, capsys):
    s = cloud.session
    vid = vpc(s)
    sid = subnet(s, vid)
    gid = s.call("create_security_group", GroupName="web", Description="web", VpcId=vid)["GroupId"]
    code, out, err = oneshot(cloud, monkeypatch, capsys, "run-instances", image(s), "-s", sid, "-g", gid,
                             "--private-ip-address", "10.0.1.10", "--associate-public-ip-address", "true",
                             "--output", "json")
    assert code == 0, err
    iid = json.loads(out)["Instances"][0]["InstanceId"]
    seen = _instance(cloud, monkeypatch, iid)
    assert (seen["SubnetId"], seen["VpcId"], seen["PrivateIpAddress"]) == (sid, vid, "10.0.1.10")
    assert seen.get("PublicIpAddress")
    assert [g["GroupId"] for g in seen["NetworkInterfaces"][0]["Groups"]] == [gid]


def test_run_instances_with_an_existing_interface_and_a_new_one(cloud, monkeypatch, capsys):
    s = cloud.session
    vid = vpc(s)
    sid = subnet(s, vid)
    eni = s.call("create_network_interface", SubnetId=sid)["NetworkInterface"]["NetworkInterfaceId"]
    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-run-instances", image(s), "-a", f"{eni}:0",
                             "-a", f":1:{sid}:backend leg")
    assert code == 0, err
    iid = next(line.split("\t")[1] for line in out.splitlines() if line.startswith("INSTANCE"))
    nics = {n["Attachment"]["DeviceIndex"]: n for n in _instance(cloud, monkeypatch, iid)["NetworkInterfaces"]}
    assert nics[0]["NetworkInterfaceId"] == eni
    assert nics[1]["SubnetId"] == sid
    assert _eni(cloud, monkeypatch, eni)["Attachment"]["InstanceId"] == iid

    code, out, err = oneshot(cloud, monkeypatch, capsys, "run-instances", image(s), "-a", f"{eni}:0")
    assert code == 1
    assert err.strip() == f"cloudshell: run-instances: {eni} is attached to {iid} (expected a free interface)"


def test_a_vpc_address_to_an_interface_and_moved_only_when_allowed(cloud, monkeypatch, capsys):
    s = cloud.session
    sid = subnet(s, vpc(s))
    iid = instance_in(s, sid)
    eni = s.call("create_network_interface", SubnetId=sid)["NetworkInterface"]["NetworkInterfaceId"]
    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-allocate-address", "-d", "vpc")
    assert code == 0, err
    word, ip, domain, alloc = out.strip().split("\t")
    assert (word, domain) == ("ADDRESS", "vpc") and alloc.startswith("eipalloc-")

    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-associate-address", "-n", eni, "-a", alloc)
    assert code == 0, err
    word, _who, shown_alloc, assoc, _private = out.rstrip("\n").split("\t")
    assert (word, shown_alloc) == ("ADDRESS", alloc) and assoc.startswith("eipassoc-")
    seen = awscli(cloud, "describe-addresses", "--allocation-ids", alloc)["Addresses"][0]
    assert seen["NetworkInterfaceId"] == eni

    code, out, err = oneshot(cloud, monkeypatch, capsys, "associate-address", alloc, "-i", iid)
    assert code == 1
    assert f"{ip} is associated with {eni}; moving it would cut that interface off" in err
    code, out, err = oneshot(cloud, monkeypatch, capsys, "associate-address", alloc, "-i", iid,
                             "--allow-reassociation", "--output", "table")
    assert code == 0, err
    seen = awscli(cloud, "describe-addresses", "--allocation-ids", alloc)["Addresses"][0]
    assert seen["InstanceId"] == iid
