"""The poller, headless: sweeps, fast refresh of transitional resources, backoff, health, recovery."""

import threading
import time

import pytest
from waiting import until

from cloudshell.cloud.demo import MotoServer, free_port
from cloudshell.cloud.poller import Poller
from cloudshell.cloud.session import CloudSession, Endpoint


def _wait(predicate, timeout=10.0, what="condition"):
    return until(predicate, timeout, what, step=0.02)


@pytest.fixture
def poller_for():
    made = []

    def make(session, **kw):
        p = Poller(session, **kw)
        made.append(p)
        return p
    yield make
    for p in made:
        p.stop()
        assert not p.running


def test_first_sweep_publishes_every_kind_to_subscribers(seeded, poller_for):
    cloud, facts = seeded
    got = []
    poller = poller_for(cloud.session, interval=30)
    poller.subscribe(got.append)
    poller.start()
    inv = poller.wait_until(lambda inv: inv.has("instances") and inv.has("zones"), timeout=15)
    assert {i.id for i in facts.instances} == set(inv.of("instances"))
    assert got and got[-1].inventory is poller.inventory
    assert poller.health.state == "ok" and poller.health.describe() == "ok"


def test_refresh_now_after_an_action_sees_the_change_without_a_full_sweep(seeded, poller_for):
    cloud, facts = seeded
    poller = poller_for(cloud.session, interval=60, fast_interval=60)
    events = []
    poller.subscribe(lambda u: events.extend(u.changes))
    poller.start()
    poller.wait_until(lambda inv: inv.has("instances"), timeout=15)
    target = facts.instances_where(state="running")[0].id
    cloud.session.call("stop_instances", InstanceIds=[target], mutating=True)
    poller.refresh_now(ids=[target])
    poller.wait_until(lambda inv: inv.get(target).state in ("stopping", "stopped"), timeout=5)
    assert any(c.id == target and c.what == "changed" for c in events)


def test_unsubscribe_stops_delivery(seeded, poller_for):
    cloud, _ = seeded
    poller = poller_for(cloud.session, interval=0.3)
    got = []
    unsubscribe = poller.subscribe(got.append)
    poller.start()
    _wait(lambda: got, what="first update")
    unsubscribe()
    n = len(got)
    sweeps = poller.requests
    _wait(lambda: poller.requests > sweeps + 8, what="more sweeps")
    assert len(got) == n


def test_a_failing_subscriber_does_not_stop_polling(seeded, poller_for):
    cloud, _ = seeded
    poller = poller_for(cloud.session, interval=0.3)
    poller.subscribe(lambda u: 1 / 0)
    good = []
    poller.subscribe(good.append)
    poller.start()
    _wait(lambda: len(good) >= 2, what="two updates despite a failing subscriber")


def test_outage_backs_off_goes_stale_and_recovers_by_itself(poller_for):
    port = free_port()
    session = CloudSession(Endpoint(endpoint_url=f"http://127.0.0.1:{port}", region="us-east-1",
                                    access_key="demo", secret_key="demo", connect_timeout=0.5,
                                    read_timeout=2, max_attempts=1))
    poller = poller_for(session, interval=0.2, fast_interval=0.2, max_backoff=1.0, kinds=("zones",))
    attempts = []
    poller.subscribe(lambda u: attempts.append((time.monotonic(), u.health)))
    poller.start()
    _wait(lambda: poller.health.state == "stale", timeout=15, what="stale health")
    health = poller.health
    assert health.failures >= 3 and "cannot reach the endpoint" in health.last_error
    assert health.describe().startswith("stale since ")
    gaps = [b[0] - a[0] for a, b in zip(attempts, attempts[1:])]
    assert gaps[-1] > gaps[0], f"no backoff: {gaps}"
    assert len(attempts) < 15, "retried too often"
    with MotoServer(port=port) as server:
        server.start()
        _wait(lambda: poller.health.state == "ok", timeout=10, what="recovery")
        assert poller.inventory.has("zones")
        assert poller.health.failures == 0


def test_transitional_resources_are_reread_fast(seeded, poller_for):
    cloud, facts = seeded
    poller = poller_for(cloud.session, interval=60, fast_interval=0.2)
    poller.start()
    poller.wait_until(lambda inv: inv.has("volumes"), timeout=15)
    # moto answers "creating" never, so fake it through a real state it keeps: pending snapshot.
    start = poller.requests
    vol = facts.available_volumes[0].id
    snap = cloud.session.call("create_snapshot", VolumeId=vol, mutating=True)["SnapshotId"]
    poller.refresh_now(kinds=["snapshots"])
    poller.wait_until(lambda inv: snap in inv.of("snapshots"), timeout=5)
    state = poller.inventory.get(snap).state
    if state == "pending":
        _wait(lambda: poller.requests > start + 3, timeout=5, what="fast re-reads of a pending snapshot")
    else:
        assert poller.requests <= start + 3, "no transitional resource, yet the poller kept polling"


def test_stop_joins_the_thread(seeded):
    cloud, _ = seeded
    poller = Poller(cloud.session, interval=0.2).start()
    _wait(lambda: poller.requests > 0, what="first request")
    poller.stop()
    assert not poller.running
    assert not [t for t in threading.enumerate() if t.name == "cloudshell-poller"]


def test_a_quiet_cloud_is_swept_less_often_and_an_action_brings_the_pace_back(seeded, poller_for):
    cloud, facts = seeded
    poller = poller_for(cloud.session, interval=0.2, fast_interval=0.1, max_interval=0.8,
                        kinds=("instances",))
    sweeps = []
    poller.subscribe(lambda u: sweeps.append(time.monotonic()))
    poller.start()
    _wait(lambda: poller.sweep_interval() == 0.8, timeout=15, what="the interval to stretch")
    n = len(sweeps)
    _wait(lambda: len(sweeps) >= n + 2, timeout=10, what="two slow sweeps")
    assert sweeps[-1] - sweeps[-2] >= 0.6, "a quiet cloud is still swept at the base interval"
    target = facts.instances_where(state="running")[0].id
    cloud.session.call("stop_instances", InstanceIds=[target], mutating=True)
    poller.refresh_now(ids=[target])
    assert poller.sweep_interval() == 0.2
    poller.wait_until(lambda inv: inv.get(target).state in ("stopping", "stopped"), timeout=5)
    n = len(sweeps)
    _wait(lambda: len(sweeps) >= n + 4, timeout=3, what="fast re-reads of the acted-on instance")


def test_an_unchanged_sweep_keeps_the_same_records_and_a_change_renews_only_its_own(seeded, poller_for):
    cloud, facts = seeded
    poller = poller_for(cloud.session, interval=60, kinds=("instances", "volumes"))
    first = poller.sweep_once().inventory
    second = poller.sweep_once().inventory
    assert second.of("instances") is first.of("instances")
    assert second.of("volumes") is first.of("volumes")
    target = facts.instances_where(state="running")[0].id
    cloud.session.call("create_tags", Resources=[target], Tags=[{"Key": "Name", "Value": "renamed"}],
                       mutating=True)
    changes = []
    poller.subscribe(lambda u: changes.extend(u.changes))
    third = poller.sweep_once().inventory
    assert [(c.id, c.what) for c in changes] == [(target, "changed")]
    assert third.get(target).name == "renamed"
    others = [rid for rid in first.of("instances") if rid != target]
    assert all(third.get(rid) is first.get(rid) for rid in others)
    assert third.of("volumes") is first.of("volumes")
