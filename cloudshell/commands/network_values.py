"""Validators for the VPC and networking commands' values: IDs of each network kind, association IDs,
CIDR blocks sized as EC2 allows, euca2ools' true/false, DHCP options, network interface specs.

Each takes the raw string and returns the value or raises UsageError with one line saying what
is wrong and what is expected, before anything is sent.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any

from cloudshell.cloud.errors import UsageError
from cloudshell.cloud.kinds import ResourceKind, kind_of_value
from cloudshell.commands.values import cidr, group_id, id_shape, kind_id, shown


def network_kind(value_kind: str) -> ResourceKind:
    """The row of a network kind by its value kind (``subnet`` → the subnets' row)."""
    kind = kind_of_value(value_kind)
    if kind is None:   # a programming error: every network kind is a row of cloud/kinds.py
        raise LookupError(f"no kind of value {value_kind!r} in the kinds table")
    return kind


def _kind_id(value_kind: str) -> Callable[[str], str]:
    """The ID validator of a network kind, its prefixes read from the kind's row when first used."""
    checks: dict[str, Callable[[str], str]] = {}

    def check(raw: str) -> str:
        if "check" not in checks:
            checks["check"] = kind_id(network_kind(value_kind))
        return checks["check"](raw)
    check.__name__ = f"{value_kind.replace('-', '_')}_id"
    return check


vpc_id = _kind_id("vpc")
subnet_id = _kind_id("subnet")
internet_gateway_id = _kind_id("internet-gateway")
route_table_id = _kind_id("route-table")
nat_gateway_id = _kind_id("nat-gateway")
network_interface_id = _kind_id("network-interface")
network_acl_id = _kind_id("network-acl")
dhcp_options_id = _kind_id("dhcp-options")
customer_gateway_id = _kind_id("customer-gateway")
vpn_gateway_id = _kind_id("vpn-gateway")
vpn_connection_id = _kind_id("vpn-connection")
peering_id = _kind_id("vpc-peering-connection")

# Associations and attachments are not kinds of their own: their IDs name a link between two.
route_table_association_id = id_shape("rtbassoc-", what="a route table association ID")
network_acl_association_id = id_shape("aclassoc-", what="a network ACL association ID")
interface_attachment_id = id_shape("eni-attach-", what="a network interface attachment ID")


def dhcp_options_or_default(raw: str) -> str:
    """A DHCP option set's ID, or ``default`` (the VPC's own, no options)."""
    return "default" if raw.strip() == "default" else dhcp_options_id(raw)


def route_gateway(raw: str) -> str:
    """The ``-g`` target of a route: an Internet, NAT or virtual private gateway, or ``local``."""
    value = raw.strip().lower()
    if value == "local":
        return value
    for value_kind in ("internet-gateway", "nat-gateway", "vpn-gateway"):
        if any(value.startswith(p) for p in network_kind(value_kind).id_prefixes):
            return _kind_id(value_kind)(raw)
    raise UsageError(f"{shown(raw)} is not a gateway ID (expected an Internet gateway igw-…, a NAT gateway "
                     "nat-… or a virtual private gateway vgw-…)")


# -- addresses and blocks -------------------------------------------------------------------

def _sized(raw: str, what: str, low: int, high: int) -> str:
    value = cidr(raw)
    length = ipaddress.IPv4Network(value).prefixlen
    if not low <= length <= high:
        raise UsageError(f"{shown(raw)}: a {what}'s block is /{low} to /{high} (not /{length}), e.g. 10.0.0.0/16")
    return value


def vpc_cidr(raw: str) -> str:
    """A VPC's block: an IPv4 CIDR of /16 to /28."""
    return _sized(raw, "VPC", 16, 28)


def subnet_cidr(raw: str) -> str:
    """A subnet's block: an IPv4 CIDR of /16 to /28 (inside its VPC's: checked against the cloud)."""
    return _sized(raw, "subnet", 16, 28)


def private_ip(raw: str) -> str:
    try:
        return str(ipaddress.IPv4Address(raw.strip()))
    except ValueError:
        raise UsageError(f"{shown(raw)} is not an IPv4 address (expected e.g. 10.0.1.5)") from None


def flexible_bool(raw: str) -> bool:
    """euca2ools' true/false: true, t, yes, y, 1 or false, f, no, n, 0."""
    value = raw.strip().lower()
    if value in ("1", "t", "true", "y", "yes"):
        return True
    if value in ("0", "f", "false", "n", "no"):
        return False
    raise UsageError(f"{shown(raw)} is not true or false (expected true or false)")


def whole(low: int, high: int, what: str) -> Callable[[str], int]:
    """A whole number from ``low`` to ``high``."""
    def check(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise UsageError(f"{shown(raw)} is not a {what} (expected a whole number {low}-{high})") from None
        if not low <= value <= high:
            raise UsageError(f"{what} {value} is out of range (expected {low}-{high})")
        return value
    check.__name__ = what.replace(" ", "_")
    return check


device_index = whole(0, 31, "device index")
rule_number = whole(1, 32766, "rule number")
address_count = whole(1, 50, "address count")
bgp_asn = whole(1, 2147483647, "BGP AS number")


DHCP_OPTION_KEYS = ("domain-name-servers", "domain-name", "ntp-servers", "netbios-name-servers",
                    "netbios-node-type")


def dhcp_option(raw: str) -> dict[str, Any]:
    """``KEY=VALUE[,VALUE…]`` for a DHCP option set, KEY one of EC2's five options."""
    key, eq, values = raw.partition("=")
    key = key.strip()
    if not eq or not key:
        raise UsageError(f"{shown(raw)} is not a DHCP option (expected KEY=VALUE[,VALUE…], "
                         "e.g. domain-name-servers=10.0.0.2,10.0.0.3)")
    if key not in DHCP_OPTION_KEYS:
        raise UsageError(f"{shown(key)} is not a DHCP option (expected one of {', '.join(DHCP_OPTION_KEYS)})")
    parts = [v.strip() for v in values.split(",")]
    if not all(parts) or any(re.search(r"[\x00-\x20\x7f]", v) for v in parts):
        raise UsageError(f"{shown(raw)}: each value must be non-empty, without spaces "
                         "(expected KEY=VALUE[,VALUE…])")
    if key in ("domain-name-servers", "ntp-servers", "netbios-name-servers"):
        for value in parts:
            if value != "AmazonProvidedDNS":
                private_ip(value)
    if key == "netbios-node-type" and parts not in (["1"], ["2"], ["4"], ["8"]):
        raise UsageError(f"{shown(raw)}: netbios-node-type is one of 1, 2, 4, 8 (2 recommended)")
    return {"Key": key, "Values": parts}


# -- run-instances -a ---------------------------------------------------------------------

def interface_spec(raw: str) -> dict[str, Any]:
    """euca2ools' ``-a``: ``eni-…:INDEX`` for an interface that exists, or
    ``:INDEX:SUBNET:[DESCRIPTION]:[PRIV_IP]:[GROUP,…]:[true|false]:[SEC_COUNT|:SEC_IP,…]`` for a new one."""
    bits = raw.split(":")
    expected = ("expected eni-…:INDEX, or :INDEX:SUBNET:[DESCRIPTION]:[PRIV_IP]:[GROUP,…]:[true|false]:"
                "[SEC_IP_COUNT]:[SEC_IP,…]")
    if not raw or len(bits) < 2 or len(bits) > 9:
        raise UsageError(f"{shown(raw)} is not a network interface (of 2 to 9 parts split by ':'; {expected})")
    bits += [""] * (9 - len(bits))
    nic: dict[str, Any] = {}
    if bits[0]:
        nic["NetworkInterfaceId"] = network_interface_id(bits[0])
    if not bits[1]:
        raise UsageError(f"{shown(raw)}: the second part is the device index, and it is empty ({expected})")
    nic["DeviceIndex"] = device_index(bits[1])
    if bits[2]:
        nic["SubnetId"] = subnet_id(bits[2])
    if not bits[0] and not bits[2]:
        raise UsageError(f"{shown(raw)}: name an interface (eni-…) or a subnet for a new one ({expected})")
    if bits[3]:
        nic["Description"] = bits[3]
    addresses: list[dict[str, Any]] = []
    if bits[4]:
        addresses.append({"PrivateIpAddress": private_ip(bits[4]), "Primary": True})
    if bits[5]:
        groups = [g for g in bits[5].split(",") if g]
        nic["Groups"] = [group_id(g) for g in groups]
    if bits[6]:
        if bits[6] not in ("true", "false"):
            raise UsageError(f"{shown(raw)}: the seventh part (delete on termination) is true or false")
        nic["DeleteOnTermination"] = bits[6] == "true"
    if bits[7] and bits[8]:
        raise UsageError(f"{shown(raw)}: give a secondary address count or secondary addresses, not both")
    if bits[7]:
        nic["SecondaryPrivateIpAddressCount"] = address_count(bits[7])
    addresses += [{"PrivateIpAddress": private_ip(a), "Primary": False} for a in bits[8].split(",") if a]
    if addresses:
        nic["PrivateIpAddresses"] = addresses
    if nic.get("NetworkInterfaceId") and (len(nic) > 2):
        raise UsageError(f"{shown(raw)}: an existing interface takes only its index (eni-…:INDEX)")
    return nic

