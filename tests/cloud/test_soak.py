"""Soak, short: a poller through many cycles of a changing cloud leaks no memory, thread or fd.

The long variant (5,000 cycles, 1,000 resources) is bench/bench_soak.py; this
runs the same code at a size that fits the test suite.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from bench_soak import FD_SLACK, RSS_GROWTH_TARGET, sample, soak  # noqa: E402


def _call_pool() -> int:
    """Idle deadline workers (cloud/deadline.py): process-wide and kept on purpose, whoever started them.
    Whether one exists before this test depends on which tests ran first in this process (xdist)."""
    return sum(t.name == "cloudshell-call" for t in threading.enumerate())


def test_short_soak_keeps_memory_threads_and_fds_level(cloud):
    before, pool_before = sample(0, 0.0), _call_pool()
    names_before = {t.ident: t.name for t in threading.enumerate()}
    report = soak(cloud.url, cycles=120, resources=100, interval=1.0, warmup=30, samples=5)
    after, pool_after = sample(0, 0.0), _call_pool()

    assert report.failures == 0
    assert report.cycles >= 120 and report.changes == 120
    assert report.requests >= report.cycles, "cycles published without asking the cloud"
    growth = [f"{s.cycle}: {s.rss_kb} kB, {s.threads} threads, {s.fds} fds" for s in report.samples]
    assert report.rss_growth < RSS_GROWTH_TARGET, growth
    assert report.threads_delta == 0, growth
    assert report.fds_delta <= FD_SLACK, growth
    # Everything the soak opened is closed again: its poller thread, its sessions' sockets.
    assert not [t for t in threading.enumerate() if t.name == "cloudshell-poller"]
    new = sorted(t.name for t in threading.enumerate()
                 if t.ident not in names_before and t.name != "cloudshell-call")
    assert after.threads - pool_after == before.threads - pool_before, f"threads left behind: {new}"
    assert pool_after <= max(pool_before, 8), "the deadline pool grew with the requests"
    assert after.fds <= before.fds, (before, after)
