"""The Networks view end to end at 80x24 (TERM=screen, NO_COLOR=1) in a pty read through pyte: the
real ``cloudshell --demo``, its VPCs each followed by their subnets, every cell exact, the columns
past the edge reached sideways; the detail of a subnet, and of an instance in the demo's VPC with
its interface, subnet, route table and group (issue 13 items 6 and 7).

The expected cells come from the demo cloud itself (its endpoint is on the status bar), through
the same function the monitor draws the view with, over a fresh sweep of its own.
"""

from __future__ import annotations

import re
import sys
import time

import pytest
from terminal import Terminal
from test_app_e2e import _env, _filter
from waiting import until

from cloudshell.cloud.inventory import fetch
from cloudshell.cloud.kinds import NETWORKS_VIEW, VIEWED
from cloudshell.cloud.networks import SOURCES, view_records
from cloudshell.cloud.session import CloudSession
from cloudshell.widgets.view_tabs import VIEWS

pytestmark = pytest.mark.e2e
SIZE = (80, 24)
HEADERS = {c.header: c.key for c in NETWORKS_VIEW.columns}


def _columns(header: str) -> list[tuple[int, str, bool]]:
    """(start, column key, cut by the right edge) of each column the header line shows."""
    out = []
    for m in re.finditer(r"\S+(?: \S+)*", header):
        start, token = m.start(), m.group()
        if token.startswith("« "):
            start, token = start + 2, token[2:]
        if token == "»":          # the edge mark apart: the last column shown is cut ("…")
            out[-1] = (*out[-1][:2], True)
            continue
        cut = token.endswith("»")
        token = token.rstrip("»").rstrip("▲▼")
        key = HEADERS.get(token) or next(k for h, k in HEADERS.items() if cut and h.startswith(token))
        out.append((start, key, cut))
    return out


def _screen_rows(lines: list[str], count: int) -> list[dict[str, str]]:
    """The cells of the first ``count`` rows, by column key, as the screen shows them."""
    columns = _columns(lines[1])
    rows = []
    for line in lines[2:2 + count]:
        cells = {}
        for n, (start, key, _cut) in enumerate(columns):
            end = columns[n + 1][0] if n + 1 < len(columns) else len(line)
            cells[key] = line[start:end].rstrip()
        cells["id"] = line[1:columns[1][0] if len(columns) > 1 else len(line)].rstrip()
        rows.append(cells)
    return rows


def _matches(lines: list[str], expected: list, cut_keys: set[str]) -> bool:
    rows = _screen_rows(lines, len(expected))
    for cells, rec in zip(rows, expected, strict=True):
        for key, cell in cells.items():
            value = rec.fields.get(key, "")
            if key in cut_keys:             # the column the right edge cuts: its start, maybe marked
                if not value.startswith(cell.rstrip("…")):
                    return False
            elif cell != value:
                return False
    return True


def _current_tab(term: Terminal) -> str:
    words = term.reverse_text(0).split()
    return words[0] if words else ""


def test_the_networks_view_shows_each_vpc_then_its_subnets_exactly_and_the_instances_network(tmp_path):
    assert VIEWS[8] == ("networks", "Networks") and VIEWED["networks"] is NETWORKS_VIEW
    term = Terminal([sys.executable, "-m", "cloudshell", "--demo"], _env(tmp_path, no_color=True), SIZE)
    session = None
    try:
        text = term.wait(lambda t: re.search(r"demo 127\.0\.0\.1:\d+", t) and " ok" in t and "web-1" in t,
                         timeout=90, what="the first sweep")
        assert " 9 Net" in text.splitlines()[0]                 # the ninth tab fits 80 columns
        session = CloudSession.for_url("http://" + re.search(r"demo (127\.0\.0\.1:\d+)", text).group(1))
        term.type("9")
        term.wait(lambda t: _current_tab(term) == "9" and "demo-vpc" in t, timeout=60, what="the Networks view")
        expected = list(view_records(fetch(session, SOURCES)).values())

        def shown() -> bool:
            term.pump(0.1)
            lines = term.lines()
            cut = {key for _start, key, edge in _columns(lines[1]) if edge}
            return _matches(lines, expected, cut)

        until(shown, 30, "every row exact")
        lines = term.lines()
        assert lines[1].startswith(" VPC / subnet  ") and lines[1].rstrip().endswith("»")
        # Each VPC, then its subnets on branches: └ closes the last one.
        ids = [line[1:].split()[0] for line in lines[2:2 + len(expected)]]
        assert ids == [r.fields["id"].split()[0] for r in expected]
        demo = next(n for n, r in enumerate(expected) if r.name == "demo-vpc")
        assert [line[1:].split()[:2] for line in lines[3 + demo:5 + demo]] == [
            ["├", expected[demo + 1].id], ["└", expected[demo + 2].id]]
        assert expected[demo].fields["cidr"] == "10.10.0.0/16" and expected[demo].fields["zone"] == "2 zones"
        public, private = expected[demo + 1], expected[demo + 2]
        assert (public.name, public.fields["internet"], public.fields["instances"]) == ("public-a", "yes", "2")
        assert (private.name, private.fields["internet"], private.fields["instances"]) == ("private-b", "no", "1")
        assert lines[2 + demo].split()[:5] == [expected[demo].id, "demo-vpc", "10.10.0.0/16", "2", "zones"]
        # Sideways: the pinned first column stays, Internet, Inst, State and Route table come in whole.
        seen = {key for _start, key, edge in _columns(lines[1]) if not edge}
        for _ in range(len(NETWORKS_VIEW.columns)):
            term.type("l")
            term.pump(0.2)
            until(shown, 10, "the panned rows exact")
            lines = term.lines()
            seen |= {key for _start, key, edge in _columns(lines[1]) if not edge}
        assert seen == set(HEADERS.values()), f"columns never whole: {set(HEADERS.values()) - seen}"
        assert "«" in term.lines()[1]
        row = _screen_rows(term.lines(), len(expected))[demo + 1]
        assert row["route_table"] == public.fields["route_table"] and row["state"] == "available"
        term.keys("Home")

        # Enter on a subnet: the subnet's own detail (its kind's fields, tags, API record).
        for _ in range(demo + 1):
            term.keys("Down")
        term.keys("Enter")
        detail = term.wait(lambda t: t.startswith(f" subnet {public.id} (public-a)") and "Every field" in t,
                           what="the subnet's detail")
        assert re.search(r"CIDR\s+10\.10\.1\.0/24", detail) and re.search(r"Public IP on launch\s+yes", detail)
        term.keys("Escape")
        term.wait(lambda t: _current_tab(term) == "9", what="back to the view")

        # An instance in the VPC: the detail's Network section names its place.
        term.type("1")
        term.wait(lambda t: _current_tab(term) == "1" and "lab-www-1" in t, what="instances")
        _filter(term, "lab-www-1")
        term.wait(lambda t: re.search(r"^>i-\S+\s+lab-www-1 ", t, re.M), what="the one row, under the cursor")
        term.pump(0.3)
        term.keys("Enter")
        term.wait(lambda t: t.startswith(" instance i-") and "(lab-www-1)" in t.splitlines()[0]
                  and " Fields" in t, what="the instance's detail")
        raw = next(i for r in session.call("describe_instances", Filters=[
            {"Name": "tag:Name", "Values": ["lab-www-1"]}])["Reservations"] for i in r["Instances"])
        eni = raw["NetworkInterfaces"][0]
        seen_lines: set[str] = set()
        for _ in range(40):     # a few lines at a time: no line of the detail scrolls by unseen
            before = term.lines()
            seen_lines |= set(before)
            if any(line.startswith(" Console output") for line in seen_lines):
                break
            term.keys("Down", "Down", "Down", "Down", "Down")
            # Each five lines drawn before the next five are pressed (on a loaded machine two
            # batches could land in one frame, ten lines scrolling by unseen); at the end nothing moves.
            moved = time.monotonic() + 5
            while term.lines() == before and time.monotonic() < moved:
                term.pump(0.05)
            term.pump(0.1)

        def line_with(pattern: str) -> bool:
            return any(re.fullmatch(r" " + pattern + r"\s*", line) for line in seen_lines)

        group = raw["SecurityGroups"][0]
        assert line_with(r"Network"), sorted(seen_lines)
        for pattern in (rf"VPC\s+{raw['VpcId']} \(demo-vpc\) 10\.10\.0\.0/16",
                        rf"Subnet\s+{public.id} \(public-a\) 10\.10\.1\.0/24 us-east-1a",
                        rf"Route table\s+{public.fields['route_table']} \(public\) Internet: yes",
                        rf"Interface 0\s+{eni['NetworkInterfaceId']} {re.escape(eni['PrivateIpAddress'])}"
                        rf" public {re.escape(raw['PublicIpAddress'])}",
                        rf"Group\s+{group['GroupId']} \(lab-web\)"):
            assert line_with(pattern), (pattern, sorted(seen_lines))
        term.keys("Escape")
    finally:
        if session is not None:
            session.close()
        term.close()
