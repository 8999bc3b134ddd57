"""Keypairs: create (private key straight into a new 0600 file), import a public key, delete.

The private key is a secret: it goes into a file that did not exist before
(never overwritten). Only ``--output json``/``text`` or ``--query`` print it, in
awscli's ``KeyMaterial``, as awscli does; the table and tsv forms never do.
"""

from __future__ import annotations

import binascii
import logging
import os

from cloudshell.cloud.errors import CloudError, OutcomeUnknown, Refused, UsageError
from cloudshell.commands.context import Context, Result
from cloudshell.commands.guards import find, label
from cloudshell.commands.registry import FILE, KEYPAIR, TEXT, Invocation, Param, command
from cloudshell.commands.values import existing_file, keypair_name, shown

log = logging.getLogger(__name__)

KEY_TYPES = ("rsa", "ed25519")
PUBLIC_KEY_TYPES = ("ssh-rsa", "ssh-ed25519", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                    "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com")
MAX_PUBLIC_KEY = 16 * 1024


def key_path(inv: Invocation) -> str:
    """Where create-keypair writes the private key: -f FILE, else ./NAME.pem."""
    if inv.file:
        return os.path.expanduser(inv.file)
    if "/" in inv.name or inv.name in (".", "..") or "\0" in inv.name:
        raise UsageError(f"create-keypair: {shown(inv.name)} cannot name a file: give -f FILE for the key")
    return f"{inv.name}.pem"


def _refuse_existing(ctx: Context, name: str, cmd: str) -> None:
    rec = ctx.inventory("keypairs").get(name, "keypairs")
    if rec is not None:
        raise Refused(f"{cmd}: keypair {name} exists already (fingerprint {rec['fingerprint'] or '?'}); "
                      "delete it first or pick another name")


def _check_create(ctx: Context, inv: Invocation) -> None:
    path = key_path(inv)
    if os.path.lexists(path):
        raise UsageError(f"create-keypair: {shown(path)} exists already: refusing to overwrite it "
                         "(give another -f FILE)")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"create-keypair: no folder {shown(folder)} for the key file (expected an existing folder)")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"create-keypair: cannot write in {shown(folder)} (permission denied)")
    _refuse_existing(ctx, inv.name, "create-keypair")


@command("create-keypair", "keypairs", "Create a keypair; its private key goes into a new file (0600).",
         aliases=("add-keypair", "create-key-pair"),
         params=(
             Param("name", kind=TEXT, required=True, convert=keypair_name, metavar="KEYPAIR",
                   help="the new keypair's name"),
             Param("file", ("-f", "--filename"), kind=FILE, metavar="FILE",
                   help="write the private key here (default ./KEYPAIR.pem; never overwritten)"),
             Param("type", ("--type",), choices=KEY_TYPES, metavar="TYPE", help="key type (default rsa)"),
         ),
         mutates=True, check=_check_create, example="create-keypair -f ~/.ssh/mykey.pem mykey")
def create_keypair(ctx: Context, inv: Invocation) -> Result:
    params = {"KeyName": inv.name}
    if inv.type:
        params["KeyType"] = inv.type
    if ctx.dry_run:
        ctx.send("create_key_pair", **params)   # raises DryRunDone; no file is made
    if _key_on_stdout(ctx, inv):
        reply = ctx.send("create_key_pair", **params)
        ctx.after_action([], kinds=["keypairs"])
        return Result(data=reply, lines=(f"created keypair {inv.name} ({reply.get('KeyFingerprint', '')})",))
    path = key_path(inv)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise UsageError(f"create-keypair: {shown(path)} exists already: refusing to overwrite it") from None
    except OSError as exc:
        raise UsageError(f"create-keypair: cannot create {shown(path)}: {exc.strerror}") from None
    try:
        reply = ctx.send("create_key_pair", **params)
    except OutcomeUnknown as exc:   # it may exist now, without its key: say which one
        os.close(fd)
        os.unlink(path)
        raise OutcomeUnknown(exc.code, f"{exc.message}; keypair {inv.name} may have been created without its "
                             f"private key: check with describe-keypairs {inv.name}",
                             operation=exc.operation, status=exc.status) from None
    except BaseException:
        os.close(fd)
        os.unlink(path)
        raise
    shape = list(reply)   # awscli's JSON: the answer as it came, KeyMaterial in its place
    material = str(reply.pop("KeyMaterial", "") or "")
    _save_key(fd, path, inv.name, material)
    try:
        ctx.after_action([], kinds=["keypairs"])   # the line says what changed; the diff would repeat it
    except Exception:  # noqa: BLE001 - created and saved: a failed re-read must not hide that
        log.warning("create-keypair %s: re-reading the keypairs failed", inv.name, exc_info=True)
    data = {key: reply.get(key, material) for key in shape}
    line = f"created keypair {inv.name} ({reply.get('KeyFingerprint', '')}); private key in {path} (mode 0600)"
    return Result(data=data, lines=(line,))


def _key_on_stdout(ctx: Context, inv: Invocation) -> bool:
    """euca2ools' way, for its scripts (``euca-add-keypair k > k.priv``): without ``-f``, in its
    output format, the private key is printed after the KEYPAIR line and no file is made."""
    chosen = inv.output or ("euca" if inv.euca_name else ctx.user_config.get("output"))
    return not inv.file and chosen == "euca"


def _save_key(fd: int, path: str, name: str, material: str) -> None:
    """Write the key material, as the bytes the cloud sent (UTF-8), into the new 0600 file.

    The keypair exists by now: whatever goes wrong, the one line says so and names it,
    and an unusable file is not left behind."""
    def lost(why: str) -> CloudError:
        return CloudError("KeyNotSaved", f"keypair {name} was created but {why}: its private key is lost; "
                          f"delete the keypair with delete-keypair {name}")

    written = False
    try:
        if not material.strip():
            raise lost("the cloud sent no private key")
        data = material.encode("utf-8", "surrogateescape")
        data += b"" if data.endswith(b"\n") else b"\n"
        os.fchmod(fd, 0o600)   # whatever the umask did
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        written = True
    except CloudError:
        raise
    except OSError as exc:
        raise lost(f"its private key could not be written to {shown(path)} ({exc.strerror or exc})") from None
    except KeyboardInterrupt:
        raise lost(f"writing its private key to {shown(path)} was interrupted") from None
    except Exception as exc:  # noqa: BLE001 - the keypair exists: say so, whatever broke
        raise lost(f"its private key could not be written to {shown(path)} ({type(exc).__name__})") from None
    finally:
        try:
            os.close(fd)
        except OSError:
            written = False
        if not written:
            try:
                os.unlink(path)
            except OSError:
                pass


def read_public_key(path: str) -> bytes:
    """The file's one OpenSSH public key line, checked; one-line errors otherwise."""
    with open(path, "rb") as fh:
        data = fh.read(MAX_PUBLIC_KEY + 1)
    if len(data) > MAX_PUBLIC_KEY:
        raise UsageError(f"{shown(path)} is too large for a public key (expected an OpenSSH .pub file)")
    text = data.decode("ascii", "replace")
    if "PRIVATE KEY" in text:
        raise UsageError(f"{shown(path)} holds a PRIVATE key: give its public half (the .pub file); "
                         "a private key is never uploaded")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    expected = "expected one OpenSSH public key line like 'ssh-ed25519 AAAA… comment'"
    if len(lines) != 1:
        raise UsageError(f"{shown(path)} is not an OpenSSH public key ({expected})")
    parts = lines[0].split()
    if len(parts) < 2 or parts[0] not in PUBLIC_KEY_TYPES:
        raise UsageError(f"{shown(path)} is not an OpenSSH public key ({expected})")
    try:
        blob = binascii.a2b_base64(parts[1].encode("ascii"), strict_mode=True)
    except (binascii.Error, ValueError):
        blob = b""
    fields = _wire_fields(blob)
    if len(fields) < 2 or fields[0] != parts[0].encode("ascii"):
        raise UsageError(f"{shown(path)}: the key data is damaged (its base64 does not hold a "
                         f"{parts[0]} key)")
    return (lines[0] + "\n").encode("ascii")


def _wire_fields(blob: bytes) -> list[bytes]:
    """The length-prefixed fields of an SSH public key blob; [] unless they fill it exactly."""
    fields, pos = [], 0
    while pos < len(blob):
        if pos + 4 > len(blob):
            return []
        size = int.from_bytes(blob[pos:pos + 4], "big")
        pos += 4
        if pos + size > len(blob):
            return []
        fields.append(blob[pos:pos + size])
        pos += size
    return fields


def _check_import(ctx: Context, inv: Invocation) -> None:
    try:
        read_public_key(inv.file)
    except UsageError as exc:
        raise UsageError(f"import-keypair: {exc}") from None
    _refuse_existing(ctx, inv.name, "import-keypair")


@command("import-keypair", "keypairs", "Import an OpenSSH public key as a keypair.",
         aliases=("import-key-pair",),
         params=(
             Param("name", kind=TEXT, required=True, convert=keypair_name, metavar="KEYPAIR",
                   help="the new keypair's name"),
             Param("file", ("-f", "--public-key-file"), kind=FILE, required=True, convert=existing_file,
                   metavar="PUBKEY", help="an OpenSSH public key file (e.g. ~/.ssh/id_ed25519.pub)"),
         ),
         mutates=True, check=_check_import, example="import-keypair -f ~/.ssh/id_ed25519.pub mykey")
def import_keypair(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("import_key_pair", KeyName=inv.name, PublicKeyMaterial=read_public_key(inv.file))
    ctx.after_action([], kinds=["keypairs"])
    line = f"imported keypair {inv.name} ({reply.get('KeyFingerprint', '')}) from {inv.file}"
    return Result(data=reply, lines=(line,))


def _users_of(ctx: Context, name: str) -> list[str]:
    return sorted(label(i) for i in ctx.inventory("instances").of("instances").values()
                  if i.raw.get("KeyName") == name and i.state != "terminated")


def _check_delete(ctx: Context, inv: Invocation) -> None:
    find(ctx, inv.name, "keypairs")   # EC2 "deletes" an unknown name without a word


def _confirm_delete(ctx: Context, inv: Invocation) -> str:
    rec = find(ctx, inv.name, "keypairs")
    users = _users_of(ctx, inv.name)
    note = (f" {len(users)} instance{'s' if len(users) != 1 else ''} launched with it keep the key, but "
            "new ones cannot use it." if users else "")
    return f"Delete keypair {inv.name} ({rec['fingerprint'] or 'no fingerprint'})?{note}"


@command("delete-keypair", "keypairs", "Delete a keypair (instances launched with it keep their key).",
         aliases=("delete-key-pair",),
         params=(Param("name", kind=KEYPAIR, required=True, convert=keypair_name, metavar="KEYPAIR",
                       help="the keypair to delete"),),
         mutates=True, destroys=True, check=_check_delete, confirm=_confirm_delete,
         example="delete-keypair mykey")
def delete_keypair(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("delete_key_pair", KeyName=inv.name)
    ctx.after_action([], kinds=["keypairs"])
    return Result(data=reply, lines=(f"deleted keypair {inv.name}",))
