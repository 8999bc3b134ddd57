"""Malformed input to ssh (user names, ports, addresses, identity files an ssh command line could be made of).

Each is refused with one line and exit 2, the cloud unchanged. The table runs as
tests/support/malformed.py describes: one real process, the seeded cloud of
tests/support/safety_world.py, ``{name}`` standing for its resources.
"""

from __future__ import annotations

from malformed import refusals
from safety_world import world  # noqa: F401 - the seeded cloud (module scope)

CASES = [
    ('ssh-root-touch-tmp', ['ssh', '{web1}', '--user', 'root; touch /tmp/pwned'],
     "'root; touch /tmp/pwned' is not a user name"),
    ('ssh-port-is-out', ['ssh', '{web1}', '--port', '0'],
     'port 0 is out of range (expected 1-65535)'),
    ('ssh-is-not-an', ['ssh', '{web1}', '--address', '-oProxyCommand=touch /tmp/pwned'],
     'is not an address'),
    ('ssh-nonexistent-key-pem', ['ssh', '{web1}', '-i', '/nonexistent/key.pem'],
     "'/nonexistent/key.pem': no such file"),
]

test_ssh_refused = refusals(CASES)
