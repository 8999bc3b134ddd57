"""Malformed invocations of the instance, image, address, tag and wait commands.

Each one, run as a user would (``python -m cloudshell --endpoint-url URL …``),
must exit 2 with exactly one line on stderr naming the bad value, print
nothing on stdout, and leave the cloud as it was. The invocations run
concurrently against one seeded cloud, whose whole state is compared before
and after: any case that changed anything would show there.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from cloud_checks import cloud_state
from conftest import isolated_env

from clirun import run_cli
from cloudshell.cloud.demo import seed
from cloudshell.cloud.session import CloudSession

MISSING_ID = "0123456789abcdef0"

CASES = [
    ("run-no-image", ["run-instances"], "missing IMAGE"),
    ("run-bad-image-id", ["run-instances", "ami-xyz"], "'ami-xyz' is not an image ID"),
    ("run-unknown-image", ["run-instances", f"ami-{MISSING_ID}"], f"no image ami-{MISSING_ID} here"),
    ("run-kernel-as-image", ["run-instances", "{K}"], "{K} (vmlinuz-4.4.0-x86_64) is a kernel image, not a machine"),
    ("run-count-zero", ["run-instances", "{IMG}", "-n", "0"], "'0': at least 1 instance"),
    ("run-count-reversed", ["run-instances", "{IMG}", "-n", "3-1"], "'3-1': MIN is more than MAX"),
    ("run-count-word", ["run-instances", "{IMG}", "-n", "two"], "'two' is not a count"),
    ("run-count-huge", ["run-instances", "{IMG}", "-n", "5000"], "'5000': at most 1000 instances"),
    ("run-type-shape", ["run-instances", "{IMG}", "-t", "small"], "'small' is not an instance type"),
    ("run-zone-unknown", ["run-instances", "{IMG}", "-z", "mars-1a"], "no availability zone 'mars-1a' here"),
    ("run-key-unknown", ["run-instances", "{IMG}", "-k", "nokey"], "no keypair 'nokey' here (keypairs: testkey"),
    ("run-group-unknown", ["run-instances", "{IMG}", "-g", "nogroup"], "no security group 'nogroup' here"),
    ("run-kernel-not-kernel", ["run-instances", "{IMG}", "--kernel", "{IMG}"], "is a machine image, not a kernel"),
    ("run-ramdisk-not-ramdisk", ["run-instances", "{IMG}", "--ramdisk", "{K}"], "is a kernel image, not a ramdisk"),
    ("run-userdata-missing-file", ["run-instances", "{IMG}", "-f", "{MISSING}"], "no such file"),
    ("run-userdata-too-big", ["run-instances", "{IMG}", "-f", "{BIG}"], "at most 16384 bytes"),
    ("run-userdata-directory", ["run-instances", "{IMG}", "-f", "{DIR}"], "is not a regular file"),
    ("run-userdata-twice", ["run-instances", "{IMG}", "-d", "x", "-f", "{SMALL}"], "-d and -f both give user data"),
    ("run-private-ip-no-subnet", ["run-instances", "{IMG}", "--private-ip-address", "10.0.0.5"], "need -s SUBNET"),
    ("run-bad-private-ip", ["run-instances", "{IMG}", "-s", "subnet-1a2b3c4d", "--private-ip-address",
                            "10.0.0.300"], "'10.0.0.300' is not an IPv4 address"),
    ("run-unknown-option", ["run-instances", "{IMG}", "--bogus"], "unknown option --bogus"),
    ("euca-run-bad-count", ["euca-run-instances", "{IMG}", "--instance-count", "1-0"], "MIN is more than MAX"),
    ("terminate-no-ids", ["terminate-instances", "--yes"], "missing INSTANCE"),
    ("terminate-volume-id", ["terminate-instances", "vol-1a2b3c4d"], "'vol-1a2b3c4d' is not an instance ID"),
    ("stop-unknown", ["stop-instances", f"i-{MISSING_ID}"], f"no instance i-{MISSING_ID} here"),
    ("reboot-bad-id", ["reboot-instances", "i-zz"], "'i-zz' is not an instance ID"),
    ("start-unknown-flag", ["start-instances", "{I}", "-f"], "unknown option -f"),
    ("console-missing", ["euca-get-console-output"], "missing INSTANCE"),
    ("register-nothing", ["register", "-n", "some-name"], "give a MANIFEST location or --snapshot SNAP"),
    ("register-image-file", ["register", "bucket/disk.img"], "'bucket/disk.img' is not a manifest location"),
    ("register-both", ["register", "bucket/x.manifest.xml", "--snapshot", "{SNAP}", "-n", "both-ways"],
     "(exactly one)"),
    ("register-snapshot-no-name", ["euca-register", "--snapshot", "{SNAP}"], "missing -n NAME"),
    ("register-short-name", ["register", "--snapshot", "{SNAP}", "-n", "ab"], "'ab' is not an image name"),
    ("register-arch", ["register", "bucket/x.manifest.xml", "-a", "sparc"], "one of i386, x86_64"),
    ("register-root-device", ["register", "--snapshot", "{SNAP}", "-n", "good-name", "--root-device-name",
                              "sda1"], "'sda1' is not a device name"),
    ("register-unknown-snapshot", ["register", "--snapshot", f"snap-{MISSING_ID}", "-n", "good-name"],
     f"no snapshot snap-{MISSING_ID} here"),
    ("deregister-bad-id", ["deregister", "emi-nothex00", "--yes"], "'emi-nothex00' is not an image ID"),
    ("allocate-domain", ["allocate-address", "-d", "moon"], "must be one of vpc, standard, not 'moon'"),
    ("associate-no-instance", ["associate-address", "{FREE}"], "missing -i INSTANCE"),
    ("associate-bad-ip", ["associate-address", "-i", "{I}", "300.1.2.3"], "'300.1.2.3' is not an IPv4 address"),
    ("associate-no-address", ["associate-address", "-i", "{I}"], "missing ADDRESS (or -a ALLOC)"),
    ("disassociate-bad", ["disassociate-address", "web-1"], "'web-1' is not an IPv4 address"),
    ("release-short-ip", ["release-address", "10.0.0", "--yes"], "'10.0.0' is not an IPv4 address"),
    ("release-unknown", ["release-address", "203.0.113.77", "--yes"], "no address 203.0.113.77 here"),
    ("tags-no-tag", ["create-tags", "{I}"], "missing --tag KEY[=VALUE]"),
    ("tags-empty-key", ["create-tags", "{I}", "--tag", "=value"], "'=value' has no key"),
    ("tags-reserved", ["create-tags", "{I}", "--tag", "aws:x=1"], "keys starting with aws: are reserved"),
    ("tags-no-resource", ["create-tags", "--tag", "a=b"], "missing RESOURCE"),
    ("tags-twice", ["create-tags", "{I}", "--tag", "a=1", "--tag", "a=2"], "--tag a given twice"),
    ("tags-unknown-instance", ["euca-create-tags", f"i-{MISSING_ID}", "--tag", "a=b"],
     f"no instance i-{MISSING_ID} here"),
    ("untag-bad-id", ["delete-tags", "web-1", "--tag", "a", "--yes"], "'web-1' is not a resource ID"),
    ("describe-tags-filter", ["describe-tags", "--filter", "nonsense"], "'nonsense' is not a filter"),
    ("wait-typo-state", ["wait", "{I}", "runing"], "'runing' is not a state of instances"),
    ("wait-group", ["wait", "sg-1a2b3c4d", "available"], "sg-1a2b3c4d is not an instance, volume, snapshot"),
    ("wait-zero-timeout", ["wait", "{I}", "running", "--timeout", "0"], "'0' is not a timeout"),
    ("wait-word-timeout", ["wait", "{I}", "running", "--timeout", "soon"], "'soon' is not a timeout"),
    ("wait-no-state", ["wait", "{I}"], "missing STATE"),
]


@pytest.fixture(scope="module")
def outcomes(moto_server, tmp_path_factory):
    """Run every case at once against one seeded cloud; (results by case, state before, state after)."""
    tmp = tmp_path_factory.mktemp("malformed")
    moto_server.reset(random_seed=0)
    session = CloudSession.for_url(moto_server.url)
    try:
        facts = seed(session)
        (tmp / "small.txt").write_text("#!/bin/sh\n")
        (tmp / "big.txt").write_bytes(b"x" * (16 * 1024 + 1))
        (tmp / "folder").mkdir()
        values = {"IMG": facts.images["centos-7-x86_64"], "K": facts.kernel_id, "I": facts.instance("web-1").id,
                  "SNAP": next(iter(facts.snapshots)), "FREE": facts.free_address,
                  "MISSING": str(tmp / "nope.txt"), "BIG": str(tmp / "big.txt"), "DIR": str(tmp / "folder"),
                  "SMALL": str(tmp / "small.txt")}
        env = isolated_env(tmp)
        before = cloud_state(session)

        def run(case):
            name, argv, _ = case
            args = ["--endpoint-url", moto_server.url, *(a.format(**values) for a in argv)]
            return name, run_cli(args, env, timeout=120)

        with ThreadPoolExecutor(max_workers=4) as pool:
            results = dict(pool.map(run, CASES))
        after = cloud_state(session)
    finally:
        session.close()
    return results, values, before, after


def test_the_table_is_big_enough():
    assert len(CASES) >= 20 and len({name for name, _, _ in CASES}) == len(CASES)


@pytest.mark.parametrize("name, argv, needle", CASES, ids=[c[0] for c in CASES])
def test_malformed_invocation_is_one_line_exit_2_and_changes_nothing(outcomes, name, argv, needle):
    results, values, before, after = outcomes
    out = results[name]
    lines = out.stderr.splitlines()
    assert "Traceback" not in out.stderr
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("cloudshell: ")
    assert needle.format(**values) in lines[0]
    assert out.stdout == ""
    assert out.returncode == 2, out.stderr
    assert after == before
