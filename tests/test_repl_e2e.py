"""End to end: the real ``cloudshell repl --demo`` in tmux at 80x24, driven by keys, read off the screen.

The user's path from the issue: ``att<Tab> <Tab>`` picks an available volume,
``-i <Tab>`` an instance in its zone, ``-d <Tab>`` a free device; Enter runs it;
``describe-volumes`` then shows the volume in-use, and the toolbar is on screen.
"""

from __future__ import annotations

from waiting import until  # noqa: I001 - tests/ is on sys.path (conftest)
import re
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Callable

import pytest
from conftest import isolated_env

pytestmark = pytest.mark.e2e

ANSI = re.compile(r"\x1b\[[0-9;]*m")
VOL = re.compile(r"vol-[0-9a-f]{8,17}\b")
INST = re.compile(r"i-[0-9a-f]{8,17}\b")


class Tmux:
    """One private tmux server (own socket) running one program in an 80x24 window."""

    def __init__(self, socket: str, env: dict[str, str]) -> None:
        self.base = ["tmux", "-S", socket]
        self.env = env
        self.name = f"repl-{uuid.uuid4().hex[:8]}"

    def start(self, argv: list[str]) -> None:
        subprocess.run([*self.base, "-f", "/dev/null", "new-session", "-d", "-s", self.name,
                        "-x", "80", "-y", "24", *argv], env=self.env, check=True, timeout=20)

    def keys(self, *keys: str, literal: bool = False) -> None:
        subprocess.run([*self.base, "send-keys", "-t", self.name, *(["-l"] if literal else []), *keys],
                       check=True, timeout=10)

    def type(self, text: str) -> None:
        self.keys(text, literal=True)

    def screen(self) -> str:
        out = subprocess.run([*self.base, "capture-pane", "-p", "-J", "-t", self.name],
                             capture_output=True, text=True, timeout=10)
        return out.stdout

    def highlighted(self) -> str:
        """The menu row shown in reverse video (the candidate Tab picked), "" when none."""
        out = subprocess.run([*self.base, "capture-pane", "-p", "-e", "-t", self.name],
                             capture_output=True, text=True, timeout=10).stdout
        rows = out.rstrip("\n").split("\n")[:-1]          # the last row is the toolbar
        for row in rows:
            if "\x1b[7m" in row:
                return ANSI.sub("", row.split("\x1b[7m", 1)[1]).strip()
        return ""

    def lines(self) -> list[str]:
        return self.screen().rstrip("\n").split("\n")

    def wait(self, predicate: Callable[[str], object], timeout: float = 30.0, what: str = "") -> str:
        return until(lambda: (lambda s: s if predicate(s) else "")(self.screen()), timeout,
                     what, describe=lambda: "screen:\n" + self.screen())

    def prompt_line(self) -> str:
        for line in reversed(self.screen().split("\n")):
            if line.startswith("demo us-east-1>"):       # capture-pane drops trailing blanks
                return line.split("us-east-1>", 1)[1].strip()
        return ""

    def kill(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True, timeout=10)


def tab_until(tmux: Tmux, accept: Callable[[str], bool], what: str, tries: int = 15) -> str:
    """Press Tab until the highlighted menu row (candidate and its meta) is acceptable; its candidate."""
    for _ in range(tries):
        before = tmux.highlighted()
        tmux.keys("Tab")
        row = tmux.wait(lambda s, before=before: tmux.highlighted() not in ("", before), 10, f"Tab ({what})")
        row = tmux.highlighted()
        if accept(row):
            return row.split()[0]
    raise AssertionError(f"no acceptable {what} after {tries} Tabs; screen:\n{tmux.screen()}")


def test_attach_volume_by_tab_in_tmux(tmp_path):
    env = isolated_env(tmp_path)
    env.pop("COLUMNS", None)     # the terminal's own width: 80
    env.pop("LINES", None)
    tmux = Tmux(str(tmp_path / "tmux.sock"), env)
    try:
        tmux.start([sys.executable, "-m", "cloudshell", "repl", "--demo"])
        tmux.wait(lambda s: "demo us-east-1>" in s and re.search(r"\d+ inst", s), 90, "the prompt and counts")

        tmux.type("att")
        tmux.wait(lambda s: tmux.prompt_line() == "att", 10, "att")
        tmux.keys("Tab")
        tmux.wait(lambda s: tmux.prompt_line() == "attach-volume", 10, "attach-volume")
        tmux.type(" ")
        volume = tab_until(tmux, lambda row: VOL.match(row) and "available" in row, "an available volume")
        zone = re.search(r"us-east-1[a-z]", tmux.highlighted()).group()
        tmux.type(" -i ")
        instance = tab_until(tmux, lambda row: INST.match(row) and "running" in row and zone in row,
                             "a running instance in the volume's zone")
        tmux.type(" -d ")
        device = tab_until(tmux, lambda row: row.startswith("/dev/") and instance in row, "a free device")

        tmux.keys("Enter")       # closes the menu on the highlighted device
        screen = tmux.wait(lambda s: "attaching" in s or "free on" not in s, 10, "the menu to close")
        if "attaching" not in screen:
            tmux.keys("Enter")
        tmux.wait(lambda s: re.search(rf"{volume}.*attaching to {instance}.* as {device}", s), 30,
                  "attach-volume's answer")

        row = re.compile(rf"^\s*{volume}\s+\S+\s+(in-use|attaching)\b", re.M)
        for _ in range(10):      # the cloud's state, asked until it settles
            tmux.keys("C-l")     # a clean screen: only the new answer can match
            tmux.wait(lambda s: "attaching to" not in s and not row.search(s), 10, "a clear screen")
            tmux.type(f"describe-volumes {volume}")
            tmux.keys("Enter")
            state = row.search(tmux.wait(row.search, 20, "describe-volumes")).group(1)
            if state == "in-use":
                break
        else:
            raise AssertionError(f"{volume} never in-use:\n{tmux.screen()}")

        def toolbar(screen: str) -> bool:
            last = screen.rstrip("\n").split("\n")[-1]
            return "demo us-east-1 │" in last and bool(re.search(r"\d+ inst .*│ ok$", last.rstrip()))
        tmux.wait(toolbar, 10, "the toolbar under the prompt")
        assert "Traceback" not in tmux.screen()

        # Ctrl-C interrupts a long wait and the prompt comes back.
        tmux.keys("C-l")
        tmux.type(f"wait {volume} available --timeout 600")
        tmux.keys("Enter")
        tmux.wait(lambda s: "waiting for" in s, 20, "the wait to start")
        tmux.keys("C-c")
        tmux.wait(lambda s: "interrupted" in s and s.rstrip().count("demo us-east-1>") >= 2, 20,
                  "the interrupted wait and a new prompt")
        assert "Traceback" not in tmux.screen()

        tmux.keys("C-d")
        history = tmp_path / "home" / ".local" / "state" / "cloudshell" / "history"
        tmux.wait(lambda s: history.exists() and "attach-volume" in history.read_text(), 20, "the history")
        assert stat.S_IMODE(history.stat().st_mode) == 0o600
    finally:
        tmux.kill()
