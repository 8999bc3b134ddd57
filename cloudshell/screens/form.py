"""A small form of text fields (create volume, snapshot description)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class FormScreen(ModalScreen[dict[str, str] | None]):
    """Fields (name, label, default); Enter on the last submits, Tab moves, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, fields: Sequence[tuple[str, str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.fields = list(fields)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.title_text, id="question", markup=False)
            for name, label, default in self.fields:
                yield Label(label)
                yield Input(value=default, id=f"field-{name}")
            yield Static("Tab next field · Enter ok · Esc cancel", id="hint", markup=False)

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        if event.input is not inputs[-1]:
            inputs[inputs.index(event.input) + 1].focus()
            return
        self.dismiss({name: self.query_one(f"#field-{name}", Input).value.strip()
                      for name, _label, _default in self.fields})

    def action_cancel(self) -> None:
        self.dismiss(None)
