"""Several clouds at once: ``[clouds.NAME]`` tables of config.toml, ``--cloud NAME``, ``--region r1,r2``.

Each chosen cloud is a ``CloudSpec``: its name, the short name the monitor's Cloud column
shows, and the GlobalFlags its settings are resolved from (config.resolve, one cloud at a
time, so one cloud's keys are never paired with another's endpoint).

Example ``config.toml``::

    [clouds.prod]                      # a Eucalyptus cloud
    endpoint_url = "https://ec2.prod.example:8773/services/compute"
    eucarc = "~/creds/prod/eucarc"

    [clouds.aws-eu]
    profile = "work"
    region = "eu-west-1"
    read_only = true
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from cloudshell.cloud.errors import ConfigError, UsageError

# Each key a [clouds.NAME] table may have, and the type its value must have.
TABLE_KEYS: dict[str, type] = {
    "endpoint_url": str, "s3_endpoint_url": str, "region": str, "profile": str, "eucarc": str,
    "ini_user": str, "verify_ssl": bool, "read_only": bool,
}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
# Command-line flags that name one cloud's settings: with --cloud they belong in its table.
ONE_CLOUD_FLAGS = ("endpoint_url", "s3_endpoint_url", "profile", "access_key", "eucarc")


@dataclass(frozen=True)
class CloudSpec:
    """One chosen cloud: its name, where it was defined, and the flags its settings resolve from."""

    name: str
    flags: Any              # config.GlobalFlags
    read_only: bool = False
    origin: str = ""        # "config [clouds.prod]", "--region eu-west-1"
    short: str = ""         # the Cloud column's abbreviation

    def __repr__(self) -> str:  # the flags' repr already hides the secret; keep it short
        return f"CloudSpec({self.name!r}, {self.origin!r})"


def cloud_tables(user_config: Mapping[str, Any], path: Any = "config.toml") -> dict[str, dict[str, Any]]:
    """The ``[clouds.NAME]`` tables, checked: names, known keys, value types (one line each)."""
    tables = user_config.get("clouds", {})
    if not isinstance(tables, dict):
        raise ConfigError(f"config {path}: clouds must be tables, e.g. [clouds.prod] endpoint_url = \"…\"")
    for name, table in tables.items():
        if not _NAME.match(name):
            raise ConfigError(f"config {path}: [clouds.{name}]: a cloud's name is letters, digits, '-', '_' "
                              "or '.' (at most 40)")
        if not isinstance(table, dict):
            raise ConfigError(f"config {path}: clouds.{name} must be a table: [clouds.{name}]")
        for key, value in table.items():
            kind = TABLE_KEYS.get(key)
            if kind is None:
                raise ConfigError(f"config {path}: [clouds.{name}] has an unknown key {key!r} "
                                  f"(expected {', '.join(TABLE_KEYS)})")
            if not isinstance(value, kind):
                expected = "true or false" if kind is bool else "a string"
                raise ConfigError(f"config {path}: [clouds.{name}] {key} must be {expected}")
        if "ini_user" in table and "region" not in table:
            raise ConfigError(f"config {path}: [clouds.{name}] ini_user needs the region it belongs to "
                              "(region = \"NAME\")")
    return tables


def choose_clouds(flags: Any, names: Sequence[str], user_config: Mapping[str, Any],
                  path: Any = "config.toml") -> list[CloudSpec]:
    """The clouds asked for: ``--cloud NAME``… (``all``: every table), or one per region of
    ``--region r1,r2``; empty when neither was asked (the one cloud of before, unchanged)."""
    tables = cloud_tables(user_config, path)
    regions = [r.strip() for r in (flags.region or "").split(",")] if "," in (flags.region or "") else []
    if regions and not all(regions):
        raise UsageError(f"--region {flags.region!r}: expected region names separated by commas (r1,r2)")
    if names and regions:
        raise UsageError("give --cloud NAME or --region r1,r2, not both (each cloud has its own region)")
    if regions:
        return _distinct([CloudSpec(r, replace(flags, region=r), origin=f"--region {r}") for r in regions])
    if not names:
        return []
    given = [f"--{n.replace('_', '-')}" for n in ONE_CLOUD_FLAGS if getattr(flags, n)]
    if flags.region:
        given.append("--region")
    if given:
        raise UsageError(f"{given[0]} sets one cloud's settings: with --cloud put it in [clouds.NAME] of "
                         f"{path}, or leave out --cloud")
    wanted = list(tables) if list(names) == ["all"] else list(dict.fromkeys(names))
    if not wanted:
        raise UsageError(f"--cloud all: {path} has no [clouds.NAME] table")
    unknown = [n for n in wanted if n not in tables]
    if unknown:
        known = ", ".join(tables) if tables else f"none: {path} has no [clouds.NAME] table"
        raise UsageError(f"unknown cloud {unknown[0]!r} (known: {known})")
    specs = []
    for name in wanted:
        table = tables[name]
        region = table.get("region")
        if table.get("ini_user"):
            region = f"{table['ini_user']}@{region}"
        cloud_flags = replace(flags, cloud=name, endpoint_url=table.get("endpoint_url"),
                              s3_endpoint_url=table.get("s3_endpoint_url"), region=region,
                              profile=table.get("profile"), eucarc=table.get("eucarc"),
                              no_verify_ssl=flags.no_verify_ssl or table.get("verify_ssl") is False)
        specs.append(CloudSpec(name, cloud_flags, read_only=bool(table.get("read_only")),
                               origin=f"config [clouds.{name}]"))
    return _distinct(specs)


def _distinct(specs: list[CloudSpec]) -> list[CloudSpec]:
    """Give each its short name (unique among them)."""
    shorts = [short_name(s.name) for s in specs]
    if len(set(shorts)) < len(shorts):
        shorts = [s.name for s in specs]
    return [replace(s, short=short) for s, short in zip(specs, shorts)]


_REGION = re.compile(r"^([a-z]{2})-([a-z]+)-(\d+)$")


def short_name(name: str, width: int = 8) -> str:
    """The Cloud column's name: an AWS region as ``euw1``, else the name cut to ``width``."""
    m = _REGION.match(name)
    if m:
        parts = m[2].replace("north", "n").replace("south", "s").replace("east", "e").replace("west", "w")
        parts = parts.replace("central", "c")
        return f"{m[1]}{parts}{m[3]}"[:width]
    return name[:width]


def same_endpoints(settings_by_cloud: Mapping[str, Any]) -> list[str]:
    """A warning per endpoint named by more than one cloud with the same region and access key
    (two accounts of one endpoint are two clouds; the same one twice is polled twice for nothing)."""
    seen: dict[tuple, list[str]] = {}
    for name, settings in settings_by_cloud.items():
        key = (settings.endpoint_url.value or "aws", settings.region.value, settings.access_key.value)
        seen.setdefault(key, []).append(name)
    return [f"clouds {' and '.join(names)} name the same endpoint {key[0]}"
            + (f" (region {key[1]})" if key[1] else "") + ": each is polled on its own"
            for key, names in seen.items() if len(names) > 1]
