"""The wiring every face shares: settings → session → poller, and the demo cloud's lifetime."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """One endpoint's settings, session and (once asked for) poller; ``close()`` ends them all."""

    settings: Any                    # config.Settings
    session: Any                     # session.CloudSession
    demo: Any = None                 # demo.DemoCloud while --demo runs
    interval: float = 5.0
    read_only: bool = False
    user_config: dict = field(default_factory=dict)
    _poller: Any = None

    @property
    def label(self) -> str:
        return "demo" if self.demo is not None else self.session.endpoint.label

    def poller(self, *, start: bool = True):
        """The one poller of this session, created and started on first use."""
        if self._poller is None:
            from cloudshell.cloud.poller import Poller

            self._poller = Poller(self.session, interval=self.interval,
                                  fast_interval=min(1.0, self.interval))
        if start:
            self._poller.start()
        return self._poller

    def close(self) -> None:
        if self._poller is not None:
            self._poller.stop()
        try:
            self.session.close()
        finally:
            if self.demo is not None:
                self.demo.stop()
                self.demo = None


def open_runtime(flags: Any, *, demo: bool = False, demo_activity: bool = False,
                 interval: float = 5.0, read_only: bool = False, deadline: float | None = None) -> Runtime:
    """Resolve settings (starting the demo cloud first if asked) and make the session."""
    from dataclasses import replace

    from cloudshell.cloud.config import resolve
    from cloudshell.cloud.session import CloudSession
    from cloudshell.cloud.userconfig import load_user_config

    user_config = load_user_config()  # first: a bad config.toml is refused before any demo or network work
    cloud = None
    if demo or demo_activity:
        from cloudshell.cloud.demo import DemoCloud

        cloud = DemoCloud()
        url = cloud.start()  # stops its child itself if start fails
        if demo_activity:
            cloud.activity()
        flags = replace(flags, demo_endpoint=url, demo_bundling=cloud.bundling_settings())
    try:
        settings = resolve(flags)
        # --deadline SECONDS bounds reads; a mutation gets twice as long (an upload, a launch).
        bounds = {"deadline": deadline, "mutation_deadline": 2 * deadline} if deadline else {}
        session = CloudSession(settings.endpoint(**bounds))
    except BaseException:
        if cloud is not None:
            cloud.stop()
        raise
    return Runtime(settings=settings, session=session, demo=cloud, interval=interval,
                   read_only=read_only, user_config=user_config)
