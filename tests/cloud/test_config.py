"""Where settings come from: flags > env > eucarc > euca2ools ini > boto3 chain, and --demo.

Every test isolates itself: home, /etc/euca2ools and boto3's files live under
tmp_path, and the environment is a dict handed to resolve().
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cloudshell.cloud.config import (
    GlobalFlags, Setting, Settings, load_ini, parse_eucarc, resolve,
)
from cloudshell.cloud.errors import ConfigError

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzSECRETKEY"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


@pytest.fixture
def etc(tmp_path: Path) -> Path:
    (tmp_path / "etc").mkdir()
    return tmp_path / "etc"


@pytest.fixture
def base_env(home: Path) -> dict[str, str]:
    # botocore must only ever see files under tmp_path, and never probe the EC2 metadata service.
    return {"HOME": str(home), "AWS_CONFIG_FILE": str(home / "aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true", "PATH": os.environ.get("PATH", "")}


@pytest.fixture
def run(base_env, home, etc):
    """resolve() with the isolated home/etc; keyword arguments are extra environment."""
    def run(flags: GlobalFlags | None = None, **env: str) -> Settings:
        return resolve(flags or GlobalFlags(), {**base_env, **env}, home=home, etc=etc)
    return run


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def sources(settings: Settings) -> dict[str, str]:
    return {name: source for name, _, source in settings.rows()}


# -- nothing configured -----------------------------------------------------------------------

def test_nothing_configured_is_all_unset_and_leaves_os_environ_alone(run):
    before = dict(os.environ)
    s = run()
    assert dict(os.environ) == before
    assert s.access_key == Setting("access_key", None, "unset")
    assert s.secret_key.value is None and s.secret_key.secret
    assert (s.endpoint_url.value, s.endpoint_url.source) == (None, "default")
    assert (s.verify_ssl.value, s.verify_ssl.source) == ("true", "default")
    assert s.region.source == "unset" and s.cloud_cert.source == "unset"
    assert s.endpoint().verify_ssl is True


# -- precedence: each layer beats the next ---------------------------------------------------

@pytest.fixture
def five_layers(home, etc, tmp_path, base_env):
    """The same settings in all five layers, each with its own values."""
    write(home / "aws-credentials", "[default]\naws_access_key_id = AKBOTO\naws_secret_access_key = s-boto\n")
    write(home / "aws-config", "[default]\nregion = boto-region\n")
    write(home / ".euca" / "cloud.ini",
          "[global]\ndefault-region = ini-region\n"
          "[region ini-region]\nec2-url = http://ini:8773/services/compute\nuser = alice\n"
          "[user alice]\nkey-id = AKINI\nsecret-key = s-ini\n")
    write(home / ".eucarc", "export EC2_URL=http://eucarc:8773/services/compute\n"
          "export EC2_ACCESS_KEY=AKEUCARC\nexport EC2_SECRET_KEY=s-eucarc\n"
          "export EUCA_DEFAULT_REGION=eucarc-region\n")
    env = {"EC2_URL": "http://env:8773/services/compute", "AWS_ACCESS_KEY_ID": "AKENV",
           "AWS_SECRET_ACCESS_KEY": "s-env", "AWS_DEFAULT_REGION": "env-region"}
    flags = GlobalFlags(endpoint_url="http://flag:8773/services/compute", region="flag-region",
                        access_key="AKFLAG", secret_key="s-flag")
    return flags, env


@pytest.mark.parametrize("layer", ["flag", "env", "eucarc", "ini", "boto"])
def test_each_layer_beats_the_next(five_layers, run, home, layer):
    flags, env = five_layers
    if layer != "flag":
        flags = GlobalFlags()
    if layer not in ("flag", "env"):
        env = {}
    if layer in ("ini", "boto"):
        (home / ".eucarc").unlink()
    if layer == "boto":
        (home / ".euca" / "cloud.ini").unlink()
    s = run(flags, **env)
    expected_key = {"flag": "AKFLAG", "env": "AKENV", "eucarc": "AKEUCARC", "ini": "AKINI",
                    "boto": "AKBOTO"}[layer]
    assert s.access_key.value == expected_key
    assert s.secret_key.value == "s-" + ("boto" if layer == "boto" else layer)
    assert s.region.value == f"{layer}-region"
    if layer == "boto":
        assert s.endpoint_url.value is None
    else:
        assert s.endpoint_url.value == f"http://{layer}:8773/services/compute"
    origin = sources(s)["access_key"]
    assert origin.split()[0] == {"flag": "flag", "env": "env", "eucarc": "eucarc", "ini": "ini",
                                 "boto": "boto3"}[layer]


def test_settings_resolve_one_by_one_but_keys_come_from_one_source(run, home):
    # Endpoint from env, keys from the eucarc (env has none), region from the eucarc too.
    write(home / ".eucarc", "export AWS_ACCESS_KEY=AKEUCARC\nexport AWS_SECRET_KEY=s-eucarc\n"
          "export AWS_DEFAULT_REGION=r-eucarc\nexport EC2_URL=http://eucarc/\n")
    s = run(EC2_URL="http://env:8773/")
    assert (s.endpoint_url.value, s.endpoint_url.source) == ("http://env:8773/", "env EC2_URL")
    assert s.access_key.value == "AKEUCARC" and s.secret_key.value == "s-eucarc"
    assert s.access_key.source == s.secret_key.source == f"eucarc {home / '.eucarc'}"
    assert s.region.value == "r-eucarc"


def test_a_half_pair_never_borrows_its_other_half(run):
    with pytest.raises(ConfigError, match="AWS_ACCESS_KEY_ID but not AWS_SECRET_ACCESS_KEY"):
        run(AWS_ACCESS_KEY_ID="AKENV", EC2_SECRET_KEY="s")
    with pytest.raises(ConfigError, match="--access-key and --secret-key"):
        run(GlobalFlags(access_key="AKFLAG"), AWS_SECRET_ACCESS_KEY="s-env", AWS_ACCESS_KEY_ID="AKENV")


def test_session_token_travels_with_its_keys(run):
    s = run(AWS_ACCESS_KEY_ID="AKENV", AWS_SECRET_ACCESS_KEY=SECRET, AWS_SESSION_TOKEN="tok-" + "x" * 40)
    assert s.session_token.source == "env AWS_SESSION_TOKEN" and s.session_token.secret
    flagged = run(GlobalFlags(access_key="AKF", secret_key="s"), AWS_ACCESS_KEY_ID="AKENV",
                  AWS_SECRET_ACCESS_KEY=SECRET, AWS_SESSION_TOKEN="tok")
    assert flagged.session_token.value is None  # the env token belongs to the env keys


def test_environment_names_in_order(run, tmp_path):
    s = run(AWS_ENDPOINT_URL="http://all/", AWS_ENDPOINT_URL_EC2="http://ec2/", EC2_URL="http://euca/",
            AWS_REGION="r2", EUCA_DEFAULT_REGION="r3", EC2_ACCESS_KEY="AK1", EC2_SECRET_KEY="s1",
            EC2_CERT=str(tmp_path / "c.pem"), EC2_PRIVATE_KEY=str(tmp_path / "pk.pem"),
            EUCALYPTUS_CERT=str(tmp_path / "cloud.pem"), EC2_USER_ID="123456789012")
    assert s.endpoint_url.value == "http://ec2/" and s.endpoint_url.source == "env AWS_ENDPOINT_URL_EC2"
    assert s.s3_endpoint_url.value == "http://all/" and s.s3_endpoint_url.source == "env AWS_ENDPOINT_URL"
    assert (s.region.value, s.region.source) == ("r2", "env AWS_REGION")
    assert (s.access_key.source, s.secret_key.source) == ("env EC2_ACCESS_KEY", "env EC2_SECRET_KEY")
    assert s.cert.value == str(tmp_path / "c.pem") and s.private_key.source == "env EC2_PRIVATE_KEY"
    assert s.cloud_cert.value == str(tmp_path / "cloud.pem") and s.user_id.value == "123456789012"
    assert run(EUCA_DEFAULT_REGION="r3").region.value == "r3"


@pytest.mark.parametrize(("ec2", "s3"), [
    ("http://h:8773/services/compute", "http://h:8773/services/objectstorage"),
    ("http://h:8773/services/Eucalyptus/", "http://h:8773/services/Walrus"),
    ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
])
def test_s3_endpoint_is_derived_when_not_given(run, ec2, s3):
    s = run(GlobalFlags(endpoint_url=ec2))
    assert (s.s3_endpoint_url.value, s.s3_endpoint_url.source) == (s3, "derived from endpoint_url")
    given = run(GlobalFlags(endpoint_url=ec2, s3_endpoint_url="http://s3/"))
    assert given.s3_endpoint_url.value == "http://s3/"


# -- eucarc: parsed, never run -------------------------------------------------------------

EUCARC_4X = """\
EUCA_KEY_DIR=$(dirname $(readlink -f ${BASH_SOURCE}))
export EC2_URL=http://10.0.0.1:8773/services/compute
export S3_URL=http://10.0.0.1:8773/services/objectstorage
export EUCALYPTUS_CERT=${EUCA_KEY_DIR}/cloud-cert.pem
export EC2_CERT="${EUCA_KEY_DIR}/euca2-admin-cert.pem"
export EC2_PRIVATE_KEY=${EUCA_KEY_DIR}/euca2-admin-pk.pem
export EC2_ACCOUNT_NUMBER='000123456789'
export EC2_USER_ID='000123456789'
export AWS_ACCESS_KEY='AKIEUCA'
export AWS_SECRET_KEY='%s'
export EC2_ACCESS_KEY=${AWS_ACCESS_KEY}
export EC2_SECRET_KEY=${AWS_SECRET_KEY}
alias ec2-bundle-image="ec2-bundle-image --cert ${EC2_CERT} --privatekey ${EC2_PRIVATE_KEY}"
echo WARN: Certificate credentials not present.
""" % SECRET


def test_eucarc_4x_idiom_through_a_symlink(tmp_path, home, run):
    creds = tmp_path / "creds"
    write(creds / "eucarc", EUCARC_4X)
    (home / ".eucarc").symlink_to(creds / "eucarc")
    variables = parse_eucarc(home / ".eucarc", {})
    assert variables["EUCA_KEY_DIR"] == str(creds.resolve())  # the real file's folder, not the link's
    assert variables["EUCALYPTUS_CERT"] == str(creds.resolve() / "cloud-cert.pem")
    assert variables["EC2_SECRET_KEY"] == SECRET
    s = run()
    assert s.endpoint_url.value == "http://10.0.0.1:8773/services/compute"
    assert s.s3_endpoint_url.value == "http://10.0.0.1:8773/services/objectstorage"
    assert s.access_key.value == "AKIEUCA" and s.secret_key.value == SECRET
    assert s.access_key.source == f"eucarc {home / '.eucarc'}"
    assert s.cloud_cert.value == str(creds.resolve() / "cloud-cert.pem")
    assert s.cert.value == str(creds.resolve() / "euca2-admin-cert.pem")
    assert s.user_id.value == "000123456789"


@pytest.mark.parametrize("line", [
    "EUCA_KEY_DIR=$(dirname $(readlink -f ${BASH_SOURCE}))",
    'export EUCA_KEY_DIR="$(dirname "$(readlink -f "${BASH_SOURCE}")")"',
    "EUCA_KEY_DIR=$(dirname $(realpath $BASH_SOURCE))",
])
def test_eucarc_own_folder_spellings(tmp_path, home, line):
    creds = tmp_path / "creds"
    write(creds / "eucarc", line + "\nexport EC2_PRIVATE_KEY=${EUCA_KEY_DIR}/../keys/pk.pem\n"
          "export EC2_CERT=cert.pem\n")
    (home / ".eucarc").symlink_to(creds / "eucarc")
    assert parse_eucarc(home / ".eucarc", {})["EUCA_KEY_DIR"] == str(creds.resolve())
    s = resolve(GlobalFlags(), {"AWS_EC2_METADATA_DISABLED": "true"}, home=home, etc=tmp_path / "etc")
    assert s.private_key.value == str(tmp_path.resolve() / "keys" / "pk.pem")  # paths normalised
    assert s.cert.value == str(home / "cert.pem")  # relative: beside the eucarc that names it


def test_eucarc_3x_idiom_is_the_links_folder(tmp_path, home):
    creds = tmp_path / "creds"
    write(creds / "eucarc", "EUCA_KEY_DIR=$(cd $(dirname ${BASH_SOURCE:-$0}); pwd -P)\n")
    (home / "eucarc").symlink_to(creds / "eucarc")
    # cd + pwd -P resolves the folder, not the file: exactly what bash gives.
    assert parse_eucarc(home / "eucarc", {})["EUCA_KEY_DIR"] == str(home.resolve())


def test_eucarc_quotes_variables_and_comments(tmp_path):
    rc = write(tmp_path / "rc", r"""
# a comment line
export A='single $NOT ${EXPANDED}'   # trailing comment
B="double ${A} and $FROM_ENV"
export C=plain\ escaped\$dollar D=second
E="${UNSET:-fall back}"
F=~/keys/pk.pem
export G="it's" H='say "hi"'
I=${FROM_ENV}/x$FROM_ENV
export A
""")
    got = parse_eucarc(rc, {"FROM_ENV": "env", "HOME": "/h"})
    assert got == {"A": "single $NOT ${EXPANDED}", "B": "double single $NOT ${EXPANDED} and env",
                   "C": "plain escaped$dollar", "D": "second", "E": "fall back", "F": "/h/keys/pk.pem",
                   "G": "it's", "H": 'say "hi"', "I": "env/xenv"}


def test_eucarc_commands_are_ignored_and_never_run(tmp_path):
    marks = [tmp_path / f"pwned{n}" for n in range(7)]
    rc = write(tmp_path / "rc", f"""
echo pwned > {marks[0]}
X=$(touch {marks[1]})
Y=`touch {marks[2]}`
alias ls="touch {marks[3]}"
$(touch {marks[4]})
touch {marks[5]}; export AFTER=ok
source {marks[6]}
Z=1 touch {marks[6]}
[ -f /etc/passwd ] && export COND=1
export KEPT=yes
""")
    got = parse_eucarc(rc, {})
    assert got == {"AFTER": "ok", "KEPT": "yes"}
    assert not any(m.exists() for m in marks)


def test_missing_explicit_eucarc_is_one_line_naming_it(run, tmp_path):
    missing = tmp_path / "nope" / "eucarc"
    with pytest.raises(ConfigError) as err:
        run(GlobalFlags(eucarc=str(missing)))
    assert str(missing) in str(err.value) and "\n" not in str(err.value)
    assert err.value.exit_code == 2
    with pytest.raises(ConfigError, match="not a file"):
        run(GlobalFlags(eucarc=str(tmp_path)))


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads anything")
def test_unreadable_explicit_eucarc_names_it(run, tmp_path):
    rc = write(tmp_path / "rc", "export EC2_URL=http://x/\n")
    rc.chmod(0)
    with pytest.raises(ConfigError, match=f"cannot read eucarc {rc}"):
        run(GlobalFlags(eucarc=str(rc)))


def test_explicit_eucarc_beats_home_one_and_etc_is_the_last_resort(run, home, etc, tmp_path):
    write(etc / "eucarc", "export EC2_URL=http://etc/\n")
    assert run().endpoint_url.source == f"eucarc {etc / 'eucarc'}"
    write(home / ".eucarc", "export EC2_URL=http://home/\n")
    assert run().endpoint_url.value == "http://home/"
    mine = write(tmp_path / "mine", "export EC2_URL=http://mine/\n")
    assert run(GlobalFlags(eucarc=str(mine))).endpoint_url.source == f"eucarc {mine}"


def test_non_utf8_eucarc_names_it(run, tmp_path):
    rc = tmp_path / "rc"
    rc.write_bytes(b"export EC2_URL=http://\xff/\n")
    with pytest.raises(ConfigError, match=f"cannot read eucarc {rc}"):
        run(GlobalFlags(eucarc=str(rc)))


def test_eucarc_line_continuation_and_semicolons(tmp_path):
    rc = write(tmp_path / "rc", "export A=one\\\ntwo; B=2 ; export C=3 D\n")
    assert parse_eucarc(rc, {}) == {"A": "onetwo", "B": "2", "C": "3"}


def test_unterminated_quote_in_eucarc(tmp_path):
    rc = write(tmp_path / "rc", "export A=1\nexport B='oops\n")
    with pytest.raises(ConfigError, match=f"eucarc {rc} line 2"):
        parse_eucarc(rc, {})


# -- euca2ools 3.x ini ----------------------------------------------------------------------

CLOUD_INI = """\
[global]
default-region = east

[region east]
ec2-url = https://east.example:8773/services/compute
s3-url = https://east.example:8773/services/objectstorage
user = alice
verify-ssl = false
certificate = certs/cloud-cert.pem

[region west]
ec2-url = https://west.example:8773/services/compute

[user alice]
key-id = AKALICE
secret-key = s-alice
account-id = 111122223333
certificate = ~/alice-cert.pem
private-key = alice-pk.pem

[user bob]
key-id = AKBOB
secret-key = s-bob
"""


def test_ini_region_and_its_user(run, etc, home):
    ini = write(etc / "conf.d" / "cloud.ini", CLOUD_INI)
    s = run()
    assert (s.region.value, s.region.source) == ("east", f"ini {ini} [global]")
    assert s.endpoint_url.value == "https://east.example:8773/services/compute"
    assert s.endpoint_url.source == f"ini {ini} [region east]"
    assert s.s3_endpoint_url.value == "https://east.example:8773/services/objectstorage"
    assert (s.access_key.value, s.secret_key.value) == ("AKALICE", "s-alice")
    assert s.access_key.source == f"ini {ini} [user alice]"
    assert s.user_id.value == "111122223333"
    assert s.cloud_cert.value == str((etc / "conf.d" / "certs" / "cloud-cert.pem").resolve())
    assert s.cert.value == str((home / "alice-cert.pem").resolve())
    assert s.private_key.value == str((etc / "conf.d" / "alice-pk.pem").resolve())
    assert s.verify_ssl.value == "false" and s.endpoint().verify_ssl is False


def test_user_at_region_selects_both(run, etc):
    write(etc / "euca2ools.ini", CLOUD_INI)
    s = run(GlobalFlags(region="bob@west"))
    assert (s.region.value, s.region.source) == ("west", "flag --region")
    assert s.endpoint_url.value == "https://west.example:8773/services/compute"
    assert s.access_key.value == "AKBOB"
    assert s.verify_ssl.value == "true"
    # An explicit user in --region is a flag: it outranks keys in the environment...
    assert run(GlobalFlags(region="bob@west"), AWS_ACCESS_KEY_ID="AKENV",
               AWS_SECRET_ACCESS_KEY="s").access_key.value == "AKBOB"
    # ...while a region's default user does not.
    assert run(GlobalFlags(region="east"), AWS_ACCESS_KEY_ID="AKENV",
               AWS_SECRET_ACCESS_KEY="s").access_key.value == "AKENV"
    assert run(EUCA_DEFAULT_REGION="bob@east").access_key.value == "AKBOB"
    with pytest.raises(ConfigError, match=r"no \[user carol\]"):
        run(GlobalFlags(region="carol@west"))


def test_ini_verify_ssl_only_for_its_own_endpoint(run, etc):
    write(etc / "euca2ools.ini", CLOUD_INI)
    s = run(GlobalFlags(endpoint_url="https://elsewhere/"))
    assert s.region.value == "east" and s.verify_ssl.value == "true"
    flagged = run(GlobalFlags(no_verify_ssl=True, endpoint_url="https://elsewhere/"))
    assert flagged.verify_ssl.source == "flag --no-verify-ssl" and flagged.endpoint().verify_ssl is False


def test_ini_files_merge_user_over_system_and_config_path(run, etc, home, tmp_path):
    write(etc / "euca2ools.ini", "[region only]\nec2-url = http://system/\n")
    write(home / ".euca" / "mine.ini", "[region only]\nec2-url = http://mine/\n[user me]\n"
          "key-id = AKME\nsecret-key = s-me\n")
    s = run()  # one region and one user configured: they are the ones meant
    assert (s.region.value, s.endpoint_url.value, s.access_key.value) == ("only", "http://mine/", "AKME")
    write(tmp_path / "elsewhere" / "a.ini", "[region other]\nec2-url = http://other/\n")
    s = run(EUCA_CONFIG_PATH=f"{tmp_path}/elsewhere/*.ini:{tmp_path}/none/*.ini")
    assert s.endpoint_url.value == "http://other/" and s.access_key.value is None


@pytest.mark.parametrize("text", [
    "secret-key = " + SECRET + "\n[user x]\n",
    "[user x]\nkey-id = AK\n" + SECRET + "\n",
    "[user x]\nkey-id = AK\n[user x]\nkey-id = AK2\n",
    "[user]\nkey-id = AK\n",
    "[region r]\nverify-ssl = maybe\n",
    "[region r]\nuser = x\n[user x]\nkey-id = AK\n",
])
def test_malformed_ini_is_a_config_error_without_its_content(run, etc, text):
    ini = write(etc / "euca2ools.ini", text)
    with pytest.raises(ConfigError) as err:
        run(GlobalFlags(region="r"))
    message = str(err.value)
    assert "ini" in message and SECRET not in message and "\n" not in message
    assert str(ini) in message or "[user x]" in message


def test_load_ini_merges_per_key(tmp_path):
    a = write(tmp_path / "a.ini", "[region r]\nec2-url = http://a/\ns3-url = http://a-s3/\n")
    b = write(tmp_path / "b.ini", "[region r]\nec2-url = http://b/\n")
    ini = load_ini([a, b])
    assert ini.get("region", "r") == {"ec2-url": ("http://b/", b), "s3-url": ("http://a-s3/", a)}
    assert ini.names("region") == ["r"] and ini.get("user", "r") is None


# -- boto3's chain ---------------------------------------------------------------------------

def test_boto_profile_and_its_source(run, home):
    write(home / "aws-credentials", f"[dev]\naws_access_key_id = AKDEV\naws_secret_access_key = {SECRET}\n")
    write(home / "aws-config", "[profile dev]\nregion = eu-west-1\n[profile cfg]\n"
          "aws_access_key_id = AKCFG\naws_secret_access_key = s-cfg\n")
    s = run(GlobalFlags(profile="dev"))
    assert s.access_key.value == "AKDEV"
    assert s.access_key.source == "boto3 profile dev (shared-credentials-file)"
    assert (s.region.value, s.region.source) == ("eu-west-1", "boto3 profile dev (config-file)")
    assert s.profile.source == "flag --profile"
    ep = s.endpoint()  # boto3 keeps its own (maybe refreshable) keys
    assert (ep.profile, ep.access_key, ep.secret_key, ep.region) == ("dev", None, None, "eu-west-1")
    assert run(AWS_PROFILE="cfg").access_key.source == "boto3 profile cfg (config-file)"
    # An explicit --profile is a flag: it outranks keys in the environment.
    assert run(GlobalFlags(profile="dev"), AWS_ACCESS_KEY_ID="AKENV",
               AWS_SECRET_ACCESS_KEY="s").access_key.value == "AKDEV"


def test_boto_is_not_asked_when_keys_are_found_above(run, home):
    write(home / "aws-config", "[default]\nregion = from-aws-config\n")
    s = run(EC2_URL="http://euca/", EC2_ACCESS_KEY="AK", EC2_SECRET_KEY="s")
    assert s.region.value is None  # a Eucalyptus user's keys never pick up ~/.aws regions
    assert run(AWS_PROFILE="ghost", EC2_ACCESS_KEY="AK", EC2_SECRET_KEY="s").access_key.value == "AK"


def test_unknown_profile_is_a_config_error(run):
    before = dict(os.environ)
    with pytest.raises(ConfigError, match="unknown profile 'ghost'.*flag --profile"):
        run(GlobalFlags(profile="ghost"))
    with pytest.raises(ConfigError, match="env AWS_PROFILE"):
        run(AWS_PROFILE="ghost")
    assert dict(os.environ) == before


# -- --demo ------------------------------------------------------------------------------------

def test_demo_overrides_everything(five_layers, run):
    flags, env = five_layers
    demo = GlobalFlags(endpoint_url=flags.endpoint_url, access_key="AKFLAG", secret_key="s",
                       profile="ghost", eucarc="/no/such/eucarc", demo_endpoint="http://127.0.0.1:5555")
    s = run(demo, **env)
    assert s.endpoint_url.value == s.s3_endpoint_url.value == "http://127.0.0.1:5555"
    assert (s.access_key.value, s.secret_key.value, s.region.value) == ("demo", "demo", "us-east-1")
    assert {src for name, _, src in s.rows() if name != "verify_ssl"} == {"demo"}
    assert s.cert.value is None and s.session_token.value is None
    ep = s.endpoint(read_timeout=1.0)
    assert (ep.endpoint_url, ep.access_key, ep.secret_key, ep.read_timeout) == (
        "http://127.0.0.1:5555", "demo", "demo", 1.0)


# -- the secret never shows ------------------------------------------------------------------

def test_shown_masks_secrets():
    assert Setting("secret_key", SECRET, "x", True).shown() == "*" * 16 + SECRET[-4:]
    assert Setting("secret_key", "demo", "demo", True).shown() == "*" * 16
    assert Setting("secret_key", None, "unset", True).shown() == "-"
    assert Setting("endpoint_url", "http://h/", "x").shown() == "http://h/"


def test_secret_absent_from_rows_repr_and_str(run):
    token = "FwoGZXIvYXdzE" + "T" * 60
    flags = GlobalFlags(access_key="AKIAVISIBLE", secret_key=SECRET)
    for s in (run(flags), run(AWS_ACCESS_KEY_ID="AKIAVISIBLE", AWS_SECRET_ACCESS_KEY=SECRET,
                              AWS_SESSION_TOKEN=token)):
        rows = dict((name, shown) for name, shown, _ in s.rows())
        assert rows["secret_key"] == "*" * 16 + SECRET[-4:] and rows["access_key"] == "AKIAVISIBLE"
        for text in (repr(s), str(s), repr(s.secret_key), str(s.secret_key), str(s.session_token),
                     repr(s.rows()), repr(s.endpoint()), repr(flags)):
            assert SECRET not in text and token not in text
        assert s.endpoint().secret_key == SECRET
    assert "AKIAVISIBLE" in repr(run(flags))
