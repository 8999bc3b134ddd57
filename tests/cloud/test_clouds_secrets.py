"""No secret of any cloud in any output, log or history, with two clouds open (issue 17).

Each cloud has its own eucarc with its own secret key, against its own moto server; every
face is driven (one-shot in each format, the REPL in a pty with `use`, `config`, a failure)
and every file under the home is read back for any 10 characters of either secret.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from clirun import run_here
from terminal import Terminal
from two_clouds import two_clouds, write_clouds_config  # noqa: F401 - fixtures

SECRETS = {"a": "Zq7dWm4Rx9/KpLr8tYv3bHc6jF1gE5uTiN0sQaXe", "b": "Hn2pLs8Vb4/QwEr6tYu1iOp3aSdF7gJkZx9cV5Bm"}
WINDOWS = {s[i:i + 10] for s in SECRETS.values() for i in range(len(s) - 9)}


def assert_no_secret(text: str, where: str) -> None:
    found = sorted(w for w in WINDOWS if w in text)
    assert not found, f"a secret shows in {where}: {found[:3]}"


@pytest.fixture
def secret_clouds(two_clouds):
    t = two_clouds
    env = {k: v for k, v in t.env.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    home = Path(env["HOME"])
    tables = {}
    for name in ("a", "b"):
        rc = home / f"creds-{name}" / "eucarc"
        rc.parent.mkdir(parents=True)
        rc.write_text(f"export EC2_URL={t.url(name)}\nexport EC2_ACCESS_KEY=AKID{name.upper()}0000000001\n"
                      f"export EC2_SECRET_KEY='{SECRETS[name]}'\n")
        tables[name] = {"eucarc": str(rc)}
    write_clouds_config(env, tables)
    return t, env


def test_one_shot_in_every_format_keeps_both_secrets(secret_clouds):
    t, env = secret_clouds
    for args in (["config", "--output", "json"], ["config", "--output", "table"], ["config"],
                 ["config", "--output", "text"], ["describe-instances", "--output", "json"],
                 ["describe-volumes", "--output", "text"], ["describe-volumes", "i-00000000000000000"],
                 ["describe-volumes", "--bogus"], ["create-volume", "-s", "1", "-z", "us-east-1a"]):
        done = run_here(["--cloud", "a,b", *args], env)
        assert_no_secret(done.stdout + done.stderr, " ".join(args))
        assert "Traceback" not in done.stderr
    config = json.loads(run_here(["--cloud", "a,b", "config", "--output", "json"], env).stdout)
    for name in ("a", "b"):   # each cloud's own keys, masked to their last four
        assert config[name]["access_key"]["Value"] == f"AKID{name.upper()}0000000001"
        assert config[name]["secret_key"]["Value"] == "*" * 16 + SECRETS[name][-4:]


def test_repl_over_two_clouds_keeps_both_secrets_in_screen_history_and_logs(secret_clouds):
    t, env = secret_clouds
    env = {**env, "TERM": "screen"}
    env.pop("COLUMNS", None)
    term = Terminal([sys.executable, "-m", "cloudshell", "repl", "--cloud", "a", "--cloud", "b"], env)
    seen = ""
    try:
        term.wait(lambda s: "a:us-east-1>" in s and "b ok" in s, 90, "the prompt and b's health")
        for line, shows in (("config", "creds-a/eucarc"), ("use b", "now in cloud b"), ("config", "creds-b/eucarc"),
                            (f"describe-volumes --filter tag:x={SECRETS['a']}", "b:us-east-1>"),
                            ("describe-volumes vol-00000000", "b:us-east-1>"), ("use a", "now in cloud a")):
            term.keys("C-l")     # a clean screen first: the secret typed on the line before is gone
            term.wait(lambda s: not any(w in s for w in WINDOWS), 15, "the screen cleared")
            term.type(line)
            term.keys("Enter")
            seen += term.wait(lambda s, shows=shows: shows in s and re.search(r"^[ab]:us-east-1>\s*$", s, re.M),
                              30, line)
            if SECRETS["a"] not in line:   # a secret the user typed is theirs to see (not to keep: history)
                assert_no_secret(term.screen(), f"the screen after {line!r}")
        term.keys("C-d")
        assert term.wait_exit(30) == 0
    finally:
        term.close()
    assert "creds-a/eucarc" in seen and "creds-b/eucarc" in seen   # each cloud's own config was shown
    home = Path(env["HOME"])
    written = [p for p in home.rglob("*") if p.is_file() and "creds-" not in str(p)]
    assert any(p.name == "history" for p in written)
    for path in written:
        assert_no_secret(path.read_bytes().decode("utf-8", "replace"), str(path))
