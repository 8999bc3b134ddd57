"""Exact cells at 80x24: long IDs whole in every view and screen, cut values marked "…", sideways panning.

The fixture's IDs are the long (17-hex) forms in every kind and a keypair name longer than
any other column may grow; its values are longer than the columns (rules, locations).
What is checked is the screen itself: every cell under its header is the record's value,
or a prefix of it ending in "…"; nothing wraps under a scrollbar.
"""

from __future__ import annotations

import re

import pytest
from monitor_harness import FIXED_NOW, fed_monitor, instance_raw, screen_text, synthetic_inventory, until
from screen_cells import cells_under_headers, check_cells

from cloudshell.widgets.view_tabs import VIEWS

SIZE = (80, 24)
LONG_KEY = "deploy-key-for-the-build-farm-in-region-two-2026"      # 48 > MAX_WIDTH (36)


def _hex(n: int) -> str:
    return f"{0xc012094443a0a4a22 + n:017x}"


def long_cloud():
    """Every kind, long IDs, values wider than their columns, links between kinds."""
    instances = [dict(instance_raw(n), InstanceId=f"i-{_hex(n)}", ImageId=f"ami-{_hex(50 + n)}",
                      KeyName=LONG_KEY if n == 1 else "testkey",
                      PrivateIpAddress=f"10.100.210.{n}", PublicIpAddress=f"54.214.182.{100 + n}")
                 for n in range(1, 4)]
    volumes = [{"VolumeId": f"vol-{_hex(10 + n)}", "Size": 8 * n, "AvailabilityZone": "us-east-1a",
                "State": "in-use", "CreateTime": "2023-11-14 20:00", "SnapshotId": f"snap-{_hex(20 + n)}",
                "Attachments": [{"InstanceId": instances[n - 1]["InstanceId"], "Device": "/dev/sda1",
                                 "State": "attached", "VolumeId": f"vol-{_hex(10 + n)}"}],
                "Tags": [{"Key": "Name", "Value": f"data-volume-{n}"}]} for n in range(1, 4)]
    snapshots = [{"SnapshotId": f"snap-{_hex(20 + n)}", "State": "completed", "Progress": "100%",
                  "VolumeId": f"vol-{_hex(10 + n)}", "VolumeSize": 8, "StartTime": "2023-11-14 20:00",
                  "Description": f"nightly backup of the data volume number {n} before the upgrade"}
                 for n in range(1, 3)]
    images = [{"ImageId": f"ami-{_hex(50 + n)}", "Name": f"ubuntu-22.04-server-amd64-build-{n}",
               "State": "available", "Architecture": "x86_64", "ImageType": "machine",
               "KernelId": f"aki-{_hex(60 + n)}", "RamdiskId": f"ari-{_hex(70 + n)}",
               "ImageLocation": f"images-bucket-of-the-team/ubuntu-22.04-build-{n}.manifest.xml",
               "Public": False} for n in range(1, 3)]
    addresses = [{"PublicIp": "203.0.113.254", "InstanceId": instances[0]["InstanceId"],
                  "PrivateIpAddress": "10.100.210.1", "AllocationId": f"eipalloc-{_hex(80)}", "Domain": "vpc"}]
    groups = [{"GroupId": f"sg-{_hex(90)}", "GroupName": "web-servers", "OwnerId": "123456789012",
               "Description": "web servers reachable from anywhere on 22, 80 and 443",
               "IpPermissions": [{"IpProtocol": "tcp", "FromPort": p, "ToPort": p,
                                  "IpRanges": [{"CidrIp": "0.0.0.0/0"}]} for p in (22, 80, 443)]}]
    keypairs = [{"KeyName": LONG_KEY, "KeyFingerprint": "1f:51:ae:28:bf:89:e9:d8:1f:25:5d:37:2d:7d:b8:ca",
                 "KeyPairId": f"key-{_hex(95)}"},
                {"KeyName": "testkey", "KeyFingerprint": "aa:bb", "KeyPairId": f"key-{_hex(96)}"}]
    zones = [{"ZoneName": "us-east-1a", "State": "available", "RegionName": "us-east-1"}]
    vpc_id = f"vpc-{_hex(100)}"
    vpcs = [{"VpcId": vpc_id, "CidrBlock": "10.100.0.0/16", "State": "available", "IsDefault": False,
             "DhcpOptionsId": f"dopt-{_hex(101)}", "Tags": [{"Key": "Name", "Value": "build-farm-network-of-region-two"}]}]
    subnets = [{"SubnetId": f"subnet-{_hex(110 + n)}", "VpcId": vpc_id, "CidrBlock": f"10.100.{n}.0/24",
                "AvailabilityZone": "us-east-1a", "AvailableIpAddressCount": 250 + n, "State": "available",
                "MapPublicIpOnLaunch": n == 1, "DefaultForAz": False,
                "Tags": [{"Key": "Name", "Value": f"{'public' if n == 1 else 'private'}-subnet-of-the-build-farm"}]}
               for n in (1, 2)]
    route_tables = [{"RouteTableId": f"rtb-{_hex(120)}", "VpcId": vpc_id,
                     "Associations": [{"Main": True, "RouteTableId": f"rtb-{_hex(120)}"}],
                     "Routes": [{"DestinationCidrBlock": "10.100.0.0/16", "GatewayId": "local", "State": "active"}]},
                    {"RouteTableId": f"rtb-{_hex(121)}", "VpcId": vpc_id,
                     "Associations": [{"Main": False, "SubnetId": subnets[0]["SubnetId"], "RouteTableId": f"rtb-{_hex(121)}"}],
                     "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": f"igw-{_hex(130)}", "State": "active"}]}]
    return synthetic_inventory(instances, volumes, snapshots=snapshots, images=images, addresses=addresses,
                               groups=groups, keypairs=keypairs, zones=zones, vpcs=vpcs, subnets=subnets,
                               **{"route-tables": route_tables})


def assert_exact_or_marked(app) -> set[str]:
    """Every visible cell is its value, or its start with "…"; returns the columns seen whole."""
    table = app.screen.table
    lines = screen_text(app).splitlines()
    rows = cells_under_headers(lines, table.columns, len(table.order))
    assert set(rows) == set(table.order), f"IDs not shown whole: {set(table.order) - set(rows)}"
    return check_cells(rows, table.records, table.kind.name)


@pytest.mark.parametrize("view", [kind for kind, _label in VIEWS])
async def test_every_view_shows_ids_whole_cut_cells_marked_and_pans_to_every_column(view):
    n = [kind for kind, _label in VIEWS].index(view) + 1
    async with fed_monitor(long_cloud(), size=SIZE) as (app, pilot, _poller):
        await pilot.press(str(n))
        await until(pilot, lambda: app.screen.view == view and app.screen.table.order, what=view)
        await pilot.pause()
        table = app.screen.table
        seen = assert_exact_or_marked(app)
        headers = [screen_text(app).splitlines()[1]]
        for _ in range(len(table.columns)):
            await pilot.press("l")
            await pilot.pause()
            seen |= assert_exact_or_marked(app)
            headers.append(screen_text(app).splitlines()[1])
        # Every column was on screen whole at some point, except values wider than a column may grow.
        capped = {c.key for c in table.columns
                  if c.key != "id" and any(len(r.fields.get(c.key, "")) > 36 for r in table.records.values())}
        assert {c.key for c in table.columns} - capped <= seen
        last = table.columns[-1].header
        if len(headers) > 1 and headers[0] != headers[-1]:
            assert "«" in headers[-1] and last in headers[-1]          # panned away: marked
        await pilot.press("home")
        await pilot.pause()
        assert screen_text(app).splitlines()[1] == headers[0]
        await pilot.press("end")
        await pilot.pause()
        assert last in screen_text(app).splitlines()[1]
        assert_exact_or_marked(app)


async def test_the_id_column_is_never_cut_even_past_the_width_other_columns_stop_at():
    async with fed_monitor(long_cloud(), size=SIZE) as (app, pilot, _poller):
        await pilot.press("7")
        await until(pilot, lambda: app.screen.view == "keypairs" and app.screen.table.order, what="keys")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert any(line.startswith((f">{LONG_KEY}  ", f" {LONG_KEY}  ")) for line in lines)
        await pilot.press("1")
        await pilot.pause()
        text = screen_text(app)
        for rid in app.screen.table.order:
            assert re.search(rf"^[ >]{rid}  ", text, re.M), rid
        # Key is far right: panned to, the long key name shows cut with its mark, whole in the detail.
        for _ in app.screen.table.columns:
            if " Key" in screen_text(app).splitlines()[1]:
                break
            await pilot.press("l")
            await pilot.pause()
        assert " Key" in screen_text(app).splitlines()[1]
        assert f"{LONG_KEY[:10]}" in screen_text(app) and "…" in screen_text(app)


def _log_fits(log) -> None:
    width = log.scrollable_content_region.width
    assert log.lines, "nothing written"
    too_wide = [s.text for s in log.lines if s.cell_length > width]
    assert not too_wide, f"lines wider than the {width} cells beside the scrollbar: {too_wide[:3]}"


def _log_text(log) -> str:
    return "\n".join(s.text for s in log.lines)


@pytest.mark.parametrize("view", [kind for kind, _label in VIEWS])
async def test_detail_shows_every_field_whole_beside_its_scrollbar(view):
    from cloudshell.screens.detail import flatten

    n = [kind for kind, _label in VIEWS].index(view) + 1
    async with fed_monitor(long_cloud(), size=SIZE) as (app, pilot, _poller):
        await pilot.press(str(n))
        await until(pilot, lambda: app.screen.view == view and app.screen.table.order, what=view)
        record = app.screen.table.current
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "DetailScreen", what="detail")
        await pilot.pause()
        log = app.screen.query_one("#detail")
        _log_fits(log)
        lines = [s.text for s in log.lines]
        value_room = log.scrollable_content_region.width - max(12, log.scrollable_content_region.width * 2 // 5) - 2
        for key, value in flatten(record.raw):
            if value and len(value) <= value_room:
                assert any(value in line for line in lines), f"{key}={value!r} not whole in the detail"
        for key, value in flatten(record.raw):            # longer ones wrap: every character is there
            assert value.replace(" ", "") in "".join(_log_text(log).split()), key
        assert record.id in screen_text(app).splitlines()[0]


async def test_timeline_and_help_wrap_beside_their_scrollbar_and_lose_no_character():
    inv = long_cloud()
    async with fed_monitor(inv, size=SIZE) as (app, pilot, poller):
        raws = [dict(r.raw, State={"Name": "stopped"}) for r in inv.of("instances").values()]
        rest = {k: [r.raw for r in inv.of(k).values()] for k in ("snapshots", "images", "addresses", "groups",
                                                                  "keypairs", "zones")}
        poller.feed(synthetic_inventory(raws, [r.raw for r in inv.of("volumes").values()], at=FIXED_NOW + 5,
                                        **rest))
        await until(pilot, lambda: len(app.timeline.entries) >= 3, what="changes")
        long_action = ("attach-volume --volume-id vol-" + _hex(11) + " --instance-id i-" + _hex(1)
                       + " --device /dev/sdf: failed: VolumeInUse: the volume is attached elsewhere already")
        app.timeline.add_action(long_action, ok=False)
        await pilot.press("t")
        await until(pilot, lambda: type(app.screen).__name__ == "TimelineScreen", what="timeline")
        await pilot.pause()
        log = app.screen.query_one("#timeline-log")
        _log_fits(log)
        flat = "".join(_log_text(log).split())
        for entry in app.timeline.entries:
            assert "".join(entry.text.split()) in flat, entry.text
        await pilot.press("escape", "question_mark")
        await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen", what="help")
        await pilot.pause()
        log = app.screen.query_one("#help")
        _log_fits(log)
        flat = "".join(_log_text(log).split())
        from cloudshell.screens.help import help_sections

        for _title, rows in help_sections(app, list(type(app.screen_stack[1]).BINDINGS)):
            for keys, what in rows:
                assert "".join(what.split()) in flat, what


async def test_a_resize_rewraps_the_detail_at_the_new_width():
    async with fed_monitor(long_cloud(), size=(120, 30)) as (app, pilot, _poller):
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "DetailScreen", what="detail")
        await pilot.pause()
        await pilot.resize_terminal(60, 24)
        await pilot.pause(0.2)
        _log_fits(app.screen.query_one("#detail"))


async def test_an_unchanged_sweep_redraws_nothing():
    inv = long_cloud()
    async with fed_monitor(inv, size=SIZE) as (app, pilot, poller):
        await pilot.pause(0.2)
        table = app.screen.table
        painted = []
        real = table.render_line
        table.render_line = lambda y: painted.append(y) or real(y)
        again = synthetic_inventory([r.raw for r in inv.of("instances").values()],
                                    [r.raw for r in inv.of("volumes").values()], at=FIXED_NOW + 1,
                                    **{k: [r.raw for r in inv.of(k).values()]
                                       for k in ("snapshots", "images", "addresses", "groups", "keypairs", "zones")})
        poller.feed(again)
        await until(pilot, lambda: app.inventory.fetched_at == FIXED_NOW + 1, what="the sweep applied")
        await pilot.pause(0.2)
        assert painted == [], f"table lines repainted for an unchanged sweep: {painted}"
        assert table.records is again.of("instances")
