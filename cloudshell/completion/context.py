"""Narrowings that read the rest of the line, not a record's own state (issue 13 item 4).

A parameter's kind names one after its colon, as it names a state (``volume:available``):

- ``same-vpc``: only records in the VPC of the other IDs already given on the line (a route
  table, a subnet, a VPC, an instance…): ``associate-route-table rtb-… -s`` offers that table's
  subnets, ``run-instances -s subnet-… -g`` that VPC's groups. Nothing given yet: no narrowing.
- ``no-internet-gateway``: VPCs no internet gateway is attached to (``attach-internet-gateway -c``).

Each reads the snapshot only (records' columns, which the shell's ID cache keeps too, or their
raw answer where the monitor has it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from cloudshell.cloud.inventory import Inventory, Record

SAME_VPC = "same-vpc"
NO_INTERNET_GATEWAY = "no-internet-gateway"


def vpc_of(rec: Record) -> str:
    """The VPC a record is in (its own ID for a VPC); "" where it is in none (EC2-classic)."""
    if rec.kind == "vpcs":
        return rec.id
    return rec["vpc"] or str(rec.raw.get("VpcId") or "")


def given_vpcs(inventory: Inventory, given: Iterable[str]) -> set[str]:
    """The VPCs of the IDs given on the line that the snapshot knows."""
    out: set[str] = set()
    for value in given:
        rec = inventory.get(value)
        if rec is not None and (vpc := vpc_of(rec)):
            out.add(vpc)
    return out


Keep = Callable[[Record], bool]


def _same_vpc(inventory: Inventory, given: list[str]) -> Keep | None:
    vpcs = given_vpcs(inventory, given)
    return (lambda rec: vpc_of(rec) in vpcs) if vpcs else None


def _no_internet_gateway(inventory: Inventory, given: list[str]) -> Keep | None:
    attached = {rec["vpc"] for rec in inventory.of("internet-gateways").values() if rec["vpc"]}
    return lambda rec: rec.id not in attached


NARROWINGS: dict[str, Callable[[Inventory, list[str]], Keep | None]] = {
    SAME_VPC: _same_vpc,
    NO_INTERNET_GATEWAY: _no_internet_gateway,
}


def narrowing(narrow: str, inventory: Inventory, values: Mapping[str, Any], own: str) -> Keep | None:
    """The test a candidate must pass for this narrowing, given the line's values (``own``, the
    parameter being completed, left out); None: no narrowing applies."""
    hook = NARROWINGS.get(narrow)
    if hook is None:
        return None
    return hook(inventory, [v for dest, value in values.items() if dest != own for v in _strings(value)])


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def is_context(narrow: str) -> bool:
    return narrow in NARROWINGS
