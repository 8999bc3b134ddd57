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


def test_awscli_list_options_take_every_word_up_to_the_next_option():
    cmd = registry().get("describe-instances")
    inv = parse_args(cmd, ["--instance-ids", "i-1a2b3c4d", "I-2B3C4D5E", "--output", "json", "i-3c4d5e6f",
                           "--instance-ids=i-4d5e6f70"])
    assert inv.instance_ids == ["i-1a2b3c4d", "i-2b3c4d5e", "i-4d5e6f70"]   # repeatable, each validated
    assert inv.ids == ["i-3c4d5e6f"] and inv.output == "json"
    inv = parse_args(cmd, ["--filters", "Name=a,Values=b", "Name=tag:Name,Values=web-1,web-2", "-F", "c=d"])
    assert inv.aws_filters == [[{"Name": "a", "Values": ["b"]}],
                               [{"Name": "tag:Name", "Values": ["web-1", "web-2"]}]]
    assert inv.filters == [("c", "d")]
    with pytest.raises(UsageError, match="--instance-ids needs a value"):
        parse_args(cmd, ["--instance-ids", "--output", "json"])


def test_filter_in_awscli_form_is_read_as_awscli_reads_it():
    cmd = registry().get("describe-volumes")
    inv = parse_args(cmd, ["--filter", "Name=status,Values=available,in-use"])
    assert inv.filters == [{"Name": "status", "Values": ["available", "in-use"]}]
    with pytest.raises(UsageError, match="the filter has no Values"):
        parse_args(cmd, ["--filter", "Name=status"])


def test_a_global_flag_inside_the_repl_says_where_it_belongs():
    with pytest.raises(UsageError, match="--region is a flag of cloudshell itself"):
        registry().parse_line("describe-volumes --region us-west-2")
