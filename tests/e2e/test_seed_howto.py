"""The seed's how-to (tests/data/seed_howto.txt), command line by command line, as an operator types it.

Every ``euca-``/``uec-`` line is read out of the seed file itself, its placeholder IDs
(``i-43035890``, ``vol-33534456``, ``a.b.c.d``…) replaced by real ones of a seeded cloud,
and run in order as ``cloudshell LINE`` on a terminal (a pty, so a destroying command asks,
and the operator answers ``y``), in one working folder, with euca2ools' environment
variables (EC2_CERT, EC2_PRIVATE_KEY, EUCALYPTUS_CERT, EC2_USER_ID, EC2_AMITOOL_HOME) set.

The test reports every line: works, or why not. Lines the seed itself gets wrong (a typo'd
command name) must answer with "did you mean"; every other line must work.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import RANDOM_SEED, isolated_env

from cloudshell.cloud.bundle.keys import make_demo_credentials
from cloudshell.cloud.bundle.tarball import write_demo_tarball
from cloudshell.cloud.demo import seed
from cloudshell.cloud.session import CloudSession

# A copy of ../shared/seeds/000_64d2ed90a12ed0cb.txt, kept with the tests so a clean clone has it.
SEED_FILES = [Path(__file__).resolve().parents[1] / "data" / "seed_howto.txt"]
COMMAND = re.compile(r"^(euca-[a-z-]+|uec-[a-z-]+)\b")
# The seed's own typos: the line must answer "did you mean" (and send nothing).
TYPOS = {"euca-terminate-instance": "terminate-instances", "euca-allocate-addressADDRESS": "allocate-address"}


def seed_lines() -> list[tuple[int, str]]:
    """(line number, text) of every command line the seed types."""
    lines = []
    for path in SEED_FILES:
        for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            text = text.strip()
            if COMMAND.match(text):
                lines.append((n, text))
    return lines


@dataclass
class Outcome:
    code: int
    output: str


def on_a_terminal(argv: list[str], env: dict[str, str], cwd: Path, answer: str = "y\n",
                  timeout: float = 120) -> Outcome:
    """Run argv on a pty at 80x24 (stdin, stdout and stderr a terminal), answering any question."""
    master, slave = pty.openpty()
    import fcntl
    import struct
    import termios

    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True)
    os.close(slave)
    os.write(master, answer.encode())      # typed ahead: the tty keeps it for the question
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:            # EIO: the child closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        else:
            proc.kill()
            raise AssertionError(f"{shlex.join(argv)} did not finish within {timeout:g} s")
        code = proc.wait(timeout=10)
    finally:
        os.close(master)
    text = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    return Outcome(code, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text))


@pytest.fixture(scope="module")
def howto(moto_server, tmp_path_factory):
    """A seeded cloud, a working folder with the files the seed names, and euca2ools' variables."""
    moto_server.reset(random_seed=RANDOM_SEED)
    session = CloudSession.for_url(moto_server.url)
    facts = seed(session)
    work = tmp_path_factory.mktemp("howto")
    creds = make_demo_credentials(work / "creds")
    for name, src in (("cert-xyz.pem", creds.user_cert), ("pk-xyz.pem", creds.user_key),
                      ("cert-abc.pem", creds.user_cert), ("pk-abc.pem", creds.user_key)):
        shutil.copy(src, work / name)
    amitools = work / "amitools"
    (amitools / "etc" / "ec2" / "amitools").mkdir(parents=True)
    shutil.copy(creds.cloud_cert, amitools / "etc" / "ec2" / "amitools" / "cert-ec2.pem")
    (work / "image.img").write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    (work / "image-dir").mkdir()
    # The how-to's wget line fetches the UEC tarball: the demo's stands in for it.
    write_demo_tarball(work / "lucid-server-uec-amd64.tar.gz")
    call = session.call
    running = [i for i in facts.instances if i.state == "running"]
    zone = running[0].zone
    volume = call("create_volume", mutating=True, Size=1, AvailabilityZone=zone)["VolumeId"]
    spare = call("create_volume", mutating=True, Size=1, AvailabilityZone=zone)["VolumeId"]
    snapshot = call("create_snapshot", mutating=True, VolumeId=spare)["SnapshotId"]
    address = call("allocate_address", mutating=True, Domain="standard")["PublicIp"]
    call("create_security_group", mutating=True, GroupName="someothergroup", Description="the other group")
    env = isolated_env(work, {
        "EC2_URL": moto_server.url, "S3_URL": moto_server.url,
        "EC2_CERT": str(creds.user_cert), "EC2_PRIVATE_KEY": str(creds.user_key),
        "EUCALYPTUS_CERT": str(creds.cloud_cert), "EC2_USER_ID": "123456789012",
        "EC2_AMITOOL_HOME": str(amitools), "TERM": "screen", "COLUMNS": "80", "LINES": "24",
        # The how-to's own shell variables (its first lines set them).
        "RELEASE": "lucid", "ARCH": "amd64", "UEC_IMG": "lucid-server-uec-amd64", "TIMESTAMP": "20261203053429",
    })
    # Placeholders of the seed → real IDs; the same ID in every line, as one operator would use them.
    ids = {
        "i-43035890": running[0].id, "i-34523332": running[1].id,
        "i-56785678": running[0].id, "i-99838888": next(i.id for i in running if i.zone == zone),
        "eki-34323333": facts.kernel_id, "eri-33344234": facts.ramdisk_id,
        "emi-53444344": next(iter(facts.images.values())),
        "vol-33534456": volume, "snap-33453345": snapshot, "a.b.c.d": address, "myzone": zone,
        "someotheruser": "123456789012",
    }
    # The how-to snapshots a volume after deleting it: a second volume stands in for that line.
    ids_by_command = {"euca-create-snapshot": {"vol-33534456": spare}}
    session.close()
    return work, env, ids, ids_by_command


def _words(text: str, ids: dict[str, str], env: dict[str, str]) -> list[str]:
    expanded = re.sub(r"\$(\w+)", lambda m: env.get(m.group(1), m.group()), text)
    return [ids.get(word, word) for word in shlex.split(expanded)]


def test_every_seed_line_works_as_typed(howto):
    work, env, ids, ids_by_command = howto
    lines = seed_lines()
    assert len(lines) == 44, lines    # every command line of the how-to, none lost by the reader
    report, failed, outputs = [], [], {}
    for n, text in lines:
        command = text.split()[0]
        words = _words(text, {**ids, **ids_by_command.get(command, {})}, env)
        # upload-bundle names the manifest bundle-image wrote into image-dir: the operator is there.
        cwd = work / "image-dir" if command == "euca-upload-bundle" and "--help" not in words else work
        out = on_a_terminal([sys.executable, "-m", "cloudshell", *words], env, cwd)
        outputs[n] = out.output
        first = next((line for line in out.output.splitlines() if line.strip() not in ("", "y")), "")
        if words[0] in TYPOS:
            ok = out.code == 2 and f"did you mean {TYPOS[words[0]]}" in out.output
            verdict = "typo in the seed: says did you mean" if ok else "typo not caught"
        else:
            ok = out.code == 0 and "Traceback" not in out.output and "error" not in first.lower()
            verdict = "works" if ok else f"exit {out.code}: {first[:160]}"
        report.append(f"{n:4d} {text[:60]:60s} {verdict}")
        if not ok:
            failed.append(f"{n}: {text}\n{out.output[-1500:]}")
    print("\n".join(report))
    assert not failed, "\n".join(report) + "\n\n" + "\n\n".join(failed)
    # What the how-to says to look for: the published kernel and image, "available".
    published = re.search(r'emi="(\S+)"; eri="(\S+)"; eki="(\S+)";', outputs[24])
    assert published, outputs[24]
    images = {line.split("\t")[1]: line.split("\t") for line in outputs[27].splitlines()
              if line.startswith("IMAGE\t")}
    for image_id in published.groups():
        assert images[image_id][4] == "available", images[image_id]
    assert re.search(r"^IMAGE\t(ami|emi)-[0-9a-f]+$", outputs[159], re.M), outputs[159]
    assert re.search(r"^VOLUME\tvol-[0-9a-f]+\t1\t", outputs[246], re.M), outputs[246]
