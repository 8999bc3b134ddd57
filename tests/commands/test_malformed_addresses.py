"""Malformed input to allocate, associate, disassociate and release addresses.

Each is refused with one line and exit 2, the cloud unchanged. The table runs as
tests/support/malformed.py describes: one real process, the seeded cloud of
tests/support/safety_world.py, ``{name}`` standing for its resources.
"""

from __future__ import annotations

from malformed import refusals
from safety_world import world  # noqa: F401 - the seeded cloud (module scope)

CASES = [
    ('allocate-domain', ['allocate-address', '-d', 'moon'],
     "must be one of vpc, standard, not 'moon'"),
    ('associate-no-instance', ['associate-address', '{free_address}'],
     'missing -i INSTANCE'),
    ('associate-bad-ip', ['associate-address', '-i', '{web1}', '300.1.2.3'],
     "'300.1.2.3' is not an IPv4 address"),
    ('associate-no-address', ['associate-address', '-i', '{web1}'],
     'missing ADDRESS (or -a ALLOC)'),
    ('disassociate-bad', ['disassociate-address', 'web-1'],
     "'web-1' is not an IPv4 address"),
    ('release-short-ip', ['release-address', '10.0.0', '--yes'],
     "'10.0.0' is not an IPv4 address"),
    ('release-unknown', ['release-address', '203.0.113.77', '--yes'],
     'no address 203.0.113.77 here'),
]

test_addresses_refused = refusals(CASES)
