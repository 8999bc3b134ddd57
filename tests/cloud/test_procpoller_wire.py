"""What crosses from the poller child to the UI is a flat tuple the cyclic GC stops following."""

from __future__ import annotations

import gc
import pickle
from types import MappingProxyType

from cloudshell.cloud.inventory import Change, Record
from cloudshell.cloud.procpoller import NO_ROWS, _wire


def test_a_wired_record_is_untracked_after_one_young_collection_and_unpacks_whole() -> None:
    fields = {"id": "i-1", "name": "web", "state": "running", "zone": "zone-a"}
    rec = Record("instances", "i-1", "web", "running", "zone-a", MappingProxyType(fields), {"InstanceId": "i-1"})
    wired = pickle.loads(pickle.dumps(_wire(rec)))       # as the bridge thread receives it
    gc.collect(0)
    assert not gc.is_tracked(wired)
    got = NO_ROWS.updated([wired], ())["i-1"]
    assert (got.kind, got.id, got.name, got.state, got.zone) == ("instances", "i-1", "web", "running", "zone-a")
    assert list(got.fields.items()) == list(fields.items())   # the columns' order kept
    assert dict(got.raw) == {"InstanceId": "i-1"}


def test_a_change_is_one_object_and_crosses_the_pipe_equal() -> None:
    change = Change("instances", "i-1", "changed", (("state", "pending", "running"),), 5.0, "web")
    assert not hasattr(change, "__dict__")
    assert pickle.loads(pickle.dumps(change)) == change
