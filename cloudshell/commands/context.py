"""What a command runs with (session, poller, safety switches) and what it returns."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cloudshell.cloud import idcache
from cloudshell.cloud.errors import CloudError, CloudshellError, Refused
from cloudshell.cloud.inventory import Change, Inventory, Record, diff, fetch_kind
from cloudshell.cloud.kinds import KINDS, kind_of_id

if TYPE_CHECKING:
    from cloudshell.cloud.config import Settings
    from cloudshell.cloud.protocols import FaceRuntime, PollerView
    from cloudshell.cloud.session import CloudSession


class DryRunDone(Exception):
    """Raised by Context.send under --dry-run: the probe's answer; nothing changed."""

    def __init__(self, ok: bool, message: str) -> None:
        super().__init__(message)
        self.ok, self.message = ok, message


@dataclass
class Result:
    """A command's outcome, rendered by each face in its own way.

    ``data`` is the awscli-shaped JSON (what ``--output json`` and ``--query``
    see); ``records`` of ``kind`` make the table; ``lines`` are plain messages.
    """

    data: Any = None
    kind: str | None = None
    records: tuple[Record, ...] = ()
    lines: tuple[str, ...] = ()
    changes: tuple[Change, ...] = ()
    exit_code: int = 0
    title: str | None = None
    raw_text: str | None = None     # printed as is (console output, help)
    raw: bool = False               # raw_text goes out unescaped, control characters and all
    warnings: tuple[str, ...] = ()  # said on stderr in one-shot use (after the output), beside it elsewhere
    operation: str | None = None    # the API call answered ("describe_volumes"): awscli's table title
    pages: tuple[Any, ...] = ()     # a paginated answer page by page, as awscli's text output shows it
    command: str | None = None      # the command that answered, and what it was asked
    request: Mapping[str, Any] | None = None  # (its parsed values): euca2ools' layouts print some of them


def truncation_warning(pages: Any) -> tuple[str, ...]:
    """The warning for a describe cut off by the page cap (``session.pages`` of it), else nothing."""
    if not getattr(pages, "truncated", False):
        return ()
    return (f"output truncated: {pages.operation} stopped after {pages.page_cap} pages while the endpoint "
            "offered more; narrow it with --filter or IDs",)


def read_only_refusal(name: str) -> Refused:
    """What ``--read-only`` answers a mutating command (or operation) with."""
    return Refused(f"{name}: refused, cloudshell runs --read-only (nothing was sent)")


@dataclass
class Context:
    """Everything a command handler may use. Faces build one; handlers never see a UI."""

    session: CloudSession
    poller: PollerView | None = None               # when a face keeps one
    settings: Settings | None = None               # for `config` and bundling defaults
    user_config: Mapping[str, Any] = field(default_factory=dict)
    confirm: Callable[[str], bool] = lambda question: False
    progress: Callable[[str], None] = lambda line: None
    # Long commands (bundles, transfers) report meter(stage, done, total, part=None): bytes done of
    # the stage, and the part in hand as (label, done, total). Faces draw it; commands never do.
    meter: Callable[..., None] = lambda stage, done, total, part=None: None
    assume_yes: bool = False
    read_only: bool = False
    dry_run: bool = False
    interactive: bool = False
    sent: list[str] = field(default_factory=list)   # operations sent by the command running
    _fetched: Inventory = field(default_factory=Inventory)

    @classmethod
    def for_runtime(cls, runtime: FaceRuntime, *, interactive: bool, poller: PollerView | None = None,
                    confirm: Callable[[str], bool] | None = None, progress: Callable[[str], None] | None = None,
                    meter: Callable[..., None] | None = None) -> Context:
        """The context every face builds for one runtime, with its own confirm, progress and meter."""
        if runtime.session is None:     # the monitor's placeholder, while the real one opens
            raise CloudshellError(f"not connected yet: {runtime.phase}")
        ctx = cls(session=runtime.session, poller=poller, settings=runtime.settings,
                  user_config=runtime.user_config or {}, read_only=runtime.read_only, interactive=interactive)
        if confirm is not None:
            ctx.confirm = confirm
        if progress is not None:
            ctx.progress = progress
        if meter is not None:
            ctx.meter = meter
        return ctx

    # -- reading the cloud -----------------------------------------------------------
    def inventory(self, *kinds: str) -> Inventory:
        """A snapshot holding at least ``kinds``: the poller's, else fetched now (one-shot)."""
        if self.poller is not None:
            inv = self.poller.inventory
            if all(inv.has(k) for k in kinds):
                return inv
        missing = [k for k in kinds if not self._fetched.has(k)]
        for name in missing:
            recs, cut = fetch_kind(self.session, KINDS[name])
            self._fetched = self._fetched.replace_kind(name, recs, truncated=cut)
            idcache.remember(self.session, {name: recs.values()}, whole=not cut)
        return self._fetched

    # -- acting on it ----------------------------------------------------------------
    def guard_mutation(self, name: str) -> None:
        if self.read_only:
            raise read_only_refusal(name)

    def send(self, operation: str, *, service: str = "ec2", **params: Any) -> dict[str, Any]:
        """Send one mutating call, honouring --read-only and --dry-run (EC2's DryRun)."""
        self.guard_mutation(operation)
        self.sent.append(operation)
        if self.dry_run:
            if service != "ec2":
                raise DryRunDone(True, f"{operation} would be sent to S3 (S3 has no DryRun; nothing sent)")
            ok, message = self.session.dry_run(operation, **params)
            raise DryRunDone(ok, message)
        return self.session.call(operation, service=service, mutating=True, **params)

    def after_action(self, ids: Iterable[str], kinds: Iterable[str] = ()) -> tuple[Change, ...]:
        """Re-read what an action touched at once; returns what changed."""
        ids = [i for i in ids if i]
        kinds = set(kinds)
        for rid in ids:
            kind = kind_of_id(rid)
            if kind is not None:
                kinds.add(kind.name)
        if self.poller is not None:
            self.poller.refresh_now(ids=ids, kinds=kinds)
            return ()
        before = self._fetched
        changes: list[Change] = []
        for name in kinds:
            wanted = [i for i in ids if (kind_of_id(i) or KINDS[name]).name == name]
            try:
                recs, _ = fetch_kind(self.session, KINDS[name], ids=wanted or None)
            except CloudError:
                continue  # the action happened; a failed re-read must not hide that
            if wanted:
                self._fetched = self._fetched.patch(name, recs, removed=set(wanted) - set(recs))
            else:
                self._fetched = self._fetched.replace_kind(name, recs)
        if not before.empty:
            changes = diff(before, self._fetched, kinds=kinds)
        return tuple(changes)

