"""SVG snapshots of the main screens, on fixed data with a frozen clock.

Update after a deliberate visual change: ``pytest tests/monitor/test_screens.py --snapshot-update``.
"""

from __future__ import annotations

import time

import pytest
from monitor_harness import FIXED_NOW, FedPoller, small_cloud, synthetic_runtime, until

from cloudshell.app import CloudshellApp


@pytest.fixture(autouse=True)
def _utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


def _app(theme: str | None = None, **kw):
    poller = FedPoller()
    app = CloudshellApp(synthetic_runtime(**kw), poller=poller, clock=lambda: FIXED_NOW + 3, theme=theme)

    async def loaded(pilot, *keys: str) -> None:
        poller.feed(small_cloud())
        await until(pilot, lambda: app.screen.query("#view-instances") and app.screen.table.loaded,
                    what="first inventory")
        for key in keys:
            await pilot.press(key)
        await pilot.pause()
    return app, loaded


def test_instances_80x24(snap_compare):
    app, loaded = _app()
    assert snap_compare(app, terminal_size=(80, 24), run_before=loaded)


def test_volumes_120x30(snap_compare):
    app, loaded = _app()
    assert snap_compare(app, terminal_size=(120, 30), run_before=lambda p: loaded(p, "2"))


def test_attach_picker_80x24(snap_compare):
    app, loaded = _app()
    assert snap_compare(app, terminal_size=(80, 24), run_before=lambda p: loaded(p, "a"))


def test_detach_question_80x24(snap_compare):
    app, loaded = _app()
    assert snap_compare(app, terminal_size=(80, 24), run_before=lambda p: loaded(p, "2", "d"))


def test_volume_detail_100x30(snap_compare):
    app, loaded = _app()
    assert snap_compare(app, terminal_size=(100, 30), run_before=lambda p: loaded(p, "2", "enter"))


def test_help_100x40(snap_compare):
    app, loaded = _app()
    assert snap_compare(app, terminal_size=(100, 40), run_before=lambda p: loaded(p, "question_mark"))


def test_read_only_light_theme_100x20(snap_compare):
    app, loaded = _app("light", read_only=True)
    assert snap_compare(app, terminal_size=(100, 20), run_before=loaded)


def test_high_contrast_theme_100x20(snap_compare):
    app, loaded = _app("high-contrast")
    assert snap_compare(app, terminal_size=(100, 20), run_before=loaded)


def test_command_bar_suggestions_100x24(snap_compare):
    app, loaded = _app()
    assert snap_compare(app, terminal_size=(100, 24), run_before=lambda p: loaded(p, "colon", *"describe-v"))


