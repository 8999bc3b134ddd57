"""What every poller shares: the health it reports, the update it publishes, the backoff.

:class:`PollerCore` is the face both pollers show the UI (the thread
:class:`~cloudshell.cloud.poller.Poller` and the child-process
:class:`~cloudshell.cloud.procpoller.ProcessPoller`): the current inventory and
health, subscribers, ``wait_until``, and the one bookkeeping of a failure in a row
(retrying, then stale, with an exponential backoff). The sweeping itself lives in
``poller.py`` only; the process poller runs that same Poller in its child.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from cloudshell.cloud.inventory import EMPTY, Change, Inventory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KindHealth:
    """One kind's own trouble while the others go on updating (its last data is kept)."""

    state: str                      # retrying | stale | not permitted
    reason: str
    failures: int = 1
    since: float = 0.0              # wall clock of the first failure in a row
    retry_at: float = 0.0           # monotonic: a not-permitted kind is asked again after this

    def describe(self, kind: str) -> str:
        if self.state == "not permitted":
            return f"{kind} not permitted ({self.reason})"
        if self.state == "retrying":
            return f"{kind} retrying ({self.failures}×): {self.reason}"
        return f"{kind} stale since {time.strftime('%H:%M:%S', time.localtime(self.since))}: {self.reason}"


@dataclass(frozen=True)
class Health:
    """How fresh the data is. ``state``: starting | ok | retrying | stale."""

    state: str = "starting"
    last_success: float | None = None     # wall clock
    last_error: str | None = None
    last_error_at: float | None = None
    stale_since: float | None = None      # wall clock of the first failure in a row
    failures: int = 0                     # consecutive
    next_attempt_in: float | None = None  # seconds, while retrying
    kinds: tuple[tuple[str, KindHealth], ...] = ()  # kinds failing on their own, the rest are fine

    def describe(self, now: float | None = None) -> str:
        """``ok``, ``ok · addresses not permitted (…)``, ``retrying (3×): Throttling…`` or
        ``stale since 12:03:04: reason``."""
        if self.state == "ok":
            return " · ".join(["ok", *(k.describe(name) for name, k in self.kinds)])
        if self.state == "starting":
            return "connecting…"
        reason = f": {self.last_error}" if self.last_error else ""
        if self.state == "retrying":
            return f"retrying ({self.failures}×){reason}"
        since = time.strftime("%H:%M:%S", time.localtime(self.stale_since or time.time()))
        return f"stale since {since}{reason}"

    def succeeded(self, kinds: Iterable[tuple[str, KindHealth]] = ()) -> Health:
        """Fresh data came in now (the last error is kept, for the record)."""
        return Health(state="ok", last_success=time.time(), last_error=self.last_error,
                      last_error_at=self.last_error_at, kinds=tuple(kinds))

    def failed(self, reason: str, retry_in: float, stale_after: int) -> Health:
        """One more failure in a row: retrying, then stale from the ``stale_after``-th on."""
        failures = self.failures + 1
        now = time.time()
        return replace(self, state="stale" if failures >= stale_after else "retrying", last_error=reason,
                       last_error_at=now, stale_since=self.stale_since if self.failures else now,
                       failures=failures, next_attempt_in=retry_in)


def backoff(failures: int, base: float, cap: float, *, jitter: bool = True) -> float:
    """Seconds before the next try after ``failures`` in a row: ``base`` doubling, up to ``cap``;
    with ``jitter`` a random half of the way off, which keeps many clients apart."""
    delay = min(cap, base * (2 ** max(0, failures - 1)))
    return delay * random.uniform(0.5, 1.0) if jitter else delay


@dataclass(frozen=True)
class PollUpdate:
    """What subscribers receive: the new snapshot, what changed, and the health."""

    inventory: Inventory
    changes: tuple[Change, ...]
    health: Health


Subscriber = Callable[[PollUpdate], None]


def wait_for_inventory(changed: threading.Condition, current: Callable[[], Inventory],
                       predicate: Callable[[Inventory], bool], timeout: float) -> Inventory:
    """Wait on ``changed`` (notified after each publish) until ``predicate(current())``, at most
    ``timeout`` seconds; raises TimeoutError."""
    deadline = time.monotonic() + timeout
    with changed:
        while not predicate(current()):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("condition not reached in time")
            changed.wait(min(left, 0.5))
    return current()


class PollerCore:
    """The inventory and health readers see, the subscribers, and publishing to them."""

    def __init__(self) -> None:
        self._inventory: Inventory = EMPTY
        self._health = Health()
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()            # guards the subscriber list (and subclasses' sets)
        self._changed = threading.Condition()    # notified after each publish

    @property
    def inventory(self) -> Inventory:
        return self._inventory

    @property
    def health(self) -> Health:
        return self._health

    def subscribe(self, fn: Subscriber) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(fn)

        def unsubscribe() -> None:
            with self._lock:
                if fn in self._subscribers:
                    self._subscribers.remove(fn)
        return unsubscribe

    def wait_until(self, predicate: Callable[[Inventory], bool], timeout: float) -> Inventory:
        """Block (not on a UI thread!) until ``predicate(inventory)``; raises TimeoutError."""
        return wait_for_inventory(self._changed, lambda: self._inventory, predicate, timeout)

    def _store(self, inv: Inventory, changes: tuple[Change, ...], health: Health) -> PollUpdate:
        """Make ``inv`` and ``health`` current, wake the waiters, tell the subscribers."""
        update = PollUpdate(inv, changes, health)
        with self._changed:
            self._inventory, self._health = inv, health
            self._changed.notify_all()
        self._notify(update)
        return update

    def _set_health(self, health: Health) -> PollUpdate:
        return self._store(self._inventory, (), health)

    def _notify(self, update: PollUpdate) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for fn in subscribers:
            try:
                fn(update)
            except Exception:  # noqa: BLE001 - one bad subscriber must not stop polling
                log.exception("poll subscriber failed")
