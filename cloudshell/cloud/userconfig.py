"""The user's own settings file (TOML in the platformdirs config folder).

Example ``~/.config/cloudshell/config.toml``::

    theme = "dark"
    interval = 5
    key_dir = "~/.ssh"

    [clouds.prod]        # several clouds side by side: cloudshell --cloud prod --cloud aws-eu
    eucarc = "~/creds/prod/eucarc"       # (cloud/clouds.py has every key)

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
from cloudshell.cloud.setting_files import read_setting_text


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
    """The parsed file, or {} when there is none; anything wrong with it is one line naming it.

    The file is read by setting_files.py (a regular file of at most 1 MiB, never a
    FIFO); the settings cloudshell knows are checked for their types here, at
    start-up, rather than failing later when one is used.
    """
    path = path or config_path()
    try:
        text = read_setting_text(path, "config")
    except FileNotFoundError:
        return {}
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"cannot read config {path}: {' '.join(str(exc).split())} (expected TOML)") from None
    except RecursionError:
        raise ConfigError(f"cannot read config {path}: its tables or arrays are nested too deeply "
                          "(expected TOML settings)") from None
    _check_types(data, path)
    if "clouds" in data:
        from cloudshell.cloud.clouds import cloud_tables

        cloud_tables(data, path)   # each [clouds.NAME] checked at start-up, like the other settings
    return data


# Each known setting and the type it must have; unknown names are left alone (newer versions).
_TYPES: dict[str, tuple[type | tuple[type, ...], str]] = {
    "theme": (str, 'a theme name, e.g. theme = "dark"'),
    "output": (str, 'an output format, e.g. output = "json"'),
    "key_dir": (str, 'a folder, e.g. key_dir = "~/.ssh"'),
    "interval": ((int, float), "seconds, e.g. interval = 5"),
    "ssh": (dict, "a table: [ssh.users]"),
    "clouds": (dict, "tables: [clouds.NAME] endpoint_url = …"),
}


def _check_types(data: dict[str, Any], path: Path) -> None:
    for name, (kind, expected) in _TYPES.items():
        if name in data and (not isinstance(data[name], kind) or isinstance(data[name], bool)):
            raise ConfigError(f"config {path}: {name} is {_type_name(data[name])}: expected {expected}")
    users = data.get("ssh", {}).get("users", {})
    if not isinstance(users, dict):
        raise ConfigError(f"config {path}: [ssh.users] is {_type_name(users)}: expected a table of "
                          'image-name globs and users, e.g. "centos-*" = "centos"')
    for glob, user in users.items():
        if not isinstance(user, str):
            raise ConfigError(f"config {path}: [ssh.users] {glob!r} is {_type_name(user)}: expected a user "
                              'name, e.g. "centos-*" = "centos"')


def _type_name(value: Any) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "a string", list: "an array",
             dict: "a table"}
    return names.get(type(value), "a date or time")


def write_crash_log(exc: BaseException | None) -> str:
    """The traceback, without locals (no secrets), appended to a 0600 file; returns its path.

    The one crash-log writer: the one-shot CLI and the monitor both call it.
    """
    import tempfile
    import traceback

    try:
        folder = state_dir()   # logs and history live in XDG_STATE_HOME
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
