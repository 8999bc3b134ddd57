"""The bundle commands as a user runs them: ``python -m cloudshell --endpoint-url URL …`` against
moto's S3 and EC2 (bundle-image → upload-bundle → register → describe-images → download-bundle →
unbundle → delete-bundle), resuming an interrupted upload, refusing bad input, --read-only and
--dry-run; the whole chain once through ``--demo`` itself; and progress in every face.

Requests are counted by a loopback fault proxy in front of moto where "nothing was sent" matters.
"""

from __future__ import annotations

import hashlib
import json
import os
import pty
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, isolated_env
from faultproxy import FaultProxy

from clirun import run_cli, run_here
from cloudshell.cloud.bundle import bundle_image, make_demo_credentials, read_manifest, upload_bundle
from cloudshell.cloud.demo import IMAGE_TYPE_TAG

ACCOUNT = "123456789012"
NOWHERE = "http://127.0.0.1:9"   # bundle-image and unbundle are local: no endpoint needed
IMAGE_SIZE = 10 * 1024 * 1024 + 300_000   # incompressible: two parts (10 MiB + the rest)


# -- fixtures ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def creds(tmp_path_factory):
    return make_demo_credentials(tmp_path_factory.mktemp("creds"))


@pytest.fixture(scope="module")
def bundled(tmp_path_factory, creds):
    """An image bundled by ``cloudshell bundle-image`` (run once): (image, manifest, the run)."""
    folder = tmp_path_factory.mktemp("bundled")
    image = folder / "disk.img"
    image.write_bytes(random.Random(6).randbytes(IMAGE_SIZE))
    env = isolated_env(folder / "env")
    run = run_here(["--endpoint-url", NOWHERE, "euca-bundle-image", "-i", str(image), "-d", str(folder / "out"),
                    "-r", "x86_64", "-c", str(creds.user_cert), "-k", str(creds.user_key),
                    "--ec2cert", str(creds.cloud_cert), "-u", "1234-5678-9012", "--output", "table"], env)
    return image, folder / "out" / "disk.img.manifest.xml", run


def _creds_args(creds) -> list[str]:
    return ["-c", str(creds.user_cert), "-k", str(creds.user_key), "--ec2cert", str(creds.cloud_cert),
            "-u", ACCOUNT]


def _cli(cloud, *args: str, url: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return run_here(["--endpoint-url", url or cloud.url, *args], env or cloud.env)


def _ok(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def _keys(cloud, bucket: str) -> list[str]:
    found = cloud.session.call("list_objects_v2", service="s3", Bucket=bucket)
    return sorted(o["Key"] for o in found.get("Contents") or ())


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def _object(cloud, bucket: str, key: str) -> bytes:
    body = cloud.session.call("get_object", service="s3", Bucket=bucket, Key=key)["Body"]
    try:
        return body.read()
    finally:
        body.close()


# -- the chain -----------------------------------------------------------------------------------
def test_bundle_image_is_local_and_writes_parts_and_a_signed_manifest(bundled):
    image, manifest_path, run = bundled
    assert run.returncode == 0, run.stderr
    manifest = read_manifest(manifest_path)
    assert run.stdout.splitlines() == [
        f"bundled disk.img (10.3 MiB) into 2 parts ({manifest.bundled_size / 2**20:.1f} MiB) "
        f"in {manifest_path.parent}",
        f"wrote manifest {manifest_path}",
        f"next: upload-bundle -b BUCKET -m {manifest_path}"]
    assert run.stderr == ""   # stderr is not a terminal: no progress bars in the way
    assert (manifest.arch, manifest.user, manifest.image_type, manifest.size) == \
        ("x86_64", ACCOUNT, "machine", IMAGE_SIZE)
    assert manifest.part_names == ["disk.img.part.00", "disk.img.part.01"]
    assert (manifest_path.parent / "disk.img.part.00").stat().st_size == 10 * 1024 * 1024


def test_upload_register_describe_download_unbundle_delete(cloud, bundled, creds, tmp_path):
    image, manifest_path, _ = bundled
    # Something else in the bucket, which delete-bundle must leave alone.
    cloud.session.call("create_bucket", service="s3", Bucket="images")
    cloud.session.call("put_object", service="s3", Bucket="images", Key="team/other.img.part.00", Body=b"x")
    cloud.session.call("put_object", service="s3", Bucket="images", Key="notes.txt", Body=b"keep")

    up = json.loads(_ok(_cli(cloud, "upload-bundle", "-b", "images/team", "-m", str(manifest_path),
                             "--output", "json")))
    bundle_keys = ["team/disk.img.manifest.xml", "team/disk.img.part.00", "team/disk.img.part.01"]
    assert up == {"ManifestLocation": "images/team/disk.img.manifest.xml", "Skipped": [],
                  "Uploaded": ["team/disk.img.part.00", "team/disk.img.part.01", "team/disk.img.manifest.xml"]}
    assert _keys(cloud, "images") == sorted([*bundle_keys, "notes.txt", "team/other.img.part.00"])
    for key in bundle_keys:
        assert _object(cloud, "images", key) == (manifest_path.parent / key.split("/")[1]).read_bytes()
    grants = cloud.session.call("get_object_acl", service="s3", Bucket="images",
                                Key="team/disk.img.part.00")["Grants"]
    assert len(grants) >= 1   # aws-exec-read: the owner, and the cloud may read it to register

    out = _ok(_cli(cloud, "euca-register", "images/team/disk.img.manifest.xml", "-n", "my-disk", "-a", "x86_64",
                   "--output", "table"))
    new = re.search(r"registered (ami-[0-9a-f]+) \(my-disk\) from images/team/disk.img.manifest.xml", out)
    assert new, out
    seen = json.loads(_ok(_cli(cloud, "describe-images", "--output", "json")))
    image_rec = {i["ImageId"]: i for i in seen["Images"]}[new[1]]
    assert (image_rec["Name"], image_rec["State"]) == ("my-disk", "available")   # moto keeps no ImageLocation

    dl = tmp_path / "dl"
    out = _ok(_cli(cloud, "download-bundle", "-b", "images/team", "-p", "disk.img", "-d", str(dl),
                   "--output", "table"))
    assert f"downloaded disk.img: 2 parts" in out and f"restore it with: unbundle -m {dl}" in out
    for name in ("disk.img.manifest.xml", "disk.img.part.00", "disk.img.part.01"):
        assert (dl / name).read_bytes() == (manifest_path.parent / name).read_bytes()

    restored = tmp_path / "restored"
    out = _ok(_cli(cloud, "unbundle", "-m", str(dl / "disk.img.manifest.xml"), "-d", str(restored),
                   "-k", str(creds.user_key), "--output", "table", url=NOWHERE))
    assert "2 parts, the signature and the image digest verified" in out
    assert (restored / "disk.img").read_bytes() == image.read_bytes()
    # A second unbundle into the same folder would overwrite: refused, file untouched.
    again = _cli(cloud, "unbundle", "-m", str(dl / "disk.img.manifest.xml"), "-d", str(restored),
                 "-k", str(creds.user_key), url=NOWHERE)
    assert again.returncode == 1 and "already exists" in again.stderr
    assert len(again.stderr.splitlines()) == 1

    # Destructive: without a terminal and without --yes, nothing is deleted.
    no = _cli(cloud, "delete-bundle", "-b", "images/team", "-p", "disk.img")
    assert no.returncode == 1 and "not confirmed, nothing was sent" in no.stderr
    assert len(_keys(cloud, "images")) == 5
    out = _ok(_cli(cloud, "euca-delete-bundle", "-b", "images/team", "-p", "disk.img", "--clear", "--yes",
                   "--output", "table"))
    assert "deleted 3 objects from s3://images/team/" in out and "still holds other objects" in out
    assert _keys(cloud, "images") == ["notes.txt", "team/other.img.part.00"]


def test_kernel_bundle_registers_as_a_kernel_and_delete_by_local_manifest(cloud, creds, tmp_path):
    kernel = tmp_path / "vmlinuz"
    kernel.write_bytes(os.urandom(50_000))
    result = bundle_image(kernel, tmp_path / "b", None, "x86_64", creds.user_cert, creds.user_key,
                          creds.cloud_cert, ACCOUNT, image_type="kernel")
    upload_bundle(cloud.session, "kernels", "", result.manifest_path)
    new = json.loads(_ok(_cli(cloud, "register", "kernels/vmlinuz.manifest.xml", "--output", "json")))["ImageId"]
    shown = _ok(_cli(cloud, "describe-images", new, "--output", "tsv"))
    assert "kernel" in shown.split("\t")
    tags = cloud.session.call("describe_images", ImageIds=[new])["Images"][0].get("Tags") or []
    assert {"Key": IMAGE_TYPE_TAG, "Value": "kernel"} in tags or "kernel" in shown

    out = _ok(_cli(cloud, "delete-bundle", "-b", "kernels", "-m", str(result.manifest_path), "--clear",
                   "--yes", "--output", "json"))
    assert json.loads(out) == {"Bucket": "kernels", "BucketRemoved": True, "Signature": "UNSIGNED",
                               "Deleted": ["vmlinuz.part.00", "vmlinuz.manifest.xml"]}
    names = [b["Name"] for b in cloud.session.call("list_buckets", service="s3").get("Buckets", [])]
    assert "kernels" not in names


def test_interrupted_upload_resumes_without_resending_finished_parts(cloud, bundled):
    _, manifest_path, _ = bundled
    # Versioning keeps every PUT of a key: a part sent twice would show two versions.
    cloud.session.call("create_bucket", service="s3", Bucket="resume")
    cloud.session.call("put_bucket_versioning", service="s3", Bucket="resume",
                       VersioningConfiguration={"Status": "Enabled"})
    with FaultProxy(cloud.url) as proxy:
        proxy.inject("reset", action="PUT /resume/disk.img.part.01")   # the link drops on part 2, always
        cut = _cli(cloud, "upload-bundle", "-b", "resume", "-m", str(manifest_path), url=proxy.url)
        assert cut.returncode == 1 and cut.stdout == ""
        assert len(cut.stderr.splitlines()) == 1, cut.stderr
        assert "run the same upload-bundle again to resume" in cut.stderr
        assert _keys(cloud, "resume") == ["disk.img.part.00"]   # no manifest: an incomplete bundle
        assert proxy.count("PUT /resume/disk.img.part.00") == 1

    out = _ok(_cli(cloud, "upload-bundle", "-b", "resume", "-m", str(manifest_path), "--output", "table"))
    assert "skipped 1 part already uploaded with the same size and digest: disk.img.part.00" in out
    assert "uploaded 1 part and the manifest to s3://resume/" in out
    versions = cloud.session.call("list_object_versions", service="s3", Bucket="resume")["Versions"]
    assert sorted(v["Key"] for v in versions) == ["disk.img.manifest.xml", "disk.img.part.00",
                                                  "disk.img.part.01"]   # part 00 was never sent again
    assert _keys(cloud, "resume") == ["disk.img.manifest.xml", "disk.img.part.00", "disk.img.part.01"]
    manifest = read_manifest(manifest_path)
    for part in manifest.parts:
        assert _sha1(_object(cloud, "resume", part.filename)) == part.digest


# -- refusals ------------------------------------------------------------------------------------
def _malformed_cases(image: Path, manifest: Path, creds, tmp: Path) -> list[tuple[list[str], str]]:
    garbage = tmp / "garbage.manifest.xml"
    garbage.write_text("<manifest><oops/>")
    lonely = tmp / "lonely"
    lonely.mkdir()
    (lonely / "disk.img.manifest.xml").write_bytes(manifest.read_bytes())   # its parts are elsewhere
    cert_args = _creds_args(creds)
    return [
        (["bundle-image", *cert_args], "missing -i FILE"),
        (["bundle-image", "-i", str(tmp / "missing.img"), *cert_args], "no such file"),
        (["bundle-image", "-i", str(image), "-r", "sparc", *cert_args], "-r must be one of i386, x86_64"),
        (["bundle-image", "-i", str(image), "--image-type", "kernel", "--kernel", "eki-1a2b3c4d", *cert_args],
         "a kernel image boots nothing"),
        (["bundle-image", "-i", str(image), "--kernel", "true", "--ramdisk", "true", *cert_args],
         "--kernel true and --ramdisk true exclude each other"),
        (["bundle-image", "-i", str(image), "-u", "12ab"], "'12ab' is not an account ID"),
        (["bundle-image", "-i", str(image), "-u", ACCOUNT], "no user certificate: give -c CERT or set EC2_CERT"),
        (["bundle-image", "-i", str(image), "-c", str(creds.user_key), "-k", str(creds.user_key),
          "--ec2cert", str(creds.cloud_cert), "-u", ACCOUNT], "is not a PEM X.509 certificate"),
        (["bundle-image", "-i", str(image), "-c", str(creds.cloud_cert), "-k", str(creds.user_key),
          "--ec2cert", str(creds.cloud_cert), "-u", ACCOUNT], "does not belong to the certificate"),
        (["bundle-image", "-i", str(image), "-d", str(image), *cert_args], "is a file, not a folder"),
        (["upload-bundle", "-b", "Bad Bucket!", "-m", str(manifest)], "'Bad Bucket!' is not a bucket"),
        (["upload-bundle", "-b", "bucket/../etc", "-m", str(manifest)], "must be plain names"),
        (["upload-bundle", "-b", "bucket", "-m", str(image)], "is not a bundle manifest"),
        (["upload-bundle", "-b", "bucket", "-m", str(garbage)], "garbage.manifest.xml"),
        (["upload-bundle", "-b", "bucket", "-m", str(lonely / "disk.img.manifest.xml")],
         "part disk.img.part.00 and 1 more not found"),
        (["euca-upload-bundle", "-m", str(manifest)], "missing -b BUCKET[/PREFIX]"),
        (["download-bundle", "-b", "bucket", "-p", "a/b"], "'a/b' is not a bundle prefix"),
        (["delete-bundle", "-b", "bucket", "-p", "a.img", "-m", "b.img.manifest.xml", "--yes"],
         "give -p PREFIX or -m MANIFEST, not both"),
        (["delete-bundle", "-b", "bucket", "-m", "notes.txt", "--yes"], "is not a manifest"),
        (["unbundle", "-m", str(manifest), "-s", str(tmp / "nowhere"), "-k", str(creds.user_key)],
         "no such folder"),
        (["unbundle", "-m", str(manifest)], "no private key: give -k PRIVKEY or set EC2_PRIVATE_KEY"),
        (["unbundle", "-m", str(manifest), "-k", str(creds.user_cert)], "is not a PEM RSA private key"),
    ]


def test_malformed_invocations_exit_2_with_one_line_and_send_nothing(cloud, bundled, creds, tmp_path):
    image, manifest, _ = bundled
    cases = _malformed_cases(image, manifest, creds, tmp_path)
    assert len(cases) >= 10
    scratch = tmp_path / "tmpdir"   # where bundle-image would write without -d
    scratch.mkdir()
    env = dict(cloud.env, TMPDIR=str(scratch))
    with FaultProxy(cloud.url) as proxy:
        runs = [_cli(cloud, *args, url=proxy.url, env=env) for args, _ in cases]
        assert proxy.hits() == []   # not one request reached the endpoint
    for (args, expected), done in zip(cases, runs):
        assert done.returncode == 2, (args, done.returncode, done.stderr)
        assert done.stdout == "", (args, done.stdout)
        assert len(done.stderr.splitlines()) == 1 and expected in done.stderr, (args, done.stderr)
    assert cloud.session.call("list_buckets", service="s3").get("Buckets", []) == []
    assert list(scratch.iterdir()) == []   # and nothing was written


def test_read_only_refuses_upload_register_delete_and_dry_run_sends_nothing(cloud, bundled, creds, tmp_path):
    _, manifest, _ = bundled
    with FaultProxy(cloud.url) as proxy:
        for args in (["upload-bundle", "-b", "images", "-m", str(manifest)],
                     ["register", "images/disk.img.manifest.xml", "-n", "my-disk"],
                     ["delete-bundle", "-b", "images", "-p", "disk.img", "--yes"]):
            done = _cli(cloud, "--read-only", *args, url=proxy.url)
            assert done.returncode == 1, (args, done.stderr)
            assert done.stderr.strip() == f"cloudshell: {args[0]}: refused, cloudshell runs --read-only " \
                                          "(nothing was sent)"
        dry = _cli(cloud, "upload-bundle", "-b", "images/team", "-m", str(manifest), "--dry-run",
                   "--output", "table", url=proxy.url)
        assert _ok(dry).startswith("dry run: upload-bundle would upload 2 parts (")
        assert "to s3://images/team/ with ACL aws-exec-read; S3 has no DryRun: nothing was sent" in dry.stdout
        assert proxy.hits() == []
        # bundle-image is local: allowed under --read-only; with --dry-run it writes nothing either.
        dry = _cli(cloud, "--read-only", "bundle-image", "-i", str(manifest.parent / "disk.img.part.01"),
                   "-d", str(tmp_path / "never"), *_creds_args(creds), "--dry-run", url=proxy.url)
        assert "nothing was written" in _ok(dry) and not (tmp_path / "never").exists()
        assert proxy.hits() == []
    assert cloud.session.call("list_buckets", service="s3").get("Buckets", []) == []

    upload_bundle(cloud.session, "images", "", manifest)
    before = _keys(cloud, "images")
    out = _ok(_cli(cloud, "delete-bundle", "-b", "images", "-p", "disk.img", "--dry-run", "--output", "table"))
    assert out.strip() == ("dry run: delete-bundle would delete 3 objects from s3://images/ (disk.img.part.00, "
                           "disk.img.part.01, disk.img.manifest.xml); S3 has no DryRun: nothing was deleted")
    assert _keys(cloud, "images") == before


# -- the whole chain through --demo ----------------------------------------------------------------
def test_demo_alone_bundles_uploads_registers_and_describes(tmp_path):
    image = tmp_path / "tiny.img"
    image.write_bytes(random.Random(1).randbytes(300_000))
    lines = ["config --output json",
             f"bundle-image -i {image} -d {tmp_path / 'b'}",
             f"upload-bundle -b demo-images -m {tmp_path / 'b' / 'tiny.img.manifest.xml'}",
             "register demo-images/tiny.img.manifest.xml -n tiny-disk",
             "describe-images --filter name=tiny-disk --output json",
             "exit"]
    env = isolated_env(tmp_path / "env", {"TERM": "dumb"})
    done = run_cli(["--demo", "repl"], env, input="\n".join(lines) + "\n", timeout=120)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "bundled tiny.img" in out and "uploaded 1 part and the manifest to s3://demo-images/" in out
    registered = re.search(r"registered (ami-[0-9a-f]+) \(tiny-disk\) from demo-images/tiny.img.manifest.xml", out)
    assert registered, out[-3000:]
    assert f'"ImageId": "{registered[1]}"' in out and '"Name": "tiny-disk"' in out
    cert = re.search(r'"cert": \{\s*"Value": "([^"]+)",\s*"Source": "demo"', out)
    assert cert, out[:3000]
    assert re.search(r'"user_id": \{\s*"Value": "123456789012"', out)
    folder = Path(cert[1]).parent
    assert folder.name.startswith("cloudshell-demo-")
    assert not folder.exists()   # the demo's keys went with it


# -- progress in every face -------------------------------------------------------------------------
def test_one_shot_draws_progress_bars_when_stderr_is_a_terminal(bundled, creds, tmp_path):
    image, _, _ = bundled
    master, slave = pty.openpty()
    env = isolated_env(tmp_path / "env", {"TERM": "xterm-256color", "COLUMNS": "100"})
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "cloudshell", "--endpoint-url", NOWHERE, "bundle-image",
                             "-i", str(image), "-d", str(tmp_path / "b"), *_creds_args(creds)],
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
                            cwd=ROOT)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            chunk = os.read(master, 65536)
        except OSError:   # the child closed its end
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0
    text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", seen).decode("utf-8", "replace")
    assert "bundle" in text and "100%" in text and "10.3/10.3 MiB" in text
    assert b"\x1b[" not in out   # the result on stdout (a pipe) stays plain: text, the manifest first
    assert out.decode().startswith(f"{tmp_path / 'b' / 'disk.img.manifest.xml'}\t{IMAGE_SIZE}\t")


def test_repl_draws_progress_bars_on_its_terminal(cloud, bundled, creds, tmp_path):
    import io

    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.history import InMemoryHistory
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput
    from rich.console import Console

    from cloudshell.cloud.poller import Poller
    from cloudshell.cloud.runtime import Runtime
    from cloudshell.repl.session import Repl

    _, manifest, _ = bundled
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, force_terminal=True, color_system=None)
    poller = Poller(cloud.session)   # never started: nothing here needs the inventory
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        repl = Repl(Runtime(settings=None, session=cloud.session), poller, console=console,
                    history=InMemoryHistory())
        assert repl.execute(f"upload-bundle -b repl-bucket -m {manifest}")
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buffer.getvalue())
    assert "upload" in text and "100%" in text and "part 1/2" in text
    assert "uploaded 2 parts and the manifest to s3://repl-bucket/" in text
    assert _keys(cloud, "repl-bucket") == ["disk.img.manifest.xml", "disk.img.part.00", "disk.img.part.01"]


async def test_monitor_runs_bundle_jobs_with_progress_and_shows_the_new_image(cloud, bundled, creds, tmp_path):
    from monitor_harness import monitor, table_ids, until

    from cloudshell.screens.messages import ActionFinished, ActionProgressed

    image, _, _ = bundled
    seen: list[str] = []
    finished: list[ActionFinished] = []
    async with monitor(cloud) as (app, pilot):
        post = app.post_message

        def spy(message):
            if isinstance(message, ActionProgressed):
                seen.append(message.line)
            elif isinstance(message, ActionFinished):
                finished.append(message)
            return post(message)
        app.post_message = spy
        main = app.screen
        main.run_line(f"bundle-image -i {image} -d {tmp_path / 'b'} {' '.join(_creds_args(creds))}")
        await until(pilot, lambda: len(finished) == 1, 60, "the bundle job")
        main.run_line(f"upload-bundle -b tui-bucket -m {tmp_path / 'b' / 'disk.img.manifest.xml'}")
        await until(pilot, lambda: len(finished) == 2, 60, "the upload job")
        main.run_line("register tui-bucket/disk.img.manifest.xml -n tui-disk")
        await until(pilot, lambda: len(finished) == 3, 60, "the register job")
        assert all(f.ok for f in finished), [f.outcome for f in finished]
        new = re.search(r"registered (ami-[0-9a-f]+)", finished[2].outcome)[1]
        await until(pilot, lambda: new in table_ids(app, "images"), 30, "the new image in the Images view")
    assert any(line.startswith("bundle ") and "100%" in line for line in seen), seen
    assert any(line.startswith("upload ") and "· part 2/2" in line for line in seen), seen
    assert any(line.startswith("upload ") and "100%" in line for line in seen), seen


def test_declaring_the_commands_leaves_the_engine_unimported_and_agrees_with_it():
    from cloudshell.cloud import bundle
    from cloudshell.commands.bundle_inputs import ARCHITECTURES, DEFAULT_ACL

    assert (ARCHITECTURES, DEFAULT_ACL) == (bundle.ARCHITECTURES, bundle.DEFAULT_ACL)
    code = ("import sys; from cloudshell.commands import registry; r = registry(); "
            "r.parse(['bundle-image', '--help']); "
            "print(sorted(m for m in sys.modules if m.startswith('cloudshell.cloud.bundle')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"   # every start parses a command line: the engine waits for use
