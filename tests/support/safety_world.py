"""The seeded cloud the safety and malformed-input tests share (module scope), and names for its resources.

Used by commands/test_safety.py (cli.main in this process) and the commands/test_malformed_*.py tables
(tests/support/malformed.py: one real process runs a table's command lines).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cloud_checks import cloud_state
from clirun import run_cli
from conftest import RANDOM_SEED, _warm, isolated_env

from cloudshell.cloud.demo import DemoFacts, seed
from cloudshell.cloud.session import CloudSession


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
        "kernel": facts.kernel_id, "free_address": facts.free_address, "snap": next(iter(facts.snapshots)),
    }
    world = World(moto_server.url, session, isolated_env(tmp), facts, tmp, names)
    world.state = cloud_state(session)
    try:
        yield world
    finally:
        session.close()
