"""The line of views at the top: number key and name, the current one marked."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cloudshell.cloud.kinds import VIEW_KINDS

# View key → (resource kind, label), in the number keys' order: from the kinds' rows.
VIEWS: tuple[tuple[str, str], ...] = tuple((k.name, k.label) for k in VIEW_KINDS)
SHORT_LABELS = {k.name: k.short_label for k in VIEW_KINDS}


class ViewTabs(Static):
    """``1 Instances 2 Volumes …``: the current view in the accent style, with a filter note."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)

    def show(self, current: str, note: str = "") -> None:
        width = self.size.width or 80
        text = self._line(current, note, narrow=bool(note) and width < 100)   # room for the note at 80 columns
        if text.cell_len > width:
            text = self._line(current, note, narrow=True)   # a tab cut at the edge would hide its name
        self.update(text)

    @staticmethod
    def _line(current: str, note: str, *, narrow: bool) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for n, (kind, label) in enumerate(VIEWS, start=1):
            label = SHORT_LABELS[kind] if narrow and kind != current else label
            style = "reverse bold" if kind == current else ""
            text.append(f" {n}", style="bold" if kind != current else style)
            # Narrow, the other tabs lose their trailing space too: eight views and a note fit 80 columns.
            text.append(f" {label}" + ("" if narrow and kind != current else " "), style=style)
        if note:
            text.append("  " + note, style="italic")
        return text
