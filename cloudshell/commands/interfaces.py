"""Network interfaces: create, delete, attach, detach, private addresses and attributes, with
euca2ools 3.4's spellings (``create-network-interface SUBNET -g SG``, ``attach-network-interface -i I -d N``).
"""

from __future__ import annotations

from typing import Any

from cloudshell.cloud.errors import Refused, UsageError
from cloudshell.cloud.inventory import Record, label
from cloudshell.commands.context import Context, Result
from cloudshell.commands.deleting import delete_command
from cloudshell.commands.guards import confirm_or_refuse
from cloudshell.commands.network_state import fresh, listed
from cloudshell.commands.network_values import (
    address_count, device_index, flexible_bool, interface_attachment_id, network_interface_id, network_kind,
    private_ip, subnet_id,
)
from cloudshell.commands.registry import GROUP, INSTANCE_RUNNING, INT, TEXT, Invocation, Param, command
from cloudshell.commands.values import description, group_id, instance_id
from cloudshell.commands.vpcs import TRUE_FALSE, group_of, one_attribute

NIC_GROUP = group_of("network-interface")


def _attachment(nic: Record) -> dict[str, Any]:
    return dict(nic.raw.get("Attachment") or {})


def _check_groups(ctx: Context, vpc: str, groups: list[str], command_name: str) -> None:
    for gid in groups:
        found = ctx.session.call("describe_security_groups", Filters=[{"Name": "group-id", "Values": [gid]}])
        group = (found.get("SecurityGroups") or [None])[0]
        if group is None:
            raise UsageError(f"{command_name}: no security group {gid} here (check the ID with describe-groups)")
        if group.get("VpcId") != vpc:
            raise Refused(f"{command_name}: {gid} ({group.get('GroupName', '')}) is in "
                          f"{group.get('VpcId') or 'EC2-classic'}, not {vpc} (expected a group of the subnet's VPC)")


def _check_create(ctx: Context, inv: Invocation) -> None:
    if inv.secondary and inv.secondary_count:
        raise UsageError("create-network-interface: --secondary-address and --secondary-count both give "
                         "secondary addresses (expected one of them)")
    sub = fresh(ctx, "subnet", inv.subnet)
    _check_groups(ctx, str(sub.raw.get("VpcId") or ""), list(inv.groups), "create-network-interface")


@command("create-network-interface", NIC_GROUP, "Create a network interface in a subnet.",
         params=(Param("subnet", kind="subnet", required=True, convert=subnet_id, metavar="SUBNET",
                       help="the subnet to create it in"),
                 Param("description", ("-d", "--description"), convert=description, metavar="DESC",
                       help="a description"),
                 Param("groups", ("-g", "--group"), kind=GROUP, action="append", convert=group_id, metavar="GROUP",
                       help="a security group ID of the subnet's VPC (repeatable)"),
                 Param("private_ip", ("--private-ip-address",), convert=private_ip, metavar="ADDRESS",
                       help="its primary private address"),
                 Param("secondary", ("--secondary-address", "--secondary-private-ip-address"), action="append",
                       convert=private_ip, metavar="ADDRESS", help="a secondary private address (repeatable)"),
                 Param("secondary_count", ("--secondary-count", "--secondary-private-ip-address-count"), kind=INT,
                       convert=address_count, metavar="COUNT", help="this many secondary addresses, chosen by EC2")),
         mutates=True, check=_check_create, example="create-network-interface subnet-1a2b3c4d -g sg-1a2b3c4d")
def create_network_interface(ctx: Context, inv: Invocation) -> Result:
    params: dict[str, Any] = {"SubnetId": inv.subnet}
    if inv.description:
        params["Description"] = inv.description
    if inv.groups:
        params["Groups"] = list(inv.groups)
    addresses = ([{"PrivateIpAddress": inv.private_ip, "Primary": True}] if inv.private_ip else [])
    addresses += [{"PrivateIpAddress": a, "Primary": False} for a in inv.secondary]
    if addresses:
        params["PrivateIpAddresses"] = addresses
    if inv.secondary_count:
        params["SecondaryPrivateIpAddressCount"] = inv.secondary_count
    reply = ctx.send("create_network_interface", **params)
    nic = reply.get("NetworkInterface") or {}
    changes = ctx.after_action([str(nic.get("NetworkInterfaceId") or "")])
    return Result(data=reply, lines=(f"created {nic.get('NetworkInterfaceId', '')} in {inv.subnet} "
                                     f"({nic.get('PrivateIpAddress', '')})",), changes=changes)


def _check_delete(ctx: Context, inv: Invocation) -> None:
    nic = fresh(ctx, "network-interface", inv.interface)
    att = _attachment(nic)
    if att.get("InstanceId") or nic.state == "in-use":
        raise Refused(f"delete-network-interface: {label(nic)} is attached to {att.get('InstanceId', 'an instance')}"
                      f" as device {att.get('DeviceIndex', '?')}: detach-network-interface "
                      f"{att.get('AttachmentId', '')} first".rstrip())


delete_network_interface = delete_command(
    network_kind("network-interface").name, "Delete a network interface that is not attached.",
    Param("interface", kind="network-interface", required=True, convert=network_interface_id, metavar="INTERFACE",
          help="the network interface to delete"),
    operation="delete_network_interface", key="NetworkInterfaceId", check=_check_delete,
    confirm=lambda ctx, inv: f"Delete {label(fresh(ctx, 'network-interface', inv.interface))} and its addresses?",
    find=lambda ctx, rid: fresh(ctx, "network-interface", rid), example="delete-network-interface eni-1a2b3c4d")


def _check_attach(ctx: Context, inv: Invocation) -> None:
    nic = fresh(ctx, "network-interface", inv.interface)
    inst = fresh(ctx, "instance", inv.instance)
    att = _attachment(nic)
    if att.get("InstanceId"):
        raise Refused(f"attach-network-interface: {label(nic)} is attached to {att['InstanceId']} already")
    if inst.state in ("terminated", "shutting-down"):
        raise Refused(f"attach-network-interface: {label(inst)} is {inst.state}")
    if inst.raw.get("VpcId") != nic.raw.get("VpcId"):
        raise Refused(f"attach-network-interface: {label(inst)} is in {inst.raw.get('VpcId') or 'EC2-classic'} but "
                      f"{label(nic)} is in {nic.raw.get('VpcId')} (expected an instance of the interface's VPC)")
    if inst.zone and nic.zone and inst.zone != nic.zone:
        raise Refused(f"attach-network-interface: {label(inst)} is in zone {inst.zone} but {label(nic)} is in "
                      f"{nic.zone} (an interface attaches only within its zone)")
    for other in inst.raw.get("NetworkInterfaces") or ():
        if (other.get("Attachment") or {}).get("DeviceIndex") == inv.index:
            raise Refused(f"attach-network-interface: device {inv.index} of {label(inst)} is "
                          f"{other.get('NetworkInterfaceId')} (pick another device index)")


@command("attach-network-interface", NIC_GROUP, "Attach a network interface to an instance of its VPC and zone.",
         params=(Param("interface", kind="network-interface", required=True, convert=network_interface_id,
                       metavar="INTERFACE", help="the network interface"),
                 Param("instance", ("-i", "--instance"), kind=INSTANCE_RUNNING, required=True, convert=instance_id,
                       metavar="INSTANCE", help="the instance to attach it to"),
                 Param("index", ("-d", "--device-index"), kind=INT, required=True, convert=device_index,
                       metavar="INT", help="its device index on the instance (1 for the second interface)")),
         mutates=True, check=_check_attach, example="attach-network-interface -i i-1a2b3c4d -d 1 eni-1a2b3c4d")
def attach_network_interface(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("attach_network_interface", NetworkInterfaceId=inv.interface, InstanceId=inv.instance,
                     DeviceIndex=inv.index)
    changes = ctx.after_action([inv.interface, inv.instance])
    return Result(data=reply, lines=(f"{inv.interface} attached to {inv.instance} as device {inv.index} "
                                     f"({reply.get('AttachmentId', '')})",), changes=changes)


def interface_of_attachment(ctx: Context, attachment: str) -> Record:
    found = listed(ctx, "network-interface", {"attachment.attachment-id": [attachment]})
    found = [n for n in found if _attachment(n).get("AttachmentId") == attachment]
    if not found:
        raise UsageError(f"no network interface attachment {attachment} here (see describe-network-interfaces)")
    return found[0]


def _check_detach(ctx: Context, inv: Invocation) -> None:
    nic = interface_of_attachment(ctx, inv.attachment)
    att = _attachment(nic)
    if att.get("DeviceIndex") == 0:
        raise Refused(f"detach-network-interface: {label(nic)} is device 0 of {att.get('InstanceId')}: "
                      "an instance's primary interface stays with it")
    if inv.force:
        confirm_or_refuse(ctx, "detach-network-interface",
                          f"Force-detach {label(nic)} from {att.get('InstanceId')}? Its connections drop at once.")


@command("detach-network-interface", NIC_GROUP, "Detach a network interface from its instance.",
         params=(Param("attachment", kind=TEXT, required=True, convert=interface_attachment_id, metavar="ATTACHMENT",
                       help="the attachment (eni-attach-…)"),
                 Param("force", ("-f", "--force"), action="flag", help="detach at once (asks first)")),
         mutates=True, check=_check_detach, example="detach-network-interface eni-attach-1a2b3c4d")
def detach_network_interface(ctx: Context, inv: Invocation) -> Result:
    nic = interface_of_attachment(ctx, inv.attachment)
    att = _attachment(nic)
    reply = ctx.send("detach_network_interface", AttachmentId=inv.attachment, **({"Force": True} if inv.force else {}))
    changes = ctx.after_action([nic.id, str(att.get("InstanceId") or "")])
    return Result(data=reply, lines=(f"{nic.id} detaching from {att.get('InstanceId', '')}",), changes=changes)


# -- private addresses -----------------------------------------------------------------------

def _the_interface(inv: Invocation) -> str:
    given = [v for v in (inv.get("positional_interface"), inv.get("interface")) if v]
    if not given:
        raise UsageError(f"{inv.command.name}: missing -n INTERFACE (the network interface)")
    if len(given) == 2 and given[0] != given[1]:
        raise UsageError(f"{inv.command.name}: give the interface once (INTERFACE or -n, not both)")
    return given[0]


def _interface_params() -> tuple[Param, ...]:
    return (Param("interface", ("-n", "--network-interface"), kind="network-interface", convert=network_interface_id,
                  metavar="INTERFACE", help="the network interface"),
            Param("positional_interface", kind="network-interface", nargs="?", convert=network_interface_id,
                  metavar="INTERFACE", help="(or the interface as an argument)"))


def _check_assign(ctx: Context, inv: Invocation) -> None:
    nic = fresh(ctx, "network-interface", _the_interface(inv))
    if bool(inv.addresses) == bool(inv.count):
        raise UsageError("assign-private-ip-addresses: give --secondary-address ADDRESS… or --secondary-count COUNT "
                         "(one of them)")
    if inv.addresses and not inv.allow_reassignment:
        taken = [e for e in listed(ctx, "network-interface", {"vpc-id": [str(nic.raw.get("VpcId") or "")]})
                 for a in e.raw.get("PrivateIpAddresses") or () if a.get("PrivateIpAddress") in inv.addresses]
        if taken:
            raise Refused(f"assign-private-ip-addresses: an address asked for is {taken[0].id}'s: "
                          "add --allow-reassignment to move it")


@command("assign-private-ip-addresses", NIC_GROUP, "Give a network interface more private addresses.",
         params=(*_interface_params(),
                 Param("addresses", ("--secondary-address", "--secondary-private-ip-address"), action="append",
                       convert=private_ip, metavar="ADDRESS", help="an address to add (repeatable)"),
                 Param("count", ("--secondary-count", "--secondary-private-ip-address-count"), kind=INT,
                       convert=address_count, metavar="COUNT", help="this many addresses, chosen by EC2"),
                 Param("allow_reassignment", ("--allow-reassignment",), action="flag",
                       help="take the addresses even from another interface")),
         mutates=True, check=_check_assign,
         example="assign-private-ip-addresses -n eni-1a2b3c4d --secondary-count 2")
def assign_private_ip_addresses(ctx: Context, inv: Invocation) -> Result:
    eni = _the_interface(inv)
    params: dict[str, Any] = {"NetworkInterfaceId": eni}
    if inv.addresses:
        params["PrivateIpAddresses"] = list(inv.addresses)
    if inv.count:
        params["SecondaryPrivateIpAddressCount"] = inv.count
    if inv.allow_reassignment:
        params["AllowReassignment"] = True
    reply = ctx.send("assign_private_ip_addresses", **params)
    changes = ctx.after_action([eni])
    what = ", ".join(inv.addresses) if inv.addresses else f"{inv.count} address{'es' if inv.count > 1 else ''}"
    return Result(data=reply, lines=(f"{eni}: assigned {what}",), changes=changes)


def _check_unassign(ctx: Context, inv: Invocation) -> None:
    nic = fresh(ctx, "network-interface", _the_interface(inv))
    held = {a.get("PrivateIpAddress"): a for a in nic.raw.get("PrivateIpAddresses") or ()}
    for address in inv.addresses:
        if address not in held:
            raise Refused(f"unassign-private-ip-addresses: {label(nic)} has no address {address}")
        if held[address].get("Primary"):
            raise Refused(f"unassign-private-ip-addresses: {address} is {label(nic)}'s primary address: "
                          "it stays with the interface")


@command("unassign-private-ip-addresses", NIC_GROUP, "Take secondary private addresses off a network interface.",
         params=(*_interface_params(),
                 Param("addresses", ("--secondary-address", "--secondary-private-ip-address"), action="append",
                       required=True, convert=private_ip, metavar="ADDRESS", help="an address to remove (repeatable)")),
         mutates=True, check=_check_unassign,
         example="unassign-private-ip-addresses -n eni-1a2b3c4d --secondary-address 10.0.1.20")
def unassign_private_ip_addresses(ctx: Context, inv: Invocation) -> Result:
    eni = _the_interface(inv)
    reply = ctx.send("unassign_private_ip_addresses", NetworkInterfaceId=eni, PrivateIpAddresses=list(inv.addresses))
    changes = ctx.after_action([eni])
    return Result(data=reply, lines=(f"{eni}: unassigned {', '.join(inv.addresses)}",), changes=changes)


# -- attributes --------------------------------------------------------------------------------

READ_ATTRIBUTES = {"description": "description", "source_dest_check": "sourceDestCheck", "group_set": "groupSet",
                   "attachment": "attachment"}


@command("describe-network-interface-attribute", NIC_GROUP, "Show one attribute of a network interface.",
         params=(Param("interface", kind="network-interface", required=True, convert=network_interface_id,
                       metavar="INTERFACE", help="the network interface"),
                 Param("description", ("-d", "--description"), action="flag", help="its description"),
                 Param("source_dest_check", ("--source-dest-check",), action="flag",
                       help="whether source/destination checking is on"),
                 Param("group_set", ("--group-set",), action="flag", help="its security groups"),
                 Param("attachment", ("-a", "--attachment"), action="flag", help="its attachment, if any")),
         check=lambda ctx, inv: one_attribute(inv, tuple(READ_ATTRIBUTES)),
         example="describe-network-interface-attribute eni-1a2b3c4d --source-dest-check")
def describe_network_interface_attribute(ctx: Context, inv: Invocation) -> Result:
    attribute = READ_ATTRIBUTES[one_attribute(inv, tuple(READ_ATTRIBUTES))]
    reply = ctx.session.call("describe_network_interface_attribute", NetworkInterfaceId=inv.interface,
                             Attribute=attribute)
    if attribute == "groupSet":
        said = ", ".join(f"{g.get('GroupId')} ({g.get('GroupName')})" for g in reply.get("Groups") or ()) or "none"
    elif attribute == "attachment":
        att = reply.get("Attachment") or {}
        said = (f"{att.get('InstanceId')} device {att.get('DeviceIndex')} ({att.get('AttachmentId')}), "
                f"{att.get('Status')}") if att else "not attached"
    else:
        value = (reply.get(attribute[0].upper() + attribute[1:]) or {}).get("Value")
        said = ("true" if value else "false") if isinstance(value, bool) else str(value or "")
    return Result(data=reply, lines=(f"{inv.interface} {attribute}: {said}",),
                  operation="describe_network_interface_attribute")


WRITE_ATTRIBUTES = ("description", "source_dest_check", "groups", "attachment")


def _check_modify(ctx: Context, inv: Invocation) -> None:
    dest = one_attribute(inv, WRITE_ATTRIBUTES)
    if (dest == "attachment") != (inv.delete_on_termination is not None):
        raise UsageError("modify-network-interface-attribute: -a ATTACHMENT and --delete-on-termination go together "
                         "(expected both or neither)")
    nic = fresh(ctx, "network-interface", inv.interface)
    if dest == "groups":
        _check_groups(ctx, str(nic.raw.get("VpcId") or ""), list(inv.groups), "modify-network-interface-attribute")
    if dest == "attachment" and _attachment(nic).get("AttachmentId") != inv.attachment:
        raise Refused(f"modify-network-interface-attribute: {inv.attachment} is not {label(nic)}'s attachment")


@command("modify-network-interface-attribute", NIC_GROUP, "Change one attribute of a network interface.",
         params=(Param("interface", kind="network-interface", required=True, convert=network_interface_id,
                       metavar="INTERFACE", help="the network interface"),
                 Param("description", ("-d", "--description"), convert=description, metavar="DESC",
                       help="set its description"),
                 Param("source_dest_check", ("--source-dest-check",), convert=flexible_bool, metavar=TRUE_FALSE,
                       help="turn source/destination checking on or off (off for NAT instances)"),
                 Param("groups", ("--group-id",), kind=GROUP, action="append", convert=group_id, metavar="GROUP",
                       help="set its security groups (repeatable)"),
                 Param("attachment", ("-a", "--attachment"), convert=interface_attachment_id, metavar="ATTACHMENT",
                       help="its attachment, to set --delete-on-termination"),
                 Param("delete_on_termination", ("--delete-on-termination",), convert=flexible_bool,
                       metavar=TRUE_FALSE, help="delete it with the instance or not (with -a)")),
         mutates=True, check=_check_modify,
         example="modify-network-interface-attribute eni-1a2b3c4d --source-dest-check false")
def modify_network_interface_attribute(ctx: Context, inv: Invocation) -> Result:
    dest = one_attribute(inv, WRITE_ATTRIBUTES)
    params: dict[str, Any] = {"NetworkInterfaceId": inv.interface}
    if dest == "description":
        params["Description"] = {"Value": inv.description}
    elif dest == "source_dest_check":
        params["SourceDestCheck"] = {"Value": inv.source_dest_check}
    elif dest == "groups":
        params["Groups"] = list(inv.groups)
    else:
        params["Attachment"] = {"AttachmentId": inv.attachment, "DeleteOnTermination": inv.delete_on_termination}
    reply = ctx.send("modify_network_interface_attribute", **params)
    changes = ctx.after_action([inv.interface])
    value = {"description": lambda: repr(inv.description),
             "source_dest_check": lambda: "true" if inv.source_dest_check else "false",
             "groups": lambda: ", ".join(inv.groups),
             "attachment": lambda: f"deleteOnTermination {'true' if inv.delete_on_termination else 'false'}"}[dest]()
    return Result(data=reply, lines=(f"{inv.interface} {dest.replace('_', ' ')} set to {value}",), changes=changes)


@command("reset-network-interface-attribute", NIC_GROUP, "Turn a network interface's source/destination check back on.",
         params=(Param("interface", kind="network-interface", required=True, convert=network_interface_id,
                       metavar="INTERFACE", help="the network interface"),
                 Param("source_dest_check", ("--source-dest-check",), action="flag", required=True,
                       help="reset source/destination checking (on)")),
         mutates=True, check=lambda ctx, inv: _require_flag(inv),
         example="reset-network-interface-attribute eni-1a2b3c4d --source-dest-check")
def reset_network_interface_attribute(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("reset_network_interface_attribute", NetworkInterfaceId=inv.interface,
                     SourceDestCheck="sourceDestCheck")
    changes = ctx.after_action([inv.interface])
    return Result(data=reply, lines=(f"{inv.interface} sourceDestCheck reset",), changes=changes)


def _require_flag(inv: Invocation) -> None:
    if not inv.source_dest_check:
        raise UsageError("reset-network-interface-attribute: missing --source-dest-check (the only attribute it resets)")
