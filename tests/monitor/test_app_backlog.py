"""The poller bridge under a UI that falls behind: every change is shown, however many came."""

from __future__ import annotations

from monitor_harness import fed_monitor, instance_raw, screen_text, synthetic_inventory, until

from cloudshell.cloud.inventory import Inventory


def _states(inv: Inventory, states: dict[str, str], at: float) -> Inventory:
    raws = [dict(r.raw) for r in inv.of("instances").values()]
    for raw in raws:
        if raw["InstanceId"] in states:
            raw["State"] = {"Name": states[raw["InstanceId"]]}
    return synthetic_inventory(raws, [r.raw for r in inv.of("volumes").values()], at=at,
                               zones=[r.raw for r in inv.of("zones").values()])


async def test_snapshots_queued_while_the_ui_is_busy_arrive_as_one_and_a_backlog_past_its_limit_redraws_whole():
    async with fed_monitor() as (app, pilot, poller):
        table = app.screen.table
        ids = [instance_raw(n)["InstanceId"] for n in (1, 2, 4)]
        app.bridge.limit = 2          # a small backlog: three changes overflow it
        # Fed back to back on the UI's own thread: the UI takes them only after all three.
        start = poller.inventory.fetched_at
        for step, rid in enumerate(ids, start=1):
            poller.feed(_states(poller.inventory, {rid: "stopping"}, start + step))
        await until(pilot, lambda: all(table.records[rid].state == "stopping" for rid in ids),
                    what="every row stopping")
        await pilot.pause()
        assert screen_text(app).count("stopping") >= len(ids)
        assert app.bridge.take() is None              # nothing left behind
        # Within the limit, each change is applied and reaches the timeline.
        poller.feed(_states(poller.inventory, {ids[0]: "stopped"}, start + 10))
        await until(pilot, lambda: table.records[ids[0]].state == "stopped", what="row stopped")
        assert any(ids[0] in e.text and "stopping → stopped" in e.text for e in app.timeline.entries)
