"""The immutable inventory over real HTTP: kinds as data, pagination with a cap, diff events."""

import dataclasses

import pytest

from cloudshell.cloud.inventory import EMPTY, Record, diff, fetch, fetch_kind
from cloudshell.cloud.kinds import INSTANCES, KINDS, kind_of_id


def test_fetch_reads_every_kind_of_the_demo_cloud(seeded):
    cloud, facts = seeded
    inv = fetch(cloud.session)
    assert set(inv.records) == set(KINDS)
    assert set(inv.of("instances")) == {i.id for i in facts.instances}
    assert {v.id for v in facts.volumes} <= set(inv.of("volumes"))  # plus root volumes
    names = {r.name for r in inv.of("images").values()}
    assert {"centos-7-x86_64", "ubuntu-16.04-server"} <= names
    assert "testkey" in inv.of("keypairs")
    assert {r.name for r in inv.of("groups").values()} >= {"webservers"}
    assert {"us-east-1a", "us-east-1b"} <= set(inv.of("zones"))


def test_records_are_normalised_for_display(seeded):
    cloud, facts = seeded
    inv = fetch(cloud.session, ["instances", "volumes"])
    web = facts.instance("web-1")
    rec = inv.get(web.id)
    assert (rec.kind, rec.name, rec.zone) == ("instances", "web-1", web.zone)
    assert rec.state in ("running", "stopped", "pending")
    attached = facts.attached_volumes[0]
    vol = inv.get(attached.id, "volumes")
    assert vol.state == "in-use" and vol["instance"] == attached.instance_id and vol["device"]


def test_snapshots_and_records_are_immutable(seeded):
    cloud, _ = seeded
    inv = fetch(cloud.session, ["instances"])
    rec = next(iter(inv.of("instances").values()))
    with pytest.raises(dataclasses.FrozenInstanceError):
        rec.state = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        rec.fields["state"] = "x"  # type: ignore[index]
    with pytest.raises(TypeError):
        inv.of("instances")["i-new"] = rec  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        inv.fetched_at = 0  # type: ignore[misc]


def test_pagination_follows_pages_and_stops_at_the_cap(cloud):
    # moto pages describe_instances by 100 reservations even unasked.
    for _ in range(105):
        cloud.session.call("run_instances", ImageId="ami-12345678", MinCount=1, MaxCount=1, mutating=True)
    every, cut = fetch_kind(cloud.session, INSTANCES, page_cap=50)
    assert len(every) == 105 and not cut
    capped, cut = fetch_kind(cloud.session, INSTANCES, page_cap=1)
    assert len(capped) == 100 and cut


def test_by_id_refresh_tolerates_ids_that_vanished(seeded):
    cloud, facts = seeded
    gone = facts.available_volumes[0].id
    cloud.session.call("delete_volume", VolumeId=gone, mutating=True)
    recs, _ = fetch_kind(cloud.session, KINDS["volumes"], ids=[gone, facts.attached_volumes[0].id])
    assert set(recs) == {facts.attached_volumes[0].id}


def test_diff_yields_added_removed_and_changed_fields(seeded):
    cloud, facts = seeded
    before = fetch(cloud.session, ["instances", "volumes"])
    running = facts.instances_where(state="running")[0]
    cloud.session.call("stop_instances", InstanceIds=[running.id], mutating=True)
    free = facts.available_volumes[0]
    cloud.session.call("attach_volume", VolumeId=free.id, InstanceId=running.id, Device="/dev/sdk", mutating=True)
    new = cloud.session.call("create_volume", Size=1, AvailabilityZone="us-east-1a", mutating=True)["VolumeId"]
    after = fetch(cloud.session, ["instances", "volumes"])
    events = {(c.id, c.what): c for c in diff(before, after)}
    stop = events[(running.id, "changed")]
    assert ("state", "running", "stopped") in stop.fields or ("state", "running", "stopping") in stop.fields
    assert "running → stop" in stop.describe()
    attach = events[(free.id, "changed")]
    assert f"attached to {running.id} as /dev/sdk" in attach.describe()
    assert (new, "added") in events
    removed = diff(after, before)
    assert any(c.id == new and c.what == "removed" for c in removed)


def test_diff_of_first_snapshot_and_unrelated_kinds_is_empty():
    assert diff(EMPTY, EMPTY) == []


def test_kind_of_id_knows_eucalyptus_prefixes():
    assert kind_of_id("emi-1a2b3c4d").name == "images"
    assert kind_of_id("eki-1a2b3c4d").name == "images"
    assert kind_of_id("vol-1a2b3c4d").name == "volumes"
    assert kind_of_id("10.0.0.1") is None


def test_record_from_raw_keeps_display_strings():
    raw = {"InstanceId": "i-1", "State": {"Name": "running"}, "Tags": [{"Key": "Name", "Value": "w"}],
           "Placement": {"AvailabilityZone": "z1"}}
    rec = Record.from_raw(INSTANCES, raw)
    assert (rec.id, rec.name, rec.state, rec.zone, rec["public_ip"]) == ("i-1", "w", "running", "z1", "")
