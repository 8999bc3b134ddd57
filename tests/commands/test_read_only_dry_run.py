"""--read-only and --dry-run on every mutating command of the instance, image, address and tag families.

One case per command line, each on its own emptied cloud: under --read-only the command is refused
with one line and nothing is sent; under --dry-run it is probed (EC2's DryRun) and says it would have
succeeded; either way the cloud's whole state is as before. (Volumes, snapshots, groups and keypairs:
test_safety.py, on its shared seeded cloud; bundles: test_cmd_bundles.py.)
"""

from __future__ import annotations

import pytest
from cloud_checks import boot_images, cloud_state, launch, oneshot, snapshot


def _instances(session) -> dict[str, str]:
    running, stopped = launch(session), launch(session)
    session.call("stop_instances", InstanceIds=[stopped])
    image = session.call("describe_instances", InstanceIds=[running])["Reservations"][0]["Instances"][0]["ImageId"]
    return {"running": running, "stopped": stopped, "image": image}


def _images(session) -> dict[str, str]:
    kernel, _, machine = boot_images(session)
    return {"kernel": kernel, "machine": machine, "snap": snapshot(session)}


def _addresses(session) -> dict[str, str]:
    iid = launch(session)
    free = session.call("allocate_address")["PublicIp"]
    held = session.call("allocate_address")["PublicIp"]
    session.call("associate_address", InstanceId=iid, PublicIp=held)
    return {"iid": iid, "free": free, "held": held}


def _tags(session) -> dict[str, str]:
    vol = session.call("create_volume", AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    session.call("create_tags", Resources=[vol], Tags=[{"Key": "keep", "Value": "me"}])
    return {"vol": vol}


CASES = [
    pytest.param(_instances, ["run-instances", "{image}", "-n", "2"], id="run-instances"),
    pytest.param(_instances, ["stop-instances", "{running}"], id="stop-instances"),
    pytest.param(_instances, ["start-instances", "{stopped}"], id="start-instances"),
    pytest.param(_instances, ["reboot-instances", "{running}"], id="reboot-instances"),
    # no --yes needed: a probe destroys nothing
    pytest.param(_instances, ["terminate-instances", "{running}"], id="terminate-instances"),
    pytest.param(_images, ["register", "bkt/probe-image.manifest.xml", "--kernel", "{kernel}"], id="register-manifest"),
    pytest.param(_images, ["register", "--snapshot", "{snap}", "-n", "probe"], id="register-snapshot"),
    pytest.param(_images, ["deregister", "{machine}"], id="deregister"),
    pytest.param(_addresses, ["allocate-address"], id="allocate-address"),
    pytest.param(_addresses, ["associate-address", "-i", "{iid}", "{free}"], id="associate-address"),
    pytest.param(_addresses, ["disassociate-address", "{held}"], id="disassociate-address"),
    pytest.param(_addresses, ["release-address", "{free}"], id="release-address"),
    pytest.param(_tags, ["create-tags", "{vol}", "--tag", "new=1"], id="create-tags"),
    pytest.param(_tags, ["delete-tags", "{vol}", "--tag", "keep"], id="delete-tags"),
]


@pytest.mark.parametrize("make, line", CASES)
def test_read_only_refuses_and_dry_run_probes_and_neither_changes_the_cloud(cloud, monkeypatch, capsys, make, line):
    names = make(cloud.session)
    args = [a.format(**names) for a in line]
    before = cloud_state(cloud.session)
    code, out, err = oneshot(cloud, monkeypatch, capsys, "--read-only", *args)
    assert code == 1 and "refused, cloudshell runs --read-only (nothing was sent)" in err, (args, err)
    assert len(err.strip().splitlines()) == 1 and out == "", (out, err)
    assert cloud_state(cloud.session) == before, args
    code, out, err = oneshot(cloud, monkeypatch, capsys, "--dry-run", "--output", "table", *args)
    assert code == 0, (args, err)
    assert "dry run: the request would have succeeded (DryRun)" in out, args
    assert cloud_state(cloud.session) == before, args
