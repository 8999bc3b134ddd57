"""addresses: allocate, associate, disassociate and release elastic IP addresses.

EC2-classic (Eucalyptus) addresses are named by their public IP; VPC ones by
allocation and association IDs. Both spellings are accepted; the request uses
whichever the address's domain needs.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from cloudshell.cloud.errors import Refused, UsageError
from cloudshell.cloud.inventory import Record
from cloudshell.cloud.kinds import KINDS
from cloudshell.commands.context import Context, Result
from cloudshell.commands.registry import (
    ADDRESS_ASSOCIATED, ADDRESS_FREE, INSTANCE_RUNNING, TEXT, Invocation, Param, command,
)
from cloudshell.commands.network_state import fresh
from cloudshell.commands.network_values import network_interface_id
from cloudshell.commands.targets import current, label, other_changes, require
from cloudshell.commands.values import instance_id, shown

_ALLOC = re.compile(r"eipalloc-[0-9a-f]{8}(?:[0-9a-f]{9})?")
_ASSOC = re.compile(r"eipassoc-[0-9a-f]{8}(?:[0-9a-f]{9})?")


def ipv4(raw: str) -> str:
    """A dotted-quad IPv4 address, e.g. ``203.0.113.10``."""
    try:
        return str(ipaddress.IPv4Address(raw.strip()))
    except ValueError:
        raise UsageError(f"{shown(raw)} is not an IPv4 address (expected e.g. 203.0.113.10)") from None


def allocation_id(raw: str) -> str:
    value = raw.strip().lower()
    if not _ALLOC.fullmatch(value):
        raise UsageError(f"{shown(raw)} is not an allocation ID (expected eipalloc-1a2b3c4d)")
    return value


def association_id(raw: str) -> str:
    value = raw.strip().lower()
    if not _ASSOC.fullmatch(value):
        raise UsageError(f"{shown(raw)} is not an association ID (expected eipassoc-1a2b3c4d)")
    return value


def address_or_allocation(raw: str) -> str:
    """A public IP, or (VPC) its allocation ID given in its place, as euca2ools allows."""
    if raw.strip().lower().startswith("eipalloc-"):
        return allocation_id(raw)
    return ipv4(raw)


def address_or_association(raw: str) -> str:
    if raw.strip().lower().startswith("eipassoc-"):
        return association_id(raw)
    return ipv4(raw)


def _vpc(rec: Record) -> bool:
    return rec.raw.get("Domain") == "vpc"


def _one(inv: Invocation, positional: str, flag: str, flag_name: str) -> str:
    given = [v for v in (inv.get(positional), inv.get(flag)) if v]
    if not given:
        raise UsageError(f"{inv.command.name}: missing ADDRESS (or {flag_name}); usage: {inv.command.usage()}")
    if len(given) > 1:
        raise UsageError(f"{inv.command.name}: give ADDRESS {given[0]} or {flag_name} {given[1]}, not both")
    return given[0]


def find_address(ctx: Context, value: str) -> Record:
    """The address record for a public IP, an allocation ID or an association ID."""
    if not value.startswith("eip"):
        return require(ctx, [value], "addresses")[value]
    key = "AllocationId" if value.startswith("eipalloc-") else "AssociationId"
    for rec in ctx.inventory("addresses").of("addresses").values():
        if rec.raw.get(key) == value:
            return rec
    name = "allocation-id" if key == "AllocationId" else "association-id"
    reply = ctx.session.call("describe_addresses", Filters=[{"Name": name, "Values": [value]}])
    found = reply.get("Addresses") or []
    if not found:
        raise UsageError(f"no address with {name} {value} here (check it with describe-addresses)")
    return Record.from_raw(KINDS["addresses"], found[0])


def _holder(ctx: Context, rec: Record) -> str:
    """``i-1 (web-1)``: the instance an address is associated with, named."""
    iid = rec.raw.get("InstanceId") or ""
    if not iid:
        return str(rec.raw.get("NetworkInterfaceId") or "")
    return label(ctx.inventory("instances").get(iid, "instances"), iid)


def _address_param(rec: Record) -> dict[str, str]:
    if _vpc(rec) and rec.raw.get("AllocationId"):
        return {"AllocationId": rec.raw["AllocationId"]}
    return {"PublicIp": rec.id}


@command("allocate-address", "addresses", "Allocate an elastic IP address.",
         params=(Param("domain", ("-d", "--domain"), choices=("vpc", "standard"), metavar="DOMAIN",
                       help="vpc for a VPC address, standard for EC2-classic (default: the cloud's)"),),
         mutates=True, example="allocate-address")
def allocate_address(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("allocate_address", **({"Domain": inv.domain} if inv.domain else {}))
    ip = reply.get("PublicIp", "")
    changes = ctx.after_action([ip], kinds=("addresses",))
    extra = f" ({reply['AllocationId']})" if reply.get("AllocationId") else ""
    return Result(data=reply, lines=(f"allocated {ip}{extra}",), changes=other_changes(changes, [ip]))


def _check_associate(ctx: Context, inv: Invocation) -> None:
    value = _one(inv, "address", "allocation", "-a ALLOC")
    if not inv.instance and not inv.interface:
        raise UsageError("associate-address: missing -i INSTANCE (or -n INTERFACE, for a VPC address)")
    if inv.instance and inv.interface:
        raise UsageError("associate-address: give -i INSTANCE or -n INTERFACE, not both")
    rec = find_address(ctx, value)
    if inv.interface:
        fresh(ctx, "network-interface", inv.interface)
        if not _vpc(rec):
            raise Refused(f"associate-address: {rec.id} is an EC2-classic address: only a VPC address "
                          "(allocate-address -d vpc) goes to a network interface")
        target = inv.interface
    else:
        instance = require(ctx, [inv.instance], "instances")[inv.instance]
        if instance.state in ("terminated", "shutting-down"):
            raise Refused(f"associate-address: {label(instance)} is {instance.state}; "
                          "an address can only go to a live instance")
        target = inv.instance
    holder = rec.raw.get("InstanceId") or rec.raw.get("NetworkInterfaceId")
    if (holder and target not in (rec.raw.get("InstanceId"), rec.raw.get("NetworkInterfaceId"))
            and not inv.allow_reassociation):
        raise Refused(f"associate-address: {rec.id} is associated with {_holder(ctx, rec)}; moving it "
                      f"would cut that {'instance' if rec.raw.get('InstanceId') else 'interface'} off: "
                      f"disassociate-address {rec.id} first, or add --allow-reassociation")


@command("associate-address", "addresses", "Associate an elastic IP address with an instance or (VPC) an interface.",
         params=(Param("address", kind=ADDRESS_FREE, nargs="?", convert=address_or_allocation,
                       metavar="ADDRESS", help="the public IP (or a VPC allocation ID)"),
                 Param("instance", ("-i", "--instance-id", "--instance"), kind=INSTANCE_RUNNING,
                       convert=instance_id, metavar="INSTANCE",
                       help="the instance to give the address to"),
                 Param("interface", ("-n", "--network-interface"), kind="network-interface",
                       convert=network_interface_id, metavar="INTERFACE",
                       help="[VPC] the network interface to give the address to"),
                 Param("allocation", ("-a", "--allocation-id"), kind=TEXT, convert=allocation_id,
                       metavar="ALLOC", help="[VPC] the address's allocation ID instead of ADDRESS"),
                 Param("private_ip", ("-p", "--private-ip-address"), kind=TEXT, convert=ipv4,
                       metavar="ADDRESS", help="[VPC] the private address to map it to"),
                 Param("allow_reassociation", ("--allow-reassociation",), action="flag",
                       help="move the address even if another instance or interface holds it"),
                 Param("no_reassociation", ("--no-allow-reassociation",), action="flag",
                       help="[VPC] never move it off another instance or interface (the default)")),
         mutates=True, check=_check_associate, example="associate-address -i i-1a2b3c4d 203.0.113.10")
def associate_address(ctx: Context, inv: Invocation) -> Result:
    rec = find_address(ctx, inv.address or inv.allocation)
    target = {"NetworkInterfaceId": inv.interface} if inv.interface else {"InstanceId": inv.instance}
    params: dict[str, Any] = {**target, **_address_param(rec)}
    if inv.private_ip:
        params["PrivateIpAddress"] = inv.private_ip
    if inv.allow_reassociation and _vpc(rec):
        params["AllowReassociation"] = True
    reply = ctx.send("associate_address", **params)
    changes = ctx.after_action([rec.id, inv.instance or inv.interface], kinds=("addresses",))
    who = inv.interface or label(current(ctx, inv.instance, "instances"), inv.instance)
    extra = f" ({reply['AssociationId']})" if reply.get("AssociationId") else ""
    return Result(data=reply, lines=(f"{rec.id} associated with {who}{extra}",),
                  changes=other_changes(changes, [rec.id]))


def _check_disassociate(ctx: Context, inv: Invocation) -> None:
    rec = find_address(ctx, _one(inv, "address", "association", "-a ASSOC"))
    if not (rec.raw.get("InstanceId") or rec.raw.get("AssociationId")):
        raise Refused(f"disassociate-address: {rec.id} is not associated with any instance")


@command("disassociate-address", "addresses", "Take an elastic IP address off its instance.",
         params=(Param("address", kind=ADDRESS_ASSOCIATED, nargs="?", convert=address_or_association,
                       metavar="ADDRESS", help="the public IP"),
                 Param("association", ("-a", "--association-id"), kind=TEXT, convert=association_id,
                       metavar="ASSOC", help="[VPC] the association ID instead of ADDRESS")),
         mutates=True, check=_check_disassociate, example="disassociate-address 203.0.113.10")
def disassociate_address(ctx: Context, inv: Invocation) -> Result:
    rec = find_address(ctx, inv.address or inv.association)
    holder, iid = _holder(ctx, rec), rec.raw.get("InstanceId") or ""
    if _vpc(rec) and rec.raw.get("AssociationId"):
        reply = ctx.send("disassociate_address", AssociationId=rec.raw["AssociationId"])
    else:
        reply = ctx.send("disassociate_address", PublicIp=rec.id)
    changes = ctx.after_action([rec.id, iid], kinds=("addresses",))
    return Result(data=reply, lines=(f"{rec.id} disassociated from {holder}".rstrip(),),
                  changes=other_changes(changes, [rec.id]))


def _check_release(ctx: Context, inv: Invocation) -> None:
    rec = find_address(ctx, _one(inv, "address", "allocation", "-a ALLOC"))
    if rec.raw.get("InstanceId") or rec.raw.get("AssociationId"):
        raise Refused(f"release-address: {rec.id} is associated with {_holder(ctx, rec)}; "
                      f"releasing it would cut that instance off: disassociate-address {rec.id} first")


def _confirm_release(ctx: Context, inv: Invocation) -> str:
    rec = find_address(ctx, inv.address or inv.allocation)
    alloc = f" ({rec.raw['AllocationId']})" if rec.raw.get("AllocationId") else ""
    return f"Release {rec.id}{alloc}? It goes back to the pool; you may never get the same address again."


@command("release-address", "addresses", "Give an elastic IP address back to the cloud.",
         params=(Param("address", kind=ADDRESS_FREE, nargs="?", convert=address_or_allocation,
                       metavar="ADDRESS", help="the public IP (or a VPC allocation ID)"),
                 Param("allocation", ("-a", "--allocation-id"), kind=TEXT, convert=allocation_id,
                       metavar="ALLOC", help="[VPC] the allocation ID instead of ADDRESS")),
         mutates=True, destroys=True, check=_check_release, confirm=_confirm_release,
         example="release-address 203.0.113.10")
def release_address(ctx: Context, inv: Invocation) -> Result:
    rec = find_address(ctx, inv.address or inv.allocation)
    reply = ctx.send("release_address", **_address_param(rec))
    changes = ctx.after_action([rec.id], kinds=("addresses",))
    return Result(data=reply, lines=(f"released {rec.id}",), changes=other_changes(changes, [rec.id]))
