"""What the network kinds mean together, read from one inventory snapshot (no call to the cloud).

- :func:`view_records`: the monitor's Networks view, each VPC followed by its subnets, each line with
  its block, zone, free addresses, whether it routes to the Internet, and how many instances it holds;
- :func:`route_table_of`, :func:`internet_route`: which table a subnet uses and where 0.0.0.0/0 leads;
- :func:`instance_network`: an instance's subnet, route table, interfaces and groups (its detail screen).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from cloudshell.cloud.inventory import Inventory, Record
from cloudshell.cloud.kinds.network import NETWORKS_VIEW, route_target

# The kinds the Networks view is made of: a new snapshot of any of them redraws it.
SOURCES = NETWORKS_VIEW.derived_from
GONE = frozenset({"terminated", "shutting-down"})
DEFAULT_ROUTES = ("0.0.0.0/0", "::/0")


def route_table_of(inv: Inventory, subnet: Record) -> Record | None:
    """The table a subnet uses: the one associated with it, else its VPC's main table."""
    tables = [t for t in inv.of("route-tables").values() if t["vpc"] == subnet["vpc"]]
    for table in tables:
        if any(a.get("SubnetId") == subnet.id for a in table.raw.get("Associations") or ()):
            return table
    return main_table(tables)


def main_table(tables: list[Record]) -> Record | None:
    return next((t for t in tables if t["main"] == "yes"), None)


def internet_route(table: Record | None) -> str:
    """``yes`` (0.0.0.0/0 to an internet gateway), ``yes (NAT)`` (to a NAT gateway), or ``no``."""
    for route in (table.raw.get("Routes") or ()) if table is not None else ():
        if route.get("DestinationCidrBlock") in DEFAULT_ROUTES or route.get("DestinationIpv6CidrBlock") in DEFAULT_ROUTES:
            if route.get("State") not in (None, "active"):
                continue
            target = route_target(route)
            if target.startswith("igw-"):
                return "yes"
            if target.startswith("nat-"):
                return "yes (NAT)"
    return "no"


def _live(inv: Inventory) -> list[Record]:
    return [i for i in inv.of("instances").values() if i.state not in GONE]


def view_records(inv: Inventory) -> Mapping[str, Record]:
    """The Networks view's rows, in their order: each VPC, then its subnets (by zone, then block)."""
    subnets: dict[str, list[Record]] = {}
    for sub in inv.of("subnets").values():
        subnets.setdefault(sub["vpc"], []).append(sub)
    tables: dict[str, list[Record]] = {}
    for rtb in inv.of("route-tables").values():
        tables.setdefault(rtb["vpc"], []).append(rtb)
    in_subnet: dict[str, int] = {}
    in_vpc: dict[str, int] = {}
    for inst in _live(inv):
        sid, vid = str(inst.raw.get("SubnetId") or ""), str(inst.raw.get("VpcId") or "")
        if sid:
            in_subnet[sid] = in_subnet.get(sid, 0) + 1
        if vid:
            in_vpc[vid] = in_vpc.get(vid, 0) + 1
    out: dict[str, Record] = {}
    for vpc in sorted(inv.of("vpcs").values(), key=lambda v: (v["default"] != "yes", v.name.lower(), v.id)):
        own = sorted(subnets.get(vpc.id, ()), key=lambda s: (s.zone, _block_key(s["cidr"]), s.id))
        free = sum(int(s["free"]) for s in own if s["free"].isdigit())
        rows = []
        for n, sub in enumerate(own):
            branch = "└ " if n == len(own) - 1 else "├ "
            table = route_table_of(inv, sub)
            rows.append(_row(sub, branch + sub.id, zone=sub.zone, free=sub["free"], internet=internet_route(table),
                             instances=in_subnet.get(sub.id, 0), table=table.id if table is not None else ""))
        # A VPC routes out when one of its subnets does (with none, its main table decides).
        routes = [r["internet"] for r in rows] or [internet_route(main_table(tables.get(vpc.id, [])))]
        out[vpc.id] = _row(vpc, vpc.id, zone=f"{len({s.zone for s in own})} zones" if len(own) > 1 else
                           (own[0].zone if own else ""), free=str(free) if own else "",
                           internet=next((r for r in routes if r != "no"), "no"), instances=in_vpc.get(vpc.id, 0))
        out.update((r.id, r) for r in rows)
    return MappingProxyType(out)


def _block_key(cidr: str) -> tuple[int, ...]:
    address = cidr.partition("/")[0]
    try:
        return tuple(int(part) for part in address.split("."))
    except ValueError:
        return ()


def _row(rec: Record, shown_id: str, *, zone: str, free: str, internet: str, instances: int,
         table: str = "") -> Record:
    fields = {"id": shown_id, "name": rec.name, "state": rec.state, "cidr": rec["cidr"], "zone": zone,
              "free": free, "internet": internet, "instances": str(instances), "route_table": table,
              "vpc": rec["vpc"] if rec.kind == "subnets" else ""}
    if "cloud" in rec.fields:     # several clouds: the row keeps its cloud (the Cloud column, the filter)
        fields["cloud"] = rec.fields["cloud"]
    return Record(kind=rec.kind, id=rec.id, name=rec.name, state=rec.state, zone=rec.zone,
                  fields=MappingProxyType(fields), raw=rec.raw)


def instance_network(inv: Inventory, inst: Record) -> list[tuple[str, str]]:
    """An instance's place in its network: VPC, subnet, route table, interfaces, groups."""
    raw = inst.raw
    rows: list[tuple[str, str]] = []
    vpc_id, subnet_id = str(raw.get("VpcId") or ""), str(raw.get("SubnetId") or "")
    if vpc_id:
        vpc = inv.get(vpc_id, "vpcs")
        rows.append(("VPC", _labelled(vpc_id, vpc, vpc["cidr"] if vpc else "")))
    if subnet_id:
        sub = inv.get(subnet_id, "subnets")
        rows.append(("Subnet", _labelled(subnet_id, sub, " ".join(x for x in (sub["cidr"], sub.zone) if x)
                                         if sub else "")))
        table = route_table_of(inv, sub) if sub is not None else None
        if table is not None:
            rows.append(("Route table", _labelled(table.id, table, f"Internet: {internet_route(table)}")))
    for eni in sorted(raw.get("NetworkInterfaces") or (), key=lambda e: (e.get("Attachment") or {}).get("DeviceIndex", 0)):
        index = (eni.get("Attachment") or {}).get("DeviceIndex", "")
        public = (eni.get("Association") or {}).get("PublicIp") or ""
        facts = " ".join(x for x in (str(eni.get("PrivateIpAddress") or ""), public and f"public {public}") if x)
        rows.append((f"Interface {index}".strip(), f"{eni.get('NetworkInterfaceId', '')} {facts}".strip()))
    for group in raw.get("SecurityGroups") or ():
        rows.append(("Group", " ".join(x for x in (str(group.get("GroupId") or ""),
                                                    f"({group['GroupName']})" if group.get("GroupName") else "") if x)))
    return rows


def _labelled(rid: str, rec: Record | None, facts: str) -> str:
    name = f" ({rec.name})" if rec is not None and rec.name else ""
    return f"{rid}{name}" + (f" {facts}" if facts else "")
