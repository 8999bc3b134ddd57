"""End to end: `cloudshell repl --cloud a --cloud b` over two moto servers in an 80x24 pty (issue 17).

The prompt names the current cloud (`a:us-east-1>`), `use b` switches it, a command without IDs
runs in the current cloud, one with an ID in that ID's cloud, and Tab shows each ID's cloud.
"""

from __future__ import annotations

from waiting import until  # noqa: I001,F401 - tests/ is on sys.path (conftest)
import re
import sys

import pytest
from terminal import Terminal
from two_clouds import two_clouds  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e


def volumes_of(session) -> set[str]:
    return {v["VolumeId"] for v in session.call("describe_volumes")["Volumes"]}


def test_use_switches_the_cloud_and_ids_go_to_their_own(two_clouds):
    t = two_clouds
    env = {**t.env, "TERM": "screen"}
    env.pop("COLUMNS", None)
    term = Terminal([sys.executable, "-m", "cloudshell", "repl", "--cloud", "a", "--cloud", "b"], env)
    try:
        toolbar = re.compile(r"a us-east-1 │ \d+ inst.*b ok")
        term.wait(lambda s: "a:us-east-1>" in s and toolbar.search(s), 90, "the prompt, counts and b's health")
        vols_a, vols_b = volumes_of(t.a.session), volumes_of(t.b_session)
        assert vols_a and vols_b and not vols_a & vols_b

        term.type("describe-volumes --output tsv")
        term.keys("Enter")
        screen = term.wait(lambda s: any(v in s for v in vols_a), 20, "a's volumes")
        assert not any(v in screen for v in vols_b)

        term.keys("C-l")
        term.type("use b")
        term.keys("Enter")
        term.wait(lambda s: "now in cloud b" in s and "b:us-east-1>" in s, 20, "the switch to b")
        term.wait(lambda s: re.search(r"b us-east-1 │ \d+ inst.*a ok", s), 20, "b's toolbar, a's health")
        term.type("describe-volumes --output tsv")
        term.keys("Enter")
        screen = term.wait(lambda s: any(v in s for v in vols_b), 20, "b's volumes")
        assert not any(v in screen for v in vols_a)

        # In b, an ID of a goes to a.
        target = t.facts_a.instances[0].id
        term.keys("C-l")
        term.type(f"create-tags {target} --tag seen-from=b")
        term.keys("Enter")
        until(lambda: any(tag["Key"] == "seen-from" for tag in t.a.session.call(
            "describe_tags", Filters=[{"Name": "resource-id", "Values": [target]}])["Tags"]), 20, "the tag in a")
        assert t.b_session.call("describe_tags", Filters=[{"Name": "key", "Values": ["seen-from"]}])["Tags"] == []

        # Tab: the cloud's name beside each ID.
        term.keys("C-l")
        term.type("describe-instances i-")
        term.keys("Tab")
        term.wait(lambda s: re.search(r"i-[0-9a-f]+\s+a · ", s) and re.search(r"i-[0-9a-f]+\s+b · ", s), 20,
                  "candidates of both clouds, each with its cloud")
        term.keys("C-c")
        term.type("use nowhere")
        term.keys("Enter")
        term.wait(lambda s: "unknown cloud 'nowhere' (known: a, b)" in s and re.search(r"^b:us-east-1>\s*$", s, re.M),
                  20, "the known clouds, then the prompt back (a Ctrl-D before it is the tty's, not the REPL's)")
        assert "Traceback" not in term.screen()
        term.keys("C-d")
        assert term.wait_exit(30) == 0
    finally:
        term.close()
