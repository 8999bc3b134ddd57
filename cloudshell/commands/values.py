"""Validators for parameter values: each takes the raw string, returns the value or raises UsageError.

They run before anything is sent, and their messages say what is wrong and what is expected.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cloudshell.cloud.errors import UsageError

_HEX_ID = r"[0-9a-f]{8}(?:[0-9a-f]{9})?"


def id_shape(*prefixes: str, what: str) -> Callable[[str], str]:
    """A validator for IDs like ``vol-1a2b3c4d`` (8 or 17 hex digits after the prefix)."""
    pattern = re.compile(rf"(?:{'|'.join(re.escape(p) for p in prefixes)}){_HEX_ID}")
    example = f"{prefixes[0]}1a2b3c4d"

    def check(raw: str) -> str:
        value = raw.strip()
        if not pattern.fullmatch(value.lower()):
            raise UsageError(f"{_show(raw)} is not {what} (expected an ID like {example})")
        return value.lower()
    check.__name__ = f"{what.replace(' ', '_')}_id"
    return check


def _show(raw: str, limit: int = 40) -> str:
    """A user's value quoted for a message: control characters escaped, long values cut."""
    text = raw.encode("unicode_escape", "backslashreplace").decode("ascii")
    return repr(text if len(text) <= limit else text[:limit] + "…")


instance_id = id_shape("i-", what="an instance ID")
volume_id = id_shape("vol-", what="a volume ID")
snapshot_id = id_shape("snap-", what="a snapshot ID")
image_id = id_shape("emi-", "ami-", "eki-", "aki-", "eri-", "ari-", what="an image ID")
group_id = id_shape("sg-", what="a security group ID")


def resource_id(raw: str) -> str:
    """Any ID the EC2 API tags or describes: PREFIX-HEX."""
    value = raw.strip()
    if not re.fullmatch(r"[a-z]{1,8}-[0-9a-f]{8}(?:[0-9a-f]{9})?", value.lower()):
        raise UsageError(f"{_show(raw)} is not a resource ID (expected e.g. i-1a2b3c4d, vol-…, emi-…)")
    return value.lower()


def filter_pair(raw: str) -> tuple[str, str]:
    """``NAME=VALUE`` as in ``--filter instance-state-name=running``."""
    name, eq, value = raw.partition("=")
    if not eq or not name.strip() or not re.fullmatch(r"[A-Za-z0-9:._\-]+", name.strip()):
        raise UsageError(f"{_show(raw)} is not a filter (expected NAME=VALUE, e.g. instance-state-name=running)")
    return name.strip(), value


def filters_param(pairs: list[tuple[str, str]]) -> list[dict]:
    """Group repeated filter names the way the API wants them."""
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return [{"Name": n, "Values": v} for n, v in grouped.items()]


def positive_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(f"{_show(raw)} is not a whole number") from None
    if value < 1:
        raise UsageError(f"{value} must be 1 or more")
    return value


shown = _show
