"""One command registry for every face: names, aliases, and each command's declaration.

What a command is lives in command.py, its parameters and their kinds of value
in params.py, the grammar every face reads a line with in grammar.py; their
names are also importable from here, as before the split.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from cloudshell.cloud.errors import UsageError
from cloudshell.commands.command import Command, Invocation
from cloudshell.commands.grammar import (
    GLOBAL_FLAGS, Scan, parse_args, scan, split_line,
)
from cloudshell.commands.params import (
    INSTANCE, INSTANCE_RUNNING, INSTANCE_STOPPED, VOLUME, VOLUME_AVAILABLE, VOLUME_ATTACHED, SNAPSHOT, IMAGE,
    MACHINE_IMAGE, KERNEL, RAMDISK, ADDRESS, ADDRESS_FREE, ADDRESS_ASSOCIATED, GROUP, KEYPAIR, ZONE,
    RESOURCE, DEVICE, STATE, FILE, CIDR, PROTOCOL, PORTS, INT, TEXT, FILTER, TAG, INSTANCE_TYPE, ARCH,
    BUCKET, COMMAND, OUTPUT_FORMATS, COMMON_PARAMS, Param, boot_params,
)


class Registry:
    """Every command, by canonical name and by alias (``euca-`` prefix included)."""

    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}
        self._names: dict[str, str] = {}

    def add(self, cmd: Command) -> Command:
        for name in (cmd.name, *cmd.aliases):
            if name in self._names and self._names[name] != cmd.name:
                raise ValueError(f"command name {name!r} registered twice")
            self._names[name] = cmd.name
        self._commands[cmd.name] = cmd
        return cmd

    def command(self, name: str, group: str, summary: str, *, params: Sequence[Param] = (),
                aliases: Iterable[str] = (), euca: bool = True, **kw: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator: register the function as the handler of a command."""
        def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
            names = list(aliases)
            for base in (name, *aliases) if euca else ():
                if not base.startswith("euca-") and f"euca-{base}" not in names:
                    names.append(f"euca-{base}")
            self.add(Command(name=name, group=group, summary=summary, handler=fn,
                             params=tuple(params), aliases=tuple(names), **kw))
            return fn
        return wrap

    def resolve(self, name: str) -> Command | None:
        canonical = self._names.get(name)
        return self._commands.get(canonical) if canonical else None

    def get(self, name: str) -> Command:
        cmd = self.resolve(name)
        if cmd is None:
            close = self.suggest(name)
            hint = f" (did you mean {close}?)" if close else " (type 'help' for the list)"
            raise UsageError(f"unknown command: {name}{hint}")
        return cmd

    def suggest(self, name: str) -> str | None:
        import difflib

        found = difflib.get_close_matches(name, list(self._names), n=1, cutoff=0.7)
        return self._names[found[0]] if found else None

    def all(self) -> list[Command]:
        return list(self._commands.values())

    def names(self, *, aliases: bool = True) -> list[str]:
        return sorted(self._names if aliases else self._commands)

    def groups(self) -> dict[str, list[Command]]:
        out: dict[str, list[Command]] = {}
        for cmd in self._commands.values():
            out.setdefault(cmd.group, []).append(cmd)
        return out

    # -- parsing ---------------------------------------------------------------------
    def parse_line(self, line: str) -> Invocation:
        return self.parse(split_line(line))

    def parse(self, argv: Sequence[str]) -> Invocation:
        if not argv:
            raise UsageError("no command given (type 'help' for the list)")
        cmd = self.get(argv[0])
        inv = parse_args(cmd, list(argv[1:]))
        inv.typed = argv[0]
        return inv



REGISTRY = Registry()
command = REGISTRY.command


__all__ = [
    "Command", "Invocation", "Registry", "REGISTRY", "command", "GLOBAL_FLAGS", "Scan", "parse_args", "scan",
    "split_line", "COMMON_PARAMS", "Param", "boot_params", "INSTANCE", "INSTANCE_RUNNING",
    "INSTANCE_STOPPED", "VOLUME", "VOLUME_AVAILABLE", "VOLUME_ATTACHED", "SNAPSHOT", "IMAGE",
    "MACHINE_IMAGE", "KERNEL", "RAMDISK", "ADDRESS", "ADDRESS_FREE", "ADDRESS_ASSOCIATED", "GROUP",
    "KEYPAIR", "ZONE", "RESOURCE", "DEVICE", "STATE", "FILE", "CIDR", "PROTOCOL", "PORTS", "INT", "TEXT",
    "FILTER", "TAG", "INSTANCE_TYPE", "ARCH", "BUCKET", "COMMAND", "OUTPUT_FORMATS",
]
