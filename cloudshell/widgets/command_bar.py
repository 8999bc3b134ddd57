"""The ``:`` command bar (same grammar and completer as the REPL) and its output panel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, RichLog
from textual.timer import Timer
from textual.widgets.option_list import Option

from cloudshell.cloud.cloudset import one_cloud_view
from cloudshell.widgets.completion_adapter import Suggestion, suggest
from cloudshell.widgets.fit_log import FitLog

if TYPE_CHECKING:
    from textual import getters

    from cloudshell.app import CloudshellApp

MAX_SUGGESTIONS = 8
MAX_OUTPUT_LINES = 2000
SUGGEST_AFTER = 0.06     # seconds of no typing before the suggestion list is refreshed


class CommandInput(Input):
    """The line itself; Tab and the arrows drive the suggestion list."""

    BINDINGS = [
        Binding("tab", "complete", "Complete", show=False),
        Binding("down", "suggestion(1)", "Next suggestion", show=False),
        Binding("up", "suggestion(-1)", "Previous suggestion", show=False),
    ]

    def action_complete(self) -> None:
        if isinstance(self.parent, CommandBar):
            self.parent.complete()

    def action_suggestion(self, step: int) -> None:
        if isinstance(self.parent, CommandBar):
            self.parent.move(step)


class CommandBar(Vertical):
    """``:`` opens it; Enter runs the line; Tab completes; Esc closes; ↑↓ walk suggestions or history."""

    if TYPE_CHECKING:
        app = getters.app(CloudshellApp)

    class Submitted(Message):
        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    class Closed(Message):
        """Esc closed the bar: the screen gives the focus back to its table."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.history: list[str] = []
        self._history_at = 0
        self._suggestions: list[Suggestion] = []
        self._pending: Timer | None = None

    def compose(self) -> ComposeResult:
        yield OptionList(id="suggestions", classes="-hidden")
        yield CommandInput(placeholder="command, e.g. attach-volume -i i-… -d /dev/sdf vol-…  (Tab completes)",
                           id="command-input")

    @property
    def input(self) -> CommandInput:
        return self.query_one(CommandInput)

    def open(self, text: str = "") -> None:
        self.remove_class("-hidden")
        self.input.value = text
        self.input.cursor_position = len(text)
        self._history_at = len(self.history)
        self.input.focus()
        self._refresh_suggestions()

    def close(self) -> None:
        self.add_class("-hidden")
        self.query_one("#suggestions", OptionList).add_class("-hidden")

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            event.stop()
            self.close()
            self.post_message(self.Closed())

    # -- suggestions ------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        # Typing fast (or pasting) refreshes the list once, when the keys pause.
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.set_timer(SUGGEST_AFTER, self._refresh_suggestions, name="suggest")

    def _refresh_suggestions(self) -> None:
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
        before = self.input.value[: self.input.cursor_position]
        # With several clouds, once the line names an ID only that cloud's resources are offered.
        inventory = one_cloud_view(before.split(), self.app.inventory)
        self._suggestions = suggest(before, inventory, limit=MAX_SUGGESTIONS)
        box = self.query_one("#suggestions", OptionList)
        box.clear_options()
        if not self._suggestions:
            box.add_class("-hidden")
            return
        box.add_options(Option(Text.assemble((s.display, "bold"), ("  " + s.meta if s.meta else "")))
                        for s in self._suggestions)
        box.highlighted = 0
        box.remove_class("-hidden")

    def move(self, step: int) -> None:
        box = self.query_one("#suggestions", OptionList)
        if self._suggestions and not box.has_class("-hidden"):
            box.highlighted = ((box.highlighted or 0) + step) % len(self._suggestions)
            return
        if not self.history:
            return
        self._history_at = max(0, min(len(self.history), self._history_at + step))
        text = self.history[self._history_at] if self._history_at < len(self.history) else ""
        self.input.value = text
        self.input.cursor_position = len(text)

    def complete(self) -> None:
        if self._pending is not None:      # the list is behind the line: catch up first
            self._refresh_suggestions()
        box = self.query_one("#suggestions", OptionList)
        if not self._suggestions:
            return
        chosen = self._suggestions[box.highlighted or 0]
        value, pos = self.input.value, self.input.cursor_position
        start = pos - chosen.replace_length
        new = value[:start] + chosen.text + " " + value[pos:].lstrip()
        self.input.value = new
        self.input.cursor_position = start + len(chosen.text) + 1
        self._refresh_suggestions()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        line = event.value.strip()
        self.input.value = ""
        self.close()
        if line:
            if not self.history or self.history[-1] != line:
                self.history.append(line)
            self.post_message(self.Submitted(line))


class _PanelConsole:
    """Just enough of a rich Console for ``output.emit`` to write into a RichLog."""

    def __init__(self, log: RichLog, width: int) -> None:
        self.log, self.width, self.lines = log, width, 0
        self.file = self   # script formats (json, text, --query) write plain text here

    def write(self, text: str) -> None:
        self.print(text.rstrip("\n"))

    def flush(self) -> None:
        pass

    def print(self, obj: Any, **_kw: Any) -> None:
        if self.lines >= MAX_OUTPUT_LINES:
            return
        if isinstance(obj, str):
            lines = obj.splitlines() or [""]
            room = MAX_OUTPUT_LINES - self.lines
            for line in lines[:room]:
                self.log.write(Text(line))
            self.lines += min(len(lines), room)
            if len(lines) > room:
                self.log.write(Text(f"… {len(lines) - room} more lines not shown", style="italic"))
        else:
            self.log.write(obj)
            self.lines += 1


class OutputPanel(FitLog):
    """What the last command-bar commands printed, newest at the bottom; long lines wrap beside
    the scrollbar (a cut line would hide characters)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, wrap=True, max_lines=5000, markup=False,
                         auto_scroll=True)

    def begin(self, line: str) -> None:
        self.remove_class("-hidden")
        self.write(Text(f": {line}", style="bold"))

    def show_error(self, line: str, message: str) -> None:
        self.begin(line)
        self.write(Text(message, style="bold"))

    def show_result(self, finished) -> None:
        from cloudshell.output import clean, emit

        self.remove_class("-hidden")
        if not finished.ok or finished.result is None:
            self.write(Text(clean(finished.outcome), style="bold"))
            return
        console = _PanelConsole(self, max(40, self.scrollable_content_region.width - 1))
        emit(finished.result, fmt=finished.fmt or "table", query=finished.query, console=console)
        extra = finished.outcome.split("; seen:", 1)
        if len(extra) == 2:
            self.write(Text("seen:" + extra[1], style="italic"))
