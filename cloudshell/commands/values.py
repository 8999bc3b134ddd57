"""Validators for parameter values: each takes the raw string, returns the value or raises UsageError.

They run before anything is sent, and their messages say what is wrong and what is expected.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from cloudshell.cloud.errors import UsageError
from cloudshell.cloud.kinds import KINDS, ResourceKind

_HEX_ID = r"[0-9a-f]{8}(?:[0-9a-f]{9})?"


def id_shape(*prefixes: str, what: str) -> Callable[[str], str]:
    """A validator for IDs like ``vol-1a2b3c4d`` (8 or 17 hex digits after the prefix)."""
    pattern = re.compile(rf"(?:{'|'.join(re.escape(p) for p in prefixes)}){_HEX_ID}")
    example = f"{prefixes[0]}1a2b3c4d"

    def check(raw: str) -> str:
        value = raw.strip()
        if not pattern.fullmatch(value.lower()):
            raise UsageError(f"{_show(raw)} is not {what} (expected an ID like {example})")
        return value.lower()
    check.__name__ = f"{what.replace(' ', '_')}_id"
    return check


def _show(raw: str, limit: int = 40) -> str:
    """A user's value quoted for a message: control characters escaped, long values cut."""
    text = raw.encode("unicode_escape", "backslashreplace").decode("ascii")
    return repr(text if len(text) <= limit else text[:limit] + "…")


def kind_id(kind: ResourceKind) -> Callable[[str], str]:
    """The validator of one kind's IDs, from its prefixes (``an instance ID``, ``a volume ID``)."""
    article = "an" if kind.singular[0] in "aeiou" else "a"
    return id_shape(*kind.id_prefixes, what=f"{article} {kind.singular} ID")


instance_id = kind_id(KINDS["instances"])
volume_id = kind_id(KINDS["volumes"])
snapshot_id = kind_id(KINDS["snapshots"])
image_id = kind_id(KINDS["images"])
group_id = kind_id(KINDS["groups"])


def resource_id(raw: str) -> str:
    """Any ID the EC2 API tags or describes: PREFIX-HEX."""
    value = raw.strip()
    if not re.fullmatch(r"[a-z]{1,8}-[0-9a-f]{8}(?:[0-9a-f]{9})?", value.lower()):
        raise UsageError(f"{_show(raw)} is not a resource ID (expected e.g. i-1a2b3c4d, vol-…, emi-…)")
    return value.lower()


FILTER_NAME = re.compile(r"[A-Za-z0-9:._\-]+")


def filter_pair(raw: str) -> tuple[str, str] | dict[str, Any]:
    """euca2ools' ``NAME=VALUE`` (``--filter instance-state-name=running``), or awscli's
    ``Name=N,Values=V1,V2`` read as awscli reads it (EC2 has no filter called ``Name``)."""
    if raw.startswith(("Name=", "Values=")):
        from cloudshell.commands.awscli_args import aws_filter

        return aws_filter(raw)
    name, eq, value = raw.partition("=")
    if not eq or not name.strip() or not FILTER_NAME.fullmatch(name.strip()):
        raise UsageError(f"{_show(raw)} is not a filter (expected NAME=VALUE, e.g. instance-state-name=running, "
                         "or Name=status,Values=available)")
    return name.strip(), value


def filters_param(pairs: list[Any]) -> list[dict]:
    """The API's Filters: euca2ools' repeated NAME=VALUE grouped by name, awscli's filters as given."""
    out: list[dict] = []
    grouped: dict[str, dict] = {}
    for item in pairs:
        for one in item if isinstance(item, list) else [item]:
            if isinstance(one, dict):
                out.append(one)
            elif one[0] in grouped:
                grouped[one[0]]["Values"].append(one[1])
            else:
                grouped[one[0]] = {"Name": one[0], "Values": [one[1]]}
                out.append(grouped[one[0]])
    return out


def positive_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(f"{_show(raw)} is not a whole number") from None
    if value < 1:
        raise UsageError(f"{value} must be 1 or more")
    return value


shown = _show


# -- security groups ------------------------------------------------------------------

vpc_id = id_shape("vpc-", what="a VPC ID")
_PRINTABLE = re.compile(r"[ -~]+")   # printable ASCII, as EC2 allows in names and descriptions


def group_name(raw: str) -> str:
    """A new security group's name: 1-255 printable ASCII characters, not ``sg-…``."""
    if not _PRINTABLE.fullmatch(raw) or len(raw) > 255 or not raw.strip():
        raise UsageError(f"{_show(raw)} is not a group name (expected 1-255 printable ASCII characters)")
    if raw.lower().startswith("sg-"):
        raise UsageError(f"{_show(raw)} is not a group name (names may not start with sg-)")
    return raw


def group_ref(raw: str) -> str:
    """An existing security group, by name or by ID (``sg-…``)."""
    return group_id(raw) if raw.strip().lower().startswith("sg-") else group_name(raw)


def description(raw: str) -> str:
    """A description: up to 255 printable characters, no control characters."""
    if len(raw) > 255 or re.search(r"[\x00-\x1f\x7f]", raw):
        raise UsageError(f"{_show(raw)} is not a description (expected up to 255 characters, "
                         "no control characters)")
    return raw


def account_id(raw: str) -> str:
    """The owner of a source group: an account number (or a Eucalyptus 2 user name)."""
    if not re.fullmatch(r"[A-Za-z0-9._@+=-]{1,64}", raw) or raw.startswith("-"):
        raise UsageError(f"{_show(raw)} is not an account (expected an account number like 123456789012)")
    return raw


# Protocol names euca2ools accepts, and the numbers they stand for (IANA).
PROTOCOL_NUMBERS = {"icmp": 1, "tcp": 6, "udp": 17}
_BY_NUMBER = {str(n): name for name, n in PROTOCOL_NUMBERS.items()}


def protocol(raw: str) -> str:
    """``tcp``, ``udp``, ``icmp``, ``all``/``-1``, or an IP protocol number 0-255; API spelling out."""
    value = raw.strip().lower()
    if value in PROTOCOL_NUMBERS:
        return value
    if value in ("all", "-1"):
        return "-1"
    if value.isdigit() and int(value) <= 255:
        return _BY_NUMBER.get(str(int(value)), str(int(value)))
    raise UsageError(f"{_show(raw)} is not a protocol (expected tcp, udp, icmp, all, or a number 0-255)")


def port_range(raw: str) -> tuple[int, int]:
    """``PORT`` or ``LOW-HIGH`` within 0-65535 with LOW <= HIGH; ``-1`` means every port."""
    value = raw.strip()
    if value == "-1":
        return -1, -1
    low, dash, high = value.partition("-")
    if not low.isdigit() or (dash and not high.isdigit()):
        raise UsageError(f"{_show(raw)} is not a port range (expected PORT or LOW-HIGH, e.g. 22 or "
                         "8000-8080, or -1 for all)")
    lo, hi = int(low), int(high) if dash else int(low)
    for port in (lo, hi):
        if port > 65535:
            raise UsageError(f"port {port} is out of range (expected 0-65535)")
    if lo > hi:
        raise UsageError(f"{_show(raw)}: the low port is above the high one (expected LOW-HIGH, LOW <= HIGH)")
    return lo, hi


def icmp_type_code(raw: str) -> tuple[int, int]:
    """``TYPE:CODE`` (or ``TYPE``, any code), each -1 (all) to 255, e.g. ``8:0`` for echo request."""
    kind, colon, code = raw.strip().partition(":")
    numbers = []
    for part in (kind, code if colon else "-1"):
        try:
            number = int(part)
        except ValueError:
            number = None
        if number is None or not -1 <= number <= 255:
            raise UsageError(f"{_show(raw)} is not an ICMP type:code (expected TYPE:CODE, each -1 to 255, "
                             "e.g. 8:0, or -1:-1 for all)")
        numbers.append(number)
    return numbers[0], numbers[1]


def cidr(raw: str) -> str:
    """An IPv4 network in the strict ``a.b.c.d/n`` form, host bits zero."""
    import ipaddress

    value = raw.strip()
    if not re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}", value):
        raise UsageError(f"{_show(raw)} is not a CIDR block (expected a.b.c.d/n, e.g. 10.0.0.0/8, "
                         "0.0.0.0/0 for anywhere)")
    try:
        return str(ipaddress.IPv4Network(value, strict=True))
    except ipaddress.NetmaskValueError:
        raise UsageError(f"{_show(raw)}: the prefix length must be 0-32") from None
    except ValueError as exc:
        if "host bits set" in str(exc):
            network = ipaddress.IPv4Network(value, strict=False)
            raise UsageError(f"{_show(raw)} has host bits set (did you mean {network}?)") from None
        raise UsageError(f"{_show(raw)} is not a CIDR block (each part 0-255, expected a.b.c.d/n)") from None


# -- volumes and snapshots --------------------------------------------------------------

MAX_VOLUME_GIB = 16384
# Linux block device names as EC2, Xen and KVM clouds spell them: /dev/sdf, /dev/xvdf,
# /dev/vdb, /dev/hdb, with an optional partition number (PV images: /dev/sda1).
_DEVICE = re.compile(r"/dev/(sd|xvd|vd|hd)([a-z]{1,2})([1-9]|1[0-5])?")
DEVICE_EXAMPLES = "/dev/sdf to /dev/sdp, /dev/xvdf, /dev/vdb"


def device_name(raw: str) -> str:
    """A block device name on the instance, e.g. ``/dev/sdf``."""
    value = raw.strip()
    if not _DEVICE.fullmatch(value):
        raise UsageError(f"{_show(raw)} is not a device name (expected e.g. {DEVICE_EXAMPLES})")
    return value


def device_slot(device: str) -> str:
    """The disk a device name stands for: /dev/sdf, /dev/xvdf and /dev/sdf1 are all slot ``f``.

    Xen shows /dev/sdX as /dev/xvdX, and a partition lives on its disk, so two
    names with the same slot collide on the instance.
    """
    found = _DEVICE.fullmatch(device.strip())
    return found.group(2) if found else device.strip()


def volume_size(raw: str) -> int:
    """A volume size in GiB, 1 to 16384."""
    try:
        value = int(raw.strip())
    except ValueError:
        raise UsageError(f"{_show(raw)} is not a size (expected whole GiB, 1 to {MAX_VOLUME_GIB})") from None
    if not 1 <= value <= MAX_VOLUME_GIB:
        raise UsageError(f"{value} GiB is out of range (expected 1 to {MAX_VOLUME_GIB})")
    return value


def zone_name(raw: str) -> str:
    """An availability zone's name by shape (whether it exists is checked against the inventory)."""
    value = raw.strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", value):
        raise UsageError(f"{_show(raw)} is not a zone name (expected e.g. us-east-1a; "
                         "see describe-availability-zones)")
    return value


# -- keypairs, files, ssh -------------------------------------------------------------

def keypair_name(raw: str) -> str:
    """A keypair name: 1-255 printable ASCII characters, not starting with '-'."""
    if not _PRINTABLE.fullmatch(raw) or len(raw) > 255 or raw.startswith("-") or not raw.strip():
        raise UsageError(f"{_show(raw)} is not a keypair name (expected 1-255 printable ASCII characters)")
    return raw


PRIVATE_KEY_LIMIT = 64 * 1024


def private_key_pem(raw: str) -> bytes:
    """The bytes of a readable PEM private key file of at most 64 KiB ('~' expanded)."""
    import os

    path = os.path.expanduser(raw)
    if not os.path.isfile(path):
        raise UsageError(f"{_show(raw)}: no such file (expected a private key file, PEM)")
    try:
        with open(path, "rb") as fh:
            data = fh.read(PRIVATE_KEY_LIMIT + 1)
    except OSError as exc:
        raise UsageError(f"{_show(raw)}: cannot read it ({exc.strerror})") from None
    if len(data) > PRIVATE_KEY_LIMIT or b"PRIVATE KEY-----" not in data:
        raise UsageError(f"{_show(raw)} is not a PEM private key (expected -----BEGIN … PRIVATE KEY-----)")
    return data


def existing_file(raw: str) -> str:
    """A path to a readable regular file ('~' expanded)."""
    import os

    path = os.path.expanduser(raw)
    if not raw or not os.path.exists(path):
        raise UsageError(f"{_show(raw)}: no such file (expected a path to an existing file)")
    if not os.path.isfile(path):
        raise UsageError(f"{_show(raw)} is not a regular file (expected a path to a file)")
    if not os.access(path, os.R_OK):
        raise UsageError(f"{_show(raw)}: cannot read it (permission denied)")
    return path


def port_number(raw: str) -> int:
    """A TCP port, 1-65535."""
    try:
        value = int(raw.strip())
    except ValueError:
        raise UsageError(f"{_show(raw)} is not a port (expected a number 1-65535)") from None
    if not 1 <= value <= 65535:
        raise UsageError(f"port {value} is out of range (expected 1-65535)")
    return value


_HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST_NAME = re.compile(rf"{_HOST_LABEL}(?:\.{_HOST_LABEL})*\.?")
# An IPv6 zone ID ("fe80::1%eth0"): ssh and a ProxyCommand's %h may put the host into
# `sh -c`, so it may only name an interface, never carry shell syntax.
_ZONE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def host_address(raw: str) -> str:
    """A strict address for ssh: IPv4, IPv6 (zone ID of ``[A-Za-z0-9._-]`` only) or an RFC 1123 host name.

    Addresses come from the cloud, which may be hostile: anything else could
    reach a shell through ``-J`` or ``ProxyCommand %h``.
    """
    import ipaddress

    value = raw.strip()
    address, percent, zone = value.partition("%")
    if percent and not _ZONE_ID.fullmatch(zone):
        raise UsageError(f"{_show(raw)} is not an address (an IPv6 zone ID may only hold letters, digits, "
                         "'.', '_' and '-')")
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        parsed = None
    if parsed is not None:
        if percent and parsed.version != 6:
            raise UsageError(f"{_show(raw)} is not an address (only IPv6 addresses take a %zone)")
        return f"{parsed}%{zone}" if percent else str(parsed)
    if (not percent and len(value) <= 253 and _HOST_NAME.fullmatch(value)
            and not value.replace(".", "").isdigit()):
        return value
    raise UsageError(f"{_show(raw)} is not an address (expected an IP address or a host name)")


def login_user(raw: str) -> str:
    """A login name for ssh, like a POSIX user name."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?", raw):
        raise UsageError(f"{_show(raw)} is not a user name (expected e.g. ec2-user, ubuntu, root)")
    return raw


def key_name_for_file(raw: str) -> str:
    """A keypair name from the cloud or a tag, used to find ``NAME.pem``: a plain file name only."""
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.@+=,-]{0,254}", raw) or ".." in raw:
        raise UsageError(f"{_show(raw)} cannot name a key file (expected letters, digits and ._-@+=, only)")
    return raw


# -- --query ----------------------------------------------------------------------------
QUERY_MAX_LENGTH = 4096
QUERY_MAX_DEPTH = 40   # nested brackets, braces, parentheses: jmespath's parser recurses on each


def jmespath_query(raw: str) -> str:
    """A JMESPath expression, compiled now, so a bad one is refused before anything is sent."""
    import jmespath
    from jmespath.exceptions import JMESPathError

    if len(raw) > QUERY_MAX_LENGTH:
        raise UsageError(f"the expression is {len(raw)} characters long (expected at most {QUERY_MAX_LENGTH})")
    depth = deepest = 0
    for ch in raw:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
    if deepest > QUERY_MAX_DEPTH:
        raise UsageError(f"the expression nests {deepest} levels deep (expected at most {QUERY_MAX_DEPTH})")
    try:
        jmespath.compile(raw)
    except JMESPathError as exc:
        raise UsageError(f"{_show(raw)} is not a JMESPath expression: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise UsageError(f"{_show(raw)} nests too deep (expected a simpler expression)") from None
    return raw
