"""The monitor's first frame at once: the runtime opens behind it; usage errors before anything starts."""

from __future__ import annotations

import threading

import pytest
from monitor_harness import FedPoller, screen_text, small_cloud, synthetic_runtime, until

from cloudshell import cli
from cloudshell.app import CloudshellApp
from cloudshell.cloud.errors import CloudshellError
from cloudshell.opening import Opener, Opening


def status(app) -> str:
    return app.screen.query_one("#status").text


async def test_the_frame_says_starting_then_connecting_then_the_first_sweep_replaces_it():
    release = threading.Event()
    poller = FedPoller()
    runtime = synthetic_runtime(poller=poller)      # its monitor_poller: the monitor asks for that one
    runtime.session.ec2 = object()

    def open_runtime():
        release.wait(10)
        return runtime
    app = CloudshellApp(Opening(demo=True, read_only=False, user_config={}), clock=lambda: 1_700_000_003.0)
    app.opener = Opener(open_runtime, app.runtime_opened)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.screen.query("#status") and "starting demo cloud…" in status(app),
                    what="starting demo cloud…")
        assert "loading…" in app.screen.table.render_line(1).text
        await pilot.press("colon", *"describe-volumes", "enter")     # no session yet: said, not crashed
        await until(pilot, lambda: any("not connected yet: starting demo cloud…" in line.text
                                       for line in app.screen.query_one("#output").lines), what="refusal")
        release.set()
        await until(pilot, lambda: "connecting…" in status(app), what="connecting…")
        assert app.poller is poller and app.runtime is runtime
        poller.feed(small_cloud())
        await until(pilot, lambda: " ok" in status(app) and app.screen.table.order, what="first sweep")
        assert "6inst 4vol" in status(app) and "connecting" not in status(app)


async def test_an_error_while_opening_ends_the_monitor_with_its_exit_code():
    def open_runtime():
        raise CloudshellError("no credentials found (see cloudshell config)")
    app = CloudshellApp(Opening(demo=False, read_only=False, user_config={}))
    opener = Opener(open_runtime, app.runtime_opened)
    app.opener = opener
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: not app.is_running or app.return_code is not None, what="exit")
    assert app.return_code == 1 and isinstance(opener.error, CloudshellError)


@pytest.mark.parametrize("argv, message", [
    (["--demo", "--theme", "neon"], "unknown theme 'neon' (expected one of dark, high-contrast, light)"),
    (["--demo", "describe-instancez"], "unknown command: describe-instancez"),
    (["--demo", "--interval", "0"], "--interval '0': expected seconds between 0.2 and 3600"),
])
def test_usage_errors_are_found_before_the_demo_cloud_starts(argv, message, monkeypatch, capsys, tmp_path):
    from cloudshell.cloud import demo

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    started = []
    monkeypatch.setattr(demo.DemoCloud, "start", lambda self, *a, **k: started.append(1) or "")
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("cloudshell: ") and message in err and err.count("\n") == 1
    assert started == []


def test_the_placeholder_never_polls():
    opening = Opening(demo=True, read_only=True, user_config={"theme": "light"})
    poller = opening.poller(start=False)
    assert poller.start() is poller and poller.inventory.empty and poller.health.state == "starting"
    assert opening.label == "demo" and opening.read_only


async def test_the_repl_and_ssh_say_not_connected_yet_while_the_runtime_opens(monkeypatch):
    from cloudshell import repl

    entered = []
    monkeypatch.setattr(repl, "run_repl_on", lambda *a, **k: entered.append(a) or 0)
    app = CloudshellApp(Opening(demo=False, read_only=False, user_config={}))   # never opened here
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.screen.query("#status") and "connecting…" in status(app), what="frame")
        await pilot.press("r")
        await until(pilot, lambda: any(n.message == "the REPL: not connected yet: connecting…"
                                       for n in app._notifications), what="the REPL refused")
        await pilot.press("colon", *"ssh i-0123456789abcdef0", "enter")
        await until(pilot, lambda: any(n.message == "not connected yet: connecting…" for n in app._notifications),
                    what="ssh refused")
        await pilot.pause()
        assert "Traceback" not in screen_text(app) and "Error" not in screen_text(app)
    assert entered == []
