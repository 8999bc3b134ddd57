"""ImportInstance's ``LaunchSpecification.KeyName``: Eucalyptus takes it, botocore's model has no such field.

botocore validates parameters against AWS's model, so the key name is taken out
of the parameters before validation (``before-parameter-build``), kept in the
request's own context, and added to the query just before signing
(``before-call``). Only ImportInstance requests that carry one are changed.
"""

from __future__ import annotations

from typing import Any

_CONTEXT_KEY = "cloudshell_import_key_name"


def _take(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    spec = params.get("LaunchSpecification")
    if isinstance(spec, dict) and "KeyName" in spec:
        context[_CONTEXT_KEY] = str(spec.pop("KeyName"))


def _add(params: dict[str, Any], context: dict[str, Any] | None = None, **_: Any) -> None:
    name = (context or {}).get(_CONTEXT_KEY)
    if name is not None and isinstance(params.get("body"), dict):
        params["body"]["LaunchSpecification.KeyName"] = name


def accept_key_name(session: Any) -> None:
    """Let ``import_instance(LaunchSpecification={"KeyName": …})`` through the session's EC2 client."""
    client = session.ec2
    if not getattr(client, "_cloudshell_import_key_name", False):
        client.meta.events.register("before-parameter-build.ec2.ImportInstance", _take)
        client.meta.events.register("before-call.ec2.ImportInstance", _add)
        client._cloudshell_import_key_name = True
