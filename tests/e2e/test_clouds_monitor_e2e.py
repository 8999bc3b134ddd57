"""End to end: the real monitor over two moto servers as two clouds, at 80x24 in a pty (issue 17).

Both clouds' rows in one table with a Cloud column first; live updates from both; `c` and
`:cloud NAME` filter; attach across clouds is impossible; killing one server marks only that
cloud stale while the other goes on updating, and it recovers by itself.
"""

from __future__ import annotations

from waiting import until  # noqa: I001 - tests/ is on sys.path (conftest)
import re
import sys

import pytest
from terminal import Terminal
from two_clouds import two_clouds  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e


def status(screen: str) -> str:
    lines = screen.rstrip("\n").split("\n")
    return lines[-2] if len(lines) >= 2 else ""


def rows(screen: str) -> list[str]:
    return [line for line in screen.split("\n") if re.match(r"^[ >*~][ab]\s+i-[0-9a-f]+", line)]


def rename(session, instance_id: str, name: str) -> None:
    session.call("create_tags", Resources=[instance_id], Tags=[{"Key": "Name", "Value": name}], mutating=True)


def command(term: Terminal, line: str) -> None:
    """``:`` and the line, once the command bar has the keys (typed before, they go to the table)."""
    term.type(":")
    term.wait(lambda s: "command, e.g." in s, 10, "the command bar")
    term.type(line)


def filter_for(term: Terminal, text: str) -> None:
    """``/``, the text, Enter, as a person types them: each once the screen shows the one before (an
    Enter in the same read as the text comes as part of a paste and leaves the filter line open; a key
    typed then goes into the filter)."""
    term.type("/")
    term.wait(lambda s: "Enter keeps it" in s, 10, "the filter line")
    term.type(text)
    term.wait(lambda s: s.rstrip("\n").split("\n")[-3].strip() == text, 10, f"{text!r} on the filter line")
    term.keys("Enter")
    term.wait(lambda s: "q Quit" in s.rstrip("\n").split("\n")[-1], 10, "the filter line closed (the keys back)")


def monitor(t) -> Terminal:
    env = {**t.env, "TERM": "screen"}
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    return Terminal([sys.executable, "-m", "cloudshell", "--cloud", "a", "--cloud", "b", "--interval", "1"], env,
                    (80, 24))


def test_two_clouds_in_one_monitor_live_filtered_and_never_attached_across(two_clouds):
    t = two_clouds
    term = monitor(t)
    try:
        screen = term.wait(lambda s: "a ok · b ok" in status(s) and {"a", "b"} <= {r[1] for r in rows(s)}, 90,
                           "both clouds' rows and health")
        assert re.search(r"^\s+Cloud\S*\s+ID", screen, re.M), screen     # the Cloud column first
        assert "2 clouds" in status(screen)

        # Live updates from both clouds.
        ia, ib = t.facts_a.instances[0].id, t.facts_b.instances[0].id
        rename(t.a.session, ia, "live-from-a")
        rename(t.b_session, ib, "live-from-b")
        filter_for(term, "live-from")
        term.wait(lambda s: re.search(rf"a\s+{ia}\s+live-from-a", s) and re.search(rf"b\s+{ib}\s+live-from-b", s),
                  30, "both clouds' renames, live")
        term.keys("Escape")
        term.wait(lambda s: "filter:" not in s.split("\n")[0], 10, "the filter cleared")

        # c: a only, then b only, then both.
        term.type("c")
        screen = term.wait(lambda s: "cloud a" in status(s) and rows(s) and {r[1] for r in rows(s)} == {"a"}, 10,
                           "only a")
        term.type("c")
        term.wait(lambda s: "cloud b" in status(s) and rows(s) and {r[1] for r in rows(s)} == {"b"}, 10, "only b")
        term.type("c")
        term.wait(lambda s: "2 clouds" in status(s) and {r[1] for r in rows(s)} == {"a", "b"}, 10, "both again")
        command(term, "cloud nowhere")
        term.keys("Enter")
        term.wait(lambda s: "unknown cloud 'nowhere' (known: a, b)" in s, 10, "the known clouds")
        term.keys("Escape")
        term.wait(lambda s: "unknown cloud" not in s, 10, "the output closed")

        # Attach: a volume of b offers only b's running instances of its zone.
        vol_b = next(v for v in t.facts_b.volumes if v.instance_id is None)
        zone = vol_b.zone
        a_ids = {i.id for i in t.facts_a.instances}
        b_running = {i.id for i in t.facts_b.instances if i.state == "running" and i.zone == zone}
        term.type("2")                        # the volumes view
        filter_for(term, vol_b.id)
        term.wait(lambda s: re.search(rf"^>b\s+{vol_b.id}", s, re.M), 10, "the cursor on b's volume")
        term.type("a")
        screen = term.wait(lambda s: "Attach" in s and "of cloud b" in s and any(i in s for i in b_running), 10,
                           "the picker")
        assert not any(i in screen for i in a_ids)
        term.keys("Escape")
        term.wait(lambda s: "Esc cancel" not in s, 10, "the picker closed")
        # And typed by hand across clouds: refused before anything is sent.
        target = next(i.id for i in t.facts_a.instances if i.state == "running" and i.zone == zone)
        command(term, f"attach-volume -i {target} -d /dev/sdq {vol_b.id}")
        term.keys("Enter")
        term.wait(lambda s: "one command acts on one cloud" in s.replace("\n", " "), 10, "the refusal")
        volume = t.b_session.call("describe_volumes", VolumeIds=[vol_b.id])["Volumes"][0]
        assert volume["State"] == "available" and not volume["Attachments"]
        assert "Traceback" not in term.screen()
        # r: the REPL over the same clouds, in the current one (b: the last c filtered it), use switches.
        term.keys("Escape")
        term.wait(lambda s: "one command acts" not in s, 10, "the output closed")
        term.type("r")
        term.wait(lambda s: "b:us-east-1>" in s, 30, "the REPL in cloud b")
        term.type("use a")
        term.keys("Enter")
        term.wait(lambda s: "now in cloud a" in s and "a:us-east-1>" in s, 20, "use a")
        term.keys("C-d")
        term.wait(lambda s: "2 clouds" in status(s), 30, "back in the monitor")
        term.keys("C-q")
        assert term.wait_exit(30) == 0
    finally:
        term.close()


def test_one_server_down_is_stale_alone_and_comes_back(two_clouds):
    t = two_clouds
    term = monitor(t)
    try:
        term.wait(lambda s: "a ok · b ok" in status(s) and {"a", "b"} <= {r[1] for r in rows(s)}, 90,
                  "both clouds")
        t.b_server.stop()
        screen = term.wait(lambda s: re.search(r"a ok · b stale \d\d:\d\d:\d\d", status(s)), 60, "b stale, a ok")
        assert "STALE" not in status(screen)
        assert {r[1] for r in rows(screen)} == {"a", "b"}   # b's last rows stay shown
        ia = t.facts_a.instances[1].id
        rename(t.a.session, ia, "while-b-is-down")
        filter_for(term, "while-b")
        term.wait(lambda s: re.search(rf"a\s+{ia}\s+while-b-is-down", s), 30, "a still live")
        t.b_server.start(timeout=60)
        term.wait(lambda s: "a ok · b ok" in status(s), 90, "b back by itself")
        term.type("q")
        assert term.wait_exit(30) == 0
    finally:
        term.close()
        if not t.b_server.running:
            t.b_server.start(timeout=60)


def test_broken_credentials_in_one_cloud_show_it_failing_while_the_other_works(two_clouds):
    from faultproxy import FaultProxy
    from two_clouds import write_clouds_config

    t = two_clouds
    with FaultProxy(t.b_url) as proxy:
        proxy.auth_failure()
        write_clouds_config(t.env, {"a": {"endpoint_url": t.a.url}, "b": {"endpoint_url": proxy.url}})
        term = monitor(t)
        try:
            screen = term.wait(lambda s: "a ok · b failing (AuthFailure)" in status(s) and rows(s), 90,
                               "a's rows, b failing")
            assert {r[1] for r in rows(screen)} == {"a"}
            ia = t.facts_a.instances[2].id
            rename(t.a.session, ia, "a-goes-on")
            filter_for(term, "a-goes-on")
            term.wait(lambda s: re.search(rf"a\s+{ia}\s+a-goes-on", s), 30, "a still live")
            term.keys("C-q")
            assert term.wait_exit(30) == 0
        finally:
            term.close()
