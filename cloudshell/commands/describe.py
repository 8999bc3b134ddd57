"""describe-*: one generic handler over the resource kinds, awscli-shaped JSON out."""

from __future__ import annotations

from typing import Any

from cloudshell.cloud.inventory import Record
from cloudshell.cloud.kinds import KINDS, Column, ResourceKind
from cloudshell.commands.context import Context, Result, truncation_warning
from cloudshell.commands.registry import (
    ADDRESS, FILTER, GROUP, IMAGE, INSTANCE, KEYPAIR, SNAPSHOT, TEXT, VOLUME, ZONE, Invocation, Param, command,
)
from cloudshell.commands.values import (
    filter_pair, filters_param, image_id, instance_id, snapshot_id, volume_id,
)

FILTER_PARAM = Param("filters", ("--filter", "-F"), kind=FILTER, action="append", convert=filter_pair,
                     metavar="NAME=VALUE", help="only resources matching this API filter (repeatable)")


def merge_pages(pages: Any, kind: ResourceKind) -> dict[str, Any]:
    """Merge paginated responses as awscli does: list results concatenated, tokens dropped."""
    merged: dict[str, Any] = {}
    for page in pages:
        for key, value in page.items():
            if key in ("NextToken", "nextToken"):
                continue
            if isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            else:
                merged.setdefault(key, value)
    merged.setdefault(kind.result_path[0], [])
    return merged


def describe(ctx: Context, kind: ResourceKind, params: dict[str, Any]) -> Result:
    """Run a describe call (all pages) and return JSON plus display records."""
    params = {k: v for k, v in params.items() if v not in (None, [], {})}
    pages = ctx.session.pages(kind.operation, **params)
    data = merge_pages(pages, kind)
    records = tuple(Record.from_raw(kind, raw) for raw in kind.records_of(data))
    warnings = truncation_warning(pages)
    return Result(data=data, kind=kind.name, records=records, warnings=warnings, exit_code=1 if warnings else 0)


def _split_ids(values: list[str], prefix: str) -> tuple[list[str], list[str]]:
    ids = [v for v in values if v.startswith(prefix)]
    return ids, [v for v in values if not v.startswith(prefix)]


@command("describe-instances", "instances", "List instances (all, or the IDs given).",
         params=(Param("ids", kind=INSTANCE, nargs="*", convert=instance_id, metavar="INSTANCE",
                       help="instance IDs"), FILTER_PARAM),
         example="describe-instances --filter instance-state-name=running")
def describe_instances(ctx: Context, inv: Invocation) -> Result:
    return describe(ctx, KINDS["instances"], {"InstanceIds": inv.ids,
                                              "Filters": filters_param(inv.filters)})


@command("describe-volumes", "volumes", "List volumes (all, or the IDs given).",
         params=(Param("ids", kind=VOLUME, nargs="*", convert=volume_id, metavar="VOLUME",
                       help="volume IDs"), FILTER_PARAM),
         example="describe-volumes --filter status=available")
def describe_volumes(ctx: Context, inv: Invocation) -> Result:
    return describe(ctx, KINDS["volumes"], {"VolumeIds": inv.ids, "Filters": filters_param(inv.filters)})


@command("describe-snapshots", "snapshots", "List snapshots (your own unless -a or -o).",
         params=(Param("ids", kind=SNAPSHOT, nargs="*", convert=snapshot_id, metavar="SNAPSHOT",
                       help="snapshot IDs"),
                 Param("owners", ("-o", "--owner"), action="append", metavar="OWNER",
                       help="only snapshots owned by this account (self, an account ID)"),
                 Param("restorable", ("-r", "--restorable-by"), action="append", metavar="USER",
                       help="only snapshots this account may restore"),
                 Param("all", ("-a", "--all"), action="flag", help="every snapshot you may see"),
                 FILTER_PARAM),
         example="describe-snapshots -o self")
def describe_snapshots(ctx: Context, inv: Invocation) -> Result:
    owners = inv.owners or ([] if inv.all or inv.ids or inv.restorable else ["self"])
    return describe(ctx, KINDS["snapshots"], {"SnapshotIds": inv.ids, "OwnerIds": owners,
                                              "RestorableByUserIds": inv.restorable,
                                              "Filters": filters_param(inv.filters)})


@command("describe-images", "images", "List images: machine images, kernels and ramdisks.",
         params=(Param("ids", kind=IMAGE, nargs="*", convert=image_id, metavar="IMAGE",
                       help="image IDs (emi-/ami-, eki-/aki-, eri-/ari-)"),
                 Param("owners", ("-o", "--owner"), action="append", metavar="OWNER",
                       help="only images owned by this account (self, amazon, an account ID)"),
                 Param("executable_by", ("-x", "--executable-by"), action="append", metavar="USER",
                       help="only images this account may launch"),
                 Param("all", ("-a", "--all"), action="flag", help="every image you may see"),
                 FILTER_PARAM),
         example="describe-images --filter image-type=kernel")
def describe_images(ctx: Context, inv: Invocation) -> Result:
    owners = inv.owners
    if not owners and not inv.all and not inv.ids and ctx.session.endpoint.endpoint_url is None:
        owners = ["self"]  # AWS would list every public image there is
    return describe(ctx, KINDS["images"], {"ImageIds": inv.ids, "Owners": owners,
                                           "ExecutableUsers": inv.executable_by,
                                           "Filters": filters_param(inv.filters)})


@command("describe-addresses", "addresses", "List elastic IP addresses.",
         params=(Param("ids", kind=ADDRESS, nargs="*", metavar="ADDRESS",
                       help="public IPs or allocation IDs (eipalloc-…)"), FILTER_PARAM),
         example="describe-addresses")
def describe_addresses(ctx: Context, inv: Invocation) -> Result:
    allocations, ips = _split_ids(inv.ids, "eipalloc-")
    return describe(ctx, KINDS["addresses"], {"PublicIps": ips, "AllocationIds": allocations,
                                              "Filters": filters_param(inv.filters)})


@command("describe-groups", "security groups", "List security groups and their rules.",
         aliases=("describe-security-groups",),
         params=(Param("names", kind=GROUP, nargs="*", metavar="GROUP",
                       help="group names or IDs (sg-…)"), FILTER_PARAM),
         example="describe-groups mygroup")
def describe_groups(ctx: Context, inv: Invocation) -> Result:
    ids, names = _split_ids(inv.names, "sg-")
    return describe(ctx, KINDS["groups"], {"GroupIds": ids, "GroupNames": names,
                                           "Filters": filters_param(inv.filters)})


@command("describe-keypairs", "keypairs", "List keypairs.", aliases=("describe-key-pairs",),
         params=(Param("names", kind=KEYPAIR, nargs="*", metavar="KEYPAIR", help="keypair names"),
                 FILTER_PARAM),
         example="describe-keypairs")
def describe_keypairs(ctx: Context, inv: Invocation) -> Result:
    return describe(ctx, KINDS["keypairs"], {"KeyNames": inv.names, "Filters": filters_param(inv.filters)})


@command("describe-availability-zones", "zones", "List availability zones (verbose: with details).",
         aliases=("describe-zones",),
         params=(Param("names", kind=ZONE, nargs="*", metavar="ZONE",
                       help="zone names, or 'verbose'"), FILTER_PARAM),
         example="describe-availability-zones verbose")
def describe_zones(ctx: Context, inv: Invocation) -> Result:
    # Eucalyptus admins type `verbose` to see capacity; elsewhere it means "all zones".
    names = [n for n in inv.names if n != "verbose"]
    return describe(ctx, KINDS["zones"], {"ZoneNames": names, "Filters": filters_param(inv.filters)})


REGIONS_KIND = ResourceKind(
    name="regions", singular="region", operation="describe_regions", result_path=("Regions",),
    id_key="RegionName", id_prefixes=(), id_filter="region-name", ids_param="RegionNames",
    columns=(Column("id", "Region", lambda r: r.get("RegionName", "")),
             Column("endpoint", "Endpoint", lambda r: r.get("Endpoint", ""))))


@command("describe-regions", "zones", "List regions and their endpoints.",
         params=(Param("names", kind=TEXT, nargs="*", metavar="REGION", help="region names"),
                 FILTER_PARAM),
         example="describe-regions")
def describe_regions(ctx: Context, inv: Invocation) -> Result:
    return describe(ctx, REGIONS_KIND, {"RegionNames": inv.names, "Filters": filters_param(inv.filters)})
