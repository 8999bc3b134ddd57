"""cloudshell's botocore sessions share one client class per service (cloud/botoshare.py); other
botocore sessions in the process (awscli's) keep their own; shared or not, each client talks to its
own endpoint and region."""

from __future__ import annotations

import gc

import botocore.session

from cloudshell.cloud.session import CloudSession


def test_two_sessions_share_the_class_and_each_keeps_its_own_endpoint(seeded):
    cloud, facts = seeded
    other = CloudSession.for_url("http://127.0.0.1:9", region="eu-west-1")   # nothing listens there
    try:
        assert type(cloud.session.ec2) is type(other.ec2)
        assert type(cloud.session.s3) is type(other.s3)
        assert other.ec2.meta.endpoint_url == "http://127.0.0.1:9" and other.region == "eu-west-1"
        mine = {i["InstanceId"] for r in cloud.session.call("describe_instances")["Reservations"]
                for i in r["Instances"]}
        assert mine == {i.id for i in facts.instances}
        assert cloud.session.ec2.meta.endpoint_url == cloud.url and cloud.session.region == "us-east-1"
    finally:
        other.close()


def test_a_session_that_is_not_ours_gets_botocore_s_own_class(cloud):
    foreign = botocore.session.Session()
    foreign.set_credentials("demo", "demo")
    client = foreign.create_client("ec2", region_name="us-east-1", endpoint_url=cloud.url)
    try:
        assert type(client) is not type(cloud.session.ec2)
        assert client.describe_key_pairs()["KeyPairs"] == []
    finally:
        client.close()


def test_a_closed_session_leaves_little_for_the_collector(cloud):
    CloudSession.for_url(cloud.url).ec2          # the class made once
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        session = CloudSession.for_url(cloud.url)
        session.ec2
        session.close()
        del session
        left = len(gc.get_objects()) - before
    finally:
        gc.enable()
    # botocore's own class per client left ~10,500 objects in reference cycles for EC2.
    assert left < 3000, left
