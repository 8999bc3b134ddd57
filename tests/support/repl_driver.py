"""The REPL in a thread on prompt_toolkit's pipe input (DummyOutput), typed at like a user.

Used by repl/test_repl.py and the hostile pastes of cloud/test_hostile_files.py.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable

import waiting
from prompt_toolkit.application import create_app_session
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from cloudshell.repl.session import Repl

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def until(predicate: Callable[[], object], timeout: float = 15.0, what: str = "condition"):
    return waiting.until(predicate, timeout, what, step=0.02)


class Driver:
    """A REPL running in a thread on a pipe; ``send`` types, ``screen()`` is what was printed."""

    def __init__(self, runtime, poller, *, registry=None, history=None) -> None:
        self.out = io.StringIO()
        self.console = Console(file=self.out, width=120, force_terminal=True, color_system="standard",
                               highlight=False)
        self.runtime, self.poller, self.registry = runtime, poller, registry
        self.history = history if history is not None else InMemoryHistory()
        self.code: int | None = None
        self.repl: Repl | None = None
        self._pipe_cm = create_pipe_input()
        self.pipe = self._pipe_cm.__enter__()
        self._ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.failure: BaseException | None = None
        self.thread.start()
        until(lambda: self._ready.is_set() or not self.thread.is_alive(), 60, what="the REPL to start")
        if self.failure is not None:
            raise AssertionError(f"the REPL did not start: {self.failure!r}")

    def _run(self) -> None:
        try:
            with create_app_session(input=self.pipe, output=DummyOutput()):
                self.repl = Repl(self.runtime, self.poller, registry=self.registry, console=self.console,
                                 history=self.history)
                self._ready.set()
                self.code = self.repl.run()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            self.failure = exc

    @property
    def buffer(self):
        return self.repl.session.default_buffer

    def prompting(self) -> bool:
        return self.repl.session.app.is_running

    def send(self, text: str) -> None:
        until(self.prompting, what="the prompt")
        self.pipe.send_text(text)

    def type(self, text: str) -> None:
        """Type at the prompt and wait until the line shows it."""
        before = self.buffer.text
        self.send(text)
        until(lambda: self.buffer.text == before + text, what=f"the line to read {before + text!r}")

    def tab_until(self, accept: Callable[[str, str], bool], tries: int = 12) -> str:
        """Press Tab (walking the menu) until the highlighted candidate's (text, meta) is acceptable."""
        for _ in range(tries):
            before = (self.buffer.text, self._current())
            self.send("\t")
            until(lambda before=before: (self.buffer.text, self._current()) != before,
                  what=f"Tab to change {before} (menu: {self.buffer.complete_state})")
            current = self.buffer.complete_state and self.buffer.complete_state.current_completion
            if current is not None and accept(current.text, current.display_meta_text):
                return current.text
        raise AssertionError(f"no acceptable candidate after {tries} Tabs: {self.buffer.text!r}")

    def _current(self):
        state = self.buffer.complete_state
        return state.current_completion.text if state and state.current_completion else None

    def run_line(self, line: str, expect: str, timeout: float = 30.0) -> str:
        """Type a line, press Enter and wait until ``expect`` was printed; returns the new output."""
        start = len(self.screen())
        self.send(line + "\r")
        until(lambda: expect in self.screen()[start:], timeout,
              what=f"{expect!r} after {line!r}; printed: {self.screen()[start:]!r}")
        return self.screen()[start:]

    def screen(self) -> str:
        return ANSI.sub("", self.out.getvalue())

    def close(self) -> int | None:
        if self.thread.is_alive():
            self.send("\x03")   # Ctrl-D leaves only on an empty line
            self.send("\x04")
            self.thread.join(15)
        self._pipe_cm.__exit__(None, None, None)
        return self.code
