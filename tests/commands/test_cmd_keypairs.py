"""Keypair commands, one-shot against moto's server, cross-checked with the awscli program.

The private key is a secret: it lands in a new 0600 file, and on stdout only when
a script asks for awscli's answer (--output json/text: its KeyMaterial), never in
the table or tsv forms, never on stderr.
"""

from __future__ import annotations

import json
import stat
import subprocess

from clirun import run_here
from cloud_checks import aws


def shell(cloud, *args: str, cwd=None):
    out = run_here([*cloud.endpoint_args, *args], cloud.env, cwd=cwd or cloud.tmp_path)     # cli.main here
    assert "Traceback" not in out.stderr
    return out


def key_names(cloud) -> set[str]:
    return {k["KeyName"] for k in cloud.session.call("describe_key_pairs")["KeyPairs"]}


def test_create_writes_the_key_to_a_new_private_file_and_never_prints_it(cloud):
    work = cloud.tmp_path / "work"
    work.mkdir()
    out = shell(cloud, "euca-add-keypair", "ops", "--output", "tsv", cwd=work)
    assert out.returncode == 0, out.stderr
    pem = work / "ops.pem"
    body = pem.read_text()
    assert body.startswith("-----BEGIN") and "PRIVATE KEY-----" in body
    assert stat.S_IMODE(pem.stat().st_mode) == 0o600
    secret_line = body.splitlines()[1]
    assert secret_line not in out.stdout + out.stderr and "PRIVATE KEY" not in out.stdout + out.stderr
    fingerprint = aws(cloud, "ec2", "describe-key-pairs", "--key-names", "ops")["KeyPairs"][0]["KeyFingerprint"]
    assert {fingerprint, "ops"} <= set(out.stdout.strip().split("\t"))   # the answer, less the key

    # awscli's answer, for scripts: KeyMaterial, as awscli prints it; the file is written all the same.
    out = shell(cloud, "create-keypair", "ci", "--output", "json", cwd=work)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert "KeyFile" not in data and data["KeyMaterial"].strip() == (work / "ci.pem").read_text().strip()
    assert "PRIVATE KEY" not in out.stderr
    seen = aws(cloud, "ec2", "describe-key-pairs", "--key-names", "ci")["KeyPairs"][0]
    assert seen["KeyFingerprint"] == data["KeyFingerprint"]

    # -f FILE, with the 3.x spelling; an existing file is never overwritten and nothing is created.
    target = cloud.tmp_path / "keys.pem"
    out = shell(cloud, "create-keypair", "-f", str(target), "deploy", "--output", "table")
    assert out.returncode == 0 and f"private key in {target} (mode 0600)" in out.stdout
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    before = target.read_bytes()
    out = shell(cloud, "create-keypair", "-f", str(target), "other")
    assert out.returncode == 2 and "exists already: refusing to overwrite" in out.stderr
    assert target.read_bytes() == before and key_names(cloud) == {"ops", "ci", "deploy"}


def test_import_seen_by_awscli_and_delete(cloud):
    key = cloud.tmp_path / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "me@jump", "-f", str(key)], check=True)
    out = shell(cloud, "euca-import-keypair", "-f", f"{key}.pub", "laptop", "--output", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["KeyName"] == "laptop"
    seen = aws(cloud, "ec2", "describe-key-pairs", "--key-names", "laptop")["KeyPairs"][0]
    assert seen["KeyFingerprint"] == json.loads(out.stdout)["KeyFingerprint"]

    out = shell(cloud, "delete-keypair", "laptop", "--yes", "--output", "table")
    assert out.returncode == 0 and "deleted keypair laptop" in out.stdout
    assert "laptop" not in key_names(cloud)


def test_what_awscli_does_cloudshell_shows_and_acts_on(cloud):
    made = aws(cloud, "ec2", "create-key-pair", "--key-name", "from-aws")
    out = shell(cloud, "describe-keypairs", "--output", "json")
    shown = {k["KeyName"]: k for k in json.loads(out.stdout)["KeyPairs"]}
    assert shown["from-aws"]["KeyFingerprint"] == made["KeyFingerprint"]
    out = shell(cloud, "euca-delete-keypair", "from-aws", "--yes")
    assert out.returncode == 0, out.stderr
    assert key_names(cloud) == set()
