"""The one completer over an inventory: commands, options, and live IDs aware of command and option.

Most cases run over the demo cloud as moto serves it (fetched once for the
module: the inventory is immutable); the scale cases over synthetic 100,000-ID
snapshots.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time

import pytest
from conftest import RANDOM_SEED

from cloudshell.cloud.demo import seed
from cloudshell.cloud.inventory import EMPTY, Inventory, Record, fetch
from cloudshell.cloud.kinds import KINDS
from cloudshell.cloud.session import CloudSession
from cloudshell.commands import registry
from cloudshell.commands.registry import GROUP, RESOURCE, Param, Registry
from cloudshell.completion import LIMIT, complete, prepare


@pytest.fixture(scope="module")
def demo(moto_server):
    """(inventory, facts) of the seeded demo cloud, fetched once through the real session layer."""
    moto_server.reset(random_seed=RANDOM_SEED)
    session = CloudSession.for_url(moto_server.url)
    try:
        facts = seed(session)
        inv = fetch(session)
    finally:
        session.close()
    return inv, facts


def texts(line, inv, reg=None, **kw):
    return [c.text for c in complete(line, inv, reg or registry(), **kw)]


def by_text(line, inv, reg=None):
    return {c.text: c for c in complete(line, inv, reg or registry())}


# -- command names -----------------------------------------------------------------------

def test_command_names_by_prefix_then_substring(demo):
    inv, _ = demo
    assert texts("attach-vo", inv) == ["attach-volume"]      # one hit: Tab completes it whole
    assert texts("euca-attach-vo", inv) == ["euca-attach-volume"]
    found = complete("attach-vo", inv, registry())[0]
    assert found.start_position == -9 and "volume" in found.meta.lower()
    assert set(texts("att", inv)) == {"attach-volume", "attach-internet-gateway", "attach-network-interface",
                                      "attach-vpn-gateway"}
    some = texts("volume", inv)                         # no command starts so: substring
    assert {"attach-volume", "detach-volume", "describe-volumes"} <= set(some)
    assert not [t for t in some if t.startswith("euca-")]
    every = texts("", inv, extra={"exit": "leave"})
    assert "describe-instances" in every and "exit" in every
    assert not [t for t in every if t.startswith("euca-")]  # aliases only once asked for
    assert texts("dvolumes", inv) == ["describe-volumes"]  # fuzzy, when nothing else matches
    assert "describe-instances" in texts("dinstances", inv)  # (describe-instance-status/-types are as near)
    assert texts("frobnicate-", inv) == []
    assert texts("nosuch ", inv) == []                  # unknown command: nothing to offer


def test_help_completes_command_names(demo):
    inv, _ = demo
    assert texts("help attach-vo", inv) == ["attach-volume"]


# -- values aware of the command and the option -----------------------------------------

def test_attach_volume_offers_only_available_volumes_with_name_state_zone(demo):
    inv, facts = demo
    found = by_text("attach-volume ", inv)
    assert set(found) == {v.id for v in facts.available_volumes}
    scratch = facts.volume("scratch-a")
    meta = found[scratch.id].meta
    assert "scratch-a" in meta and "available" in meta and scratch.zone in meta


def test_attach_volume_instance_is_in_the_volume_zone_and_device_is_free(demo):
    inv, facts = demo
    vol = facts.volume("scratch-b")
    offered = set(texts(f"attach-volume {vol.id} -i ", inv))
    in_zone = {i.id for i in facts.instances if i.zone == vol.zone}
    running_in_zone = {i.id for i in facts.instances if i.zone == vol.zone and i.state == "running"}
    assert offered and offered <= in_zone and running_in_zone <= offered
    # Typed the other way round (-i first) the volume still comes from the available ones.
    web1 = facts.instance("web-1")
    assert set(texts(f"attach-volume -i {web1.id} ", inv)) == {v.id for v in facts.available_volumes}
    # web-1 has its root on /dev/sda1 and web-1-data on /dev/sdf: neither is offered.
    devices = texts(f"attach-volume {vol.id} -i {web1.id} -d ", inv)
    assert "/dev/sdf" not in devices and "/dev/sda" not in devices and "/dev/sdg" in devices
    meta = by_text(f"attach-volume {vol.id} -i {web1.id} -d /dev/sd", inv)["/dev/sdg"].meta
    assert web1.id in meta and "web-1" in meta
    assert texts(f"attach-volume {vol.id} -i {web1.id} -d sdh", inv) == ["/dev/sdh"]


def test_detach_offers_attached_volumes_and_associate_free_addresses(demo):
    inv, facts = demo
    detachable = set(texts("detach-volume ", inv))
    assert {v.id for v in facts.attached_volumes} <= detachable
    assert not detachable & {v.id for v in facts.available_volumes}
    assert texts("associate-address ", inv) == [facts.free_address]
    assert texts("disassociate-address ", inv) == [facts.address]
    running = {i.id for i in facts.instances if i.state == "running"}
    assert set(texts(f"associate-address {facts.free_address} -i ", inv)) == running


def test_run_instances_images_groups_keypairs_zones(demo):
    inv, facts = demo
    images = texts("run-instances ", inv)
    machine = set(facts.images.values())
    assert set(images[:len(machine)]) == machine       # machine images first
    assert facts.kernel_id in images[len(machine):]     # the rest after them
    assert texts("run-instances emi --kernel ", inv) in ([facts.kernel_id],)
    assert texts(f"run-instances {images[0]} --ramdisk ", inv) == [facts.ramdisk_id]
    assert facts.group_name in texts(f"run-instances {images[0]} -g ", inv)   # groups by name
    assert texts(f"run-instances {images[0]} -g web", inv) == [facts.group_name]
    assert texts(f"run-instances {images[0]} -k ", inv) == [facts.keypair]
    assert set(facts.zones) <= set(texts(f"run-instances {images[0]} -z ", inv))
    assert "m1.small" in texts(f"run-instances {images[0]} -t m1", inv)


def test_stop_start_narrow_by_state_and_name_tags_match(demo):
    inv, facts = demo
    assert set(texts("stop-instances ", inv)) == {i.id for i in facts.instances if i.state == "running"}
    assert set(texts("start-instances ", inv)) == {i.id for i in facts.instances if i.state == "stopped"}
    # Typing a Name tag finds the ID; the text replaces what was typed.
    found = complete("describe-instances web", inv, registry())
    assert {c.text for c in found} == {facts.instance("web-1").id, facts.instance("web-2").id}
    assert all(c.start_position == -3 for c in found)
    # A piece from the middle of an ID finds it too.
    target = facts.instance("db-1").id
    assert target in texts(f"describe-instances {target[5:12]}", inv)


def test_repeated_ids_are_not_offered_twice_and_resource_spans_kinds(demo):
    inv, facts = demo
    first = facts.instance("web-1").id
    assert first not in texts(f"describe-instances {first} ", inv)
    tagged = set(texts("create-tags ", inv, limit=500))
    assert first in tagged and facts.volume("scratch-a").id in tagged and facts.group_id in tagged
    assert facts.kernel_id in tagged and next(iter(facts.snapshots)) in tagged


def test_wait_offers_states_of_the_kind_given(demo):
    inv, facts = demo
    states = texts(f"wait {facts.volume('scratch-a').id} ", inv)
    assert "in-use" in states and "available" in states and "running" not in states
    assert set(texts(f"wait {facts.instance('web-1').id} st", inv)) == {"stopped", "stopping"}


def test_options_required_first_used_ones_dropped_and_choices(demo):
    inv, facts = demo
    vol = facts.volume("scratch-a").id
    opts = complete(f"attach-volume {vol} ", inv, registry())
    assert [c.text for c in opts[:4]] == ["-i", "--instance", "-d", "--device"]
    assert "(required)" in opts[0].meta and opts[0].display == "-i INSTANCE"
    rest = texts(f"attach-volume {vol} -i {facts.instance('web-1').id} -", inv)
    assert "-i" not in rest and "--instance" not in rest and "-d" in rest and "--yes" in rest
    assert texts("describe-volumes --output ", inv) == ["table", "json", "text", "tsv", "euca"]
    assert texts("describe-volumes --output=j", inv) == ["json"]
    assert texts("describe-volumes --nosuch ", inv) == texts("describe-volumes ", inv)


def test_empty_inventory_completes_commands_but_no_ids():
    assert texts("attach-volume vol-", EMPTY) == []
    offered = texts("attach-volume ", EMPTY)        # no value known yet: the options instead
    assert offered and all(t.startswith("-") for t in offered)
    assert texts("attach-vo", EMPTY) == ["attach-volume"]


def test_a_kind_fetched_but_empty_offers_options_not_a_crash():
    none = EMPTY.replace_kind("volumes", {}).replace_kind("instances", {})
    offered = texts("describe-volumes ", none)
    assert offered and all(t.startswith("-") for t in offered)
    assert texts("attach-volume vol-", none) == []


# -- private registries: quoting, zone_of/device_of as declared ---------------------------

def _group(name: str, gid: str, description: str = "") -> Record:
    return Record.from_raw(KINDS["groups"], {"GroupName": name, "GroupId": gid, "Description": description})


def test_names_with_spaces_are_quoted_and_control_characters_never_shown():
    reg = Registry()
    reg.command("authorize", "security groups", "Open a port.",
                params=(Param("group", kind=GROUP, metavar="GROUP"),))(lambda ctx, inv: None)
    groups = {g.id: g for g in (_group("web servers", "sg-11111111", "front\x1b[31m end"),
                                _group("db", "sg-22222222"))}
    inv = Inventory().replace_kind("groups", groups)
    found = {c.display: c for c in complete("authorize w", inv, reg)}
    assert found["web servers"].text == "'web servers'"
    assert "\x1b" not in found["web servers"].meta and "sg-11111111" in found["web servers"].meta
    # A quote already open is replaced whole.
    assert [c.text for c in complete("authorize 'web s", inv, reg)] == ["'web servers'"]
    assert [c.start_position for c in complete("authorize 'web s", inv, reg)] == [-6]


def test_snapshot_swap_is_seen_at_once():
    reg = Registry()
    reg.command("tag", "tags", "Tag.", params=(Param("ids", kind=RESOURCE, nargs="+"),))(lambda c, i: None)
    vol = {"VolumeId": "vol-00000001", "State": "available", "AvailabilityZone": "z"}
    one = Inventory().replace_kind("volumes", {"vol-00000001": Record.from_raw(KINDS["volumes"], vol)})
    assert [c.text for c in complete("tag vol-", one, reg)] == ["vol-00000001"]
    vol2 = dict(vol, VolumeId="vol-00000002")
    two = one.patch("volumes", {"vol-00000002": Record.from_raw(KINDS["volumes"], vol2)})
    assert [c.text for c in complete("tag vol-", two, reg)] == ["vol-00000001", "vol-00000002"]
    assert [c.text for c in complete("tag vol-", one, reg)] == ["vol-00000001"]   # old one unchanged


# -- 100,000 IDs ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def big():
    rng = random.Random(3)
    recs = {}
    for n in range(100_000):
        iid = f"i-{rng.getrandbits(68):017x}"[:19]
        raw = {"InstanceId": iid, "State": {"Name": "running" if n % 4 else "stopped"},
               "Placement": {"AvailabilityZone": f"zone-{n % 2}"},
               "Tags": [{"Key": "Name", "Value": f"node-{n}"}]}
        recs[iid] = Record.from_raw(KINDS["instances"], raw)
    inv = Inventory().replace_kind("instances", recs)
    prepare(inv)
    return inv, sorted(recs)


def test_100k_ids_prefix_is_sorted_bounded_and_exact(big):
    inv, ids = big
    first = texts("describe-instances ", inv)
    assert first == ids[:LIMIT]
    target = ids[54_321]
    assert texts(f"describe-instances {target}", inv) == [target]
    two = target[:6]
    assert texts(f"describe-instances {two}", inv) == [i for i in ids if i.startswith(two)][:LIMIT]
    assert texts("describe-instances node-99999", inv) == [i for i in ids if inv.get(i).name == "node-99999"]
    stopped = set(texts("start-instances ", inv))
    assert len(stopped) == LIMIT and all(inv.get(i).state == "stopped" for i in stopped)
    assert texts("describe-instances zzzz", inv) == []


def test_100k_ids_keystroke_cost_is_small(big):
    """A coarse guard (CPU time, generous bound); bench/bench_completion.py measures properly."""
    inv, ids = big
    line = f"describe-instances {ids[77_777]}"
    costs = []
    for n in range(len("describe-instances "), len(line) + 1):
        start = time.thread_time()
        complete(line[:n], inv, registry())
        costs.append(time.thread_time() - start)
    costs.sort()
    assert costs[len(costs) // 2] < 0.010, costs


def test_the_completer_imports_no_ui_toolkit():
    """The monitor's command bar and the REPL share it: it must stay free of both toolkits."""
    code = ("import sys, cloudshell.completion as c; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('prompt_toolkit', 'textual')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_awscli_list_options_offer_ids_for_every_word_then_options(demo):
    inv, facts = demo
    first, second = sorted(i.id for i in facts.instances)[:2]
    assert "--instance-ids" in texts("describe-instances --inst", inv)
    assert first in texts("describe-instances --instance-ids ", inv)
    more = texts(f"describe-instances --instance-ids {first} {second} ", inv)
    assert more and not {first, second} & set(more) and set(more) <= {i.id for i in facts.instances}
    assert "--output" in texts(f"describe-instances --instance-ids {first} --", inv)
    assert {"--filters", "--max-items", "--no-paginate", "--cli-input-json"} <= \
        set(texts("describe-volumes --", inv))


def test_a_sweep_changing_some_records_completes_exactly_as_a_fresh_index():
    """The next snapshot's index starts from the last one (only the groups changed records
    left or joined are rebuilt): what it offers equals what a whole rebuild offers."""
    def instance(n, state, name=None, zone=None):
        raw = {"InstanceId": f"i-{n:08x}", "State": {"Name": state},
               "Placement": {"AvailabilityZone": zone or f"zone-{n % 2}"},
               "Tags": [{"Key": "Name", "Value": name or f"node-{n}"}]}
        return Record.from_raw(KINDS["instances"], raw)

    first = Inventory().replace_kind("instances", {r.id: r for r in (
        instance(n, "running" if n % 3 else "stopped") for n in range(600))})
    prepare(first)
    changed = {r.id: r for r in (instance(n, "stopped") for n in range(1, 60, 3))}          # running → stopped
    changed |= {r.id: r for r in (instance(n, "running", zone="zone-9") for n in range(0, 30, 3))}  # new zone
    changed |= {r.id: r for r in (instance(n, "pending", name=f"ünïcode-{n}") for n in range(600, 605))}
    second = first.patch("instances", changed, removed=[f"i-{n:08x}" for n in range(100, 110)])
    fresh = Inventory().replace_kind("instances", {rid: instance(int(rid[2:], 16), r.state, r.name, r.zone)
                                                   for rid, r in second.of("instances").items()})
    lines = ["describe-instances ", "start-instances ", "stop-instances ", "describe-instances i-0000006",
             "describe-instances node-1", "describe-instances ünï", "describe-instances zone-9",
             "describe-instances i-0000006a", "terminate-instances i-000002"]
    incremental = {line: texts(line, second) for line in lines}
    assert "i-00000064" not in incremental["describe-instances i-0000006"]     # removed: not offered
    assert "i-00000001" in incremental["start-instances "] or len(incremental["start-instances "]) == LIMIT
    assert incremental["describe-instances ünï"] == [f"i-{n:08x}" for n in range(600, 605)]
    assert {line: texts(line, fresh) for line in lines} == incremental
    assert texts("describe-instances ", first) == sorted(first.of("instances"))[:LIMIT]   # the old one unchanged
