"""The monitor's frame at once: the runtime (the demo cloud, the session) is opened behind it.

Starting the demo cloud takes seconds and the first sweep more; the user sees the
monitor's frame with "starting demo cloud…", then "connecting…", which the first
sweep replaces. Usage errors are found before (cli checks the flags and the theme is
checked when the app is made); an error while opening ends the monitor with the
same one line and exit code the other faces give.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from cloudshell.cloud.config import Settings
    from cloudshell.cloud.demo import DemoCloud
    from cloudshell.cloud.poller import Poller
    from cloudshell.cloud.protocols import FaceRuntime
    from cloudshell.cloud.session import CloudSession

STARTING_DEMO = "starting demo cloud…"
CONNECTING = "connecting…"


class Opening:
    """Stands for the runtime until it is open: a poller that never polls, no session."""

    session: CloudSession | None = None
    settings: Settings | None = None
    demo: DemoCloud | None = None
    interval = 5.0

    def __init__(self, *, demo: bool, read_only: bool, user_config: dict[str, Any]) -> None:
        self.read_only = read_only
        self.user_config = user_config
        self.label = "demo" if demo else ""
        self.phase = STARTING_DEMO if demo else CONNECTING
        self._poller: Poller | None = None

    def poller(self, *, start: bool = True) -> Poller:
        from cloudshell.cloud.poller import Poller

        class NotYet(Poller):
            """Empty, "starting", and never polls: there is no session to poll yet."""

            def start(self) -> NotYet:
                return self

            def refresh_now(self, ids: Iterable[str] = (), kinds: Iterable[str] = ()) -> None:
                pass

        if self._poller is None:
            self._poller = NotYet(None)
        return self._poller

    monitor_poller = poller    # the monitor asks for its own: the same one that never polls

    def close(self) -> None:
        pass


class Opener(threading.Thread):
    """Runs ``open_runtime`` off the UI; hands the runtime (or the error) to ``done``."""

    def __init__(self, open_runtime: Callable[[], FaceRuntime],
                 done: Callable[[FaceRuntime | None, BaseException | None], None]) -> None:
        super().__init__(name="cloudshell-open", daemon=True)
        self.open_runtime, self.done = open_runtime, done
        self.runtime: FaceRuntime | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            runtime = self.open_runtime()
            if runtime.session is not None:
                runtime.session.ec2  # noqa: B018 - load the service model here, not on the UI thread
            self.runtime = runtime
        except BaseException as exc:  # noqa: BLE001 - handed to the UI, re-raised by run_monitor_opening
            self.error = exc
        self.done(self.runtime, self.error)


def first_frame(label: str, phase: str, out: TextIO | None = None) -> bool:
    """Draw the monitor's frame before Textual is even imported (that alone takes ~0.5 s of CPU):
    the alternate screen, the title, and the status bar's words; Textual then draws over it.
    Only on a terminal; returns whether it drew."""
    out = out or sys.stdout
    try:
        if not out.isatty() or os.environ.get("TERM", "") in ("", "dumb"):
            return False
        cols, rows = shutil.get_terminal_size()
    except (OSError, ValueError, AttributeError):
        return False
    status = " " + " │ ".join(p for p in (label, "no data yet", phase) if p)
    keys = " q Quit"
    out.write("\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J" + " cloudshell"[:cols]
              + f"\x1b[{max(1, rows - 1)};1H\x1b[7m" + status[:cols].ljust(cols) + "\x1b[0m"
              + f"\x1b[{rows};1H" + keys[:cols])
    out.flush()
    return True


def undo_first_frame(out: TextIO | None = None) -> None:
    """Back to the main screen, the cursor shown (the monitor never started)."""
    out = out or sys.stdout
    try:
        out.write("\x1b[?25h\x1b[?1049l")
        out.flush()
    except (OSError, ValueError):
        pass


def check_theme(theme: str | None, user_config: Mapping[str, Any]) -> None:
    """An unknown theme is a usage error found before anything is drawn or started."""
    from pathlib import Path

    from cloudshell.cloud.errors import UsageError

    wanted = theme or user_config.get("theme")
    folder = Path(__file__).resolve().parent / "themes"
    names = sorted(p.stem for p in folder.glob("*.toml"))
    if wanted and names and wanted not in names:
        raise UsageError(f"unknown theme {wanted!r} (expected one of {', '.join(names)})")


def run_monitor_opening(open_runtime: Callable[[], FaceRuntime], *, demo: bool, read_only: bool,
                        theme: str | None = None) -> int:
    """``cloudshell`` (the monitor): the frame first, the runtime opened behind it; closes it at the end."""
    from cloudshell.cloud.userconfig import load_user_config

    placeholder = Opening(demo=demo, read_only=read_only, user_config=load_user_config())
    check_theme(theme, placeholder.user_config)
    drawn = first_frame(placeholder.label, placeholder.phase)
    try:
        from cloudshell.app import CloudshellApp

        # The poller started before Textual was imported (cli._opener), if any: shown at once.
        app = CloudshellApp(placeholder, theme=theme, poller=getattr(open_runtime, "poller", None))
    except BaseException:
        if drawn:
            undo_first_frame()
        raise
    opener = Opener(open_runtime, app.runtime_opened)
    app.opener = opener
    left_early = False
    try:
        app.run()
    finally:
        if opener.is_alive() or (opener.ident is None and demo):
            # Quit while the demo cloud starts: stop its server now, so the start ends at once.
            left_early = True
            print("cloudshell: stopping the demo cloud…" if demo else "cloudshell: closing…",
                  file=sys.stderr, flush=True)
            if demo:
                from cloudshell.cloud.demo.no_orphans import stop_all

                stop_all(timeout=2.0)
            if opener.ident is not None:
                opener.join(30)
        if opener.runtime is not None:
            opener.runtime.close()
        elif getattr(open_runtime, "poller", None) is not None:
            open_runtime.poller.stop()      # the runtime never adopted it
    if opener.error is not None and not left_early and not isinstance(opener.error, KeyboardInterrupt):
        raise opener.error
    if isinstance(app.return_code, int):
        return app.return_code
    return 0
