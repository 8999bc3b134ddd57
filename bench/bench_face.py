"""Benchmark: the real monitor (``python -m cloudshell --endpoint-url …``) in a pseudo-terminal.

- ``--first-data N``: moto holding N instances; the wall time from starting the monitor to the
  first instance ID on screen, beside a bare boto3 script printing every instance, run side by
  side (issue 10 target: ≤ 1.2× the script);
- ``--idle N``: bench/fake_ec2.py with N instances and no changes; after ``--settle`` seconds,
  the CPU used over ``--window`` seconds by the UI process and by the poller child
  (targets: UI ≤ 1 % of one core, UI plus child ≤ 5 %);
- ``--idle-clouds C`` (with ``--idle N``): C fake endpoints of N instances each as C clouds
  (``--cloud all`` over [clouds.NAME] tables), one poller child per cloud (issue 17 targets:
  UI ≤ 1 %, UI plus every child ≤ 10 %).

    python bench/bench_face.py --first-data 100 --idle 1000

Figures on a loaded 2-core machine are indicative only.
"""

from __future__ import annotations

import argparse
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from report import figure  # noqa: E402

ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[a-zA-Z]|\x1b[()][0-9A-Za-z]|\x1b\][^\x07]*\x07")
FIRST_DATA_RATIO = 1.2
IDLE_UI, IDLE_ALL = 1.0, 5.0
IDLE_ALL_CLOUDS = 10.0
BOTO3_SCRIPT = """
import sys, boto3
ec2 = boto3.client("ec2", endpoint_url=sys.argv[1], region_name="us-east-1")
for page in ec2.get_paginator("describe_instances").paginate():
    for r in page["Reservations"]:
        for i in r["Instances"]:
            print(i["InstanceId"])
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EC2_", "EUCA_"))}
    env.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1",
               AWS_EC2_METADATA_DISABLED="true", TERM="xterm-256color", COLUMNS="160", LINES="50",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
               AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    env.pop("NO_COLOR", None)
    return env


def _monitor(url: str | None, interval: float = 5.0, *, args: list[str] | None = None,
             env: dict[str, str] | None = None):
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    where = args if args is not None else ["--endpoint-url", url]
    proc = subprocess.Popen([sys.executable, "-m", "cloudshell", *where, "--interval", str(interval)],
                            stdin=slave, stdout=slave, stderr=slave, env=env or _env(), close_fds=True,
                            start_new_session=True)
    os.close(slave)
    return proc, master


def _drain(master: int, seconds: float, needle: bytes | None = None) -> tuple[bytes, float | None]:
    """Read the terminal for ``seconds`` (or until ``needle`` shows); returns (tail, when seen)."""
    end = time.monotonic() + seconds
    buf = b""
    while time.monotonic() < end:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            buf = (buf + chunk)[-200_000:]
            # Cells come with style sequences between them: look at the text alone.
            if needle is not None and re.search(needle, ESCAPES.sub(b"", buf)):
                return buf, time.monotonic()
    return buf, None


def _quit(proc: subprocess.Popen, master: int) -> None:
    try:
        os.write(master, b"q")
        proc.wait(10)
    except (OSError, subprocess.TimeoutExpired):
        proc.kill()
        proc.wait()
    os.close(master)


def first_data(count: int) -> None:
    from bench_monitor import seeded_moto

    server, url = seeded_moto(count, 5)
    try:
        t = time.monotonic()
        out = subprocess.run([sys.executable, "-c", BOTO3_SCRIPT, url], env=_env(), capture_output=True, text=True)
        script = time.monotonic() - t
        assert len(out.stdout.split()) == count, out.stderr[-300:]
        first_id = rb"i-[0-9a-f]{17}"   # any instance row: the table's order is not the script's
        t = time.monotonic()
        proc, master = _monitor(url)
        _, seen = _drain(master, 120, needle=first_id)
        face = (seen - t) if seen else float("inf")
        _quit(proc, master)
    finally:
        server.stop()
    ratio = face / script
    print(f"first data at {count} instances: boto3 script {script:.2f} s, monitor first row {face:.2f} s "
          f"(×{ratio:.2f}, target ≤ ×{FIRST_DATA_RATIO:g}); load {os.getloadavg()[0]:.1f}")
    figure(f"first instance row vs boto3 script ({count} inst.)", round(ratio, 2), "x",
           f"<= {FIRST_DATA_RATIO:g}x", ratio <= FIRST_DATA_RATIO,
           f"script {script:.2f} s, monitor {face:.2f} s, load {os.getloadavg()[0]:.1f}")


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        out += [int(p) for p in text]
    return out


def _poller_child(pid: int) -> int | None:
    children = _poller_children(pid)
    return children[0] if children else None


def _poller_children(pid: int) -> list[int]:
    out = []
    for child in _children(pid):
        try:
            cmd = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"multiprocessing" in cmd and b"resource_tracker" not in cmd:
            out.append(child)
    return out


def idle_clouds(clouds: int, count: int, settle: float, window: float) -> None:
    """C clouds of N instances each, idle: the UI process and every poller child."""
    import tempfile

    fakes = [subprocess.Popen([sys.executable, str(HERE / "fake_ec2.py"), "--instances", str(count), "--volumes", "0",
                               "--changes", "0", "--id-base", str(c * 1_000_000)], stdout=subprocess.PIPE, text=True)
             for c in range(clouds)]
    urls = [fake.stdout.readline().strip() for fake in fakes]
    folder = tempfile.mkdtemp(prefix="bench-clouds-")
    config = Path(folder) / "config.toml"
    config.write_text("".join(f'[clouds.c{c + 1}]\nendpoint_url = "{url}"\n\n' for c, url in enumerate(urls)))
    env = {**_env(), "CLOUDSHELL_CONFIG": str(config)}
    proc, master = _monitor(None, args=["--cloud", "all"], env=env)
    try:
        _drain(master, settle)
        children = _poller_children(proc.pid)
        ui0, ch0, t0 = _cpu(proc.pid), sum(map(_cpu, children)), time.monotonic()
        _drain(master, window)
        ui1, ch1, t1 = _cpu(proc.pid), sum(map(_cpu, children)), time.monotonic()
    finally:
        _quit(proc, master)
        for fake in fakes:
            fake.kill()
            fake.wait()
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    ui = (ui1 - ui0) / (t1 - t0) * 100
    both = ui + (ch1 - ch0) / (t1 - t0) * 100
    print(f"idle at {clouds} clouds x {count} instances, {window:.0f} s after {settle:.0f} s: UI {ui:.2f} % of a "
          f"core, UI + {len(children)} poller children {both:.2f} %; load {os.getloadavg()[0]:.1f}")
    figure(f"idle CPU, UI process ({clouds} clouds x {count} inst.)", round(ui, 2), "% core", f"<= {IDLE_UI:g} %",
           ui <= IDLE_UI)
    figure(f"idle CPU, UI + poller children ({clouds} clouds x {count} inst.)", round(both, 2), "% core",
           f"<= {IDLE_ALL_CLOUDS:g} %", both <= IDLE_ALL_CLOUDS and len(children) == clouds,
           f"{len(children)} children of {clouds}" if len(children) != clouds else "")


def idle(count: int, settle: float, window: float) -> None:
    fake = subprocess.Popen([sys.executable, str(HERE / "fake_ec2.py"), "--instances", str(count),
                             "--volumes", "0", "--changes", "0"], stdout=subprocess.PIPE, text=True)
    url = fake.stdout.readline().strip()
    proc, master = _monitor(url)
    try:
        _drain(master, settle)
        child = _poller_child(proc.pid)
        ui0, ch0, t0 = _cpu(proc.pid), _cpu(child) if child else 0.0, time.monotonic()
        _drain(master, window)
        ui1, ch1, t1 = _cpu(proc.pid), _cpu(child) if child else 0.0, time.monotonic()
    finally:
        _quit(proc, master)
        fake.kill()
        fake.wait()
    ui = (ui1 - ui0) / (t1 - t0) * 100
    both = ui + (ch1 - ch0) / (t1 - t0) * 100
    print(f"idle at {count} instances, no changes, {window:.0f} s after {settle:.0f} s: UI {ui:.2f} % of a core, "
          f"UI + poller child {both:.2f} % (child pid {child}); load {os.getloadavg()[0]:.1f}")
    figure(f"idle CPU, UI process ({count} inst.)", round(ui, 2), "% core", f"<= {IDLE_UI:g} %", ui <= IDLE_UI)
    figure(f"idle CPU, UI + poller child ({count} inst.)", round(both, 2), "% core", f"<= {IDLE_ALL:g} %",
           both <= IDLE_ALL, "child not found" if child is None else "")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--first-data", type=int, nargs="*", default=[], metavar="N")
    ap.add_argument("--idle", type=int, default=0, metavar="N")
    ap.add_argument("--idle-clouds", type=int, default=0, metavar="C")
    ap.add_argument("--settle", type=float, default=30.0)
    ap.add_argument("--window", type=float, default=60.0)
    args = ap.parse_args()
    for n in args.first_data:
        first_data(n)
    if args.idle and args.idle_clouds:
        idle_clouds(args.idle_clouds, args.idle, args.settle, args.window)
    elif args.idle:
        idle(args.idle, args.settle, args.window)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
