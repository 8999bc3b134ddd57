"""The ``--demo`` cloud: moto's EC2+S3 server in a child process, seeded Eucalyptus-style.

- server.py: ``MotoServer``, the child process (moto is imported only there);
- no_orphans.py: what makes sure that child never outlives cloudshell;
- seeding.py: ``seed`` and the ``DemoFacts`` it returns; the demo's names and tags;
- activity.py: ``DemoActivity``, the ``--demo-activity`` thread;
- here: ``DemoCloud``, the whole demo (it calls ``seed`` through this module, so
  replacing ``demo.seed`` reaches it), and the public names of all of them.
"""

from __future__ import annotations

import os
import threading
import time
from typing import TYPE_CHECKING, Any

from cloudshell.cloud.demo.activity import DemoActivity
from cloudshell.cloud.demo.no_orphans import stop_all as _stop_all  # noqa: F401 - tests call demo._stop_all()
from cloudshell.cloud.demo.seeding import (  # noqa: F401 - public here, as before the split
    ACTIVITY_TAG, DEMO_ACCOUNT, DEMO_GROUP, DEMO_KEYPAIR, DEMO_REGION, DEMO_ZONES, IMAGE_TYPE_TAG,
    KERNEL_TAG, MIN_INSTANCES, RAMDISK_TAG, DemoFacts, DemoInstance, DemoVolume, seed,
)
from cloudshell.cloud.demo.server import MOTO_MISSING, MotoServer, free_port, moto_available  # noqa: F401

if TYPE_CHECKING:
    from cloudshell.cloud.session import CloudSession


class DemoCloud:
    """MotoServer + seed: what ``--demo`` runs. ``start()`` returns the endpoint URL."""

    def __init__(self, *, instances: int = 10, port: int | None = None,
                 log_path: str | os.PathLike[str] | None = None, random_seed: int | None = 0,
                 credentials: bool = True) -> None:
        self.server = MotoServer(port, log_path=log_path)
        # Bundling needs a user certificate/key and a cloud certificate: made at start in a
        # private temporary folder, removed by stop().
        self.make_credentials = credentials
        self.credentials: Any = None   # bundle.DemoCredentials once started
        self._credentials_dir: Any = None
        self.instances = instances
        self.random_seed = random_seed
        self.session: CloudSession | None = None
        self.facts: DemoFacts | None = None
        self.timings: dict[str, float] = {}
        self._activities: list[DemoActivity] = []

    @property
    def url(self) -> str:
        return self.server.url

    def start(self, timeout: float = 20.0) -> str:
        from cloudshell.cloud.session import CloudSession

        t0 = time.perf_counter()
        booted: dict[str, BaseException | float] = {}

        def boot() -> None:
            try:
                self.server.wait_ready(timeout)
                booted["ready"] = time.perf_counter()
                self.server.preload(("ec2",), timeout)
                booted["loaded"] = time.perf_counter()
            except BaseException as exc:  # noqa: BLE001 - re-raised on the caller's thread
                booted["error"] = exc

        def make_keys() -> None:
            try:
                self._make_credentials()
            except BaseException as exc:  # noqa: BLE001 - re-raised on the caller's thread
                booted["keys_error"] = exc

        keys = threading.Thread(target=make_keys, name="cloudshell-demo-keys", daemon=True)
        try:
            self.server.spawn()
            # The child boots and loads EC2 (~1.5 s) while we import boto3 and
            # build the client (~0.5 s), and make the bundling keys: overlap them.
            waiter = threading.Thread(target=boot, name="cloudshell-demo-boot", daemon=True)
            waiter.start()
            if self.make_credentials:
                keys.start()
            self.session = CloudSession.for_url(self.server.url)
            self.session.ec2  # noqa: B018 - build the client now
            t1 = time.perf_counter()
            waiter.join()
            if isinstance(booted.get("error"), BaseException):
                raise booted["error"]  # type: ignore[misc]
            t2 = time.perf_counter()
            if self.random_seed is not None:
                self.server.reset(random_seed=self.random_seed)
            self.facts = seed(self.session, instances=self.instances, network=True)
            if keys.ident is not None:
                keys.join()
            if isinstance(booted.get("keys_error"), BaseException):
                raise booted["keys_error"]  # type: ignore[misc]
        except BaseException:
            if keys.ident is not None:
                keys.join()
            self.stop()
            raise
        t3 = time.perf_counter()
        self.timings = {"client": t1 - t0, "server_ready": float(booted["ready"]) - t0,
                        "ec2_loaded": float(booted["loaded"]) - t0, "seed": t3 - t2, "total": t3 - t0}
        return self.server.url

    def _make_credentials(self) -> None:
        import tempfile

        from cloudshell.cloud.bundle import make_demo_credentials

        folder = tempfile.TemporaryDirectory(prefix="cloudshell-demo-", ignore_cleanup_errors=True)
        self._credentials_dir = folder  # mode 0700; removed by stop(), else at exit
        self.credentials = make_demo_credentials(folder.name)

    def bundling_settings(self) -> tuple[tuple[str, str], ...]:
        """(setting, value) of the demo's bundling credentials, for config.resolve (empty before start)."""
        c = self.credentials
        if c is None:
            return ()
        return (("cert", str(c.user_cert)), ("private_key", str(c.user_key)),
                ("cloud_cert", str(c.cloud_cert)), ("user_id", DEMO_ACCOUNT))

    def activity(self, stop_event: threading.Event | None = None, period: float = 5.0,
                 *, random_seed: int | None = None) -> DemoActivity:
        """Start the ``--demo-activity`` thread; ``stop()`` (here or on it) joins it."""
        if self.session is None:
            raise RuntimeError("DemoCloud.activity() before start()")
        thread = DemoActivity(self.session, period=period, stop_event=stop_event,
                              random_seed=random_seed)
        self._activities.append(thread)
        thread.start()
        return thread

    def stop(self) -> None:
        for thread in self._activities:
            thread.stop(timeout=10.0)
        self._activities.clear()
        if self.session is not None:
            self.session.close()
            self.session = None
        self.server.stop()
        folder, self._credentials_dir, self.credentials = self._credentials_dir, None, None
        if folder is not None:
            folder.cleanup()

    def __enter__(self) -> DemoCloud:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = [
    "DemoActivity", "DemoCloud", "DemoFacts", "DemoInstance", "DemoVolume", "MotoServer",
    "MOTO_MISSING", "moto_available", "seed",
]
