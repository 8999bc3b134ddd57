"""euca2ools' commands that mostly work here: describe-group (describe-groups under its euca2ools
name), fingerprint-key (a private key's fingerprint as describe-keypairs shows it), version, and
generate-environment-config (the current settings as eucarc-style shell lines).

generate-environment-config never prints the secret key unless ``--show-secret`` is given: the
line says it is set and how to see it.
"""

from __future__ import annotations

import hashlib
import shlex
from typing import Any

from cloudshell import __version__
from cloudshell.cloud.errors import UsageError
from cloudshell.commands.context import Context, Result
from cloudshell.commands.registry import FILE, REGISTRY, Invocation, Param, command
from cloudshell.commands.values import private_key_pem, shown

EUCA2OOLS_VERSION = "3.4.1"   # the euca2ools whose command names and options these follow


# -- describe-group -----------------------------------------------------------------------
def _groups_command() -> Any:
    found = REGISTRY.resolve("describe-groups")
    if found is None:  # pragma: no cover - GROUP_MODULES loads describe first
        raise RuntimeError("describe-groups is not registered")
    return found


@command("describe-group", "security groups", "List security groups (euca2ools' name for describe-groups).",
         params=_groups_command().params, example="describe-group mygroup")
def describe_group(ctx: Context, inv: Invocation) -> Result:
    return _groups_command().handler(ctx, inv)


# -- fingerprint-key ---------------------------------------------------------------------------

def key_fingerprint(pem: bytes) -> str:
    """SHA-1 of the key's unencrypted PKCS#8 DER, in colon pairs: what EC2 shows for a key it made."""
    from cryptography.hazmat.primitives import serialization

    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise UsageError("fingerprint-key: cannot read the private key (encrypted, or not a PEM key)") from None
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    digest = hashlib.sha1(der).hexdigest()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


@command("fingerprint-key", "keypairs", "Show a private key's fingerprint as describe-keypairs shows it.",
         params=(Param("key", kind=FILE, required=True, convert=private_key_pem, metavar="FILE",
                       help="the private key file"),),
         example="fingerprint-key mykey.priv",
         description="It differs from the key's SSH fingerprint (ssh-keygen -l); nothing is sent to the cloud.")
def fingerprint_key(ctx: Context, inv: Invocation) -> Result:
    fingerprint = key_fingerprint(inv.key)
    return Result(data={"KeyFingerprint": fingerprint}, raw_text=fingerprint)


# -- version -------------------------------------------------------------------------------------
@command("version", "shell", "Show cloudshell's version and the euca2ools it follows.", example="version")
def version(ctx: Context, inv: Invocation) -> Result:
    text = f"cloudshell {__version__} (euca2ools {EUCA2OOLS_VERSION} command names and options)"
    return Result(data={"Version": __version__, "Euca2oolsCompatible": EUCA2OOLS_VERSION}, raw_text=text)


# -- generate-environment-config ---------------------------------------------------------------------
def environment(ctx: Context, *, show_secret: bool) -> dict[str, str | None]:
    ep = ctx.session.endpoint
    secret = ep.secret_key
    return {"EC2_URL": ep.endpoint_url, "S3_URL": ep.s3_endpoint_url, "AWS_DEFAULT_REGION": ep.region,
            "AWS_ACCESS_KEY_ID": ep.access_key, "AWS_PROFILE": ep.profile if not ep.access_key else None,
            "AWS_SECRET_ACCESS_KEY": secret if show_secret else None,
            "AWS_SECURITY_TOKEN": ep.session_token if show_secret else None}


@command("generate-environment-config", "shell",
         "Print the current settings as shell lines (eucarc style) to eval or save.",
         params=(Param("simple", ("--simple",), action="flag", help="NAME=VALUE lines, for scripts"),
                 Param("show_secret", ("--show-secret",), action="flag",
                       help="include the secret key and session token (else they are left out, and said so)")),
         example='eval "$(cloudshell generate-environment-config --show-secret)"',
         description="The secret key is printed only with --show-secret: anything that reads the output "
                     "(a terminal's scroll-back, a log) then holds it.")
def generate_environment_config(ctx: Context, inv: Invocation) -> Result:
    env = environment(ctx, show_secret=bool(inv.show_secret))
    ep = ctx.session.endpoint
    hidden = [name for name, value in (("AWS_SECRET_ACCESS_KEY", ep.secret_key),
                                       ("AWS_SECURITY_TOKEN", ep.session_token))
              if value and not inv.show_secret]
    lines: list[str] = []
    if inv.simple:
        lines = [f"{k}={v or ''}" for k, v in sorted(env.items()) if k not in hidden]
    else:
        lines = [f"{k}={shlex.quote(v)}; export {k};" for k, v in sorted(env.items()) if v]
        lines += [f"# {k} is not set" for k, v in sorted(env.items()) if not v and k not in hidden]
    lines += [f"# {k} is set but not shown (add --show-secret to include it)" for k in hidden]
    data = {k: v for k, v in env.items() if v}
    return Result(data=data, raw_text="\n".join(lines))
