"""What faces and commands rely on from a poller and a runtime, as typing Protocols.

The real ones (:class:`~cloudshell.cloud.poller.Poller`,
:class:`~cloudshell.cloud.procpoller.ProcessPoller`,
:class:`~cloudshell.cloud.runtime.Runtime`, the monitor's ``opening.Opening``) and
the tests' fakes all satisfy them, so the faces name what they use instead of
probing for it with ``getattr``. Nothing here runs: it only describes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from cloudshell.cloud.config import Settings
    from cloudshell.cloud.demo import DemoCloud
    from cloudshell.cloud.inventory import Inventory
    from cloudshell.cloud.poller import Health, PollUpdate
    from cloudshell.cloud.session import CloudSession


class PollerView(Protocol):
    """What a command uses of a face's poller: its snapshot, a refresh, a wait on the next ones."""

    @property
    def inventory(self) -> Inventory: ...

    def refresh_now(self, ids: Iterable[str] = (), kinds: Iterable[str] = ()) -> None: ...

    def wait_until(self, predicate: Callable[[Inventory], bool], timeout: float) -> Inventory: ...


class LivePoller(PollerView, Protocol):
    """What a face uses of its poller besides: health, updates as they come, start and stop."""

    @property
    def health(self) -> Health: ...

    def subscribe(self, fn: Callable[[PollUpdate], None]) -> Callable[[], None]: ...

    def start(self) -> LivePoller: ...

    def stop(self, timeout: float = ...) -> None: ...


class FaceRuntime(Protocol):
    """What a face runs on: one endpoint's session, settings and pollers (``runtime.Runtime``).

    ``phase`` says what is still being done while the monitor opens the runtime behind its
    first frame (``"connecting…"``); it is ``""`` once open, and only then is ``session`` set.
    """

    @property
    def label(self) -> str: ...

    @property
    def session(self) -> CloudSession | None: ...

    @property
    def settings(self) -> Settings | None: ...

    @property
    def demo(self) -> DemoCloud | None: ...

    @property
    def read_only(self) -> bool: ...

    @property
    def user_config(self) -> Mapping[str, Any]: ...

    @property
    def interval(self) -> float: ...

    @property
    def phase(self) -> str: ...

    def poller(self, *, start: bool = True) -> LivePoller: ...

    def monitor_poller(self, *, start: bool = True) -> LivePoller: ...

    def close(self) -> None: ...
