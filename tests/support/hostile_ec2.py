"""A hostile EC2 Query endpoint on 127.0.0.1: crafted answers, trickled bodies, and a log of what arrived.

Tests hand it one answer per Action (an XML body, or a callable building one
from the request's parameters); every request it receives is recorded, so a
test can prove that nothing was sent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

NS = "http://ec2.amazonaws.com/doc/2016-11-15/"

@dataclass
class Reply:
    """A crafted HTTP answer: status, body, and how fast the body goes out."""

    body: str
    status: int = 200
    trickle: float = 0.0        # seconds between bytes (a slowloris), 0 = all at once
    trickle_for: float = 30.0   # the server stops trickling by itself after this long


Answer = str | Reply | Callable[[dict[str, str]], "str | Reply"]


@dataclass
class HostileEC2:
    answers: dict[str, Answer] = field(default_factory=dict)
    received: list[dict[str, str]] = field(default_factory=list)
    url: str = ""

    def actions(self) -> list[str]:
        return [r.get("Action", "?") for r in self.received]


def response(action: str, inner: str) -> str:
    """An EC2 XML answer for ``action`` with ``inner`` inside its root element."""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{action}Response xmlns="{NS}">'
            f"<requestId>hostile-1</requestId>{inner}</{action}Response>")


def error(code: str, message: str) -> Reply:
    return Reply(status=400, body=(f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
                                   f"<Code>{code}</Code><Message>{message}</Message></Error></Errors>"
                                   f"<RequestID>hostile-1</RequestID></Response>"))


def instance_xml(instance_id: str, *, state: str = "running", ip: str | None = None,
                 name: str | None = None, key: str | None = None) -> str:
    tags = (f"<tagSet><item><key>Name</key><value>{name}</value></item></tagSet>" if name is not None else "")
    return (f"<item><instanceId>{instance_id}</instanceId><imageId>ami-12345678</imageId>"
            f"<instanceState><code>16</code><name>{state}</name></instanceState>"
            f"<instanceType>m1.small</instanceType>"
            f"<placement><availabilityZone>us-east-1a</availabilityZone></placement>"
            + (f"<ipAddress>{ip}</ipAddress>" if ip else "")
            + (f"<keyName>{key}</keyName>" if key else "")
            + f"{tags}</item>")


def reservations(*instances: str, next_token: str | None = None) -> str:
    items = "".join(instances)
    body = (f"<reservationSet><item><reservationId>r-12345678</reservationId><ownerId>123456789012</ownerId>"
            f"<groupSet/><instancesSet>{items}</instancesSet></item></reservationSet>")
    if next_token:
        body += f"<nextToken>{next_token}</nextToken>"
    return response("DescribeInstances", body)


EMPTY_ANSWERS: dict[str, str] = {
    "DescribeImages": response("DescribeImages", "<imagesSet/>"),
    "DescribeInstances": reservations(),
    "DescribeVolumes": response("DescribeVolumes", "<volumeSet/>"),
    "DescribeSnapshots": response("DescribeSnapshots", "<snapshotSet/>"),
    "DescribeAddresses": response("DescribeAddresses", "<addressesSet/>"),
    "DescribeSecurityGroups": response("DescribeSecurityGroups", "<securityGroupInfo/>"),
    "DescribeKeyPairs": response("DescribeKeyPairs", "<keySet/>"),
    "DescribeAvailabilityZones": response("DescribeAvailabilityZones", "<availabilityZoneInfo/>"),
}


class _Handler(BaseHTTPRequestHandler):
    server_version = "hostile/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, *_: object) -> None:  # quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's spelling
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace")
        params = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        state: HostileEC2 = self.server.state  # type: ignore[attr-defined]
        state.received.append(params)
        answer = state.answers.get(params.get("Action", ""))
        if answer is None:
            answer = error("InvalidAction", f"hostile server: no answer for {params.get('Action')}")
        if callable(answer):
            answer = answer(params)
        reply = answer if isinstance(answer, Reply) else Reply(body=answer)
        data = reply.body.encode("utf-8")
        self.send_response(reply.status)
        self.send_header("Content-Type", "text/xml;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not reply.trickle:
            self.wfile.write(data)
            return
        stop = time.monotonic() + reply.trickle_for
        for n in range(len(data)):
            if time.monotonic() > stop or self.server.closing:  # type: ignore[attr-defined]
                break
            try:
                self.wfile.write(data[n:n + 1])
                self.wfile.flush()
            except OSError:
                break
            # A slowloris paces itself; this is the server's pacing, not a test waiting.
            self.server.closed_event.wait(reply.trickle)  # type: ignore[attr-defined]
        self.close_connection = True


@contextmanager
def hostile_ec2(answers: dict[str, Answer] | None = None) -> Iterator[HostileEC2]:
    """Serve ``answers`` (on top of empty describes) on a free port until the block ends."""
    state = HostileEC2(answers={**EMPTY_ANSWERS, **(answers or {})})
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.state = state  # type: ignore[attr-defined]
    server.closing = False  # type: ignore[attr-defined]
    server.closed_event = threading.Event()  # type: ignore[attr-defined]
    state.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, name="hostile-ec2", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.closing = True  # type: ignore[attr-defined]
        server.closed_event.set()  # type: ignore[attr-defined]
        server.shutdown()
        server.server_close()
        thread.join(5)
