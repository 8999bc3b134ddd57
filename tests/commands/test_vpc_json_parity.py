"""The network commands' ``--output json`` is awscli's, byte for byte: the same creation made by
both programs on one moto server prints the same text once the new IDs, addresses and times (which
differ by nature between two creations) are masked."""

from __future__ import annotations

import re

from cloud_checks import oneshot
from network_checks import awscli_text, subnet, vpc

_MASKS = (
    (re.compile(r"\b(vpc-cidr-assoc|subnet-cidr-assoc|vpc|subnet|rtb|acl|igw|dopt|cgw|vgw|eni|pcx|rtbassoc|aclassoc|eni-attach)-[0-9a-f]{8,17}\b"),
     r"\1-ID"),
    (re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?:/\d+)?"), "IP"),
    (re.compile(r"\b[0-9a-f]{2}(?::[0-9a-f]{2}){5}\b"), "MAC"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?"), "TIME"),
    (re.compile(r"ip-IP|ip-[\d-]+"), "ip-HOST"),
)


def _masked(text: str) -> str:
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


def test_creations_print_awscli_json_byte_for_byte(cloud, monkeypatch, capsys):
    s = cloud.session
    vid = vpc(s)
    peer = vpc(s, "10.9.0.0/16")
    sid = subnet(s, vid)
    pairs = [
        (["create-vpc", "10.40.0.0/16"], ["create-vpc", "--cidr-block", "10.41.0.0/16"]),
        (["create-subnet", "-c", vid, "10.0.7.0/24", "-z", "us-east-1a"],
         ["create-subnet", "--vpc-id", vid, "--cidr-block", "10.0.8.0/24", "--availability-zone", "us-east-1a"]),
        (["create-route-table", vid], ["create-route-table", "--vpc-id", vid]),
        (["create-network-acl", vid], ["create-network-acl", "--vpc-id", vid]),
        (["create-internet-gateway"], ["create-internet-gateway"]),
        (["create-dhcp-options", "domain-name=a.test"],
         ["create-dhcp-options", "--dhcp-configurations", "Key=domain-name,Values=a.test"]),
        (["create-customer-gateway", "-t", "ipsec.1", "-i", "198.51.100.9", "-b", "65001"],
         ["create-customer-gateway", "--type", "ipsec.1", "--public-ip", "198.51.100.8", "--bgp-asn", "65001"]),
        (["create-vpn-gateway", "-t", "ipsec.1"], ["create-vpn-gateway", "--type", "ipsec.1"]),
        (["create-network-interface", sid, "-d", "leg"],
         ["create-network-interface", "--subnet-id", sid, "--description", "leg"]),
        (["create-vpc-peering-connection", "-c", vid, "-p", peer],
         ["create-vpc-peering-connection", "--vpc-id", vid, "--peer-vpc-id", peer]),
    ]
    for mine, theirs in pairs:
        code, out, err = oneshot(cloud, monkeypatch, capsys, *mine, "--output", "json")
        assert code == 0, (mine, err)
        expected = awscli_text(cloud, *theirs)
        assert _masked(out) == _masked(expected), mine
