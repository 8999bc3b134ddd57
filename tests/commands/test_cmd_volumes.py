"""Volume commands, one-shot against moto's server, cross-checked with the awscli program."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from cloud_checks import aws

from cloudshell.cloud.errors import Refused
from cloudshell.cloud.inventory import fetch
from cloudshell.commands import Context, registry, run

ZONE_A, ZONE_B = "us-east-1a", "us-east-1b"


def volume(cloud, vol: str) -> dict | None:
    """The volume as boto3 sees it now (None once gone); awscli checks the first step of each story."""
    found = cloud.session.call("describe_volumes", Filters=[{"Name": "volume-id", "Values": [vol]}])["Volumes"]
    return found[0] if found else None


def shell(cloud, *args: str):
    out = cloud.here([*cloud.endpoint_args, *args])
    assert "Traceback" not in out.stderr
    return out


@pytest.fixture
def box(cloud):
    """One running instance in zone a (no seed: a few calls are enough here)."""
    image = cloud.session.call("register_image", Name="centos-7-x86_64", Architecture="x86_64")["ImageId"]
    reply = cloud.session.call("run_instances", ImageId=image, MinCount=1, MaxCount=1,
                               Placement={"AvailabilityZone": ZONE_A})
    return cloud, reply["Instances"][0]["InstanceId"]


def test_what_cloudshell_does_awscli_sees(box):
    cloud, instance = box
    out = shell(cloud, "euca-create-volume", "-s", "3", "-z", ZONE_A, "--output", "json")
    assert out.returncode == 0, out.stderr
    vol = json.loads(out.stdout)["VolumeId"]
    seen = aws(cloud, "ec2", "describe-volumes", "--volume-ids", vol)["Volumes"][0]
    assert (seen["Size"], seen["AvailabilityZone"]) == (3, ZONE_A)

    out = shell(cloud, "attach-volume", "-i", instance, "-d", "/dev/sdg", vol, "--output", "table")
    assert out.returncode == 0, out.stderr
    assert f"{vol} attaching to {instance} as /dev/sdg" in out.stdout
    seen = volume(cloud, vol)
    assert seen["State"] == "in-use"
    assert (seen["Attachments"][0]["InstanceId"], seen["Attachments"][0]["Device"]) == (instance, "/dev/sdg")

    out = shell(cloud, "detach-volume", vol, "--output", "table")
    assert out.returncode == 0, out.stderr
    assert f"{vol} detaching from {instance} (/dev/sdg)" in out.stdout
    seen = volume(cloud, vol)
    assert seen["State"] == "available" and not seen.get("Attachments")

    out = shell(cloud, "delete-volume", vol, "--yes", "--output", "table")
    assert out.returncode == 0, out.stderr
    assert f"deleted {vol}" in out.stdout
    assert volume(cloud, vol) is None


def test_what_awscli_does_cloudshell_shows_and_acts_on(box):
    cloud, instance = box
    vol = aws(cloud, "ec2", "create-volume", "--size", "4", "--availability-zone", ZONE_A)["VolumeId"]
    aws(cloud, "ec2", "attach-volume", "--volume-id", vol, "--instance-id", instance, "--device", "/dev/sdh")
    out = shell(cloud, "describe-volumes", vol, "--output", "json")
    attached = json.loads(out.stdout)["Volumes"][0]["Attachments"][0]
    assert (attached["InstanceId"], attached["Device"]) == (instance, "/dev/sdh")

    # A forced detach destroys (unflushed data): --yes confirms it in a script.
    out = shell(cloud, "detach-volume", vol, "-f", "-i", instance, "--yes", "--output", "table")
    assert out.returncode == 0, out.stderr
    assert f"{vol} detaching from {instance} (/dev/sdh) - forced" in out.stdout
    assert volume(cloud, vol)["State"] == "available"

    snap = aws(cloud, "ec2", "create-snapshot", "--volume-id", vol)["SnapshotId"]
    out = shell(cloud, "create-volume", "--snapshot", snap, "-z", ZONE_B, "--output", "table")
    assert out.returncode == 0, out.stderr
    assert f"from {snap}" in out.stdout and f"4 GiB in {ZONE_B}" in out.stdout
    made = cloud.session.call("describe_volumes", Filters=[{"Name": "snapshot-id", "Values": [snap]}])["Volumes"]
    assert [(v["AvailabilityZone"], v["Size"]) for v in made] == [(ZONE_B, 4)]


def test_delete_asks_a_question_naming_what_is_lost(cloud):
    vol = cloud.session.call("create_volume", Size=10, AvailabilityZone=ZONE_A, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "db-data"}]}])["VolumeId"]
    asked: list[str] = []

    def answer(yes: bool):
        return lambda question: asked.append(question) or yes

    inv = registry().parse(["delete-volume", vol])
    with pytest.raises(Refused, match="not confirmed"):
        run(Context(session=cloud.session, confirm=answer(False), interactive=True), inv)
    assert asked == [f"Delete {vol} (db-data, 10 GiB, available)? Its data will be lost."]
    assert cloud.session.call("describe_volumes", VolumeIds=[vol])["Volumes"]   # still there

    result = run(Context(session=cloud.session, confirm=answer(True), interactive=True), inv)
    assert result.lines == (f"deleted {vol} (db-data)",)
    gone = cloud.session.call("describe_volumes", Filters=[{"Name": "volume-id", "Values": [vol]}])
    assert gone["Volumes"] == []


def test_acts_on_resources_newer_than_the_live_snapshot(box):
    """In the REPL and the monitor the poller's snapshot may predate what was made a moment ago."""
    cloud, instance = box
    stale = fetch(cloud.session)                      # taken before the volume and group exist
    refreshed: list[set] = []
    poller = SimpleNamespace(inventory=stale, refresh_now=lambda ids=(), kinds=(): refreshed.append(set(ids)))
    ctx = Context(session=cloud.session, poller=poller, interactive=True)
    vol = cloud.session.call("create_volume", Size=1, AvailabilityZone=ZONE_A)["VolumeId"]
    cloud.session.call("create_security_group", GroupName="fresh", Description="made just now")

    result = run(ctx, registry().parse(["attach-volume", "-i", instance, "-d", "/dev/sdj", vol]))
    assert result.lines == (f"{vol} attaching to {instance} as /dev/sdj",)
    assert refreshed[-1] == {vol, instance}          # the poller is told to re-read both at once
    result = run(ctx, registry().parse(["authorize", "fresh", "-P", "tcp", "-p", "443", "-s", "10.0.0.0/8"]))
    assert result.lines[0].endswith("(fresh) now allows tcp 443 from 10.0.0.0/8")
