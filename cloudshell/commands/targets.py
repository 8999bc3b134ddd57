"""The resources a command acts on: found in the live inventory, named in messages, re-read after.

Shared by the instance, image, address, tag and wait commands so that every
one of them reports "no instance i-… here" and "i-… (web-1) running → stopping"
the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from cloudshell.cloud.errors import UsageError
from cloudshell.cloud.inventory import Change, Record, fetch_kind, label  # noqa: F401 - the commands label with it
from cloudshell.cloud.kinds import KINDS


def unique(values: Iterable[str]) -> list[str]:
    """The values in their order, each once (``terminate-instances i-1 i-1`` sends i-1 once)."""
    return list(dict.fromkeys(values))


def require(ctx: Any, ids: Sequence[str], kind: str) -> dict[str, Record]:
    """The records of IDs the user named, or a one-line error naming the first unknown one.

    IDs the snapshot lacks are re-read by ID once before failing: the live
    faces' snapshot may predate a launch made a second ago.
    """
    inv = ctx.inventory(kind)
    found: dict[str, Record] = {}
    missing: list[str] = []
    for rid in ids:
        rec = inv.get(rid, kind)
        if rec is None:
            missing.append(rid)
        else:
            found[rid] = rec
    if missing:
        recs, _ = fetch_kind(ctx.session, KINDS[kind], ids=missing)
        found.update(recs)
        for rid in missing:
            if rid not in recs:
                raise UsageError(f"no {KINDS[kind].singular} {rid} here "
                                 f"(check the ID with describe-{kind})")
    return {rid: found[rid] for rid in ids}


def current(ctx: Any, rid: str, kind: str) -> Record | None:
    """What the context knows of a resource now (the poller's snapshot or the last fetch)."""
    return ctx.inventory().get(rid, kind)


def state_after(ctx: Any, rid: str, kind: str) -> str | None:
    """The state re-read right after an action, in one-shot use; None when a poller refreshes later."""
    if ctx.poller is not None:
        return None
    rec = current(ctx, rid, kind)
    return rec.state if rec is not None else "gone"


def transition(ctx: Any, rid: str, kind: str, states: Iterable[str], *, name_of: Record | None = None,
               prefix: str = "") -> str:
    """``i-1 (web-1) running → stopping → stopped``: the API's answer, then what a re-read saw."""
    chain: list[str] = []
    for state in [*states, state_after(ctx, rid, kind) or ""]:
        if state and (not chain or chain[-1] != state):
            chain.append(state)
    who = label(name_of or current(ctx, rid, kind), rid)
    return f"{prefix}{who} {' → '.join(chain)}".rstrip()


def other_changes(changes: Iterable[Change], described: Iterable[str]) -> tuple[Change, ...]:
    """Changes the command's own lines do not already tell."""
    told = set(described)
    return tuple(c for c in changes if c.id not in told)
