"""The monitor's bridge from the poller's thread to the UI's: updates recorded there, taken here.

The poller (its bridge thread for the child process one) calls :meth:`PollerBridge.put`
with each update; that only records it and wakes the UI. The UI thread takes
everything recorded since its last turn at once (:meth:`PollerBridge.take`): the
newest snapshot and every change in between, so a busy or suspended UI catches
up in one step instead of replaying a queue of stale snapshots.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cloudshell.cloud.inventory import Change
    from cloudshell.cloud.poller import PollUpdate
    from cloudshell.cloud.protocols import LivePoller

BACKLOG_LIMIT = 20_000      # changes kept while the UI is busy or suspended


@dataclass(frozen=True)
class Taken:
    """What the UI takes in one turn: the newest update and the changes since the last turn.

    ``overflowed``: more changes came than the backlog keeps, so ``changes`` is not all of
    them and the tables must be redrawn whole.
    """

    update: PollUpdate
    changes: list[Change] = field(default_factory=list)
    overflowed: bool = False


class PollerBridge:
    """Records a poller's updates on its thread; ``wake()`` tells the UI there is something to take."""

    def __init__(self, wake: Callable[[], object], *, limit: int = BACKLOG_LIMIT) -> None:
        self.wake = wake
        self.limit = limit
        self._lock = threading.Lock()
        self._pending: list[Change] = []
        self._overflowed = False
        self._latest: PollUpdate | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def attach(self, poller: LivePoller) -> None:
        """Listen to ``poller`` (and no longer to the one before)."""
        self.detach()
        self._unsubscribe = poller.subscribe(self.put)

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def put(self, update: PollUpdate) -> None:
        """The poller's thread: record, then wake the UI (the wake-up carries nothing)."""
        with self._lock:
            self._pending.extend(update.changes)
            if len(self._pending) > self.limit:
                del self._pending[:-self.limit]
                self._overflowed = True
            self._latest = update
        self.wake()

    def take(self) -> Taken | None:
        """The UI's thread: everything recorded since the last take, or None if nothing was."""
        with self._lock:
            update, changes, overflowed = self._latest, self._pending, self._overflowed
            self._pending, self._overflowed, self._latest = [], False, None
        if update is None:
            return None
        return Taken(update, changes, overflowed)
