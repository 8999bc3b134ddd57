"""The full-screen monitor: live tables fed by the shared poller, actions through the one registry.

The poller runs in a child process (cloud/procpoller.py): this process gets
already-diffed records from its bridge thread, never parses an API answer for
polling and so needs no tricks with the heap. Updates reach the UI through the
poller bridge (poller_bridge.py) as :class:`InventoryUpdated` wake-ups. Every
command runs in a thread worker of the command runner (monitor_runner.py) that
only posts messages; the handlers here, on the UI thread, own all state.
Nothing here blocks the event loop on the network.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.theme import Theme

from cloudshell.cloud.errors import CloudshellError, UsageError
from cloudshell.cloud.inventory import EMPTY, Inventory
from cloudshell.cloud.poller import Health, PollUpdate
from cloudshell.cloud.userconfig import write_crash_log
from cloudshell.monitor_runner import CommandRunner
from cloudshell.poller_bridge import PollerBridge
from cloudshell.screens.messages import (
    ActionFinished, ActionProgressed, ActionStarted, ConfirmationRequested, InventoryUpdated, RuntimeOpened,
    SshResolved,
)
from cloudshell.screens.timeline import Timeline
from cloudshell.widgets import acyclic_strips

if TYPE_CHECKING:
    from cloudshell.cloud.protocols import FaceRuntime, LivePoller
    from cloudshell.commands import Context
    from cloudshell.commands.command import Invocation
    from cloudshell.screens.main import MainScreen

log = logging.getLogger(__name__)

DEFAULT_THEME = "dark"


def theme_folder() -> Path:
    """``themes/`` as shipped in the wheel (package ``cloudshell.themes``), else the source tree's."""
    try:
        from importlib.resources import files

        folder = Path(str(files("cloudshell.themes")))
        if folder.is_dir():
            return folder
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "themes"


def load_themes() -> dict[str, Theme]:
    """Every ``themes/*.toml`` as a Textual Theme, by file name (dark, light, high-contrast…)."""
    import tomllib

    out = {}
    for path in sorted(theme_folder().glob("*.toml")):
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        data["name"] = path.stem
        out[path.stem] = Theme(**data)
    return out


class CloudshellApp(App):
    """The monitor. ``runtime`` gives the session, settings and flags; ``poller`` the live data."""

    CSS_PATH = "cloudshell.tcss"
    TITLE = "cloudshell"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        Binding("ctrl+c", "quit", "Quit", show=False),
    ]

    def __init__(self, runtime: FaceRuntime, *, poller: LivePoller | None = None, theme: str | None = None,
                 clock: Callable[[], float] = time.time, start_poller: bool = True) -> None:
        super().__init__()
        acyclic_strips.install()   # screen lines freed when dropped, not by full collections
        self.runtime = runtime
        # The runtime's monitor poller (in its own process) unless a test hands one in.
        self.poller: LivePoller = poller if poller is not None else runtime.monitor_poller(start=False)
        self.clock = clock
        self.start_poller = start_poller
        self.themes = load_themes()
        wanted = theme or runtime.user_config.get("theme") or DEFAULT_THEME
        if wanted not in self.themes:
            raise UsageError(f"unknown theme {wanted!r} (expected one of {', '.join(self.themes)})")
        self.theme_name = wanted
        self.timeline = Timeline()
        self.inventory: Inventory = self.poller.inventory
        self.health: Health = self.poller.health
        self.bridge = PollerBridge(lambda: self.post_message(InventoryUpdated()))
        self.runner = CommandRunner(self)
        self._action_ids = itertools.count(1)
        self.running_actions: dict[int, ActionStarted] = {}
        self.opener: threading.Thread | None = None   # opens the runtime behind the frame (opening.py)

    # -- life cycle ------------------------------------------------------------------
    def on_mount(self) -> None:
        for theme in self.themes.values():
            self.register_theme(theme)
        self.theme = self.theme_name
        from cloudshell.screens.main import MainScreen

        self.push_screen(MainScreen())
        self.bridge.attach(self.poller)
        if self.start_poller:
            self.poller.start()
        if not self.poller.inventory.empty:
            self.bridge.put(PollUpdate(self.poller.inventory, (), self.poller.health))
        if self.opener is not None:
            # After the first paint: its imports and the demo's start would hold the GIL before it.
            self.call_after_refresh(self.opener.start)

    def runtime_opened(self, runtime: FaceRuntime | None, error: BaseException | None) -> None:
        """The opener's thread: the runtime is open (or failed); the UI adopts it."""
        self.post_message(RuntimeOpened(runtime, error))

    def on_runtime_opened(self, message: RuntimeOpened) -> None:
        if message.error is not None or message.runtime is None:
            error = message.error
            self.exit(return_code=error.exit_code if isinstance(error, CloudshellError) else 1)
            return
        self.runtime = message.runtime
        self.poller = message.runtime.monitor_poller(start=False)   # the child process poller
        self.inventory, self.health = self.poller.inventory, self.poller.health
        self.bridge.attach(self.poller)     # and no longer the placeholder's
        if self.start_poller:
            self.poller.start()
        main = self._main()
        if main is not None:
            main.refresh_status()

    def on_unmount(self) -> None:
        self.bridge.detach()

    # -- the poller bridge (poller thread → UI) ----------------------------------------
    def on_inventory_updated(self, _message: InventoryUpdated) -> None:
        taken = self.bridge.take()
        if taken is None:
            return
        update = taken.update
        self.inventory, self.health = update.inventory, update.health
        self.timeline.add_changes(taken.changes)
        main = self._main()
        if main is not None:
            main.apply_update(update.inventory, update.health, None if taken.overflowed else taken.changes)

    def _main(self) -> MainScreen | None:
        from cloudshell.screens.main import MainScreen

        if self._exit:
            return None     # closing: the screens' widgets are being taken down
        for screen in self.screen_stack:
            # Not before its mount: until then its tables do not exist (its on_mount applies
            # the newest inventory itself, so an update skipped here is not lost).
            if isinstance(screen, MainScreen) and screen.is_mounted and not screen._closing:
                return screen
        return None

    # -- running commands (in the runner's workers) -------------------------------------
    def context(self, action_id: int, invocation: Invocation | None = None) -> Context:
        """The command context of this face: confirmations and progress go through messages
        (with several clouds, in the cloud of ``invocation``'s IDs)."""
        return self.runner.context(action_id, invocation)

    def start_command(self, argv: list[str], *, label: str | None = None, targets: tuple[str, ...] = (),
                      expect: Callable[[Inventory], bool] | None = None, expect_text: str = "",
                      show_output: bool = False) -> int:
        """Run ``argv`` through the registry in a worker; returns the action's number."""
        action_id = next(self._action_ids)
        started = ActionStarted(action_id, label or " ".join(argv), targets)
        if self.runtime.phase:
            self.running_actions[action_id] = started
            self.post_message(ActionFinished(action_id, False, f"not connected yet: {self.runtime.phase}",
                                             show_output=show_output))
            return action_id
        self.running_actions[action_id] = started
        self.timeline.add_action(f"{started.label}: started")
        main = self._main()
        if main is not None:
            main.action_started(started)
        self.runner.run(action_id, list(argv), expect, expect_text, show_output)
        return action_id

    def on_confirmation_requested(self, message: ConfirmationRequested) -> None:
        from cloudshell.screens.confirm import ConfirmScreen

        self.push_screen(ConfirmScreen(message.question.text, danger=True),
                         callback=lambda choice: message.question.reply(choice == "yes"))

    def on_action_progressed(self, message: ActionProgressed) -> None:
        main = self._main()
        if main is not None:
            main.action_progressed(message)

    def on_action_finished(self, message: ActionFinished) -> None:
        started = self.running_actions.pop(message.action_id, None)
        label = started.label if started else "command"
        self.timeline.add_action(f"{label}: {'ok' if message.ok else 'failed'}: {message.outcome}",
                                 ok=message.ok)
        main = self._main()
        if main is not None:
            main.action_finished(started, message)
        if not message.show_output:
            self.notify(f"{label}: {message.outcome}", severity="information" if message.ok else "error",
                        timeout=6 if message.ok else 10, markup=False)

    # -- no traceback ever reaches the user ---------------------------------------------
    def _fatal_error(self) -> None:
        """An unhandled error: one line for the user, the traceback in a private crash log."""
        import sys

        from rich.text import Text

        exc = sys.exc_info()[1] or self._exception
        path = write_crash_log(exc)
        what = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}" if exc else "unknown error"
        self._exit_renderables.append(Text(f"cloudshell: internal error: {what} (details in {path})"))
        self._close_messages_no_wait()

    # -- leaving the screen for the terminal --------------------------------------------
    def prepare_ssh(self, line: list[str]) -> None:
        """Resolve ``ssh INSTANCE …`` in a worker; :meth:`on_ssh_resolved` runs it."""
        self.runner.resolve_ssh(line)

    def on_ssh_resolved(self, message: SshResolved) -> None:
        from cloudshell.screens.terminal import run_ssh_argv

        if message.argv is None:
            self.notify(message.error or "ssh: cannot resolve", severity="error", markup=False)
            return
        run_ssh_argv(self, message.target, message.argv)

    def run_in_terminal(self, fn: Callable[[], Any], what: str) -> None:
        """Suspend the app, run ``fn`` with the terminal (ssh, the REPL), come back."""
        from textual.app import SuspendNotSupported

        try:
            with self.suspend():
                fn()
        except SuspendNotSupported:
            self.notify(f"{what} needs a real terminal", severity="error", markup=False)
        except CloudshellError as exc:
            self.notify(str(exc), severity="error", markup=False)
        except Exception as exc:  # noqa: BLE001
            log.exception("%s failed", what)
            self.notify(f"{what} failed: {type(exc).__name__}: {exc}", severity="error", markup=False)
        self.refresh(layout=True)


def run_monitor(runtime: FaceRuntime, theme: str | None = None) -> int:
    """The monitor on a runtime already open until the user quits; returns the exit code
    (``cloudshell`` itself opens the runtime behind the frame: opening.run_monitor_opening)."""
    runtime.monitor_poller(start=True)  # its child starts now, while Textual sets up: first data sooner
    app = CloudshellApp(runtime, theme=theme)
    app.run()
    if isinstance(app.return_code, int):
        return app.return_code
    return 0


__all__ = ["CloudshellApp", "run_monitor", "load_themes", "EMPTY"]
