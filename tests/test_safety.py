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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cloud_checks import cloud_state, oneshot
from clirun import run_cli
from conftest import RANDOM_SEED, _warm, isolated_env

from cloudshell.cloud.demo import DemoFacts, seed
from cloudshell.cloud.session import CloudSession

Outcome = namedtuple("Outcome", "returncode stdout stderr")


@dataclass
class World:
    """The seeded cloud every test of a module shares, and names for its resources."""

    url: str
    session: CloudSession
    env: dict[str, str]
    facts: DemoFacts
    tmp: Path
    names: dict[str, str] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def endpoint_args(self) -> list[str]:
        return ["--endpoint-url", self.url]

    def argv(self, args: list[str]) -> list[str]:
        return [*self.endpoint_args, *[a.format(**self.names) for a in args]]

    def run(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        """``python -m cloudshell ARGS`` in a subprocess (stdin /dev/null)."""
        return run_cli(self.argv(args), self.env, cwd=self.tmp)

    def unchanged(self) -> bool:
        return cloud_state(self.session) == self.state


@pytest.fixture(scope="module")
def world(moto_server, tmp_path_factory) -> Iterator[World]:
    """The demo cloud, plus an unused group."""
    if not moto_server.running:
        moto_server.start()
        _warm(moto_server)
    moto_server.reset(random_seed=RANDOM_SEED)
    session = CloudSession.for_url(moto_server.url)
    facts = seed(session)
    # The snapshot the centos image boots from (moto, like EC2, makes one per registered image).
    image = facts.images["centos-7-x86_64"]
    mappings = session.call("describe_images", ImageIds=[image])["Images"][0]["BlockDeviceMappings"]
    golden_snap = next(m["Ebs"]["SnapshotId"] for m in mappings if m.get("Ebs", {}).get("SnapshotId"))
    spare_snap = list(facts.snapshots)[1]     # web-1-data's: no image uses it
    spare_group = session.call("create_security_group", GroupName="spare", Description="unused")["GroupId"]
    web1 = facts.instance("web-1")
    raw = session.call("describe_instances", InstanceIds=[web1.id])["Reservations"][0]["Instances"][0]
    root = next(m["Ebs"]["VolumeId"] for m in raw["BlockDeviceMappings"] if m["DeviceName"] == raw["RootDeviceName"])
    tmp = tmp_path_factory.mktemp("world")
    names = {
        "web1": web1.id, "web2": facts.instance("web-2").id, "app2": facts.instance("app-2").id,
        "test1": facts.instance("test-1").id, "web1_root": root,
        "web1_data": facts.volume("web-1-data").id, "scratch_a": facts.volume("scratch-a").id,
        "scratch_b": facts.volume("scratch-b").id, "golden_snap": golden_snap, "spare_snap": spare_snap,
        "image": image, "group": facts.group_id, "spare_group": spare_group, "tmp": str(tmp),
    }
    world = World(moto_server.url, session, isolated_env(tmp), facts, tmp, names)
    world.state = cloud_state(session)
    try:
        yield world
    finally:
        session.close()


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
