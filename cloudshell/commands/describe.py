"""describe-*: one generic handler over the resource kinds, awscli-shaped JSON out.

Each takes euca2ools' spellings (IDs as arguments, ``--filter NAME=VALUE``) and
awscli's (``--instance-ids``, ``--filters Name=…,Values=…``, ``--cli-input-json``,
``--max-items``/``--starting-token``, ``--no-paginate``).
"""

from __future__ import annotations

from typing import Any

from cloudshell.cloud import idcache
from cloudshell.cloud.inventory import Record
from cloudshell.cloud.kinds import KINDS, Column, ResourceKind
from cloudshell.commands.awscli_args import aws_filters, cli_input, starting_token
from cloudshell.commands.context import Context, Result, truncation_warning
from cloudshell.commands.registry import (
    ADDRESS, FILTER, GROUP, IMAGE, INSTANCE, INT, KEYPAIR, SNAPSHOT, TEXT, VOLUME, ZONE, Invocation, Param,
    command,
)
from cloudshell.commands.values import (
    filter_pair, filters_param, group_id, image_id, instance_id, positive_int, snapshot_id, volume_id,
)

FILTER_PARAM = Param("filters", ("--filter", "-F"), kind=FILTER, action="append", convert=filter_pair,
                     metavar="NAME=VALUE", help="only resources matching this API filter (repeatable)")
# awscli's spellings, beside euca2ools' ones.
AWS_FILTERS_PARAM = Param("aws_filters", ("--filters",), kind=FILTER, nargs="+", action="append",
                          convert=aws_filters, metavar="FILTER",
                          help="awscli's Name=N,Values=V1,V2 filters (one or more), or their JSON list")
INPUT_PARAM = Param("cli_input", ("--cli-input-json",), convert=cli_input, metavar="JSON",
                    help="the API call's parameters as JSON, or file://PATH (the command line wins)")
NO_PAGINATE_PARAM = Param("no_paginate", ("--no-paginate",), action="flag",
                          help="one request, one page of the answer (its NextToken shown)")
PAGING_PARAMS = (
    Param("max_items", ("--max-items",), kind=INT, convert=positive_int, metavar="N",
          help="stop after N items; the JSON then ends with the NextToken to go on from"),
    Param("starting_token", ("--starting-token",), convert=starting_token, metavar="TOKEN",
          help="go on from the NextToken a --max-items answer ended with"),
)


def aws_params(ids: Param, *extra: Param, paginated: bool = True,
               filter_param: Param = FILTER_PARAM) -> tuple[Param, ...]:
    """A describe command's parameters: its euca2ools ones, then awscli's spellings."""
    return (ids, *extra, filter_param, AWS_FILTERS_PARAM, INPUT_PARAM, NO_PAGINATE_PARAM,
            *(PAGING_PARAMS if paginated else ()))


def ids_option(flag: str, dest: str, kind: str, convert: Any, what: str) -> Param:
    """awscli's plural option for the IDs a describe command also takes as arguments."""
    return Param(dest, (flag,), kind=kind, nargs="+", action="append", convert=convert,
                 metavar=flag[2:-1].upper(), help=f"{what} (awscli's spelling)")


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


def request(inv: Invocation, params: dict[str, Any]) -> dict[str, Any]:
    """The call's parameters: --cli-input-json's, overridden by those given on the command line."""
    given = {k: v for k, v in params.items() if v not in (None, [], {})}
    return {**(inv.get("cli_input") or {}), **given}


def filters_of(inv: Invocation) -> list[dict[str, Any]]:
    return filters_param(list(inv.get("filters", [])) + list(inv.get("aws_filters", [])))


def describe(ctx: Context, kind: ResourceKind, inv: Invocation, params: dict[str, Any]) -> Result:
    """Run a describe call (all pages, unless cut) and return awscli's JSON plus display records.

    ``params`` as :func:`request` made them: sent as they are, so a bad --cli-input-json is botocore's
    one-line refusal before anything is sent.
    """
    pages: tuple[Any, ...] = ()
    if inv.get("no_paginate"):
        data = ctx.session.call(kind.operation, **params)   # one page, with the API's own NextToken
    else:
        paging = {k: v for k, v in (("MaxItems", inv.get("max_items")),
                                    ("StartingToken", inv.get("starting_token"))) if v is not None}
        run = ctx.session.pages(kind.operation, **params, **({"PaginationConfig": paging} if paging else {}))
        got = list(run)
        data = merge_pages(got, kind)
        if run.result_keys:
            # awscli's text output shows each page on its own, then the token where a cut stopped.
            pages = tuple({key: page.get(key) for key in run.result_keys} for page in got)
        if run.resume_token:
            data["NextToken"] = run.resume_token
            pages += ({"NextToken": {"NextToken": run.resume_token}},)
    warnings: tuple[str, ...] = ()
    if not inv.get("no_paginate") and not inv.get("max_items"):
        # A cut the user did not ask for (--max-items) is never silent.
        warnings = truncation_warning(run)
    records = tuple(Record.from_raw(kind, raw) for raw in kind.records_of(data))
    if kind.name in KINDS:
        # Shell completion's IDs: a plain listing (only the kind's own defaults sent) replaces them.
        defaults = {**kind.request, **kind.aws_request}
        plain = all(defaults.get(k) == v for k, v in params.items()) and not paging_used(inv) and not warnings
        idcache.remember(ctx.session, {kind.name: records}, whole=plain)
    return Result(data=data, kind=kind.name, records=records, operation=kind.operation, pages=pages,
                  warnings=warnings, exit_code=1 if warnings else 0)


def paging_used(inv: Invocation) -> bool:
    return bool(inv.get("no_paginate") or inv.get("max_items") or inv.get("starting_token"))


def _split_ids(values: list[str], prefix: str) -> tuple[list[str], list[str]]:
    ids = [v for v in values if v.startswith(prefix)]
    return ids, [v for v in values if not v.startswith(prefix)]


@command("describe-instances", "instances", "List instances (all, or the IDs given).",
         params=aws_params(Param("ids", kind=INSTANCE, nargs="*", convert=instance_id, metavar="INSTANCE",
                                 help="instance IDs"),
                           ids_option("--instance-ids", "instance_ids", INSTANCE, instance_id, "instance IDs")),
         example="describe-instances --filter instance-state-name=running")
def describe_instances(ctx: Context, inv: Invocation) -> Result:
    return describe(ctx, KINDS["instances"], inv, request(inv, {"InstanceIds": inv.ids + inv.instance_ids,
                                                                "Filters": filters_of(inv)}))


@command("describe-volumes", "volumes", "List volumes (all, or the IDs given).",
         params=aws_params(Param("ids", kind=VOLUME, nargs="*", convert=volume_id, metavar="VOLUME",
                                 help="volume IDs"),
                           ids_option("--volume-ids", "volume_ids", VOLUME, volume_id, "volume IDs")),
         example="describe-volumes --filter status=available")
def describe_volumes(ctx: Context, inv: Invocation) -> Result:
    return describe(ctx, KINDS["volumes"], inv, request(inv, {"VolumeIds": inv.ids + inv.volume_ids,
                                                              "Filters": filters_of(inv)}))


@command("describe-snapshots", "snapshots", "List snapshots (your own unless -a or -o).",
         params=aws_params(Param("ids", kind=SNAPSHOT, nargs="*", convert=snapshot_id, metavar="SNAPSHOT",
                                 help="snapshot IDs"),
                           ids_option("--snapshot-ids", "snapshot_ids", SNAPSHOT, snapshot_id, "snapshot IDs"),
                           Param("owners", ("-o", "--owner"), action="append", metavar="OWNER",
                                 help="only snapshots owned by this account (self, an account ID)"),
                           Param("owner_ids", ("--owner-ids",), nargs="+", action="append", metavar="OWNER",
                                 help="only snapshots owned by these accounts (awscli's spelling)"),
                           Param("restorable", ("-r", "--restorable-by"), action="append", metavar="USER",
                                 help="only snapshots this account may restore"),
                           Param("all", ("-a", "--all"), action="flag", help="every snapshot you may see")),
         example="describe-snapshots -o self")
def describe_snapshots(ctx: Context, inv: Invocation) -> Result:
    params = request(inv, {"SnapshotIds": inv.ids + inv.snapshot_ids, "OwnerIds": inv.owners + inv.owner_ids,
                           "RestorableByUserIds": inv.restorable, "Filters": filters_of(inv)})
    if not inv.all and not {"SnapshotIds", "OwnerIds", "RestorableByUserIds"} & set(params):
        params["OwnerIds"] = ["self"]
    return describe(ctx, KINDS["snapshots"], inv, params)


@command("describe-images", "images", "List images: machine images, kernels and ramdisks.",
         params=aws_params(Param("ids", kind=IMAGE, nargs="*", convert=image_id, metavar="IMAGE",
                                 help="image IDs (emi-/ami-, eki-/aki-, eri-/ari-)"),
                           ids_option("--image-ids", "image_ids", IMAGE, image_id, "image IDs"),
                           Param("owners", ("-o", "--owner"), action="append", metavar="OWNER",
                                 help="only images owned by this account (self, amazon, an account ID)"),
                           Param("aws_owners", ("--owners",), nargs="+", action="append", metavar="OWNER",
                                 help="only images owned by these accounts (awscli's spelling)"),
                           Param("executable_by", ("-x", "--executable-by"), action="append", metavar="USER",
                                 help="only images this account may launch"),
                           Param("all", ("-a", "--all"), action="flag", help="every image you may see")),
         example="describe-images --filter image-type=kernel")
def describe_images(ctx: Context, inv: Invocation) -> Result:
    params = request(inv, {"ImageIds": inv.ids + inv.image_ids, "Owners": inv.owners + inv.aws_owners,
                           "ExecutableUsers": inv.executable_by, "Filters": filters_of(inv)})
    if not inv.all and not {"ImageIds", "Owners"} & set(params) and ctx.session.endpoint.endpoint_url is None:
        params["Owners"] = ["self"]  # AWS would list every public image there is
    return describe(ctx, KINDS["images"], inv, params)


@command("describe-addresses", "addresses", "List elastic IP addresses.",
         params=aws_params(Param("ids", kind=ADDRESS, nargs="*", metavar="ADDRESS",
                                 help="public IPs or allocation IDs (eipalloc-…)"),
                           ids_option("--allocation-ids", "allocation_ids", ADDRESS, None, "allocation IDs"),
                           ids_option("--public-ips", "public_ips", ADDRESS, None, "public IP addresses"),
                           paginated=False),
         example="describe-addresses")
def describe_addresses(ctx: Context, inv: Invocation) -> Result:
    allocations, ips = _split_ids(inv.ids, "eipalloc-")
    return describe(ctx, KINDS["addresses"], inv, request(inv, {
        "PublicIps": ips + inv.public_ips, "AllocationIds": allocations + inv.allocation_ids,
        "Filters": filters_of(inv)}))


@command("describe-groups", "security groups", "List security groups and their rules.",
         aliases=("describe-security-groups",),
         params=aws_params(Param("names", kind=GROUP, nargs="*", metavar="GROUP",
                                 help="group names or IDs (sg-…)"),
                           ids_option("--group-ids", "group_ids", GROUP, group_id, "group IDs (sg-…)"),
                           ids_option("--group-names", "group_names", GROUP, None, "group names")),
         example="describe-groups mygroup")
def describe_groups(ctx: Context, inv: Invocation) -> Result:
    ids, names = _split_ids(inv.names, "sg-")
    return describe(ctx, KINDS["groups"], inv, request(inv, {
        "GroupIds": ids + inv.group_ids, "GroupNames": names + inv.group_names, "Filters": filters_of(inv)}))


@command("describe-keypairs", "keypairs", "List keypairs.", aliases=("describe-key-pairs",),
         params=aws_params(Param("names", kind=KEYPAIR, nargs="*", metavar="KEYPAIR", help="keypair names"),
                           ids_option("--key-names", "key_names", KEYPAIR, None, "keypair names"),
                           paginated=False),
         example="describe-keypairs")
def describe_keypairs(ctx: Context, inv: Invocation) -> Result:
    return describe(ctx, KINDS["keypairs"], inv, request(inv, {"KeyNames": inv.names + inv.key_names,
                                                               "Filters": filters_of(inv)}))


@command("describe-availability-zones", "zones", "List availability zones (verbose: with details).",
         aliases=("describe-zones",),
         params=aws_params(Param("names", kind=ZONE, nargs="*", metavar="ZONE",
                                 help="zone names, or 'verbose'"),
                           ids_option("--zone-names", "zone_names", ZONE, None, "zone names"),
                           paginated=False),
         example="describe-availability-zones verbose")
def describe_zones(ctx: Context, inv: Invocation) -> Result:
    # Eucalyptus admins type `verbose` to see capacity; elsewhere it means "all zones".
    names = [n for n in inv.names if n != "verbose"]
    return describe(ctx, KINDS["zones"], inv, request(inv, {"ZoneNames": names + inv.zone_names,
                                                            "Filters": filters_of(inv)}))


REGIONS_KIND = ResourceKind(
    name="regions", singular="region", operation="describe_regions", result_path=("Regions",),
    id_key="RegionName", id_prefixes=(), id_filter="region-name", ids_param="RegionNames",
    columns=(Column("id", "Region", lambda r: r.get("RegionName", "")),
             Column("endpoint", "Endpoint", lambda r: r.get("Endpoint", ""))))


@command("describe-regions", "zones", "List regions and their endpoints.",
         params=aws_params(Param("names", kind=TEXT, nargs="*", metavar="REGION", help="region names"),
                           ids_option("--region-names", "region_names", TEXT, None, "region names"),
                           paginated=False),
         example="describe-regions")
def describe_regions(ctx: Context, inv: Invocation) -> Result:
    return describe(ctx, REGIONS_KIND, inv, request(inv, {"RegionNames": inv.names + inv.region_names,
                                                          "Filters": filters_of(inv)}))
