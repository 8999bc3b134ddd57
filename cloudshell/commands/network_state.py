"""What the network commands' guards read: fresh describe calls, never a snapshot that may be old.

A guard about what is still inside a VPC or a subnet, or about which blocks are taken, must see
the cloud as it is now: a subnet made a second ago by another tool is in the way all the same.
Pure reading: nothing here calls a mutating API.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cloudshell.cloud.errors import Refused, UsageError
from cloudshell.cloud.inventory import Record, fetch_kind, label
from cloudshell.cloud.kinds import ResourceKind
from cloudshell.commands.guards import some
from cloudshell.commands.network_values import network_kind

PAGE_CAP = 20


def _kind(value_kind: str) -> ResourceKind:
    return network_kind(value_kind)   # any kind of value: "instance", "group", "subnet"…


def fresh(ctx: Any, value_kind: str, rid: str) -> Record:
    """The record of one resource, read now by ID; one line naming it when there is none."""
    kind = _kind(value_kind)
    recs, _ = fetch_kind(ctx.session, kind, ids=[rid])
    found = recs.get(rid)
    if found is None:
        raise UsageError(f"no {kind.singular} {rid} here (check the ID with {_describe(kind)})")
    return found


def _describe(kind: ResourceKind) -> str:
    return kind.describe.command if kind.describe is not None else f"describe-{kind.name}"


def _records(ctx: Any, kind: ResourceKind, params: Mapping[str, Any]) -> list[Record]:
    out: dict[str, Record] = {}
    for page in ctx.session.pages(kind.operation, page_cap=PAGE_CAP, **{**kind.request, **params}):
        for raw in kind.records_of(page):
            rec = Record.from_raw(kind, raw)
            out[rec.id] = rec
    return sorted(out.values(), key=lambda r: r.id)


def listed(ctx: Any, value_kind: str, filters: Mapping[str, Iterable[str]]) -> list[Record]:
    """Every resource of a kind matching the API filters (``{"vpc-id": ["vpc-1"]}``), read now."""
    kind = _kind(value_kind)
    return _records(ctx, kind, {kind.filter_key: [{"Name": name, "Values": list(values)}
                                                  for name, values in filters.items()]})


def live_instances(ctx: Any, filters: Mapping[str, Iterable[str]]) -> list[Record]:
    """Instances matching the filters that are not terminated (a terminated one holds nothing)."""
    return [r for r in listed(ctx, "instance", filters) if r.state != "terminated"]


def refuse_if_any(command: str, what: str, found: Mapping[str, list[Record]], hint: str) -> None:
    """One line listing everything still in the way, by kind, then what to do; nothing when empty."""
    parts = [f"{name} {some([label(r) for r in recs])}" for name, recs in found.items() if recs]
    if parts:
        raise Refused(f"{command}: {what} still holds {'; '.join(parts)}: {hint}")


def vpc_blocks(vpc: Record) -> list[str]:
    """A VPC's IPv4 blocks: its primary one and every associated one."""
    blocks = [str(vpc.raw.get("CidrBlock") or "")]
    for assoc in vpc.raw.get("CidrBlockAssociationSet") or ():
        state = (assoc.get("CidrBlockState") or {}).get("State", "associated")
        if assoc.get("CidrBlock") and state in ("associated", "associating"):
            blocks.append(str(assoc["CidrBlock"]))
    return [b for b in dict.fromkeys(blocks) if b]
