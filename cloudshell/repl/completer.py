"""The prompt_toolkit side of completion: a thin adapter over :func:`cloudshell.completion.complete`.

One :class:`InventoryCompleter` holds one inventory snapshot; the REPL builds a
new one for each snapshot and swaps it whole (pgcli's model), behind a
``ThreadedCompleter(DynamicCompleter(...))`` so completing never blocks typing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from cloudshell.cloud.inventory import Inventory
from cloudshell.completion import complete

MAX_COMPLETED = 8 * 1024   # characters before the cursor past which nothing is offered


class InventoryCompleter(Completer):
    """Commands, options and live IDs from one inventory snapshot (no network, ever)."""

    def __init__(self, inventory: Inventory, registry, extra: Mapping[str, str] | None = None) -> None:
        self.inventory = inventory
        self.registry = registry
        self.extra = dict(extra or {})

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        if len(document.text_before_cursor) > MAX_COMPLETED:  # a huge paste: nothing to offer, at once
            return
        for c in complete(document.text_before_cursor, self.inventory, self.registry, extra=self.extra):
            yield Completion(c.text, start_position=c.start_position, display=c.display,
                             display_meta=c.meta)


class LoadingCompleter(Completer):
    """Another completer, counting the completions in flight (``loading``).

    prompt_toolkit runs one completion at a time and drops a start asked for while one
    runs; resetting the menu then (a new snapshot arrived) would cancel the one in flight
    for good, and with it a Tab that was waiting for its candidates."""

    def __init__(self, inner: Completer) -> None:
        self.inner = inner
        self.loading = 0

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        return self.inner.get_completions(document, complete_event)

    async def get_completions_async(self, document: Document, complete_event: CompleteEvent):
        self.loading += 1
        try:
            async for completion in self.inner.get_completions_async(document, complete_event):
                yield completion
        finally:
            self.loading -= 1
