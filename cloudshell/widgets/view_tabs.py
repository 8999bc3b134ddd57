"""The line of views at the top: number key and name, the current one marked."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

# View key → (resource kind, label). Order is the number keys'.
VIEWS: tuple[tuple[str, str], ...] = (
    ("instances", "Instances"), ("volumes", "Volumes"), ("snapshots", "Snapshots"),
    ("images", "Images"), ("addresses", "Addresses"), ("groups", "Groups"), ("keypairs", "Keys"),
)
SHORT_LABELS = {"instances": "Inst", "volumes": "Vol", "snapshots": "Snap", "images": "Img",
                "addresses": "Addr", "groups": "Grp", "keypairs": "Key"}


class ViewTabs(Static):
    """``1 Instances 2 Volumes …``: the current view in the accent style, with a filter note."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)

    def show(self, current: str, note: str = "") -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        narrow = bool(note) and (self.size.width or 80) < 100   # room for the note at 80 columns
        for n, (kind, label) in enumerate(VIEWS, start=1):
            label = SHORT_LABELS[kind] if narrow and kind != current else label
            style = "reverse bold" if kind == current else ""
            text.append(f" {n}", style="bold" if kind != current else style)
            text.append(f" {label} ", style=style)
        if note:
            text.append("  " + note, style="italic")
        self.update(text)
