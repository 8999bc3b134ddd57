"""euca2ools' global spellings: 1.x's -a/-s before the command, -U/-I/-S, and the warning that a
secret on the command line shows in ps; bundle-image's 1.x --ec2cert_path and short account IDs."""

from __future__ import annotations

from cloudshell.cli import split_argv
from cloudshell.commands import registry


def test_leading_a_and_s_are_credentials_but_command_options_after_it():
    args = split_argv(["-a", "AKID", "-s", "SEKRET", "authorize", "-s", "10.0.0.0/8", "-P", "tcp", "g"])
    assert args.values["access_key"] == "AKID" and args.values["secret_key"] == "SEKRET"
    assert args.command == ["authorize", "-s", "10.0.0.0/8", "-P", "tcp", "g"]
    inv = registry().parse(args.command)
    assert list(inv.cidrs) == ["10.0.0.0/8"]
    assert split_argv(["describe-images", "-a"]).command == ["describe-images", "-a"]


def test_one_shot_with_euca2ools_credential_flags_works_and_warns(cloud):
    out = cloud.here(["-I", "AKIDEXAMPLE", "-S", "SECRETEXAMPLE1234", "-U", cloud.url, "euca-describe-keypairs"])
    assert out.returncode == 0, out.stderr
    assert "visible to every user of this host in ps" in out.stderr
    assert "SECRETEXAMPLE1234" not in out.stderr + out.stdout
    out = cloud.here(["-a", "AKIDEXAMPLE", "-s", "SECRETEXAMPLE1234", "--url", cloud.url, "describe-regions",
                      "--output", "json"])
    assert out.returncode == 0, out.stderr
    assert '"RegionName"' in out.stdout


def test_bundle_image_takes_the_seed_spellings():
    inv = registry().parse(["euca-bundle-image", "-i", "/etc/hostname", "-u", "12345678111", "-d", "/tmp",
                            "--ec2cert_path", "/etc/hostname"])
    assert inv.user == "12345678111" and inv.ec2cert == "/etc/hostname"
    assert registry().parse(["bundle-image", "-i", "/etc/hostname", "-u", "1234-5678-9012"]).user == "123456789012"
