"""tags: create, delete and describe tags (``--tag KEY[=VALUE]``, as euca2ools spells them)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cloudshell.cloud.errors import UsageError
from cloudshell.cloud.kinds import Column, ResourceKind, kind_of_id
from cloudshell.commands.context import Context, Result
from cloudshell.commands.describe import FILTER_PARAM, aws_params, describe, filters_of, request
from cloudshell.commands.registry import RESOURCE, TAG, Invocation, Param, command
from cloudshell.commands.targets import current, label, require, unique
from cloudshell.commands.values import resource_id, shown

KEY_LIMIT, VALUE_LIMIT, TAGS_PER_RESOURCE = 128, 256, 50

TAGS_KIND = ResourceKind(
    name="tags", singular="tag", operation="describe_tags", result_path=("Tags",), id_key="ResourceId",
    id_prefixes=(), id_filter="resource-id", ids_param=None,
    columns=(Column("Resource", "Resource", lambda r: r.get("ResourceId", "")),
             Column("Type", "Type", lambda r: r.get("ResourceType", "")),
             Column("Key", "Key", lambda r: r.get("Key", "")),
             Column("Value", "Value", lambda r: r.get("Value", ""))))


def _key(raw: str, key: str) -> str:
    if not key.strip():
        raise UsageError(f"{shown(raw)} has no key (expected KEY[=VALUE], e.g. Name=web-1)")
    if len(key) > KEY_LIMIT:
        raise UsageError(f"tag key {shown(key)} is longer than {KEY_LIMIT} characters")
    if key.lower().startswith("aws:"):
        raise UsageError(f"tag key {shown(key)}: keys starting with aws: are reserved")
    if any(ord(c) < 32 for c in key):
        raise UsageError(f"tag key {shown(key)} holds control characters (expected printable text)")
    return key


def tag_to_set(raw: str) -> tuple[str, str]:
    """``KEY=VALUE``, or ``KEY`` for an empty value."""
    key, _, value = raw.partition("=")
    if len(value) > VALUE_LIMIT:
        raise UsageError(f"tag value for {shown(key)} is longer than {VALUE_LIMIT} characters")
    return _key(raw, key), value


def tag_to_delete(raw: str) -> tuple[str, str | None]:
    """``KEY`` (any value), ``KEY=`` (only if empty) or ``KEY=VALUE`` (only if it matches)."""
    key, eq, value = raw.partition("=")
    return _key(raw, key), (value if eq else None)


def _check(ctx: Context, inv: Invocation) -> None:
    keys = [k for k, _ in inv.tags]
    twice = next((k for k in keys if keys.count(k) > 1), None)
    if twice is not None and inv.command.name == "create-tags":
        raise UsageError(f"create-tags: --tag {twice} given twice (expected each key once)")
    if len(set(keys)) > TAGS_PER_RESOURCE:
        raise UsageError(f"{inv.command.name}: {len(set(keys))} tags; a resource holds at most {TAGS_PER_RESOURCE}")
    by_kind: dict[str, list[str]] = {}
    for rid in unique(inv.ids):
        kind = kind_of_id(rid)
        if kind is not None:   # IDs of kinds cloudshell does not list (subnet-…) go unchecked
            by_kind.setdefault(kind.name, []).append(rid)
    for kind, ids in by_kind.items():
        require(ctx, ids, kind)


def _labels(ctx: Context, ids: list[str]) -> str:
    out = []
    for rid in ids:
        kind = kind_of_id(rid)
        out.append(label(current(ctx, rid, kind.name), rid) if kind else rid)
    return ", ".join(out)


def _ids_param(help_text: str) -> Param:
    return Param("ids", kind=RESOURCE, nargs="+", convert=resource_id, metavar="RESOURCE", help=help_text)


@command("create-tags", "tags", "Add or overwrite tags on resources.",
         params=(_ids_param("IDs of the resources to tag"),
                 Param("tags", ("--tag",), kind=TAG, action="append", required=True, convert=tag_to_set,
                       metavar="KEY[=VALUE]", help="tag to set; no value = empty value (repeatable)")),
         mutates=True, check=_check, example="create-tags i-1a2b3c4d vol-1a2b3c4d --tag Name=web-1")
def create_tags(ctx: Context, inv: Invocation) -> Result:
    ids = unique(inv.ids)
    who = _labels(ctx, ids)
    reply = ctx.send("create_tags", Resources=ids, Tags=[{"Key": k, "Value": v} for k, v in inv.tags])
    changes = ctx.after_action(ids)
    pairs = ", ".join(f"{k}={v}" for k, v in inv.tags)
    return Result(data=reply, lines=(f"tagged {who}: {pairs}",), changes=changes)


def _confirm_delete(ctx: Context, inv: Invocation) -> str:
    keys = ", ".join(k if v is None else f"{k}={v}" for k, v in inv.tags)
    return f"Delete tags {keys} from {_labels(ctx, unique(inv.ids))}?"


@command("delete-tags", "tags", "Delete tags from resources.",
         params=(_ids_param("IDs of the resources to untag"),
                 Param("tags", ("--tag",), kind=TAG, action="append", required=True, convert=tag_to_delete,
                       metavar="KEY[=[VALUE]]",
                       help="KEY: whatever its value; KEY=VALUE: only with that value (repeatable)")),
         mutates=True, destroys=True, check=_check, confirm=_confirm_delete,
         example="delete-tags i-1a2b3c4d --tag Name")
def delete_tags(ctx: Context, inv: Invocation) -> Result:
    ids = unique(inv.ids)
    who = _labels(ctx, ids)
    tags: list[dict[str, Any]] = [{"Key": k} if v is None else {"Key": k, "Value": v} for k, v in inv.tags]
    reply = ctx.send("delete_tags", Resources=ids, Tags=tags)
    changes = ctx.after_action(ids)
    keys = ", ".join(k if v is None else f"{k}={v}" for k, v in inv.tags)
    return Result(data=reply, lines=(f"untagged {who}: {keys}",), changes=changes)


@command("describe-tags", "tags", "List tags (all, or of the resources given).",
         params=aws_params(Param("ids", kind=RESOURCE, nargs="*", convert=resource_id, metavar="RESOURCE",
                                 help="only the tags of these resources"),
                           filter_param=replace(FILTER_PARAM, help="key, value, resource-id or resource-type "
                                                "(repeatable)")),
         example="describe-tags --filter resource-type=instance --filter key=Name")
def describe_tags(ctx: Context, inv: Invocation) -> Result:
    filters = filters_of(inv)
    if inv.ids:
        filters.append({"Name": "resource-id", "Values": unique(inv.ids)})
    return describe(ctx, TAGS_KIND, inv, request(inv, {"Filters": filters}))
