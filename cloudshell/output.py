"""Rendering results: rich tables for people; awscli-identical JSON, text and table, and tsv, for scripts.

Cloud data is untrusted: every string shown in a table goes through rich
``Text`` (control characters stripped, no markup interpreted).
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from decimal import Decimal
from typing import Any

from cloudshell.cloud.errors import CloudshellError
from cloudshell.cloud.kinds import KINDS, STATE_CLASSES
from cloudshell.cloud.terminal import escaped
from cloudshell.commands.context import Result

def clean(text: str) -> str:
    """Untrusted text made safe for a terminal: control characters shown escaped (tabs and newlines kept)."""
    return escaped(text, keep="\t\n")


def jsonable(value: Any) -> Any:
    """The response as awscli serialises it (dates ISO 8601, Decimal as numbers)."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "replace")
    return value


def apply_query(data: Any, query: str | None) -> Any:
    """``--query`` over the result. The expression was compiled at parse time (before sending),
    so what fails here failed on this data: exit 1, since the request was already sent."""
    if not query:
        return data
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        return jmespath.search(query, data)
    except (JMESPathError, RecursionError) as exc:
        raise CloudshellError(f"--query {query!r} failed on the result: {' '.join(str(exc).split())}") from None


# In a JSON document these can only stand inside strings; json.dumps leaves DEL and C1
# (U+007F-U+009F) raw, and U+009B is a CSI to many terminals.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f]")


def render_json(data: Any, query: str | None = None) -> str:
    """awscli's JSON; nothing at all for an empty answer (``{}``), as awscli prints nothing then."""
    value = apply_query(jsonable(data), query)
    if value == {}:
        return ""
    return dump_json(value)


def dump_json(value: Any) -> str:
    """A JSON document as awscli indents it, DEL and C1 characters escaped."""
    text = json.dumps(value, indent=4, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def show(value: Any) -> str:
    """One value as the script formats print it: its ``str``, control characters escaped."""
    return clean(str(value))


_FIELD_BREAKS = re.compile(r"[\t\n]")


def show_field(value: Any) -> str:
    """One value in a tab-separated record (tsv, euca): a tab or newline inside it would forge a
    field or a record, so they are escaped too."""
    return _FIELD_BREAKS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), show(value))


def render_text(result: Result, query: str | None = None) -> str:
    """awscli's text output; a paginated answer page by page, the query applied to each, as awscli does."""
    from cloudshell.formats.text import text_lines

    pages = result.pages or (result.data,)
    return "\n".join(line for page in pages for line in text_lines(apply_query(jsonable(page), query), show))


# Secrets in awscli's answers (create-keypair's private key): json and text print them as awscli does;
# tsv, a pipe's default, only when a --query picks them.
UNASKED_SECRETS = frozenset({"KeyMaterial"})


def render_tsv(result: Result, query: str | None = None) -> str:
    """cloudshell's tab-separated columns: records one per line, a query's values in its order."""
    from cloudshell.formats import tsv

    if query:
        return "\n".join(tsv.value_lines(apply_query(jsonable(result.data), query), show_field))
    if result.kind is None:
        data = result.data
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k not in UNASKED_SECRETS}
        return "\n".join(tsv.value_lines(jsonable(data), show_field))
    return "\n".join(tsv.record_lines(result, show_field))


def render_table(result: Result, query: str | None, width: int) -> str:
    """awscli's box table of the (queried) answer, titled with the API operation's name."""
    from cloudshell.formats.table import table_lines

    title = "".join(w.capitalize() for w in (result.operation or "").split("_")) or result.title or "Result"
    return "\n".join(table_lines(title, apply_query(jsonable(result.data), query), width, show))


def stream_columns(stream) -> int:
    """The terminal's width when ``stream`` is one, else 80 (as awscli; COLUMNS is not asked)."""
    import os

    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 80


def pick_columns(result: Result, width: int) -> list[tuple[str, str]]:
    """The columns that fit ``width``, in the kind's priority order (ID and Name first)."""
    kind = KINDS.get(result.kind or "")
    columns = [(c.key, c.header) for c in kind.columns] if kind else \
        [(k, k) for k in (result.records[0].fields if result.records else ())]
    chosen, used = [], 0
    for key, header in columns:
        need = max([len(header)] + [len(r[key]) for r in result.records[:200]]) + 3
        if chosen and used + need > width:
            continue
        if any(r[key] for r in result.records) or key in ("id", "name", "state"):
            chosen.append((key, header))
            used += need
    return chosen


def table_for(result: Result, width: int):
    """A rich Table of the result's records that fits the terminal's width."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    columns = pick_columns(result, width)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=False, title=result.title)
    for key, header in columns:
        table.add_column(header, no_wrap=key in ("id", "state"), overflow="fold")
    for rec in result.records:
        table.add_row(*(Text(clean(rec[key]), style=_state_style(rec[key]) if key == "state" else "")
                        for key, _ in columns))
    return table


# Each state's colour class (kinds.STATE_CLASSES, the monitor's table uses the same) → a rich colour.
CLASS_STYLES = {"good": "green", "info": "cyan", "busy": "magenta", "warn": "yellow", "bad": "red"}


def _state_style(state: str) -> str:
    return CLASS_STYLES.get(STATE_CLASSES.get(state, ""), "")


def emit(result: Result, *, fmt: str, query: str | None, console, err_console=None) -> None:
    """Print a result on a rich console in the chosen format; warnings after it, on ``err_console``."""
    _emit(result, fmt=fmt, query=query, console=console)
    for warning in result.warnings:
        (err_console or console).print(f"warning: {clean(warning)}", markup=False, highlight=False,
                                       soft_wrap=True)


def _emit(result: Result, *, fmt: str, query: str | None, console) -> None:
    if result.raw and result.raw_text is not None and fmt != "json" and not query:
        # The user asked for the bytes as they are (get-console-output -r): no rich, no escaping.
        console.file.write(result.raw_text if result.raw_text.endswith("\n") else result.raw_text + "\n")
        console.file.flush()
        return
    if fmt == "euca" and not query and result.data is not None:
        from cloudshell.formats import euca

        if result.command in euca.OVER_TEXT:
            _plain(console, euca.render(result, show_field))
            return
    if result.raw_text is not None and (fmt == "table" or (fmt in ("text", "tsv", "euca") and not query)):
        # Help, config, console output: text meant to be read as it is, in a table or a pipe.
        text = "\n".join(clean(line) for line in result.raw_text.split("\n"))
        if fmt == "table":
            console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            _plain(console, text)
        return
    if fmt == "json":
        data = result.data if result.data is not None else {"Messages": list(result.lines)}
        _plain(console, render_json(data, query))
        return
    answered = result.data is not None or bool(result.records)
    if fmt == "euca" and not query:
        from cloudshell.formats import euca

        if euca.has_layout(result.command) and result.data is not None:
            _plain(console, euca.render(result, show_field))
            return
        fmt = "tsv"  # help, wait, ssh…: euca2ools has no record for them
    if fmt in ("text", "tsv", "euca") or (query and fmt == "table"):
        if not answered:
            text = "\n".join(clean(line) for line in result.lines)
        elif fmt == "text":
            text = render_text(result, query)
        elif fmt in ("tsv", "euca"):  # a query picks values: euca2ools had none, so tsv's lines
            text = render_tsv(result, query)
        else:
            text = render_table(result, query, stream_columns(console.file))
        _plain(console, text)
        return
    if result.kind and (result.records or not result.lines):
        if result.records:
            console.print(table_for(result, console.width))
        else:
            console.print(f"no {result.kind}", markup=False, highlight=False)
    for line in result.lines:
        console.print(clean(line), markup=False, highlight=False, soft_wrap=True)
    for change in result.changes:
        console.print(clean(change.describe()), markup=False, highlight=False, soft_wrap=True)


def _plain(console, text: str) -> None:
    """Script output bypasses rich's layout engine: it is large and must be byte-exact."""
    if not text:
        return
    console.file.write(text + "\n")
    console.file.flush()
