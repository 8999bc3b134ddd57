"""End to end in a pty: the real ``cloudshell --demo`` at 80x24 (TERM=screen, NO_COLOR) and 160x50.

Types like a user, reads the screen through the pyte emulator (tests/support/terminal.py),
and checks the demo cloud's state through its endpoint, which the status bar shows.
"""

from __future__ import annotations

from waiting import until  # noqa: I001 - tests/ is on sys.path (conftest)
import re
import sys

import pytest
from pty_helpers import demo_env as _env
from terminal import Terminal

from cloudshell.cloud.session import CloudSession

pytestmark = pytest.mark.e2e


def _wait_cloud(condition, timeout: float = 45.0, what: str = "") -> None:
    until(condition, timeout, f"cloud state: {what}", step=0.1)


def _filter(term: Terminal, text: str) -> None:
    """``/`` then the text once the filter line has the focus, as a person would."""
    term.type("/")
    term.wait(lambda t: "filter:" in t or "Enter keeps it" in t, what="filter line")
    term.type(text)
    # Enter once the filter has taken the text (every row shows it): in the same read as the text, a
    # loaded machine's Enter would come as part of a paste and leave the filter line open.
    term.wait(lambda t: (rows := [x for x in t.splitlines()[2:] if re.match(r"^[ >](i|vol)-", x)])
              and all(text in x for x in rows), what=f"the rows filtered to {text}")
    term.keys("Enter")
    # The table has the keys again once the footer lists them all (the filter line's is "/ Filter").
    term.wait(lambda t: "q Quit" in t.splitlines()[-1], what="the filter line closed")


def _cursor_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.startswith(">")), "")


@pytest.mark.parametrize("size,no_color", [((80, 24), True), ((160, 50), False)], ids=["80x24", "160x50"])
def test_demo_attach_detach_repl_and_quit(tmp_path, size, no_color):
    env = _env(tmp_path, no_color)
    term = Terminal([sys.executable, "-m", "cloudshell", "--demo", "--interval", "1"], env, size)
    session = None
    try:
        text = term.wait(lambda t: re.search(r"demo 127\.0\.0\.1:\d+", t) and " ok" in t and "web-1" in t,
                         timeout=60, what="live instances and the demo endpoint")
        url = "http://" + re.search(r"demo (127\.0\.0\.1:\d+)", text).group(1)
        session = CloudSession.for_url(url)

        def vol(name: str) -> dict:
            found = session.call("describe_volumes", Filters=[{"Name": "tag:Name", "Values": [name]}])["Volumes"]
            return found[0]
        scratch = vol("scratch-a")
        assert scratch["State"] == "available"

        # Attach: filter to web-1, `a`, the picker offers scratch-a (same zone), Enter.
        _filter(term, "web-1")
        term.wait(lambda t: "web-1" in _cursor_line(t), what="cursor on web-1")
        term.type("a")
        term.wait(lambda t: "Attach a volume to" in t and scratch["VolumeId"] in t, what="volume picker")
        term.keys("Enter")
        _wait_cloud(lambda: vol("scratch-a")["State"] == "in-use", what="scratch-a attached")
        web1 = session.call("describe_instances", Filters=[{"Name": "tag:Name", "Values": ["web-1"]}])
        web1_id = web1["Reservations"][0]["Instances"][0]["InstanceId"]
        assert vol("scratch-a")["Attachments"][0]["InstanceId"] == web1_id

        # The volumes view shows it in use (the poller saw it), then detach it.
        term.type("2")
        term.wait(lambda t: "GiB" in t, what="volumes view")
        _filter(term, "scratch-a")
        term.wait(lambda t: "scratch-a" in _cursor_line(t) and "in-use" in _cursor_line(t),
                  what="scratch-a in-use in the table")
        term.type("d")
        term.wait(lambda t: "Detach" in t and "unmount" in t, what="detach question")
        term.type("y")
        _wait_cloud(lambda: vol("scratch-a")["State"] == "available", what="scratch-a detached")
        term.wait(lambda t: "available" in _cursor_line(t), what="scratch-a available in the table")

        # Into the REPL on the same session and back with Ctrl-D.
        term.keys("Escape")
        # Wait for the filter to go: ESC followed at once by r would read as Alt-r.
        term.wait(lambda t: sum(line[1:5] == "vol-" for line in t.splitlines()) > 1, what="filter cleared")
        term.type("r")
        term.wait(lambda t: "demo us-east-1>" in t, what="REPL prompt")
        term.type("describe-volumes")
        term.keys("Enter")
        # Ctrl-D only once the next prompt reads the keyboard again (typed earlier, the cooked
        # terminal would take it as end-of-file for nobody).
        term.wait(lambda t: "demo us-east-1>" in t.partition("scratch-b")[2] and term.reading_keys(),
                  what="REPL output and the next prompt")
        term.keys("C-d")
        term.wait(lambda t: "1 Inst" in t and "2 Vol" in t, what="back in the monitor")

        # Quit: the program ends and takes the demo endpoint with it.
        term.type("q")
        _wait_cloud(lambda: term.exit_status() is not None, what="the program to end after q")
        assert term.exit_status() == 0
        assert "Traceback" not in term.screen() and "error" not in term.screen().lower()
    finally:
        if session is not None:
            session.close()
        term.close()
