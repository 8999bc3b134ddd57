"""A hostile EC2 endpoint: crafted addresses, trickled answers, endless pages, echoed secrets, C1 codes.

Every test runs the real program (cli.main, in this process: clirun.run_here) against ``hostile_ec2``
on 127.0.0.1 and asserts what a user sees, and what reached (or never reached) the endpoint.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from clirun import run_here
from conftest import isolated_env
from monitor_harness import monitor, screen_text
from monitor_harness import until as pilot_until
from hostile_ec2 import Reply, error, hostile_ec2, instance_xml, reservations, response
from waiting import until

from cloudshell.cloud.poller import Poller
from cloudshell.cloud.session import CloudSession, Endpoint
from cloudshell.commands import registry

INSTANCE = "i-0123456789abcdef0"


def _run(env: dict[str, str], url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_here(["--endpoint-url", url, *args], env)


def _fake_ssh(tmp_path: Path, env: dict[str, str]) -> Path:
    """An `ssh` first on PATH that records it was started; the real one is never reached."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "ssh-was-run"
    ssh = bin_dir / "ssh"
    ssh.write_text(f"#!/bin/sh\necho \"$@\" > {shlex.quote(str(record))}\n")
    ssh.chmod(0o755)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return record


# -- ssh: addresses from the cloud are untrusted ----------------------------------------------

def test_ssh_refuses_a_zone_id_carrying_shell_syntax(tmp_path: Path) -> None:
    payload = "fe80::1%'$(touch PWNED)'"
    answers = {"DescribeInstances": reservations(instance_xml(INSTANCE, ip=payload, name="web-1"))}
    env = isolated_env(tmp_path)
    record = _fake_ssh(tmp_path, env)
    with hostile_ec2(answers) as ec2:
        done = _run(env, ec2.url, "ssh", INSTANCE, "--", "-J", "bastion", "true")
    assert done.returncode == 1, done.stderr
    assert INSTANCE in done.stderr and "address ssh cannot use" in done.stderr
    assert "zone ID" in done.stderr
    assert not record.exists(), "ssh was started with a hostile host"
    assert not (tmp_path / "PWNED").exists() and not Path("PWNED").exists()


def test_ssh_accepts_a_plain_ipv6_zone_and_refuses_an_option_shaped_host(tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    record = _fake_ssh(tmp_path, env)
    good = {"DescribeInstances": reservations(instance_xml(INSTANCE, ip="fe80::1%eth0"))}
    with hostile_ec2(good) as ec2:
        done = _run(env, ec2.url, "ssh", INSTANCE, "--", "true")
    assert done.returncode == 0, done.stderr
    assert record.read_text().split()[-2:] == ["fe80::1%eth0", "true"]
    record.unlink()
    bad = {"DescribeInstances": reservations(instance_xml(INSTANCE, ip="-oProxyCommand=touch%20x"))}
    with hostile_ec2(bad) as ec2:
        done = _run(env, ec2.url, "ssh", INSTANCE)
    assert done.returncode == 1 and "address ssh cannot use" in done.stderr
    assert not record.exists()


def test_a_key_name_from_the_cloud_never_reaches_outside_the_key_folder(tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    record = _fake_ssh(tmp_path, env)
    home = Path(env["HOME"])
    (home / ".ssh").mkdir()
    (home / "secret.pem").write_text("not a key of this instance\n")
    answers = {"DescribeInstances": reservations(instance_xml(INSTANCE, ip="10.0.0.5", key="../secret"))}
    with hostile_ec2(answers) as ec2:
        done = _run(env, ec2.url, "ssh", INSTANCE)
    assert done.returncode == 0, done.stderr
    assert "secret.pem" not in record.read_text() and "-i" not in record.read_text().split()


# -- exit 2 means nothing was sent -------------------------------------------------------------

def test_every_mutating_command_with_a_bad_query_sends_nothing(tmp_path: Path) -> None:
    """Each mutating command's own example, with a bad --query: exit 2, and the endpoint saw nothing."""
    commands = [c for c in registry().all() if c.mutates]
    assert len(commands) >= 25
    lines = []
    for cmd in commands:
        words = shlex.split(cmd.example)
        lines.append([words[0], "--query", "[", *words[1:], "--yes"])
    env = isolated_env(tmp_path)
    with hostile_ec2({"TerminateInstances": response("TerminateInstances", "<instancesSet/>")}) as ec2:
        done = [_run(env, ec2.url, *line) for line in lines]
        assert ec2.received == [], f"sent: {ec2.actions()}"
    assert dict(zip((c.name for c in commands), (d.returncode for d in done))) == {c.name: 2 for c in commands}
    assert "".join(d.stderr for d in done).count("is not a JMESPath expression") == len(commands)


def test_a_query_too_deep_is_refused_before_sending(tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    with hostile_ec2() as ec2:
        done = _run(env, ec2.url, "describe-instances", "--query", "[" * 1500 + "]" * 1500)
        assert ec2.received == []
    assert done.returncode == 2
    assert "nests 1500 levels deep" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1


# -- deadlines ------------------------------------------------------------------------------------

def test_a_trickling_endpoint_fails_at_the_deadline(tmp_path: Path) -> None:
    trickle = Reply(body=reservations(instance_xml(INSTANCE)), trickle=0.5, trickle_for=60)
    env = isolated_env(tmp_path)
    with hostile_ec2({"DescribeInstances": trickle}) as ec2:
        started = time.monotonic()
        done = _run(env, ec2.url, "--deadline", "2", "describe-instances")
        took = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    assert "did not answer within 2 s (slow endpoint)" in done.stderr
    assert took < 15, f"a 2 s deadline took {took:.1f} s"


def test_the_poller_says_slow_endpoint_when_a_sweep_passes_its_deadline() -> None:
    trickle = Reply(body=reservations(instance_xml(INSTANCE)), trickle=0.5, trickle_for=60)
    with hostile_ec2({"DescribeInstances": trickle}) as ec2:
        session = CloudSession(Endpoint(endpoint_url=ec2.url, region="us-east-1", access_key="demo",
                                        secret_key="demo", deadline=1.0))
        poller = Poller(session, interval=0.5, kinds=("instances",)).start()
        try:
            until(lambda: poller.health.state in ("retrying", "stale"), 20, "the poller to notice")
            assert "slow endpoint" in poller.health.describe()
        finally:
            poller.stop()
            session.close()


def test_bad_deadline_values_are_usage_errors(tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    with hostile_ec2() as ec2:
        done = _run(env, ec2.url, "--deadline", "0", "describe-instances")
        assert ec2.received == []
    assert done.returncode == 2 and "--deadline" in done.stderr


# -- truncation is visible ------------------------------------------------------------------------

def _endless_pages() -> Callable[[dict[str, str]], str]:
    """DescribeInstances pages, one instance each, with a new NextToken every time."""
    count = iter(range(10**6))

    def page(_params: dict[str, str]) -> str:
        n = next(count)
        return reservations(instance_xml(f"i-{n:017x}"), next_token=f"token-{n}")
    return page


def test_a_next_token_that_never_ends_is_a_warning_and_exit_1(tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    with hostile_ec2({"DescribeInstances": _endless_pages()}) as ec2:
        done = _run(env, ec2.url, "describe-instances", "--output", "json")
        sent = ec2.actions().count("DescribeInstances")
    assert done.returncode == 1
    assert "output truncated" in done.stderr and "50 pages" in done.stderr
    assert sent == 50
    assert len(json.loads(done.stdout)["Reservations"]) == 50


async def test_the_monitor_marks_a_view_cut_off_by_the_page_cap() -> None:
    with hostile_ec2({"DescribeInstances": _endless_pages()}) as ec2:
        session = CloudSession(Endpoint(endpoint_url=ec2.url, region="us-east-1", access_key="demo",
                                        secret_key="demo"))
        try:
            async with monitor(SimpleNamespace(session=session), size=(80, 24)) as (app, pilot):
                await pilot_until(pilot, lambda: "first 50 shown" in screen_text(app), what="the cap marked")
                await pilot.press("2")
                await pilot_until(pilot, lambda: "first" not in screen_text(app).splitlines()[0],
                                  what="no mark on a whole view")
        finally:
            session.close()


# -- terminal-safe output and error messages ----------------------------------------------------

def test_c1_and_del_are_escaped_in_json_text_and_table(tmp_path: Path) -> None:
    name = "evil\u009b2J\u009d0;title\u0007\u007fend"
    answers = {"DescribeInstances": reservations(instance_xml(INSTANCE, name=name.replace("\u0007", "&#7;")))}
    env = isolated_env(tmp_path)
    with hostile_ec2(answers) as ec2:
        as_json = _run(env, ec2.url, "describe-instances", "--output", "json")
        as_text = _run(env, ec2.url, "describe-instances", "--output", "text")
        as_table = _run(env, ec2.url, "describe-instances", "--output", "table")
    for done in (as_json, as_text, as_table):
        assert done.returncode == 0, done.stderr
        assert not any(0x7f <= ord(c) <= 0x9f or (ord(c) < 0x20 and c not in "\n\t") for c in done.stdout)
    assert "\\u009b2J\\u009d0;title" in as_json.stdout
    tags = json.loads(as_json.stdout)["Reservations"][0]["Instances"][0]["Tags"]
    assert tags[0]["Value"].startswith("evil\u009b2J")   # the JSON still says what the cloud said


def test_an_echoed_secret_is_masked_and_a_huge_message_is_cut(tmp_path: Path) -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    env = isolated_env(tmp_path, {"AWS_SECRET_ACCESS_KEY": secret})
    echo = error("AuthFailure", f"signature mismatch for secret {secret} " + "x" * 1_000_000)
    with hostile_ec2({"DescribeInstances": echo}) as ec2:
        done = _run(env, ec2.url, "describe-instances")
    assert done.returncode == 1
    assert secret not in done.stderr and secret[:12] not in done.stderr
    assert "AuthFailure" in done.stderr and "****" in done.stderr
    assert len(done.stderr) < 1000 and len(done.stderr.splitlines()) == 1


def test_an_internal_error_line_is_escaped_and_cut(monkeypatch, capsys, tmp_path: Path) -> None:
    """Whatever an unexpected exception carries (cloud text in its message) reaches stderr as one safe line."""
    import cloudshell.cli as cli

    for name, value in isolated_env(tmp_path).items():
        monkeypatch.setenv(name, value)

    def explode(runtime, argv):
        raise RuntimeError("\x1b]0;pwned\x07\x9b2J" + "x" * 5000)

    monkeypatch.setattr(cli, "run_one_shot", explode)
    code = cli.main(["--endpoint-url", "http://127.0.0.1:9/", "describe-instances"])
    err = capsys.readouterr().err
    assert code == 1
    assert "internal error: RuntimeError" in err and "\\x1b]0;pwned\\x07\\x9b2J" in err
    assert not any(0x7f <= ord(c) <= 0x9f or (ord(c) < 0x20 and c != "\n") for c in err)
    assert len(err.splitlines()) == 1 and len(err) < 1000
