"""What the action keys do: from the selected row to one registry command line.

Everything here reads the inventory snapshot (no network) and hands a command
line to the app, which runs it in a worker through the one safety pipeline.
Each action says what the poller must see before it counts as done. The main
screen keeps one :class:`ResourceActions` and hands each action key to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.notifications import SeverityLevel

from cloudshell.cloud.inventory import Inventory, Record
from cloudshell.cloud.inventory import label as _who  # the one labeller
from cloudshell.cloud.kinds import KINDS

if TYPE_CHECKING:
    from cloudshell.app import CloudshellApp
    from cloudshell.screens.main import MainScreen

DEVICE_LETTERS = "fghijklmnop"

# action → the views it works in (bindings elsewhere are hidden and inert), from the kinds' rows;
# ``delete`` works where a kind has a delete command (every one asks first and is guarded).
ACTION_VIEWS: dict[str, frozenset[str]] = {
    action: frozenset(k.name for k in KINDS.values() if k.view and action in k.actions)
    for action in sorted({a for k in KINDS.values() for a in k.actions})
} | {"delete": frozenset(k.name for k in KINDS.values() if k.view and k.delete_command)}


def free_device(inv: Inventory, instance_id: str) -> str:
    """The first data device name (``/dev/sdf``…) whose disk slot the instance does not use."""
    from cloudshell.commands.guards import devices_in_use
    from cloudshell.commands.values import device_slot

    inst = inv.get(instance_id, "instances")
    used = {device_slot(name) for name in devices_in_use(inv, inst)} if inst is not None else set()
    for letter in DEVICE_LETTERS:
        if letter not in used:
            return f"/dev/sd{letter}"
    return "/dev/sdq"


def _volume_label(v: Record) -> str:
    return f"{v.id}  {v.name or '-'}  {v['size']} GiB  {v.zone}"


def _instance_label(i: Record) -> str:
    return f"{i.id}  {i.name or '-'}  {i.state}  {i['type']}  {i.zone}"


class ResourceActions:
    """What the main screen's action keys do: one method per key, each enabled in some views."""

    ACTION_BINDINGS = [
        Binding("a", "attach", "Attach"),
        Binding("d", "detach", "Detach"),
        Binding("s", "ssh", "SSH"),
        Binding("s", "snapshot", "Snapshot"),
        Binding("B", "reboot", "Reboot", show=False),
        Binding("p", "power", "Stop/Start", show=False),
        Binding("T", "terminate", "Terminate", show=False),
        Binding("e", "associate", "Address", show=False),
        Binding("c", "console", "Console", show=False),
        Binding("D", "delete", "Delete", show=False),
        Binding("n", "create_volume", "New volume", show=False),
    ]

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    @property
    def view(self) -> str:
        return self.screen.view

    @property
    def app(self) -> CloudshellApp:
        return self.screen.app

    @staticmethod
    def enabled(action: str, view: str) -> bool:
        """Whether ``action`` works in ``view`` (an action not listed here works everywhere)."""
        views = ACTION_VIEWS.get(action)
        return views is None or view in views

    # -- shared ------------------------------------------------------------------------
    def notify(self, message: str, *, severity: SeverityLevel = "information") -> None:
        self.screen.notify(message, severity=severity)

    def _current(self, kind: str) -> Record | None:
        rec = self.screen.table.current
        if rec is None or rec.kind != kind:
            self.notify(f"no {kind[:-1]} selected", severity="warning")
            return None
        return rec

    def _run(self, argv: list[str], targets: tuple[str, ...],
             expect: Callable[[Inventory], bool] | None, expect_text: str) -> None:
        self.app.start_command(argv, label=" ".join(argv), targets=targets,
                               expect=expect, expect_text=expect_text)

    def _ask(self, question: str, then: Callable[[str], None], *, yes: str = "Yes",
             danger: bool = False, extra: tuple[str, str, str] | None = None) -> None:
        from cloudshell.screens.confirm import ConfirmScreen

        def answered(choice: str | None) -> None:
            if choice and choice != "no":
                then(choice)
        self.app.push_screen(ConfirmScreen(question, yes=yes, danger=danger, extra=extra),
                             callback=answered)

    @property
    def inv(self) -> Inventory:
        return self.app.inventory

    # -- attach / detach ---------------------------------------------------------------
    def attach(self) -> None:
        from cloudshell.screens.picker import PickerScreen

        inv = self.inv
        if self.view == "instances":
            inst = self._current("instances")
            if inst is None:
                return
            # Only the instance's own cloud and zone ("cloud" is "" with one cloud).
            vols = sorted((v for v in inv.of("volumes").values()
                           if v.state == "available" and v.zone == inst.zone and v["cloud"] == inst["cloud"]),
                          key=lambda v: (v.name, v.id))
            if not vols:
                self.notify(f"no available volume in {inst.zone} to attach to {inst.id}",
                            severity="warning")
                return
            device = free_device(inv, inst.id)
            picker = PickerScreen(f"Attach a volume to {_who(inst)} in {inst.zone}",
                                  [(v.id, _volume_label(v)) for v in vols], field="Device",
                                  suggest=lambda _vid: device)

            def picked_volume(got: tuple[str, str] | None) -> None:
                if got:
                    self._do_attach(got[0], inst.id, got[1])
            self.app.push_screen(picker, callback=picked_volume)
            return
        vol = self._current("volumes")
        if vol is None:
            return
        if vol.state != "available":
            self.notify(f"{vol.id} is {vol.state}: only an available volume can be attached",
                        severity="warning")
            return
        where = f"{vol.zone} of cloud {vol['cloud']}" if vol["cloud"] else vol.zone
        insts = sorted((i for i in inv.of("instances").values()
                        if i.state == "running" and i.zone == vol.zone and i["cloud"] == vol["cloud"]),
                       key=lambda i: (i.name, i.id))
        if not insts:
            self.notify(f"no running instance in {where} for {vol.id}", severity="warning")
            return
        picker = PickerScreen(f"Attach {_who(vol)} ({vol['size']} GiB) to a running instance in {where}",
                              [(i.id, _instance_label(i)) for i in insts], field="Device",
                              suggest=lambda iid: free_device(self.inv, iid))

        def picked_instance(got: tuple[str, str] | None) -> None:
            if got:
                self._do_attach(vol.id, got[0], got[1])
        self.app.push_screen(picker, callback=picked_instance)

    def _do_attach(self, vol_id: str, inst_id: str, device: str) -> None:
        argv = ["attach-volume", "-i", inst_id, "-d", device or free_device(self.inv, inst_id), vol_id]

        def attached(inv: Inventory) -> bool:
            v = inv.get(vol_id, "volumes")
            return v is not None and v["instance"] == inst_id and v.state == "in-use"
        self._run(argv, (vol_id, inst_id), attached, f"{vol_id} in-use on {inst_id}")

    def detach(self) -> None:
        vol = self._current("volumes")
        if vol is None:
            return
        inst_id = vol["instance"]
        if not inst_id:
            self.notify(f"{vol.id} is not attached ({vol.state})", severity="warning")
            return
        inst = self.inv.get(inst_id, "instances")
        state = f", {inst.state}" if inst is not None else ""
        question = (f"Detach {_who(vol)} from {_who(inst, inst_id)}{state} at {vol['device'] or '?'}?\n"
                    "It is in use: unmount it on the instance first, or data may be lost.")

        def chosen(choice: str) -> None:
            if choice == "force":
                self._ask(f"Force-detach {vol.id} from {inst_id}?\nA forced detach skips the "
                          "instance's flush: unwritten data is lost and the file system may be damaged.",
                          lambda _c: self._do_detach(vol.id, inst_id, force=True), yes="Force detach",
                          danger=True)
            else:
                self._do_detach(vol.id, inst_id, force=False)
        self._ask(question, chosen, yes="Detach", danger=True, extra=("f", "force", "Force…"))

    def _do_detach(self, vol_id: str, inst_id: str, *, force: bool) -> None:
        # The user confirmed here already; --yes keeps the command from asking a third time.
        argv = ["detach-volume", vol_id] + (["-f"] if force else []) + ["--yes"]

        def detached(inv: Inventory) -> bool:
            v = inv.get(vol_id, "volumes")
            return v is None or (v["instance"] != inst_id and v.state == "available")
        self._run(argv, (vol_id, inst_id), detached, f"{vol_id} available")

    # -- volumes -----------------------------------------------------------------------
    def snapshot(self) -> None:
        from cloudshell.screens.form import FormScreen

        vol = self._current("volumes")
        if vol is None:
            return
        before = {s.id for s in self.inv.of("snapshots").values()}

        def submit(values: dict[str, str] | None) -> None:
            if values is None:
                return
            argv = ["create-snapshot", vol.id] + (["-d", values["description"]] if values["description"] else [])

            def appeared(inv: Inventory) -> bool:
                return any(s["volume"] == vol.id and s.id not in before for s in inv.of("snapshots").values())
            self._run(argv, (vol.id,), appeared, f"a new snapshot of {vol.id}")
        self.app.push_screen(FormScreen(f"Snapshot {_who(vol)}", [("description", "Description", "")]),
                             callback=submit)

    def delete(self) -> None:
        kind = self.view
        rec = self._current(kind)
        if rec is None:
            return

        def gone(inv: Inventory) -> bool:
            now = inv.get(rec.id, kind)
            return now is None or now.state in KINDS[kind].leaving
        # Destructive: the command layer asks (a dialog) and refuses what is in use, naming it.
        self._run([KINDS[kind].delete_command, rec.id], (rec.id,), gone, f"{rec.id} gone")

    def create_volume(self) -> None:
        from cloudshell.screens.form import FormScreen

        rec = self.screen.table.current
        zones = sorted(self.inv.of("zones")) or sorted({v.zone for v in self.inv.of("volumes").values()})
        zone = rec.zone if rec is not None and rec.zone else (zones[0] if zones else "")
        before = set(self.inv.of("volumes"))

        def submit(values: dict[str, str] | None) -> None:
            if values is None:
                return
            argv = ["create-volume", "-z", values["zone"]]
            if values["size"]:
                argv += ["-s", values["size"]]
            if values["snapshot"]:
                argv += ["--snapshot", values["snapshot"]]

            def appeared(inv: Inventory) -> bool:
                return any(vid not in before for vid in inv.of("volumes"))
            self._run(argv, (), appeared, "the new volume")
        self.app.push_screen(FormScreen("Create a volume", [
            ("size", "Size (GiB)", "1"), ("zone", f"Zone ({', '.join(zones)})", zone),
            ("snapshot", "From snapshot (optional)", "")]), callback=submit)

    # -- instances ---------------------------------------------------------------------
    def _state_is(self, inst_id: str, *states: str) -> Callable[[Inventory], bool]:
        def check(inv: Inventory) -> bool:
            rec = inv.get(inst_id, "instances")
            return (rec is None and "gone" in states) or (rec is not None and rec.state in states)
        return check

    def reboot(self) -> None:
        inst = self._current("instances")
        if inst is None:
            return
        self._ask(f"Reboot {_who(inst)}?", lambda _c: self._run(
            ["reboot-instances", inst.id], (inst.id,), lambda inv: True, f"{inst.id} re-read"),
            yes="Reboot", danger=True)

    def power(self) -> None:
        inst = self._current("instances")
        if inst is None:
            return
        if inst.state == "running":
            self._ask(f"Stop {_who(inst)}?", lambda _c: self._run(
                ["stop-instances", inst.id], (inst.id,), self._state_is(inst.id, "stopped"),
                f"{inst.id} stopped"), yes="Stop", danger=True)
        elif inst.state == "stopped":
            self._run(["start-instances", inst.id], (inst.id,), self._state_is(inst.id, "running"),
                      f"{inst.id} running")
        else:
            self.notify(f"{inst.id} is {inst.state}: stop a running one, start a stopped one",
                        severity="warning")

    def terminate(self) -> None:
        inst = self._current("instances")
        if inst is None:
            return
        # terminate-instances is destructive: the command layer asks first.
        self._run(["terminate-instances", inst.id], (inst.id,),
                  self._state_is(inst.id, "terminated", "gone"), f"{inst.id} terminated")

    def associate(self) -> None:
        from cloudshell.screens.picker import PickerScreen

        inst = self._current("instances")
        if inst is None:
            return
        free = sorted(a.id for a in self.inv.of("addresses").values() if a.state == "free")
        if not free:
            self.notify("no free address: allocate one with :allocate-address", severity="warning")
            return

        def chosen(got: tuple[str, str] | None) -> None:
            if not got:
                return
            ip = got[0]

            def associated(inv: Inventory) -> bool:
                rec = inv.get(ip, "addresses")
                return rec is not None and rec["instance"] == inst.id
            self._run(["associate-address", "-i", inst.id, ip], (inst.id, ip), associated,
                      f"{ip} on {inst.id}")
        self.app.push_screen(PickerScreen(f"Associate an address with {_who(inst)}",
                                          [(ip, ip) for ip in free]), callback=chosen)

    def console(self) -> None:
        from cloudshell.screens.detail import DetailScreen

        inst = self._current("instances")
        if inst is not None:
            self.app.push_screen(DetailScreen(inst, console_first=True))

    def ssh(self) -> None:
        inst = self._current("instances")
        if inst is not None:
            self.app.prepare_ssh(["ssh", inst.id])

    def repl(self) -> None:
        from cloudshell.screens.terminal import run_repl

        run_repl(self.app)
