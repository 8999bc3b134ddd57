"""First data first (issue 10 item 4): each kind published as it comes in, live tables first;
images and snapshots scoped like euca2ools on every endpoint; small pages asked for."""

from __future__ import annotations

from hostile_ec2 import error, hostile_ec2, instance_xml, reservations
from waiting import until

from cloudshell.cloud.poller import Poller
from cloudshell.cloud.session import CloudSession, Endpoint


def _session(url: str) -> CloudSession:
    return CloudSession(Endpoint(endpoint_url=url, region="us-east-1", access_key="demo", secret_key="demo",
                                 connect_timeout=0.5, read_timeout=2.0, max_attempts=1))


def test_instances_are_published_before_the_other_kinds_are_asked(seeded):
    cloud, facts = seeded
    seen = []
    poller = Poller(cloud.session, interval=60)
    poller.subscribe(lambda u: seen.append(tuple(u.inventory.records)))
    try:
        poller.sweep_once()
    finally:
        poller.stop()
    assert seen[0] == ("instances",), seen[:3]
    assert seen[1] == ("instances", "volumes"), seen[:3]
    assert len(seen[0]) < len(seen[-1]) and "zones" in seen[-1]


def test_images_and_snapshots_are_own_plus_launchable_on_a_non_aws_endpoint():
    with hostile_ec2() as ec2:
        session = _session(ec2.url)
        try:
            Poller(session, interval=60, kinds=("images", "snapshots")).sweep_once()
        finally:
            session.close()
        images = [r for r in ec2.received if r["Action"] == "DescribeImages"]
        snapshots = [r for r in ec2.received if r["Action"] == "DescribeSnapshots"]
    assert [(r.get("Owner.1"), r.get("ExecutableBy.1")) for r in images] == [("self", None), (None, "self")]
    assert [(r.get("Owner.1"), r.get("RestorableBy.1")) for r in snapshots] == [("self", None), (None, "self")]


def test_a_page_size_is_asked_and_an_endpoint_refusing_it_is_asked_without():
    def instances(params: dict[str, str]):
        if "MaxResults" in params:
            return error("InvalidParameterValue", "MaxResults is not supported")
        return reservations(instance_xml("i-00000000000000001", name="web-1"))

    with hostile_ec2({"DescribeInstances": instances}) as ec2:
        session = _session(ec2.url)
        poller = Poller(session, interval=0.2, kinds=("instances", "volumes"), page_size=50).start()
        try:
            until(lambda: "i-00000000000000001" in poller.inventory.of("instances"), 10, "instances")
            until(lambda: ec2.actions().count("DescribeInstances") >= 3, 10, "more sweeps")
            assert poller.health.describe() == "ok"
        finally:
            poller.stop()
            session.close()
        asked = [r for r in ec2.received if r["Action"] == "DescribeInstances"]
        volumes = [r for r in ec2.received if r["Action"] == "DescribeVolumes"]
    assert asked[0].get("MaxResults") == "50"
    assert all("MaxResults" not in r for r in asked[2:]), "the refused page size is not asked again"
    assert volumes[0].get("MaxResults") == "50"
