"""One-shot describe commands as a user runs them, cross-checked with the awscli program."""

import json

import pytest
from cloud_checks import aws, aws_text

from clirun import run_here


@pytest.mark.parametrize("command, aws_args, query", [
    ("describe-instances", ["ec2", "describe-instances"], "Reservations[].Instances[].[InstanceId, State.Name, Placement.AvailabilityZone]"),
    ("describe-volumes", ["ec2", "describe-volumes"], "Volumes[?State=='available'].VolumeId | sort(@)"),
    ("describe-images", ["ec2", "describe-images"], "Images[].[ImageId, Name]"),
    ("describe-keypairs", ["ec2", "describe-key-pairs"], "KeyPairs[].KeyName"),
    ("describe-groups", ["ec2", "describe-security-groups"], "SecurityGroups[].[GroupName, IpPermissions[].FromPort]"),
    ("describe-addresses", ["ec2", "describe-addresses"], "Addresses[].[PublicIp, InstanceId]"),
    ("describe-availability-zones", ["ec2", "describe-availability-zones"], "AvailabilityZones[].ZoneName"),
])
def test_json_query_answers_exactly_as_awscli(seeded, command, aws_args, query):
    cloud, _ = seeded
    ours = cloud.here([*cloud.endpoint_args, command, "--output", "json", "--query", query])
    assert ours.returncode == 0, ours.stderr
    theirs = aws_text(cloud, *aws_args, "--query", query)
    assert json.loads(ours.stdout) == json.loads(theirs)
    assert ours.stdout == theirs  # byte for byte: same indentation, same key order


def test_full_json_output_equals_awscli(seeded):
    cloud, _ = seeded
    ours = cloud.here([*cloud.endpoint_args, "describe-volumes", "--output", "json"])
    assert ours.returncode == 0, ours.stderr
    assert json.loads(ours.stdout) == aws(cloud, "ec2", "describe-volumes")


def test_table_shows_the_seeded_instances_at_80_columns(seeded):
    cloud, facts = seeded
    env = dict(cloud.env, COLUMNS="80")
    out = run_here([*cloud.endpoint_args, "describe-instances", "--output", "table"], env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    for inst in facts.instances:
        assert any(inst.id in line and inst.name in line for line in lines), inst


def test_filters_and_ids_narrow_the_answer(seeded):
    cloud, facts = seeded
    running = {i.id for i in facts.instances_where(state="running")}
    out = cloud.here([*cloud.endpoint_args, "describe-instances", "--filter", "instance-state-name=running",
                     "--output", "json", "--query", "Reservations[].Instances[].InstanceId"])
    assert set(json.loads(out.stdout)) == running
    one = sorted(running)[0]
    out = cloud.here([*cloud.endpoint_args, "euca-describe-instances", one, "--output", "tsv"])
    assert out.returncode == 0 and out.stdout.split("\t")[0] == one


def test_tsv_output_is_one_tab_separated_line_per_record(seeded):
    cloud, facts = seeded
    out = cloud.here([*cloud.endpoint_args, "describe-keypairs", "--output", "tsv"])
    assert out.returncode == 0
    assert out.stdout.splitlines()[0].split("\t")[0] == "testkey"


def test_demo_flag_shows_the_seeded_cloud(tmp_path):
    from conftest import isolated_env

    env = isolated_env(tmp_path)
    out = run_here(["--demo", "describe-instances", "--output", "tsv"], env)
    assert out.returncode == 0, out.stderr
    assert {"web-1", "db-1"} <= {line.split("\t")[1] for line in out.stdout.splitlines()}


@pytest.mark.parametrize("args, code, needle", [
    (["describe-instancez"], 2, "unknown command: describe-instancez (did you mean describe-instances?)"),
    (["describe-instances", "--bogus"], 2, "unknown option --bogus"),
    (["describe-instances", "--filter", "novalue"], 2, "is not a filter (expected NAME=VALUE"),
    (["describe-volumes", "vol-zz"], 2, "is not a volume ID"),
    (["describe-instances", "--output", "yaml"], 2, "must be one of table, json, text, tsv"),
    (["describe-instances", "--output", "json", "--query", "[[["], 2, "--query: '[[[' is not a JMESPath expression"),
    (["--interval", "fast", "describe-instances"], 2, "--interval"),
    (["--eucarc", "/nonexistent/eucarc", "describe-instances"], 2, "/nonexistent/eucarc"),
    # awscli's spellings, misspelt: never a filter named Name, never a half-read list.
    (["describe-volumes", "--filter", "Name=status"], 2, "the filter has no Values (expected Name=NAME,Values="),
    (["describe-volumes", "--filters", "Nmae=status,Values=available"], 2, "unknown key 'Nmae' in a filter"),
    (["describe-volumes", "--filters", "--output", "json"], 2, "--filters needs a value"),
    (["describe-volumes", "--volume-ids", "vol-zz"], 2, "is not a volume ID"),
    (["describe-volumes", "--cli-input-json", "[1]"], 2, "is not a JSON object"),
    (["describe-volumes", "--cli-input-json", '{"VolumeIdz": []}'], 2, 'Unknown parameter in input: "VolumeIdz"'),
    (["describe-volumes", "--max-items", "0"], 2, "must be 1 or more"),
    (["describe-volumes", "--starting-token", "nope"], 2, "is not a NextToken"),
    (["describe-keypairs", "--max-items", "2"], 2, "unknown option --max-items"),
])
def test_bad_input_is_one_line_and_exit_2(cloud, args, code, needle):
    out = cloud.here([*cloud.endpoint_args, *args])
    assert out.returncode == code, (out.stdout, out.stderr)
    assert needle in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""


def test_unreachable_endpoint_is_one_line_exit_1(cloud):
    from cloudshell.cloud.demo import free_port

    out = cloud.here(["--endpoint-url", f"http://127.0.0.1:{free_port()}", "describe-instances"])
    assert out.returncode == 1
    assert "cannot reach the endpoint" in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_an_endpoint_answering_html_is_one_line_exit_1(cloud):
    # A captive portal or a login page answering 200: botocore would parse it as empty.
    import http.server
    import threading

    class Html(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = b"<html><body>Login required</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Html)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        out = cloud.here(["--endpoint-url", f"http://127.0.0.1:{server.server_port}", "describe-instances"])
    finally:
        server.shutdown()
    assert out.returncode == 1
    assert "not the EC2/S3 API" in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_config_masks_the_secret_and_names_sources(cloud):
    env = dict(cloud.env, AWS_SECRET_ACCESS_KEY="s3cr3tKEYvalue0123456789WXYZ", AWS_ACCESS_KEY_ID="AKIDEXAMPLE")
    out = run_here([*cloud.endpoint_args, "config"], env)
    assert out.returncode == 0, out.stderr
    assert "s3cr3tKEYvalue" not in out.stdout and "WXYZ" in out.stdout
    assert "flag --endpoint-url" in out.stdout and "AWS_SECRET_ACCESS_KEY" in out.stdout


def test_max_items_then_starting_token_walks_the_answer_in_steps(seeded):
    cloud, _ = seeded
    every = json.loads(cloud.here([*cloud.endpoint_args, "describe-volumes", "--output", "json", "--query",
                                  "Volumes[].VolumeId"]).stdout)
    first = json.loads(cloud.here([*cloud.endpoint_args, "describe-volumes", "--max-items", "3",
                                  "--output", "json"]).stdout)
    assert [v["VolumeId"] for v in first["Volumes"]] == every[:3] and first["NextToken"]
    out = cloud.here([*cloud.endpoint_args, "describe-volumes", "--max-items", "3", "--starting-token",
                     first["NextToken"], "--output", "json", "--query", "Volumes[].VolumeId"])
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == every[3:6]
