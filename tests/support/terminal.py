"""A terminal for end-to-end tests: the real program in a pty, its screen read through ``pyte``.

No tmux: the program runs on the slave side of a pseudo-terminal (its
controlling terminal, so Ctrl-C typed into it is a SIGINT as on a real
terminal), and everything it writes is fed to a pyte screen of the same size.
Tests type keys, wait (with a deadline, tests/support/waiting.py) for text on the
screen, and read the modes the program left set: alternate screen, mouse
reporting, bracketed paste, cursor visibility, the tty's echo and line mode.

pyte has no alternate buffer: it tracks the mode (private mode 1049) but draws
both screens on one grid, which is all these tests need.
"""

from __future__ import annotations

from waiting import until  # noqa: I001 - tests/ is on sys.path (conftest)
import copy
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pyte
from pyte import modes as mo

SIZE = (80, 24)

# Private modes (DECSET numbers) a full-screen program turns on and must turn off again.
ALT_SCREEN = (1049, 1047, 47)
MOUSE = (9, 1000, 1001, 1002, 1003, 1005, 1006, 1015, 1016)
BRACKETED_PASTE = 2004

KEYS = {
    "Enter": "\r", "Tab": "\t", "BTab": "\x1b[Z", "Escape": "\x1b", "Space": " ", "BSpace": "\x7f",
    "Up": "\x1b[A", "Down": "\x1b[B", "Right": "\x1b[C", "Left": "\x1b[D",
    "Home": "\x1b[1~", "End": "\x1b[4~", "PageUp": "\x1b[5~", "PageDown": "\x1b[6~",
}

# Sequences pyte does not parse and would print as text: the kitty keyboard protocol's push/pop
# (CSI > 25 u, CSI < u) and mode queries (DECRQM, CSI ? 2026 $ p). They change nothing on screen.
_UNPARSED = re.compile(rb"\x1b\[[<>=][0-9;]*u|\x1b\[\??[0-9;]*\$p")
_PARTIAL_CSI = re.compile(rb"\x1b(\[[0-9;<>=?$]*)?$")

# Runs first in the child: the pty becomes the controlling terminal of a new session, then exec.
_SET_CTTY = ("import fcntl, os, sys, termios\n"
             "fcntl.ioctl(0, termios.TIOCSCTTY, 0)\n"
             "os.execvp(sys.argv[1], sys.argv[1:])\n")


def key(name: str) -> str:
    """``Enter``, ``Tab``, ``Up``…, or ``C-x`` for Ctrl-x, as the bytes a terminal sends."""
    if name in KEYS:
        return KEYS[name]
    if re.fullmatch(r"C-[a-z@\[\\\]^_]", name):
        return chr(ord(name[2].upper()) & 0x1F)
    raise ValueError(f"unknown key {name!r}")


class _Screen(pyte.Screen):
    """pyte's screen, answering the program's queries and remembering soft-wrapped rows."""

    def __init__(self, columns: int, lines: int, reply: Callable[[str], None]) -> None:
        super().__init__(columns, lines)
        self._reply = reply
        self._drawing = False
        self.wrapped: set[int] = set()   # rows whose text goes on in the next row (autowrap)

    def write_process_input(self, data: str) -> None:
        self._reply(data)                # cursor position reports, device attributes

    def draw(self, data: str) -> None:
        self._drawing = True
        try:
            super().draw(data)
        finally:
            self._drawing = False

    def linefeed(self) -> None:
        if self._drawing:                # draw() wraps at the right margin with CR LF
            self.wrapped.add(self.cursor.y)
        super().linefeed()

    def index(self) -> None:
        top, bottom = self.margins or pyte.screens.Margins(0, self.lines - 1)
        if self.cursor.y == bottom:      # the region scrolls up one row
            self.wrapped = {r - 1 if top <= r <= bottom else r for r in self.wrapped if r != top}
        super().index()

    def reverse_index(self) -> None:
        top, bottom = self.margins or pyte.screens.Margins(0, self.lines - 1)
        if self.cursor.y == top:
            self.wrapped = {r + 1 if top <= r <= bottom else r for r in self.wrapped if r != bottom}
        super().reverse_index()

    def erase_in_line(self, how: int = 0, private: bool = False) -> None:
        if how in (0, 2):
            self.wrapped.discard(self.cursor.y)
        super().erase_in_line(how, private)

    def erase_in_display(self, how: int = 0, *args, **kwargs) -> None:
        if how == 0:
            self.wrapped = {r for r in self.wrapped if r < self.cursor.y}
        elif how in (2, 3):
            self.wrapped.clear()
        super().erase_in_display(how, *args, **kwargs)

    def reset(self) -> None:   # pyte's __init__ calls it first: every attribute below exists from then on
        self.wrapped = set()
        self._main: tuple | None = None   # the main screen, set aside while the alternate one is up
        super().reset()

    # pyte draws both screens on one grid; a terminal keeps the main screen aside while the
    # alternate one is up and shows it again on leaving, so what a full-screen face drew never
    # passes for what a prompt printed after it.
    def set_mode(self, *modes: int, **kwargs) -> None:
        entering = bool(kwargs.get("private") and set(modes) & set(ALT_SCREEN)) and self._main is None
        if entering:
            self._main = ({y: dict(line) for y, line in self.buffer.items()}, copy.copy(self.cursor),
                          set(self.wrapped))
        super().set_mode(*modes, **kwargs)
        if entering:
            self.erase_in_display(2)

    def reset_mode(self, *modes: int, **kwargs) -> None:
        super().reset_mode(*modes, **kwargs)
        if kwargs.get("private") and set(modes) & set(ALT_SCREEN) and self._main is not None:
            lines, cursor, wrapped = self._main
            self._main = None
            self.buffer.clear()
            for y, line in lines.items():
                self.buffer[y].update(line)
            self.cursor, self.wrapped = cursor, wrapped
            self.dirty.update(range(self.lines))


class Terminal:
    """One program in a ``cols``x``rows`` pty; the screen as pyte sees it."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], size: tuple[int, int] = SIZE,
                 cwd: str | Path | None = None) -> None:
        cols, rows = size
        self.size = size
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.initial_tty = termios.tcgetattr(slave)
        env = dict(env, LINES=str(rows), COLUMNS=str(cols))
        env.setdefault("TERM", "screen")
        try:
            self.proc = subprocess.Popen([sys.executable, "-c", _SET_CTTY, *argv], stdin=slave, stdout=slave,
                                         stderr=slave, env=env, cwd=cwd, start_new_session=True,
                                         close_fds=True)
        finally:
            os.close(slave)
        os.set_blocking(self.master, False)
        self.vt = _Screen(cols, rows, self._write)
        self.stream = pyte.ByteStream(self.vt)
        self.output = bytearray()        # every byte the program wrote, for failure reports
        self._eof = False
        self._carry = b""
        self._status: int | None = None

    # -- input -------------------------------------------------------------------------------

    def _write(self, data: str) -> None:
        payload = data.encode()
        while payload:
            try:
                payload = payload[os.write(self.master, payload):]
            except BlockingIOError:
                select.select([], [self.master], [], 1.0)
            except OSError:              # the program is gone
                return

    def type(self, text: str) -> None:
        """Literal text, as pasted key by key (tmux send-keys -l)."""
        self._write(text)

    def keys(self, *names: str) -> None:
        """Named keys (``Enter``, ``C-d``, ``Escape``…), in order (tmux send-keys)."""
        for name in names:
            self._write(key(name))

    # -- output ------------------------------------------------------------------------------

    def pump(self, timeout: float = 0.0) -> bool:
        """Feed pyte what the program wrote so far; True if anything came."""
        got = False
        while not self._eof:
            ready, _, _ = select.select([self.master], [], [], 0 if got else timeout)
            if not ready:
                break
            try:
                chunk = os.read(self.master, 65536)
            except BlockingIOError:
                break
            except OSError:              # EIO: every slave fd is closed, the program ended
                chunk = b""
            if not chunk:
                self._eof = True
                break
            self.output += chunk
            data = self._carry + chunk
            tail = _PARTIAL_CSI.search(data)      # a sequence cut by the read: feed it with the rest
            self._carry = data[tail.start():] if tail else b""
            self.stream.feed(_UNPARSED.sub(b"", data[:tail.start()] if tail else data))
            got = True
        return got

    def lines(self) -> list[str]:
        """The screen's rows, trailing blanks removed (capture-pane -p)."""
        self.pump()
        return [row.rstrip() for row in self.vt.display]

    def screen(self) -> str:
        return "\n".join(self.lines()) + "\n"

    def joined(self) -> str:
        """The screen with soft-wrapped rows joined into one line (capture-pane -p -J)."""
        self.pump()
        out, current = [], ""
        for y, row in enumerate(self.vt.display):
            if y in self.vt.wrapped:
                current += row
            else:
                out.append((current + row).rstrip())
                current = ""
        return "\n".join(out) + "\n"

    def row_attrs(self, y: int) -> list:
        self.pump()
        return [self.vt.buffer[y][x] for x in range(self.vt.columns)]

    def reverse_text(self, y: int) -> str:
        """The characters of row ``y`` drawn in reverse video."""
        return "".join(c.data for c in self.row_attrs(y) if c.reverse)

    @property
    def cursor(self) -> tuple[int, int]:
        self.pump()
        return self.vt.cursor.x, self.vt.cursor.y

    def wait(self, condition: Callable[[str], object], timeout: float = 45.0, what: str = "",
             joined: bool = False) -> str:
        """The screen once ``condition(screen)`` holds; fails after ``timeout`` showing the screen."""
        def look() -> str:
            self.pump(0.05)
            text = self.joined() if joined else self.screen()
            return text if condition(text) else ""
        return until(look, timeout, f"{what or condition} on screen", step=0.0,
                     describe=self.describe)

    def describe(self) -> str:
        tail = bytes(self.output[-600:]).decode(errors="replace")
        return f"--- screen ---\n{self.screen()}--- last bytes ---\n{tail!r}"

    # -- modes -------------------------------------------------------------------------------

    def private_mode(self, number: int) -> bool:
        self.pump()
        return (number << 5) in self.vt.mode

    @property
    def alternate_screen(self) -> bool:
        return any(self.private_mode(n) for n in ALT_SCREEN)

    @property
    def mouse(self) -> bool:
        return any(self.private_mode(n) for n in MOUSE)

    @property
    def bracketed_paste(self) -> bool:
        return self.private_mode(BRACKETED_PASTE)

    @property
    def cursor_visible(self) -> bool:
        self.pump()
        return mo.DECTCEM in self.vt.mode and not self.vt.cursor.hidden

    def tty_modes(self) -> tuple[int, int]:
        """The line discipline's (lflag & (ECHO|ICANON|ISIG), iflag & ICRNL) now."""
        attrs = termios.tcgetattr(self.master)
        return attrs[3] & (termios.ECHO | termios.ICANON | termios.ISIG), attrs[0] & termios.ICRNL

    def reading_keys(self) -> bool:
        """The program reads key by key (raw or cbreak mode: no line editing, no echo), as a prompt or
        a full-screen face does; keys typed before that are cooked by the line discipline."""
        lflag, _ = self.tty_modes()
        return not lflag & (termios.ICANON | termios.ECHO)

    def tty_restored(self) -> bool:
        """Echo, line editing, signals and CR→NL as before the program started."""
        lflag, iflag = self.initial_tty[3], self.initial_tty[0]
        return self.tty_modes() == (lflag & (termios.ECHO | termios.ICANON | termios.ISIG),
                                    iflag & termios.ICRNL)

    def restored(self) -> list[str]:
        """What is still wrong with the terminal; [] when it is as a shell wants it back."""
        wrong = []
        if self.alternate_screen:
            wrong.append("alternate screen on")
        if self.mouse:
            wrong.append("mouse reporting on")
        if self.bracketed_paste:
            wrong.append("bracketed paste on")
        if not self.cursor_visible:
            wrong.append("cursor hidden")
        if not self.tty_restored():
            wrong.append("tty left in raw mode")
        return wrong

    # -- the process -------------------------------------------------------------------------

    @property
    def pid(self) -> int:
        return self.proc.pid

    def exit_status(self) -> int | None:
        """None while running; the status as a shell shows it ($?: 128+N for signal N)."""
        if self._status is None:
            code = self.proc.poll()
            if code is None:
                return None
            self._status = 128 - code if code < 0 else code
        return self._status

    def wait_exit(self, timeout: float = 30.0, what: str = "the program to end") -> int:
        def ended():
            self.pump(0.05)
            return self.exit_status() is not None
        until(ended, timeout, what, step=0.0, describe=self.describe)
        # What it wrote on the way out: read until the pty stays quiet (a grandchild that
        # inherited the pty, such as a demo server, may keep it open, so EOF may never come).
        while self.pump(0.1):
            pass
        return self.exit_status()

    def signal(self, signum: int) -> None:
        self.proc.send_signal(signum)

    def children(self) -> list[int]:
        """The program's direct child processes now (Linux /proc)."""
        found = []
        for task in Path(f"/proc/{self.pid}/task").glob("*"):
            try:
                found += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                pass
        return found

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(timeout=10)
        try:
            os.close(self.master)
        except OSError:
            pass

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
