"""Indexes over one inventory snapshot, built once per kind's record mapping and searched per keystroke.

Each kind's records are sorted by their completion key (the ID, or the name for
kinds completed by name) and grouped by facet (state, or image type) and zone.
A group answers prefixes with ``bisect`` and Name-tag prefixes, substrings and
(for groups small enough) fuzzy subsequences by scanning one joined string at
C speed, so a keystroke costs well under a millisecond at 100,000 IDs. The
inventory swaps a kind's mapping whole on refresh, so the identity of that
mapping is the cache key; nothing is ever patched in place.
"""

from __future__ import annotations

import bisect
import itertools
import re
import threading
from collections.abc import Mapping

from cloudshell.cloud.inventory import Inventory, Record
from cloudshell.cloud.kinds import KINDS

FUZZY_MAX = 10_000       # fuzzy matching only scans groups up to this size


class Group:
    """Records of one kind (maybe narrowed by state and zone), sorted by key, searchable."""

    __slots__ = ("records", "keys", "chars", "_rows", "_alts", "_hay", "_offsets", "_names",
                 "_name_offsets", "_lock")

    def __init__(self, records: list[Record], keys: list[str], rows: list[str], alts: list[str],
                 chars: frozenset[str]) -> None:
        self.records, self.keys, self._rows, self._alts = records, keys, rows, alts
        self.chars = chars   # every character the kind's keys and names use: hopeless needles stop here
        self._hay: str | None = None
        self._names = ""
        self._offsets: list[int] = []
        self._name_offsets: list[int] = []
        self._lock = threading.Lock()

    def build(self) -> Group:
        """Join the rows ("key\talt\n") into strings ``str.find`` scans at C speed."""
        if self._hay is None:
            with self._lock:
                if self._hay is None:
                    self._offsets = list(itertools.accumulate(map(len, self._rows), initial=1))
                    if any(self._alts):
                        self._name_offsets = list(itertools.accumulate(map(len, self._alts), initial=1))
                        self._names = "\n" + "".join(self._alts)
                    self._hay = "\n" + "".join(self._rows)
        return self

    def prefix(self, text: str, limit: int) -> list[int]:
        start = bisect.bisect_left(self.keys, text)
        out = []
        for i in range(start, min(start + limit, len(self.keys))):
            if not self.keys[i].startswith(text):
                break
            out.append(i)
        return out

    @staticmethod
    def _scan(hay: str, offsets: list[int], needle: str, limit: int) -> list[int]:
        out: list[int] = []
        if len(offsets) < 2:   # no rows: even the empty needle matches nothing
            return out
        lead = 1 if needle.startswith("\n") else 0   # such a match starts at the newline before its row
        pos = hay.find(needle)
        while pos >= 0 and len(out) < limit:
            row = bisect.bisect_right(offsets, pos + lead) - 1
            out.append(row)
            pos = hay.find(needle, offsets[row + 1] - 1)
        return out

    def name_prefix(self, text: str, limit: int) -> list[int]:
        return self._scan(self._names, self._name_offsets, "\n" + text, limit) if self._names else []

    def contains(self, text: str, limit: int) -> list[int]:
        return self._scan(self._hay or "", self._offsets, text, limit)

    def fuzzy(self, text: str, limit: int) -> list[int]:
        if len(self.keys) > FUZZY_MAX or len(text) < 2:
            return []
        pattern = re.compile("\n" + "".join(f"[^\\n{re.escape(c)}]*+{re.escape(c)}" for c in text))
        out: list[int] = []
        for m in pattern.finditer(self._hay or ""):
            out.append(bisect.bisect_right(self._offsets, m.start() + 1) - 1)
            if len(out) >= limit:
                break
        return out


class KindIndex:
    """Every group of one kind's records: all, by facet (state or type), by zone, by both.

    :meth:`updated` makes the next snapshot's index from this one: only the groups a changed
    record left or joined are rebuilt (the kept rows are merged with the new ones, nearly
    sorted already), the others are shared with their joined strings; so a sweep changing
    500 of 100,000 IDs costs milliseconds in the completer's thread, not a rebuild."""

    def __init__(self, kind: str, recs: Mapping[str, Record], by_name: bool,
                 groups: dict | None = None, chars: frozenset[str] | None = None) -> None:
        self.kind, self.by_name, self.recs = kind, by_name, recs
        self._facet_field = KINDS[kind].facet_field if kind in KINDS else ""
        self._devices: dict[str, set[str]] | None = None
        if groups is not None and chars is not None:
            self.groups, self.chars = groups, chars
            return
        items = [r for r in recs.values() if (r.name if by_name else r.id)]
        raw_keys = [self._key(r) for r in items]
        order = sorted(range(len(items)), key=raw_keys.__getitem__)   # ints: no GC-tracked garbage
        keys = [raw_keys[i] for i in order]
        records = [items[i] for i in order]
        alts = [self._alt(r) for r in records]
        rows = [k + "\t" + a for k, a in zip(keys, alts, strict=True)]
        members: dict[tuple[str | None, str | None], list[int]] = {}
        for i, rec in enumerate(records):
            for key in self._memberships(rec)[1:]:
                members.setdefault(key, []).append(i)
        self.chars = chars = frozenset("".join(rows))
        self.groups = {(None, None): Group(records, keys, rows, alts, chars)}
        for key, idx in members.items():
            self.groups[key] = Group([records[i] for i in idx], [keys[i] for i in idx],
                                     [rows[i] for i in idx], [alts[i] for i in idx], chars)

    def _key(self, rec: Record) -> str:
        return plain(rec.name if self.by_name else rec.id).lower()

    def _alt(self, rec: Record) -> str:
        return plain(rec.id if self.by_name else rec.name).lower() + "\n"

    def _memberships(self, rec: Record) -> tuple[tuple[str | None, str | None], ...]:
        facet = rec.fields.get(self._facet_field, "") if self._facet_field else rec.state
        return ((None, None), (facet, None), (None, rec.zone), (facet, rec.zone))

    def _spliced(self, old: Group | None, leaving: list[tuple[str, str]], joining: list[Record],
                 chars: frozenset[str]) -> Group:
        """``old`` without the rows ``leaving`` ((key, ID) pairs) and with ``joining`` in their
        sorted places: found by bisection, the rest copied in slices (C speed, no Python loop
        over the group)."""
        keys0: list[str] = old.keys if old is not None else []
        recs0: list[Record] = old.records if old is not None else []
        alts0: list[str] = old._alts if old is not None else []
        rows0: list[str] = old._rows if old is not None else []
        drop = set()
        for key, rid in leaving:
            i = bisect.bisect_left(keys0, key)
            while i < len(keys0) and keys0[i] == key:
                if recs0[i].id == rid:
                    drop.add(i)
                    break
                i += 1
        adds = sorted(joining, key=self._key)
        add_keys = [self._key(r) for r in adds]
        at = [bisect.bisect_right(keys0, k) for k in add_keys]   # before old row at[n]; nondecreasing
        records: list[Record] = []
        keys: list[str] = []
        alts: list[str] = []
        rows: list[str] = []
        pos = ai = 0
        for cut in sorted(drop.union(at)) + [len(keys0)]:
            records += recs0[pos:cut]
            keys += keys0[pos:cut]
            alts += alts0[pos:cut]
            rows += rows0[pos:cut]
            pos = cut
            while ai < len(at) and at[ai] == cut:
                alt = self._alt(adds[ai])
                records.append(adds[ai])
                keys.append(add_keys[ai])
                alts.append(alt)
                rows.append(add_keys[ai] + "\t" + alt)
                ai += 1
            if cut in drop:
                pos = cut + 1
        return Group(records, keys, rows, alts, chars)

    def updated(self, recs: Mapping[str, Record]) -> KindIndex:
        """The index of ``recs``, a later snapshot of this kind (records unchanged are the same
        objects, as the poller keeps them); a whole rebuild when most of it changed."""
        old = self.recs
        changed = [r for rid, r in recs.items() if old.get(rid) is not r]
        removed = old.keys() - recs.keys()
        if len(changed) + len(removed) > max(100, len(recs) // 5):
            return KindIndex(self.kind, recs, self.by_name)
        gone = {r.id for r in changed} | removed
        leaving: dict[tuple[str | None, str | None], list[tuple[str, str]]] = {}
        joining: dict[tuple[str | None, str | None], list[Record]] = {}
        for rid in gone:
            prev = old.get(rid)
            if prev is not None and self._key(prev):
                for key in self._memberships(prev):
                    leaving.setdefault(key, []).append((self._key(prev), rid))
        adds = [r for r in changed if self._key(r)]
        for rec in adds:
            for key in self._memberships(rec):
                joining.setdefault(key, []).append(rec)
        chars = self.chars.union("".join(self._key(r) + "\t" + self._alt(r) for r in adds))
        groups = dict(self.groups)
        for key in leaving.keys() | joining.keys():
            fresh = self._spliced(groups.get(key), leaving.get(key, []), joining.get(key, []), chars)
            if fresh.keys or key == (None, None):
                groups[key] = fresh
            else:
                groups.pop(key, None)
        return KindIndex(self.kind, recs, self.by_name, groups, chars)

    def group(self, facet: str | None, zone: str | None) -> Group | None:
        group = self.groups.get((facet, zone))
        return group.build() if group is not None else None

    def warm(self) -> None:
        for group in self.groups.values():
            group.build()
        if self.kind == "volumes":
            self.devices_by_instance()

    def devices_by_instance(self) -> dict[str, set[str]]:
        """For volumes: the device names each instance uses, from the volumes' attachments."""
        if self._devices is None:
            out: dict[str, set[str]] = {}
            for rec in self.groups[(None, None)].records:
                if rec["instance"] and rec["device"]:
                    out.setdefault(rec["instance"], set()).add(short_device(rec["device"]))
            self._devices = out
        return self._devices


def plain(text: str) -> str:
    return text.replace("\n", " ").replace("\t", " ") if "\n" in text or "\t" in text else text


_cache: dict[tuple[int, bool], tuple[Mapping[str, Record], KindIndex]] = {}
_latest: dict[tuple[str, bool], KindIndex] = {}   # each kind's newest index: the next one starts from it
_cache_lock = threading.Lock()
_CACHE_SIZE = 32


def index_of(inventory: Inventory, kind: str, by_name: bool | None = None) -> KindIndex:
    """The index of this snapshot's records of ``kind`` (built once, then cached by identity)."""
    recs = inventory.of(kind)
    by_name = (kind in KINDS and KINDS[kind].by_name) if by_name is None else by_name
    key = (id(recs), by_name)
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] is recs and hit[1].kind == kind:
        return hit[1]
    with _cache_lock:
        before = _latest.get((kind, by_name))
    index = before.updated(recs) if before is not None else KindIndex(kind, recs, by_name)
    with _cache_lock:
        _latest[(kind, by_name)] = index
        _cache[key] = (recs, index)
        while len(_cache) > _CACHE_SIZE:
            del _cache[next(iter(_cache))]
    return index


def prepare(inventory: Inventory) -> None:
    """Build every index of this snapshot now (call it off the UI thread, on each new snapshot)."""
    for kind in inventory.records:
        if kind in KINDS:
            index_of(inventory, kind).warm()


def search(groups: list[tuple[str, Group]], needle: str, limit: int) -> list[Record]:
    """The first tier with any hit: key prefix, Name prefix, then substring and fuzzy."""
    for tier in ("prefix", "name_prefix", "contains"):
        out: list[Record] = []
        for _, group in groups:
            if not group.chars.issuperset(needle):
                continue
            rows = getattr(group, tier)(needle, limit - len(out))
            out.extend(group.records[i] for i in rows)
            if tier == "contains" and len(out) < limit:
                seen = set(rows)
                out.extend(group.records[i] for i in group.fuzzy(needle, limit - len(out))
                           if i not in seen)
            if len(out) >= limit:
                break
        if out:
            if len(groups) > 1:
                out.sort(key=lambda r: r.id)
            return out[:limit]
    return []


def short_device(name: str) -> str:
    return name.removeprefix("/dev/")
