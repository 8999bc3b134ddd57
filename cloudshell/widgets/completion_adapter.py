"""Adapts the one completer (``cloudshell.completion``, shared with the REPL) to the command bar.

The completer works on the text before the cursor and an inventory snapshot
(never the network); this module only turns its answers into what the bar's
suggestion list shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Suggestion:
    text: str               # what replaces the word being typed
    meta: str = ""          # Name tag, state, zone… shown beside it
    replace_length: int = 0  # characters before the cursor it replaces


def suggest(before: str, inventory: Any, *, limit: int = 8) -> list[Suggestion]:
    """Suggestions for the text before the cursor (empty when there is nothing useful)."""
    from cloudshell.commands import registry

    reg = registry()
    try:
        from cloudshell import completion
    except ImportError:
        completion = None
    if completion is not None and hasattr(completion, "complete"):
        out = []
        for item in completion.complete(before, inventory, reg)[:limit]:
            out.append(_from_completer(item, before))
        return out
    # Until the shared completer exists: command names for the first word.
    if " " in before.lstrip():
        return []
    word = before.lstrip()
    names = [n for n in reg.names(aliases=False) if n.startswith(word)]
    return [Suggestion(n, reg.get(n).summary, len(word)) for n in names[:limit]] if word else []


def _from_completer(item: Any, before: str) -> Suggestion:
    """Accept the completer's items whether they are tuples or objects with attributes."""
    if isinstance(item, Suggestion):
        return item
    if isinstance(item, tuple):
        text, meta, *rest = (*item, "", 0)
        start = rest[0] if rest and isinstance(rest[0], int) else None
    else:
        text = getattr(item, "text", str(item))
        meta = getattr(item, "meta", "") or getattr(item, "display_meta", "") or ""
        start = getattr(item, "start_position", None)
    if isinstance(start, int) and start <= 0:
        length = -start
    else:
        word = before.rsplit(" ", 1)[-1] if before and not before.endswith(" ") else ""
        length = len(word)
    return Suggestion(str(text), str(meta), length)
