"""Safety rules of the volume, snapshot, group and keypair commands.

Each guard refuses before anything is sent, names the resource in the way, and
leaves the cloud exactly as it was (moto itself would allow most of these).
--read-only refuses, --dry-run probes, and a destructive command without
--yes and without a terminal is refused. Every test here shares one seeded
cloud and proves it unchanged afterwards.

The commands run through the one-shot entry point ``cloudshell.cli.main`` in
this process (what ``python -m cloudshell`` runs, without starting Python and
boto3 anew for each case); test_malformed_b.py covers the real subprocess.
"""

from __future__ import annotations

import io
import subprocess
from collections import namedtuple
from collections.abc import Callable

import pytest
from cloud_checks import oneshot
from safety_world import World, world  # noqa: F401 - the shared seeded cloud (module scope)

Outcome = namedtuple("Outcome", "returncode stdout stderr")


@pytest.fixture
def one_shot(world, monkeypatch, capsys) -> Callable[[list[str]], Outcome]:
    """Run ``cloudshell ARGS`` through cli.main here, with the world's environment and no terminal."""
    monkeypatch.chdir(world.tmp)

    def run(args: list[str]) -> Outcome:
        # A "y" waiting on a pipe is not a confirmation: only a terminal can give one.
        monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
        return Outcome(*oneshot(world, monkeypatch, capsys, *[a.format(**world.names) for a in args]))
    return run


def refused(world: World, one_shot, args: list[str], code: int = 1) -> str:
    out = one_shot(args)
    assert out.returncode == code, (out.returncode, out.stdout, out.stderr)
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr, out.stderr
    assert world.unchanged()
    return out.stderr


# -- guards: refused, the conflicting resource named ----------------------------------------------

GUARDS = [
    pytest.param(["delete-volume", "{web1_data}", "--yes"], ["{web1_data}", "{web1} (web-1)", "detach it first"],
                 id="delete-attached-volume"),
    pytest.param(["detach-volume", "{web1_root}"], ["root device (/dev/sda1)", "{web1} (web-1)", "running", "-f"],
                 id="detach-root-of-running-instance"),
    pytest.param(["attach-volume", "-i", "{web2}", "-d", "/dev/sdg", "{scratch_a}"],
                 ["{scratch_a} (scratch-a) is in zone us-east-1a", "{web2} (web-2) is in us-east-1b"],
                 id="attach-across-zones"),
    pytest.param(["attach-volume", "-i", "{web1}", "-d", "/dev/sdf", "{scratch_a}"],
                 ["/dev/sdf is taken", "{web1_data} (web-1-data)"], id="reuse-device-name"),
    pytest.param(["attach-volume", "-i", "{web1}", "-d", "/dev/xvdf", "{scratch_a}"],
                 ["/dev/xvdf is taken", "{web1_data} (web-1-data) is attached there as /dev/sdf"],
                 id="reuse-device-under-xen-name"),
    pytest.param(["attach-volume", "-i", "{web1}", "-d", "/dev/xvda", "{scratch_a}"],
                 ["/dev/xvda is taken", "{web1_root}", "/dev/sda1"], id="attach-over-root-device"),
    pytest.param(["attach-volume", "-i", "{app2}", "-d", "/dev/sdg", "{web1_data}"],
                 ["{web1_data} (web-1-data) is in-use: attached to {web1} (web-1)"], id="attach-volume-in-use"),
    pytest.param(["attach-volume", "-i", "{test1}", "-d", "/dev/sdg", "{scratch_b}"],
                 ["{test1} (test-1) is terminated"], id="attach-to-terminated-instance"),
    pytest.param(["delete-snapshot", "{golden_snap}", "--yes"], ["{image} (centos-7-x86_64)", "deregister the image"],
                 id="delete-snapshot-of-an-image"),
    pytest.param(["delete-group", "webservers", "--yes"],
                 ["{group} (webservers) is in use by", "{app2} (app-2)", "and 6 more"],
                 id="delete-group-in-use"),
    pytest.param(["delete-group", "default", "--yes"], ["default group"], id="delete-default-group"),
    pytest.param(["create-keypair", "testkey", "-f", "{tmp}/testkey.pem"], ["keypair testkey exists already"],
                 id="create-existing-keypair"),
]


@pytest.mark.parametrize("args, needles", GUARDS)
def test_guard_refuses_and_names_the_conflict(world, one_shot, args, needles):
    message = refused(world, one_shot, args)
    for needle in needles:
        assert needle.format(**world.names) in message
    assert not (world.tmp / "testkey.pem").exists()


# -- --read-only, --dry-run, confirmation ----------------------------------------------------------

MUTATING = [
    ["create-volume", "-s", "1", "-z", "us-east-1a"],
    ["attach-volume", "-i", "{web1}", "-d", "/dev/sdg", "{scratch_a}"],
    ["detach-volume", "{web1_data}"],
    ["delete-volume", "{scratch_a}", "--yes"],
    ["create-snapshot", "{scratch_a}"],
    ["delete-snapshot", "{spare_snap}", "--yes"],
    ["create-group", "-d", "x", "newgroup"],
    ["authorize", "webservers", "-P", "tcp", "-p", "80", "-s", "10.0.0.0/8"],
    ["revoke", "webservers", "-P", "tcp", "-p", "22", "-s", "0.0.0.0/0"],
    ["delete-group", "spare", "--yes"],
    ["create-keypair", "newkey", "-f", "{tmp}/newkey.pem"],
    ["delete-keypair", "testkey", "--yes"],
]


@pytest.mark.parametrize("args", MUTATING, ids=lambda a: a[0])
def test_read_only_refuses_before_sending(world, one_shot, args):
    message = refused(world, one_shot, ["--read-only", *args])
    assert "read-only" in message and "nothing was sent" in message
    assert not (world.tmp / "newkey.pem").exists()


@pytest.mark.parametrize("args", [
    ["attach-volume", "-i", "{web1}", "-d", "/dev/sdg", "{scratch_a}"],
    ["delete-volume", "{scratch_a}"],                 # no question under --dry-run: nothing would change
    ["authorize", "webservers", "-P", "tcp", "-p", "80", "-s", "10.0.0.0/8"],
    ["create-keypair", "probe", "-f", "{tmp}/probe.pem"],
], ids=lambda a: a[0])
def test_dry_run_probes_without_changing_anything(world, one_shot, args):
    out = one_shot([*args, "--dry-run", "--output", "table"])
    assert out.returncode == 0, out.stderr
    assert "dry run: the request would have succeeded" in out.stdout
    assert world.unchanged() and not (world.tmp / "probe.pem").exists()


def test_dry_run_still_runs_the_guards(world, one_shot):
    message = refused(world, one_shot, ["delete-volume", "{web1_data}", "--dry-run"])
    assert "attached to {web1}".format(**world.names) in message


@pytest.mark.parametrize("args", [
    ["delete-volume", "{scratch_a}"],
    ["detach-volume", "{web1_data}", "-f"],
    ["delete-snapshot", "{spare_snap}"],
    ["delete-group", "spare"],
    ["delete-keypair", "testkey"],
], ids=lambda a: a[0] + (" -f" if "-f" in a else ""))
def test_destructive_without_yes_and_without_a_terminal_is_refused(world, one_shot, args):
    message = refused(world, one_shot, args)
    assert "not confirmed, nothing was sent (add --yes to confirm in scripts)" in message


def test_a_guard_holds_in_a_real_process_too(world):
    out = world.run(["delete-volume", "{web1_data}", "--yes"])
    assert out.returncode == 1 and out.stderr.count("\n") == 1
    assert "attached to {web1} (web-1)".format(**world.names) in out.stderr
    assert world.unchanged()
