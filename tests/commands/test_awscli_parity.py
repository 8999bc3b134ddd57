"""cloudshell against the real awscli program, byte for byte, on one seeded moto server.

Every case is one command line given to both programs, awscli's spelling on
the left, cloudshell's on the right, ``--endpoint-url`` last on both (global
flags go anywhere). Both run in this process (tests/support/clirun.py: run_awscli is the
awscli program's own driver, run_here cloudshell's cli.main; no interpreter start-up per
line), against a cloud seeded once for the module, before any comparison is made.
"""

from __future__ import annotations

import json
import stat

import pytest
from clirun import run_awscli, run_here
from waiting import until
from conftest import RANDOM_SEED, isolated_env

from cloudshell.cloud.demo import seed
from cloudshell.cloud.session import CloudSession

NAME = "Tags[?Key=='Name'] | [0].Value"


def _cases() -> dict[str, tuple[list[str], list[str]]]:
    """Case name → (awscli's words, cloudshell's); ``@word`` stands for a seeded ID (see _given)."""
    same = {  # the same words after the command's name
        # --output text without --query: sorted columns, INSTANCES/ATTACHMENTS/TAGS… rows.
        "instances-text": ["describe-instances", "--output", "text"],
        "volumes-text": ["describe-volumes", "--output", "text"],
        "snapshots-text": ["describe-snapshots", "--output", "text"],
        "images-text": ["describe-images", "--output", "text"],
        "addresses-text": ["describe-addresses", "--output", "text"],
        "zones-text": ["describe-availability-zones", "--output", "text"],
        "regions-text": ["describe-regions", "--output", "text"],
        "tags-text": ["describe-tags", "--output", "text"],
        # --query with --output text.
        "unsorted-projection": ["describe-volumes", "--query", "Volumes[].{Z:VolumeId,A:Size,M:State}",
                                "--output", "text"],
        "nulls": ["describe-volumes", "--query", "Volumes[].{Id:VolumeId,Snap:SnapshotId,Kms:KmsKeyId}",
                  "--output", "text"],
        "null-scalar": ["describe-volumes", "--query", "Volumes[0].NoSuchKey", "--output", "text"],
        "scalar-list": ["describe-volumes", "--query", "Volumes[].VolumeId", "--output", "text"],
        "list-of-lists": ["describe-instances", "--query",
                          f"Reservations[].Instances[].[InstanceId, State.Name, {NAME}]", "--output", "text"],
        "one-instance-nested": ["describe-instances", "--query", "Reservations[0].Instances[0]",
                                "--output", "text"],
        "tags-lists": ["describe-instances", "--query", "Reservations[].Instances[].Tags", "--output", "text"],
        "rules": ["describe-security-groups", "--query", "SecurityGroups[].IpPermissions", "--output", "text"],
        "a-number": ["describe-volumes", "--query", "length(Volumes)", "--output", "text"],
        "booleans": ["describe-volumes", "--query", "Volumes[].[Encrypted, Size > `10`]", "--output", "text"],
        # --output table with --query: awscli's boxes, titled with the operation.
        "table-projection": ["describe-volumes", "--query", "Volumes[].{Z:VolumeId,A:Size}", "--output", "table"],
        "table-wide-goes-vertical": ["describe-instances", "--query", "Reservations[].Instances[]",
                                     "--output", "table"],
        "table-one-object": ["describe-volumes", "--query", "Volumes[0]", "--output", "table"],
        "table-rows-of-lists": ["describe-images", "--query", "Images[].[ImageId, Name, ImageType]",
                                "--output", "table"],
        "table-scalars": ["describe-volumes", "--query", "Volumes[].VolumeId", "--output", "table"],
        "table-groups": ["describe-security-groups", "--query", "SecurityGroups", "--output", "table"],
        # awscli's spellings, the same on both sides.
        "filters": ["describe-volumes", "--filters", "Name=status,Values=available", "Name=size,Values=5,50",
                    "--query", "Volumes[].[VolumeId,Size]", "--output", "text"],
        "volume-ids": ["describe-volumes", "--volume-ids", "@scratch", "--output", "text"],
        "instance-ids-json": ["describe-instances", "--instance-ids", "@web", "--output", "json"],
        "filters-json-form": ["describe-instances", "--filters",
                              '[{"Name": "instance-state-name", "Values": ["running"]}]',
                              "--query", "Reservations[].Instances[].InstanceId", "--output", "json"],
        "owners": ["describe-images", "--owners", "self", "--query", "Images[].ImageId", "--output", "text"],
        "max-items-text": ["describe-volumes", "--max-items", "2", "--output", "text"],
        "max-items-json": ["describe-volumes", "--max-items", "2", "--output", "json"],
        "max-items-query": ["describe-volumes", "--max-items", "3", "--query", "Volumes[].VolumeId",
                            "--output", "text"],
        "no-paginate": ["describe-instances", "--no-paginate", "--output", "json"],
        "cli-input-json": ["describe-volumes", "--cli-input-json",
                           json.dumps({"Filters": [{"Name": "size", "Values": ["50"]}]}),
                           "--query", "Volumes[].VolumeId", "--output", "json"],
    }
    cases = {case: (args, args) for case, args in same.items()}
    # Where the names differ: awscli's on the left, euca2ools' on the right.
    renamed = {
        "keypairs-text": (["describe-key-pairs"], ["describe-keypairs"]),
        "groups-text": (["describe-security-groups"], ["describe-groups"]),
        "key-names": (["describe-key-pairs", "--key-names", "@keypair"],
                      ["describe-keypairs", "--key-names", "@keypair"]),
        "group-names": (["describe-security-groups", "--group-names", "@group"],
                        ["describe-groups", "--group-names", "@group"]),
        "filter-read-the-awscli-way": (
            ["describe-volumes", "--filters", "Name=status,Values=available"],
            ["describe-volumes", "--filter", "Name=status,Values=available"]),
        "euca-filter": (["describe-volumes", "--filters", "Name=status,Values=in-use"],
                        ["describe-volumes", "--filter", "status=in-use"]),
    }
    for case, (theirs, ours) in renamed.items():
        cases[case] = (theirs + ["--output", "text"], ours + ["--output", "text"])
    return cases


CASES = _cases()


def _given(words: list[str], facts) -> list[str]:
    """The words with the seeded cloud's IDs in place of ``@web``, ``@scratch``, ``@keypair``, ``@group``."""
    ids = {"@web": [facts.instance("web-1").id],
           "@scratch": sorted(v.id for v in facts.volumes if v.instance_id is None),
           "@keypair": [facts.keypair], "@group": [facts.group_name]}
    return [out for word in words for out in ids.get(word, [word])]


@pytest.fixture(scope="module")
def compared(moto_server, tmp_path_factory):
    """{case: (awscli's outcome, cloudshell's)}: both batches run on one seeded cloud, before any test."""
    if not moto_server.running:
        moto_server.start()
    moto_server.reset(random_seed=RANDOM_SEED)
    session = CloudSession.for_url(moto_server.url)
    try:
        facts = seed(session)
    finally:
        session.close()
    env = isolated_env(tmp_path_factory.mktemp("parity"))
    url = ["--endpoint-url", moto_server.url]
    theirs = [run_awscli(["ec2", *_given(a, facts), *url], env) for a, _ in CASES.values()]
    ours = [run_here([*_given(b, facts), *url], env) for _, b in CASES.values()]
    return {case: tuple({"stdout": d.stdout, "stderr": d.stderr, "code": d.returncode} for d in pair)
            for case, pair in zip(CASES, zip(theirs, ours))}


@pytest.mark.parametrize("case", CASES)
def test_output_is_awscli_byte_for_byte(compared, case):
    theirs, ours = compared[case]
    assert theirs["code"] == 0, theirs["stderr"]
    assert ours["code"] == 0, ours["stderr"]
    assert theirs["stdout"].strip(), "awscli printed nothing: the case compares nothing"
    assert ours["stdout"] == theirs["stdout"]


def test_the_text_rules_seen_in_the_comparison(compared):
    """What the byte-for-byte cases hold, said plainly (they would pass vacuously otherwise)."""
    text = compared["volumes-text"][1]["stdout"]
    assert text.startswith("VOLUMES\t") and "\nATTACHMENTS\t" in text and "\nTAGS\tName\t" in text
    assert compared["null-scalar"][1]["stdout"] == "None\n"
    first = compared["unsorted-projection"][1]["stdout"].splitlines()[0].split("\t")
    assert first[0].isdigit() and first[2].startswith("vol-")   # A (size), M (state), Z (id)
    assert "None" in compared["nulls"][1]["stdout"]
    assert compared["table-projection"][1]["stdout"].splitlines()[1].strip("| ") == "DescribeVolumes"
    assert json.loads(compared["max-items-json"][1]["stdout"])["NextToken"]
    assert compared["max-items-text"][1]["stdout"].splitlines()[-1].startswith("NEXTTOKEN\t")


# -- empty answers and create-keypair ---------------------------------------------------

def test_empty_answers_print_nothing_and_create_keypair_answers_key_material(seeded):
    cloud, facts = seeded
    web = facts.instance("web-1").id
    url = cloud.endpoint_args
    for ours, theirs in (
        (["reboot-instances", web], ["reboot-instances", "--instance-ids", web]),
        (["create-tags", web, "--tag", "team=ops"], ["create-tags", "--resources", web, "--tags", "Key=team,Value=ops"]),
    ):
        for fmt in ("json", "text"):
            mine = run_here([*ours, "--output", fmt, "--yes", *url], cloud.env)
            real = run_awscli(["ec2", *theirs, "--output", fmt, *url], cloud.env)
            assert (mine.returncode, real.returncode) == (0, 0), (mine.stderr, real.stderr)
            assert mine.stdout == real.stdout == "", (ours, fmt)

    real = json.loads(run_awscli(["ec2", "create-key-pair", "--key-name", "theirs", *url], cloud.env).stdout)
    key = cloud.tmp_path / "ours.pem"
    out = run_here(["create-keypair", "ours", "-f", str(key), "--output", "json", *url], cloud.env)
    assert out.returncode == 0, out.stderr
    mine = json.loads(out.stdout)
    assert list(mine) == list(real) and "KeyFile" not in mine   # awscli's keys, in its order
    assert mine["KeyMaterial"].startswith("-----BEGIN") and "PRIVATE KEY-----" in mine["KeyMaterial"]
    assert key.read_text().strip() == mine["KeyMaterial"].strip()   # -f still writes the key, 0600
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


# -- awscli's spellings of the resource parameters ---------------------------------------------

def test_awscli_command_lines_act_the_same_through_cloudshell(seeded):
    """A script's ``aws ec2`` lines, with ``cloudshell`` in front instead: the same cloud afterwards."""
    cloud, facts = seeded
    url, call = cloud.endpoint_args, cloud.session.call
    web = facts.instance("web-1")
    vol = call("create_volume", mutating=True, Size=1, AvailabilityZone=web.zone)["VolumeId"]
    snap = call("create_snapshot", mutating=True, VolumeId=vol)["SnapshotId"]

    def ours(*words: str) -> None:
        done = run_here([*words, "--yes", *url], cloud.env)
        assert done.returncode == 0, (words, done.stderr)

    def volume() -> dict:
        return call("describe_volumes", VolumeIds=[vol])["Volumes"][0]

    ours("attach-volume", "--volume-id", vol, "--instance-id", web.id, "--device", "/dev/sdk")
    until(lambda: volume()["State"] == "in-use", 30, "the volume attached")
    assert volume()["Attachments"][0]["InstanceId"] == web.id and volume()["Attachments"][0]["Device"] == "/dev/sdk"
    ours("detach-volume", "--volume-id", vol)
    until(lambda: volume()["State"] == "available", 30, "the volume detached")
    ours("delete-snapshot", "--snapshot-id", snap)
    assert not call("describe_snapshots", Filters=[{"Name": "snapshot-id", "Values": [snap]}])["Snapshots"]
    ours("delete-volume", "--volume-id=" + vol)
    assert not call("describe_volumes", Filters=[{"Name": "volume-id", "Values": [vol]}])["Volumes"]
    running = [i.id for i in facts.instances if i.state == "running"][:2]
    ours("stop-instances", "--instance-ids", *running)
    reservations = call("describe_instances", InstanceIds=running)["Reservations"]
    states = {i["InstanceId"]: i["State"]["Name"] for r in reservations for i in r["Instances"]}
    assert set(states.values()) <= {"stopping", "stopped"}, states
    shown = run_here(["attach-volume", "--help"], cloud.env).stdout
    assert "awscli's spellings too: --volume-id (VOLUME), --instance-id (-i)" in shown, shown
    # A value missing: one line, exit 2, nothing sent.
    done = run_here(["delete-volume", "--volume-id", *url], cloud.env)
    assert done.returncode == 2 and "--volume-id needs a value" in done.stderr, done.stderr
