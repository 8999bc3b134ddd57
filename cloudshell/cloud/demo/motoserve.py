"""moto's server as MotoServer runs it (``python -m cloudshell.cloud.demo.motoserve``): moto.server's
own ``main``, with three costs of every request taken out. Only this child process imports moto.

Measured with py-spy on moto 5 (werkzeug's threaded server), about 4.3 ms of CPU per DescribeKeyPairs,
of which:
- 15 %: werkzeug logs each request line through colorama into our pipe, which only keeps a short
  tail to explain a failed start; errors are still logged, and ``--log-requests`` (MotoServer passes
  it when its log goes to a file) keeps every line;
- 11 %: the dispatcher lists moto's package folder (``os.listdir`` and an ``isdir`` per entry) to
  tell a service name from a host name;
- 10 %: ``call_action`` runs ``inspect.getmembers`` over the response class to find its methods.
The last two read things that cannot change while the server runs, so they are remembered. Each
patch is applied only where moto still has the name it replaces; otherwise moto runs as it is.
"""

from __future__ import annotations

import functools
import sys


def lighten(*, log_requests: bool = False) -> None:
    """Take the per-request costs above out of moto's server (this process only)."""
    from werkzeug.serving import WSGIRequestHandler

    from moto import backends
    from moto.core import responses

    def log_request(self: WSGIRequestHandler, code: object = "-", size: object = "-") -> None:
        """No line per request (werkzeug's log_error still reports failures)."""

    if not log_requests:
        WSGIRequestHandler.log_request = log_request  # type: ignore[method-assign]
    if callable(getattr(backends, "list_of_moto_modules", None)):
        modules = tuple(backends.list_of_moto_modules())
        backends.list_of_moto_modules = lambda: modules
    if callable(getattr(responses, "method_names_from_class", None)):
        responses.method_names_from_class = functools.cache(responses.method_names_from_class)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    log_requests = "--log-requests" in args
    lighten(log_requests=log_requests)
    from moto.server import main as moto_main

    moto_main([a for a in args if a != "--log-requests"])


if __name__ == "__main__":
    main()
