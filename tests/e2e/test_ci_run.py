""".ci/run runs the README's test command line, fails when it fails, and prints the time it took."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _ci(tmp_path: Path, test_line: str) -> subprocess.CompletedProcess[str]:
    """.ci/run in a copy of the tree holding only a README with ``test_line``; python3 is a stub."""
    (tmp_path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    (tmp_path / "README.md").write_text("demo:\n\n```sh\npython3 -m venv .venv && .venv/bin/pip install '.[demo]'"
                                        f" && echo demo-line-ran\n```\n\ntests:\n\n```sh\n{test_line}\n```\n")
    stub = tmp_path / "bin" / "python3"      # `python3 -m venv .venv` without making a venv
    stub.parent.mkdir()
    stub.write_text('#!/bin/sh\necho "python3 $*" >> "$CI_LOG"\n')
    stub.chmod(0o755)
    env = dict(os.environ, PATH=f"{stub.parent}{os.pathsep}{os.environ['PATH']}", CI_LOG=str(tmp_path / "log"))
    return subprocess.run(["bash", str(tmp_path / ".ci" / "run")], env=env, capture_output=True, text=True,
                          timeout=60)


@pytest.mark.parametrize("tail, status, word", [("true", 0, "passed"), ("exit 3", 3, "FAILED")])
def test_runs_the_readmes_test_line_and_keeps_its_status(tmp_path, tail, status, word):
    line = f"python3 -m venv .venv && echo \"tests ran with '.[test]'\" && {tail}"
    done = _ci(tmp_path, line)
    assert done.returncode == status, done.stderr
    assert f"ci: {line}\n" in done.stdout
    assert "tests ran with '.[test]'" in done.stdout and "demo-line-ran" not in done.stdout
    assert (tmp_path / "log").read_text() == "python3 -m venv .venv\n"
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith(f"ci: {word} in ") and last.endswith(f"s (exit {status})"), last


def test_the_readme_holds_the_line_ci_runs():
    lines = (ROOT / "README.md").read_text().splitlines()
    assert "python3 -m venv .venv && .venv/bin/pip install -q --no-compile '.[test]' && .venv/bin/pytest -q" in lines
