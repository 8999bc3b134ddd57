"""Malformed input to wait.

Each is refused with one line and exit 2, the cloud unchanged. The table runs as
tests/support/malformed.py describes: one real process, the seeded cloud of
tests/support/safety_world.py, ``{name}`` standing for its resources.
"""

from __future__ import annotations

from malformed import refusals
from safety_world import world  # noqa: F401 - the seeded cloud (module scope)

CASES = [
    ('wait-typo-state', ['wait', '{web1}', 'runing'],
     "'runing' is not a state of instances"),
    ('wait-group', ['wait', 'sg-1a2b3c4d', 'available'],
     'sg-1a2b3c4d is not an instance, volume, snapshot'),
    ('wait-zero-timeout', ['wait', '{web1}', 'running', '--timeout', '0'],
     "'0' is not a timeout"),
    ('wait-word-timeout', ['wait', '{web1}', 'running', '--timeout', 'soon'],
     "'soon' is not a timeout"),
    ('wait-no-state', ['wait', '{web1}'],
     'missing STATE'),
]

test_wait_refused = refusals(CASES)
