"""The euca2ools 3.x ini reader: system and user ini files merged into sections.

euca2ools 3.x reads ``/etc/euca2ools/euca2ools.ini``, ``/etc/euca2ools/conf.d/*.ini``
and ``~/.euca/*.ini`` (or the globs in ``EUCA_CONFIG_PATH``), in that order; a
later file wins per key. Sections are ``[user NAME]``, ``[region NAME]`` and
``[global]``; any other section is ignored. What the sections mean for the
settings is config.py's business; this module only reads them.
"""

from __future__ import annotations

import configparser
import glob
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cloudshell.cloud.errors import ConfigError
from cloudshell.cloud.setting_files import read_setting_text


@dataclass(frozen=True)
class IniConfig:
    """Merged euca2ools ini files: (kind, name) -> key -> (value, file); later files win per key."""

    sections: Mapping[tuple[str, str], Mapping[str, tuple[str, Path]]]
    files: Mapping[tuple[str, str], Path]  # the last file that has each section

    def names(self, kind: str) -> list[str]:
        """Names of the sections of one kind ("user", "region")."""
        return [name for k, name in self.sections if k == kind]

    def get(self, kind: str, name: str | None) -> Mapping[str, tuple[str, Path]] | None:
        """One section's keys, or None; the [global] section is ("global", "")."""
        return self.sections.get((kind, name or ""))


def ini_paths(env: Mapping[str, str], home: Path, etc: Path = Path("/etc/euca2ools")) -> list[Path]:
    """The ini files euca2ools 3.x would read, system first: EUCA_CONFIG_PATH globs, or the defaults."""
    spec = env.get("EUCA_CONFIG_PATH")
    patterns = spec.split(":") if spec else [
        str(etc / "euca2ools.ini"), str(etc / "conf.d" / "*.ini"), str(home / ".euca" / "*.ini")]
    found: list[Path] = []
    for pattern in filter(None, patterns):
        if pattern == "~" or pattern.startswith("~/"):
            pattern = str(home) + pattern[1:]
        # A folder is skipped; a FIFO or device is kept, for the reader to refuse by name.
        found += [Path(p) for p in sorted(glob.glob(pattern)) if not os.path.isdir(p)]
    return found


def load_ini(paths: Iterable[Path]) -> IniConfig:
    """Read and merge euca2ools 3.x ini files; any malformed one is a ConfigError naming it."""
    merged: dict[tuple[str, str], dict[str, tuple[str, Path]]] = {}
    files: dict[tuple[str, str], Path] = {}
    for path in paths:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            text = read_setting_text(path, "ini")
        except FileNotFoundError:
            raise ConfigError(f"cannot read ini {path}: it disappeared") from None
        try:
            parser.read_string(text, source=str(path))
        except (configparser.Error, RecursionError) as exc:
            # Never echo the offending line: it may be a secret-key line.
            raise ConfigError(f"malformed ini {path}: {_ini_problem(exc)}") from None
        for header in parser.sections():
            kind, _, name = header.strip().partition(" ")
            if kind in ("user", "region") and not name.strip():
                raise ConfigError(f"malformed ini {path}: [{header}] needs a name, like [{kind} NAME]")
            if kind in ("user", "region", "global"):
                section = merged.setdefault((kind, name.strip()), {})
                files[(kind, name.strip())] = Path(path)
                section.update({key: (value, Path(path)) for key, value in parser[header].items()})
    return IniConfig(merged, files)


def _ini_problem(exc: Exception) -> str:
    if isinstance(exc, configparser.MissingSectionHeaderError):
        return f"line {exc.lineno}: a setting before any [section]"
    if isinstance(exc, configparser.ParsingError):
        return f"line {exc.errors[0][0]}: expected 'key = value'"
    if isinstance(exc, (configparser.DuplicateSectionError, configparser.DuplicateOptionError)):
        what = f"{exc.option!r} in " if isinstance(exc, configparser.DuplicateOptionError) else ""
        return f"line {exc.lineno}: duplicate {what}[{exc.section}]"
    return type(exc).__name__
