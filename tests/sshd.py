"""A real OpenSSH server on 127.0.0.1 for the ssh command's tests.

``/usr/sbin/sshd -D`` with its own config, host key, authorized key and pid
file in a temporary folder, on a free port; the client key is made here with
ssh-keygen. `.ci/run` installs openssh-server and openssh-client.
"""

from __future__ import annotations

from waiting import until  # noqa: I001 - tests/ is on sys.path (conftest)
import getpass
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SSHD = "/usr/sbin/sshd"


@dataclass(frozen=True)
class SshServer:
    """Where the server listens and how to log in to it."""

    host: str
    port: int
    user: str
    key: Path            # the client's private key (its public half is authorized)
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            return sock.recv(4).startswith(b"SSH-")
    except OSError:
        return False


def start_sshd(folder: Path) -> tuple[subprocess.Popen[bytes], SshServer]:
    """Start sshd in ``folder``; returns the process and how to reach it."""
    assert os.path.exists(SSHD), f"{SSHD} is missing: apt-get install openssh-server (.ci/run does)"
    folder.mkdir(parents=True, exist_ok=True)
    host_key, client_key = folder / "host_ed25519", folder / "client_ed25519"
    for path in (host_key, client_key):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    authorized = folder / "authorized_keys"
    authorized.write_text(client_key.with_suffix(".pub").read_text())
    port = _free_port()
    config = folder / "sshd_config"
    config.write_text("\n".join([
        f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {host_key}", f"PidFile {folder / 'sshd.pid'}",
        f"AuthorizedKeysFile {authorized}", "StrictModes no", "UsePAM no", "PubkeyAuthentication yes",
        "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PermitRootLogin prohibit-password",
        "LogLevel VERBOSE", "",
    ]))
    if os.geteuid() == 0:
        # Privilege separation needs this folder when sshd starts as root.
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    log = folder / "sshd.log"
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=subprocess.DEVNULL,
                            stderr=open(log, "wb"), start_new_session=True)  # noqa: SIM115
    try:
        until(lambda: _answers(port) or proc.poll() is not None, 10, "sshd to answer")
    except AssertionError:
        pass
    if not _answers(port):
        proc.kill()
        raise RuntimeError(f"sshd did not start: {log.read_text(errors='replace')[-500:]}")
    return proc, SshServer("127.0.0.1", port, getpass.getuser(), client_key, log)


@pytest.fixture(scope="module")
def sshd_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    """One OpenSSH server for a test module, stopped (by its own pid) afterwards."""
    proc, server = start_sshd(tmp_path_factory.mktemp("sshd"))
    try:
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def ssh_client_available() -> bool:
    return shutil.which("ssh") is not None
