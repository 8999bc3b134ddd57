"""What the demo cloud holds: ``seed`` fills an empty EC2 endpoint Eucalyptus-style.

``DemoFacts`` is what it made, by ID. The demo's names and the ``cloudshell:*``
tags that carry what moto does not keep (image kinds, kernel and ramdisk links,
the activity thread's own instances) live here too.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cloudshell.cloud.session import CloudSession

DEMO_REGION = "us-east-1"
DEMO_ZONES = ("us-east-1a", "us-east-1b")
DEMO_KEYPAIR = "testkey"
# The demo keypair's public half, imported rather than created: moto makes a 2048-bit RSA key for a
# CreateKeyPair (~40 ms of its CPU, in every seed), and the demo never uses the private half.
DEMO_PUBLIC_KEY = (
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDO1VOHl41CKtBaK53KYCzrorCYOUcAJ8mQHmQgoRls5gsKG+Qo4nGsvPcmvwb2J"
    "sjDDGIf5l5ighXeiNsp4fqmb1v/qy9+MWIfsHGPEQ6xUBGMinS+sT7L1oTdJrKDIeRYasEWJXQ/Oqk36HL80zneX3P61d6pNIn8"
    "GmsPmDBWXpH29WnM4ne6YZpGq/U/+/IpArEW42PnOqqLKHUwJUGMmD9jq0OJIRFgQgflFvbXppoGqINzdne90B8LROPQn/U7T0FJ"
    "MtnPsGE9mw66ZlWQ1C6lhxTary9vsk7quald6+CrK4BTb4F86hxDAKtJ37vysNg5A+Ks4AfdRozVAcWF cloudshell-demo")
DEMO_GROUP = "webservers"  # not the how-to's "mygroup": its euca-add-group line must work on --demo
DEMO_ACCOUNT = "123456789012"  # moto's account: owner of everything in the demo cloud
# moto registers every image as a "machine" image and ignores KernelId and
# RamdiskId, so the Eucalyptus image kinds and links are kept in tags.
IMAGE_TYPE_TAG = "cloudshell:image-type"
KERNEL_TAG = "cloudshell:kernel-id"
RAMDISK_TAG = "cloudshell:ramdisk-id"
# Instances the activity thread launched, so it only ever terminates its own.
ACTIVITY_TAG = "cloudshell:demo-activity"


@dataclass(frozen=True)
class DemoInstance:
    id: str
    name: str
    zone: str
    image_id: str
    instance_type: str
    state: str


@dataclass(frozen=True)
class DemoVolume:
    id: str
    name: str
    zone: str
    size: int
    instance_id: str | None = None
    device: str | None = None
    snapshot_id: str | None = None


@dataclass(frozen=True)
class DemoFacts:
    """Everything ``seed`` made, by ID, so tests can assert on it."""

    region: str
    zones: tuple[str, ...]
    kernel_id: str
    ramdisk_id: str
    images: Mapping[str, str]            # machine image name -> image ID
    keypair: str
    group_name: str
    group_id: str
    instances: tuple[DemoInstance, ...]
    volumes: tuple[DemoVolume, ...]      # data volumes only; moto adds a root volume per instance
    snapshots: Mapping[str, str]         # snapshot ID -> description ("" when none)
    address: str                         # associated Elastic IP (EC2-classic style, "standard")
    address_instance_id: str
    free_address: str                    # unassociated Elastic IP ("vpc", has an AllocationId)
    free_allocation_id: str
    seconds: float = field(default=0.0, compare=False)
    network: Any = None                  # demo/network.py's DemoNetwork, when seeded with network=True

    def instance(self, name: str) -> DemoInstance:
        for inst in self.instances:
            if inst.name == name:
                return inst
        raise KeyError(name)

    def volume(self, name: str) -> DemoVolume:
        for vol in self.volumes:
            if vol.name == name:
                return vol
        raise KeyError(name)

    def instances_where(self, *, zone: str | None = None, state: str | None = None,
                        ) -> tuple[DemoInstance, ...]:
        return tuple(i for i in self.instances
                     if (zone is None or i.zone == zone) and (state is None or i.state == state))

    @property
    def attached_volumes(self) -> tuple[DemoVolume, ...]:
        return tuple(v for v in self.volumes if v.instance_id)

    @property
    def available_volumes(self) -> tuple[DemoVolume, ...]:
        return tuple(v for v in self.volumes if not v.instance_id)


# name, zone, image, type, final state. The first ten are the demo cloud;
# more are "node-N", running, alternating zones.
_A, _B = DEMO_ZONES
_INSTANCE_PLAN: tuple[tuple[str, str, str, str, str], ...] = (
    ("web-1", _A, "centos-7-x86_64", "m1.small", "running"),
    ("web-2", _B, "centos-7-x86_64", "m1.small", "running"),
    ("db-1", _A, "debian-9-amd64", "m1.large", "running"),
    ("db-2", _B, "debian-9-amd64", "m1.large", "stopped"),
    ("app-1", _B, "ubuntu-16.04-server", "c1.medium", "running"),
    ("app-2", _A, "ubuntu-16.04-server", "c1.medium", "running"),
    ("cache-1", _B, "centos-7-x86_64", "m1.small", "running"),
    ("build-1", _A, "debian-9-amd64", "c1.medium", "stopped"),
    ("test-1", _B, "ubuntu-16.04-server", "m1.small", "terminated"),
    ("batch-1", _A, "centos-7-x86_64", "m1.xlarge", "running"),
)
MIN_INSTANCES = 8

_MACHINE_IMAGES = (
    ("centos-7-x86_64", "CentOS 7 x86_64"),
    ("ubuntu-16.04-server", "Ubuntu 16.04 LTS server"),
    ("debian-9-amd64", "Debian 9 amd64"),
)

# name, zone, GiB, attached to (instance name) or None, from snapshot of (volume name)
_VOLUME_PLAN: tuple[tuple[str, str, int, str | None], ...] = (
    ("web-1-data", _A, 10, "web-1"),
    ("db-1-data", _A, 50, "db-1"),
    ("app-1-data", _B, 20, "app-1"),
    ("db-2-data", _B, 50, "db-2"),        # attached to a stopped instance
    ("scratch-a", _A, 5, None),
    ("scratch-b", _B, 5, None),
)
_DATA_DEVICE = "/dev/sdf"


def tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def tag_spec(kind: str, tags: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": tag_list(tags)}]


def seed(session: CloudSession, *, instances: int = 10, network: bool = False) -> DemoFacts:
    """Fill an empty EC2 endpoint with a small Eucalyptus-style cloud; returns what it made.

    With ``network`` (``--demo``), a VPC too (demo/network.py), seeded last: its instances are in
    ``instances`` after the classic ones, the rest in ``network``.

    Deterministic in shape and names; IDs are deterministic too when moto's
    random generator was seeded first (``MotoServer.reset(random_seed=…)``).
    """
    if instances < MIN_INSTANCES:
        raise ValueError(f"seed needs at least {MIN_INSTANCES} instances (both zones, every state), "
                         f"got {instances}")
    started = time.perf_counter()
    call = session.call

    # Images: a kernel, a ramdisk, and machine images booting them.
    # KernelId/RamdiskId are what Eucalyptus needs; moto accepts and ignores them.
    def register(name: str, description: str, **extra: Any) -> str:
        return call("register_image", mutating=True, Name=name, Description=description,
                    Architecture="x86_64", **extra)["ImageId"]

    kernel_id = register("vmlinuz-4.4.0-x86_64", "Linux kernel 4.4.0")
    ramdisk_id = register("initrd-4.4.0-x86_64", "initial ramdisk for 4.4.0")
    images = {name: register(name, description, KernelId=kernel_id, RamdiskId=ramdisk_id)
              for name, description in _MACHINE_IMAGES}
    call("create_tags", mutating=True, Resources=[kernel_id], Tags=tag_list({IMAGE_TYPE_TAG: "kernel"}))
    call("create_tags", mutating=True, Resources=[ramdisk_id],
         Tags=tag_list({IMAGE_TYPE_TAG: "ramdisk"}))
    call("create_tags", mutating=True, Resources=list(images.values()), Tags=tag_list(
        {IMAGE_TYPE_TAG: "machine", KERNEL_TAG: kernel_id, RAMDISK_TAG: ramdisk_id}))

    # Access: keypair and a group open to ssh.
    call("import_key_pair", mutating=True, KeyName=DEMO_KEYPAIR, PublicKeyMaterial=DEMO_PUBLIC_KEY.encode())
    group_id = call("create_security_group", mutating=True, GroupName=DEMO_GROUP,
                    Description="demo group: ssh from anywhere")["GroupId"]
    call("authorize_security_group_ingress", mutating=True, GroupId=group_id, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
        "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "ssh"}]}])

    # Instances: one call each for the named ones (each has its own Name tag),
    # then one call per zone for any extra "node-N".
    plan = list(_INSTANCE_PLAN[:instances])
    plan += [(f"node-{n}", DEMO_ZONES[n % 2], _MACHINE_IMAGES[n % 3][0], "m1.small", "running")
             for n in range(1, instances - len(plan) + 1)]
    launch = {"KeyName": DEMO_KEYPAIR, "SecurityGroupIds": [group_id],
              "KernelId": kernel_id, "RamdiskId": ramdisk_id}
    made: list[DemoInstance] = []
    named, extra = plan[:len(_INSTANCE_PLAN)], plan[len(_INSTANCE_PLAN):]
    for name, zone, image, itype, state in named:
        reply = call("run_instances", mutating=True, ImageId=images[image], MinCount=1, MaxCount=1,
                     InstanceType=itype, Placement={"AvailabilityZone": zone},
                     TagSpecifications=tag_spec("instance", {"Name": name}), **launch)
        made.append(DemoInstance(reply["Instances"][0]["InstanceId"], name, zone, images[image],
                                 itype, state))
    for zone in DEMO_ZONES:
        batch = [p for p in extra if p[1] == zone]
        if not batch:
            continue
        reply = call("run_instances", mutating=True, ImageId=images[batch[0][2]],
                     MinCount=len(batch), MaxCount=len(batch), InstanceType="m1.small",
                     Placement={"AvailabilityZone": zone}, **launch)
        for (name, _zone, _image, itype, state), inst in zip(batch, reply["Instances"], strict=True):
            call("create_tags", mutating=True, Resources=[inst["InstanceId"]],
                 Tags=tag_list({"Name": name}))
            made.append(DemoInstance(inst["InstanceId"], name, zone, images[batch[0][2]], itype, state))
    by_name = {i.name: i for i in made}

    # Volumes, attached and free in both zones.
    volumes: list[DemoVolume] = []
    for name, zone, size, owner in _VOLUME_PLAN:
        vol_id = call("create_volume", mutating=True, AvailabilityZone=zone, Size=size,
                      TagSpecifications=tag_spec("volume", {"Name": name}))["VolumeId"]
        instance_id = by_name[owner].id if owner else None
        if instance_id:
            call("attach_volume", mutating=True, VolumeId=vol_id, InstanceId=instance_id,
                 Device=_DATA_DEVICE)
        volumes.append(DemoVolume(vol_id, name, zone, size, instance_id,
                                  _DATA_DEVICE if instance_id else None))

    # Snapshots: one described, one not; a free volume restored from the first.
    vol_by_name = {v.name: v for v in volumes}
    snapshots: dict[str, str] = {}
    for vol_name, description in (("db-1-data", "db-1 nightly backup"), ("web-1-data", "")):
        params = {"Description": description} if description else {}
        snap_id = call("create_snapshot", mutating=True, VolumeId=vol_by_name[vol_name].id,
                       TagSpecifications=tag_spec("snapshot", {"Name": f"{vol_name}-snap"}),
                       **params)["SnapshotId"]
        snapshots[snap_id] = description
    first_snap = next(iter(snapshots))
    restored = call("create_volume", mutating=True, AvailabilityZone=_B, SnapshotId=first_snap,
                    TagSpecifications=tag_spec("volume", {"Name": "db-1-restore"}))
    volumes.append(DemoVolume(restored["VolumeId"], "db-1-restore", _B, int(restored["Size"]),
                              snapshot_id=first_snap))

    # Stop and terminate last: attaching to a stopped instance is allowed, but
    # terminating first would delete its root volume before it is seen.
    for state, operation in (("stopped", "stop_instances"), ("terminated", "terminate_instances")):
        ids = [i.id for i in made if i.state == state]
        if ids:
            call(operation, mutating=True, InstanceIds=ids)

    # Addresses: one on web-1 (EC2-classic style, by public IP), one free.
    address = call("allocate_address", mutating=True, Domain="standard")["PublicIp"]
    address_instance = by_name["web-1"].id
    call("associate_address", mutating=True, InstanceId=address_instance, PublicIp=address)
    free = call("allocate_address", mutating=True, Domain="vpc")

    vpc = None
    if network:
        from cloudshell.cloud.demo.network import seed_network

        vpc = seed_network(session, images["centos-7-x86_64"])
        made += vpc.instances

    return DemoFacts(
        region=session.region, zones=DEMO_ZONES, kernel_id=kernel_id, ramdisk_id=ramdisk_id,
        images=MappingProxyType(images), keypair=DEMO_KEYPAIR, group_name=DEMO_GROUP,
        group_id=group_id, instances=tuple(made), volumes=tuple(volumes),
        snapshots=MappingProxyType(snapshots), address=address,
        address_instance_id=address_instance, free_address=free["PublicIp"],
        free_allocation_id=free.get("AllocationId") or "",
        seconds=time.perf_counter() - started, network=vpc)
