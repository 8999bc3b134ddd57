"""The REPL driven through prompt_toolkit's pipe input (DummyOutput), against moto over HTTP.

Keys are sent the way a user types them: text, then Tab in a separate write,
waiting (with a deadline) for the buffer to show the result before the next key.
What a user sees is asserted on the rich console the REPL prints to, and what
happened on the cloud through the API afterwards.
"""

from __future__ import annotations

import asyncio
import io
import re
import stat
import threading
import time

import pytest
from repl_driver import Driver, until
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from pygments.token import Error, Keyword, Name
from rich.console import Console

from cloudshell.cloud.inventory import EMPTY
from cloudshell.cloud.poller import Health, Poller
from cloudshell.cloud.runtime import Runtime
from cloudshell.commands.registry import Registry
from cloudshell.repl import run_repl_on
from cloudshell.repl.completer import InventoryCompleter
from cloudshell.repl.history import PrivateHistory, secret_in
from cloudshell.repl.lexer import IDS, lexer_for
from cloudshell.repl.toolbar import toolbar_fragments

RED = "\x1b[31m"
F5 = "\x1b[15~"


def _started(cloud):
    runtime = Runtime(settings=None, session=cloud.session, interval=60.0)
    poller = Poller(cloud.session, interval=60.0, fast_interval=0.2).start()
    poller.wait_until(lambda inv: inv.has("volumes") and inv.has("zones"), 30)
    return runtime, poller


@pytest.fixture
def live(seeded):
    """(cloud, facts, runtime, poller): the demo cloud with a started poller holding its inventory."""
    cloud, facts = seeded
    runtime, poller = _started(cloud)
    yield cloud, facts, runtime, poller
    poller.stop()


@pytest.fixture
def bare(cloud):
    """(runtime, poller) on an empty cloud, polled."""
    runtime, poller = _started(cloud)
    yield runtime, poller
    poller.stop()


@pytest.fixture
def idle(cloud):
    """(runtime, poller) on an empty cloud whose poller never ran: for keys, help, history."""
    return Runtime(settings=None, session=cloud.session), Poller(cloud.session)


def _drivers(runtime, poller):
    drivers: list[Driver] = []

    def start(**kw) -> Driver:
        d = Driver(runtime, poller, **kw)
        drivers.append(d)
        return d
    return start, drivers


@pytest.fixture
def drive(idle):
    start, drivers = _drivers(*idle)
    yield start
    for d in drivers:
        d.close()


@pytest.fixture
def drive_live(live):
    start, drivers = _drivers(*live[2:])
    yield start
    for d in drivers:
        d.close()


def volume_state(cloud, vol_id: str) -> str:
    return cloud.session.call("describe_volumes", VolumeIds=[vol_id])["Volumes"][0]["State"]


# -- completing and running ---------------------------------------------------------------

def test_tab_completes_attach_volume_and_runs_it(live, drive_live):
    cloud, facts, _, poller = live
    d = drive_live()
    available = {v.id for v in facts.available_volumes}
    d.type("attach-vo")
    d.send("\t")
    until(lambda: d.buffer.text == "attach-volume", what="the command name")
    d.type(" ")
    vol = d.tab_until(lambda text, meta: text in available)
    zone = poller.inventory.get(vol).zone
    d.type(" -i ")
    inst = d.tab_until(lambda text, meta: "running" in meta)
    assert poller.inventory.get(inst).zone == zone
    d.type(" -d ")
    dev = d.tab_until(lambda text, meta: text.startswith("/dev/"))
    assert d.buffer.text == f"attach-volume {vol} -i {inst} -d {dev}"
    d.send("\r")      # closes the menu (pgcli's Enter on a highlighted completion)
    until(lambda: d.buffer.complete_state is None, what="the menu to close")
    out = d.run_line("", f"as {dev}")
    assert vol in out and "Traceback" not in out
    until(lambda: volume_state(cloud, vol) == "in-use", what="the volume in use")
    # The poller's change to what the command touched shows above the prompt.
    until(lambda: "→ in-use" in d.screen(), what="the change notice")
    assert d.close() == 0


def test_new_resources_complete_while_typing_and_the_line_survives_updates(bare, cloud):
    runtime, poller = bare
    d = Driver(runtime, poller)
    try:
        d.type("attach-volume ")
        made = cloud.session.call("create_volume", mutating=True, AvailabilityZone="us-east-1a", Size=1)
        swept = poller.requests
        poller.refresh_now()                 # as if the next sweep came while the user types
        # The REPL's own completer holds the sweep (the poller's inventory is set a moment before its
        # subscribers run: a Tab between the two completed from the old snapshot, CI saw it once).
        until(lambda: poller.requests > swept and made["VolumeId"] in d.repl.completer.inventory.of("volumes"),
              what="the sweep, in the REPL's completer")
        # A menu the typing opened is recomputed from the new snapshot (Repl._refresh_menu, on the loop).
        until(lambda: d.buffer.complete_state is None or made["VolumeId"] in
              [c.text for c in d.buffer.complete_state.completions], what="the open menu refreshed")
        assert d.buffer.text == "attach-volume "
        assert d.tab_until(lambda text, meta: text == made["VolumeId"]) == made["VolumeId"]
    finally:
        d.close()


def test_a_snapshot_landing_while_tab_waits_for_candidates_does_not_lose_the_tab(live, drive_live, monkeypatch):
    """Tab pressed while its candidates are still being computed, and a sweep lands then: the menu
    must still come (CI saw the menu never come in the two-cloud REPL on a loaded machine)."""
    cloud, facts, _, poller = live
    d = drive_live()
    d.type("describe-volumes vol")
    until(lambda: d.repl.menu_completer.loading == 0, what="the typing's completions done")
    gate, entered = threading.Event(), threading.Event()
    original = InventoryCompleter.get_completions

    def held(self, document, event):          # the completer thread is slow this once
        entered.set()
        gate.wait(20)
        yield from original(self, document, event)
    monkeypatch.setattr(InventoryCompleter, "get_completions", held)
    d.send("-\t")                             # the last character and Tab in one read, as a fast typist
    until(entered.is_set, what="the completion in flight")
    delivered = threading.Event()
    app = d.repl.session.app
    unsubscribe = poller.subscribe(lambda update: app.loop.call_soon_threadsafe(delivered.set))
    try:
        swept = poller.requests
        poller.refresh_now()
        until(lambda: poller.requests > swept and delivered.is_set(), 30, "a snapshot delivered to the prompt")
    finally:
        unsubscribe()
    gate.set()
    until(lambda: re.fullmatch(r"describe-volumes vol-[0-9a-f]+", d.buffer.text), 15,
          f"Tab's first candidate on the line (line {d.buffer.text!r}, menu {d.buffer.complete_state})")


def test_output_above_the_prompt_and_every_error_one_red_line(live, drive_live):
    cloud, facts, _, _ = live
    d = drive_live()
    out = d.run_line("describe-volumes", facts.volume("scratch-a").id)
    assert "scratch-a" in out and "available" in out
    raw_start = len(d.out.getvalue())
    out = d.run_line("bogus-command", "unknown command")
    assert out.strip().splitlines() == ["unknown command: bogus-command (type 'help' for the list)"]
    assert RED in d.out.getvalue()[raw_start:]
    out = d.run_line("attach-volume vol-zz -i i-1a2b3c4d -d /dev/sdf", "vol-zz")
    assert len(out.strip().splitlines()) == 1 and "Traceback" not in out
    out = d.run_line('describe-volumes "unclosed', "close the quote")
    assert len(out.strip().splitlines()) == 1
    assert d.run_line("describe-volumes --output json", '"Volumes"')


def test_destructive_command_asks_first(live, drive_live):
    cloud, facts, _, _ = live
    d = drive_live()
    vol = facts.volume("scratch-b").id
    out = d.run_line(f"delete-volume {vol}\rn\r", "nothing was sent")
    assert len(out.strip().splitlines()) == 1
    assert volume_state(cloud, vol) == "available"
    d.run_line(f"delete-volume {vol}\ry\r", vol)
    until(lambda: vol not in {v["VolumeId"] for v in cloud.session.call("describe_volumes")["Volumes"]},
          what="the volume to be deleted")


def test_ctrl_c_clears_the_line_and_ctrl_d_exits(drive):
    d = drive()
    d.type("describe-vol")
    d.send("\x03")
    until(lambda: d.buffer.text == "", what="the line to clear")
    assert d.thread.is_alive()
    d.send("\x04")
    d.thread.join(10)
    assert not d.thread.is_alive() and d.code == 0


def test_exit_quit_help(drive):
    d = drive()
    out = d.run_line("help", "Ctrl-R")
    assert "attach-volume" in out and "describe-instances" in out
    assert "usage: attach-volume" in d.run_line("help attach-volume", "usage:")
    assert "usage: detach-volume" in d.run_line("detach-volume --help", "usage:")
    d.send("quit\r")
    d.thread.join(10)
    assert d.code == 0


def test_ctrl_r_searches_history(drive):
    history = InMemoryHistory()
    for line in ("describe-instances", "describe-volumes --output json", "describe-snapshots"):
        history.append_string(line)
    d = drive(history=history)
    d.send("\x12")
    d.send("volu")
    until(lambda: d.repl.session.app.current_buffer.text == "volu", what="the search text")
    d.send("\r")          # takes the match onto the line, without running it
    until(lambda: d.buffer.text == "describe-volumes --output json",
          what=f"the history match, not {d.buffer.text!r}")


def test_f5_refreshes_now(bare):
    runtime, poller = bare
    d = Driver(runtime, poller)
    until(d.prompting)
    before = poller.requests
    d.send(F5)
    until(lambda: poller.requests > before, what="a sweep after F5")
    assert d.close() == 0


def test_internal_errors_and_interrupts_are_one_line_and_the_repl_goes_on(drive):
    reg = Registry()

    def boom(ctx, inv):
        raise ValueError("boom")

    def interrupted(ctx, inv):
        raise KeyboardInterrupt

    reg.command("boom", "shell", "Fails.", euca=False)(boom)
    reg.command("slow-wait", "shell", "Interrupted.", euca=False, mutates=True)(interrupted)
    d = drive(registry=reg)
    out = d.run_line("boom", "internal error")
    assert out.strip().splitlines() == ["internal error: ValueError: boom"]
    out = d.run_line("slow-wait", "interrupted")
    assert len(out.strip().splitlines()) == 1 and "may have reached the cloud" in out
    d.send("exit\r")
    d.thread.join(10)
    assert d.code == 0


def test_empty_inventory_says_loading_and_tab_does_not_hang(idle):
    runtime, poller = idle        # nothing fetched yet
    d = Driver(runtime, poller)
    try:
        assert "loading inventory…" in "".join(t for _, t in d.repl.toolbar())
        d.type("attach-volume ")
        d.send("\t")
        until(lambda: d.buffer.complete_state is not None or d.buffer.text != "attach-volume ",
              what="Tab to answer")
        assert "vol-" not in d.buffer.text
    finally:
        assert d.close() == 0


def test_starts_inside_a_running_event_loop_as_the_monitor_does(idle):
    runtime, poller = idle
    out = io.StringIO()

    async def monitor_handler() -> int:
        return run_repl_on(runtime, poller, input=pipe, output=DummyOutput(), history=InMemoryHistory(),
                           console=Console(file=out, width=120))

    with create_pipe_input() as pipe:
        pipe.send_text("describe-volumes --output json\r")
        pipe.send_text("exit\r")
        assert asyncio.run(monitor_handler()) == 0
    assert '"Volumes": []' in out.getvalue()


# -- history ------------------------------------------------------------------------------

def test_history_is_private_and_never_records_secrets(idle, tmp_path, monkeypatch):
    runtime, poller = idle
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("describe-volumes --output text\r")
        pipe.send_text("describe-instances --secret-key wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY12\r")
        pipe.send_text("exit\r")
        assert run_repl_on(runtime, poller, input=pipe, output=DummyOutput(),
                           console=Console(file=out, width=120)) == 0
    path = tmp_path / "state" / "cloudshell" / "history"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "describe-volumes --output text" in text
    assert "secret" not in text and "wJalrX" not in text
    assert "not kept in history" in out.getvalue()


@pytest.mark.parametrize("line,kept", [
    ("describe-instances", True),
    ("attach-volume vol-1a2b3c4d -i i-1a2b3c4d -d /dev/sdf", True),
    ("create-keypair mykey -f /home/me/.ssh/mykey.pem", True),
    ("describe-instances --secret-key abc", False),
    ("describe-instances --access-key=AKIDEXAMPLE", False),
    ("run-instances emi-1a2b3c4d -d 'password=hunter2'", False),
    ("config -S abc", False),
    ("create-tags i-1a2b3c4d --tag note=AKIAIOSFODNN7EXAMPLE", False),
    ("create-tags i-1a2b3c4d --tag k=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY12", False),
    ("create-tags i-1a2b3c4d --tag 'k=-----BEGIN RSA PRIVATE KEY-----'", False),
    ("describe-instances AWS_SECRET_ACCESS_KEY=x", False),
])
def test_secret_rule(line, kept):
    assert (secret_in(line) is None) is kept


def test_existing_history_file_is_made_private(tmp_path):
    path = tmp_path / "h"
    path.write_text("")
    path.chmod(0o644)
    history = PrivateHistory(path)
    history.append_string("describe-volumes")
    history.append_string("x --secret-key y")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "describe-volumes" in path.read_text() and "secret" not in path.read_text()
    assert history.skipped == 1


# -- toolbar and lexer ----------------------------------------------------------------------

def _text(frags) -> str:
    return "".join(t for _, t in frags)


def test_toolbar_states_and_a_live_repl_toolbar(live, drive_live):
    _, facts, _, poller = live
    text = _text(toolbar_fragments(label="demo", region="us-east-1", inventory=EMPTY, health=Health(),
                                   width=80))
    assert text.startswith(" demo us-east-1") and "loading inventory…" in text and "connecting…" in text
    stale = Health(state="stale", stale_since=time.time() - 60, last_error="endpoint unreachable",
                   failures=4)
    live_text = _text(toolbar_fragments(label="demo", region="us-east-1", inventory=poller.inventory,
                                        health=stale, width=80))
    assert f"{len(facts.instances)} inst" in live_text and "ago" in live_text
    assert re.search(r"stale since \d\d:\d\d:\d\d: endpoint unreachable", live_text)
    assert len(live_text) <= 80
    narrow = _text(toolbar_fragments(label="demo", region="us-east-1", inventory=poller.inventory,
                                     health=stale, width=50))
    assert len(narrow) <= 50 and "stale" in narrow
    d = drive_live()
    text = _text(d.repl.toolbar())
    assert f"{len(facts.instances)} inst" in text and text.rstrip().endswith("ok")


def test_lexer_colours_commands_options_and_ids():
    lexer = lexer_for(["attach-volume", "describe-volumes"])()
    tokens = {v: t for _, t, v in lexer.get_tokens_unprocessed(
        "attach-volume vol-1a2b3c4d -i i-1a2b3c4d -d /dev/sdf")}
    assert tokens["attach-volume"] is Keyword and tokens["-i"] is Name.Attribute
    assert tokens["vol-1a2b3c4d"] is IDS.Volume and tokens["i-1a2b3c4d"] is IDS.Instance
    unknown = list(lexer.get_tokens_unprocessed("frobnicate x"))
    assert unknown[0][1] is Error
    typing = list(lexer.get_tokens_unprocessed("attach"))     # a prefix being typed is not an error yet
    assert typing[0][1] is not Error
    images = {v: t for _, t, v in lexer.get_tokens_unprocessed("x emi-1a2b3c4d eki-1a2b3c4d snap-1a2b3c4d")}
    assert images["emi-1a2b3c4d"] is IDS.Image and images["eki-1a2b3c4d"] is IDS.Kernel
    assert images["snap-1a2b3c4d"] is IDS.Snapshot
