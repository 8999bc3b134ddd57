"""Whole-request deadlines: a call runs on a reusable worker thread and is waited for at most N seconds.

botocore has no overall deadline (``read_timeout`` is per read) and a socket in use
cannot be interrupted from outside, so a call past its deadline is abandoned: its
worker ends when the endpoint finally answers or a read times out, then waits for the next call.
Idle workers are kept, so the number of threads stays level however many calls are
made (one per call in flight, at most).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any


class Expired(Exception):
    """The call did not finish within its deadline (it may still finish, unseen)."""


class _Job:
    __slots__ = ("fn", "done", "value", "error")

    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn = fn
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


class Workers:
    """A pool of daemon threads that grows to the calls in flight and keeps its idle ones."""

    def __init__(self, name: str = "cloudshell-call") -> None:
        self._name = name
        self._lock = threading.Lock()
        self._idle: list[queue.SimpleQueue[_Job | None]] = []

    def run(self, fn: Callable[[], Any], limit: float) -> Any:
        """``fn()``'s value or exception, or :class:`Expired` after ``limit`` seconds."""
        job = _Job(fn)
        with self._lock:
            inbox = self._idle.pop() if self._idle else None
        if inbox is None:
            inbox = queue.SimpleQueue()
            threading.Thread(target=self._serve, args=(inbox,), name=self._name, daemon=True).start()
        inbox.put(job)
        if not job.done.wait(limit):
            raise Expired()
        if job.error is not None:
            raise job.error
        return job.value

    def _serve(self, inbox: queue.SimpleQueue[_Job | None]) -> None:
        while (job := inbox.get()) is not None:
            try:
                job.value = job.fn()
            except BaseException as exc:  # noqa: BLE001 - carried to the caller's thread
                job.error = exc
            # Back in the pool before the caller wakes, so a caller that comes straight
            # back finds it idle. A worker whose caller gave up rejoins when it is done.
            with self._lock:
                self._idle.append(inbox)
            job.done.set()

    def close(self) -> None:
        """Let every idle worker end."""
        with self._lock:
            idle, self._idle = self._idle, []
        for inbox in idle:
            inbox.put(None)
