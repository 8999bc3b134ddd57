"""A yes/no question (and sometimes a third choice), answered from the keyboard."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmScreen(ModalScreen[str]):
    """Dismisses with ``"yes"``, ``"no"`` or an extra choice's value; Escape is no."""

    BINDINGS = [
        Binding("y", "choose('yes')", "Yes"),
        Binding("n,escape", "choose('no')", "No"),
        Binding("left,shift+tab", "app.focus_previous", "Previous", show=False),
        Binding("right,tab", "app.focus_next", "Next", show=False),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", danger: bool = False,
                 extra: tuple[str, str, str] | None = None) -> None:
        """``extra`` = (key, value, label), e.g. ("f", "force", "Force…")."""
        super().__init__()
        self.question = question
        self.yes = yes
        self.danger = danger
        self.extra = extra

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="-danger" if self.danger else ""):
            yield Static(self.question, id="question", markup=False)
            with Horizontal(id="buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="error" if self.danger else "primary")
                if self.extra:
                    key, _value, label = self.extra
                    yield Button(f"{label} ({key})", id="extra", variant="warning")
                yield Button("No (n)", id="no")

    def on_mount(self) -> None:
        # Safe default: focus on No for destructive questions.
        self.query_one("#no" if self.danger else "#yes", Button).focus()

    def on_key(self, event) -> None:
        if self.extra and event.key == self.extra[0]:
            event.stop()
            self.dismiss(self.extra[1])

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "extra" and self.extra:
            self.dismiss(self.extra[1])
        else:
            self.dismiss("yes" if event.button.id == "yes" else "no")

    def action_choose(self, value: str) -> None:
        self.dismiss(value)
