"""Every key the REPL adds to prompt_toolkit's Emacs set, in one place.

Kept from the defaults: Shift-Tab walks the menu back, Ctrl-R searches history, Ctrl-D on an
empty line exits, arrows walk history.
"""

from __future__ import annotations

import signal
from typing import Any

from prompt_toolkit.buffer import Buffer
from prompt_toolkit.filters import completion_is_selected, has_completions, is_searching
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent


def build_key_bindings(repl: Any) -> KeyBindings:
    """Bindings over ``repl`` (needs ``refresh_now()``)."""
    kb = KeyBindings()
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
