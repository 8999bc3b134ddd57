"""Naming several clouds: [clouds.NAME] tables, --cloud, --region r1,r2, --demo-clouds (issue 17).

What a user sees from `cloudshell`: the bad-input lines (exit 2, nothing started), and
`config` listing each cloud with where each setting came from, secrets masked.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import isolated_env

from cloudshell.cloud.clouds import choose_clouds, short_name
from cloudshell.cloud.config import GlobalFlags, resolve
from cloudshell.cloud.errors import ConfigError, UsageError

SECRET_A = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzSECRETAAAA"
SECRET_B = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbSECRETBBBB"


def write_config(env: dict[str, str], text: str) -> Path:
    path = Path(env["XDG_CONFIG_HOME"]) / "cloudshell" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def eucarc(folder: Path, url: str, key: str, secret: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "eucarc"
    path.write_text(f"export EC2_URL={url}\nexport EC2_ACCESS_KEY={key}\nexport EC2_SECRET_KEY={secret}\n")
    return path


@pytest.fixture
def env(tmp_path):
    return isolated_env(tmp_path)


def test_config_lists_each_cloud_with_its_sources_and_secrets_masked(env, tmp_path):
    from clirun import run_here

    a = eucarc(tmp_path / "a", "http://127.0.0.1:1/services/compute", "AKIDA", SECRET_A)
    b = eucarc(tmp_path / "b", "http://127.0.0.1:2/services/compute", "AKIDB", SECRET_B)
    write_config(env, f'[clouds.prod]\neucarc = "{a}"\n\n[clouds.staging]\neucarc = "{b}"\n'
                      f'region = "eu-1"\nread_only = true\n')
    out = run_here(["--cloud", "prod", "--cloud", "staging", "config", "--output", "json"], env)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert list(doc) == ["prod", "staging"]
    # The cloud's own eucarc outranks the environment's keys (AWS_ACCESS_KEY_ID=demo there).
    assert doc["prod"]["access_key"] == {"Value": "AKIDA", "Source": f"eucarc {a}"}
    assert doc["staging"]["access_key"] == {"Value": "AKIDB", "Source": f"eucarc {b}"}
    assert doc["prod"]["endpoint_url"]["Value"] == "http://127.0.0.1:1/services/compute"
    assert doc["staging"]["region"] == {"Value": "eu-1", "Source": "config [clouds.staging] region"}
    table = run_here(["--cloud", "prod,staging", "config", "--output", "table"], env)
    assert table.returncode == 0, table.stderr
    assert "cloud prod:" in table.stdout and "cloud staging:" in table.stdout
    assert "http://127.0.0.1:2/services/compute" in table.stdout
    piped = run_here(["--cloud", "prod,staging", "config"], env)   # a pipe: the cloud first on each line
    assert any(line.startswith("staging\tendpoint_url") and "127.0.0.1:2" in line for line in piped.stdout.splitlines())
    assert any(line.startswith("prod\taccess_key") and "AKIDA" in line for line in piped.stdout.splitlines())
    for output in (out.stdout, out.stderr, table.stdout, table.stderr, piped.stdout, piped.stderr):
        assert SECRET_A not in output and SECRET_B not in output
        assert SECRET_A[:-4] not in output and SECRET_B[:-4] not in output
    assert "AAAA" in table.stdout and "BBBB" in table.stdout   # the masked secrets' last four


def test_unknown_cloud_lists_the_known_ones(env):
    from clirun import run_here

    write_config(env, '[clouds.prod]\nendpoint_url = "http://127.0.0.1:9/"\n[clouds.aws-eu]\nregion = "eu-west-1"\n')
    out = run_here(["--cloud", "prod", "--cloud", "dev", "describe-instances"], env)
    assert out.returncode == 2
    assert out.stderr.strip() == "cloudshell: unknown cloud 'dev' (known: prod, aws-eu)"
    assert out.stdout == ""
    none = run_here(["--cloud", "x", "describe-instances"], {**env, "CLOUDSHELL_CONFIG": str(Path(env["HOME"]) / "none.toml")})
    assert none.returncode == 2
    assert "unknown cloud 'x' (known: none:" in none.stderr and "has no [clouds.NAME] table" in none.stderr


@pytest.mark.parametrize("text, says", [
    ('[clouds.prod]\nendpoint = "http://x/"\n', "[clouds.prod] has an unknown key 'endpoint' (expected endpoint_url"),
    ('[clouds.prod]\nread_only = "yes"\n', "[clouds.prod] read_only must be true or false"),
    ('[clouds.prod]\nregion = 3\n', "[clouds.prod] region must be a string"),
    ('[clouds.prod]\nini_user = "admin"\n', "[clouds.prod] ini_user needs the region it belongs to"),
    ('clouds = 3\n', "clouds is a number: expected tables: [clouds.NAME]"),
    ('[clouds."a b"]\nregion = "r"\n', "[clouds.a b]: a cloud's name is letters, digits"),
])
def test_a_bad_cloud_table_is_one_line_naming_it(env, text, says):
    from clirun import run_here

    path = write_config(env, text)
    out = run_here(["--cloud", "prod", "describe-instances"], env)
    assert out.returncode == 2, out.stderr
    assert says in out.stderr and str(path) in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


@pytest.mark.parametrize("argv, says", [
    (["--cloud", "prod", "--endpoint-url", "http://x/", "describe-instances"],
     "--endpoint-url sets one cloud's settings: with --cloud put it in [clouds.NAME]"),
    (["--cloud", "prod", "--region", "a,b", "describe-instances"], "give --cloud NAME or --region r1,r2, not both"),
    (["--region", "a,,b", "describe-instances"], "expected region names separated by commas"),
    (["--demo-clouds", "2", "describe-instances"], "--demo-clouds goes with --demo"),
    (["--demo", "--demo-clouds", "9", "describe-instances"], "expected a number of clouds from 1 to 4"),
    (["--demo", "--cloud", "prod", "describe-instances"], "with several, give --demo-clouds N"),
    (["--cloud", "prod", "describe-instances", "--bogus"], "--bogus"),
])
def test_bad_cloud_flags_are_one_line_and_exit_2(env, argv, says):
    from clirun import run_here

    write_config(env, '[clouds.prod]\nendpoint_url = "http://127.0.0.1:9/"\n')
    out = run_here(argv, env)
    assert out.returncode == 2, out.stderr
    assert says in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and out.stdout == ""


def test_region_list_fans_one_profile_over_regions(env):
    from clirun import run_here

    out = run_here(["--region", "us-east-1,eu-west-1", "config", "--output", "json"], env)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert list(doc) == ["us-east-1", "eu-west-1"]
    assert doc["eu-west-1"]["region"] == {"Value": "eu-west-1", "Source": "flag --region"}
    assert doc["us-east-1"]["access_key"]["Value"] == doc["eu-west-1"]["access_key"]["Value"] == "demo"


def test_same_endpoint_twice_warns(env):
    from clirun import run_here

    write_config(env, '[clouds.one]\nendpoint_url = "http://127.0.0.1:9/"\n'
                      '[clouds.two]\nendpoint_url = "http://127.0.0.1:9/"\n'
                      '[clouds.three]\nendpoint_url = "http://127.0.0.1:8/"\n')
    out = run_here(["--cloud", "all", "config", "--output", "json"], env)
    assert out.returncode == 0, out.stderr
    assert list(json.loads(out.stdout)) == ["one", "two", "three"]
    assert out.stderr.strip() == ("warning: clouds one and two name the same endpoint http://127.0.0.1:9/ "
                                  "(region us-east-1): each is polled on its own")


def test_cloud_table_sources_and_ini_user(tmp_path):
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "euca2ools.ini").write_text(
        "[region cluster]\nec2-url = http://10.0.0.1:8773/services/compute\n\n"
        f"[user admin]\nkey-id = AKIDADMIN\nsecret-key = {SECRET_A}\n")
    home = tmp_path / "home"
    home.mkdir()
    config = {"clouds": {"euca": {"region": "cluster", "ini_user": "admin", "verify_ssl": False}}}
    (spec,) = choose_clouds(GlobalFlags(), ["euca"], config)
    env = {"HOME": str(home), "AWS_ACCESS_KEY_ID": "envkey", "AWS_SECRET_ACCESS_KEY": "envsecret",
           "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": str(home / "c"),
           "AWS_SHARED_CREDENTIALS_FILE": str(home / "k")}
    settings = resolve(spec.flags, env, home=home, etc=etc)
    assert settings.access_key.value == "AKIDADMIN"   # the table's ini user, not the environment's keys
    assert settings.endpoint_url.value == "http://10.0.0.1:8773/services/compute"
    assert settings.region.source == "config [clouds.euca] region"
    assert settings.verify_ssl.value == "false"
    both = {"clouds": {"x": {"region": "cluster", "ini_user": "admin", "profile": "p"}}}
    with pytest.raises(ConfigError, match=r"\[clouds.x\] gives both profile and ini_user"):
        resolve(choose_clouds(GlobalFlags(), ["x"], both)[0].flags, env, home=home, etc=etc)


def test_short_names():
    assert short_name("eu-west-1") == "euw1"
    assert short_name("us-east-2") == "use2"
    assert short_name("ap-southeast-1") == "apse1"
    assert short_name("prod") == "prod"
    assert short_name("staging-eu-long") == "staging-"
    with pytest.raises(UsageError, match="no \\[clouds.NAME\\] table"):
        choose_clouds(GlobalFlags(), ["all"], {})


def test_a_cloud_that_cannot_be_set_up_is_named_and_nothing_starts(env, tmp_path):
    from clirun import run_here

    write_config(env, '[clouds.prod]\nendpoint_url = "http://127.0.0.1:9/"\n'
                      f'[clouds.dev]\neucarc = "{tmp_path / "missing" / "eucarc"}"\n')
    out = run_here(["--cloud", "prod,dev", "describe-instances"], env)
    assert out.returncode == 2
    assert out.stderr.strip() == (f"cloudshell: cloud dev (config [clouds.dev]): eucarc not found: "
                                  f"{tmp_path / 'missing' / 'eucarc'}")
    assert out.stdout == ""


def test_shell_completion_offers_the_configured_clouds_and_knows_cloud_takes_a_value(env):
    from clirun import run_here

    write_config(env, '[clouds.prod]\nendpoint_url = "http://127.0.0.1:9/"\n[clouds.aws-eu]\nregion = "eu-west-1"\n')
    names = run_here(["__complete", "bash", "", "cloudshell --cloud "], env)
    assert names.stdout.split() == ["aws-eu", "prod", "all"]
    after = run_here(["__complete", "bash", "describe-vol", "cloudshell --cloud prod describe-vol"], env)
    assert after.stdout.split() == ["describe-volumes"]   # prod was --cloud's value, not the command
