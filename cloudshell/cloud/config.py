"""Where the endpoint, region and keys come from, and why (DESIGN.md "Credentials and endpoints").

Each setting is resolved on its own, highest layer first: flags, environment,
eucarc, euca2ools 3.x ini files, boto3's own chain. The access key, secret key
and session token always come together from one layer, so a key id from one
place is never paired with a secret from another. A eucarc is a shell script:
it is parsed, never run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from cloudshell.cloud.envnames import ENV_NAMES  # also read by shell completion, without this module
from cloudshell.cloud.errors import ConfigError
from cloudshell.cloud.euca_ini import IniConfig, ini_paths, load_ini  # also public here, as before the split
from cloudshell.cloud.eucarc import parse_eucarc  # also public here, as before the split
from cloudshell.cloud.profiles import environ as _environ
from cloudshell.cloud.profiles import (
    is_sso_failure, profile_endpoints, share_credentials, sso_login_needed,
)
from cloudshell.cloud.session import Endpoint

# Variable names each setting is read from, best first; shared by the environment and eucarc.
_VARS = ENV_NAMES
_KEY_PAIRS = (("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"),
              ("AWS_ACCESS_KEY", "AWS_SECRET_KEY", None),
              ("EC2_ACCESS_KEY", "EC2_SECRET_KEY", None))
_PATHS = frozenset({"cert", "private_key", "cloud_cert"})
_CREDENTIALS = ("access_key", "secret_key", "session_token")


@dataclass(frozen=True)
class GlobalFlags:
    """The top-level command-line flags, as parsed; everything optional."""

    endpoint_url: str | None = None
    s3_endpoint_url: str | None = None
    region: str | None = None
    profile: str | None = None
    access_key: str | None = None
    secret_key: str | None = field(default=None, repr=False)  # a logged repr must not leak it
    eucarc: str | None = None
    no_verify_ssl: bool = False
    demo_endpoint: str | None = None  # set by --demo: endpoint url of the embedded cloud
    # A [clouds.NAME] table of config.toml, not the command line: its values are named after it,
    # and its own eucarc outranks the environment (the table chose it for this cloud).
    cloud: str | None = None
    demo_bundling: tuple[tuple[str, str], ...] = ()  # set by --demo: its bundling certs/key/account


@dataclass(frozen=True)
class Setting:
    """One resolved value and a human description of where it came from."""

    name: str
    value: str | None
    source: str
    secret: bool = False

    def shown(self) -> str:
        """The value for display: "-" when unset, secrets masked down to their last 4 characters."""
        if self.value is None or not self.secret:
            return "-" if self.value is None else self.value
        # Short secrets are masked whole: 4 characters of 8 would give half of it away.
        return "*" * 16 + (self.value[-4:] if len(self.value) >= 20 else "")

    def __repr__(self) -> str:
        value = repr(self.shown()) if self.secret else repr(self.value)
        return f"Setting({self.name!r}, {value}, {self.source!r})"


@dataclass(frozen=True, repr=False)
class Settings:
    """Every resolved setting; what `cloudshell config` prints and the session is built from."""

    endpoint_url: Setting
    s3_endpoint_url: Setting
    region: Setting
    profile: Setting
    access_key: Setting
    secret_key: Setting
    session_token: Setting
    verify_ssl: Setting
    cert: Setting          # EC2_CERT: the user's X.509 certificate, for bundling
    private_key: Setting   # EC2_PRIVATE_KEY
    cloud_cert: Setting    # EUCALYPTUS_CERT: the cloud's certificate bundles are encrypted for
    user_id: Setting       # EC2_USER_ID: the account number written into bundle manifests

    def rows(self) -> list[tuple[str, str, str]]:
        """(name, shown value, source) per setting, secrets masked."""
        return [(s.name, s.shown(), s.source) for s in self._all()]

    def endpoint(self, **overrides: object) -> Endpoint:
        """The session's Endpoint; keyword arguments replace any of its fields."""
        # Keys found by boto3's chain stay with boto3, so refreshable ones
        # (assume-role, SSO) keep refreshing in a long session.
        by_boto = self.access_key.source.startswith("boto3")
        names = ("endpoint_url", "s3_endpoint_url", "region", "profile", *_CREDENTIALS)
        values: dict[str, object] = {n: None if by_boto and n in _CREDENTIALS else getattr(self, n).value
                                     for n in names}
        values.update(verify_ssl=self.verify_ssl.value != "false", **overrides)
        return Endpoint(**values)  # type: ignore[arg-type]

    def _all(self) -> list[Setting]:
        return [getattr(self, f.name) for f in fields(self)]

    def __repr__(self) -> str:
        inner = ", ".join(f"{s.name}={s.shown()!r} [{s.source}]" for s in self._all())
        return f"Settings({inner})"


# -- resolution -----------------------------------------------------------------------------

Layer = dict[str, Setting]


def resolve(flags: GlobalFlags, env: Mapping[str, str] | None = None, home: Path | None = None,
            etc: Path = Path("/etc/euca2ools")) -> Settings:
    """Resolve every setting from flags, env, eucarc, ini files and boto3's chain (highest wins)."""
    env = dict(os.environ if env is None else env)
    if home is not None:
        env["HOME"] = str(home)  # botocore and eucarcs find ~ through HOME
    home = Path(env.get("HOME") or Path.home())
    verify = (Setting("verify_ssl", "false", f"config [clouds.{flags.cloud}] verify_ssl" if flags.cloud
                      else "flag --no-verify-ssl") if flags.no_verify_ssl else None)
    if flags.demo_endpoint:
        return _demo(flags.demo_endpoint, verify, dict(flags.demo_bundling))

    flag_layer = _flag_layer(flags)
    layers = [flag_layer, _var_layer(env, None, Path.cwd(), home)]
    eucarc = _eucarc_path(flags, home, etc)
    if eucarc:
        variables = parse_eucarc(eucarc, env)
        layers.insert(1 if flags.cloud and flags.eucarc else 2,
                      _var_layer(variables, f"eucarc {eucarc}", eucarc.parent, home))

    ini = load_ini(ini_paths(env, home, etc))
    region = _first(layers, "region") or _ini_default_region(ini)
    region_by_flag = region is not None and region is flag_layer.get("region")
    user = None
    if region and region.value and "@" in region.value:
        user, _, name = region.value.rpartition("@")
        region = replace(region, value=name)
    user_by_flag = user is not None and region_by_flag
    if flags.profile and user_by_flag:
        if flags.cloud:
            raise ConfigError(f"[clouds.{flags.cloud}] gives both profile and ini_user: give one of them")
        raise ConfigError("give either --profile or --region USER@REGION, not both")
    ini_layer = _ini_layer(ini, region, user, home)
    layers.append(ini_layer)

    # Credentials: the first layer that has them gives all three. An explicit
    # --profile or --region USER@REGION is a flag, so it outranks env and eucarc.
    order: list[Layer | None] = [flag_layer, *([ini_layer] if user_by_flag else []),
                                 *([None] if flags.profile else []), *layers[1:], None]
    boto: Layer | None = None
    keys: Layer = {}
    for layer in order:
        if layer is None:  # boto3's chain, asked at most once and only when reached
            boto = boto if boto is not None else _boto_layer(_first(layers, "profile"), env)
            layer = boto
        if "access_key" in layer:
            keys = layer
            break

    def pick(name: str) -> Setting:
        if name in _CREDENTIALS:
            return keys.get(name) or Setting(name, None, "unset", name != "access_key")
        return _first(layers, name) or Setting(name, None, "unset")

    endpoint, s3 = pick("endpoint_url"), pick("s3_endpoint_url")
    if endpoint.value is None:
        # None of ours: botocore would take the profile's endpoint_url or its `services` section.
        named = _first(layers, "profile")
        configured = {k: Setting(k, *v) for k, v in profile_endpoints(named.value if named else None, env).items()}
        endpoint = configured.get("endpoint_url", endpoint)
        s3 = s3 if s3.value is not None else configured.get("s3_endpoint_url", s3)
    if s3.value is None and endpoint.value:
        s3 = Setting("s3_endpoint_url", _s3_for(endpoint.value), "derived from endpoint_url")
    if verify is None:
        # An ini verify-ssl=false applies only to that region's own endpoint.
        from_ini = endpoint is ini_layer.get("endpoint_url") and ini_layer.get("verify_ssl")
        verify = from_ini or Setting("verify_ssl", "true", "default")
    if endpoint.value is None:
        endpoint = Setting("endpoint_url", None, "default")
    region = region or (boto or {}).get("region") or Setting("region", None, "unset")
    return Settings(endpoint_url=endpoint, s3_endpoint_url=s3, verify_ssl=verify, region=region,
                    **{n: pick(n) for n in ("profile", *_CREDENTIALS, *_PATHS, "user_id")})


def _ini_default_region(ini: IniConfig) -> Setting | None:
    """The ini's [global] default-region, else its only region (one cloud configured: that one)."""
    default = (ini.get("global", "") or {}).get("default-region")
    if default:
        return Setting("region", default[0], f"ini {default[1]} [global]")
    if len(ini.names("region")) == 1:
        name = ini.names("region")[0]
        return Setting("region", name, f"ini {ini.files[('region', name)]} [region {name}]")
    return None


def _first(layers: Iterable[Layer], name: str) -> Setting | None:
    return next((layer[name] for layer in layers if name in layer), None)


def _demo(url: str, verify: Setting | None, bundling: Mapping[str, str] | None = None) -> Settings:
    """--demo: the embedded cloud (and the certificates it generated), no other credential source."""
    values = {"endpoint_url": url, "s3_endpoint_url": url, "region": "us-east-1",
              "access_key": "demo", "secret_key": "demo", **(bundling or {})}
    parts = {f.name: Setting(f.name, values.get(f.name), "demo", f.name in ("secret_key", "session_token"))
             for f in fields(Settings)}
    parts["verify_ssl"] = verify or Setting("verify_ssl", "true", "default")
    return Settings(**parts)


def _flag_layer(flags: GlobalFlags) -> Layer:
    def source(name: str) -> str:
        return f"config [clouds.{flags.cloud}] {name}" if flags.cloud else "flag --" + name.replace("_", "-")
    layer = {name: Setting(name, value, source(name))
             for name in ("endpoint_url", "s3_endpoint_url", "region", "profile")
             if (value := getattr(flags, name))}
    if bool(flags.access_key) != bool(flags.secret_key):
        raise ConfigError("--access-key and --secret-key go together: give both or neither")
    if flags.access_key:
        layer["access_key"] = Setting("access_key", flags.access_key, "flag --access-key")
        layer["secret_key"] = Setting("secret_key", flags.secret_key, "flag --secret-key", True)
    return layer


def _var_layer(variables: Mapping[str, str], origin: str | None, base: Path, home: Path) -> Layer:
    """Settings from euca2ools/AWS variable names; origin None means the environment itself."""
    def source(var: str) -> str:
        return origin or f"env {var}"
    layer: Layer = {}
    for name, names in _VARS.items():
        var = next((v for v in names if variables.get(v)), None)
        if var:
            value = variables[var]
            layer[name] = Setting(name, _path(value, base, home) if name in _PATHS else value, source(var))
    for akey, skey, tkey in _KEY_PAIRS:
        if variables.get(akey) and variables.get(skey):
            layer["access_key"] = Setting("access_key", variables[akey], source(akey))
            layer["secret_key"] = Setting("secret_key", variables[skey], source(skey), True)
            if tkey and variables.get(tkey):
                layer["session_token"] = Setting("session_token", variables[tkey], source(tkey), True)
            break
        if variables.get(akey) or variables.get(skey):
            have, lack = (akey, skey) if variables.get(akey) else (skey, akey)
            raise ConfigError(f"{origin or 'the environment'} sets {have} but not {lack}")
    return layer


def _eucarc_path(flags: GlobalFlags, home: Path, etc: Path) -> Path | None:
    """--eucarc (must exist), else ~/.eucarc, else <etc>/eucarc, else none."""
    if flags.eucarc:
        path = Path(_path(flags.eucarc, Path.cwd(), home))
        if not path.exists():
            raise ConfigError(f"eucarc not found: {path}")
        if path.is_dir():
            raise ConfigError(f"eucarc is not a file: {path}")
        return path  # a FIFO or device is refused by the reader, without opening it
    # A folder there is not a eucarc; a FIFO or device is one gone wrong, and the reader says so.
    return next((p for p in (home / ".eucarc", etc / "eucarc") if p.exists() and not p.is_dir()), None)


def _ini_layer(ini: IniConfig, region: Setting | None, user: str | None, home: Path) -> Layer:
    """Settings from the ini region section named by `region` and its user."""
    layer: Layer = {}
    name = region.value if region else None
    section = ini.get("region", name) or {}
    keys = {"ec2-url": "endpoint_url", "s3-url": "s3_endpoint_url", "certificate": "cloud_cert",
            "verify-ssl": "verify_ssl"}
    for key, setting in keys.items():
        if key in section:
            value, path = section[key]
            if setting == "verify_ssl":
                value = _boolean(value, f"ini {path} [region {name}] verify-ssl")
            elif setting in _PATHS:
                value = _path(value, path.parent, home)
            layer[setting] = Setting(setting, value, f"ini {path} [region {name}]")
    named_by = f"{user}@{name} ({region.source})" if user and region else None
    if user is None and "user" in section:
        user, path = section["user"]
        named_by = f"[region {name}] in {path}"
    if user is None and section and len(ini.names("user")) == 1:  # the one user of an ini cloud
        user = ini.names("user")[0]
    if user is None:
        return layer
    account = ini.get("user", user)
    if account is None:
        raise ConfigError(f"no [user {user}] section in the euca2ools ini files (named by {named_by})")
    for key, setting in {"key-id": "access_key", "secret-key": "secret_key", "account-id": "user_id",
                         "certificate": "cert", "private-key": "private_key"}.items():
        if key in account:
            value, path = account[key]
            value = _path(value, path.parent, home) if setting in _PATHS else value
            layer[setting] = Setting(setting, value, f"ini {path} [user {user}]", setting == "secret_key")
    if ("access_key" in layer) != ("secret_key" in layer):
        raise ConfigError(f"ini [user {user}] needs both key-id and secret-key")
    return layer


def _boto_layer(profile: Setting | None, env: Mapping[str, str]) -> Layer:
    """Credentials and region from botocore's own chain (profiles, ~/.aws, SSO, IMDS...)."""
    import botocore.exceptions as bce
    import botocore.session

    name = profile.value if profile else None
    label = f"boto3 profile {name or 'default'}"
    layer: Layer = {}
    with _environ(env):
        try:
            session = botocore.session.Session(profile=name)
            region = session.get_config_variable("region")
            credentials = session.get_credentials()
            share_credentials(name, credentials, env)   # the session's clients reuse them
            frozen = credentials.get_frozen_credentials() if credentials else None
        except bce.ProfileNotFound:
            files = (env.get("AWS_CONFIG_FILE", "~/.aws/config"),
                     env.get("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"))
            raise ConfigError(f"unknown profile {name!r} (from {profile.source if profile else 'boto3'}): "
                              f"not in {files[0]} or {files[1]}") from None
        except (bce.BotoCoreError, bce.ClientError) as exc:
            if is_sso_failure(exc):
                raise sso_login_needed(name) from None
            raise ConfigError(f"{label}: {exc}") from None
    if region:
        layer["region"] = Setting("region", region, f"{label} (config-file)")
    if frozen and frozen.access_key and frozen.secret_key:
        source = f"{label} ({credentials.method})"
        layer["access_key"] = Setting("access_key", frozen.access_key, source)
        layer["secret_key"] = Setting("secret_key", frozen.secret_key, source, True)
        if frozen.token:
            layer["session_token"] = Setting("session_token", frozen.token, source, True)
    return layer


def config_files(env: Mapping[str, str] | None = None, home: Path | None = None,
                 etc: Path = Path("/etc/euca2ools")) -> list[tuple[str, str]]:
    """(what, path) of every file settings are read from, with "(missing)" after absent ones."""
    from cloudshell.cloud.userconfig import config_path

    env = dict(os.environ if env is None else env)
    home = home or Path(env.get("HOME") or Path.home())

    def at(value: str) -> str:
        path = _path(value, Path.cwd(), home)
        return path if os.path.exists(path) else f"{path} (missing)"

    out = [("aws config", at(env.get("AWS_CONFIG_FILE") or "~/.aws/config")),
           ("aws credentials", at(env.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials")),
           ("cloudshell config", at(str(config_path())))]
    out += [("euca2ools ini", str(p)) for p in ini_paths(env, home, etc)]
    return out


def _path(value: str, base: Path, home: Path) -> str:
    """A file path made absolute: ~ is the home, relative paths hang off the file that named them."""
    if value == "~" or value.startswith("~/"):
        value = str(home) + value[1:]
    return os.path.abspath(base / value)


def _boolean(value: str, where: str) -> str:
    meaning = {"true": "true", "yes": "true", "on": "true", "1": "true",
               "false": "false", "no": "false", "off": "false", "0": "false"}.get(value.strip().lower())
    if meaning is None:
        raise ConfigError(f"{where} must be true or false, not {value!r}")
    return meaning


def _s3_for(ec2_url: str) -> str:
    """The object store beside an EC2 endpoint: Eucalyptus' own service path, else the same URL."""
    url = ec2_url.rstrip("/")
    for ec2, s3 in (("/services/compute", "/services/objectstorage"),  # Eucalyptus 4.x
                    ("/services/Eucalyptus", "/services/Walrus")):  # Eucalyptus 3.x and older
        if url.endswith(ec2):
            return url[: -len(ec2)] + s3
    return ec2_url  # moto, LocalStack and other single-endpoint clouds
