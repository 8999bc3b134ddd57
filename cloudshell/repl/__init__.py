"""The interactive command line face (prompt_toolkit + pygments).

``run_repl(runtime)`` is ``cloudshell repl``; ``run_repl_on(runtime, poller)``
starts it on a session and poller that already exist (the monitor suspends
itself, calls it, and resumes when the user leaves). Neither stops the poller
or closes the runtime: whoever opened them does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prompt_toolkit.history import History
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output
    from rich.console import Console

    from cloudshell.cloud.protocols import FaceRuntime, LivePoller
    from cloudshell.commands.registry import Registry


def run_repl(runtime: FaceRuntime) -> int:
    """``cloudshell repl``: start the runtime's poller and read commands until Ctrl-D or ``exit``."""
    if hasattr(runtime, "runtimes"):   # several clouds (cloud/cloudset.py): a poller each
        pollers = {name: rt.poller() for name, rt in runtime.runtimes.items()}
        return run_repl_on(runtime, pollers[runtime.current_name], pollers=pollers)
    return run_repl_on(runtime, runtime.poller())


def run_repl_on(runtime: FaceRuntime, poller: LivePoller, *, registry: Registry | None = None,
                console: Console | None = None, input: Input | None = None,  # noqa: A002
                output: Output | None = None, history: History | None = None,
                pollers: dict[str, LivePoller] | None = None) -> int:
    """Run the REPL over an existing runtime and (started) poller; returns the exit code.

    ``input``/``output`` (prompt_toolkit's) and ``console`` (rich's) are for tests
    and embedding; by default the terminal is used.
    """
    from prompt_toolkit.application import create_app_session

    from cloudshell.repl.session import Repl

    with ExitStack() as stack:
        if input is not None or output is not None:
            stack.enter_context(create_app_session(input=input, output=output))
        stack.enter_context(_log_to_file())
        return Repl(runtime, poller, registry=registry, console=console, history=history, pollers=pollers).run()


@contextmanager
def _log_to_file() -> Iterator[None]:
    """Warnings go to a private log file while the REPL owns the terminal, never onto the prompt."""
    root = logging.getLogger()
    if root.handlers:
        yield
        return
    handler: logging.Handler
    try:
        from cloudshell.repl.history import private_file
        from cloudshell.cloud.userconfig import state_dir

        handler = logging.FileHandler(private_file(state_dir() / "cloudshell.log"), encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    except OSError:
        handler = logging.NullHandler()
    handler.setLevel(logging.WARNING)
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        handler.close()


__all__ = ["run_repl", "run_repl_on"]
