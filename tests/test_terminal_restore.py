"""The terminal is given back however cloudshell ends: killed by SIGTERM, SIGHUP or SIGINT, or crashed.

The real program in an 80x24 pty (TERM=screen, NO_COLOR, tests/terminal.py):
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
from terminal import Terminal

pytestmark = pytest.mark.e2e


def _env(tmp_path: Path) -> dict[str, str]:
    env = isolated_env(tmp_path, {"TERM": "screen", "NO_COLOR": "1"})
    env.pop("COLUMNS", None)
    return env


def _gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")     # a zombie waits for init to reap it


def _moto_children(term: Terminal) -> list[int]:
    def moto(pid: int) -> bool:
        try:
            return b"moto.server" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False
    return [pid for pid in term.children() if moto(pid)]


FACES = {
    "monitor": (["--demo", "--interval", "1"], lambda s: re.search(r"demo 127\.0\.0\.1:\d+ .* ok", s)
                and "q Quit" in s),
    "repl": (["repl", "--demo"], lambda s: "demo us-east-1>" in s and re.search(r"\d+ inst .*│ ok", s)),
}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=lambda s: s.name)
@pytest.mark.parametrize("face", list(FACES))
def test_a_signal_gives_the_terminal_back_and_stops_the_demo(tmp_path, face, signum):
    args, ready = FACES[face]
    term = Terminal([sys.executable, "-m", "cloudshell", *args], _env(tmp_path))
    moto: list[int] = []
    try:
        term.wait(ready, 60, f"the {face} on the demo cloud")
        moto = until(lambda: _moto_children(term), 10, "the demo's moto child")
        changed = term.restored()
        if face == "monitor":
            assert {"alternate screen on", "mouse reporting on", "cursor hidden"} <= set(changed), changed
        assert {"bracketed paste on", "tty left in raw mode"} <= set(changed), changed

        term.signal(signum)
        assert term.wait_exit(30, f"cloudshell to end on {signum.name}") == 128 + signum
        assert term.restored() == []
        until(lambda: all(_gone(pid) for pid in moto), 15, "the demo's moto child to end")
        assert "Traceback" not in term.screen()
    finally:
        term.close()
        for pid in moto:
            if not _gone(pid):
                import os

                os.kill(pid, signal.SIGKILL)


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


def test_a_crash_gives_the_terminal_back_with_one_line(tmp_path):
    term = Terminal([sys.executable, "-c", CRASHING, "--demo", "--interval", "1"], _env(tmp_path))
    moto: list[int] = []
    try:
        term.wait(FACES["monitor"][1], 60, "the monitor on the demo cloud")
        moto = until(lambda: _moto_children(term), 10, "the demo's moto child")
        assert term.alternate_screen and term.mouse
        term.type("t")
        assert term.wait_exit(30, "cloudshell to end after the crash") == 1
        assert term.restored() == []
        screen = term.joined()
        assert "cloudshell: internal error: RuntimeError: injected crash (details in" in screen
        assert "Traceback" not in screen
        until(lambda: all(_gone(pid) for pid in moto), 15, "the demo's moto child to end")
        crash_log = tmp_path / "home" / ".local" / "share" / "cloudshell" / "crash.log"
        assert "injected crash" in crash_log.read_text()
    finally:
        term.close()
