"""The REPL over several clouds: one thread poller and one Context per cloud, ``use NAME`` to switch.

The prompt names the current cloud and its region (``prod:us-east-1>``). A command with IDs runs
in the cloud whose inventory holds them (the same ID in two clouds is ambiguous: both named); one
without IDs runs in the current cloud. Tab offers every cloud's IDs, the cloud's name first in
each candidate's meta. With one cloud none of this exists: the REPL is as it always was.
"""

from __future__ import annotations

from typing import Any

from prompt_toolkit.completion import Completer

from cloudshell.cloud.cloudset import health_word, ids_in
from cloudshell.commands import Context

USE_HELP = "switch the current cloud: use NAME (alone: list the clouds)"


class ReplClouds:
    """The clouds of one REPL: which is current, each one's poller and Context."""

    def __init__(self, clouds: Any, pollers: dict[str, Any], handlers: dict[str, Any]) -> None:
        self.clouds = clouds
        self.pollers = pollers
        self.contexts = {name: Context.for_runtime(rt, interactive=True, poller=pollers[name], **handlers)
                         for name, rt in clouds.runtimes.items()}

    @property
    def current(self) -> str:
        return self.clouds.current_name

    def region(self, name: str | None = None) -> str:
        runtime = self.clouds.runtime(name or self.current)
        try:
            return str(runtime.session.region or "")
        except Exception:  # noqa: BLE001 - a cloud without a region still has a prompt
            return ""

    def where(self) -> str:
        """``prod:us-east-1``: the prompt's cloud and region."""
        region = self.region()
        return f"{self.current}:{region}" if region else self.current

    def use(self, words: list[str]) -> str:
        """``use NAME`` (switch; returns what to say) or ``use`` (the list, current marked)."""
        from cloudshell.cloud.errors import UsageError

        if len(words) == 1:
            return "\n".join(f"{'*' if n == self.current else ' '} {n:<12} {self.region(n):<14} "
                             f"{self.pollers[n].health.describe()}" for n in self.clouds.names)
        if len(words) > 2:
            raise UsageError("use takes one cloud name: use NAME")
        self.clouds.use(words[1])
        return f"now in cloud {self.current} ({self.region() or 'no region'})"

    def context_for(self, inv: Any) -> tuple[str, Context]:
        """The cloud a parsed command runs in, and its Context."""
        ids = ids_in(inv.values)
        name = self.clouds.cloud_for(ids, lambda rt: self.pollers[rt.name].inventory) if ids else self.current
        return name, self.contexts[name]

    def others_health(self) -> str:
        """The other clouds' health for the toolbar: ``aws-eu stale 12:03:04 · dev ok``."""
        return " · ".join(f"{n} {health_word(self.pollers[n].health)}" for n in self.clouds.names
                          if n != self.current)


def tagged(inventory: Any, cloud: str) -> Any:
    """The inventory with each record's ``cloud`` field set (completion shows it beside the ID)."""
    from dataclasses import replace
    from types import MappingProxyType

    from cloudshell.cloud.inventory import Inventory

    records = {kind: {rid: replace(rec, fields=MappingProxyType({**rec.fields, "cloud": cloud}))
                      for rid, rec in recs.items()}
               for kind, recs in inventory.records.items()}
    return Inventory(records=records, fetched_at=inventory.fetched_at, truncated=inventory.truncated)


def merged(inventories: list[Any]) -> Any:
    """One inventory of every cloud's (tagged) records; what Tab offers before an ID names a cloud."""
    from cloudshell.cloud.inventory import Inventory

    records: dict[str, dict[str, Any]] = {}
    for inv in inventories:
        for kind, recs in inv.records.items():
            records.setdefault(kind, {}).update(recs)
    return Inventory(records=records, fetched_at=min((i.fetched_at for i in inventories if i.fetched_at), default=0.0),
                     truncated=frozenset().union(*(i.truncated for i in inventories)))


class CloudsCompleter(Completer):
    """Tab over several clouds: every cloud's IDs until the line holds one, then only its cloud's;
    ``use <Tab>`` offers the clouds' names. Plain data, rebuilt whole when any cloud's snapshot changes."""

    def __init__(self, sources: dict[str, Any], registry: Any, extra: dict[str, str],
                 previous: CloudsCompleter | None = None) -> None:
        from cloudshell.repl.completer import InventoryCompleter

        self.sources = sources                       # cloud → its inventory as polled (identity = version)
        self.by_cloud: dict[str, Any] = {}
        for name, inv in sources.items():            # a cloud whose snapshot did not change: as before
            kept = previous.by_cloud.get(name) if previous is not None and previous.sources.get(name) is inv else None
            self.by_cloud[name] = kept or InventoryCompleter(tagged(inv, name), registry, extra)
        self.all = InventoryCompleter(merged([c.inventory for c in self.by_cloud.values()]), registry, extra)
        self.inventory = self.all.inventory

    def get_completions(self, document: Any, complete_event: Any):
        from prompt_toolkit.completion import Completion

        from cloudshell.cloud.kinds import kind_of_id

        before = document.text_before_cursor
        words = before.split()
        if words[:1] == ["use"] and (len(words) == 1 and before.endswith(" ") or len(words) == 2 and not before.endswith(" ")):
            typed = "" if before.endswith(" ") else words[1]
            for name in self.by_cloud:
                if name.startswith(typed):
                    yield Completion(name, start_position=-len(typed), display_meta="cloud")
            return
        ids = [w for w in words[1:] if kind_of_id(w)]
        owners = [name for name, c in self.by_cloud.items() if any(c.inventory.get(i) for i in ids)]
        completer = self.by_cloud[owners[0]] if len(owners) == 1 else self.all
        yield from completer.get_completions(document, complete_event)
