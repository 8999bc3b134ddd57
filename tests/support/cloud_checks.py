"""Looking at the cloud from outside cloudshell: its whole state, the awscli program, one-shot runs.

Used by the command tests (instances, images, addresses, tags, wait, malformed input).
"""

from __future__ import annotations

import json
import os
from typing import Any

from clirun import run_awscli

from cloudshell.cloud.inventory import fetch

def cloud_state(session) -> dict[str, Any]:
    """Everything a command could change: every kind's records (all shown fields) and every tag."""
    inv = fetch(session)
    state: dict[str, Any] = {kind: {rid: dict(rec.fields) for rid, rec in inv.of(kind).items()}
                             for kind in inv.records}
    tags = session.call("describe_tags").get("Tags") or []
    state["tags"] = sorted((t["ResourceId"], t["Key"], t.get("Value", "")) for t in tags)
    return state


def aws_text(cloud, *args: str) -> str:
    """What ``aws --endpoint-url URL ARGS --output json`` prints on the test's cloud, as it prints it (the
    awscli program's driver, in this process: clirun.run_awscli)."""
    out = run_awscli(["--endpoint-url", cloud.url, *args, "--output", "json"], cloud.env)
    assert out.returncode == 0, out.stderr
    return out.stdout


def aws(cloud, *args: str) -> Any:
    """``aws_text`` parsed (None if awscli printed nothing)."""
    text = aws_text(cloud, *args)
    return json.loads(text) if text.strip() else None


def oneshot(cloud, monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """``cloudshell --endpoint-url URL ARGS`` in this process (same code path, no interpreter start-up)."""
    from cloudshell.cli import main

    for name in list(os.environ):
        if name.startswith(("AWS_", "EC2_", "EUCA_", "EUCALYPTUS_")) and name not in cloud.env:
            monkeypatch.delenv(name)
    for name, value in cloud.env.items():
        monkeypatch.setenv(name, value)
    capsys.readouterr()
    code = main([*cloud.endpoint_args, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def instance_ids(session, state: str | None = None) -> list[str]:
    filters = [{"Name": "instance-state-name", "Values": [state]}] if state else []
    reply = session.call("describe_instances", Filters=filters)
    return sorted(i["InstanceId"] for r in reply.get("Reservations", []) for i in r.get("Instances", []))


def instance_state(session, instance_id: str) -> str:
    reply = session.call("describe_instances", InstanceIds=[instance_id])
    return reply["Reservations"][0]["Instances"][0]["State"]["Name"]


def launch(session, image_id: str | None = None, **params: Any) -> str:
    """One running instance (registering a plain image first when none is given)."""
    if image_id is None:
        image_id = session.call("register_image", Name="plain-image", Architecture="x86_64")["ImageId"]
    reply = session.call("run_instances", ImageId=image_id, MinCount=1, MaxCount=1, **params)
    return reply["Instances"][0]["InstanceId"]


def boot_images(session) -> tuple[str, str, str]:
    """A kernel, a ramdisk and a machine image booting them, marked the way the demo cloud marks them
    (moto keeps no image types or links). Far cheaper than seeding the whole demo cloud."""
    from cloudshell.cloud.demo import IMAGE_TYPE_TAG, KERNEL_TAG, RAMDISK_TAG

    def register(name: str, **tags: str) -> str:
        image = session.call("register_image", Name=name, Architecture="x86_64")["ImageId"]
        session.call("create_tags", Resources=[image], Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
        return image

    kernel = register("vmlinuz-test", **{IMAGE_TYPE_TAG: "kernel"})
    ramdisk = register("initrd-test", **{IMAGE_TYPE_TAG: "ramdisk"})
    machine = register("machine-test", **{IMAGE_TYPE_TAG: "machine", KERNEL_TAG: kernel, RAMDISK_TAG: ramdisk})
    return kernel, ramdisk, machine


def snapshot(session, zone: str = "us-east-1a") -> str:
    """A completed snapshot of a fresh 1 GiB volume."""
    volume = session.call("create_volume", AvailabilityZone=zone, Size=1)["VolumeId"]
    return session.call("create_snapshot", VolumeId=volume)["SnapshotId"]
