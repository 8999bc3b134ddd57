"""Malformed input to create-tags, delete-tags and describe-tags.

Each is refused with one line and exit 2, the cloud unchanged. The table runs as
tests/support/malformed.py describes: one real process, the seeded cloud of
tests/support/safety_world.py, ``{name}`` standing for its resources.
"""

from __future__ import annotations

from malformed import refusals
from safety_world import world  # noqa: F401 - the seeded cloud (module scope)

CASES = [
    ('tags-no-tag', ['create-tags', '{web1}'],
     'missing --tag KEY[=VALUE]'),
    ('tags-empty-key', ['create-tags', '{web1}', '--tag', '=value'],
     "'=value' has no key"),
    ('tags-reserved', ['create-tags', '{web1}', '--tag', 'aws:x=1'],
     'keys starting with aws: are reserved'),
    ('tags-no-resource', ['create-tags', '--tag', 'a=b'],
     'missing RESOURCE'),
    ('tags-twice', ['create-tags', '{web1}', '--tag', 'a=1', '--tag', 'a=2'],
     '--tag a given twice'),
    ('tags-unknown-instance', ['euca-create-tags', 'i-0123456789abcdef0', '--tag', 'a=b'],
     'no instance i-0123456789abcdef0 here'),
    ('untag-bad-id', ['delete-tags', 'web-1', '--tag', 'a', '--yes'],
     "'web-1' is not a resource ID"),
    ('describe-tags-filter', ['describe-tags', '--filter', 'nonsense'],
     "'nonsense' is not a filter"),
]

test_tags_refused = refusals(CASES)
