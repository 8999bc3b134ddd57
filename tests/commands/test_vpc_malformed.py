"""Malformed input to the VPC and networking commands, as a table: each exits 2 with one line on
stderr saying what is wrong and what is expected, prints nothing on stdout, and sends nothing at all
(the fault proxy in front of moto logs every request; its log stays empty)."""

from __future__ import annotations

import pytest
from faultproxy import FaultProxy

V, S, I, E = "vpc-1a2b3c4d", "subnet-1a2b3c4d", "i-1a2b3c4d", "eni-1a2b3c4d"
RTB, ACL, IGW = "rtb-1a2b3c4d", "acl-1a2b3c4d", "igw-1a2b3c4d"
IMG = "emi-1a2b3c4d"

CASES = [
    ("vpc-prefix-33", ["create-vpc", "10.0.0.0/33"], "'10.0.0.0/33': the prefix length must be 0-32"),
    ("vpc-host-bits", ["create-vpc", "10.0.0.1/16"], "'10.0.0.1/16' has host bits set (did you mean 10.0.0.0/16?)"),
    ("vpc-too-big", ["create-vpc", "10.0.0.0/8"], "a VPC's block is /16 to /28 (not /8)"),
    ("vpc-word", ["create-vpc", "ten"], "'ten' is not a CIDR block (expected a.b.c.d/n"),
    ("vpc-octet", ["euca-create-vpc", "10.0.300.0/24"], "is not a CIDR block (each part 0-255"),
    ("subnet-vpc-is-subnet", ["create-subnet", "-c", S, "10.0.0.0/24"], f"'{S}' is not a VPC ID (expected an ID like vpc-"),
    ("subnet-too-small", ["create-subnet", "-c", V, "10.0.0.0/29"], "a subnet's block is /16 to /28 (not /29)"),
    ("subnet-no-vpc", ["create-subnet", "10.0.0.0/24"], "missing -c VPC"),
    ("delete-vpc-igw", ["delete-vpc", IGW, "--yes"], f"'{IGW}' is not a VPC ID"),
    ("delete-subnet-vpc", ["delete-subnet", V, "--yes"], f"'{V}' is not a subnet ID"),
    ("attach-igw-vpc-twice", ["attach-internet-gateway", "-c", V, V], f"'{V}' is not an internet gateway ID"),
    ("route-to-instance-as-gateway", ["create-route", RTB, "-r", "0.0.0.0/0", "-g", I],
     f"'{I}' is not a gateway ID (expected an Internet gateway igw-…"),
    ("route-no-target", ["create-route", RTB, "-r", "0.0.0.0/0"], "give one target (-g GATEWAY, -i INSTANCE"),
    ("route-two-targets", ["create-route", RTB, "-r", "0.0.0.0/0", "-g", IGW, "-i", I], "give only one target"),
    ("route-bad-cidr", ["replace-route", RTB, "-r", "0.0.0.0", "-g", IGW], "'0.0.0.0' is not a CIDR block"),
    ("route-table-is-vpc", ["delete-route", V, "-r", "0.0.0.0/0", "--yes"], f"'{V}' is not a route table ID"),
    ("associate-subnet-is-vpc", ["associate-route-table", "-s", V, RTB], f"'{V}' is not a subnet ID"),
    ("disassociate-table-id", ["disassociate-route-table", RTB], f"'{RTB}' is not a route table association ID"),
    ("replace-assoc-acl", ["replace-route-table-association", "rtbassoc-1a2b3c4d", "-r", ACL],
     f"'{ACL}' is not a route table ID"),
    ("acl-rule-zero", ["create-network-acl-entry", ACL, "-n", "0", "--allow", "-r", "0.0.0.0/0"],
     "rule number 0 is out of range (expected 1-32766)"),
    ("acl-tcp-no-ports", ["create-network-acl-entry", ACL, "-n", "100", "--allow", "-r", "0.0.0.0/0", "-P", "tcp"],
     "-P tcp needs -p PORT or FROM-TO"),
    ("acl-allow-and-deny", ["replace-network-acl-entry", ACL, "-n", "100", "--allow", "--deny", "-r", "0.0.0.0/0"],
     "give --allow or --deny (one of them)"),
    ("acl-bad-port", ["create-network-acl-entry", ACL, "-n", "100", "--deny", "-r", "0.0.0.0/0", "-P", "udp",
                      "-p", "70000"], "port 70000 is out of range"),
    ("acl-assoc-rtb", ["replace-network-acl-association", "aclassoc-1a2b3c4d", "-a", RTB],
     f"'{RTB}' is not a network ACL ID"),
    ("dhcp-unknown-key", ["create-dhcp-options", "router=10.0.0.1"], "'router' is not a DHCP option (expected one of"),
    ("dhcp-no-value", ["create-dhcp-options", "domain-name"], "'domain-name' is not a DHCP option (expected KEY=VALUE"),
    ("dhcp-bad-server", ["create-dhcp-options", "domain-name-servers=10.0.0.300"], "'10.0.0.300' is not an IPv4"),
    ("dhcp-assoc-vpc", ["associate-dhcp-options", V, "-c", V], f"'{V}' is not a DHCP options set ID"),
    ("cgw-type", ["create-customer-gateway", "-t", "ipsec.2", "-i", "198.51.100.7"], "must be one of ipsec.1"),
    ("cgw-ip", ["create-customer-gateway", "-t", "ipsec.1", "-i", "198.51.100"], "'198.51.100' is not an IPv4"),
    ("cgw-asn", ["create-customer-gateway", "-t", "ipsec.1", "-i", "198.51.100.7", "-b", "0"],
     "BGP AS number 0 is out of range"),
    ("vpn-cgw-is-vgw", ["create-vpn-connection", "-t", "ipsec.1", "--customer-gateway", "vgw-1a2b3c4d",
                        "--vpn-gateway", "vgw-1a2b3c4d"], "'vgw-1a2b3c4d' is not a customer gateway ID"),
    ("vpn-route-cidr", ["create-vpn-connection-route", "--vpn-connection", "vpn-1a2b3c4d", "--cidr", "10.0.0.0"],
     "'10.0.0.0' is not a CIDR block"),
    ("vgw-attach-cgw", ["attach-vpn-gateway", "-c", V, "cgw-1a2b3c4d"], "'cgw-1a2b3c4d' is not a VPN gateway ID"),
    ("propagation-rtb", ["enable-vgw-route-propagation", "--route-table", V, "--vgw", "vgw-1a2b3c4d"],
     f"'{V}' is not a route table ID"),
    ("nat-alloc-ip", ["create-nat-gateway", "-s", S, "-a", "203.0.113.1"], "'203.0.113.1' is not an allocation ID"),
    ("nat-delete-id", ["delete-nat-gateway", "nat-zz", "--yes"], "'nat-zz' is not a NAT gateway ID"),
    ("eni-subnet-is-vpc", ["create-network-interface", V], f"'{V}' is not a subnet ID"),
    ("eni-group-name", ["create-network-interface", S, "-g", "web"], "'web' is not a security group ID"),
    ("eni-device-index", ["attach-network-interface", "-i", I, "-d", "99", E], "device index 99 is out of range"),
    ("eni-detach-eni", ["detach-network-interface", E], f"'{E}' is not a network interface attachment ID"),
    ("eni-assign-both", ["assign-private-ip-addresses", "-n", E, "--secondary-count", "two"], "'two' is not a"),
    ("eni-attribute-two", ["describe-network-interface-attribute", E, "-d", "--group-set"],
     "-d and --group-set both name an attribute (expected one at a time)"),
    ("eni-attribute-none", ["modify-network-interface-attribute", E], "name the attribute (one of: -d"),
    ("eni-source-dest", ["modify-network-interface-attribute", E, "--source-dest-check", "maybe"],
     "'maybe' is not true or false"),
    ("eni-dot-no-attachment", ["modify-network-interface-attribute", E, "--delete-on-termination", "true",
                               "--source-dest-check", "true"], "-a ATTACHMENT and --delete-on-termination go together"),
    ("vpc-attribute-two", ["modify-vpc-attribute", V, "-d", "true", "-s", "true"],
     "-d and -s both name an attribute (expected one at a time)"),
    ("vpc-attribute-no-vpc", ["modify-vpc-attribute", "-d", "true"], "missing -c VPC"),
    ("subnet-attribute-bool", ["modify-subnet-attribute", S, "-m", "sometimes"], "'sometimes' is not true or false"),
    ("peering-same", ["create-vpc-peering-connection", "-c", V, "-p", V], "-c and -p name the same VPC"),
    ("peering-owner", ["create-vpc-peering-connection", "-c", V, "-p", "vpc-5e6f7a8b", "-o", "bob"],
     "'bob' is not an account"),
    ("peering-accept-vpc", ["accept-vpc-peering-connection", V], f"'{V}' is not a VPC peering connection ID"),
    ("run-interface-shape", ["run-instances", IMG, "-a", "eni-zz:0"], "'eni-zz' is not a network interface ID"),
    ("run-interface-no-index", ["run-instances", IMG, "-a", f"{E}:"], "the second part is the device index"),
    ("run-interface-one-part", ["run-instances", IMG, "-a", "0"], "is not a network interface (of 2 to 9 parts"),
    ("run-public-bool", ["run-instances", IMG, "-s", S, "--associate-public-ip-address", "sure"],
     "'sure' is not true or false"),
    ("run-group-name-in-vpc", ["run-instances", IMG, "-s", S, "-g", "web"], "in a VPC give groups by ID"),
    ("run-index-twice", ["run-instances", IMG, "-s", S, "-a", f":0:{S}"], "two interfaces take device index 0"),
    ("run-secondary-no-subnet", ["run-instances", IMG, "--secondary-count", "2"], "need -s SUBNET"),
    ("associate-eni-shape", ["associate-address", "-n", S, "-a", "eipalloc-1a2b3c4d"],
     f"'{S}' is not a network interface ID"),
    ("associate-both-targets", ["associate-address", "-n", E, "-i", I, "-a", "eipalloc-1a2b3c4d"],
     "give -i INSTANCE or -n INTERFACE, not both"),
    ("allocate-domain", ["allocate-address", "-d", "classic"], "must be one of vpc, standard"),
]


@pytest.mark.parametrize("args,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed_input_exits_2_with_one_line_and_sends_nothing(cloud, monkeypatch, capsys, args, expected):
    from cloudshell.cli import main

    for name, value in cloud.env.items():
        monkeypatch.setenv(name, value)
    with FaultProxy(cloud.url) as proxy:
        capsys.readouterr()
        code = main(["--endpoint-url", proxy.url, *args])
        out, err = capsys.readouterr()
        assert code == 2, err
        assert out == ""
        assert len(err.strip().splitlines()) == 1, err
        assert expected in err
        assert err.startswith("cloudshell: ")
        assert proxy.count() == 0, [h.action for h in proxy]


def _network_mutations() -> list[tuple[str, list[str]]]:
    import shlex

    from cloudshell.commands import registry

    return [(c.name, shlex.split(c.example)) for c in registry().all()
            if c.group in ("networks", "vpn") and c.mutates]


@pytest.mark.parametrize("name,example", _network_mutations(), ids=[n for n, _ in _network_mutations()])
def test_read_only_refuses_every_network_mutation_and_sends_nothing(cloud, monkeypatch, capsys, name, example):
    """Each command's own example, under --read-only: refused before any guard reads the cloud."""
    from cloudshell.cli import main

    assert example[0] == name
    for key, value in cloud.env.items():
        monkeypatch.setenv(key, value)
    with FaultProxy(cloud.url) as proxy:
        capsys.readouterr()
        code = main(["--endpoint-url", proxy.url, "--read-only", *example, "--yes"])
        out, err = capsys.readouterr()
        assert (code, out) == (1, "")
        assert err == f"cloudshell: {name}: refused, cloudshell runs --read-only (nothing was sent)\n"
        assert proxy.count() == 0
