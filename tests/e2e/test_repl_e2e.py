"""End to end: the real ``cloudshell repl --demo`` in an 80x24 pty (tests/support/terminal.py), driven by keys,
read off the screen.

The user's path from the issue: ``att<Tab> <Tab>`` picks an available volume,
``-i <Tab>`` an instance in its zone, ``-d <Tab>`` a free device; Enter runs it;
``describe-volumes`` then shows the volume in-use, and the toolbar is on screen.
"""

from __future__ import annotations

from waiting import until  # noqa: I001 - tests/ is on sys.path (conftest)
import re
import stat
import sys
from collections.abc import Callable

import pytest
from conftest import isolated_env
from terminal import Terminal

pytestmark = pytest.mark.e2e

VOL = re.compile(r"vol-[0-9a-f]{8,17}\b")
INST = re.compile(r"i-[0-9a-f]{8,17}\b")


class Repl(Terminal):
    """The REPL in an 80x24 pty: the prompt's line and the completion menu's highlighted row."""

    def wait(self, condition, timeout: float = 30.0, what: str = "", joined: bool = True) -> str:
        return super().wait(condition, timeout, what, joined=joined)   # wrapped lines joined (-J)

    def highlighted(self) -> str:
        """The menu row shown in reverse video (the candidate Tab picked), "" when none."""
        self.pump()
        for y in range(self.vt.lines - 1):             # the last row is the toolbar
            cells = self.row_attrs(y)
            first = next((x for x, cell in enumerate(cells) if cell.reverse), None)
            if first is not None:
                return "".join(cell.data for cell in cells[first:]).strip()
        return ""

    def prompt_line(self) -> str:
        for line in reversed(self.joined().split("\n")):
            if line.startswith("demo us-east-1>"):
                return line.split("us-east-1>", 1)[1].strip()
        return ""


def tab_until(term: Repl, accept: Callable[[str], bool], what: str, tries: int = 15) -> str:
    """Press Tab until the highlighted menu row (candidate and its meta) is acceptable; its candidate."""
    for _ in range(tries):
        before = term.highlighted()
        term.keys("Tab")
        try:
            term.wait(lambda s, before=before: term.highlighted() not in ("", before), 5, f"Tab ({what})")
        except AssertionError:
            # A Tab that came before the menu did only opens it (nothing selected yet): Tab again.
            continue
        row = term.highlighted()
        if accept(row):
            return row.split()[0]
    raise AssertionError(f"no acceptable {what} after {tries} Tabs; screen:\n{term.screen()}")


def test_attach_volume_by_tab(tmp_path):
    env = isolated_env(tmp_path)
    env.pop("COLUMNS", None)     # the terminal's own width: 80
    env.pop("LINES", None)
    env["TERM"] = "screen"
    term = Repl([sys.executable, "-m", "cloudshell", "repl", "--demo"], env)
    try:
        term.wait(lambda s: "demo us-east-1>" in s and re.search(r"\d+ inst", s), 90, "the prompt and counts")

        term.type("attach-vo")   # "att" alone now also starts attach-internet-gateway and others
        term.wait(lambda s: term.prompt_line() == "attach-vo", 10, "attach-vo")
        term.keys("Tab")
        term.wait(lambda s: term.prompt_line() == "attach-volume", 10, "attach-volume")
        term.type(" ")
        volume = tab_until(term, lambda row: VOL.match(row) and "available" in row, "an available volume")
        zone = re.search(r"us-east-1[a-z]", term.highlighted()).group()
        term.type(" -i ")
        instance = tab_until(term, lambda row: INST.match(row) and "running" in row and zone in row,
                             "a running instance in the volume's zone")
        term.type(" -d ")
        device = tab_until(term, lambda row: row.startswith("/dev/") and instance in row, "a free device")

        term.keys("Enter")       # closes the menu on the highlighted device
        screen = term.wait(lambda s: "attaching" in s or "free on" not in s, 10, "the menu to close")
        if "attaching" not in screen:
            term.keys("Enter")
        term.wait(lambda s: re.search(rf"{volume}.*attaching to {instance}.* as {device}", s), 30,
                  "attach-volume's answer")

        row = re.compile(rf"^\s*{volume}\s+\S+\s+(in-use|attaching)\b", re.M)
        for _ in range(10):      # the cloud's state, asked until it settles
            term.keys("C-l")     # a clean screen: only the new answer can match
            term.wait(lambda s: "attaching to" not in s and not row.search(s), 10, "a clear screen")
            term.type(f"describe-volumes {volume}")
            term.keys("Enter")
            state = row.search(term.wait(row.search, 20, "describe-volumes")).group(1)
            if state == "in-use":
                break
        else:
            raise AssertionError(f"{volume} never in-use:\n{term.screen()}")

        def toolbar(screen: str) -> bool:
            last = screen.rstrip("\n").split("\n")[-1]
            return "demo us-east-1 │" in last and bool(re.search(r"\d+ inst .*│ ok$", last.rstrip()))
        term.wait(toolbar, 10, "the toolbar under the prompt")
        assert "Traceback" not in term.screen()

        # Ctrl-C interrupts a long wait and the prompt comes back.
        term.keys("C-l")
        term.type(f"wait {volume} available --timeout 600")
        term.keys("Enter")
        term.wait(lambda s: "waiting for" in s, 20, "the wait to start")
        term.keys("C-c")
        term.wait(lambda s: "interrupted" in s and s.rstrip().count("demo us-east-1>") >= 2, 20,
                  "the interrupted wait and a new prompt")
        assert "Traceback" not in term.screen()

        term.keys("C-d")
        history = tmp_path / "home" / ".local" / "state" / "cloudshell" / "history"
        term.wait(lambda s: history.exists() and "attach-volume" in history.read_text(), 20, "the history")
        assert stat.S_IMODE(history.stat().st_mode) == 0o600
    finally:
        term.close()
