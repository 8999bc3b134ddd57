"""register and deregister as a user runs them, against moto's server, cross-checked with awscli."""

from __future__ import annotations

import json

import pytest
from cloud_checks import aws, boot_images, cloud_state, oneshot, snapshot

from cloudshell.cloud.demo import IMAGE_TYPE_TAG, KERNEL_TAG, RAMDISK_TAG
from cloudshell.cloud.errors import UsageError
from cloudshell.commands import Context
from cloudshell.commands.images import SNAPSHOT_TAG, register_image


def _tags(image: dict) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in image.get("Tags") or ()}


def _images(cloud, *ids: str, awscli: bool = False) -> dict[str, dict]:
    if awscli:
        seen = aws(cloud, "ec2", "describe-images", "--image-ids", *ids)
    else:
        seen = cloud.session.call("describe_images", ImageIds=list(ids))
    return {i["ImageId"]: i for i in seen["Images"]}


def test_register_a_manifest_is_what_awscli_sees(cloud):
    kernel, ramdisk, _ = boot_images(cloud.session)
    out = cloud.here([*cloud.endpoint_args, "euca-register", "images/centos-8.manifest.xml", "-n", "centos-8",
                     "-d", "CentOS 8", "-a", "x86_64", "--kernel", kernel, "--ramdisk", ramdisk,
                     "--output", "json"])
    assert out.returncode == 0, out.stderr
    new = json.loads(out.stdout)["ImageId"]
    image = _images(cloud, new, awscli=True)[new]
    assert (image["Name"], image["Description"]) == ("centos-8", "CentOS 8")
    # moto forgets KernelId/RamdiskId: cloudshell recorded them where the guards look.
    kept = {k: image.get(k) for k in ("KernelId", "RamdiskId")}
    tags = _tags(image)
    assert (kept["KernelId"] or tags[KERNEL_TAG]) == kernel
    assert (kept["RamdiskId"] or tags[RAMDISK_TAG]) == ramdisk


def test_register_from_a_snapshot_and_deregister(cloud, monkeypatch, capsys):
    snap = snapshot(cloud.session)
    code, out, err = oneshot(cloud, monkeypatch, capsys, "register", "--snapshot", snap, "-n", "from-snap",
                             "--root-device-name", "/dev/xvda", "--output", "table")
    assert code == 0, err
    new = out.split()[1]
    assert out.startswith(f"registered {new} (from-snap) from snapshot {snap}")
    image = _images(cloud, new)[new]
    roots = {(m.get("Ebs") or {}).get("SnapshotId") for m in image.get("BlockDeviceMappings") or ()}
    assert snap in roots or _tags(image)[SNAPSHOT_TAG] == snap

    code, out, err = oneshot(cloud, monkeypatch, capsys, "deregister", new)   # no terminal, no --yes
    assert code == 1 and "not confirmed, nothing was sent" in err
    assert new in _images(cloud, new)

    out = cloud.here([*cloud.endpoint_args, "euca-deregister", new, "--yes", "--output", "table"])
    assert out.returncode == 0, out.stderr
    assert f"{new} (from-snap) deregistered" in out.stdout
    assert new not in {i["ImageId"] for i in cloud.session.call("describe_images")["Images"]}


def test_what_awscli_registered_cloudshell_deregisters(cloud, monkeypatch, capsys):
    new = aws(cloud, "ec2", "register-image", "--name", "made-by-awscli")["ImageId"]
    code, out, err = oneshot(cloud, monkeypatch, capsys, "deregister-image", new, "--yes", "--output", "table")
    assert code == 0, err
    assert f"{new} (made-by-awscli) deregistered" in out
    assert cloud.session.call("describe_images", Owners=["self"])["Images"] == []


def test_kernel_that_machine_images_boot_is_not_deregistered(cloud, monkeypatch, capsys):
    kernel, _, machine = boot_images(cloud.session)
    before = cloud_state(cloud.session)
    code, out, err = oneshot(cloud, monkeypatch, capsys, "deregister", kernel, "--yes")
    assert code == 1
    assert f"{kernel} (vmlinuz-test) is the kernel of {machine} (machine-test)" in err
    assert len(err.splitlines()) == 1
    assert cloud_state(cloud.session) == before


def test_register_image_function_validates_and_records_the_kind(cloud):
    """The plain function the bundling commands call after upload-bundle."""
    kernel, _, _ = boot_images(cloud.session)
    ctx = Context(session=cloud.session)
    result = register_image(ctx, location="bundles/vmlinuz-5.manifest.xml", kind="kernel")
    new = result.data["ImageId"]
    assert result.lines[0] == f"registered {new} (vmlinuz-5) from bundles/vmlinuz-5.manifest.xml"
    image = _images(cloud, new)[new]
    assert _tags(image).get(IMAGE_TYPE_TAG, "kernel") == "kernel"
    before = cloud_state(cloud.session)
    for bad in ({"location": "bundles/vmlinuz-5.img"}, {"location": "bkt/x.manifest.xml", "snapshot": "snap-1a2b3c4d"},
                {"location": "bkt/x.manifest.xml", "ramdisk": kernel}, {"snapshot": "snap-1a2b3c4d"}):
        with pytest.raises(UsageError):
            register_image(ctx, **bad)
    assert cloud_state(cloud.session) == before
