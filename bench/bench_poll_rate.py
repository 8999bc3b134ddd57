"""Poll requests per minute at steady state: what one open monitor or REPL costs the cloud.

Starts the demo cloud (moto + the demo seed: nothing in a transitional state),
opens the poller exactly as the faces do (``Runtime.poller()``, default
interval), lets the first sweep finish, then counts API requests
(``Poller.requests``) over a window of whole slow-kind cycles and prints the
rate, per operation, beside the target.

Target: ≤ 40 requests per minute with nothing transitional. The live tables
(instances, volumes) are swept every interval (5 s: 24 requests a minute),
snapshots and addresses every 3rd sweep, images, groups, keypairs and zones
every 12th (once a minute); an action or a transitional resource adds reads
by ID. Well under one request a second, which EC2's describe rate limits
take without throttling.

    python bench/bench_poll_rate.py [--minutes 2] [--interval SECONDS]
"""

from __future__ import annotations

import argparse
import collections
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, Path(__file__).resolve().parent):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from report import figure  # noqa: E402

from cloudshell.cloud.demo import DemoCloud  # noqa: E402
from cloudshell.cloud.kinds import KINDS  # noqa: E402
from cloudshell.cloud.runtime import Runtime  # noqa: E402
from cloudshell.cloud.session import CloudSession  # noqa: E402

TARGET_PER_MINUTE = 40.0


def count_operations(session: CloudSession) -> collections.Counter[str]:
    """Count the describe pages the session fetches from now on (every poll goes through pages())."""
    counts: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()
    pages = session.pages

    def counted_pages(operation, **kw):
        for page in pages(operation, **kw):
            with lock:
                counts[operation] += 1
            yield page

    session.pages = counted_pages  # type: ignore[method-assign]
    return counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=2.0, help="length of the measured window")
    ap.add_argument("--interval", type=float, default=None,
                    help="poll interval in seconds (default: the faces' default)")
    args = ap.parse_args()

    with DemoCloud() as demo:
        session = CloudSession.for_url(demo.url)
        runtime = Runtime(settings=None, session=session)
        if args.interval is not None:
            runtime.interval = args.interval
        ops = count_operations(session)
        poller = runtime.poller()
        try:
            poller.wait_until(lambda inv: all(inv.has(k) for k in poller.kinds), timeout=60)
            transitional = {name: sum(1 for r in poller.inventory.of(name).values()
                                      if r.state in KINDS[name].transitional)
                            for name in poller.kinds if KINDS[name].transitional}
            busy = {k: n for k, n in transitional.items() if n}
            start_requests, started = poller.requests, time.monotonic()
            ops.clear()
            deadline = started + args.minutes * 60
            while time.monotonic() < deadline:
                threading.Event().wait(min(1.0, deadline - time.monotonic()))
            requests = poller.requests - start_requests
            seconds = time.monotonic() - started
            # What explains a low rate: the poller's health and its interval as it adapted.
            health, pace = poller.health.describe(), poller.sweep_interval()
        finally:
            runtime.close()
    rate = requests / seconds * 60
    print(f"poller at interval {runtime.interval:g} s (fast {min(1.0, runtime.interval):g} s) on the demo cloud; "
          f"transitional resources: {busy or 'none'}")
    print(f"{requests} requests in {seconds:.0f} s = {rate:.1f} per minute (target ≤ {TARGET_PER_MINUTE:g})")
    print(f"poller health at the end: {health}; full sweep every {pace:g} s now (adapts while quiet)")
    for operation, n in ops.most_common():
        print(f"  {operation:<30} {n / seconds * 60:6.1f} per minute")
    meets = rate <= TARGET_PER_MINUTE
    figure("poll requests per minute, steady state", round(rate, 1), "req/min",
           f"≤ {TARGET_PER_MINUTE:g}", meets,
           f"interval {runtime.interval:g} s, now {pace:g} s, health {health}"
           + ("" if not busy else f", transitional: {busy}"))
    return 0 if meets else 1


if __name__ == "__main__":
    raise SystemExit(main())
