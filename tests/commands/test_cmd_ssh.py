"""ssh INSTANCE: a real login through OpenSSH, the resolution rules of ssh_argv, and no shell anywhere."""

from __future__ import annotations

import json
import sys
from types import SimpleNamespace

import pytest
from clirun import run_cli
from sshd import sshd_server  # noqa: F401 - the fixture

from cloudshell.cloud.errors import Refused
from cloudshell.cloud.inventory import Inventory, Record
from cloudshell.cloud.kinds import KINDS
from cloudshell.commands import Context, registry
from cloudshell.commands.ssh import ssh_argv

# -- a real OpenSSH server on 127.0.0.1 -------------------------------------------------------

QUIET = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
         "-o", "LogLevel=ERROR"]


def _running_instance(cloud, name: str = "ubuntu-22.04-server") -> str:
    image = cloud.session.call("register_image", Name=name, Architecture="x86_64")["ImageId"]
    reply = cloud.session.call("run_instances", ImageId=image, MinCount=1, MaxCount=1)
    return reply["Instances"][0]["InstanceId"]


def test_logs_in_through_the_system_ssh(cloud, sshd_server):  # noqa: F811
    instance = _running_instance(cloud)
    login = [*cloud.endpoint_args, "ssh", instance, "--address", "127.0.0.1", "--port", str(sshd_server.port),
             "-i", str(sshd_server.key), "--user", sshd_server.user, "--", *QUIET]
    out = cloud.run([*login, "echo", "hello-from-sshd"])
    assert out.returncode == 0, out.stderr + sshd_server.log.read_text(errors="replace")[-400:]
    assert "hello-from-sshd" in out.stdout
    assert f"ssh {sshd_server.user}@127.0.0.1" in out.stderr    # what it connects to, on stderr
    out = cloud.run([*login, "exit", "7"])
    assert out.returncode == 7                                    # the remote status is ours


def test_shell_metacharacters_reach_ssh_literally(cloud, tmp_path):
    instance = _running_instance(cloud)
    bin_dir, log = tmp_path / "bin", tmp_path / "argv.json"
    bin_dir.mkdir()
    fake = bin_dir / "ssh"    # records its argv instead of connecting
    fake.write_text(f"#!{sys.executable}\nimport json, sys\n"
                    f"open({str(log)!r}, 'w').write(json.dumps(sys.argv[1:]))\n")
    fake.chmod(0o755)
    traps = [tmp_path / f"trap{n}" for n in range(5)]
    nasty = [f"; touch {traps[0]}", f"$(touch {traps[1]})", f"`touch {traps[2]}`", f"| touch {traps[3]}",
             f"&& touch {traps[4]}"]
    env = dict(cloud.env, PATH=f"{bin_dir}:{cloud.env['PATH']}")
    out = run_cli([*cloud.endpoint_args, "ssh", instance, "--address", "127.0.0.1", "--user", "admin", "--",
                   "-o", f"SetEnv=X={nasty[0]}", "echo", *nasty], env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert json.loads(log.read_text()) == ["-l", "admin", "-o", f"SetEnv=X={nasty[0]}", "--", "127.0.0.1",
                                           "echo", *nasty]
    assert not [t for t in traps if t.exists()]


# -- resolution rules, from an inventory snapshot (no server needed) -----------------------------

INSTANCE = "i-0123456789abcdef0"
IMAGE = "ami-0123456789abcdef0"


def _inventory(*, image_name: str = "centos-7-x86_64", state: str = "running", public: str | None = "203.0.113.7",
               private: str | None = "10.0.0.5", key_name: str = "ops") -> Inventory:
    raw = {"InstanceId": INSTANCE, "State": {"Name": state}, "ImageId": IMAGE, "KeyName": key_name,
           "PublicIpAddress": public, "PrivateIpAddress": private}
    image = {"ImageId": IMAGE, "Name": image_name}
    return (Inventory().replace_kind("instances", {INSTANCE: Record.from_raw(KINDS["instances"], raw)})
            .replace_kind("images", {IMAGE: Record.from_raw(KINDS["images"], image)}))


def argv_for(inventory: Inventory, *args: str, user_config: dict | None = None) -> list[str]:
    ctx = Context(session=None, poller=SimpleNamespace(inventory=inventory), user_config=user_config or {})
    return ssh_argv(ctx, registry().parse(["ssh", INSTANCE, *args]))


def login_of(argv: list[str]) -> str:
    return argv[argv.index("-l") + 1]


@pytest.mark.parametrize("image_name, rules, args, user", [
    ("ubuntu-16.04-server", {}, [], "ubuntu"),
    ("centos-7-x86_64", {}, [], "centos"),
    ("debian-9-amd64", {}, [], "admin"),
    ("amzn2-ami-hvm-2.0", {}, [], "ec2-user"),
    ("Fedora-Cloud-Base-38", {}, [], "fedora"),
    ("my-appliance", {}, [], "root"),                                    # nothing known: root
    ("centos-7-x86_64", {"centos-*": "cloud-user"}, [], "cloud-user"),   # the config beats the guess
    ("CentOS-7-GOLD", {"centos-7*": "ops", "centos-*": "centos"}, [], "ops"),  # first rule wins, any case
    ("centos-7-x86_64", {"centos-*": "cloud-user"}, ["--user", "me"], "me"),   # --user beats everything
    ("my-appliance", {IMAGE: "svc"}, [], "svc"),                         # a rule may name the image ID
])
def test_login_user(image_name, rules, args, user):
    argv = argv_for(_inventory(image_name=image_name), *args, user_config={"ssh": {"users": rules}})
    assert login_of(argv) == user


def test_address_public_then_private_then_override():
    assert argv_for(_inventory())[-1] == "203.0.113.7"
    assert argv_for(_inventory(public=None))[-1] == "10.0.0.5"
    assert argv_for(_inventory(), "--private")[-1] == "10.0.0.5"
    assert argv_for(_inventory(), "--address", "jump.example.org")[-1] == "jump.example.org"


def test_key_from_option_then_key_dir_then_home(tmp_path, monkeypatch):
    home, keys = tmp_path / "home", tmp_path / "keys"
    (home / ".ssh").mkdir(parents=True)
    keys.mkdir()
    monkeypatch.setenv("HOME", str(home))
    assert "-i" not in argv_for(_inventory())                     # no key file anywhere: ssh's own defaults
    (home / ".ssh" / "ops.pem").write_text("k")
    assert argv_for(_inventory())[3:5] == ["-i", str(home / ".ssh" / "ops.pem")]
    (keys / "ops.pem").write_text("k")
    assert argv_for(_inventory(), user_config={"key_dir": str(keys)})[3:5] == ["-i", str(keys / "ops.pem")]
    given = tmp_path / "given.pem"
    given.write_text("k")
    argv = argv_for(_inventory(), "-i", str(given), "--port", "2222", user_config={"key_dir": str(keys)})
    assert argv == ["ssh", "-l", "centos", "-p", "2222", "-i", str(given), "--", "203.0.113.7"]


def test_extra_arguments_options_before_the_host_command_after():
    argv = argv_for(_inventory(), "--", "-J", "bastion", "-L8080:localhost:80", "-v", "uptime", "-x")
    assert argv == ["ssh", "-l", "centos", "-J", "bastion", "-L8080:localhost:80", "-v", "--", "203.0.113.7",
                    "uptime", "-x"]


@pytest.mark.parametrize("inventory, args, needle", [
    (_inventory(state="stopped"), [], f"{INSTANCE} is stopped: ssh needs a running instance"),
    (_inventory(public=None, private=None), [], f"{INSTANCE} has no address"),
    (_inventory(private=None), ["--private"], f"{INSTANCE} has no private address"),
])
def test_refuses_in_one_line(inventory, args, needle):
    with pytest.raises(Refused) as err:
        argv_for(inventory, *args)
    assert needle in str(err.value) and "\n" not in str(err.value)
