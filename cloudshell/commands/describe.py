"""describe-*: one command per kind's row (``ResourceKind.describe``), awscli-shaped JSON out.

A kind whose command takes more than IDs and filters (owners, ``verbose``) has a :class:`Hook`
here, under its name: its extra options, how they shape the request, and how it is sent.

Each takes euca2ools' spellings (IDs as arguments, ``--filter NAME=VALUE``) and
awscli's (``--instance-ids``, ``--filters Name=…,Values=…``, ``--cli-input-json``,
``--max-items``/``--starting-token``, ``--no-paginate``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cloudshell.cloud import idcache
from cloudshell.cloud.errors import CloudError
from cloudshell.cloud.inventory import Record
from cloudshell.cloud.kinds import DESCRIBED, KINDS, ResourceKind
from cloudshell.commands.awscli_args import aws_filters, cli_input, starting_token
from cloudshell.commands.context import Context, Result, truncation_warning
from cloudshell.commands.registry import FILTER, INT, TEXT, Invocation, Param, command
from cloudshell.commands.values import filter_pair, filters_param, kind_id, positive_int

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


# -- the describe commands, one per kind's row ------------------------------------------

Adjust = Callable[[Context, Invocation, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Hook:
    """What one kind's describe command takes beyond its IDs and filters, and how it is sent."""

    params: tuple[Param, ...] = ()
    adjust: Adjust = lambda ctx, inv, params: params     # the request from the extra options
    run: Callable[[Context, ResourceKind, Invocation, dict[str, Any]], Result] | None = None


def _snapshots(ctx: Context, inv: Invocation, params: dict[str, Any]) -> dict[str, Any]:
    params = request(inv, {**params, "OwnerIds": inv.owners + inv.owner_ids,
                           "RestorableByUserIds": inv.restorable})
    if not inv.all and not {"SnapshotIds", "OwnerIds", "RestorableByUserIds"} & set(params):
        params["OwnerIds"] = ["self"]
    return params


def _images(ctx: Context, inv: Invocation, params: dict[str, Any]) -> dict[str, Any]:
    params = request(inv, {**params, "Owners": inv.owners + inv.aws_owners, "ExecutableUsers": inv.executable_by})
    if not inv.all and not {"ImageIds", "Owners"} & set(params) and ctx.session.endpoint.endpoint_url is None:
        params["Owners"] = ["self"]  # AWS would list every public image there is
    return params


def _zones(ctx: Context, inv: Invocation, params: dict[str, Any]) -> dict[str, Any]:
    # Eucalyptus admins type `verbose` to see capacity; elsewhere it means "all zones".
    names = [n for n in params.get("ZoneNames", ()) if n != "verbose"]
    return request(inv, {**params, "ZoneNames": names})


def _run_zones(ctx: Context, kind: ResourceKind, inv: Invocation, params: dict[str, Any]) -> Result:
    """``verbose`` goes to a cloud that is not AWS (Eucalyptus answers it with capacity rows);
    where its answer lists no zone, the plain request is sent again."""
    if "verbose" in inv.names and ctx.session.endpoint.endpoint_url is not None:
        rich = {**params, "ZoneNames": [*kind.rich_request.get("ZoneNames", ()), *params.get("ZoneNames", ())]}
        try:
            result = describe(ctx, kind, inv, rich)
        except CloudError as exc:
            if exc.retryable:
                raise
            result = None
        if result is not None and result.records:
            return result
    return describe(ctx, kind, inv, params)


def _owner_params(what: str, aws_dest: str, aws_flag: str, by: tuple[str, str, str, str]) -> tuple[Param, ...]:
    by_dest, by_flags, by_help, all_help = by
    return (Param("owners", ("-o", "--owner"), action="append", metavar="OWNER",
                  help=f"only {what} owned by this account (self, {'amazon, ' if what == 'images' else ''}"
                       "an account ID)"),
            Param(aws_dest, (aws_flag,), nargs="+", action="append", metavar="OWNER",
                  help=f"only {what} owned by these accounts (awscli's spelling)"),
            Param(by_dest, tuple(by_flags.split()), action="append", metavar="USER", help=by_help),
            Param("all", ("-a", "--all"), action="flag", help=all_help))


HOOKS: dict[str, Hook] = {
    "snapshots": Hook(_owner_params("snapshots", "owner_ids", "--owner-ids",
                                    ("restorable", "-r --restorable-by", "only snapshots this account may restore",
                                     "every snapshot you may see")), _snapshots),
    "images": Hook(_owner_params("images", "aws_owners", "--owners",
                                 ("executable_by", "-x --executable-by", "only images this account may launch",
                                  "every image you may see")), _images),
    "zones": Hook(adjust=_zones, run=_run_zones),
}


def _ids_request(kind: ResourceKind, inv: Invocation) -> dict[str, Any]:
    """The IDs given as arguments and as awscli's options, under the request keys of the kind's row."""
    spec = kind.describe
    assert spec is not None
    given = list(inv.values.get(spec.positional) or ())
    params: dict[str, list[str]] = {}
    if spec.split is not None:
        prefix, prefixed, rest = spec.split
        params[rest] = [v for v in given if not v.startswith(prefix)]
        params[prefixed] = [v for v in given if v.startswith(prefix)]
    else:
        params[str(kind.ids_param)] = given
    for flag, key, _what, _checked in spec.options:
        params[key] = params.get(key, []) + list(inv.values.get(_dest(flag)) or ())
    return {**params, kind.filter_key: filters_of(inv)}


def _dest(flag: str) -> str:
    return flag[2:].replace("-", "_")


def _params(kind: ResourceKind, hook: Hook) -> tuple[Param, ...]:
    spec = kind.describe
    assert spec is not None
    value_kind = kind.value_kind or TEXT
    check = kind_id(kind) if spec.checked else None
    ids = Param(spec.positional, kind=value_kind, nargs="*", convert=check,
                metavar=spec.metavar or value_kind.upper(), help=spec.what or f"{kind.singular} IDs")
    options = tuple(ids_option(flag, _dest(flag), value_kind, kind_id(kind) if checked else None, what)
                    for flag, _key, what, checked in spec.options)
    return aws_params(ids, *options, *hook.params, paginated=spec.paginated)


def _register(kind: ResourceKind) -> None:
    spec = kind.describe
    assert spec is not None
    hook = HOOKS.get(kind.name, Hook())

    def handler(ctx: Context, inv: Invocation) -> Result:
        params = hook.adjust(ctx, inv, request(inv, _ids_request(kind, inv)))
        return (hook.run or describe)(ctx, kind, inv, params)
    handler.__name__ = spec.command.replace("-", "_")
    command(spec.command, kind.help_group, spec.summary, aliases=spec.aliases,
            params=_params(kind, hook), example=spec.example)(handler)


for _kind in DESCRIBED:
    if _kind.describe is not None:
        _register(_kind)
