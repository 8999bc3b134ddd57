"""Every key the REPL adds to prompt_toolkit's Emacs set, in one place.

Kept from the defaults: Shift-Tab walks the menu back, Ctrl-R searches history, Ctrl-D on an
empty line exits, arrows walk history.

A line holds at most MAX_LINE characters. A paste that would make it longer is
refused whole, with one line saying so; text typed (or pasted by a terminal
without bracketed paste) is inserted a run at a time rather than a key at a
time, and what would overflow the line is dropped, so a megabyte arriving on
the terminal never freezes the prompt.
"""

from __future__ import annotations

import signal
from typing import Any

from prompt_toolkit.buffer import Buffer
from prompt_toolkit.filters import (
    completion_is_selected, emacs_insert_mode, has_completions, is_searching, vi_insert_mode,
)
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.keys import Keys

MAX_LINE = 64 * 1024   # characters in one command line


def build_key_bindings(repl: Any) -> KeyBindings:
    """Bindings over ``repl`` (needs ``refresh_now()`` and ``line_too_long(size, whole)``)."""
    kb = KeyBindings()
    refused: list[str | None] = [None]   # the line a refusal was last reported for: said once per line

    def refuse(buffer: Buffer, size: int, whole: bool) -> None:
        if refused[0] != buffer.text:
            refused[0] = buffer.text
            repl.line_too_long(size, whole)

    @kb.add(Keys.BracketedPaste)
    def _paste(event: KeyPressEvent) -> None:
        """A paste goes in whole (line endings made \\n, as prompt_toolkit does) or not at all."""
        data = event.data.replace("\r\n", "\n").replace("\r", "\n")
        buffer = event.current_buffer
        size = len(buffer.text) + len(data)
        if size > MAX_LINE:
            refuse(buffer, size, True)
            return
        buffer.insert_text(data)

    @kb.add(Keys.Any, filter=emacs_insert_mode | vi_insert_mode, save_before=lambda event: not event.is_repeat)
    def _self_insert(event: KeyPressEvent) -> None:
        """Typed characters: this one and the plain characters queued behind it, in one insert."""
        buffer = event.current_buffer
        if event.arg != 1:   # Esc 5 x: prompt_toolkit's repeat
            buffer.insert_text(event.data * event.arg)
            return
        queue = event.app.key_processor.input_queue
        run, size = [event.data], len(event.data)
        while queue and len(queue[0].key) == 1 and queue[0].key == queue[0].data and queue[0].data.isprintable():
            run.append(queue.popleft().data)
            size += 1
        room = MAX_LINE - len(buffer.text)
        if size > room:
            refuse(buffer, len(buffer.text) + size, False)
        if room > 0:
            buffer.insert_text("".join(run)[:room])
    waiting: set[int] = set()    # buffers whose Tab is still owed a candidate
    hooked: set[int] = set()

    def arrived(buffer: Buffer) -> None:
        state = buffer.complete_state
        if id(buffer) in waiting and state is not None and state.completions and state.complete_index is None:
            waiting.discard(id(buffer))
            buffer.complete_next()

    def typed(buffer: Buffer) -> None:
        waiting.discard(id(buffer))

    @kb.add("tab", filter=~is_searching)
    def _tab(event: KeyPressEvent) -> None:
        """Tab highlights the next candidate (inserting it). A Tab typed before the completer
        thread has answered is kept and takes the first candidate when they arrive."""
        buffer = event.current_buffer
        state = buffer.complete_state
        if state is not None and state.completions:
            buffer.complete_next()
            return
        if id(buffer) not in hooked:
            hooked.add(id(buffer))
            buffer.on_completions_changed += arrived
            buffer.on_text_changed += typed
        waiting.add(id(buffer))
        if state is None:
            buffer.start_completion()

    @kb.add("c-c", filter=~is_searching)
    def _clear(event: KeyPressEvent) -> None:
        """Ctrl-C clears the line (and any open menu); it never leaves the REPL."""
        event.current_buffer.reset()

    @kb.add("<sigint>")
    def _signalled(event: KeyPressEvent) -> None:
        """A SIGINT at the prompt (raw mode: typed Ctrl-C is a key, so this came from ``kill -INT``)
        ends the REPL as the signal would, once the terminal is given back."""
        from cloudshell.terminal_guard import EndedBySignal

        event.app.exit(exception=EndedBySignal(signal.SIGINT), style="class:aborting")

    @kb.add("f5")
    def _refresh(event: KeyPressEvent) -> None:
        """F5 asks the poller for a full sweep now; the toolbar says so until it lands."""
        repl.refresh_now()
        event.app.invalidate()

    @kb.add("enter", filter=has_completions & completion_is_selected)
    def _take(event: KeyPressEvent) -> None:
        """Enter on a highlighted completion takes it instead of running the line (as pgcli)."""
        buffer = event.current_buffer
        buffer.complete_state = None

    return kb
