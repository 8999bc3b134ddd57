"""Run the real program (or any Python module) as a subprocess, the way a user would."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path


def run_cli(args: Sequence[str], env: Mapping[str, str], input: str | None = None,  # noqa: A002
            timeout: float = 60, cwd: str | Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m cloudshell ARGS`` with ``env``; stdout/stderr captured as text.

    Without ``input``, stdin is /dev/null, so a command that would prompt gets
    EOF instead of hanging the test.
    """
    return run_module("cloudshell", args, env, input=input, timeout=timeout, cwd=cwd)


def run_module(module: str, args: Sequence[str], env: Mapping[str, str],
               input: str | None = None,  # noqa: A002
               timeout: float = 60, cwd: str | Path | None = None,
               ) -> subprocess.CompletedProcess[str]:
    """``python -m MODULE ARGS`` (e.g. ``awscli``) with ``env``; output captured as text."""
    stdin = None if input is not None else subprocess.DEVNULL
    return subprocess.run([sys.executable, "-m", module, *args], env=dict(env), input=input,
                          stdin=stdin, capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, check=False)
