"""cloudshell's own flags, read by the registry's one scan (cli.split_argv has no loop of its own)."""

from __future__ import annotations

import pytest

from cloudshell.cli import split_argv
from cloudshell.cloud.errors import UsageError
from cloudshell.commands import registry


def test_global_flags_anywhere_command_words_in_order_and_options_put_first_moved_behind_it():
    args = split_argv(["--output", "json", "describe-instances", "--region", "r1", "--filter", "name=web",
                       "--demo", "i-0123456789abcdef0"])
    assert args.values == {"region": "r1", "demo": True}
    assert args.command == ["describe-instances", "--output", "json", "--filter", "name=web", "i-0123456789abcdef0"]
    inv = registry().parse(args.command)
    assert inv.output == "json" and inv.command.name == "describe-instances"


def test_after_a_double_dash_nothing_is_a_global_flag():
    args = split_argv(["--region=r1", "ssh", "i-0123456789abcdef0", "--", "--region", "-a"])
    assert args.values == {"region": "r1"}
    assert args.command == ["ssh", "i-0123456789abcdef0", "--", "--region", "-a"]


def test_version_and_help_count_only_before_the_command():
    assert split_argv(["--version"]).values == {"version": True}
    assert split_argv(["-h"]).values == {"help": True} and split_argv(["-h"]).command == []
    assert split_argv(["describe-volumes", "--help"]).command == ["describe-volumes", "--help"]


@pytest.mark.parametrize("argv, message", [
    (["--bogus", "describe-instances"], "unknown flag --bogus (see cloudshell --help)"),
    (["describe-instances", "--region"], "--region needs a value (VALUE: see cloudshell --help)"),
    (["--demo=yes"], "--demo takes no value"),
])
def test_a_bad_global_flag_is_one_line_saying_what_is_expected(argv, message):
    with pytest.raises(UsageError) as err:
        split_argv(argv)
    assert str(err.value) == message
