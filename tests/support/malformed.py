"""Tables of malformed invocations, one module per subject (tests/commands/test_malformed_*.py).

A table is ``[(name, argv, needle), …]``; ``{name}`` in an argv word or a needle stands for one of the
seeded cloud's resources (safety_world.World.names). ``refusals(CASES)`` makes the table's test: every
command line runs through the console entry (cli.main) in this process (clirun.run_here: its own
environment, cwd, stdin and captured output; no interpreter start-up) against the module's seeded
cloud, and each must

- exit 2 with exactly one line on stderr, ``cloudshell: …`` naming the bad value (the needle),
- print nothing on stdout and no traceback,
- leave the cloud as it was (its whole state, compared before and after the table),
- and write no file (the table runs in the world's folder, where a key file would land).

``files`` are made in that folder first (``{tmp}/NAME`` in a case): bytes for a file, None for a folder.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from cloud_checks import cloud_state
from clirun import run_here

Case = tuple[str, Sequence[str], str]


def _files(folder: Path) -> set[str]:
    """What is in the folder, but for the home (logs, history) isolated_env put there."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.relative_to(folder).parts[0] != "home"}


def refusals(cases: Sequence[Case], files: Mapping[str, bytes | None] | None = None) -> Callable[..., None]:
    """The parametrized test of one table (assign it to a ``test_…`` name in the module)."""
    names = [name for name, _, _ in cases]
    assert len(set(names)) == len(names), "case names repeat"
    ran: dict[str, Any] = {}

    def outcomes(world) -> dict[str, Any]:
        if ran.get("world") is not world:     # once per module's world, on its first case
            for name, data in (files or {}).items():
                path = world.tmp / name
                path.mkdir() if data is None else path.write_bytes(data)
            before = _files(world.tmp)
            done = [run_here(world.argv(list(argv)), world.env, cwd=world.tmp) for _, argv, _ in cases]
            results = [{"stdout": d.stdout, "stderr": d.stderr, "code": d.returncode} for d in done]
            ran.update(world=world, results=dict(zip(names, results)), state=cloud_state(world.session),
                       new_files=_files(world.tmp) - before)
        return ran

    @pytest.mark.parametrize("name, needle", [(name, needle) for name, _, needle in cases], ids=names)
    def test_refused_with_one_line_exit_2_and_nothing_changed(world, name, needle):
        done = outcomes(world)
        out = done["results"][name]
        lines = out["stderr"].splitlines()
        assert "Traceback" not in out["stderr"], out["stderr"]
        assert len(lines) == 1, out["stderr"]
        assert lines[0].startswith("cloudshell: "), lines[0]
        assert needle.format(**world.names) in lines[0]
        assert out["stdout"] == ""
        assert out["code"] == 2, out
        assert done["state"] == world.state
        assert not done["new_files"]

    return test_refused_with_one_line_exit_2_and_nothing_changed
