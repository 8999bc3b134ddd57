"""Leaving the full screen for the terminal: an ssh session, the prompt_toolkit REPL."""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cloudshell.app import CloudshellApp


def run_repl(app: CloudshellApp) -> None:
    """Suspend the monitor and run the REPL on the same session and poller; back on Ctrl-D."""
    try:
        from cloudshell.repl import run_repl_on
    except ImportError:
        app.notify("the REPL is not available in this build", severity="error")
        return
    if app.runtime.phase:       # the REPL needs the session the monitor is still opening
        app.notify(f"the REPL: not connected yet: {app.runtime.phase}", severity="warning")
        return
    app.timeline.add_action("REPL opened")
    pollers = getattr(app.poller, "pollers", None)   # several clouds: the REPL gets each one's poller
    if pollers is not None and hasattr(app.runtime, "current_name"):
        poller = pollers[app.runtime.current_name]
        app.run_in_terminal(lambda: run_repl_on(app.runtime, poller, pollers=pollers), "the REPL")
    else:
        app.run_in_terminal(lambda: run_repl_on(app.runtime, app.poller), "the REPL")
    app.timeline.add_action("REPL closed")


def run_ssh_argv(app: CloudshellApp, target: str, argv: list[str]) -> None:
    """Suspend the monitor, run the registry's ssh command line (resolved in a worker), come back."""
    app.timeline.add_action(f"ssh {target}: {' '.join(argv[:1] + argv[-2:])}")
    outcome: dict[str, int] = {}

    def session() -> None:
        try:
            outcome["rc"] = subprocess.call(argv)  # noqa: S603 - an argument list, no shell
        except FileNotFoundError:
            outcome["rc"] = 127
    app.run_in_terminal(session, "ssh")
    rc = outcome.get("rc")
    app.timeline.add_action(f"ssh {target}: exit {rc}", ok=rc == 0)
    if rc == 127:
        app.notify("ssh: the ssh program is not installed", severity="error")
    elif rc not in (0, None):
        app.notify(f"ssh {target} exited with {rc}", severity="warning")
