"""Reading a table off the screen: the cells under each header, checked against their records.

Shared by the monitor under Pilot (monitor/test_app_cells.py) and in a pty (e2e/test_app_e2e_cells.py).
"""

from __future__ import annotations

import re


def _clean(token: str) -> str:
    return token.rstrip("»").rstrip().replace("▲", "").replace("▼", "")


def cells_under_headers(lines: list[str], columns, rows: int) -> dict[str, dict[str, str]]:
    """{row ID: {column key: the cell as on screen}}: ``lines`` from the view's tabs line down,
    the header read for where each column starts (``«``/``»`` marks and cut headers included)."""
    header = lines[1]
    body = lines[2:2 + rows]
    found = []                                      # (start, column)
    columns = list(columns)
    at = 0
    for m in re.finditer(r"\S+(?: \S+)*", header):
        start, token = m.start(), m.group()
        if token.startswith("« "):
            start, token = start + 2, token[2:]
        if token == "»":
            # The header's edge mark: over a column the edge left one cell (its cells are "…"),
            # or over the last cell of the column before.
            if any(line[start:start + 1] == "…" for line in body) and all(
                    line[start - 2:start] == "  " for line in body):
                found.append((start, columns[at]))
                at += 1
            continue
        token = _clean(token)
        for j in range(at, len(columns)):
            head = columns[j].header
            if token == head or (token.endswith("…") and head.startswith(token[:-1])) or (
                    m.end() >= len(header.rstrip()) and head.startswith(token)):
                found.append((start, columns[j]))
                at = j + 1
                break
        else:
            raise AssertionError(f"header token {token!r} is no column: {header!r}")
    out = {}
    for line in body:
        cells = {}
        for n, (start, column) in enumerate(found):
            end = found[n + 1][0] if n + 1 < len(found) else len(line)
            cells[column.key] = line[start:end].rstrip()
        out[cells["id"].lstrip(">*~ ").removeprefix("├ ").removeprefix("└ ")] = cells   # tree rows: their ID
    return out


def check_cells(rows: dict[str, dict[str, str]], records, where: str) -> set[str]:
    """Every cell is its record's value, or its start with "…" (never an ID); returns the columns
    every row showed whole."""
    whole = set()
    for rid, cells in rows.items():
        rec = records[rid]
        for key, cell in cells.items():
            value = rec.fields.get(key, "")
            if cell == value:
                continue
            assert key != "id", f"the ID column cut: {cell!r} for {value!r}"
            assert cell.endswith("…") and value.startswith(cell[:-1]), \
                f"{where}.{key}: {cell!r} on screen for {value!r}, cut without '…'"
    for key in next(iter(rows.values()), {}):
        if all(cells[key] == records[rid].fields.get(key, "") for rid, cells in rows.items()):
            whole.add(key)
    return whole
