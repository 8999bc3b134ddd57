"""Immutable snapshots of the cloud, fetched by one generic paginated function.

An :class:`Inventory` is swapped whole on each refresh and never mutated, so
readers (tables, completers, guards) never lock. :func:`diff` of two snapshots
yields the change events the timeline shows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from cloudshell.cloud.errors import CloudError
from cloudshell.cloud.kinds import KINDS, ResourceKind, Raw

EMPTY_MAP: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Record:
    """One resource, normalised for display; ``raw`` is the API's own dict (read-only by contract)."""

    kind: str
    id: str
    name: str
    state: str
    zone: str
    fields: Mapping[str, str]
    raw: Raw = field(compare=False, repr=False)

    @classmethod
    def from_raw(cls, kind: ResourceKind, raw: Raw) -> Record:
        fields = {c.key: _display(c.get(raw)) for c in kind.columns}
        return cls(kind=kind.name, id=str(raw.get(kind.id_key, "")), name=kind.name_of(raw),
                   state=kind.state(raw), zone=kind.zone(raw),
                   fields=MappingProxyType(fields), raw=raw)

    def __getitem__(self, key: str) -> str:
        return self.fields.get(key, "")


def fields_getter(records: Mapping[str, Record]) -> Callable[[str], Mapping[str, str]]:
    """ID → that record's display fields, for loops over a whole table (sort keys, widths):
    a packed mapping (procpoller.PackedRecords) answers without making a Record each time."""
    fast = getattr(records, "fields_of", None)
    return fast if fast is not None else (lambda rid: records[rid].fields)


def named(rid: str, name: str = "") -> str:
    """``i-1a2b (web-1)``: an ID and, when it has one besides the ID, its name. The one labeller."""
    return f"{rid} ({name})" if name and name != rid else rid


def label(rec: Record | None, rid: str = "") -> str:
    """A record's label (:func:`named`); ``rid`` alone where the record is unknown."""
    return rid if rec is None else named(rec.id, rec.name)


def _display(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Inventory:
    """Every kind's records keyed by ID, as of ``fetched_at`` (wall clock, seconds)."""

    records: Mapping[str, Mapping[str, Record]] = field(default_factory=lambda: EMPTY_MAP)
    fetched_at: float = 0.0
    truncated: frozenset[str] = frozenset()   # kinds cut off by the page cap

    def of(self, kind: str) -> Mapping[str, Record]:
        return self.records.get(kind, EMPTY_MAP)

    def has(self, kind: str) -> bool:
        return kind in self.records

    @cached_property
    def _kind_by_id(self) -> Mapping[str, str]:
        # ID → kind name, not → record: strings only, a dict the cyclic GC never walks, and
        # records a packed mapping (procpoller.PackedRecords) makes on demand are not all made.
        index: dict[str, str] = {}
        for kind, recs in self.records.items():
            index.update(dict.fromkeys(recs, kind))
        return index

    def get(self, resource_id: str, kind: str | None = None) -> Record | None:
        if kind is None:
            kind = self._kind_by_id.get(resource_id)
            if kind is None:
                return None
        return self.of(kind).get(resource_id)

    def counts(self) -> dict[str, int]:
        return {kind: len(recs) for kind, recs in self.records.items()}

    @property
    def empty(self) -> bool:
        return not self.records

    def age(self, now: float | None = None) -> float | None:
        if not self.fetched_at:
            return None
        return max(0.0, (now if now is not None else time.time()) - self.fetched_at)

    def replace_kind(self, kind: str, recs: Mapping[str, Record], *, truncated: bool = False,
                     at: float | None = None) -> Inventory:
        """A new snapshot with one kind's records replaced whole."""
        records = dict(self.records)
        records[kind] = MappingProxyType(dict(recs))
        cut = (self.truncated | {kind}) if truncated else (self.truncated - {kind})
        return Inventory(MappingProxyType(records), at if at is not None else time.time(), frozenset(cut))

    def patch(self, kind: str, updated: Mapping[str, Record], removed: Iterable[str] = (),
              *, at: float | None = None) -> Inventory:
        """A new snapshot with some records of one kind replaced or dropped (refresh by ID)."""
        recs = dict(self.of(kind))
        for rid in removed:
            recs.pop(rid, None)
        recs.update(updated)
        records = dict(self.records)
        records[kind] = MappingProxyType(recs)
        return Inventory(MappingProxyType(records), at if at is not None else self.fetched_at, self.truncated)


EMPTY = Inventory()


def age_text(seconds: float | None) -> str:
    """Data age as status lines show it: ``4s ago``, ``3m ago``, ``1.5h ago``."""
    if seconds is None:
        return "no data yet"
    if seconds < 90:
        return f"{seconds:.0f}s ago"
    if seconds < 5400:
        return f"{seconds / 60:.0f}m ago"
    return f"{seconds / 3600:.1f}h ago"


def request_for(kind: ResourceKind, *, aws: bool) -> dict[str, Any]:
    params = dict(kind.request)
    if aws:
        params.update(kind.aws_request)
    return params


def fetch_kind(session: Any, kind: ResourceKind, *, ids: Iterable[str] | None = None,
               page_cap: int = 50, page_size: int | None = None,
               between_pages: Callable[[], None] | None = None) -> tuple[dict[str, Record], bool]:
    """Fetch one kind (all, or only ``ids``) through the session; returns (records, truncated).

    Selecting by ID uses the kind's filter, not its ID parameter, so an ID that
    vanished meanwhile is simply absent instead of failing the whole request.
    A listing asks once per scope of the kind (own, launchable…) on every endpoint
    and merges the answers; ``page_size`` asks the endpoint for pages that small.
    Off AWS, a kind's ``rich_request`` (Eucalyptus' ``verbose``) is tried first; its
    plain request follows where that is refused or answers nothing. ``between_pages``
    is called after each page (the poller serves an action's refresh there).
    """
    aws = session.endpoint.endpoint_url is None
    params = request_for(kind, aws=aws)
    scopes: tuple[Mapping[str, Any], ...] = kind.scopes or ({},)
    if ids is None and kind.rich_request and not aws:
        try:
            out, cut = _fetch_pages(session, kind, {**params, **kind.rich_request}, scopes, page_cap, page_size,
                                    between_pages)
        except CloudError as exc:
            if exc.retryable:   # throttled or unreachable: the plain request would fare no better
                raise
            out, cut = {}, False
        if out:
            return out, cut
    if ids is not None:
        ids = sorted(set(ids))
        if not ids:
            return {}, False
        if not kind.id_filter:   # no filter selects this kind by ID: list it whole, keep those asked
            whole, cut = _fetch_pages(session, kind, params, scopes, page_cap, page_size, between_pages)
            return {rid: whole[rid] for rid in ids if rid in whole}, cut
        params[kind.filter_key] = [{"Name": kind.id_filter, "Values": ids}]
        scopes = ({},)   # the IDs asked for were in scope when they were listed
    return _fetch_pages(session, kind, params, scopes, page_cap, page_size, between_pages)


def _fetch_pages(session: Any, kind: ResourceKind, params: dict[str, Any], scopes: tuple[Mapping[str, Any], ...],
                 page_cap: int, page_size: int | None,
                 between_pages: Callable[[], None] | None = None) -> tuple[dict[str, Record], bool]:
    if page_size:
        params = {**params, "PaginationConfig": {"PageSize": page_size}}
    out: dict[str, Record] = {}
    truncated = False
    for scope in scopes:
        pages = session.pages(kind.operation, page_cap=page_cap, **params, **scope)
        for page in pages:
            raws = kind.records_of(page)
            for raw in kind.fold(raws) if kind.fold else raws:
                rec = Record.from_raw(kind, raw)
                out[rec.id] = rec
            if between_pages is not None:
                between_pages()
        truncated = truncated or pages.truncated
    return out, truncated


def fetch(session: Any, kinds: Iterable[str] = tuple(KINDS), *, page_cap: int = 50,
          base: Inventory = EMPTY) -> Inventory:
    """One synchronous sweep of the given kinds, on top of ``base``."""
    inv = base
    for name in kinds:
        recs, cut = fetch_kind(session, KINDS[name], page_cap=page_cap)
        inv = inv.replace_kind(name, recs, truncated=cut)
    return inv


# -- change events ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Change:
    """One thing the poller saw change: a record added, removed, or some of its fields changed.

    Slotted: one GC-tracked object a change (its fields, tuples of strings, are untracked at
    the first young collection), where an instance dict made two; 500 a sweep cross to the UI."""

    kind: str
    id: str
    what: str                                   # "added" | "removed" | "changed"
    fields: tuple[tuple[str, str, str], ...] = ()  # (field, old, new)
    at: float = 0.0
    name: str = ""
    cloud: str = ""                             # several clouds: the short name of the one it is in

    def describe(self) -> str:
        """One line for the timeline: ``i-1234 (web-1) pending → running``; with several clouds,
        the cloud first: ``prod · i-1234 (web-1) pending → running``."""
        return f"{self.cloud} · {self._what()}" if self.cloud else self._what()

    def _what(self) -> str:
        who = named(self.id, self.name)
        if self.what == "added":
            return f"{who} appeared"
        if self.what == "removed":
            return f"{who} is gone"
        parts = []
        changed = {f: (o, n) for f, o, n in self.fields}
        if "instance" in changed or "device" in changed:
            inst_old, inst_new = changed.get("instance", ("", ""))
            dev = changed.get("device", ("", ""))[1]
            if inst_new:
                parts.append(f"attached to {inst_new}" + (f" as {dev}" if dev else ""))
            elif inst_old:
                parts.append(f"detached from {inst_old}")
        for f, (old, new) in changed.items():
            if f in ("instance", "device"):
                continue
            if f == "state":
                parts.append(f"{old or '-'} → {new or '-'}")
            else:
                parts.append(f"{f} {old or '-'} → {new or '-'}")
        return f"{who} " + ", ".join(parts)


def diff(old: Inventory, new: Inventory, *, kinds: Iterable[str] | None = None,
         at: float | None = None) -> list[Change]:
    """Change events from ``old`` to ``new`` (kinds absent from ``new`` are not compared)."""
    stamp = at if at is not None else (new.fetched_at or time.time())
    out: list[Change] = []
    for kind in (kinds if kinds is not None else new.records.keys()):
        if kind not in new.records or kind not in old.records:
            continue
        before, after = old.of(kind), new.of(kind)
        if before is after:
            continue
        out.extend(_diff_kind(kind, before, after, stamp))
    return out


def _diff_kind(kind: str, before: Mapping[str, Record], after: Mapping[str, Record],
               stamp: float) -> Iterator[Change]:
    for rid, rec in after.items():
        prev = before.get(rid)
        if prev is None:
            yield Change(kind, rid, "added", at=stamp, name=rec.name)
        elif prev.fields != rec.fields:
            changed = tuple((f, prev[f], rec[f]) for f in rec.fields if prev[f] != rec[f])
            if changed:
                yield Change(kind, rid, "changed", changed, at=stamp, name=rec.name)
    for rid, rec in before.items():
        if rid not in after:
            yield Change(kind, rid, "removed", at=stamp, name=rec.name)
