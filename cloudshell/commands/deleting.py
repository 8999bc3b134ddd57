"""The delete command of a kind, built once: its name and group from the kind's row, then
find the record, send the one call, re-read, and say what happened.

Each kind's module keeps what is its own: the parameter, the guard (what still uses it),
the question asked first, and the words of the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cloudshell.cloud.inventory import Record, label
from cloudshell.cloud.kinds import KINDS
from cloudshell.commands.context import Context, Result
from cloudshell.commands.guards import find as by_id
from cloudshell.commands.registry import Invocation, Param, command
from cloudshell.commands.targets import other_changes


def _deleted(rec: Record | None, rid: str) -> str:
    return f"deleted {label(rec, rid)}"


def delete_command(kind: str, summary: str, param: Param, *, operation: str, key: str,
                   check: Callable[..., None], find: Callable[[Context, str], Record | None] | None = None,
                   confirm: Callable[..., str], example: str, aliases: tuple[str, ...] = (),
                   said: Callable[[Record | None, str], str] = _deleted,
                   sent_id: Callable[[Record | None, str], str] = lambda rec, rid: rid,
                   changes: str = "all") -> Callable[[Context, Invocation], Result]:
    """Register ``KINDS[kind].delete_command``. ``changes``: ``all`` the re-read saw, ``others``
    than the deleted one's (its own is the answer's line), or ``none`` (the kind re-read whole).
    ``find`` reads the record first (default: by ID in the inventory, a one-line error if unknown)."""
    spec = KINDS[kind]
    if find is None:
        def find(ctx: Context, rid: str) -> Record | None:
            return by_id(ctx, rid, kind)

    def handler(ctx: Context, inv: Invocation) -> Result:
        rid = inv.values[param.dest]
        rec = find(ctx, rid)
        target = sent_id(rec, rid)
        reply = ctx.send(operation, **{key: target})
        if changes == "none":
            ctx.after_action([], kinds=[kind])
            return Result(data=reply, lines=(said(rec, rid),))
        seen: Any = ctx.after_action([target])
        return Result(data=reply, lines=(said(rec, rid),),
                      changes=other_changes(seen, [target]) if changes == "others" else seen)
    handler.__name__ = spec.delete_command.replace("-", "_")
    command(spec.delete_command, spec.help_group, summary, aliases=aliases, params=(param,), mutates=True,
            destroys=True, check=check, confirm=confirm, example=example)(handler)
    return handler
