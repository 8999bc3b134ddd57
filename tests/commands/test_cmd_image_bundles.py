"""bundle-and-upload-image and download-and-unbundle against moto's S3: the image comes back
byte for byte, nothing is left on the local disk, and a failed upload names the kept bundle."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from clirun import run_here
from faultproxy import FaultProxy

from cloudshell.cloud.bundle.keys import make_demo_credentials


def _cli(cloud, *args: str, env: dict | None = None, url: str | None = None):
    out = run_here(["--endpoint-url", url or cloud.url, *args], env or cloud.env)
    assert "Traceback" not in out.stderr
    return out


def _bundle_dirs(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.iterdir() if p.name.startswith("cloudshell-bundle-"))


def test_bundle_and_upload_then_download_and_unbundle(cloud, tmp_path):
    creds = make_demo_credentials(tmp_path / "creds")
    image = tmp_path / "disk.img"
    image.write_bytes(os.urandom(300_000))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(cloud.env, TMPDIR=str(scratch))
    cloud.session.call("create_bucket", service="s3", Bucket="images")
    out = _cli(cloud, "euca-bundle-and-upload-image", "-i", str(image), "-r", "x86_64", "-b", "images/team",
               "-c", str(creds.user_cert), "-k", str(creds.user_key), "--ec2cert", str(creds.cloud_cert),
               "-u", "123456789012", "--output", "json", env=env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["ManifestLocation"] == "images/team/disk.img.manifest.xml"
    keys = sorted(o["Key"] for o in cloud.session.call("list_objects_v2", service="s3", Bucket="images")["Contents"])
    assert keys == ["team/disk.img.manifest.xml", "team/disk.img.part.00"]
    assert _bundle_dirs(scratch) == []   # the local bundle is gone

    restored = tmp_path / "restored"
    restored.mkdir()
    out = _cli(cloud, "euca-download-and-unbundle", "-b", "images/team", "-p", "disk.img", "-d", str(restored),
               "-k", str(creds.user_key), "-c", str(creds.user_cert), env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"Wrote\t{restored / 'disk.img'}\n"
    assert (restored / "disk.img").read_bytes() == image.read_bytes()
    assert _bundle_dirs(scratch) == []


def test_a_failed_upload_keeps_the_bundle_and_says_where(cloud, tmp_path):
    creds = make_demo_credentials(tmp_path / "creds")
    image = tmp_path / "disk.img"
    image.write_bytes(os.urandom(50_000))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(cloud.env, TMPDIR=str(scratch))
    cloud.session.call("create_bucket", service="s3", Bucket="locked")
    with FaultProxy(cloud.url) as proxy:
        proxy.inject("error", action="PUT /locked/disk.img.part.00", status=403, code="AccessDenied",
                     message="Access Denied")
        out = _cli(cloud, "bundle-and-upload-image", "-i", str(image), "-b", "locked",
                   "-c", str(creds.user_cert), "-k", str(creds.user_key), "--ec2cert", str(creds.cloud_cert),
                   "-u", "123456789012", env=env, url=proxy.url)
    assert out.returncode != 0 and len(out.stderr.strip().splitlines()) == 1
    kept = _bundle_dirs(scratch)
    assert len(kept) == 1 and f"the bundle is kept in {scratch / kept[0]}" in out.stderr
    assert "upload-bundle -b locked -m" in out.stderr
    bad = _cli(cloud, "bundle-and-upload-image", "-i", str(image), env=env)
    assert bad.returncode == 2 and "missing -b" in bad.stderr
    assert tempfile.gettempdir()  # the test's own temp dir is untouched by the command


def test_unbundle_stream_from_stdin_to_stdout(cloud, tmp_path):
    import subprocess
    import sys

    from cloudshell.cloud.bundle import keys
    from cloudshell.cloud.bundle.manifest import read_manifest

    creds = make_demo_credentials(tmp_path / "creds")
    image = tmp_path / "disk.img"
    image.write_bytes(os.urandom(200_000) + bytes(100_000))
    out = _cli(cloud, "bundle-image", "-i", str(image), "-d", str(tmp_path / "b"), "-c", str(creds.user_cert),
               "-k", str(creds.user_key), "--ec2cert", str(creds.cloud_cert), "-u", "123456789012")
    assert out.returncode == 0, out.stderr
    manifest = read_manifest(tmp_path / "b" / "disk.img.manifest.xml")
    private = keys.load_private_key(creds.user_key)
    key = keys.decrypt_hex(private, manifest.user_encrypted_key)
    iv = keys.decrypt_hex(private, manifest.user_encrypted_iv)
    stream = b"".join((tmp_path / "b" / p.filename).read_bytes() for p in manifest.parts)
    argv = [sys.executable, "-m", "cloudshell", "--endpoint-url", cloud.url, "euca-unbundle-stream",
            "--enc-key", key, "--enc-iv", iv, "--image-size", str(manifest.size), "--sha1-digest", manifest.digest]
    done = subprocess.run(argv, input=stream, capture_output=True, env=cloud.env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == image.read_bytes()
    bad = subprocess.run(argv[:-1] + ["0" * 40], input=stream, capture_output=True, env=cloud.env, timeout=60,
                         check=False)
    assert bad.returncode != 0 and b"differs from --sha1-digest" in bad.stderr
    target = tmp_path / "restored.img"
    joined = tmp_path / "joined.bin"
    joined.write_bytes(stream)
    done = subprocess.run([*argv[:5], "unbundle-stream", "-i", str(joined), "-o", str(target), *argv[6:]],
                          capture_output=True, env=cloud.env, timeout=60, check=False)
    assert done.returncode == 0 and target.read_bytes() == image.read_bytes(), done.stderr
    again = subprocess.run([*argv[:5], "unbundle-stream", "-i", str(joined), "-o", str(target), *argv[6:]],
                           capture_output=True, env=cloud.env, timeout=60, check=False)
    assert again.returncode == 2 and b"already exists" in again.stderr
    cut = subprocess.run(argv, input=stream[:-100], capture_output=True, env=cloud.env, timeout=60, check=False)
    assert cut.returncode != 0 and len(cut.stderr.decode().strip().splitlines()) == 1
    short = subprocess.run([*argv[:5], "unbundle-stream", "--enc-key", "abc", "--enc-iv", iv], input=b"",
                           capture_output=True, env=cloud.env, timeout=60, check=False)
    assert short.returncode == 2 and b"32 hex digits" in short.stderr


def test_install_image_bundles_uploads_and_registers(cloud, tmp_path):
    creds = make_demo_credentials(tmp_path / "creds")
    image = tmp_path / "centos.img"
    image.write_bytes(os.urandom(80_000))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(cloud.env, TMPDIR=str(scratch))
    out = _cli(cloud, "euca-install-image", "-i", str(image), "-r", "x86_64", "-b", "installed", "-n", "centos-7",
               "--description", "installed in one step", "-c", str(creds.user_cert), "-k", str(creds.user_key),
               "--ec2cert", str(creds.cloud_cert), "-u", "123456789012", env=env)
    assert out.returncode == 0, out.stderr
    word, new = out.stdout.strip().split("\t")
    assert word == "IMAGE" and new.startswith("ami-")
    seen = cloud.session.call("describe_images", ImageIds=[new])["Images"][0]
    assert (seen["Name"], seen["Description"]) == ("centos-7", "installed in one step")
    keys = sorted(o["Key"] for o in cloud.session.call("list_objects_v2", service="s3", Bucket="installed")["Contents"])
    assert keys == ["centos.img.manifest.xml", "centos.img.part.00"]
    assert _bundle_dirs(scratch) == []
    bad = _cli(cloud, "install-image", "-i", str(image), "-b", "installed", env=env)
    assert bad.returncode == 2 and "missing -n" in bad.stderr
