"""Several clouds' pollers as one (cloud/cloudspoller.py): two moto servers, a child process each.

An outage in one cloud marks only that cloud stale, keeps its last records, never holds the
other's updates, and the cloud recovers by itself; broken credentials show that cloud failing.
"""

from __future__ import annotations

from waiting import until  # noqa: I001 - tests/ is on sys.path (conftest)

import pytest
from faultproxy import FaultProxy
from two_clouds import two_clouds  # noqa: F401 - fixtures

from cloudshell.cloud.clouds import CloudSpec
from cloudshell.cloud.cloudset import health_word, open_cloud_set
from cloudshell.cloud.config import GlobalFlags


def open_two(url_a: str, url_b: str, monkeypatch, env: dict[str, str]):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE",
                 "AWS_SHARED_CREDENTIALS_FILE", "AWS_EC2_METADATA_DISABLED", "HOME"):
        monkeypatch.setenv(name, env[name])
    specs = [CloudSpec("a", GlobalFlags(endpoint_url=url_a, cloud="a"), short="a"),
             CloudSpec("b", GlobalFlags(endpoint_url=url_b, cloud="b"), short="b")]
    return open_cloud_set(specs, interval=0.5, user_config={})


def instance_clouds(inv) -> set[str]:
    return {rec["cloud"] for rec in inv.of("instances").values()}


def test_one_cloud_down_is_stale_alone_and_recovers(two_clouds, monkeypatch):
    t = two_clouds
    clouds = open_two(t.a.url, t.b_url, monkeypatch, t.env)
    try:
        poller = clouds.monitor_poller()
        until(lambda: instance_clouds(poller.inventory) == {"a", "b"}, 60, "both clouds' instances")
        assert poller.health.describe() == "a ok · b ok"
        b_ids = {i.id for i in t.facts_b.instances}
        assert {rid for rid, rec in poller.inventory.of("instances").items() if rec["cloud"] == "b"} == b_ids

        t.b_server.stop()
        until(lambda: poller.cloud_health["b"].state == "stale", 60, "b stale")
        assert poller.cloud_health["a"].state == "ok"
        assert poller.health.state == "ok"   # the monitor as a whole is not stale
        assert poller.health.describe().startswith("a ok · b stale ")
        # a goes on updating; b's last records stay shown.
        vol = t.a.session.call("create_volume", Size=1, AvailabilityZone="us-east-1a")["VolumeId"]
        until(lambda: vol in poller.inventory.of("volumes"), 30, "a's new volume while b is down")
        assert poller.inventory.of("volumes")[vol]["cloud"] == "a"
        assert b_ids <= set(poller.inventory.of("instances"))

        t.b_server.start(timeout=60)
        # b's own health turns first; the combined one with b's next sweep.
        until(lambda: poller.cloud_health["b"].state == "ok" and poller.health.describe() == "a ok · b ok", 90,
              "b back by itself")
    finally:
        clouds.close()
        if not t.b_server.running:
            t.b_server.start(timeout=60)


def test_broken_credentials_in_one_cloud_show_it_failing(two_clouds, monkeypatch):
    t = two_clouds
    with FaultProxy(t.b_url) as proxy:
        proxy.auth_failure()
        clouds = open_two(t.a.url, proxy.url, monkeypatch, t.env)
        try:
            poller = clouds.monitor_poller()
            until(lambda: instance_clouds(poller.inventory) == {"a"} and
                  health_word(poller.cloud_health["b"]).startswith("failing"), 60, "a's data, b failing")
            assert poller.health.describe() == "a ok · b failing (AuthFailure)"
        finally:
            clouds.close()


@pytest.mark.parametrize("name, short", [("eu-west-1", "euw1"), ("prod", "prod")])
def test_records_carry_their_clouds_short_name(two_clouds, monkeypatch, name, short):
    t = two_clouds
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
                "AWS_EC2_METADATA_DISABLED"):
        monkeypatch.setenv(var, t.env[var])
    from cloudshell.cloud.clouds import short_name

    clouds = open_cloud_set([CloudSpec(name, GlobalFlags(endpoint_url=t.a.url, region="us-east-1"),
                                       short=short_name(name))], interval=0.5, user_config={})
    try:
        poller = clouds.monitor_poller()
        until(lambda: instance_clouds(poller.inventory) == {short}, 60, "tagged instances")
    finally:
        clouds.close()
