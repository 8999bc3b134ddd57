"""Hostile files and pastes (issue 16, "Parsers that blow up"): eucarc, config.toml, ini, REPL, key material.

Each test runs the real program (a subprocess, HOME and XDG_* under tmp_path) or the
real REPL on a pipe, and asserts what the user sees: one line naming the file, the
exit code, nothing sent, and no hang (every run has a deadline).
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
from clirun import run_here
from conftest import isolated_env
from hostile_ec2 import hostile_ec2, response

EUCARC = ("export EC2_URL=http://10.9.9.9:8773/services/compute\n"
          "export EC2_ACCESS_KEY=AKHOSTILE\nexport EC2_SECRET_KEY=not-a-real-secret\n")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return isolated_env(tmp_path, extra)


def _one_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "internal error" not in lines[0] and "Traceback" not in done.stderr
    return lines[0]


def _config_file(env: dict[str, str]) -> Path:
    folder = Path(env["XDG_CONFIG_HOME"]) / "cloudshell"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "config.toml"


# -- eucarc: linear, bounded ------------------------------------------------------------------

def test_eucarc_with_unterminated_braces_is_read_in_linear_time(tmp_path):
    # 900 KB of "${" with no "}" anywhere: each one used to rescan the rest of the file.
    rc = tmp_path / "eucarc"
    rc.write_text(EUCARC + ("export JUNK=" + "${" * 30_000 + "\n") * 15)
    done = run_here(["--eucarc", str(rc), "config"], _env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "http://10.9.9.9:8773/services/compute" in done.stdout
    assert f"eucarc {rc}" in done.stdout


def test_eucarc_braces_keep_their_meaning(tmp_path):
    """What the linear reading must not change: a "${" with a "}" later (even lines later) reads
    up to it, one without is plain text; nothing is run."""
    from cloudshell.cloud.eucarc import parse_eucarc

    rc = tmp_path / "eucarc"
    rc.write_text('export A=${H}/x B="${ab" C=${\n'   # C's "${" reaches the "}" two lines down
                  "D='${'${\nE=${U:-${V}\nF=$${\nG=\"$(dirname /a/b)\"${\n")
    assert parse_eucarc(rc, {"H": "/h"}) == {"A": "/h/x", "B": "${ab", "F": "$${", "G": "/a${"}


def test_eucarc_over_1_mib_is_refused_with_one_line(tmp_path):
    rc = tmp_path / "eucarc"
    rc.write_text(EUCARC + ("# padding " + "x" * 1000 + "\n") * 1100)
    done = run_here(["--eucarc", str(rc), "config"], _env(tmp_path))
    assert done.returncode == 2
    line = _one_line(done)
    assert str(rc) in line and "too large" in line and "1,048,576 bytes" in line
    assert done.stdout == ""


def test_eucarc_line_over_64_kib_is_refused_with_one_line(tmp_path):
    rc = tmp_path / "eucarc"
    rc.write_text(EUCARC + "export LONG=" + "a" * (70 * 1024) + "\n")
    done = run_here(["--eucarc", str(rc), "config"], _env(tmp_path))
    assert done.returncode == 2
    line = _one_line(done)
    assert str(rc) in line and "line 4 is too long" in line and "65,536 bytes" in line


# -- only regular files ---------------------------------------------------------------------

def test_config_toml_fifo_is_refused_without_hanging_and_nothing_is_sent(tmp_path):
    env = _env(tmp_path)
    fifo = _config_file(env)
    os.mkfifo(fifo)   # nobody ever writes it: opening it for reading used to block start-up
    with hostile_ec2() as ec2:
        done = run_here(["--endpoint-url", ec2.url, "describe-volumes"], env)
    assert done.returncode == 2
    line = _one_line(done)
    assert str(fifo) in line and "FIFO" in line and "regular file" in line
    assert ec2.received == []


def test_config_toml_device_is_refused(tmp_path):
    done = run_here(["--endpoint-url", "http://127.0.0.1:9/", "describe-volumes"],
                    _env(tmp_path, CLOUDSHELL_CONFIG="/dev/null"))
    assert done.returncode == 2
    line = _one_line(done)
    assert "/dev/null" in line and "device" in line


@pytest.mark.parametrize("where", ["home/.eucarc", "home/.euca/cloud.ini"])
def test_eucarc_or_ini_fifo_is_refused_by_name(tmp_path, where):
    env = _env(tmp_path)
    fifo = tmp_path / where
    fifo.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(fifo)
    done = run_here(["config"], env)
    assert done.returncode == 2
    line = _one_line(done)
    assert str(fifo) in line and "FIFO" in line


# -- config.toml: every failure one line, exit 2 -----------------------------------------------

@pytest.mark.parametrize(("content", "said"), [
    (b"a = " + b"[" * 50_000 + b"]" * 50_000 + b"\n", "nested too deeply"),
    (b"theme = 'dark'\nkey_dir = '\xff\xfe'\n", "line 2 is not UTF-8"),
    (b"theme = \n", "expected TOML"),
    (b"output = 5\n", "output is a number"),
    (b"[ssh]\nusers = ['centos']\n", "[ssh.users] is an array"),
    (b"[ssh.users]\n'centos-*' = 7\n", "'centos-*' is a number"),
], ids=["deep", "not-utf8", "bad-toml", "output-type", "users-type", "user-type"])
def test_every_config_toml_failure_is_one_line_exit_2_before_sending(tmp_path, content, said):
    env = _env(tmp_path)
    config = _config_file(env)
    config.write_bytes(content)
    with hostile_ec2() as ec2:
        done = run_here(["--endpoint-url", ec2.url, "describe-volumes"], env)
    assert done.returncode == 2, done.stderr
    line = _one_line(done)
    assert str(config) in line and said in line
    assert ec2.received == []


# -- files others can write: one warning ------------------------------------------------------

@pytest.mark.parametrize("which", ["eucarc", "ini", "config"])
def test_a_settings_file_others_can_write_is_warned_about_once(tmp_path, which):
    env = _env(tmp_path)
    home = Path(env["HOME"])
    if which == "eucarc":
        path = home / ".eucarc"
        path.write_text(EUCARC)
    elif which == "ini":
        path = home / ".euca" / "cloud.ini"
        path.parent.mkdir()
        path.write_text("[region r]\nec2-url = http://10.9.9.9:8773/services/compute\n")
    else:
        path = _config_file(env)
        path.write_text("output = 'json'\n")
    path.chmod(0o666 if which != "ini" else 0o620)
    done = run_here(["config"], env)
    assert done.returncode == 0, done.stderr
    warnings = [ln for ln in done.stderr.splitlines() if "warning" in ln]
    assert len(warnings) == 1 and done.stderr.strip() == warnings[0], done.stderr
    assert str(path) in warnings[0] and f"chmod go-w {path}" in warnings[0]
    assert ("its group" if which == "ini" else "anyone") in warnings[0]
    path.chmod(0o600)   # fixed: no word about it
    assert run_here(["config"], env).stderr == ""


# -- create-keypair: hostile key material --------------------------------------------------

def _create_answer(material: str) -> str:
    return response("CreateKeyPair", "<keyName>hostile</keyName>"
                    "<keyFingerprint>1f:51:ae:28:bf:89:e9:d8:1f:25:5d:37:2d:7d:b8:ca:9f:f5:f1:6f</keyFingerprint>"
                    f"<keyMaterial>{material}</keyMaterial><keyPairId>key-0123456789abcdef0</keyPairId>")


def test_non_ascii_key_material_is_written_as_the_bytes_sent(tmp_path):
    material = "-----BEGIN RSA PRIVATE KEY-----\nMIIé€Ωkey\n-----END RSA PRIVATE KEY-----"
    env = _env(tmp_path)
    with hostile_ec2({"CreateKeyPair": _create_answer(material)}) as ec2:
        done = run_here(["--endpoint-url", ec2.url, "create-keypair", "hostile"], env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    pem = tmp_path / "hostile.pem"
    assert pem.read_bytes() == (material + "\n").encode("utf-8")
    assert stat.S_IMODE(pem.stat().st_mode) == 0o600
    assert "hostile" in done.stdout and "MII" not in done.stdout   # the key is in the file, not on screen
    assert ec2.actions().count("CreateKeyPair") == 1


def test_a_failure_after_the_keypair_was_created_names_it(tmp_path):
    env = _env(tmp_path)
    with hostile_ec2({"CreateKeyPair": _create_answer("")}) as ec2:
        done = run_here(["--endpoint-url", ec2.url, "create-keypair", "hostile"], env, cwd=tmp_path)
    assert done.returncode == 1
    line = _one_line(done)
    assert "keypair hostile was created but" in line and "delete-keypair hostile" in line
    assert not (tmp_path / "hostile.pem").exists()   # no empty .pem left to mislead
    assert ec2.actions().count("CreateKeyPair") == 1


# -- the REPL: 64 KiB lines, and a big paste never freezes it ---------------------------------

@pytest.fixture
def repl(cloud):
    """Start the real REPL (prompt_toolkit on a pipe, as tests/repl/test_repl.py drives it) on an idle cloud."""
    from repl_driver import Driver

    from cloudshell.cloud.poller import Poller
    from cloudshell.cloud.runtime import Runtime

    drivers = []

    def start():
        drivers.append(Driver(Runtime(settings=None, session=cloud.session), Poller(cloud.session)))
        return drivers[-1]
    yield start
    for d in drivers:
        d.close()


def test_repl_refuses_a_1_mb_paste_at_once_and_stays_responsive(repl):
    from repl_driver import until

    d = repl()
    d.type("describe-volumes ")
    d.send("\x1b[200~" + "vol-" + "x" * 1_000_000 + "\x1b[201~")   # what a terminal sends for a paste
    until(lambda: "line too long" in d.screen(), 15, what="the paste to be refused")
    lines = [ln for ln in d.screen().splitlines() if "line too long" in ln]
    assert lines == ["line too long: 1,000,021 characters; a command line holds at most 65,536 "
                     "(the paste was not taken)"]
    assert d.buffer.text == "describe-volumes "   # the line typed before is kept
    d.send("\x03")
    out = d.run_line("help", "keys:", timeout=15)
    assert "describe-volumes" in out


def test_repl_typing_past_64_kib_is_cut_with_one_line_and_the_repl_goes_on(repl):
    from repl_driver import until

    d = repl()
    d.send("describe-volumes " + "y" * 100_000)   # a paste by a terminal without bracketed paste
    until(lambda: len(d.buffer.text) == 65_536 and "line too long" in d.screen(), 20,
          what="the line to stop at 64 KiB")
    lines = [ln for ln in d.screen().splitlines() if "line too long" in ln]
    assert len(lines) == 1 and "at most 65,536 (what came after that was not taken)" in lines[0]
    out = d.run_line("", "describe-volumes: ", timeout=20)   # Enter runs the 64 KiB line: one red line
    assert "is not a volume ID" in out and len(out.strip().splitlines()) <= 2
    out = d.run_line("help", "keys:", timeout=15)
    assert "describe-volumes" in out


def test_an_unreadable_create_answer_names_the_keypair_that_may_exist(tmp_path):
    env = _env(tmp_path)
    with hostile_ec2({"CreateKeyPair": "<html>a proxy's error page"}) as ec2:
        done = run_here(["--endpoint-url", ec2.url, "create-keypair", "hostile"], env, cwd=tmp_path)
    assert done.returncode == 1
    line = _one_line(done)
    assert "keypair hostile may have been created" in line and "describe-keypairs hostile" in line
    assert not (tmp_path / "hostile.pem").exists()
    assert ec2.actions().count("CreateKeyPair") == 1   # not resent
