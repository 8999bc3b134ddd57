"""Leaving the full screen for the terminal: an ssh session, the prompt_toolkit REPL."""

from __future__ import annotations

from typing import Any


def run_repl(app: Any) -> None:
    """Suspend the monitor and run the REPL on the same session and poller; back on Ctrl-D."""
    try:
        from cloudshell.repl import run_repl_on
    except ImportError:
        app.notify("the REPL is not available in this build", severity="error")
        return
    app.timeline.add_action("REPL opened")
    app.run_in_terminal(lambda: run_repl_on(app.runtime, app.poller), "the REPL")
    app.timeline.add_action("REPL closed")


def run_ssh(app: Any, target: str, extra: list[str]) -> None:
    """Suspend the monitor and run the same ssh command line as the registry's ``ssh``."""
    import subprocess

    from cloudshell.cloud.errors import CloudshellError

    try:
        from cloudshell.commands.ssh import ssh_argv
    except ImportError:
        app.notify("ssh is not available in this build", severity="error")
        return
    try:
        argv = ssh_argv(app.context(0), target, extra)
    except CloudshellError as exc:
        app.notify(str(exc), severity="error", markup=False)
        return
    app.timeline.add_action(f"ssh {target}: started")
    outcome: dict[str, int] = {}

    def session() -> None:
        outcome["rc"] = subprocess.call(argv)
    app.run_in_terminal(session, "ssh")
    rc = outcome.get("rc")
    app.timeline.add_action(f"ssh {target}: exit {rc}", ok=rc == 0)
    if rc not in (0, None):
        app.notify(f"ssh {target} exited with {rc}", severity="warning")
