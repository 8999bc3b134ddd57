"""Pick one resource from a list (volumes for an instance, instances for a volume, addresses)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option


class PickerScreen(ModalScreen[tuple[str, str] | None]):
    """Dismisses with (chosen ID, field value) or None. Enter picks; Escape cancels.

    With ``field`` (e.g. the device name), ``suggest(choice)`` refills it as the
    highlight moves, unless the user typed their own.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: Sequence[tuple[str, str]], *, field: str | None = None,
                 suggest: Callable[[str], str] | None = None, hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.field = field
        self.suggest = suggest
        self.hint = hint
        self._typed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.title_text, id="question", markup=False)
            yield OptionList(*(Option(Text(label, no_wrap=True, overflow="ellipsis"), id=cid)
                               for cid, label in self.choices), id="choices")
            if self.field:
                yield Label(self.field)
                yield Input(id="field", placeholder=self.field)
            hint = self.hint or ("↑↓ choose · Tab " + self.field.lower() + " · " if self.field else "↑↓ choose · ")
            yield Static(hint + "Enter ok · Esc cancel", id="hint", markup=False)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()
        self._refill()

    def _current(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def _refill(self) -> None:
        if not self.field or self._typed or self.suggest is None:
            return
        choice = self._current()
        if choice is not None:
            field = self.query_one("#field", Input)
            field.value = self.suggest(choice)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._refill()

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.suggest is not None and self._current() is not None:
            self._typed = event.value != self.suggest(self._current() or "")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._finish()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._finish()

    def _finish(self) -> None:
        choice = self._current()
        if choice is None:
            return
        value = self.query_one("#field", Input).value.strip() if self.field else ""
        self.dismiss((choice, value))

    def action_cancel(self) -> None:
        self.dismiss(None)
