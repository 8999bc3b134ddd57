"""Shared fixtures: one moto server for the whole run, reset before each test that asks.

Fixtures are explicit (no autouse): a test names ``cloud`` or ``seeded`` when it
needs an endpoint.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

# A test run started in the background of a non-interactive shell (`cmd &`) inherits SIGINT
# ignored, and exec passes "ignored" on to every program the tests start: their Ctrl-C and
# `kill -INT` tests would then test nothing. A handled SIGINT here is reset to the default in
# every child, as in an operator's terminal.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
# The same for SIGHUP under `nohup`: the run itself goes on ignoring a hangup (a handler that does
# nothing), while every program it starts gets the default back at exec, so the SIGHUP tests test.
if signal.getsignal(signal.SIGHUP) == signal.SIG_IGN:
    signal.signal(signal.SIGHUP, lambda signum, frame: None)

# Some machine images set PYTHONDONTWRITEBYTECODE: every program the tests start would then compile
# cloudshell (on PYTHONPATH from the source tree) and the helpers again, ~0.2 s of CPU each, hundreds
# of times a run. The run writes the byte code once, into __pycache__ folders git ignores.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
# The package may not be installed into the venv; the helpers (clirun, waiting, terminal, …) live in
# tests/support and are imported by bare name, as is this conftest, from every folder of tests/.
for _path in (ROOT, TESTS, TESTS / "support"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

# In-process tests write caches (shell completion's IDs), history and logs as the program does:
# into a folder of this run, never the developer's home.
import atexit  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

_RUN_HOME = Path(tempfile.mkdtemp(prefix="cloudshell-tests-"))
atexit.register(shutil.rmtree, _RUN_HOME, ignore_errors=True)
for _name in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
    os.environ[_name] = str(_RUN_HOME / _name.lower())

from clirun import run_cli, run_here  # noqa: E402

from cloudshell.cloud.demo import DemoFacts, MotoServer, seed  # noqa: E402
from cloudshell.cloud.session import CloudSession  # noqa: E402

# Every test's cloud starts from moto's random generator seeded with this, so
# the IDs a test makes do not depend on which tests ran before it.
RANDOM_SEED = 0

# Settings from the developer's shell that could point a test at a real cloud
# or a real config; removed from every child environment.
_LEAKY_PREFIXES = ("AWS_", "EC2_", "EUCA_", "EUCALYPTUS_")
_LEAKY_NAMES = frozenset({"S3_URL", "BOTO_CONFIG", "BOTO_PATH"})


def _warm(server: MotoServer) -> None:
    """Seed once on a fresh server: moto loads code lazily, and some of it (the
    first TerminateInstances) draws from its random generator, so IDs only
    become repeatable after every operation ran once."""
    # The first call of each operation makes moto import its code: on a loaded machine that can
    # take longer than a user's read timeout, so this one session waits for minutes.
    server.preload(timeout=180)
    session = CloudSession.for_url(server.url, read_timeout=180, deadline=300, mutation_deadline=300)
    try:
        seed(session)
    finally:
        session.close()
    server.reset()


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """One moto server (child process, 127.0.0.1, free port) for the whole run."""
    server = MotoServer()
    server.start(timeout=60)     # generous: a loaded CI machine is slow to import moto
    try:
        _warm(server)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def second_server() -> Iterator[MotoServer]:
    """A second moto server for the tests of several clouds (tests/support/two_clouds.py), one for
    the run rather than one per module: each start costs a few seconds of a loaded machine."""
    server = MotoServer()
    server.start(timeout=60)
    try:
        server.preload(timeout=180)
        yield server
    finally:
        server.stop()


@dataclass
class CloudUnderTest:
    """An empty endpoint for one test, and what a subprocess needs to reach it."""

    url: str
    session: CloudSession
    env: dict[str, str]
    server: MotoServer
    tmp_path: Path

    @property
    def endpoint_args(self) -> list[str]:
        return ["--endpoint-url", self.url]

    def run(self, args: Sequence[str], input: str | None = None,  # noqa: A002
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """``cloudshell ARGS`` as a subprocess with this test's environment."""
        return run_cli(args, self.env, input=input, timeout=timeout)

    def here(self, args: Sequence[str], input: str | None = None) -> subprocess.CompletedProcess[str]:  # noqa: A002
        """``cloudshell ARGS`` through cli.main in this process (clirun.run_here), this test's environment."""
        return run_here(args, self.env, input=input)


def isolated_env(tmp_path: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """os.environ without cloud settings, with demo credentials and HOME/XDG in tmp_path."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(_LEAKY_PREFIXES) and k not in _LEAKY_NAMES}
    home = tmp_path / "home"
    dirs = {
        "HOME": home,
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_DATA_HOME": home / ".local" / "share",
        "XDG_STATE_HOME": home / ".local" / "state",
        "XDG_CACHE_HOME": home / ".cache",
    }
    for name, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    aws_config = tmp_path / "aws-config"
    aws_credentials = tmp_path / "aws-credentials"
    aws_config.touch()
    aws_credentials.touch()
    no_proxy = ",".join(filter(None, [os.environ.get("NO_PROXY", ""), "127.0.0.1", "localhost"]))
    env.update({
        "AWS_ACCESS_KEY_ID": "demo",
        "AWS_SECRET_ACCESS_KEY": "demo",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(aws_config),
        "AWS_SHARED_CREDENTIALS_FILE": str(aws_credentials),
        # Without credentials boto3 would probe 169.254.169.254 for seconds.
        "AWS_EC2_METADATA_DISABLED": "true",
        "NO_COLOR": "1",
        "COLUMNS": "120",
        "NO_PROXY": no_proxy,
        "no_proxy": no_proxy,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
    })
    env.update(extra or {})
    return env


@pytest.fixture
def cloud(moto_server: MotoServer, tmp_path: Path) -> Iterator[CloudUnderTest]:
    """The shared server, emptied, with a fresh session and an isolated environment."""
    if not moto_server.running:
        # A test stopped it (outage tests): bring it back on the same port.
        moto_server.start(timeout=60)
        _warm(moto_server)
    moto_server.reset(random_seed=RANDOM_SEED)
    session = CloudSession.for_url(moto_server.url)
    try:
        yield CloudUnderTest(url=moto_server.url, session=session, env=isolated_env(tmp_path),
                             server=moto_server, tmp_path=tmp_path)
    finally:
        session.close()


@pytest.fixture
def seeded(cloud: CloudUnderTest) -> tuple[CloudUnderTest, DemoFacts]:
    """``cloud`` holding the demo cloud; returns (cloud, facts)."""
    return cloud, seed(cloud.session)


# -- scheduling: the long files first ------------------------------------------------------------
# Workers take whole files (--dist loadfile) in collection order (--no-loadscope-reorder; xdist's own
# reorder puts files with many tests first, which left the one-test e2e files, 20-50 s each, for
# the end of the run, one worker busy and the other idle). These files, and every e2e file, go
# first; the many short files then fill in behind them. Measured walls of a run on 2 cores, in s.
LONG_FILES = {
    "tests/monitor/test_app_actions.py": 50, "tests/cloud/test_faults.py": 44,
    "tests/cloud/test_clouds_poller.py": 39, "tests/cloud/test_demo.py": 34, "tests/cloud/test_soak.py": 26,
    "tests/cloud/test_hostile_endpoint.py": 23, "tests/monitor/test_app_cells.py": 23,
    "tests/monitor/test_app.py": 20, "tests/commands/test_euca_format.py": 19,
    "tests/commands/test_cmd_bundles.py": 18, "tests/commands/test_clouds_oneshot.py": 18,
    "tests/commands/test_cli_describe.py": 17, "tests/commands/test_safety.py": 15,
    "tests/e2e/test_seed_howto.py": 25,
}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def weight(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return -(LONG_FILES.get(path, 0) or (30 if item.get_closest_marker("e2e") else 0))
    items.sort(key=weight)   # stable: the order within a file, and among the short files, is kept
