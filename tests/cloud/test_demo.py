"""The demo endpoint: moto's server as a child that never outlives us, and the seeded cloud."""

from __future__ import annotations

import collections
import http.client
import importlib.util
import os
import selectors
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from cloudshell.cloud import demo
from cloudshell.cloud.demo import (
    ACTIVITY_TAG, IMAGE_TYPE_TAG, KERNEL_TAG, RAMDISK_TAG, DemoActivity, DemoCloud, MotoServer, seed,
)
from cloudshell.cloud.demo.server import SERVER_MODULE
from cloudshell.cloud.errors import CloudError, ConfigError
from cloudshell.cloud.session import CloudSession

ROOT = Path(__file__).resolve().parents[2]
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


# -- helpers ---------------------------------------------------------------------


def wait_for(condition, timeout: float = 10.0, interval: float = 0.02, what: str = "condition"):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    event = threading.Event()
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        event.wait(interval)  # a pause between polls, not a wait for the result


def process_gone(pid: int) -> bool:
    """No such process, or only its zombie (dead, waiting for a reaper)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def is_moto(pid: int) -> bool:
    try:
        return SERVER_MODULE.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def answers(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=2)
    try:
        conn.request("GET", "/moto-api/")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def kill_leftover(pid: int | None) -> None:
    """If a test failed with moto still alive, do not leave it behind."""
    if pid and not process_gone(pid) and is_moto(pid):
        os.kill(pid, signal.SIGKILL)


def read_line(proc: subprocess.Popen[str], timeout: float = 30.0) -> str:
    """One line of the child's stdout, or fail with its stderr after ``timeout``."""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout):
            proc.kill()
            pytest.fail(f"child printed nothing in {timeout}s; stderr: {proc.stderr.read()}")
    line = proc.stdout.readline()
    if not line:
        proc.wait()
        pytest.fail(f"child exited ({proc.returncode}) early; stderr: {proc.stderr.read()}")
    return line.strip()


def child_env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get(
        "PYTHONPATH", "")])))


# A cloudshell stand-in: starts a MotoServer, says where, then waits to be killed.
CHILD = textwrap.dedent("""
    import signal, subprocess, sys, threading
    from cloudshell.cloud.demo import MotoServer

    mode = sys.argv[1]
    if mode == "chained":
        def on_term(signum, frame):
            print("previous handler ran", flush=True)
            sys.exit(3)
        signal.signal(signal.SIGTERM, on_term)
    server = MotoServer()
    if mode == "thread":
        # Started from a worker thread that then ends, as a UI worker would.
        worker = threading.Thread(target=server.start)
        worker.start()
        worker.join()
        try:
            server._proc.wait(timeout=1.0)
            print("died with its starting thread", flush=True)
        except subprocess.TimeoutExpired:
            pass
    else:
        server.start()
    print(server.pid, server.url, flush=True)
    if mode == "exit":
        sys.exit(0)   # no stop(): atexit must do it
    sys.stdin.read()  # wait to be signalled
""")


def start_child(mode: str) -> tuple[subprocess.Popen[str], int, str]:
    proc = subprocess.Popen([sys.executable, "-c", CHILD, mode], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=child_env())
    line = read_line(proc)
    assert "died" not in line, line
    pid_text, url = line.split()
    moto_pid = int(pid_text)
    if mode != "exit":  # that one is already on its way out
        assert is_moto(moto_pid), "the printed pid is not moto's server"
        assert answers(url)
    return proc, moto_pid, url


# -- the server ------------------------------------------------------------------


@linux_only
def test_server_starts_answers_and_stops() -> None:
    server = MotoServer()
    try:
        url = server.start()
        assert url.startswith("http://127.0.0.1:")
        assert server.running and answers(url)
        assert is_moto(server.pid)
        # Its own process group: Ctrl-C at the terminal must not reach it directly.
        assert os.getpgid(server.pid) == server.pid != os.getpgrp()
        # Started without the stock AMIs, and quiet: stdin is not the terminal.
        environ = Path(f"/proc/{server.pid}/environ").read_bytes().split(b"\0")
        assert b"MOTO_EC2_LOAD_DEFAULT_AMIS=false" in environ
        assert os.readlink(f"/proc/{server.pid}/fd/0") == "/dev/null"
        pid = server.pid
    finally:
        server.stop()
    assert not server.running
    wait_for(lambda: process_gone(pid), what="moto to exit")
    assert not answers(url)


@linux_only
def test_server_restarts_on_the_same_port() -> None:
    with MotoServer() as server:
        url, first_pid = server.url, server.pid
        server.stop()
        assert not answers(url)
        assert server.start() == url
        assert server.pid != first_pid and answers(url)
    assert process_gone(first_pid)
    wait_for(lambda: process_gone(server.pid), what="moto to exit")


def test_server_context_manager_stops_on_error() -> None:
    with pytest.raises(RuntimeError, match="boom"), MotoServer() as server:
        url = server.url
        assert answers(url)
        raise RuntimeError("boom")
    assert not server.running and not answers(url)


def test_server_log_goes_to_the_given_file(tmp_path) -> None:
    log = tmp_path / "logs" / "moto.log"
    with MotoServer(log_path=log) as server:
        server.reset()
    assert "POST /moto-api/reset" in log.read_text()


@linux_only
def test_a_forked_copy_does_not_stop_the_parents_server() -> None:
    with MotoServer() as server:
        pid = os.fork()
        if pid == 0:  # the child: what multiprocessing's fork would run
            try:
                server.stop()
                demo._stop_all()
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        assert server.running and answers(server.url)


def test_reset_empties_the_cloud(cloud) -> None:
    cloud.session.call("create_volume", AvailabilityZone="us-east-1a", Size=1)
    cloud.session.call("create_key_pair", KeyName="temp")
    assert cloud.session.call("describe_volumes")["Volumes"]
    cloud.server.reset()
    assert cloud.session.call("describe_volumes")["Volumes"] == []
    assert cloud.session.call("describe_key_pairs")["KeyPairs"] == []


def test_reset_with_a_random_seed_repeats_ids(cloud) -> None:
    ids = []
    for _ in range(2):
        cloud.server.reset(random_seed=7)
        ids.append(cloud.session.call("create_volume", AvailabilityZone="us-east-1a", Size=1)["VolumeId"])
    cloud.server.reset(random_seed=8)
    other = cloud.session.call("create_volume", AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    assert ids[0] == ids[1] != other


def test_missing_moto_is_a_config_error(monkeypatch) -> None:
    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        return None if name == "moto" else real_find_spec(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(ConfigError) as info:
        MotoServer().start()
    assert str(info.value) == "--demo needs moto's server: pip install 'cloudshell[demo]'"
    assert info.value.exit_code == 2


def test_failed_start_says_why_and_leaves_nothing() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = MotoServer(port=taken.getsockname()[1])
        started = time.monotonic()
        with pytest.raises(CloudError) as info:
            server.start(timeout=30)
    assert time.monotonic() - started < 25, "an exited child must be noticed, not waited out"
    assert info.value.code == "DemoServerFailed"
    assert "exited" in str(info.value) and "in use" in str(info.value)
    assert not server.running


def test_moto_is_never_imported_by_the_parent() -> None:
    code = textwrap.dedent("""
        import sys
        from cloudshell.cloud.demo import MotoServer
        assert "boto3" not in sys.modules, "demo must not import boto3 at import time"
        with MotoServer() as server:
            server.reset()
        print(sorted(m for m in sys.modules if m == "moto" or m.startswith(("moto.", "flask", "werkzeug"))))
    """)
    out = subprocess.run([sys.executable, "-c", code], env=child_env(), capture_output=True,
                         text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# -- no orphans ------------------------------------------------------------------


@linux_only
@pytest.mark.parametrize("mode, signum", [
    ("sigkill", signal.SIGKILL),      # PR_SET_PDEATHSIG
    ("sigterm", signal.SIGTERM),      # our handler, then the default action
    ("sighup", signal.SIGHUP),
    ("ctrl-c", signal.SIGINT),        # KeyboardInterrupt as usual, then atexit
    ("thread", signal.SIGKILL),       # started from a thread that already ended
])
def test_no_orphan_when_the_parent_is_killed(mode: str, signum: int) -> None:
    proc, moto_pid, _url = start_child(mode)
    try:
        proc.send_signal(signum)
        proc.wait(timeout=30)
        wait_for(lambda: process_gone(moto_pid), timeout=15, what=f"moto to die after {mode}")
    finally:
        proc.kill()
        proc.wait()
        kill_leftover(moto_pid)
    # The signal still did what it would have done without us.
    assert proc.returncode == -signum
    if mode == "ctrl-c":
        assert "KeyboardInterrupt" in proc.stderr.read()


@linux_only
def test_no_orphan_on_normal_exit() -> None:
    proc, moto_pid, _url = start_child("exit")
    try:
        assert proc.wait(timeout=30) == 0
        assert process_gone(moto_pid), "atexit must have stopped and reaped moto before exit"
    finally:
        kill_leftover(moto_pid)


@linux_only
def test_sigterm_chains_to_the_previous_handler() -> None:
    proc, moto_pid, _url = start_child("chained")
    try:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 3
        assert proc.stdout.read().strip() == "previous handler ran"
        assert process_gone(moto_pid), "moto must be stopped before the previous handler runs"
    finally:
        kill_leftover(moto_pid)


# -- the seeded cloud --------------------------------------------------------------


def _instances(session: CloudSession) -> list[dict]:
    return [i for page in session.pages("describe_instances")
            for r in page["Reservations"] for i in r["Instances"]]


def _name(resource: dict) -> str:
    return next((t["Value"] for t in resource.get("Tags", []) if t["Key"] == "Name"), "")


def test_seed_instances_by_zone_and_state(seeded) -> None:
    cloud, facts = seeded
    live = {i["InstanceId"]: i for i in _instances(cloud.session)}
    assert len(facts.instances) == len(live) == 10
    census = collections.Counter((i["Placement"]["AvailabilityZone"], i["State"]["Name"])
                                 for i in live.values())
    assert census == collections.Counter((i.zone, i.state) for i in facts.instances)
    assert census == {("us-east-1a", "running"): 4, ("us-east-1a", "stopped"): 1,
                      ("us-east-1b", "running"): 3, ("us-east-1b", "stopped"): 1,
                      ("us-east-1b", "terminated"): 1}
    names = sorted(_name(i) for i in live.values())
    assert names == sorted(i.name for i in facts.instances)
    assert {"web-1", "web-2", "db-1"} <= set(names)
    assert facts.instance("web-1").image_id == facts.images["centos-7-x86_64"]
    for inst in facts.instances:
        raw = live[inst.id]
        assert _name(raw) == inst.name
        assert raw["ImageId"] == inst.image_id and inst.image_id in facts.images.values()
        assert raw["KeyName"] == "testkey"
        assert raw["InstanceType"] == inst.instance_type
        if inst.state != "terminated":
            assert [g["GroupName"] for g in raw["SecurityGroups"]] == ["webservers"]


def test_seed_images_keypair_and_group(seeded) -> None:
    cloud, facts = seeded
    images = {img["Name"]: img for img in cloud.session.call("describe_images", Owners=["self"])["Images"]}
    assert set(images) == {"vmlinuz-4.4.0-x86_64", "initrd-4.4.0-x86_64",
                           "centos-7-x86_64", "ubuntu-16.04-server", "debian-9-amd64"}

    def tags(name: str) -> dict[str, str]:
        return {t["Key"]: t["Value"] for t in images[name]["Tags"]}

    assert images["vmlinuz-4.4.0-x86_64"]["ImageId"] == facts.kernel_id
    assert images["initrd-4.4.0-x86_64"]["ImageId"] == facts.ramdisk_id
    assert tags("vmlinuz-4.4.0-x86_64")[IMAGE_TYPE_TAG] == "kernel"
    assert tags("initrd-4.4.0-x86_64")[IMAGE_TYPE_TAG] == "ramdisk"
    for name in ("centos-7-x86_64", "ubuntu-16.04-server", "debian-9-amd64"):
        assert images[name]["ImageId"] == facts.images[name]
        assert tags(name) == {IMAGE_TYPE_TAG: "machine", KERNEL_TAG: facts.kernel_id,
                              RAMDISK_TAG: facts.ramdisk_id}

    keys = cloud.session.call("describe_key_pairs")["KeyPairs"]
    assert [k["KeyName"] for k in keys] == ["testkey"]
    group = cloud.session.call("describe_security_groups", GroupNames=["webservers"])["SecurityGroups"][0]
    assert group["GroupId"] == facts.group_id
    assert [(p["IpProtocol"], p["FromPort"], p["ToPort"], [r["CidrIp"] for r in p["IpRanges"]])
            for p in group["IpPermissions"]] == [("tcp", 22, 22, ["0.0.0.0/0"])]


def test_seed_volumes_snapshots_and_addresses(seeded) -> None:
    cloud, facts = seeded
    volumes = {v["VolumeId"]: v for v in cloud.session.call("describe_volumes")["Volumes"]}
    attached, available = facts.attached_volumes, facts.available_volumes
    assert len(attached) >= 3 and len(available) >= 3
    for vol in attached:
        raw = volumes[vol.id]
        assert raw["State"] == "in-use" and _name(raw) == vol.name
        assert [(a["InstanceId"], a["Device"]) for a in raw["Attachments"]] == [(vol.instance_id, "/dev/sdf")]
        assert raw["AvailabilityZone"] == next(i.zone for i in facts.instances if i.id == vol.instance_id)
    for vol in available:
        assert volumes[vol.id]["State"] == "available" and _name(volumes[vol.id]) == vol.name
    assert {v.zone for v in available} == {v.zone for v in attached} == {"us-east-1a", "us-east-1b"}
    restored = facts.volume("db-1-restore")
    assert volumes[restored.id]["SnapshotId"] == restored.snapshot_id in facts.snapshots

    snaps = {s["SnapshotId"]: s for s in cloud.session.call("describe_snapshots",
                                                             SnapshotIds=list(facts.snapshots))["Snapshots"]}
    assert len(snaps) >= 2
    assert {sid: snaps[sid].get("Description", "") for sid in facts.snapshots} == dict(facts.snapshots)
    assert sorted(facts.snapshots.values()) == ["", "db-1 nightly backup"]

    addresses = {a["PublicIp"]: a for a in cloud.session.call("describe_addresses")["Addresses"]}
    assert set(addresses) == {facts.address, facts.free_address}
    assert addresses[facts.address]["InstanceId"] == facts.address_instance_id == facts.instance("web-1").id
    assert not addresses[facts.free_address].get("InstanceId")
    assert addresses[facts.free_address]["AllocationId"] == facts.free_allocation_id


def test_seed_is_fast_and_repeatable(cloud) -> None:
    first = seed(cloud.session)
    cloud.server.reset(random_seed=0)
    second = seed(cloud.session)
    assert first == second, "same random seed, same cloud, same IDs"
    # ~0.3-0.5 s measured on 2 cores; the bound only catches a runaway loop.
    assert second.seconds < 5.0


def test_seed_more_instances_and_too_few(cloud) -> None:
    facts = seed(cloud.session, instances=15)
    names = [i.name for i in facts.instances]
    assert len(set(names)) == 15 and "node-5" in names
    live = _instances(cloud.session)
    assert sorted(_name(i) for i in live) == sorted(names)
    assert {i["Placement"]["AvailabilityZone"] for i in live if _name(i).startswith("node-")} == {
        "us-east-1a", "us-east-1b"}
    with pytest.raises(ValueError, match="at least 8"):
        seed(cloud.session, instances=5)


# -- activity -----------------------------------------------------------------------


def _picture(session: CloudSession) -> tuple:
    """What a user of the monitor would notice changing."""
    instances = sorted((i["InstanceId"], i["State"]["Name"],
                        tuple(sorted((t["Key"], t["Value"]) for t in i.get("Tags", []))))
                       for i in _instances(session))
    volumes = sorted((v["VolumeId"], v["State"], tuple(a["InstanceId"] for a in v["Attachments"]))
                     for v in session.call("describe_volumes")["Volumes"])
    return tuple(instances), tuple(volumes)


def test_activity_changes_the_cloud_and_stops(seeded) -> None:
    cloud, _facts = seeded
    before = _picture(cloud.session)
    stop_event = threading.Event()
    activity = DemoActivity(cloud.session, period=0.05, stop_event=stop_event, random_seed=1)
    activity.start()
    try:
        wait_for(lambda: activity.changes >= 3, what="three activity changes")
        assert activity.errors == 0, activity.last_error
        assert activity.last_change
    finally:
        activity.stop(timeout=10)
    assert stop_event.is_set() and not activity.is_alive()
    assert _picture(cloud.session) != before


def test_activity_keeps_its_launches_bounded(seeded) -> None:
    cloud, _facts = seeded
    activity = DemoActivity(cloud.session, random_seed=2, max_launched=2)
    for _ in range(6):
        activity._launch(_instances(cloud.session), [])
    ours = [i for i in _instances(cloud.session) if i["State"]["Name"] != "terminated"
            and any(t["Key"] == ACTIVITY_TAG for t in i.get("Tags", []))]
    assert len(ours) == 2


def test_activity_survives_an_unreachable_endpoint() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    session = CloudSession.for_url(dead_url, max_attempts=1, connect_timeout=0.5)
    activity = DemoActivity(session, period=0.01)
    activity.start()
    try:
        wait_for(lambda: activity.errors >= 2, what="errors to be counted")
        assert activity.is_alive() and activity.changes == 0
        assert "EndpointUnreachable" in activity.last_error or "reach" in activity.last_error
    finally:
        activity.stop(timeout=10)
        session.close()
    assert not activity.is_alive()


# -- the whole demo -------------------------------------------------------------------


@linux_only
def test_demo_cloud_start_activity_stop() -> None:
    cloud = DemoCloud()
    try:
        url = cloud.start()
        pid = cloud.server.pid
        assert answers(url) and cloud.facts is not None
        assert len(_instances(cloud.session)) == len(cloud.facts.instances)
        assert set(cloud.timings) >= {"server_ready", "seed", "total"}
        activity = cloud.activity(period=0.05, random_seed=3)
        wait_for(lambda: activity.changes >= 1, what="an activity change")
    finally:
        cloud.stop()
    assert not activity.is_alive()
    wait_for(lambda: process_gone(pid), what="moto to exit")
    assert not answers(url)


def test_demo_cloud_stops_the_server_when_seeding_fails(monkeypatch) -> None:
    def broken_seed(session, *, instances=10, network=False):
        raise CloudError("Boom", "seeding failed")

    monkeypatch.setattr(demo, "seed", broken_seed)
    cloud = DemoCloud()
    with pytest.raises(CloudError, match="seeding failed"):
        cloud.start()
    assert not cloud.server.running
