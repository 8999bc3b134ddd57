"""An SSH server on 127.0.0.1 for the ssh command's tests, made with asyncssh (pip, no Debian sshd).

Run as a child process (``python tests/support/sshd.py FOLDER``): it makes a host key
and a client key in FOLDER, authorizes the client key, listens on a free port,
prints that port, and runs each session's command with ``/bin/sh -c`` as the
test's user, its stdin, stdout, stderr and exit status carried over SSH, as
sshd does. The client is the system ``ssh`` that cloudshell starts.
"""

from __future__ import annotations

import getpass
import os
import select
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve()


@dataclass(frozen=True)
class SshServer:
    """Where the server listens and how to log in to it."""

    host: str
    port: int
    user: str
    key: Path            # the client's private key (its public half is authorized)
    log: Path


def start_sshd(folder: Path, timeout: float = 20.0) -> tuple[subprocess.Popen[bytes], SshServer]:
    """Start the server in ``folder``; returns the process and how to reach it."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "sshd.log"
    with open(log, "wb") as errors:
        proc = subprocess.Popen([sys.executable, str(HERE), str(folder)], stdout=subprocess.PIPE,
                                stderr=errors, start_new_session=True)
    ready, _, _ = select.select([proc.stdout], [], [], timeout)   # a deadline on its one line
    line = proc.stdout.readline() if ready else b""
    if not line.strip().isdigit():
        proc.kill()
        proc.wait()
        raise RuntimeError(f"the ssh server did not start: {log.read_text(errors='replace')[-500:]}")
    return proc, SshServer("127.0.0.1", int(line), getpass.getuser(), folder / "client_ed25519", log)


def stop_sshd(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
    proc.stdout.close()


def ssh_client_available() -> bool:
    import shutil

    return shutil.which("ssh") is not None


try:
    import pytest
except ImportError:  # run as the server: no pytest needed
    pytest = None

if pytest is not None:
    @pytest.fixture(scope="module")
    def sshd_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
        """One SSH server for a test module, stopped (by its own pid) afterwards."""
        proc, server = start_sshd(tmp_path_factory.mktemp("sshd"))
        try:
            yield server
        finally:
            stop_sshd(proc)


# -- the server (the child process) ----------------------------------------------------------

async def _run_command(process) -> None:
    """One session: its command (or a login shell) through /bin/sh, as sshd runs it."""
    import asyncio

    command = process.command
    argv = ["/bin/sh", "-c", command] if command else ["/bin/sh", "-i"]
    local = await asyncio.create_subprocess_exec(*argv, stdin=asyncio.subprocess.PIPE,
                                                 stdout=asyncio.subprocess.PIPE,
                                                 stderr=asyncio.subprocess.PIPE, cwd=os.path.expanduser("~"))
    await process.redirect(stdin=local.stdin, stdout=local.stdout, stderr=local.stderr)
    status = await local.wait()
    await process.stdout.drain()
    await process.stderr.drain()
    process.exit(status if status >= 0 else 128 - status)


async def _serve(folder: Path) -> None:
    import asyncio

    import asyncssh

    host_key = asyncssh.generate_private_key("ssh-ed25519")
    client_key = asyncssh.generate_private_key("ssh-ed25519")
    client_path = folder / "client_ed25519"
    client_key.write_private_key(str(client_path))
    client_path.chmod(0o600)                         # ssh refuses a key others can read
    client_key.write_public_key(str(client_path.with_suffix(".pub")))
    authorized = folder / "authorized_keys"
    authorized.write_bytes(client_key.export_public_key())
    server = await asyncssh.create_server(
        asyncssh.SSHServer, "127.0.0.1", 0, server_host_keys=[host_key],
        authorized_client_keys=str(authorized), process_factory=_run_command,
        password_auth=False, kbdint_auth=False, allow_scp=False)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    await asyncio.Event().wait()                     # until terminated


def main() -> None:
    import asyncio
    import logging
    import signal

    folder = Path(sys.argv[1])
    logging.basicConfig(stream=sys.stderr, level=logging.INFO)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    asyncio.run(_serve(folder))


if __name__ == "__main__":
    main()
