"""The error types of the bundle engine."""

from __future__ import annotations

from cloudshell.cloud.errors import CloudshellError


class BundleError(CloudshellError):
    """A bundle cannot be made, read, verified or transferred. Exit 1.

    The message is one line naming the file, part or object at fault.
    """

    exit_code = 1


class BadBundle(BundleError):
    """A bundle (manifest, listing, part) is not what a bundle may be: untrusted input refused.

    One line naming the object or file and what is wrong with it. Exit 2 when
    nothing was written, sent or deleted yet (``done=False``), else exit 1.
    """

    exit_code = 2

    def __init__(self, message: str, *, done: bool = False) -> None:
        super().__init__(message)
        if done:
            self.exit_code = 1
