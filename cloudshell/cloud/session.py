"""One CloudSession per endpoint: the only place that talks boto3.

Clients are created once (creating them is not thread-safe, using them is),
with timeouts, bounded retries and a user agent naming cloudshell. Every
botocore/boto3 exception becomes one typed error at this boundary.
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from cloudshell import __version__
from cloudshell.cloud.botoshare import share
from cloudshell.cloud.deadline import Expired, Workers
from cloudshell.cloud.errors import CloudError, ConfigError, OutcomeUnknown, UsageError
from cloudshell.cloud.profiles import is_sso_failure, resolved_provider, sso_login_needed

# The one list of throttling codes (the poller reads it from here too).
THROTTLING_CODES = frozenset({
    "RequestLimitExceeded", "Throttling", "ThrottlingException", "TooManyRequestsException", "SlowDown",
})
# Error codes after which the same call may succeed unchanged: throttling, and these.
RETRYABLE_CODES = THROTTLING_CODES | {
    "RequestTimeout", "RequestTimeoutException", "ServiceUnavailable",
    "Unavailable", "InternalError", "InternalFailure", "InsufficientInstanceCapacity",
}

DEFAULT_PAGE_CAP = 50
# Mutations that leave the same state however often they are sent: retried like reads.
IDEMPOTENT_OPERATIONS = frozenset({"put_object", "delete_object", "create_tags", "delete_tags"})
# Said of every mutating call whose answer was lost: the caller re-reads, it never resends.
OUTCOME_NOTE = "; outcome unknown: the cloud may have done it (not resent)"


@dataclass(frozen=True)
class Endpoint:
    """Where and as whom a session talks. Secrets live here and nowhere else."""

    endpoint_url: str | None = None
    s3_endpoint_url: str | None = None
    region: str | None = None
    profile: str | None = None
    access_key: str | None = None
    secret_key: str | None = None
    session_token: str | None = None
    verify_ssl: bool = True
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_attempts: int = 3          # in all, the first try included
    # Whole-request deadlines (connect, send, every read, retries): read_timeout is per read,
    # so an endpoint trickling a byte a second would otherwise hold a call forever.
    deadline: float = 30.0              # describes and other reads
    mutation_deadline: float = 60.0

    def __repr__(self) -> str:  # never show the secret
        return (f"Endpoint(endpoint_url={self.endpoint_url!r}, region={self.region!r}, "
                f"profile={self.profile!r}, access_key={self.access_key!r})")

    @property
    def label(self) -> str:
        """Short name for toolbars: the profile, else the endpoint host, else the region."""
        if self.endpoint_url:
            rest = self.endpoint_url.split("://", 1)[-1]
            return rest.split("/", 1)[0]
        return self.profile or "aws"


class NotTheApi(Exception):
    """The endpoint answered 2xx with something that is not an EC2 API document (a login page…)."""


def _refuse_non_api_body(response_dict: dict[str, Any] | None = None, **_: Any) -> None:
    """botocore parses any well-formed XML, so an HTML page would read as an empty answer."""
    if not response_dict:
        return
    headers = response_dict.get("headers") or {}
    ctype = str(headers.get("content-type", headers.get("Content-Type", ""))).lower()
    head = bytes(response_dict.get("body") or b"")[:512].lstrip().lower()
    if "html" in ctype or head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:200]:
        status = int(response_dict.get("status_code") or 0)
        if status >= 500:
            # A proxy's or load balancer's 502/503 page, or a server's crash page: a server error, which
            # a read retries with backoff like any 5xx, not an endpoint that is not the API.
            response_dict["body"] = (
                b"<Response><Errors><Error><Code>%s</Code><Message>the endpoint answered HTTP %d with an HTML "
                b"page (a proxy in front of it, or a server error)</Message></Error></Errors></Response>"
                % (b"ServiceUnavailable" if status == 503 else b"InternalError", status))
            return
        raise NotTheApi(f"HTTP {response_dict.get('status_code')} {ctype or 'no content type'}")


# C0 control characters XML 1.0 forbids, raw or as character references. Some endpoints (moto
# among them) send a tag value's escape sequences as they are, and one such tag would make the
# XML parser reject the whole listing: they are turned into visible text ("\\x1b") first.
_XML_ILLEGAL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|&#(?:[xX]0*([0-9a-fA-F]{1,2})|0*([0-9]{1,2}));")


def _escape_illegal_xml(response_dict: dict[str, Any] | None = None, **_: Any) -> None:
    body = (response_dict or {}).get("body")
    if not isinstance(body, bytes) or not _XML_ILLEGAL.search(body):
        return

    def visible(m: re.Match[bytes]) -> bytes:
        if m[1] is not None or m[2] is not None:
            code = int(m[1], 16) if m[1] is not None else int(m[2])
            if code >= 0x20 or code in (0x09, 0x0A, 0x0D):
                return m[0]  # a legal reference, left for the parser
        else:
            code = m[0][0]
        return b"\\x%02x" % code

    response_dict["body"] = _XML_ILLEGAL.sub(visible, body)  # type: ignore[index]


def _error_from_exception(exc: BaseException, operation: str, mutating: bool,
                          profile: str | None = None) -> Exception:
    """Map any botocore/boto3 exception to one typed cloudshell error."""
    from botocore import exceptions as bce
    from botocore.parsers import ResponseParserError

    if is_sso_failure(exc):
        return sso_login_needed(profile)
    if isinstance(exc, bce.ClientError):
        err = exc.response.get("Error", {}) or {}
        code = str(err.get("Code") or "Unknown")
        message = str(err.get("Message") or code)
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        retryable = code in RETRYABLE_CODES or (isinstance(status, int) and status >= 500)
        if mutating and retryable and code not in THROTTLING_CODES:
            # A 5xx may come after the cloud acted (InternalError mid-way); a throttle never does.
            return OutcomeUnknown(code, message + OUTCOME_NOTE, retryable=True, operation=operation,
                                  status=status)
        return CloudError(code, message, retryable=retryable, operation=operation, status=status)
    if isinstance(exc, bce.ParamValidationError):
        return UsageError(" ".join(str(exc).split()))
    if isinstance(exc, (bce.NoCredentialsError, bce.PartialCredentialsError)):
        return ConfigError("no credentials found: give --access-key/--secret-key, set "
                           "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or EC2_ACCESS_KEY/EC2_SECRET_KEY, "
                           "use --eucarc FILE or --profile NAME, or try --demo")
    if isinstance(exc, bce.ProfileNotFound):
        return ConfigError(f"profile not found: {exc.kwargs.get('profile')!s} "
                           "(expected a profile in ~/.aws/config or ~/.aws/credentials)")

    def unknown(code: str, message: str, **kw: Any) -> CloudError:
        return OutcomeUnknown(code, message + OUTCOME_NOTE, **kw) if mutating else CloudError(code, message, **kw)

    if isinstance(exc, (bce.ConnectTimeoutError, bce.EndpointConnectionError)):
        # Nothing reached the server: never an unknown outcome.
        url = getattr(exc, "kwargs", {}).get("endpoint_url", "")
        return CloudError("EndpointUnreachable", f"cannot reach the endpoint {url}".strip(),
                          retryable=True, operation=operation)
    if isinstance(exc, bce.ReadTimeoutError):
        return unknown("Timeout", f"{operation}: no answer from the endpoint within the read timeout",
                       retryable=True, operation=operation)
    if isinstance(exc, (bce.ConnectionClosedError, bce.ConnectionError, bce.HTTPClientError)):
        return unknown("ConnectionLost", f"{operation}: the connection was lost ({type(exc).__name__})",
                       retryable=True, operation=operation)
    if isinstance(exc, (ResponseParserError, NotTheApi)):
        return unknown("BadResponse", f"{operation}: the endpoint answered something that is not the "
                       "EC2/S3 API (an HTML page or a cut-off body?)", retryable=True, operation=operation)
    if isinstance(exc, bce.BotoCoreError):
        return unknown("ClientFailure", f"{operation}: {exc}", retryable=False, operation=operation)
    return unknown("ClientFailure", f"{operation}: {type(exc).__name__}: {exc}", operation=operation)


class RetryPolicy:
    """When botocore sends a failed attempt again (its ``needs-retry`` hook); None = give up.

    botocore's own modes retry a lost connection or a read timeout for every
    call, so a launch whose answer was lost would be sent twice (ClientToken
    makes that harmless on AWS, not on every EC2-compatible cloud). Here:

    - throttled, or the connection never opened: retried, the cloud did nothing;
    - reads (and IDEMPOTENT_OPERATIONS): also 5xx and lost connections;
    - a read timeout: never (a hung endpoint would cost N × the timeout);
    - mutations: nothing else; the caller gets OutcomeUnknown and re-reads.
    """

    def __init__(self, max_attempts: int, local: threading.local, *, base: float = 0.1,
                 throttle_base: float = 0.5, cap: float = 20.0) -> None:
        self.max_attempts = max_attempts
        self.local = local
        self.base, self.throttle_base, self.cap = base, throttle_base, cap

    def __call__(self, attempts: int, response: Any = None, caught_exception: BaseException | None = None,
                 **_: Any) -> float | None:
        from botocore import exceptions as bce

        if attempts >= self.max_attempts:
            return None
        mutating = bool(getattr(self.local, "mutating", False))
        base = self.base
        if caught_exception is not None:
            if isinstance(caught_exception, (bce.ConnectTimeoutError, bce.EndpointConnectionError)):
                pass
            elif mutating or isinstance(caught_exception, bce.ReadTimeoutError):
                return None
            elif not isinstance(caught_exception, (bce.ConnectionError, bce.HTTPClientError)):
                return None
        elif response is not None:
            http, parsed = response
            code = str(((parsed or {}).get("Error") or {}).get("Code") or "")
            status = getattr(http, "status_code", 0) or 0
            if code in THROTTLING_CODES or status == 429:
                base = self.throttle_base
            elif mutating or not (code in RETRYABLE_CODES or status >= 500):
                return None
        else:
            return None
        return random.uniform(0.5, 1.0) * min(self.cap, base * 2 ** (attempts - 1))


class CloudSession:
    """EC2 and S3 clients for one endpoint, made once, used from any thread."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self._lock = threading.Lock()
        self._clients: dict[str, Any] = {}
        self._boto_session = None
        self._workers = Workers()
        self._local = threading.local()   # .mutating: what the call on this thread is

    @classmethod
    def for_url(cls, url: str, *, access_key: str = "demo", secret_key: str = "demo",
                region: str = "us-east-1", **kw: Any) -> CloudSession:
        return cls(Endpoint(endpoint_url=url, s3_endpoint_url=url, region=region,
                            access_key=access_key, secret_key=secret_key, **kw))

    # -- clients ---------------------------------------------------------------
    def _client(self, service: str) -> Any:
        client = self._clients.get(service)
        if client is not None:
            return client
        with self._lock:
            client = self._clients.get(service)
            if client is None:
                client = self._make_client(service)
                self._clients[service] = client
        return client

    def _make_client(self, service: str) -> Any:
        # botocore directly, not boto3: boto3 drags in s3transfer (~75 ms of start-up).
        import botocore.session
        from botocore import exceptions as bce
        from botocore.config import Config

        ep = self.endpoint
        try:
            if self._boto_session is None:
                bs = botocore.session.Session(profile=None if ep.access_key else ep.profile)
                share(bs)
                if ep.access_key:
                    bs.set_credentials(ep.access_key, ep.secret_key, ep.session_token)
                elif (resolved := resolved_provider(ep.profile)) is not None:
                    bs.register_component("credential_provider", resolved)
                # Timestamps stay the strings the endpoint sent, as awscli keeps them: the same
                # JSON byte for byte, and no date parsing of 10,000 records per sweep.
                bs.get_component("response_parser_factory").set_parser_defaults(
                    timestamp_parser=lambda value: value)
                bs.register("before-parse.ec2", _refuse_non_api_body)
                bs.register("before-parse.ec2", _escape_illegal_xml)
                self._boto_session = bs
            bs = self._boto_session
            region = ep.region or bs.get_config_variable("region") or ("us-east-1" if ep.endpoint_url else None)
            if region is None:
                raise ConfigError("no region set: give --region NAME or set AWS_DEFAULT_REGION")
            config = Config(
                connect_timeout=ep.connect_timeout, read_timeout=ep.read_timeout,
                retries={"total_max_attempts": 1, "mode": "standard"},  # RetryPolicy decides
                user_agent_extra=f"cloudshell/{__version__}",
                s3={"addressing_style": "path"} if service == "s3" and ep.s3_endpoint_url else None,
                tcp_keepalive=True,
                # Newer botocore adds CRC32 checksums to every upload; Walrus and other
                # S3-compatible stores reject or ignore them. Only when the API requires.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            )
            url = ep.s3_endpoint_url if service == "s3" else ep.endpoint_url
            client = bs.create_client(service, endpoint_url=url or None, region_name=region,
                                      verify=ep.verify_ssl, config=config)
            client.meta.events.register(f"needs-retry.{client.meta.service_model.service_id.hyphenize()}",
                                        RetryPolicy(max(1, ep.max_attempts), self._local))
            return client
        except bce.BotoCoreError as exc:
            raise _error_from_exception(exc, f"create {service} client", False, ep.profile) from None

    @property
    def ec2(self) -> Any:
        return self._client("ec2")

    @property
    def s3(self) -> Any:
        return self._client("s3")

    @property
    def region(self) -> str:
        return self.ec2.meta.region_name

    # -- calls -------------------------------------------------------------------
    def call(self, operation: str, *, service: str = "ec2", mutating: bool = False,
             deadline: float | None = None, **params: Any) -> dict[str, Any]:
        """Call one API operation; returns the response without ResponseMetadata.

        The call must finish within ``deadline`` seconds (default: the endpoint's
        deadline for reads or mutations), else it fails with ``SlowEndpoint``.
        """
        client = self._client(service)
        limit = deadline or (self.endpoint.mutation_deadline if mutating else self.endpoint.deadline)

        def send() -> dict[str, Any]:
            self._local.mutating = mutating and operation not in IDEMPOTENT_OPERATIONS
            try:
                return getattr(client, operation)(**params)
            finally:
                self._local.mutating = False

        response = self._bounded(send, operation, mutating, limit)
        if isinstance(response, dict):
            response.pop("ResponseMetadata", None)
        return response

    def pages(self, operation: str, *, service: str = "ec2", page_cap: int = DEFAULT_PAGE_CAP,
              **params: Any) -> Pages:
        """The response pages of a describe call, at most ``page_cap`` of them (see :class:`Pages`)."""
        return Pages(self, operation, service, page_cap, params)

    def _bounded(self, fn: Callable[[], Any], operation: str, mutating: bool, limit: float) -> Any:
        """Run one request (botocore's retries included) on a worker thread, at most ``limit`` seconds.

        botocore has no overall deadline and a socket in use cannot be reached from
        outside, so a request past its deadline is abandoned (see :mod:`cloudshell.cloud.deadline`).
        """
        try:
            return self._workers.run(fn, limit)
        except Expired:
            message = f"{operation}: the endpoint did not answer within {limit:g} s (slow endpoint)"
            raise (OutcomeUnknown("SlowEndpoint", message + OUTCOME_NOTE, retryable=True, operation=operation)
                   if mutating else CloudError("SlowEndpoint", message, retryable=True, operation=operation)) from None
        except (CloudError, UsageError) as exc:
            raise self._redacted(exc) from None
        except Exception as exc:  # noqa: BLE001 - the boundary: everything becomes typed
            raise self._redacted(_error_from_exception(exc, operation, mutating, self.endpoint.profile)) from None

    def _redacted(self, exc: Exception) -> Exception:
        """An error whose message echoes a secret of ours (some endpoints quote the request) gets it masked."""
        message = getattr(exc, "message", None)
        if isinstance(message, str):
            for secret in (self.endpoint.secret_key, self.endpoint.session_token):
                if secret and len(secret) >= 8 and secret in message:
                    message = message.replace(secret, "****")
            exc.message = message  # type: ignore[attr-defined]
            exc.args = (message,)
        return exc

    def dry_run(self, operation: str, **params: Any) -> tuple[bool, str]:
        """Ask EC2 whether a mutating call would succeed (DryRun=True). Sends nothing else."""
        try:
            self.call(operation, DryRun=True, **params)
        except CloudError as exc:
            if exc.code == "DryRunOperation":
                return True, "the request would have succeeded (DryRun)"
            return False, str(exc)
        # The endpoint ignored DryRun: the call was carried out. Never report that as a probe.
        return False, ("WARNING: the endpoint ignored DryRun and CARRIED OUT the request; "
                       "check the resource's state")

    def close(self) -> None:
        for client in list(self._clients.values()):
            try:
                client.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass
        self._clients.clear()
        self._workers.close()


class Pages:
    """The pages of one describe call, fetched as they are read, each under the endpoint's deadline.

    Takes ``PaginationConfig`` as botocore does. Once read: ``result_keys`` name the
    lists paginated (none when the call does not paginate), ``resume_token`` is where
    a ``MaxItems`` cut stopped (awscli's NextToken), and ``truncated`` says whether
    the page cap stopped it while the endpoint still offered a next page.
    """

    _TOKENS = ("NextToken", "nextToken", "NextContinuationToken", "NextMarker")

    def __init__(self, session: CloudSession, operation: str, service: str, page_cap: int,
                 params: dict[str, Any]) -> None:
        self.session, self.operation, self.service = session, operation, service
        self.page_cap, self.params = page_cap, params
        self.result_keys: tuple[str, ...] = ()
        self.resume_token: str | None = None
        self.truncated = False

    def __iter__(self) -> Iterator[dict[str, Any]]:
        session, operation = self.session, self.operation
        client = session._client(self.service)
        if not client.can_paginate(operation):   # one answer: a page size means nothing to it
            params = {k: v for k, v in self.params.items() if k != "PaginationConfig"}
            yield session.call(operation, service=self.service, **params)
            return
        try:
            pages = client.get_paginator(operation).paginate(**self.params)
            self.result_keys = tuple(key.expression for key in pages.result_keys)
            it = iter(pages)
        except Exception as exc:  # noqa: BLE001 - the boundary: everything becomes typed
            raise session._redacted(_error_from_exception(exc, operation, False, session.endpoint.profile)) from None
        limit = session.endpoint.deadline
        for n in range(self.page_cap):
            page = session._bounded(lambda: next(it, None), operation, False, limit)
            if page is None:
                self.resume_token = pages.resume_token
                return
            page.pop("ResponseMetadata", None)
            yield page
            if n + 1 >= self.page_cap and any(page.get(t) for t in self._TOKENS):
                self.truncated = True
