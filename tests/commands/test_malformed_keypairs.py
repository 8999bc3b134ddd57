"""Malformed input to create, import and delete keypairs (no key file may appear).

Each is refused with one line and exit 2, the cloud unchanged. The table runs as
tests/support/malformed.py describes: one real process, the seeded cloud of
tests/support/safety_world.py, ``{name}`` standing for its resources.
"""

from __future__ import annotations

from malformed import refusals
from safety_world import world  # noqa: F401 - the seeded cloud (module scope)

CASES = [
    ('create-keypair-no-folder-nonexistent', ['create-keypair', '-f', '/nonexistent-dir/k.pem', 'k'],
     "no folder '/nonexistent-dir' for the key file"),
    ('import-keypair-nonexistent-pub-no', ['import-keypair', 'k', '-f', '/nonexistent.pub'],
     "'/nonexistent.pub': no such file"),
    ('import-keypair-holds-private-key', ['import-keypair', 'k', '-f', '{tmp}/private.pem'],
     'holds a PRIVATE key'),
    ('import-keypair-is-not-an', ['import-keypair', 'k', '-f', '{tmp}/garbage.pub'],
     'is not an OpenSSH public key'),
    ('import-keypair-the-key-data', ['import-keypair', 'k', '-f', '{tmp}/damaged.pub'],
     'the key data is damaged'),
    ('delete-keypair-no-keypair-nosuchkey', ['delete-keypair', 'nosuchkey', '--yes'],
     'no keypair nosuchkey here'),
]

FILES = {"private.pem": b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----\n",
         "garbage.pub": b"hello, I am not a key\n",
         "damaged.pub": b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIbad me@host\n"}

test_keypairs_refused = refusals(CASES, FILES)
