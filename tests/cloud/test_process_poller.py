"""The monitor's poller in a child process: data arrives, it dies with its parent however the
parent ends, it is restarted after a crash without a half-applied table, the UI answers while
it hangs, and the secret never reaches a log."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
from types import SimpleNamespace

import pytest
from cloud_checks import launch
from monitor_harness import monitor, screen_text
from monitor_harness import until as pilot_until
from waiting import until

from cloudshell.cloud.procpoller import ProcessPoller
from cloudshell.cloud.session import Endpoint

PARENT = textwrap.dedent("""
    import signal, sys
    from cloudshell.cloud.procpoller import ProcessPoller
    from cloudshell.cloud.session import Endpoint
    poller = ProcessPoller(Endpoint(endpoint_url=sys.argv[1], region="us-east-1", access_key="demo",
                                    secret_key="demo"), interval=0.5).start()
    poller.wait_until(lambda inv: inv.has("instances"), timeout=60)
    print("CHILD", poller.pid, flush=True)
    sys.stdin.readline()          # the test says when; signals interrupt this wait
    if sys.argv[2] == "exit":
        sys.exit(0)
    signal.pause()                # until the test's signal ends this parent
""")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _endpoint(url: str, secret: str = "demo") -> Endpoint:
    return Endpoint(endpoint_url=url, region="us-east-1", access_key="demo", secret_key=secret,
                    connect_timeout=0.5, read_timeout=2.0, max_attempts=1)


@pytest.fixture
def process_poller():
    made: list[ProcessPoller] = []

    def make(url: str, **kw) -> ProcessPoller:
        p = ProcessPoller(_endpoint(url, kw.pop("secret", "demo")), **kw)
        made.append(p)
        return p.start()
    yield make
    for p in made:
        pid = p.pid
        p.stop()
        assert not p.running
        assert pid is None or not _alive(pid), "stop() left the child running"


def test_the_child_delivers_the_cloud_and_stop_joins_it(seeded, process_poller):
    cloud, facts = seeded
    poller = process_poller(cloud.url, interval=0.5)
    inv = poller.wait_until(lambda inv: inv.has("instances") and inv.has("zones"), timeout=60)
    assert set(inv.of("instances")) == {i.id for i in facts.instances}
    assert poller.health.describe() == "ok"
    assert poller.pid != os.getpid() and _alive(poller.pid)
    target = facts.instances_where(state="running")[0].id
    cloud.session.call("create_tags", Resources=[target], Tags=[{"Key": "Name", "Value": "renamed"}],
                       mutating=True)
    poller.refresh_now(ids=[target])
    poller.wait_until(lambda inv: inv.get(target).name == "renamed", timeout=20)
    pid = poller.pid
    poller.stop()
    assert not _alive(pid) and not poller.running


@pytest.mark.parametrize("how", ["exit", "SIGTERM", "SIGHUP", "SIGKILL", "ctrl-c"])
def test_the_child_dies_with_its_parent(cloud, how):
    parent = subprocess.Popen([sys.executable, "-c", PARENT, cloud.url, how], env=cloud.env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        line = parent.stdout.readline()
        assert line.startswith("CHILD "), line
        child = int(line.split()[1])
        assert _alive(child)
        # The child has a process group of its own: a Ctrl-C at the terminal is the parent's only.
        assert os.getpgid(child) != os.getpgid(parent.pid)
        if how == "ctrl-c":
            os.killpg(parent.pid, signal.SIGINT)   # what the terminal does on Ctrl-C
        elif how == "exit":
            parent.stdin.write("go\n")
            parent.stdin.flush()
        else:
            parent.send_signal(getattr(signal, how))
        parent.wait(30)
        until(lambda: not _alive(child), 15, f"the child to end after the parent's {how}")
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def test_a_crashed_child_is_restarted_and_its_half_update_never_applied(seeded, process_poller):
    cloud, facts = seeded
    poller = process_poller(cloud.url, interval=0.5)
    poller.wait_until(lambda inv: inv.has("instances"), timeout=60)
    first = poller.pid
    said = []
    poller.subscribe(lambda u: said.append(u.health.describe()))
    poller._inject("crash")
    until(lambda: any("poller process exited" in s for s in said), 20, "the health to say so")
    assert any("restarting in" in s for s in said), said
    until(lambda: poller.pid != first and poller.health.describe() == "ok", 60, "the restarted child")
    assert not _alive(first)
    assert poller.restarts == 1
    launched = launch(cloud.session, facts.instances[0].image_id)
    poller.wait_until(lambda inv: launched in inv.of("instances"), timeout=30)
    assert "i-halfapplied" not in poller.inventory.of("instances")
    assert set(poller.inventory.of("instances")) == {i.id for i in facts.instances} | {launched}


def test_the_secret_never_reaches_a_log(cloud, process_poller, caplog):
    secret = "SuperSecretKeyValue0123456789abcdef"
    caplog.set_level(logging.DEBUG)
    poller = process_poller(cloud.url, interval=0.5, secret=secret)
    poller.wait_until(lambda inv: inv.has("zones"), timeout=60)
    with open(f"/proc/{poller.pid}/cmdline", "rb") as fh:
        assert secret.encode() not in fh.read(), "the secret is on the child's command line"
    poller._inject("crash")
    until(lambda: poller.restarts == 1 and poller.health.describe() == "ok", 60, "a restart")
    assert caplog.records, "nothing was logged: the check would prove nothing"
    assert not [r for r in caplog.records if secret in r.getMessage()]
    assert secret not in repr(poller.endpoint) and secret not in poller.health.describe()


async def test_the_monitor_answers_keys_while_its_poller_child_hangs(seeded):
    cloud, facts = seeded
    async with monitor(SimpleNamespace(session=cloud.session), interval=0.5) as (app, pilot):
        assert isinstance(app.poller, ProcessPoller)
        app.poller._inject("hang")
        await pilot.press("2")
        await pilot_until(pilot, lambda: app.screen.view == "volumes", timeout=2, what="volumes view")
        await pilot.press("question_mark")
        await pilot_until(pilot, lambda: type(app.screen).__name__ == "HelpScreen", timeout=2, what="help")
        await pilot.press("escape")
        await pilot.press("1")
        await pilot_until(pilot, lambda: facts.instances[0].id in screen_text(app), timeout=2,
                          what="the instances, last data kept")
        hung = app.poller.pid
    assert not _alive(hung), "the hung child outlived the monitor"
