"""The one way tests wait: poll a condition until a deadline (never a fixed sleep)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
_tick = threading.Event()  # never set: wait() is a bounded pause between two looks


def until(predicate: Callable[[], T], timeout: float = 15.0, what: str = "condition",
          step: float = 0.05, describe: Callable[[], str] | None = None) -> T:
    """Return the predicate's first truthy value; fail naming ``what`` once ``timeout`` is over."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            extra = f"\n{describe()}" if describe else ""
            raise AssertionError(f"timed out after {timeout}s waiting for {what}{extra}")
        _tick.wait(step)
