"""Internet and NAT gateways, customer and VPN gateways, VPN connections one-shot against moto's
server, each change cross-checked with the awscli program; VPN connection routes against the fault
proxy's canned answers (moto's server has no Create/DeleteVpnConnectionRoute)."""

from __future__ import annotations

import json

from cloud_checks import oneshot
from faultproxy import FaultProxy
from network_checks import awscli, subnet, vpc


def _igw(cloud, monkeypatch, igw: str) -> dict:
    return awscli(cloud, "describe-internet-gateways", "--internet-gateway-ids", igw)["InternetGateways"][0]


def test_an_internet_gateway_created_attached_detached_deleted(cloud, monkeypatch, capsys):
    vid = vpc(cloud.session)
    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-create-internet-gateway")
    assert code == 0, err
    word, igw = out.strip().split("\t")
    assert word == "INTERNETGATEWAY" and igw.startswith("igw-")
    assert _igw(cloud, monkeypatch, igw)["Attachments"] == []

    code, out, err = oneshot(cloud, monkeypatch, capsys, "attach-internet-gateway", "-c", vid, igw,
                             "--output", "table")
    assert code == 0, err
    assert f"{igw} attached to {vid}" in out
    assert [a["VpcId"] for a in _igw(cloud, monkeypatch, igw)["Attachments"]] == [vid]

    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-detach-internet-gateway", "-c", vid, igw)
    assert (code, out) == (0, ""), err
    assert _igw(cloud, monkeypatch, igw)["Attachments"] == []

    code, out, err = oneshot(cloud, monkeypatch, capsys, "delete-internet-gateway", igw, "--yes", "--output", "table")
    assert code == 0, err
    assert f"deleted {igw}" in out
    assert igw not in json.dumps(awscli(cloud, "describe-internet-gateways"))


def test_create_internet_gateway_json_matches_awscli(cloud, monkeypatch, capsys):
    code, out, err = oneshot(cloud, monkeypatch, capsys, "create-internet-gateway", "--output", "json")
    assert code == 0, err
    mine = json.loads(out)["InternetGateway"]
    theirs = awscli(cloud, "create-internet-gateway")["InternetGateway"]
    assert set(mine) == set(theirs)
    assert mine["InternetGatewayId"] != theirs["InternetGatewayId"]


def test_a_nat_gateway_with_its_address(cloud, monkeypatch, capsys):
    s = cloud.session
    sid = subnet(s, vpc(s))
    reply = s.call("allocate_address", Domain="vpc")
    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-create-nat-gateway", "-s", sid, "-a",
                             reply["AllocationId"])
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("NATGATEWAY\tnat-") and f"\t{sid}\t" in lines[0]
    assert lines[1].startswith(f"NATGATEWAYADDRESSES\t{reply['AllocationId']}\teni-")
    assert lines[1].split("\t")[3] == reply["PublicIp"]
    nat = lines[0].split("\t")[1]
    seen = awscli(cloud, "describe-nat-gateways", "--nat-gateway-ids", nat)["NatGateways"][0]
    assert seen["SubnetId"] == sid

    code, out, err = oneshot(cloud, monkeypatch, capsys, "create-nat-gateway", "-s", sid, "-a", reply["AllocationId"])
    assert code == 1
    assert f"{reply['PublicIp']} ({reply['AllocationId']}) is associated with eni-" in err

    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-delete-nat-gateway", nat, "--yes")
    assert (code, out) == (0, f"{nat}\n"), err
    state = awscli(cloud, "describe-nat-gateways", "--nat-gateway-ids", nat)["NatGateways"]
    assert not state or state[0]["State"] in ("deleting", "deleted")


def test_customer_and_vpn_gateways_and_a_connection_between_them(cloud, monkeypatch, capsys):
    vid = vpc(cloud.session)
    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-create-customer-gateway", "-t", "ipsec.1",
                             "-i", "198.51.100.7", "-b", "65010")
    assert code == 0, err
    word, cgw, state, kind, ip, asn = out.strip().split("\t")
    assert (word, kind, ip, asn) == ("CUSTOMERGATEWAY", "ipsec.1", "198.51.100.7", "65010")
    seen = awscli(cloud, "describe-customer-gateways", "--customer-gateway-ids", cgw)
    assert seen["CustomerGateways"][0]["IpAddress"] == "198.51.100.7"

    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-create-vpn-gateway", "-t", "ipsec.1")
    assert code == 0, err
    assert out.startswith("VPNGATEWAY\tvgw-")
    vgw = out.split("\t")[1]

    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-attach-vpn-gateway", "-c", vid, vgw)
    assert code == 0 and out.startswith(f"VGWATTACHMENT\t{vid}\t"), err
    seen = awscli(cloud, "describe-vpn-gateways", "--vpn-gateway-ids", vgw)["VpnGateways"][0]
    assert [a["VpcId"] for a in seen["VpcAttachments"] if a["State"] == "attached"] == [vid]

    code, out, err = oneshot(cloud, monkeypatch, capsys, "delete-vpn-gateway", vgw, "--yes")
    assert code == 1
    assert err.strip() == (f"cloudshell: delete-vpn-gateway: {vgw} is attached to {vid}: "
                           f"detach-vpn-gateway -c {vid} {vgw} first")

    code, out, err = oneshot(cloud, monkeypatch, capsys, "euca-create-vpn-connection", "-t", "ipsec.1",
                             "--customer-gateway", cgw, "--vpn-gateway", vgw, "--format", "none")
    assert code == 0, err
    word, vpn, kind, *rest = out.strip().split("\t")
    assert (word, kind, rest[:2]) == ("VPNCONNECTION", "ipsec.1", [cgw, vgw])
    seen = awscli(cloud, "describe-vpn-connections", "--vpn-connection-ids", vpn)["VpnConnections"][0]
    assert (seen["CustomerGatewayId"], seen["VpnGatewayId"]) == (cgw, vgw)

    code, out, err = oneshot(cloud, monkeypatch, capsys, "delete-customer-gateway", cgw, "--yes")
    assert code == 1
    assert err.strip() == (f"cloudshell: delete-customer-gateway: {cgw} is used by {vpn}: "
                           "delete-vpn-connection first")

    for args in (["delete-vpn-connection", vpn], ["detach-vpn-gateway", "-c", vid, vgw],
                 ["delete-customer-gateway", cgw]):
        code, out, err = oneshot(cloud, monkeypatch, capsys, *args, "--yes", "--output", "table")
        assert code == 0, (args, err)
    conns = awscli(cloud, "describe-vpn-connections", "--vpn-connection-ids", vpn)["VpnConnections"]
    assert not conns or conns[0]["State"] in ("deleting", "deleted")
    seen = awscli(cloud, "describe-vpn-gateways", "--vpn-gateway-ids", vgw)["VpnGateways"][0]
    assert [a for a in seen["VpcAttachments"] if a["State"] == "attached"] == []
    gone = awscli(cloud, "describe-customer-gateways", "--customer-gateway-ids", cgw)["CustomerGateways"]
    assert not gone or gone[0]["State"] in ("deleting", "deleted")


CONNECTION = """<?xml version="1.0" encoding="UTF-8"?>
<DescribeVpnConnectionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>
<vpnConnectionSet><item><vpnConnectionId>vpn-1a2b3c4d</vpnConnectionId><state>available</state>
<type>ipsec.1</type><customerGatewayId>cgw-1a2b3c4d</customerGatewayId><vpnGatewayId>vgw-1a2b3c4d</vpnGatewayId>
<options><staticRoutesOnly>true</staticRoutesOnly></options><routes>{routes}</routes>
</item></vpnConnectionSet></DescribeVpnConnectionsResponse>"""
ROUTE = ("<item><destinationCidrBlock>{cidr}</destinationCidrBlock><source>static</source>"
         "<state>available</state></item>")


def _answer(action: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><{action}Response xmlns="http://ec2.amazonaws.com/doc/'
            f'2016-11-15/"><requestId>r</requestId><return>true</return></{action}Response>').encode()


def test_static_routes_of_a_vpn_connection_canned(cloud, monkeypatch, capsys):
    """moto has no Create/DeleteVpnConnectionRoute (nor routes in its connections): EC2's documented
    answers, a connection without and then with the route, stand in for them."""
    from cloudshell.cli import main

    for name, value in cloud.env.items():
        monkeypatch.setenv(name, value)
    with FaultProxy(cloud.url) as proxy:
        proxy.inject("canned", action="DescribeVpnConnections", times=1, body=CONNECTION.format(routes="").encode())
        proxy.inject("canned", action="CreateVpnConnectionRoute", body=_answer("CreateVpnConnectionRoute"))
        capsys.readouterr()
        assert main(["--endpoint-url", proxy.url, "create-vpn-connection-route", "--vpn-connection", "vpn-1a2b3c4d",
                     "--cidr", "192.168.0.0/16", "--output", "table"]) == 0
        assert "vpn-1a2b3c4d: 192.168.0.0/16 routed to the customer side" in capsys.readouterr().out
        sent = [q for q in proxy.queries if q.get("Action") == ["CreateVpnConnectionRoute"]]
        assert [(q["VpnConnectionId"], q["DestinationCidrBlock"]) for q in sent] == [(["vpn-1a2b3c4d"],
                                                                                       ["192.168.0.0/16"])]

        with_route = CONNECTION.format(routes=ROUTE.format(cidr="192.168.0.0/16")).encode()
        proxy.inject("canned", action="DescribeVpnConnections", body=with_route)
        proxy.inject("canned", action="DeleteVpnConnectionRoute", body=_answer("DeleteVpnConnectionRoute"))
        assert main(["--endpoint-url", proxy.url, "create-vpn-connection-route", "--vpn-connection", "vpn-1a2b3c4d",
                     "--cidr", "192.168.0.0/16"]) == 1
        assert "vpn-1a2b3c4d already routes 192.168.0.0/16" in capsys.readouterr().err
        assert main(["--endpoint-url", proxy.url, "delete-vpn-connection-route", "--vpn-connection", "vpn-1a2b3c4d",
                     "--cidr", "10.9.0.0/16", "--yes"]) == 1
        assert "has no static route to 10.9.0.0/16 (its routes: 192.168.0.0/16)" in capsys.readouterr().err
        assert main(["--endpoint-url", proxy.url, "euca-delete-vpn-connection-route", "--vpn-connection",
                     "vpn-1a2b3c4d", "--cidr", "192.168.0.0/16", "--yes"]) == 0
        assert capsys.readouterr().out == ""
        assert proxy.count("CreateVpnConnectionRoute") == 1 and proxy.count("DeleteVpnConnectionRoute") == 1


def test_dry_run_asks_ec2_and_changes_nothing(cloud, monkeypatch, capsys):
    vid = vpc(cloud.session)
    code, out, err = oneshot(cloud, monkeypatch, capsys, "create-internet-gateway", "--dry-run", "--output", "table")
    assert code == 0, err
    assert "dry run: the request would have succeeded (DryRun)" in out
    assert awscli(cloud, "describe-internet-gateways")["InternetGateways"] == []
    igw = cloud.session.call("create_internet_gateway")["InternetGateway"]["InternetGatewayId"]
    code, out, err = oneshot(cloud, monkeypatch, capsys, "attach-internet-gateway", "-c", vid, igw, "--dry-run",
                             "--output", "table")
    assert code == 0, err
    assert "dry run: the request would have succeeded (DryRun)" in out
    assert _igw(cloud, monkeypatch, igw)["Attachments"] == []


def test_dry_run_where_ec2_honours_it_and_moto_does_not_canned(cloud, monkeypatch, capsys):
    """moto carries out CreateVpc even with DryRun: EC2's DryRunOperation answer stands in for it."""
    from cloudshell.cli import main

    for name, value in cloud.env.items():
        monkeypatch.setenv(name, value)
    with FaultProxy(cloud.url) as proxy:
        proxy.inject("error", action="CreateVpc", status=412, code="DryRunOperation",
                     message="Request would have succeeded, but DryRun flag is set.")
        capsys.readouterr()
        assert main(["--endpoint-url", proxy.url, "create-vpc", "10.70.0.0/16", "--dry-run", "--output", "table"]) == 0
        assert "dry run: the request would have succeeded (DryRun)" in capsys.readouterr().out
        assert [q.get("DryRun") for q in proxy.queries if q.get("Action") == ["CreateVpc"]] == [["true"]]
    assert awscli(cloud, "describe-vpcs", "--filters", "Name=cidr,Values=10.70.0.0/16")["Vpcs"] == []
