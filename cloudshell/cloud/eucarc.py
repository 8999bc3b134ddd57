"""The eucarc reader: a tiny shell reader that never runs anything.

A eucarc is a shell script Eucalyptus hands its users (``source eucarc``). It
is parsed here, never executed: ``export NAME=VALUE`` lines, quotes, ``$VAR``
and ``${VAR}``, and the path idioms Eucalyptus uses to find the file's own
folder (``$(dirname $(readlink -f ${BASH_SOURCE}))``, ``$(cd …; pwd -P)``).
Every other command is skipped.

The reading is linear in the file's size: a ``${`` with no ``}`` after it can
never match ``${...}``, so before any pattern scans a piece of text its ``{``
is swapped for a stand-in (a lone surrogate, which UTF-8 text never holds)
that every pattern treats as it treats ``{`` -- except that no ``${...}``
attempt starts there to rescan the rest of the text. Files over 1 MiB and
lines over 64 KiB are refused (setting_files.py reads them).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from pathlib import Path

from cloudshell.cloud.errors import ConfigError
from cloudshell.cloud.setting_files import MAX_LINE, read_setting_text


class _Unsupported(Exception):
    """A statement that would need a real shell; it is skipped."""


class _Unterminated(ValueError):
    """A quote left open; args[0] is where it starts."""


# $(...) with one level of nesting: enough for $(dirname $(readlink -f ...)). Inside
# "...", a $( is only ever read as this, so a bad line cannot make the regex backtrack.
_SUBST = r"\$\((?:[^()]|\([^()]*\))*\)"
# One shell token. A word keeps its quotes, ${...} and $(...) whole; a comment starts a word.
_TOKEN = re.compile(r"""(?P<comment>\#[^\n]*) | (?P<end>[\n;]) | (?P<op>[|&<>()]) | [ \t\r]+
    | (?P<word>(?:'[^']*' | "(?:\\.|%s|\$(?!\()|[^"\\$])*" | \\. | \$\{[^}]*\} | %s | `[^`]*`
                  | [^\s;|&<>()'"`\\])+)
    """ % (_SUBST, _SUBST), re.X | re.S)
# The pieces of a word, unquoted and inside double quotes.
_PIECE = re.compile(r"""'(?P<single>[^']*)' | "(?P<double>(?:\\.|%s|\$(?!\()|[^"\\$])*)" | \\(?P<escaped>.)
    | \$\{(?P<param>[^}]*)\} | \$(?P<name>[A-Za-z_]\w*|\d) | (?P<command>%s) | (?P<backtick>`)
    | (?P<text>[^'"\\$`]+|.)""" % (_SUBST, _SUBST), re.X | re.S)
_QUOTED_PIECE = re.compile(r"""\\(?P<escaped>[$`"\\]) | \$\{(?P<param>[^}]*)\} | \$(?P<name>[A-Za-z_]\w*|\d)
    | (?P<command>%s) | (?P<backtick>`) | (?P<text>[^\\$`]+|.)""" % _SUBST, re.X | re.S)
# Stands for the "{" of a "${" no "}" follows; UTF-8 text never holds a lone surrogate.
_OPEN = "\udfff"
_ASSIGN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", re.S)
_PARAM = re.compile(r"([A-Za-z_][A-Za-z0-9_]*|[0-9])(?::?-(.*))?", re.S)


def _mark(text: str) -> str:
    """``text`` with the "{" of each "${" that has no "}" after it replaced by _OPEN (see above)."""
    tail = text.rfind("}") + 1
    if text.find("${", tail) < 0:
        return text
    return text[:tail] + text[tail:].replace("${", "$" + _OPEN)


def _restore(text: str) -> str:
    return text.replace(_OPEN, "{")


def _statements(text: str) -> list[list[str] | None]:
    """Split shell text into statements of raw words (quotes kept).

    A statement with a pipe, redirection, &&/||, subshell or background job is
    None: it would only mean something to a real shell.
    """
    out: list[list[str] | None] = []
    words: list[str] = []
    plain, pos, text = True, 0, _mark(text) + "\n"  # the last statement ends like the others
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise _Unterminated(pos)
        pos = m.end()
        if m["word"]:
            words.append(m["word"])
        elif m["op"]:
            plain = False
        elif m["end"]:
            while words and words[0] in ("then", "else", "do"):
                words.pop(0)
            if words:
                out.append(words if plain else None)
            words, plain = [], True
    return out


class _Scope:
    """Variables a eucarc line can see: earlier lines, then the environment."""

    def __init__(self, path: Path, env: Mapping[str, str]) -> None:
        self.path = os.path.abspath(path)
        self.env = env
        self.assigned: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        if name in self.assigned:
            return self.assigned[name]
        return self.path if name in ("BASH_SOURCE", "0") else self.env.get(name)

    def expand(self, raw: str, quoted: bool = False) -> str:
        """The value of one raw shell word: quotes removed, $VAR/${VAR} expanded, ~ at the start."""
        out: list[str] = []
        if not quoted and (raw == "~" or raw.startswith("~/")):
            out.append(self.env.get("HOME", "~"))
            raw = raw[1:]
        for m in (_QUOTED_PIECE if quoted else _PIECE).finditer(_mark(raw)):
            kind, piece = m.lastgroup, m[m.lastgroup]
            if kind in ("single", "escaped", "text"):
                piece = _restore(piece)
            elif kind == "backtick":
                raise _Unsupported
            if kind == "double":
                piece = self.expand(piece, quoted=True)
            elif kind == "name":
                piece = self.get(piece) or ""
            elif kind == "command":
                piece = self.substitute(piece[2:-1])
            elif kind == "param":
                p = _PARAM.fullmatch(piece)
                if not p:  # ${#X}, ${X/a/b}, ...: shell features we do not imitate
                    raise _Unsupported
                piece = self.get(p[1]) or (self.expand(p[2]) if p[2] is not None else "")
            out.append(piece)
        return "".join(out)

    def substitute(self, inner: str) -> str:
        """Evaluate $(...) made only of path commands (dirname, readlink -f, cd; pwd), in Python.

        These are what Eucalyptus eucarcs use to find their own folder
        (4.x: $(dirname $(readlink -f ${BASH_SOURCE})), 3.x: $(cd $(dirname
        ${BASH_SOURCE:-$0}); pwd -P)). Anything else makes the line unsupported.
        """
        cwd, output = os.path.dirname(self.path), []
        for words in _statements(inner):
            if words is None:
                raise _Unsupported
            cmd, *args = [self.expand(w) for w in words]
            if cmd == "dirname" and len(args) == 1:
                output.append(os.path.dirname(args[0]) or ".")
            elif (cmd == "readlink" and len(args) == 2 and args[0] in ("-f", "-e", "-m")) or \
                    (cmd == "realpath" and len(args) == 1):
                output.append(os.path.realpath(os.path.join(cwd, args[-1])))
            elif cmd == "cd" and len(args) == 1:
                cwd = os.path.normpath(os.path.join(cwd, args[0]))
            elif cmd == "pwd" and args in ([], ["-L"], ["-P"]):
                output.append(os.path.realpath(cwd) if args == ["-P"] else cwd)
            else:
                raise _Unsupported
        return "\n".join(output)


def parse_eucarc(path: Path, env: Mapping[str, str]) -> dict[str, str]:
    """The variables a eucarc assigns, read the way bash would, without running anything.

    `export NAME=VALUE` and `NAME=VALUE` are applied in order (conditionals are
    not evaluated); `alias`, `echo`, `source` and every other command are skipped.
    """
    try:
        text = read_setting_text(path, "eucarc", max_line=MAX_LINE)
    except FileNotFoundError:
        raise ConfigError(f"eucarc not found: {path}") from None
    scope = _Scope(Path(path), env)
    try:
        statements = _statements(text.replace("\\\n", ""))  # line continuations, as the shell does
    except _Unterminated as exc:
        line = text.count("\n", 0, exc.args[0]) + 1
        raise ConfigError(f"eucarc {path} line {line}: unterminated quote or $(...)") from None
    for words in statements:
        if not words:
            continue
        if words[0] == "export":
            assignments = words[1:]
        elif all(_ASSIGN.fullmatch(w) for w in words):
            assignments = words
        else:  # a command, or NAME=VALUE prefixed to one (which does not persist)
            continue
        for word in assignments:
            m = _ASSIGN.fullmatch(word)
            if not m:  # `export NAME` or an option: nothing to assign
                continue
            with contextlib.suppress(_Unsupported):
                scope.assigned[m[1]] = scope.expand(m[2])
    return dict(scope.assigned)
