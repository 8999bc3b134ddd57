"""bundle-and-upload-image and download-and-unbundle: euca2ools' one-step forms, made of the
bundle commands' own steps (bundle-image then upload-bundle; download-bundle then unbundle), so
they check, resume and report exactly as those do.

The bundle in between lives in a private temporary folder, removed once the second step is done
(``--preserve-bundle`` keeps it); when the second step fails, the folder is kept and named, so the
step can be run again by hand.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from cloudshell.cloud.errors import CloudshellError, UsageError
from cloudshell.commands.context import Context, DryRunDone, Result
from cloudshell.commands.images import image_description, image_name
from cloudshell.commands.registry import FILE, REGISTRY, Invocation, Param, command
from cloudshell.commands.values import shown


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



def _is_image_id(value: Any) -> bool:
    return isinstance(value, str) and value[:4] in ("eki-", "aki-", "eri-", "ari-")


@command("install-image", "bundles", "Bundle an image file, upload it and register it, in one step.",
         params=(*_params("bundle-and-upload-image"),
                 Param("name", ("-n", "--name"), required=True, convert=image_name, metavar="NAME",
                       help="name of the new image"),
                 Param("description", ("--description",), convert=image_description, metavar="DESC",
                       help="its description"),
                 Param("virtualization", ("--virtualization-type",), choices=("paravirtual", "hvm"),
                       metavar="TYPE", help="paravirtual or hvm"),
                 Param("platform", ("--platform",), choices=("windows",), metavar="windows",
                       help="windows, for a Windows image")),
         mutates=True, example="install-image -i centos-7.img -r x86_64 -b mybucket -n centos-7")
def install_image(ctx: Context, inv: Invocation) -> Result:
    if ctx.dry_run:
        raise DryRunDone(True, f"install-image would bundle {inv.image}, upload it to s3://{inv.bucket} and "
                               f"register it as {inv.name}; nothing was written or sent")
    uploaded = _step(ctx, "bundle-and-upload-image", inv.values)
    location = uploaded.data["ManifestLocation"]
    values = {"location": location, "name": inv.name, "description": inv.description,
              "architecture": inv.arch, "virtualization": inv.virtualization,
              "kernel": inv.kernel if _is_image_id(inv.kernel) else None,
              "ramdisk": inv.ramdisk if _is_image_id(inv.ramdisk) else None}
    try:
        registered = _step(ctx, "register", values)
    except CloudshellError as exc:
        exc.message = f"{exc.message}; the bundle is uploaded: register {location} -n {inv.name} to finish"  # type: ignore[attr-defined]
        exc.args = (exc.message,)  # type: ignore[attr-defined]
        raise
    return Result(data=dict(registered.data, ManifestLocation=location),
                  lines=(*uploaded.lines[:-1], *registered.lines))


# -- unbundle-stream ---------------------------------------------------------------------------------
def hex_bytes(raw: str) -> bytes:
    value = raw.strip()
    if len(value) != 32 or any(c not in "0123456789abcdefABCDEF" for c in value):
        raise UsageError(f"{shown(raw)} is not a 128-bit key or IV (expected 32 hex digits, as the manifest's)")
    return bytes.fromhex(value)


def sha1_hex(raw: str) -> str:
    value = raw.strip().lower()
    if len(value) != 40 or any(c not in "0123456789abcdef" for c in value):
        raise UsageError(f"{shown(raw)} is not a SHA-1 digest (expected 40 hex digits)")
    return value


def byte_count(raw: str) -> int:
    if not raw.strip().isdigit():
        raise UsageError(f"{shown(raw)} is not a size (expected a number of bytes)")
    return int(raw)


def _check_stream(ctx: Context, inv: Invocation) -> None:
    if not inv.dest and (ctx.interactive or sys.stdout.isatty()):
        raise UsageError("unbundle-stream: the image is binary: give -o FILE (it is not written to a terminal)")
    if inv.dest and os.path.lexists(os.path.expanduser(inv.dest)):
        raise UsageError(f"unbundle-stream: -o {shown(inv.dest)} already exists (expected a new file name)")
    if inv.source and not os.path.isfile(os.path.expanduser(inv.source)):
        raise UsageError(f"unbundle-stream: -i {shown(inv.source)}: no such file (expected the bundle's "
                         "encrypted stream; default: stdin)")


@command("unbundle-stream", "bundles", "Decrypt and unpack a bundle's joined parts from stdin (or -i) to stdout "
         "(or -o).",
         params=(Param("source", ("-i",), kind=FILE, metavar="FILE", help="the bundle stream (default: stdin)"),
                 Param("dest", ("-o",), kind=FILE, metavar="FILE", help="the image (default: stdout, not a terminal)"),
                 Param("key", ("--enc-key",), required=True, convert=hex_bytes, metavar="HEX",
                       help="the bundle's AES key (the manifest's, decrypted)"),
                 Param("iv", ("--enc-iv",), required=True, convert=hex_bytes, metavar="HEX",
                       help="the bundle's initialisation vector"),
                 Param("size", ("--image-size",), convert=byte_count, metavar="BYTES",
                       help="check the image is this many bytes"),
                 Param("digest", ("--sha1-digest",), convert=sha1_hex, metavar="HEX",
                       help="check the unpacked stream's SHA-1 (the manifest's image digest)")),
         check=_check_stream, example="cat img.part.* | unbundle-stream --enc-key HEX --enc-iv HEX > disk.img")
def unbundle_stream(ctx: Context, inv: Invocation) -> Result:
    from cloudshell.cloud.bundle.errors import BadBundle
    from cloudshell.cloud.bundle.files import NewFile
    from cloudshell.cloud.bundle.stream import BUFFER_SIZE
    from cloudshell.cloud.bundle.unpack import _CorruptData, _Unpacker

    src = open(os.path.expanduser(inv.source), "rb") if inv.source else sys.stdin.buffer
    target = NewFile(Path(os.path.expanduser(inv.dest)).absolute()) if inv.dest else None
    out = target.file if target else sys.stdout.buffer
    try:
        unpacker = _Unpacker(inv.key, inv.iv, out, inv.size)
        while chunk := src.read(BUFFER_SIZE):
            unpacker.feed(chunk)
        unpacker.finish()
        if inv.size is not None and unpacker.tar.size != inv.size:
            raise BadBundle(f"the image is {unpacker.tar.size} bytes, not the {inv.size} of --image-size")
        if inv.digest and unpacker.tar_sha.hexdigest() != inv.digest:
            raise BadBundle(f"the stream's SHA-1 {unpacker.tar_sha.hexdigest()} differs from --sha1-digest")
        if target:
            target.commit()
        else:
            out.flush()
    except _CorruptData as exc:
        raise BadBundle(f"unbundle-stream: {exc}") from None
    finally:
        if inv.source:
            src.close()
        if target:
            target.discard()
    if not target:
        return Result(data=None, lines=())
    return Result(data={"Image": inv.dest, "Size": unpacker.tar.size, "Digest": unpacker.tar_sha.hexdigest()},
                  lines=(f"wrote {inv.dest} ({unpacker.tar.size} bytes)",))
