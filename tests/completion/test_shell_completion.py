"""Shell completion: the script `cloudshell completion bash` prints, sourced in a real bash and
driven as bash's programmable completion drives it (COMP_WORDS/COMP_CWORD/COMP_LINE in,
COMPREPLY out), over IDs that real describes against moto put in the local cache."""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import run_here
from conftest import RANDOM_SEED, isolated_env

from cloudshell.cloud import idcache
from cloudshell.cloud.demo import seed
from cloudshell.cloud.runtime import Runtime
from cloudshell.cloud.session import CloudSession


def _program(tmp_path: Path, env: dict[str, str]) -> dict[str, str]:
    """env with a `cloudshell` on PATH that runs this tree's program, as an installed one would."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    prog = bin_dir / "cloudshell"
    prog.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m cloudshell "$@"\n')
    prog.chmod(0o755)
    return {**env, "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"}


def bash_complete(env: dict[str, str], words: list[str], line: str | None = None) -> list[str]:
    """COMPREPLY after bash's completion function for ``words`` (the last is the one completed)."""
    line = " ".join(words) if line is None else line
    array = " ".join(shlex.quote(w) for w in words)
    # The README's line; later calls source the file the first one wrote (one process start less).
    script = env.get("TEST_COMPLETION_SCRIPT")
    source = f"source {shlex.quote(script)}" if script else "source <(cloudshell completion bash)"
    driver = (f'{source} || exit 9\n'
              f'fn=$(complete -p cloudshell | sed -E "s/.*-F ([^ ]+).*/\\1/")\n'
              f'COMP_WORDS=({array}); COMP_CWORD={len(words) - 1}\n'
              f'COMP_LINE={shlex.quote(line)}; COMP_POINT=${{#COMP_LINE}}\n'
              f'"$fn" cloudshell {shlex.quote(words[-1])} {shlex.quote(words[-2])}\n'
              f'printf "%s\\n" "${{COMPREPLY[@]}}"\n')
    done = subprocess.run(["bash", "--norc", "--noprofile", "-c", driver], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return [w for w in done.stdout.split("\n") if w]


def _described(url: str, tmp_path: Path, env: dict[str, str]) -> dict[str, str]:
    """env (program on PATH, endpoint set) once real describes cached the cloud's IDs."""
    env = _program(tmp_path, {**env, "AWS_ENDPOINT_URL_EC2": url})
    for kind in ("describe-volumes", "describe-instances", "describe-groups"):
        done = run_here([kind, "--output", "json"], env)
        assert done.returncode == 0, done.stderr
    return env


@pytest.fixture(scope="module")
def shell(moto_server, tmp_path_factory):
    """(url, facts, env): the demo cloud seeded once for the module, its IDs cached by real describes
    run as a user would. Tests only read the cache afterwards, so the cloud may change under them."""
    moto_server.reset(random_seed=RANDOM_SEED)
    session = CloudSession.for_url(moto_server.url)
    try:
        facts = seed(session)
    finally:
        session.close()
    tmp_path = tmp_path_factory.mktemp("shell")
    env = _described(moto_server.url, tmp_path, isolated_env(tmp_path))
    assert bash_complete(env, ["cloudshell", "describe-vol"]) == ["describe-volumes"]
    script = tmp_path / "cloudshell.bash"
    script.write_text(run_here(["completion", "bash"], env).stdout)
    return moto_server.url, facts, {**env, "TEST_COMPLETION_SCRIPT": str(script)}


def test_commands_options_and_values_complete_in_bash(shell):
    _, _, env = shell
    assert bash_complete(env, ["cloudshell", "attach-vol"]) == ["attach-volume"]
    assert "describe-volumes" in bash_complete(env, ["cloudshell", "describe-"])
    assert bash_complete(env, ["cloudshell", "describe-volumes", "--out"]) == ["--output"]
    assert bash_complete(env, ["cloudshell", "describe-volumes", "--output", ""]) == ["table", "json", "text", "tsv", "euca"]
    # bash splits `--output=js` at "=": the word it replaces is "js", then "=" right after the sign.
    assert bash_complete(env, ["cloudshell", "describe-volumes", "--output", "=", "js"],
                         "cloudshell describe-volumes --output=js") == ["json"]
    assert bash_complete(env, ["cloudshell", "describe-volumes", "--output", "="],
                         "cloudshell describe-volumes --output=") == ["=table", "=json", "=text", "=tsv", "=euca"]
    assert bash_complete(env, ["cloudshell", "completion", ""]) == ["bash", "zsh", "fish"]
    # cloudshell's own flags, before and between words, are not the command's.
    assert bash_complete(env, ["cloudshell", "--read-only", "--region", "us-east-1", "attach-vol"]) == [
        "attach-volume"]
    assert "--endpoint-url" in bash_complete(env, ["cloudshell", "--end"])


def test_ids_come_from_the_cache_a_describe_wrote(shell):
    url, facts, env = shell
    free = sorted(v.id for v in facts.volumes if v.instance_id is None)
    attached = {v.id for v in facts.volumes if v.instance_id}
    offered = bash_complete(env, ["cloudshell", "attach-volume", ""])
    assert set(free) <= set(offered) and not attached & set(offered), offered   # only available volumes
    first = free[0]
    assert bash_complete(env, ["cloudshell", "attach-volume", first[:len(first) - 1]]) == [first]
    zone = next(v.zone for v in facts.volumes if v.id == first)
    running = sorted(i.id for i in facts.instances if i.state == "running" and i.zone == zone)
    assert running and sorted(bash_complete(env, ["cloudshell", "attach-volume", first, "-i", "i-"])) == running
    assert sorted(bash_complete(env, ["cloudshell", "describe-volumes", "--volume-ids", "vol-"])) == sorted(
        {*free, *attached} | {v for v in bash_complete(env, ["cloudshell", "describe-volumes", "vol-"])})
    assert facts.group_name in bash_complete(env, ["cloudshell", "describe-groups", ""])


def test_ids_are_those_of_the_endpoint_on_the_line(shell):
    url, facts, env = shell
    vol = facts.volumes[0].id
    elsewhere = {**env, "AWS_ENDPOINT_URL_EC2": "http://127.0.0.1:9/"}
    assert bash_complete(elsewhere, ["cloudshell", "describe-volumes", "vol-"]) == []
    named = bash_complete(elsewhere, ["cloudshell", "--endpoint-url", url, "describe-volumes", "vol-"])
    assert vol in named
    assert bash_complete(elsewhere, ["cloudshell", "--endpoint-url", ""]) == [url.rstrip("/")]


def test_a_full_describe_replaces_the_kind_and_a_narrow_one_adds(seeded):
    cloud, facts = seeded
    env = _described(cloud.url, cloud.tmp_path, cloud.env)
    free = [v.id for v in facts.volumes if v.instance_id is None]
    gone, kept = free[0], free[1]
    cloud.session.call("delete_volume", VolumeId=gone)
    narrow = run_here(["describe-volumes", kept, "--output", "json"], env)
    assert narrow.returncode == 0, narrow.stderr
    assert gone in bash_complete(env, ["cloudshell", "describe-volumes", "vol-"])   # not listed: kept
    whole = run_here(["describe-volumes", "--output", "json"], env)
    assert whole.returncode == 0, whole.stderr
    offered = bash_complete(env, ["cloudshell", "describe-volumes", "vol-"])
    assert kept in offered and gone not in offered


def test_the_cache_is_private_small_and_dated(shell, tmp_path):
    url, facts, env = shell
    folder = Path(env["XDG_CACHE_HOME"]) / "cloudshell" / "ids"
    files = list(folder.glob("*.json"))
    assert len(files) == 1
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    head, *lines = (json.loads(line) for line in files[0].read_text().splitlines())
    kinds = {line["kind"]: line for line in lines}
    assert head["endpoint"] == url.rstrip("/") and head["region"] == "us-east-1" and head["written"] > 0
    assert {"volumes", "instances", "groups"} <= set(kinds) and all(k["at"] > 0 for k in kinds.values())
    row = next(r for r in kinds["volumes"]["rows"] if r[0] == facts.volumes[0].id)
    assert row[1] == facts.volumes[0].name and row[2] in ("available", "in-use")
    assert files[0].stat().st_size < 20_000     # IDs and names, not the API's answers


def test_complete_starts_without_boto3_or_the_network(shell):
    """The Tab entry point imports neither botocore nor a face, so it cannot build a session."""
    _, facts, env = shell
    probe = ("import sys\nfrom cloudshell.cli import main\n"
             "code = main(['__complete', 'bash', 'vol-', 'cloudshell attach-volume vol-'])\n"
             "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'botocore', 'boto3', 'urllib3', "
             "'prompt_toolkit', 'textual', 'rich'})\n"
             "print('heavy:', heavy, 'code:', code, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert "heavy: [] code: 0" in done.stderr, done.stderr
    assert {v.id for v in facts.volumes if v.instance_id is None} <= set(done.stdout.split())


def test_bad_use_of_the_entry_points_is_one_line(shell):
    _, _, env = shell
    done = run_here(["completion", "tcsh"], env)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == "cloudshell: completion: SHELL must be one of bash, zsh, fish, not 'tcsh'"
    done = run_here(["__complete", "bash"], env)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    for shell_name in ("zsh", "fish"):
        script = run_here(["completion", shell_name], env)
        assert script.returncode == 0 and "cloudshell __complete " + shell_name in script.stdout


def test_the_poller_writes_the_cache(cloud, monkeypatch, tmp_path):
    """The live faces' sweeps keep the cache too (Runtime.poller subscribes the writer)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    vol = cloud.session.call("create_volume", Size=1, AvailabilityZone="us-east-1a")["VolumeId"]
    runtime = Runtime(settings=None, session=cloud.session)
    runtime.poller(start=False).sweep_once()
    path = idcache.find(cloud.url, "us-east-1")
    assert path is not None and path.parent == tmp_path / "cache" / "cloudshell" / "ids"
    inventory, age = idcache.inventory_of(path)
    assert inventory.get(vol, "volumes").state == "available" and age is not None and age < 60
