"""Tag commands as a user runs them, against moto's server, cross-checked with awscli."""

from __future__ import annotations

import json

from cloud_checks import aws, cloud_state, launch, oneshot


def _tags(session, resource: str) -> dict[str, str]:
    reply = session.call("describe_tags", Filters=[{"Name": "resource-id", "Values": [resource]}])
    return {t["Key"]: t["Value"] for t in reply["Tags"]}


def _volume(session) -> str:
    return session.call("create_volume", AvailabilityZone="us-east-1a", Size=1)["VolumeId"]


def test_create_tags_is_what_awscli_sees(cloud):
    iid, vol = launch(cloud.session), _volume(cloud.session)
    out = cloud.here([*cloud.endpoint_args, "euca-create-tags", iid, vol, "--tag", "Name=web-1",
                     "--tag", "owner", "--output", "table"])
    assert out.returncode == 0, out.stderr
    assert f"tagged {iid}, {vol}: Name=web-1, owner=" in out.stdout
    assert f"{iid} (web-1) name - → web-1" in out.stdout          # the re-read saw the new name
    seen = aws(cloud, "ec2", "describe-tags", "--filters", f"Name=resource-id,Values={iid},{vol}")
    assert sorted((t["ResourceId"], t["Key"], t["Value"]) for t in seen["Tags"]) == sorted(
        [(iid, "Name", "web-1"), (iid, "owner", ""), (vol, "Name", "web-1"), (vol, "owner", "")])


def test_describe_tags_shows_what_awscli_made(cloud, monkeypatch, capsys):
    vol = _volume(cloud.session)
    aws(cloud, "ec2", "create-tags", "--resources", vol, "--tags", "Key=env,Value=prod", "Key=team,Value=ops")
    out = cloud.here([*cloud.endpoint_args, "euca-describe-tags", "--filter", f"resource-id={vol}",
                     "--output", "json"])
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == aws(cloud, "ec2", "describe-tags", "--filters",
                                         f"Name=resource-id,Values={vol}")
    code, out, err = oneshot(cloud, monkeypatch, capsys, "describe-tags", vol, "--output", "table")
    assert code == 0, err
    rows = [line.split() for line in out.splitlines() if vol in line]
    assert sorted(rows) == [[vol, "volume", "env", "prod"], [vol, "volume", "team", "ops"]]


def test_delete_tags_matches_values_as_euca2ools_does(cloud, monkeypatch, capsys):
    vol = _volume(cloud.session)
    cloud.session.call("create_tags", Resources=[vol], Tags=[
        {"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}, {"Key": "c", "Value": ""},
        {"Key": "d", "Value": "x"}])
    out = cloud.here([*cloud.endpoint_args, "delete-tags", vol, "--tag", "a"])     # no terminal, no --yes
    assert out.returncode == 1 and "not confirmed, nothing was sent" in out.stderr
    assert len(_tags(cloud.session, vol)) == 4
    out = cloud.here([*cloud.endpoint_args, "euca-delete-tags", vol, "--tag", "a", "--tag", "b=wrong",
                     "--tag", "c=", "--tag", "d=", "--yes", "--output", "table"])
    assert out.returncode == 0, out.stderr
    assert f"untagged {vol}: a, b=wrong, c=, d=" in out.stdout
    # a: any value; b: only if 'wrong' (it is 2: kept); c: only if empty (gone); d: not empty (kept)
    assert _tags(cloud.session, vol) == {"b": "2", "d": "x"}


def test_tags_on_resources_that_do_not_exist_are_refused(cloud, monkeypatch, capsys):
    before = cloud_state(cloud.session)
    code, out, err = oneshot(cloud, monkeypatch, capsys, "create-tags", "vol-1a2b3c4d", "--tag", "a=b")
    assert code == 2
    assert err == "cloudshell: no volume vol-1a2b3c4d here (check the ID with describe-volumes)\n"
    assert cloud_state(cloud.session) == before
