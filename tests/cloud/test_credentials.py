"""Credentials, config and paths: SSO profiles, where a profile's endpoint comes from, one AssumeRole
per command (counted at moto's STS through the fault proxy), and history/logs in XDG_STATE_HOME."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from clirun import run_cli, run_here
from faultproxy import FaultProxy

from cloudshell.cloud.config import GlobalFlags, resolve
from cloudshell.cloud.session import CloudSession
from cloudshell.cloud.userconfig import migrate_state, state_dir

SSO_CONFIG = """\
[profile legacy]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = Admin
region = us-east-1

[profile modern]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Admin
region = us-east-1

[sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
"""

ROLE_CONFIG = """\
[profile role]
role_arn = arn:aws:iam::123456789012:role/cloudshell-test
source_profile = base
region = us-east-1

[profile base]
aws_access_key_id = AKIDBASEEXAMPLE
aws_secret_access_key = base-secret-example
region = us-east-1
"""


def _profiles_env(cloud, config: str) -> dict[str, str]:
    """The test's environment with ``config`` as ~/.aws/config and no keys of its own."""
    Path(cloud.env["AWS_CONFIG_FILE"]).write_text(config)
    env = dict(cloud.env)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        env.pop(name)
    return env


@pytest.mark.parametrize("profile", ["legacy", "modern"])
def test_sso_profile_without_a_token_says_to_log_in(cloud, profile):
    env = _profiles_env(cloud, SSO_CONFIG)
    assert not (Path(env["HOME"]) / ".aws" / "sso" / "cache").exists()
    done = run_here(["--profile", profile, *cloud.endpoint_args, "describe-volumes"], env)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        f"cloudshell: profile {profile} has no valid SSO login (missing or expired): "
        f"run `aws sso login --profile {profile}`"]
    done = run_here(["describe-volumes"], {**env, "AWS_PROFILE": profile, "AWS_ENDPOINT_URL_EC2": cloud.url})
    assert done.returncode == 2 and f"run `aws sso login --profile {profile}`" in done.stderr


ENDPOINT_CONFIG = """\
[profile plain]
endpoint_url = {url}
aws_access_key_id = AKIDPLAINEXAMPLE
aws_secret_access_key = plain-secret-example
region = us-east-1

[profile grouped]
services = here
aws_access_key_id = AKIDGROUPEXAMPLE
aws_secret_access_key = group-secret-example
region = us-east-1

[services here]
ec2 =
  endpoint_url = {url}
s3 =
  endpoint_url = {url}/
"""


def _config_rows(done) -> dict[str, dict[str, str]]:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_config_names_where_the_endpoint_comes_from_and_the_files(seeded):
    cloud, facts = seeded
    env = _profiles_env(cloud, ENDPOINT_CONFIG.format(url=cloud.url))
    path = env["AWS_CONFIG_FILE"]
    rows = _config_rows(run_here(["--profile", "plain", "config", "--output", "json"], env))
    assert rows["endpoint_url"] == {"Value": cloud.url, "Source": f"profile plain endpoint_url ({path})"}
    assert {"What": "aws config", "Path": path} in rows["files"]
    rows = _config_rows(run_here(["--profile", "grouped", "config", "--output", "json"], env))
    assert rows["endpoint_url"] == {"Value": cloud.url,
                                    "Source": f"profile grouped [services here] ec2 endpoint_url ({path})"}
    assert rows["s3_endpoint_url"]["Source"] == f"profile grouped [services here] s3 endpoint_url ({path})"
    # The environment and the flag outrank the profile's file, and say so.
    rows = _config_rows(run_here(["--profile", "plain", "config", "--output", "json"],
                                 {**env, "AWS_ENDPOINT_URL_EC2": "http://127.0.0.1:9"}))
    assert rows["endpoint_url"] == {"Value": "http://127.0.0.1:9", "Source": "env AWS_ENDPOINT_URL_EC2"}
    rows = _config_rows(run_here(["--profile", "plain", "--endpoint-url", "http://127.0.0.1:8", "config",
                                 "--output", "json"], env))
    assert rows["endpoint_url"] == {"Value": "http://127.0.0.1:8", "Source": "flag --endpoint-url"}
    table = run_here(["--profile", "grouped", "config", "--output", "table"], env)
    assert f"aws config         {path}" in table.stdout and "cloudshell config" in table.stdout
    # ...and the endpoint named in the profile is the one used.
    done = run_here(["--profile", "grouped", "describe-volumes", "--output", "json"], env)
    assert done.returncode == 0, done.stderr
    assert {v.id for v in facts.volumes} <= {v["VolumeId"] for v in json.loads(done.stdout)["Volumes"]}


def test_one_assume_role_per_command(cloud, monkeypatch):
    env = _profiles_env(cloud, ROLE_CONFIG)
    with FaultProxy(cloud.url) as sts:
        env["AWS_ENDPOINT_URL_STS"] = sts.url
        done = run_here(["--profile", "role", *cloud.endpoint_args, "describe-volumes", "--output", "json"], env)
        assert done.returncode == 0 and json.loads(done.stdout) == {"Volumes": []}, done.stderr
        assert sts.count("AssumeRole") == 1
        config = _config_rows(run_here(["--profile", "role", *cloud.endpoint_args, "config", "--output", "json"],
                                       env))
        assert config["access_key"]["Source"] == "boto3 profile role (assume-role)"
        assert sts.count("AssumeRole") == 2
        # In one process, the EC2 and the S3 client both sign with that one role session.
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            monkeypatch.delenv(name, raising=False)
        session = CloudSession(resolve(GlobalFlags(profile="role", endpoint_url=cloud.url)).endpoint())
        try:
            session.call("describe_volumes")
            session.call("list_buckets", service="s3")
        finally:
            session.close()
        assert sts.count("AssumeRole") == 3


def test_history_and_logs_move_to_the_state_folder_once(tmp_path, monkeypatch, capsys):
    data, state = tmp_path / "data", tmp_path / "state"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    old = data / "cloudshell"
    old.mkdir(parents=True)
    (old / "history").write_text("\n# 2026-01-01\n+describe-volumes\n")
    (old / "cloudshell.log").write_text("old log\n")
    (old / "other").write_text("not ours to move\n")
    assert state_dir() == state / "cloudshell"
    assert (state / "cloudshell" / "history").read_text().endswith("+describe-volumes\n")
    assert (state / "cloudshell" / "cloudshell.log").read_text() == "old log\n"
    assert not (old / "history").exists() and not (old / "cloudshell.log").exists()   # moved, not copied
    assert (old / "other").exists()
    assert capsys.readouterr().err.splitlines() == [
        f"cloudshell: moved history, cloudshell.log from {old} to {state / 'cloudshell'} (the XDG state folder)"]
    state_dir()
    assert capsys.readouterr().err == ""                                           # once
    # A newer file in the state folder is never overwritten by an old one left behind.
    (old / "history").write_text("stale\n")
    assert migrate_state(old, state / "cloudshell") == []
    assert (state / "cloudshell" / "history").read_text().endswith("+describe-volumes\n")


def test_the_repl_keeps_history_in_the_state_folder(cloud):
    done = run_cli([*cloud.endpoint_args, "repl"], cloud.env, input="describe-volumes\nexit\n")
    assert done.returncode == 0, done.stderr
    history = Path(cloud.env["XDG_STATE_HOME"]) / "cloudshell" / "history"
    assert "describe-volumes" in history.read_text()
    assert stat.S_IMODE(history.stat().st_mode) == 0o600
    assert not (Path(cloud.env["XDG_DATA_HOME"]) / "cloudshell" / "history").exists()
