"""The REPL's history: a private file (0600) that never records a secret.

The rule: a line is not recorded, on disk or in memory, when it names an option
that carries a credential or user data (``--secret-key``, ``--access-key``,
``-S``/``-I`` in euca2ools' spelling, ``--session-token``, ``--password``,
``--user-data`` and ``run-instances -d``), assigns something called a secret,
password or token (``AWS_SECRET_ACCESS_KEY=…``), or holds what looks like key
material: a PEM block, an AWS access key ID, or a 40-character secret key.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

from prompt_toolkit.history import FileHistory

SECRET_OPTIONS = frozenset({
    "--secret-key", "--secret-key-id", "-S", "--access-key", "--access-key-id", "-I",
    "--session-token", "--password", "--user-data", "--user-data-file",
})
USER_DATA_COMMANDS = frozenset({"run-instances", "euca-run-instances"})
_KEY_MATERIAL = (
    (re.compile(r"-----BEGIN [A-Z ]*(PRIVATE )?KEY"), "key material"),
    (re.compile(r"(?<![A-Z0-9])(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{16}(?![A-Z0-9])"), "an access key ID"),
    (re.compile(r"(?<![A-Za-z0-9/+])(?=[A-Za-z0-9/+]*[0-9])(?=[A-Za-z0-9/+]*[A-Z])[A-Za-z0-9/+]{40}"
                r"(?![A-Za-z0-9/+=])"), "what looks like a secret key"),
    (re.compile(r"(?i)\b[\w.-]*(secret|passw(or)?d|token)[\w.-]*="), "a secret assignment"),
)


def secret_in(line: str) -> str | None:
    """Why ``line`` must not be recorded, or None when it may."""
    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    for word in words:
        option = word.split("=", 1)[0] if word.startswith("--") else word
        if option in SECRET_OPTIONS:
            return f"it gives {option}"
    if words and words[0] in USER_DATA_COMMANDS and "-d" in words[1:]:
        return "it gives user data"
    for pattern, what in _KEY_MATERIAL:
        if pattern.search(line):
            return f"it holds {what}"
    return None


def history_path() -> Path:
    """``history`` in cloudshell's platformdirs state folder (XDG_STATE_HOME)."""
    from cloudshell.cloud.userconfig import state_dir

    return state_dir() / "history"


def private_file(path: Path) -> Path:
    """Create ``path`` (and its folder, 0700) if needed and make it 0600 whatever it was."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    return path


class PrivateHistory(FileHistory):
    """FileHistory in a 0600 file that skips every line :func:`secret_in` objects to."""

    def __init__(self, path: Path | str | None = None) -> None:
        super().__init__(str(private_file(Path(path) if path is not None else history_path())))
        self.skipped = 0

    def append_string(self, string: str) -> None:
        if secret_in(string) is not None:
            self.skipped += 1
            return
        super().append_string(string)
