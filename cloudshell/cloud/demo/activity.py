"""``--demo-activity``: a cloud that changes by itself, one small change every few seconds."""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cloudshell.cloud.demo.seeding import (
    ACTIVITY_TAG, DEMO_ZONES, IMAGE_TYPE_TAG, KERNEL_TAG, RAMDISK_TAG, tag_list, tag_spec,
)

if TYPE_CHECKING:
    from cloudshell.cloud.session import CloudSession

_ROOT_DEVICES = frozenset({"/dev/sda", "/dev/sda1", "/dev/xvda", "/dev/vda"})


class DemoActivity(threading.Thread):
    """Every ``period`` seconds, one small change: launch, stop/start, attach/detach, retag.

    Errors are counted, never raised: the endpoint may be restarted under it.
    Instances it launches are tagged and, past ``max_launched``, terminated
    again, so hours of activity keep the cloud small.
    """

    def __init__(self, session: CloudSession, *, period: float = 5.0,
                 stop_event: threading.Event | None = None, random_seed: int | None = None,
                 max_launched: int = 5) -> None:
        super().__init__(name="cloudshell-demo-activity", daemon=True)
        self.session = session
        self.period = period
        self.stop_event = stop_event or threading.Event()
        self.max_launched = max_launched
        self._rng = random.Random(random_seed)
        self._launched = 0
        self.changes = 0
        self.errors = 0
        self.last_change = ""
        self.last_error = ""

    def run(self) -> None:
        while not self.stop_event.wait(self.period):
            try:
                change = self.step()
            except Exception as exc:  # noqa: BLE001 - the demo must outlive any one failure
                self.errors += 1
                self.last_error = f"{type(exc).__name__}: {exc}"
                continue
            if change:
                self.last_change = change
                self.changes += 1

    def stop(self, timeout: float | None = None) -> None:
        self.stop_event.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout)

    # -- one change ----------------------------------------------------------------
    def step(self) -> str:
        """Make one change now; returns what it did ("" if nothing could be done)."""
        instances = [i for page in self.session.pages("describe_instances")
                     for r in page.get("Reservations", []) for i in r.get("Instances", [])]
        volumes = [v for page in self.session.pages("describe_volumes")
                   for v in page.get("Volumes", [])]
        actions = [self._launch, self._stop_or_start, self._attach_or_detach, self._retag]
        self._rng.shuffle(actions)
        for action in actions:
            change = action(instances, volumes)
            if change:
                return change
        return ""

    def _launch(self, instances: list[dict[str, Any]], volumes: list[dict[str, Any]]) -> str:
        ours = [i for i in instances if _tag(i, ACTIVITY_TAG) and _state(i) != "terminated"]
        call = self.session.call
        if len(ours) >= self.max_launched:
            victim = self._rng.choice(ours)
            call("terminate_instances", mutating=True, InstanceIds=[victim["InstanceId"]])
            return f"terminated {_label(victim)}"
        images = [img for page in self.session.pages("describe_images", Owners=["self"])
                  for img in page.get("Images", []) if _image_kind(img) == "machine"]
        if not images:
            return ""
        image = self._rng.choice(sorted(images, key=lambda img: img["ImageId"]))
        self._launched += 1
        name = f"demo-{self._launched}"
        tags = {"Name": name, ACTIVITY_TAG: "1"}
        params: dict[str, Any] = {}
        if kernel := _tag(image, KERNEL_TAG):
            params["KernelId"] = kernel
        if ramdisk := _tag(image, RAMDISK_TAG):
            params["RamdiskId"] = ramdisk
        reply = call("run_instances", mutating=True, ImageId=image["ImageId"], MinCount=1,
                     MaxCount=1, InstanceType="m1.small",
                     Placement={"AvailabilityZone": self._rng.choice(DEMO_ZONES)},
                     TagSpecifications=tag_spec("instance", tags), **params)
        return f"launched {name} ({reply['Instances'][0]['InstanceId']})"

    def _stop_or_start(self, instances: list[dict[str, Any]], volumes: list[dict[str, Any]]) -> str:
        movable = [i for i in instances if _state(i) in ("running", "stopped")]
        if not movable:
            return ""
        inst = self._rng.choice(movable)
        if _state(inst) == "running":
            self.session.call("stop_instances", mutating=True, InstanceIds=[inst["InstanceId"]])
            return f"stopped {_label(inst)}"
        self.session.call("start_instances", mutating=True, InstanceIds=[inst["InstanceId"]])
        return f"started {_label(inst)}"

    def _attach_or_detach(self, instances: list[dict[str, Any]], volumes: list[dict[str, Any]]) -> str:
        attached = [v for v in volumes if v.get("State") == "in-use"
                    and v.get("Attachments") and v["Attachments"][0].get("Device") not in _ROOT_DEVICES]
        free = [v for v in volumes if v.get("State") == "available"]
        alive = [i for i in instances if _state(i) in ("running", "stopped")]
        targets = {id(v): [i for i in alive if _zone(i) == v.get("AvailabilityZone")] for v in free}
        free = [v for v in free if targets[id(v)]]
        if attached and (not free or self._rng.random() < 0.5):
            vol = self._rng.choice(attached)
            attachment = vol["Attachments"][0]
            # moto answers 500 to a DetachVolume without InstanceId and Device.
            self.session.call("detach_volume", mutating=True, VolumeId=vol["VolumeId"],
                              InstanceId=attachment["InstanceId"], Device=attachment["Device"])
            return f"detached {_label(vol, 'VolumeId')} from {attachment['InstanceId']}"
        if not free:
            return ""
        vol = self._rng.choice(free)
        inst = self._rng.choice(targets[id(vol)])
        used = {m.get("DeviceName") for m in inst.get("BlockDeviceMappings", [])}
        device = next((d for d in (f"/dev/sd{c}" for c in "fghijklmnop") if d not in used), None)
        if device is None:
            return ""
        self.session.call("attach_volume", mutating=True, VolumeId=vol["VolumeId"],
                          InstanceId=inst["InstanceId"], Device=device)
        return f"attached {_label(vol, 'VolumeId')} to {_label(inst)} as {device}"

    def _retag(self, instances: list[dict[str, Any]], volumes: list[dict[str, Any]]) -> str:
        alive = [i for i in instances if _state(i) != "terminated"]
        if not alive:
            return ""
        inst = self._rng.choice(alive)
        load = f"{self._rng.randrange(0, 100)}%"
        self.session.call("create_tags", mutating=True, Resources=[inst["InstanceId"]],
                          Tags=tag_list({"load": load}))
        return f"tagged {_label(inst)} load={load}"


def _tag(resource: Mapping[str, Any], key: str) -> str:
    for tag in resource.get("Tags") or ():
        if tag.get("Key") == key:
            return str(tag.get("Value") or "")
    return ""


def _state(instance: Mapping[str, Any]) -> str:
    return str((instance.get("State") or {}).get("Name", ""))


def _zone(instance: Mapping[str, Any]) -> str:
    return str((instance.get("Placement") or {}).get("AvailabilityZone", ""))


def _label(resource: Mapping[str, Any], id_key: str = "InstanceId") -> str:
    name = _tag(resource, "Name")
    return f"{name} ({resource[id_key]})" if name else str(resource[id_key])


def _image_kind(image: Mapping[str, Any]) -> str:
    return _tag(image, IMAGE_TYPE_TAG) or str(image.get("ImageType", "machine"))
