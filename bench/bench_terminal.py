"""Benchmark: what the monitor costs a terminal, in tmux at 80x24 (TERM=screen, NO_COLOR=1).

Two figures, both on the real ``cloudshell --demo`` in a tmux pane whose output is
recorded with ``pipe-pane``:

* **time to first frame / first data**: from spawning the program to the first screen
  with the monitor's frame (the status bar's "starting demo cloud…" or later), and to the
  first screen showing a swept instance row;
* **bytes written per idle minute**: once the first sweep is in and the screen has
  settled, the bytes the pane receives over ``--seconds`` of an unchanged cloud, scaled
  to a minute; beside ``watch -n 2 date`` and ``htop`` (when installed) in the same run.

    python bench/bench_terminal.py [--seconds 60] [--settle 15]

Targets (issue 11): first frame within 0.5 s; ≤ 2 KB per idle minute at 80x24.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from report import figure  # noqa: E402

FRAME_TARGET_S = 0.5
IDLE_TARGET = 2048          # bytes per idle minute
SIZE = (80, 24)
ROW = re.compile(r"^[ >*~]i-[0-9a-f]{8,}", re.M)


class Pane:
    """One program in its own tmux session at 80x24, its output appended to a file."""

    def __init__(self, socket: str, name: str, command: str, env: dict[str, str], out: Path) -> None:
        self.socket, self.name, self.env, self.out = socket, name, env, out
        out.write_bytes(b"")
        self.tmux("new-session", "-d", "-s", name, "-x", str(SIZE[0]), "-y", str(SIZE[1]), "sleep 3600")
        self.tmux("set-option", "-t", name, "remain-on-exit", "on")
        self.tmux("pipe-pane", "-o", "-t", name, f"cat >> {out}")
        self.started = time.monotonic()
        self.tmux("respawn-pane", "-k", "-t", name, command)

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], env=self.env, capture_output=True, text=True,
                              timeout=20)
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def bytes(self) -> int:
        return self.out.stat().st_size

    def wait(self, condition, timeout: float, step: float = 0.02) -> float | None:
        """Seconds from the spawn until ``condition(screen)``; None after ``timeout``."""
        while time.monotonic() - self.started < timeout:
            if condition(self.screen()):
                return time.monotonic() - self.started
            time.sleep(step)
        return None


def frame_seen(text: str) -> bool:
    return any(word in text for word in ("starting demo cloud", "connecting", "inst "))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="idle seconds measured")
    ap.add_argument("--settle", type=float, default=15.0, help="seconds after the first data before measuring")
    args = ap.parse_args()
    if shutil.which("tmux") is None:
        print("bench_terminal: tmux is not installed", file=sys.stderr)
        return 2
    home = Path(tempfile.mkdtemp(prefix="cs-bench-term-"))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "TERM": "screen",
           "NO_COLOR": "1", "LANG": os.environ.get("LANG", "C.UTF-8"), "PYTHONPATH": str(ROOT),
           "XDG_DATA_HOME": str(home / "data"), "XDG_STATE_HOME": str(home / "state"),
           "XDG_CONFIG_HOME": str(home / "config")}
    socket = f"cs-bench-{uuid.uuid4().hex[:8]}"
    monitor_cmd = f"{sys.executable} -m cloudshell --demo"
    panes: dict[str, Pane] = {}
    try:
        panes["cloudshell --demo"] = Pane(socket, "monitor", monitor_cmd, env, home / "monitor.out")
        mon = panes["cloudshell --demo"]
        first_frame = mon.wait(frame_seen, 30)
        textual_frame = mon.wait(lambda t: "ID▲" in t, 30)       # the monitor's own table header
        first_data = mon.wait(lambda t: ROW.search(t) and " ok" in t, 90, step=0.1)
        if first_data is None:
            print("bench_terminal: the monitor showed no data in 90 s; screen:\n" + mon.screen(), file=sys.stderr)
            return 2
        panes["watch -n 2 date"] = Pane(socket, "watch", "watch -n 2 date", env, home / "watch.out")
        htop = shutil.which("htop")
        if htop:
            panes["htop"] = Pane(socket, "htop", htop, env, home / "htop.out")
        time.sleep(args.settle)
        start = {name: p.bytes() for name, p in panes.items()}
        t0 = time.monotonic()
        time.sleep(args.seconds)
        took = time.monotonic() - t0
        per_minute = {name: (p.bytes() - start[name]) / took * 60 for name, p in panes.items()}
        last_screen = mon.screen()
        total = {name: p.bytes() for name, p in panes.items()}
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=20)
        shutil.rmtree(home, ignore_errors=True)

    print(f"cloudshell --demo in tmux {SIZE[0]}x{SIZE[1]}, TERM=screen NO_COLOR=1")
    print(f"  first frame after {first_frame:.2f} s" if first_frame is not None else "  no frame in 30 s")
    if textual_frame is not None:
        print(f"  the table's frame (Textual's) after {textual_frame:.2f} s")
    print(f"  first data  after {first_data:.2f} s")
    print(f"idle {took:.0f} s after {args.settle:.0f} s settling, bytes the pane received per minute:")
    for name, rate in per_minute.items():
        print(f"  {name:<20} {rate:10,.0f} B/min   ({total[name]:,} B recorded since its start)")
    if not htop:
        print("  htop                 not installed")
    print("last screen:\n" + last_screen)
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} CPUs (the first frame is mostly the interpreter's start)")
    figure("time to first frame, --demo, 80x24", round(first_frame if first_frame is not None else 30.0, 2), "s",
           f"≤ {FRAME_TARGET_S:g} s", first_frame is not None and first_frame <= FRAME_TARGET_S,
           f"load average {load:.1f} on {os.cpu_count()} CPUs")
    figure("time to the table's frame, --demo, 80x24", round(textual_frame or 30.0, 2), "s", "-", None,
           "Textual's first paint")
    figure("time to first data, --demo, 80x24", round(first_data, 2), "s", "-", None,
           "demo start + first sweep")
    rate = per_minute["cloudshell --demo"]
    figure("idle bytes per minute, monitor 80x24", round(rate), "B/min", f"≤ {IDLE_TARGET} B/min",
           rate <= IDLE_TARGET)
    figure("idle bytes per minute, watch -n 2 date", round(per_minute["watch -n 2 date"]), "B/min", "-", None,
           "same run, for comparison")
    if htop:
        figure("idle bytes per minute, htop", round(per_minute["htop"]), "B/min", "-", None, "same run")
    else:
        figure("idle bytes per minute, htop", 0, "B/min", "-", None, "htop not installed")
    return 0 if rate <= IDLE_TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
