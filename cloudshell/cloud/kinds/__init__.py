"""Resource kinds described as data: how to list them, how to name them, how to show them.

One table of kinds serves the inventory (fetch, by-id refresh), the describe
commands (request shape, options, JSON result), the completer (ID prefixes,
facets, meta), the wait command (states), and every face's tables (columns,
view keys and labels, state colours, delete command, detail sections).
Adding a kind is adding a row, plus a hook where it is really special.

Nothing here imports a face: colours are named by class (``good``, ``busy``…),
and each face maps a class to its own style.
"""

from __future__ import annotations

from cloudshell.cloud.kinds.base import (  # noqa: F401 - the table's vocabulary, imported from here
    BAD, BUSY, GOOD, INFO, STATE_CLASS_NAMES, WARN, Column, Describe, Raw, ResourceKind, Section, tag, when,
)
from cloudshell.cloud.kinds.classic import (  # noqa: F401
    ADDRESSES, CAPACITY, CLUSTER, GROUPS, IMAGE_PREFIX_TYPES, IMAGES, INSTANCES, KEYPAIRS, REGIONS, SNAPSHOTS,
    VOLUMES, ZONES, image_type,
)
from cloudshell.cloud.kinds.network import NETWORK_KINDS, NETWORK_TAG_TYPES, NETWORKS_VIEW

KINDS: dict[str, ResourceKind] = {k.name: k for k in (
    INSTANCES, VOLUMES, SNAPSHOTS, IMAGES, ADDRESSES, GROUPS, KEYPAIRS, ZONES, *NETWORK_KINDS)}
DESCRIBED: tuple[ResourceKind, ...] = (*KINDS.values(), REGIONS)   # one describe command each

# -- tables the faces read, derived from the rows -------------------------------------

# The monitor's views, in number-key order.
VIEW_KINDS: tuple[ResourceKind, ...] = tuple(sorted((k for k in (*KINDS.values(), NETWORKS_VIEW) if k.view),
                                                    key=lambda k: k.view))
# A view's name → its kind (a fetched kind's, or one made of others' records: networks).
VIEWED: dict[str, ResourceKind] = {k.name: k for k in VIEW_KINDS}
# Parameter value kind ("instance", from ``instance:running``) → the kind it names.
VALUE_KINDS: dict[str, str] = {k.value_kind: k.name for k in KINDS.values() if k.value_kind}
# How status lines name each kind's count ("10 inst 16 vol …"), in this order.
COUNT_LABELS: dict[str, str] = {k.name: k.count_label for k in KINDS.values() if k.count_label}
# One state-to-class map for every face (the table's CSS, rich output, the REPL).
STATE_CLASSES: dict[str, str] = {s: c for k in KINDS.values() for s, c in k.state_classes.items()}


def kind_of_value(param_kind: str) -> ResourceKind | None:
    """The kind a parameter's values name (``image:kernel`` → images); None for other values."""
    name = VALUE_KINDS.get(param_kind.partition(":")[0])
    return KINDS[name] if name else None


def kind_of_id(resource_id: str) -> ResourceKind | None:
    """The kind an ID belongs to by its prefix (``vol-…`` → volumes); None for names and IPs."""
    for kind in KINDS.values():
        if kind.owns(resource_id):
            return kind
    return None


# EC2's name for each kind in tags (describe-tags' ResourceType, euca2ools' TAG lines).
TAG_RESOURCE_TYPES = {"instances": "instance", "volumes": "volume", "snapshots": "snapshot", "images": "image",
                      "groups": "security-group", "keypairs": "key-pair", **NETWORK_TAG_TYPES}


def ec2_resource_type(resource_id: str) -> str:
    """``instance`` for ``i-…``, ``image`` for ``emi-…``; empty for an ID of no kind known here."""
    kind = kind_of_id(resource_id)
    return TAG_RESOURCE_TYPES.get(kind.name, "") if kind else ""


# euca2ools 3.4 names a TAG record's resource by the ID's prefix, from a table of its own: IDs of
# no kind here it still names, and NAT gateways and key pairs (absent there) it leaves unnamed.
EUCA2OOLS_TAG_PREFIXES = {"eipalloc": "allocation-id", "bun": "bundle", "import": "conversion-task",
                          "export": "export-task", "sir": "spot-instances-request", "nat": "", "key": ""}


def euca2ools_resource_type(resource_id: str) -> str:
    """The resource word of euca2ools' ``TAG`` record for this ID (``instance`` for ``i-…``)."""
    prefix, dash, _ = resource_id.partition("-")
    if dash and prefix in EUCA2OOLS_TAG_PREFIXES:
        return EUCA2OOLS_TAG_PREFIXES[prefix]
    return ec2_resource_type(resource_id)
