"""Completion of the network kinds: by prefix with the Name tag and key facts, and narrowed by the rest
of the line (issue 13 items 1 and 4), over an inventory swept from moto."""

from __future__ import annotations

import pytest
from network_world import build_network

from cloudshell.cloud.inventory import fetch
from cloudshell.commands import registry
from cloudshell.completion import complete

KINDS_USED = ("instances", "groups", "zones", "vpcs", "subnets", "internet-gateways", "route-tables",
              "network-interfaces")


@pytest.fixture
def world(cloud):
    ids = build_network(cloud.session)
    return fetch(cloud.session, KINDS_USED), ids


def offered(line: str, inv) -> dict[str, str]:
    return {c.text: c.meta for c in complete(line, inv, registry())}


def test_subnet_ids_complete_by_prefix_with_name_cidr_zone_free_count_and_vpc(world):
    inv, ids = world
    got = offered("describe-subnets subnet-", inv)
    assert len(got) == 8                                    # moto's six default ones and lab's two
    meta = got[ids["subnet"]].split(" · ")
    assert meta[:4] == ["lab-a", "10.20.1.0/24", "available", "us-east-1a"]
    assert meta[4].endswith(" free") and 240 <= int(meta[4].split()[0]) <= 251
    assert meta[5] == ids["vpc"]
    assert list(offered("describe-subnets lab-", inv)) == sorted([ids["subnet"], ids["subnet-b"]])   # by Name
    assert list(offered(f"describe-vpcs {ids['vpc'][:8]}", inv)) == [ids["vpc"]]
    assert offered("describe-vpcs ", inv)[ids["vpc"]] == "lab · 10.20.0.0/16 · available"


def test_create_subnet_c_offers_vpcs_with_their_blocks(world):
    inv, ids = world
    got = offered("create-subnet -c ", inv)
    assert set(got) == {ids["vpc"], ids["vpc-other"], *inv.of("vpcs")} and len(got) == 3
    assert got[ids["vpc-other"]] == "10.30.0.0/16 · available"
    default = next(v for v in got if v not in (ids["vpc"], ids["vpc-other"]))
    assert got[default] == "172.31.0.0/16 · available · default"


def test_associate_route_table_s_offers_the_subnets_of_the_tables_vpc(world):
    inv, ids = world
    lab = sorted([ids["subnet"], ids["subnet-b"]])
    assert list(offered(f"associate-route-table {ids['rtb']} -s ", inv)) == lab
    assert list(offered(f"associate-route-table {ids['rtb']} --subnet=", inv)) == lab
    assert len(offered("associate-route-table -s ", inv)) == 8           # no table yet: every subnet
    # The other way round: a subnet given, the tables of its VPC.
    tables = offered(f"associate-route-table -s {ids['subnet']} ", inv)
    assert set(tables) == {r.id for r in inv.of("route-tables").values() if r["vpc"] == ids["vpc"]}
    assert ids["rtb"] in tables and len(tables) == 2                     # lab-rt and the VPC's main table


def test_attach_internet_gateway_c_offers_vpcs_without_a_gateway_and_only_detached_gateways(world):
    inv, ids = world
    vpcs = offered("attach-internet-gateway -c ", inv)
    assert ids["vpc"] not in vpcs                                        # lab-gw is attached to it
    assert ids["vpc-other"] in vpcs and len(vpcs) == 2                   # and moto's default VPC
    assert list(offered(f"attach-internet-gateway -c {ids['vpc-other']} ", inv)) == [ids["igw-spare"]]
    # Detaching: the attached gateways, then the VPC that gateway is in.
    assert list(offered("detach-internet-gateway ", inv)) == [ids["igw"]]
    assert list(offered(f"detach-internet-gateway {ids['igw']} -c ", inv)) == [ids["vpc"]]


def test_run_instances_s_offers_subnets_with_zone_and_free_count_then_g_that_vpcs_groups(world):
    inv, ids = world
    subnets = offered("run-instances emi-12345678 -s ", inv)
    assert len(subnets) == 8
    assert " · us-east-1b · " in subnets[ids["subnet-b"]] and " free · " in subnets[ids["subnet-b"]]
    groups = offered(f"run-instances emi-12345678 -s {ids['subnet']} -g ", inv)
    lab_groups = {r.id for r in inv.of("groups").values() if r.raw.get("VpcId") == ids["vpc"]}
    assert set(groups) == lab_groups and lab_groups                      # by sg- ID: names repeat per VPC
    assert all(g.startswith("sg-") for g in groups) and groups[next(iter(lab_groups))].startswith("default")
    names = offered("run-instances emi-12345678 -g ", inv)               # no subnet: every group, by name
    assert "default" in names and not any(n.startswith("sg-") for n in names)


def test_the_shell_completion_cache_narrows_as_well(cloud, tmp_path):
    """`cloudshell __complete` (what bash's Tab runs) reads the ID cache real describes wrote: the
    columns a narrowing needs (a subnet's and a group's VPC) are kept there too."""
    from clirun import run_here

    ids = build_network(cloud.session)
    env = {**cloud.env, "AWS_ENDPOINT_URL_EC2": cloud.url}
    for command in ("describe-subnets", "describe-groups", "describe-route-tables", "describe-vpcs",
                    "describe-internet-gateways"):
        done = run_here([command, "--output", "json"], env)
        assert done.returncode == 0, done.stderr

    def tab(line: str) -> list[str]:
        done = run_here(["__complete", "bash", line.rpartition(" ")[2], line], env)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert sorted(tab(f"cloudshell associate-route-table {ids['rtb']} -s ")) == sorted([ids["subnet"], ids["subnet-b"]])
    lab_groups = [g["GroupId"] for g in cloud.session.call("describe_security_groups", Filters=[
        {"Name": "vpc-id", "Values": [ids["vpc"]]}])["SecurityGroups"]]
    assert tab(f"cloudshell run-instances emi-12345678 -s {ids['subnet']} -g ") == sorted(lab_groups)
    assert ids["vpc"] not in tab("cloudshell attach-internet-gateway -c ")
    assert ids["vpc-other"] in tab("cloudshell attach-internet-gateway -c ")
