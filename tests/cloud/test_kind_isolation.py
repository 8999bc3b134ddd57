"""One refused kind never stales the others: the poller, the monitor's status bar and the REPL toolbar.

The fault proxy in front of moto answers only one describe with 403
``UnauthorizedOperation``; instances must go on updating live.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from cloud_checks import launch
from faultproxy import FaultProxy
from monitor_harness import monitor, screen_text
from monitor_harness import until as pilot_until
from waiting import until

from cloudshell.cloud.demo import seed
from cloudshell.cloud.poller import Poller
from cloudshell.cloud.session import CloudSession


@pytest.fixture
def refusing(cloud):
    """(proxy, session through it) over the seeded demo cloud."""
    seed(cloud.session)
    with FaultProxy(cloud.url) as proxy:
        session = CloudSession.for_url(proxy.url, connect_timeout=0.5, read_timeout=2.0, max_attempts=1)
        try:
            yield proxy, session
        finally:
            session.close()


def _refuse(proxy: FaultProxy, action: str) -> None:
    proxy.inject("error", action=action, status=403, code="UnauthorizedOperation",
                 message=f"You are not authorized to perform this operation ({action}).")


@pytest.mark.parametrize("action, kind", [("DescribeAddresses", "addresses"), ("DescribeImages", "images")])
def test_a_refused_kind_is_not_permitted_and_instances_keep_updating(cloud, refusing, action, kind):
    proxy, session = refusing
    _refuse(proxy, action)
    poller = Poller(session, interval=0.3, fast_interval=0.2).start()
    try:
        # Each kind is published as it comes in; zones come last in a sweep.
        until(lambda: poller.inventory.has("instances") and poller.inventory.has("zones"), 20,
              "the first sweep")
        assert poller.health.state == "ok"
        assert f"{kind} not permitted (UnauthorizedOperation)" in poller.health.describe()
        assert not poller.inventory.has(kind)
        # Live: an instance launched behind the poller's back shows up while the kind stays refused.
        new_id = launch(cloud.session)
        until(lambda: new_id in poller.inventory.of("instances"), 20, "the new instance")
        sweeps_after = proxy.count("DescribeInstances")
        until(lambda: proxy.count("DescribeInstances") >= sweeps_after + 3, 20, "three more sweeps")
        assert proxy.count(action) == 1, "a refused kind is not asked again every sweep"
    finally:
        poller.stop()


def test_a_failing_kind_keeps_its_last_data_and_says_retrying(cloud, refusing):
    proxy, session = refusing
    poller = Poller(session, interval=0.3, fast_interval=0.2, kinds=("instances", "volumes")).start()
    try:
        until(lambda: len(poller.inventory.of("volumes")) > 0, 20, "volumes")
        volumes = set(poller.inventory.of("volumes"))
        proxy.server_error(action="DescribeVolumes")
        until(lambda: "volumes retrying" in poller.health.describe()
              or "volumes stale" in poller.health.describe(), 20, "the volumes kind to fail alone")
        assert set(poller.inventory.of("volumes")) == volumes
        new_id = launch(cloud.session)
        until(lambda: new_id in poller.inventory.of("instances"), 20, "instances still live")
        proxy.clear()
        until(lambda: poller.health.describe() == "ok", 20, "recovery")
    finally:
        poller.stop()


def test_when_every_kind_fails_it_is_the_whole_sweep(cloud, refusing):
    proxy, session = refusing
    proxy.auth_failure()
    poller = Poller(session, interval=0.3, kinds=("instances", "volumes")).start()
    try:
        until(lambda: poller.health.state in ("retrying", "stale"), 20, "the sweep to fail")
        assert "AuthFailure" in poller.health.describe()
    finally:
        poller.stop()


async def test_the_monitor_status_bar_names_the_refused_kind(cloud, refusing):
    proxy, session = refusing
    _refuse(proxy, "DescribeAddresses")

    async with monitor(SimpleNamespace(session=session), size=(160, 40)) as (app, pilot):
        await pilot_until(pilot, lambda: "addresses not permitted" in screen_text(app).splitlines()[-2],
                          what="the status bar naming addresses")
        assert "web-1" in screen_text(app)
