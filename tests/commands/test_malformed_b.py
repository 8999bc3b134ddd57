"""Malformed invocations of the volume, snapshot, group, keypair and ssh commands.

Each one, run as a real ``python -m cloudshell`` process: exit 2, exactly one
line on stderr naming the bad value, no traceback, nothing on stdout. They run
concurrently against one seeded cloud whose whole state is compared before
and after (any case that changed anything would show there), and no key file
appears.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from cloud_checks import cloud_state
from safety_world import world  # noqa: F401 - the shared seeded cloud (module scope)

A = "us-east-1a"
SOURCE = ["-s", "0.0.0.0/0"]

MALFORMED = [
    # create-volume
    (["create-volume", "-z", A], "give a size (-s GiB) or a snapshot"),
    (["create-volume", "-s", "0", "-z", A], "0 GiB is out of range (expected 1 to 16384)"),
    (["create-volume", "-s", "16385", "-z", A], "16385 GiB is out of range"),
    (["create-volume", "-s", "ten", "-z", A], "'ten' is not a size"),
    (["create-volume", "-s", "1"], "missing -z ZONE"),
    (["create-volume", "-s", "1", "-z", "mars-1z"], "zone 'mars-1z' does not exist here (zones: "),
    (["create-volume", "--snapshot", "snap-zz", "-z", A], "'snap-zz' is not a snapshot ID"),
    (["create-volume", "--snapshot", "snap-0badf00d", "-z", A], "no snapshot snap-0badf00d here"),
    (["create-volume", "-s", "1", "--snapshot", "{spare_snap}", "-z", A], "-s 1 is smaller than {spare_snap}'s 10 GiB"),
    (["create-volume", "-s", "1", "-z", A, "--iops", "100"], "--iops needs --type"),
    # attach / detach / delete
    (["attach-volume", "-i", "{web1}", "-d", "/dev/foo", "{scratch_a}"], "'/dev/foo' is not a device name"),
    (["attach-volume", "-i", "{web1}", "-d", "/dev/sdg;reboot", "{scratch_a}"], "'/dev/sdg;reboot' is not a device"),
    (["attach-volume", "-i", "i-xyz", "-d", "/dev/sdg", "{scratch_a}"], "'i-xyz' is not an instance ID"),
    (["attach-volume", "-i", "i-0badf00d", "-d", "/dev/sdg", "{scratch_a}"], "no instance i-0badf00d here"),
    (["attach-volume", "-d", "/dev/sdg", "{scratch_a}"], "missing -i INSTANCE"),
    (["detach-volume", "{web1_data}", "-i", "{web2}"], "is attached to {web1}, not {web2}"),
    (["delete-volume", "vol-0badf00d", "--yes"], "no volume vol-0badf00d here"),
    # snapshots
    (["create-snapshot", "-d", "bell\x07", "{scratch_a}"], "is not a description"),
    (["delete-snapshot", "snap-0badf00d", "--yes"], "no snapshot snap-0badf00d here"),
    # security groups
    (["create-group", "web"], "missing -d DESCRIPTION"),
    (["create-group", "-d", "x", "sg-web"], "names may not start with sg-"),
    (["authorize", "mygroup", "-P", "tcp", "-p", "22", "-s", "10.0.0.1/8"], "host bits set (did you mean 10.0.0.0/8?)"),
    (["authorize", "mygroup", "-P", "tcp", "-p", "22", "-s", "10.0.0.0"], "'10.0.0.0' is not a CIDR block"),
    (["authorize", "mygroup", "-P", "tcpp", "-p", "22", *SOURCE], "'tcpp' is not a protocol"),
    (["authorize", "mygroup", "-P", "tcp", "-p", "70000", *SOURCE], "port 70000 is out of range"),
    (["authorize", "mygroup", "-P", "tcp", "-p", "90-80", *SOURCE], "the low port is above the high one"),
    (["authorize", "mygroup", "-P", "udp", *SOURCE], "-P udp needs -p PORT[-PORT]"),
    (["authorize", "mygroup", "-P", "icmp", "-t", "8:256", *SOURCE], "'8:256' is not an ICMP type:code"),
    (["authorize", "mygroup", "-P", "icmp", "-p", "22", *SOURCE], "-P icmp takes -t TYPE:CODE, not -p"),
    (["authorize", "mygroup", "-P", "tcp", "-p", "22"], "give a source: -s CIDR"),
    (["authorize", "mygroup", "-P", "tcp", "-p", "22", "-u", "123456789012", *SOURCE],
     "-u 123456789012 names the owner"),
    (["authorize", "nosuchgroup", "-P", "tcp", "-p", "22", *SOURCE], "no security group named 'nosuchgroup'"),
    (["revoke", "mygroup", "-P", "tcp", "-p", "22", "-t", "8:0", *SOURCE], "-t 8:0 is for -P icmp"),
    (["delete-group", "sg-nothex", "--yes"], "'sg-nothex' is not a security group ID"),
    # keypairs
    (["create-keypair", "-f", "/nonexistent-dir/k.pem", "k"], "no folder '/nonexistent-dir' for the key file"),
    (["import-keypair", "k", "-f", "/nonexistent.pub"], "'/nonexistent.pub': no such file"),
    (["import-keypair", "k", "-f", "{tmp}/private.pem"], "holds a PRIVATE key"),
    (["import-keypair", "k", "-f", "{tmp}/garbage.pub"], "is not an OpenSSH public key"),
    (["import-keypair", "k", "-f", "{tmp}/damaged.pub"], "the key data is damaged"),
    (["delete-keypair", "nosuchkey", "--yes"], "no keypair nosuchkey here"),
    # ssh
    (["ssh", "{web1}", "--user", "root; touch /tmp/pwned"], "'root; touch /tmp/pwned' is not a user name"),
    (["ssh", "{web1}", "--port", "0"], "port 0 is out of range (expected 1-65535)"),
    (["ssh", "{web1}", "--address", "-oProxyCommand=touch /tmp/pwned"], "is not an address"),
    (["ssh", "{web1}", "-i", "/nonexistent/key.pem"], "'/nonexistent/key.pem': no such file"),
]


@pytest.fixture(scope="module")
def outcomes(world):  # noqa: F811
    """Every case run at once (key files that look right and are not made first); results by index."""
    (world.tmp / "private.pem").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n"
                                           "-----END OPENSSH PRIVATE KEY-----\n")
    (world.tmp / "garbage.pub").write_text("hello, I am not a key\n")
    (world.tmp / "damaged.pub").write_text("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIbad me@host\n")
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda case: world.run(case[0]), MALFORMED))
    return world, results, cloud_state(world.session)


def test_the_table_is_big_enough():
    assert len(MALFORMED) >= 25


@pytest.mark.parametrize("n", range(len(MALFORMED)),
                         ids=[" ".join(a[:2]) + f" #{n}" for n, (a, _) in enumerate(MALFORMED)])
def test_malformed_exits_2_with_one_line_and_changes_nothing(outcomes, n):
    world, results, after = outcomes
    out, needle = results[n], MALFORMED[n][1]
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    assert lines[0].startswith("cloudshell: ") and needle.format(**world.names) in lines[0]
    assert out.stdout == ""
    assert after == world.state
    assert not [p for p in world.tmp.iterdir() if p.suffix == ".pem" and p.name != "private.pem"]
