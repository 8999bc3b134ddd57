"""describe-group, fingerprint-key, version and generate-environment-config, one-shot."""

from __future__ import annotations

import hashlib
import json
import subprocess

from clirun import run_here


def shell(cloud, *args: str):
    out = run_here(["--endpoint-url", cloud.url, *args], cloud.env)     # cli.main here, over HTTP
    assert "Traceback" not in out.stderr
    return out


def test_describe_group_is_describe_groups_under_euca2ools_name(cloud):
    gid = cloud.session.call("create_security_group", GroupName="webservers", Description="web")["GroupId"]
    out = shell(cloud, "euca-describe-group", "webservers")
    assert out.returncode == 0, out.stderr
    group = out.stdout.splitlines()[0].split("\t")
    assert group[0] == "GROUP" and group[1] == gid and group[3] == "webservers"
    same = shell(cloud, "euca-describe-groups", "webservers")
    assert out.stdout == same.stdout
    data = json.loads(shell(cloud, "describe-group", gid, "--output", "json").stdout)
    assert [g["GroupName"] for g in data["SecurityGroups"]] == ["webservers"]


def test_fingerprint_key_is_the_sha1_of_the_pkcs8_key_as_openssl_makes_it(cloud, tmp_path):
    # EC2 fingerprints a key it made by the SHA-1 of its PKCS#8 DER (moto's server hashes the public
    # key instead, so its fingerprint cannot be the reference): openssl's own conversion is.
    made = cloud.session.call("create_key_pair", KeyName="mykey")
    key = tmp_path / "mykey.priv"
    key.write_text(made["KeyMaterial"])
    out = shell(cloud, "euca-fingerprint-key", str(key))
    assert out.returncode == 0, out.stderr
    shown = out.stdout.strip()
    assert len(shown.split(":")) == 20 and all(len(p) == 2 for p in shown.split(":"))
    der = subprocess.run(["openssl", "pkcs8", "-in", str(key), "-nocrypt", "-topk8", "-outform", "DER"],
                         capture_output=True, check=True).stdout
    digest = hashlib.sha1(der).hexdigest()
    assert shown == ":".join(digest[i:i + 2] for i in range(0, 40, 2))
    notkey = tmp_path / "readme"
    notkey.write_text("not a key")
    bad = shell(cloud, "fingerprint-key", str(notkey))
    assert bad.returncode == 2 and "not a PEM private key" in bad.stderr and bad.stdout == ""


def test_version(cloud):
    out = shell(cloud, "euca-version")
    assert out.returncode == 0 and out.stdout.startswith("cloudshell ") and "euca2ools 3.4.1" in out.stdout


def test_generate_environment_config_hides_the_secret_unless_asked(cloud):
    env = dict(cloud.env, AWS_SECRET_ACCESS_KEY="s3cr3t-value-123", AWS_ACCESS_KEY_ID="AKIDEXAMPLE")
    out = run_here(["--endpoint-url", cloud.url, "euca-generate-environment-config"], env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert f"EC2_URL={cloud.url}; export EC2_URL;" in lines
    assert "AWS_ACCESS_KEY_ID=AKIDEXAMPLE; export AWS_ACCESS_KEY_ID;" in lines
    assert "s3cr3t" not in out.stdout + out.stderr
    assert "# AWS_SECRET_ACCESS_KEY is set but not shown (add --show-secret to include it)" in lines
    assert not any(x.startswith("#") for x in lines[:3])   # comments last: eval-safe
    simple = run_here(["--endpoint-url", cloud.url, "generate-environment-config", "--simple"], env)
    assert f"EC2_URL={cloud.url}" in simple.stdout.splitlines() and "s3cr3t" not in simple.stdout
    asked = run_here(["--endpoint-url", cloud.url, "generate-environment-config", "--show-secret"], env)
    assert "AWS_SECRET_ACCESS_KEY=s3cr3t-value-123; export AWS_SECRET_ACCESS_KEY;" in asked.stdout.splitlines()
