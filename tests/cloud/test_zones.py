"""Availability zones: the kind added as one row (kinds.py) plus one hook (commands/describe.py).

One-shot ``describe-availability-zones`` on moto, Eucalyptus' ``verbose`` capacity rows from a
crafted endpoint, and the monitor's Zones view (key 8) with its state column and capacity.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from types import SimpleNamespace

from clirun import run_here
from conftest import isolated_env
from hostile_ec2 import hostile_ec2, response
from monitor_harness import fed_monitor, monitor, screen_text, small_cloud, synthetic_inventory, table_ids, until

from cloudshell.cloud.kinds import KINDS
from cloudshell.cloud.session import CloudSession, Endpoint
from cloudshell.screens.detail import DetailScreen

# What a Eucalyptus cloud answers to DescribeAvailabilityZones with ZoneNames.1=verbose: each zone,
# its cluster where the state was, then one row per VM type (free / max, cpu, ram, disk).
EUCA_VERBOSE = [("PARTI00", "10.111.1.135 arn:euca:eucalyptus:PARTI00:cluster:cc-1/"),
                ("|- vm types", "free / max   cpu   ram  disk"),
                ("|- m1.small", "0004 / 0008   1    256     5"),
                ("|- c1.medium", "0002 / 0004   1    512    10")]
EUCA_PLAIN = [("PARTI00", "available")]


def _zones_xml(rows: list[tuple[str, str]]) -> str:
    items = "".join(f"<item><zoneName>{n}</zoneName><zoneState>{s}</zoneState>"
                    f"<regionName>eucalyptus</regionName></item>" for n, s in rows)
    return response("DescribeAvailabilityZones", f"<availabilityZoneInfo>{items}</availabilityZoneInfo>")


def _euca(params: dict[str, str]) -> str:
    return _zones_xml(EUCA_VERBOSE if params.get("ZoneName.1") == "verbose" else EUCA_PLAIN)


def _run(env: dict[str, str], url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``cloudshell --endpoint-url URL ARGS`` through cli.main in this process (clirun.run_here)."""
    return run_here(["--endpoint-url", url, *args], env)


def test_one_shot_lists_the_zones_with_their_state(cloud):
    plain = cloud.here([*cloud.endpoint_args, "describe-availability-zones", "--output", "json"])
    assert plain.returncode == 0, plain.stderr
    zones = json.loads(plain.stdout)["AvailabilityZones"]
    assert {"us-east-1a", "us-east-1b"} <= {z["ZoneName"] for z in zones}
    assert {z["State"] for z in zones} == {"available"}
    # A cloud that does not know `verbose` (moto, AWS) still lists every zone for it.
    verbose = cloud.here([*cloud.endpoint_args, "describe-availability-zones", "verbose", "--output", "json"])
    assert verbose.returncode == 0, verbose.stderr
    assert json.loads(verbose.stdout) == json.loads(plain.stdout)


def test_eucalyptus_verbose_rows_come_through_as_sent(tmp_path: Path):
    env = isolated_env(tmp_path)
    with hostile_ec2({"DescribeAvailabilityZones": _euca}) as ec2:
        done = _run(env, ec2.url, "describe-availability-zones", "verbose", "--output", "json")
        plain = _run(env, ec2.url, "describe-availability-zones", "--output", "json")
        asked = [r.get("ZoneName.1") for r in ec2.received if r.get("Action") == "DescribeAvailabilityZones"]
    assert done.returncode == 0, done.stderr
    rows = [(z["ZoneName"], z["State"]) for z in json.loads(done.stdout)["AvailabilityZones"]]
    assert rows == EUCA_VERBOSE
    assert [(z["ZoneName"], z["State"]) for z in json.loads(plain.stdout)["AvailabilityZones"]] == EUCA_PLAIN
    assert asked == ["verbose", None]


async def test_zones_view_is_key_8_with_state():
    async with fed_monitor() as (app, pilot, _poller):
        await pilot.press("8")
        assert app.screen.view == "zones"
        assert sorted(table_ids(app)) == ["zone-a", "zone-b"]
        await pilot.pause()
        text = screen_text(app)
        assert "8 Zones" in text and "available" in text and "Region" in text
        await pilot.press("1", "colon", *"zones", "enter")
        assert app.screen.view == "zones"


async def test_zones_view_shows_eucalyptus_capacity_and_its_detail():
    raws = KINDS["zones"].records_of({"AvailabilityZones": [{"ZoneName": n, "State": s, "RegionName": "euca"}
                                                            for n, s in EUCA_VERBOSE]})
    cloud = small_cloud()
    inv = synthetic_inventory([r.raw for r in cloud.of("instances").values()], zones=raws)
    async with fed_monitor(inv, size=(160, 30)) as (app, pilot, _poller):
        await pilot.press("8")
        assert table_ids(app) == ["PARTI00"]   # the capacity rows belong to their zone, not beside it
        await pilot.pause()
        text = screen_text(app)
        assert "m1.small 4/8, c1.medium 2/4" in text
        assert "10.111.1.135" in text
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen), what="the zone's detail")
        await pilot.pause()
        detail = screen_text(app)
        assert "Capacity" in detail and "0004 / 0008   1    256     5" in detail


async def test_the_monitor_sweeps_eucalyptus_zones_verbose_and_moto_zones_plain(cloud):
    async with monitor(cloud) as (app, pilot):
        await pilot.press("8")
        await until(pilot, lambda: {"us-east-1a", "us-east-1b"} <= set(table_ids(app)), what="moto's zones")
    with hostile_ec2({"DescribeAvailabilityZones": _euca}) as ec2:
        session = CloudSession(Endpoint(endpoint_url=ec2.url, region="eucalyptus", access_key="demo",
                                        secret_key="demo"))
        try:
            async with monitor(SimpleNamespace(session=session)) as (app, pilot):
                await pilot.press("8")
                await until(pilot, lambda: table_ids(app) == ["PARTI00"], what="the Eucalyptus zone")
                rec = app.inventory.get("PARTI00", "zones")
                assert rec is not None and rec["capacity"] == "m1.small 4/8, c1.medium 2/4"
        finally:
            session.close()
