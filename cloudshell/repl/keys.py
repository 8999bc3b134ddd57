"""Every key the REPL adds to prompt_toolkit's Emacs set, in one place.

Kept from the defaults: Tab completes, Ctrl-R searches history, Ctrl-D on an
empty line exits, arrows walk history.
"""

from __future__ import annotations

from typing import Any

from prompt_toolkit.application import get_app
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.filters import Condition, completion_is_selected, has_completions, is_searching
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent


@Condition
def completions_loading() -> bool:
    """The completer thread has not answered yet (the menu exists but is still empty)."""
    state = get_app().current_buffer.complete_state
    return state is not None and not state.completions


def build_key_bindings(repl: Any) -> KeyBindings:
    """Bindings over ``repl`` (needs ``refresh_now()``)."""
    kb = KeyBindings()
    waiting: set[int] = set()    # buffers whose Tab came while the completer was still answering
    hooked: set[int] = set()

    def arrived(buffer: Buffer) -> None:
        state = buffer.complete_state
        if id(buffer) in waiting and state is not None and state.completions:
            waiting.discard(id(buffer))
            buffer.complete_next()

    @kb.add("tab", filter=completions_loading & ~is_searching)
    def _tab_while_loading(event: KeyPressEvent) -> None:
        """A Tab typed before the completions arrive is kept: it picks the first when they do."""
        buffer = event.current_buffer
        waiting.add(id(buffer))
        if id(buffer) not in hooked:
            hooked.add(id(buffer))
            buffer.on_completions_changed += arrived

    @kb.add("c-c", filter=~is_searching)
    def _clear(event: KeyPressEvent) -> None:
        """Ctrl-C clears the line (and any open menu); it never leaves the REPL."""
        event.current_buffer.reset()

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
