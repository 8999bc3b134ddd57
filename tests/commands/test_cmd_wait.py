"""wait ID STATE: one-shot (polling by ID) and with a live poller, against moto's server."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time

from cloud_checks import aws, launch, oneshot, snapshot

from cloudshell.cloud.poller import Poller
from cloudshell.commands import Context, registry, run


def _lines(stream, into: queue.Queue) -> None:
    for line in stream:
        into.put(line.rstrip("\n"))
    into.put(None)


def _expect(lines: queue.Queue, needle: str, seen: list[str], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not any(needle in line for line in seen):
        line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        assert line is not None, f"stream ended before {needle!r}: {seen}"
        seen.append(line)


def test_one_shot_wait_reports_the_change_awscli_made(cloud):
    iid = launch(cloud.session)
    proc = subprocess.Popen([sys.executable, "-m", "cloudshell", *cloud.endpoint_args, "wait", iid, "stopped",
                             "--timeout", "60", "--output", "table"], env=cloud.env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        lines: queue.Queue = queue.Queue()
        reader = threading.Thread(target=_lines, args=(proc.stderr, lines), daemon=True)
        reader.start()
        seen: list[str] = []
        _expect(lines, f"waiting for {iid} to be stopped (now running; timeout 60 s)", seen)
        aws(cloud, "ec2", "stop-instances", "--instance-ids", iid)
        _expect(lines, f"{iid} running → stopped (", seen)
        out, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, seen
    assert out.startswith(f"{iid} is stopped (after ")


def test_already_there_gone_and_never(cloud, monkeypatch, capsys):
    iid = launch(cloud.session)
    snap = snapshot(cloud.session)
    image = cloud.session.call("register_image", Name="to-go")["ImageId"]
    cloud.session.call("deregister_image", ImageId=image)
    for args, expected in (([iid, "running"], f"{iid} is running"),
                           ([snap, "completed"], f"{snap} is completed"),
                           ([image, "deregistered"], f"{image} is deregistered")):
        code, out, err = oneshot(cloud, monkeypatch, capsys, "wait", *args, "--output", "table")
        assert (code, out.strip(), err) == (0, expected, ""), args
    cloud.session.call("terminate_instances", InstanceIds=[iid])
    started = time.monotonic()
    code, out, err = oneshot(cloud, monkeypatch, capsys, "wait", iid, "running")
    assert code == 1 and time.monotonic() - started < 10
    assert err == f"cloudshell: wait: {iid} is terminated; it will never be running\n"


def test_timeout_is_one_line_and_exit_1(cloud, monkeypatch, capsys):
    iid = launch(cloud.session)
    started = time.monotonic()
    code, out, err = oneshot(cloud, monkeypatch, capsys, "wait", iid, "stopped", "--timeout", "1.5")
    assert code == 1 and time.monotonic() - started >= 1.5
    assert out == ""
    progress, last = err.splitlines()
    assert progress == f"waiting for {iid} to be stopped (now running; timeout 1.5 s)"
    assert last == f"cloudshell: wait: {iid} is still running after 1.5 s (waited for stopped)"


class _CountingSession:
    """The real session, counting the describe calls made through it (the wait's own reads)."""

    def __init__(self, real) -> None:
        self._real, self.reads = real, 0

    def pages(self, *args, **kw):
        self.reads += 1
        return self._real.pages(*args, **kw)

    def __getattr__(self, name):
        return getattr(self._real, name)


def test_wait_follows_the_poller_when_there_is_one(cloud):
    iid = launch(cloud.session)
    counted = _CountingSession(cloud.session)
    poller = Poller(cloud.session, interval=0.5, fast_interval=0.2, kinds=("instances",))
    poller.start()
    progress: list[str] = []
    waiting = threading.Event()

    def report(line: str) -> None:
        progress.append(line)
        if line.startswith("waiting for"):
            waiting.set()

    ctx = Context(session=counted, poller=poller, progress=report)
    box: dict = {}
    worker = threading.Thread(target=lambda: box.setdefault(
        "result", run(ctx, registry().parse(["wait", iid, "stopped", "--timeout", "30"]))))
    try:
        worker.start()
        assert waiting.wait(30), progress
        reads_before = counted.reads
        cloud.session.call("stop_instances", InstanceIds=[iid])
        worker.join(40)
        assert not worker.is_alive()
    finally:
        poller.stop()
    result = box["result"]
    assert result.data["State"] == "stopped" and result.lines[0].startswith(f"{iid} is stopped (after ")
    assert any(line.startswith(f"{iid} running → stopped (") for line in progress), progress
    assert counted.reads == reads_before     # after its first look, the wait read the poller's snapshots
    assert poller.inventory.get(iid, "instances").state == "stopped"
