"""Entry point: read the global flags, pick a face, import only that face.

``cloudshell`` → the full-screen monitor; ``cloudshell repl`` → the command
line; ``cloudshell COMMAND …`` → one command for scripts. Every error is one
line on stderr with exit code 1 (the cloud) or 2 (bad usage); never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from cloudshell.cloud.protocols import FaceRuntime
    from cloudshell.cloud.runtime import Runtime
    from cloudshell.commands.registry import Command

# Global flags that take a value → GlobalFlags field.
VALUE_FLAGS = {
    "--endpoint-url": "endpoint_url", "-U": "endpoint_url", "--url": "endpoint_url",
    "--s3-endpoint-url": "s3_endpoint_url", "--region": "region", "--profile": "profile",
    "--access-key": "access_key", "-I": "access_key", "--access-key-id": "access_key",
    "--secret-key": "secret_key", "-S": "secret_key", "--secret-key-id": "secret_key",
    "--eucarc": "eucarc", "--interval": "interval", "--theme": "theme", "--deadline": "deadline",
    "--demo-tarball": "demo_tarball", "--demo-clouds": "demo_clouds",
}
# Global flags that may be given more than once (or as a comma list): their values add up.
LIST_FLAGS = {"--cloud": "clouds"}
LIST_DESTS = set(LIST_FLAGS.values())
# euca2ools 1.x's short credential flags, global only before the command: after it, -a and -s are
# command options (describe-images -a, authorize -s CIDR).
LEADING_FLAGS = {"-a": "access_key", "-s": "secret_key"}
BOOL_FLAGS = {"--no-verify-ssl": "no_verify_ssl", "--demo": "demo", "--demo-activity": "demo_activity",
              "--read-only": "read_only", "--debug": "debug"}
# Command options users often put first; moved behind the command.
CARRIED_FLAGS = {"--output": True, "--query": True, "--yes": False, "--dry-run": False}

USAGE = """usage: cloudshell [GLOBAL FLAGS] [COMMAND [ARGS…]]

  cloudshell                 full-screen monitor (live tables, actions by key)
  cloudshell repl            interactive command line with live ID completion
  cloudshell COMMAND …       one command, e.g. describe-instances --output json
  cloudshell help            every command, by group
  cloudshell completion bash|zsh|fish   the shell's completion script, e.g. source <(cloudshell completion bash)

global flags:
  --demo                     start an embedded demo cloud (no credentials needed)
  --demo-activity            … and let it change slowly, to watch live updates
  --demo-clouds N            … N demo clouds side by side (2 to 4), each seeded differently
  --demo-tarball PATH        write a small UEC-style image tarball (for publish-tarball) and exit
  --endpoint-url URL         EC2 endpoint (Eucalyptus: http://HOST:8773/services/compute)
  --s3-endpoint-url URL      S3/Walrus endpoint
  --region [USER@]REGION     region; USER@REGION picks a euca2ools ini user too;
                             r1,r2 opens one cloud per region (same credentials)
  --cloud NAME               a [clouds.NAME] table of config.toml; repeat it (or a,b) for several
                             clouds side by side, `all` for every table
  --profile NAME             a profile of ~/.aws/config
  --access-key KEY, --secret-key KEY   (discouraged: visible in ps; also euca2ools' -I/-S,
                             and 1.x's -a/-s before the command)
  -U, --url URL              euca2ools' spelling of --endpoint-url
  --eucarc FILE              read credentials from a eucarc (parsed, never executed)
  --no-verify-ssl            do not verify TLS certificates
  --read-only                refuse every command that would change the cloud
  --interval SECONDS         poll interval of the live faces (default 5)
  --deadline SECONDS         whole-request deadline for reads (default 30; mutations twice that)
  --theme NAME               monitor theme: dark, light, high-contrast
  --version, --help

output of a command:
  --output table             a table for people (a terminal's default); with --query, awscli's box table
  --output json              awscli's JSON
  --output text              awscli's text: columns in sorted key order, nested lists on rows
                             prefixed with their name (INSTANCES, TAGS…), None for null
  --output tsv               one tab-separated line per record, the table's columns (a pipe's default;
                             with --query, the values in the query's order)
  --output euca              euca2ools' records (RESERVATION, INSTANCE, VOLUME, ADDRESS…), the default
                             when a command is typed by its euca- name
  --query JMESPATH           pick from the JSON answer, as awscli
"""


@dataclass
class CliArgs:
    values: dict = field(default_factory=dict)
    command: list[str] = field(default_factory=list)


def _global_grammar() -> tuple[Command, Command]:
    """cloudshell's own flags as two nameless commands of the registry's grammar: one for the
    words before the command (every flag), one for those after it (the flags that stand anywhere)."""
    from cloudshell.commands.registry import Command, Param

    def params(flags: dict[str, str], action: str = "store") -> list[Param]:
        by_dest: dict[str, list[str]] = {}
        for flag, dest in flags.items():
            by_dest.setdefault(dest, []).append(flag)
        return [Param(dest, tuple(names), action=action, metavar="VALUE", help="see cloudshell --help")
                for dest, names in by_dest.items()]

    def nameless(ps: list[Param]) -> Command:
        return Command(name="", group="", summary="cloudshell's own flags", handler=lambda *_: None,
                       params=tuple(ps), common=False)
    anywhere = params({**VALUE_FLAGS, **LIST_FLAGS}) + params(BOOL_FLAGS, "flag")
    before = (params({**VALUE_FLAGS, **LIST_FLAGS, **LEADING_FLAGS}) + params(BOOL_FLAGS, "flag")
              + [Param(flag, (flag,), action="store" if takes else "flag", metavar="VALUE",
                       help="moved behind the command") for flag, takes in CARRIED_FLAGS.items()]
              + params({"--version": "version", "-V": "version", "--help": "help", "-h": "help"}, "flag"))
    return nameless(before), nameless(anywhere)


def split_argv(argv: Sequence[str]) -> CliArgs:
    """Pull global flags out of argv wherever they stand (as awscli does), up to a ``--``.

    The registry's one scan reads them: before the command every flag, after it only those that
    stand anywhere (the rest are the command's own words, handed on in order)."""
    from cloudshell.cloud.errors import UsageError
    from cloudshell.commands.registry import scan

    before, anywhere = _global_grammar()
    words = list(argv)
    head = scan(before, words, until_word=True)
    tail = scan(anywhere, words[head.stopped:], words=True) if head.stopped is not None else None
    out = CliArgs()
    carried: list[str] = []
    for what, p, raw, flag in [*head.items, *(tail.items if tail is not None else ())]:
        if what == "problem" or p is None:
            if what == "word":
                out.command.append(raw)
                continue
            raise UsageError(raw)
        if p.dest in LIST_DESTS:   # --cloud a,b --cloud c: one list
            out.values.setdefault(p.dest, []).extend(v.strip() for v in raw.split(","))
        elif p.dest in CARRIED_FLAGS:
            carried += [flag] if what == "flag" else [flag, raw]
        else:
            out.values[p.dest] = True if what == "flag" else raw
    for read in (head, tail):
        if read is not None and read.rest is not None:
            out.command += ["--", *read.rest]
    if carried and out.command:
        out.command[1:1] = carried   # with no command (the monitor) they have nothing to shape
    return out


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["__complete"]:  # a shell's Tab: the local ID cache only, no session, no network
        from cloudshell.completion.shell import complete_main

        return complete_main(argv[1:], value_flags={**VALUE_FLAGS, **LIST_FLAGS}, bool_flags=BOOL_FLAGS,
                             carried=CARRIED_FLAGS)
    from cloudshell.cloud.errors import CloudshellError, one_line

    runtime = None
    try:
        args = split_argv(argv)
        if args.values.get("version"):
            from cloudshell import __version__

            print(f"cloudshell {__version__}")
            return 0
        if args.values.get("help") and not args.command:
            print(USAGE, end="")
            return 0
        if "demo_tarball" in args.values:
            from cloudshell.cloud.bundle.tarball import write_demo_tarball

            print(write_demo_tarball(args.values["demo_tarball"]))
            return 0
        if args.command[:1] == ["completion"]:
            return _print_completion(args.command)
        face = args.command[0] if args.command else None
        # Every usage error is found here, before anything starts.
        opener = _opener(args, early_poller=face is None)
        if face is None:
            from cloudshell.opening import run_monitor_opening
            from cloudshell.terminal_guard import guarded_terminal

            # The monitor's frame at once; the demo cloud and the session open behind it.
            v = args.values
            with guarded_terminal(alternate=True, sigint=True):
                return run_monitor_opening(opener, demo=bool(v.get("demo") or v.get("demo_activity")),
                                           read_only=bool(v.get("read_only")), theme=v.get("theme"))
        runtime = opener()
        if face == "repl" and len(args.command) == 1:
            from cloudshell.repl import run_repl
            from cloudshell.terminal_guard import guarded_terminal

            # Ctrl-C interrupts a command (a SIGINT from the cooked terminal); at the prompt a SIGINT
            # can only come from kill, and the REPL's key bindings end it then.
            with guarded_terminal(alternate=False, sigint=False):
                return run_repl(runtime)
        return run_one_shot(runtime, args.command)
    except CloudshellError as exc:
        print(f"cloudshell: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("cloudshell: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `cloudshell describe-instances | head`: the reader left; not an error worth a word.
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the final flush
        except OSError:
            pass
        return 0
    except Exception as exc:  # noqa: BLE001 - never a traceback; the log has the details
        from cloudshell.cloud.userconfig import write_crash_log

        path = write_crash_log(exc)
        print(f"cloudshell: internal error: {one_line(f'{type(exc).__name__}: {exc}')} (details in {path})",
              file=sys.stderr)
        return 1
    finally:
        if runtime is not None:
            try:
                runtime.close()
            except Exception:  # noqa: BLE001
                pass


def _open(args: CliArgs) -> Runtime:
    """Check the flags and open the runtime now (the REPL and one-shot faces)."""
    return _opener(args)()


def _opener(args: CliArgs, *, early_poller: bool = False) -> Callable[[], Runtime]:
    """Check every flag and the command now; return what opens the runtime (the demo, the session).

    With ``early_poller`` (the monitor on a real endpoint) the poller's child process is started
    now, before Textual is imported: its interpreter start and first describe run beside the
    UI's start on the other core, and the runtime adopts it when it opens."""
    from cloudshell.cloud.config import GlobalFlags
    from cloudshell.cloud.errors import UsageError
    from cloudshell.cloud.runtime import open_runtime, start_monitor_poller

    v = args.values
    interval = 5.0
    if "interval" in v:
        try:
            interval = float(v["interval"])
        except ValueError:
            interval = -1.0
        if not 0.2 <= interval <= 3600:
            raise UsageError(f"--interval {v['interval']!r}: expected seconds between 0.2 and 3600")
    deadline = None
    if "deadline" in v:
        try:
            deadline = float(v["deadline"])
        except ValueError:
            deadline = -1.0
        if not 1 <= deadline <= 3600:
            raise UsageError(f"--deadline {v['deadline']!r}: expected seconds between 1 and 3600")
    flags = GlobalFlags(endpoint_url=v.get("endpoint_url"), s3_endpoint_url=v.get("s3_endpoint_url"),
                        region=v.get("region"), profile=v.get("profile"), access_key=v.get("access_key"),
                        secret_key=v.get("secret_key"), eucarc=v.get("eucarc"),
                        no_verify_ssl=bool(v.get("no_verify_ssl")))
    if v.get("secret_key"):
        print("warning: a secret key on the command line is visible to every user of this host in ps; "
              "prefer a eucarc (--eucarc), a profile or AWS_SECRET_ACCESS_KEY", file=sys.stderr)
    if args.command and args.command[0] not in ("repl", "config", "help"):
        # Fail on an unknown command or a bad value before any credential, demo or network work.
        from cloudshell.commands import registry
        from cloudshell.commands.context import read_only_refusal

        inv = registry().parse(args.command)
        if v.get("read_only") and inv.command.mutates and not inv.wants_help:
            raise read_only_refusal(inv.command.name)     # before any demo start or connection
    several = _several_clouds(args, flags, interval, deadline)
    if several is not None:
        return several
    demo = bool(v.get("demo") or v.get("demo_activity"))
    early = start_monitor_poller(flags, interval=interval, deadline=deadline) if early_poller and not demo else None
    opener = lambda: open_runtime(flags, demo=bool(v.get("demo")), demo_activity=bool(v.get("demo_activity")),  # noqa: E731
                                  interval=interval, read_only=bool(v.get("read_only")), deadline=deadline,
                                  process_poller=early)
    opener.poller = early            # the monitor shows it from its first frame on
    return opener


def _several_clouds(args: CliArgs, flags, interval: float, deadline: float | None):
    """What opens several clouds (``--cloud``…, ``--region r1,r2``, ``--demo-clouds N``), else None."""
    from cloudshell.cloud.clouds import choose_clouds
    from cloudshell.cloud.errors import UsageError
    from cloudshell.cloud.userconfig import config_path, load_user_config

    v = args.values
    demo = bool(v.get("demo") or v.get("demo_activity"))
    demo_clouds = 0
    if "demo_clouds" in v:
        if not demo:
            raise UsageError("--demo-clouds goes with --demo (or --demo-activity)")
        if v["demo_clouds"] not in ("1", "2", "3", "4"):
            raise UsageError(f"--demo-clouds {v['demo_clouds']!r}: expected a number of clouds from 1 to 4")
        demo_clouds = int(v["demo_clouds"])
        if v.get("clouds"):
            raise UsageError("give --demo-clouds or --cloud, not both")
    if demo_clouds == 1:
        return None
    if demo_clouds:
        specs: list = []
        user_config = None
    else:
        user_config = load_user_config()
        specs = choose_clouds(flags, v.get("clouds") or [], user_config, config_path())
        if not specs:
            return None
        if demo:
            raise UsageError("--demo starts its own clouds: with several, give --demo-clouds N, not --cloud")
        if len(specs) == 1:   # one cloud by name: the one-cloud faces and output, that cloud's settings
            def open_one():
                from cloudshell.cloud.cloudset import open_cloud_set

                return open_cloud_set(specs, interval=interval, read_only=bool(v.get("read_only")),
                                      deadline=deadline, user_config=user_config).current
            return open_one

    def open_clouds():
        from cloudshell.cloud.cloudset import open_cloud_set

        clouds = open_cloud_set(specs, demo_clouds=demo_clouds, demo_activity=bool(v.get("demo_activity")),
                                interval=interval, read_only=bool(v.get("read_only")), deadline=deadline,
                                user_config=user_config)
        for warning in clouds.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        return clouds
    return open_clouds


def _print_completion(argv: list[str]) -> int:
    """`completion SHELL`: the script, with no session (it needs no credentials)."""
    from cloudshell.commands import Context, registry, run

    # The scripts are text the command holds: it never reads the session it is not given.
    result = run(Context(session=None), registry().parse(argv))  # type: ignore[arg-type]
    print(result.raw_text)
    return result.exit_code


def run_one_shot(runtime: FaceRuntime, argv: list[str]) -> int:
    """Run one command and print its result: table on a terminal, else as asked."""
    from rich.console import Console

    from cloudshell.commands import Context, registry, run
    from cloudshell.output import emit
    from cloudshell.progress import ProgressBars

    err = Console(stderr=True, highlight=False)
    if hasattr(runtime, "runtimes"):   # several clouds (cloud/cloudset.py)
        from cloudshell.one_shot_clouds import run_in_clouds

        with ProgressBars(err) as bars:
            return run_in_clouds(runtime, argv, fmt_for=default_output, confirm=_tty_confirm,
                                 console=Console(highlight=False, soft_wrap=False), err=err,
                                 progress=lambda line: err.print(line, markup=False), meter=bars)
    inv = registry().parse(argv)

    with ProgressBars(err) as bars:  # draws only when stderr is a terminal
        ctx = Context.for_runtime(runtime, interactive=False, confirm=_tty_confirm,
                                  progress=lambda line: err.print(line, markup=False), meter=bars)
        result = run(ctx, inv)
    fmt = inv.output or default_output(runtime, euca=inv.euca_name)
    console = Console(highlight=False, soft_wrap=False)
    emit(result, fmt=fmt, query=inv.query, console=console, err_console=err)
    return result.exit_code


def default_output(runtime: FaceRuntime, euca: bool = False) -> str:
    """euca2ools' records under a ``euca-`` name (what its scripts read); else table on a terminal
    and tsv for pipes, one line per record (grep/awk friendly), unless configured."""
    from cloudshell.commands.registry import OUTPUT_FORMATS

    if euca:
        return "euca"
    chosen = os.environ.get("CLOUDSHELL_OUTPUT") or runtime.user_config.get("output")
    if chosen in OUTPUT_FORMATS:
        return chosen
    return "table" if sys.stdout.isatty() else "tsv"


def _tty_confirm(question: str) -> bool:
    """Ask on the terminal; without one, the answer is no (scripts pass --yes)."""
    if not sys.stdin.isatty():
        return False
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


if __name__ == "__main__":
    raise SystemExit(main())
