"""What botocore's profiles give besides keys: the endpoint a profile names, the hint an SSO profile
without a login needs, and the credentials the settings resolved, handed to the session's clients so
an assume-role profile costs one AssumeRole per command."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from typing import Any

from cloudshell.cloud.errors import ConfigError


@contextlib.contextmanager
def environ(env: Mapping[str, str]) -> Iterator[None]:
    """Show botocore exactly the environment resolve() was given.

    botocore reads os.environ (and ~ through HOME) itself, with no way to pass
    another; an injected env (tests, embedding) is swapped in for the call and
    the real one put back. With the real environment nothing is touched. Not
    thread-safe, which is fine: settings are resolved at start-up, before any worker.
    """
    if dict(os.environ) == dict(env):
        yield
        return
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:  # the real environment comes back whatever botocore raised
        os.environ.clear()
        os.environ.update(saved)


def profile_endpoints(name: str | None, env: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """{"endpoint_url"/"s3_endpoint_url": (url, source)} botocore would read from profile ``name``'s
    config (its ``endpoint_url``, or its ``services`` section), the source naming the key and file."""
    import botocore.exceptions as bce
    import botocore.session

    if str(env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "")).lower() == "true":
        return {}
    with environ(env):
        try:
            session = botocore.session.Session(profile=name)
            scoped = session.get_scoped_config()
            services = session.full_config.get("services") or {}
            path = os.path.expanduser(str(session.get_config_variable("config_file")))
        except (bce.BotoCoreError, OSError, ValueError):
            return {}  # an unknown profile or unreadable file is said where credentials are read
    if str(scoped.get("ignore_configured_endpoint_urls", "")).lower() == "true":
        return {}
    shown = name or "default"
    group = scoped.get("services")
    section = services.get(group) or {} if isinstance(group, str) else {}
    layer: dict[str, tuple[str, str]] = {}
    for setting, service in (("endpoint_url", "ec2"), ("s3_endpoint_url", "s3")):
        own = (section.get(service) or {}) if isinstance(section, dict) else {}
        if isinstance(own, dict) and own.get("endpoint_url"):
            layer[setting] = (str(own["endpoint_url"]),
                              f"profile {shown} [services {group}] {service} endpoint_url ({path})")
        elif scoped.get("endpoint_url"):
            layer[setting] = (str(scoped["endpoint_url"]),
                              f"profile {shown} endpoint_url ({path})")
    return layer


def sso_login_needed(profile: str | None) -> ConfigError:
    """An SSO profile without a valid token (never logged in, or expired): what to run."""
    name = profile or "default"
    return ConfigError(f"profile {name} has no valid SSO login (missing or expired): "
                       f"run `aws sso login --profile {name}`")


def is_sso_failure(exc: BaseException) -> bool:
    from botocore import exceptions as bce

    return isinstance(exc, (bce.SSOError, bce.TokenRetrievalError))


# Credentials botocore's chain gave a profile while the settings were read (an AssumeRole, an SSO
# exchange): the clients made afterwards take them instead of asking again, so a command costs one
# AssumeRole, as in awscli. Keyed by the profile and the files it was read from.
RESOLVED: dict[tuple[str, ...], Any] = {}


def _credentials_key(profile: str | None, env: Mapping[str, str]) -> tuple[str, ...]:
    name = profile or env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE") or "default"
    return (name, env.get("AWS_CONFIG_FILE", ""), env.get("AWS_SHARED_CREDENTIALS_FILE", ""), env.get("HOME", ""))


def share_credentials(profile: str | None, credentials: Any, env: Mapping[str, str]) -> None:
    """Keep the (maybe refreshable) credentials botocore resolved for ``profile`` under ``env``."""
    if credentials is not None:
        RESOLVED[_credentials_key(profile, env)] = credentials


class _Resolved:
    """botocore's credential_provider component, answering with credentials already resolved."""

    def __init__(self, credentials: Any) -> None:
        self.credentials = credentials

    def load_credentials(self) -> Any:
        return self.credentials


def resolved_provider(profile: str | None) -> _Resolved | None:
    """botocore's credential_provider for ``profile``, when the settings already resolved its credentials."""
    credentials = RESOLVED.get(_credentials_key(profile, os.environ))
    return _Resolved(credentials) if credentials is not None else None
