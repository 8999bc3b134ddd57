"""Malformed input to register and deregister.

Each is refused with one line and exit 2, the cloud unchanged. The table runs as
tests/support/malformed.py describes: one real process, the seeded cloud of
tests/support/safety_world.py, ``{name}`` standing for its resources.
"""

from __future__ import annotations

from malformed import refusals
from safety_world import world  # noqa: F401 - the seeded cloud (module scope)

CASES = [
    ('register-nothing', ['register', '-n', 'some-name'],
     'give a MANIFEST location or --snapshot SNAP'),
    ('register-image-file', ['register', 'bucket/disk.img'],
     "'bucket/disk.img' is not a manifest location"),
    ('register-both', ['register', 'bucket/x.manifest.xml', '--snapshot', '{snap}', '-n', 'both-ways'],
     '(exactly one)'),
    ('register-snapshot-no-name', ['euca-register', '--snapshot', '{snap}'],
     'missing -n NAME'),
    ('register-short-name', ['register', '--snapshot', '{snap}', '-n', 'ab'],
     "'ab' is not an image name"),
    ('register-arch', ['register', 'bucket/x.manifest.xml', '-a', 'sparc'],
     'one of i386, x86_64'),
    ('register-root-device', ['register', '--snapshot', '{snap}', '-n', 'good-name', '--root-device-name', 'sda1'],
     "'sda1' is not a device name"),
    ('register-unknown-snapshot', ['register', '--snapshot', 'snap-0123456789abcdef0', '-n', 'good-name'],
     'no snapshot snap-0123456789abcdef0 here'),
    ('deregister-bad-id', ['deregister', 'emi-nothex00', '--yes'],
     "'emi-nothex00' is not an image ID"),
]

test_images_refused = refusals(CASES)
