"""What a command's parameters are: the kinds of value they take, and the options every command has.

Commands declare their parameters as data (:class:`Param`) with the kind of
value each takes, so one grammar (grammar.py) reads them for every face and one
completer can offer the right IDs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cloudshell.commands.values import jmespath_query

# Kinds of value a parameter takes. "KIND:STATE" narrows a resource kind by state;
# the completer and the validators read these.
INSTANCE = "instance"
INSTANCE_RUNNING = "instance:running"
INSTANCE_STOPPED = "instance:stopped"
VOLUME = "volume"
VOLUME_AVAILABLE = "volume:available"
VOLUME_ATTACHED = "volume:in-use"
SNAPSHOT = "snapshot"
IMAGE = "image"
MACHINE_IMAGE = "image:machine"
KERNEL = "image:kernel"
RAMDISK = "image:ramdisk"
ADDRESS = "address"
ADDRESS_FREE = "address:free"
ADDRESS_ASSOCIATED = "address:associated"
GROUP = "group"
KEYPAIR = "keypair"
ZONE = "zone"
RESOURCE = "resource"        # any ID the inventory knows
DEVICE = "device"
STATE = "state"
FILE = "file"
CIDR = "cidr"
PROTOCOL = "protocol"
PORTS = "ports"
INT = "int"
TEXT = "text"
FILTER = "filter"
TAG = "tag"
INSTANCE_TYPE = "instance-type"
ARCH = "arch"
BUCKET = "bucket"
COMMAND = "command"

OUTPUT_FORMATS = ("table", "json", "text", "tsv", "euca")


@dataclass(frozen=True)
class Param:
    """One argument or option. No ``flags`` = positional."""

    dest: str
    flags: tuple[str, ...] = ()
    kind: str = TEXT
    help: str = ""
    nargs: str | None = None      # None: one value; "?", "*", "+"
    action: str = "store"         # store | append | flag | rest (everything after "--")
    required: bool = False
    default: Any = None
    metavar: str | None = None
    choices: tuple[str, ...] | None = None
    convert: Callable[[str], Any] | None = None   # validates one value; raises UsageError
    zone_of: str | None = None    # must share the zone of the resource in that param
    device_of: str | None = None  # a device name free on the instance in that param

    @property
    def positional(self) -> bool:
        return not self.flags and self.action != "rest"

    @property
    def takes_value(self) -> bool:
        return self.action not in ("flag", "rest")

    @property
    def label(self) -> str:
        return self.metavar or self.dest.upper()

    def usage(self) -> str:
        if self.action == "rest":
            return f"[-- {self.label}…]"
        if self.positional:
            text = self.label + ("…" if self.nargs in ("*", "+") else "")
            return text if self.required or self.nargs == "+" else f"[{text}]"
        flag = self.flags[0]
        text = flag if self.action == "flag" else f"{flag} {self.label}"
        text += "…" if self.action == "append" else ""
        return text if self.required else f"[{text}]"


# Options every command takes; the faces read them from the invocation.
COMMON_PARAMS: tuple[Param, ...] = (
    Param("output", ("--output",), choices=OUTPUT_FORMATS, metavar="FORMAT",
          help="table (a terminal's default), json, text (awscli's), tsv (one line per record; a pipe's default), "
               "euca (euca2ools' records; the default under a euca- name)"),
    Param("query", ("--query",), convert=jmespath_query, metavar="JMESPATH",
          help="JMESPath over the JSON result, as awscli"),
    Param("yes", ("--yes",), action="flag", help="do not ask for confirmation"),
    Param("show_empty_fields", ("--show-empty-fields",), action="flag",
          help="under --output euca, an empty field as (nil), as euca2ools (awk then counts columns)"),
    Param("dry_run", ("--dry-run",), action="flag", help="ask EC2 whether it would succeed (DryRun)"),
    Param("help", ("--help", "-h"), action="flag", help="show usage and an example"),
)


def boot_params(convert: Callable[[str], Any], *, kernel: str, ramdisk: str,
                metavar: str | None = None) -> tuple[Param, Param]:
    """``--kernel`` and ``--ramdisk``: the images a machine image or an instance boots with."""
    return (Param("kernel", ("--kernel",), kind=KERNEL, convert=convert, metavar=metavar or "KERNEL", help=kernel),
            Param("ramdisk", ("--ramdisk",), kind=RAMDISK, convert=convert, metavar=metavar or "RAMDISK",
                  help=ramdisk))
