"""Driving the monitor under Pilot: a runtime on the test's cloud, and waits with deadlines."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from typing import Any

from cloudshell.app import CloudshellApp
from cloudshell.cloud.runtime import Runtime

SIZE = (120, 40)


def make_runtime(cloud: Any, *, read_only: bool = False, interval: float = 2.0) -> Runtime:
    return Runtime(settings=None, session=cloud.session, read_only=read_only, interval=interval)


async def until(pilot: Any, condition: Callable[[], Any], timeout: float = 15.0, what: str = "") -> Any:
    """Let the app run until ``condition()`` is truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in {timeout}s: {what or condition}")
        await pilot.pause(0.05)


@asynccontextmanager
async def monitor(cloud: Any, *, size: tuple[int, int] = SIZE, **runtime_kw: Any):
    """The app on ``cloud``, its first inventory loaded; the poller stopped afterwards."""
    runtime = make_runtime(cloud, **runtime_kw)
    app = CloudshellApp(runtime)
    try:
        async with app.run_test(size=size) as pilot:
            await until(pilot, lambda: app.inventory.has("volumes") and app.inventory.has("zones")
                        and app.screen.query("#view-instances") and app.screen.table.loaded,
                        what="first inventory")
            yield app, pilot
            await app.workers.wait_for_complete()
    finally:
        app.poller.stop()       # the monitor's poller (its child process, joined)
        runtime.poller(start=False).stop()


def screen_text(app: Any) -> str:
    """What the terminal shows now, as plain text lines (modal screens included)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def table_ids(app: Any, view: str | None = None) -> list[str]:
    table = app.screen.query_one(f"#view-{view}") if view else app.screen.table
    return list(table.order)


async def select(pilot: Any, app: Any, text: str) -> None:
    """Filter the current view down to rows matching ``text`` (with keys), cursor on the first."""
    await pilot.press("slash")
    for ch in text:
        await pilot.press(ch)
    await pilot.press("enter")
    await until(pilot, lambda: app.screen.table.current is not None
                and text.lower() in "\t".join(app.screen.table.current.fields.values()).lower(),
                what=f"a row matching {text!r}")


def volume(cloud: Any, vol_id: str) -> dict:
    found = cloud.session.call("describe_volumes", Filters=[{"Name": "volume-id", "Values": [vol_id]}])
    return found["Volumes"][0] if found["Volumes"] else {}


def instance(cloud: Any, inst_id: str) -> dict:
    found = cloud.session.call("describe_instances", InstanceIds=[inst_id])
    return found["Reservations"][0]["Instances"][0]


# -- synthetic data: the same message path as the poller, no endpoint ---------------------

from types import MappingProxyType, SimpleNamespace  # noqa: E402

from cloudshell.cloud.errors import CloudError  # noqa: E402
from cloudshell.cloud.inventory import Inventory, Record  # noqa: E402
from cloudshell.cloud.kinds import KINDS  # noqa: E402
from cloudshell.cloud.poller import Poller  # noqa: E402
from cloudshell.cloud.session import Endpoint  # noqa: E402

FIXED_NOW = 1_700_000_000.0   # 2023-11-14 22:13:20 UTC


class FedPoller(Poller):
    """A real Poller that never polls: tests feed it snapshots, it publishes them as usual."""

    def __init__(self) -> None:
        super().__init__(session=None)

    def start(self) -> FedPoller:
        return self

    def feed(self, inv: Inventory):
        return self._publish(inv)

    def fail(self, message: str = "endpoint unreachable", times: int = 3) -> None:
        for _ in range(times):
            self._failed(CloudError("EndpointUnreachable", message, retryable=True))

    def refresh_now(self, ids=(), kinds=()) -> None:
        self.refreshed = (tuple(ids), tuple(kinds))


def instance_raw(n: int, *, state: str = "running", zone: str = "zone-a", name: str | None = None) -> dict:
    return {"InstanceId": f"i-{n:017x}", "State": {"Name": state}, "InstanceType": "m1.small",
            "Placement": {"AvailabilityZone": zone}, "ImageId": "emi-0000000a",
            "PrivateIpAddress": f"10.0.{n // 250}.{n % 250 + 1}", "KeyName": "testkey",
            "PublicIpAddress": f"192.0.2.{n % 250 + 1}" if state == "running" else None,
            "LaunchTime": "2023-11-14 20:00", "RootDeviceName": "/dev/sda1",
            "Tags": [{"Key": "Name", "Value": name or f"node-{n}"}]}


def volume_raw(n: int, *, zone: str = "zone-a", instance: str | None = None, size: int = 10) -> dict:
    raw = {"VolumeId": f"vol-{n:017x}", "Size": size, "AvailabilityZone": zone,
           "State": "in-use" if instance else "available", "CreateTime": "2023-11-14 20:00",
           "Tags": [{"Key": "Name", "Value": f"data-{n}"}]}
    if instance:
        raw["Attachments"] = [{"InstanceId": instance, "Device": "/dev/sdf", "State": "attached",
                               "VolumeId": raw["VolumeId"]}]
    return raw


def synthetic_inventory(instances: list[dict], volumes: list[dict] = (), *, at: float = FIXED_NOW,
                        **raws: list[dict]) -> Inventory:
    records = {}
    for kind, items in (("instances", instances), ("volumes", volumes), *raws.items()):
        spec = KINDS[kind]
        records[kind] = MappingProxyType({r.id: r for r in (Record.from_raw(spec, raw) for raw in items)})
    for kind in KINDS:
        records.setdefault(kind, MappingProxyType({}))
    return Inventory(MappingProxyType(records), at)


def small_cloud(at: float = FIXED_NOW) -> Inventory:
    """Six instances in two zones and four volumes: the snapshot tests' fixed data."""
    states = ["running", "running", "stopped", "running", "pending", "terminated"]
    instances = [instance_raw(n + 1, state=s, zone="zone-a" if n % 2 == 0 else "zone-b",
                              name=["web-1", "web-2", "db-1", "db-2", "app-1", "test-1"][n])
                 for n, s in enumerate(states)]
    volumes = [volume_raw(1, instance=instances[0]["InstanceId"]), volume_raw(2, zone="zone-b"),
               volume_raw(3), volume_raw(4, instance=instances[1]["InstanceId"], zone="zone-b", size=50)]
    zones = [{"ZoneName": "zone-a", "State": "available", "RegionName": "demo"},
             {"ZoneName": "zone-b", "State": "available", "RegionName": "demo"}]
    return synthetic_inventory(instances, volumes, at=at, zones=zones)


class SyntheticRuntime:
    """A runtime with no endpoint behind it, for an app handed a FedPoller: every member the
    faces use of a runtime (cloud.protocols.FaceRuntime), nothing they could probe for instead."""

    def __init__(self, *, read_only: bool = False, poller: Poller | None = None) -> None:
        self._poller = poller
        self.label = "cloud.example:8773"
        self.session = SimpleNamespace(region="demo-region",
                                       endpoint=Endpoint(endpoint_url="http://cloud.example:8773/services/compute"))
        self.settings = None
        self.demo = None
        self.user_config: dict = {}
        self.read_only = read_only
        self.interval = 5.0
        self.phase = ""

    def poller(self, *, start: bool = True) -> Poller:
        if self._poller is None:
            raise AssertionError("this synthetic runtime has no poller: hand the app a FedPoller")
        return self._poller

    monitor_poller = poller      # the monitor's is the same one

    def close(self) -> None:
        pass


def synthetic_runtime(*, read_only: bool = False, poller: Poller | None = None) -> SyntheticRuntime:
    return SyntheticRuntime(read_only=read_only, poller=poller)


@asynccontextmanager
async def fed_monitor(inv: Inventory | None = None, *, size: tuple[int, int] = SIZE, clock=lambda: FIXED_NOW + 3,
                      theme: str | None = None, read_only: bool = False):
    """The app on a FedPoller holding ``inv`` (default: small_cloud), frozen clock."""
    poller = FedPoller()
    app = CloudshellApp(synthetic_runtime(read_only=read_only), poller=poller, clock=clock, theme=theme)
    async with app.run_test(size=size) as pilot:
        poller.feed(inv if inv is not None else small_cloud())
        await until(pilot, lambda: app.screen.query("#view-instances") and app.screen.table.loaded,
                    what="first inventory")
        yield app, pilot, poller
