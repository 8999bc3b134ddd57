"""awscli's ``--output table``: a titled box per object, nested objects in boxes indented inside it.

The layout, as awscli 1.x draws it:

- The first box is titled with the operation's name (``DescribeVolumes``).
- A dict is a row of its scalar values under a header row of their sorted keys
  (a dict with one scalar is a ``key | value`` row); each nested value gets its
  own box below, titled with its key and indented one ``|`` deeper.
- A list of dicts shares one header row; when its dicts hold nested values,
  each dict starts a new box of the same title.
- A list of scalars is one value per row; a list of lists, one list per row.
- Columns share the table's width in proportion to their widest cell (+4).
  When the table is wider than the terminal (80 columns unless stdout is one),
  every one-row box turns into ``key | value`` rows.
- Nothing at all for an empty or false answer.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from cloudshell.cloud.errors import CloudshellError

Show = Callable[[Any], str]
PADDING = 4


def text_width(text: str) -> int:
    """Columns a string takes: wide and ambiguous East Asian characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in text)


def _scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


class _Box:
    """One titled section: a header row, rows of cells, and how deep it is indented."""

    def __init__(self, title: str | None, indent: int) -> None:
        self.title, self.indent = title, indent
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self._columns: int | None = None
        self._widest: list[int] = []

    def add_headers(self, headers: list[str]) -> None:
        self._widen(headers)
        if self._columns is None:
            self._columns = len(headers)
        self.headers = headers

    def add_row(self, cells: list[str]) -> None:
        if self._columns is None:
            self._columns = len(cells)
        if len(cells) != self._columns:
            plural = "" if self._columns == 1 else "s"
            raise CloudshellError(f"--output table cannot draw this answer: a row of {len(cells)} values under "
                             f"{self._columns} column{plural} (try --output text or json)")
        self.rows.append(cells)
        self._widen(cells)

    def _widen(self, cells: list[str]) -> None:
        if not self._widest:
            self._widest = [text_width(c) for c in cells]
        else:
            self._widest = [max(w, text_width(c)) for w, c in zip(self._widest, cells)] + \
                self._widest[len(cells):]

    def width(self) -> int:
        """Width the box needs with its borders and its indentation on both sides."""
        cells = sum(w + PADDING for w in self._widest) + 2
        title = text_width(str(self.title)) + 2
        return max(title, cells) + 2 * self.indent

    def column_widths(self, total: int) -> list[int]:
        """Each column's share of ``total``, in proportion to its widest cell, summing to ``total``."""
        wanted = [w + PADDING for w in self._widest]
        if not wanted:
            return []
        scale = total / float(sum(wanted))
        widths = [int(round(scale * w)) for w in wanted]
        excess = sum(widths) - total
        while excess:
            order = range(len(widths)) if excess > 0 else reversed(range(len(widths)))
            for i in order:
                widths[i] += -1 if excess > 0 else 1
                excess += -1 if excess > 0 else 1
                if not excess:
                    break
        return widths

    def as_pairs(self) -> _Box:
        """The one-row box turned on its side: ``header | value`` rows."""
        box = _Box(self.title, self.indent)
        for header, cell in zip(self.headers, self.rows[0]):
            box.add_row([header, cell])
        return box

    def render(self, total: int) -> list[str]:
        inner = total - 2 * self.indent
        lines = []
        if self.title:
            lines.append(_centred(self.title, inner, "|", "|"))
            if not self.headers and not self.rows:
                lines.append("+" + "-" * (inner - 2) + "+")
        if self.headers:
            widths = self.column_widths(inner)
            lines.append(_rule(widths))
            lines.append("".join(_centred(h, w, "" if i else "|", "|")
                                 for i, (w, h) in enumerate(zip(widths, self.headers))))
        widths = self.column_widths(inner) if self.rows else []
        if widths:
            lines.append(_rule(widths))
            lines.extend("".join(_left(c, w, "" if i else "|", "|") for i, (w, c) in enumerate(zip(widths, row)))
                         for row in self.rows)
            lines.append(_rule(widths))
        edge = "|" * self.indent
        return [edge + line + edge for line in lines]


def _centred(text: str, length: int, left: str, right: str) -> str:
    size = text_width(text)
    start = length // 2 - size // 2 - 1
    used = len(left) + start + size
    return left + " " * start + text + " " * (length - len(right) - used) + right


def _left(text: str, length: int, left: str, right: str) -> str:
    size = text_width(text)
    pad = 2 if length - (size + 2 + len(left) + len(right)) >= 0 else 0
    return left + " " * pad + text + " " * (length - len(left) - pad - size - len(right)) + right


def _rule(widths: list[int]) -> str:
    return "".join("+" + "-" * (w - 2) + "+" if i == 0 else "-" * (w - 1) + "+" for i, w in enumerate(widths))


class _Builder:
    """Walks the answer the way awscli does, filling boxes."""

    def __init__(self, show: Show) -> None:
        self.show = show
        self.boxes: list[_Box] = []

    def _open(self, title: str | None, indent: int) -> None:
        self.boxes.append(_Box(None if title is None else self.show(title), indent))

    def _row(self, values: list[Any]) -> None:
        if not self.boxes:
            self._open(None, 0)
        self.boxes[-1].add_row([self.show(v) for v in values])

    def _headers(self, keys: list[str]) -> None:
        self.boxes[-1].add_headers([self.show(k) for k in keys])

    def value(self, title: str | None, value: Any, indent: int = 0) -> bool:
        if not value:
            return False
        if title is not None:
            self._open(title, indent)
        if isinstance(value, list):
            if isinstance(value[0], dict):
                self._dicts(value, indent, title)
            else:
                for item in value:
                    if _scalar(item):
                        self._row([item])
                    elif all(_scalar(x) for x in item):
                        self._row(list(item))   # a dict of scalars shows its keys, as in awscli
                    else:
                        self.value(None, item)
        if isinstance(value, dict):
            self._dict(value, indent)
        return True

    def _dict(self, value: dict, indent: int) -> None:
        scalars = sorted(k for k in value if _scalar(value[k]))
        if len(scalars) == 1:
            self._row([scalars[0], value[scalars[0]]])
        elif scalars:
            self._headers(scalars)
            self._row([value[k] for k in scalars])
        for key in sorted(k for k in value if not _scalar(value[k])):
            self.value(key, value[key], indent + 1)

    def _dicts(self, items: list, indent: int, title: str | None) -> None:
        if not all(isinstance(item, dict) for item in items):
            raise CloudshellError("--output table cannot draw a list mixing objects and other values "
                             "(try --output text or json)")
        scalars = sorted({k for item in items for k in item if _scalar(item[k])})
        nested = sorted({k for item in items for k in item if not _scalar(item[k])})
        self._headers(scalars)
        for n, item in enumerate(items):
            if n and nested:
                self._open(title, indent)
                self._headers(scalars)
            self._row([item.get(k, "") for k in scalars])
            for key in nested:
                if key in item:
                    self.value(key, item[key], indent + 1)


def table_lines(title: str, value: Any, width: int = 80, show: Show = str) -> list[str]:
    """The lines of awscli's table of ``value`` under ``title``, fitted to ``width`` columns."""
    builder = _Builder(show)
    if not builder.value(title, value):
        return []
    boxes = builder.boxes
    total = max(b.width() for b in boxes)
    if total > width:
        boxes = [b.as_pairs() if len(b.rows) == 1 and b.headers else b for b in boxes]
        total = max(b.width() for b in boxes)
    return ["-" * total] + [line for b in boxes for line in b.render(total)]
