"""One command over two clouds (two moto servers): one document per cloud, each awscli's (issue 17 item 5)."""

from __future__ import annotations

import json

from clirun import run_awscli, run_here
from two_clouds import two_clouds  # noqa: F401 - fixtures


def aws(env, url, *args):
    out = run_awscli(["--endpoint-url", url, "ec2", *args], env)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_json_is_one_document_per_cloud_each_as_awscli(two_clouds):
    t = two_clouds
    out = run_here(["--cloud", "a", "--cloud", "b", "describe-instances", "--output", "json"], t.env)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert list(doc) == ["a", "b"]
    for name in ("a", "b"):
        assert doc[name] == json.loads(aws(t.env, t.url(name), "describe-instances", "--output", "json"))
    ids = {name: {i["InstanceId"] for r in doc[name]["Reservations"] for i in r["Instances"]} for name in doc}
    assert ids["a"] and ids["b"] and not ids["a"] & ids["b"]   # two clouds, not one twice
    query = "Volumes[].VolumeId | sort(@)"
    queried = run_here(["--cloud", "a,b", "describe-volumes", "--query", query, "--output", "json"], t.env)
    assert json.loads(queried.stdout) == {
        name: json.loads(aws(t.env, t.url(name), "describe-volumes", "--query", query, "--output", "json"))
        for name in ("a", "b")}


def test_text_puts_the_cloud_first_on_every_line(two_clouds):
    t = two_clouds
    out = run_here(["--cloud", "a", "--cloud", "b", "describe-volumes", "--output", "text"], t.env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    for name in ("a", "b"):
        ours = [line.split("\t", 1)[1] for line in lines if line.startswith(f"{name}\t")]
        assert ours == aws(t.env, t.url(name), "describe-volumes", "--output", "text").splitlines()
    assert all(line.startswith(("a\t", "b\t")) for line in lines)


def test_a_change_goes_to_the_cloud_of_its_id_and_without_ids_needs_one_cloud(two_clouds):
    t = two_clouds
    target = t.facts_b.instances[0].id
    out = run_here(["--cloud", "a,b", "create-tags", target, "--tag", "owner=ops", "--output", "json"], t.env)
    assert out.returncode == 0, out.stderr
    tags_b = t.b_session.call("describe_tags", Filters=[{"Name": "resource-id", "Values": [target]}])["Tags"]
    assert {"Key": "owner", "Value": "ops"} in [{"Key": x["Key"], "Value": x["Value"]} for x in tags_b]
    tags_a = t.a.session.call("describe_tags", Filters=[{"Name": "key", "Values": ["owner"]}])["Tags"]
    assert tags_a == []
    refused = run_here(["--cloud", "a,b", "create-volume", "-s", "1", "-z", "us-east-1a"], t.env)
    assert refused.returncode == 2
    assert refused.stderr.strip() == ("cloudshell: create-volume changes a cloud: with several clouds, name the "
                                      "one (--cloud NAME; open: a, b)")
    before = {n: len(t.session(n).call("describe_volumes")["Volumes"]) for n in ("a", "b")}
    one = run_here(["--cloud", "b", "create-volume", "-s", "1", "-z", "us-east-1a", "--output", "json"], t.env)
    assert one.returncode == 0, one.stderr
    assert json.loads(one.stdout)["Size"] == 1   # one cloud named: awscli's document, as without --cloud
    after = {n: len(t.session(n).call("describe_volumes")["Volumes"]) for n in ("a", "b")}
    assert after == {"a": before["a"], "b": before["b"] + 1}


def test_one_id_in_two_clouds_is_ambiguous_with_both_names(two_clouds):
    t = two_clouds
    from cloudshell.cloud.demo import seed

    t.b_server.reset(random_seed=0)   # the seed of a: the same IDs in both
    same = seed(t.b_session)
    target = same.instances[0].id
    assert target in {i.id for i in t.facts_a.instances}
    out = run_here(["--cloud", "a,b", "reboot-instances", target], t.env)
    assert out.returncode == 2
    assert out.stderr.strip() == (f"cloudshell: {target} is ambiguous: it is in clouds a and b "
                                  "(say which: --cloud NAME)")
    unknown = run_here(["--cloud", "a,b", "describe-instances", "i-00000000000000000"], t.env)
    assert unknown.returncode == 1
    assert "i-00000000000000000: in none of the clouds a, b" in unknown.stderr


def test_two_demo_clouds_with_different_seeds(tmp_path):
    from conftest import isolated_env

    out = run_here(["--demo", "--demo-clouds", "2", "describe-instances", "--output", "json"],
                   isolated_env(tmp_path))
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert list(doc) == ["demo1", "demo2"]
    ids = [{i["InstanceId"] for r in doc[n]["Reservations"] for i in r["Instances"]} for n in doc]
    assert ids[0] and ids[1] and not ids[0] & ids[1]


def test_a_read_only_cloud_refuses_changes_and_the_other_does_not(two_clouds):
    from two_clouds import write_clouds_config

    t = two_clouds
    write_clouds_config(t.env, {"a": {"endpoint_url": t.a.url}, "b": {"endpoint_url": t.b_url, "read_only": True}})
    before = len(t.b_session.call("describe_volumes")["Volumes"])
    refused = run_here(["--cloud", "b", "create-volume", "-s", "1", "-z", "us-east-1a"], t.env)
    assert refused.returncode == 1 and "refused" in refused.stderr and "nothing was sent" in refused.stderr
    assert len(t.b_session.call("describe_volumes")["Volumes"]) == before
    done = run_here(["--cloud", "a", "create-volume", "-s", "1", "-z", "us-east-1a"], t.env)
    assert done.returncode == 0, done.stderr
