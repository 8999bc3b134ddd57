"""The monitor under Pilot on fixed data fed through the poller's own path: views, tables, screens."""

from __future__ import annotations

import pytest
from monitor_harness import (
    FIXED_NOW, FedPoller, fed_monitor, instance_raw, screen_text, select, small_cloud, synthetic_inventory,
    synthetic_runtime, table_ids, until,
)

from cloudshell.app import CloudshellApp
from cloudshell.cloud.errors import UsageError
from cloudshell.cloud.inventory import Inventory


def _with_state(inv: Inventory, inst_id: str, state: str) -> Inventory:
    raws = [dict(r.raw) for r in inv.of("instances").values()]
    for raw in raws:
        if raw["InstanceId"] == inst_id:
            raw["State"] = {"Name": state}
    return synthetic_inventory(raws, [r.raw for r in inv.of("volumes").values()], at=inv.fetched_at + 5,
                               zones=[r.raw for r in inv.of("zones").values()])


async def test_changed_rows_update_in_place_highlighted_and_reach_the_timeline():
    async with fed_monitor() as (app, pilot, poller):
        table = app.screen.table
        target = instance_raw(4)["InstanceId"]
        await pilot.press("down")
        cursor = table.cursor_id
        poller.feed(_with_state(poller.inventory, target, "stopped"))
        await until(pilot, lambda: table.records[target].state == "stopped", what="row updated")
        await pilot.pause()
        assert target in table._changed and "*" in screen_text(app)
        assert table.cursor_id == cursor
        assert any(target in e.text and "running → stopped" in e.text for e in app.timeline.entries)


async def test_views_switch_by_number_and_by_command_bar():
    async with fed_monitor() as (app, pilot, _poller):
        await pilot.press("2")
        assert app.screen.view == "volumes" and len(table_ids(app)) == 4
        await pilot.press("colon", *"instances", "enter")
        assert app.screen.view == "instances" and len(table_ids(app)) == 6
        for key, view in (("3", "snapshots"), ("4", "images"), ("5", "addresses"), ("6", "groups"),
                          ("7", "keypairs")):
            await pilot.press(key)
            assert app.screen.view == view
        await pilot.press("colon", *"vol", "enter")
        assert app.screen.view == "volumes"


async def test_filter_matches_any_column_and_escape_clears_it():
    async with fed_monitor() as (app, pilot, _poller):
        await select(pilot, app, "zone-b")
        assert len(table_ids(app)) == 3
        assert "filter: zone-b" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: len(table_ids(app)) == 6, what="filter cleared")
        await pilot.press("slash", *"nothing-like-this", "enter")
        await until(pilot, lambda: not table_ids(app), what="nothing matches")
        await pilot.pause()
        assert "no instances match" in screen_text(app)


async def test_sort_by_any_column_and_reverse():
    async with fed_monitor() as (app, pilot, _poller):
        table = app.screen.table
        await pilot.press("greater_than_sign", "greater_than_sign")       # State
        states = [table.records[r].state for r in table.order]
        assert states == sorted(states)
        await pilot.press("minus")
        assert [table.records[r].state for r in table.order] == sorted(states, reverse=True)
        assert "State▼" in screen_text(app)


async def test_cursor_keeps_its_row_and_place_when_rows_come_and_go():
    raws = [instance_raw(n) for n in range(10, 60)]
    async with fed_monitor(synthetic_inventory(raws), size=(100, 14)) as (app, pilot, poller):
        table = app.screen.table
        for _ in range(20):
            await pilot.press("down")
        before = table.cursor_id
        place = table.cursor_row - round(table.scroll_y)
        assert table.scroll_y > 0
        more = [instance_raw(n) for n in range(1, 10)] + raws[5:]    # 9 added above, 5 gone above
        poller.feed(synthetic_inventory(more, at=FIXED_NOW + 1))
        await until(pilot, lambda: len(table.order) == len(more), what="rows replaced")
        assert table.cursor_id == before
        assert table.cursor_row - round(table.scroll_y) == place


async def test_status_bar_marks_stale_data_and_recovers():
    async with fed_monitor(size=(80, 24)) as (app, pilot, poller):
        text = screen_text(app)
        # At 80 columns every count fits (the region gives way); data 3 s old reads "<10s ago".
        assert "cloud.example:8773" in text and "6inst 4vol 0snap 0img 0addr 0grp 0key" in text
        assert "<10s ago" in text and " ok" in text
        poller.fail("connection refused")
        await until(pilot, lambda: app.health.state == "stale", what="stale")
        await pilot.pause()
        text = screen_text(app)
        assert "stale since" in text and "STALE" in text
        assert len(table_ids(app)) == 6                          # the data stays, marked
        poller.feed(small_cloud(at=FIXED_NOW + 2))
        await until(pilot, lambda: app.health.state == "ok", what="recovered")
        await pilot.pause()
        assert "stale since" not in screen_text(app) and "STALE" not in screen_text(app)


async def test_enter_opens_the_detail_screen_with_every_field():
    async with fed_monitor() as (app, pilot, _poller):
        await pilot.press("2")
        await select(pilot, app, "data-1")
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "DetailScreen", what="detail")
        await pilot.pause()
        text = "\n".join(line.text for line in app.screen.query_one("#detail").lines)
        for word in ("Fields", "Tags", "Attachments", "Every field", "Attachments[0].Device", "web-1"):
            assert word in text
        await pilot.press("escape")
        assert type(app.screen).__name__ == "MainScreen"


async def test_help_shows_every_binding():
    from cloudshell.screens.actions import ResourceActions
    from cloudshell.screens.main import MainScreen
    from cloudshell.widgets.resource_table import ResourceTable

    async with fed_monitor(size=(80, 24)) as (app, pilot, _poller):
        await pilot.press("question_mark")
        await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen", what="help")
        await pilot.pause()
        text = "\n".join(line.text for line in app.screen.query_one("#help").lines)
        for binding in [*MainScreen.BINDINGS, *ResourceActions.ACTION_BINDINGS, *ResourceTable.BINDINGS,
                        *type(app).BINDINGS]:
            if binding.action == "cycle_cloud":     # one cloud open: c is the console's key, Cloud not listed
                assert "Cloud " not in text
                continue
            assert binding.description in text, binding
        # It opens at its top, and every key is shown alone in the footer's style, never "a,b,c".
        log = app.screen.query_one("#help")
        assert log.scroll_y == 0 and "Everywhere" in screen_text(app)
        from cloudshell.screens.help import help_sections
        keys = [k for _, rows in help_sections(app, list(MainScreen.BINDINGS)) for k, _ in rows]
        assert keys and not [k for k in keys if "," in k], keys
        assert "pagedown" not in text
        await pilot.press("escape")
        assert type(app.screen).__name__ == "MainScreen"


async def test_timeline_screen_lists_changes_with_their_time():
    async with fed_monitor() as (app, pilot, poller):
        target = instance_raw(1)["InstanceId"]
        poller.feed(_with_state(poller.inventory, target, "stopping"))
        await until(pilot, lambda: app.timeline.entries, what="a change")
        await pilot.press("t")
        await until(pilot, lambda: type(app.screen).__name__ == "TimelineScreen", what="timeline")
        await pilot.pause()
        text = "\n".join(line.text for line in app.screen.query_one("#timeline-log").lines)
        assert f"{target} (web-1) running → stopping" in text
        await pilot.press("escape")


async def test_command_bar_completes_and_reports_bad_input_in_one_line():
    async with fed_monitor() as (app, pilot, _poller):
        await pilot.press("colon", *"describe-vol", "tab")
        assert app.screen.query_one("#command-input").value.startswith("describe-volumes")
        await pilot.press("escape")
        await until(pilot, lambda: app.focused is app.screen.table, what="the table focused again")
        assert app.screen.query_one("#command").has_class("-hidden")
        await pilot.press("colon", *"attach-volume nonsense", "enter")
        panel = app.screen.query_one("#output")
        await until(pilot, lambda: any("nonsense" in line.text for line in panel.lines), what="usage error")
        assert not any("Traceback" in line.text for line in panel.lines)


async def test_ten_thousand_rows_load_and_scroll():
    raws = [instance_raw(n) for n in range(10_000)]
    async with fed_monitor(synthetic_inventory(raws), size=(80, 24)) as (app, pilot, _poller):
        assert len(table_ids(app)) == 10_000
        await pilot.press("G")                          # End pans sideways; G is the last row
        assert app.screen.table.cursor_row == 9_999
        assert "node-9999" in screen_text(app)


def test_theme_from_flag_or_user_config_and_one_line_for_an_unknown_one():
    runtime = synthetic_runtime()
    assert CloudshellApp(runtime, poller=FedPoller()).theme_name == "dark"
    runtime.user_config = {"theme": "light"}
    assert CloudshellApp(runtime, poller=FedPoller()).theme_name == "light"
    assert CloudshellApp(runtime, poller=FedPoller(), theme="high-contrast").theme_name == "high-contrast"
    with pytest.raises(UsageError) as err:
        CloudshellApp(runtime, poller=FedPoller(), theme="neon")
    assert str(err.value) == "unknown theme 'neon' (expected one of dark, high-contrast, light)"
