"""A hostile S3 endpoint on 127.0.0.1: crafted listings, manifests and endless parts, and a log of requests.

Path-style only (``/BUCKET/KEY``), as botocore addresses an IP endpoint. A test
puts objects (bytes, or an :class:`Endless` stream) and, if it likes, a listing
of any keys at all (traversal, absolute names) whatever the objects are; every
request is recorded, and the bytes sent per key are counted, so a test can
prove what was fetched, deleted, or cut short.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

NS = "http://s3.amazonaws.com/doc/2006-03-01/"


@dataclass(frozen=True)
class Endless:
    """A body streamed without end (chunked, or under a Content-Length that lies), up to ``limit``
    bytes so that a test against a careless client still ends."""

    limit: int = 64 << 20
    content_length: int | None = None  # declared; None = chunked, no length at all


@dataclass
class HostileS3:
    objects: dict[str, bytes | Endless] = field(default_factory=dict)   # "bucket/key" -> body
    listings: dict[str, list[str]] = field(default_factory=dict)        # bucket -> keys to list
    received: list[tuple[str, str]] = field(default_factory=list)       # (method, "bucket/key")
    sent: dict[str, int] = field(default_factory=dict)                  # "bucket/key" -> body bytes out
    ended: set[str] = field(default_factory=set)                        # streams the server stopped
    url: str = ""

    def put(self, bucket: str, key: str, body: bytes | Endless) -> None:
        self.objects[f"{bucket}/{key}"] = body

    def requests(self, method: str) -> list[str]:
        return [path for m, path in self.received if m == method]

    def _find(self, path: str) -> tuple[str, bytes | Endless] | None:
        if path in self.objects:
            return path, self.objects[path]
        # A client may have normalised '..' or doubled a '/': a hostile server answers anyway.
        base = path.rsplit("/", 1)[-1]
        for key, body in self.objects.items():
            if key.rsplit("/", 1)[-1] == base:
                return key, body
        return None

    def listing_xml(self, bucket: str) -> bytes:
        keys = self.listings.get(bucket)
        if keys is None:
            keys = [k.split("/", 1)[1] for k in self.objects if k.split("/", 1)[0] == bucket]
        contents = "".join(
            f"<Contents><Key>{escape(k)}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>"
            f"<ETag>&quot;0&quot;</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>"
            for k in keys)
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="{NS}"><Name>{bucket}</Name>'
                f"<Prefix></Prefix><KeyCount>{len(keys)}</KeyCount><MaxKeys>1000</MaxKeys>"
                f"<Delimiter>/</Delimiter><IsTruncated>false</IsTruncated>{contents}</ListBucketResult>"
                ).encode()


def _handler(state: HostileS3) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def _target(self) -> tuple[str, dict[str, list[str]]]:
            parts = urlsplit(self.path)
            return unquote(parts.path).lstrip("/"), parse_qs(parts.query, keep_blank_values=True)

        def _reply(self, status: int, body: bytes = b"", ctype: str = "application/xml") -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _missing(self, path: str) -> None:
            self._reply(404, (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
                              f"<Message>no {escape(path)}</Message></Error>").encode())

        def do_HEAD(self) -> None:  # noqa: N802
            path, _ = self._target()
            state.received.append(("HEAD", path))
            if "/" not in path.rstrip("/"):
                self._reply(200)
                return
            found = state._find(path)
            if found is None or isinstance(found[1], Endless):
                self._missing(path)
            else:
                self._reply(200, found[1], "binary/octet-stream")

        def do_DELETE(self) -> None:  # noqa: N802
            path, _ = self._target()
            state.received.append(("DELETE", path))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:  # noqa: N802
            path, query = self._target()
            state.received.append(("GET", path))
            if "/" not in path.rstrip("/"):   # a bucket: its listing
                self._reply(200, state.listing_xml(path.rstrip("/")))
                return
            found = state._find(path)
            if found is None:
                self._missing(path)
                return
            key, body = found
            if isinstance(body, bytes):
                self._reply(200, body, "binary/octet-stream")
                state.sent[key] = state.sent.get(key, 0) + len(body)
                return
            self._stream(key, body)

        def _stream(self, key: str, body: Endless) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "binary/octet-stream")
            if body.content_length is None:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(body.content_length))
            self.end_headers()
            block = bytes(64 << 10)
            out = 0
            # A small send buffer: what counts as sent is then what the client took, give or take
            # 64 KiB, not what the kernel's buffers held for it (up to 4 MiB on loopback, seen once
            # on a loaded machine as exactly 4194304 bytes "sent" to a client that had hung up).
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 << 10)
            try:
                while out < body.limit:
                    if body.content_length is None:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
                    else:
                        self.wfile.write(block)
                    out += len(block)
                    state.sent[key] = out
                if body.content_length is None:
                    self.wfile.write(b"0\r\n\r\n")
            except OSError:   # the client hung up: what a careful one does
                pass
            state.ended.add(key)
            self.close_connection = True

    return Handler


@contextmanager
def hostile_s3() -> Iterator[HostileS3]:
    state = HostileS3()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="hostile-s3", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
