"""The one-line status bar: endpoint, region, counts, data age, poller health, running actions."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cloudshell.cloud.inventory import age_text
from cloudshell.cloud.kinds import COUNT_LABELS as SHORT


class StatusBar(Static):
    """Shows where the data comes from and how fresh it is; ``-stale``/``-retrying`` classes colour it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._parts: dict[str, str] = {}

    def show(self, *, label: str, region: str, counts: dict[str, int], age: float | None,
             health_state: str, health: str, actions: str = "", read_only: bool = False) -> None:
        """Fit the line to the width: drop the less useful counts first, never the health."""
        who = label + (" (read-only)" if read_only else "")
        width = max(20, self.size.width or 80)
        full = " ".join(f"{counts[k]} {SHORT[k]}" for k in SHORT if k in counts)
        short = " ".join(f"{counts[k]} {SHORT[k]}" for k in ("instances", "volumes") if k in counts)
        fresh = age_text(age)
        text = ""
        for count_text, place in ((full, f"{who} │ {region}"), (short, f"{who} │ {region}"),
                                  (short, who), ("", who)):
            parts = [place, count_text, fresh, health, actions]
            if health_state == "stale":   # first, where a narrow terminal cannot cut it off
                parts = ["STALE: " + health, fresh, place, count_text, actions]
            text = " " + " │ ".join(p for p in parts if p)
            if len(text) <= width:
                break
        self.set_class(health_state == "stale", "-stale")
        self.set_class(health_state == "retrying", "-retrying")
        self.update(Text(text, no_wrap=True, overflow="ellipsis"))
