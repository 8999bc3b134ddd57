"""Malformed input to run-instances, terminate, stop, start, reboot and console output.

Each is refused with one line and exit 2, the cloud unchanged. The table runs as
tests/support/malformed.py describes: one real process, the seeded cloud of
tests/support/safety_world.py, ``{name}`` standing for its resources.
"""

from __future__ import annotations

from malformed import refusals
from safety_world import world  # noqa: F401 - the seeded cloud (module scope)

CASES = [
    ('run-no-image', ['run-instances'],
     'missing IMAGE'),
    ('run-bad-image-id', ['run-instances', 'ami-xyz'],
     "'ami-xyz' is not an image ID"),
    ('run-unknown-image', ['run-instances', 'ami-0123456789abcdef0'],
     'no image ami-0123456789abcdef0 here'),
    ('run-kernel-as-image', ['run-instances', '{kernel}'],
     '{kernel} (vmlinuz-4.4.0-x86_64) is a kernel image, not a machine'),
    ('run-count-zero', ['run-instances', '{image}', '-n', '0'],
     "'0': at least 1 instance"),
    ('run-count-reversed', ['run-instances', '{image}', '-n', '3-1'],
     "'3-1': MIN is more than MAX"),
    ('run-count-word', ['run-instances', '{image}', '-n', 'two'],
     "'two' is not a count"),
    ('run-count-huge', ['run-instances', '{image}', '-n', '5000'],
     "'5000': at most 1000 instances"),
    ('run-type-shape', ['run-instances', '{image}', '-t', 'small'],
     "'small' is not an instance type"),
    ('run-zone-unknown', ['run-instances', '{image}', '-z', 'mars-1a'],
     "no availability zone 'mars-1a' here"),
    ('run-key-unknown', ['run-instances', '{image}', '-k', 'nokey'],
     "no keypair 'nokey' here (keypairs: testkey"),
    ('run-group-unknown', ['run-instances', '{image}', '-g', 'nogroup'],
     "no security group 'nogroup' here"),
    ('run-kernel-not-kernel', ['run-instances', '{image}', '--kernel', '{image}'],
     'is a machine image, not a kernel'),
    ('run-ramdisk-not-ramdisk', ['run-instances', '{image}', '--ramdisk', '{kernel}'],
     'is a kernel image, not a ramdisk'),
    ('run-userdata-missing-file', ['run-instances', '{image}', '-f', '{tmp}/nope.txt'],
     'no such file'),
    ('run-userdata-too-big', ['run-instances', '{image}', '-f', '{tmp}/big.txt'],
     'at most 16384 bytes'),
    ('run-userdata-directory', ['run-instances', '{image}', '-f', '{tmp}/folder'],
     'is not a regular file'),
    ('run-userdata-twice', ['run-instances', '{image}', '-d', 'x', '-f', '{tmp}/small.txt'],
     '-d and -f both give user data'),
    ('run-private-ip-no-subnet', ['run-instances', '{image}', '--private-ip-address', '10.0.0.5'],
     'need -s SUBNET'),
    ('run-bad-private-ip', ['run-instances', '{image}', '-s', 'subnet-1a2b3c4d', '--private-ip-address', '10.0.0.300'],
     "'10.0.0.300' is not an IPv4 address"),
    ('run-unknown-option', ['run-instances', '{image}', '--bogus'],
     'unknown option --bogus'),
    ('euca-run-bad-count', ['euca-run-instances', '{image}', '--instance-count', '1-0'],
     'MIN is more than MAX'),
    ('terminate-no-ids', ['terminate-instances', '--yes'],
     'missing INSTANCE'),
    ('terminate-volume-id', ['terminate-instances', 'vol-1a2b3c4d'],
     "'vol-1a2b3c4d' is not an instance ID"),
    ('stop-unknown', ['stop-instances', 'i-0123456789abcdef0'],
     'no instance i-0123456789abcdef0 here'),
    ('reboot-bad-id', ['reboot-instances', 'i-zz'],
     "'i-zz' is not an instance ID"),
    ('start-unknown-flag', ['start-instances', '{web1}', '-f'],
     'unknown option -f'),
    ('console-missing', ['euca-get-console-output'],
     'missing INSTANCE'),
]

FILES = {"small.txt": b"#!/bin/sh\n", "big.txt": b"x" * (16 * 1024 + 1), "folder": None}

test_instances_refused = refusals(CASES, FILES)
