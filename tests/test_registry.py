"""The parser every face shares: options, positionals, aliases, one-line errors."""

import pytest

from cloudshell.cloud.errors import UsageError
from cloudshell.commands import registry
from cloudshell.commands.registry import Command, Param, Registry, parse_args, split_line


def _cmd(**kw):
    params = (
        Param("volume", metavar="VOLUME", required=True, help="the volume"),
        Param("instance", ("-i", "--instance"), required=True, metavar="INSTANCE", help="the instance"),
        Param("device", ("-d", "--device"), metavar="DEVICE", help="device name"),
        Param("force", ("-f", "--force"), action="flag", help="force"),
        Param("tags", ("--tag",), action="append", metavar="K=V", help="a tag"),
    )
    return Command(name="attach", group="g", summary="s", handler=lambda ctx, inv: None, params=params, **kw)


def test_options_positionals_and_flags_in_any_order():
    inv = parse_args(_cmd(), ["-d", "/dev/sdf", "vol-1", "--instance=i-2", "-f", "--tag", "a=b", "--tag", "c"])
    assert (inv.volume, inv.instance, inv.device, inv.force, inv.tags) == ("vol-1", "i-2", "/dev/sdf", True, ["a=b", "c"])


@pytest.mark.parametrize("argv, needle", [
    (["vol-1"], "missing -i INSTANCE"),
    (["-i", "i-1"], "missing VOLUME"),
    (["vol-1", "-i"], "-i needs a value"),
    (["vol-1", "-i", "i-1", "--bogus"], "unknown option --bogus"),
    (["vol-1", "-i", "i-1", "extra"], "unexpected argument 'extra'"),
    (["vol-1", "-i", "i-1", "--force=yes"], "takes no value"),
])
def test_errors_are_one_line_naming_the_problem(argv, needle):
    with pytest.raises(UsageError) as err:
        parse_args(_cmd(), argv)
    assert needle in str(err.value)
    assert "\n" not in str(err.value)


def test_help_skips_required_checks():
    inv = parse_args(_cmd(), ["--help"])
    assert inv.wants_help
    assert "usage: attach VOLUME -i INSTANCE" in inv.command.help_text()


def test_aliases_and_euca_prefix_resolve_to_one_command():
    reg = registry()
    assert reg.get("euca-describe-instances") is reg.get("describe-instances")
    assert reg.get("describe-key-pairs") is reg.get("describe-keypairs")


def test_unknown_command_suggests_the_close_one():
    with pytest.raises(UsageError) as err:
        registry().parse(["describe-instance"])
    assert "did you mean describe-instances" in str(err.value)


def test_duplicate_names_are_refused_at_registration():
    reg = Registry()
    reg.add(_cmd())
    with pytest.raises(ValueError):
        reg.add(_cmd(aliases=("attach",)).__class__(name="other", group="g", summary="s",
                                                    handler=None, aliases=("attach",)))


def test_split_line_reports_an_open_quote():
    with pytest.raises(UsageError) as err:
        split_line("create-tags i-1 --tag 'Name=web")
    assert "close the quote" in str(err.value)
