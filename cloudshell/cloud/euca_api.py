"""Eucalyptus' own EC2 actions (DescribeInstanceTypes with capacity, ModifyInstanceTypeAttribute…).

botocore knows only AWS's operations. An action it does not know is sent through
the session's EC2 client all the same (its signing, TLS, deadline, retry policy
and error mapping), by carrying it in a known operation: just before the call
is signed, its query is replaced by the Eucalyptus action's, and the answer's
XML is read here, not by botocore. Only a call made through :func:`call` on
this thread is rewritten; every other call of the client goes out untouched.
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from typing import Any

_CARRIER = "describe_instance_types"   # any query operation botocore has; its own answer is ignored
_local = threading.local()


class _Job:
    def __init__(self, action: str, params: dict[str, str], version: str | None) -> None:
        self.action, self.params, self.version = action, params, version
        self.body: bytes | None = None


def _rewrite(params: dict[str, Any], **_: Any) -> None:
    """before-call: ``params`` is the serialized request, its ``body`` the query's fields."""
    request_dict = params
    job = getattr(_local, "job", None)
    if job is None or not isinstance(request_dict.get("body"), dict):
        return
    version = job.version or request_dict["body"].get("Version")
    request_dict["body"] = {"Action": job.action, "Version": version, **job.params}


def _capture(http_response: Any = None, **_: Any) -> None:
    job = getattr(_local, "job", None)
    if job is not None and http_response is not None:
        job.body = http_response.content


def _hooked(client: Any) -> Any:
    if not getattr(client, "_cloudshell_euca_hooks", False):
        client.meta.events.register("before-call.ec2.DescribeInstanceTypes", _rewrite)
        client.meta.events.register("after-call.ec2.DescribeInstanceTypes", _capture)
        client._cloudshell_euca_hooks = True
    return client


def call(session: Any, action: str, params: dict[str, Any] | None = None, *, mutating: bool = False,
         version: str | None = None) -> dict[str, Any]:
    """Send ``action`` with flat query ``params``; returns its answer as nested dicts (see :func:`to_dict`)."""
    client = _hooked(session.ec2)
    flat = {k: ("true" if v is True else "false" if v is False else str(v))
            for k, v in (params or {}).items() if v is not None}
    job = _Job(action, flat, version)

    def send() -> dict[str, Any]:
        _local.job = job
        try:
            getattr(client, _CARRIER)()
        finally:
            _local.job = None
        return {}

    session._bounded(send, action, mutating, session.endpoint.mutation_deadline if mutating
                     else session.endpoint.deadline)
    return to_dict(job.body or b"")


def _name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _element(el: ET.Element) -> Any:
    children = list(el)
    if not children:
        return (el.text or "").strip()
    if all(_name(c.tag) == "item" for c in children):
        return [_element(c) for c in children]
    out: dict[str, Any] = {}
    for c in children:
        out[_name(c.tag)] = _element(c)
    return out


def to_dict(body: bytes) -> dict[str, Any]:
    """An EC2 query answer as dicts (``item`` lists as lists), keys as the XML spells them."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return {}
    value = _element(root)
    if isinstance(value, dict):
        value.pop("requestId", None)
        return value
    return {}
