"""Imports only go down: the core never pulls in a UI toolkit, and start-up stays light."""

import json
import subprocess
import sys

import pytest

UI = ("textual", "prompt_toolkit")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("module", [
    "cloudshell.cloud", "cloudshell.cloud.config", "cloudshell.cloud.session", "cloudshell.cloud.inventory",
    "cloudshell.cloud.poller", "cloudshell.cloud.demo", "cloudshell.cloud.runtime", "cloudshell.commands",
    "cloudshell.output",
])
def test_core_imports_no_ui_toolkit(module):
    loaded = _modules_after(f"import {module}")
    leaked = sorted(m for m in loaded if m.split(".")[0] in UI)
    assert not leaked, f"{module} imported {leaked[:5]}"


def test_every_command_module_imports_no_ui_toolkit():
    loaded = _modules_after("from cloudshell.commands import registry; registry()")
    assert not [m for m in loaded if m.split(".")[0] in UI]


def test_one_shot_path_does_not_import_moto_or_ui():
    loaded = _modules_after("import cloudshell.cli")
    assert not [m for m in loaded if m.split(".")[0] in UI + ("moto", "boto3", "botocore")]
