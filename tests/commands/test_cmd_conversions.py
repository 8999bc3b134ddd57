"""describe-conversion-tasks and cancel-conversion-task against the fault proxy's canned answers
(moto's server has no import conversion), written from EC2's documented response shape."""

from __future__ import annotations

import json

from clirun import run_here
from faultproxy import FaultProxy

TASKS = b"""<?xml version="1.0" encoding="UTF-8"?>
<DescribeConversionTasksResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>r</requestId>
  <conversionTasks><item>
    <conversionTaskId>import-vol-ffut5xv4</conversionTaskId><expirationTime>2026-12-10T06:00:00Z</expirationTime>
    <importVolume><bytesConverted>1024</bytesConverted><availabilityZone>one</availabilityZone>
      <image><format>RAW</format><size>4096</size><importManifestUrl>https://s3/x</importManifestUrl></image>
      <volume><size>1</size><id>vol-1a2b3c4d</id></volume></importVolume>
    <state>active</state><statusMessage>Pending</statusMessage>
  </item></conversionTasks>
</DescribeConversionTasksResponse>"""
CANCELLED = (b'<?xml version="1.0" encoding="UTF-8"?><CancelConversionTaskResponse xmlns="http://ec2.amazonaws.com/'
             b'doc/2016-11-15/"><requestId>r</requestId><return>true</return></CancelConversionTaskResponse>')


def shell(cloud, url, *args):
    out = run_here(["--endpoint-url", url, *args], cloud.env)     # cli.main here, over HTTP
    assert "Traceback" not in out.stderr
    return out


def test_describe_and_cancel_conversion_tasks(cloud):
    with FaultProxy(cloud.url) as proxy:
        proxy.inject("canned", action="DescribeConversionTasks", body=TASKS)
        proxy.inject("canned", action="CancelConversionTask", body=CANCELLED)
        out = shell(cloud, proxy.url, "euca-describe-conversion-tasks")
        assert out.stdout.splitlines() == [
            "TaskType\tIMPORTVOLUME\tTaskId\timport-vol-ffut5xv4\tExpirationTime\t2026-12-10T06:00:00Z\tStatus\t"
            "active\tStatusMessage\tPending",
            "DISKIMAGE\tDiskImageFormat\tRAW\tDiskImageSize\t4096\tVolumeId\tvol-1a2b3c4d\tVolumeSize\t1\t"
            "AvailabilityZone\tone\tApproximateBytesConverted\t1024"], out.stderr
        data = json.loads(shell(cloud, proxy.url, "describe-conversion-tasks", "--output", "json").stdout)
        assert data["ConversionTasks"][0]["ImportVolume"]["Volume"]["Id"] == "vol-1a2b3c4d"
        unasked = shell(cloud, proxy.url, "cancel-conversion-task", "import-vol-ffut5xv4")
        assert unasked.returncode != 0 and proxy.count("CancelConversionTask") == 0
        out = shell(cloud, proxy.url, "cancel-conversion-task", "import-vol-ffut5xv4", "--yes", "--output", "table")
        assert "import-vol-ffut5xv4 cancelled" in out.stdout and proxy.count("CancelConversionTask") == 1
        bad = shell(cloud, proxy.url, "cancel-conversion-task", "vol-1a2b3c4d", "--yes")
        assert bad.returncode == 2 and "not a conversion task ID" in bad.stderr
        assert proxy.count("CancelConversionTask") == 1
