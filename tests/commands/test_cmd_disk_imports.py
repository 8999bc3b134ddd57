"""import-volume, import-instance, resume-import and delete-disk-image: the S3 manifest flow.

The disk image's parts and its import manifest really go to moto's S3 (through the fault
proxy), and the tests read them back from the bucket. moto's server has no import conversion
(ImportVolume, ImportInstance, DescribeConversionTasks), so those EC2 calls are answered by the
fault proxy's canned answers, written from EC2's documented response shape; the queries the
commands sent are read from the proxy.
"""

from __future__ import annotations

import json
import os
import struct
import urllib.request
from xml.sax.saxutils import escape

from clirun import run_here
from faultproxy import FaultProxy

from cloudshell.cloud.disk_import.manifest import parse_manifest

MIB = 1 << 20
NS = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"'


def _cli(cloud, url, *args, input=None):
    out = run_here(["--endpoint-url", url, *args], cloud.env, input=input)
    assert "Traceback" not in out.stderr
    return out


def _disk(image, fmt="RAW", url="https://s3.example/m", volume=1, wrap="importVolume"):
    return (f"<{wrap}><bytesConverted>0</bytesConverted><availabilityZone>one</availabilityZone>"
            f"<image><format>{fmt}</format><size>{image}</size><importManifestUrl>{escape(url)}"
            f"</importManifestUrl></image><volume><size>{volume}</size></volume></{wrap}>")


def _task(tid, disk, state="active", instance=False):
    body = (f"<importInstance><instanceId>i-1a2b3c4d</instanceId><platform>Linux</platform><volumes>"
            f"{disk.replace('<importVolume>', '<item>').replace('</importVolume>', '</item>')}</volumes>"
            "</importInstance>") if instance else disk
    return (f"<conversionTaskId>{tid}</conversionTaskId><expirationTime>2026-12-10T06:00:00Z</expirationTime>"
            f"{body}<state>{state}</state>")


def _answer(action, inner):
    return (f'<?xml version="1.0" encoding="UTF-8"?><{action}Response {NS}><requestId>r</requestId>'
            f"{inner}</{action}Response>").encode()


def _describe(proxy, tid, disk, state="active"):
    proxy.inject("canned", action="DescribeConversionTasks",
                 body=_answer("DescribeConversionTasks", f"<conversionTasks><item>{_task(tid, disk, state)}"
                                                         "</item></conversionTasks>"))


def _sent(proxy, action):
    found = [q for q in proxy.queries if q.get("Action") == [action]]
    assert found, f"no {action} was sent"
    return {k: v[0] for k, v in found[-1].items()}


def _objects(cloud, bucket):
    listing = cloud.session.call("list_objects_v2", service="s3", Bucket=bucket)
    return {o["Key"]: o["Size"] for o in listing.get("Contents") or ()}


def _get(cloud, bucket, key):
    return cloud.session.call("get_object", service="s3", Bucket=bucket, Key=key)["Body"].read()


def _puts(proxy):
    """The objects written (PUT /BUCKET/KEY), oldest first; not bucket creations."""
    return [h.action for h in proxy.hits() if h.action.startswith("PUT /") and h.action.count("/") > 1]


def _image(tmp_path, size=int(2.5 * MIB), name="disk.img"):
    path = tmp_path / name
    path.write_bytes(os.urandom(size))
    return path


def _started(cloud, proxy, tmp_path, *extra):
    """import-volume of a 2.5 MiB RAW image in 1 MiB parts; returns (image, task XML disk, bucket, key)."""
    image = _image(tmp_path)
    proxy.inject("canned", action="ImportVolume",
                 body=_answer("ImportVolume", f"<conversionTask>{_task('import-vol-ffut5xv4', _disk(image.stat().st_size))}"
                                              "</conversionTask>"))
    out = _cli(cloud, proxy.url, "euca-import-volume", str(image), "-f", "raw", "-z", "one", "-b", "imports",
               "--part-size", "1", *extra)
    assert out.returncode == 0, out.stderr
    url = _sent(proxy, "ImportVolume")["Image.ImportManifestUrl"]
    key = url.split("?")[0].split("/imports/", 1)[1]
    return image, out, url, key


def test_import_volume_uploads_the_parts_and_a_manifest_the_presigned_url_serves(cloud, tmp_path):
    with FaultProxy(cloud.url) as proxy:
        image, out, url, key = _started(cloud, proxy, tmp_path)
        sent = _sent(proxy, "ImportVolume")
        assert (sent["Image.Format"], sent["Image.Bytes"], sent["Volume.Size"], sent["AvailabilityZone"]) == (
            "RAW", str(image.stat().st_size), "1", "one")
        folder, name = key.rsplit("/", 1)
        assert name == "disk.img.manifest.xml" and len(folder) == 36   # a new UUID folder
        objects = _objects(cloud, "imports")
        assert sorted(objects) == sorted([key, *(f"{folder}/disk.img.part.{n}" for n in range(3))])
        assert b"".join(_get(cloud, "imports", f"{folder}/disk.img.part.{n}") for n in range(3)) == image.read_bytes()
        manifest = parse_manifest(_get(cloud, "imports", key), where="m", manifest_key=key)
        assert [(p.range.start, p.range.end) for p in manifest.parts] == [
            (0, MIB - 1), (MIB, 2 * MIB - 1), (2 * MIB, image.stat().st_size - 1)]
        assert (manifest.file_format, manifest.image_size, manifest.volume_size) == ("RAW", image.stat().st_size, 1)
        assert urllib.request.urlopen(url, timeout=10).read() == _get(cloud, "imports", key)  # the cloud can read it
        assert _puts(proxy)[0] == f"PUT /imports/{key}"    # the manifest first: a stopped upload resumes from it
    assert out.stdout.splitlines() == [
        "TaskType\tIMPORTVOLUME\tTaskId\timport-vol-ffut5xv4\tExpirationTime\t2026-12-10T06:00:00Z\tStatus\tactive",
        f"DISKIMAGE\tDiskImageFormat\tRAW\tDiskImageSize\t{image.stat().st_size}\tVolumeSize\t1\tAvailabilityZone\tone"]


def test_resume_import_sends_only_what_is_missing_or_different(cloud, tmp_path):
    with FaultProxy(cloud.url) as proxy:
        image, out, url, key = _started(cloud, proxy, tmp_path, "--no-upload")
        assert "resume-import -t import-vol-ffut5xv4" in out.stderr + out.stdout
        assert _objects(cloud, "imports") == {}        # the bucket exists, nothing in it
        _describe(proxy, "import-vol-ffut5xv4", _disk(image.stat().st_size, url=url))
        first = _cli(cloud, proxy.url, "resume-import", str(image), "-t", "import-vol-ffut5xv4", "--part-size", "1",
                     "--output", "json")
        assert first.returncode == 0, first.stderr
        folder = key.rsplit("/", 1)[0]
        assert len(json.loads(first.stdout)["Uploaded"]) == 3
        cloud.session.call("delete_object", service="s3", Bucket="imports", Key=f"{folder}/disk.img.part.1")
        cloud.session.call("put_object", service="s3", Bucket="imports", Key=f"{folder}/disk.img.part.2",
                           Body=os.urandom(int(0.5 * MIB)))          # same size, other bytes
        before = len(_puts(proxy))
        again = _cli(cloud, proxy.url, "resume-import", str(image), "-t", "import-vol-ffut5xv4",
                     "--output", "table")
        assert again.returncode == 0, again.stderr
        assert _puts(proxy)[before:] == [f"PUT /imports/{folder}/disk.img.part.{n}" for n in (1, 2)]
        assert "uploaded 2 parts to" in again.stdout and "kept 1 part already there" in again.stdout
        assert b"".join(_get(cloud, "imports", f"{folder}/disk.img.part.{n}") for n in range(3)) == image.read_bytes()

        other = _image(tmp_path, size=3 * MIB, name="other.img")
        wrong = _cli(cloud, proxy.url, "resume-import", str(other), "-t", "import-vol-ffut5xv4")
        assert wrong.returncode == 2 and "is it the same file?" in wrong.stderr


def test_a_stopped_upload_names_the_task_and_resumes(cloud, tmp_path):
    with FaultProxy(cloud.url) as proxy:
        image, _, url, key = _started(cloud, proxy, tmp_path, "--no-upload")
        folder = key.rsplit("/", 1)[0]
        _describe(proxy, "import-vol-ffut5xv4", _disk(image.stat().st_size, url=url))
        proxy.inject("error", action=f"PUT /imports/{folder}/disk.img.part.1", status=403, code="AccessDenied",
                     message="Access Denied")
        out = _cli(cloud, proxy.url, "resume-import", str(image), "-t", "import-vol-ffut5xv4", "--part-size", "1")
        assert out.returncode == 1
        assert "resume-import -t import-vol-ffut5xv4" in out.stderr and "cancel-conversion-task" in out.stderr
        assert sorted(_objects(cloud, "imports")) == [f"{folder}/disk.img.manifest.xml", f"{folder}/disk.img.part.0"]
        proxy.clear()
        _describe(proxy, "import-vol-ffut5xv4", _disk(image.stat().st_size, url=url))
        out = _cli(cloud, proxy.url, "resume-import", str(image), "-t", "import-vol-ffut5xv4", "--output", "json")
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["Skipped"] == [f"{folder}/disk.img.part.0"]


HOSTILE = {
    "doctype": (b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><manifest/>', "DOCTYPE declaration"),
    "outside": (None, "not one beside the manifest"),
    "count": (None, 'count="3"> but 2 parts are listed'),
    "gap": (None, "the parts must cover the file in order"),
}


def _hostile_manifest(kind, folder):
    parts = [(0, MIB - 1, f"{folder}/disk.img.part.0"), (MIB, 2 * MIB - 1, f"{folder}/disk.img.part.1"),
             (2 * MIB, int(2.5 * MIB) - 1, f"{folder}/disk.img.part.2")]
    if kind == "outside":
        parts[1] = (MIB, 2 * MIB - 1, "keep/important")
    if kind == "gap":
        parts[1] = (MIB + 1, 2 * MIB - 1, parts[1][2])
    listed = parts[:2] if kind == "count" else parts
    items = "".join(f'<part index="{n}"><byte-range start="{a}" end="{b}"/><key>{k}</key></part>'
                    for n, (a, b, k) in enumerate(listed))
    return (f"<manifest><version>2010-11-15</version><file-format>RAW</file-format><import><size>{int(2.5 * MIB)}"
            f'</size><volume-size>1</volume-size><parts count="3">{items}</parts></import></manifest>').encode()


def test_a_hostile_manifest_or_url_is_refused_before_anything_is_sent(cloud, tmp_path):
    with FaultProxy(cloud.url) as proxy:
        image, _, url, key = _started(cloud, proxy, tmp_path, "--no-upload")
        folder = key.rsplit("/", 1)[0]
        cloud.session.call("put_object", service="s3", Bucket="imports", Key="keep/important", Body=b"precious")
        _describe(proxy, "import-vol-ffut5xv4", _disk(image.stat().st_size, url=url))
        for kind, (body, said) in HOSTILE.items():
            cloud.session.call("put_object", service="s3", Bucket="imports", Key=key,
                               Body=body or _hostile_manifest(kind, folder))
            before = len(_puts(proxy))
            out = _cli(cloud, proxy.url, "resume-import", str(image), "-t", "import-vol-ffut5xv4")
            assert out.returncode == 2 and said in out.stderr, (kind, out.stderr)
            deleting = _cli(cloud, proxy.url, "delete-disk-image", "-t", "import-vol-ffut5xv4",
                            "--ignore-active-task", "--yes")
            assert deleting.returncode == 2 and said in deleting.stderr, (kind, deleting.stderr)
            assert len(_puts(proxy)) == before and _get(cloud, "imports", "keep/important") == b"precious"
            assert proxy.count(f"DELETE /imports/{key}") == 0
        proxy.clear()
        elsewhere = url.replace("127.0.0.1", "169.254.169.254")
        _describe(proxy, "import-vol-ffut5xv4", _disk(image.stat().st_size, url=elsewhere))
        seen = proxy.count()
        out = _cli(cloud, proxy.url, "delete-disk-image", "-t", "import-vol-ffut5xv4", "--ignore-active-task", "--yes")
        assert out.returncode == 2 and "not this cloud's S3 endpoint" in out.stderr
        assert [h.action for h in proxy.hits()][seen:] == ["DescribeConversionTasks"]
        proxy.clear()
        _describe(proxy, "import-vol-ffut5xv4", _disk(image.stat().st_size, fmt="QCOW2", url=url))
        before = len(_puts(proxy))
        out = _cli(cloud, proxy.url, "resume-import", str(image), "-t", "import-vol-ffut5xv4")
        assert out.returncode == 1 and "gives the image format 'QCOW2'" in out.stderr
        assert len(_puts(proxy)) == before


def test_delete_disk_image_names_every_object_asks_and_spares_an_active_task(cloud, tmp_path):
    with FaultProxy(cloud.url) as proxy:
        image, _, url, key = _started(cloud, proxy, tmp_path)
        folder = key.rsplit("/", 1)[0]
        cloud.session.call("put_object", service="s3", Bucket="imports", Key=f"{folder}/notes.txt", Body=b"mine")
        _describe(proxy, "import-vol-ffut5xv4", _disk(image.stat().st_size, url=url))
        active = _cli(cloud, proxy.url, "euca-delete-disk-image", "-t", "import-vol-ffut5xv4", "--yes")
        assert active.returncode == 1 and "is active" in active.stderr and "--ignore-active-task" in active.stderr
        proxy.clear()
        _describe(proxy, "import-vol-ffut5xv4", _disk(image.stat().st_size, url=url), state="completed")
        unasked = _cli(cloud, proxy.url, "delete-disk-image", "-t", "import-vol-ffut5xv4", input="n\n")
        assert unasked.returncode != 0 and len(_objects(cloud, "imports")) == 5
        dry = _cli(cloud, proxy.url, "delete-disk-image", "-t", "import-vol-ffut5xv4", "--dry-run")
        assert dry.returncode == 0 and "disk.img.part.0, disk.img.part.1, disk.img.part.2, disk.img.manifest.xml" \
            in dry.stdout and len(_objects(cloud, "imports")) == 5
        out = _cli(cloud, proxy.url, "delete-disk-image", "-t", "import-vol-ffut5xv4", "--yes", "--output", "table")
        assert out.returncode == 0, out.stderr
        assert "deleted 4 objects of the disk image of task import-vol-ffut5xv4" in out.stdout
        assert _objects(cloud, "imports") == {f"{folder}/notes.txt": 4}
        proxy.clear()
        gone = _cli(cloud, proxy.url, "delete-disk-image", "-u", f"s3://imports/{key}", "--yes")
        assert gone.returncode == 1 and "nothing to delete" in gone.stderr


def test_import_instance_sends_the_launch_specification_and_prints_its_task(cloud, tmp_path):
    image = _image(tmp_path, size=4096)
    data = tmp_path / "user-data"
    data.write_text("#!/bin/sh\necho hi\n")
    disk = _disk(4096, wrap="importVolume")
    answer = _answer("ImportInstance", f"<conversionTask>{_task('import-i-fh95npoc', disk, instance=True)}"
                                       "</conversionTask>")
    with FaultProxy(cloud.url) as proxy:
        proxy.inject("canned", action="ImportInstance", body=answer)
        out = _cli(cloud, proxy.url, "euca-import-instance", str(image), "-t", "m1.small", "-f", "RAW", "-a", "x86_64",
                   "-p", "Linux", "-b", "imports/team", "--prefix", "vm1", "-g", "mygroup", "-z", "one",
                   "--user-data-file", str(data), "--key", "testkey", "--monitor", "-d", "web server")
        assert out.returncode == 0, out.stderr
        sent = _sent(proxy, "ImportInstance")
    assert {k: sent[k] for k in ("LaunchSpecification.InstanceType", "LaunchSpecification.Architecture",
                                 "LaunchSpecification.GroupName.1", "LaunchSpecification.Placement.AvailabilityZone",
                                 "LaunchSpecification.KeyName", "LaunchSpecification.Monitoring", "Platform",
                                 "DiskImage.1.Image.Format", "DiskImage.1.Image.Bytes", "DiskImage.1.Volume.Size",
                                 "Description")} == {
        "LaunchSpecification.InstanceType": "m1.small", "LaunchSpecification.Architecture": "x86_64",
        "LaunchSpecification.GroupName.1": "mygroup", "LaunchSpecification.Placement.AvailabilityZone": "one",
        "LaunchSpecification.KeyName": "testkey", "LaunchSpecification.Monitoring": "true", "Platform": "Linux",
        "DiskImage.1.Image.Format": "RAW", "DiskImage.1.Image.Bytes": "4096", "DiskImage.1.Volume.Size": "1",
        "Description": "web server"}
    import base64
    assert base64.b64decode(sent["LaunchSpecification.UserData.Data"]) == data.read_bytes()
    key = sent["DiskImage.1.Image.ImportManifestUrl"].split("?")[0].split("/imports/", 1)[1]
    assert key.startswith("team/vm1/") and key.endswith("/disk.img.manifest.xml")
    assert sorted(_objects(cloud, "imports")) == sorted([key, key.replace(".manifest.xml", ".part.0")])
    assert out.stdout.splitlines() == [
        "TaskType\tIMPORTINSTANCE\tTaskId\timport-i-fh95npoc\tExpirationTime\t2026-12-10T06:00:00Z\tStatus\tactive\t"
        "InstanceID\ti-1a2b3c4d",
        "DISKIMAGE\tDiskImageFormat\tRAW\tDiskImageSize\t4096\tVolumeSize\t1\tAvailabilityZone\tone"]


def _vmdk(tmp_path, sectors):
    header = struct.pack("<IIIQQQQIQQQ?4cH", 0x564D444B, 3, 0x30003, sectors, 128, 1, 20, 512, 0, 21, 128, False,
                         b"\n", b" ", b"\r", b"\n", 1)
    path = tmp_path / "disk.vmdk"
    path.write_bytes(header.ljust(512, b"\0") + os.urandom(4096))
    return path


def _vhd(tmp_path, size):
    footer = b"conectix" + bytes(40) + struct.pack(">Q", size)
    path = tmp_path / "disk.vhd"
    path.write_bytes(os.urandom(8192) + footer.ljust(512, b"\0"))
    return path


def test_bad_input_is_refused_with_one_line_and_nothing_sent(cloud, tmp_path):
    image = _image(tmp_path, size=3 * MIB)
    vmdk = _vmdk(tmp_path, sectors=4 * 1024 * 2048)     # a 4 GiB disk in a 4.5 KiB file
    cases = [
        ([str(image), "-f", "raw", "-z", "one", "-b", "imports", "--manifest-url", "http://x/m.manifest.xml"],
         "not both"),
        ([str(image), "-f", "raw", "-z", "one"], "missing -b BUCKET"),
        ([str(image), "-f", "qcow2", "-z", "one", "-b", "imports"], "not a disk image format"),
        ([str(image), "-f", "vmdk", "-z", "one", "-b", "imports"], "is not a VMDK file"),
        ([str(image), "-f", "vhd", "-z", "one", "-b", "imports"], "is not a VHD file"),
        ([str(vmdk), "-f", "vmdk", "-z", "one", "-b", "imports", "-s", "3"], "too small for a 4294967296-byte image"),
        ([str(image), "-f", "raw", "-z", "one", "-b", "imports", "-x", "0"], "not a number of days"),
        ([str(image), "-f", "raw", "-z", "one", "-b", "imports", "--prefix", "../x"], "not a prefix"),
        ([str(tmp_path / "nope.img"), "-f", "raw", "-z", "one", "-b", "imports"], "no such file"),
    ]
    with FaultProxy(cloud.url) as proxy:
        for args, said in cases:
            out = _cli(cloud, proxy.url, "import-volume", *args)
            assert out.returncode == 2 and said in out.stderr and len(out.stderr.strip().splitlines()) == 1, \
                (args, out.stderr)
        bad = _cli(cloud, proxy.url, "import-instance", str(image), "-t", "m1.small", "-f", "raw", "-a", "x86_64",
                   "-p", "Linux", "-b", "imports", "--user-data", "a", "--user-data-file", str(vmdk))
        assert bad.returncode == 2 and "not both" in bad.stderr
        for args in (["-t", "vol-1a2b3c4d", "--yes"], ["--yes"], ["-u", "s3://imports/x.manifest.xml",
                                                                   "--ignore-active-task", "--yes"]):
            out = _cli(cloud, proxy.url, "delete-disk-image", *args)
            assert out.returncode == 2, (args, out.stderr)
        ro = run_here(["--endpoint-url", proxy.url, "--read-only", "import-volume", str(image), "-f", "raw",
                       "-z", "one", "-b", "imports"], cloud.env)
        assert ro.returncode == 1 and "read-only" in ro.stderr
        assert proxy.count() == 0


def test_vmdk_and_vhd_sizes_and_a_dry_run(cloud, tmp_path):
    vmdk, vhd = _vmdk(tmp_path, sectors=2 * 1024 * 2048), _vhd(tmp_path, 3 << 30)
    answer = _answer("ImportVolume", f"<conversionTask>{_task('import-vol-ffut5xv4', _disk(1))}</conversionTask>")
    with FaultProxy(cloud.url) as proxy:
        proxy.inject("canned", action="ImportVolume", body=answer)
        for path, size, gib in ((vmdk, 2 << 30, "2"), (vhd, 3 << 30, "3")):
            out = _cli(cloud, proxy.url, "import-volume", str(path), "-f", path.suffix[1:], "-z", "one",
                       "-b", "imports", "--no-upload")
            assert out.returncode == 0, out.stderr
            sent = _sent(proxy, "ImportVolume")
            assert (sent["Image.Format"], sent["Image.Bytes"], sent["Volume.Size"]) == (path.suffix[1:].upper(),
                                                                                      str(size), gib)
        proxy.clear()
        proxy.inject("error", action="ImportVolume", status=412, code="DryRunOperation",
                     message="Request would have succeeded, but DryRun flag is set.")
        before = proxy.count()
        out = _cli(cloud, proxy.url, "import-volume", str(vmdk), "-f", "vmdk", "-z", "one", "-b", "fresh",
                   "--dry-run")
        assert out.returncode == 0 and "would have succeeded" in out.stdout, out.stderr
        assert [h.action for h in proxy.hits()][before:] == ["ImportVolume"]
        assert _sent(proxy, "ImportVolume")["DryRun"] == "true"
    buckets = [b["Name"] for b in cloud.session.call("list_buckets", service="s3").get("Buckets") or ()]
    assert "fresh" not in buckets


def test_bundle_vol_explains_what_to_use_instead(cloud, tmp_path):
    out = _cli(cloud, cloud.url, "euca-bundle-vol", "-r", "x86_64", "-d", "/mnt", "-p", "myimage", "--no-inherit")
    assert out.returncode == 2 and out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and "bundle-image -i FILE" in out.stderr
    assert _cli(cloud, cloud.url, "bundle-vol", "--help").returncode == 0


def test_repl_draws_a_bar_per_part_of_the_upload(cloud, tmp_path):
    import io
    import re

    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.history import InMemoryHistory
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput
    from rich.console import Console

    from cloudshell.cloud.poller import Poller
    from cloudshell.cloud.runtime import Runtime
    from cloudshell.cloud.session import CloudSession
    from cloudshell.repl.session import Repl

    image = _image(tmp_path)
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, force_terminal=True, color_system=None)
    with FaultProxy(cloud.url) as proxy:
        proxy.inject("canned", action="ImportVolume",
                     body=_answer("ImportVolume", f"<conversionTask>{_task('import-vol-ffut5xv4', _disk(1))}"
                                                  "</conversionTask>"))
        session = CloudSession.for_url(proxy.url)
        try:
            with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
                repl = Repl(Runtime(settings=None, session=session), Poller(session), console=console,
                            history=InMemoryHistory())
                assert repl.execute(f"import-volume {image} -f raw -z one -b repl-imports --part-size 1")
        finally:
            session.close()
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buffer.getvalue())
    assert "upload" in text and "100%" in text and "part 1/3" in text and "part 3/3" in text
    assert "import task import-vol-ffut5xv4 active" in text and "uploaded 3 parts and the manifest" in text
    assert len(_objects(cloud, "repl-imports")) == 4


def test_a_manifest_url_resolves_only_on_this_clouds_s3_endpoint():
    """Eucalyptus serves S3 under a path (…/services/objectstorage): the URL cloudshell signs there
    resolves back to its bucket and key; another host, port or path is never read or deleted."""
    import pytest

    from cloudshell.cloud.disk_import.bucket import presign, resolve_manifest_url
    from cloudshell.cloud.disk_import.disk import BadDiskImage
    from cloudshell.cloud.session import CloudSession

    session = CloudSession.for_url("http://127.0.0.1:8773/services/objectstorage")
    try:
        url = presign(session, "get_object", "imports", "a b/9f0c/disk.img.manifest.xml", 3600)
        assert url.startswith("http://127.0.0.1:8773/services/objectstorage/imports/a%20b/9f0c/")
        assert resolve_manifest_url(session, url) == ("imports", "a b/9f0c/disk.img.manifest.xml")
        for other in ("http://10.0.0.9:8773/services/objectstorage/imports/x/d.manifest.xml",
                      "http://127.0.0.1:8080/services/objectstorage/imports/x/d.manifest.xml",
                      "http://127.0.0.1:8773/services/Walrus/imports/x/d.manifest.xml",
                      "http://127.0.0.1:8773/services/objectstorage/imports/x/../../y/d.manifest.xml",
                      "http://127.0.0.1:8773/services/objectstorage/imports/x/d.img",
                      "file:///etc/passwd"):
            with pytest.raises(BadDiskImage):
                resolve_manifest_url(session, other)
    finally:
        session.close()
