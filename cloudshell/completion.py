"""The one completer: command names, options and live IDs from an inventory snapshot.

Plain logic over an immutable :class:`Inventory`: no network call, no UI import.
The REPL adapts it to prompt_toolkit (``cloudshell/repl/completer.py``); the
monitor's command bar can call :func:`complete` as it is.

Speed at 100,000 IDs comes from indexes built once per snapshot of each kind
(keyed by the identity of that kind's record mapping, which the inventory swaps
whole): sorted keys searched with ``bisect`` for prefixes, and one joined
string per group searched by ``str.find`` for names and substrings. Candidates
come in tiers, and the first tier that has any wins, so Tab can insert their
common part: ID prefix, then Name-tag prefix, then substring (and, on groups
small enough to scan, a fuzzy subsequence match).
"""

from __future__ import annotations

import bisect
import itertools
import os
import re
import shlex
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cloudshell.cloud.inventory import Inventory, Record
from cloudshell.cloud.kinds import KINDS, kind_of_id
from cloudshell.commands.registry import (
    ARCH, COMMAND, DEVICE, FILE, INSTANCE_TYPE, PROTOCOL, RESOURCE, STATE, Command, Param, Registry,
)

LIMIT = 100              # candidates returned at most
FUZZY_MAX = 10_000       # fuzzy matching only scans groups up to this size

# "KIND[:NARROWING]" of a Param → the inventory kind it completes from.
VALUE_KINDS = {"instance": "instances", "volume": "volumes", "snapshot": "snapshots",
               "image": "images", "address": "addresses", "group": "groups",
               "keypair": "keypairs", "zone": "zones"}
BY_NAME = frozenset({"groups"})            # completed by name (euca2ools takes group names)
FACET_FIELD = {"images": "type"}           # narrowing reads this field instead of the state
FIRST_NOT_ONLY = frozenset({"image:machine"})  # the narrowed ones first, then the rest
ID_KINDS = tuple(k for k in KINDS if KINDS[k].id_prefixes)   # what "resource" offers, by ID

STATES = {
    "instances": ("running", "stopped", "pending", "stopping", "shutting-down", "terminated"),
    "volumes": ("available", "in-use", "creating", "deleting", "deleted", "error"),
    "snapshots": ("completed", "pending", "error"),
    "images": ("available", "pending", "failed", "deregistered"),
}
FIXED_VALUES = {
    PROTOCOL: ("tcp", "udp", "icmp", "-1"),
    ARCH: ("x86_64", "i386", "arm64"),
    INSTANCE_TYPE: ("t1.micro", "m1.small", "m1.medium", "c1.medium", "m1.large", "m1.xlarge",
                        "c1.xlarge", "m2.xlarge", "m2.2xlarge", "m3.xlarge", "m3.2xlarge",
                        "cc1.4xlarge", "cr1.8xlarge"),
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Candidate:
    """One completion: ``text`` replaces the ``-start_position`` characters before the cursor."""

    text: str
    start_position: int
    display: str
    meta: str = ""


# -- indexes ---------------------------------------------------------------------------

class _Group:
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

    def build(self) -> _Group:
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


class _KindIndex:
    """Every group of one kind's records: all, by facet (state or type), by zone, by both."""

    def __init__(self, kind: str, recs: Mapping[str, Record], by_name: bool) -> None:
        self.kind, self.by_name = kind, by_name
        facet_field = FACET_FIELD.get(kind)
        items = [r for r in recs.values() if (r.name if by_name else r.id)]
        raw_keys = [_plain(r.name if by_name else r.id).lower() for r in items]
        order = sorted(range(len(items)), key=raw_keys.__getitem__)   # ints: no GC-tracked garbage
        keys = [raw_keys[i] for i in order]
        records = [items[i] for i in order]
        alts = [_plain(r.id if by_name else r.name).lower() + "\n" for r in records]
        rows = [k + "\t" + a for k, a in zip(keys, alts, strict=True)]
        members: dict[tuple[str | None, str | None], list[int]] = {}
        for i, rec in enumerate(records):
            facet = rec.fields.get(facet_field, "") if facet_field else rec.state
            for key in ((facet, None), (None, rec.zone), (facet, rec.zone)):
                members.setdefault(key, []).append(i)
        chars = frozenset("".join(rows))
        self.groups = {(None, None): _Group(records, keys, rows, alts, chars)}
        for key, idx in members.items():
            self.groups[key] = _Group([records[i] for i in idx], [keys[i] for i in idx],
                                      [rows[i] for i in idx], [alts[i] for i in idx], chars)
        self._devices: dict[str, set[str]] | None = None

    def group(self, facet: str | None, zone: str | None) -> _Group | None:
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
                    out.setdefault(rec["instance"], set()).add(_short_device(rec["device"]))
            self._devices = out
        return self._devices


def _plain(text: str) -> str:
    return text.replace("\n", " ").replace("\t", " ") if "\n" in text or "\t" in text else text


_cache: dict[tuple[int, bool], tuple[Mapping[str, Record], _KindIndex]] = {}
_cache_lock = threading.Lock()
_CACHE_SIZE = 32


def _index(inventory: Inventory, kind: str, by_name: bool | None = None) -> _KindIndex:
    """The index of this snapshot's records of ``kind`` (built once, then cached by identity)."""
    recs = inventory.of(kind)
    by_name = kind in BY_NAME if by_name is None else by_name
    key = (id(recs), by_name)
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] is recs and hit[1].kind == kind:
        return hit[1]
    index = _KindIndex(kind, recs, by_name)
    with _cache_lock:
        _cache[key] = (recs, index)
        while len(_cache) > _CACHE_SIZE:
            del _cache[next(iter(_cache))]
    return index


def prepare(inventory: Inventory) -> None:
    """Build every index of this snapshot now (call it off the UI thread, on each new snapshot)."""
    for kind in inventory.records:
        if kind in KINDS:
            _index(inventory, kind).warm()


# -- the line --------------------------------------------------------------------------

_WORD = re.compile(r"""(?:[^\s'"\\]|\\.?|'[^']*'?|"(?:[^"\\]|\\.)*"?)+""")


def _unquote(raw: str) -> str:
    for tail in ("", '"', "'"):
        try:
            return "".join(shlex.split(raw + tail))
        except ValueError:
            continue
    return raw


def _split(line: str) -> tuple[list[str], str]:
    """Finished words (unquoted) and the raw word under the cursor ("" after a space)."""
    spans = list(_WORD.finditer(line))
    current = spans.pop().group() if spans and spans[-1].end() == len(line) else ""
    return [_unquote(m.group()) for m in spans], current


def _quote(text: str) -> str:
    return text if re.fullmatch(r"[\w@%+=:,./\-]+", text) else shlex.quote(text)


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text)


# -- completing ------------------------------------------------------------------------

def complete(line_before_cursor: str, inventory: Inventory, registry: Registry, *,
             extra: Mapping[str, str] | None = None, limit: int = LIMIT) -> list[Candidate]:
    """What may come at the cursor: command names, the command's options, or values of the
    option or argument being typed, from ``inventory`` only (never the network).

    ``extra`` adds words a face understands besides the registry's (``exit``) with their meta.
    """
    words, raw = _split(line_before_cursor)
    if not words:
        return _commands(registry, raw, -len(raw), extra or {}, limit)
    cmd = registry.resolve(words[0])
    if cmd is None or "--" in words[1:]:
        return []
    flags = cmd.flag_map()
    values: dict[str, Any] = {}
    loose: list[str] = []
    pending: Param | None = None
    for word in words[1:]:
        if pending is not None:
            values[pending.dest] = word
            pending = None
        elif word.startswith("-") and len(word) > 1 and not word[1:2].isdigit():
            name, eq, inline = word.partition("=") if word.startswith("--") else (word, "", "")
            p = flags.get(name)
            if p is not None and p.action == "flag":
                values[p.dest] = True
            elif p is not None and eq:
                values[p.dest] = inline
            elif p is not None and p.takes_value:
                pending = p
        else:
            loose.append(word)
    nxt = _assign(cmd, loose, values)
    if pending is not None:
        return _values(pending, _unquote(raw), -len(raw), inventory, registry, values, limit)
    if raw.startswith("--") and "=" in raw:
        name, _, inline = raw.partition("=")
        p = flags.get(name)
        if p is None or not p.takes_value:
            return []
        return _values(p, _unquote(inline), -len(inline), inventory, registry, values, limit)
    if raw.startswith("-") and not raw[1:2].isdigit():
        return _options(cmd, raw, values)
    if nxt is not None:
        found = _values(nxt, _unquote(raw), -len(raw), inventory, registry, values, limit)
        if found or raw:
            return found
    return _options(cmd, raw, values) if not raw else []


def _assign(cmd: Command, loose: list[str], values: dict[str, Any]) -> Param | None:
    """Give the finished loose words to the positionals; return the one the next word fills."""
    words = list(loose)
    for p in (q for q in cmd.params if q.positional):
        if p.nargs in ("*", "+"):
            values[p.dest] = words
            return p
        if not words:
            return p
        values[p.dest] = words.pop(0)
    return None


def _commands(registry: Registry, raw: str, start: int, extra: Mapping[str, str],
              limit: int) -> list[Candidate]:
    text = _unquote(raw).lower()
    # euca- aliases only once the word heads that way: they would double every list.
    show_euca = bool(text) and (text.startswith("euca-") or "euca-".startswith(text))
    names = [n for n in registry.names() if show_euca or not n.startswith("euca-")] + sorted(extra)

    def meta(name: str) -> str:
        if name in extra:
            return extra[name]
        cmd = registry.resolve(name)
        if cmd is None:
            return ""
        return cmd.summary if cmd.name == name else f"= {cmd.name}"

    hits = [n for n in names if n.startswith(text)]
    if not hits and text:
        canonical = [n for n in names if not n.startswith("euca-")]
        hits = [n for n in canonical if text in n]
        if not hits and len(text) >= 2:
            pattern = re.compile(".*?".join(re.escape(c) for c in text))
            hits = [n for n in canonical if pattern.search(n)]
    return [Candidate(n, start, n, _clean(meta(n))) for n in hits[:limit]]


def _options(cmd: Command, raw: str, values: dict[str, Any]) -> list[Candidate]:
    own = {id(p) for p in cmd.params}
    params = [p for p in cmd.all_params() if p.flags]
    params.sort(key=lambda p: (not (p.required and id(p) in own), id(p) not in own))
    out = []
    for p in params:
        used = values.get(p.dest) not in (None, False, [])
        if used and p.action != "append":
            continue
        for flag in (f.rstrip(":") for f in p.flags):
            if flag.startswith(raw):
                shown = flag if p.action == "flag" else f"{flag} {p.label}"
                meta = " ".join(filter(None, (p.help, "(required)" if p.required else "")))
                out.append(Candidate(flag, -len(raw), shown, meta))
    return out


def _values(p: Param, text: str, start: int, inventory: Inventory, registry: Registry,
            values: Mapping[str, Any], limit: int) -> list[Candidate]:
    """Candidates for one parameter's value."""
    if p.choices:
        return _words(p.choices, text, start, limit)
    base, _, narrow = p.kind.partition(":")
    if p.kind == COMMAND:
        return _commands(registry, text, start, {}, limit)
    if base in VALUE_KINDS or p.kind == RESOURCE:
        return _resources(p, base, narrow, text, start, inventory, values, limit)
    if p.kind == DEVICE:
        return _devices(p, text, start, inventory, values)
    if p.kind == STATE:
        kinds = {k.name for v in _given(values) if (k := kind_of_id(v)) is not None}
        states = list(dict.fromkeys(s for k in kinds or STATES for s in STATES.get(k, ())))
        return _words(states, text, start, limit)
    if p.kind == FILE:
        return _paths(text, start, limit)
    if p.kind == INSTANCE_TYPE:
        seen = {r["type"] for r in inventory.of("instances").values() if r["type"]}
        return _words(list(FIXED_VALUES[p.kind]) + sorted(seen - set(FIXED_VALUES[p.kind])),
                      text, start, limit)
    if p.kind in FIXED_VALUES:
        return _words(FIXED_VALUES[p.kind], text, start, limit)
    return []


def _given(values: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    for v in values.values():
        out.extend(v if isinstance(v, list) else [v] if isinstance(v, str) else [])
    return out


def _words(words: Sequence[str], text: str, start: int, limit: int) -> list[Candidate]:
    hits = [w for w in words if w.startswith(text)] or [w for w in words if text and text in w]
    return [Candidate(_quote(w), start, w) for w in hits[:limit]]


def _zone_constraint(p: Param, inventory: Inventory, values: Mapping[str, Any]) -> str | None:
    if not p.zone_of:
        return None
    other = values.get(p.zone_of)
    other = other[-1] if isinstance(other, list) and other else other
    if not isinstance(other, str) or not other:
        return None
    rec = inventory.get(other)
    return rec.zone if rec is not None and rec.zone else None


def _resources(p: Param, base: str, narrow: str, text: str, start: int, inventory: Inventory,
               values: Mapping[str, Any], limit: int) -> list[Candidate]:
    zone = _zone_constraint(p, inventory, values)
    needle = text.lower()
    if p.kind == RESOURCE:
        groups = [(k, _index(inventory, k, by_name=False).group(None, None)) for k in ID_KINDS]
        found = _search([(k, g) for k, g in groups if g is not None], needle, limit)
    else:
        kind = VALUE_KINDS[base]
        index = _index(inventory, kind)
        wanted = index.group(narrow or None, zone)
        found = _search([(kind, wanted)] if wanted is not None else [], needle, limit)
        if p.kind in FIRST_NOT_ONLY and len(found) < limit:
            rest = index.group(None, zone)
            seen = {r.id for r in found}
            found += [r for r in _search([(kind, rest)] if rest else [], needle, limit)
                      if r.id not in seen][:limit - len(found)]
    taken = set(_given({k: v for k, v in values.items() if k == p.dest}))
    out = []
    by_name = p.kind != RESOURCE
    for rec in found:
        value = rec.name if by_name and rec.kind in BY_NAME else rec.id
        if value in taken:
            continue
        out.append(Candidate(_quote(value), start, _clean(value), _meta(rec, value)))
    return out


def _search(groups: list[tuple[str, _Group]], needle: str, limit: int) -> list[Record]:
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


def _meta(rec: Record, shown: str) -> str:
    parts = [rec.name if rec.name != shown else rec.id if rec.id != shown else "", rec.state, rec.zone]
    if rec.kind == "volumes" and rec["size"]:
        parts.insert(1, f"{rec['size']} GiB")
    if rec.kind in ("addresses", "volumes") and rec["instance"]:
        parts.append(f"→ {rec['instance']}")
    if rec.kind == "groups" and rec["description"]:
        parts.append(rec["description"])
    return _clean(" · ".join(x for x in parts if x))


def _short_device(name: str) -> str:
    return name.removeprefix("/dev/")


def _devices(p: Param, text: str, start: int, inventory: Inventory,
             values: Mapping[str, Any]) -> list[Candidate]:
    """Device names free on the instance named in ``p.device_of`` (all, when none is typed yet)."""
    instance_id = values.get(p.device_of) if p.device_of else None
    rec = inventory.get(instance_id, "instances") if isinstance(instance_id, str) else None
    used: set[str] = set()
    family, letters = "sd", "fghijklmnop"
    if rec is not None:
        raw = rec.raw
        root = str(raw.get("RootDeviceName") or "")
        used.update(_short_device(str(m.get("DeviceName", ""))) for m in raw.get("BlockDeviceMappings") or ())
        if root:
            used.add(_short_device(root))
        used |= _index(inventory, "volumes").devices_by_instance().get(rec.id, set())
        short_root = _short_device(root)
        if short_root.startswith("xvd"):
            family = "xvd"
        elif short_root.startswith("vd"):
            family, letters = "vd", "bcdefghijklmnopqrstuvwxyz"
    taken = {u.rstrip("0123456789") for u in used}
    where = f"free on {rec.id}" + (f" ({_clean(rec.name)})" if rec.name else "") if rec else \
        "free device name (give -i first to check the instance)"
    names = [f"/dev/{family}{c}" for c in letters if f"{family}{c}" not in taken]
    if text and not text.startswith("/"):
        names = [n for n in names if _short_device(n).startswith(text)]
        return [Candidate(n, start, n, where) for n in names]
    return [Candidate(n, start, n, where) for n in names if n.startswith(text)]


def _paths(text: str, start: int, limit: int) -> list[Candidate]:
    """Local file names (the only thing completion reads besides the inventory)."""
    expanded = os.path.expanduser(text)
    folder, stem = os.path.split(expanded)
    try:
        with os.scandir(folder or ".") as it:
            entries = sorted((e for e in itertools.islice(it, 5000) if e.name.startswith(stem)),
                             key=lambda e: e.name)
    except OSError:
        return []
    out = []
    head = text[:len(text) - len(stem)]
    for e in entries[:limit]:
        if e.name.startswith(".") and not stem.startswith("."):
            continue
        suffix = "/" if e.is_dir() else ""
        out.append(Candidate(_quote(head + e.name + suffix), start, e.name + suffix))
    return out
