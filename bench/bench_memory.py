"""Memory held by the inventory at 10,000 instances (and as many volumes).

Takes one real instance and one real volume record from moto (shape exactly as
botocore parses them), makes N distinct copies, builds Inventory snapshots the
way the poller does, and prints the resident memory they cost. A second
snapshot with 5 % of the records changed shows what a refresh adds while both
are alive (old snapshot still on screen, new one arriving).

    python bench/bench_memory.py [--instances 10000]
Target: ≤ 150 MB resident for the inventory of 10,000 instances + 10,000 volumes.
"""

from __future__ import annotations

import argparse
import copy
import gc
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import figure  # noqa: E402

from cloudshell.cloud.demo import MotoServer  # noqa: E402
from cloudshell.cloud.inventory import EMPTY, Record  # noqa: E402
from cloudshell.cloud.kinds import INSTANCES, VOLUMES  # noqa: E402
from cloudshell.cloud.session import CloudSession  # noqa: E402

TARGET_MB = 150


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def samples() -> tuple[dict, dict]:
    with MotoServer() as server:
        server.start()
        session = CloudSession.for_url(server.url)
        session.call("run_instances", ImageId="ami-12345678", MinCount=1, MaxCount=1, mutating=True,
                     TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]}])
        inst = session.call("describe_instances")["Reservations"][0]["Instances"][0]
        vol = session.call("describe_volumes")["Volumes"][0]
        session.close()
    return inst, vol


def build(template: dict, kind, n: int, salt: str) -> dict:
    out = {}
    for i in range(n):
        raw = copy.deepcopy(template)
        raw[kind.id_key] = f"{kind.id_prefixes[0]}{i:017x}"
        raw["Tags"] = [{"Key": "Name", "Value": f"node-{i}-{salt}"}]
        rec = Record.from_raw(kind, raw)
        out[rec.id] = rec
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--instances", type=int, default=10_000)
    args = ap.parse_args()
    inst, vol = samples()
    gc.collect()
    base = rss_mb()
    inv = EMPTY.replace_kind("instances", build(inst, INSTANCES, args.instances, "a"))
    inv = inv.replace_kind("volumes", build(vol, VOLUMES, args.instances, "a"))
    gc.collect()
    one = rss_mb() - base
    changed = dict(inv.of("instances"))
    changed.update(build(inst, INSTANCES, args.instances // 20, "b"))
    second = inv.replace_kind("instances", changed)
    gc.collect()
    both = rss_mb() - base
    print(f"inventory of {args.instances:,} instances + {args.instances:,} volumes: {one:.1f} MB resident")
    print(f"with a second snapshot alive (5 % changed, records shared): {both:.1f} MB")
    print(f"per instance+volume pair: {one * 1024 / args.instances:.1f} KB; target ≤ {TARGET_MB} MB "
          f"at 10,000: {'meets' if one <= TARGET_MB * args.instances / 10_000 else 'MISSES'}")
    assert second.of("instances") is not inv.of("instances")
    scaled = one * 10_000 / args.instances
    figure("inventory memory at 10k inst. + 10k vol.", round(scaled, 1), "MB", f"≤ {TARGET_MB} MB",
           scaled <= TARGET_MB, "" if args.instances == 10_000 else f"scaled from {args.instances:,}")
    figure("… plus a refreshed snapshot alive", round(both * 10_000 / args.instances, 1), "MB",
           f"≤ {TARGET_MB * 1.2:.0f} MB", both * 10_000 / args.instances <= TARGET_MB * 1.2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
