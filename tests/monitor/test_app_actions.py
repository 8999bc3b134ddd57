"""Every action key under Pilot against moto, the cloud's state checked afterwards through boto3."""

from __future__ import annotations

from monitor_harness import instance, monitor, screen_text, select, until, volume
from textual import events


def _screen_name(app) -> str:
    return type(app.screen).__name__


async def _settled(app, pilot) -> None:
    await until(pilot, lambda: not app.running_actions, timeout=30, what="actions settled")
    await app.workers.wait_for_complete()


async def test_attach_with_the_picker_then_detach_from_the_volumes_view(seeded):
    """The issue's path: pick an available volume for a running instance, attach, then detach it."""
    cloud, facts = seeded
    web1, scratch = facts.instance("web-1"), facts.volume("scratch-a")
    async with monitor(cloud, size=(80, 24)) as (app, pilot):
        await select(pilot, app, "web-1")
        await pilot.press("a")
        await until(pilot, lambda: _screen_name(app) == "PickerScreen", what="picker")
        await pilot.pause()
        text = screen_text(app)
        assert scratch.id in text                               # available, same zone
        assert facts.volume("scratch-b").id not in text          # other zone: not offered
        assert app.screen.query_one("#field").value == "/dev/sdg"  # /dev/sdf is taken on web-1
        await pilot.press("enter")
        await until(pilot, lambda: volume(cloud, scratch.id).get("State") == "in-use", what="attached")
        await _settled(app, pilot)
        att = volume(cloud, scratch.id)["Attachments"][0]
        assert (att["InstanceId"], att["Device"]) == (web1.id, "/dev/sdg")
        assert app.inventory.get(scratch.id)["instance"] == web1.id       # the poller saw it
        assert any("attach-volume" in e.text and "ok" in e.text for e in app.timeline.entries)

        await pilot.press("2")
        await select(pilot, app, scratch.id)
        await pilot.press("d")
        await until(pilot, lambda: _screen_name(app) == "ConfirmScreen", what="detach question")
        assert "in use" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: volume(cloud, scratch.id).get("State") == "available", what="detached")
        await _settled(app, pilot)
        assert app.inventory.get(scratch.id).state == "available"


async def test_attach_from_a_volume_offers_running_instances_of_its_zone(seeded):
    cloud, facts = seeded
    scratch_b = facts.volume("scratch-b")
    async with monitor(cloud) as (app, pilot):
        await pilot.press("2")
        await select(pilot, app, "scratch-b")
        await pilot.press("a")
        await until(pilot, lambda: _screen_name(app) == "PickerScreen", what="picker")
        await pilot.pause()
        text = screen_text(app)
        offered = {i.id for i in facts.instances if i.id in text}
        assert offered == {i.id for i in facts.instances_where(zone=scratch_b.zone, state="running")}
        chosen = app.screen.query_one("#choices").get_option_at_index(0).id
        await pilot.press("enter")
        await until(pilot, lambda: volume(cloud, scratch_b.id).get("State") == "in-use", what="attached")
        assert volume(cloud, scratch_b.id)["Attachments"][0]["InstanceId"] == chosen
        await _settled(app, pilot)


async def test_force_detach_needs_a_second_confirmation(seeded):
    cloud, facts = seeded
    data = facts.volume("app-1-data")
    async with monitor(cloud) as (app, pilot):
        await pilot.press("2")
        await select(pilot, app, "app-1-data")
        await pilot.press("d")
        await until(pilot, lambda: _screen_name(app) == "ConfirmScreen", what="first question")
        await pilot.press("f")
        await until(pilot, lambda: "Force-detach" in screen_text(app), what="second question")
        await pilot.press("n")                                   # changed my mind: nothing sent
        await until(pilot, lambda: _screen_name(app) == "MainScreen", what="back")
        await app.workers.wait_for_complete()
        assert volume(cloud, data.id)["State"] == "in-use" and not app.running_actions

        await pilot.press("d")
        await until(pilot, lambda: _screen_name(app) == "ConfirmScreen", what="first question")
        await pilot.press("f")
        await until(pilot, lambda: "Force-detach" in screen_text(app), what="second question")
        await pilot.press("y")
        await until(pilot, lambda: volume(cloud, data.id).get("State") == "available", what="force-detached")
        await _settled(app, pilot)
        assert any("detach-volume" in e.text and "-f" in e.text for e in app.timeline.entries)


async def test_volume_snapshot_create_and_delete_with_guards(seeded):
    cloud, facts = seeded
    scratch = facts.volume("scratch-a")
    async with monitor(cloud) as (app, pilot):
        await pilot.press("2")
        await select(pilot, app, "scratch-a")
        await pilot.press("s")
        await until(pilot, lambda: _screen_name(app) == "FormScreen", what="snapshot form")
        await pilot.press(*"before resize", "enter")
        await _settled(app, pilot)
        snaps = cloud.session.call("describe_snapshots", OwnerIds=["self"])["Snapshots"]
        assert any(s["VolumeId"] == scratch.id and s.get("Description") == "before resize" for s in snaps)

        before = {v["VolumeId"] for v in cloud.session.call("describe_volumes")["Volumes"]}
        await pilot.press("n")
        await until(pilot, lambda: _screen_name(app) == "FormScreen", what="create form")
        field = app.screen.query_one("#field-size")
        field.value = ""
        await pilot.press(*"3", "enter", "enter", "enter")           # size, zone (prefilled), no snapshot
        await _settled(app, pilot)
        new = [v for v in cloud.session.call("describe_volumes")["Volumes"] if v["VolumeId"] not in before]
        assert len(new) == 1 and new[0]["Size"] == 3 and new[0]["AvailabilityZone"] == scratch.zone

        await select(pilot, app, "web-1-data")                       # attached: delete is refused
        await pilot.press("D")
        await _settled(app, pilot)
        assert volume(cloud, facts.volume("web-1-data").id)["State"] == "in-use"
        assert any("detach it first" in e.text for e in app.timeline.entries)

        await pilot.press("escape")
        await select(pilot, app, "scratch-a")
        await pilot.press("D")
        await until(pilot, lambda: _screen_name(app) == "ConfirmScreen", what="delete question")
        assert "Delete" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: not volume(cloud, scratch.id), what="deleted")
        await _settled(app, pilot)


async def test_instance_reboot_stop_start_address_console_terminate(seeded):
    cloud, facts = seeded
    web2 = facts.instance("web-2")
    async with monitor(cloud) as (app, pilot):
        await select(pilot, app, "web-2")
        await pilot.press("B")
        await until(pilot, lambda: _screen_name(app) == "ConfirmScreen", what="reboot question")
        await pilot.press("y")
        await _settled(app, pilot)
        assert any("reboot-instances" in e.text and ": ok" in e.text for e in app.timeline.entries)

        await pilot.press("e")
        await until(pilot, lambda: _screen_name(app) == "PickerScreen", what="address picker")
        await pilot.press("enter")
        await until(pilot, lambda: instance(cloud, web2.id).get("PublicIpAddress") == facts.free_address,
                    what="address associated")
        await _settled(app, pilot)

        await pilot.press("p")
        await until(pilot, lambda: _screen_name(app) == "ConfirmScreen", what="stop question")
        await pilot.press("y")
        await until(pilot, lambda: instance(cloud, web2.id)["State"]["Name"] == "stopped", what="stopped")
        await _settled(app, pilot)
        await until(pilot, lambda: app.screen.table.current.state == "stopped", what="row stopped")
        await pilot.press("p")                                   # starting asks nothing
        await until(pilot, lambda: instance(cloud, web2.id)["State"]["Name"] == "running", what="started")
        await _settled(app, pilot)

        await pilot.press("c")
        await until(pilot, lambda: _screen_name(app) == "DetailScreen", what="console")
        await until(pilot, lambda: app.screen.console is not None or app.screen.console_error, what="loaded")
        await pilot.press("escape")

        await pilot.press("T")
        await until(pilot, lambda: _screen_name(app) == "ConfirmScreen", what="terminate question")
        await pilot.press("y")
        await until(pilot, lambda: instance(cloud, web2.id)["State"]["Name"] in ("shutting-down", "terminated"),
                    what="terminated")
        await _settled(app, pilot)


async def test_read_only_refuses_with_one_line_and_sends_nothing(seeded):
    cloud, facts = seeded
    scratch = facts.volume("scratch-a")
    async with monitor(cloud, read_only=True) as (app, pilot):
        assert "(read-only)" in screen_text(app)
        await select(pilot, app, "web-1")
        await pilot.press("a")
        await until(pilot, lambda: _screen_name(app) == "PickerScreen", what="picker")
        await pilot.press("enter")
        await _settled(app, pilot)
        refusal = [e.text for e in app.timeline.entries if "attach-volume" in e.text and "failed" in e.text]
        assert refusal and "read-only" in refusal[0] and "\n" not in refusal[0]
        assert volume(cloud, scratch.id)["State"] == "available"


async def test_command_bar_runs_commands_against_the_cloud(seeded):
    cloud, facts = seeded
    scratch, web1 = facts.volume("scratch-a"), facts.instance("web-1")
    async with monitor(cloud) as (app, pilot):
        await pilot.press("colon")
        bar = app.screen.query_one("#command-input")
        bar.post_message(events.Paste(f"attach-volume -i {web1.id} -d /dev/sdh {scratch.id}"))  # pasted
        await until(pilot, lambda: bar.value.endswith(scratch.id), what="pasted line")
        await pilot.press("enter")
        await until(pilot, lambda: volume(cloud, scratch.id).get("State") == "in-use", what="attached")
        await _settled(app, pilot)
        panel = app.screen.query_one("#output")
        await until(pilot, lambda: any("in-use" in line.text or "attach" in line.text for line in panel.lines),
                    what="outcome in the panel")
        await pilot.press("colon", *"describe-volumes", "enter")
        await _settled(app, pilot)
        await until(pilot, lambda: any(scratch.id in line.text for line in panel.lines), what="listing")
        # Script formats in the bar: plain text into the panel, the app keeps running.
        await pilot.press("colon")
        bar.post_message(events.Paste(f"describe-volumes {scratch.id} --output json --query Volumes[0].State"))
        await until(pilot, lambda: bar.value.endswith("State"), what="pasted line")
        await pilot.press("enter")
        await _settled(app, pilot)
        await until(pilot, lambda: any(line.text.strip() == '"in-use"' for line in panel.lines),
                    what="JSON query answer in the panel")
        assert app.is_running


async def test_delete_key_in_the_other_views_asks_then_deletes(seeded):
    cloud, facts = seeded
    snap = next(sid for sid, desc in facts.snapshots.items() if desc == "")
    async with monitor(cloud) as (app, pilot):
        await pilot.press("3")
        await select(pilot, app, snap)
        await pilot.press("D")
        await until(pilot, lambda: _screen_name(app) == "ConfirmScreen", what="delete question")
        await pilot.press("y")
        await _settled(app, pilot)
        snaps = {s["SnapshotId"] for s in cloud.session.call("describe_snapshots", OwnerIds=["self"])["Snapshots"]}
        assert snap not in snaps

        await pilot.press("5")
        await select(pilot, app, facts.free_address)
        await pilot.press("D")
        await until(pilot, lambda: _screen_name(app) == "ConfirmScreen", what="release question")
        await pilot.press("y")
        await _settled(app, pilot)
        addresses = {a["PublicIp"] for a in cloud.session.call("describe_addresses")["Addresses"]}
        assert facts.free_address not in addresses and facts.address in addresses
