"""Colours for the command line: a pygments lexer that knows the registry's command names.

Known commands, options, quoted strings, numbers and IDs by kind (instances,
volumes, snapshots, images, kernels, ramdisks, groups) each get a token; a first
word that no command starts with is flagged as an error while it is typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from pygments.lexer import Lexer
from pygments.token import Error, Keyword, Name, Number, String, Text, Token, Whitespace, _TokenType

from cloudshell.cloud.kinds import IMAGE_PREFIX_TYPES, KINDS

IDS = Token.Id
# ID prefix → its token: the kind's value kind (Id.Instance …), kernels and ramdisks apart from images.
ID_TOKENS: tuple[tuple[tuple[str, ...], _TokenType], ...] = tuple(
    ((prefix,), getattr(IDS, IMAGE_PREFIX_TYPES.get(prefix, kind.value_kind).capitalize()))
    for kind in KINDS.values() for prefix in kind.id_prefixes)
MAX_COLOURED = 4096   # characters of a line coloured at most
_ID_SHAPE = re.compile(r"[a-z]{1,4}-[0-9a-f]{1,17}\Z")
_WORDS = re.compile(r"""\s+|"(?:[^"\\]|\\.)*"?|'[^']*'?|[^\s'"]+""")

# prompt_toolkit class names of these tokens (pygments.id.instance …) → ANSI styles the
# terminal's own palette maps, so light and dark terminals and NO_COLOR all work.
STYLES = {
    Keyword: "ansigreen bold",
    Error: "ansired underline",
    Name.Attribute: "ansiyellow",
    String: "ansimagenta",
    Number: "ansiblue",
    IDS.Instance: "ansicyan",
    IDS.Volume: "ansibrightblue",
    IDS.Snapshot: "ansibrightmagenta",
    IDS.Image: "ansibrightgreen",
    IDS.Kernel: "ansigreen",
    IDS.Ramdisk: "ansigreen",
    IDS.Group: "ansibrightyellow",
}


def id_token(word: str) -> _TokenType | None:
    """The token of an ID by its prefix, when ``word`` has the shape of one."""
    if not _ID_SHAPE.match(word.lower()):
        return None
    for prefixes, token in ID_TOKENS:
        if word.lower().startswith(prefixes):
            return token
    return None


class CommandLineLexer(Lexer):
    """One cloudshell command line; ``names`` are the commands it knows (aliases included)."""

    name = "cloudshell"
    aliases = ["cloudshell"]
    names: frozenset[str] = frozenset()

    def get_tokens_unprocessed(self, text: str) -> Iterator[tuple[int, _TokenType, str]]:
        if len(text) > MAX_COLOURED:  # a huge paste is shown plain rather than re-coloured per key
            yield 0, Text, text
            return
        first = True
        for m in _WORDS.finditer(text):
            word, pos = m.group(), m.start()
            if word.isspace():
                yield pos, Whitespace, word
                continue
            if first:
                first = False
                known = word in self.names or word in ("exit", "quit")
                typing = m.end() == len(text) and any(n.startswith(word) for n in self.names)
                yield pos, Keyword if known else Text if typing else Error, word
            elif word[0] in "'\"":
                yield pos, String, word
            elif word.startswith("-") and len(word) > 1 and not word[1].isdigit():
                yield pos, Name.Attribute, word
            elif (token := id_token(word)) is not None:
                yield pos, token, word
            elif re.fullmatch(r"[0-9][0-9./:-]*", word):
                yield pos, Number, word
            else:
                yield pos, Text, word


def lexer_for(names: Iterable[str]) -> type[CommandLineLexer]:
    """A lexer class that knows these command names (prompt_toolkit instantiates the class)."""
    return type("RegistryLexer", (CommandLineLexer,), {"names": frozenset(names)})
