"""The typed errors every face shows as one line (never a traceback)."""

from __future__ import annotations

from cloudshell.cloud.terminal import escaped

# Control characters (C0, DEL, C1) a message may carry from user input or cloud data are shown
# escaped ("\\x1b"), so an error line never moves the cursor, retitles or clears a terminal.
_LONG_WORD = 160  # a 5,000-character "ID" pasted by mistake is named by its start
_LONG_LINE = 600  # an endpoint's 1 MB error page is named by its start


def one_line(text: str) -> str:
    """A message as one terminal-safe line: whitespace collapsed, control characters escaped, words cut,
    the whole cut to a readable length."""
    if len(text) > 20 * _LONG_LINE:  # never split a megabyte into words
        text = text[:20 * _LONG_LINE]
    words = (w if len(w) <= _LONG_WORD else f"{w[:120]}…[{len(w)} characters]" for w in text.split())
    line = escaped(" ".join(words))
    return line if len(line) <= _LONG_LINE else f"{line[:_LONG_LINE - 40]}… [message cut: {len(text)}+ characters]"


class CloudshellError(Exception):
    """Base of every error a face turns into one line and an exit code."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # one line, always
        return one_line(self.message)


class UsageError(CloudshellError):
    """Bad input: wrong command, option or value. Nothing was sent. Exit 2."""

    exit_code = 2


class ConfigError(UsageError):
    """A credential source or setting is missing, unreadable or malformed."""


class CloudError(CloudshellError):
    """The cloud refused, or could not be reached. Exit 1.

    ``code`` is the API error code (``InvalidVolume.NotFound``) or a local one
    (``EndpointUnreachable``, ``Timeout``, ``BadResponse``); ``retryable`` says
    whether the same call may succeed later unchanged.
    """

    exit_code = 1

    def __init__(self, code: str, message: str, *, retryable: bool = False,
                 operation: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.retryable = retryable
        self.operation = operation
        self.status = status

    def __str__(self) -> str:
        text = " ".join(self.message.split())
        return one_line(f"{self.code}: {text}" if self.code and self.code not in text else text)


class OutcomeUnknown(CloudError):
    """A mutating call failed in a way that leaves its effect unknown (timeout, reset)."""


class Refused(CloudshellError):
    """A safety guard or read-only mode refused the command before sending. Exit 1."""

    exit_code = 1
