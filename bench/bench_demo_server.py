"""Benchmark: the CPU the demo's moto server spends per request, as cloudshell runs it and as moto runs itself.

Starts one server each way (``python -m cloudshell.cloud.demo.motoserve``, the lightened one
``--demo`` and the tests use, and plain ``python -m moto.server``), seeds each with the demo cloud,
then sends DescribeKeyPairs (a small answer: what is left is the server's cost per request) and
DescribeInstances for ``--seconds`` each, in turns between the two servers, reading each server's
CPU from /proc before and after a turn. Also the CPU of one seed (the tests' ``seeded`` fixture,
~100 a run). Medians of the turns.

    python bench/bench_demo_server.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from report import figure  # noqa: E402

from cloudshell.cloud.demo import MotoServer, seed  # noqa: E402
from cloudshell.cloud.demo.server import SERVER_MODULE  # noqa: E402
from cloudshell.cloud.session import CloudSession  # noqa: E402

TARGET_MS = 2.0     # a simple request, server side (moto as it is: ~4 ms)
MODULES = (SERVER_MODULE, "moto.server")      # lightened, then as moto runs itself


def cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def per_request(moto: MotoServer, session: CloudSession, operation: str, seconds: float) -> float:
    """Milliseconds of the server's CPU per ``operation``, sent back to back for ``seconds``."""
    before, began, n = cpu_of(moto.pid), time.monotonic(), 0
    while time.monotonic() - began < seconds:
        session.call(operation)
        n += 1
    return (cpu_of(moto.pid) - before) * 1000 / n


def measure(seconds: float, rounds: int = 5) -> dict[str, dict[str, float]]:
    """Both servers up at once, measured in turns of ``seconds / rounds``, medians kept: this
    machine's speed drifts by tens of percent within a minute, and turns share the drift."""
    servers = {module: MotoServer(module=module) for module in MODULES}
    sessions: dict[str, CloudSession] = {}
    try:
        for module, moto in servers.items():
            moto.start(60)
            moto.preload(("ec2",))
            sessions[module] = CloudSession.for_url(moto.url)
            seed(sessions[module])                      # moto loads its code on each first call
        got: dict[str, dict[str, list[float]]] = {m: {} for m in MODULES}
        for _ in range(rounds):
            for module, moto in servers.items():
                moto.reset(random_seed=0)
                before = cpu_of(moto.pid)
                seed(sessions[module])
                got[module].setdefault("seed", []).append(cpu_of(moto.pid) - before)
                for operation in ("describe_key_pairs", "describe_instances"):
                    got[module].setdefault(operation, []).append(
                        per_request(moto, sessions[module], operation, seconds / rounds))
        return {m: {k: statistics.median(v) for k, v in figures.items()} for m, figures in got.items()}
    finally:
        for module, moto in servers.items():
            if module in sessions:
                sessions[module].close()
            moto.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()
    figures = measure(args.seconds)
    light, plain = (figures[m] for m in MODULES)
    for name, got in (("lightened (motoserve)", light), ("moto.server as it is", plain)):
        print(f"{name:24} DescribeKeyPairs {got['describe_key_pairs']:.2f} ms, DescribeInstances "
              f"{got['describe_instances']:.2f} ms of server CPU per request; one seed {got['seed']:.2f} s")
    ms = light["describe_key_pairs"]
    figure("demo server CPU per simple request", round(ms, 2), "ms", f"<= {TARGET_MS:g} ms", ms <= TARGET_MS,
           f"moto.server as it is: {plain['describe_key_pairs']:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
