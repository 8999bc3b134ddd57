"""A log that wraps at the width it really has, beside its scrollbar, and again after a resize.

Textual's RichLog renders every renderable at least ``min_width`` (78) cells wide:
at 80 columns, beside a 1-cell scrollbar and the padding, the last cell of each
wrapped line is drawn under the scrollbar. It also keeps the lines wrapped at the
width they were written at. This one renders at the content width exactly, and
keeps what was written to render it again when that width changes.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from textual.events import Resize
from textual.widgets import RichLog


class FitLog(RichLog):
    """A RichLog whose lines always fit beside its scrollbar."""

    def __init__(self, *, max_lines: int | None = None, **kw: Any) -> None:
        super().__init__(max_lines=max_lines, min_width=1, **kw)
        self._written: deque[tuple[Any, dict]] = deque(maxlen=max_lines)
        self._rendered_at = 0
        self._replaying = False

    def write(self, content: Any, width: int | None = None, expand: bool = False, shrink: bool = True,
              scroll_end: bool | None = None, animate: bool = False) -> FitLog:
        if not self._replaying:
            self._written.append((content, {"expand": expand, "shrink": shrink}))
        if self._size_known:
            self._rendered_at = self.scrollable_content_region.width
        return super().write(content, width, expand, shrink, scroll_end, animate)

    def clear(self) -> FitLog:
        self._written.clear()
        return super().clear()

    def on_resize(self, event: Resize) -> None:
        first = not self._size_known
        self._replaying = True      # the writes deferred until now are in _written already
        try:
            super().on_resize(event)
        finally:
            self._replaying = False
        width = self.scrollable_content_region.width
        if first or not width or width == self._rendered_at:
            return
        self.rewrap()

    def rewrap(self) -> None:
        """Render everything written again at the current width, keeping the scroll position."""
        y, follow = self.scroll_y, self.auto_scroll and self.scroll_y >= self.max_scroll_y
        written = list(self._written)
        super().clear()
        for content, kw in written:
            super().write(content, scroll_end=False, **kw)
        self._rendered_at = self.scrollable_content_region.width
        if follow:
            self.scroll_end(animate=False, immediate=True)
        else:
            self.scroll_to(y=y, animate=False, immediate=True)
