"""The one error type of the bundle engine."""

from __future__ import annotations

from cloudshell.cloud.errors import CloudshellError


class BundleError(CloudshellError):
    """A bundle cannot be made, read, verified or transferred. Exit 1.

    The message is one line naming the file, part or object at fault.
    """

    exit_code = 1
