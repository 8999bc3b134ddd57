"""How one table row is drawn: cells padded or cut to their width, untrusted text made safe,
the gutter and the ID column fixed while the other columns pan."""

from __future__ import annotations

import re

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

# State words → the component class colouring the state cell: one map, from the kinds' rows.
from cloudshell.cloud.kinds import STATE_CLASSES  # noqa: F401 - resource_table reads it here

GAP = 2                  # cells between columns
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def safe(text: str) -> str:
    """Cloud data is untrusted: no control characters reach the terminal."""
    return _CONTROL.sub("?", text) if _CONTROL.search(text) else text


def cells(values: list[str], widths: list[int], accent_at: int | None, style: Style,
          accent: Style | None) -> list[Segment]:
    """Each value padded (or cut with "…") to its column's width, then the gap."""
    segments = []
    for i, (value, width) in enumerate(zip(values, widths, strict=True)):
        text = safe(value)
        text = set_cell_size(text, width - 1) + "…" if cell_len(text) > width else set_cell_size(text, width)
        segments.append(Segment(text, style + accent if (i == accent_at and accent is not None) else style))
        segments.append(Segment(" " * GAP, style))
    return segments


def compose_line(mark: str, values: list[str], widths: list[int], accent_at: int | None, style: Style,
                 accent: Style | None, width: int, scroll_x: int) -> Strip:
    """One line ``width`` cells wide: gutter mark and first column fixed, the rest from ``scroll_x``."""
    row = cells(values, widths, accent_at, style, accent)
    fixed = [Segment(mark, style)] + row[:2]
    fixed_width = 1 + widths[0] + GAP
    moving = Strip(row[2:]).crop(scroll_x, scroll_x + max(0, width - fixed_width))
    return Strip(fixed + list(moving)).adjust_cell_length(width, style).simplify()
