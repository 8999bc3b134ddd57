"""A few VPC commands against ``--demo`` as a newcomer types them: each run starts its own demo cloud
(a child moto server, seeded), so each line stands alone."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from conftest import isolated_env

from clirun import run_cli

LINES = {
    "vpc": ["--demo", "create-vpc", "10.50.0.0/16", "--output", "json"],
    "gateway": ["--demo", "euca-create-internet-gateway"],
    "options": ["--demo", "euca-create-dhcp-options", "domain-name=demo.test"],
    "too-big": ["--demo", "create-vpc", "10.0.0.0/8"],
    "read-only": ["--demo", "--read-only", "create-vpn-gateway", "-t", "ipsec.1"],
}


def test_vpc_commands_on_the_demo_cloud(tmp_path):
    env = isolated_env(tmp_path)
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = dict(zip(LINES, pool.map(lambda args: run_cli(args, env, timeout=180), LINES.values())))
    for name, out in runs.items():
        assert "Traceback" not in out.stderr, (name, out.stderr)
    vpc = runs["vpc"]
    assert vpc.returncode == 0, vpc.stderr
    assert json.loads(vpc.stdout)["Vpc"]["CidrBlock"] == "10.50.0.0/16"
    gateway = runs["gateway"]
    assert gateway.returncode == 0 and gateway.stdout.startswith("INTERNETGATEWAY\tigw-"), gateway.stderr
    options = runs["options"]
    assert options.returncode == 0, options.stderr
    assert options.stdout.splitlines()[1] == "OPTION\tdomain-name\tdemo.test"
    too_big = runs["too-big"]
    assert too_big.returncode == 2 and too_big.stdout == ""
    assert too_big.stderr.strip().endswith("a VPC's block is /16 to /28 (not /8), e.g. 10.0.0.0/16")
    read_only = runs["read-only"]
    assert read_only.returncode == 1
    assert "create-vpn-gateway: refused, cloudshell runs --read-only (nothing was sent)" in read_only.stderr
