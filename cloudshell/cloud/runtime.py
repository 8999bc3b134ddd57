"""The wiring every face shares: settings → session → poller, and the demo cloud's lifetime."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

# Records per page for a poller in a face's process: measured with bench/fake_ec2.py, botocore
# parses an EC2 instance in ~0.1-0.5 ms (0.5 on this loaded 2-core machine), so 50 a page keeps
# each parse, which holds the GIL, to a few milliseconds to a few tens.
THREAD_PAGE_SIZE = 50


@dataclass
class Runtime:
    """One endpoint's settings, session and (once asked for) poller; ``close()`` ends them all."""

    settings: Any                    # config.Settings
    session: Any                     # session.CloudSession
    demo: Any = None                 # demo.DemoCloud while --demo runs
    interval: float = 5.0
    read_only: bool = False
    user_config: dict = field(default_factory=dict)
    name: str | None = None          # the cloud's name when several are open (cloud/clouds.py)
    short: str = ""                  # … and its Cloud column abbreviation
    origin: str = ""                 # … and where it was defined ("config [clouds.prod]")
    _poller: Any = None
    _process_poller: Any = None

    @property
    def label(self) -> str:
        return "demo" if self.demo is not None else self.session.endpoint.label

    def poller(self, *, start: bool = True):
        """The one poller of this session, created and started on first use."""
        if self._poller is None:
            from cloudshell.cloud.poller import Poller

            from cloudshell.cloud.idcache import PollWriter

            # In the face's own process: pages small enough that parsing one holds the GIL
            # only a few milliseconds (the prompt answers between two pages).
            self._poller = Poller(self.session, interval=self.interval, page_size=THREAD_PAGE_SIZE,
                                  fast_interval=min(1.0, self.interval))
            self._poller.subscribe(PollWriter(self.session))  # shell completion's IDs
        if start:
            self._poller.start()
        return self._poller

    def monitor_poller(self, *, start: bool = True):
        """The monitor's poller: the same sweeps in a child process (cloud/procpoller.py); the
        ``r`` drop into the REPL shares it. The endpoint's page size: parsing stalls nobody there."""
        if self._process_poller is None:
            from cloudshell.cloud.procpoller import ProcessPoller

            from cloudshell.cloud.idcache import PollWriter

            self._process_poller = ProcessPoller(self.session.endpoint, interval=self.interval,
                                                 fast_interval=min(1.0, self.interval))
            self._process_poller.subscribe(PollWriter(self.session))  # shell completion's IDs
        if start:
            self._process_poller.start()
        return self._process_poller

    def close(self) -> None:
        for poller in (self._poller, self._process_poller):
            if poller is not None:
                poller.stop()
        try:
            self.session.close()
        finally:
            if self.demo is not None:
                self.demo.stop()
                self.demo = None


def open_runtime(flags: Any, *, demo: bool = False, demo_activity: bool = False,
                 interval: float = 5.0, read_only: bool = False, deadline: float | None = None,
                 random_seed: int = 0, user_config: dict | None = None) -> Runtime:
    """Resolve settings (starting the demo cloud first if asked) and make the session."""
    from dataclasses import replace

    from cloudshell.cloud.config import resolve
    from cloudshell.cloud.session import CloudSession
    from cloudshell.cloud.userconfig import load_user_config

    if user_config is None:
        user_config = load_user_config()  # first: a bad config.toml is refused before any demo or network work
    cloud = None
    if demo or demo_activity:
        from cloudshell.cloud.demo import DemoCloud

        cloud = DemoCloud(random_seed=random_seed)
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
