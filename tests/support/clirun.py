"""Run the real program (or any Python module) as a subprocess, the way a user would."""

from __future__ import annotations

import functools
import io
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path


def run_cli(args: Sequence[str], env: Mapping[str, str], input: str | None = None,  # noqa: A002
            timeout: float = 60, cwd: str | Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m cloudshell ARGS`` with ``env``; stdout/stderr captured as text.

    Without ``input``, stdin is /dev/null, so a command that would prompt gets
    EOF instead of hanging the test.
    """
    return run_module("cloudshell", args, env, input=input, timeout=timeout, cwd=cwd)


def run_here(args: Sequence[str], env: Mapping[str, str], input: str | None = None,  # noqa: A002
             cwd: str | Path | None = None) -> subprocess.CompletedProcess[str]:
    """``cloudshell ARGS`` as ``run_cli`` runs it, but through ``cloudshell.cli.main`` in this process.

    The same entry point ``python -m cloudshell`` calls, with ``env`` as the whole environment, ``cwd``,
    stdin from ``input`` (or empty, as /dev/null), stdout/stderr captured: still HTTP to the cloud,
    without an interpreter and boto3 started per command (most of a one-shot test's CPU). Tests about
    the process itself (signals, a tty, exit on a dead pipe, the environment it starts with) use
    ``run_cli``.
    """
    from cloudshell.cli import main

    return _in_process(["cloudshell", *args], lambda: main(list(args)), env, input, cwd)


@functools.lru_cache(maxsize=1)
def _aws_driver(environment: frozenset) -> object:
    """awscli's driver for the last environment it ran in (a driver reads its config and credential
    files once). Only the last one is kept: each holds its own copy of every service model (~50,000
    objects the collector walks), and one kept per test's environment made a worker's heap 1.3-1.6
    million objects, each full collection of it 1.1-1.8 s. Called with that environment in place."""
    from awscli.clidriver import create_clidriver

    return create_clidriver()


def run_awscli(args: Sequence[str], env: Mapping[str, str], input: str | None = None,  # noqa: A002
               cwd: str | Path | None = None) -> subprocess.CompletedProcess[str]:
    """``aws ARGS`` through the awscli program's own driver in this process, ``env`` its whole environment.

    What the ``aws`` command runs (awscli.clidriver), without a Python start-up per line; the driver is
    made once per environment, as one long-lived ``aws`` would be.
    """
    import awscli   # it puts its own data folder on AWS_DATA_PATH, as the aws command has it

    env = dict(env, AWS_DATA_PATH=os.environ.get("AWS_DATA_PATH") or os.path.join(awscli.__path__[0], "data"))

    def run() -> int:
        return _aws_driver(frozenset(env.items())).main(list(args))

    return _in_process(["aws", *args], run, env, input, cwd)


def _in_process(argv: list[str], entry, env: Mapping[str, str], input: str | None,  # noqa: A002
                cwd: str | Path | None) -> subprocess.CompletedProcess[str]:
    """Run ``entry()`` as a program would run: ``env`` the whole environment, ``cwd``, stdin from
    ``input`` (empty as /dev/null), sys.argv, stdout/stderr captured; all of it put back afterwards."""
    saved = dict(os.environ), os.getcwd(), sys.stdin, sys.stdout, sys.stderr, sys.argv, tempfile.tempdir
    out, err = _Capture(), _Capture(errors="backslashreplace")
    with tempfile.TemporaryFile("w+", encoding="utf-8") as stdin:
        stdin.write(input or "")
        stdin.seek(0)
        try:
            os.environ.clear()
            os.environ.update(env)
            if cwd is not None:
                os.chdir(cwd)
            sys.stdin, sys.stdout, sys.stderr, sys.argv = stdin, out, err, argv
            tempfile.tempdir = None      # found again from this environment's TMPDIR, as at a start
            try:
                code = entry()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            environ, where, sys.stdin, sys.stdout, sys.stderr, sys.argv, tempfile.tempdir = saved
            os.chdir(where)
            os.environ.clear()
            os.environ.update(environ)
    return subprocess.CompletedProcess([sys.executable, "-m", *argv], code or 0, out.text(), err.text())


class _Capture(io.TextIOWrapper):
    """A text stream over bytes (``.buffer`` works, as on a pipe), read back as ``text=True`` would."""

    def __init__(self, errors: str = "strict") -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", errors=errors, write_through=True)

    def text(self) -> str:
        self.flush()
        data = self.buffer.getvalue().decode("utf-8", errors="replace")
        return data.replace("\r\n", "\n").replace("\r", "\n")


def run_module(module: str, args: Sequence[str], env: Mapping[str, str],
               input: str | None = None,  # noqa: A002
               timeout: float = 60, cwd: str | Path | None = None,
               ) -> subprocess.CompletedProcess[str]:
    """``python -m MODULE ARGS`` (e.g. ``awscli``) with ``env``; output captured as text."""
    stdin = None if input is not None else subprocess.DEVNULL
    return subprocess.run([sys.executable, "-m", module, *args], env=dict(env), input=input,
                          stdin=stdin, capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, check=False)
