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


# What cloudshell keeps between runs that is neither configuration nor cache: XDG_STATE_HOME.
STATE_FILES = ("history", "cloudshell.log", "crash.log")


def state_dir() -> Path:
    """cloudshell's platformdirs state folder (``~/.local/state/cloudshell``), where history and logs
    go; files left in the data folder by older versions are moved here the first time."""
    from platformdirs import user_state_dir

    new = Path(user_state_dir("cloudshell", appauthor=False))
    migrate_state(data_dir(), new)
    return new


def migrate_state(old: Path, new: Path) -> list[str]:
    """Move STATE_FILES from ``old`` to ``new`` (never over a newer one); one line on stderr says so."""
    import shutil
    import sys

    if old == new:
        return []
    moved = []
    for name in STATE_FILES:
        src, dst = old / name, new / name
        if src.is_file() and not dst.exists():
            try:
                new.mkdir(parents=True, exist_ok=True, mode=0o700)
                shutil.move(src, dst)   # a rename, or copy then delete across file systems
            except OSError:
                continue
            moved.append(name)
    if moved:
        print(f"cloudshell: moved {', '.join(moved)} from {old} to {new} (the XDG state folder)", file=sys.stderr)
    return moved


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
