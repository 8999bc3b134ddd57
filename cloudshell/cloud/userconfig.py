"""The user's own settings file (TOML in the platformdirs config folder).

Example ``~/.config/cloudshell/config.toml``::

    theme = "dark"
    interval = 5
    key_dir = "~/.ssh"

    [ssh.users]          # login user by image name (glob) for `ssh`
    "centos-*" = "centos"
    "ubuntu-*" = "ubuntu"
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from cloudshell.cloud.errors import ConfigError


def config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("cloudshell", appauthor=False))


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("cloudshell", appauthor=False))


def config_path() -> Path:
    override = os.environ.get("CLOUDSHELL_CONFIG")
    return Path(override) if override else config_dir() / "config.toml"


def load_user_config(path: Path | None = None) -> dict[str, Any]:
    """The parsed file, or {} when there is none; a malformed file is one clear line."""
    path = path or config_path()
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {' '.join(str(exc).split())} (expected TOML)") from None


def write_crash_log(exc: BaseException | None) -> str:
    """The traceback, without locals (no secrets), appended to a 0600 file; returns its path.

    The one crash-log writer: the one-shot CLI and the monitor both call it.
    """
    import tempfile
    import traceback

    try:
        folder = data_dir()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except Exception:  # noqa: BLE001 - any unwritable home: the temp folder instead
        folder = Path(tempfile.gettempdir())
    path = folder / "crash.log"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a") as fh:
            if exc is not None:
                fh.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    except OSError:
        pass
    return str(path)
