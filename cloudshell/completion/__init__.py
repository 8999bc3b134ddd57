"""The one completer: command names, options and live IDs from an inventory snapshot.

Plain logic over an immutable :class:`Inventory`: no network call, no UI import.
The REPL adapts it to prompt_toolkit (``cloudshell/repl/completer.py``); the
monitor's command bar can call :func:`complete` as it is.

IDs come from the indexes in :mod:`cloudshell.completion.index` (built once
per snapshot, searched with ``bisect`` and ``str.find``). Candidates come in
tiers and the first tier with any hit wins, so Tab's candidates share what was
typed: ID prefix, then Name-tag prefix, then substring (and, on groups small
enough to scan, a fuzzy subsequence match).
"""

from __future__ import annotations

import itertools
import os
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cloudshell.cloud.inventory import Inventory, Record
from cloudshell.cloud.kinds import KINDS, VALUE_KINDS, kind_of_id
from cloudshell.cloud.terminal import masked
from cloudshell.completion.context import SAME_VPC, is_context, narrowing
from cloudshell.completion.index import KindIndex, index_of, prepare, search, short_device
from cloudshell.commands.registry import (
    ARCH, COMMAND, DEVICE, FILE, INSTANCE_TYPE, PROTOCOL, RESOURCE, STATE, Command, Param, Registry, scan,
)

LIMIT = 100              # candidates returned at most
COMMANDS_LIMIT = 1000    # command names (every one, with the face's own words)

# "KIND[:NARROWING]" of a Param → the inventory kind it completes from: kinds.VALUE_KINDS.
FIRST_NOT_ONLY = frozenset({"image:machine"})  # the narrowed ones first, then the rest
ID_KINDS = tuple(k for k in KINDS if KINDS[k].id_prefixes)   # what "resource" offers, by ID

FIXED_VALUES = {
    PROTOCOL: ("tcp", "udp", "icmp", "-1"),
    ARCH: ("x86_64", "i386", "arm64"),
    INSTANCE_TYPE: ("t1.micro", "m1.small", "m1.medium", "c1.medium", "m1.large", "m1.xlarge",
                    "c1.xlarge", "m2.xlarge", "m2.2xlarge", "m3.xlarge", "m3.2xlarge",
                    "cc1.4xlarge", "cr1.8xlarge"),
}

__all__ = ["Candidate", "LIMIT", "complete", "prepare"]


@dataclass(frozen=True)
class Candidate:
    """One completion: ``text`` replaces the ``-start_position`` characters before the cursor."""

    text: str
    start_position: int
    display: str
    meta: str = ""


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
    return masked(text, " ")


# -- completing ------------------------------------------------------------------------

def complete(line_before_cursor: str, inventory: Inventory, registry: Registry, *,
             extra: Mapping[str, str] | None = None, limit: int = LIMIT) -> list[Candidate]:
    """What may come at the cursor: command names, the command's options, or values of the
    option or argument being typed, from ``inventory`` only (never the network).

    ``extra`` adds words a face understands besides the registry's (``exit``) with their meta.
    """
    words, raw = _split(line_before_cursor)
    if not words:
        # Command names are bounded by the registry, not by the cloud: the default cap is for values
        # (a face asking for fewer still gets fewer).
        return _commands(registry, raw, -len(raw), extra or {}, limit if limit < LIMIT else COMMANDS_LIMIT)
    cmd = registry.resolve(words[0])
    if cmd is None:
        return []
    flags = cmd.flag_map()
    read = scan(cmd, words[1:])   # the registry's own reading of the words, leniently
    if read.rest is not None:
        return []
    values = read.raw_values()
    pending = read.pending
    nxt = read.next_positional(values)
    if pending is not None and _takes_many(pending) and raw.startswith("-") and not raw[1:2].isdigit():
        return _options(cmd, raw, values)
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


def _takes_many(p: Param) -> bool:
    return bool(p.flags) and p.nargs == "+"


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
    # Never cut: the names are a few hundred at most, and a cut list hid commands (and `exit`).
    return [Candidate(n, start, n, _clean(meta(n))) for n in hits]


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
        states = list(dict.fromkeys(s for k in kinds or KINDS for s in KINDS[k].wait_states))
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
        groups = [(k, index_of(inventory, k, by_name=False).group(None, None)) for k in ID_KINDS]
        found = search([(k, g) for k, g in groups if g is not None], needle, limit)
        by_name = False   # any kind's IDs
    else:
        kind = VALUE_KINDS[base]
        index = index_of(inventory, kind)
        if is_context(narrow):   # narrowed by the line's other values, not by a state
            keep = narrowing(narrow, inventory, values, p.dest)
            if keep is not None:
                index = KindIndex(kind, {rid: r for rid, r in inventory.of(kind).items() if keep(r)},
                                  index.by_name and narrow != SAME_VPC)   # in one VPC: groups by ID
            narrow = ""
        wanted = index.group(narrow or None, zone)
        found = search([(kind, wanted)] if wanted is not None else [], needle, limit)
        if p.kind in FIRST_NOT_ONLY and len(found) < limit:
            rest = index.group(None, zone)
            seen = {r.id for r in found}
            found += [r for r in search([(kind, rest)] if rest else [], needle, limit)
                      if r.id not in seen][:limit - len(found)]
        by_name = index.by_name
    taken = set(_given({k: v for k, v in values.items() if k == p.dest}))
    out = []
    for rec in found:
        value = rec.name if by_name else rec.id
        if value in taken:
            continue
        out.append(Candidate(_quote(value), start, _clean(value), _meta(rec, value)))
    return out


def _meta(rec: Record, shown: str) -> str:
    lead, tail = KINDS[rec.kind].meta(rec)
    parts = [rec["cloud"], rec.name if rec.name != shown else rec.id if rec.id != shown else "", *lead, rec.state,
             rec.zone, *tail]   # the cloud first when the REPL has several (repl/clouds.py tags them)
    return _clean(" · ".join(x for x in parts if x))


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
        used.update(short_device(str(m.get("DeviceName", ""))) for m in raw.get("BlockDeviceMappings") or ())
        if root:
            used.add(short_device(root))
        used |= index_of(inventory, "volumes").devices_by_instance().get(rec.id, set())
        short_root = short_device(root)
        if short_root.startswith("xvd"):
            family = "xvd"
        elif short_root.startswith("vd"):
            family, letters = "vd", "bcdefghijklmnopqrstuvwxyz"
    taken = {u.rstrip("0123456789") for u in used}
    where = f"free on {rec.id}" + (f" ({_clean(rec.name)})" if rec.name else "") if rec else \
        "free device name (give -i first to check the instance)"
    names = [f"/dev/{family}{c}" for c in letters if f"{family}{c}" not in taken]
    if text and not text.startswith("/"):
        names = [n for n in names if short_device(n).startswith(text)]
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
