"""The IDs shell completion offers: a small private cache, per endpoint and region.

Describes and the poller's sweeps write it (:func:`remember`, :class:`PollWriter`);
``cloudshell __complete`` reads it (:func:`find`, :func:`inventory_of`) and never
the network. One file per endpoint and region under the platformdirs cache folder
(``~/.cache/cloudshell/ids/``), 0600 in a 0700 folder: its first line says whose
it is and when it was written, each next line holds one kind's rows (ID, name, state,
zone and the few columns ``ResourceKind.cached`` names) with the time they were
read, so a completion parses only the kind it offers. Writing never fails a command: a cache that cannot be written is skipped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

VERSION = 1
MAX_PER_KIND = 10_000     # rows kept per kind: completion needs IDs, not an archive
MAX_FILES = 16            # endpoints and regions remembered; the oldest go first
MAX_AGE = 30 * 86400      # a cache not written for this long is dropped when another is written
POLL_GAP = 30.0           # the poller writes at most this often while nothing changes


def cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("cloudshell", appauthor=False)) / "ids"


def normal_url(url: str | None) -> str:
    """The endpoint as the cache names it: no trailing slash, lower-case scheme and host; "aws" for none."""
    if not url:
        return "aws"
    scheme, sep, rest = url.strip().partition("://")
    if not sep:
        return url.strip().rstrip("/")
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}".rstrip("/")


def path_for(endpoint_url: str | None, region: str | None, folder: Path | None = None) -> Path:
    digest = hashlib.sha256(f"{normal_url(endpoint_url)}\n{region or ''}".encode()).hexdigest()[:20]
    return (folder or cache_dir()) / f"{digest}.json"


# -- writing ---------------------------------------------------------------------------

def rows_of(kind: str, records: Iterable[Any]) -> list[list[Any]]:
    """[id, name, state, zone, {cached column: value}] per record, at most MAX_PER_KIND."""
    from cloudshell.cloud.kinds import KINDS

    extra = KINDS[kind].cached if kind in KINDS else ()
    out: list[list[Any]] = []
    for rec in records:
        if not rec.id:
            continue
        fields = {key: rec[key] for key in extra if rec[key]}
        out.append([rec.id, rec.name, rec.state, rec.zone, fields] if fields else
                   [rec.id, rec.name, rec.state, rec.zone])
        if len(out) >= MAX_PER_KIND:
            break
    return out


def whose(session: Any) -> tuple[str | None, str | None, str | None]:
    """(endpoint URL, region, profile) of a session that has just listed something (its EC2 client
    exists, so asking its region costs nothing)."""
    ep = session.endpoint
    return ep.endpoint_url, session.region or ep.region, ep.profile


def remember(session: Any, kinds: Mapping[str, Iterable[Any]], *, whole: bool = True,
             at: float | None = None, folder: Path | None = None) -> Path | None:
    """Record the records of each kind: ``whole`` replaces a kind's rows (a full listing), else
    they are added to what the cache holds (a describe by ID or filter). Returns the file, or
    None when it could not be written (never raises: the command's answer matters more)."""
    try:
        endpoint, region, profile = whose(session)
        return write(endpoint, region, profile, {k: rows_of(k, v) for k, v in kinds.items()},
                     whole=whole, at=at, folder=folder)
    except Exception as exc:  # noqa: BLE001 - a cache is never worth a failed command
        log.warning("completion cache not written: %s", exc)
        return None


def write(endpoint: str | None, region: str | None, profile: str | None, kinds: Mapping[str, list[list[Any]]],
          *, whole: bool = True, at: float | None = None, folder: Path | None = None) -> Path:
    folder = folder or cache_dir()
    path = path_for(endpoint, region, folder)
    now = time.time() if at is None else at
    _, held = load(path)
    for kind, rows in kinds.items():
        if not whole and kind in held:
            merged = {row[0]: row for row in held[kind].get("rows", [])}
            merged.update((row[0], row) for row in rows)
            rows = list(merged.values())[-MAX_PER_KIND:]
        held[kind] = {"at": now, "rows": rows}
    head = {"version": VERSION, "endpoint": normal_url(endpoint), "region": region, "profile": profile,
            "written": now}
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    tmp = folder / f".{path.name}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(head, separators=(",", ":")) + "\n")
            for kind, entry in held.items():   # a line per kind: a reader parses only the kind it needs
                fh.write(json.dumps({"kind": kind, **entry}, separators=(",", ":")) + "\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _prune(folder, keep=path, now=now)
    return path


def _prune(folder: Path, *, keep: Path, now: float) -> None:
    heads = sorted(((h.get("written", 0), p) for p, h in heads_in(folder)), reverse=True)
    for n, (written, path) in enumerate(heads):
        if path != keep and (n >= MAX_FILES or now - written > MAX_AGE):
            path.unlink(missing_ok=True)


class PollWriter:
    """A poller subscriber that keeps the cache of its session: on the first sweep, then whenever
    the IDs change, else at most every POLL_GAP seconds."""

    def __init__(self, session: Any, *, folder: Path | None = None) -> None:
        self.session, self.folder = session, folder
        self._last = 0.0
        self._seen: dict[str, frozenset[str]] = {}

    def __call__(self, update: Any) -> None:
        inventory = update.inventory
        ids = {kind: frozenset(recs) for kind, recs in inventory.records.items()}
        now = time.time()
        if ids == self._seen and now - self._last < POLL_GAP:
            return
        # Kinds a sweep cut short stay as the cache had them, plus what it did read.
        whole = {k: r.values() for k, r in inventory.records.items() if k not in inventory.truncated}
        cut = {k: r.values() for k, r in inventory.records.items() if k in inventory.truncated}
        if whole and remember(self.session, whole, whole=True, folder=self.folder) is None:
            return
        if cut:
            remember(self.session, cut, whole=False, folder=self.folder)
        self._seen, self._last = ids, now


# -- reading (shell completion: fast, no boto3) --------------------------------------

def _lines(path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """(head, kind → its line, unparsed) of one cache file; empty when missing, foreign or damaged."""
    try:
        with open(path, encoding="utf-8") as fh:
            head = json.loads(fh.readline())
            if not isinstance(head, dict) or head.get("version") != VERSION:
                return {}, {}
            lines = fh.read().splitlines()
    except (OSError, ValueError):
        return {}, {}
    out = {}
    for line in lines:
        kind = line[9:line.find('"', 9)] if line.startswith('{"kind":"') else ""
        if kind:
            out[kind] = line
    return head, out


def _entry(line: str) -> dict[str, Any]:
    try:
        entry = json.loads(line)
    except ValueError:
        return {}
    return entry if isinstance(entry, dict) and isinstance(entry.get("rows"), list) else {}


def load(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(head, kind → {"at", "rows"}) of one cache file; empty ones when it is missing, foreign or damaged."""
    head, lines = _lines(path)
    kinds = {}
    for kind, line in lines.items():
        entry = _entry(line)
        if entry:
            kinds[kind] = {"at": entry.get("at"), "rows": entry["rows"]}
    return head, kinds


def heads_in(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Every cache file of ``folder`` with its first line (who, when): cheap, rows unread."""
    out = []
    try:
        paths = [p for p in folder.iterdir() if p.suffix == ".json" and not p.name.startswith(".")]
    except OSError:
        return out
    for path in paths:
        try:
            with open(path, encoding="utf-8") as fh:
                head = json.loads(fh.readline())
        except (OSError, ValueError):
            continue
        if isinstance(head, dict) and head.get("version") == VERSION:
            out.append((path, head))
    return out


def find(endpoint: str | None = None, region: str | None = None, profile: str | None = None,
         folder: Path | None = None) -> Path | None:
    """The cache for what a command line names: its endpoint and region when given; else the newest
    of that endpoint, of that profile, of that region, or the newest of all, in that order."""
    folder = folder or cache_dir()
    if endpoint and region:
        path = path_for(endpoint, region, folder)
        return path if path.exists() else None
    heads = sorted(heads_in(folder), key=lambda ph: ph[1].get("written", 0), reverse=True)
    if endpoint:
        wanted = normal_url(endpoint)
        heads = [(p, h) for p, h in heads if h.get("endpoint") == wanted]
    elif profile:
        heads = [(p, h) for p, h in heads if h.get("profile") == profile]
    elif region:
        heads = [(p, h) for p, h in heads if h.get("region") == region]
    return heads[0][0] if heads else None


class _Kinds(Mapping):
    """Each kind's records, made from its line the first time a completion asks for that kind."""

    def __init__(self, lines: dict[str, str]) -> None:
        self._lines = lines
        self._made: dict[str, Mapping[str, Any]] = {}

    def __getitem__(self, kind: str) -> Mapping[str, Any]:
        if kind not in self._made:
            self._made[kind] = _records(kind, _entry(self._lines[kind]).get("rows", []))
        return self._made[kind]

    def __iter__(self):
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)


def _records(kind: str, rows: list[Any]) -> Mapping[str, Any]:
    from types import MappingProxyType

    from cloudshell.cloud.inventory import EMPTY_MAP, Record

    recs = {}
    for row in rows:   # a Tab's latency: 10,000 rows must take milliseconds, not a tenth of a second
        if type(row) is not list or len(row) < 4:
            continue
        extra = row[4] if len(row) > 4 and type(row[4]) is dict and row[4] else None
        fields = MappingProxyType({str(k): str(v) for k, v in extra.items()}) if extra else EMPTY_MAP
        rid = str(row[0])
        recs[rid] = Record(kind, rid, str(row[1]), str(row[2]), str(row[3]), fields, EMPTY_MAP)
    return MappingProxyType(recs)


def inventory_of(path: Path) -> tuple[Any, float | None]:
    """The cache as an Inventory of bare records (no raw API data), and its age in seconds."""
    from cloudshell.cloud.inventory import Inventory

    head, lines = _lines(path)
    written = float(head.get("written") or 0)
    return Inventory(_Kinds(lines), written), (time.time() - written if written else None)
