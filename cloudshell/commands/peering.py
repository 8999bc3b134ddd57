"""VPC peering connections: request, accept, reject, delete, with euca2ools 3.4's spellings
(``create-vpc-peering-connection -c VPC -p PEER_VPC [-o ACCOUNT]``).
"""

from __future__ import annotations

import ipaddress
import re

from cloudshell.cloud.errors import Refused, UsageError
from cloudshell.cloud.inventory import Record, label
from cloudshell.commands.context import Context, Result
from cloudshell.commands.deleting import delete_command
from cloudshell.commands.network_state import fresh, vpc_blocks
from cloudshell.commands.network_values import network_kind, peering_id, vpc_id
from cloudshell.commands.registry import TEXT, Invocation, Param, command
from cloudshell.commands.values import shown
from cloudshell.commands.vpcs import group_of

GROUP = group_of("vpc-peering-connection")


def account(raw: str) -> str:
    value = raw.strip().replace("-", "")
    if not re.fullmatch(r"\d{12}", value):
        raise UsageError(f"{shown(raw)} is not an account (expected a 12-digit account number)")
    return value


def _status(pcx: Record) -> str:
    return str((pcx.raw.get("Status") or {}).get("Code") or pcx.state or "")


def _check_create(ctx: Context, inv: Invocation) -> None:
    if inv.vpc == inv.peer:
        raise UsageError("create-vpc-peering-connection: -c and -p name the same VPC (expected two VPCs)")
    vpc = fresh(ctx, "vpc", inv.vpc)
    if inv.owner:
        return   # another account's VPC cannot be read from here
    peer = fresh(ctx, "vpc", inv.peer)
    for mine in vpc_blocks(vpc):
        for theirs in vpc_blocks(peer):
            if ipaddress.IPv4Network(mine).overlaps(ipaddress.IPv4Network(theirs)):
                raise Refused(f"create-vpc-peering-connection: {label(vpc)}'s {mine} overlaps {label(peer)}'s "
                              f"{theirs}: VPCs with overlapping blocks cannot peer")


@command("create-vpc-peering-connection", GROUP, "Ask for a peering connection between two VPCs.",
         params=(Param("vpc", ("-c", "--vpc"), kind="vpc", required=True, convert=vpc_id, metavar="VPC",
                       help="the VPC asking"),
                 Param("peer", ("-p", "--peer-vpc"), kind="vpc", required=True, convert=vpc_id, metavar="VPC",
                       help="the VPC to peer with"),
                 Param("owner", ("-o", "--peer-owner-id"), kind=TEXT, convert=account, metavar="ACCOUNT",
                       help="the peer VPC's account (default: yours)")),
         mutates=True, check=_check_create, example="create-vpc-peering-connection -c vpc-1a2b3c4d -p vpc-5e6f7a8b")
def create_vpc_peering_connection(ctx: Context, inv: Invocation) -> Result:
    params = {"VpcId": inv.vpc, "PeerVpcId": inv.peer, **({"PeerOwnerId": inv.owner} if inv.owner else {})}
    reply = ctx.send("create_vpc_peering_connection", **params)
    pcx = reply.get("VpcPeeringConnection") or {}
    changes = ctx.after_action([str(pcx.get("VpcPeeringConnectionId") or "")])
    status = (pcx.get("Status") or {}).get("Code", "pending-acceptance")
    return Result(data=reply, lines=(f"created {pcx.get('VpcPeeringConnectionId', '')} from {inv.vpc} to "
                                     f"{inv.peer}, {status}",), changes=changes)


def _answer(accept: bool):
    verb = "accept" if accept else "reject"

    def check(ctx: Context, inv: Invocation) -> None:
        pcx = fresh(ctx, "vpc-peering-connection", inv.connection)
        if _status(pcx) not in ("pending-acceptance", "initiating-request"):
            raise Refused(f"{verb}-vpc-peering-connection: {label(pcx)} is {_status(pcx)}, not pending-acceptance")

    @command(f"{verb}-vpc-peering-connection", GROUP, f"{verb.capitalize()} a request for a VPC peering connection.",
             params=(Param("connection", kind="vpc-peering-connection", required=True, convert=peering_id,
                           metavar="PEERCON", help=f"the peering connection to {verb}"),),
             mutates=True, check=check, example=f"{verb}-vpc-peering-connection pcx-1a2b3c4d")
    def handler(ctx: Context, inv: Invocation) -> Result:
        reply = ctx.send(f"{verb}_vpc_peering_connection", VpcPeeringConnectionId=inv.connection)
        changes = ctx.after_action([inv.connection])
        status = ((reply.get("VpcPeeringConnection") or {}).get("Status") or {}).get("Code")
        return Result(data=reply, lines=(f"{inv.connection} {status or verb + 'ed'}",), changes=changes)
    return handler


accept_vpc_peering_connection = _answer(True)
reject_vpc_peering_connection = _answer(False)


def _check_delete(ctx: Context, inv: Invocation) -> None:
    pcx = fresh(ctx, "vpc-peering-connection", inv.connection)
    if _status(pcx) in ("deleted", "rejected", "failed", "expired"):
        raise Refused(f"delete-vpc-peering-connection: {label(pcx)} is {_status(pcx)} already; nothing was sent")


delete_vpc_peering_connection = delete_command(
    network_kind("vpc-peering-connection").name, "Delete a VPC peering connection (or withdraw its request).",
    Param("connection", kind="vpc-peering-connection", required=True, convert=peering_id, metavar="PEERCON",
          help="the peering connection to delete"),
    operation="delete_vpc_peering_connection", key="VpcPeeringConnectionId", check=_check_delete,
    confirm=lambda ctx, inv: f"Delete {label(fresh(ctx, 'vpc-peering-connection', inv.connection))}? Traffic "
                             "between the two VPCs stops.",
    find=lambda ctx, rid: fresh(ctx, "vpc-peering-connection", rid), example="delete-vpc-peering-connection pcx-1a2b3c4d")
