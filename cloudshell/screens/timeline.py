"""The event timeline: every change the poller saw and every action with its outcome."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from cloudshell.cloud.inventory import Change
from cloudshell.widgets.fit_log import FitLog

MAX_ENTRIES = 5000


@dataclass(frozen=True)
class Entry:
    at: float
    what: str          # "change" | "action" | "failed"
    message: str = ""
    change: Change | None = None   # described only when shown: 500 changes a poll cost nothing

    @property
    def text(self) -> str:
        if self.change is not None:
            return f"{self.change.kind}: {self.change.describe()}"
        return self.message

    def line(self) -> Text:
        stamp = time.strftime("%H:%M:%S", time.localtime(self.at))
        style = {"change": "", "action": "bold", "failed": "bold reverse"}[self.what]
        marker = {"change": "  ", "action": "» ", "failed": "! "}[self.what]
        out = Text(f"{stamp} {marker}", no_wrap=False)
        out.append(self.text, style=style)
        return out


def _pack(entry: Entry) -> tuple:
    """One flat tuple of strings and numbers (nested tuples would stay tracked a collection longer)."""
    if entry.change is None:
        return (entry.at, entry.what, entry.message)
    return _pack_change(entry.change, entry.at)


def _pack_change(c: Change, at: float) -> tuple:
    return (at, "change", "", c.kind, c.id, c.what, c.at, c.name, c.cloud,
            *(cell for triple in c.fields for cell in triple))


def _unpack(t: tuple) -> Entry:
    if len(t) == 3:
        return Entry(*t)
    at, what, message, kind, rid, cwhat, cat, name, cloud, *cells = t
    fields = tuple(tuple(cells[n:n + 3]) for n in range(0, len(cells), 3))
    return Entry(at, what, message, Change(kind, rid, cwhat, fields, cat, name, cloud))


class Timeline:
    """A bounded list of entries with listeners (the open timeline screen).

    Kept as plain tuples of strings and numbers, which the cyclic GC stops walking: 5,000
    Entry and Change objects, 1,000 new ones every sweep at 500 changes, would each sweep
    push the UI a step nearer a full collection (a pause as long as the whole heap)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._packed: deque[tuple] = deque(maxlen=MAX_ENTRIES)
        self.clock = clock
        self._listeners: list[Callable[[list[Entry]], None]] = []

    @property
    def entries(self) -> list[Entry]:
        """Oldest first."""
        return [_unpack(t) for t in self._packed]

    def __len__(self) -> int:
        return len(self._packed)

    def add_changes(self, changes: Iterable[Change]) -> None:
        """Packed straight from the changes: no Entry is made unless a listener (the open
        timeline screen) is there to be handed one (500 changes a sweep, 1,000 objects less)."""
        now = self.clock()
        packed = [_pack_change(c, c.at or now) for c in changes]
        if not packed:
            return
        self._packed.extend(packed)
        if self._listeners:
            self._tell([_unpack(t) for t in packed])

    def add_action(self, text: str, *, ok: bool = True) -> None:
        entry = Entry(self.clock(), "action" if ok else "failed", text)
        self._packed.append(_pack(entry))
        self._tell([entry])

    def _tell(self, new: list[Entry]) -> None:
        for fn in list(self._listeners):
            fn(new)

    def listen(self, fn: Callable[[list[Entry]], None]) -> Callable[[], None]:
        self._listeners.append(fn)
        return lambda: self._listeners.remove(fn) if fn in self._listeners else None


class TimelineScreen(Screen):
    """Full-screen log of the timeline, newest at the bottom, following live."""

    BINDINGS = [
        Binding("escape,q,t", "app.pop_screen", "Back"),
        Binding("up,k", "scroll(-1)", "Up", show=False),
        Binding("down,j", "scroll(1)", "Down", show=False),
        Binding("pageup", "scroll(-10)", "Page up", show=False),
        Binding("pagedown,space", "scroll(10)", "Page down", show=False),
        Binding("end,G", "scroll_end", "Newest", show=False),
        Binding("home,g", "scroll_home", "Oldest", show=False),
    ]

    def __init__(self, timeline: Timeline) -> None:
        super().__init__()
        self.timeline = timeline
        self._stop: Callable[[], None] | None = None

    def compose(self) -> ComposeResult:
        yield Static(" Event timeline: changes the poller saw, actions and their outcomes", id="title")
        yield FitLog(id="timeline-log", max_lines=MAX_ENTRIES, wrap=True, auto_scroll=True)
        yield Footer()

    def on_mount(self) -> None:
        log = self.query_one(FitLog)
        if not len(self.timeline):
            log.write(Text("nothing yet: changes appear here as the poller sees them"))
        for entry in self.timeline.entries:
            log.write(entry.line())
        self._stop = self.timeline.listen(self._append)
        log.focus()

    def on_unmount(self) -> None:
        if self._stop is not None:
            self._stop()

    def _append(self, entries: list[Entry]) -> None:
        log = self.query_one(FitLog)
        for entry in entries:
            log.write(entry.line())

    def action_scroll(self, lines: int) -> None:
        log = self.query_one(FitLog)
        log.auto_scroll = False
        log.scroll_to(y=log.scroll_y + lines, animate=False)

    def action_scroll_end(self) -> None:
        log = self.query_one(FitLog)
        log.auto_scroll = True
        log.scroll_end(animate=False)

    def action_scroll_home(self) -> None:
        log = self.query_one(FitLog)
        log.auto_scroll = False
        log.scroll_home(animate=False)
