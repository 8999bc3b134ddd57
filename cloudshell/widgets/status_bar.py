"""The one-line status bar: endpoint, region, counts, data age, poller health, running actions."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cloudshell.cloud.inventory import age_text
from cloudshell.cloud.kinds import COUNT_LABELS as SHORT


def coarse_age(seconds: float | None) -> str:
    """The data age in steps that cost the terminal little: one text while sweeps keep the data
    under 10 s old (an idle monitor writes nothing), then 5-second steps, then ``age_text``'s."""
    if seconds is None:
        return "no data yet"
    if seconds < 10:
        return "<10s ago"
    if seconds < 90:
        return f"{int(seconds // 5 * 5)}s ago"
    return age_text(seconds)


class StatusBar(Static):
    """Shows where the data comes from and how fresh it is; ``-stale``/``-retrying`` classes colour it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.text = ""

    def show(self, *, label: str, region: str, counts: dict[str, int], age: float | None,
             health_state: str, health: str, actions: str = "", read_only: bool = False) -> None:
        """Fit the line to the width: drop the less useful parts first, never the health."""
        who = label + (" (read-only)" if read_only else "")
        width = max(20, self.size.width or 80)
        full = " ".join(f"{counts[k]} {SHORT[k]}" for k in SHORT if k in counts)
        tight = " ".join(f"{counts[k]}{SHORT[k]}" for k in SHORT if k in counts)       # "10inst 16vol …"
        short = " ".join(f"{counts[k]} {SHORT[k]}" for k in ("instances", "volumes") if k in counts)
        fresh = coarse_age(age)
        place = f"{who} │ {region}" if region else who
        text = ""
        for count_text, where in ((full, place), (tight, place), (tight, who), (short, place), (short, who),
                                  ("", who)):
            parts = [where, count_text, fresh, health, actions]
            if health_state == "stale":   # first, where a narrow terminal cannot cut it off
                parts = ["STALE: " + health, fresh, where, count_text, actions]
            text = " " + " │ ".join(p for p in parts if p)
            if len(text) <= width:
                break
        self.set_class(health_state == "stale", "-stale")
        self.set_class(health_state == "retrying", "-retrying")
        if text != self.text:          # the same line again writes nothing to the terminal
            self.text = text
            self.update(Text(text, no_wrap=True, overflow="ellipsis"))
