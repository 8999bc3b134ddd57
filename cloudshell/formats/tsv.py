"""cloudshell's ``--output tsv``: one tab-separated line per record, in the kind's table columns.

With ``--query``, the values come out in the query's own order (not sorted as
in awscli's text): the form ``grep``/``awk``/``cut`` scripts were written against.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from cloudshell.cloud.kinds import KINDS
from cloudshell.commands.context import Result

Show = Callable[[Any], str]


def record_lines(result: Result, show: Show) -> list[str]:
    """A kind's records, one line each, in its table's columns."""
    kind = KINDS.get(result.kind or "")
    keys = [c.key for c in kind.columns] if kind else list(result.records[0].fields) if result.records else []
    return ["\t".join(show(r[k]) for k in keys) for r in result.records]


def value_lines(value: Any, show: Show) -> list[str]:
    """Any JSON value (a query's answer): scalars of each object on a line, in their order."""
    return list(_values(value, show))


def _values(value: Any, show: Show) -> Iterable[str]:
    if value is None:
        return
    if isinstance(value, dict):
        scalars = [v for v in value.values() if not isinstance(v, (dict, list))]
        if scalars:
            yield "\t".join(show(v) for v in scalars)
        for v in value.values():
            if isinstance(v, (dict, list)):
                yield from _values(v, show)
    elif isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            if value:
                yield "\t".join(show(v) for v in value)
        else:
            for v in value:
                yield from _values(v, show)
    else:
        yield show(value)
