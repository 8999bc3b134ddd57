"""The monitor over several clouds: which cloud a command runs in, and the cloud filter.

The app's runtime is then a ``CloudSet`` and its poller a ``CloudsPoller`` (one child process per
cloud, merged). A command with IDs runs in the cloud whose inventory holds them (the same ID in
two clouds, or IDs of two clouds in one command, is refused naming them); one without IDs in the
current cloud: the one the filter shows (``c`` cycles it, ``:cloud NAME`` sets it), else the
first. With one cloud nothing here is used.
"""

from __future__ import annotations

from typing import Any


def clouds_of(app: Any) -> Any:
    """The app's CloudSet when it shows several clouds, else None."""
    runtime = app.runtime
    return runtime if hasattr(runtime, "runtimes") and len(runtime.runtimes) > 1 else None


def command_cloud(app: Any, invocation: Any) -> tuple[Any, Any]:
    """(runtime, poller) a parsed command runs with: its IDs' cloud, else the current one."""
    from cloudshell.cloud.cloudset import ids_in

    clouds = clouds_of(app)
    if clouds is None:
        return app.runtime, app.poller
    pollers = app.poller.pollers
    ids = ids_in(invocation.values) if invocation is not None else []
    name = clouds.cloud_for(ids, lambda rt: pollers[rt.name].inventory,
                            how="filter one cloud with c, or :cloud NAME") if ids else clouds.current_name
    return clouds.runtime(name), pollers[name]


class CloudFilter:
    """All clouds (None) or one; ``cycle()`` goes all → each → all. The filtered cloud is current."""

    def __init__(self, clouds: Any) -> None:
        self.clouds = clouds
        self.name: str | None = None

    @property
    def short(self) -> str | None:
        return self.clouds.runtime(self.name).short or self.name if self.name else None

    def cycle(self) -> str | None:
        names = self.clouds.names
        self.name = names[0] if self.name is None else (
            None if names.index(self.name) == len(names) - 1 else names[names.index(self.name) + 1])
        if self.name is not None:
            self.clouds.use(self.name)
        return self.name

    def set(self, name: str | None) -> str | None:
        """``:cloud NAME`` (an unknown name lists the known ones); ``:cloud`` or ``all``: every cloud."""
        if name in (None, "", "all"):
            self.name = None
            return None
        self.clouds.use(name)   # UsageError naming the known clouds
        self.name = name
        return name

    def label(self) -> str:
        """The status bar's "where": the filtered cloud, else how many."""
        return f"cloud {self.name}" if self.name else f"{len(self.clouds.names)} clouds"
