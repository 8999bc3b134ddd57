"""Shell commands: help, config, refresh."""

from __future__ import annotations

from cloudshell.cloud.kinds import KINDS
from cloudshell.commands.context import Context, Result
from cloudshell.commands.registry import COMMAND, REGISTRY, Invocation, Param, command

# The kinds' groups in their rows' order, then the groups of no kind, shell last.
GROUP_ORDER = (*dict.fromkeys(k.help_group for k in KINDS.values()), "bundles", "tags", "shell")


@command("help", "shell", "List every command by group, or show one command's usage.",
         params=(Param("topic", kind=COMMAND, nargs="?", metavar="COMMAND", help="a command name"),),
         example="help attach-volume", euca=False)
def help_command(ctx: Context, inv: Invocation) -> Result:
    if inv.topic:
        return Result(raw_text=REGISTRY.get(inv.topic).help_text())
    groups = REGISTRY.groups()
    order = [g for g in GROUP_ORDER if g in groups] + sorted(set(groups) - set(GROUP_ORDER))
    lines = []
    for group in order:
        lines.append(f"{group}:")
        for cmd in sorted(groups[group], key=lambda c: c.name):
            lines.append(f"  {cmd.name:<28} {cmd.summary}")
    lines.append("")
    lines.append("euca- prefixed names work too (euca-describe-instances). COMMAND --help for usage.")
    data = {g: [c.name for c in groups[g]] for g in order}
    return Result(raw_text="\n".join(lines), data=data)


@command("config", "shell", "Show every resolved setting and where it came from (secret masked).",
         example="config", euca=False)
def config_command(ctx: Context, inv: Invocation) -> Result:
    rows = ctx.settings.rows() if ctx.settings is not None else []
    width = max([len(r[0]) for r in rows] + [7])
    vwidth = max([len(r[1]) for r in rows] + [5])
    lines = [f"{'setting':<{width}}  {'value':<{vwidth}}  source"]
    lines += [f"{name:<{width}}  {value:<{vwidth}}  {source}" for name, value, source in rows]
    data = {name: {"Value": value, "Source": source} for name, value, source in rows}
    return Result(raw_text="\n".join(lines), data=data)


@command("refresh", "shell", "Re-read every resource now (the live faces also do it on F5).",
         example="refresh", euca=False)
def refresh_command(ctx: Context, inv: Invocation) -> Result:
    if ctx.poller is not None:
        ctx.poller.refresh_now()
        return Result(lines=("refresh requested",))
    from cloudshell.cloud.inventory import fetch

    inv_now = fetch(ctx.session)
    counts = ", ".join(f"{n} {k}" for k, n in inv_now.counts().items())
    return Result(lines=(f"refreshed: {counts}",), data=inv_now.counts())
