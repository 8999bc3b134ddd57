"""Adapts the one completer (``cloudshell.completion``, shared with the REPL) to the command bar.

The completer works on the text before the cursor and an inventory snapshot
(never the network); this module only adds the bar's own words (views,
``timeline``, ``repl``, ``q``) and turns candidates into what the list shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudshell.cloud.kinds import VIEW_KINDS

# Words the command bar understands besides the registry's commands, with their meta.
BAR_WORDS = {k.name: f"view: {k.plural_name}" for k in VIEW_KINDS} | {
    "timeline": "screen: the event timeline", "repl": "drop into the REPL", "q": "quit the monitor",
}


@dataclass(frozen=True)
class Suggestion:
    text: str               # what replaces the word being typed
    meta: str = ""          # Name tag, state, zone… shown beside it
    replace_length: int = 0  # characters before the cursor it replaces
    display: str = ""


def suggest(before: str, inventory: Any, *, limit: int = 8) -> list[Suggestion]:
    """Suggestions for the text before the cursor (empty when there is nothing useful)."""
    from cloudshell.commands import registry
    from cloudshell.completion import complete

    if not before.strip():
        return []
    found = complete(before, inventory, registry(), extra=BAR_WORDS, limit=limit)
    return [Suggestion(c.text, c.meta, -c.start_position, c.display or c.text) for c in found[:limit]]
