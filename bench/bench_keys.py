"""Benchmark: what a user sees, timed through a pseudo-terminal while sweeps land.

The real monitor (``python -m cloudshell --endpoint-url …``) runs in a pty against
bench/fake_ec2.py served from this process (10,000 instances + 2,000 volumes, 500
changes a sweep, 2 s interval, 160x50); its output is fed to a ``pyte`` screen, as a
terminal would draw it. Nothing is measured inside the app. The fake EC2 runs in its own
process (rendering 10 MB of XML a sweep would otherwise hold this reader's GIL) and says
when it acknowledged an AttachVolume (CLOCK_MONOTONIC, the same clock here).

- key press → screen: ``j`` and ``k`` in turn, a random 50-250 ms apart; each is
  timed from the write to the pty until the screen shows the cursor mark (``>``) on
  the row it moved to (issue 10 target: p99 ≤ 50 ms);
- action → state: ``:attach-volume`` typed into the command bar for an available
  volume shown alone (filter); timed from the moment the fake EC2 answered the
  AttachVolume until the row on screen reads ``in-use`` (target ≤ 1 s).

    python bench/bench_keys.py [--instances 10000] [--volumes 2000] [--changes 500] [--presses 200]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import random
import re
import select
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pyte

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from report import figure  # noqa: E402

KEY_P99_MS, ACTION_S = 50.0, 1.0
COLS, ROWS = 160, 50
# Sequences pyte does not parse and would draw as text (kitty keyboard push/pop, mode queries).
UNPARSED = re.compile(rb"\x1b\[[<>=][0-9;]*u|\x1b\[\??[0-9;]*\$p")
PARTIAL = re.compile(rb"\x1b(\[[0-9;<>=?$]*)?$")
CURSOR_ROW = re.compile(r">\s*(i-[0-9a-f]{17})")


class Screen:
    """The monitor in a pty, drawn on a pyte screen."""

    def __init__(self, url: str, interval: float) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EC2_", "EUCA_"))}
        env.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1",
                   AWS_EC2_METADATA_DISABLED="true", TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS),
                   AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])))
        env.pop("NO_COLOR", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "cloudshell", "--endpoint-url", url,
                                      "--interval", str(interval)],
                                     stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                                     start_new_session=True)
        os.close(slave)
        self.master = master
        self.vt = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.vt)
        self.carry = b""

    def send(self, data: str) -> float:
        os.write(self.master, data.encode())
        return time.monotonic()

    def pump(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 1 << 16)
        except OSError:
            return False
        data = self.carry + chunk
        tail = PARTIAL.search(data)
        self.carry = data[tail.start():] if tail else b""
        self.stream.feed(UNPARSED.sub(b"", data[:tail.start()] if tail else data))
        return True

    def until(self, seen, timeout: float) -> float | None:
        """Read the terminal until ``seen(lines)``; the time.monotonic() it did, or None."""
        end = time.monotonic() + timeout
        while True:
            if seen(self.vt.display):
                return time.monotonic()
            left = end - time.monotonic()
            if left <= 0:
                return None
            self.pump(min(left, 0.05))

    def drain(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.pump(min(0.05, end - time.monotonic()))

    def quit(self) -> None:
        try:
            os.write(self.master, b"q")
            self.proc.wait(10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


def cursor_on(lines: list[str]) -> str | None:
    for line in lines:
        m = CURSOR_ROW.search(line)
        if m:
            return m.group(1)
    return None


def key_presses(screen: Screen, presses: int) -> list[float]:
    """``j``/``k`` in turn; each one's time until the cursor mark is on its row."""
    first, second = f"i-{0:017x}", f"i-{1:017x}"
    if screen.until(lambda lines: cursor_on(lines) == first, 10) is None:
        raise SystemExit("bench: the cursor is not on the first instance row")
    rnd = random.Random(10)
    took = []
    for n in range(presses):
        want = second if n % 2 == 0 else first
        sent = screen.send("j" if n % 2 == 0 else "k")
        seen = screen.until(lambda lines, want=want: cursor_on(lines) == want, 5)
        if seen is None:
            raise SystemExit(f"bench: press {n} not seen on screen in 5 s")
        took.append((seen - sent) * 1000)
        screen.drain(rnd.uniform(0.05, 0.25))
    return took


def _shown(screen: Screen, what: str, pattern: str, timeout: float = 20) -> None:
    """Wait until the screen shows ``pattern`` (a user waits to see each step before the next)."""
    found = re.compile(pattern)
    if screen.until(lambda lines: any(found.search(x) for x in lines), timeout) is None:
        tail = "\n".join(x.rstrip() for x in screen.vt.display[-6:])
        raise SystemExit(f"bench: {what} not on screen in {timeout:g} s; screen ends:\n{tail}")


def _footer(screen: Screen, what: str, table: bool, timeout: float = 20) -> None:
    """Wait for the footer of the table (it lists ``: Command``) or of an input (it does not)."""
    if screen.until(lambda lines: (": Command" in lines[-1]) == table, timeout) is None:
        raise SystemExit(f"bench: {what} not on screen in {timeout:g} s; footer: {screen.vt.display[-1].rstrip()}")


def attach_to_in_use(screen: Screen, acked: dict[str, float]) -> float:
    """Each key waits until the screen shows the previous one's effect, as a user does: Textual
    moves the focus on a later turn of its loop, so a key sent before the screen changed goes
    to the old focus (``:`` into the filter, ``attach-volume vol-…1`` to the table's keys)."""
    volume, instance = f"vol-{1:017x}", f"i-{1:017x}"      # both in zone-1; odd volumes are available
    screen.send("2")                                          # the volumes view
    _shown(screen, "the volumes view", r"vol-[0-9a-f]{17}")
    screen.send("/")
    _footer(screen, "the filter's keys", False)
    screen.send(volume)
    _shown(screen, "the filter text", re.escape(volume))
    screen.send("\r")                  # alone: Enter in one write with the text is taken as pasted
    row = re.compile(re.escape(volume) + r".*\bavailable\b")
    _shown(screen, "the available volume's row", row.pattern)
    _footer(screen, "the table's keys after the filter's Enter", True)
    screen.send(":")
    _shown(screen, "the command bar", r"command, e\.g\.")
    line = f"attach-volume {volume} -i {instance} -d /dev/sdz"
    screen.send(line)
    _shown(screen, "the typed command line", re.escape(line))
    screen.send("\r")
    in_use = re.compile(re.escape(volume) + r".*\bin-use\b")
    seen = screen.until(lambda lines: any(in_use.search(x) for x in lines), 30)
    ack = None
    end = time.monotonic() + 5
    while ack is None and time.monotonic() < end:
        ack = acked.get(volume)
        screen.drain(0.05)
    if seen is None or ack is None:
        tail = "\n".join(x.rstrip() for x in screen.vt.display[-6:])
        raise SystemExit(f"bench: in-use not seen (acknowledged: {ack is not None}); screen ends:\n{tail}")
    return seen - ack


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instances", type=int, default=10_000)
    ap.add_argument("--volumes", type=int, default=2_000)
    ap.add_argument("--changes", type=int, default=500)
    ap.add_argument("--interval", type=float, default=2.0)
    ap.add_argument("--presses", type=int, default=200)
    ap.add_argument("--settle", type=float, default=6.0, help="seconds of sweeps before the first press")
    args = ap.parse_args()
    fake = subprocess.Popen([sys.executable, str(HERE / "fake_ec2.py"), "--instances", str(args.instances),
                             "--volumes", str(args.volumes), "--changes", str(args.changes)],
                            stdout=subprocess.PIPE, text=True)
    url = fake.stdout.readline().strip()
    acked: dict[str, float] = {}

    def read_acks() -> None:
        for line in fake.stdout:
            word, vol, when = (line.split() + ["", "", ""])[:3]
            if word == "acked":
                acked[vol] = float(when)
    threading.Thread(target=read_acks, daemon=True).start()
    screen = Screen(url, args.interval)
    try:
        loaded = screen.until(lambda lines: any(f"{args.instances:,}" in x or str(args.instances) in x
                                                for x in lines), 120)
        if loaded is None:
            raise SystemExit("bench: the monitor never showed the instance count")
        screen.drain(args.settle)
        began = time.monotonic()
        took = key_presses(screen, args.presses)
        sweeps = int((time.monotonic() - began) / args.interval)   # about: one sweep an interval
        load = os.getloadavg()[0]
        took.sort()
        p99 = took[min(len(took) - 1, int(len(took) * 0.99))]
        print(f"key press → screen at {args.instances:,} instances + {args.volumes:,} volumes, {args.changes} "
              f"changes a sweep every {args.interval:g} s, {COLS}x{ROWS}: {len(took)} presses over ~{sweeps} "
              f"sweeps: median {statistics.median(took):.1f} ms, p99 {p99:.1f} ms, max {took[-1]:.1f} ms; "
              f"load {load:.1f}")
        # The key figure first: an attach step that fails does not take it with it.
        figure(f"key press → screen p99 ({args.instances // 1000}k inst., pty)", round(p99, 1), "ms",
               f"<= {KEY_P99_MS:.0f} ms", p99 <= KEY_P99_MS, f"{sweeps} sweeps, max {took[-1]:.0f} ms, load {load:.1f}")
        try:
            action = attach_to_in_use(screen, acked)
        except SystemExit as failed:
            print(failed, file=sys.stderr)
            figure("attach acknowledged → in-use on screen", None, "s", f"<= {ACTION_S:g} s", False,
                   str(failed).splitlines()[0].removeprefix("bench: "))
            return 1
    finally:
        screen.quit()
        fake.kill()
        fake.wait()
    load = os.getloadavg()[0]
    print(f"attach-volume acknowledged → row shows in-use: {action * 1000:.0f} ms (target ≤ {ACTION_S:g} s)")
    figure("attach acknowledged → in-use on screen", round(action, 2), "s", f"<= {ACTION_S:g} s",
           action <= ACTION_S, f"load {load:.1f}")
    return 0

if __name__ == "__main__":
    raise SystemExit(main())
