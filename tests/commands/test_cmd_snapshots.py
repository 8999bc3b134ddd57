"""Snapshot commands, one-shot against moto's server, cross-checked with the awscli program."""

from __future__ import annotations

import json

from cloud_checks import aws
from clirun import run_here


def own_snapshots(cloud) -> set[str]:
    return {s["SnapshotId"] for s in cloud.session.call("describe_snapshots", OwnerIds=["self"])["Snapshots"]}


def shell(cloud, *args: str):
    out = run_here([*cloud.endpoint_args, *args], cloud.env)     # cli.main here, over HTTP
    assert "Traceback" not in out.stderr
    return out


def test_what_cloudshell_does_awscli_sees(cloud):
    vol = cloud.session.call("create_volume", Size=2, AvailabilityZone="us-east-1a")["VolumeId"]
    out = shell(cloud, "euca-create-snapshot", "-d", "before the upgrade", vol, "--output", "json")
    assert out.returncode == 0, out.stderr
    snap = json.loads(out.stdout)["SnapshotId"]
    seen = aws(cloud, "ec2", "describe-snapshots", "--snapshot-ids", snap)["Snapshots"][0]
    assert (seen["VolumeId"], seen["Description"]) == (vol, "before the upgrade")

    out = shell(cloud, "delete-snapshot", snap, "--yes", "--output", "table")
    assert out.returncode == 0, out.stderr
    assert f"deleted {snap}" in out.stdout
    assert snap not in own_snapshots(cloud)


def test_what_awscli_does_cloudshell_shows_and_acts_on(cloud):
    vol = cloud.session.call("create_volume", Size=3, AvailabilityZone="us-east-1b")["VolumeId"]
    snap = aws(cloud, "ec2", "create-snapshot", "--volume-id", vol, "--description", "made by awscli")["SnapshotId"]
    out = shell(cloud, "describe-snapshots", "--output", "json")
    shown = {s["SnapshotId"]: s for s in json.loads(out.stdout)["Snapshots"]}
    assert shown[snap]["Description"] == "made by awscli" and shown[snap]["VolumeId"] == vol

    out = shell(cloud, "create-snapshot", vol, "--output", "table")
    assert out.returncode == 0 and f"snapshot of {vol}" in out.stdout
    out = shell(cloud, "euca-delete-snapshot", snap, "--yes")
    assert out.returncode == 0, out.stderr
    left = own_snapshots(cloud)
    assert snap not in left and len(left) == 1
