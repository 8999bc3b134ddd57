"""A long command line is shown through a window around the cursor, so drawing it costs the same
whatever its length (a 60,000-character paste used to be laid out whole on every redraw).

Lines up to ``SHOWN`` characters are drawn as they are. A longer one is cut to
the ``SHOWN`` characters around the cursor, with ``…`` on each cut side; the
text itself is untouched, and the cursor maps through the cut both ways.
"""

from __future__ import annotations

from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.layout.processors import Processor, Transformation, TransformationInput

SHOWN = 2000   # characters of a line drawn at most


def cut_fragments(fragments: StyleAndTextTuples, start: int, end: int) -> StyleAndTextTuples:
    """The part [start, end) of a fragment list, styles kept."""
    out: StyleAndTextTuples = []
    pos = 0
    for style, text, *rest in fragments:
        after = pos + len(text)
        if after > start and pos < end:
            piece = text[max(0, start - pos):end - pos]
            out.append((style, piece, *rest))  # type: ignore[arg-type]
        pos = after
        if pos >= end:
            break
    return out


class LongLineWindow(Processor):
    """Shows a window of ``shown`` characters around the cursor of a line longer than that."""

    def __init__(self, shown: int = SHOWN) -> None:
        self.shown = shown

    def apply_transformation(self, ti: TransformationInput) -> Transformation:
        size = sum(len(f[1]) for f in ti.fragments)
        if size <= self.shown:
            return Transformation(ti.fragments)
        document = ti.document
        cursor = ti.source_to_display(document.cursor_position_col) if ti.lineno == document.cursor_position_row \
            else 0
        start = min(max(0, cursor - self.shown // 2), size - self.shown)
        end = start + self.shown
        head = [("class:long-line", "…")] if start > 0 else []
        tail = [("class:long-line", "…")] if end < size else []
        fragments = head + cut_fragments(ti.fragments, start, end) + tail
        shift = len(head)

        def source_to_display(i: int) -> int:
            return min(max(i, start), end) - start + shift

        def display_to_source(i: int) -> int:
            return min(max(i - shift, 0), self.shown) + start

        return Transformation(fragments, source_to_display=source_to_display,
                              display_to_source=display_to_source)
