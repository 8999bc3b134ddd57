"""The command layer: one registry, the safety pipeline, and every command group.

``run(ctx, invocation)`` is the single way any face executes a command: help,
read-only refusal, guards from the inventory, confirmation of destructive
commands, dry-run, then the handler. No UI imports here.
"""

from __future__ import annotations

from dataclasses import replace

from cloudshell.cloud.errors import CloudshellError, OutcomeUnknown, Refused
from cloudshell.cloud.inventory import fetch_kind
from cloudshell.cloud.kinds import KINDS, kind_of_id, kind_of_value
from cloudshell.commands.context import Context, DryRunDone, Result
from cloudshell.commands.registry import MACHINE_IMAGE, REGISTRY, Invocation
from cloudshell.commands.targets import label, unique

# One module per group of commands; importing one registers its commands.
GROUP_MODULES = ("describe", "instances", "images", "bundles", "addresses", "groups", "volumes", "snapshots",
                 "keypairs", "tags", "wait", "ssh", "shell", "publish", "bundle_delete", "instance_info",
                 "attributes", "image_tasks", "local_tools", "image_bundles", "conversions", "disk_imports",
                 "disk_import_tasks", "bundle_vol", "vpcs", "routes", "gateways", "vpn", "interfaces", "acls",
                 "peering")
_loaded = False


def registry():
    """The registry with every command group imported (imported lazily: start-up time)."""
    global _loaded
    if not _loaded:
        import importlib

        for module in GROUP_MODULES:
            importlib.import_module(f"cloudshell.commands.{module}")
        _loaded = True
    return REGISTRY


def run(ctx: Context, inv: Invocation) -> Result:
    """Execute one parsed invocation under every safety rule."""
    cmd = inv.command
    if inv.wants_help:
        return Result(raw_text=cmd.help_text())
    ctx = replace(ctx, dry_run=ctx.dry_run or bool(inv.get("dry_run")),
                  assume_yes=ctx.assume_yes or bool(inv.get("yes")), sent=[])
    if cmd.mutates:
        ctx.guard_mutation(cmd.name)
    if cmd.check is not None:
        cmd.check(ctx, inv)
    if cmd.destroys and not ctx.dry_run and not ctx.assume_yes:
        question = cmd.confirm(ctx, inv) if cmd.confirm else f"Really {cmd.name} {' '.join(inv.argv)}?"
        if not ctx.confirm(question):
            raise Refused(f"{cmd.name}: not confirmed, nothing was sent"
                          + ("" if ctx.interactive else " (add --yes to confirm in scripts)"))
    try:
        result = cmd.handler(ctx, inv)
    except DryRunDone as done:
        return Result(lines=(f"dry run: {done.message}",), exit_code=0 if done.ok else 1,
                      data={"DryRun": done.ok, "Message": done.message})
    except OutcomeUnknown as exc:
        raise _reread(ctx, inv, exc) from None
    result = result if isinstance(result, Result) else Result(data=result)
    if result.operation is None and ctx.sent:
        result = replace(result, operation=ctx.sent[0])
    return replace(result, command=cmd.name, request=inv.values)


def _reread(ctx: Context, inv: Invocation, exc: OutcomeUnknown) -> OutcomeUnknown:
    """A mutation whose answer was lost: re-read what it acted on (never resend) and say how it stands."""
    targets: dict[str, list[str]] = {}
    for p in inv.command.params:
        value = inv.values.get(p.dest)
        if not p.positional or p.kind == MACHINE_IMAGE:  # a launch's image is not what it changes
            continue
        for rid in value if isinstance(value, list) else [value]:
            kind = (kind_of_id(rid) if isinstance(rid, str) and rid else None) or kind_of_value(p.kind)
            name = kind.name if kind else None
            if name and isinstance(rid, str) and (not KINDS[name].id_prefixes or KINDS[name].owns(rid)):
                targets.setdefault(name, []).append(rid)
    if not targets:
        return exc
    seen: list[str] = []
    try:
        for name, ids in targets.items():
            recs, _ = fetch_kind(ctx.session, KINDS[name], ids=ids)
            seen += [f"{label(recs[rid])} {recs[rid].state or 'exists'}" if rid in recs else f"{rid} gone"
                     for rid in unique(ids)]
    except CloudshellError:
        seen.append("the re-read failed too")
    if ctx.poller is not None:
        ctx.poller.refresh_now(ids=[rid for ids in targets.values() for rid in ids])
    return OutcomeUnknown(exc.code, f"{exc.message}; re-read: {', '.join(seen)}", retryable=exc.retryable,
                          operation=exc.operation, status=exc.status)


__all__ = ["Context", "Result", "Invocation", "registry", "run", "DryRunDone"]
