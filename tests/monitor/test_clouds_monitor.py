"""The monitor over two clouds under Pilot, fed fixed snapshots (two FedPollers merged by CloudsPoller).

What one cloud's outage looks like (its rows drawn stale, the other's live, the status naming
it), the Cloud column at 80 columns, the c filter, and that one cloud keeps the old screen.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from monitor_harness import (
    FIXED_NOW, FedPoller, fed_monitor, instance_raw, screen_text, synthetic_inventory, until,
)

from cloudshell.app import CloudshellApp
from cloudshell.cloud.cloudset import CloudSet
from cloudshell.cloud.cloudspoller import CloudsPoller


def cloud_runtime(name: str):
    session = SimpleNamespace(region="demo-region", endpoint=SimpleNamespace(region="r-" + name,
                                                                            endpoint_url=f"http://{name}:8773/"))
    return SimpleNamespace(name=name, short=name, label=name, session=session, settings=None, user_config={},
                           read_only=False, demo=None, interval=5.0, close=lambda: None)


def two_inventories():
    a = synthetic_inventory([instance_raw(n, name=f"a-node-{n}") for n in range(1, 4)])
    b = synthetic_inventory([instance_raw(n, name=f"b-node-{n}") for n in range(101, 104)])
    return a, b


def two_cloud_monitor():
    """(prod's poller, aws-eu's poller, the CloudSet, the app over both, merged)."""
    pa, pb = FedPoller(), FedPoller()
    clouds = CloudSet([cloud_runtime("prod"), cloud_runtime("aws-eu")])
    merged = CloudsPoller({"prod": pa, "aws-eu": pb}, {"prod": "prod", "aws-eu": "aws-eu"})
    return pa, pb, clouds, CloudshellApp(clouds, poller=merged, clock=lambda: FIXED_NOW + 3)


async def both_fed(app, pilot, pa, pb):
    """Both clouds' three instances fed, and drawn: the instances table."""
    inv_a, inv_b = two_inventories()
    pa.feed(inv_a)
    pb.feed(inv_b)
    return await until(pilot, lambda: app.screen.query("#view-instances") and len(app.screen.table.order) == 6
                       and app.screen.table, what="both clouds' rows")


async def test_one_cloud_stale_draws_only_its_rows_stale_and_c_filters():
    pa, pb, clouds, app = two_cloud_monitor()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await both_fed(app, pilot, pa, pb)
        text = screen_text(app)
        header = next(line for line in text.splitlines() if "ID" in line)
        assert header.split()[:2] == ["Cloud", "ID▲"]
        assert "2 clouds" in text and "prod ok · aws-eu ok" in text

        pb.fail("endpoint unreachable", times=3)
        await until(pilot, lambda: "aws-eu stale" in screen_text(app), what="aws-eu stale in the status")
        assert table.stale_clouds == frozenset({"aws-eu"}) and not table.stale
        assert "prod ok · aws-eu stale " in screen_text(app) and "STALE" not in screen_text(app)
        stale_style = table._style("stale")
        for y, rid in enumerate(table.order, start=1):
            cloud = table.records[rid]["cloud"]
            styles = [seg.style for seg in table.render_line(y) if seg.text.strip()]
            drawn_stale = all(stale_style.dim == (s.dim if s else None) for s in styles) and stale_style.dim
            assert bool(drawn_stale) == (cloud == "aws-eu"), (rid, cloud)
        assert len(table.order) == 6   # the stale cloud's rows stay shown

        await pilot.press("c")
        await until(pilot, lambda: "cloud prod" in screen_text(app), what="the prod filter")
        assert {table.records[r]["cloud"] for r in table.order} == {"prod"}
        status = next(line for line in screen_text(app).splitlines() if "cloud prod" in line)
        assert re.search(r"\b3 ?inst\b", status), status        # prod's 3, not both clouds' 6
        assert clouds.current_name == "prod"
        await pilot.press("c")
        await until(pilot, lambda: "cloud aws-eu" in screen_text(app), what="the aws-eu filter")
        assert {table.records[r]["cloud"] for r in table.order} == {"aws-eu"}
        await pilot.press("c")
        await until(pilot, lambda: "2 clouds" in screen_text(app), what="every cloud again")
        assert len(table.order) == 6
        status = next(line for line in screen_text(app).splitlines() if "2 clouds" in line)
        assert re.search(r"\b6 ?inst\b", status), status


async def test_one_cloud_has_no_cloud_column_and_c_is_the_console():
    async with fed_monitor(size=(80, 24)) as (app, pilot, _poller):
        text = screen_text(app)
        header = next(line for line in text.splitlines() if "ID" in line)
        assert header.split()[0] == "ID▲" and "Cloud" not in text
        assert app.screen.table.pinned == 1
        await pilot.press("c")
        await until(pilot, lambda: "console" in screen_text(app).lower(), what="the console (detail) screen")


async def test_command_bar_offers_every_cloud_until_an_id_names_one():
    from cloudshell.widgets.command_bar import CommandBar

    pa, pb = FedPoller(), FedPoller()
    clouds = CloudSet([cloud_runtime("prod"), cloud_runtime("aws-eu")])
    app = CloudshellApp(clouds, poller=CloudsPoller({"prod": pa, "aws-eu": pb}), clock=lambda: FIXED_NOW + 3)
    inv_a, inv_b = two_inventories()
    async with app.run_test(size=(80, 24)) as pilot:
        pa.feed(inv_a)
        pb.feed(inv_b)
        await until(pilot, lambda: app.screen.query("#view-instances") and len(app.screen.table.order) == 6,
                    what="both clouds' rows")
        bar = app.screen.query_one(CommandBar)
        await pilot.press("colon")
        await pilot.press(*"create-tags i-")
        # The bar's suggestions follow typing after a short pause: wait for the IDs, not the command's.
        offered = await until(pilot, lambda: [s for s in bar._suggestions if s.text.startswith("i-")],
                              what="ID suggestions")
        assert {s.meta.split(" · ")[0] for s in offered} == {"prod", "aws-eu"}   # the cloud first in each
        first_a = sorted(inv_a.of("instances"))[0]
        await pilot.press(*first_a[2:], "space", *"i-")
        await until(pilot, lambda: bar._suggestions and all(s.meta.startswith("prod") for s in bar._suggestions)
                    and len(bar._suggestions) == 2, what="only prod's other instances")


def _network_inventory(prefix: str, base: int):
    vpc = f"vpc-{base:017x}"
    subnet = {"SubnetId": f"subnet-{base + 1:017x}", "VpcId": vpc, "CidrBlock": "10.0.1.0/24",
              "AvailabilityZone": "zone-a", "AvailableIpAddressCount": 250, "State": "available"}
    inst = dict(instance_raw(base, name=f"{prefix}-node"), VpcId=vpc, SubnetId=subnet["SubnetId"])
    return synthetic_inventory([inst], vpcs=[{"VpcId": vpc, "CidrBlock": "10.0.0.0/16", "State": "available",
                                              "IsDefault": False, "Tags": [{"Key": "Name", "Value": f"{prefix}-net"}]}],
                               subnets=[subnet], **{"route-tables": []})


async def test_the_networks_view_shows_each_clouds_vpcs_with_their_cloud_and_c_filters_them():
    pa, pb = FedPoller(), FedPoller()
    clouds = CloudSet([cloud_runtime("prod"), cloud_runtime("aws-eu")])
    merged = CloudsPoller({"prod": pa, "aws-eu": pb}, {"prod": "prod", "aws-eu": "aws-eu"})
    app = CloudshellApp(clouds, poller=merged, clock=lambda: FIXED_NOW + 3)
    async with app.run_test(size=(80, 24)) as pilot:
        pa.feed(_network_inventory("a", 0x100))
        pb.feed(_network_inventory("b", 0x200))
        await pilot.press("9")
        await until(pilot, lambda: app.screen.view == "networks" and len(app.screen.table.order) == 4,
                    what="both clouds' VPC and subnet rows")
        table = app.screen.table
        rows = [line.lstrip(">") for line in screen_text(app).splitlines() if "vpc-" in line or "subnet-" in line]
        assert any(line.split()[:2] == ["prod", f"vpc-{0x100:017x}"] and "a-net" in line for line in rows), rows
        assert any(line.split()[:3] == ["aws-eu", "└", f"subnet-{0x201:017x}"] for line in rows), rows
        await pilot.press("c")
        await until(pilot, lambda: "cloud prod" in screen_text(app), what="the prod filter")
        await until(pilot, lambda: {table.records[r]["cloud"] for r in table.order} == {"prod"}
                    and len(table.order) == 2, what="only prod's VPC and subnet")
        assert "no networks" not in screen_text(app)


async def test_the_timeline_names_the_cloud_of_each_change():
    pa, pb, clouds, app = two_cloud_monitor()
    async with app.run_test(size=(120, 30)) as pilot:
        await both_fed(app, pilot, pa, pb)
        stopped = instance_raw(102, state="stopped", name="b-node-102")
        pb.feed(synthetic_inventory([r for r in (instance_raw(n, name=f"b-node-{n}") for n in (101, 103))]
                                    + [stopped]))
        target = stopped["InstanceId"]
        await until(pilot, lambda: any(target in e.text for e in app.timeline.entries), what="b's change")
        await pilot.press("t")
        await until(pilot, lambda: type(app.screen).__name__ == "TimelineScreen", what="timeline")
        await pilot.pause()
        text = " ".join(line.text for line in app.screen.query_one("#timeline-log").lines)
        text = re.sub(r"\s+", " ", text)        # the log wraps a long line
        assert f"aws-eu · {target} (b-node-102) running → stopped" in text, text
        assert f"prod · {target}" not in text
