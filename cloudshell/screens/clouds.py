"""The main screen's side of several clouds: the Cloud column, ``c`` and ``:cloud NAME``, the status.

A mixin of :class:`~cloudshell.screens.main.MainScreen`. With one cloud none of it shows: no Cloud
column, ``c`` is the console key as before, the status bar unchanged.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from cloudshell.cloud.inventory import fields_getter
from cloudshell.cloud.kinds import KINDS
from cloudshell.monitor_clouds import CloudFilter, clouds_of


class CloudViews:
    """``c`` cycles the cloud filter (all / each), ``:cloud NAME`` sets it; the Cloud column."""

    CLOUD_BINDINGS = [
        Binding("c", "cycle_cloud", "Cloud", show=False),   # before the console's c: it wins with several clouds
        Binding("C", "console", "Console", show=False),     # the console's key then
    ]

    _cloud_filter: CloudFilter | None = None

    @property
    def cloud_filter(self) -> CloudFilter | None:
        clouds = clouds_of(self.app)  # type: ignore[attr-defined]
        if clouds is None:
            return None
        if self._cloud_filter is None or self._cloud_filter.clouds is not clouds:
            self._cloud_filter = CloudFilter(clouds)
        return self._cloud_filter

    def show_clouds(self) -> None:
        """The Cloud column in every table once several clouds are open (after the opening), and
        which clouds' rows are stale."""
        chosen = self.cloud_filter
        stale: frozenset[str] = frozenset()
        if chosen is not None:   # a cloud its poller cannot reach: its rows drawn stale, the others live
            health = getattr(self.app.poller, "cloud_health", {})  # type: ignore[attr-defined]
            shorts = chosen.clouds.shorts()
            stale = frozenset(shorts[n] for n, h in health.items() if h.state == "stale" and n in shorts)
        for table in self.tables():  # type: ignore[attr-defined]
            table.show_clouds(chosen is not None)
            table.set_stale_clouds(stale)

    def action_cycle_cloud(self) -> None:
        chosen = self.cloud_filter
        if chosen is None:
            return
        chosen.cycle()
        self._filter_clouds(chosen)

    def cloud_command(self, argv: list[str]) -> None:
        """``:cloud NAME`` shows one cloud's rows (and makes it current); ``:cloud`` / ``:cloud all`` every one."""
        from cloudshell.cloud.errors import UsageError
        from cloudshell.widgets.command_bar import OutputPanel

        chosen = self.cloud_filter
        output = self.query_one(OutputPanel)  # type: ignore[attr-defined]
        line = " ".join(argv)
        if chosen is None:
            output.show_error(line, "cloud: one cloud is open (several: cloudshell --cloud A --cloud B)")
            return
        if len(argv) > 2:
            output.show_error(line, "cloud takes one name: cloud NAME, or cloud all")
            return
        try:
            chosen.set(argv[1] if len(argv) == 2 else None)
        except UsageError as exc:
            output.show_error(line, str(exc))
            return
        self._filter_clouds(chosen)

    def _filter_clouds(self, chosen: CloudFilter) -> None:
        for table in self.tables():  # type: ignore[attr-defined]
            table.set_cloud_filter(chosen.short)
        self.notify(f"showing {chosen.label() if chosen.name else 'every cloud'}", timeout=2)  # type: ignore[attr-defined]
        self.refresh_status()  # type: ignore[attr-defined]

    _counted: tuple[Any, str | None, dict[str, int]] | None = None   # (snapshot, cloud, its counts)

    def cloud_counts(self, inv: Any) -> dict[str, int]:
        """The status bar's counts: every kind's records, or only the shown cloud's (``c``).
        Counted once a snapshot and cloud: the status clock asks every second."""
        chosen = self.cloud_filter
        short = chosen.short if chosen is not None else None
        if self._counted is not None and self._counted[0] is inv and self._counted[1] == short:
            return self._counted[2]
        kinds = [k for k in KINDS if inv.has(k)]
        if short is None:
            counts = {k: len(inv.of(k)) for k in kinds}
        else:
            counts = {}
            for k in kinds:
                records = inv.of(k)
                fields = fields_getter(records)
                counts[k] = sum(1 for rid in records if fields(rid).get("cloud") == short)
        self._counted = (inv, short, counts)
        return counts

    def cloud_place(self, label: str, region: str) -> tuple[str, str]:
        """The status bar's where: ``cloud b`` and its region, or ``2 clouds``; one cloud: as given."""
        chosen = self.cloud_filter
        if chosen is None:
            return label, region
        if chosen.name is None:
            return chosen.label(), ""
        runtime: Any = chosen.clouds.runtime(chosen.name)
        endpoint = getattr(runtime.session, "endpoint", None)
        return chosen.label(), str(getattr(endpoint, "region", "") or "")
