"""Instance commands as a user runs them, against moto's server, cross-checked with awscli."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from clirun import run_here
from cloud_checks import aws, boot_images, instance_ids, instance_state, launch, oneshot

from cloudshell.commands import registry
from cloudshell.commands.instances import escape_console


def test_run_instances_with_euca2ools_options_is_what_awscli_sees(cloud):
    kernel, ramdisk, image = boot_images(cloud.session)
    cloud.session.call("create_key_pair", KeyName="testkey")
    cloud.session.call("create_security_group", GroupName="mygroup", Description="test group")
    user_data = cloud.tmp_path / "user-data.sh"
    user_data.write_text("#!/bin/sh\necho hello\n")
    out = cloud.here([*cloud.endpoint_args, "euca-run-instances", image, "-n", "2", "-k", "testkey",
                     "-g", "mygroup", "-t", "m1.large", "-z", "us-east-1b", "--kernel", kernel,
                     "--ramdisk", ramdisk, "-f", str(user_data), "--output", "json"])
    assert out.returncode == 0, out.stderr
    ours = json.loads(out.stdout)
    new = sorted(i["InstanceId"] for i in ours["Instances"])
    assert len(new) == 2 and instance_ids(cloud.session) == new

    seen = aws(cloud, "ec2", "describe-instances", "--instance-ids", *new)
    launched = [i for r in seen["Reservations"] for i in r["Instances"]]
    assert {i["InstanceType"] for i in launched} == {"m1.large"}
    assert {i["KeyName"] for i in launched} == {"testkey"}
    assert {i["Placement"]["AvailabilityZone"] for i in launched} == {"us-east-1b"}
    assert {g["GroupName"] for i in launched for g in i["SecurityGroups"]} == {"mygroup"}
    tokens = {i["ClientToken"] for i in launched}
    assert len(tokens) == 1 and len(tokens.pop()) >= 32   # one launch, one idempotency token
    attr = aws(cloud, "ec2", "describe-instance-attribute", "--instance-id", new[0], "--attribute", "userData")
    assert base64.b64decode(attr["UserData"]["Value"]) == user_data.read_bytes()


def test_lifecycle_one_shot_says_what_happened(cloud, monkeypatch, capsys):
    iid = launch(cloud.session)
    args = [*cloud.endpoint_args, "--output", "table"]

    out = cloud.here([*args, "stop-instances", iid])
    assert out.returncode == 0, out.stderr
    assert f"{iid} running → stopping → stopped" in out.stdout
    assert instance_state(cloud.session, iid) == "stopped"

    code, out, err = oneshot(cloud, monkeypatch, capsys, "--output", "table", "start-instances", iid)
    assert code == 0, err
    assert f"{iid} stopped → pending → running" in out

    out = cloud.here([*args, "reboot-instances", iid])
    assert out.returncode == 0, out.stderr
    assert f"{iid} reboot requested" in out.stdout

    code, out, err = oneshot(cloud, monkeypatch, capsys, "terminate-instances", iid)  # no terminal, no --yes
    assert code == 1
    assert "not confirmed, nothing was sent" in err and len(err.splitlines()) == 1
    assert instance_state(cloud.session, iid) == "running"

    out = cloud.here([*args, "terminate-instances", iid, "--yes"])
    assert out.returncode == 0, out.stderr
    assert f"{iid} running → shutting-down → terminated" in out.stdout
    assert instance_state(cloud.session, iid) == "terminated"

    code, out, err = oneshot(cloud, monkeypatch, capsys, "start-instances", iid)
    assert code == 1
    assert f"{iid} is terminated; it cannot be started" in err

    # Terminating it again asks nothing and sends nothing, in every face (the monitor's T too).
    code, out, err = oneshot(cloud, monkeypatch, capsys, "terminate-instances", iid)  # no --yes needed
    assert code == 1
    assert f"{iid} is already terminated; nothing was sent" in err


def test_what_awscli_did_cloudshell_shows(cloud):
    iid = launch(cloud.session)
    aws(cloud, "ec2", "stop-instances", "--instance-ids", iid)
    out = cloud.here([*cloud.endpoint_args, "start-instances", iid, "--output", "table"])
    assert out.returncode == 0, out.stderr
    assert f"{iid} stopped → pending → running" in out.stdout   # it saw awscli's stop


def test_run_instances_text_and_json_for_scripts(cloud, monkeypatch, capsys):
    image = cloud.session.call("register_image", Name="plain-image")["ImageId"]
    code, out, err = oneshot(cloud, monkeypatch, capsys, "run-instances", image, "--output", "json",
                             "--query", "Instances[].InstanceId")
    assert code == 0, err
    [iid] = json.loads(out)
    assert instance_ids(cloud.session) == [iid]
    code, out, err = oneshot(cloud, monkeypatch, capsys, "run-instances", image, "-n", "3",
                             "--output", "table")
    assert code == 0, err
    assert out.count("launched i-") == 3 and "(m1.small in us-east-1" in out
    # MIN-MAX: as many as fit; moto launches MIN, and the command says so.
    code, out, err = oneshot(cloud, monkeypatch, capsys, "run-instances", image, "-n", "2-4",
                             "--output", "table")
    assert code == 0, err
    launched = out.count("launched i-")
    assert 2 <= launched <= 4 and len(instance_ids(cloud.session)) == 4 + launched
    assert (f"{launched} of up to 4 launched" in out) is (launched < 4)


class _ConsoleEndpoint(BaseHTTPRequestHandler):
    """An EC2 endpoint that only answers GetConsoleOutput, with terminal escape sequences in it."""

    OUTPUT = "boot ok\r\n\x1b[31mred\x1b[0m\x07 bell\x9b2J\tTab\n"

    def do_POST(self):  # noqa: N802 - the http.server API
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoded = base64.b64encode(self.OUTPUT.encode("utf-8")).decode("ascii")
        body = ("<GetConsoleOutputResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                "<requestId>r-1</requestId><instanceId>i-1a2b3c4d</instanceId>"
                f"<timestamp>2026-01-02T03:04:05.000Z</timestamp><output>{encoded}</output>"
                "</GetConsoleOutputResponse>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def console_endpoint():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ConsoleEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def test_console_output_escapes_control_characters_unless_raw(cloud, console_endpoint):
    args = ["--endpoint-url", console_endpoint, "get-console-output", "i-1a2b3c4d"]
    for fmt in ("table", "text"):
        out = run_here([*args, "--output", fmt], cloud.env)
        assert out.returncode == 0, out.stderr
        assert "\x1b" not in out.stdout and "\x07" not in out.stdout and "\x9b" not in out.stdout
        assert "i-1a2b3c4d" in out.stdout and "red" in out.stdout
    # Bytes, not text: text mode would turn the \r\n we must see into \n.
    raw = subprocess.run([sys.executable, "-m", "cloudshell", *args, "-r"], env=cloud.env,
                         capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    assert raw.returncode == 0, raw.stderr
    assert _ConsoleEndpoint.OUTPUT.encode("utf-8") in raw.stdout   # byte for byte


def test_console_output_from_moto_and_json_shape(cloud, monkeypatch, capsys):
    iid = launch(cloud.session)
    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-get-console-output", iid, "--output", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["InstanceId"] == iid and data["Output"].startswith("Linux version")
    assert data["Output"] == aws(cloud, "ec2", "get-console-output", "--instance-id", iid)["Output"]


def test_escape_console_uses_caret_notation():
    assert escape_console("a\x1b[0mb") == "a^[[0mb"
    assert escape_console("x\r\ny\rz") == "x\ny^Mz"
    assert escape_console("\x00\x7f\x9b\t\n") == "^@^?M-^[\t\n"
    assert escape_console("ünïcode ✓") == "ünïcode ✓"


def test_commands_declare_kinds_safety_and_euca_names():
    reg = registry()
    for name, kind, destroys in (("run-instances", "image:machine", False),
                                 ("terminate-instances", "instance", True),
                                 ("stop-instances", "instance:running", False),
                                 ("start-instances", "instance:stopped", False),
                                 ("reboot-instances", "instance:running", False),
                                 ("get-console-output", "instance", False)):
        cmd = reg.get(f"euca-{name}")
        assert cmd.name == name and cmd.params[0].kind == kind
        assert cmd.destroys is destroys and cmd.mutates is (name != "get-console-output")
        assert cmd.example.startswith(name) and cmd.summary
    flags = reg.get("run-instances").flag_map()
    assert flags["--kernel"].kind == "image:kernel" and flags["--ramdisk"].kind == "image:ramdisk"
    assert flags["-k"].kind == "keypair" and flags["-z"].kind == "zone"
    assert flags["-g"].kind.partition(":")[0] == "group" and flags["-s"].kind.partition(":")[0] == "subnet"
