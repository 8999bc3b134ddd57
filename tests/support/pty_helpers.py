"""Helpers for the real program in a pty (tests/e2e): its environment, and the demo's moto child."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from terminal import Terminal

from cloudshell.cloud.demo.server import SERVER_MODULE

ROOT = Path(__file__).resolve().parents[2]


def demo_env(tmp_path: Path, no_color: bool) -> dict[str, str]:
    """The environment of the real program in a pty: HOME and XDG under tmp_path, no cloud settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EC2_", "EUCA_"))}
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".data"),
               TERM="screen", PYTHONPATH=str(ROOT), AWS_EC2_METADATA_DISABLED="true")
    env.pop("NO_COLOR", None)
    if no_color:
        env["NO_COLOR"] = "1"
    return env


def gone(pid: int) -> bool:
    """The process ended (or is a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")     # a zombie waits for init to reap it


def moto_children(term: Terminal) -> list[int]:
    """The moto servers among the terminal's children (the demo's cloud)."""
    def moto(pid: int) -> bool:
        try:
            return SERVER_MODULE.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False
    return [pid for pid in term.children() if moto(pid)]


def reap(moto: list[int]) -> None:
    """Kill what a failed test left running."""
    for pid in moto:
        if not gone(pid):
            os.kill(pid, signal.SIGKILL)
