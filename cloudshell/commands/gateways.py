"""Internet gateways and NAT gateways: create, attach, detach, delete, with euca2ools 3.4's spellings
(``attach-internet-gateway -c VPC IGW``, ``create-nat-gateway -s SUBNET -a ALLOC``).

Detaching a VPC's Internet gateway cuts every instance with a public address off the Internet: when
there are such instances, the command names them and asks twice.
"""

from __future__ import annotations

import re
import uuid

from cloudshell.cloud.errors import Refused, UsageError
from cloudshell.cloud.inventory import Record, label
from cloudshell.commands.addresses import allocation_id
from cloudshell.commands.context import Context, Result
from cloudshell.commands.deleting import delete_command
from cloudshell.commands.guards import confirm_or_refuse, some
from cloudshell.commands.network_state import fresh, listed, live_instances
from cloudshell.commands.network_values import internet_gateway_id, nat_gateway_id, network_kind, subnet_id, vpc_id
from cloudshell.commands.registry import TEXT, Invocation, Param, command
from cloudshell.commands.values import shown
from cloudshell.commands.vpcs import group_of

IGW_GROUP = group_of("internet-gateway")


def _attached_to(igw: Record) -> list[str]:
    return [str(a.get("VpcId")) for a in igw.raw.get("Attachments") or ()
            if a.get("VpcId") and a.get("State") in ("attached", "attaching", "available", None)]


@command("create-internet-gateway", IGW_GROUP, "Create an Internet gateway (attach it to a VPC next).",
         mutates=True, example="create-internet-gateway")
def create_internet_gateway(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("create_internet_gateway")
    igw = str((reply.get("InternetGateway") or {}).get("InternetGatewayId") or "")
    changes = ctx.after_action([igw])
    return Result(data=reply, lines=(f"created {igw}",), changes=changes)


def _igw_params(verb: str, vpc_kind: str, gateway_kind: str) -> tuple[Param, ...]:
    """-c VPC and the gateway; their kinds narrow completion (VPCs without a gateway, detached ones…)."""
    return (Param("vpc", ("-c", "--vpc"), kind=vpc_kind, required=True, convert=vpc_id, metavar="VPC",
                  help=f"the VPC to {verb}"),
            Param("gateway", kind=gateway_kind, required=True, convert=internet_gateway_id, metavar="IGATEWAY",
                  help="the Internet gateway"))


def _check_attach(ctx: Context, inv: Invocation) -> None:
    vpc = fresh(ctx, "vpc", inv.vpc)
    igw = fresh(ctx, "internet-gateway", inv.gateway)
    where = _attached_to(igw)
    if where:
        same = where[0] == vpc.id
        raise Refused(f"attach-internet-gateway: {label(igw)} is {'already ' if same else ''}attached to "
                      f"{where[0]}{'' if same else ' (detach it there first)'}")
    other = listed(ctx, "internet-gateway", {"attachment.vpc-id": [vpc.id]})
    if other:
        raise Refused(f"attach-internet-gateway: {label(vpc)} already has {label(other[0])} "
                      "(a VPC takes one Internet gateway)")


@command("attach-internet-gateway", IGW_GROUP, "Attach an Internet gateway to a VPC.",
         params=_igw_params("attach it to", "vpc:no-internet-gateway", "internet-gateway:detached"), mutates=True, check=_check_attach,
         example="attach-internet-gateway -c vpc-1a2b3c4d igw-1a2b3c4d")
def attach_internet_gateway(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("attach_internet_gateway", InternetGatewayId=inv.gateway, VpcId=inv.vpc)
    changes = ctx.after_action([inv.gateway, inv.vpc])
    return Result(data=reply, lines=(f"{inv.gateway} attached to {inv.vpc}",), changes=changes)


def public_instances(ctx: Context, vid: str) -> list[Record]:
    """The VPC's live instances with a public address: what loses the Internet without its gateway."""
    return [i for i in live_instances(ctx, {"vpc-id": [vid]}) if i.raw.get("PublicIpAddress")]


def _check_detach(ctx: Context, inv: Invocation) -> None:
    vpc = fresh(ctx, "vpc", inv.vpc)
    igw = fresh(ctx, "internet-gateway", inv.gateway)
    if vpc.id not in _attached_to(igw):
        where = _attached_to(igw)
        raise Refused(f"detach-internet-gateway: {label(igw)} is not attached to {label(vpc)}"
                      f"{' (it is attached to ' + where[0] + ')' if where else ' (it is attached nowhere)'}")
    exposed = public_instances(ctx, vpc.id)
    if exposed:
        names = some([f"{label(i)} {i.raw.get('PublicIpAddress')}" for i in exposed], 5)
        confirm_or_refuse(ctx, "detach-internet-gateway",
                          f"{len(exposed)} instance{'s' if len(exposed) > 1 else ''} in {label(vpc)} "
                          f"{'have' if len(exposed) > 1 else 'has'} a public address: {names}. Detaching "
                          f"{label(igw)} cuts {'them' if len(exposed) > 1 else 'it'} off the Internet. Detach it?")
        confirm_or_refuse(ctx, "detach-internet-gateway",
                          f"Really detach {igw.id} from {vpc.id}? Connections to {some([i.id for i in exposed], 5)} "
                          "from outside stop now.")


@command("detach-internet-gateway", IGW_GROUP, "Detach an Internet gateway from its VPC (asks twice while "
         "instances there have public addresses).",
         params=_igw_params("detach it from", "vpc:same-vpc", "internet-gateway:attached"), mutates=True, check=_check_detach,
         example="detach-internet-gateway -c vpc-1a2b3c4d igw-1a2b3c4d")
def detach_internet_gateway(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("detach_internet_gateway", InternetGatewayId=inv.gateway, VpcId=inv.vpc)
    changes = ctx.after_action([inv.gateway, inv.vpc])
    return Result(data=reply, lines=(f"{inv.gateway} detached from {inv.vpc}",), changes=changes)


def _check_delete_igw(ctx: Context, inv: Invocation) -> None:
    igw = fresh(ctx, "internet-gateway", inv.gateway)
    where = _attached_to(igw)
    if where:
        raise Refused(f"delete-internet-gateway: {label(igw)} is attached to {where[0]}: "
                      f"detach-internet-gateway -c {where[0]} {igw.id} first")


delete_internet_gateway = delete_command(
    network_kind("internet-gateway").name, "Delete a detached Internet gateway.",
    Param("gateway", kind="internet-gateway", required=True, convert=internet_gateway_id, metavar="IGATEWAY",
          help="the Internet gateway to delete"),
    operation="delete_internet_gateway", key="InternetGatewayId", check=_check_delete_igw,
    confirm=lambda ctx, inv: f"Delete {label(fresh(ctx, 'internet-gateway', inv.gateway))}?",
    find=lambda ctx, rid: fresh(ctx, "internet-gateway", rid), example="delete-internet-gateway igw-1a2b3c4d")


# -- NAT gateways ---------------------------------------------------------------------------------

NAT_GROUP = group_of("nat-gateway")
_TOKEN = re.compile(r"[\x21-\x7e]{1,64}")


def client_token(raw: str) -> str:
    if not _TOKEN.fullmatch(raw):
        raise UsageError(f"{shown(raw)} is not a client token (expected 1 to 64 printable ASCII characters)")
    return raw


def _check_create_nat(ctx: Context, inv: Invocation) -> None:
    fresh(ctx, "subnet", inv.subnet)
    reply = ctx.session.call("describe_addresses", Filters=[{"Name": "allocation-id", "Values": [inv.allocation]}])
    found = reply.get("Addresses") or []
    if not found:
        raise UsageError(f"create-nat-gateway: no address with allocation ID {inv.allocation} here "
                         "(allocate-address -d vpc makes one)")
    holder = found[0].get("AssociationId") or found[0].get("InstanceId") or found[0].get("NetworkInterfaceId")
    if holder:
        raise Refused(f"create-nat-gateway: {found[0].get('PublicIp')} ({inv.allocation}) is associated with "
                      f"{found[0].get('InstanceId') or found[0].get('NetworkInterfaceId') or holder}: "
                      "give a free address")


@command("create-nat-gateway", NAT_GROUP, "Create a NAT gateway in a subnet with an elastic IP address.",
         params=(Param("subnet", ("-s", "--subnet-id"), kind="subnet", required=True, convert=subnet_id,
                       metavar="SUBNET", help="the (public) subnet to create it in"),
                 Param("allocation", ("-a", "--allocation-id"), kind=TEXT, required=True, convert=allocation_id,
                       metavar="ALLOC", help="the allocation ID of a free VPC address (eipalloc-…)"),
                 Param("client_token", ("--client-token",), kind=TEXT, convert=client_token, metavar="TOKEN",
                       help="idempotency token (default: a new one)")),
         mutates=True, check=_check_create_nat, example="create-nat-gateway -s subnet-1a2b3c4d -a eipalloc-1a2b3c4d")
def create_nat_gateway(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("create_nat_gateway", SubnetId=inv.subnet, AllocationId=inv.allocation,
                     ClientToken=inv.client_token or uuid.uuid4().hex)
    nat = reply.get("NatGateway") or {}
    changes = ctx.after_action([str(nat.get("NatGatewayId") or "")])
    line = f"created {nat.get('NatGatewayId', '')} in {inv.subnet} with {inv.allocation}, {nat.get('State', 'pending')}"
    return Result(data=reply, lines=(line,), changes=changes)


def _check_delete_nat(ctx: Context, inv: Invocation) -> None:
    nat = fresh(ctx, "nat-gateway", inv.gateway)
    if nat.state in ("deleted", "deleting"):
        raise Refused(f"delete-nat-gateway: {label(nat)} is already {nat.state}; nothing was sent")
    users = [t for t in listed(ctx, "route-table", {"vpc-id": [str(nat.raw.get("VpcId") or "")]})
             if any(r.get("NatGatewayId") == nat.id for r in t.raw.get("Routes") or ())]
    if users:
        raise Refused(f"delete-nat-gateway: {some([label(t) for t in users])} route{'s' if len(users) == 1 else ''} "
                      f"traffic through {label(nat)}: delete-route those routes first")


delete_nat_gateway = delete_command(
    network_kind("nat-gateway").name, "Delete a NAT gateway no route uses (its address stays allocated).",
    Param("gateway", kind="nat-gateway", required=True, convert=nat_gateway_id, metavar="NGATEWAY",
          help="the NAT gateway to delete"),
    operation="delete_nat_gateway", key="NatGatewayId", check=_check_delete_nat,
    confirm=lambda ctx, inv: f"Delete {label(fresh(ctx, 'nat-gateway', inv.gateway))}? Instances behind it lose "
                             "their way out.",
    find=lambda ctx, rid: fresh(ctx, "nat-gateway", rid), example="delete-nat-gateway nat-0123456789abcdef0")
