"""A command as every face knows it, and one parsed command line of it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from cloudshell.cloud.kinds import kind_of_value
from cloudshell.commands.params import COMMON_PARAMS, Param


@dataclass(frozen=True)
class Command:
    """A command as every face knows it."""

    name: str
    group: str
    summary: str
    handler: Callable[..., Any]
    params: tuple[Param, ...] = ()
    aliases: tuple[str, ...] = ()
    mutates: bool = False
    destroys: bool = False
    example: str = ""
    description: str = ""
    check: Callable[..., None] | None = None   # inventory-aware guards before sending
    confirm: Callable[..., str] | None = None  # the question asked for destructive commands
    common: bool = True             # takes COMMON_PARAMS (not cli.py's grammar of its own flags)

    def all_params(self) -> tuple[Param, ...]:
        if not self.common:
            return self.params
        own = {f for p in self.params for f in p.flags}
        return self.params + tuple(
            p for p in COMMON_PARAMS if not own.intersection(f.rstrip(":") for f in p.flags))

    def flag_map(self) -> dict[str, Param]:
        out = {}
        for p in self.all_params():
            for f in p.flags:
                out[f.rstrip(":")] = p
        return out

    @cached_property
    def aws_spellings(self) -> dict[str, Param]:
        """awscli's names for the resource parameters, beside euca2ools': from the kind's describe
        parameter (``InstanceIds`` → ``--instance-ids`` for a list, ``--instance-id`` for one), so
        ``terminate-instances --instance-ids i-…`` and ``attach-volume --volume-id V --instance-id I``
        read as awscli's (grammar.scan). A flag the command has itself wins. Made once a command."""
        flags = self.flag_map()
        out: dict[str, Param] = {}
        for p in self.params:
            kind = kind_of_value(p.kind) if p.kind and p.takes_value else None
            if kind is None or not kind.ids_param:
                continue
            plural = "--" + re.sub(r"(?<!^)(?=[A-Z])", "-", kind.ids_param).lower()
            name = plural if p.nargs in ("*", "+") or p.action == "append" else plural.removesuffix("s")
            if name not in flags:
                out.setdefault(name, p)
        return out

    def usage(self) -> str:
        return " ".join([self.name] + [p.usage() for p in self.params])

    def help_text(self) -> str:
        lines = [f"usage: {self.usage()}", "", self.summary]
        if self.description:
            lines += ["", self.description]
        if self.aliases:
            lines += ["", "aliases: " + ", ".join(self.aliases)]
        rows = []
        for p in self.params:
            if p.action == "rest":
                head = f"-- {p.label}…"
            elif p.positional:
                head = p.label
            else:
                head = ", ".join(f.rstrip(":") for f in p.flags) + ("" if p.action == "flag" else f" {p.label}")
            extra = f" (one of: {', '.join(p.choices)})" if p.choices else ""
            rows.append((head, p.help + extra))
        if rows:
            width = min(28, max(len(h) for h, _ in rows))
            lines += ["", "arguments:"] + [f"  {h:<{width}}  {t}" for h, t in rows]
        if self.aws_spellings:
            lines += ["", "awscli's spellings too: " + ", ".join(
                f"{name} ({p.label if p.positional else p.flags[0].rstrip(':')})"
                for name, p in self.aws_spellings.items())]
        lines += ["", "common options: --output table|json|text|tsv|euca, --query JMESPATH, --yes, --dry-run, --help, "
                  "--show-empty-fields"]
        if self.example:
            lines += ["", "example:", f"  {self.example}"]
        flags = [w for w in (("mutates" if self.mutates else ""), ("destroys: asks first" if self.destroys else "")) if w]
        if flags:
            lines += ["", "(" + "; ".join(flags) + ")"]
        return "\n".join(lines)


@dataclass
class Invocation:
    """A parsed command line: the command, its values by ``dest``, and the common options."""

    command: Command
    values: dict[str, Any] = field(default_factory=dict)
    argv: tuple[str, ...] = ()
    typed: str = ""               # the name it was called by ("euca-add-keypair")

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name)
        return default if value is None else value

    @property
    def output(self) -> str | None:
        return self.values.get("output")

    @property
    def query(self) -> str | None:
        return self.values.get("query")

    @property
    def euca_name(self) -> bool:
        """Called by a ``euca-`` name: euca2ools' output is the default, as its scripts expect."""
        return self.typed.startswith("euca-")

    @property
    def wants_help(self) -> bool:
        return bool(self.values.get("help"))
