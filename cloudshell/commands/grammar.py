"""The one grammar of a command line: a lenient scan, and the strict parser built on it.

:func:`scan` reads a command's words as far as they go, converting nothing and
raising nothing; the strict parser (:func:`parse_args`), the completer and the
CLI's split of cloudshell's own flags (cli.split_argv) all read a line through it.
Parsing never exits the process: bad input raises :class:`UsageError` with one line.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cloudshell.cloud.errors import UsageError
from cloudshell.commands.command import Command, Invocation
from cloudshell.commands.params import Param


def split_line(line: str) -> list[str]:
    """Shell-like word splitting for the REPL and the command bar; one-line errors."""
    try:
        return shlex.split(line)
    except ValueError as exc:
        raise UsageError(f"cannot read the line: {exc} (close the quote)") from None


def _looks_negative_number(token: str) -> bool:
    return token[:1] == "-" and token[1:2].isdigit()


def _is_option(token: str) -> bool:
    return token.startswith("-") and len(token) > 1 and not _looks_negative_number(token)


# cloudshell's own flags (cli.py reads them anywhere on its command line); in the REPL or the
# command bar they name a different session, which a command cannot switch to.
GLOBAL_FLAGS = frozenset({"--endpoint-url", "--region", "--profile", "--s3-endpoint-url", "--eucarc",
                          "--access-key", "--secret-key", "--no-verify-ssl", "--read-only", "--demo"})


@dataclass
class Scan:
    """A command line read leniently, as far as it goes: nothing converted, nothing raised.

    ``items`` keep the order the words came in: ``("value", param, raw, flag)``,
    ``("flag", param, "", flag)``, ``("problem", None, message, "")`` or, read with
    ``words=True``, ``("word", None, word, "")``; ``flag`` as typed. ``loose`` are the words
    no option took, ``rest`` those after ``--`` (None: no ``--``), and ``pending`` the option
    whose value the line stops before (an awscli list option stays pending while its words
    last: one more may come). ``stopped``: where a scan ``until_word`` stopped (None: at the end).
    The strict parser raises the first problem; the completer reads past them.
    """

    command: Command
    items: list[tuple[str, Param | None, str, str]] = field(default_factory=list)
    loose: list[str] = field(default_factory=list)
    rest: list[str] | None = None
    pending: Param | None = None
    stopped: int | None = None

    def problem(self, text: str) -> None:
        prefix = f"{self.command.name}: " if self.command.name else ""
        self.items.append(("problem", None, prefix + text, ""))

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


def scan(cmd: Command, tokens: Sequence[str], *, words: bool = False, until_word: bool = False) -> Scan:
    """The one reading of a command's words (see :class:`Scan`).

    ``words``: an option ``cmd`` does not know is no problem but a word, kept in order with
    the others (cli.py hands them on to the command it names); ``until_word``: stop before
    the first word that is no option (cli.py: where the command starts).
    """
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
            if until_word:
                out.stopped = i
                break
            out.loose.append(tok)
            if words:
                out.items.append(("word", None, tok, ""))
            i += 1
            continue
        name, eq, inline = tok.partition("=") if tok.startswith("--") else (tok, "", "")
        p = flags.get(name)
        i += 1
        if p is None and not words and cmd.name:
            p = cmd.aws_spellings.get(name)
            if p is not None and p.positional:   # awscli names a positional: its words are loose words
                end = i
                while end < len(tokens) and not _is_option(tokens[end]) and (end == i or p.nargs in ("*", "+")):
                    end += 1
                given = [inline] if eq else tokens[i:end]
                if not given:
                    out.pending = p
                    out.problem(f"{name} needs a value ({p.label}: {p.help})")
                out.loose.extend(given)
                i = i if eq else end
                continue
        if p is None:
            if words:
                out.items.append(("word", None, tok, ""))
            elif not cmd.name:
                out.problem(f"unknown flag {name} (see cloudshell --help)")
            elif name in GLOBAL_FLAGS:
                out.problem(f"{name} is a flag of cloudshell itself: give it on cloudshell's command line "
                            f"(cloudshell {name} VALUE {cmd.name} …), not here")
            else:
                known = ", ".join(sorted(f.rstrip(":") for q in cmd.params for f in q.flags)) or "none"
                out.problem(f"unknown option {name} (its options: {known})")
            continue
        if p.action == "flag":
            if eq:
                out.problem(f"{name} takes no value")
            out.items.append(("flag", p, "", name))
            continue
        if eq:
            out.items.append(("value", p, inline, name))
            continue
        if i >= len(tokens) or (p.nargs == "+" and _is_option(tokens[i])):
            if i >= len(tokens):
                out.pending = p
            out.problem(f"{name} needs a value ({p.label}: {p.help})")
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
