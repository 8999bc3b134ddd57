"""Security group commands, one-shot against moto's server, cross-checked with the awscli program."""

from __future__ import annotations

import json

from cloud_checks import aws
from clirun import run_here


def described(cloud, group_id: str) -> dict | None:
    """The group as boto3 sees it now (None once gone)."""
    found = cloud.session.call("describe_security_groups",
                               Filters=[{"Name": "group-id", "Values": [group_id]}])["SecurityGroups"]
    return found[0] if found else None


def shell(cloud, *args: str):
    out = run_here([*cloud.endpoint_args, *args], cloud.env)     # cli.main here, over HTTP
    assert "Traceback" not in out.stderr
    return out


def rules(group: dict) -> set[tuple]:
    """A group's inbound rules as (protocol, from, to, source) tuples."""
    found = set()
    for perm in group.get("IpPermissions", ()):
        key = (perm["IpProtocol"], perm.get("FromPort"), perm.get("ToPort"))
        found |= {key + (r["CidrIp"],) for r in perm.get("IpRanges", ())}
        found |= {key + (p["GroupId"],) for p in perm.get("UserIdGroupPairs", ())}
    return found


def test_what_cloudshell_does_awscli_sees(cloud):
    out = shell(cloud, "euca-add-group", "-d", "web servers", "web", "--output", "json")
    assert out.returncode == 0, out.stderr
    web = json.loads(out.stdout)["GroupId"]
    out = shell(cloud, "create-group", "-d", "admins", "admin", "--output", "table")
    assert out.returncode == 0 and "created security group admin (sg-" in out.stdout
    admin = out.stdout.split("(")[1].split(")")[0]

    for args, line in [
        (["-P", "tcp", "-p", "80", "-s", "0.0.0.0/0", "-s", "10.0.0.0/8"],
         f"{web} (web) now allows tcp 80 from 0.0.0.0/0, 10.0.0.0/8"),
        (["--protocol", "tcp", "--port-range", "8000-8080", "--source-group", "admin"],
         f"{web} (web) now allows tcp 8000-8080 from {admin} (admin)"),
        (["-P", "icmp", "-t", "8:0", "-s", "192.168.0.0/16"],
         f"{web} (web) now allows icmp type 8 code 0 from 192.168.0.0/16"),
        (["-P", "all", "-s", "172.16.0.0/12"], f"{web} (web) now allows all traffic from 172.16.0.0/12"),
        (["--egress", "-P", "udp", "-p", "53", "-s", "10.9.9.9/32"], f"{web} (web) now allows udp 53 to 10.9.9.9/32"),
    ]:
        out = shell(cloud, "authorize", *args, "web", "--output", "table")
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == line

    group = aws(cloud, "ec2", "describe-security-groups", "--group-ids", web)["SecurityGroups"][0]
    assert rules(group) == {("tcp", 80, 80, "0.0.0.0/0"), ("tcp", 80, 80, "10.0.0.0/8"),
                            ("tcp", 8000, 8080, admin), ("icmp", 8, 0, "192.168.0.0/16"),
                            ("-1", None, None, "172.16.0.0/12")}
    assert ("udp", 53, 53, "10.9.9.9/32") in rules({"IpPermissions": group["IpPermissionsEgress"]})

    out = shell(cloud, "euca-revoke", "-P", "tcp", "-p", "80", "-s", "10.0.0.0/8", web, "--output", "table")
    assert out.returncode == 0 and "no longer allows tcp 80 from 10.0.0.0/8" in out.stdout
    group = described(cloud, web)
    assert ("tcp", 80, 80, "10.0.0.0/8") not in rules(group) and ("tcp", 80, 80, "0.0.0.0/0") in rules(group)

    # web's rules name admin: admin cannot go while they do.
    out = shell(cloud, "delete-group", "admin", "--yes")
    assert out.returncode == 1 and f"{web} (web)" in out.stderr
    out = shell(cloud, "delete-group", web, "--yes", "--output", "table")
    assert out.returncode == 0 and f"deleted security group {web} (web)" in out.stdout
    assert described(cloud, web) is None and described(cloud, admin)["GroupName"] == "admin"


def test_what_awscli_does_cloudshell_shows_and_acts_on(cloud):
    gid = aws(cloud, "ec2", "create-security-group", "--group-name", "db", "--description", "databases")["GroupId"]
    aws(cloud, "ec2", "authorize-security-group-ingress", "--group-id", gid, "--protocol", "tcp", "--port", "5432",
        "--cidr", "10.1.0.0/16")
    out = shell(cloud, "describe-groups", "db", "--output", "json")
    group = json.loads(out.stdout)["SecurityGroups"][0]
    assert group["GroupId"] == gid and rules(group) == {("tcp", 5432, 5432, "10.1.0.0/16")}

    out = shell(cloud, "revoke", "db", "-P", "tcp", "-p", "5432", "-s", "10.1.0.0/16")
    assert out.returncode == 0, out.stderr
    assert rules(described(cloud, gid)) == set()

    out = shell(cloud, "euca-delete-group", "db", "--yes")
    assert out.returncode == 0, out.stderr
    assert described(cloud, gid) is None
