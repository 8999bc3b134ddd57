"""The ``--demo`` cloud: moto's EC2+S3 server in a child process, seeded Eucalyptus-style.

moto is never imported here: importing it costs ~400 ms and, in the UI's
process, makes every repaint slow. Only the child process imports it.

The child must never outlive cloudshell, however cloudshell ends:

- normal exit, Ctrl-C: ``atexit`` stops every running server;
- SIGTERM/SIGHUP: our handler stops them, then chains to the previous handler;
- SIGKILL, crash: on Linux the child asks the kernel (``PR_SET_PDEATHSIG``)
  for SIGTERM when its parent dies.

The child runs in its own process group, so Ctrl-C and Ctrl-Z typed at the
terminal reach cloudshell only; cloudshell then stops the child itself.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import http.client
import importlib.util
import itertools
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any

from cloudshell.cloud.errors import CloudError, ConfigError

if TYPE_CHECKING:
    from cloudshell.cloud.session import CloudSession

MOTO_MISSING = "--demo needs moto's server: pip install 'cloudshell[demo]'"

DEMO_REGION = "us-east-1"
DEMO_ZONES = ("us-east-1a", "us-east-1b")
DEMO_KEYPAIR = "testkey"
DEMO_GROUP = "mygroup"
DEMO_ACCOUNT = "123456789012"  # moto's account: owner of everything in the demo cloud
# moto registers every image as a "machine" image and ignores KernelId and
# RamdiskId, so the Eucalyptus image kinds and links are kept in tags.
IMAGE_TYPE_TAG = "cloudshell:image-type"
KERNEL_TAG = "cloudshell:kernel-id"
RAMDISK_TAG = "cloudshell:ramdisk-id"
# Instances the activity thread launched, so it only ever terminates its own.
ACTIVITY_TAG = "cloudshell:demo-activity"

_ROOT_DEVICES = frozenset({"/dev/sda", "/dev/sda1", "/dev/xvda", "/dev/vda"})


# ---------------------------------------------------------------------------
# The child process and what makes sure it dies with us


def moto_available() -> bool:
    """Whether moto's server can run here; looks for the packages without importing them."""
    # Only top-level names: find_spec("moto.server") would import moto itself.
    return all(importlib.util.find_spec(name) is not None for name in ("moto", "flask", "werkzeug"))


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the child binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


_PR_SET_PDEATHSIG = 1
_prctl_args: tuple[Callable[..., int], tuple[Any, ...]] | None = None


def _prepare_prctl() -> tuple[Callable[..., int], tuple[Any, ...]] | None:
    """Resolve prctl and build its arguments before fork, so the child only calls it."""
    global _prctl_args
    if not sys.platform.startswith("linux"):
        return None
    if _prctl_args is None:
        import ctypes

        try:
            prctl = ctypes.CDLL(None, use_errno=True).prctl
        except (OSError, AttributeError):
            return None
        # prctl is variadic: pass full-width unsigned longs, never C ints.
        args = tuple(ctypes.c_ulong(v) for v in (_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0))
        _prctl_args = (prctl, args)
    return _prctl_args


def _child_setup(parent_pid: int) -> Callable[[], None]:
    """The preexec_fn: die with the parent, even if the parent dies right now."""
    prepared = _prepare_prctl()

    def setup() -> None:
        if prepared is not None:
            prctl, args = prepared
            prctl(*args)
        # The parent may have died between fork and prctl: then nobody will
        # send the signal, so check and leave at once.
        if os.getppid() != parent_pid:
            os._exit(1)

    return setup


class _Spawner:
    """Forks children from one thread that lives as long as the process.

    PR_SET_PDEATHSIG fires when the *thread* that forked the child ends, not
    the process. A server started from a short-lived worker thread would be
    killed the moment that worker finished, so such starts are handed to this
    thread instead. It is a daemon blocked on a queue; it ends with the process.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: collections.deque[tuple[Callable[[], Any], dict[str, Any], threading.Event]] = (
            collections.deque())
        self._ready = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None

    def run(self, fn: Callable[[], Any]) -> Any:
        if threading.current_thread() is threading.main_thread():
            return fn()
        box: dict[str, Any] = {}
        done = threading.Event()
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="cloudshell-demo-spawner",
                                                daemon=True)
                self._thread.start()
            self._jobs.append((fn, box, done))
            self._ready.notify()
        done.wait()
        if "error" in box:
            raise box["error"]
        return box["result"]

    def _loop(self) -> None:
        while True:
            with self._lock:
                while not self._jobs:
                    self._ready.wait()
                fn, box, done = self._jobs.popleft()
            try:
                box["result"] = fn()
            except BaseException as exc:  # noqa: BLE001 - handed back to the caller
                box["error"] = exc
            done.set()


_spawner = _Spawner()
_live: set[MotoServer] = set()
_live_lock = threading.RLock()  # re-entered when a signal handler interrupts its holder
_hooks_lock = threading.Lock()
_atexit_registered = False
_previous_handlers: dict[int, Any] = {}


def _stop_all(timeout: float = 3.0) -> None:
    with _live_lock:
        servers = list(_live)
    for server in servers:
        try:
            server.stop(timeout=timeout)
        except Exception:  # noqa: BLE001 - on the way out, stop what we can
            pass


def _on_exit_signal(signum: int, frame: Any) -> None:
    _stop_all(timeout=2.0)
    previous = _previous_handlers.get(signum, signal.SIG_DFL)
    if callable(previous):
        previous(signum, frame)
        return
    if previous == signal.SIG_IGN:
        return
    # SIG_DFL, or a handler installed outside Python that we cannot call:
    # die the way the signal would have killed us.
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _install_exit_hooks() -> None:
    """atexit always; SIGTERM/SIGHUP handlers when called on the main thread (Python's rule)."""
    global _atexit_registered
    with _hooks_lock:
        if not _atexit_registered:
            atexit.register(_stop_all)
            _atexit_registered = True
        if threading.current_thread() is not threading.main_thread():
            return
        for name in ("SIGTERM", "SIGHUP"):
            signum = getattr(signal, name, None)
            if signum is None:
                continue
            current = signal.getsignal(signum)
            if current is _on_exit_signal or current == signal.SIG_IGN:
                # Already ours, or the user asked to ignore it (nohup): leave it.
                continue
            _previous_handlers[signum] = current
            signal.signal(signum, _on_exit_signal)


class MotoServer:
    """moto's server in a child process on 127.0.0.1, reachable at ``url``.

    ``port=None`` picks a free port at the first start and keeps it, so a
    stopped server starts again at the same URL.
    """

    def __init__(self, port: int | None = None, *, host: str = "127.0.0.1",
                 load_default_amis: bool = False, log_path: str | os.PathLike[str] | None = None,
                 env: Mapping[str, str] | None = None) -> None:
        self.host = host
        self.port = port
        self.load_default_amis = load_default_amis
        self.log_path = Path(log_path) if log_path is not None else None
        self._extra_env = dict(env or {})
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._tail: collections.deque[str] = collections.deque(maxlen=40)
        self._tail_lock = threading.Lock()
        self._reader: threading.Thread | None = None
        self._port_chosen = False
        self._owner_pid = os.getpid()

    # -- state -----------------------------------------------------------------
    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("MotoServer has no port before start()")
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"MotoServer({self.host}:{self.port}, pid={self.pid}, {state})"

    # -- start -------------------------------------------------------------------
    def start(self, timeout: float = 20.0) -> str:
        """Start the child and wait until it answers; returns the URL."""
        deadline = time.monotonic() + timeout
        # A port picked by us may be taken between the pick and the bind: pick again.
        for attempt in itertools.count(1):
            self.spawn()
            try:
                self.wait_ready(max(0.0, deadline - time.monotonic()))
                return self.url
            except CloudError:
                exited = self._proc is not None and self._proc.poll() is not None
                self.stop()
                if not (exited and self._port_chosen and attempt < 3
                        and time.monotonic() < deadline):
                    raise
                self.port = None
        raise AssertionError("unreachable")

    def spawn(self) -> None:
        """Start the child without waiting for it (see ``wait_ready``)."""
        if self.running:
            return
        if self._proc is not None:
            self.stop()  # reap the old child and its log reader before starting anew
        if not moto_available():
            raise ConfigError(MOTO_MISSING)
        if self.port is None:
            self.port = free_port(self.host)
            self._port_chosen = True
        env = dict(os.environ)
        env.update(self._extra_env)
        env["MOTO_PORT"] = str(self.port)
        if not self.load_default_amis:
            env["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
        argv = [sys.executable, "-m", "moto.server", "-H", self.host, "-p", str(self.port)]
        with self._tail_lock:
            self._tail.clear()
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
            out: Any = self._log
        else:
            # A pipe, drained into a short tail: enough to explain a failed start,
            # and bounded however long the demo runs (moto logs every request).
            out = subprocess.PIPE
        self._owner_pid = os.getpid()
        setup = _child_setup(self._owner_pid)
        _install_exit_hooks()

        def popen() -> subprocess.Popen[bytes]:
            return subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, preexec_fn=setup,  # noqa: PLW1509
                                    process_group=0, close_fds=True)

        proc = _spawner.run(popen)
        self._proc = proc
        with _live_lock:
            _live.add(self)
        if proc.stdout is not None:
            self._reader = threading.Thread(target=self._drain, args=(proc.stdout,),
                                            name=f"moto-log-{proc.pid}", daemon=True)
            self._reader.start()

    def _drain(self, stream: IO[bytes]) -> None:
        with stream:
            for line in stream:
                with self._tail_lock:
                    self._tail.append(line.decode("utf-8", "replace").rstrip())

    def wait_ready(self, timeout: float = 20.0) -> None:
        """Poll until the server answers HTTP, the child exits, or ``timeout`` passes."""
        proc = self._proc
        if proc is None:
            raise RuntimeError("wait_ready() before spawn()")
        deadline = time.monotonic() + timeout
        delay = 0.01
        while True:
            if self._answers():
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise CloudError("DemoServerFailed",
                                 f"moto's server did not answer on {self.url} within {timeout:.0f}s"
                                 + self._tail_text(), retryable=True)
            try:
                # Waiting on the child doubles as the pause between polls.
                code = proc.wait(timeout=min(delay, remaining))
            except subprocess.TimeoutExpired:
                delay = min(delay * 1.5, 0.1)
                continue
            if self._reader is not None:
                self._reader.join(timeout=1.0)
            raise CloudError("DemoServerFailed",
                             f"moto's server exited with code {code} while starting on "
                             f"{self.url}" + self._tail_text())

    def _tail_text(self) -> str:
        with self._tail_lock:
            lines = [line for line in self._tail if line.strip()][-3:]
        if lines:
            return ": " + " | ".join(lines)
        if self.log_path is not None:
            return f" (see {self.log_path})"
        return ""

    def _request(self, method: str, path: str, timeout: float = 5.0) -> int:
        # http.client, not urllib: urllib would send loopback traffic through
        # an HTTP_PROXY set in the user's environment.
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path)
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def _answers(self) -> bool:
        try:
            return self._request("GET", "/moto-api/", timeout=1.0) == 200
        except OSError:
            return False

    # -- use ---------------------------------------------------------------------
    def preload(self, services: tuple[str, ...] = ("ec2",), timeout: float = 20.0) -> None:
        """Make the child load these services now: its first call to each costs ~1 s.

        moto routes a request by the service named in its SigV4 credential
        scope and does not check signatures, so a dummy one is enough.
        """
        for service in services:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
            try:
                conn.request("POST", "/", body="Action=DescribeRegions&Version=2016-11-15", headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Authorization": f"AWS4-HMAC-SHA256 Credential=demo/20200101/{DEMO_REGION}/"
                                     f"{service}/aws4_request, SignedHeaders=host, Signature=0"})
                conn.getresponse().read()
            except OSError as exc:
                raise CloudError("EndpointUnreachable", f"moto's server at {self.url} did not "
                                 f"answer: {exc}", retryable=True) from None
            finally:
                conn.close()

    def reset(self, *, random_seed: int | None = None) -> None:
        """Empty every backend (``POST /moto-api/reset``, ~5 ms).

        With ``random_seed``, also seed moto's random generator, so the IDs
        made afterwards are the same on every run.
        """
        self._post("/moto-api/reset")
        if random_seed is not None:
            self._post(f"/moto-api/seed?a={int(random_seed)}")

    def _post(self, path: str) -> None:
        try:
            status = self._request("POST", path)
        except OSError as exc:
            raise CloudError("EndpointUnreachable", f"moto's server at {self.url} did not "
                             f"answer POST {path}: {exc}", retryable=True) from None
        if status >= 300:
            raise CloudError("DemoServerFailed", f"moto's server answered {status} to POST {path}")

    # -- stop ----------------------------------------------------------------------
    def stop(self, timeout: float = 5.0) -> None:
        """Terminate the child (its whole process group), kill it if it lingers, reap it."""
        proc = self._proc
        if os.getpid() != self._owner_pid:
            # A forked copy of the process that started it: the server is not ours to stop.
            proc = None
        # While unreaped, the child's pid (= its group id) cannot be reused, so
        # the group is signalled only after poll() said "alive", never after.
        if proc is not None and proc.poll() is None:
            self._signal_group(proc, signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(proc, signal.SIGKILL)
                # Bounded even here: stop() may run in a signal handler that
                # interrupted a wait() holding the Popen's lock.
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=timeout)
        if self._reader is not None:
            self._reader.join(timeout=timeout)
            self._reader = None
        if self._log is not None:
            self._log.close()
            self._log = None
        with _live_lock:
            _live.discard(self)

    @staticmethod
    def _signal_group(proc: subprocess.Popen[bytes], signum: int) -> None:
        try:
            os.killpg(proc.pid, signum)
        except (ProcessLookupError, PermissionError):
            try:
                proc.send_signal(signum)
            except ProcessLookupError:
                pass

    def __enter__(self) -> MotoServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ---------------------------------------------------------------------------
# What the seeded cloud holds


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


def _tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _tag_spec(kind: str, tags: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": _tag_list(tags)}]


def seed(session: CloudSession, *, instances: int = 10) -> DemoFacts:
    """Fill an empty EC2 endpoint with a small Eucalyptus-style cloud; returns what it made.

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
    call("create_tags", mutating=True, Resources=[kernel_id], Tags=_tag_list({IMAGE_TYPE_TAG: "kernel"}))
    call("create_tags", mutating=True, Resources=[ramdisk_id],
         Tags=_tag_list({IMAGE_TYPE_TAG: "ramdisk"}))
    call("create_tags", mutating=True, Resources=list(images.values()), Tags=_tag_list(
        {IMAGE_TYPE_TAG: "machine", KERNEL_TAG: kernel_id, RAMDISK_TAG: ramdisk_id}))

    # Access: keypair and a group open to ssh.
    call("create_key_pair", mutating=True, KeyName=DEMO_KEYPAIR)
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
                     TagSpecifications=_tag_spec("instance", {"Name": name}), **launch)
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
                 Tags=_tag_list({"Name": name}))
            made.append(DemoInstance(inst["InstanceId"], name, zone, images[batch[0][2]], itype, state))
    by_name = {i.name: i for i in made}

    # Volumes, attached and free in both zones.
    volumes: list[DemoVolume] = []
    for name, zone, size, owner in _VOLUME_PLAN:
        vol_id = call("create_volume", mutating=True, AvailabilityZone=zone, Size=size,
                      TagSpecifications=_tag_spec("volume", {"Name": name}))["VolumeId"]
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
                       TagSpecifications=_tag_spec("snapshot", {"Name": f"{vol_name}-snap"}),
                       **params)["SnapshotId"]
        snapshots[snap_id] = description
    first_snap = next(iter(snapshots))
    restored = call("create_volume", mutating=True, AvailabilityZone=_B, SnapshotId=first_snap,
                    TagSpecifications=_tag_spec("volume", {"Name": "db-1-restore"}))
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

    return DemoFacts(
        region=session.region, zones=DEMO_ZONES, kernel_id=kernel_id, ramdisk_id=ramdisk_id,
        images=MappingProxyType(images), keypair=DEMO_KEYPAIR, group_name=DEMO_GROUP,
        group_id=group_id, instances=tuple(made), volumes=tuple(volumes),
        snapshots=MappingProxyType(snapshots), address=address,
        address_instance_id=address_instance, free_address=free["PublicIp"],
        free_allocation_id=free.get("AllocationId") or "",
        seconds=time.perf_counter() - started)


# ---------------------------------------------------------------------------
# --demo-activity: a cloud that changes by itself


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
                     TagSpecifications=_tag_spec("instance", tags), **params)
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
                          Tags=_tag_list({"load": load}))
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


# ---------------------------------------------------------------------------
# The whole demo


class DemoCloud:
    """MotoServer + seed: what ``--demo`` runs. ``start()`` returns the endpoint URL."""

    def __init__(self, *, instances: int = 10, port: int | None = None,
                 log_path: str | os.PathLike[str] | None = None, random_seed: int | None = 0,
                 credentials: bool = True) -> None:
        self.server = MotoServer(port, log_path=log_path)
        # Bundling needs a user certificate/key and a cloud certificate: made at start in a
        # private temporary folder, removed by stop().
        self.make_credentials = credentials
        self.credentials: Any = None   # bundle.DemoCredentials once started
        self._credentials_dir: Any = None
        self.instances = instances
        self.random_seed = random_seed
        self.session: CloudSession | None = None
        self.facts: DemoFacts | None = None
        self.timings: dict[str, float] = {}
        self._activities: list[DemoActivity] = []

    @property
    def url(self) -> str:
        return self.server.url

    def start(self, timeout: float = 20.0) -> str:
        from cloudshell.cloud.session import CloudSession

        t0 = time.perf_counter()
        booted: dict[str, BaseException | float] = {}

        def boot() -> None:
            try:
                self.server.wait_ready(timeout)
                booted["ready"] = time.perf_counter()
                self.server.preload(("ec2",), timeout)
                booted["loaded"] = time.perf_counter()
            except BaseException as exc:  # noqa: BLE001 - re-raised on the caller's thread
                booted["error"] = exc

        def make_keys() -> None:
            try:
                self._make_credentials()
            except BaseException as exc:  # noqa: BLE001 - re-raised on the caller's thread
                booted["keys_error"] = exc

        keys = threading.Thread(target=make_keys, name="cloudshell-demo-keys", daemon=True)
        try:
            self.server.spawn()
            # The child boots and loads EC2 (~1.5 s) while we import boto3 and
            # build the client (~0.5 s), and make the bundling keys: overlap them.
            waiter = threading.Thread(target=boot, name="cloudshell-demo-boot", daemon=True)
            waiter.start()
            if self.make_credentials:
                keys.start()
            self.session = CloudSession.for_url(self.server.url)
            self.session.ec2  # noqa: B018 - build the client now
            t1 = time.perf_counter()
            waiter.join()
            if isinstance(booted.get("error"), BaseException):
                raise booted["error"]  # type: ignore[misc]
            t2 = time.perf_counter()
            if self.random_seed is not None:
                self.server.reset(random_seed=self.random_seed)
            self.facts = seed(self.session, instances=self.instances)
            if keys.ident is not None:
                keys.join()
            if isinstance(booted.get("keys_error"), BaseException):
                raise booted["keys_error"]  # type: ignore[misc]
        except BaseException:
            if keys.ident is not None:
                keys.join()
            self.stop()
            raise
        t3 = time.perf_counter()
        self.timings = {"client": t1 - t0, "server_ready": float(booted["ready"]) - t0,
                        "ec2_loaded": float(booted["loaded"]) - t0, "seed": t3 - t2, "total": t3 - t0}
        return self.server.url

    def _make_credentials(self) -> None:
        import tempfile

        from cloudshell.cloud.bundle import make_demo_credentials

        folder = tempfile.TemporaryDirectory(prefix="cloudshell-demo-", ignore_cleanup_errors=True)
        self._credentials_dir = folder  # mode 0700; removed by stop(), else at exit
        self.credentials = make_demo_credentials(folder.name)

    def bundling_settings(self) -> tuple[tuple[str, str], ...]:
        """(setting, value) of the demo's bundling credentials, for config.resolve (empty before start)."""
        c = self.credentials
        if c is None:
            return ()
        return (("cert", str(c.user_cert)), ("private_key", str(c.user_key)),
                ("cloud_cert", str(c.cloud_cert)), ("user_id", DEMO_ACCOUNT))

    def activity(self, stop_event: threading.Event | None = None, period: float = 5.0,
                 *, random_seed: int | None = None) -> DemoActivity:
        """Start the ``--demo-activity`` thread; ``stop()`` (here or on it) joins it."""
        if self.session is None:
            raise RuntimeError("DemoCloud.activity() before start()")
        thread = DemoActivity(self.session, period=period, stop_event=stop_event,
                              random_seed=random_seed)
        self._activities.append(thread)
        thread.start()
        return thread

    def stop(self) -> None:
        for thread in self._activities:
            thread.stop(timeout=10.0)
        self._activities.clear()
        if self.session is not None:
            self.session.close()
            self.session = None
        self.server.stop()
        folder, self._credentials_dir, self.credentials = self._credentials_dir, None, None
        if folder is not None:
            folder.cleanup()

    def __enter__(self) -> DemoCloud:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = [
    "DemoActivity", "DemoCloud", "DemoFacts", "DemoInstance", "DemoVolume", "MotoServer",
    "MOTO_MISSING", "moto_available", "seed",
]
