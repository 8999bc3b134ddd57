"""awscli's ``--output text``: one tab-separated line per object, rows of nested lists prefixed.

The rules, as awscli 1.x applies them:

- A dict prints its scalar values on one line, in the order of their sorted keys,
  then each nested dict or list (sorted by key) below it, each row of those
  prefixed with the key in capitals (``INSTANCES``, ``ATTACHMENTS``, ``TAGS``).
- In a list of dicts every row has the same columns: the sorted union of the
  scalar keys of all its dicts, empty where a dict lacks the key.
- A list of scalars is one line; under a key, one ``KEY<TAB>value`` line each.
- A scalar is its ``str``: ``None``, ``True``, ``8``. An empty list prints nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Show = Callable[[Any], str]


def _nested(value: Any) -> bool:
    return isinstance(value, (dict, list))


def text_lines(value: Any, show: Show = str) -> list[str]:
    """The lines awscli's text output prints for ``value`` (no line ends)."""
    out: list[str] = []
    _value(value, None, None, show, out)
    return out


def _value(value: Any, label: str | None, columns: list[str] | None, show: Show, out: list[str]) -> None:
    if isinstance(value, dict):
        _dict(value, label, columns, show, out)
    elif isinstance(value, list):
        _list(value, label, show, out)
    else:
        out.append(show(value))   # a bare scalar carries no label, even inside a labelled list


def _dict(value: dict, label: str | None, columns: list[str] | None, show: Show, out: list[str]) -> None:
    if columns is None:
        keys = sorted(value)
        cells = [show(value[k]) for k in keys if not _nested(value[k])]
        below = [k for k in keys if _nested(value[k])]
    else:
        # The columns of the whole list; a key nested here but scalar elsewhere prints as a cell.
        cells = [show(value.get(k, "")) for k in columns]
        below = sorted(set(value) - set(columns))
    if cells:
        out.append("\t".join(([show(label.upper())] if label is not None else []) + cells))
    for key in below:
        _value(value[key], key, None, show, out)


def _list(value: list, label: str | None, show: Show, out: list[str]) -> None:
    if not value:
        return
    if any(isinstance(v, dict) for v in value):
        columns = sorted({k for v in value if isinstance(v, dict) for k, x in v.items() if not _nested(x)})
        for v in value:
            _value(v, label, columns, show, out)
        return
    scalars = [v for v in value if not _nested(v)]
    if scalars:
        _scalars(scalars, label, show, out)
    for v in value:
        if _nested(v):
            _value(v, label, None, show, out)


def _scalars(values: list, label: str | None, show: Show, out: list[str]) -> None:
    if label is None:
        out.append("\t".join(show(v) for v in values))
    else:
        prefix = show(label.upper())
        out.extend(f"{prefix}\t{show(v)}" for v in values)
