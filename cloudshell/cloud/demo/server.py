"""moto's EC2+S3 server in a child process: start, wait until it answers, reset, stop.

moto is never imported here: importing it costs ~400 ms and, in the UI's
process, makes every repaint slow. Only the child process imports it. The
child never outlives cloudshell: see no_orphans.py.
"""

from __future__ import annotations

import collections
import contextlib
import http.client
import importlib.util
import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from cloudshell.cloud.demo.no_orphans import (
    child_setup, install_exit_hooks, live_lock, live_servers, spawner,
)
from cloudshell.cloud.demo.seeding import DEMO_REGION
from cloudshell.cloud.errors import CloudError, ConfigError

MOTO_MISSING = "--demo needs moto's server: pip install 'cloudshell[demo]'"
# What the child runs: moto.server's main, lightened (motoserve.py). Its name is in the child's command
# line, which is how the tests find a demo's server among a program's children.
SERVER_MODULE = "cloudshell.cloud.demo.motoserve"


def moto_available() -> bool:
    """Whether moto's server can run here; looks for the packages without importing them."""
    # Only top-level names: find_spec("moto.server") would import moto itself.
    return all(importlib.util.find_spec(name) is not None for name in ("moto", "flask", "werkzeug"))


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the child binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class MotoServer:
    """moto's server in a child process on 127.0.0.1, reachable at ``url``.

    ``port=None`` picks a free port at the first start and keeps it, so a
    stopped server starts again at the same URL.
    """

    def __init__(self, port: int | None = None, *, host: str = "127.0.0.1",
                 load_default_amis: bool = False, log_path: str | os.PathLike[str] | None = None,
                 env: Mapping[str, str] | None = None, module: str = SERVER_MODULE) -> None:
        self.host = host
        self.module = module            # what the child runs (bench_demo_server compares moto.server)
        self.port = port
        self.load_default_amis = load_default_amis
        self.log_path = Path(log_path) if log_path is not None else None
        self._extra_env = dict(env or {})
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._tail: collections.deque[str] = collections.deque(maxlen=40)
        self._tail_lock = threading.Lock()
        self._reader: threading.Thread | None = None
        self._port_chosen = False
        self._owner_pid = os.getpid()

    # -- state -----------------------------------------------------------------
    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("MotoServer has no port before start()")
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"MotoServer({self.host}:{self.port}, pid={self.pid}, {state})"

    # -- start -------------------------------------------------------------------
    def start(self, timeout: float = 20.0) -> str:
        """Start the child and wait until it answers; returns the URL."""
        deadline = time.monotonic() + timeout
        # A port picked by us may be taken between the pick and the bind: pick again.
        for attempt in itertools.count(1):
            self.spawn()
            try:
                self.wait_ready(max(0.0, deadline - time.monotonic()))
                return self.url
            except CloudError:
                exited = self._proc is not None and self._proc.poll() is not None
                self.stop()
                if not (exited and self._port_chosen and attempt < 3
                        and time.monotonic() < deadline):
                    raise
                self.port = None
        raise AssertionError("unreachable")

    def spawn(self) -> None:
        """Start the child without waiting for it (see ``wait_ready``)."""
        if self.running:
            return
        if self._proc is not None:
            self.stop()  # reap the old child and its log reader before starting anew
        if not moto_available():
            raise ConfigError(MOTO_MISSING)
        if self.port is None:
            self.port = free_port(self.host)
            self._port_chosen = True
        env = dict(os.environ)
        env.update(self._extra_env)
        env["MOTO_PORT"] = str(self.port)
        if not self.load_default_amis:
            env["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
        argv = [sys.executable, "-m", self.module, "-H", self.host, "-p", str(self.port)]
        with self._tail_lock:
            self._tail.clear()
        if self.log_path is not None:
            argv.append("--log-requests")       # a log file asked for gets every request's line
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
            out: Any = self._log
        else:
            # A pipe, drained into a short tail: enough to explain a failed start,
            # and bounded however long the demo runs (moto logs every request).
            out = subprocess.PIPE
        self._owner_pid = os.getpid()
        setup = child_setup(self._owner_pid)
        install_exit_hooks()

        def popen() -> subprocess.Popen[bytes]:
            return subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, preexec_fn=setup,  # noqa: PLW1509
                                    process_group=0, close_fds=True)

        proc = spawner.run(popen)
        self._proc = proc
        with live_lock:
            live_servers.add(self)
        if proc.stdout is not None:
            self._reader = threading.Thread(target=self._drain, args=(proc.stdout,),
                                            name=f"moto-log-{proc.pid}", daemon=True)
            self._reader.start()

    def _drain(self, stream: IO[bytes]) -> None:
        with stream:
            for line in stream:
                with self._tail_lock:
                    self._tail.append(line.decode("utf-8", "replace").rstrip())

    def wait_ready(self, timeout: float = 20.0) -> None:
        """Poll until the server answers HTTP, the child exits, or ``timeout`` passes."""
        proc = self._proc
        if proc is None:
            raise RuntimeError("wait_ready() before spawn()")
        deadline = time.monotonic() + timeout
        delay = 0.01
        while True:
            if self._answers():
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise CloudError("DemoServerFailed",
                                 f"moto's server did not answer on {self.url} within {timeout:.0f}s"
                                 + self._tail_text(), retryable=True)
            try:
                # Waiting on the child doubles as the pause between polls.
                code = proc.wait(timeout=min(delay, remaining))
            except subprocess.TimeoutExpired:
                delay = min(delay * 1.5, 0.1)
                continue
            if self._reader is not None:
                self._reader.join(timeout=1.0)
            raise CloudError("DemoServerFailed",
                             f"moto's server exited with code {code} while starting on "
                             f"{self.url}" + self._tail_text())

    def _tail_text(self) -> str:
        with self._tail_lock:
            lines = [line for line in self._tail if line.strip()][-3:]
        if lines:
            return ": " + " | ".join(lines)
        if self.log_path is not None:
            return f" (see {self.log_path})"
        return ""

    def _request(self, method: str, path: str, timeout: float = 5.0) -> int:
        # http.client, not urllib: urllib would send loopback traffic through
        # an HTTP_PROXY set in the user's environment.
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path)
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def _answers(self) -> bool:
        try:
            return self._request("GET", "/moto-api/", timeout=1.0) == 200
        except OSError:
            return False

    # -- use ---------------------------------------------------------------------
    def preload(self, services: tuple[str, ...] = ("ec2",), timeout: float = 20.0) -> None:
        """Make the child load these services now: its first call to each costs ~1 s.

        moto routes a request by the service named in its SigV4 credential
        scope and does not check signatures, so a dummy one is enough.
        """
        for service in services:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
            try:
                conn.request("POST", "/", body="Action=DescribeRegions&Version=2016-11-15", headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Authorization": f"AWS4-HMAC-SHA256 Credential=demo/20200101/{DEMO_REGION}/"
                                     f"{service}/aws4_request, SignedHeaders=host, Signature=0"})
                conn.getresponse().read()
            except OSError as exc:
                raise CloudError("EndpointUnreachable", f"moto's server at {self.url} did not "
                                 f"answer: {exc}", retryable=True) from None
            finally:
                conn.close()

    def reset(self, *, random_seed: int | None = None) -> None:
        """Empty every backend (``POST /moto-api/reset``, ~5 ms).

        With ``random_seed``, also seed moto's random generator, so the IDs
        made afterwards are the same on every run.
        """
        self._post("/moto-api/reset")
        if random_seed is not None:
            self._post(f"/moto-api/seed?a={int(random_seed)}")

    def _post(self, path: str) -> None:
        try:
            status = self._request("POST", path)
        except OSError as exc:
            raise CloudError("EndpointUnreachable", f"moto's server at {self.url} did not "
                             f"answer POST {path}: {exc}", retryable=True) from None
        if status >= 300:
            raise CloudError("DemoServerFailed", f"moto's server answered {status} to POST {path}")

    # -- stop ----------------------------------------------------------------------
    def stop(self, timeout: float = 5.0) -> None:
        """Terminate the child (its whole process group), kill it if it lingers, reap it."""
        proc = self._proc
        if os.getpid() != self._owner_pid:
            # A forked copy of the process that started it: the server is not ours to stop.
            proc = None
        # While unreaped, the child's pid (= its group id) cannot be reused, so
        # the group is signalled only after poll() said "alive", never after.
        if proc is not None and proc.poll() is None:
            self._signal_group(proc, signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(proc, signal.SIGKILL)
                # Bounded even here: stop() may run in a signal handler that
                # interrupted a wait() holding the Popen's lock.
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=timeout)
        if self._reader is not None:
            self._reader.join(timeout=timeout)
            self._reader = None
        if self._log is not None:
            self._log.close()
            self._log = None
        with live_lock:
            live_servers.discard(self)

    @staticmethod
    def _signal_group(proc: subprocess.Popen[bytes], signum: int) -> None:
        try:
            os.killpg(proc.pid, signum)
        except (ProcessLookupError, PermissionError):
            try:
                proc.send_signal(signum)
            except ProcessLookupError:
                pass

    def __enter__(self) -> MotoServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
