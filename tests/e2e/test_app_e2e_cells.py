"""End to end at 80x24 (TERM=screen, NO_COLOR=1) in a pty read through pyte (tests/support/terminal.py):
the real ``cloudshell --demo``, its first frame, exact long IDs in every view and in the detail,
the "…" mark on cut cells, sideways panning with the ID column pinned.

The expected cells come from the demo cloud itself (its endpoint is on the status bar),
through the same kinds table the monitor reads.
"""

from __future__ import annotations

import re
import sys

import pytest
from pty_helpers import demo_env as _env, gone as _gone, moto_children as _moto_children, reap as _reap
from screen_cells import cells_under_headers, check_cells
from terminal import Terminal
from waiting import until

from cloudshell.cloud.inventory import fetch_kind
from cloudshell.cloud.kinds import KINDS
from cloudshell.cloud.session import CloudSession
from cloudshell.screens.detail import flatten
from cloudshell.widgets.view_tabs import VIEWS

pytestmark = pytest.mark.e2e
SIZE = (80, 24)


def _rows(term: Terminal, kind: str, records) -> dict[str, dict[str, str]]:
    lines = term.lines()
    body = [line for line in lines[2:] if re.match(r"^[ >*~]\S", line)][:len(records)]
    rows = cells_under_headers(lines[:2] + body, KINDS[kind].columns, len(body))
    assert set(rows) <= set(records), f"{kind}: IDs on screen that are not whole IDs: {set(rows) - set(records)}"
    return rows


def _settled(term: Terminal, kind: str, records) -> bool:
    try:
        return len(_rows(term, kind, records)) == min(len(records), SIZE[1] - 5)
    except AssertionError:
        return False        # the previous view still on screen


def _current_tab(term: Terminal) -> str:
    """The number of the view drawn in reverse on the tabs line (its label may be cut at 80 columns)."""
    words = term.reverse_text(0).split()
    return words[0] if words else ""


def _steady(term: Terminal, quiet: float = 0.3) -> str:
    """The screen once it stays the same for ``quiet`` seconds (not a frame caught half drawn)."""
    def same() -> str:
        before = term.screen()
        term.pump(quiet)
        return before if term.screen() == before else ""
    return until(same, 15, "a steady screen", step=0.0)


def _status(term: Terminal) -> str:
    return term.lines()[-2]


def test_first_frame_then_every_view_exact_marked_and_panned_and_the_detail_whole(tmp_path):
    term = Terminal([sys.executable, "-m", "cloudshell", "--demo"], _env(tmp_path, no_color=True), SIZE)
    session = None
    try:
        # The frame comes before the demo cloud is up, and says so; the first sweep replaces it.
        term.wait(lambda t: "starting demo cloud…" in t, timeout=20, what="the first frame")
        text = term.wait(lambda t: re.search(r"demo 127\.0\.0\.1:\d+", t) and " ok" in t and "web-1" in t,
                         timeout=90, what="the first sweep")
        assert "starting demo cloud" not in text and "connecting" not in text
        # Kinds arrive one by one (instances first); once the last is in, every count fits.
        term.wait(lambda t: re.search(r"\b\d+key\b", _status(term)), timeout=60, what="every kind counted")
        status = _status(term)
        for label in ("inst", "vol", "snap", "img", "addr", "grp", "key"):   # every count at 80 columns
            assert re.search(rf"\b\d+{label}\b", status), (label, status)
        session = CloudSession.for_url("http://" + re.search(r"demo (127\.0\.0\.1:\d+)", text).group(1))

        marked = 0
        for n, (kind, label) in enumerate(VIEWS, start=1):
            if kind not in KINDS:
                continue   # networks: made of other kinds' rows, its own test (test_network_view_e2e)
            records, _cut = fetch_kind(session, KINDS[kind])
            term.type(str(n))
            term.wait(lambda t, n=n: _current_tab(term) == str(n), what=f"the {kind} view")
            term.wait(lambda t, kind=kind, records=records: _settled(term, kind, records), what=f"every {kind} row")
            rows = _rows(term, kind, records)
            seen = check_cells(rows, records, kind)
            marked += sum(cell.endswith("…") for cells in rows.values() for cell in cells.values())
            first_header = term.lines()[1]
            for _ in range(len(KINDS[kind].columns)):
                header = term.lines()[1]
                term.type("l")
                # One column further (or already at the right end, no "»") before the next "l": keys
                # typed faster than frames are drawn skipped pan positions on a loaded machine.
                term.wait(lambda t, h=header: t.splitlines()[1] != h or "»" not in h, what=f"{kind} panned")
                _steady(term, 0.15)                 # the panned frame whole, not caught half written
                rows = _rows(term, kind, records)
                seen |= check_cells(rows, records, kind)
            capped = {c.key for c in KINDS[kind].columns
                      if any(len(r.fields.get(c.key, "")) > 36 for r in records.values())}
            assert {c.key for c in KINDS[kind].columns} - capped <= seen, f"{kind}: columns never whole"
            if term.lines()[1] != first_header:
                assert "«" in term.lines()[1]                          # columns panned away, marked
            term.keys("Home")
            term.wait(lambda t, h=first_header: t.splitlines()[1] == h, what=f"{kind} panned back")
        assert marked, "no cut cell at 80 columns: the '…' mark was not exercised"

        # Volumes: "Attached to" is cut at the right edge, then whole one column on (the pinned ID stays).
        term.type("2")
        term.wait(lambda t: _current_tab(term) == "2" and "Attached to" in t.splitlines()[1],
                  what="volumes")
        volumes, _cut = fetch_kind(session, KINDS["volumes"])
        attached = {rid: r["instance"] for rid, r in volumes.items() if r["instance"]}
        term.keys("Right", "Right")
        text = term.wait(lambda t: "«" in t.splitlines()[1], what="panned right")
        for rid, inst in attached.items():
            line = next(line for line in text.splitlines() if line[1:].startswith(rid + " "))
            assert f" {inst} " in line + " ", line
        term.keys("Left", "Left")
        term.wait(lambda t: "«" not in t.splitlines()[1], what="panned back")

        # The detail of an instance: every API field whole (no character under the scrollbar).
        term.type("1")
        term.wait(lambda t: _current_tab(term) == "1", what="instances")
        instances, _cut = fetch_kind(session, KINDS["instances"])
        term.keys("Enter")
        # Once the console output is in (the detail is drawn again then), page through it.
        first = term.wait(lambda t: t.startswith(" instance i-") and "Console output" in t
                          and "loading…" not in t, what="the detail screen, its console output loaded")
        rid = first.split()[1]
        seen_text, pages = first, [_steady(term)]
        while len(pages) < 40:
            term.keys("PageDown")
            try:
                term.wait(lambda t: t != pages[-1], timeout=15, what="the next page")
            except AssertionError:
                break                                   # the end of the detail: PageDown moves nothing
            pages.append(_steady(term))
            seen_text += pages[-1]
        # The key column takes at most 2/5 of the 77 cells: a value up to 45 cells is on one line.
        for key, value in flatten(instances[rid].raw):
            if value and len(value) <= 45 and not key.startswith("Tags"):
                assert value in seen_text, f"{key}={value!r} not whole in the detail"
        term.keys("Escape")
        term.wait(lambda t: _current_tab(term) == "1" and "ID▲" in t, what="back on the table")
        term.type("q")
        assert term.wait_exit(30) == 0
    finally:
        if session is not None:
            session.close()
        term.close()


def test_sigterm_while_the_demo_cloud_starts_gives_the_terminal_back_and_stops_it(tmp_path):
    import signal

    term = Terminal([sys.executable, "-m", "cloudshell", "--demo"], _env(tmp_path, no_color=True), SIZE)
    moto: list[int] = []
    try:
        term.wait(lambda t: "starting demo cloud…" in t, timeout=20, what="the first frame")
        moto = until(lambda: _moto_children(term), 20, "the demo's moto child")
        assert "starting demo cloud…" in term.screen() and "alternate screen on" in term.restored()
        term.signal(signal.SIGTERM)
        assert term.wait_exit(30, "cloudshell to end on SIGTERM") == 128 + signal.SIGTERM
        assert term.restored() == []
        assert "Traceback" not in term.screen()
        until(lambda: all(_gone(pid) for pid in moto), 15, "the demo's moto child to end")
    finally:
        term.close()
        _reap(moto)


def test_quitting_while_the_demo_cloud_starts_stops_it_and_exits_0(tmp_path):
    term = Terminal([sys.executable, "-m", "cloudshell", "--demo"], _env(tmp_path, no_color=True), SIZE)
    moto: list[int] = []
    try:
        term.wait(lambda t: "starting demo cloud…" in t and "q Quit" in t, timeout=20, what="the first frame")
        moto = until(lambda: _moto_children(term), 20, "the demo's moto child")
        term.wait(lambda t: "ID▲" in t, timeout=20, what="the monitor's own frame (keys read)")
        term.type("q")
        assert term.wait_exit(30, "cloudshell to end on q") == 0
        assert term.restored() == []
        assert "stopping the demo cloud…" in term.screen() and "Traceback" not in term.screen()
        until(lambda: all(_gone(pid) for pid in moto), 15, "the demo's moto child to end")
    finally:
        term.close()
        _reap(moto)
