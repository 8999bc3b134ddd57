"""A fast synthetic EC2 endpoint for benchmarks: pre-rendered XML, EC2's NextToken paging.

moto cannot serve 10,000 instances quickly (seconds per DescribeInstances); this
answers the describes the poller sweeps from strings rendered once, on 127.0.0.1.
Each sweep (a DescribeInstances without NextToken) changes ``--changes`` instances'
state and Name tag, so a poller has something to diff. Pages hold ``MaxResults``
records, at most 1,000 (EC2's limit), 1,000 when the caller does not say.

    python bench/fake_ec2.py --instances 10000 --volumes 2000 --changes 500 [--port N]

prints ``http://127.0.0.1:PORT`` on its first line, then serves until killed.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

NS = "http://ec2.amazonaws.com/doc/2016-11-15/"
PAGE = 1000
STATES = (("running", 16), ("stopped", 80))


def _instance_xml(n: int, state: int, gen: int, base: int = 0) -> str:
    name, code = STATES[state]
    return (
        f"<item><instanceId>i-{n + base:017x}</instanceId><imageId>emi-00000001</imageId>"
        f"<instanceState><code>{code}</code><name>{name}</name></instanceState>"
        f"<privateDnsName>ip-10-0-{n // 256 % 256}-{n % 256}.internal</privateDnsName><dnsName/>"
        f"<reason/><keyName>bench</keyName><amiLaunchIndex>0</amiLaunchIndex><productCodes/>"
        f"<instanceType>m1.small</instanceType><launchTime>2026-01-01T00:00:00.000Z</launchTime>"
        f"<placement><availabilityZone>zone-{n % 3}</availabilityZone><groupName/><tenancy>default</tenancy></placement>"
        f"<monitoring><state>disabled</state></monitoring><subnetId>subnet-00000001</subnetId>"
        f"<vpcId>vpc-00000001</vpcId><privateIpAddress>10.0.{n // 256 % 256}.{n % 256}</privateIpAddress>"
        + (f"<ipAddress>198.51.{n // 256 % 256}.{n % 256}</ipAddress>" if state == 0 else "")
        + "<sourceDestCheck>true</sourceDestCheck>"
        f"<groupSet><item><groupId>sg-00000001</groupId><groupName>default</groupName></item></groupSet>"
        f"<architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType>"
        f"<rootDeviceName>/dev/sda1</rootDeviceName><blockDeviceMapping/><virtualizationType>hvm</virtualizationType>"
        f"<tagSet><item><key>Name</key><value>node-{n}-g{gen}</value></item>"
        f"<item><key>team</key><value>bench</value></item></tagSet>"
        f"<hypervisor>xen</hypervisor><ebsOptimized>false</ebsOptimized></item>")


def _volume_xml(n: int, instances: int, to: int | None = None) -> str:
    """Even volumes are attached to an instance (``to``, else instance n), odd ones available."""
    attached = (n % 2 == 0 or to is not None) and instances
    attachment = (f"<attachmentSet><item><volumeId>vol-{n:017x}</volumeId>"
                  f"<instanceId>i-{(n if to is None else to) % instances:017x}</instanceId><device>/dev/sdf</device>"
                  f"<status>attached</status><attachTime>2026-01-01T00:00:00.000Z</attachTime>"
                  f"<deleteOnTermination>false</deleteOnTermination></item></attachmentSet>"
                  if attached else "<attachmentSet/>")
    return (f"<item><volumeId>vol-{n:017x}</volumeId><size>{1 + n % 100}</size><snapshotId/>"
            f"<availabilityZone>zone-{n % 3}</availabilityZone>"
            f"<status>{'in-use' if attached else 'available'}</status>"
            f"<createTime>2026-01-01T00:00:00.000Z</createTime>{attachment}"
            f"<tagSet><item><key>Name</key><value>data-{n}</value></item></tagSet>"
            f"<volumeType>standard</volumeType><encrypted>false</encrypted></item>")


def _doc(action: str, body: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{action}Response xmlns="{NS}">'
            f"<requestId>00000000-0000-0000-0000-000000000000</requestId>{body}</{action}Response>").encode()


class FakeEc2:
    """The cloud's state as rendered strings; ``sweep()`` changes ``changes`` instances."""

    def __init__(self, instances: int, volumes: int, changes: int, id_base: int = 0) -> None:
        self.instances, self.volumes, self.changes = instances, volumes, changes
        self.id_base = id_base   # instance IDs start here: several fakes as several clouds, IDs apart
        self.state = [0] * instances
        self.gen = [0] * instances
        self.inst_xml = [_instance_xml(n, 0, 0, id_base) for n in range(instances)]
        self.vol_xml = [_volume_xml(n, instances) for n in range(volumes)]
        self.cursor = 0
        self.sweeps = 0
        self.requests = 0
        self.lock = threading.Lock()
        self.acked: dict[str, float] = {}   # volume ID → time.monotonic() its AttachVolume was answered
        self.say_acks = False               # also print "acked VOL-ID MONOTONIC" on stdout

    def sweep(self) -> None:
        for _ in range(min(self.changes, self.instances)):
            n = self.cursor
            self.cursor = (self.cursor + 1) % self.instances
            self.state[n] ^= 1
            self.gen[n] += 1
            self.inst_xml[n] = _instance_xml(n, self.state[n], self.gen[n], self.id_base)
        self.sweeps += 1

    def answer(self, params: dict[str, list[str]]) -> bytes:
        action = params.get("Action", [""])[0]
        token = params.get("NextToken", [""])[0]
        size = min(PAGE, int(params.get("MaxResults", [PAGE])[0] or PAGE))
        wanted = _filter_values(params)
        with self.lock:
            self.requests += 1
            if action == "DescribeInstances":
                if not token and wanted is None and self.changes:
                    self.sweep()
                items, start, more = self._page(self.inst_xml, "i-", wanted, token, size, self.id_base)
                body = ("<reservationSet><item><reservationId>r-00000001</reservationId>"
                        "<ownerId>123456789012</ownerId><groupSet/>"
                        f"<instancesSet>{items}</instancesSet></item></reservationSet>" if items
                        else "<reservationSet/>")
                return _doc(action, body + (f"<nextToken>{start}</nextToken>" if more else ""))
            if action == "DescribeVolumes":
                items, start, more = self._page(self.vol_xml, "vol-", wanted, token, size)
                return _doc(action, f"<volumeSet>{items}</volumeSet>"
                            + (f"<nextToken>{start}</nextToken>" if more else ""))
            if action == "AttachVolume":    # in-use at once: the attachment is what a bench waits to see
                vol, inst = params.get("VolumeId", [""])[0], params.get("InstanceId", [""])[0]
                n, to = int(vol[4:] or "0", 16), int(inst[2:] or "0", 16)
                if not (vol.startswith("vol-") and n < self.volumes):
                    return b""
                self.vol_xml[n] = _volume_xml(n, self.instances, to)
                return _doc(action, f"<volumeId>{vol}</volumeId><instanceId>{inst}</instanceId>"
                            f"<device>{params.get('Device', [''])[0]}</device><status>attaching</status>"
                            "<attachTime>2026-01-01T00:00:00.000Z</attachTime>")
        if action in EMPTY:
            return _doc(action, EMPTY[action])
        return b""

    @staticmethod
    def _page(xml: list[str], prefix: str, wanted: set[str] | None, token: str,
              size: int, base: int = 0) -> tuple[str, int, bool]:
        if wanted is not None:
            picked = [xml[int(w[len(prefix):], 16) - base] for w in sorted(wanted)
                      if w.startswith(prefix) and 0 <= int(w[len(prefix):] or "0", 16) - base < len(xml)]
            return "".join(picked), 0, False
        start = int(token or 0)
        end = min(len(xml), start + size)
        return "".join(xml[start:end]), end, end < len(xml)


def _filter_values(params: dict[str, list[str]]) -> set[str] | None:
    """The values of an ``instance-id``/``volume-id`` filter (the poller's by-ID refresh), else None."""
    for key, value in params.items():
        if key.startswith("Filter.") and key.endswith(".Name") and value[0] in ("instance-id", "volume-id"):
            stem = key[: -len("Name")]
            return {v[0] for k, v in params.items() if k.startswith(stem + "Value.")}
    return None


ZONES = "".join(f"<item><zoneName>zone-{n}</zoneName><zoneState>available</zoneState>"
                f"<regionName>us-east-1</regionName><messageSet/></item>" for n in range(3))
EMPTY = {
    "DescribeSnapshots": "<snapshotSet/>",
    "DescribeImages": "<imagesSet/>",
    "DescribeAddresses": "<addressesSet/>",
    "DescribeSecurityGroups": "<securityGroupInfo/>",
    "DescribeKeyPairs": "<keySet/>",
    "DescribeAvailabilityZones": f"<availabilityZoneInfo>{ZONES}</availabilityZoneInfo>",
    "DescribeRegions": "<regionInfo><item><regionName>us-east-1</regionName>"
                       "<regionEndpoint>127.0.0.1</regionEndpoint></item></regionInfo>",
}


def serve(cloud: FakeEc2, port: int = 0) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            params = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
            body = cloud.answer(params)
            if not body:
                self.send_response(400)
                body = _doc("Error", "<Errors><Error><Code>InvalidAction</Code>"
                                     "<Message>not faked</Message></Error></Errors>")
            else:
                self.send_response(200)
            self.send_header("Content-Type", "text/xml;charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            if params.get("Action", [""])[0] == "AttachVolume":
                vol = params.get("VolumeId", [""])[0]
                cloud.acked[vol] = time.monotonic()
                if cloud.say_acks:    # for a bench in another process: CLOCK_MONOTONIC is the system's
                    print(f"acked {vol} {cloud.acked[vol]:.6f}", flush=True)

        def log_message(self, *_args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instances", type=int, default=10_000)
    ap.add_argument("--volumes", type=int, default=2_000)
    ap.add_argument("--changes", type=int, default=0, help="instances changed on each sweep")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--id-base", type=int, default=0, help="the first instance ID's number (several fakes)")
    args = ap.parse_args(argv)
    cloud = FakeEc2(args.instances, args.volumes, args.changes, args.id_base)
    cloud.say_acks = True
    server = serve(cloud, args.port)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
