"""Elastic IP commands as a user runs them, against moto's server, cross-checked with awscli."""

from __future__ import annotations

import json

from cloud_checks import aws, cloud_state, launch, oneshot


def _addresses(cloud) -> dict[str, dict]:
    return {a["PublicIp"]: a for a in cloud.session.call("describe_addresses")["Addresses"]}


def _addresses_by_awscli(cloud) -> dict[str, dict]:
    return {a["PublicIp"]: a for a in aws(cloud, "ec2", "describe-addresses")["Addresses"]}


def test_allocate_associate_disassociate_release_is_what_awscli_sees(cloud, monkeypatch, capsys):
    iid = launch(cloud.session)
    args = [*cloud.endpoint_args, "--output", "table"]

    out = cloud.here([*cloud.endpoint_args, "euca-allocate-address", "--output", "json"])
    assert out.returncode == 0, out.stderr
    ip = json.loads(out.stdout)["PublicIp"]
    assert ip in _addresses(cloud) and not _addresses(cloud)[ip].get("InstanceId")

    out = cloud.here([*args, "euca-associate-address", "-i", iid, ip])
    assert out.returncode == 0, out.stderr
    assert f"{ip} associated with {iid}" in out.stdout
    assert _addresses_by_awscli(cloud)[ip]["InstanceId"] == iid

    code, out, err = oneshot(cloud, monkeypatch, capsys, "release-address", ip, "--yes")   # still associated
    assert code == 1
    assert err.strip() == (f"cloudshell: release-address: {ip} is associated with {iid}; releasing it "
                           f"would cut that instance off: disassociate-address {ip} first")
    assert _addresses(cloud)[ip]["InstanceId"] == iid

    out = cloud.here([*args, "euca-disassociate-address", ip])
    assert out.returncode == 0, out.stderr
    assert f"{ip} disassociated from {iid}" in out.stdout
    assert not _addresses(cloud)[ip].get("InstanceId")

    out = cloud.here([*args, "euca-release-address", ip, "--yes"])
    assert out.returncode == 0, out.stderr
    assert f"released {ip}" in out.stdout
    assert ip not in _addresses_by_awscli(cloud)


def test_what_awscli_did_cloudshell_shows(cloud, monkeypatch, capsys):
    iid = launch(cloud.session, TagSpecifications=[{"ResourceType": "instance",
                                                     "Tags": [{"Key": "Name", "Value": "web-9"}]}])
    ip = aws(cloud, "ec2", "allocate-address")["PublicIp"]
    aws(cloud, "ec2", "associate-address", "--instance-id", iid, "--public-ip", ip)
    code, out, err = oneshot(cloud, monkeypatch, capsys, "disassociate-address", ip, "--output", "table")
    assert code == 0, err
    assert f"{ip} disassociated from {iid} (web-9)" in out


def test_an_address_is_not_moved_off_another_instance_unasked(cloud, monkeypatch, capsys):
    first, second = launch(cloud.session), launch(cloud.session)
    reply = cloud.session.call("allocate_address", Domain="vpc")
    ip, alloc = reply["PublicIp"], reply["AllocationId"]
    cloud.session.call("associate_address", InstanceId=first, AllocationId=alloc)
    before = cloud_state(cloud.session)
    code, out, err = oneshot(cloud, monkeypatch, capsys, "associate-address", "-i", second, ip)
    assert code == 1
    assert f"{ip} is associated with {first}" in err and "--allow-reassociation" in err
    assert cloud_state(cloud.session) == before
    code, out, err = oneshot(cloud, monkeypatch, capsys, "associate-address", "-i", second, "-a", alloc,
                             "--allow-reassociation", "--output", "table")
    assert code == 0, err
    assert _addresses(cloud)[ip]["InstanceId"] == second


def test_release_by_allocation_id_asks_first(cloud, monkeypatch, capsys):
    reply = cloud.session.call("allocate_address", Domain="vpc")
    code, out, err = oneshot(cloud, monkeypatch, capsys, "release-address", "-a", reply["AllocationId"])
    assert code == 1 and "not confirmed, nothing was sent" in err
    assert reply["PublicIp"] in _addresses(cloud)
    code, out, err = oneshot(cloud, monkeypatch, capsys, "release-address", "-a", reply["AllocationId"], "--yes",
                             "--output", "table")
    assert code == 0, err
    assert _addresses(cloud) == {}
