"""Faults between cloudshell and its cloud, injected by a loopback proxy in front of moto.

The poller backs off and says so (retrying/stale, the reason, since when) and
recovers by itself; one-shot commands print one line and exit 1 for every kind
of fault, a hang included, within the read timeout; a mutation whose answer is
lost is reported as of unknown outcome and never sent twice; moto's server can
die and come back on the same port under a running poller.
"""

from __future__ import annotations

import threading
import time

import pytest
from cloud_checks import instance_state, launch
from faultproxy import FaultProxy

from cloudshell.cloud.config import Settings
from cloudshell.cloud.demo import seed
from cloudshell.cloud.poller import Poller
from cloudshell.cloud.session import CloudSession

READ_TIMEOUT = 1.0     # what the one-shot runs below use instead of the 20 s default


def _wait(predicate, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"{what} not reached within {timeout}s")


@pytest.fixture
def proxy(cloud):
    with FaultProxy(cloud.url) as p:
        yield p
    assert not [t for t in threading.enumerate() if t.name == "fault-proxy"], "proxy thread left running"


@pytest.fixture
def pollers():
    made: list[Poller] = []
    sessions: list[CloudSession] = []

    def make(url, *, max_attempts=1, **kw) -> Poller:
        session = CloudSession.for_url(url, connect_timeout=0.5, read_timeout=READ_TIMEOUT,
                                       max_attempts=max_attempts)
        sessions.append(session)
        made.append(Poller(session, **kw))
        return made[-1]
    yield make
    for p in made:
        p.stop()
        assert not p.running
    for s in sessions:
        s.close()


# -- the poller --------------------------------------------------------------------------

def test_throttling_backs_off_reports_stale_with_reason_and_recovers_by_itself(cloud, proxy, pollers):
    interval, cap = 0.2, 1.6
    poller = pollers(proxy.url, interval=interval, max_backoff=cap, kinds=("instances",))
    seen = []
    poller.subscribe(lambda u: seen.append(u.health))
    poller.start()
    poller.wait_until(lambda inv: inv.has("instances"), timeout=10)
    _wait(lambda: proxy.count() >= 3, what="steady polling")

    started_wall, started = time.time(), time.monotonic()
    proxy.throttle()
    _wait(lambda: poller.health.state == "retrying", what="retrying health")
    retrying = poller.health.describe()
    assert retrying.startswith("retrying (1×)") and "RequestLimitExceeded" in retrying, retrying
    _wait(lambda: poller.health.failures >= 4, timeout=15, what="four failed polls")
    health = poller.health
    text = health.describe()
    assert health.state == "stale" and "RequestLimitExceeded" in text, text
    # "stale since HH:MM:SS": the wall-clock time of the first failure, not of the latest.
    assert started_wall - 1 <= health.stale_since <= started_wall + 2 * interval + 1
    assert f"stale since {time.strftime('%H:%M:%S', time.localtime(health.stale_since))}" in text
    assert health.last_success is not None and health.last_success <= health.stale_since

    # Backoff: every failed poll waits longer (throttling doubles the base), jitter at most halves it.
    faulted = proxy.hits(since=started)
    assert all(h.fault == "throttle" for h in faulted)
    gaps = proxy.gaps(since=started)
    for n, gap in enumerate(gaps[:3], start=1):
        assert gap >= 0.5 * min(cap, 2 * interval * 2 ** (n - 1)) - 0.02, gaps
    assert gaps[2] > gaps[0], gaps
    spent = time.monotonic() - started
    assert len(faulted) < spent / interval / 2, f"{len(faulted)} requests in {spent:.1f}s: no backoff"

    # The fault stops: the next scheduled attempt succeeds, with no help.
    last_error_at = poller.health.last_error_at
    announced = poller.health.next_attempt_in
    proxy.clear()
    stopped = time.time()
    _wait(lambda: poller.health.state == "ok", timeout=cap + 5, what="recovery")
    recovered = time.time()
    assert recovered - stopped <= max(0.0, last_error_at + announced - stopped) + interval + 1.5
    assert poller.health.describe() == "ok" and poller.health.failures == 0
    assert poller.running


def test_a_short_fault_recovers_within_one_interval_after_it_stops(cloud, proxy, pollers):
    interval = 1.0
    poller = pollers(proxy.url, interval=interval, kinds=("instances",))
    poller.start()
    poller.wait_until(lambda inv: inv.has("instances"), timeout=10)
    proxy.server_error()
    _wait(lambda: poller.health.state == "retrying", what="retrying health")
    assert "InternalError" in poller.health.describe()
    assert poller.health.next_attempt_in <= interval, "the first retry is more than one interval away"
    proxy.clear()
    stopped = time.monotonic()
    _wait(lambda: poller.health.state == "ok", timeout=5, what="recovery")
    assert time.monotonic() - stopped <= interval + 1.0  # + the sweep itself, on a busy machine


def test_every_fault_kind_reaches_health_and_clears(cloud, proxy, pollers):
    poller = pollers(proxy.url, interval=0.2, max_backoff=0.4, kinds=("instances",))
    poller.start()
    poller.wait_until(lambda inv: inv.has("instances"), timeout=10)
    faults = {"reset": "connection was lost", "truncate": "connection was lost", "hang": "Timeout",
              "html": "not the EC2/S3 API", "auth": "AuthFailure", "throttling": "Throttling: Rate exceeded"}
    for fault, reason in faults.items():
        if fault == "auth":
            proxy.auth_failure()
        elif fault == "throttling":
            proxy.throttle("Throttling")
        else:
            proxy.inject(fault)
        _wait(lambda: poller.health.state != "ok", timeout=READ_TIMEOUT + 3, what=f"{fault} in health")
        assert reason in poller.health.describe(), (fault, poller.health)
        proxy.clear()
        _wait(lambda: poller.health.state == "ok", timeout=READ_TIMEOUT + 3, what=f"recovery from {fault}")
    assert poller.running


def test_moto_killed_and_restarted_on_the_same_port_the_poller_recovers_without_restart(cloud, pollers):
    server = cloud.server   # the shared server: stopping it is the fault; the fixture guards the rest
    port = server.port
    cloud.session.call("create_key_pair", KeyName="before", mutating=True)
    poller = pollers(cloud.url, interval=0.3, max_backoff=1.0, kinds=("keypairs", "instances"))
    poller.start()
    poller.wait_until(lambda inv: "before" in inv.of("keypairs"), timeout=10)
    thread = poller._thread

    server.stop()
    _wait(lambda: poller.health.state in ("retrying", "stale"), timeout=10, what="failure noticed")
    assert "cannot reach the endpoint" in poller.health.describe()
    assert "before" in poller.inventory.of("keypairs"), "the last good data is kept while failing"

    server.start()
    assert server.port == port
    # The demo seed on the new, empty server: it also warms moto as conftest does after a restart.
    facts = seed(cloud.session)
    poller.refresh_now(kinds=["keypairs"])  # keypairs are a slow kind: swept every 6th time otherwise
    inv = poller.wait_until(lambda inv: len(inv.of("instances")) == len(facts.instances)
                            and facts.keypair in inv.of("keypairs"), timeout=15)
    assert "before" not in inv.of("keypairs")  # the new server's state, not a cache
    assert poller.health.state == "ok" and poller._thread is thread and poller.running


# -- one-shot commands ---------------------------------------------------------------------

@pytest.fixture
def oneshot(cloud, monkeypatch, capsys):
    """``cloudshell --endpoint-url URL ARGS`` in this process, with a 1 s read timeout.

    The read timeout has no flag yet (``--read-timeout`` is proposed): the
    session's Endpoint gets it here, everything else is the real code path.
    """
    from cloudshell.cli import main

    for name, value in cloud.env.items():
        monkeypatch.setenv(name, value)
    endpoint = Settings.endpoint
    monkeypatch.setattr(Settings, "endpoint", lambda self, **kw: endpoint(
        self, **{"read_timeout": READ_TIMEOUT, "connect_timeout": 1.0, **kw}))

    def run(url: str, *args: str) -> tuple[int, str, str, float]:
        capsys.readouterr()
        started = time.monotonic()
        code = main(["--endpoint-url", url, *args])
        out = capsys.readouterr()
        return code, out.out, out.err, time.monotonic() - started
    return run


def _one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("cloudshell: "), err
    assert "Traceback" not in err
    return lines[0]


FAULTS = {  # fault → (how to inject it, what the one line says)
    "request-limit": (lambda p: p.throttle(), "RequestLimitExceeded"),
    "500": (lambda p: p.server_error(), "InternalError"),
    "401": (lambda p: p.auth_failure(), "AuthFailure"),
    "truncated": (lambda p: p.inject("truncate"), "the connection was lost"),
    "html": (lambda p: p.inject("html"), "not the EC2/S3 API"),
    "reset": (lambda p: p.inject("reset"), "the connection was lost"),
    "hang": (lambda p: p.inject("hang"), "no answer from the endpoint within the read timeout"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_one_shot_prints_one_line_and_exits_1_for_every_fault(proxy, oneshot, fault):
    inject, says = FAULTS[fault]
    inject(proxy)
    code, out, err, took = oneshot(proxy.url, "describe-volumes")
    line = _one_line(err)
    assert code == 1 and out == ""
    assert says in line, line
    tries = proxy.count("DescribeVolumes")
    if fault in ("401", "html", "hang"):
        assert tries == 1, "retried what cannot get better by retrying"
    else:
        assert tries == 3, f"{tries} tries: a read is retried up to max_attempts (3) in all"
    if fault == "hang":
        # One timeout, not one per attempt (the count above); the clock only guards against the
        # 20 s default timeout sneaking back in (start-up on a busy machine takes a second or two).
        assert READ_TIMEOUT <= took < READ_TIMEOUT + 4, f"{took:.2f}s for a {READ_TIMEOUT}s read timeout"
    if fault == "request-limit":
        assert min(proxy.gaps("DescribeVolumes")) >= 0.2, "throttled retries sent without backoff"


def test_one_shot_succeeds_when_a_retry_gets_through(proxy, oneshot, cloud):
    cloud.session.call("create_volume", AvailabilityZone="us-east-1a", Size=1, mutating=True)
    proxy.inject("reset", times=1)
    proxy.throttle(times=1)
    code, out, err, _ = oneshot(proxy.url, "describe-volumes", "--output", "json")
    assert code == 0, err
    assert '"VolumeId": "vol-' in out
    assert [h.fault for h in proxy.hits("DescribeVolumes")] == ["reset", "throttle", None]


# -- mutations whose answer is lost ----------------------------------------------------------

def test_lost_launch_answer_is_unknown_outcome_and_never_a_double_launch(cloud, proxy, oneshot):
    image = cloud.session.call("register_image", Name="plain", Architecture="x86_64", mutating=True)["ImageId"]
    proxy.inject("reset", action="RunInstances", forward=True)
    code, out, err, _ = oneshot(proxy.url, "run-instances", image, "-t", "m1.small")
    line = _one_line(err)
    assert code == 1
    assert "outcome unknown" in line and "--client-token " in line, line
    assert proxy.count("RunInstances") == 1, "a launch whose answer was lost was sent again"
    assert len(_instances(cloud.session)) == 1, "one command launched more than one instance"


@pytest.mark.parametrize("fault", ["hang", "reset", "500"])
def test_lost_answer_to_a_state_change_is_not_sent_twice(cloud, proxy, oneshot, fault):
    target = launch(cloud.session, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web-1"}]}])
    if fault == "500":
        proxy.server_error(action="StopInstances")
    else:
        proxy.inject(fault, action="StopInstances", forward=True)
    code, out, err, _ = oneshot(proxy.url, "stop-instances", target)
    line = _one_line(err)
    assert code == 1 and out == ""
    assert proxy.count("StopInstances") == 1, "a state change whose answer was lost was sent again"
    assert "outcome unknown" in line, line
    # Instead of resending, it re-read the instance and says where it stands now.
    stop_at = proxy.hits("StopInstances")[0].at
    assert proxy.count("DescribeInstances", since=stop_at) >= 1
    now = instance_state(cloud.session, target)
    assert now == ("running" if fault == "500" else "stopped")
    assert line.endswith(f"re-read: {target} (web-1) {now}"), line


def test_a_throttled_mutation_is_retried_because_the_cloud_did_nothing(cloud, proxy, oneshot):
    proxy.throttle(action="CreateVolume", times=1)
    code, out, err, _ = oneshot(proxy.url, "create-volume", "-s", "1", "-z", "us-east-1a")
    assert code == 0, err
    assert [h.fault for h in proxy.hits("CreateVolume")] == ["throttle", None]
    volumes = cloud.session.call("describe_volumes")["Volumes"]
    assert len(volumes) == 1


def test_an_idempotent_mutation_is_resent_after_a_lost_answer(cloud, proxy, oneshot):
    volume = cloud.session.call("create_volume", AvailabilityZone="us-east-1a", Size=1, mutating=True)["VolumeId"]
    proxy.inject("reset", action="CreateTags", forward=True, times=1)
    code, out, err, _ = oneshot(proxy.url, "create-tags", volume, "--tag", "team=ops")
    assert code == 0, err
    assert [h.fault for h in proxy.hits("CreateTags")] == ["reset", None]
    tags = cloud.session.call("describe_tags", Filters=[{"Name": "resource-id", "Values": [volume]}])["Tags"]
    assert [(t["Key"], t["Value"]) for t in tags] == [("team", "ops")]


def _instances(session) -> set[str]:
    reply = session.call("describe_instances")
    return {i["InstanceId"] for r in reply.get("Reservations", []) for i in r.get("Instances", [])}


# -- the faces: they answer keys while the poller waits, show the fault, and recover --------------

async def test_monitor_stays_responsive_shows_the_fault_and_recovers(cloud, proxy):
    from types import SimpleNamespace

    from monitor_harness import monitor, screen_text, until

    session = CloudSession.for_url(proxy.url, connect_timeout=0.5, read_timeout=2.5, max_attempts=1)
    try:
        async with monitor(SimpleNamespace(session=session), interval=1.0) as (app, pilot):
            proxy.inject("hang", action="DescribeInstances")
            await until(pilot, lambda: any(h.fault == "hang" for h in proxy.hits()), what="a hung poll")
            # While the poller waits on the network (its health still says ok), keys are answered.
            await pilot.press("2")
            await until(pilot, lambda: app.screen.view == "volumes", timeout=2, what="volumes view")
            await pilot.press("question_mark")
            await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen", timeout=2, what="help")
            await pilot.press("escape")
            assert app.poller.health.state == "ok", "the keys waited for the hung poll to fail"
            # Only DescribeInstances hangs: that kind fails on its own, the others stay fresh.
            await until(pilot, lambda: "instances retrying" in app.health.describe()
                        or "instances stale" in app.health.describe(), what="the fault in health")
            await pilot.pause()
            text = screen_text(app)
            assert "instances retrying" in text or "instances stale" in text, text[-400:]
            assert "Timeout" in text, text[-400:]
            proxy.clear()
            await until(pilot, lambda: app.health.describe() == "ok", what="recovery")
            await pilot.pause()
            text = screen_text(app)
            assert "retrying" not in text and "STALE" not in text
    finally:
        session.close()


def test_repl_answers_while_the_poller_hangs_and_its_toolbar_tells(cloud, proxy):
    import io

    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput
    from rich.console import Console

    from cloudshell.cloud.runtime import Runtime
    from cloudshell.repl.session import Repl

    cloud.session.call("create_volume", AvailabilityZone="us-east-1a", Size=3, mutating=True)
    session = CloudSession.for_url(proxy.url, connect_timeout=0.5, read_timeout=2.5, max_attempts=1)
    runtime = Runtime(settings=None, session=session, interval=1.0)
    poller = runtime.poller()
    poller.wait_until(lambda inv: inv.has("volumes"), timeout=15)
    screen = io.StringIO()
    console = Console(file=screen, width=120, force_terminal=False, highlight=False)
    box: dict = {}
    with create_pipe_input() as pipe:
        def run() -> None:
            with create_app_session(input=pipe, output=DummyOutput()):
                box["repl"] = Repl(runtime, poller, console=console, history=None)
                box["code"] = box["repl"].run()
        thread = threading.Thread(target=run, name="repl-under-fault", daemon=True)
        thread.start()
        try:
            _wait(lambda: "repl" in box, what="the REPL")
            proxy.inject("hang", action="DescribeInstances")
            _wait(lambda: any(h.fault == "hang" for h in proxy.hits()), what="a hung poll")
            for line, expect in (("help attach-volume", "usage: attach-volume"),
                                 ("describe-volumes --output text", "vol-")):
                before = len(screen.getvalue())
                pipe.send_text(line + "\r")
                _wait(lambda: expect in screen.getvalue()[before:], timeout=5, what=f"output of {line}")
                assert poller.health.state == "ok", f"{line!r} waited for the hung poll to fail"
            # Only DescribeInstances hangs: that kind fails on its own, volumes stay fresh.
            _wait(lambda: "instances retrying" in poller.health.describe()
                  or "instances stale" in poller.health.describe(), what="the fault in health")
            toolbar = "".join(text for _, text in box["repl"].toolbar())
            assert "instances retrying" in toolbar or "instances stale" in toolbar, toolbar
            assert "Timeout" in toolbar, toolbar
            proxy.clear()
            _wait(lambda: poller.health.describe() == "ok", timeout=10, what="recovery")
            assert "".join(text for _, text in box["repl"].toolbar()).endswith("ok")
            pipe.send_text("exit\r")
            thread.join(10)
        finally:
            if thread.is_alive():
                pipe.send_text("\x04")
                thread.join(5)
            runtime.close()
    assert box.get("code") == 0


def test_an_actions_refresh_lands_between_kinds_while_a_slow_sweep_is_in_flight(seeded, proxy):
    """The by-ID refresh after an action is served at the sweep's next kind, not after its last one."""
    cloud, facts = seeded
    session = CloudSession.for_url(proxy.url, connect_timeout=1.0, read_timeout=15.0, max_attempts=1)
    poller = Poller(session, interval=60, fast_interval=60, kinds=("instances", "volumes", "snapshots"))
    try:
        poller.start()
        poller.wait_until(lambda inv: inv.has("instances") and inv.has("snapshots"), timeout=15)
        volumes = proxy.inject("latency", action="DescribeVolumes", delay=1.0, times=1)
        proxy.inject("latency", action="DescribeSnapshots", delay=4.0, times=1)
        began = time.monotonic()
        poller.refresh_now(kinds=["volumes", "snapshots"])
        _wait(lambda: volumes.hits == 1, what="the slow volumes request in flight")
        target = facts.instances_where(state="running")[0].id
        cloud.session.call("stop_instances", InstanceIds=[target], mutating=True)
        poller.refresh_now(ids=[target])
        poller.wait_until(lambda inv: inv.get(target).state in ("stopping", "stopped"), timeout=10)
        assert not proxy.hits("DescribeSnapshots", since=began), "the refresh waited for the whole sweep"
    finally:
        poller.stop()
        session.close()
    assert not poller.running


def test_an_actions_refresh_lands_between_pages_and_a_page_read_before_it_does_not_undo_it(seeded, proxy):
    cloud, facts = seeded
    session = CloudSession.for_url(proxy.url, connect_timeout=1.0, read_timeout=15.0, max_attempts=1)
    poller = Poller(session, interval=60, fast_interval=60, kinds=("instances",), page_size=5)
    target = facts.instances_where(state="running")[0].id
    seen: list[tuple[float, str]] = []
    poller.subscribe(lambda u: seen.append((time.monotonic(), u.inventory.get(target).state)))
    try:
        poller.start()
        poller.wait_until(lambda inv: target in inv.of("instances"), timeout=15)
        pages = proxy.inject("latency", action="DescribeInstances", delay=1.0, times=1)
        began, asked = time.monotonic(), len(proxy.queries)
        poller.refresh_now(kinds=["instances"])
        _wait(lambda: pages.hits == 1, what="the first page in flight")
        cloud.session.call("stop_instances", InstanceIds=[target], mutating=True)
        poller.refresh_now(ids=[target])
        _wait(lambda: len(proxy.hits("DescribeInstances", since=began)) >= 3, what="page, refresh, page")
        last_page = proxy.hits("DescribeInstances", since=began)[2].at
        poller.wait_until(lambda inv: inv.fetched_at and seen[-1][0] > last_page, timeout=10)
    finally:
        poller.stop()
        session.close()
    after = [(at, state) for at, state in seen if at > began]
    first_stopped = next(at for at, state in after if state in ("stopping", "stopped"))
    listed = [q for q in proxy.queries[asked:] if q.get("Action") == ["DescribeInstances"]]
    assert listed[1].get("Filter.1.Value.1") == [target], "the refresh waited for the kind's last page"
    assert [state for at, state in after if at > first_stopped and state == "running"] == []


def test_a_proxys_html_error_page_is_a_server_error_that_a_read_retries(cloud):
    """A 502 page from a proxy in front of the endpoint is a passing server failure: a describe retries
    it (with backoff, as any 5xx) and answers; if it lasts, one line naming what came back, exit 1."""
    from clirun import run_here

    with FaultProxy(cloud.url) as proxy:
        proxy.inject("html", action="DescribeVolumes", times=1, status=502)
        out = run_here(["--endpoint-url", proxy.url, "describe-volumes", "--output", "json"], cloud.env)
        assert out.returncode == 0, out.stderr
        assert "Volumes" in out.stdout and proxy.count("DescribeVolumes") == 2
        proxy.inject("html", action="DescribeVolumes", status=502)
        out = run_here(["--endpoint-url", proxy.url, "describe-volumes"], cloud.env)
        assert out.returncode == 1 and out.stdout == ""
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and "HTTP 502 with an HTML page" in lines[0], out.stderr
        assert "Traceback" not in out.stderr
