"""One command registry for every face: names, aliases, parameters, kinds of value, safety.

Commands declare their parameters as data (:class:`Param`) with the kind of
value each takes, so one parser serves the one-shot CLI, the REPL and the
monitor's command bar, and one completer can offer the right IDs. Parsing never
exits the process: bad input raises :class:`UsageError` with one line.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cloudshell.cloud.errors import UsageError
from cloudshell.commands.values import jmespath_query

# Kinds of value a parameter takes. "KIND:STATE" narrows a resource kind by state;
# the completer and the validators read these.
INSTANCE = "instance"
INSTANCE_RUNNING = "instance:running"
INSTANCE_STOPPED = "instance:stopped"
VOLUME = "volume"
VOLUME_AVAILABLE = "volume:available"
VOLUME_ATTACHED = "volume:in-use"
SNAPSHOT = "snapshot"
IMAGE = "image"
MACHINE_IMAGE = "image:machine"
KERNEL = "image:kernel"
RAMDISK = "image:ramdisk"
ADDRESS = "address"
ADDRESS_FREE = "address:free"
ADDRESS_ASSOCIATED = "address:associated"
GROUP = "group"
KEYPAIR = "keypair"
ZONE = "zone"
RESOURCE = "resource"        # any ID the inventory knows
DEVICE = "device"
STATE = "state"
FILE = "file"
CIDR = "cidr"
PROTOCOL = "protocol"
PORTS = "ports"
INT = "int"
TEXT = "text"
FILTER = "filter"
TAG = "tag"
INSTANCE_TYPE = "instance-type"
ARCH = "arch"
BUCKET = "bucket"
COMMAND = "command"

OUTPUT_FORMATS = ("table", "json", "text", "tsv", "euca")


@dataclass(frozen=True)
class Param:
    """One argument or option. No ``flags`` = positional."""

    dest: str
    flags: tuple[str, ...] = ()
    kind: str = TEXT
    help: str = ""
    nargs: str | None = None      # None: one value; "?", "*", "+"
    action: str = "store"         # store | append | flag | rest (everything after "--")
    required: bool = False
    default: Any = None
    metavar: str | None = None
    choices: tuple[str, ...] | None = None
    convert: Callable[[str], Any] | None = None   # validates one value; raises UsageError
    zone_of: str | None = None    # must share the zone of the resource in that param
    device_of: str | None = None  # a device name free on the instance in that param

    @property
    def positional(self) -> bool:
        return not self.flags and self.action != "rest"

    @property
    def takes_value(self) -> bool:
        return self.action not in ("flag", "rest")

    @property
    def label(self) -> str:
        return self.metavar or self.dest.upper()

    def usage(self) -> str:
        if self.action == "rest":
            return f"[-- {self.label}…]"
        if self.positional:
            text = self.label + ("…" if self.nargs in ("*", "+") else "")
            return text if self.required or self.nargs == "+" else f"[{text}]"
        flag = self.flags[0]
        text = flag if self.action == "flag" else f"{flag} {self.label}"
        text += "…" if self.action == "append" else ""
        return text if self.required else f"[{text}]"


# Options every command takes; the faces read them from the invocation.
COMMON_PARAMS: tuple[Param, ...] = (
    Param("output", ("--output",), choices=OUTPUT_FORMATS, metavar="FORMAT",
          help="table (a terminal's default), json, text (awscli's), tsv (one line per record; a pipe's default), "
               "euca (euca2ools' records; the default under a euca- name)"),
    Param("query", ("--query",), convert=jmespath_query, metavar="JMESPATH",
          help="JMESPath over the JSON result, as awscli"),
    Param("yes", ("--yes",), action="flag", help="do not ask for confirmation"),
    Param("dry_run", ("--dry-run",), action="flag", help="ask EC2 whether it would succeed (DryRun)"),
    Param("help", ("--help", "-h"), action="flag", help="show usage and an example"),
)


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

    def all_params(self) -> tuple[Param, ...]:
        own = {f for p in self.params for f in p.flags}
        return self.params + tuple(
            p for p in COMMON_PARAMS if not own.intersection(f.rstrip(":") for f in p.flags))

    def flag_map(self) -> dict[str, Param]:
        out = {}
        for p in self.all_params():
            for f in p.flags:
                out[f.rstrip(":")] = p
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
        lines += ["", "common options: --output table|json|text|tsv|euca, --query JMESPATH, --yes, --dry-run, --help"]
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


def _looks_negative_number(token: str) -> bool:
    return token[:1] == "-" and token[1:2].isdigit()


def _is_option(token: str) -> bool:
    return token.startswith("-") and len(token) > 1 and not _looks_negative_number(token)


# cloudshell's own flags (cli.py reads them anywhere on its command line); in the REPL or the
# command bar they name a different session, which a command cannot switch to.
GLOBAL_FLAGS = frozenset({"--endpoint-url", "--region", "--profile", "--s3-endpoint-url", "--eucarc",
                          "--access-key", "--secret-key", "--no-verify-ssl", "--read-only", "--demo"})


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


def split_line(line: str) -> list[str]:
    """Shell-like word splitting for the REPL and the command bar; one-line errors."""
    try:
        return shlex.split(line)
    except ValueError as exc:
        raise UsageError(f"cannot read the line: {exc} (close the quote)") from None


@dataclass
class Scan:
    """A command line read leniently, as far as it goes: nothing converted, nothing raised.

    ``items`` keep the order the words came in: ``("value", param, raw, flag)``,
    ``("flag", param, "", flag)`` or ``("problem", None, message, "")``, ``flag`` as typed; ``loose`` are the words no option took, ``rest`` those after
    ``--`` (None: no ``--``), and ``pending`` the option whose value the line stops before
    (an awscli list option stays pending while its words last: one more may come).
    The strict parser raises the first problem; the completer reads past them.
    """

    command: Command
    items: list[tuple[str, Param | None, str, str]] = field(default_factory=list)
    loose: list[str] = field(default_factory=list)
    rest: list[str] | None = None
    pending: Param | None = None

    def raw_values(self) -> dict[str, Any]:
        """Each option's raw words by ``dest``: a list for append and list options, else the last."""
        values: dict[str, Any] = {}
        for what, p, raw, _flag in self.items:
            if p is None:
                continue
            if what == "flag":
                values[p.dest] = True
            elif p.action == "append" or p.nargs == "+":
                values.setdefault(p.dest, []).append(raw)
            else:
                values[p.dest] = raw
        return values

    def next_positional(self, values: dict[str, Any]) -> Param | None:
        """Give the loose words to the positionals in order; the one the next word fills."""
        words = list(self.loose)
        for p in (q for q in self.command.params if q.positional):
            if p.nargs in ("*", "+"):
                values[p.dest] = words
                return p
            if not words:
                return p
            values[p.dest] = words.pop(0)
        return None


def scan(cmd: Command, tokens: Sequence[str]) -> Scan:
    """The one reading of a command's words (see :class:`Scan`)."""
    flags = cmd.flag_map()
    out = Scan(cmd)
    tokens = list(tokens)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok == "--":
            out.rest = tokens[i + 1:]
            break
        if not _is_option(tok):
            out.loose.append(tok)
            i += 1
            continue
        name, eq, inline = tok.partition("=") if tok.startswith("--") else (tok, "", "")
        p = flags.get(name)
        i += 1
        if p is None:
            if name in GLOBAL_FLAGS:
                out.items.append(("problem", None, f"{cmd.name}: {name} is a flag of cloudshell itself: give it "
                                  f"on cloudshell's command line (cloudshell {name} VALUE {cmd.name} …), not here",
                                  ""))
            else:
                known = ", ".join(sorted(f.rstrip(":") for q in cmd.params for f in q.flags)) or "none"
                out.items.append(("problem", None, f"{cmd.name}: unknown option {name} (its options: {known})", ""))
            continue
        if p.action == "flag":
            if eq:
                out.items.append(("problem", None, f"{cmd.name}: {name} takes no value", ""))
            out.items.append(("flag", p, "", name))
            continue
        if eq:
            out.items.append(("value", p, inline, name))
            continue
        if i >= len(tokens) or (p.nargs == "+" and _is_option(tokens[i])):
            if i >= len(tokens):
                out.pending = p
            out.items.append(("problem", None, f"{cmd.name}: {name} needs a value ({p.label}: {p.help})", ""))
            continue
        # awscli's list options (--instance-ids A B) take every word up to the next option.
        end = i + 1
        while p.nargs == "+" and end < len(tokens) and not _is_option(tokens[end]):
            end += 1
        out.items.extend(("value", p, raw, name) for raw in tokens[i:end])
        if p.nargs == "+" and end >= len(tokens):
            out.pending = p
        i = end
    return out


def parse_args(cmd: Command, tokens: list[str]) -> Invocation:
    """Parse a command's arguments strictly; raises UsageError naming the first bad token."""
    params = cmd.all_params()
    values: dict[str, Any] = {p.dest: ([] if p.action in ("append", "rest") else
                                       (False if p.action == "flag" else p.default)) for p in params}
    positionals = [p for p in params if p.positional]
    rest = next((p for p in params if p.action == "rest"), None)
    read = scan(cmd, tokens)
    for what, p, raw, flag in read.items:
        if p is None:
            raise UsageError(raw)
        if what == "flag":
            values[p.dest] = True
            continue
        value = _convert(cmd, p, raw, flag)
        if p.action == "append":
            values[p.dest].append(value)
        else:
            values[p.dest] = value
    loose = list(read.loose)
    if read.rest is not None:
        if rest is not None:
            values[rest.dest] = read.rest
        else:
            loose.extend(read.rest)
    _assign_positionals(cmd, positionals, loose, values)
    if values.get("help"):
        return Invocation(cmd, values, tuple(tokens))
    for p in params:
        if p.required and not p.positional and values.get(p.dest) in (None, []):
            raise UsageError(f"{cmd.name}: missing {p.flags[0].rstrip(':')} {p.label} ({p.help})")
    return Invocation(cmd, values, tuple(tokens))


def _assign_positionals(cmd: Command, positionals: list[Param], loose: list[str],
                        values: dict[str, Any]) -> None:
    words = list(loose)
    for n, p in enumerate(positionals):
        later_min = sum(1 for q in positionals[n + 1:] if q.required and q.nargs not in ("*", "?"))
        if p.nargs in ("*", "+"):
            take = max(0, len(words) - later_min)
            chunk, words = words[:take], words[take:]
            if p.nargs == "+" and not chunk:
                if values.get("help"):
                    continue
                raise UsageError(f"{cmd.name}: missing {p.label} ({p.help})")
            values[p.dest] = [_convert(cmd, p, w, p.label) for w in chunk]
        elif words and (p.nargs != "?" or len(words) > later_min):
            values[p.dest] = _convert(cmd, p, words.pop(0), p.label)
        elif p.required and not values.get("help"):
            raise UsageError(f"{cmd.name}: missing {p.label} ({p.help}); usage: {cmd.usage()}")
    if words:
        raise UsageError(f"{cmd.name}: unexpected argument {words[0]!r}; usage: {cmd.usage()}")


def _convert(cmd: Command, p: Param, raw: str, shown: str) -> Any:
    if p.choices and raw not in p.choices:
        raise UsageError(f"{cmd.name}: {shown} must be one of {', '.join(p.choices)}, not {raw!r}")
    if p.convert is None:
        return raw
    try:
        return p.convert(raw)
    except UsageError as exc:
        raise UsageError(f"{cmd.name}: {shown}: {exc}") from None


REGISTRY = Registry()
command = REGISTRY.command
