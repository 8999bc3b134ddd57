"""Soak: thousands of poll cycles against a cloud of 1,000 resources that keeps changing.

Starts moto's server, fills it with a mix of 1,000 resources (instances,
volumes, snapshots, groups, keypairs, addresses), starts a real Poller, then
for each cycle makes one change the way an operator would (retag, stop/start,
snapshot create/delete; the cloud's size stays level), asks the poller to
re-read what changed, and waits for it to publish. Full sweeps run every
``--interval`` seconds on their own. After a warm-up it samples resident
memory, thread count and open file descriptors (/proc/self).

Targets: resident memory grows < 5 % after warm-up; threads and file
descriptors end where they were after warm-up.

    python bench/bench_soak.py [--cycles 5000] [--resources 1000] [--interval 2]

``soak()`` is also what tests/cloud/test_soak.py runs, at a smaller size.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, Path(__file__).resolve().parent):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from cloudshell.cloud.poller import Poller  # noqa: E402
from cloudshell.cloud.session import CloudSession  # noqa: E402

RSS_GROWTH_TARGET = 0.05   # of the resident memory after warm-up
FD_SLACK = 2               # kept-alive connections may be swapped for fresh ones

# Share of each kind in the cloud; moto adds a root volume per instance on top.
MIX = (("instances", 0.10), ("volumes", 0.40), ("snapshots", 0.30), ("groups", 0.10),
       ("keypairs", 0.06), ("addresses", 0.04))


@dataclass(frozen=True)
class Sample:
    cycle: int
    at: float          # seconds since the soak started
    rss_kb: int
    threads: int
    fds: int


@dataclass
class SoakReport:
    cycles: int = 0
    seconds: float = 0.0
    resources: int = 0
    changes: int = 0
    requests: int = 0
    failures: int = 0
    samples: list[Sample] = field(default_factory=list)
    warm: Sample | None = None

    @property
    def end(self) -> Sample:
        return self.samples[-1]

    @property
    def rss_growth(self) -> float:
        assert self.warm is not None
        return (self.end.rss_kb - self.warm.rss_kb) / self.warm.rss_kb

    @property
    def threads_delta(self) -> int:
        assert self.warm is not None
        return self.end.threads - self.warm.threads

    @property
    def fds_delta(self) -> int:
        assert self.warm is not None
        return self.end.fds - self.warm.fds

    @property
    def ok(self) -> bool:
        return (self.rss_growth < RSS_GROWTH_TARGET and self.threads_delta == 0
                and self.fds_delta <= FD_SLACK and self.failures == 0)


def sample(cycle: int, started: float) -> Sample:
    """Resident memory, threads and file descriptors of this process, after a full collection."""
    gc.collect()
    rss = 0
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
                break
    return Sample(cycle, time.monotonic() - started, rss, len(os.listdir("/proc/self/task")),
                  len(os.listdir("/proc/self/fd")))


def build_cloud(session: CloudSession, resources: int) -> dict[str, list[str]]:
    """Fill an empty endpoint with ``resources`` resources in the MIX; returns IDs by kind."""
    def count(kind: str) -> int:
        return max(2, round(resources * dict(MIX)[kind]))

    call = session.call
    image = call("register_image", Name="soak-image", Architecture="x86_64", mutating=True)["ImageId"]
    made: dict[str, list[str]] = {k: [] for k, _ in MIX}
    left = count("instances")
    while left:
        n = min(left, 50)
        reply = call("run_instances", ImageId=image, MinCount=n, MaxCount=n, mutating=True,
                     Placement={"AvailabilityZone": "us-east-1a"})
        made["instances"] += [i["InstanceId"] for i in reply["Instances"]]
        left -= n
    for _ in range(count("volumes")):
        made["volumes"].append(call("create_volume", AvailabilityZone="us-east-1a", Size=1,
                                    mutating=True)["VolumeId"])
    for n in range(count("snapshots")):
        made["snapshots"].append(call("create_snapshot", VolumeId=made["volumes"][n % len(made["volumes"])],
                                      mutating=True)["SnapshotId"])
    for n in range(count("groups")):
        made["groups"].append(call("create_security_group", GroupName=f"soak-{n}", Description="soak",
                                   mutating=True)["GroupId"])
    for n in range(count("keypairs")):
        call("create_key_pair", KeyName=f"soak-{n}", mutating=True)
        made["keypairs"].append(f"soak-{n}")
    for _ in range(count("addresses")):
        made["addresses"].append(call("allocate_address", Domain="vpc", mutating=True)["PublicIp"])
    return made


class Changer:
    """One operator-like change per step; the cloud's size and its strings' lengths stay level."""

    def __init__(self, session: CloudSession, made: dict[str, list[str]]) -> None:
        self.session, self.made = session, made
        self.stopped: set[str] = set()
        self.extra_snapshot: str | None = None

    def step(self, n: int) -> list[str]:
        call = self.session.call
        which = n % 4
        if which == 0:   # rename an instance
            rid = self.made["instances"][n % len(self.made["instances"])]
            call("create_tags", Resources=[rid], Tags=[{"Key": "Name", "Value": f"soak-{n % 997:03d}"}],
                 mutating=True)
            return [rid]
        if which == 1:   # stop a running instance, or start a stopped one
            rid = self.made["instances"][(n // 4) % len(self.made["instances"])]
            if rid in self.stopped:
                call("start_instances", InstanceIds=[rid], mutating=True)
                self.stopped.discard(rid)
            else:
                call("stop_instances", InstanceIds=[rid], mutating=True)
                self.stopped.add(rid)
            return [rid]
        if which == 2:   # retag a volume
            rid = self.made["volumes"][n % len(self.made["volumes"])]
            call("create_tags", Resources=[rid], Tags=[{"Key": "owner", "Value": f"team-{n % 89:02d}"}],
                 mutating=True)
            return [rid]
        if self.extra_snapshot is None:   # a snapshot appears, then goes
            vol = self.made["volumes"][n % len(self.made["volumes"])]
            self.extra_snapshot = call("create_snapshot", VolumeId=vol, mutating=True)["SnapshotId"]
            return [self.extra_snapshot]
        gone, self.extra_snapshot = self.extra_snapshot, None
        call("delete_snapshot", SnapshotId=gone, mutating=True)
        return [gone]


def soak(url: str, *, cycles: int, resources: int, interval: float = 2.0, warmup: int | None = None,
         samples: int = 20, progress=None) -> SoakReport:
    """Run the soak against an endpoint; returns the samples and counts (see SoakReport.ok)."""
    report = SoakReport(resources=resources)
    setup = CloudSession.for_url(url)
    made = build_cloud(setup, resources)
    setup.close()
    # Two sessions, as in a face: the poller's, and the one commands act through.
    poll_session, act_session = CloudSession.for_url(url), CloudSession.for_url(url)
    poller = Poller(poll_session, interval=interval, fast_interval=min(1.0, interval))
    published = threading.Condition()
    count = [0]

    def on_update(update) -> None:
        with published:
            count[0] += 1
            if update.health.state != "ok":
                report.failures += 1
            published.notify_all()

    poller.subscribe(on_update)
    changer = Changer(act_session, made)
    warmup = warmup if warmup is not None else max(50, cycles // 10)
    every = max(1, (cycles - warmup) // samples)
    started = time.monotonic()
    try:
        poller.start()
        poller.wait_until(lambda inv: all(inv.has(k) for k, _ in MIX), timeout=300)
        for n in range(1, cycles + 1):
            with published:
                seen = count[0]
            poller.refresh_now(ids=changer.step(n))
            report.changes += 1
            with published:
                if not published.wait_for(lambda: count[0] > seen, timeout=120):
                    raise TimeoutError(f"cycle {n}: the poller published nothing for 120 s")
            if n == warmup:
                report.warm = sample(n, started)
                report.samples.append(report.warm)
            elif n > warmup and ((n - warmup) % every == 0 or n == cycles):
                report.samples.append(sample(n, started))
                if progress:
                    progress(report.samples[-1], report)
        report.cycles = count[0]
        report.requests = poller.requests
    finally:
        poller.stop()
        poll_session.close()
        act_session.close()
    report.seconds = time.monotonic() - started
    return report


def main() -> int:
    from report import figure

    from cloudshell.cloud.demo import MotoServer

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cycles", type=int, default=5000)
    ap.add_argument("--resources", type=int, default=1000)
    ap.add_argument("--interval", type=float, default=2.0, help="seconds between full sweeps")
    args = ap.parse_args()

    def show(s: Sample, r: SoakReport) -> None:
        assert r.warm is not None
        print(f"  cycle {s.cycle:>6}  {s.at:7.1f} s  rss {s.rss_kb / 1024:7.1f} MiB "
              f"({(s.rss_kb - r.warm.rss_kb) / r.warm.rss_kb:+.2%})  threads {s.threads}  fds {s.fds}",
              flush=True)

    with MotoServer() as server:
        server.preload()
        print(f"soak: {args.resources} resources, {args.cycles} cycles, full sweep every {args.interval} s",
              flush=True)
        r = soak(server.url, cycles=args.cycles, resources=args.resources, interval=args.interval,
                 progress=show)
    assert r.warm is not None
    print(f"{r.cycles} poll cycles ({r.requests} requests, {r.changes} changes) in {r.seconds:.0f} s; "
          f"after warm-up (cycle {r.warm.cycle}): rss {r.rss_growth:+.2%}, threads {r.threads_delta:+d}, "
          f"fds {r.fds_delta:+d}, failed polls {r.failures}")
    figure("resident memory growth after warm-up", round(r.rss_growth * 100, 2), "%",
           f"< {RSS_GROWTH_TARGET:.0%}", r.rss_growth < RSS_GROWTH_TARGET,
           f"{r.cycles} cycles, {r.resources} resources")
    figure("threads gained after warm-up", r.threads_delta, "threads", "0", r.threads_delta == 0)
    figure("file descriptors gained after warm-up", r.fds_delta, "fds", f"≤ {FD_SLACK}", r.fds_delta <= FD_SLACK)
    return 0 if r.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
