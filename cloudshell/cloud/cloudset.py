"""Several clouds open at once: one Runtime (settings, session, poller) per cloud, by name.

A face given a ``CloudSet`` instead of one Runtime sees the current cloud through the same
attributes (``session``, ``settings``, ``poller()``…), so whatever it does not know about
several clouds goes to the current one; ``use(name)`` changes which. IDs find their cloud
through each cloud's inventory (``clouds_of``); one ID in two clouds is ambiguous, never guessed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from cloudshell.cloud.errors import CloudshellError, UsageError

log = logging.getLogger(__name__)


class CloudSet:
    """Named runtimes in the order they were asked for; the first is current at the start."""

    def __init__(self, runtimes: Sequence[Any], warnings: Sequence[str] = ()) -> None:
        if not runtimes:
            raise ValueError("a CloudSet needs at least one cloud")
        self.runtimes: dict[str, Any] = {rt.name: rt for rt in runtimes}
        self.current_name: str = runtimes[0].name
        self.warnings = tuple(warnings)
        self._clouds_poller: Any = None

    # -- which cloud -----------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return list(self.runtimes)

    @property
    def current(self) -> Any:
        return self.runtimes[self.current_name]

    def runtime(self, name: str) -> Any:
        """The cloud called ``name``; an unknown name lists the known ones."""
        try:
            return self.runtimes[name]
        except KeyError:
            raise UsageError(f"unknown cloud {name!r} (known: {', '.join(self.runtimes)})") from None

    def use(self, name: str) -> Any:
        """Make ``name`` the cloud commands without IDs go to."""
        runtime = self.runtime(name)
        self.current_name = name
        return runtime

    def clouds_of(self, ids: Iterable[str], inventory_of: Callable[[Any], Any]) -> dict[str, list[str]]:
        """Each ID → the names of the clouds whose inventory (``inventory_of(runtime)``) holds it."""
        from cloudshell.cloud.kinds import kind_of_id

        found: dict[str, list[str]] = {}
        inventories = {name: inventory_of(rt) for name, rt in self.runtimes.items()}
        for rid in ids:
            kind = kind_of_id(rid)
            found[rid] = [name for name, inv in inventories.items()
                          if inv is not None and _holds(inv, kind.name if kind else None, rid)]
        return found

    def cloud_for(self, ids: Sequence[str], inventory_of: Callable[[Any], Any], *,
                  unknown_here: bool = True, how: str = "use NAME first") -> str:
        """The one cloud all of ``ids`` belong to; IDs no cloud knows go to the current one
        (``unknown_here``), else they are an error naming the clouds looked in.

        The same ID in two clouds, or IDs of two clouds in one command, is a usage error naming them.
        """
        owners = self.clouds_of(ids, inventory_of)
        named: set[str] = set()
        for rid, names in owners.items():
            if len(names) > 1:
                raise UsageError(f"{rid} is ambiguous: it is in clouds {' and '.join(names)} "
                                 f"(say which: {how})")
            named.update(names)
        if len(named) > 1:
            by = ", ".join(f"{rid} in {names[0]}" for rid, names in owners.items() if names)
            raise UsageError(f"one command acts on one cloud: {by}")
        if not named and not unknown_here:
            from cloudshell.cloud.errors import CloudError

            raise CloudError("NotFound", f"{', '.join(ids)}: in none of the clouds {', '.join(self.names)}")
        return named.pop() if named else self.current_name

    # -- the current cloud, as one Runtime -------------------------------------------
    @property
    def session(self) -> Any:
        return self.current.session

    @property
    def settings(self) -> Any:
        return self.current.settings

    @property
    def demo(self) -> Any:
        return self.current.demo

    @property
    def interval(self) -> float:
        return self.current.interval

    @property
    def read_only(self) -> bool:
        return self.current.read_only

    @property
    def user_config(self) -> dict:
        return self.current.user_config

    @property
    def label(self) -> str:
        return self.current_name

    phase = ""   # open: the monitor's placeholder has one while it opens (opening.py)

    def poller(self, *, start: bool = True) -> Any:
        return self.current.poller(start=start)

    def monitor_poller(self, *, start: bool = True) -> Any:
        """Every cloud's child-process poller (one process per cloud: one cloud stalling or dying
        never holds another's sweeps), merged into one for the monitor (cloud/cloudspoller.py)."""
        if self._clouds_poller is None:
            from cloudshell.cloud.cloudspoller import CloudsPoller

            self._clouds_poller = CloudsPoller(
                {name: rt.monitor_poller(start=False) for name, rt in self.runtimes.items()},
                {name: rt.short or name for name, rt in self.runtimes.items()})
        if start:
            self._clouds_poller.start()
        return self._clouds_poller

    def shorts(self) -> dict[str, str]:
        return {name: rt.short or name for name, rt in self.runtimes.items()}

    def close(self) -> None:
        """Close every cloud; one failing to close never keeps the others open."""
        if self._clouds_poller is not None:
            self._clouds_poller.stop()   # all at once, not one cloud's stop after another
            self._clouds_poller.close()
        for runtime in self.runtimes.values():
            try:
                runtime.close()
            except Exception:  # noqa: BLE001 - the others still close
                log.exception("closing cloud %s", runtime.name)


# Error codes that say the credentials are wrong (not that the cloud is away).
CREDENTIAL_CODES = frozenset({
    "AuthFailure", "InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException",
    "InvalidAccessKeyId", "ExpiredToken", "ExpiredTokenException", "InvalidToken", "UnauthorizedOperation",
})


def health_word(health: Any) -> str:
    """One cloud's health in a few characters: ``ok``, ``retrying``, ``stale 12:03:04``, ``connecting``."""
    import time

    state = getattr(health, "state", "starting")
    if state == "starting":
        return "connecting"
    error = str(getattr(health, "last_error", "") or "")
    code = error.split(":", 1)[0]
    if state in ("retrying", "stale") and code in CREDENTIAL_CODES:
        return f"failing ({code})"     # waiting will not help: the keys are wrong or expired
    if state == "stale":
        since = getattr(health, "stale_since", None) or time.time()
        return f"stale {time.strftime('%H:%M:%S', time.localtime(since))}"
    return state


def clouds_health(names: Sequence[str], health_of: Callable[[str], Any]) -> str:
    """``prod ok · aws-eu stale 12:03:04``: every cloud's health, in order."""
    return " · ".join(f"{name} {health_word(health_of(name))}" for name in names)


def ids_in(values: Mapping[str, Any]) -> list[str]:
    """The resource IDs among a parsed command's values (``i-…``, ``vol-…``; not names or IPs)."""
    from cloudshell.cloud.kinds import kind_of_id

    found: list[str] = []
    for value in values.values():
        for item in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(item, str) and kind_of_id(item) is not None and item not in found:
                found.append(item)
    return found


def _holds(inv: Any, kind: str | None, rid: str) -> bool:
    return inv.get(rid, kind) is not None


def open_cloud_set(specs: Sequence[Any], *, demo_clouds: int = 0, demo_activity: bool = False,
                   interval: float = 5.0, read_only: bool = False, deadline: float | None = None,
                   user_config: dict | None = None) -> CloudSet:
    """Open each cloud of ``specs`` (or ``demo_clouds`` demo clouds, seeded differently); a failure
    to open one closes those already open."""
    from cloudshell.cloud.clouds import CloudSpec, same_endpoints
    from cloudshell.cloud.config import GlobalFlags
    from cloudshell.cloud.runtime import open_runtime
    from cloudshell.cloud.userconfig import load_user_config

    user_config = load_user_config() if user_config is None else user_config
    if demo_clouds:
        specs = [CloudSpec(f"demo{i + 1}", GlobalFlags(), origin="--demo-clouds", short=f"demo{i + 1}")
                 for i in range(demo_clouds)]
    opened: list[Any] = []
    try:
        for i, spec in enumerate(specs):
            try:
                runtime = open_runtime(spec.flags, demo=bool(demo_clouds), demo_activity=demo_activity and bool(demo_clouds),
                                       interval=interval, read_only=read_only or spec.read_only,
                                       deadline=deadline, random_seed=i, user_config=user_config)
            except CloudshellError as exc:
                exc.message = f"cloud {spec.name} ({spec.origin}): {exc.message}"
                raise
            runtime.name, runtime.short = spec.name, spec.short or spec.name
            runtime.origin = spec.origin
            opened.append(runtime)
    except BaseException:
        for runtime in opened:
            runtime.close()
        raise
    warnings = [] if demo_clouds else same_endpoints({rt.name: rt.settings for rt in opened})
    return CloudSet(opened, warnings)


def one_cloud_view(words: Sequence[str], inventory: Any) -> Any:
    """A merged inventory (records tagged with their cloud) cut to the one cloud the IDs among
    ``words`` belong to, so Tab offers only that cloud's resources; otherwise unchanged."""
    from types import MappingProxyType

    from cloudshell.cloud.inventory import Inventory
    from cloudshell.cloud.kinds import kind_of_id

    named = {rec["cloud"] for w in words if kind_of_id(w) and (rec := inventory.get(w)) is not None}
    named.discard("")
    if len(named) != 1:
        return inventory
    (cloud,) = named
    records = {kind: MappingProxyType({rid: r for rid, r in recs.items() if r["cloud"] == cloud})
               for kind, recs in inventory.records.items()}
    return Inventory(records=MappingProxyType(records), fetched_at=inventory.fetched_at,
                     truncated=inventory.truncated)
