"""What makes sure the demo's child process never outlives cloudshell, however cloudshell ends.

- normal exit, Ctrl-C: ``atexit`` stops every running server;
- SIGTERM/SIGHUP: our handler stops them, then chains to the previous handler;
- SIGKILL, crash: on Linux the child asks the kernel (``PR_SET_PDEATHSIG``)
  for SIGTERM when its parent dies.

The child runs in its own process group, so Ctrl-C and Ctrl-Z typed at the
terminal reach cloudshell only; cloudshell then stops the child itself.
"""

from __future__ import annotations

import atexit
import collections
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cloudshell.cloud.demo.server import MotoServer


_PR_SET_PDEATHSIG = 1
_prctl_args: tuple[Callable[..., int], tuple[Any, ...]] | None = None


def _prepare_prctl() -> tuple[Callable[..., int], tuple[Any, ...]] | None:
    """Resolve prctl and build its arguments before fork, so the child only calls it."""
    global _prctl_args
    if not sys.platform.startswith("linux"):
        return None
    if _prctl_args is None:
        import ctypes

        try:
            prctl = ctypes.CDLL(None, use_errno=True).prctl
        except (OSError, AttributeError):
            return None
        # prctl is variadic: pass full-width unsigned longs, never C ints.
        args = tuple(ctypes.c_ulong(v) for v in (_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0))
        _prctl_args = (prctl, args)
    return _prctl_args


def child_setup(parent_pid: int) -> Callable[[], None]:
    """The preexec_fn: die with the parent, even if the parent dies right now."""
    prepared = _prepare_prctl()

    def setup() -> None:
        if prepared is not None:
            prctl, args = prepared
            prctl(*args)
        # The parent may have died between fork and prctl: then nobody will
        # send the signal, so check and leave at once.
        if os.getppid() != parent_pid:
            os._exit(1)

    return setup


class _Spawner:
    """Forks children from one thread that lives as long as the process.

    PR_SET_PDEATHSIG fires when the *thread* that forked the child ends, not
    the process. A server started from a short-lived worker thread would be
    killed the moment that worker finished, so such starts are handed to this
    thread instead. It is a daemon blocked on a queue; it ends with the process.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: collections.deque[tuple[Callable[[], Any], dict[str, Any], threading.Event]] = (
            collections.deque())
        self._ready = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None

    def run(self, fn: Callable[[], Any]) -> Any:
        if threading.current_thread() is threading.main_thread():
            return fn()
        box: dict[str, Any] = {}
        done = threading.Event()
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="cloudshell-demo-spawner",
                                                daemon=True)
                self._thread.start()
            self._jobs.append((fn, box, done))
            self._ready.notify()
        done.wait()
        if "error" in box:
            raise box["error"]
        return box["result"]

    def _loop(self) -> None:
        while True:
            with self._lock:
                while not self._jobs:
                    self._ready.wait()
                fn, box, done = self._jobs.popleft()
            try:
                box["result"] = fn()
            except BaseException as exc:  # noqa: BLE001 - handed back to the caller
                box["error"] = exc
            done.set()


spawner = _Spawner()
live_servers: set[MotoServer] = set()  # started and not yet stopped
live_lock = threading.RLock()  # re-entered when a signal handler interrupts its holder
_hooks_lock = threading.Lock()
_atexit_registered = False
_previous_handlers: dict[int, Any] = {}


def stop_all(timeout: float = 3.0) -> None:
    with live_lock:
        servers = list(live_servers)
    for server in servers:
        try:
            server.stop(timeout=timeout)
        except Exception:  # noqa: BLE001 - on the way out, stop what we can
            pass


def _on_exit_signal(signum: int, frame: Any) -> None:
    stop_all(timeout=2.0)
    previous = _previous_handlers.get(signum, signal.SIG_DFL)
    if callable(previous):
        previous(signum, frame)
        return
    if previous == signal.SIG_IGN:
        return
    # SIG_DFL, or a handler installed outside Python that we cannot call:
    # die the way the signal would have killed us.
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def install_exit_hooks() -> None:
    """atexit always; SIGTERM/SIGHUP handlers when called on the main thread (Python's rule)."""
    global _atexit_registered
    with _hooks_lock:
        if not _atexit_registered:
            atexit.register(stop_all)
            _atexit_registered = True
        if threading.current_thread() is not threading.main_thread():
            return
        for name in ("SIGTERM", "SIGHUP"):
            signum = getattr(signal, name, None)
            if signum is None:
                continue
            current = signal.getsignal(signum)
            if current is _on_exit_signal or current == signal.SIG_IGN:
                # Already ours, or the user asked to ignore it (nohup): leave it.
                continue
            _previous_handlers[signum] = current
            signal.signal(signum, _on_exit_signal)
