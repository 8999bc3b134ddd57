"""The monitor's commands: each runs through the one registry in a thread worker of the app.

A worker never touches a widget or the app's state: it posts messages
(:class:`ActionProgressed`, :class:`ActionFinished`, :class:`SshResolved`,
:class:`ConfirmationRequested`) and the app's handlers, on the UI thread, own the
rest. An action that says what the poller must see waits for it here, in its
worker, so the user sees it done only once the tables show it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.worker import get_current_worker

from cloudshell.cloud.errors import CloudshellError, one_line
from cloudshell.screens.messages import (
    ActionFinished, ActionProgressed, ConfirmationRequested, Question, SshResolved,
)

if TYPE_CHECKING:
    from cloudshell.app import CloudshellApp
    from cloudshell.cloud.inventory import Inventory
    from cloudshell.commands import Context

log = logging.getLogger(__name__)

SETTLE_TIMEOUT = 90.0       # seconds an action waits for the poller to see its effect


class CommandRunner:
    """Runs registry command lines for ``app`` off its UI thread; results come back as messages."""

    def __init__(self, app: CloudshellApp) -> None:
        self.app = app

    def context(self, action_id: int, invocation: Any = None) -> Context:
        """The command context of this face: confirmations and progress go through messages.
        With several clouds, the cloud of the invocation's IDs, else the current one."""
        from cloudshell.commands import Context
        from cloudshell.monitor_clouds import command_cloud
        from cloudshell.progress import MeterLines

        app = self.app
        runtime, poller = command_cloud(app, invocation)

        def post(line: str) -> None:
            app.post_message(ActionProgressed(action_id, line))
        return Context.for_runtime(runtime, interactive=True, poller=poller,
                                   confirm=self.ask_from_worker, progress=post,
                                   meter=MeterLines(post))  # a bundle's bar, in the status bar's action slot

    # -- a command line ------------------------------------------------------------------
    def run(self, action_id: int, argv: list[str], expect: Callable[[Inventory], bool] | None,
            expect_text: str, show_output: bool) -> None:
        """Start ``argv`` in a worker; its outcome comes back as :class:`ActionFinished`."""
        self.app.run_worker(lambda: self._run(action_id, argv, expect, expect_text, show_output),
                            thread=True, exit_on_error=False, group="actions", description="run a command")

    def _run(self, action_id: int, argv: list[str], expect: Callable[[Inventory], bool] | None,
             expect_text: str, show_output: bool) -> None:
        from cloudshell.commands import registry, run

        post = self.app.post_message
        fmt = query = None
        try:
            invocation = registry().parse(argv)
            fmt, query = invocation.output, invocation.query
            sent_at = time.time()
            result = run(self.context(action_id, invocation), invocation)
        except CloudshellError as exc:
            post(ActionFinished(action_id, False, str(exc), show_output=show_output))
            return
        except Exception as exc:  # noqa: BLE001 - a face shows one line, the log keeps the rest
            log.exception("command failed: %s", argv[:1])
            post(ActionFinished(action_id, False, one_line(f"internal error: {type(exc).__name__}: {exc}"),
                                show_output=show_output))
            return
        ok = result.exit_code == 0
        outcome = "; ".join(result.lines) or ("done" if ok else f"exit {result.exit_code}")
        dry = any(line.startswith("dry run") for line in result.lines)
        if ok and not dry and invocation.command.mutates and expect is not None:
            post(ActionProgressed(action_id, f"waiting until {expect_text or 'seen'}"))
            outcome = self._settle(expect, expect_text, sent_at, outcome)
        post(ActionFinished(action_id, ok, outcome, result, show_output=show_output, fmt=fmt, query=query))

    def _settle(self, expect: Callable[[Inventory], bool], expect_text: str, sent_at: float,
                outcome: str) -> str:
        """Wait (in the worker) until the poller's inventory shows the effect."""
        worker = get_current_worker()
        deadline = time.monotonic() + SETTLE_TIMEOUT

        def seen(inv: Inventory) -> bool:
            try:
                return inv.fetched_at >= sent_at and bool(expect(inv))
            except Exception:  # noqa: BLE001 - a predicate over odd data is just "not yet"
                return False
        while not worker.is_cancelled:
            try:
                self.app.poller.wait_until(seen, timeout=min(1.0, max(0.01, deadline - time.monotonic())))
                return f"{outcome}; seen: {expect_text}" if expect_text else outcome
            except TimeoutError:
                if time.monotonic() >= deadline:
                    return f"{outcome}; not seen after {SETTLE_TIMEOUT:.0f}s: {expect_text}"
        return f"{outcome}; stopped waiting"

    def ask_from_worker(self, text: str) -> bool:
        """A command's confirmation: the dialog on the UI thread, this worker waiting for the answer."""
        question = Question(text)
        self.app.post_message(ConfirmationRequested(question))
        worker = get_current_worker()
        while not question.answered.wait(0.2):
            if worker.is_cancelled or not self.app.is_running:
                return False
        return question.answer

    # -- ssh ---------------------------------------------------------------------------
    def resolve_ssh(self, line: list[str]) -> None:
        """The registry's ssh argv for ``ssh INSTANCE …`` in a worker (it may read images from
        the cloud: never on the UI thread); comes back as :class:`SshResolved`."""
        self.app.run_worker(lambda: self._resolve_ssh(line), thread=True, exclusive=True,
                            exit_on_error=False, group="ssh", description="resolve ssh target")

    def _resolve_ssh(self, line: list[str]) -> None:
        from cloudshell.commands import registry
        from cloudshell.commands.ssh import ssh_argv

        post = self.app.post_message
        target = line[1] if len(line) > 1 else "?"
        try:
            invocation = registry().parse(line)
            target = invocation.instance
            argv = ssh_argv(self.context(0, invocation), invocation)
        except CloudshellError as exc:
            post(SshResolved(target, None, str(exc)))
            return
        except Exception as exc:  # noqa: BLE001
            log.exception("ssh resolve failed")
            post(SshResolved(target, None, f"ssh: {type(exc).__name__}: {exc}"))
            return
        post(SshResolved(target, argv))
