"""The command layer: one registry, the safety pipeline, and every command group.

``run(ctx, invocation)`` is the single way any face executes a command: help,
read-only refusal, guards from the inventory, confirmation of destructive
commands, dry-run, then the handler. No UI imports here.
"""

from __future__ import annotations

from dataclasses import replace

from cloudshell.cloud.errors import Refused
from cloudshell.commands.context import Context, DryRunDone, Result
from cloudshell.commands.registry import REGISTRY, Invocation

# One module per group of commands; importing one registers its commands.
GROUP_MODULES = ("describe", "instances", "images", "addresses", "groups", "volumes", "snapshots",
                 "keypairs", "tags", "wait", "ssh", "shell")
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
                  assume_yes=ctx.assume_yes or bool(inv.get("yes")))
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
    return result if isinstance(result, Result) else Result(data=result)


__all__ = ["Context", "Result", "Invocation", "registry", "run", "DryRunDone"]
