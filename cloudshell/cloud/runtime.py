"""The wiring every face shares: settings → session → poller, and the demo cloud's lifetime."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cloudshell.cloud.config import GlobalFlags, Settings
    from cloudshell.cloud.demo import DemoCloud
    from cloudshell.cloud.poller import Poller
    from cloudshell.cloud.procpoller import ProcessPoller
    from cloudshell.cloud.session import CloudSession

log = logging.getLogger(__name__)

# Records per page for a poller in a face's process: measured with bench/fake_ec2.py, botocore
# parses an EC2 instance in ~0.1-0.5 ms (0.5 on this loaded 2-core machine), so 50 a page keeps
# each parse, which holds the GIL, to a few milliseconds to a few tens.
THREAD_PAGE_SIZE = 50


@dataclass
class Runtime:
    """One endpoint's settings, session and (once asked for) poller; ``close()`` ends them all."""

    settings: Settings | None        # None: a test's runtime on a bare session
    session: CloudSession
    demo: DemoCloud | None = None    # while --demo runs
    interval: float = 5.0
    read_only: bool = False
    user_config: dict[str, Any] = field(default_factory=dict)
    name: str | None = None          # the cloud's name when several are open (cloud/clouds.py)
    short: str = ""                  # … and its Cloud column abbreviation
    origin: str = ""                 # … and where it was defined ("config [clouds.prod]")
    _poller: Poller | None = None
    _process_poller: ProcessPoller | None = None

    @property
    def label(self) -> str:
        return "demo" if self.demo is not None else self.session.endpoint.label

    @property
    def phase(self) -> str:
        """Nothing left to do: this runtime is open (the monitor's placeholder says what it waits for)."""
        return ""

    def poller(self, *, start: bool = True) -> Poller:
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

    def monitor_poller(self, *, start: bool = True) -> ProcessPoller:
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
        if self._poller is not None:
            self._poller.stop()
        if self._process_poller is not None:
            self._process_poller.stop()
        try:
            self.session.close()
        finally:
            if self.demo is not None:
                self.demo.stop()
                self.demo = None


def _bounds(deadline: float | None) -> dict[str, float]:
    # --deadline SECONDS bounds reads; a mutation gets twice as long (an upload, a launch).
    return {"deadline": deadline, "mutation_deadline": 2 * deadline} if deadline else {}


def start_monitor_poller(flags: Any, *, interval: float = 5.0, deadline: float | None = None):
    """The monitor's process poller, started before the rest of the runtime opens (and before
    Textual is imported); None when the settings do not resolve (open_runtime then says why)."""
    from cloudshell.cloud.config import resolve
    from cloudshell.cloud.errors import CloudshellError
    from cloudshell.cloud.procpoller import ProcessPoller

    try:
        endpoint = resolve(flags).endpoint(**_bounds(deadline))
    except (CloudshellError, OSError, ValueError):
        return None
    return ProcessPoller(endpoint, interval=interval, fast_interval=min(1.0, interval)).start()


def open_runtime(flags: GlobalFlags, *, demo: bool = False, demo_activity: bool = False,
                 interval: float = 5.0, read_only: bool = False, deadline: float | None = None,
                 process_poller: Any = None, random_seed: int = 0,
                 user_config: dict[str, Any] | None = None) -> Runtime:
    """Resolve settings (starting the demo cloud first if asked) and make the session; a
    ``process_poller`` already started (start_monitor_poller) becomes its monitor poller."""
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
        session = CloudSession(settings.endpoint(**_bounds(deadline)))
    except BaseException:
        if cloud is not None:
            cloud.stop()
        if process_poller is not None:
            process_poller.stop()
        raise
    runtime = Runtime(settings=settings, session=session, demo=cloud, interval=interval,
                      read_only=read_only, user_config=user_config)
    if process_poller is not None:
        from cloudshell.cloud.idcache import PollWriter

        process_poller.subscribe(PollWriter(session))  # shell completion's IDs
        runtime._process_poller = process_poller
    return runtime
