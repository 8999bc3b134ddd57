"""Route tables, routes and their associations one-shot against moto's server, each change
cross-checked with the awscli program; route propagation from a virtual private gateway against the
fault proxy's canned answers (moto's server has no Enable/DisableVgwRoutePropagation)."""

from __future__ import annotations

import json

from cloud_checks import oneshot
from faultproxy import FaultProxy
from network_checks import awscli, internet_gateway, main_route_table, subnet, vpc


def _routes(cloud, monkeypatch, rtb: str) -> dict[str, str]:
    table = awscli(cloud, "describe-route-tables", "--route-table-ids", rtb)["RouteTables"][0]
    return {r["DestinationCidrBlock"]: r.get("GatewayId") or r.get("NatGatewayId") or "" for r in table["Routes"]}


def test_a_route_table_its_routes_and_its_subnet(cloud, monkeypatch, capsys):
    s = cloud.session
    vid = vpc(s)
    sid = subnet(s, vid)
    igw, other = internet_gateway(s, vid), internet_gateway(s)

    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-create-route-table", vid)
    assert code == 0, err
    assert out.startswith("ROUTETABLE\trtb-") and f"\t{vid}\n" in out
    assert "ROUTE\tlocal\tactive\t10.0.0.0/16\tCreateRouteTable" in out
    rtb = out.split("\t")[1]
    assert awscli(cloud, "describe-route-tables", "--route-table-ids", rtb)["RouteTables"][0]["VpcId"] == vid

    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-create-route", rtb, "-r", "0.0.0.0/0", "-g", igw)
    # euca2ools' create-route never prints a -g target (it reads it from a name it does not set).
    assert (code, out) == (0, "ROUTE\t\t0.0.0.0/0\n"), err
    assert _routes(cloud, monkeypatch, rtb)["0.0.0.0/0"] == igw

    code, out, err = oneshot(cloud, monkeypatch, capsys, "replace-route", rtb, "-r", "0.0.0.0/0", "-g", other,
                             "--output", "table")
    assert code == 0, err
    assert f"{rtb}: 0.0.0.0/0 → {other} (replaced)" in out
    assert _routes(cloud, monkeypatch, rtb)["0.0.0.0/0"] == other

    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-associate-route-table", "-s", sid, rtb)
    assert code == 0, err
    word, assoc, table, where = out.strip().split("\t")
    assert (word, table, where) == ("ASSOCIATION", rtb, sid) and assoc.startswith("rtbassoc-")
    seen = awscli(cloud, "describe-route-tables", "--filters", f"Name=association.subnet-id,Values={sid}")
    assert [t["RouteTableId"] for t in seen["RouteTables"]] == [rtb]

    main = main_route_table(s, vid)["RouteTableId"]
    code, out, err = oneshot(cloud, monkeypatch, capsys, "replace-route-table-association", assoc, "-r", main,
                             "--output", "json")
    assert code == 0, err
    moved = json.loads(out)["NewAssociationId"]
    seen = awscli(cloud, "describe-route-tables", "--filters", f"Name=association.subnet-id,Values={sid}")
    assert [t["RouteTableId"] for t in seen["RouteTables"]] == [main]

    code, out, err = oneshot(cloud, monkeypatch, capsys, "disassociate-route-table", moved, "--output", "table")
    assert code == 0, err
    assert f"{sid} no longer uses {main}" in out
    seen = awscli(cloud, "describe-route-tables", "--filters", f"Name=association.subnet-id,Values={sid}")
    assert seen["RouteTables"] == []

    code, out, err = oneshot(cloud, monkeypatch, capsys, "delete-route", rtb, "-r", "0.0.0.0/0", "--yes",
                             "--output", "table")
    assert code == 0, err
    assert "0.0.0.0/0" not in _routes(cloud, monkeypatch, rtb)

    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-delete-route-table", rtb, "--yes")
    assert (code, out) == (0, ""), err
    assert rtb not in json.dumps(awscli(cloud, "describe-route-tables"))


def test_a_route_to_a_nat_gateway_names_it_as_such(cloud, monkeypatch, capsys):
    s = cloud.session
    vid = vpc(s)
    sid = subnet(s, vid)
    alloc = s.call("allocate_address", Domain="vpc")["AllocationId"]
    nat = s.call("create_nat_gateway", SubnetId=sid, AllocationId=alloc)["NatGateway"]["NatGatewayId"]
    rtb = main_route_table(s, vid)["RouteTableId"]
    code, out, err = oneshot(cloud, monkeypatch, capsys, "create-route", rtb, "-r", "0.0.0.0/0", "-g", nat,
                             "--output", "table")
    assert code == 0, err
    assert _routes(cloud, monkeypatch, rtb)["0.0.0.0/0"] == nat
    code, out, err = oneshot(cloud, monkeypatch, capsys, "delete-nat-gateway", nat, "--yes")
    assert code == 1
    assert err.strip() == (f"cloudshell: delete-nat-gateway: {rtb} routes traffic through {nat}: "
                           "delete-route those routes first")


def _empty(action: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><{action}Response xmlns="http://ec2.amazonaws.com/doc/'
            f'2016-11-15/"><requestId>r</requestId><return>true</return></{action}Response>').encode()


def test_route_propagation_from_a_vpn_gateway_canned(cloud, monkeypatch, capsys):
    """moto has no (Enable|Disable)VgwRoutePropagation: EC2's documented answer stands in for it."""
    from cloudshell.cli import main

    vid = vpc(cloud.session)
    rtb = main_route_table(cloud.session, vid)["RouteTableId"]
    vgw = cloud.session.call("create_vpn_gateway", Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    for name, value in cloud.env.items():
        monkeypatch.setenv(name, value)
    with FaultProxy(cloud.url) as proxy:
        for verb in ("Enable", "Disable"):
            proxy.inject("canned", action=f"{verb}VgwRoutePropagation", body=_empty(f"{verb}VgwRoutePropagation"))
        capsys.readouterr()
        assert main(["--endpoint-url", proxy.url, "enable-vgw-route-propagation", "--route-table", rtb,
                     "--vgw", vgw, "--output", "table"]) == 0
        assert f"{rtb} takes routes from {vgw}" in capsys.readouterr().out
        assert main(["--endpoint-url", proxy.url, "euca-disable-vgw-route-propagation", "--route-table", rtb,
                     "--vgw", vgw]) == 0
        assert capsys.readouterr().out == ""
        for verb in ("Enable", "Disable"):
            sent = [q for q in proxy.queries if q.get("Action") == [f"{verb}VgwRoutePropagation"]]
            assert [(q["RouteTableId"], q["GatewayId"]) for q in sent] == [([rtb], [vgw])]
