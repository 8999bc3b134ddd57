"""Malformed input to volumes and snapshots: create, attach, detach, delete.

Each is refused with one line and exit 2, the cloud unchanged. The table runs as
tests/support/malformed.py describes: one real process, the seeded cloud of
tests/support/safety_world.py, ``{name}`` standing for its resources.
"""

from __future__ import annotations

from malformed import refusals
from safety_world import world  # noqa: F401 - the seeded cloud (module scope)

CASES = [
    ('create-volume-give-size-gib', ['create-volume', '-z', 'us-east-1a'],
     'give a size (-s GiB) or a snapshot'),
    ('create-volume-gib-is-out', ['create-volume', '-s', '0', '-z', 'us-east-1a'],
     '0 GiB is out of range (expected 1 to 16384)'),
    ('create-volume-16385-gib-is', ['create-volume', '-s', '16385', '-z', 'us-east-1a'],
     '16385 GiB is out of range'),
    ('create-volume-ten-is-not', ['create-volume', '-s', 'ten', '-z', 'us-east-1a'],
     "'ten' is not a size"),
    ('create-volume-missing-zone', ['create-volume', '-s', '1'],
     'missing -z ZONE'),
    ('create-volume-zone-mars-1z', ['create-volume', '-s', '1', '-z', 'mars-1z'],
     "zone 'mars-1z' does not exist here (zones: "),
    ('create-volume-snap-zz-is', ['create-volume', '--snapshot', 'snap-zz', '-z', 'us-east-1a'],
     "'snap-zz' is not a snapshot ID"),
    ('create-volume-no-snapshot-snap', ['create-volume', '--snapshot', 'snap-0badf00d', '-z', 'us-east-1a'],
     'no snapshot snap-0badf00d here'),
    ('create-volume-is-smaller-than', ['create-volume', '-s', '1', '--snapshot', '{spare_snap}', '-z', 'us-east-1a'],
     "-s 1 is smaller than {spare_snap}'s 10 GiB"),
    ('create-volume-iops-needs-type', ['create-volume', '-s', '1', '-z', 'us-east-1a', '--iops', '100'],
     '--iops needs --type'),
    ('attach-volume-dev-foo-is', ['attach-volume', '-i', '{web1}', '-d', '/dev/foo', '{scratch_a}'],
     "'/dev/foo' is not a device name"),
    ('attach-volume-dev-sdg-reboot', ['attach-volume', '-i', '{web1}', '-d', '/dev/sdg;reboot', '{scratch_a}'],
     "'/dev/sdg;reboot' is not a device"),
    ('attach-volume-xyz-is-not', ['attach-volume', '-i', 'i-xyz', '-d', '/dev/sdg', '{scratch_a}'],
     "'i-xyz' is not an instance ID"),
    ('attach-volume-no-instance-0badf00d', ['attach-volume', '-i', 'i-0badf00d', '-d', '/dev/sdg', '{scratch_a}'],
     'no instance i-0badf00d here'),
    ('attach-volume-missing-instance', ['attach-volume', '-d', '/dev/sdg', '{scratch_a}'],
     'missing -i INSTANCE'),
    ('detach-volume-is-attached-to', ['detach-volume', '{web1_data}', '-i', '{web2}'],
     'is attached to {web1}, not {web2}'),
    ('delete-volume-no-volume-vol', ['delete-volume', 'vol-0badf00d', '--yes'],
     'no volume vol-0badf00d here'),
    ('create-snapshot-is-not-description', ['create-snapshot', '-d', 'bell\x07', '{scratch_a}'],
     'is not a description'),
    ('delete-snapshot-no-snapshot-snap', ['delete-snapshot', 'snap-0badf00d', '--yes'],
     'no snapshot snap-0badf00d here'),
]

test_volumes_refused = refusals(CASES)
