"""Cold start of a one-shot describe: cloudshell vs the awscli program vs a bare boto3 script.

Starts moto's server on a free loopback port, launches N instances (default 100),
then times each program end to end (process start → exit) several times and
prints medians and ratios. Target: cloudshell no slower than awscli (ratio ≤ 1.0).

    python bench/bench_cli.py [--instances 100] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import figure  # noqa: E402

from cloudshell.cloud.demo import MotoServer
from cloudshell.cloud.session import CloudSession

BOTO3_SCRIPT = """
import boto3, json, sys
ec2 = boto3.client("ec2", endpoint_url=sys.argv[1], region_name="us-east-1")
out = []
for page in ec2.get_paginator("describe_instances").paginate():
    out.extend(page["Reservations"])
print(json.dumps(len(out)))
"""


def timed(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instances", type=int, default=100)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    env = dict(os.environ, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
               AWS_DEFAULT_REGION="us-east-1", NO_COLOR="1")
    aws = shutil.which("aws", path=str(Path(sys.executable).parent)) or shutil.which("aws")
    with MotoServer() as server:
        session = CloudSession.for_url(server.url)
        left = args.instances
        while left > 0:
            n = min(left, 20)
            session.call("run_instances", ImageId="ami-12345678", MinCount=n, MaxCount=n, mutating=True)
            left -= n
        programs = {
            "cloudshell": [sys.executable, "-m", "cloudshell", "--endpoint-url", server.url,
                           "describe-instances", "--output", "json"],
            "awscli": [aws, "--endpoint-url", server.url, "ec2", "describe-instances", "--output", "json"],
            "boto3 script": [sys.executable, "-c", BOTO3_SCRIPT, server.url],
        }
        medians = {}
        for name, argv in programs.items():
            timed(argv, env, 1)  # warm the page cache and moto's own caches
            medians[name] = statistics.median(timed(argv, env, args.runs))
    print(f"describe-instances, {args.instances} instances, median of {args.runs} runs")
    for name, value in medians.items():
        print(f"  {name:<13} {value * 1000:8.0f} ms   ratio to awscli {value / medians['awscli']:.2f}")
    ratio = medians["cloudshell"] / medians["awscli"]
    verdict = "meets" if ratio <= 1.0 else "MISSES"
    print(f"  target: cloudshell ≤ awscli (ratio ≤ 1.00): {ratio:.2f} — {verdict}")
    figure("describe-instances cold start (100 inst.)", round(medians["cloudshell"] * 1000), "ms",
           "≤ awscli", ratio <= 1.0, f"awscli {medians['awscli'] * 1000:.0f} ms, boto3 "
           f"{medians['boto3 script'] * 1000:.0f} ms")
    figure("cold start ratio cloudshell/awscli", round(ratio, 2), "ratio", "≤ 1.00", ratio <= 1.0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
