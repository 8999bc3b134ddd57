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


# Runs each argv through ENTRY (module:function, called with sys.argv set, as its console script
# does) in this one interpreter, stdout/stderr captured per run, the outcomes as JSON on stdout.
_BATCH = r"""
import importlib, io, json, sys
module, _, name = sys.argv[1].partition(":")
entry = getattr(importlib.import_module(module), name)
outcomes, real = [], sys.stdout
for argv in json.load(sys.stdin):
    sys.argv = [module, *argv]
    sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
    try:
        code = entry()
    except SystemExit as exc:
        code = exc.code
    outcomes.append({"stdout": sys.stdout.getvalue(), "stderr": sys.stderr.getvalue(), "code": code or 0})
sys.stdout, sys.stderr = real, sys.__stderr__
json.dump(outcomes, real)
"""


def run_batch(entry: str, argvs: Sequence[Sequence[str]], env: Mapping[str, str],
              timeout: float = 240) -> list[dict]:
    """Run many command lines of one program in one child process (one start-up, not one per line).

    ``entry`` is the program's console-script function, e.g. ``awscli.clidriver:main`` or
    ``cloudshell.cli:main``; each outcome is ``{"stdout", "stderr", "code"}``.
    """
    import json

    done = subprocess.run([sys.executable, "-c", _BATCH, entry], env=dict(env), input=json.dumps(argvs),
                          capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise AssertionError(f"the batch of {entry} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)
