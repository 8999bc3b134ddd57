"""A fault-injecting HTTP proxy for tests: loopback only, in front of moto's server.

It forwards every request to the upstream endpoint and, when a rule matches,
misbehaves the way real clouds and the networks in front of them do: slow
answers, reset connections, throttling (503 ``RequestLimitExceeded`` in EC2's
XML error shape), 500s, 401 ``AuthFailure``, a body cut off mid-way, an HTML
login page, or no answer at all until the client gives up.

Rules are a programmable schedule the test changes at runtime: each matches
an EC2 ``Action`` (or every request), for the next N requests and/or a time
window. Every request is logged with its monotonic time, so backoff spacing
can be checked. ``stop()`` ends every thread it started, hanging ones too.

    with FaultProxy(cloud.url) as proxy:
        session = CloudSession.for_url(proxy.url)
        proxy.inject("throttle", times=2)
        proxy.inject("hang", action="RunInstances", forward=True)
"""

from __future__ import annotations

import http.client
import http.server
import select
import socket
import socketserver
import struct
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

KINDS = ("latency", "reset", "throttle", "error", "truncate", "html", "hang", "canned")
# Headers that describe one hop, not the message: never forwarded either way.
_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "proxy-connection", "te",
                  "upgrade", "content-length"})
HANG_CAP = 120.0  # a hang ends at the latest after this long, whatever the client does

LOGIN_PAGE = (b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head>"
              b"<body><form action=\"/login\"><input name=\"user\"><input type=\"password\" "
              b"name=\"pass\"></form></body></html>\n")


def ec2_error(code: str, message: str) -> bytes:
    """An error document in the shape EC2 (and Eucalyptus) sends."""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}</Code>'
            f"<Message>{message}</Message></Error></Errors><RequestID>{uuid.uuid4()}</RequestID>"
            "</Response>").encode()


@dataclass
class Rule:
    """One fault: what to do, to which requests, how often and when.

    ``times``: for the next N matching requests (None: no limit).
    ``start``/``until``: monotonic window (None: open-ended).
    ``forward``: for reset/hang/truncate, pass the request upstream first, so
    the cloud acts on it and only the answer is lost.
    """

    kind: str
    action: str | None = None
    times: int | None = None
    start: float | None = None
    until: float | None = None
    delay: float = 0.0
    forward: bool = False
    status: int = 503
    code: str = "RequestLimitExceeded"
    message: str = "Request limit exceeded."
    body: bytes = b""       # canned: the answer sent instead of the cloud's (nothing forwarded)
    hits: int = 0

    def matches(self, action: str, now: float) -> bool:
        if self.action is not None and self.action != action:
            return False
        if self.times is not None and self.hits >= self.times:
            return False
        if self.start is not None and now < self.start:
            return False
        return self.until is None or now < self.until


@dataclass(frozen=True)
class Hit:
    """One request the proxy received."""

    at: float               # time.monotonic() on arrival
    action: str             # EC2 Action, else "METHOD /path"
    fault: str | None       # the rule kind applied, "upstream-down", or None (passed through)


@dataclass
class _Log:
    hits: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = False      # server_close() joins every handler: stop() is bounded
    block_on_close = True
    allow_reuse_address = True

    def __init__(self, proxy: FaultProxy) -> None:
        self.proxy = proxy
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, as botocore expects
    timeout = 30                    # an idle kept-alive connection ends by itself
    server: _Server

    def log_message(self, *args: object) -> None:  # quiet: tests read the hit log instead
        pass

    def setup(self) -> None:
        super().setup()
        self.server.proxy._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.server.proxy._track(self.connection, add=False)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._serve()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_GET  # noqa: N815

    # -- one request -------------------------------------------------------------
    def _serve(self) -> None:
        proxy = self.server.proxy
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        action = _action(self.command, self.path, body)
        if body and not self.path.split("?")[0].strip("/"):
            proxy.queries.append(parse_qs(body.decode("utf-8", "replace")))
        rule = proxy._claim(action)
        kind = rule.kind if rule else None
        if kind == "latency":
            proxy._stopping.wait(rule.delay)
        if kind in ("throttle", "error"):
            proxy._record(action, kind)
            return self._reply(rule.status, ec2_error(rule.code, rule.message), "text/xml;charset=UTF-8")
        if kind == "canned":
            proxy._record(action, kind)
            return self._reply(rule.status if rule.status != 503 else 200, rule.body, "text/xml;charset=UTF-8")
        if kind == "html":
            proxy._record(action, kind)
            # A login page answering 200 by default; with status=502…, a proxy's error page.
            return self._reply(rule.status if rule.status != 503 else 200, LOGIN_PAGE, "text/html; charset=utf-8")
        upstream = None
        if kind not in ("reset", "hang") or rule.forward:
            upstream = self._forward(body)
            if upstream is None:
                proxy._record(action, "upstream-down")
                return self._reset()
        proxy._record(action, kind)
        if kind == "reset":
            return self._reset()
        if kind == "hang":
            return self._hang()
        status, headers, data, declared = upstream
        if kind == "truncate":
            # The promised length, half the bytes, then the connection goes away.
            self._head(status, headers, len(data))
            self.wfile.write(data[: max(1, len(data) // 2)])
            self.wfile.flush()
            return self._reset()
        # A HEAD answer has no body but tells the object's size: pass that on.
        self._head(status, headers, declared if self.command == "HEAD" else len(data))
        if self.command != "HEAD":
            self.wfile.write(data)

    def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes, int] | None:
        proxy = self.server.proxy
        conn = http.client.HTTPConnection(proxy.upstream_host, proxy.upstream_port,
                                          timeout=proxy.upstream_timeout)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
        headers["Content-Length"] = str(len(body))
        try:
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            declared = int(resp.getheader("Content-Length") or len(data))
            return (resp.status, [(k, v) for k, v in resp.getheaders() if k.lower() not in _HOP], data,
                    declared)
        except OSError:
            return None
        finally:
            conn.close()

    def _head(self, status: int, headers: list[tuple[str, str]], length: int) -> None:
        self.send_response_only(status)
        for key, value in headers:
            if key.lower() not in ("server", "date"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def _reply(self, status: int, data: bytes, ctype: str) -> None:
        self._head(status, [("Content-Type", ctype)], len(data))
        if self.command != "HEAD":
            self.wfile.write(data)

    def _reset(self) -> None:
        """Close with a TCP RST (SO_LINGER 0): what a dropped load balancer looks like."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def _hang(self) -> None:
        """Say nothing until the client gives up (closes), the proxy stops, or HANG_CAP."""
        self.close_connection = True
        proxy = self.server.proxy
        deadline = time.monotonic() + HANG_CAP
        while not proxy._stopping.is_set() and time.monotonic() < deadline:
            try:
                ready, _, _ = select.select([self.connection], [], [], 0.05)
                if ready and not self.connection.recv(1, socket.MSG_PEEK):
                    break  # the client closed its end
            except (OSError, ValueError):
                break
        self._reset()


def _action(method: str, path: str, body: bytes) -> str:
    """The EC2 query Action of a request (form body or query string), else METHOD /path."""
    for source in (body.decode("utf-8", "replace") if body else "", urlsplit(path).query):
        values = parse_qs(source).get("Action")
        if values:
            return values[0]
    return f"{method} {urlsplit(path).path}"


class FaultProxy:
    """A threaded HTTP proxy on 127.0.0.1 that injects faults by rule. ``stop()`` joins it."""

    def __init__(self, upstream_url: str, *, upstream_timeout: float = 30.0) -> None:
        parts = urlsplit(upstream_url)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"the fault proxy only fronts a loopback endpoint, not {upstream_url}")
        self.upstream_host = parts.hostname
        self.upstream_port = parts.port or 80
        self.upstream_timeout = upstream_timeout
        self._rules: list[Rule] = []
        self._rules_lock = threading.Lock()
        self._log = _Log()
        self.queries: list[dict[str, list[str]]] = []   # every EC2 query received, parsed (newest last)
        self._stopping = threading.Event()
        self._conns: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifetime ------------------------------------------------------------------
    def start(self) -> FaultProxy:
        self._stopping.clear()
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fault-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end hangs and kept-alive connections, join every thread."""
        self._stopping.set()
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        with self._log.lock:
            conns = list(self._conns)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        server.server_close()  # joins the handler threads
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the proxy is not running")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- the schedule ----------------------------------------------------------------
    def inject(self, kind: str, *, action: str | None = None, times: int | None = None,
               seconds: float | None = None, after: float = 0.0, **options: object) -> Rule:
        """Add a rule; the first matching rule (oldest first) applies to a request.

        ``seconds``: the rule lasts that long from ``after`` seconds from now.
        Options: ``delay`` (latency), ``forward`` (reset/hang/truncate),
        ``status``/``code``/``message`` (error; throttle defaults to 503
        RequestLimitExceeded), ``body`` (canned: an answer recorded from the API's documented
        shape, for actions moto does not serve; status 200 unless given).
        """
        if kind not in KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {', '.join(KINDS)}")
        now = time.monotonic()
        rule = Rule(kind, action=action, times=times, start=now + after if after else None,
                    until=now + after + seconds if seconds is not None else None, **options)  # type: ignore[arg-type]
        with self._rules_lock:
            self._rules.append(rule)
        return rule

    def throttle(self, code: str = "RequestLimitExceeded", **kw: object) -> Rule:
        return self.inject("throttle", code=code, message="Rate exceeded" if code == "Throttling"
                           else "Request limit exceeded.", **kw)

    def server_error(self, **kw: object) -> Rule:
        return self.inject("error", status=500, code="InternalError",
                           message="An internal error has occurred", **kw)

    def auth_failure(self, **kw: object) -> Rule:
        return self.inject("error", status=401, code="AuthFailure",
                           message="AWS was not able to validate the provided access credentials", **kw)

    def clear(self) -> None:
        """Every fault ends now; requests pass through again."""
        with self._rules_lock:
            self._rules.clear()

    def _claim(self, action: str) -> Rule | None:
        now = time.monotonic()
        with self._rules_lock:
            for rule in self._rules:
                if rule.matches(action, now):
                    rule.hits += 1
                    return rule
        return None

    # -- what happened ------------------------------------------------------------------
    def _record(self, action: str, fault: str | None) -> None:
        with self._log.lock:
            self._log.hits.append(Hit(time.monotonic(), action, fault))

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._log.lock:
            (self._conns.add if add else self._conns.discard)(conn)

    def hits(self, action: str | None = None, *, since: float | None = None) -> list[Hit]:
        """Requests received (every one, or of one Action), oldest first."""
        with self._log.lock:
            hits = list(self._log.hits)
        return [h for h in hits if (action is None or h.action == action)
                and (since is None or h.at >= since)]

    def count(self, action: str | None = None, *, since: float | None = None) -> int:
        return len(self.hits(action, since=since))

    def gaps(self, action: str | None = None, *, since: float | None = None) -> list[float]:
        """Seconds between consecutive requests: backoff shows as growing gaps."""
        at = [h.at for h in self.hits(action, since=since)]
        return [b - a for a, b in zip(at, at[1:])]

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits())
