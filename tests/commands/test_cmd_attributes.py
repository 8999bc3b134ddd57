"""The attribute commands, one-shot against moto's server, with euca2ools' spellings; what they
change is read back from the cloud with boto calls of our own."""

from __future__ import annotations

import json

import pytest
from clirun import run_here
from faultproxy import FaultProxy


def _returned(action: str) -> bytes:
    """EC2's documented answer to a Reset*Attribute call (moto's server has none of them)."""
    return (f'<?xml version="1.0" encoding="UTF-8"?><{action}Response xmlns="http://ec2.amazonaws.com/doc/'
            f'2016-11-15/"><requestId>r</requestId><return>true</return></{action}Response>').encode()


def sent(proxy, action: str) -> dict:
    return [q for q in proxy.queries if q.get("Action") == [action]][-1]


def shell(cloud, *args: str, url: str | None = None):
    out = run_here(["--endpoint-url", url or cloud.url, *args], cloud.env)     # cli.main here, over HTTP
    assert "Traceback" not in out.stderr
    return out


def _instance(cloud) -> tuple[str, str]:
    image = cloud.session.call("register_image", Name="plain-image", Architecture="x86_64")["ImageId"]
    iid = cloud.session.call("run_instances", ImageId=image, MinCount=1, MaxCount=1,
                             InstanceType="m1.small")["Instances"][0]["InstanceId"]
    return image, iid


def test_instance_attributes_describe_modify_reset(cloud):
    _, iid = _instance(cloud)
    out = shell(cloud, "euca-describe-instance-attribute", iid, "-t")
    assert out.stdout == f"instanceType\t{iid}\tm1.small\n", out.stderr
    out = shell(cloud, "modify-instance-attribute", iid, "--disable-api-termination", "true")
    assert out.returncode == 0, out.stderr
    seen = cloud.session.call("describe_instance_attribute", InstanceId=iid, Attribute="disableApiTermination")
    assert seen["DisableApiTermination"]["Value"] is True
    out = shell(cloud, "describe-instance-attribute", iid, "--disable-api-termination", "--output", "json")
    assert json.loads(out.stdout)["DisableApiTermination"] == {"Value": True}
    out = shell(cloud, "describe-instance-attribute", iid, "--disable-api-termination", "--output", "table")
    assert f"{iid} disableApiTermination: true" in out.stdout
    groups = shell(cloud, "euca-describe-instance-attribute", iid, "-g").stdout.split("\t")
    assert groups[:2] == ["groupSet", iid]
    refused = shell(cloud, "modify-instance-attribute", iid, "-t", "m1.large")
    assert refused.returncode == 2 and "needs a stopped instance" in refused.stderr
    with FaultProxy(cloud.url) as proxy:
        proxy.inject("canned", action="ResetInstanceAttribute", body=_returned("ResetInstanceAttribute"))
        out = shell(cloud, "reset-instance-attribute", iid, "--source-dest-check", "--yes", "--output", "table",
                    url=proxy.url)
        assert out.returncode == 0 and f"{iid}: sourceDestCheck reset" in out.stdout, out.stderr
        assert sent(proxy, "ResetInstanceAttribute")["Attribute"] == ["sourceDestCheck"]
        unasked = shell(cloud, "reset-instance-attribute", iid, "--kernel", url=proxy.url)
        assert unasked.returncode != 0 and "not confirmed, nothing was sent" in unasked.stderr
        assert proxy.count("ResetInstanceAttribute") == 1


@pytest.mark.parametrize(("args", "words"), [
    (["describe-instance-attribute", "i-12345678"], "name the attribute"),
    (["describe-instance-attribute", "i-12345678", "-t", "--kernel"], "both name an attribute"),
    (["modify-instance-attribute", "i-12345678", "-b", "/dev/sda1=maybe"], "not a mapping change"),
    (["modify-image-attribute", "ami-12345678", "-l"], "needs at least one -a"),
    (["modify-image-attribute", "ami-12345678", "--description", "x", "-a", "all"], "goes with -l"),
    (["modify-image-attribute", "ami-12345678", "-l", "-a", "bob"], "not an account"),
    (["modify-snapshot-attribute", "snap-12345678", "-a", "all"], "missing -c"),
    (["reset-image-attribute", "ami-12345678"], "missing -l"),
    (["describe-snapshot-attribute", "snap-12345678"], "name the attribute"),
])
def test_bad_attribute_lines_exit_2_with_one_line(cloud, args, words):
    out = shell(cloud, *args)
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1 and words in out.stderr, out.stderr
    assert out.stdout == ""


def test_image_launch_permissions(cloud):
    image, _ = _instance(cloud)
    out = shell(cloud, "euca-modify-image-attribute", image, "-l", "-a", "1111-2222-3333", "-a", "all")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [f"launchPermission\t{image}\tADD\tUserId\t111122223333",
                                       f"launchPermission\t{image}\tADD\tGroup\tall"]
    perms = cloud.session.call("describe_image_attribute", ImageId=image, Attribute="launchPermission")
    assert {"UserId": "111122223333"} in perms["LaunchPermissions"] and {"Group": "all"} in perms["LaunchPermissions"]
    out = shell(cloud, "euca-describe-image-attribute", image, "-l")
    assert sorted(out.stdout.splitlines()) == sorted([f"launchPermission\t{image}\tgroup\tall",
                                                      f"launchPermission\t{image}\tuserId\t111122223333"])
    out = shell(cloud, "modify-image-attribute", image, "-l", "-r", "all", "--output", "table")
    assert f"{image}: launch permission taken from all" in out.stdout
    perms = cloud.session.call("describe_image_attribute", ImageId=image, Attribute="launchPermission")
    assert perms["LaunchPermissions"] == [{"UserId": "111122223333"}]
    with FaultProxy(cloud.url) as proxy:
        proxy.inject("canned", action="ResetImageAttribute", body=_returned("ResetImageAttribute"))
        out = shell(cloud, "euca-reset-image-attribute", image, "-l", "--yes", url=proxy.url)
        assert out.stdout == f"launchPermission\t{image}\tRESET\n", out.stderr
        assert sent(proxy, "ResetImageAttribute")["Attribute"] == ["launchPermission"]
        # moto's server takes a new description and keeps the old one: what was sent is checked here.
        out = shell(cloud, "euca-modify-image-attribute", image, "--description", "now described", url=proxy.url)
        assert out.stdout == f"description\t{image}\t\tnow described\n", out.stderr
        assert sent(proxy, "ModifyImageAttribute")["Description.Value"] == ["now described"]
    described = cloud.session.call("register_image", Name="described", Description="a described image")["ImageId"]
    out = shell(cloud, "euca-describe-image-attribute", described, "--description")
    assert out.stdout == f"description\t{described}\t\ta described image\n"


def test_snapshot_create_volume_permission(cloud):
    vol = cloud.session.call("create_volume", Size=1, AvailabilityZone="us-east-1a")["VolumeId"]
    snap = cloud.session.call("create_snapshot", VolumeId=vol)["SnapshotId"]
    out = shell(cloud, "euca-modify-snapshot-attribute", snap, "-c", "-a", "111122223333")
    assert out.stdout == f"createVolumePermission\t{snap}\tADD\tUserId\t111122223333\n", out.stderr
    seen = cloud.session.call("describe_snapshot_attribute", SnapshotId=snap, Attribute="createVolumePermission")
    assert seen["CreateVolumePermissions"] == [{"UserId": "111122223333"}]
    out = shell(cloud, "euca-describe-snapshot-attribute", snap, "-c")
    assert out.stdout == f"createVolumePermission\t{snap}\tuserId\t111122223333\n"
    out = shell(cloud, "modify-snapshot-attribute", snap, "-c", "-r", "111122223333", "--output", "table")
    assert f"{snap}: create volume permission taken from 111122223333" in out.stdout
    seen = cloud.session.call("describe_snapshot_attribute", SnapshotId=snap, Attribute="createVolumePermission")
    assert seen.get("CreateVolumePermissions", []) == []
    with FaultProxy(cloud.url) as proxy:
        proxy.inject("canned", action="ResetSnapshotAttribute", body=_returned("ResetSnapshotAttribute"))
        out = shell(cloud, "euca-reset-snapshot-attribute", snap, "-c", "--yes", url=proxy.url)
        assert out.stdout == f"createVolumePermission\t{snap}\tRESET\n", out.stderr
        assert sent(proxy, "ResetSnapshotAttribute")["Attribute"] == ["createVolumePermission"]


def test_describe_account_attributes(cloud):
    out = shell(cloud, "euca-describe-account-attributes")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "ACCOUNTATTRIBUTE\tsupported-platforms" in lines and any(x.startswith("VALUE\t") for x in lines)
    data = json.loads(shell(cloud, "describe-account-attributes", "--output", "json").stdout)
    names = {a["AttributeName"] for a in data["AccountAttributes"]}
    assert "supported-platforms" in names
