"""The bottom toolbar: where we are, what we know, how fresh it is, and how the poller fares."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from cloudshell.cloud.inventory import Inventory, age_text
from cloudshell.cloud.kinds import COUNT_LABELS

if TYPE_CHECKING:
    from cloudshell.cloud.poller import Health

SHORT = tuple(COUNT_LABELS.items())
SEP = " │ "
Fragments = list[tuple[str, str]]


def _health_style(state: str) -> str:
    return {"ok": "class:toolbar.ok", "retrying": "class:toolbar.warn",
            "stale": "class:toolbar.bad"}.get(state, "class:toolbar.warn")


def toolbar_fragments(*, label: str, region: str, inventory: Inventory, health: Health | None, width: int,
                      interval: float = 5.0, note: str = "", now: float | None = None) -> Fragments:
    """The toolbar's text, fitted to ``width``: endpoint and region, counts, data age, health."""
    now = time.time() if now is None else now
    where = f" {label} {region}".rstrip()
    age = inventory.age(now)
    if inventory.empty:
        counts: list[str] = []
        what = "loading inventory…"
    else:
        counts = [f"{len(inventory.of(kind))} {short}" for kind, short in SHORT if inventory.has(kind)]
        what = ""
    state = health.state if health is not None else "starting"
    health_text = health.describe(now) if health is not None else "connecting…"
    old = age is not None and age > max(3 * interval, 30)
    tail = [(_health_style(state), health_text)]
    if note:
        tail += [("class:toolbar", SEP), ("class:toolbar.note", note)]

    def build(shown: list[str]) -> Fragments:
        body = what or " ".join(shown)
        out: Fragments = [("class:toolbar.endpoint", where), ("class:toolbar", SEP),
                          ("class:toolbar", body)]
        if age is not None:
            out += [("class:toolbar", SEP), ("class:toolbar.warn" if old else "class:toolbar", age_text(age))]
        return out + [("class:toolbar", SEP)] + tail

    shown = list(counts)
    frags = build(shown)
    while shown and _length(frags) > width:
        shown.pop()
        frags = build(shown)
    return _cut(frags, width)


def _length(frags: Fragments) -> int:
    return sum(len(text) for _, text in frags)


def _cut(frags: Fragments, width: int) -> Fragments:
    """Cut the last fragments so the whole fits ``width`` (ending with … when cut)."""
    if _length(frags) <= width:
        return frags
    out: Fragments = []
    room = max(0, width - 1)
    for style, text in frags:
        if room <= 0:
            break
        out.append((style, text[:room]))
        room -= len(text[:room])
    out.append(("class:toolbar", "…"))
    return out
