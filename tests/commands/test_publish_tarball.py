"""publish-tarball / uec-publish-tarball: a UEC tarball in, three linked images registered, the IDs
printed as uec-publish-tarball prints them; resumed after a failure; hostile tarballs refused."""

from __future__ import annotations

import io
import re
import tarfile
from pathlib import Path

import pytest
from clirun import run_here

from cloudshell.cloud.bundle.keys import make_demo_credentials

LINE = re.compile(r'^emi="(ami-[0-9a-f]+)"; eri="(ami-[0-9a-f]+)"; eki="(ami-[0-9a-f]+)";$')


@pytest.fixture
def publishing(cloud):
    creds = make_demo_credentials(cloud.tmp_path / "creds")
    env = dict(cloud.env, EC2_CERT=str(creds.user_cert), EC2_PRIVATE_KEY=str(creds.user_key),
               EUCALYPTUS_CERT=str(creds.cloud_cert), EC2_USER_ID="123456789012")
    work = cloud.tmp_path / "work"
    work.mkdir()
    made = run_here(["--demo-tarball", "lucid-server-uec-amd64.tar.gz"], env, cwd=work)
    assert made.returncode == 0, made.stderr
    return cloud, env, work, work / "lucid-server-uec-amd64.tar.gz"


def _publish(cloud, env, work, *args, s3=None):
    return run_here(["uec-publish-tarball", *args, "--endpoint-url", cloud.url,
                     "--s3-endpoint-url", s3 or cloud.url], env, cwd=work)


def _images(cloud) -> dict[str, dict]:
    """Our images, each with what the endpoint kept or cloudshell recorded in tags (moto keeps
    neither ImageLocation nor KernelId/RamdiskId of a registration)."""
    out = {}
    for image in cloud.session.call("describe_images", Owners=["self"])["Images"]:
        tags = {t["Key"]: t["Value"] for t in image.get("Tags", [])}
        out[image["ImageId"]] = {
            "Location": image.get("ImageLocation") or tags.get("cloudshell:manifest-location"),
            "Kernel": image.get("KernelId") or tags.get("cloudshell:kernel-id"),
            "Ramdisk": image.get("RamdiskId") or tags.get("cloudshell:ramdisk-id"),
            "Type": tags.get("cloudshell:image-type") or image.get("ImageType"),
            "Architecture": image.get("Architecture")}
    return out


def test_publish_registers_kernel_ramdisk_and_a_machine_image_linked_to_them(publishing):
    cloud, env, work, tarball = publishing
    out = _publish(cloud, env, work, tarball.name, "lucid-20261203", "amd64")
    assert out.returncode == 0, out.stderr
    emi, eri, eki = LINE.match(out.stdout.strip()).groups()
    images = _images(cloud)
    assert {emi, eri, eki} <= set(images)
    assert images[emi]["Location"] == "lucid-20261203/lucid-server-uec-amd64.img.manifest.xml"
    assert images[eki]["Location"] == "lucid-20261203/lucid-server-uec-amd64-vmlinuz-virtual.manifest.xml"
    manifest = cloud.session.call("get_object", service="s3", Bucket="lucid-20261203",
                                  Key="lucid-server-uec-amd64.img.manifest.xml")["Body"].read()
    assert b"<architecture>x86_64</architecture>" in manifest     # amd64, in EC2's word
    assert (images[emi]["Kernel"], images[emi]["Ramdisk"]) == (eki, eri)     # linked, in that order
    assert (images[eki]["Type"], images[eri]["Type"]) == ("kernel", "ramdisk")
    objects = {o["Key"] for o in cloud.session.call("list_objects_v2", service="s3",
                                                    Bucket="lucid-20261203").get("Contents", [])}
    assert {"lucid-server-uec-amd64.img.manifest.xml", "lucid-server-uec-amd64-initrd-virtual.manifest.xml",
            "lucid-server-uec-amd64.img.part.00"} <= objects
    # Run again: the same three images, none registered twice.
    again = _publish(cloud, env, work, tarball.name, "lucid-20261203", "amd64")
    assert again.returncode == 0, again.stderr
    assert LINE.match(again.stdout.strip()).groups() == (emi, eri, eki)
    assert len(_images(cloud)) == len(images)


def test_a_failed_stage_is_named_and_the_same_command_goes_on(publishing):
    cloud, env, work, tarball = publishing
    dead = "http://127.0.0.1:9"      # nothing listens: every S3 call fails
    out = _publish(cloud, env, work, tarball.name, "lucid-resume", s3=dead)
    assert out.returncode == 1
    err = out.stderr.strip().splitlines()[-1]
    assert "the kernel stage (lucid-server-uec-amd64-vmlinuz-virtual) failed" in err
    assert "nothing registered yet" in err and "left behind:" in err and "run the same command again" in err
    left = Path(re.search(r"left behind: (\S+) and", err).group(1))
    assert (left / "kernel" / "lucid-server-uec-amd64-vmlinuz-virtual.manifest.xml").is_file()
    bundled = (left / "kernel" / "lucid-server-uec-amd64-vmlinuz-virtual.part.00").read_bytes()
    assert not _images(cloud)

    out = _publish(cloud, env, work, tarball.name, "lucid-resume")
    assert out.returncode == 0, out.stderr
    emi, eri, eki = LINE.match(out.stdout.strip()).groups()
    assert len(_images(cloud)) == 3
    # The kernel was not bundled again: the part in the bucket is the one made before the failure.
    body = cloud.session.call("get_object", service="s3", Bucket="lucid-resume",
                              Key="lucid-server-uec-amd64-vmlinuz-virtual.part.00")["Body"].read()
    assert body == bundled
    assert not left.exists()          # done: the work folder is gone


def _tarball(path: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_hostile_tarballs_are_refused_and_nothing_lands_outside(publishing):
    cloud, env, work, _ = publishing
    link = tarfile.TarInfo("evil.img")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    no_image = _tarball(work / "links.tar.gz", [(link, b""), (tarfile.TarInfo("README"), b"hello")])
    out = _publish(cloud, env, work, no_image.name, "hostile-bucket")
    assert out.returncode == 2
    assert "no machine image (*.img) in the tarball; found: README" in out.stderr
    assert "Traceback" not in out.stderr

    climbing = _tarball(work / "climb.tar.gz", [(tarfile.TarInfo("../../outside.img"), b"x" * 4096),
                                                (tarfile.TarInfo("/abs/vmlinuz-virtual"), b"k" * 2048)])
    out = _publish(cloud, env, work, climbing.name, "hostile-bucket")
    assert out.returncode == 0, out.stderr
    assert not (work.parent / "outside.img").exists() and not (work.parent.parent / "outside.img").exists()
    assert not Path("/abs").exists()
    assert {i["Location"] for i in _images(cloud).values()} == {
        "hostile-bucket/outside.img.manifest.xml", "hostile-bucket/vmlinuz-virtual.manifest.xml"}

    garbage = work / "garbage.tar.gz"
    garbage.write_bytes(b"\x1f\x8b not a tarball at all")
    out = _publish(cloud, env, work, garbage.name, "hostile-bucket")
    assert out.returncode == 2 and "is not a readable tarball" in out.stderr.strip().splitlines()[-1]
