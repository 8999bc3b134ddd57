"""ssh INSTANCE: log in from a jump host with the right address, user and key.

:func:`ssh_argv` is the one resolver every face uses (the REPL and the monitor
hand the terminal over and run the list themselves); the command handler here
runs it with ``subprocess.run`` — an argument list, never a shell.
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cloudshell.cloud.errors import ConfigError, Refused, UsageError
from cloudshell.commands.context import Context, Result
from cloudshell.commands.guards import find, label
from cloudshell.commands.registry import FILE, INSTANCE_RUNNING, INT, TEXT, Invocation, Param, command
from cloudshell.commands.values import (
    existing_file, host_address, instance_id, key_name_for_file, login_user, port_number,
)

SSH_PROGRAM = "ssh"
# OpenSSH options that take a value; every other letter is a flag.
_VALUE_LETTERS = frozenset("BbcDEeFIiJLlmOopQRSWw")

# Login users of the common cloud images, by image name; first match wins.
DEFAULT_USERS: tuple[tuple[str, str], ...] = (
    ("ubuntu*", "ubuntu"),
    ("centos*", "centos"),
    ("debian*", "admin"),
    ("amzn*", "ec2-user"),
    ("amazon*", "ec2-user"),
    ("al20*", "ec2-user"),
    ("rhel*", "ec2-user"),
    ("suse*", "ec2-user"),
    ("sles*", "ec2-user"),
    ("fedora*", "fedora"),
    ("rocky*", "rocky"),
    ("almalinux*", "ec2-user"),
)
FALLBACK_USER = "root"


@dataclass(frozen=True)
class SshTarget:
    """Everything resolved for one login, and why (for the line shown before connecting)."""

    host: str
    user: str
    key: str | None = None
    port: int | None = None
    options: tuple[str, ...] = ()
    remote: tuple[str, ...] = ()
    reasons: tuple[str, ...] = field(default=(), compare=False)

    def argv(self, program: str = SSH_PROGRAM) -> list[str]:
        out = [program, "-l", self.user]
        if self.port is not None:
            out += ["-p", str(self.port)]
        if self.key:
            out += ["-i", self.key]
        # "--" before the host: nothing after it is read as an ssh option.
        return out + list(self.options) + ["--", self.host] + list(self.remote)


def split_ssh_args(args: Sequence[str]) -> tuple[list[str], list[str]]:
    """The user's extra arguments: leading ssh options (with their values), then the remote command."""
    options: list[str] = []
    i = 0
    while i < len(args):
        tok = args[i]
        if tok == "--":
            return options, list(args[i + 1:])
        if not tok.startswith("-") or tok == "-":
            break
        options.append(tok)
        i += 1
        letters = tok[1:]
        for n, letter in enumerate(letters):
            if letter in _VALUE_LETTERS:
                if n == len(letters) - 1:   # the value is the next word
                    if i >= len(args):
                        raise UsageError(f"ssh: the ssh option {tok} needs a value")
                    options.append(args[i])
                    i += 1
                break
    return options, list(args[i:])


def user_rules(user_config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``[ssh.users]`` of the user config: image-name glob → login user, in file order."""
    section = (user_config.get("ssh") or {}) if isinstance(user_config, Mapping) else {}
    rules = section.get("users", {}) if isinstance(section, Mapping) else None
    if not isinstance(rules, Mapping):
        raise ConfigError("user config: [ssh.users] must map image-name globs to users, "
                          'e.g. "centos-*" = "centos"')
    out = []
    for glob, user in rules.items():
        if not isinstance(user, str):
            raise ConfigError(f"user config: [ssh.users] {glob!r} must be a user name, not {user!r}")
        try:
            out.append((str(glob), login_user(user)))
        except UsageError as exc:
            raise ConfigError(f"user config: [ssh.users] {glob!r}: {exc}") from None
    return out


def pick_user(image_name: str, image_id: str, rules: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """(user, why): a configured rule on the image name (or ID), else a guess from the name, else root."""
    name = image_name.lower()
    for glob, user in rules:
        pattern = glob.lower()
        if (name and fnmatch.fnmatchcase(name, pattern)) or fnmatch.fnmatchcase(image_id.lower(), pattern):
            return user, f"user {user} from the rule {glob!r}"
    base = os.path.basename(name)
    for glob, user in DEFAULT_USERS:
        if base and fnmatch.fnmatchcase(base, glob):
            return user, f"user {user} guessed from the image {image_name}"
    return FALLBACK_USER, f"user {FALLBACK_USER} (no rule for image {image_name or image_id or '?'})"


def find_key(key_name: str, user_config: Mapping[str, Any]) -> str | None:
    """The private key for a keypair: key_dir/NAME.pem or key_dir/NAME, else ~/.ssh/NAME.pem.

    The name comes from the cloud: one that is not a plain file name finds no key."""
    try:
        key_name_for_file(key_name)
    except UsageError:
        return None
    folders = []
    configured = user_config.get("key_dir") if isinstance(user_config, Mapping) else None
    if isinstance(configured, str) and configured:
        folders.append(os.path.expanduser(configured))
    folders.append(os.path.expanduser("~/.ssh"))
    for folder in folders:
        for file_name in (f"{key_name}.pem", key_name):
            path = os.path.join(folder, file_name)
            if os.path.isfile(path):
                return path
    return None


def ssh_target(ctx: Context, inv: Invocation) -> SshTarget:
    """Resolve address, user, key and extra arguments from the inventory; refuses in one line."""
    instance = find(ctx, inv.instance, "instances")
    if instance.state != "running":
        raise Refused(f"ssh: {label(instance)} is {instance.state or 'in no known state'}: "
                      "ssh needs a running instance")
    raw = instance.raw
    reasons = []
    if inv.address:
        host = inv.address
        reasons.append(f"address {host} as given")
    else:
        found = raw.get("PrivateIpAddress") if inv.private else (
            raw.get("PublicIpAddress") or raw.get("PrivateIpAddress"))
        if not found:
            which = "private address" if inv.private else "address (neither public nor private)"
            raise Refused(f"ssh: {label(instance)} has no {which}; give --address ADDR")
        try:
            host = host_address(str(found))
        except UsageError as exc:
            raise Refused(f"ssh: {label(instance)} has an address ssh cannot use, refused: {exc}") from None
    if inv.user:
        user = inv.user
    else:
        image_id = str(raw.get("ImageId") or "")
        image = ctx.inventory("images").get(image_id, "images") if image_id else None
        image_name = (image.name or str(image.raw.get("ImageLocation") or "")) if image else ""
        user, why = pick_user(image_name, image_id, user_rules(ctx.user_config))
        reasons.append(why)
    key = inv.key or find_key(str(raw.get("KeyName") or ""), ctx.user_config)
    if key and not inv.key:
        reasons.append(f"key {key}")
    options, remote = split_ssh_args(inv.args)
    return SshTarget(host=host, user=user, key=key, port=inv.port, options=tuple(options),
                     remote=tuple(remote), reasons=tuple(reasons))


def ssh_argv(ctx: Context, inv: Invocation) -> list[str]:
    """The ssh command line for an ``ssh`` invocation; every face runs exactly this list."""
    return ssh_target(ctx, inv).argv()


@command("ssh", "shell", "Log in to a running instance (address, user and key found for you).",
         params=(
             Param("instance", kind=INSTANCE_RUNNING, required=True, convert=instance_id, metavar="INSTANCE",
                   help="a running instance"),
             Param("user", ("--user", "-l"), kind=TEXT, convert=login_user, metavar="USER",
                   help="login user (default: from [ssh.users] in the config, else guessed from the image)"),
             Param("key", ("-i", "--identity"), kind=FILE, convert=existing_file, metavar="KEYFILE",
                   help="private key (default: KEY_DIR/KEYNAME.pem or ~/.ssh/KEYNAME.pem when present)"),
             Param("private", ("--private",), action="flag", help="use the private address"),
             Param("address", ("--address",), convert=host_address, metavar="ADDR",
                   help="connect here instead (NAT, port forwards, tests)"),
             Param("port", ("--port", "-p"), kind=INT, convert=port_number, metavar="PORT",
                   help="ssh port (default 22)"),
             Param("args", action="rest", metavar="SSH-ARGS",
                   help="passed to ssh: options (-J bastion, -L …), then a remote command"),
         ),
         euca=False, example="ssh i-1a2b3c4d -- -J bastion.example.com uptime")
def ssh_command(ctx: Context, inv: Invocation) -> Result:
    target = ssh_target(ctx, inv)
    argv = target.argv()
    ctx.progress(f"ssh {target.user}@{target.host}" + (f" ({'; '.join(target.reasons)})" if target.reasons else ""))
    try:
        completed = subprocess.run(argv, check=False)  # noqa: S603 - an argument list, no shell
    except FileNotFoundError:
        raise Refused("ssh: the ssh program is not installed (Debian: apt-get install openssh-client)") from None
    return Result(exit_code=completed.returncode)
