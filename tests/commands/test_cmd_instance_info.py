"""describe-instance-status, describe-instance-types, modify-instance-type, get-password(-data),
(un)monitor-instances, confirm-product-instance: one-shot against moto's server, and where moto
cannot serve an action (Eucalyptus' ModifyInstanceTypeAttribute and DescribeInstanceTypes with
capacity, ConfirmProductInstance, a Windows password) against the fault proxy's canned answers,
written from the API's documented response shape."""

from __future__ import annotations

import base64
import json

import pytest
from clirun import run_here
from faultproxy import FaultProxy


def shell(cloud, *args: str, url: str | None = None):
    out = run_here(["--endpoint-url", url or cloud.url, *args], cloud.env)     # cli.main here, over HTTP
    assert "Traceback" not in out.stderr
    return out


def launch(cloud, n: int = 2) -> list[str]:
    image = cloud.session.call("register_image", Name="plain-image", Architecture="x86_64")["ImageId"]
    got = cloud.session.call("run_instances", ImageId=image, MinCount=n, MaxCount=n, InstanceType="m1.small")
    return [i["InstanceId"] for i in got["Instances"]]


def test_describe_instance_status_json_euca_and_all_instances(cloud):
    a, b = launch(cloud)
    cloud.session.call("stop_instances", InstanceIds=[b])
    data = json.loads(shell(cloud, "describe-instance-status", "--output", "json").stdout)
    assert [s["InstanceId"] for s in data["InstanceStatuses"]] == [a]   # running ones only, as EC2
    every = json.loads(shell(cloud, "describe-instance-status", "--include-all-instances",
                             "--output", "json").stdout)
    assert {s["InstanceId"] for s in every["InstanceStatuses"]} == {a, b}
    out = shell(cloud, "euca-describe-instance-status", a)
    assert out.returncode == 0, out.stderr
    row = out.stdout.splitlines()[0].split("\t")
    assert row[:5] == ["INSTANCE", a, "us-east-1a", "running", "16"] and row[7] == "active"
    hidden = shell(cloud, "describe-instance-status", "--hide-healthy", "--output", "json")
    status = data["InstanceStatuses"][0]
    healthy = status["SystemStatus"]["Status"] == "ok" and status["InstanceStatus"]["Status"] == "ok"
    assert json.loads(hidden.stdout)["InstanceStatuses"] == ([] if healthy else data["InstanceStatuses"])
    table = shell(cloud, "describe-instance-status", "--output", "table")
    assert a in table.stdout and "system " in table.stdout


def test_describe_instance_types_the_aws_way(cloud):
    out = shell(cloud, "describe-instance-types", "t2.micro", "m5.large", "--output", "json")
    assert out.returncode == 0, out.stderr
    types = {t["Name"]: t for t in json.loads(out.stdout)["InstanceTypes"]}
    assert types["t2.micro"]["Cpu"] == 1 and types["t2.micro"]["Memory"] == 1024
    assert types["m5.large"]["Cpu"] == 2
    euca = shell(cloud, "euca-describe-instance-types", "t2.micro").stdout.splitlines()
    assert euca[0].startswith("INSTANCETYPE\tName ") and "CPUs" in euca[0]   # no space after the tab
    assert euca[1].split("\t")[0] == "INSTANCETYPE" and euca[1].split()[1:3] == ["t2.micro", "1"]


EUCA_TYPES = b"""<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstanceTypesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>7c1c1f1a-0000-4000-8000-000000000001</requestId>
  <instanceTypeDetails>
    <item><name>m1.small</name><cpu>1</cpu><disk>5</disk><memory>256</memory><networkInterfaces>1</networkInterfaces>
      <availability>
        <item><zoneName>one</zoneName><max>8</max><available>6</available></item>
        <item><zoneName>two</zoneName><max>4</max><available>4</available></item>
      </availability></item>
    <item><name>c1.medium</name><cpu>2</cpu><disk>10</disk><memory>512</memory><networkInterfaces>2</networkInterfaces>
      <availability><item><zoneName>one</zoneName><max>4</max><available>1</available></item></availability></item>
  </instanceTypeDetails>
</DescribeInstanceTypesResponse>"""


def test_describe_instance_types_show_capacity_against_eucalyptus_answer(cloud):
    with FaultProxy(cloud.url) as proxy:
        proxy.inject("canned", action="DescribeInstanceTypes", body=EUCA_TYPES)
        out = shell(cloud, "describe-instance-types", "--show-capacity", "m1.small", "--output", "json", url=proxy.url)
        assert out.returncode == 0, out.stderr
        sent = proxy.queries[-1]
        assert sent["Availability"] == ["true"] and sent["InstanceType.1"] == ["m1.small"]
        types = json.loads(out.stdout)["InstanceTypes"]
        assert types[0]["Availability"][0] == {"ZoneName": "one", "Available": 6, "Max": 8}
        euca = shell(cloud, "euca-describe-instance-types", "--show-capacity", url=proxy.url).stdout.splitlines()
        assert "Used %" in euca[0]
        assert euca[1].split() == ["INSTANCETYPE", "m1.small", "1", "256", "5", "1", "2", "/", "12", "17%"]
        by_zone = shell(cloud, "euca-describe-instance-types", "--by-zone", url=proxy.url).stdout.splitlines()
        assert by_zone[0] == "AVAILABILITYZONE\tone" and by_zone[2].split()[-4:] == ["2", "/", "8", "25%"]
        assert "AVAILABILITYZONE\ttwo" in by_zone
        table = shell(cloud, "describe-instance-types", "--by-zone", "--output", "table", url=proxy.url)
        assert "c1.medium" in table.stdout and "3 / 4" in table.stdout


MODIFIED = b"""<?xml version="1.0" encoding="UTF-8"?>
<ModifyInstanceTypeAttributeResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>7c1c1f1a-0000-4000-8000-000000000002</requestId>
  <instanceType><name>m1.small</name><cpu>2</cpu><disk>5</disk><memory>1024</memory>
    <networkInterfaces>1</networkInterfaces></instanceType>
</ModifyInstanceTypeAttributeResponse>"""


def test_modify_instance_type_against_eucalyptus_answer(cloud):
    with FaultProxy(cloud.url) as proxy:
        proxy.inject("canned", action="ModifyInstanceTypeAttribute", body=MODIFIED)
        out = shell(cloud, "euca-modify-instance-type", "m1.small", "-c", "2", "-m", "1024", url=proxy.url)
        assert out.returncode == 0, out.stderr
        assert out.stdout == "INSTANCETYPE\tm1.small\t2\t1024\t5\t1\n"
        sent = proxy.queries[-1]
        assert (sent["Action"], sent["Name"], sent["Cpu"], sent["Memory"]) == (
            ["ModifyInstanceTypeAttribute"], ["m1.small"], ["2"], ["1024"])
        assert "Disk" not in sent and "Reset" not in sent
        table = shell(cloud, "modify-instance-type", "m1.small", "--reset", "--output", "table", url=proxy.url)
        assert "m1.small: 2 CPUs, 1024 MiB, 5 GiB disk, 1 interfaces" in table.stdout
        assert proxy.queries[-1]["Reset"] == ["true"]
        before = proxy.count("ModifyInstanceTypeAttribute")
        for bad, words in ((["m1.small"], "nothing to change"), (["m1.small", "--reset", "-c", "2"], "--reset may not"),
                           (["m1.small", "-c", "two"], "not a count"), (["small"], "not an instance type")):
            refused = shell(cloud, "modify-instance-type", *bad, url=proxy.url)
            assert refused.returncode == 2 and len(refused.stderr.splitlines()) == 1 and words in refused.stderr
        assert proxy.count("ModifyInstanceTypeAttribute") == before


def _keypair(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "launch.priv"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                       serialization.NoEncryption()))
    secret = base64.b64encode(key.public_key().encrypt(b"Tr0ub4dor&3", padding.PKCS1v15())).decode()
    return path, secret


def test_get_password_decrypts_with_the_launch_key(cloud, tmp_path):
    (iid,) = launch(cloud, 1)
    path, secret = _keypair(tmp_path)
    answer = (f'<?xml version="1.0" encoding="UTF-8"?><GetPasswordDataResponse xmlns="http://ec2.amazonaws.com/'
              f'doc/2016-11-15/"><requestId>r</requestId><instanceId>{iid}</instanceId><timestamp>'
              f'2026-12-03T06:00:00.000Z</timestamp><passwordData>{secret}</passwordData>'
              '</GetPasswordDataResponse>').encode()
    with FaultProxy(cloud.url) as proxy:
        proxy.inject("canned", action="GetPasswordData", body=answer)
        out = shell(cloud, "euca-get-password", iid, "-k", str(path), url=proxy.url)
        assert (out.returncode, out.stdout) == (0, "Tr0ub4dor&3\n"), out.stderr
        data = shell(cloud, "euca-get-password-data", iid, url=proxy.url)
        assert data.stdout.strip() == secret
        other, _ = _keypair(tmp_path / "..")
        wrong = shell(cloud, "get-password", iid, "-k", str(other), url=proxy.url)
        assert wrong.returncode == 2 and "does not decrypt" in wrong.stderr and "Tr0ub4dor" not in wrong.stdout
    missing = shell(cloud, "get-password", iid)
    assert missing.returncode == 2 and "missing -k" in missing.stderr
    notkey = tmp_path / "notes.txt"
    notkey.write_text("hello")
    bad = shell(cloud, "get-password", iid, "-k", str(notkey))
    assert bad.returncode == 2 and "not a PEM private key" in bad.stderr


def test_get_password_data_from_moto(cloud):
    (iid,) = launch(cloud, 1)
    out = shell(cloud, "get-password-data", iid, "--output", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["InstanceId"] == iid


def _monitoring(action: str, state: str, ids: list[str]) -> bytes:
    items = "".join(f"<item><instanceId>{i}</instanceId><monitoring><state>{state}</state></monitoring></item>"
                    for i in ids)
    return (f'<?xml version="1.0" encoding="UTF-8"?><{action}Response xmlns="http://ec2.amazonaws.com/doc/'
            f'2016-11-15/"><requestId>r</requestId><instancesSet>{items}</instancesSet></{action}Response>').encode()


def test_monitor_and_unmonitor_instances(cloud):
    # moto's server answers MonitorInstances with "not yet implemented": EC2's documented answer instead.
    a, b = launch(cloud)
    with FaultProxy(cloud.url) as proxy:
        proxy.inject("canned", action="MonitorInstances", body=_monitoring("MonitorInstances", "pending", [a, b]))
        proxy.inject("canned", action="UnmonitorInstances", body=_monitoring("UnmonitorInstances", "disabling", [a]))
        out = shell(cloud, "euca-monitor-instances", a, b, url=proxy.url)
        assert out.returncode == 0, out.stderr
        assert out.stdout.splitlines() == [f"{a}\tmonitoring-pending", f"{b}\tmonitoring-pending"]
        out = shell(cloud, "unmonitor-instances", a, "--output", "table", url=proxy.url)
        assert f"{a} monitoring disabling" in out.stdout
        assert proxy.count("MonitorInstances") == 1 and proxy.count("UnmonitorInstances") == 1
    gone = shell(cloud, "monitor-instances", "i-00000000")
    assert gone.returncode == 2 and "no instance i-00000000" in gone.stderr


def test_confirm_product_instance_against_documented_answer(cloud):
    (iid,) = launch(cloud, 1)
    answer = (b'<?xml version="1.0" encoding="UTF-8"?><ConfirmProductInstanceResponse xmlns="http://ec2.'
              b'amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><return>true</return>'
              b'<ownerId>111122223333</ownerId></ConfirmProductInstanceResponse>')
    with FaultProxy(cloud.url) as proxy:
        proxy.inject("canned", action="ConfirmProductInstance", body=answer)
        out = shell(cloud, "euca-confirm-product-instance", "774F4FF8", "-i", iid, url=proxy.url)
        assert out.stdout == f"774F4FF8\t{iid}\ttrue\t111122223333\n", out.stderr
        assert proxy.queries[-1]["ProductCode"] == ["774F4FF8"]
        n = len(proxy.queries)
        bad = shell(cloud, "confirm-product-instance", "77-4F", "-i", iid, url=proxy.url)
        assert bad.returncode == 2 and "not a product code" in bad.stderr and len(proxy.queries) == n


@pytest.mark.parametrize("name", ["describe-instance-status", "describe-instance-types", "modify-instance-type",
                                  "get-password", "get-password-data", "monitor-instances",
                                  "unmonitor-instances", "confirm-product-instance"])
def test_help(cloud, name):
    out = shell(cloud, f"euca-{name}", "--help")
    assert out.returncode == 0 and out.stdout.startswith(f"usage: {name}")
