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


def fit(text: str, width: int) -> str:
    """``text`` padded to ``width`` cells, or cut to it with a visible "…"."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def last_first_column(widths: list[int], width: int, pinned: int = 1) -> int:
    """The furthest a table pans: the first panned column from which every later one fits."""
    room = width - (1 + sum(widths[:pinned]) + GAP * pinned)
    need = 0
    for first in range(len(widths) - 1, pinned - 1, -1):
        need += widths[first] + GAP
        if need - GAP > room:
            return max(pinned, min(first + 1, len(widths) - 1))
    return pinned


def compose_line(mark: str, values: list[str], widths: list[int], accent_at: int | None, style: Style,
                 accent: Style | None, width: int, first: int = 1, *, edges: bool = False,
                 pinned: int = 1) -> Strip:
    """One line ``width`` cells wide: the gutter mark and the ``pinned`` columns (the ID; the Cloud
    and the ID with several clouds) fixed, then the columns from ``first`` on, whole; the one the
    right edge cuts ends in "…", as a value cut at its column's width does. ``edges`` (the header)
    marks columns panned away: "«" left, "»" right."""
    def seg(i: int, text: str) -> Segment:
        return Segment(text, style + accent if (i == accent_at and accent is not None) else style)

    segments = [Segment(mark, style)]
    room = width - 1
    for j in range(pinned):
        segments.append(seg(j, fit(safe(values[j]), min(widths[j], max(0, room)))))
        room -= widths[j] + GAP
        if j < pinned - 1:
            segments.append(Segment(" " * GAP, style))
    gap = "«" + " " * (GAP - 1) if edges and first > pinned else " " * GAP
    segments.append(Segment(gap, style))
    pinned_width = width - 1 - room
    i, cut = first, False
    while i < len(values) and room > 0:
        text = safe(values[i])
        if widths[i] + GAP <= room or (widths[i] <= room and i == len(values) - 1):
            segments.append(seg(i, fit(text, widths[i])))
            segments.append(Segment(" " * GAP, style))
            room -= widths[i] + GAP
        else:
            # The edge cuts this column: what fits of the value, marked if the value is cut.
            segments.append(seg(i, fit(text, room)))
            room, cut = 0, True
        i += 1
    strip = Strip(segments).adjust_cell_length(width, style)
    if edges and (i < len(values) or cut) and width > pinned_width + 2:
        strip = Strip(list(strip.crop(0, width - 1)) + [Segment("»", style)])
    return strip.simplify()
