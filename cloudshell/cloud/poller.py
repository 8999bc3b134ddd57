"""The background poller: one per session, outside every UI event loop.

A full sweep every ``interval``, stretched up to ``max_interval`` while nothing
changes (see :meth:`Poller.sweep_interval`); resources in a transitional state
(pending, stopping, attaching…) or just acted on are re-read by ID every
``fast_interval``; ``refresh_now`` after an action; exponential backoff with jitter
on errors and throttling; health recorded for the faces. A kind swept unchanged
keeps its old records (the same objects), so readers and diffs see nothing new.
Subscribers get a :class:`PollUpdate` on the poller's thread and must hand it to
their own loop (post a message, invalidate).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace

from cloudshell.cloud.errors import CloudError, CloudshellError
from cloudshell.cloud.inventory import Inventory, Record, diff, fetch_kind
from cloudshell.cloud.kinds import KINDS, kind_of_id
from cloudshell.cloud.pollcore import (  # noqa: F401 - Health, KindHealth, PollUpdate: this module's old names
    Health, KindHealth, PollerCore, PollUpdate, Subscriber, backoff, wait_for_inventory,
)
from cloudshell.cloud.session import THROTTLING_CODES

log = logging.getLogger(__name__)

# A kind the cloud refuses to describe for this caller (IAM policy) or does not know (a Eucalyptus
# without VPC, a partial EC2 clone): asked again only after NOT_PERMITTED_RETRY seconds.
NOT_PERMITTED_CODES = frozenset({
    "UnauthorizedOperation", "AuthFailure", "AccessDenied", "AccessDeniedException",
    "InvalidAction", "UnsupportedOperation", "NotImplemented", "OptInRequired",
})
NOT_PERMITTED_RETRY = 900.0
# What an endpoint says when it does not take MaxResults for a describe (older clones): that
# kind is then asked without a page size.
PAGE_SIZE_REFUSED_CODES = frozenset({
    "InvalidParameterValue", "InvalidParameterCombination", "UnknownParameter", "InvalidParameter",
})
# EC2's own page when none is asked for: ``page_cap`` counts pages of this size, so a smaller
# page size gets proportionally more pages before the cap cuts a listing.
SERVER_PAGE = 1000
QUIET_SWEEPS = 3        # full sweeps without a change before the interval stretches
ACTED_FOR = 15.0        # seconds a resource just acted on is re-read at the fast interval


def with_kind(inv: Inventory, name: str, recs: dict[str, Record], truncated: bool) -> Inventory:
    """``inv`` with one kind swept anew. Records equal to the old ones (their raw answer too)
    stay the old objects, and a kind swept unchanged keeps its old mapping: readers and
    :func:`diff` see at once that nothing moved, and no duplicate records live on."""
    old = inv.of(name)
    same = 0
    for rid, rec in recs.items():
        prev = old.get(rid)
        if prev is not None and prev == rec and prev.raw == rec.raw:
            recs[rid] = prev
            same += 1
    if inv.has(name) and same == len(recs) == len(old) and (name in inv.truncated) == truncated:
        return replace(inv, fetched_at=time.time())
    return inv.replace_kind(name, recs, truncated=truncated)


def sweep_order(kinds: Iterable[str]) -> tuple[str, ...]:
    """The live tables (swept every time: instances, then volumes) first, then the rest, in table order."""
    rank = {name: n for n, name in enumerate(KINDS)}
    return tuple(sorted(kinds, key=lambda k: (KINDS[k].sweep_every, rank.get(k, len(rank)))))


class Poller(PollerCore):
    """Keeps an :class:`Inventory` fresh in a daemon thread. ``stop()`` joins it."""

    def __init__(self, session, *, interval: float = 5.0, fast_interval: float = 1.0,
                 kinds: Iterable[str] = tuple(KINDS), page_cap: int = 50,
                 max_backoff: float = 60.0, stale_after_failures: int = 3,
                 page_size: int | None = None, max_interval: float | None = None) -> None:
        super().__init__()
        self.session = session
        self.page_size = page_size                 # None: the endpoint decides
        self.interval = interval
        self.fast_interval = min(fast_interval, interval)
        # 2.5× keeps the data age under the faces' "old" mark (3× the interval).
        self.max_interval = max(interval, max_interval if max_interval is not None else 2.5 * interval)
        self._quiet = 0                          # full sweeps in a row that changed nothing
        self._acted: dict[str, float] = {}       # id → monotonic time until which it is re-read fast
        self.kinds = tuple(kinds)
        self.page_cap = page_cap
        self.max_backoff = max_backoff
        self.stale_after_failures = stale_after_failures
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._pending_ids: dict[str, None] = {}  # in the order asked: what an action acted on first
        self._pending_kinds: set[str] = set()
        self._thread: threading.Thread | None = None
        self._sweeps = 0
        self._kind_health: dict[str, KindHealth] = {}   # touched by the poller thread only
        self.requests = 0                        # API calls made, for benchmarks and tests
        self._unpaged: set[str] = set()          # kinds whose endpoint refused a page size
        self._fresh: dict[str, dict[str, Record | None]] = {}   # re-read by ID while a kind's sweep ran

    # -- control -------------------------------------------------------------------
    def start(self) -> Poller:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="cloudshell-poller", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def refresh_now(self, ids: Iterable[str] = (), kinds: Iterable[str] = ()) -> None:
        """Re-read these resources (or whole kinds; nothing given = a full sweep) at once."""
        ids, kinds = list(dict.fromkeys(ids)), set(kinds)
        until = time.monotonic() + ACTED_FOR
        with self._lock:
            if not ids and not kinds:
                self._pending_kinds.update(self.kinds)
            self._pending_ids.update(dict.fromkeys(ids))
            self._pending_kinds.update(k for k in kinds if k in KINDS)
            self._acted.update(dict.fromkeys(ids, until))
            self._quiet = 0                      # something was just done: back to the base interval
        self._wake.set()

    def sweep_interval(self) -> float:
        """Seconds to the next full sweep: ``interval`` while things change, doubling after
        QUIET_SWEEPS sweeps that changed nothing, up to ``max_interval``."""
        stretch = max(0, self._quiet - QUIET_SWEEPS + 1)
        return min(self.max_interval, self.interval * (2 ** min(stretch, 8)))

    def sweep_once(self) -> PollUpdate:
        """One full sweep now, on the caller's thread (one-shot use and tests)."""
        return self._sweep(self.kinds)

    # -- the loop --------------------------------------------------------------------
    def _run(self) -> None:
        next_full = 0.0
        while not self._stopping.is_set():
            now = time.monotonic()
            try:
                with self._lock:
                    kinds, self._pending_kinds = self._pending_kinds, set()
                # An action's IDs first, by ID, before any whole kind (it names those too) or a
                # due sweep: the instances alone take seconds.
                served = self._serve_pending_ids()
                if now >= next_full or kinds >= set(self.kinds):
                    self._sweep(self._due_kinds(), full=True)
                    next_full = time.monotonic() + self.sweep_interval()
                else:
                    if kinds:
                        self._sweep(tuple(kinds))
                    more = (self._transitional_ids() | self._acted_ids()) - served.keys()
                    if more:
                        self._refresh_ids(more)
                hot = self._transitional_ids() or self._acted_ids()
                if hot:
                    self._quiet = 0
                    next_full = min(next_full, time.monotonic() + self.interval)
                delay = min(next_full - time.monotonic(),
                            self.fast_interval if hot else self.sweep_interval())
            except CloudshellError as exc:
                delay = self._failed(exc)
                next_full = time.monotonic() + delay
            except Exception as exc:  # noqa: BLE001 - the poller must never die
                log.exception("poller failure")
                delay = self._failed(exc)
                next_full = time.monotonic() + delay
            self._wake.wait(max(0.0, delay))
            self._wake.clear()

    def _due_kinds(self) -> tuple[str, ...]:
        self._sweeps += 1
        first = self._inventory.empty
        now = time.monotonic()
        return tuple(k for k in self.kinds
                     if (first or (self._sweeps - 1) % KINDS[k].sweep_every == 0 or not self._inventory.has(k))
                     and not (k in self._kind_health and self._kind_health[k].retry_at > now))

    def _acted_ids(self) -> set[str]:
        now = time.monotonic()
        with self._lock:
            for rid in [rid for rid, until in self._acted.items() if until <= now]:
                del self._acted[rid]
            return set(self._acted)

    def _transitional_ids(self) -> set[str]:
        out: set[str] = set()
        for name in self.kinds:
            kind = KINDS[name]
            if kind.transitional:
                out.update(rid for rid, rec in self._inventory.of(name).items()
                           if rec.state in kind.transitional)
        return out

    def _sweep(self, kinds: Iterable[str], *, full: bool = False) -> PollUpdate:
        """Fetch each kind on its own and publish it as soon as it is in: the live tables first.

        A kind that fails keeps its last data and its own health. Only when every
        kind asked fails (the endpoint is down, the keys are wrong) is it the whole
        sweep's failure, with the poller's backoff.
        """
        failed: dict[str, CloudshellError] = {}   # before any kind succeeded: maybe the whole sweep's
        asked = sweep_order(kinds)
        update: PollUpdate | None = None
        changed = False
        for name in asked:
            if update is not None:
                self._serve_pending_ids()   # an action's refresh does not wait for the rest of the sweep
            self._fresh = {}
            try:
                recs, cut = self._fetch(name, between_pages=self._serve_pending_ids)
            except CloudshellError as exc:
                if update is None:
                    failed[name] = exc
                else:               # something answered: this kind's own trouble, shown with the next
                    self._kind_failed(name, exc)
                continue
            self._kind_health.pop(name, None)
            recs = self._newer(name, recs)
            inv = with_kind(self._inventory, name, recs, cut)
            changed = changed or inv.of(name) is not self._inventory.of(name)
            update = self._publish(inv, (name,))
        if asked and len(failed) == len(asked):
            raise next(iter(failed.values()))
        for name, exc in failed.items():
            self._kind_failed(name, exc)
        if update is None or self._health.kinds != tuple(sorted(self._kind_health.items())):
            update = self._publish(self._inventory, ())   # the kinds' health is news of its own
        if full:
            self._quiet = 0 if changed else self._quiet + 1
        return update

    def _newer(self, name: str, recs: dict[str, Record]) -> dict[str, Record]:
        """The sweep's answer for a kind, with what was re-read by ID during it (newer) laid over it."""
        fresh, self._fresh = self._fresh.get(name), {}
        if not fresh:
            return recs
        recs = dict(recs)
        for rid, rec in fresh.items():
            if rec is None:
                recs.pop(rid, None)
            else:
                recs[rid] = rec
        return recs

    def _fetch(self, name: str, ids: set[str] | None = None, *,
               between_pages: Callable[[], None] | None = None) -> tuple[dict, bool]:
        self.requests += 1
        kind = KINDS[name]
        size = None if name in self._unpaged else self.page_size
        cap = self.page_cap * max(1, SERVER_PAGE // size) if size else self.page_cap
        try:
            return fetch_kind(self.session, kind, ids=ids, page_cap=cap, page_size=size, between_pages=between_pages)
        except CloudError as exc:
            if size is None or exc.code not in PAGE_SIZE_REFUSED_CODES:
                raise
            log.warning("poller: the endpoint refused a page size for %s (%s): asked without", name, exc.code)
            self._unpaged.add(name)
            return fetch_kind(self.session, kind, ids=ids, page_cap=self.page_cap, between_pages=between_pages)

    def _kind_failed(self, name: str, exc: CloudshellError) -> None:
        prev = self._kind_health.get(name)
        failures = (prev.failures + 1) if prev else 1
        code = getattr(exc, "code", "")
        if code in NOT_PERMITTED_CODES:
            state, retry_at = "not permitted", time.monotonic() + NOT_PERMITTED_RETRY
            reason = code
        else:
            state = "stale" if failures >= self.stale_after_failures else "retrying"
            retry_at, reason = 0.0, str(exc) or type(exc).__name__
        log.warning("poller: %s failed on its own: %s", name, reason)
        self._kind_health[name] = KindHealth(state=state, reason=reason, failures=failures,
                                             since=prev.since if prev else time.time(), retry_at=retry_at)

    def _serve_pending_ids(self) -> dict[str, None]:
        """Re-read the IDs an action asked for and publish them now: first on each turn of the
        loop, and between two pages or kinds of a sweep. Returns the IDs it read (or tried).

        What is re-read while a kind's pages come in is laid over that kind's answer
        (``_newer``), so a page fetched before the refresh cannot undo it. A failure
        here puts the IDs back to be tried again on a later turn."""
        with self._lock:
            ids, self._pending_ids = self._pending_ids, {}
        if ids:
            try:
                self._refresh_ids(ids)
            except CloudshellError as exc:
                log.warning("poller: a refresh by ID failed: %s", exc)
                with self._lock:
                    self._pending_ids = ids | self._pending_ids   # tried again on a later turn
        return ids

    def _refresh_ids(self, ids: Iterable[str]) -> PollUpdate:
        """Re-read ``ids`` by ID, a kind at a time in the order the IDs come, each kind published
        as soon as it is in (an attached volume is not held behind its instance's describe)."""
        inv = self._inventory
        by_kind: dict[str, set[str]] = {}
        for rid in ids:
            kind = kind_of_id(rid)
            if kind is None:   # names and IPs: look them up in the kind that holds them
                rec = inv.get(rid)
                kind = KINDS.get(rec.kind) if rec else None
            if kind is not None and kind.name in self.kinds:
                by_kind.setdefault(kind.name, set()).add(rid)
        if not by_kind:
            return self._publish(inv, ())
        for name, wanted in by_kind.items():
            recs, _ = self._fetch(name, wanted)
            seen = self._fresh.setdefault(name, {})
            seen.update(dict.fromkeys(wanted - set(recs)))
            seen.update(recs)
            update = self._publish(self._inventory.patch(name, recs, removed=wanted - set(recs), at=time.time()),
                                   (name,))
        return update

    def _publish(self, inv: Inventory, kinds: Iterable[str] | None = None) -> PollUpdate:
        old = self._inventory
        changes = tuple(diff(old, inv, kinds=kinds)) if not old.empty else ()
        return self._store(inv, changes, self._health.succeeded(sorted(self._kind_health.items())))

    def _failed(self, exc: BaseException) -> float:
        throttled = isinstance(exc, CloudError) and exc.code in THROTTLING_CODES
        delay = backoff(self._health.failures + 1, self.interval * (2.0 if throttled else 1.0), self.max_backoff)
        self._set_health(self._health.failed(str(exc) or type(exc).__name__, delay, self.stale_after_failures))
        return delay
