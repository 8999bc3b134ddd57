"""Secret hygiene: a known secret key, given through every source, never shows anywhere.

Sources: --secret-key, AWS_SECRET_ACCESS_KEY, EC2_SECRET_KEY, a eucarc, a
euca2ools ini file, and boto3's credentials file (AWS_SHARED_CREDENTIALS_FILE).
Paths: success, bad input, an unreachable endpoint, cloud errors, lost answers,
``config`` in every format, help, a crash, and the REPL. After each, no
stdout/stderr and no file under the test's HOME/XDG folders holds any 10
consecutive characters of the secret (``config`` shows its last 4 at most), and
the files cloudshell writes (private keys, crash log, history, log) are 0600.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest
from conftest import isolated_env
from faultproxy import FaultProxy

from cloudshell.cloud.demo import free_port

SECRET = "Zq7dWm4Rx9/KpLr8tYv3bHc6jF1gE5uTiN0sQaXe"   # shaped like an AWS secret key, 40 characters
ACCESS = "AKIDSECRETTEST0001"
WINDOWS = {SECRET[i:i + 10] for i in range(len(SECRET) - 9)}
PEM = "PRIVATE KEY-----"


def _leaks(text: str) -> list[str]:
    return sorted(w for w in WINDOWS if w in text)


def assert_no_secret(text: str, where: str) -> None:
    found = _leaks(text)
    assert not found, f"the secret shows in {where}: {found[:3]} in {text[:300]!r}"


def scan_files(*roots: Path) -> list[Path]:
    """Every file under the roots, checked for the secret; returns those cloudshell wrote."""
    seen = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                assert_no_secret(path.read_bytes().decode("utf-8", "replace"), str(path))
                seen.append(path)
    return seen


def assert_private(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    assert mode == 0o600, f"{path} is {oct(mode)}, expected 0600"


# -- the six sources -------------------------------------------------------------------------

def _source(name: str, tmp_path: Path, url: str) -> tuple[dict[str, str], list[str]]:
    """(environment, extra global flags) that give ACCESS/SECRET through one source."""
    env = isolated_env(tmp_path)
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        env.pop(var)
    inputs = tmp_path / "inputs"   # outside HOME: the scan of HOME must find only what cloudshell wrote
    inputs.mkdir(exist_ok=True)
    flags = ["--endpoint-url", url]
    if name == "flag":
        flags += ["--access-key", ACCESS, "--secret-key", SECRET]
    elif name == "env-aws":
        env.update(AWS_ACCESS_KEY_ID=ACCESS, AWS_SECRET_ACCESS_KEY=SECRET)
    elif name == "env-ec2":
        env.update(EC2_ACCESS_KEY=ACCESS, EC2_SECRET_KEY=SECRET)
    elif name == "eucarc":
        rc = inputs / "eucarc"
        rc.write_text(f'EUCA_KEY_DIR=$(dirname $(readlink -f ${{BASH_SOURCE}}))\nexport EC2_URL={url}\n'
                      f"export EC2_ACCESS_KEY='{ACCESS}'\nexport EC2_SECRET_KEY='{SECRET}'\n"
                      'alias ec2-bundle-image="ec2-bundle-image --cert ${EC2_CERT}"\n')
        flags = ["--eucarc", str(rc)]
    elif name == "ini":
        (inputs / "cloud.ini").write_text(
            f"[user alice]\nkey-id = {ACCESS}\nsecret-key = {SECRET}\n\n"
            f"[region us-east-1]\nec2-url = {url}\nuser = alice\n")
        env["EUCA_CONFIG_PATH"] = str(inputs / "*.ini")
        flags = []
    elif name == "credentials-file":
        creds = Path(env["AWS_SHARED_CREDENTIALS_FILE"])
        creds.write_text(f"[default]\naws_access_key_id = {ACCESS}\naws_secret_access_key = {SECRET}\n")
    else:
        raise AssertionError(name)
    return env, flags


SOURCES = ["flag", "env-aws", "env-ec2", "eucarc", "ini", "credentials-file"]


@pytest.fixture
def oneshot(monkeypatch, capsys):
    """``cloudshell ARGS`` in this process under ``env`` (the same code path as the program)."""
    from cloudshell.cli import main

    def run(env: dict[str, str], *args: str) -> tuple[int, str]:
        for var in list(os.environ):
            if var.startswith(("AWS_", "EC2_", "EUCA_", "EUCALYPTUS_")) and var not in env:
                monkeypatch.delenv(var)
        for var, value in env.items():
            monkeypatch.setenv(var, value)
        capsys.readouterr()
        code = main(list(args))
        out = capsys.readouterr()
        assert_no_secret(out.out + out.err, f"the output of {args}")
        assert "Traceback" not in out.err
        return code, out.out + out.err
    return run


@pytest.mark.parametrize("source", SOURCES)
def test_no_source_lets_the_secret_out(cloud, oneshot, tmp_path, source):
    env, flags = _source(source, tmp_path, cloud.url)
    code, out = oneshot(env, *flags, "config", "--output", "table")
    assert code == 0 and "secret_key" in out
    assert ACCESS in out, "config should show the access key id (it is not a secret)"
    assert SECRET[-4:] in out and "*" * 16 in out
    code, out = oneshot(env, *flags, "config", "--output", "json")
    assert code == 0 and '"secret_key"' in out
    code, out = oneshot(env, *flags, "describe-volumes")            # the keys are used, and work
    assert code == 0, out
    dead = f"http://127.0.0.1:{free_port()}"
    code, out = oneshot(env, *flags, "--endpoint-url", dead, "describe-instances")
    assert code == 1 and "cannot reach the endpoint" in out
    scan_files(tmp_path / "home")


def test_every_path_of_the_one_shot_cli_keeps_the_secret(cloud, oneshot, tmp_path, monkeypatch):
    env, flags = _source("flag", tmp_path, cloud.url)
    home = tmp_path / "home"
    key_file = home / "k1.pem"
    with FaultProxy(cloud.url) as proxy:
        via_proxy = ["--endpoint-url", proxy.url]
        runs = [
            (0, ["--debug", "config"]), (0, ["describe-instances"]), (0, ["describe-volumes", "--output", "json"]),
            (0, ["help"]), (0, ["help", "config"]), (0, ["config", "--help"]), (0, ["--version"]),
            (0, ["create-volume", "-s", "1", "-z", "us-east-1a", "--dry-run"]),
            (0, ["create-keypair", "k1", "-f", str(key_file)]),
            (1, ["--read-only", "create-volume", "-s", "1", "-z", "us-east-1a"]),
            (2, ["run-instances"]), (2, ["delete-volume", "vol-12345678", "--yes"]),
            (2, ["describe-instances", "--filter", "oops"]), (2, ["no-such-command"]),
            (1, [*via_proxy, "describe-instances"], lambda: proxy.auth_failure()),
            (1, [*via_proxy, "create-volume", "-s", "1", "-z", "us-east-1a"], lambda: proxy.server_error()),
            (1, [*via_proxy, "describe-volumes"], lambda: proxy.inject("html")),
        ]
        for expected, args, *fault in runs:
            proxy.clear()
            if fault:
                fault[0]()
            code, out = oneshot(env, *flags, *args)
            assert code == expected, (args, out)
            if args[0] == "create-keypair":
                assert PEM not in out, "the private key was printed"
    # The secret on the command line in ways that fail before anything is resolved.
    for args in (["--secret-key", SECRET, "config"], [f"--secret-key={SECRET}", "describe-volumes"],
                 ["--access-key", ACCESS, "--secret-key"], ["--secret-key", SECRET, "--bogus-flag"]):
        code, out = oneshot(env, "--endpoint-url", cloud.url, *args)
        assert code == 2, (args, out)

    assert_private(key_file)
    assert PEM in key_file.read_text()
    # A crash while the secret is loaded: the crash log (0600) has the traceback, not the secret.
    import cloudshell.commands as commands

    def crash(ctx, inv):
        raise RuntimeError("simulated failure")
    monkeypatch.setattr(commands, "run", crash)
    code, out = oneshot(env, *flags, "describe-volumes")
    assert code == 1 and "internal error" in out and "crash.log" in out
    written = scan_files(home)
    crash_log = [p for p in written if p.name == "crash.log"]
    assert crash_log, f"no crash.log among {written}"
    for path in crash_log:
        assert_private(path)


def test_malformed_sources_never_echo_the_secret_line(oneshot, tmp_path):
    env, _ = _source("env-aws", tmp_path, "http://127.0.0.1:9")
    env.pop("AWS_ACCESS_KEY_ID")   # the secret alone: "sets X but not Y", not the value
    code, _ = oneshot(env, "config")
    assert code == 2
    env, _ = _source("flag", tmp_path, "http://127.0.0.1:9")
    bad_rc = tmp_path / "inputs" / "bad-eucarc"
    bad_rc.write_text(f"export EC2_ACCESS_KEY={ACCESS}\nexport EC2_SECRET_KEY='{SECRET}\n")
    code, _ = oneshot(env, "--eucarc", str(bad_rc), "config")
    assert code == 2
    (tmp_path / "inputs" / "bad.ini").write_text(f"secret-key = {SECRET}\n[user alice]\n")
    code, _ = oneshot({**env, "EUCA_CONFIG_PATH": str(tmp_path / "inputs" / "bad.ini")}, "config")
    assert code == 2
    (tmp_path / "inputs" / "bad.ini").write_text(f"[user alice]\nkey-id = {ACCESS}\n{SECRET}\n")
    code, _ = oneshot({**env, "EUCA_CONFIG_PATH": str(tmp_path / "inputs" / "bad.ini")}, "config")
    assert code == 2


def test_the_real_program_keeps_the_secret_from_flag_and_environment(cloud, tmp_path):
    from clirun import run_cli

    for source in ("flag", "env-ec2"):
        env, flags = _source(source, tmp_path, cloud.url)
        for args in (["config", "--output", "text"], ["describe-volumes", "--bogus"],
                     ["--endpoint-url", f"http://127.0.0.1:{free_port()}", "describe-volumes"]):
            done = run_cli([*flags, *args], env, timeout=60)
            assert_no_secret(done.stdout + done.stderr, f"{source} {args}")
            if args[0] != "config":   # a failure: one line on stderr, nothing on stdout
                said = done.stderr.splitlines()
                if source == "flag":   # the secret on the command line is warned about first, once
                    assert said[0].startswith("warning: a secret key on the command line is visible"), said
                    said = said[1:]
                assert done.returncode in (1, 2) and done.stdout == "" and len(said) == 1, done
    scan_files(tmp_path / "home")


# -- the REPL ----------------------------------------------------------------------------------

def test_repl_history_log_and_screen_keep_the_secret(cloud, tmp_path, monkeypatch):
    import io

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput
    from rich.console import Console

    from cloudshell.cli import _open, split_argv
    from cloudshell.repl import run_repl_on

    env, flags = _source("env-ec2", tmp_path, cloud.url)
    for var in list(os.environ):
        if var.startswith(("AWS_", "EC2_", "EUCA_")) and var not in env:
            monkeypatch.delenv(var)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    runtime = _open(split_argv([*flags, "--interval", "0.5", "repl"]))
    screen = io.StringIO()
    console = Console(file=screen, width=120, force_terminal=False, highlight=False)
    codes: list[int] = []
    with create_pipe_input() as pipe:
        def repl() -> None:
            codes.append(run_repl_on(runtime, runtime.poller(), console=console, input=pipe,
                                     output=DummyOutput()))
        thread = threading.Thread(target=repl, name="repl-under-test", daemon=True)
        thread.start()
        try:
            lines = ["config", f"describe-volumes --secret-key {SECRET}", f"describe-volumes {SECRET}",
                     f"create-tags vol-12345678 --tag note={SECRET}", "describe-volumes --bogus", "help config"]
            for n, line in enumerate(lines, start=1):
                before = len(screen.getvalue())
                pipe.send_text(line + "\r")
                _until(lambda: len(screen.getvalue()) > before, what=f"output of line {n}")
            _until(lambda: "secret_key" in screen.getvalue(), what="config output")
            pipe.send_text("exit\r")
            thread.join(15)
        finally:
            if thread.is_alive():
                pipe.send_text("\x04")
                thread.join(5)
            runtime.close()
    assert not thread.is_alive() and codes == [0]
    shown = screen.getvalue()
    assert "********" in shown
    # A secret the user typed as a value is echoed back at most in the one line naming it; never config.
    config_part = shown.split("describe-volumes")[0]
    assert_no_secret(config_part, "the REPL's config output")
    written = scan_files(tmp_path / "home")
    history = [p for p in written if p.name == "history"]
    assert history, f"no history file among {written}"
    for path in written:
        if path.name in ("history", "cloudshell.log", "crash.log"):
            assert_private(path)
    assert "config" in history[0].read_text() and "help config" in history[0].read_text()


def _until(predicate, timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        threading.Event().wait(0.02)
    raise AssertionError(f"{what} not reached within {timeout}s")


# -- the monitor ---------------------------------------------------------------------------------

async def test_monitor_config_errors_and_files_keep_the_secret(cloud, tmp_path, monkeypatch):
    from monitor_harness import screen_text, until

    from cloudshell.app import CloudshellApp
    from cloudshell.cli import _open, split_argv

    cloud.session.call("create_volume", AvailabilityZone="us-east-1a", Size=1, mutating=True)
    env, flags = _source("eucarc", tmp_path, cloud.url)
    for var in list(os.environ):
        if var.startswith(("AWS_", "EC2_", "EUCA_")) and var not in env:
            monkeypatch.delenv(var)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    runtime = _open(split_argv([*flags, "--interval", "1"]))
    app = CloudshellApp(runtime)
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await until(pilot, lambda: app.inventory.has("volumes"), what="first inventory")
            panel = app.screen.query_one("#output")
            for line, expect in (("config", "secret_key"), ("describe-volumes --bogus", "--bogus"),
                                 (f"create-tags vol-12345678 --tag k={SECRET}", "vol-12345678")):
                await pilot.press("colon")   # the bar opens; the line is pasted in, as typing is slow
                app.screen.query_one("#command-input").value = line
                await pilot.press("enter")
                await until(pilot, lambda: any(expect in ln.text for ln in panel.lines), what=line)
                await pilot.pause()
                shown = "\n".join(ln.text for ln in panel.lines)
                if line.startswith("config"):
                    assert_no_secret(shown, f"the monitor's output of {line!r}")
                    assert_no_secret(screen_text(app), f"the monitor's screen after {line!r}")
            await pilot.press("colon", *"config", "enter")
            await pilot.pause()
            assert "*" * 16 in "\n".join(ln.text for ln in panel.lines)
            await app.workers.wait_for_complete()
    finally:
        runtime.close()
    for path in scan_files(tmp_path / "home"):
        if path.name in ("history", "cloudshell.log", "crash.log"):
            assert_private(path)
