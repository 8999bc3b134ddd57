"""The shape of a kind's row: columns, its describe command, states, names, views."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Raw = Mapping[str, Any]


def tag(raw: Raw, key: str) -> str:
    for t in raw.get("Tags") or raw.get("TagSet") or ():   # ENIs answer TagSet
        if t.get("Key") == key:
            return str(t.get("Value") or "")
    return ""


def when(value: Any) -> str:
    """Dates as the short local form tables use; strings pass through."""
    if value is None or value == "":
        return ""
    if hasattr(value, "strftime"):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    return str(value)[:16].replace("T", " ")


@dataclass(frozen=True)
class Column:
    """One column of a kind's table: a header, a key, and how to read it from the raw record."""

    key: str
    header: str
    get: Callable[[Raw], Any]
    width: int | None = None  # hint for narrow terminals; None = flexible


# State colour classes: what each face maps to its own style (table CSS, rich, the REPL).
GOOD, INFO, BUSY, WARN, BAD = "good", "info", "busy", "warn", "bad"
STATE_CLASS_NAMES = (GOOD, INFO, BUSY, WARN, BAD)

Section = Callable[[Raw], "list[tuple[str, str]]"]


@dataclass(frozen=True)
class Describe:
    """The describe command of a kind, as data; ``commands/describe.py`` builds it from this.

    ``options`` are awscli's plural ID options: (flag, request key, help, checked), where
    ``checked`` validates each value as one of the kind's IDs. ``split`` sends the positional
    values that start with a prefix under one key and the rest under another (``sg-…`` IDs
    versus group names). A kind whose command takes more (owners, ``verbose``…) has a hook
    in ``commands/describe.py`` under its name.
    """

    command: str                           # "describe-instances"
    summary: str
    example: str
    aliases: tuple[str, ...] = ()
    positional: str = "ids"                # dest of the IDs given as arguments
    metavar: str = ""                      # "" = the value kind in capitals
    what: str = ""                         # help of the arguments ("" = "<singular> IDs")
    checked: bool = True                   # arguments validated as the kind's IDs
    options: tuple[tuple[str, str, str, bool], ...] = ()
    split: tuple[str, str, str] | None = None   # (prefix, key of the prefixed, key of the rest)
    paginated: bool = True


def _no_meta(rec: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (), ()


@dataclass(frozen=True)
class ResourceKind:
    """How one kind of resource is listed, identified, named, coloured and shown."""

    name: str                    # "instances"
    singular: str                # "instance"
    operation: str               # "describe_instances"
    result_path: tuple[str, ...]  # ("Reservations", "Instances"): a list under a list
    id_key: str                  # "InstanceId"
    id_prefixes: tuple[str, ...]  # ("i-",); () where IDs are names or addresses
    id_filter: str               # filter name that selects by ID without failing on gone IDs ("": none)
    ids_param: str | None        # request parameter that takes explicit IDs
    columns: tuple[Column, ...]
    state: Callable[[Raw], str] = lambda raw: ""
    zone: Callable[[Raw], str] = lambda raw: ""
    name_of: Callable[[Raw], str] = lambda raw: tag(raw, "Name")
    transitional: frozenset[str] = frozenset()
    filter_key: str = "Filters"  # the request's filter list ("Filter" for NAT gateways)
    request: Mapping[str, Any] = field(default_factory=dict)       # always sent
    aws_request: Mapping[str, Any] = field(default_factory=dict)   # sent to AWS only (scope to own)
    # Sent first off AWS when sweeping (Eucalyptus' ``verbose``); the plain request again when
    # its answer is refused or holds no record.
    rich_request: Mapping[str, Any] = field(default_factory=dict)
    # Turns one answer's records into the kind's records (fold rows that belong to another).
    fold: Callable[[list[Raw]], list[Raw]] | None = None
    # A sweep asks once per scope and merges the answers (euca2ools' default listing: your own,
    # plus what you may launch or restore); sent to every endpoint. () = one unscoped request.
    scopes: tuple[Mapping[str, Any], ...] = ()
    sweep_every: int = 1         # swept on every Nth full sweep (1: the live tables)
    # -- names, in every face
    plural: str = ""             # "" = singular + "s"
    value_kind: str = ""         # the parameter kind naming one ("instance"); "" = none
    group: str = ""              # the help group of its commands ("" = the kind's name)
    describe: Describe | None = None
    # -- states: each with its colour class; what `wait` takes; where one ends
    state_classes: Mapping[str, str] = field(default_factory=dict)
    wait_states: tuple[str, ...] = ()
    gone_state: str = ""         # the state of one its describe call no longer lists
    dead_ends: frozenset[str] = frozenset()
    leaving: frozenset[str] = frozenset()   # states of one being deleted (its delete is done)
    # -- completion
    by_name: bool = False        # completed by name, not by ID
    facet_field: str = ""        # narrowing (``image:kernel``) reads this field, not the state
    meta: Callable[[Any], tuple[tuple[str, ...], tuple[str, ...]]] = _no_meta  # (after the name, at the end)
    # -- the monitor
    view: int = 0                # its number key (0: no view)
    label: str = ""              # the tab's label ("Instances")
    short_label: str = ""        # the tab's label when the line is narrow ("Inst")
    count_label: str = ""        # status lines' count ("inst"); "" = not counted
    view_words: tuple[str, ...] = ()   # other words the command bar takes for its view
    actions: frozenset[str] = frozenset()   # the monitor's action keys in its view
    delete_command: str = ""     # the command deleting one of its rows ("" = none)
    detail: tuple[str, ...] = ()  # sections the detail screen draws itself: "attachments", "console"
    sections: tuple[tuple[str, Section], ...] = ()   # more detail sections, (title, rows from raw)
    cached: tuple[str, ...] = ()  # columns shell completion's ID cache keeps beside id, name, state, zone

    def records_of(self, response: Raw) -> list[Raw]:
        """The flat list of raw records in one response page."""
        items: list[Any] = [response]
        for key in self.result_path:
            nxt: list[Any] = []
            for item in items:
                value = item.get(key) or []
                nxt.extend(value if isinstance(value, list) else [value])
            items = nxt
        return self.fold(items) if self.fold is not None else items

    def owns(self, resource_id: str) -> bool:
        return bool(self.id_prefixes) and resource_id.startswith(self.id_prefixes)

    @property
    def plural_name(self) -> str:
        return self.plural or self.singular + "s"

    @property
    def help_group(self) -> str:
        return self.group or self.name


def col(key: str, header: str, get: Callable[[Raw], Any], width: int | None = None) -> Column:
    return Column(key, header, get, width)
