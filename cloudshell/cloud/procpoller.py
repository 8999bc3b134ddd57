"""The monitor's poller in a child process: the parsing, the records' garbage and the GIL stay there.

The child runs the ordinary :class:`~cloudshell.cloud.poller.Poller` (sweeps,
pagination, backoff, tiers, health) on its own botocore session. After each publish
it sends, per kind, only the records that are new or changed (kept old records are
the same objects there, so an identity test finds them) and the IDs removed, in
chunks, then one ``commit`` with the health and the change events. The parent's
bridge thread applies a commit whole, so a child that dies mid-update never leaves
a half-applied table. :class:`ProcessPoller` has the thread poller's face
(``inventory``, ``health``, ``subscribe``, ``refresh_now``, ``wait_until``, ``stop``).

Lifecycle: the child dies with its parent however the parent ends (``stop()`` and
atexit ask it; PR_SET_PDEATHSIG covers SIGTERM, SIGHUP, SIGKILL and crashes), runs
in its own process group (Ctrl-C typed at the terminal reaches the UI only) and is
restarted with backoff if it dies; meanwhile the health says so.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from cloudshell.cloud.inventory import Inventory, Record
from cloudshell.cloud.kinds import KINDS
from cloudshell.cloud.pollcore import Health, PollerCore, PollUpdate, backoff

log = logging.getLogger(__name__)

CHUNK = 250                 # records per message: each unpickles in a few ms on the bridge thread
RESTART_FIRST, RESTART_MAX = 0.5, 30.0   # seconds before restarting a dead child: doubling
STOP_TIMEOUT = 5.0

# "spawn", deliberately: the UI process is threaded (Textual's loop, botocore's deadline workers,
# Textual's driver threads) and fork would copy locks other threads hold; forkserver's children
# are the fork server's, so PR_SET_PDEATHSIG would watch the fork server instead of the UI.
# spawn gives a fresh interpreter whose parent is the UI process, and sends the endpoint (the
# secret included) through the pipe, never through argv, the environment or a log line.
START_METHOD = "spawn"


# -- the child -------------------------------------------------------------------------------

def _die_with_parent(parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            prctl = ctypes.CDLL(None, use_errno=True).prctl
            prctl(ctypes.c_ulong(1), ctypes.c_ulong(int(signal.SIGKILL)),  # 1: PR_SET_PDEATHSIG
                  ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0))
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:   # the parent died before prctl: nobody would tell us
        os._exit(0)


def _quiet_stdio() -> None:
    """The terminal belongs to the UI: nothing the child says may reach it."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    logging.lastResort = None
    logging.getLogger().addHandler(logging.NullHandler())


class PackedRaw(Mapping):
    """A record's raw API answer kept as the child pickled it: one bytes object, decoded on each
    use (the detail view, a guard). The table rows need only the record's fields; so the UI's
    heap holds no tree of dicts and lists per record for the cyclic GC to walk (measured at
    10,000 instances: full collections of ~1 s on this loaded machine with the raw dicts)."""

    __slots__ = ("_blob",)

    def __init__(self, blob: bytes) -> None:
        self._blob = blob

    def _dict(self) -> dict:
        return pickle.loads(self._blob)

    def __getitem__(self, key: str) -> Any:
        return self._dict()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._dict().get(key, default)

    def __iter__(self):
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedRaw):
            return self._blob == other._blob
        return isinstance(other, Mapping) and self._dict() == dict(other)

    __hash__ = None  # type: ignore[assignment]


def _wire(rec: Record) -> tuple:
    """One record as one flat tuple of strings and bytes: kind, id, name, state, zone, the raw
    answer pickled, then the display fields as key, value, key, value… Nothing in it is a
    container, so CPython untracks it at its first young collection: the chunks waiting for
    their commit on the bridge thread are never moved to the oldest generation (a tuple
    holding a fields dict stays tracked: 12,000 objects promoted by the first load alone,
    500 by each sweep, and a full collection over the whole heap when they add up)."""
    flat = [rec.kind, rec.id, rec.name, rec.state, rec.zone,
            pickle.dumps(dict(rec.raw), protocol=pickle.HIGHEST_PROTOCOL)]
    for item in rec.fields.items():
        flat.extend(item)
    return tuple(flat)


class PackedRecords(Mapping):
    """One kind's records in the UI process as the wire brought them, in two dicts by ID: a flat
    tuple of strings and the raw answer's bytes, and the dict of display strings. Neither is
    followed by the cyclic GC: CPython untracks a tuple of atoms at its first collection and never
    tracks a dict of strings, so 12,000 records add no object to a full collection's walk (a tuple
    holding the fields dict stays tracked for good: 12,000 objects more on each full collection,
    measured 94-100 ms on the UI thread at 10k instances on this loaded machine). A :class:`Record`
    is made on each lookup: a table reads only the rows on screen, whole-table loops read
    ``fields_of``."""

    __slots__ = ("_rows", "_fields")

    def __init__(self, rows: dict[str, tuple], fields: dict[str, dict[str, str]]) -> None:
        self._rows = rows
        self._fields = fields

    def __getitem__(self, rid: str) -> Record:
        rec = object.__new__(Record)   # the frozen dataclass's own __init__ costs 4× as much
        d = rec.__dict__
        d["kind"], d["id"], d["name"], d["state"], d["zone"], blob = self._rows[rid]
        d["fields"], d["raw"] = MappingProxyType(self._fields[rid]), PackedRaw(blob)
        return rec

    def get(self, rid: str, default: Any = None) -> Any:
        return self[rid] if rid in self._rows else default

    def __contains__(self, rid: object) -> bool:
        return rid in self._rows

    def __iter__(self):
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def fields_of(self, rid: str) -> Mapping[str, str]:
        return self._fields[rid]

    def updated(self, wired: Iterable[tuple], removed: Iterable[str]) -> PackedRecords:
        rows, fields = dict(self._rows), dict(self._fields)
        for rid in removed:
            rows.pop(rid, None)
            fields.pop(rid, None)
        for wire in wired:
            rid = wire[1]
            rows[rid] = wire[:6]
            fields[rid] = dict(zip(wire[6::2], wire[7::2]))
        return PackedRecords(rows, fields)


NO_ROWS = PackedRecords({}, {})


def child_main(conn: Any, endpoint: Any, options: dict[str, Any], parent_pid: int) -> None:
    """The child: a thread Poller whose publishes go down ``conn`` as deltas; commands come up it."""
    _die_with_parent(parent_pid)
    os.setpgrp()                       # Ctrl-C / Ctrl-Z at the terminal are for the UI
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not options.pop("keep_stdio", False):
        _quiet_stdio()
    from cloudshell.cloud.poller import Poller
    from cloudshell.cloud.session import CloudSession

    session = CloudSession(endpoint)
    poller = Poller(session, **options)
    sent: dict[str, Any] = {}          # kind → the mapping the parent has now
    said = {"health": None, "at": 0.0}  # the last commit's health (what a face shows) and time
    send_lock = threading.Lock()

    def on_update(update: PollUpdate) -> None:
        inv = update.inventory
        done: dict[str, tuple[list[str], bool]] = {}
        with send_lock:
            for name, recs in inv.records.items():
                before = sent.get(name)
                if recs is before:
                    continue
                before = before if before is not None else {}
                fresh = [_wire(rec) for rid, rec in recs.items() if before.get(rid) is not rec]
                for start in range(0, len(fresh), CHUNK):
                    conn.send(("recs", name, fresh[start:start + CHUNK]))
                done[name] = ([rid for rid in before if rid not in recs], name in inv.truncated)
                sent[name] = recs
            health = update.health
            shown = (health.state, health.kinds, health.last_error, health.failures)
            if not done and not update.changes and shown == said["health"] and inv.fetched_at - said["at"] < 1.0:
                return   # nothing new but a fresher time stamp, a moment after the last: the UI sleeps on
            said["health"], said["at"] = shown, inv.fetched_at
            conn.send(("commit", done, inv.fetched_at, update.changes, health, poller.requests))

    poller.subscribe(on_update)
    poller.start()
    try:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break                   # the parent is gone
            if message[0] == "stop":
                break
            if message[0] == "refresh":
                poller.refresh_now(ids=message[1], kinds=message[2])
            elif message[0] == "crash":  # tests: a child that dies mid-update (a chunk, no commit)
                with send_lock:
                    half = Record("instances", "i-halfapplied", "", "", "", MappingProxyType({}), {})
                    conn.send(("recs", "instances", [_wire(half)]))
                    os._exit(3)
            elif message[0] == "hang":   # tests: a child stuck for good
                send_lock.acquire()
    finally:
        poller.stop(timeout=2.0)
        session.close()


# -- the parent --------------------------------------------------------------------------------

def _tracker_running() -> None:
    """Start multiprocessing's resource tracker (spawn needs it) with a real stderr: it hands
    ``sys.stderr.fileno()`` to its process, and under Textual sys.stderr is a capture object."""
    from multiprocessing import resource_tracker

    try:
        sys.stderr.fileno()
        resource_tracker.ensure_running()
    except (AttributeError, OSError, ValueError):
        saved = sys.stderr
        sys.stderr = sys.__stderr__
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = saved


class ProcessPoller(PollerCore):
    """The poller, in a child process; the same face as :class:`~cloudshell.cloud.poller.Poller`."""

    def __init__(self, endpoint: Any, *, interval: float = 5.0, fast_interval: float = 1.0,
                 kinds: Iterable[str] = tuple(KINDS), page_cap: int = 50, page_size: int | None = None,
                 max_interval: float | None = None, keep_stdio: bool = False) -> None:
        super().__init__()
        self.endpoint = endpoint
        self.interval = interval
        self.kinds = tuple(kinds)
        self.options = dict(interval=interval, fast_interval=fast_interval, kinds=self.kinds,
                            page_cap=page_cap, page_size=page_size, max_interval=max_interval,
                            keep_stdio=keep_stdio)
        self._stopping = threading.Event()
        self._send_lock = threading.Lock()
        self._conn: Any = None
        self._process: Any = None
        self._bridge: threading.Thread | None = None
        self.requests = 0
        self.restarts = 0
        self._atexit = False

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    # -- control ------------------------------------------------------------------------------
    def start(self) -> ProcessPoller:
        if self._bridge is None:
            self._stopping.clear()
            # The bridge thread spawns every child (the first and each restart) and lives as
            # long as they do: PR_SET_PDEATHSIG fires when the forking *thread* ends.
            self._bridge = threading.Thread(target=self._run, name="cloudshell-poller-bridge", daemon=True)
            self._bridge.start()
            if not self._atexit:
                atexit.register(self.stop)
                self._atexit = True
        return self

    @property
    def running(self) -> bool:
        return self._bridge is not None and self._bridge.is_alive()

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        self._stopping.set()
        self._send(("stop",))
        bridge, self._bridge = self._bridge, None
        if bridge is not None:
            bridge.join(timeout + 2.0)
        if self._atexit:
            atexit.unregister(self.stop)
            self._atexit = False

    def refresh_now(self, ids: Iterable[str] = (), kinds: Iterable[str] = ()) -> None:
        self._send(("refresh", list(ids), list(kinds)))

    def _send(self, message: tuple) -> bool:
        with self._send_lock:
            conn = self._conn
            if conn is None:
                return False
            try:
                conn.send(message)
                return True
            except (OSError, ValueError):
                return False

    # -- the bridge thread --------------------------------------------------------------------
    def _run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            began = time.monotonic()
            code = self._serve_one()
            if self._stopping.is_set():
                break
            if time.monotonic() - began > 60:
                failures = 0            # it ran a good while: a fresh crash starts the backoff over
            failures += 1
            delay = backoff(failures, RESTART_FIRST, RESTART_MAX, jitter=False)
            self.restarts += 1
            log.warning("poller process exited (%s); restarting in %.1f s", code, delay)
            self._set_health(self._health.failed(f"poller process exited ({code}); restarting in {delay:g} s",
                                                 delay, stale_after=3))
            self._stopping.wait(delay)

    def _serve_one(self) -> str:
        """Run one child until it ends (or we stop); returns how it ended."""
        _tracker_running()
        ctx = multiprocessing.get_context(START_METHOD)
        parent_end, child_end = ctx.Pipe(duplex=True)
        process = ctx.Process(target=child_main, name="cloudshell-poller",
                              args=(child_end, self.endpoint, dict(self.options), os.getpid()), daemon=True)
        process.start()
        child_end.close()
        with self._send_lock:
            self._conn, self._process = parent_end, process
        pending: dict[str, list[tuple]] = {}
        whole: set[str] = set()          # kinds this child has sent once: later ones are deltas
        try:
            while True:
                if self._stopping.is_set():
                    break
                if not parent_end.poll(0.5):
                    if not process.is_alive():
                        break
                    continue
                try:
                    message = parent_end.recv()
                except (EOFError, OSError):
                    break
                if message[0] == "recs":
                    pending.setdefault(message[1], []).extend(message[2])
                elif message[0] == "commit":
                    self._commit(pending, whole, *message[1:])
                    pending = {}
        finally:
            with self._send_lock:
                self._conn = None
            if self._stopping.is_set():
                try:
                    parent_end.send(("stop",))
                except (OSError, ValueError):
                    pass
            process.join(STOP_TIMEOUT if self._stopping.is_set() else 0.5)
            if process.is_alive():
                process.kill()
                process.join(STOP_TIMEOUT)
            parent_end.close()
        return f"exit code {process.exitcode}"

    def _commit(self, pending: dict[str, list[tuple]], whole: set[str],
                done: dict[str, tuple[list[str], bool]], fetched_at: float, changes: tuple,
                health: Health, requests: int) -> None:
        inv = self._inventory
        records = dict(inv.records)
        truncated = set(inv.truncated)
        for name, (removed, cut) in done.items():
            # A new child's first word on a kind is the whole kind (what vanished meanwhile goes).
            recs = inv.of(name) if name in whole else NO_ROWS
            whole.add(name)
            if not isinstance(recs, PackedRecords):
                recs = NO_ROWS
            records[name] = recs.updated(pending.get(name, ()), removed)
            (truncated.add if cut else truncated.discard)(name)
        if done:
            inv = Inventory(MappingProxyType(records), fetched_at, frozenset(truncated))
        elif fetched_at and fetched_at != inv.fetched_at:
            inv = replace(inv, fetched_at=fetched_at)
        self.requests = requests
        self._store(inv, changes, health)

    # -- tests ----------------------------------------------------------------------------------
    def _inject(self, what: str) -> None:
        """Tests only: make the child ``crash`` (mid-update) or ``hang``."""
        self._send((what,))
