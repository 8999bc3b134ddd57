"""The network kinds in the poller: on the slow tier, refreshed by ID after an action, and refused
as a whole by a cloud without VPC (Eucalyptus in EC2-classic mode) without touching the others."""

from __future__ import annotations

import pytest
from cloud_checks import launch
from faultproxy import FaultProxy
from waiting import until

from cloudshell.cloud.demo import seed
from cloudshell.cloud.kinds import KINDS
from cloudshell.cloud.kinds.network import NETWORK_KINDS
from cloudshell.cloud.poller import Poller
from cloudshell.cloud.session import CloudSession

ACTIONS = {k.name: "".join(w.capitalize() for w in k.operation.split("_")) for k in NETWORK_KINDS}


@pytest.fixture
def proxied(cloud):
    """(proxy, session through it) over the seeded demo cloud."""
    seed(cloud.session)
    with FaultProxy(cloud.url) as proxy:
        session = CloudSession.for_url(proxy.url, connect_timeout=0.5, read_timeout=5.0, max_attempts=1)
        try:
            yield proxy, session
        finally:
            session.close()


def test_a_cloud_without_vpc_refuses_the_network_kinds_in_one_phrase_and_the_rest_stays_live(cloud, proxied):
    proxy, session = proxied
    for action in ACTIONS.values():
        proxy.inject("error", action=action, status=400, code="InvalidAction",
                     message=f"The action {action} is not valid for this web service.")
    poller = Poller(session, interval=0.3, fast_interval=0.2).start()
    try:
        until(lambda: poller.inventory.has("instances") and poller.inventory.has("zones")
              and len(poller.health.kinds) == len(ACTIONS), 30, "the first sweep")
        assert poller.health.state == "ok"
        assert poller.health.describe() == (f"ok · {len(ACTIONS)} kinds not permitted (InvalidAction: "
                                             f"{', '.join(sorted(ACTIONS))})")
        assert not any(poller.inventory.has(k) for k in ACTIONS)
        new_id = launch(cloud.session)
        until(lambda: new_id in poller.inventory.of("instances"), 20, "the new instance")
        swept = proxy.count("DescribeInstances")
        until(lambda: proxy.count("DescribeInstances") >= swept + 3, 20, "three more sweeps")
        assert all(proxy.count(action) == 1 for action in ACTIONS.values()), "a refused kind is asked again"
    finally:
        poller.stop()


def test_network_kinds_are_swept_on_the_slow_tier_and_refreshed_by_id_after_an_action(cloud, proxied):
    proxy, session = proxied
    assert {k.sweep_every for k in NETWORK_KINDS} == {KINDS["groups"].sweep_every}
    poller = Poller(session, interval=0.2, fast_interval=0.1, max_interval=0.2).start()
    try:
        until(lambda: all(poller.inventory.has(k) for k in ACTIONS), 30, "every network kind")
        default_vpc = next(iter(poller.inventory.of("vpcs").values()))
        assert default_vpc["cidr"] == "172.31.0.0/16" and default_vpc["default"] == "yes"
        assert len(poller.inventory.of("subnets")) == 6      # moto's default VPC, one subnet a zone
        first = proxy.count("DescribeInstances")
        until(lambda: proxy.count("DescribeInstances") >= first + 13, 30, "thirteen more sweeps")
        instance_sweeps = proxy.count("DescribeInstances") - first
        assert 1 <= proxy.count("DescribeVpcs") - 1 <= instance_sweeps // 12 + 1   # one in twelve
        # An action's IDs are read again at once, whatever the tier.
        vpc = cloud.session.call("create_vpc", CidrBlock="10.40.0.0/16", mutating=True)["Vpc"]["VpcId"]
        poller.refresh_now(ids=[vpc])
        until(lambda: vpc in poller.inventory.of("vpcs"), 10, "the new VPC")
        assert poller.inventory.get(vpc)["cidr"] == "10.40.0.0/16"
    finally:
        poller.stop()
