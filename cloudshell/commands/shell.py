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
    if ctx.settings is not None:
        from cloudshell.cloud.config import config_files

        files = config_files()
        fwidth = max(len(what) for what, _ in files)
        lines += ["", "files:"] + [f"  {what:<{fwidth}}  {path}" for what, path in files]
        data["files"] = [{"What": what, "Path": path} for what, path in files]
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


# The scripts `completion SHELL` prints: each asks `cloudshell __complete SHELL CURRENT-WORD LINE`
# (the line up to the cursor) for one candidate a line, answered from the local ID cache only.
COMPLETION_SCRIPTS = {
    "bash": r'''# cloudshell completion for bash. Enable it: source <(cloudshell completion bash)   (in ~/.bashrc)
_cloudshell() {
    local IFS=$'\n'
    COMPREPLY=($(command cloudshell __complete bash "${COMP_WORDS[COMP_CWORD]}" "${COMP_LINE:0:COMP_POINT}" 2>/dev/null))
    if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *[/=] ]]; then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}
complete -F _cloudshell cloudshell
''',
    "zsh": r'''#compdef cloudshell
# cloudshell completion for zsh. Enable it: source <(cloudshell completion zsh)   (in ~/.zshrc)
(( $+functions[compdef] )) || { autoload -Uz compinit && compinit; }
_cloudshell() {
    local -a reply
    reply=("${(@f)$(command cloudshell __complete zsh "$PREFIX" "${(j: :)words[1,CURRENT-1]} $PREFIX" 2>/dev/null)}")
    reply=(${reply:#})
    compadd -Q -U -S '' -- ${(M)reply:#*[/=]}
    compadd -Q -U -- ${reply:#*[/=]}
}
compdef _cloudshell cloudshell
''',
    "fish": r'''# cloudshell completion for fish. Enable it: cloudshell completion fish | source   (in ~/.config/fish/config.fish)
complete -c cloudshell -f -a '(command cloudshell __complete fish (commandline -ct) (commandline -cp) 2>/dev/null)'
''',
}


@command("completion", "shell", "Print the shell completion script for bash, zsh or fish.",
         params=(Param("shell", choices=tuple(COMPLETION_SCRIPTS), metavar="SHELL", required=True,
                       help="the shell to complete in"),),
         description="Completes commands, options, their values and the IDs of the last describe or "
                     "sweep of the endpoint (a local cache; completing never asks the cloud).\n"
                     "bash: source <(cloudshell completion bash)    zsh: source <(cloudshell completion zsh)\n"
                     "fish: cloudshell completion fish | source",
         example="completion bash", euca=False)
def completion_command(ctx: Context, inv: Invocation) -> Result:
    return Result(raw_text=COMPLETION_SCRIPTS[inv.shell].rstrip("\n"), raw=True)
