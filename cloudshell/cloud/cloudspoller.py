"""Several clouds' pollers seen as one: what the monitor reads when it shows several clouds.

One poller per cloud, each its own child process (cloud/procpoller.py, unchanged): a cloud that
stalls, throttles or dies stalls only its own sweeps and its own process; the others go on
publishing. This merges what they publish: one inventory whose records carry their cloud's short
name in the ``cloud`` field (the monitor's Cloud column), each cloud's own health
(``cloud_health``), and a combined health that is stale only when every cloud is. A cloud's
last records stay shown while it is stale; its status is said beside its name.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from cloudshell.cloud.cloudset import clouds_health
from cloudshell.cloud.inventory import EMPTY, Change, Inventory, Record
from cloudshell.cloud.poller import Health, PollUpdate, wait_for_inventory

Subscriber = Callable[[PollUpdate], None]


@dataclass(frozen=True)
class CloudsHealth(Health):
    """The combined health; ``describe()`` gives each cloud's: ``prod ok · aws-eu stale 12:03:04``."""

    clouds: tuple[tuple[str, Health], ...] = ()

    def describe(self, now: float | None = None) -> str:
        by_name = dict(self.clouds)
        return clouds_health(list(by_name), by_name.__getitem__)


def combined(healths: Mapping[str, Health]) -> CloudsHealth:
    """ok while any cloud is (the others' trouble is said by name), stale only when all are."""
    states = [h.state for h in healths.values()]
    if "ok" in states:
        state = "ok"
    elif states and all(s == "stale" for s in states):
        state = "stale"
    elif "retrying" in states or "stale" in states:
        state = "retrying"
    else:
        state = "starting"
    last = [h.last_success for h in healths.values() if h.last_success]
    return CloudsHealth(state=state, last_success=max(last) if last else None,
                        stale_since=min((h.stale_since for h in healths.values() if h.stale_since), default=None),
                        clouds=tuple(healths.items()))


def _tag(records: Mapping[str, Record], short: str) -> Mapping[str, Record]:
    return {rid: replace(rec, fields=MappingProxyType({**rec.fields, "cloud": short})) for rid, rec in records.items()}


class CloudsPoller:
    """The face of one poller (inventory, health, subscribe, start, stop, refresh_now, wait_until)
    over one poller per cloud; ``pollers`` by cloud name, ``shorts`` their Cloud column names."""

    def __init__(self, pollers: Mapping[str, Any], shorts: Mapping[str, str] | None = None) -> None:
        self.pollers = dict(pollers)
        self.shorts = {name: (shorts or {}).get(name) or name for name in self.pollers}
        self._lock = threading.Lock()
        self._serial = threading.Lock()    # one cloud's update merged and published at a time
        self._changed = threading.Condition()
        self._subscribers: list[Subscriber] = []
        self._tagged: dict[tuple[str, str], tuple[Mapping[str, Record], Mapping[str, Record]]] = {}
        self._merged: dict[str, tuple[list[Mapping[str, Record]], Mapping[str, Record]]] = {}
        self._inventory: Inventory = EMPTY
        self._health = combined({n: p.health for n, p in self.pollers.items()})
        self._unsubscribe = [p.subscribe(lambda update, name=name: self._on_update(name, update))
                             for name, p in self.pollers.items()]
        self._rebuild()

    # -- what readers see -------------------------------------------------------------------
    @property
    def inventory(self) -> Inventory:
        return self._inventory

    @property
    def health(self) -> CloudsHealth:
        return self._health

    @property
    def cloud_health(self) -> dict[str, Health]:
        return {name: p.health for name, p in self.pollers.items()}

    def cloud_of(self, record: Record) -> str | None:
        """The name of the cloud a (tagged) record came from."""
        short = record.fields.get("cloud")
        return next((n for n, s in self.shorts.items() if s == short), None)

    def subscribe(self, fn: Subscriber) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(fn)

        def unsubscribe() -> None:
            with self._lock:
                if fn in self._subscribers:
                    self._subscribers.remove(fn)
        return unsubscribe

    def wait_until(self, predicate: Callable[[Inventory], bool], timeout: float) -> Inventory:
        return wait_for_inventory(self._changed, lambda: self._inventory, predicate, timeout)

    # -- control ------------------------------------------------------------------------------
    def start(self) -> CloudsPoller:
        for poller in self.pollers.values():
            poller.start()
        return self

    @property
    def running(self) -> bool:
        return any(getattr(p, "running", False) for p in self.pollers.values())

    def stop(self, timeout: float = 10.0) -> None:
        """Stop every cloud's poller, all at once (one slow to stop never delays the others' stop)."""
        threads = [threading.Thread(target=p.stop, name="cloudshell-stop-poller", daemon=True)
                   for p in self.pollers.values()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout + 3.0)

    def refresh_now(self, ids: Iterable[str] = (), kinds: Iterable[str] = ()) -> None:
        """IDs to the clouds holding them (each only its own); no IDs: every cloud."""
        ids, kinds = list(ids), list(kinds)
        if not ids:
            for poller in self.pollers.values():
                poller.refresh_now(kinds=kinds)
            return
        for name, poller in self.pollers.items():
            mine = [i for i in ids if poller.inventory.get(i) is not None]
            if mine or kinds:
                poller.refresh_now(ids=mine, kinds=kinds)

    # -- merging (each cloud's bridge thread) --------------------------------------------------
    def _on_update(self, name: str, update: PollUpdate) -> None:
        # One cloud's update at a time, merged and handed on in order: two bridge threads
        # interleaved could otherwise hand an older merge on after a newer one.
        with self._serial:
            self._publish(update, name)

    def _publish(self, update: PollUpdate, name: str) -> None:
        with self._lock:
            arrived = self._rebuild()
            merged, health, subscribers = self._inventory, self._health, list(self._subscribers)
        with self._changed:
            self._changed.notify_all()
        # A cloud's first records of a kind are no change to its poller (nothing to diff against),
        # but they are new rows of a table the other clouds already fill.
        short = self.shorts[name]   # each change says which cloud it happened in (the timeline, the REPL)
        out = PollUpdate(merged, (*(replace(c, cloud=short) for c in update.changes), *arrived), health)
        for fn in subscribers:
            try:
                fn(out)
            except Exception:  # noqa: BLE001 - one subscriber failing never stops the others
                import logging

                logging.getLogger(__name__).exception("subscriber failed")

    def _rebuild(self) -> list[Change]:
        """The merged inventory: each cloud's kinds tagged once per new mapping (a kind swept
        unchanged keeps its mapping, so its tagged copy is reused, and so is the merged kind)."""
        parts: dict[str, list[Mapping[str, Record]]] = {}
        arrived: list[Change] = []
        truncated: set[str] = set()
        fetched = []
        for name, poller in self.pollers.items():
            inv = poller.inventory
            if inv.fetched_at:
                fetched.append(inv.fetched_at)
            truncated |= set(inv.truncated)
            for kind, recs in inv.records.items():
                key = (name, kind)
                cached = self._tagged.get(key)
                if cached is None:
                    arrived.extend(Change(kind, rid, "added", at=inv.fetched_at, name=rec.name,
                                          cloud=self.shorts[name])
                                   for rid, rec in recs.items())
                if cached is None or cached[0] is not recs:
                    cached = self._tagged[key] = (recs, _tag(recs, self.shorts[name]))
                parts.setdefault(kind, []).append(cached[1])
        before = self._inventory
        records: dict[str, Mapping[str, Record]] = {}
        for kind, tagged in parts.items():
            made = self._merged.get(kind)
            if made is not None and len(made[0]) == len(tagged) and all(a is b for a, b in zip(made[0], tagged)):
                records[kind] = made[1]
                continue
            merged: dict[str, Record] = {}
            for recs in tagged:
                merged.update(recs)
            records[kind] = MappingProxyType(merged)
            self._merged[kind] = (tagged, records[kind])
        # The newest sweep's time: each cloud's own staleness is said by its name in the health.
        self._inventory = (Inventory(records=MappingProxyType(records), fetched_at=max(fetched) if fetched else 0.0,
                                     truncated=frozenset(truncated)) if records else before if before.empty else EMPTY)
        self._health = combined({n: p.health for n, p in self.pollers.items()})
        return arrived

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()

