"""``--output euca``: euca2ools 3.4's records, checked field by field against the layout of its
``print_result`` methods (euca2ools/commands/ec2/*.py), over one seeded moto server.

Each expectation below names the record's fields by position, as euca2ools writes them, and
reads the value from the same command's ``--output json`` (awscli's shape), so a field out of
place, a missing tab or a value from the wrong key fails here.
"""

from __future__ import annotations

import json
import os

import pytest
from clirun import run_here
from conftest import RANDOM_SEED, isolated_env

from cloudshell.cloud.demo import seed
from cloudshell.cloud.session import CloudSession

@pytest.fixture(scope="module")
def world(moto_server, tmp_path_factory):
    moto_server.reset(random_seed=RANDOM_SEED)
    session = CloudSession.for_url(moto_server.url)
    facts = seed(session)
    session.close()
    env = isolated_env(tmp_path_factory.mktemp("euca"))
    return moto_server.url, facts, env


def _run(world, *argvs: list[str], env: dict[str, str] | None = None) -> list[dict]:
    """Each command line through cli.main in this process (clirun.run_here): stdout, stderr, exit code."""
    url, _, world_env = world
    done = [run_here([*argv, "--endpoint-url", url], env or world_env) for argv in argvs]
    return [{"stdout": d.stdout, "stderr": d.stderr, "code": d.returncode} for d in done]


def _records(stdout: str, word: str) -> list[list[str]]:
    return [line.split("\t") for line in stdout.splitlines() if line.split("\t")[0] == word]


def _when(value: str) -> str:
    """awscli's ISO time as EC2's XML writes it: 2026-12-03T05:48:11.000Z."""
    from datetime import datetime, timezone

    t = datetime.fromisoformat(value).astimezone(timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def test_euca_names_print_euca2ools_records_by_default(world):
    euca, plain, asked, js = _run(world, ["euca-describe-instances"], ["describe-instances"],
                                  ["describe-instances", "--output", "euca"], ["describe-instances", "--output", "json"])
    assert euca["code"] == 0, euca["stderr"]
    assert euca["stdout"] == asked["stdout"]          # the euca- name picks the format
    assert plain["stdout"] != euca["stdout"]          # the plain name keeps the pipe's tsv
    data = json.loads(js["stdout"])
    reservations = _records(euca["stdout"], "RESERVATION")
    assert [r[1] for r in reservations] == [r["ReservationId"] for r in data["Reservations"]]
    by_id = {i["InstanceId"]: i for r in data["Reservations"] for i in r["Instances"]}
    rows = _records(euca["stdout"], "INSTANCE")
    assert sorted(r[1] for r in rows) == sorted(by_id)
    for row in rows:
        i = by_id[row[1]]
        assert len(row) == 33, row                    # INSTANCE and its 32 fields, empties kept
        assert row[2] == i["ImageId"]
        assert row[3] == i.get("PublicDnsName", "") and row[4] == i.get("PrivateDnsName", "")
        assert row[5] == i["State"]["Name"]
        assert row[6] == i.get("KeyName", "")
        assert row[7] == str(i["AmiLaunchIndex"])     # 0 is printed, as euca2ools' tabify does
        assert row[9] == i["InstanceType"]
        assert row[10] == _when(i["LaunchTime"])
        assert row[11] == i["Placement"]["AvailabilityZone"]
        assert row[15] == f"monitoring-{i['Monitoring']['State']}"
        assert row[16] == i.get("PublicIpAddress", "") and row[17] == i.get("PrivateIpAddress", "")
        assert row[18] == i.get("VpcId", "") and row[19] == i.get("SubnetId", "")
        assert row[20] == i["RootDeviceType"]
        assert row[22:24] == ["", ""]                 # euca2ools' spot-request and license fields: never set
        assert row[28] == ",".join(g["GroupId"] for g in i["SecurityGroups"])
        assert row[30] == ("true" if i["EbsOptimized"] else "false")
    tags = _records(euca["stdout"], "TAG")
    named = {iid: next(t["Value"] for t in i["Tags"] if t["Key"] == "Name") for iid, i in by_id.items()
             if any(t["Key"] == "Name" for t in i.get("Tags", []))}
    assert {(t[2], t[4]) for t in tags if t[3] == "Name"} == set(named.items())
    assert {t[1] for t in tags} == {"instance"}
    devices = _records(euca["stdout"], "BLOCKDEVICE")
    assert len(devices) == sum(len(i.get("BlockDeviceMappings", [])) for i in by_id.values())
    assert all(d[2].startswith("vol-") for d in devices)


def test_volumes_snapshots_images_in_euca2ools_layout(world):
    vols, vols_js, snaps, snaps_js, imgs, imgs_js = _run(
        world, ["euca-describe-volumes"], ["describe-volumes", "--output", "json"],
        ["euca-describe-snapshots"], ["describe-snapshots", "--output", "json"],
        ["euca-describe-images"], ["describe-images", "--output", "json"])
    volumes = {v["VolumeId"]: v for v in json.loads(vols_js["stdout"])["Volumes"]}
    rows = _records(vols["stdout"], "VOLUME")
    assert sorted(r[1] for r in rows) == sorted(volumes)
    for r in rows:
        v = volumes[r[1]]
        assert r[2:7] == [str(v["Size"]), v.get("SnapshotId", ""), v["AvailabilityZone"], v["State"],
                          _when(v["CreateTime"])]
        assert r[7] == (v.get("VolumeType") or "standard")
    attachments = _records(vols["stdout"], "ATTACHMENT")
    expected = {(a["VolumeId"], a["InstanceId"], a["Device"], a["State"])
                for v in volumes.values() for a in v.get("Attachments", [])}
    assert {tuple(a[1:5]) for a in attachments} == expected and expected

    snapshots = {s["SnapshotId"]: s for s in json.loads(snaps_js["stdout"])["Snapshots"]}
    rows = _records(snaps["stdout"], "SNAPSHOT")
    assert sorted(r[1] for r in rows) == sorted(snapshots) and rows
    for r in rows:
        s = snapshots[r[1]]
        assert r[2:9] == [s["VolumeId"], s["State"], _when(s["StartTime"]), s.get("Progress", ""),
                          s["OwnerId"], str(s["VolumeSize"]), s.get("Description", "")]

    images = {i["ImageId"]: i for i in json.loads(imgs_js["stdout"])["Images"]}
    rows = _records(imgs["stdout"], "IMAGE")
    assert [r[1] for r in rows] == sorted(images)     # euca2ools sorts by image ID
    for r in rows:
        i = images[r[1]]
        location = (i.get("ImageLocation") if i.get("RootDeviceType") == "instance-store"
                    else f"{i.get('OwnerId', '')}/{i.get('Name', '')}")
        assert r[2:8] == [location, i.get("ImageOwnerAlias") or i.get("OwnerId", ""), i["State"],
                          "public" if i.get("Public") else "private", i.get("Architecture", ""), i["ImageType"]]
        assert len(r) == 14, r       # IMAGE and its 13 fields


def test_addresses_groups_keypairs_zones_regions_tags(world):
    _, facts, _ = world
    outs = _run(world, ["euca-describe-addresses"], ["describe-addresses", "--output", "json"],
                ["euca-describe-groups"], ["describe-groups", "--output", "json"],
                ["euca-describe-keypairs"], ["euca-describe-availability-zones"],
                ["euca-describe-regions"], ["euca-describe-tags"], ["describe-tags", "--output", "json"])
    addrs, addrs_js, groups, groups_js, keys, zones, regions, tags, tags_js = outs
    by_ip = {a["PublicIp"]: a for a in json.loads(addrs_js["stdout"])["Addresses"]}
    rows = _records(addrs["stdout"], "ADDRESS")
    assert {r[1] for r in rows} == set(by_ip) and {facts.address, facts.free_address} <= set(by_ip)
    for r in rows:
        a = by_ip[r[1]]
        assert r[2:5] == [a.get("InstanceId", ""), a.get("Domain") or "standard", a.get("AllocationId", "")]
    assert next(r for r in rows if r[1] == facts.address)[2] == facts.address_instance_id

    data = json.loads(groups_js["stdout"])["SecurityGroups"]
    rows = _records(groups["stdout"], "GROUP")
    assert [r[1:6] for r in rows] == [[g["GroupId"], g["OwnerId"], g["GroupName"], g["Description"],
                                       g.get("VpcId", "")] for g in data]
    perms = _records(groups["stdout"], "PERMISSION")
    ours = [p for p in perms if p[2] == facts.group_name]
    assert ["PERMISSION", ours[0][1], facts.group_name, "ALLOWS", "tcp", "22", "22", "FROM", "CIDR",
            "0.0.0.0/0", "ingress"] in ours

    assert [r[1] for r in _records(keys["stdout"], "KEYPAIR")] == [facts.keypair]
    assert set(facts.zones) <= {r[1] for r in _records(zones["stdout"], "AVAILABILITYZONE")}
    assert all(r[2] == "available" for r in _records(zones["stdout"], "AVAILABILITYZONE"))
    assert facts.region in {r[1] for r in _records(regions["stdout"], "REGION")}
    expected = {(t["ResourceType"], t["ResourceId"], t["Key"], t["Value"])
                for t in json.loads(tags_js["stdout"])["Tags"]}
    assert {tuple(r[1:5]) for r in _records(tags["stdout"], "TAG")} == expected and expected


def test_mutations_print_euca2ools_confirmation_lines(world):
    _, facts, _ = world
    inst = facts.instance("web-1") if any(i.name == "web-1" for i in facts.instances) else facts.instances[0]
    zone = facts.zones[0]
    made = _run(world, ["euca-create-volume", "--size", "1", "-z", zone], ["euca-allocate-address"])
    vol = _records(made[0]["stdout"], "VOLUME")[0]
    assert made[0]["code"] == 0, made[0]["stderr"]
    assert vol[1].startswith("vol-") and vol[2] == "1" and vol[4] == zone and len(vol) == 7
    addr = _records(made[1]["stdout"], "ADDRESS")[0]
    assert len(addr) == 4 and addr[1].count(".") == 3   # awk '{print $2}' gets the IP, as with euca2ools
    running = next(i for i in facts.instances if i.state == "running" and i.zone == zone)
    outs = _run(world, ["euca-attach-volume", "-i", running.id, "-d", "/dev/sdk", vol[1]],
                ["euca-associate-address", "-i", running.id, addr[1]],
                ["euca-create-tags", vol[1], "--tag", "team=ops"],
                ["euca-add-group", "-d", "web tier", "webtier"],
                ["euca-authorize", "-P", "tcp", "-p", "80", "-s", "10.0.0.0/8", "webtier"])
    att, assoc, tagged, group, auth = outs
    assert _records(att["stdout"], "ATTACHMENT")[0][1:5] == [vol[1], running.id, "/dev/sdk", "attaching"]
    assert assoc["stdout"].splitlines() == [f"ADDRESS\t{addr[1]}\t{running.id}"]
    assert tagged["stdout"].splitlines() == [f"TAG\tvolume\t{vol[1]}\tteam\tops"]
    g = _records(group["stdout"], "GROUP")[0]
    assert g[1].startswith("sg-") and g[2:] == ["webtier", "web tier"]
    assert auth["stdout"].splitlines() == ["GROUP\twebtier",
                                           "PERMISSION\twebtier\tALLOWS\ttcp\t80\t80\tFROM\tCIDR\t10.0.0.0/8"]
    assert inst  # the seeded instance set is what the demo promises


def test_add_keypair_puts_the_key_on_stdout_as_the_seed_expects(world, tmp_path):
    _, _, env = world
    out, = _run(world, ["euca-add-keypair", "seedkey"], env=dict(env, PWD=str(tmp_path)))
    lines = out["stdout"].splitlines()
    assert out["code"] == 0, out["stderr"]
    assert lines[0].startswith("KEYPAIR\tseedkey\t") and lines[1] == "-----BEGIN RSA PRIVATE KEY-----"
    # euca2ools prints the material (its own last newline) and then print's: a blank line ends it.
    assert lines[-2:] == ["-----END RSA PRIVATE KEY-----", ""]
    assert not os.path.exists("seedkey.pem") and not (tmp_path / "seedkey.pem").exists()
    # -f still writes the 0600 file, and then stdout has the KEYPAIR line only.
    key = tmp_path / "k.priv"
    out, = _run(world, ["euca-add-keypair", "-f", str(key), "filekey"])
    assert out["stdout"].splitlines()[0].startswith("KEYPAIR\tfilekey\t") and len(out["stdout"].splitlines()) == 1
    assert key.read_text().startswith("-----BEGIN") and (key.stat().st_mode & 0o777) == 0o600


def test_hostile_values_cannot_forge_fields_or_records(world):
    url, facts, env = world
    vol = facts.volumes[0].id
    _run(world, ["create-tags", vol, "--tag", "evil=a\tb\nINSTANCE\ti-forged\x1b[2J"])
    out, = _run(world, ["euca-describe-tags", "--filter", f"resource-id={vol}"])
    lines = out["stdout"].splitlines()
    assert not any(line.startswith("INSTANCE") for line in lines)
    evil = next(line for line in lines if "\tevil\t" in line)
    assert evil.count("\t") == 4 and "\x1b" not in evil


# -- lines checked against euca2ools 3.4 itself, run on the same moto -------------------------------
def test_rule_lines_print_the_protocol_and_ports_the_request_carried(world):
    outs = _run(world, ["euca-add-group", "-d", "rules", "rules"],
                ["euca-authorize", "-P", "icmp", "-s", "10.1.0.0/16", "rules"],
                ["euca-authorize", "-p", "8080", "-s", "10.2.0.0/16", "rules"],
                ["euca-authorize", "-P", "udp", "-p", "-1", "-s", "10.3.0.0/16", "rules"],
                ["euca-authorize", "-P", "all", "-s", "10.4.0.0/16", "rules"],
                ["euca-authorize", "-t", "8:0", "-s", "10.5.0.0/16", "rules"],
                ["euca-revoke", "-t", "8:0", "-s", "10.5.0.0/16", "rules"],
                ["describe-groups", "rules", "--output", "json"],
                ["euca-delete-group", "rules", "--yes"])
    assert all(o["code"] == 0 for o in outs), [o["stderr"] for o in outs]
    perm = [o["stdout"].splitlines()[1] for o in outs[1:5]]
    assert perm == ["PERMISSION\trules\tALLOWS\ticmp\t-1\t-1\tFROM\tCIDR\t10.1.0.0/16",   # no -t: every type
                    "PERMISSION\trules\tALLOWS\ttcp\t8080\t8080\tFROM\tCIDR\t10.2.0.0/16",  # no -P: tcp
                    "PERMISSION\trules\tALLOWS\tudp\t0\t65535\tFROM\tCIDR\t10.3.0.0/16",   # what was sent
                    "PERMISSION\trules\tALLOWS\t-1\t\t\tFROM\tCIDR\t10.4.0.0/16"]
    sent = {(p["IpProtocol"], p.get("FromPort"), p.get("ToPort"))
            for p in json.loads(outs[7]["stdout"])["SecurityGroups"][0]["IpPermissions"]}
    assert sent == {("icmp", -1, -1), ("tcp", 8080, 8080), ("udp", 0, 65535), ("-1", None, None)}
    icmp = "PERMISSION\trules\tALLOWS\ticmp\t8\t0\tFROM\tCIDR\t10.5.0.0/16"   # -t alone: icmp
    assert outs[5]["stdout"].splitlines() == outs[6]["stdout"].splitlines() == ["GROUP\trules", icmp]
    # moto's DeleteSecurityGroup answer has no <return>: euca2ools prints the record's empty field.
    assert outs[8]["stdout"] == "RETURN\t\n"


def test_route_acl_entry_console_and_keypair_lines(world):
    made = _run(world, ["describe-vpcs", "--output", "json"], ["euca-create-internet-gateway"],
                ["describe-network-acls", "--output", "json"])
    vpc = json.loads(made[0]["stdout"])["Vpcs"][0]["VpcId"]
    igw = _records(made[1]["stdout"], "INTERNETGATEWAY")[0][1]
    acl = next(a["NetworkAclId"] for a in json.loads(made[2]["stdout"])["NetworkAcls"] if a["VpcId"] == vpc)
    table, = _run(world, ["euca-create-route-table", vpc])
    rtb = _records(table["stdout"], "ROUTETABLE")[0][1]
    _, facts, _ = world
    running = next(i for i in facts.instances if i.state == "running")
    outs = _run(world, ["euca-attach-internet-gateway", "-c", vpc, igw],
                ["euca-create-route", "-r", "0.0.0.0/0", "-g", igw, rtb],
                ["euca-replace-route", "-r", "0.0.0.0/0", "-g", igw, rtb],
                ["euca-create-network-acl-entry", "-n", "140", "-r", "10.0.0.0/8", "-P", "icmp", "-t", "0:3",
                 "--deny", acl],
                ["euca-create-network-acl-entry", "-n", "141", "-r", "10.0.0.0/8", "-P", "udp", "-p", "0",
                 "--allow", acl],
                ["euca-get-console-output", running.id], ["get-console-output", running.id, "--output", "json"])
    assert all(o["code"] == 0 for o in outs), [o["stderr"] for o in outs]
    assert outs[1]["stdout"] == "ROUTE\t\t0.0.0.0/0\n"             # euca2ools' create-route drops -g's target
    assert outs[2]["stdout"] == f"ROUTE\t{igw}\t0.0.0.0/0\n"       # its replace-route prints it
    assert outs[3]["stdout"] == "ENTRY\tingress\t140\tdeny\t10.0.0.0/8\ticmp\t\t3\n"   # ICMP type 0: empty
    assert outs[4]["stdout"] == "ENTRY\tingress\t141\tallow\t10.0.0.0/8\tudp\t0\t0\n"  # port 0: printed
    from cloudshell.commands.instances import escape_console

    console, js = outs[5]["stdout"], json.loads(outs[6]["stdout"])
    head, stamp, body = console.split("\n", 2)
    import re

    # moto stamps each answer with its own now: the two calls may be a second apart.
    assert head == running.id and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", stamp), stamp
    assert body == escape_console(js["Output"]) + "\n"              # print's newline after the output


def test_show_empty_fields_writes_nil_in_records_only(world):
    plain, nil, key = _run(world, ["euca-describe-addresses"], ["euca-describe-addresses", "--show-empty-fields"],
                           ["euca-add-keypair", "nilkey", "--show-empty-fields"])
    assert nil["code"] == 0, nil["stderr"]
    rows, nils = _records(plain["stdout"], "ADDRESS"), _records(nil["stdout"], "ADDRESS")
    assert [[v or "(nil)" for v in r] for r in rows] == nils and any("" in r for r in rows)
    lines = key["stdout"].splitlines()    # the key is text, not a record: its blank last line stays blank
    assert lines[1] == "-----BEGIN RSA PRIVATE KEY-----" and lines[-2:] == ["-----END RSA PRIVATE KEY-----", ""]


def test_tag_records_name_resources_as_euca2ools_prefix_table_does():
    from cloudshell.cloud.kinds import euca2ools_resource_type

    named = {rid: euca2ools_resource_type(rid) for rid in (
        "i-1a2b3c4d", "emi-1a2b3c4d", "vol-1a2b3c4d", "sg-1a2b3c4d", "vpc-1a2b3c4d", "eni-1a2b3c4d",
        "eipalloc-1a2b3c4d", "sir-1a2b3c4d", "import-i-1a2b3c4d", "nat-1a2b3c4d", "key-1a2b3c4d")}
    assert named == {"i-1a2b3c4d": "instance", "emi-1a2b3c4d": "image", "vol-1a2b3c4d": "volume",
                     "sg-1a2b3c4d": "security-group", "vpc-1a2b3c4d": "vpc", "eni-1a2b3c4d": "network-interface",
                     "eipalloc-1a2b3c4d": "allocation-id", "sir-1a2b3c4d": "spot-instances-request",
                     "import-i-1a2b3c4d": "conversion-task", "nat-1a2b3c4d": "", "key-1a2b3c4d": ""}
