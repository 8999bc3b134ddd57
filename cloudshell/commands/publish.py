"""publish-tarball (uec-publish-tarball): a UEC image tarball into the cloud in one command.

``publish-tarball TARBALL BUCKET [ARCH]`` takes the kernel, the ramdisk and the machine
image out of the tarball, then bundles, uploads and registers them in that order, the
machine image registered with the kernel's and ramdisk's IDs, and prints the three IDs the
way uec-publish-tarball does (``emi="…"; eri="…"; eki="…";``) for ``eval``.

It resumes: its work folder (under the cache folder, one per tarball and bucket) keeps
what was taken out and bundled, upload-bundle skips parts already in the bucket, and an
image already registered from the same manifest is not registered twice. On a failure it
names the stage and says what is left behind; the same command line goes on from there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

from cloudshell.cloud.errors import CloudshellError, UsageError
from cloudshell.commands.bundle_inputs import (
    MANIFEST_SUFFIX, account_number, as_usage, bucket_path, credential_file, engine, setting_of,
)
from cloudshell.commands.context import Context, DryRunDone, Result
from cloudshell.commands.registry import BUCKET, FILE, KERNEL, RAMDISK, TEXT, Invocation, Param, command
from cloudshell.commands.values import existing_file, shown

# uec-publish-tarball's ARCH words → EC2's.
ARCH_WORDS = {"amd64": "x86_64", "x86_64": "x86_64", "i386": "i386", "i686": "i386", "armhf": "armhf"}
STAGES = ("kernel", "ramdisk", "image")


def _arch(raw: str) -> str:
    value = ARCH_WORDS.get(raw.strip().lower())
    if value is None:
        raise UsageError(f"{shown(raw)} is not an architecture (expected one of {', '.join(ARCH_WORDS)})")
    return value


def _guess_arch(tarball: str) -> str:
    name = Path(tarball).name.lower()
    return next((ARCH_WORDS[w] for w in ARCH_WORDS if w in name), "x86_64")


def _work_folder(tarball: Path, bucket: str) -> Path:
    """One folder per tarball (by path, size and time) and bucket, 0700, in the user's cache."""
    from platformdirs import user_cache_dir

    st = tarball.stat()
    key = hashlib.sha256(f"{tarball.resolve()}|{st.st_size}|{st.st_mtime_ns}|{bucket}".encode()).hexdigest()
    folder = Path(user_cache_dir("cloudshell")) / "publish" / key[:16]
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    return folder


class _Stage:
    """Progress of one stage (``kernel: bundle``) through ``ctx.meter``."""

    def __init__(self, ctx: Context, what: str) -> None:
        self.ctx, self.what = ctx, what

    def __call__(self, step: str, done: int, total: int) -> None:
        self.ctx.meter(f"{self.what}: {step}", done, total)


def _registered_from(ctx: Context, location: str) -> str | None:
    """The image already registered from this manifest (a resumed publish), if any: by its
    ImageLocation, or the tag register leaves where the endpoint did not keep it."""
    from cloudshell.commands.images import LOCATION_TAG

    reply = ctx.session.call("describe_images", Owners=["self"])
    for image in reply.get("Images") or ():
        tags = {t.get("Key"): t.get("Value") for t in image.get("Tags") or ()}
        if location in (image.get("ImageLocation"), tags.get(LOCATION_TAG)):
            return str(image["ImageId"])
    return None


def _publish_one(ctx: Context, tarball: Path, member: Any, what: str, folder: Path, bucket: str,
                 plan: dict[str, Any], done: dict[str, str]) -> str:
    from cloudshell.commands.images import register_image

    meter = _Stage(ctx, what)
    bundle_dir = folder / what
    bundle_dir.mkdir(exist_ok=True, mode=0o700)
    local = engine.tarball.extract(tarball, member, folder / member.name,
                                   progress=lambda d, t: meter("unpack", d, t))
    manifest = bundle_dir / f"{member.name}{MANIFEST_SUFFIX}"
    if not manifest.is_file():   # written last: present means this bundle is whole
        kind = {"kernel": {"image_type": "kernel"}, "ramdisk": {"image_type": "ramdisk"},
                "image": {"image_type": "machine", "kernel_id": done.get("eki"), "ramdisk_id": done.get("eri")}}
        engine.bundle_image(local, bundle_dir, member.name, plan["arch"], plan["cert"], plan["key"],
                            plan["cloud"], plan["user"], progress=lambda s, d, t: meter("bundle", d, t),
                            force=True, **kind[what])   # parts of an unfinished bundle here are ours
    bucket_name, key_folder = engine.split_bucket_path(bucket)
    result = engine.upload_bundle(ctx.session, bucket_name, key_folder, manifest,
                                  progress=lambda s, d, t: meter("upload", d, t))
    location = f"{bucket_name}/{result.manifest_key}"
    existing = _registered_from(ctx, location)
    if existing:
        return existing
    meter("register", 0, 1)
    registered = register_image(
        ctx, name=member.name, location=location, architecture=plan["arch"],
        kernel=done.get("eki") if what == "image" else None,
        ramdisk=done.get("eri") if what == "image" else None,
        kind={"kernel": "kernel", "ramdisk": "ramdisk", "image": "machine"}[what])
    meter("register", 1, 1)
    return str(registered.data.get("ImageId", ""))


@command("publish-tarball", "images", "Publish a UEC image tarball: its kernel, ramdisk and image bundled, "
         "uploaded and registered, linked.",
         aliases=("uec-publish-tarball",), euca=False,
         params=(Param("tarball", kind=FILE, required=True, convert=existing_file, metavar="TARBALL",
                       help="the UEC tarball (e.g. lucid-server-uec-amd64.tar.gz)"),
                 Param("bucket", kind=BUCKET, required=True, convert=bucket_path, metavar="BUCKET",
                       help="the bucket to upload into (made when missing)"),
                 Param("arch", kind=TEXT, convert=_arch, metavar="ARCH",
                       help="i386, amd64/x86_64… (default: from the tarball's name, else x86_64)"),
                 Param("kernel", ("-k", "--kernel"), kind=KERNEL, metavar="EKI",
                       help="use this registered kernel instead of the tarball's ('none': no kernel)"),
                 Param("ramdisk", ("-r", "--ramdisk"), kind=RAMDISK, metavar="ERI",
                       help="use this registered ramdisk instead of the tarball's ('none': no ramdisk)")),
         mutates=True,
         example="publish-tarball lucid-server-uec-amd64.tar.gz lucid-images amd64")
def publish_tarball(ctx: Context, inv: Invocation) -> Result:
    cmd = "publish-tarball"
    tarball = Path(inv.tarball)
    contents = as_usage(cmd, engine.tarball.contents, tarball)   # a bad tarball: exit 2, nothing sent
    user, source = setting_of(ctx, "user_id")
    plan = {"arch": inv.arch or _guess_arch(inv.tarball),
            "cert": credential_file(ctx, cmd, None, "cert", "EC2_CERT", "user certificate"),
            "key": credential_file(ctx, cmd, None, "private_key", "EC2_PRIVATE_KEY", "private key"),
            "cloud": credential_file(ctx, cmd, None, "cloud_cert", "EUCALYPTUS_CERT", "cloud certificate"),
            "user": account_number(user) if user else None}
    if not plan["user"]:
        raise UsageError(f"{cmd}: no account ID: set EC2_USER_ID ({source})")
    todo = [("kernel", contents.kernel, inv.kernel), ("ramdisk", contents.ramdisk, inv.ramdisk),
            ("image", contents.image, None)]
    if ctx.dry_run:
        names = ", ".join(f"{what} {m.name}" for what, m, given in todo if m and not given)
        raise DryRunDone(True, f"{cmd} would publish {names} from {tarball.name} to {inv.bucket}; "
                               "nothing was written or sent")
    folder = _work_folder(tarball, inv.bucket)
    done: dict[str, str] = {}
    for what, member, given in todo:
        short = {"kernel": "eki", "ramdisk": "eri", "image": "emi"}[what]
        if given and given != "none":
            done[short] = given
            continue
        if given == "none" or member is None:
            continue
        try:
            done[short] = _publish_one(ctx, tarball, member, what, folder, inv.bucket, plan, done)
        except CloudshellError as exc:
            so_far = ", ".join(f"{k} {v}" for k, v in done.items()) or "nothing registered yet"
            exc.message = (f"{cmd}: the {what} stage ({member.name}) failed: {exc.message}; done: {so_far}; "
                           f"left behind: {folder} and what was uploaded to {inv.bucket}; "
                           "run the same command again to go on from there")
            exc.args = (exc.message,)
            raise
    shutil.rmtree(folder, ignore_errors=True)
    line = " ".join(f'{k}="{done.get(k, "")}";' for k in ("emi", "eri", "eki"))
    return Result(data={"ImageId": done.get("emi"), "RamdiskId": done.get("eri"), "KernelId": done.get("eki")},
                  lines=(line,), raw_text=line)
