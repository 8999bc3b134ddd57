"""wait ID STATE: block until an instance, volume, snapshot or image reaches a state.

With a live face's poller the wait follows the poller's snapshots (and asks
it to re-read the resource); in one-shot use it reads the resource by ID,
backing off from 1 s to 10 s. Each state change is reported as it happens.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from cloudshell.cloud.errors import CloudError, CloudshellError, Refused, UsageError
from cloudshell.cloud.inventory import Inventory, Record, fetch_kind
from cloudshell.cloud.kinds import KINDS, kind_of_id
from cloudshell.commands.context import Context, Result
from cloudshell.commands.registry import INT, RESOURCE, STATE, Invocation, Param, command
from cloudshell.commands.targets import label
from cloudshell.commands.values import resource_id, shown

# The states `wait` takes, per kind; the state of one no longer listed (gone_state) and the
# states nothing comes back from (dead_ends) are the kinds' rows too.
STATES: dict[str, tuple[str, ...]] = {k.name: k.wait_states for k in KINDS.values() if k.wait_states}
DEFAULT_TIMEOUT = 600.0
MAX_TIMEOUT = 24 * 3600.0
FIRST_DELAY, MAX_DELAY = 1.0, 10.0


class WaitTimedOut(CloudshellError):
    """The resource did not reach the state in time. Exit 1."""

    exit_code = 1


def timeout_seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= MAX_TIMEOUT or value != value:
        raise UsageError(f"{shown(raw)} is not a timeout "
                         f"(expected seconds, more than 0 and at most {MAX_TIMEOUT:.0f})")
    return value


def _kind(rid: str) -> str:
    kind = kind_of_id(rid)
    if kind is None or kind.name not in STATES:
        raise UsageError(f"wait: {rid} is not an instance, volume, snapshot or image ID "
                         "(expected i-…, vol-…, snap-…, emi-/ami-…)")
    return kind.name


def _check(ctx: Context, inv: Invocation) -> None:
    kind = _kind(inv.id)
    if inv.state not in STATES[kind]:
        raise UsageError(f"wait: {shown(inv.state)} is not a state of {KINDS[kind].singular}s "
                         f"(expected one of {', '.join(STATES[kind])})")


class _Watch:
    """One resource's state as last seen, and how to say what happened to it."""

    def __init__(self, ctx: Context, rid: str, kind: str, target: str) -> None:
        self.ctx, self.rid, self.kind, self.target = ctx, rid, kind, target
        self.started = time.monotonic()
        self.rec: Record | None = None
        self.state = ""

    @property
    def who(self) -> str:
        return label(self.rec, self.rid)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def read_now(self) -> str:
        recs, _ = fetch_kind(self.ctx.session, KINDS[self.kind], ids=[self.rid])
        return self.seen(recs.get(self.rid))

    def seen(self, rec: Record | None) -> str:
        self.rec = rec or self.rec
        return rec.state if rec is not None else KINDS[self.kind].gone_state

    def moved(self, new: str) -> None:
        if new != self.state:
            self.ctx.progress(f"{self.who} {self.state} → {new} ({self.elapsed:.0f} s)")
            self.state = new

    def settled(self) -> bool:
        """True when reached; raises when the state can never become the target."""
        if self.state == self.target:
            return True
        if self.state in KINDS[self.kind].dead_ends:
            raise Refused(f"wait: {self.who} is {self.state}; it will never be {self.target}")
        return False


def _follow_poller(watch: _Watch, poller, deadline: float) -> None:
    seen_at = time.time()

    def state_in(inv: Inventory) -> str | None:
        if not inv.has(watch.kind):
            return None
        return watch.seen(inv.get(watch.rid, watch.kind))

    def changed(inv: Inventory) -> bool:
        # Only snapshots newer than our own read count: an older one would "undo" it.
        return inv.fetched_at > seen_at and state_in(inv) not in (None, watch.state)

    while not watch.settled():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        poller.refresh_now(ids=[watch.rid])
        try:
            inv = poller.wait_until(changed, timeout=min(left, 5.0))
        except TimeoutError:
            continue
        seen_at = inv.fetched_at
        watch.moved(state_in(inv) or watch.state)


def _poll_by_id(watch: _Watch, deadline: float, sleep: Callable[[float], None]) -> None:
    delay = FIRST_DELAY
    while not watch.settled():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        sleep(min(delay, left))
        delay = min(delay * 1.5, MAX_DELAY)
        try:
            new = watch.read_now()
        except CloudError as exc:
            if not exc.retryable:
                raise
            watch.ctx.progress(f"{watch.who}: {exc} (retrying)")
            continue
        if new != watch.state:
            delay = FIRST_DELAY   # things are moving: look again soon
        watch.moved(new)


@command("wait", "shell", "Wait until a resource reaches a state (with a timeout).",
         params=(Param("id", kind=RESOURCE, required=True, convert=resource_id, metavar="ID",
                       help="instance, volume, snapshot or image ID"),
                 Param("state", kind=STATE, required=True, metavar="STATE",
                       help="the state to wait for, e.g. running, available, completed"),
                 Param("timeout", ("--timeout",), kind=INT, convert=timeout_seconds, metavar="SECONDS",
                       help=f"give up after this long (default {DEFAULT_TIMEOUT:.0f})")),
         check=_check, euca=False, example="wait i-1a2b3c4d running --timeout 300")
def wait(ctx: Context, inv: Invocation, sleep: Callable[[float], None] = time.sleep) -> Result:
    kind = _kind(inv.id)
    timeout = inv.timeout or DEFAULT_TIMEOUT
    watch = _Watch(ctx, inv.id, kind, inv.state)
    watch.rec = ctx.inventory().get(inv.id, kind)
    watch.state = watch.read_now()
    gone = KINDS[kind].gone_state
    if watch.state == gone and watch.rec is None and inv.state != gone:
        raise UsageError(f"no {KINDS[kind].singular} {inv.id} here (check the ID with describe-{kind})")
    if watch.settled():
        return Result(data={"Id": inv.id, "State": watch.state, "Seconds": 0.0},
                      lines=(f"{watch.who} is {watch.state}",))
    ctx.progress(f"waiting for {watch.who} to be {inv.state} (now {watch.state}; timeout {timeout:g} s)")
    deadline = watch.started + timeout
    if ctx.poller is not None:
        _follow_poller(watch, ctx.poller, deadline)
    else:
        _poll_by_id(watch, deadline, sleep)
    if watch.state != inv.state:
        raise WaitTimedOut(f"wait: {watch.who} is still {watch.state} after {timeout:g} s "
                           f"(waited for {inv.state})")
    seconds = round(watch.elapsed, 1)
    return Result(data={"Id": inv.id, "State": watch.state, "Seconds": seconds},
                  lines=(f"{watch.who} is {watch.state} (after {seconds:g} s)",))
