"""Malformed input to security groups: create, authorize, revoke, delete.

Each is refused with one line and exit 2, the cloud unchanged. The table runs as
tests/support/malformed.py describes: one real process, the seeded cloud of
tests/support/safety_world.py, ``{name}`` standing for its resources.
"""

from __future__ import annotations

from malformed import refusals
from safety_world import world  # noqa: F401 - the seeded cloud (module scope)

CASES = [
    ('create-group-missing-description', ['create-group', 'web'],
     'missing -d DESCRIPTION'),
    ('create-group-names-may-not', ['create-group', '-d', 'x', 'sg-web'],
     'names may not start with sg-'),
    ('authorize-host-bits-set', ['authorize', 'mygroup', '-P', 'tcp', '-p', '22', '-s', '10.0.0.1/8'],
     'host bits set (did you mean 10.0.0.0/8?)'),
    ('authorize-10-is-not', ['authorize', 'mygroup', '-P', 'tcp', '-p', '22', '-s', '10.0.0.0'],
     "'10.0.0.0' is not a CIDR block"),
    ('authorize-tcpp-is-not', ['authorize', 'mygroup', '-P', 'tcpp', '-p', '22', '-s', '0.0.0.0/0'],
     "'tcpp' is not a protocol"),
    ('authorize-port-70000-is', ['authorize', 'mygroup', '-P', 'tcp', '-p', '70000', '-s', '0.0.0.0/0'],
     'port 70000 is out of range'),
    ('authorize-the-low-port', ['authorize', 'mygroup', '-P', 'tcp', '-p', '90-80', '-s', '0.0.0.0/0'],
     'the low port is above the high one'),
    ('authorize-udp-needs-port', ['authorize', 'mygroup', '-P', 'udp', '-s', '0.0.0.0/0'],
     '-P udp needs -p PORT[-PORT]'),
    ('authorize-256-is-not', ['authorize', 'mygroup', '-P', 'icmp', '-t', '8:256', '-s', '0.0.0.0/0'],
     "'8:256' is not an ICMP type:code"),
    ('authorize-icmp-takes-type', ['authorize', 'mygroup', '-P', 'icmp', '-p', '22', '-s', '0.0.0.0/0'],
     '-P icmp takes -t TYPE:CODE, not -p'),
    ('authorize-give-source-cidr', ['authorize', 'mygroup', '-P', 'tcp', '-p', '22'],
     'give a source: -s CIDR'),
    ('authorize-123456789012-names-the', ['authorize', 'mygroup', '-P', 'tcp', '-p', '22', '-u', '123456789012', '-s', '0.0.0.0/0'],
     '-u 123456789012 names the owner'),
    ('authorize-no-security-group', ['authorize', 'nosuchgroup', '-P', 'tcp', '-p', '22', '-s', '0.0.0.0/0'],
     "no security group named 'nosuchgroup'"),
    ('revoke-is-for-icmp', ['revoke', 'mygroup', '-P', 'tcp', '-p', '22', '-t', '8:0', '-s', '0.0.0.0/0'],
     '-t 8:0 is for -P icmp'),
    ('delete-group-sg-nothex-is', ['delete-group', 'sg-nothex', '--yes'],
     "'sg-nothex' is not a security group ID"),
]

test_groups_refused = refusals(CASES)
