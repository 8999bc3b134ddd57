"""Leaving the monitor for the terminal: ``s`` runs the registry's ssh command line, ``r`` the REPL.

Pilot's headless driver has no terminal to hand over, so ``suspend`` is a no-op
here; the real hand-over is exercised in a pty (e2e/test_app_e2e.py, tests/support/terminal.py).
"""

from __future__ import annotations

import contextlib
import io
import os
import stat

from monitor_harness import fed_monitor, instance_raw, until


async def test_ssh_key_runs_exactly_the_registrys_ssh_command_line(tmp_path, monkeypatch):
    from cloudshell.commands import registry
    from cloudshell.commands.ssh import ssh_argv

    record = tmp_path / "ssh-args"
    fake = tmp_path / "bin" / "ssh"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {record}\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("HOME", str(tmp_path))
    async with fed_monitor() as (app, pilot, _poller):
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        await pilot.press("s")                                   # cursor on web-1, running
        await until(pilot, lambda: record.exists() and record.read_text(), what="ssh ran")
        target = instance_raw(1)["InstanceId"]
        expected = ssh_argv(app.context(0), registry().parse(["ssh", target]))
        assert record.read_text().splitlines() == expected[1:]
        assert any(f"ssh {target}: exit 0" in e.text for e in app.timeline.entries)

        await pilot.press("down", "down")                          # db-1: stopped
        await pilot.press("s")
        await until(pilot, lambda: any("running instance" in n.message for n in app._notifications),
                    what="one-line refusal")


async def test_r_drops_into_the_repl_on_the_same_session_and_poller_and_back(tmp_path, monkeypatch):
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput
    from rich.console import Console

    import cloudshell.repl as repl

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    real, seen = repl.run_repl_on, {}

    def typed(runtime, poller, **kw):
        seen["runtime"], seen["poller"] = runtime, poller
        out = Console(file=io.StringIO(), width=100)
        with create_pipe_input() as keys:
            keys.send_text("help attach-volume\n")
            keys.send_text("\x04")                                  # Ctrl-D leaves
            seen["rc"] = real(runtime, poller, input=keys, output=DummyOutput(), console=out)
        seen["out"] = out.file.getvalue()
        return seen["rc"]
    monkeypatch.setattr(repl, "run_repl_on", typed)
    async with fed_monitor() as (app, pilot, _poller):
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        await pilot.press("r")
        await until(pilot, lambda: "rc" in seen, what="REPL ran")
        assert seen["runtime"] is app.runtime and seen["poller"] is app.poller
        assert "usage: attach-volume" in seen["out"]
        await pilot.pause()
        assert type(app.screen).__name__ == "MainScreen"            # back in the monitor
        assert [e.text for e in app.timeline.entries][-2:] == ["REPL opened", "REPL closed"]
