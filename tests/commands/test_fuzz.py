"""Bad input, generated: the command parser, the global flags, eucarc and ini files, ssh arguments.

Whatever is typed or found in a file, the only thing that escapes is a
UsageError/ConfigError, and its message is one terminal-safe line (no newline,
no control character, no escape sequence, bounded length). Hostile values that
come back from the cloud (escape sequences in tag values) reach the terminal
escaped in table and text output. Example counts are bounded so this stays fast.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloud_checks import launch, oneshot

from cloudshell.cli import split_argv
from cloudshell.cloud.config import load_ini, parse_eucarc
from cloudshell.cloud.errors import UsageError
from cloudshell.cloud.inventory import EMPTY, Record
from cloudshell.cloud.kinds import KINDS
from cloudshell.commands import Context, registry
from cloudshell.commands.ssh import ssh_argv

FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# What a terminal must never receive from us raw: C0 (newline and tab too, in a one-line
# message), DEL and C1 controls. ESC (\x1b) starts every escape sequence.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_LINE = 600

HOSTILE = (
    "\x1b]0;pwned\x07", "\x1b[2J", "\x1b[31mred", "\x9b2J", "\x00", "\r", "\n", "\t", "\x7f", "\x08\x08",
    "\u202etxt.exe", "\ufeff", "ñandú", "💥", "𝕴", "i-" + "a" * 5000, "vol-" + "0" * 300, "-" * 400,
    "$(reboot)", "`id`", "; rm -rf /", "| nc evil 1", "&& true", "' \"", "\\", "--", "-", "=", "",
    "--output=\x1b[2J", "--filter", "a=b=c", "1-0", "0", "-1", "99999999999999999999", "1e9", "nan",
    "0.0.0.0/33", "tcp", "22-21", "/dev/sd\x1bf", "../../etc/passwd", "~", "%s%n", "{0}", "${HOME}",
)
PLAUSIBLE = ("i-1234abcd", "vol-1234abcd", "snap-1234abcd", "emi-1234abcd", "eki-1a2b3c4d", "sg-12345678",
             "us-east-1a", "m1.small", "/dev/sdf", "1-3", "2", "22", "22-80", "0.0.0.0/0", "tcp",
             "Name=web", "instance-state-name=running", "203.0.113.7", "testkey", "mygroup", "json",
             "table", "text", "running", "--yes", "--dry-run", "--help", "--output", "--query")


def _one_safe_line(message: str) -> None:
    assert message, "an empty rejection"
    assert not _UNSAFE.search(message), f"raw control character in {message!r}"
    assert len(message) <= MAX_LINE, f"a {len(message)}-character line"


def _text(max_size: int = 12):
    return st.text(max_size=max_size)


def _tokens_for(cmd):
    flags = sorted({f.rstrip(":") for p in cmd.all_params() for f in p.flags}) or ["--help"]
    return st.one_of(st.sampled_from(flags), st.sampled_from(HOSTILE), st.sampled_from(PLAUSIBLE),
                     _text(), st.builds(lambda f, v: f"{f}={v}", st.sampled_from(flags), _text(6)))


REG = registry()
NAMES = REG.names()


@FUZZ
@given(data=st.data())
def test_every_command_with_random_tokens_parses_or_rejects_in_one_line(data):
    name = data.draw(st.sampled_from(NAMES), label="command")
    cmd = REG.resolve(name)
    tokens = data.draw(st.lists(_tokens_for(cmd), max_size=7), label="tokens")
    try:
        inv = REG.parse([name, *tokens])
    except UsageError as exc:
        _one_safe_line(str(exc))
    else:
        assert inv.command is cmd


@pytest.mark.parametrize("name", sorted(c.name for c in REG.all()))
def test_each_command_rejects_the_hostile_corpus_in_one_line(name):
    cmd = REG.resolve(name)
    flags = [f.rstrip(":") for p in cmd.params for f in p.flags]
    for value in HOSTILE:
        for argv in ([name, value], [name, value, value], *([name, f, value] for f in flags)):
            try:
                REG.parse(argv)
            except UsageError as exc:
                _one_safe_line(str(exc))


@FUZZ
@given(line=st.one_of(_text(60), st.lists(st.sampled_from(HOSTILE + PLAUSIBLE + tuple(NAMES[:40])),
                                          max_size=6).map(" ".join)))
def test_a_typed_line_parses_or_rejects_in_one_line(line):
    try:
        REG.parse_line(line)
    except UsageError as exc:
        _one_safe_line(str(exc))


@FUZZ
@given(argv=st.lists(st.one_of(st.sampled_from(("--endpoint-url", "--region", "--secret-key", "--eucarc",
                                                "--interval", "--demo", "--read-only", "--output", "--query",
                                                "--yes", "--", "-U", "-h", "--version", "repl"))
                               , st.sampled_from(HOSTILE), _text()), max_size=6))
def test_global_flags_split_or_reject_in_one_line(argv):
    try:
        split_argv(argv)
    except UsageError as exc:
        _one_safe_line(str(exc))


# -- eucarc and ini files ----------------------------------------------------------------------

SHELL_BITS = ("export ", "EC2_URL=", "EC2_ACCESS_KEY=", "EC2_SECRET_KEY=", "AWS_DEFAULT_REGION=", "X=",
              "'", '"', "$(", ")", "`", "${", "}", "$", "\\", "\\\n", "\n", ";", "#", " ", "|", "&&",
              "<", ">", "(", "dirname ", "readlink -f ", "${BASH_SOURCE}", "cd ", "pwd -P", "~/", "alias ",
              "echo ", "source ", "if [ -f x ]; then", "fi", "${X:-d}", "${#X}", "$1", "http://h:8773/")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz-files")


@FUZZ
@given(parts=st.lists(st.one_of(st.sampled_from(SHELL_BITS), _text(8)), max_size=25),
       junk=st.one_of(st.just(b""), st.binary(max_size=8)))
def test_eucarc_is_read_or_rejected_in_one_line_and_never_run(scratch, parts, junk):
    sentinel = scratch / "ran"
    text = "".join(parts) + f"\nexport EC2_URL=$(touch {sentinel})\nX=`touch {sentinel}`\n"
    path = scratch / "eucarc"
    path.write_bytes(text.encode("utf-8") + junk)   # junk: sometimes not UTF-8 at all
    try:
        variables = parse_eucarc(path, {"HOME": str(scratch)})
    except UsageError as exc:   # ConfigError is one
        _one_safe_line(str(exc))
    else:
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in variables.items())
    assert not sentinel.exists(), "a eucarc command was executed"


@pytest.mark.parametrize("text", [
    '"' + "\\" * 4000, "X=" + "$(" * 2000, "X='" + "a" * 100000, "export " + "${" * 3000,
    "X=" + '"$(' * 1500, "a=" + "\\\n" * 5000, "X=$(dirname $(dirname $(dirname $(x))))" * 500,
])
def test_eucarc_parser_has_no_pathological_input(scratch, text):
    path = scratch / "slow-eucarc"
    path.write_text(text)
    started = time.monotonic()
    try:
        parse_eucarc(path, {})
    except UsageError as exc:
        _one_safe_line(str(exc))
    assert time.monotonic() - started < 2.0


INI_BITS = ("[user alice]", "[region r1]", "[global]", "[user ]", "[region]", "[", "]", "key-id = AKIA1",
            "secret-key = SECRETVALUE42", "ec2-url = http://h:8773/services/compute", "verify-ssl = maybe",
            "default-region = r1", "user = alice", "=", ":", "%(x)s", "\n", " ", "\t", "; c", "# c", "\x1b[2J")


@FUZZ
@given(parts=st.lists(st.one_of(st.sampled_from(INI_BITS), _text(8)), max_size=20))
def test_ini_is_read_or_rejected_in_one_line_without_the_secret(scratch, parts):
    path = scratch / "euca2ools.ini"
    path.write_bytes("\n".join(parts).encode("utf-8", "replace"))
    try:
        ini = load_ini([path])
    except UsageError as exc:
        message = str(exc)
        _one_safe_line(message)
        assert "SECRETVALUE42" not in message, "a malformed ini's error echoed the secret"
    else:
        for section in ini.sections.values():
            assert all(isinstance(v, str) for v, _ in section.values())


# -- ssh arguments: an argument list, never a shell --------------------------------------------

INSTANCE = "i-0123456789abcdef0"


def _ssh_context() -> Context:
    raw = {"InstanceId": INSTANCE, "State": {"Name": "running"}, "PublicIpAddress": "203.0.113.7",
           "ImageId": "emi-12345678", "Placement": {"AvailabilityZone": "us-east-1a"}}
    inv = EMPTY.replace_kind("instances", {INSTANCE: Record.from_raw(KINDS["instances"], raw)})
    inv = inv.replace_kind("images", {})

    class Snapshot:   # what Context reads of a poller
        inventory = inv
    return Context(session=None, poller=Snapshot())


@FUZZ
@given(remote=st.lists(st.one_of(st.sampled_from(HOSTILE), _text()), min_size=1, max_size=6))
def test_ssh_remote_command_words_reach_ssh_verbatim(remote):
    ctx = _ssh_context()
    try:
        argv = ssh_argv(ctx, REG.parse(["ssh", INSTANCE, "--user", "admin", "--", "--", *remote]))
    except UsageError as exc:
        _one_safe_line(str(exc))
        return
    # Each word stays one argv element, after "--" and the host: no shell ever re-splits it.
    assert argv[-len(remote) - 2:] == ["--", "203.0.113.7", *remote]


@FUZZ
@given(user=st.one_of(st.sampled_from(HOSTILE), _text()), address=st.one_of(st.sampled_from(HOSTILE), _text()))
def test_ssh_user_and_address_are_validated_not_passed_through(user, address):
    ctx = _ssh_context()
    try:
        argv = ssh_argv(ctx, REG.parse(["ssh", INSTANCE, "--user", user, "--address", address]))
    except UsageError as exc:
        _one_safe_line(str(exc))
        return
    assert argv[argv.index("-l") + 1] == user and argv[-1] == address
    assert not user.startswith("-") and not address.startswith("-"), "an option smuggled in as a value"
    assert not _UNSAFE.search(user + address)


# -- hostile cloud data on a real instance ------------------------------------------------------

EVIL_NAME = "evil\x1b]0;pwned\x07"           # would retitle the terminal
EVIL_NOTE = "\x1b[2J wiped \x9b31m \x00 \x7f"  # would clear the screen (7-bit and 8-bit CSI)
_UNSAFE_OUTPUT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # tab and newline are layout


def test_escape_sequences_in_tag_values_never_reach_the_terminal(cloud, monkeypatch, capsys):
    instance = launch(cloud.session, TagSpecifications=[{"ResourceType": "instance", "Tags": [
        {"Key": "Name", "Value": EVIL_NAME}, {"Key": "note", "Value": EVIL_NOTE}]}])
    for args in (("describe-instances", "--output", "table"), ("describe-instances", "--output", "text"),
                 ("describe-tags", "--output", "table"), ("describe-tags", "--output", "text"),
                 ("describe-instances", instance, "--output", "table")):
        code, out, err = oneshot(cloud, monkeypatch, capsys, *args)
        assert code == 0, err
        assert not _UNSAFE_OUTPUT.search(out + err), f"{args}: raw control character in {out!r}"
        assert instance in out
        # Shown, escaped: the operator sees what the tag holds.
        assert "evil\\x1b]0;pwned\\x07" in out, out
    code, out, err = oneshot(cloud, monkeypatch, capsys, "describe-tags", "--output", "json")
    assert code == 0 and "\x1b" not in out and "\x07" not in out and "\x00" not in out
