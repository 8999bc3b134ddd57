"""Messages between the poller bridge, the workers and the screens (past-tense facts)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from cloudshell.cloud.protocols import FaceRuntime
    from cloudshell.commands import Result


class InventoryUpdated(Message):
    """The poller published; the app reads the newest update from its bridge.

    A newer one supersedes one still queued (toolong's ``can_replace``), so a
    busy UI never works through a backlog of stale snapshots. Changes are not
    lost: the bridge accumulates them until the handler drains them.
    """

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, InventoryUpdated)


class RuntimeOpened(Message):
    """The runtime the monitor was started without is open (the demo cloud is up), or failed."""

    def __init__(self, runtime: FaceRuntime | None, error: BaseException | None = None) -> None:
        super().__init__()
        self.runtime = runtime
        self.error = error


@dataclass
class Question:
    """A yes/no asked from a worker thread; the worker waits on ``answered``."""

    text: str
    answer: bool = False
    answered: threading.Event = field(default_factory=threading.Event)

    def reply(self, ok: bool) -> None:
        self.answer = bool(ok)
        self.answered.set()


class ConfirmationRequested(Message):
    """A command in a worker needs a yes/no (destructive commands)."""

    def __init__(self, question: Question) -> None:
        super().__init__()
        self.question = question


class ActionStarted(Message):
    def __init__(self, action_id: int, label: str, targets: tuple[str, ...]) -> None:
        super().__init__()
        self.action_id, self.label, self.targets = action_id, label, targets


class ActionProgressed(Message):
    def __init__(self, action_id: int, line: str) -> None:
        super().__init__()
        self.action_id, self.line = action_id, line


class ActionFinished(Message):
    """A command ended: ``ok``, the one-line outcome, and its result (for the output panel)."""

    def __init__(self, action_id: int, ok: bool, outcome: str, result: Result | None = None, *,
                 show_output: bool = False, fmt: str | None = None, query: str | None = None) -> None:
        super().__init__()
        self.action_id, self.ok, self.outcome, self.result = action_id, ok, outcome, result
        self.show_output, self.fmt, self.query = show_output, fmt, query


class TextLoaded(Message):
    """A worker fetched text for a screen (console output)."""

    def __init__(self, key: str, text: str, error: str | None = None) -> None:
        super().__init__()
        self.key, self.text, self.error = key, text, error


class SshResolved(Message):
    """The ssh command line for an instance is known (or why not)."""

    def __init__(self, target: str, argv: list[str] | None, error: str | None = None) -> None:
        super().__init__()
        self.target, self.argv, self.error = target, argv, error
