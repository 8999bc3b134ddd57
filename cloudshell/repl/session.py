"""The REPL: one prompt_toolkit session over a runtime's cloud session and poller.

pgcli's model: the completer is plain data over one inventory snapshot, rebuilt
on the poller's thread for each new snapshot and swapped whole behind a
``ThreadedCompleter(DynamicCompleter(...))``. The poller thread only swaps that
reference, queues notices and calls ``app.invalidate()`` (thread-safe); what it
prints goes above the prompt through ``run_in_terminal`` on the app's own loop,
so the line being typed is never garbled. Commands run on the caller's thread
while no prompt is shown, so Ctrl-C interrupts a long ``wait``.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import threading
import time
from collections import deque
from dataclasses import replace
from typing import TYPE_CHECKING

from prompt_toolkit import PromptSession
from prompt_toolkit.application import run_in_terminal
from prompt_toolkit.completion import DynamicCompleter, ThreadedCompleter
from prompt_toolkit.filters import Condition
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.history import History, InMemoryHistory
from prompt_toolkit.lexers import PygmentsLexer
from prompt_toolkit.styles import BaseStyle, Style, merge_styles, style_from_pygments_dict
from rich.console import Console
from rich.text import Text

from cloudshell.cloud.errors import CloudshellError, one_line
from cloudshell.cloud.kinds import kind_of_id
from cloudshell.commands import Context, registry as full_registry, run
from cloudshell.commands.registry import split_line
from cloudshell.completion import prepare
from cloudshell.output import clean, emit
from cloudshell.progress import ProgressBars
from cloudshell.repl.clouds import USE_HELP, CloudsCompleter, ReplClouds
from cloudshell.repl.completer import InventoryCompleter, LoadingCompleter
from cloudshell.repl.history import PrivateHistory, secret_in
from cloudshell.repl.keys import MAX_LINE, build_key_bindings
from cloudshell.repl.lexer import STYLES, lexer_for
from cloudshell.repl.longline import LongLineWindow
from cloudshell.repl.toolbar import toolbar_fragments

if TYPE_CHECKING:
    from cloudshell.cloud.poller import PollUpdate
    from cloudshell.cloud.protocols import FaceRuntime, LivePoller
    from cloudshell.commands.registry import Registry

log = logging.getLogger(__name__)

EXTRA_WORDS = {"exit": "leave the REPL (also Ctrl-D)", "quit": "leave the REPL (also Ctrl-D)"}
KEYS_HELP = ("keys: Tab completes (IDs from the live inventory) · Ctrl-R searches history · "
             "F5 refreshes now · Ctrl-C clears the line · Ctrl-D or exit leaves")
WRAP_LIMIT = 2000      # characters in a line beyond which it scrolls sideways instead of wrapping
WATCH_SECONDS = 300.0   # changes to what a command touched are shown above the prompt this long

UI_STYLE = Style.from_dict({
    "prompt.where": "ansicyan bold",
    "toolbar.endpoint": "bold",
    "toolbar.warn": "ansiyellow bold",
    "toolbar.bad": "ansired bold",
    "toolbar.note": "italic",
    "confirm": "ansiyellow bold",
})
# Without colour (NO_COLOR) the menu's highlighted row would look like the others.
MONOCHROME_STYLE = Style.from_dict({
    "completion-menu.completion.current": "reverse",
    "completion-menu.meta.completion.current": "reverse",
})


def _loop_running() -> bool:
    """True inside an event loop (the monitor suspended for us): prompt in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class Repl:
    """The interactive command line. ``run()`` returns the exit code when the user leaves."""

    def __init__(self, runtime: FaceRuntime, poller: LivePoller, *, registry: Registry | None = None,
                 console: Console | None = None, history: History | None = None,
                 pollers: dict[str, LivePoller] | None = None) -> None:
        self.runtime = runtime
        self.poller = poller
        # Several clouds (runtime is a CloudSet, one poller each): repl/clouds.py; else None, as before.
        self.clouds: ReplClouds | None = None
        self.registry = registry if registry is not None else full_registry()
        self.console = console if console is not None else Console(highlight=False)
        self.completer = InventoryCompleter(poller.inventory, self.registry, EXTRA_WORDS)
        self.note = ""
        self.region = self._region()
        self._notices: deque[str] = deque()
        self._watched: dict[str, float] = {}
        self._lock = threading.Lock()
        self._app_context: contextvars.Context | None = None
        self.history = history if history is not None else self._open_history()
        self.in_thread = _loop_running()
        self.menu_completer = LoadingCompleter(ThreadedCompleter(DynamicCompleter(self.current_completer)))
        self.session: PromptSession[str] = PromptSession(
            message=self.prompt_message,
            completer=self.menu_completer,
            complete_while_typing=True,
            lexer=PygmentsLexer(lexer_for(self.registry.names())),
            style=merge_styles([style_from_pygments_dict(STYLES), UI_STYLE, *self._monochrome()]),
            bottom_toolbar=self.toolbar,
            history=self.history,
            key_bindings=build_key_bindings(self),
            refresh_interval=1.0,          # the data age in the toolbar ticks
            enable_history_search=False,   # Ctrl-R searches; arrows walk
            mouse_support=False,
            # A long line is scrolled sideways, not wrapped: laying out thousands of wrapped rows
            # on every keystroke is what froze the prompt on a big paste.
            wrap_lines=Condition(lambda: len(self.session.default_buffer.text) <= WRAP_LIMIT),
            input_processors=[LongLineWindow()],   # and only a window of it is drawn
        )
        self.context = Context.for_runtime(runtime, interactive=True, poller=poller,
                                           confirm=self.confirm, progress=self.progress)
        if pollers:
            self.clouds = ReplClouds(runtime, pollers, {"confirm": self.confirm, "progress": self.progress})
            self._switched()

    def _open_history(self) -> History:
        try:
            return PrivateHistory()
        except OSError as exc:
            self.console.print(Text(f"history is not kept: {exc.strerror or exc}", style="yellow"))
            return InMemoryHistory()

    def current_completer(self) -> InventoryCompleter | CloudsCompleter:
        """The completer of the poller's current snapshot: what the toolbar counts is what Tab offers."""
        if self.clouds is not None:
            sources = {n: p.inventory for n, p in self.clouds.pollers.items()}
            built = self.completer
            if not isinstance(built, CloudsCompleter) or any(built.sources[n] is not i for n, i in sources.items()):
                built = self.completer = CloudsCompleter(
                    sources, self.registry, {**EXTRA_WORDS, "use": USE_HELP},
                    previous=built if isinstance(built, CloudsCompleter) else None)
            return built
        inventory = self.poller.inventory
        completer = self.completer
        if completer.inventory is not inventory:
            completer = self.completer = InventoryCompleter(inventory, self.registry, EXTRA_WORDS)
        return completer

    # -- what the user sees ------------------------------------------------------------
    @staticmethod
    def _monochrome() -> list[BaseStyle]:
        return [MONOCHROME_STYLE] if os.environ.get("NO_COLOR") else []

    def _region(self) -> str:
        session = self.runtime.session
        try:
            return str(session.region or "") if session is not None else ""
        except CloudshellError:
            return ""

    def prompt_message(self) -> StyleAndTextTuples:
        if self.clouds is not None:
            return [("class:prompt.where", self.clouds.where()), ("class:prompt", "> ")]
        return [("class:prompt.where", f"{self.runtime.label} {self.region}".strip()), ("class:prompt", "> ")]

    def _switched(self) -> None:
        """After ``use``: the current cloud's poller, Context and region are the REPL's."""
        assert self.clouds is not None
        name = self.clouds.current
        self.poller, self.context = self.clouds.pollers[name], self.clouds.contexts[name]
        self.region = self.clouds.region()

    def toolbar(self) -> StyleAndTextTuples:
        app = self.session.app
        width = app.output.get_size().columns if app.is_running else 80
        note = self.note
        if self.clouds is not None and self.clouds.others_health():
            note = " · ".join(filter(None, (self.clouds.others_health(), note)))   # the others' health too
        return [*toolbar_fragments(label=self.runtime.label, region=self.region,
                                   inventory=self.poller.inventory, health=self.poller.health, width=width,
                                   interval=self.runtime.interval, note=note)]

    def error(self, message: str) -> None:
        self.console.print(Text(clean(" ".join(message.split())), style="red"))

    def progress(self, line: str) -> None:
        self.console.print(Text(clean(line), style="dim"))

    def confirm(self, question: str) -> bool:
        """Ask ``question [y/N]`` on the terminal; anything but y/yes (or Ctrl-C) is no."""
        asker: PromptSession[str] = PromptSession(style=UI_STYLE)
        try:
            answer = asker.prompt([("class:confirm", clean(question)), ("", " [y/N] ")],
                                  in_thread=self.in_thread)
        except (KeyboardInterrupt, EOFError):
            return False
        return answer.strip().lower() in ("y", "yes")

    # -- the poller's side (its thread) --------------------------------------------------
    def _on_update(self, update: PollUpdate, cloud: str | None = None) -> None:
        # Swap first (the next keystroke must see this snapshot), then build its indexes here
        # rather than on a keystroke.
        if self.clouds is None:
            self.completer = InventoryCompleter(update.inventory, self.registry, EXTRA_WORDS)
            prepare(update.inventory)
        else:
            self.current_completer()   # every cloud's IDs, rebuilt here rather than on a keystroke
        if update.health.state == "ok" and cloud in (None, getattr(self.clouds, "current", None)):
            self.note = ""
        now = time.monotonic()
        with self._lock:
            lines = [c.describe() for c in update.changes if self._watched.get(c.id, 0) > now]
            self._notices.extend(lines)
        app = self.session.app
        if app.is_running and app.loop is not None and self._app_context is not None:
            if lines:
                app.loop.call_soon_threadsafe(self._print_above, context=self._app_context)
            app.loop.call_soon_threadsafe(self._refresh_menu, context=self._app_context)
        app.invalidate()

    def _refresh_menu(self) -> None:
        """An open menu nobody is walking yet is recomputed from the new snapshot (loop thread).
        One still loading is left to finish (LoadingCompleter says why); the next snapshot redoes it."""
        if self.menu_completer.loading:
            return
        buffer = self.session.default_buffer
        state = buffer.complete_state
        if state is not None and state.complete_index is None:
            buffer.complete_state = None
            buffer.start_completion()

    def _print_above(self) -> None:
        run_in_terminal(self.flush_notices, in_executor=False)

    def flush_notices(self) -> None:
        with self._lock:
            lines = list(self._notices)
            self._notices.clear()
        for line in lines:
            self.console.print(Text("· " + clean(line), style="cyan"))

    def line_too_long(self, size: int, whole: bool) -> None:
        """A paste (``whole``) or typing that would pass MAX_LINE was refused: one red line above the prompt."""
        message = (f"line too long: {size:,}{'' if whole else '+'} characters; a command line holds at most "
                   f"{MAX_LINE:,} " + ("(the paste was not taken)" if whole else "(what came after that was not taken)"))
        run_in_terminal(lambda: self.error(message), in_executor=False)

    def refresh_now(self) -> None:
        self.poller.refresh_now()
        self.note = "refresh requested"

    def watch(self, ids: list[str]) -> None:
        until = time.monotonic() + WATCH_SECONDS
        with self._lock:
            self._watched = {k: v for k, v in self._watched.items() if v > time.monotonic()}
            self._watched.update((i, until) for i in ids)

    # -- the loop ----------------------------------------------------------------------
    def read_line(self) -> str:
        def capture() -> None:
            self._app_context = contextvars.copy_context()
        return self.session.prompt(in_thread=self.in_thread, pre_run=capture)

    def run(self) -> int:
        if self.clouds is None:
            unsubscribes = [self.poller.subscribe(self._on_update)]
        else:
            unsubscribes = [p.subscribe(lambda update, name=name: self._on_update(update, name))
                            for name, p in self.clouds.pollers.items()]
        try:
            while True:
                self.flush_notices()
                try:
                    line = self.read_line()
                except KeyboardInterrupt:
                    continue
                except EOFError:
                    break
                finally:
                    self._app_context = None
                if not self.execute(line):
                    break
        finally:
            for unsubscribe in unsubscribes:
                unsubscribe()
        return 0

    def execute(self, line: str) -> bool:
        """Run one line; False when the user asked to leave. Every error is one red line."""
        if len(line) > MAX_LINE:
            self.error(f"line too long: {len(line):,} characters; a command line holds at most {MAX_LINE:,}")
            return True
        text = line.strip()
        if not text or text.startswith("#"):
            return True
        reason = secret_in(text)
        if reason:
            self.console.print(Text(f"(not kept in history: {reason})", style="dim"))
        mutating = False
        try:
            words = split_line(text)
            if words[:1] in (["exit"], ["quit"]) and len(words) == 1:
                return False
            if words[:1] == ["use"] and self.clouds is not None:
                said = self.clouds.use(words)
                self._switched()
                self.console.print(Text(clean(said)))
                return True
            inv = self.registry.parse(words)
            mutating = inv.command.mutates
            context = self.context
            if self.clouds is not None:
                _, context = self.clouds.context_for(inv)   # an ID's own cloud, else the current one
            with ProgressBars(self.console) as bars:  # long commands (bundles) draw bars here
                result = run(replace(context, meter=bars), inv)
            if mutating:
                self.watch([w for w in words[1:] if kind_of_id(w) or context.poller.inventory.get(w)])
            emit(result, fmt=inv.output or ("euca" if inv.euca_name else "table"), query=inv.query,
                 console=self.console)
            if inv.command.name == "help" and not inv.get("topic") and not inv.wants_help:
                self.console.print(Text(KEYS_HELP, style="dim"))
        except CloudshellError as exc:
            self.error(str(exc))
        except KeyboardInterrupt:
            self.error("interrupted" + (" (the request may have reached the cloud: check with describe-…)"
                                        if mutating else ""))
        except Exception as exc:  # noqa: BLE001 - never a traceback; the log file has it
            log.exception("command failed: %s", text.split()[0])
            self.error(one_line(f"internal error: {type(exc).__name__}: {exc}"))
        return True
