"""bundle-and-upload-image and download-and-unbundle: euca2ools' one-step forms, made of the
bundle commands' own steps (bundle-image then upload-bundle; download-bundle then unbundle), so
they check, resume and report exactly as those do.

The bundle in between lives in a private temporary folder, removed once the second step is done
(``--preserve-bundle`` keeps it); when the second step fails, the folder is kept and named, so the
step can be run again by hand.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from cloudshell.cloud.errors import CloudshellError
from cloudshell.commands.context import Context, DryRunDone, Result
from cloudshell.commands.registry import REGISTRY, Invocation, Param, command


def _cmd(name: str) -> Any:
    found = REGISTRY.resolve(name)
    if found is None:  # pragma: no cover - GROUP_MODULES loads bundles first
        raise RuntimeError(f"{name} is not registered")
    return found


def _params(name: str, *, drop: tuple[str, ...] = ()) -> tuple[Param, ...]:
    return tuple(p for p in _cmd(name).params if p.dest not in drop)


def _step(ctx: Context, name: str, values: dict[str, Any]) -> Result:
    """Run one bundle command's checks and handler with these values (already converted)."""
    cmd = _cmd(name)
    inv = Invocation(cmd, {p.dest: values.get(p.dest, [] if p.action == "append" else
                                              (False if p.action == "flag" else p.default))
                           for p in cmd.all_params()}, typed=name)
    if cmd.check is not None:
        cmd.check(ctx, inv)
    return cmd.handler(ctx, inv)


def _after_failure(exc: CloudshellError, work: Path, step: str) -> CloudshellError:
    exc.message = f"{exc.message}; the bundle is kept in {work}: run {step} there to finish"  # type: ignore[attr-defined]
    exc.args = (exc.message,)  # type: ignore[attr-defined]
    return exc


_UPLOAD = {p.dest: p for p in _params("upload-bundle", drop=("manifest",))}


@command("bundle-and-upload-image", "bundles", "Bundle an image file and upload the bundle in one step.",
         params=(*_params("bundle-image", drop=("destination", "force")), _UPLOAD["bucket"], _UPLOAD["acl"],
                 Param("preserve", ("--preserve-bundle",), action="flag",
                       help="keep the local bundle (its folder is named) instead of removing it")),
         mutates=True, example="bundle-and-upload-image -i centos-7.img -r x86_64 -b mybucket/images")
def bundle_and_upload_image(ctx: Context, inv: Invocation) -> Result:
    if ctx.dry_run:
        raise DryRunDone(True, f"bundle-and-upload-image would bundle {inv.image} and upload it to "
                               f"s3://{inv.bucket}; nothing was written or sent")
    work = Path(tempfile.mkdtemp(prefix="cloudshell-bundle-"))
    try:
        bundled = _step(ctx, "bundle-image", dict(inv.values, destination=str(work), force=False))
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    manifest = bundled.data["Manifest"]
    try:
        uploaded = _step(ctx, "upload-bundle", {"bucket": inv.bucket, "manifest": manifest, "acl": inv.acl})
    except CloudshellError as exc:
        raise _after_failure(exc, work, f"upload-bundle -b {inv.bucket} -m {manifest}") from None
    lines = [*bundled.lines[:1], *uploaded.lines]
    if inv.preserve:
        lines.append(f"the bundle is kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    data = dict(uploaded.data, **({"Bundle": str(work)} if inv.preserve else {}))
    return Result(data=data, lines=tuple(lines))


_DOWNLOAD = {p.dest: p for p in _params("download-bundle")}
_UNBUNDLE = {p.dest: p for p in _params("unbundle")}


@command("download-and-unbundle", "bundles", "Download a bundle from a bucket and restore the image in one "
         "step.",
         params=(_DOWNLOAD["bucket"], _DOWNLOAD["prefix"], _UNBUNDLE["destination"], _UNBUNDLE["privatekey"],
                 _DOWNLOAD["cert"], _UNBUNDLE["force"]),
         example="download-and-unbundle -b mybucket/images -p centos-7.img -d ./restored")
def download_and_unbundle(ctx: Context, inv: Invocation) -> Result:
    if ctx.dry_run:
        raise DryRunDone(True, f"download-and-unbundle would download from s3://{inv.bucket} and restore "
                               f"the image into {inv.destination or '.'}; nothing was written")
    work = Path(tempfile.mkdtemp(prefix="cloudshell-bundle-"))
    try:
        got = _step(ctx, "download-bundle", {"bucket": inv.bucket, "prefix": inv.prefix, "directory": str(work),
                                             "cert": inv.cert})
        manifest = got.data["Manifest"]
        restored = _step(ctx, "unbundle", {"manifest": manifest, "destination": inv.destination,
                                           "privatekey": inv.privatekey, "force": inv.force})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Result(data=dict(restored.data, Signature=got.data.get("Signature")),
                  lines=(*got.lines[:1], *restored.lines), warnings=got.warnings)
