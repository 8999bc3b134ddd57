"""A live table of one resource kind that renders only the rows on screen.

Rows are the records of an immutable inventory mapping; the table keeps a
sorted, filtered list of IDs over it and applies only the IDs that changed
(a keyed diff), so a poll touching 500 of 10,000 rows costs a re-sort, not a
rebuild. The cursor follows its record: rows appearing or vanishing elsewhere
do not move it on screen.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from operator import methodcaller
from types import MappingProxyType

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cloudshell.cloud.inventory import Record, fields_getter
from cloudshell.cloud.kinds import ResourceKind
from cloudshell.widgets.table_rows import GAP, STATE_CLASSES, compose_line, last_first_column

CHANGED_FOR = 3.0        # seconds a changed row stays highlighted
WIDTH_CHUNK = 1000       # rows measured per loop turn on a big first load (~2-5 ms a turn)
LINE_CACHE = 1000        # rendered rows kept (a few screens' worth)
MAX_WIDTH = 36           # widest a column grows before it is cut with "…" (never the ID column)
def _sort_key(value: str, rid: str) -> tuple:
    """Numbers by value, words case-insensitively; empty cells last; then the ID. One flat tuple
    of atoms, which the cyclic GC stops walking at its first young collection."""
    if not value:
        return (2, 0, "", rid)
    if value.isdigit():
        return (0, int(value), "", rid)
    return (1, 0, value.lower(), rid)


class ResourceTable(ScrollView, can_focus=True):
    """Rows of one :class:`ResourceKind`, fed whole or by changed IDs."""

    COMPONENT_CLASSES = {
        "resource-table--header", "resource-table--sorted", "resource-table--cursor",
        "resource-table--cursor-blurred", "resource-table--changed", "resource-table--busy",
        "resource-table--stale", "resource-table--state-good", "resource-table--state-info",
        "resource-table--state-busy", "resource-table--state-warn", "resource-table--state-bad",
        "resource-table--empty",
    }

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False),
        Binding("pagedown,ctrl+f,space", "page(1)", "Page down", show=False),
        Binding("g", "jump(0)", "First", show=False),
        Binding("G", "jump(-1)", "Last", show=False),
        Binding("left,h", "pan(-1)", "Scroll left", show=False),
        Binding("right,l", "pan(1)", "Scroll right", show=False),
        Binding("home", "pan_to(0)", "Leftmost columns", show=False),
        Binding("end", "pan_to(-1)", "Rightmost columns", show=False),
        Binding("enter", "select", "Details", show=False),
    ]

    stale: reactive[bool] = reactive(False)

    class CursorMoved(Message):
        """The cursor is on another record (or on none)."""

        def __init__(self, table: ResourceTable, record_id: str | None) -> None:
            super().__init__()
            self.table = table
            self.record_id = record_id

    class RowChosen(Message):
        """Enter on a row."""

        def __init__(self, table: ResourceTable, record_id: str) -> None:
            super().__init__()
            self.table = table
            self.record_id = record_id

    def __init__(self, kind: ResourceKind, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.kind = kind
        self.columns = list(kind.columns)
        self.records: Mapping[str, Record] = MappingProxyType({})
        self.loaded = False
        self.order: list[str] = []            # filtered, sorted IDs: what the rows are
        self._index: dict[str, int] = {}
        self._hay: dict[str, str] = {}         # lower-cased cells of a row, for the filter
        self.widths = [cell_len(c.header) + 1 for c in self.columns]   # + the sort arrow
        self.sort_column = 0
        self.pinned = 1                        # columns that never pan: the ID (the Cloud too, with several)
        self.first_column = 1                  # the first column after the pinned ones
        self.cloud_filter: str | None = None   # a cloud's short name: only its rows (several clouds)
        self.stale_clouds: frozenset[str] = frozenset()   # short names whose rows are drawn stale
        self.sort_reverse = False
        self.filter_text = ""
        self.cursor_row = 0
        self.cursor_id: str | None = None
        self._changed: dict[str, float] = {}   # ID → monotonic time the highlight ends
        self.busy: dict[str, str] = {}         # ID → what is running on it
        self._styles: dict[str, Style] | None = None
        self._keys: dict[str, tuple] = {}      # sort key by ID for the current sort column
        self._ordered_for: tuple[str, int] | None = None
        self._widen_queue: list[str] = []       # IDs whose cells are still to be measured
        self._lines: dict[tuple, tuple[tuple, list[Segment]]] = {}   # rendered rows, by what they depend on
        self._highlights = None
        self._state_at = next((i for i, c in enumerate(self.columns) if c.key == "state"), None)

    # -- feeding -------------------------------------------------------------------
    def apply(self, records: Mapping[str, Record], changed: Iterable[str] | None = None) -> None:
        """Show ``records``; ``changed`` are the IDs that differ from the last call (None: all)."""
        if changed is None or not self.loaded:
            self._hay.clear()
            self.widths = [cell_len(c.header) + 1 for c in self.columns]   # + the sort arrow
            self.records = records
            rest = list(records)
            self._grow_widths(rest[:WIDTH_CHUNK])
            self._widen_queue = rest[WIDTH_CHUNK:]
            if self._widen_queue:
                self.call_later(self._widen_some)
            touched: list[str] = []
        else:
            touched = list(changed)
            for rid in touched:
                self._hay.pop(rid, None)
            self.records = records
            self._grow_widths([rid for rid in touched if rid in records])
            until = time.monotonic() + CHANGED_FOR
            for rid in touched:
                if rid in records:
                    self._changed[rid] = until
                else:
                    self._changed.pop(rid, None)
                    self.busy.pop(rid, None)
        first = not self.loaded
        if not first and changed is not None and not touched:
            # A sweep that changed nothing here: new record objects, the same rows; nothing to draw.
            self.records = records
            return
        before = (list(self.order), list(self.widths), self.cursor_id, round(self.scroll_y))
        self.loaded = True
        self._reorder(None if first or changed is None else touched, quiet=not first and changed is not None)
        if not first and changed is not None:
            if before == (self.order, self.widths, self.cursor_id, round(self.scroll_y)):
                self._refresh_rows(touched)       # same rows in the same places: redraw the changed ones
            else:
                self.refresh()
        if touched and self._changed and self._highlights is not None:
            self._highlights.resume()

    def _refresh_rows(self, ids: Iterable[str]) -> None:
        """Repaint only the screen lines of these rows (those on screen)."""
        from textual.geometry import Region

        top, rows, width = round(self.scroll_y), self._rows_visible(), self.size.width
        for rid in ids:
            n = self._index.get(rid)
            if n is not None and top <= n < top + rows:
                self.refresh(Region(0, n - top + 1, width, 1))

    def _widen_some(self) -> None:
        """Column widths over a big first load, a chunk per loop turn (input stays live)."""
        chunk, self._widen_queue = self._widen_queue[:WIDTH_CHUNK], self._widen_queue[WIDTH_CHUNK:]
        before = list(self.widths)
        self._grow_widths(chunk)
        if self.widths != before:
            width = sum(self.widths) + GAP * len(self.widths) + 1
            self.virtual_size = Size(width, len(self.order) + 1)
            self.refresh()
        if self._widen_queue:
            self.set_timer(0.001, self._widen_some, name="table-widths")

    def _grow_widths(self, ids: Iterable[str]) -> None:
        """Widen the columns to these rows' cells: per column one ``max`` over C-level maps
        (500 changed rows of 11 columns: ~0.5 ms, where a loop per cell took ~8 ms)."""
        recs = self.records
        fields_of = fields_getter(recs)
        rows = [fields_of(rid) for rid in ids if rid in recs]   # a queued ID may be gone since
        if not rows:
            return
        widths = self.widths
        for i, column in enumerate(self.columns):
            n = max(map(len, map(methodcaller("get", column.key, ""), rows)))
            if n > widths[i]:
                widths[i] = n if i < self.pinned else min(n, MAX_WIDTH)

    def _haystack(self, rid: str) -> str:
        hay = self._hay.get(rid)
        if hay is None:
            hay = self._hay[rid] = "\t".join(fields_getter(self.records)(rid).values()).lower()
        return hay

    def _reorder(self, touched: list[str] | None = None, *, quiet: bool = False) -> None:
        """Re-filter and re-sort; keep the cursor on its record, at its place on screen.

        With ``touched`` (a keyed update under the same filter and sort), only those
        sort keys are recomputed and the previous order is re-sorted: nearly sorted
        already, Timsort makes that close to linear.
        """
        on_screen = self.cursor_row - round(self.scroll_y)
        needle = self.filter_text.lower()
        recs = self.records
        column = self.columns[self.sort_column].key
        keys = self._keys
        fields_of = fields_getter(recs)
        by_id = column == "id"       # IDs sort as strings: no keys to build (C-speed sort)
        cloud = self.cloud_filter
        if touched is not None and self._ordered_for == (needle, self.sort_column, cloud):
            shown = self._index
            # Only the touched IDs can have gone: no pass over every row unless one did.
            gone = {rid for rid in touched if rid not in recs}
            ids = [rid for rid in self.order if rid not in gone] if gone else list(self.order)
            for rid in touched:
                if rid in gone:
                    keys.pop(rid, None)
                    continue
                if not by_id:
                    keys[rid] = _sort_key(fields_of(rid).get(column, ""), rid)
                if rid not in shown:
                    ids.append(rid)
            if needle or cloud is not None or len(ids) != len(recs):
                ids = [rid for rid in ids if rid in recs]   # a row gone untold: never draw a missing record
            if needle:
                ids = [rid for rid in ids if needle in self._haystack(rid)]
            if cloud is not None:
                ids = [rid for rid in ids if recs[rid].fields.get("cloud") == cloud]
        else:
            keys = self._keys = {} if by_id else {
                rid: _sort_key(fields_of(rid).get(column, ""), rid) for rid in recs}
            ids = [rid for rid in recs if needle in self._haystack(rid)] if needle else list(recs)
            if cloud is not None:
                ids = [rid for rid in ids if recs[rid].fields.get("cloud") == cloud]
        if self.kind.tree:   # parents before their children, as the records come: no sorting
            index = {rid: n for n, rid in enumerate(recs)}
            ids.sort(key=index.__getitem__)
        else:
            ids.sort(key=None if by_id else keys.__getitem__, reverse=self.sort_reverse)
        self._ordered_for = (needle, self.sort_column, cloud)
        self.order = ids
        self._index = dict(zip(ids, range(len(ids))))   # C-level: a third of a comprehension's time
        if self.cursor_id in self._index:
            self.cursor_row = self._index[self.cursor_id]
        else:
            self.cursor_row = max(0, min(self.cursor_row, len(self.order) - 1))
        previous = self.cursor_id
        self.cursor_id = self.order[self.cursor_row] if self.order else None
        width = sum(self.widths) + GAP * len(self.widths) + 1
        self.virtual_size = Size(width, len(self.order) + 1)
        rows = self._rows_visible()
        top = self.cursor_row - max(0, min(on_screen, rows - 1))
        self.scroll_to(y=max(0, top), animate=False, immediate=True)
        if not quiet:
            self.refresh()
        if previous != self.cursor_id:
            self.post_message(self.CursorMoved(self, self.cursor_id))

    def on_mount(self) -> None:
        # One timer for the table's life, paused while nothing is highlighted: no timer
        # objects made per poll (they would be garbage the heap freeze keeps; see app.py).
        self._highlights = self.set_interval(0.5, self._expire_highlights, name="table-highlight", pause=True)

    def _expire_highlights(self) -> None:
        now = time.monotonic()
        gone = [rid for rid, until in self._changed.items() if until <= now]
        for rid in gone:
            del self._changed[rid]
        if gone:
            self._refresh_rows(gone)
        if not self._changed and self._highlights is not None:
            self._highlights.pause()

    # -- what the screen asks ------------------------------------------------------
    @property
    def current(self) -> Record | None:
        return self.records.get(self.cursor_id) if self.cursor_id else None

    def set_filter(self, text: str) -> None:
        self.filter_text = text
        self._reorder()

    def set_stale_clouds(self, shorts: frozenset[str]) -> None:
        """Draw the rows of these clouds stale (their poller cannot reach them); the others as live."""
        if shorts != self.stale_clouds:
            self.stale_clouds = shorts
            self.refresh()

    def set_cloud_filter(self, short: str | None) -> None:
        """Only the rows of one cloud (its short name), or of all (None)."""
        if short != self.cloud_filter:
            self.cloud_filter = short
            self._reorder()

    def show_clouds(self, several: bool) -> None:
        """With several clouds the Cloud column comes first, pinned with the ID beside it."""
        if several == (self.pinned == 2):
            return
        from cloudshell.cloud.kinds import Column

        cloud = [Column("cloud", "Cloud", lambda raw: "")] if several else []
        sorted_key = self.columns[self.sort_column].key
        self.columns = cloud + list(self.kind.columns)
        self.pinned = 2 if several else 1
        self.first_column = self.pinned
        self.sort_column = next(i for i, c in enumerate(self.columns) if c.key == sorted_key)
        self._state_at = next((i for i, c in enumerate(self.columns) if c.key == "state"), None)
        self._lines = {}
        self._keys = {}
        self._ordered_for = None
        if self.loaded:
            self.apply(self.records)   # widths measured anew over the new columns
        else:
            self.widths = [cell_len(c.header) + 1 for c in self.columns]

    def sort_by(self, column: int, reverse: bool | None = None) -> None:
        self.sort_column = column % len(self.columns)
        if reverse is not None:
            self.sort_reverse = reverse
        self._show_column(self.sort_column)
        self._reorder()

    def _show_column(self, column: int) -> None:
        """Pan so that ``column`` is on screen whole (the sorted one, say)."""
        if column < self.pinned:
            return
        if column < self.first_column:
            self._pan_to(column)
            return
        room = self.scrollable_content_region.width - 1 - sum(w + GAP for w in self.widths[:self.pinned])
        first = self.first_column
        while first < column and sum(w + GAP for w in self.widths[first:column + 1]) - GAP > room:
            first += 1
        self._pan_to(first)

    def mark_busy(self, rid: str, label: str | None) -> None:
        if label:
            self.busy[rid] = label
        else:
            self.busy.pop(rid, None)
        self.refresh()

    def move_to(self, rid: str) -> bool:
        row = self._index.get(rid)
        if row is None:
            return False
        self._set_cursor(row)
        return True

    def watch_stale(self) -> None:
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._lines = {}

    # -- keys ------------------------------------------------------------------------
    def _rows_visible(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _set_cursor(self, row: int) -> None:
        if not self.order:
            return
        row = max(0, min(row, len(self.order) - 1))
        previous = self.cursor_id
        self.cursor_row = row
        self.cursor_id = self.order[row]
        visible = self._rows_visible()
        top = round(self.scroll_y)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
            self.refresh()
        elif row >= top + visible:
            self.scroll_to(y=row - visible + 1, animate=False, immediate=True)
            self.refresh()
        elif previous in self._index:
            # No scroll: only the line the cursor left and the one it is on change (a key press
            # repaints two lines, not the whole table, while sweeps land).
            self._refresh_rows((previous, self.cursor_id))
        else:
            self.refresh()
        if previous != self.cursor_id:
            self.post_message(self.CursorMoved(self, self.cursor_id))

    def action_cursor(self, delta: int) -> None:
        self._set_cursor(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self._set_cursor(self.cursor_row + direction * self._rows_visible())

    def action_jump(self, row: int) -> None:
        self._set_cursor(len(self.order) - 1 if row < 0 else row)

    def _last_first_column(self) -> int:
        if len(self.widths) <= self.pinned:
            return self.pinned
        return last_first_column(self.widths, self.scrollable_content_region.width, self.pinned)

    def action_pan(self, direction: int) -> None:
        """A column sideways; the ID column stays (k9s, htop)."""
        self._pan_to(self.first_column + direction)

    def action_pan_to(self, where: int) -> None:
        self._pan_to(self._last_first_column() if where < 0 else self.pinned)

    def _pan_to(self, first: int) -> None:
        first = max(self.pinned, min(first, self._last_first_column()))
        if first != self.first_column:
            self.first_column = first
            self.refresh()

    def on_mouse_scroll_left(self, event) -> None:
        event.stop()
        self.action_pan(-1)

    def on_mouse_scroll_right(self, event) -> None:
        event.stop()
        self.action_pan(1)

    def on_resize(self) -> None:
        self._pan_to(self.first_column)

    def action_select(self) -> None:
        if self.cursor_id:
            self.post_message(self.RowChosen(self, self.cursor_id))

    def on_click(self, event) -> None:
        row = round(self.scroll_y) + event.y - 1
        if event.y >= 1 and 0 <= row < len(self.order):
            self.focus()
            self._set_cursor(row)

    # -- rendering -----------------------------------------------------------------
    def _style(self, name: str) -> Style:
        if self._styles is None:
            self._styles = {}
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(f"resource-table--{name}",
                                                                       partial=True)
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        first = self.first_column
        if y == 0:
            return self._render_header(width, base, first)
        row = round(self.scroll_y) + y - 1
        if row >= len(self.order):
            if row == 0 and not self.order:
                note = "loading…" if not self.loaded else (
                    f"no {self.kind.name} match '{self.filter_text}'" if self.filter_text
                    else f"no {self.kind.name}") + (f" in cloud {self.cloud_filter}" if self.cloud_filter else "")
                style = base + self._style("empty")
                return Strip([Segment(" " + note, style)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        rid = self.order[row]
        rec = self.records[rid]
        cells = (rec.state, fields_getter(self.records)(rid))   # what the row is drawn from
        cursor = "cursor" if self.has_focus else "cursor-blurred"
        stale = self.stale or (bool(self.stale_clouds) and rec.fields.get("cloud") in self.stale_clouds)
        flags = (row == self.cursor_row and cursor, rid in self._changed, self.busy.get(rid), stale)
        key = (rid, flags, width, first, tuple(self.widths), base)
        cached = self._lines.get(key)
        if cached is not None and cached[0] == cells:   # equal state and fields: the same row
            return Strip(cached[1], width)
        strip = self._render_row(rid, rec, row, flags, width, first, base)
        if len(self._lines) > LINE_CACHE:
            self._lines.clear()
        # Segments, not the Strip: strips carry self-referencing caches, cyclic garbage
        # that a frozen heap (app.py) would keep until its next full collection.
        self._lines[key] = (cells, list(strip))
        return strip

    def _render_row(self, rid: str, rec: Record, row: int, flags: tuple, width: int, first: int,
                    base: Style) -> Strip:
        style = base
        mark = " "
        stale = flags[3]
        if stale:
            style = style + self._style("stale")
        if rid in self._changed:
            style = style + self._style("changed")
            mark = "*"
        if rid in self.busy:
            style = style + self._style("busy")
            mark = "~"
        if flags[0]:
            style = style + self._style(flags[0])
            mark = ">"
        state_at = self._state_at
        state_style = None
        if state_at is not None and not stale:
            klass = STATE_CLASSES.get(rec.state)
            state_style = self._style(f"state-{klass}") if klass else None
        values = [rec.fields.get(c.key, "") for c in self.columns]
        if rid in self.busy and state_at is not None:
            values[state_at] = self.busy[rid]
        return compose_line(mark, values, self.widths, state_at, style, state_style, width, first,
                            pinned=self.pinned)

    def _render_header(self, width: int, base: Style, first: int) -> Strip:
        style = base + self._style("header")
        values = []
        for i, c in enumerate(self.columns):
            arrow = ("▼" if self.sort_reverse else "▲") if i == self.sort_column and not self.kind.tree else ""
            values.append(c.header + arrow)
        return compose_line(" ", values, self.widths, self.sort_column, style, self._style("sorted"), width,
                            first, edges=True, pinned=self.pinned)
