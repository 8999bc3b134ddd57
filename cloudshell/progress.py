"""How the faces draw the progress of long commands (bundling, uploads, downloads).

Commands never draw: they call ``ctx.meter(stage, done, total, part=None)`` with
the bytes done of a stage ("bundle", "upload", ...) and, where a bundle's parts
are known, ``part=(label, done, total)`` for the part in hand. A face passes one
of these as ``meter``:

- :class:`ProgressBars`: rich bars on a terminal console (the one-shot CLI's
  stderr, the REPL): one bar per stage with size, speed and time left, and the
  current part under it while the stage runs. Off when the console is not a
  terminal, so pipes and logs get no escape sequences.
- :class:`MeterLines`: one short text line per visible change, at most a few a
  second, for the monitor's status bar (its worker posts them as messages).

Both may be called from any thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

Part = tuple[str, int, int]   # (label, bytes done in it, its size)

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")


def human_size(n: int) -> str:
    """``10485760`` -> ``10.0 MiB``."""
    value = float(n)
    for unit in _UNITS:
        if value < 1024 or unit == _UNITS[-1]:
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"  # not reached


def _fraction(done: int, total: int) -> float:
    return 1.0 if total <= 0 else max(0.0, min(1.0, done / total))


def meter_line(stage: str, done: int, total: int, part: Part | None = None, *, width: int = 12) -> str:
    """``upload ████░░░░ 45% 4.5 MiB/10.0 MiB · part 2/3``: a progress bar as text."""
    frac = _fraction(done, total)
    filled = int(frac * width)
    bar = "█" * filled + "░" * (width - filled)
    line = f"{stage} {bar} {int(frac * 100):3d}% {human_size(done)}/{human_size(max(total, 0))}"
    if part is not None and done < total:
        line += f" · {part[0]}"
    return line


class MeterLines:
    """A meter that posts text lines (see :func:`meter_line`), throttled to what a person can read."""

    def __init__(self, post: Callable[[str], Any], *, min_interval: float = 0.2,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.post = post
        self.min_interval = min_interval
        self.clock = clock
        self._lock = threading.Lock()
        self._last: tuple[str, int, str] | None = None
        self._last_at = float("-inf")

    def __call__(self, stage: str, done: int, total: int, part: Part | None = None) -> None:
        percent = int(_fraction(done, total) * 100)
        key = (stage, percent, part[0] if part else "")
        now = self.clock()
        with self._lock:
            if key == self._last:
                return
            boundary = self._last is None or key[0] != self._last[0] or key[2] != self._last[2] \
                or done >= total
            if not boundary and now - self._last_at < self.min_interval:
                return
            self._last, self._last_at = key, now
        self.post(meter_line(stage, done, total, part))


class ProgressBars:
    """A meter drawn as rich progress bars on ``console``, started on the first report.

    Use it around one command: ``with ProgressBars(console) as meter: run(…meter=meter…)``;
    leaving the block stops the display and leaves the finished bars on screen.
    """

    def __init__(self, console: Any) -> None:
        self.console = console
        self.enabled = bool(console.is_terminal) and not console.is_dumb_terminal
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}
        self._labels: dict[str, str] = {}          # the part each stage shows
        self._lock = threading.Lock()

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> Any:
        from rich.progress import (
            BarColumn, DownloadColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}", markup=False), BarColumn(bar_width=24), TaskProgressColumn(),
            DownloadColumn(binary_units=True), TransferSpeedColumn(), TimeRemainingColumn(compact=True),
            console=self.console, transient=False, refresh_per_second=8)
        self._progress.start()
        return self._progress

    def __call__(self, stage: str, done: int, total: int, part: Part | None = None) -> None:
        if not self.enabled:
            return
        with self._lock:
            progress = self._progress or self._start()
            self._bar(progress, stage, stage, done, total)
            finished = done >= total
            part_key = f"{stage}\0part"
            if part is not None and not finished:
                label, pdone, ptotal = part
                new_part = self._labels.get(stage) != label
                self._labels[stage] = label
                self._bar(progress, part_key, f"  └ {label}", pdone, ptotal)
                if new_part:
                    progress.refresh()      # every part is drawn at least once, however fast it goes
            elif part_key in self._tasks:
                progress.remove_task(self._tasks.pop(part_key))

    def _bar(self, progress: Any, key: str, description: str, done: int, total: int) -> None:
        size = total if total > 0 else 1
        completed = min(done, size) if total > 0 else size
        task = self._tasks.get(key)
        if task is None:
            self._tasks[key] = progress.add_task(description, total=size, completed=completed)
        else:
            progress.update(task, description=description, total=size, completed=completed)

    def close(self) -> None:
        with self._lock:
            progress, self._progress = self._progress, None
            if progress is None:
                return
            for key in [k for k in self._tasks if k.endswith("\0part")]:
                progress.remove_task(self._tasks.pop(key))
            self._tasks.clear()
        progress.stop()


__all__ = ["MeterLines", "ProgressBars", "human_size", "meter_line"]
