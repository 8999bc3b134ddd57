"""The terminal given back however a face ends: quit, SIGTERM, SIGHUP, SIGINT, or a crash.

A full-screen face (the monitor) or the REPL puts the terminal in raw mode and
turns on modes a shell does not want: the alternate screen, mouse reporting,
bracketed paste, a hidden cursor. Their toolkits undo this when they leave
normally, but a signal's default action ends the process first, and the user
is left needing ``reset``. While a face runs, ``guarded_terminal()``:

- on SIGTERM and SIGHUP (and SIGINT for the monitor, whose raw terminal sends
  no SIGINT for Ctrl-C, so it only comes from ``kill``): writes the sequences
  that turn those modes off, puts back the line discipline saved at the start,
  stops the demo child, and then ends the process by the same signal, so the
  shell sees 128+N;
- on an exception that leaves the face (a crash): gives the terminal back
  before the exception goes on to the one-line report in cli.py.

The face imports this (faces import cloud, never the reverse): the demo's own
handlers in cloud/demo/no_orphans.py are chained, whichever was installed first.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

# Mouse reporting (X10, normal, button, any motion; UTF-8, SGR, urxvt, SGR-pixel encodings),
# bracketed paste, focus events, the kitty keyboard protocol, autowrap on, attributes off, cursor shown.
RESET_MODES = ("\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1005l\x1b[?1006l\x1b[?1015l\x1b[?1016l\x1b[?9l"
               "\x1b[?2004l\x1b[?1004l\x1b[<u\x1b[?7h\x1b[0m\x1b[?25h")
LEAVE_ALTERNATE = "\x1b[?1049l"


class EndedBySignal(BaseException):  # noqa: N818 - it is not an error
    """A face asks to end the process as signal ``signum`` would, once the terminal is back."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class TerminalGuard:
    """What to write and which line discipline to put back; ``restore()`` may run in a signal handler."""

    def __init__(self, *, alternate: bool) -> None:
        self.alternate = alternate
        self.out_fd = next((f.fileno() for f in (sys.__stdout__, sys.__stderr__) if _is_tty(f)), None)
        self.in_fd = sys.__stdin__.fileno() if _is_tty(sys.__stdin__) else None
        self.attrs: list[Any] | None = None
        if self.in_fd is not None:
            import termios

            try:
                self.attrs = termios.tcgetattr(self.in_fd)
            except termios.error:
                self.attrs = None

    def restore(self) -> None:
        if self.attrs is not None:
            import termios

            try:
                termios.tcsetattr(self.in_fd, termios.TCSANOW, self.attrs)
            except termios.error:
                pass
        if self.out_fd is not None:
            data = RESET_MODES + (LEAVE_ALTERNATE if self.alternate else "\r\n")
            with contextlib.suppress(OSError):
                os.write(self.out_fd, data.encode())


def _is_tty(stream: Any) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):
        return False


def _stop_demo() -> None:
    from cloudshell.cloud.demo.no_orphans import stop_all

    stop_all(timeout=2.0)


def _die_by(signum: int) -> None:
    """End the process as the signal's default action would (status 128+N in a shell)."""
    signal.signal(signum, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signum})
    os.kill(os.getpid(), signum)
    os._exit(128 + signum)   # a signal whose default action is not to end: end anyway


@contextlib.contextmanager
def guarded_terminal(*, alternate: bool, sigint: bool) -> Iterator[TerminalGuard]:
    """While the block runs a face: SIGTERM/SIGHUP (SIGINT when ``sigint``) and crashes give the terminal back.

    ``alternate``: the face uses the alternate screen (leave it on the way out).
    """
    guard = TerminalGuard(alternate=alternate)
    names = ["SIGTERM", "SIGHUP"] + (["SIGINT"] if sigint else [])
    previous: dict[int, Any] = {}

    def on_signal(signum: int, frame: Any) -> None:
        guard.restore()
        before = previous.get(signum, signal.SIG_DFL)
        if signum != signal.SIGINT and callable(before) and before is not signal.default_int_handler:
            before(signum, frame)      # the demo's handler: stops its child, then ends as the signal would
        _stop_demo()
        _die_by(signum)

    if threading.current_thread() is threading.main_thread():
        for name in names:
            signum = getattr(signal, name, None)
            if signum is None or signal.getsignal(signum) == signal.SIG_IGN:
                continue                # nohup: the user asked to ignore it
            previous[signum] = signal.signal(signum, on_signal)
    try:
        yield guard
    except EndedBySignal as ended:
        guard.restore()
        _stop_demo()
        _die_by(ended.signum)
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException:
        guard.restore()                 # a crash: the terminal first, then cli.py's one line
        raise
    finally:
        for signum, handler in previous.items():
            if signal.getsignal(signum) is on_signal:
                signal.signal(signum, handler)


__all__ = ["EndedBySignal", "TerminalGuard", "guarded_terminal"]
