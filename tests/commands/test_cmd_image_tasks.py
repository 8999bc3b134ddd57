"""create-image and copy-image against moto's server; bundle-instance, describe-bundle-tasks and
cancel-bundle-task against the fault proxy's canned answers (moto's server answers them "not yet
implemented"), written from EC2's documented BundleInstance response shape."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from clirun import run_here
from faultproxy import FaultProxy

from cloudshell.commands import Context, registry, run


def shell(cloud, *args: str, url: str | None = None):
    out = run_here(["--endpoint-url", url or cloud.url, *args], cloud.env)     # cli.main here, over HTTP
    assert "Traceback" not in out.stderr
    return out


def _instance(cloud) -> str:
    image = cloud.session.call("register_image", Name="plain-image", Architecture="x86_64")["ImageId"]
    return cloud.session.call("run_instances", ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]


def test_create_image_from_an_instance(cloud):
    iid = _instance(cloud)
    out = shell(cloud, "euca-create-image", iid, "-n", "web-snapshot", "--no-reboot")
    assert out.returncode == 0, out.stderr
    word, new = out.stdout.strip().split("\t")
    assert word == "IMAGE" and new.startswith("ami-")
    seen = cloud.session.call("describe_images", ImageIds=[new])["Images"][0]
    assert seen["Name"] == "web-snapshot"
    bad = shell(cloud, "create-image", iid)
    assert bad.returncode == 2 and "missing -n" in bad.stderr


def test_create_image_asks_about_the_reboot_in_interactive_faces(cloud):
    iid = _instance(cloud)
    asked: list[str] = []
    ctx = Context(session=cloud.session, interactive=True, confirm=lambda q: asked.append(q) or False)
    before = len(cloud.session.call("describe_images", Owners=["self"])["Images"])
    try:
        run(ctx, registry().parse(["create-image", iid, "-n", "asked-first"]))
        raise AssertionError("create-image went ahead unconfirmed")
    except Exception as exc:  # noqa: BLE001 - the refusal is the point
        assert "not confirmed, nothing was sent" in str(exc)
    assert len(asked) == 1 and "will reboot" in asked[0] and "--no-reboot" in asked[0]
    assert len(cloud.session.call("describe_images", Owners=["self"])["Images"]) == before
    result = run(ctx, registry().parse(["create-image", iid, "-n", "not-asked", "--no-reboot"]))
    assert len(asked) == 1 and result.data["ImageId"].startswith("ami-")


def test_copy_image(cloud):
    source = cloud.session.call("register_image", Name="to-copy", Architecture="x86_64")["ImageId"]
    out = shell(cloud, "copy-image", "-r", "us-east-1", "-s", source, "-n", "the-copy", "--output", "json")
    assert out.returncode == 0, out.stderr
    new = json.loads(out.stdout)["ImageId"]
    assert cloud.session.call("describe_images", ImageIds=[new])["Images"][0]["Name"] == "the-copy"
    bad = shell(cloud, "copy-image", "-s", source)
    assert bad.returncode == 2 and "missing -r" in bad.stderr


def _task(iid: str, state: str) -> str:
    return (f"<instanceId>{iid}</instanceId><bundleId>bun-c945a3a0</bundleId><state>{state}</state>"
            "<startTime>2026-12-03T06:00:00.000Z</startTime><updateTime>2026-12-03T06:05:00.000Z</updateTime>"
            "<storage><S3><bucket>winbucket</bucket><prefix>winimage</prefix></S3></storage><progress>3%</progress>")


def _answer(action: str, inner: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><{action}Response xmlns="http://ec2.amazonaws.com/doc/'
            f'2016-11-15/"><requestId>r</requestId>{inner}</{action}Response>').encode()


def test_bundle_instance_signs_the_policy_and_tasks_show_and_cancel(cloud):
    iid = _instance(cloud)
    row = f"BUNDLE\tbun-c945a3a0\t{iid}\twinbucket\twinimage\t2026-12-03T06:00:00.000Z\t2026-12-03T06:05:00.000Z"
    with FaultProxy(cloud.url) as proxy:
        proxy.inject("canned", action="BundleInstance",
                     body=_answer("BundleInstance", f"<bundleInstanceTask>{_task(iid, 'pending')}</bundleInstanceTask>"))
        proxy.inject("canned", action="DescribeBundleTasks", body=_answer(
            "DescribeBundleTasks", f"<bundleInstanceTasksSet><item>{_task(iid, 'bundling')}</item></bundleInstanceTasksSet>"))
        proxy.inject("canned", action="CancelBundleTask",
                     body=_answer("CancelBundleTask", f"<bundleInstanceTask>{_task(iid, 'cancelling')}</bundleInstanceTask>"))
        out = shell(cloud, "euca-bundle-instance", iid, "-b", "winbucket", "-p", "winimage", url=proxy.url)
        assert out.stdout == f"{row}\tpending\t3%\twinbucket/winimage.manifest.xml\n", out.stderr
        sent = [q for q in proxy.queries if q.get("Action") == ["BundleInstance"]][-1]
        policy = sent["Storage.S3.UploadPolicy"][0]
        assert json.loads(base64.b64decode(policy))["conditions"][1] == {"bucket": "winbucket"}
        expected = base64.b64encode(hmac.new(b"demo", policy.encode(), hashlib.sha1).digest()).decode()
        assert sent["Storage.S3.UploadPolicySignature"] == [expected]
        assert sent["Storage.S3.AWSAccessKeyId"] == ["demo"]
        assert "demo" not in out.stdout + out.stderr   # the secret key is never shown
        out = shell(cloud, "euca-describe-bundle-tasks", url=proxy.url)
        assert out.stdout == f"{row}\tbundling\t3%\twinbucket/winimage.manifest.xml\n"
        unasked = shell(cloud, "cancel-bundle-task", "bun-c945a3a0", url=proxy.url)
        assert unasked.returncode != 0 and proxy.count("CancelBundleTask") == 0
        out = shell(cloud, "cancel-bundle-task", "bun-c945a3a0", "--yes", "--output", "table", url=proxy.url)
        assert "cancelling" in out.stdout and proxy.count("CancelBundleTask") == 1
        bad = shell(cloud, "bundle-instance", iid, "-b", "Win_Bucket", "-p", "x", url=proxy.url)
        assert bad.returncode == 2 and "not a bucket name" in bad.stderr and proxy.count("BundleInstance") == 1
