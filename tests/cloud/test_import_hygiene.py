"""Imports only go down: the core never pulls in a UI toolkit, completion no face, the REPL no Textual,
and start-up stays light."""

import json
import subprocess
import sys

import pytest

UI = ("textual", "prompt_toolkit")
# The faces (cli → faces → commands/completion → cloud): what nothing below them may import.
FACES = ("cloudshell.cli", "cloudshell.app", "cloudshell.screens", "cloudshell.widgets", "cloudshell.repl",
         "cloudshell.opening", "cloudshell.monitor_runner", "cloudshell.poller_bridge")


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


@pytest.mark.parametrize("module", ["cloudshell.completion", "cloudshell.completion.index",
                                    "cloudshell.completion.shell"])
def test_completion_imports_no_face_and_no_ui_toolkit(module):
    loaded = _modules_after(f"import {module}")
    faces = sorted(m for m in loaded if m.startswith(FACES))
    assert not faces, f"{module} imported faces {faces[:5]}"
    assert not [m for m in loaded if m.split(".")[0] in UI], f"{module} imported a UI toolkit"


def test_the_repl_loads_without_textual():
    loaded = _modules_after("import pkgutil, importlib, cloudshell.repl\n"
                            "for m in pkgutil.iter_modules(cloudshell.repl.__path__):\n"
                            "    importlib.import_module('cloudshell.repl.' + m.name)\n"
                            "from cloudshell.repl import run_repl_on")
    assert "cloudshell.repl.session" in loaded and "prompt_toolkit" in loaded     # the REPL itself is there
    textual = sorted(m for m in loaded if m.split(".")[0] == "textual")
    assert not textual, f"the REPL imported Textual: {textual[:5]}"
    monitor = sorted(m for m in loaded if m.startswith(("cloudshell.app", "cloudshell.screens", "cloudshell.widgets")))
    assert not monitor, f"the REPL imported the monitor: {monitor[:5]}"
