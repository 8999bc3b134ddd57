"""The terminal is given back however cloudshell ends: killed by SIGTERM, SIGHUP or SIGINT, or crashed.

The real program in an 80x24 pty (TERM=screen, NO_COLOR, tests/support/terminal.py):
before the signal its modes are on (so these tests can fail); afterwards the
main screen is back, the cursor shows, mouse reporting and bracketed paste are
off, the tty echoes and edits lines again, the status is the shell's 128+N,
and the demo's moto child is gone.
"""

from __future__ import annotations

from waiting import until  # noqa: I001 - tests/ is on sys.path (conftest)
import re
import signal
import sys
from pathlib import Path

import pytest
from conftest import isolated_env
from pty_helpers import gone as _gone, moto_children as _moto_children, reap as _reap
from terminal import Terminal

pytestmark = pytest.mark.e2e


def _env(tmp_path: Path) -> dict[str, str]:
    env = isolated_env(tmp_path, {"TERM": "screen", "NO_COLOR": "1"})
    env.pop("COLUMNS", None)
    return env


READY = {
    "monitor": lambda s: re.search(r" 127\.0\.0\.1:\d+ .* ok", s) and "q Quit" in s,
    "repl": lambda s: re.search(r"us-east-1> *\n", s) and re.search(r"\d+ inst .*│ ok", s),
}


def _start(tmp_path: Path, face: str, endpoint: list[str], prefix: list[str] | None = None) -> Terminal:
    args = {"monitor": ["--interval", "1"], "repl": ["repl"]}[face]
    term = Terminal([sys.executable, *(prefix or ["-m", "cloudshell"]), *endpoint, *args], _env(tmp_path))
    term.wait(READY[face], 60, f"the {face}, connected")
    return term


def _kill_and_check(term: Terminal, face: str, signum: int) -> None:
    changed = term.restored()
    if face == "monitor":
        assert {"alternate screen on", "mouse reporting on", "cursor hidden"} <= set(changed), changed
    assert {"bracketed paste on", "tty left in raw mode"} <= set(changed), changed
    term.signal(signum)
    assert term.wait_exit(30, f"cloudshell to end on {signum.name}") == 128 + signum
    assert term.restored() == []
    assert "Traceback" not in term.screen()


# Every signal on each face; the demo (a moto child to stop) on one case of each way out of the
# process: chained to the demo's own handler (SIGTERM, SIGHUP), SIGINT in the monitor, SIGINT at the
# REPL's prompt. The others run on the suite's shared moto server (no child of their own).
CASES = [
    ("monitor", signal.SIGTERM, True), ("monitor", signal.SIGINT, True), ("monitor", signal.SIGHUP, False),
    ("repl", signal.SIGINT, True), ("repl", signal.SIGTERM, False), ("repl", signal.SIGHUP, False),
]


@pytest.mark.parametrize("face, signum, demo", CASES,
                         ids=[f"{f}-{s.name}{'-demo' if d else ''}" for f, s, d in CASES])
def test_a_signal_gives_the_terminal_back_and_stops_the_demo(cloud, face, signum, demo):
    term = _start(cloud.tmp_path, face, ["--demo"] if demo else cloud.endpoint_args)
    moto: list[int] = []
    try:
        if demo:
            moto = until(lambda: _moto_children(term), 10, "the demo's moto child")
        _kill_and_check(term, face, signum)
        until(lambda: all(_gone(pid) for pid in moto), 15, "the demo's moto child to end")
    finally:
        term.close()
        _reap(moto)


# A crash inside the monitor: `t` raises. The terminal first, then cli.py's one line, exit 1.
CRASHING = """
import sys
from cloudshell.screens import main as screens

def crash(self, *args, **kwargs):
    raise RuntimeError("injected crash")

screens.MainScreen.action_timeline = crash
from cloudshell.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_crash_gives_the_terminal_back_with_one_line(cloud):
    term = _start(cloud.tmp_path, "monitor", cloud.endpoint_args, prefix=["-c", CRASHING])
    try:
        assert term.alternate_screen and term.mouse
        term.type("t")
        assert term.wait_exit(30, "cloudshell to end after the crash") == 1
        assert term.restored() == []
        screen = term.joined()
        assert "cloudshell: internal error: RuntimeError: injected crash (details in" in screen
        assert "Traceback" not in screen
        crash_log = cloud.tmp_path / "home" / ".local" / "state" / "cloudshell" / "crash.log"
        assert "injected crash" in crash_log.read_text()
    finally:
        term.close()
