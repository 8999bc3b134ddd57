"""run-instances in a VPC: euca2ools' network options made into the launch's network interfaces, and
the checks against the cloud as it is now (the subnet, its zone and block, the groups' VPC, the
interfaces named with ``-a``) before anything is sent.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from cloudshell.cloud.errors import Refused, UsageError
from cloudshell.cloud.inventory import label
from cloudshell.commands.network_state import fresh


def in_vpc(inv: Any) -> bool:
    """Whether the launch goes into a VPC (euca2ools: a subnet, an interface or a public-address choice)."""
    return bool(inv.subnet or inv.interfaces or inv.public_ip is not None)


def _cli_interface(inv: Any) -> dict[str, Any]:
    """Interface 0 from -s, -g, --private-ip-address, --secondary-…, --associate-public-ip-address."""
    nic: dict[str, Any] = {}
    groups = [g for g in inv.groups if g.startswith("sg-")]
    if groups:
        nic["Groups"] = groups
    if inv.public_ip is not None:
        nic["AssociatePublicIpAddress"] = bool(inv.public_ip)
    addresses = [{"PrivateIpAddress": inv.private_ip, "Primary": True}] if inv.private_ip else []
    addresses += [{"PrivateIpAddress": a, "Primary": False} for a in inv.secondary or ()]
    if addresses:
        nic["PrivateIpAddresses"] = addresses
    if inv.secondary_count:
        nic["SecondaryPrivateIpAddressCount"] = inv.secondary_count
    if inv.subnet:
        nic["SubnetId"] = inv.subnet
    if nic:
        nic["DeviceIndex"] = 0
    return nic


def launch_interfaces(inv: Any) -> list[dict[str, Any]]:
    """The request's NetworkInterfaces, by device index."""
    cli = _cli_interface(inv)
    nics = ([cli] if cli else []) + [dict(n) for n in inv.interfaces]
    return sorted(nics, key=lambda n: n["DeviceIndex"])


def check_launch_network(ctx: Any, inv: Any) -> None:
    """Every reason the launch's network would fail or land elsewhere than meant, named."""
    nics = launch_interfaces(inv)
    indices = [n["DeviceIndex"] for n in nics]
    twice = next((i for i in indices if indices.count(i) > 1), None)
    if twice is not None:
        raise UsageError(f"run-instances: two interfaces take device index {twice} (-s and its options make "
                         "index 0; give -a others their own)")
    if 0 not in indices:
        raise UsageError("run-instances: no interface takes device index 0 (give -s SUBNET, or -a …:0:…)")
    if inv.count and inv.count[1] > 1 and (inv.private_ip or any(n.get("NetworkInterfaceId") for n in nics)):
        raise UsageError("run-instances: a fixed private address or an existing interface fits one instance "
                         f"(not -n {inv.count[0]}-{inv.count[1]})")
    vpcs: dict[str, str] = {}
    for nic in nics:
        if nic.get("NetworkInterfaceId"):
            eni = fresh(ctx, "network-interface", nic["NetworkInterfaceId"])
            holder = (eni.raw.get("Attachment") or {}).get("InstanceId")
            if holder:
                raise Refused(f"run-instances: {label(eni)} is attached to {holder} (expected a free interface)")
            vpcs[eni.id] = str(eni.raw.get("VpcId") or "")
            _same_zone(inv, eni.zone, label(eni))
            continue
        sub = fresh(ctx, "subnet", nic["SubnetId"])
        vpcs[sub.id] = str(sub.raw.get("VpcId") or "")
        _same_zone(inv, str(sub.raw.get("AvailabilityZone") or ""), label(sub))
        block = ipaddress.IPv4Network(str(sub.raw.get("CidrBlock") or "0.0.0.0/0"))
        for address in nic.get("PrivateIpAddresses") or ():
            if ipaddress.IPv4Address(address["PrivateIpAddress"]) not in block:
                raise Refused(f"run-instances: {address['PrivateIpAddress']} is outside {label(sub)}'s block "
                              f"{block} (expected an address inside it)")
        for gid in nic.get("Groups") or ():
            _group_in(ctx, gid, vpcs[sub.id], label(sub))
    if len(set(vpcs.values())) > 1:
        raise Refused("run-instances: the interfaces are in different VPCs ("
                      + ", ".join(f"{rid} in {vpc}" for rid, vpc in vpcs.items()) + "); expected one VPC")


def _same_zone(inv: Any, zone: str, what: str) -> None:
    if inv.zone and zone and inv.zone != zone:
        raise Refused(f"run-instances: -z {inv.zone}, but {what} is in {zone} (leave -z out, or pick a subnet "
                      f"in {inv.zone})")


def _group_in(ctx: Any, gid: str, vpc: str, where: str) -> None:
    found = ctx.session.call("describe_security_groups", Filters=[{"Name": "group-id", "Values": [gid]}])
    group = (found.get("SecurityGroups") or [None])[0]
    if group is None:
        raise UsageError(f"run-instances: no security group {gid} here (check the ID with describe-groups)")
    if group.get("VpcId") != vpc:
        raise Refused(f"run-instances: -g {gid} ({group.get('GroupName', '')}) is in "
                      f"{group.get('VpcId') or 'EC2-classic'}, but {where} is in {vpc} (expected a group of its VPC)")
