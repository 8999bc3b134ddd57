"""``cloudshell __complete SHELL CURRENT LINE``: what the completion scripts ask on each Tab.

LINE is the command line up to the cursor, CURRENT the word the shell will
replace (bash splits words at ``=`` and ``:``, so it may be the tail of the word
being typed). Answers come from the registry and the local ID cache
(:mod:`cloudshell.cloud.idcache`) only: no network, no boto3, few imports, so a
Tab costs one short process start. One candidate a line, each a replacement
for CURRENT; fish gets ``candidate<TAB>description``.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Mapping, Sequence
from typing import IO

SHELLS = ("bash", "zsh", "fish")
THEMES = ("dark", "light", "high-contrast")
EXTRA_WORDS = {"repl": "interactive command line with live ID completion"}


def complete_main(argv: Sequence[str], *, value_flags: Mapping[str, str], bool_flags: Mapping[str, str],
                  carried: Mapping[str, bool], out: IO[str] | None = None) -> int:
    out = out or sys.stdout
    if len(argv) != 3 or argv[0] not in SHELLS:
        print("cloudshell: __complete needs SHELL CURRENT-WORD LINE (SHELL: bash, zsh or fish); "
              "the scripts of `cloudshell completion SHELL` call it", file=sys.stderr)
        return 2
    shell, current, line = argv
    word = line_word(line)
    lead = len(word) - len(current)
    for text, meta in candidates(line, value_flags=value_flags, bool_flags=bool_flags, carried=carried):
        if lead > 0:
            if not text.startswith(word[:lead]):
                continue
            text = text[lead:]
        if "\n" in text:
            continue
        out.write(f"{text}\t{meta}\n" if shell == "fish" and meta else f"{text}\n")
    return 0


def line_word(line: str) -> str:
    from cloudshell.completion import _split

    return _split(line)[1]


def candidates(line: str, *, value_flags: Mapping[str, str], bool_flags: Mapping[str, str],
               carried: Mapping[str, bool]) -> list[tuple[str, str]]:
    """(replacement of the whole word under the cursor, description) for each candidate."""
    from cloudshell.completion import _split

    words, raw = _split(line)
    # The program's own word (and anything before it: `sudo`, `env X=1`) is not part of the command.
    start = next((n + 1 for n, w in enumerate(words) if os.path.basename(w) == "cloudshell"), 1)
    words = words[start:]
    given: dict[str, str] = {}
    rest: list[str] = []
    pending: str | None = None     # a global flag (or a carried option) waiting for its value
    i = 0
    while i < len(words):
        word = words[i]
        if rest and word == "--":
            rest.extend(words[i:])
            break
        name, eq, inline = word.partition("=") if word.startswith("--") else (word, "", "")
        takes = name in value_flags or (not rest and carried.get(name))
        if name in value_flags or (not rest and name in carried):
            if takes and not eq:
                if i + 1 < len(words):
                    given[value_flags.get(name, name)] = words[i + 1]
                    i += 1
                else:
                    pending = name
            elif eq:
                given[value_flags.get(name, name)] = inline
            i += 1
            continue
        if name in bool_flags:
            i += 1
            continue
        rest.append(word)
        i += 1
    if pending is not None:
        return _global_value(value_flags.get(pending, pending), raw)
    if not rest and raw.startswith("-"):
        flags = sorted({*value_flags, *bool_flags, *carried, "--help", "--version"})
        return [(f, "") for f in flags if f.startswith("--") and f.startswith(raw)]
    from cloudshell.commands import registry
    from cloudshell.completion import complete

    inventory = _cached_inventory(given)
    text = " ".join(shlex.quote(w) for w in rest) + (" " if rest else "") + raw
    found = complete(text, inventory, registry(), extra=None if rest else EXTRA_WORDS)
    out = []
    for c in found:
        keep = len(raw) + c.start_position
        if keep < 0:
            continue
        out.append((raw[:keep] + c.text, c.meta))
    return out


def _cached_inventory(given: Mapping[str, str]):
    """The ID cache of the endpoint and region the line (or the environment) names."""
    from cloudshell.cloud import idcache
    from cloudshell.cloud.envnames import ENV_NAMES
    from cloudshell.cloud.inventory import EMPTY

    def pick(name: str) -> str | None:
        if given.get(name):
            return given[name]
        return next((os.environ[v] for v in ENV_NAMES[name] if os.environ.get(v)), None)

    region = pick("region")
    region = region.rpartition("@")[2] if region else None   # euca2ools' USER@REGION
    path = idcache.find(pick("endpoint_url"), region, pick("profile"))
    if path is None:
        return EMPTY
    inventory, _age = idcache.inventory_of(path)
    return inventory


def _global_value(dest: str, raw: str) -> list[tuple[str, str]]:
    """Values of cloudshell's own flags: known endpoints and regions, profiles, themes, formats."""
    from cloudshell.cloud import idcache

    words: list[str] = []
    if dest in ("endpoint_url", "region"):
        key = "endpoint" if dest == "endpoint_url" else "region"
        words = sorted({str(h[key]) for _, h in idcache.heads_in(idcache.cache_dir())
                        if h.get(key) and h.get(key) != "aws"})
    elif dest == "profile":
        words = _profiles()
    elif dest == "clouds":
        words = _cloud_names()
    elif dest == "theme":
        words = list(THEMES)
    elif dest == "--output":
        from cloudshell.commands.registry import OUTPUT_FORMATS

        words = list(OUTPUT_FORMATS)
    return [(w, "") for w in words if w.startswith(raw)]


def _profiles() -> list[str]:
    """Profile names of ~/.aws/config and ~/.aws/credentials, read as plain ini files."""
    import configparser

    names: set[str] = set()
    for var, default, prefix in (("AWS_CONFIG_FILE", "~/.aws/config", "profile "),
                                 ("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials", "")):
        parser = configparser.RawConfigParser(strict=False)
        try:
            parser.read(os.path.expanduser(os.environ.get(var) or default))
        except configparser.Error:
            continue
        for section in parser.sections():
            name = section[len(prefix):] if prefix and section.startswith(prefix) else section
            if not prefix or section.startswith(prefix) or section == "default":
                names.add(name.strip())
    return sorted(names)


def _cloud_names() -> list[str]:
    """The [clouds.NAME] tables of config.toml (and ``all``); nothing when it cannot be read."""
    from cloudshell.cloud.userconfig import load_user_config

    try:
        clouds = load_user_config().get("clouds", {})
    except Exception:  # noqa: BLE001 - a shell's Tab never prints an error
        return []
    return [*sorted(clouds), "all"] if isinstance(clouds, dict) and clouds else []
