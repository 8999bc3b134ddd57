"""An action's own re-read reaches the screen first: not behind a whole kind's fetch, nor the next sweep."""

from __future__ import annotations

import time
from types import SimpleNamespace

from faultproxy import FaultProxy
from monitor_harness import monitor, screen_text, select, until, volume
from textual import events

from cloudshell.cloud.session import CloudSession

SLOW = 6.0       # every DescribeInstances, whole or by ID, once the monitor is loaded
SHOWN_IN = 3.0   # the attach acknowledged → the row reads in-use (well under SLOW)


def _row(app, vol_id: str) -> str:
    """The volume's row on screen (not the filter line, which also names it)."""
    return next((line for line in screen_text(app).splitlines() if vol_id in line and "filter:" not in line), "")


async def test_an_attach_from_the_command_bar_shows_in_use_without_waiting_for_a_sweep(seeded):
    """A 60 s interval (no sweep comes) and a slow DescribeInstances: the volume's row reads in-use
    as soon as its by-ID re-read is in, before the instances are read again (by ID or whole)."""
    cloud, facts = seeded
    scratch, web1 = facts.volume("scratch-a"), facts.instance("web-1")
    with FaultProxy(cloud.url) as proxy:
        session = CloudSession.for_url(proxy.url)
        try:
            async with monitor(SimpleNamespace(session=session), interval=60.0) as (app, pilot):
                await pilot.press("2")
                await select(pilot, app, scratch.id)
                await until(pilot, lambda: "available" in _row(app, scratch.id), what="the available row")
                proxy.inject("latency", action="DescribeInstances", delay=SLOW)
                await pilot.press("colon")
                bar = app.screen.query_one("#command-input")
                bar.post_message(events.Paste(f"attach-volume -i {web1.id} -d /dev/sdh {scratch.id}"))
                await until(pilot, lambda: bar.value.endswith(scratch.id), what="pasted line")
                await pilot.press("enter")
                await until(pilot, lambda: volume(cloud, scratch.id).get("State") == "in-use", what="attached")
                acked = time.monotonic()
                await until(pilot, lambda: "in-use" in _row(app, scratch.id), timeout=SHOWN_IN,
                            what="the row reading in-use")
                assert time.monotonic() - acked < SHOWN_IN
                proxy.clear()
        finally:
            session.close()
