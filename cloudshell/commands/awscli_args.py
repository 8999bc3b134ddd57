"""awscli's ways of giving values: shorthand filters, JSON arguments (inline or file://), NextTokens.

Each validator takes the raw word and returns the value or raises UsageError
with one line saying what was expected, before anything is sent.
"""

from __future__ import annotations

import os
import re
from typing import Any

from cloudshell.cloud.errors import UsageError
from cloudshell.commands.values import FILTER_NAME, shown

AWS_FILTER_EXAMPLE = "Name=status,Values=available,in-use"


def aws_filter(raw: str) -> dict[str, Any]:
    """awscli's shorthand ``Name=N,Values=V1,V2`` (values may be quoted or in [brackets])."""
    hint = f"expected Name=NAME,Values=V1,V2, e.g. {AWS_FILTER_EXAMPLE}"
    found: dict[str, list[str]] = {}
    key = None
    for piece in _shorthand_pieces(raw, hint):
        head, eq, rest = piece.partition("=")
        if eq and re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", head):
            if head not in ("Name", "Values"):
                raise UsageError(f"{shown(raw)}: unknown key {head!r} in a filter ({hint}; quote a value "
                                 f'holding "=", e.g. Values="a=b")')
            if head in found:
                raise UsageError(f"{shown(raw)}: {head} given twice ({hint})")
            key, piece = head, rest
            found[key] = []
        elif key is None:
            raise UsageError(f"{shown(raw)} is not a filter ({hint})")
        found[key].extend(_shorthand_values(piece))
    names = found.get("Name") or []
    if len(names) != 1 or not FILTER_NAME.fullmatch(names[0]):
        raise UsageError(f"{shown(raw)}: a filter needs one Name, a filter name like status or tag:Name ({hint})")
    if "Values" not in found:
        raise UsageError(f"{shown(raw)}: the filter has no Values ({hint})")
    return {"Name": names[0], "Values": found["Values"]}


def _shorthand_pieces(raw: str, hint: str) -> list[str]:
    """``a=b,c,"d,e"`` split at the commas outside quotes and brackets."""
    pieces, current, quote, depth = [], [], "", 0
    for char in raw:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "," and depth == 0:
            pieces.append("".join(current))
            current = []
            continue
        current.append(char)
    if quote or depth:
        raise UsageError(f"{shown(raw)}: an unclosed {quote or '['} ({hint})")
    pieces.append("".join(current))
    return pieces


def _shorthand_values(piece: str) -> list[str]:
    if piece.startswith("[") and piece.endswith("]"):
        return [_unquote(v) for v in _shorthand_pieces(piece[1:-1], "")] if piece[1:-1] else []
    return [_unquote(piece)]


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'" else text


def aws_filters(raw: str) -> list[dict[str, Any]]:
    """One word after awscli's ``--filters``: shorthand, or JSON (a filter or a list of them)."""
    if not raw.lstrip().startswith(("[", "{")):
        return [aws_filter(raw)]
    value = json_value(raw, "filters")
    items = value if isinstance(value, list) else [value]
    for item in items:
        if not (isinstance(item, dict) and set(item) <= {"Name", "Values"} and isinstance(item.get("Name"), str)
                and isinstance(item.get("Values", []), list)
                and all(isinstance(v, str) for v in item.get("Values", []))):
            raise UsageError(f"{shown(raw)} is not a list of filters (expected "
                             '[{"Name": "status", "Values": ["available"]}])')
    return items


def json_value(raw: str, what: str) -> Any:
    """JSON given inline or as ``file://PATH`` (as awscli reads its JSON arguments)."""
    import json

    text = raw
    if raw.startswith("file://"):
        path = raw[len("file://"):]
        try:
            with open(os.path.expanduser(path), encoding="utf-8") as fh:
                text = fh.read(1 << 20)
        except OSError as exc:
            raise UsageError(f"{shown(path)}: cannot read it ({exc.strerror}); expected a JSON file") from None
        except UnicodeDecodeError:
            raise UsageError(f"{shown(path)} is not UTF-8 text (expected a JSON file)") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{shown(raw)}: the {what} are not JSON ({exc.msg} at line {exc.lineno} "
                         f"column {exc.colno})") from None


def cli_input(raw: str) -> dict[str, Any]:
    """``--cli-input-json``: a JSON object of the API call's parameters, inline or ``file://PATH``."""
    value = json_value(raw, "input parameters")
    if not isinstance(value, dict):
        raise UsageError(f"{shown(raw)} is not a JSON object (expected e.g. "
                         '{"VolumeIds": ["vol-1a2b3c4d"]} or file://params.json)')
    if "PaginationConfig" in value:
        raise UsageError("PaginationConfig is not an API parameter: use --max-items and --starting-token")
    return value


def starting_token(raw: str) -> str:
    """A NextToken printed by a describe cut with --max-items (awscli's and botocore's form)."""
    import base64
    import json

    try:
        decoded = json.loads(base64.b64decode(raw.encode("ascii"), validate=True))
    except (ValueError, UnicodeEncodeError):
        decoded = None
    if not isinstance(decoded, dict):
        raise UsageError(f"{shown(raw)} is not a NextToken (expected the NextToken a describe printed "
                         "after --max-items)")
    return raw
