"""One command over several clouds (``cloudshell --cloud a --cloud b describe-instances``).

A read without IDs runs in every cloud; ``--output json`` prints one document per cloud
(``{"a": {...}, "b": {...}}``, each what awscli prints for that cloud), ``text``, ``tsv`` and
``euca`` put the cloud's name first on each line, a table is headed by the cloud's name.
A command with IDs runs in the one cloud holding them; a change without IDs needs one cloud named.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cloudshell.cloud.errors import CloudshellError, UsageError
from cloudshell.output import apply_query, clean, dump_json, emit, jsonable


def run_in_clouds(clouds: Any, argv: list[str], *, fmt_for: Callable[[Any, bool], str],
                  confirm: Callable[[str], bool], console: Any, err: Any, progress: Any, meter: Any) -> int:
    """Run ``argv`` where it belongs and print every cloud's result; the worst exit code."""
    from cloudshell.cloud.cloudset import ids_in
    from cloudshell.commands import Context, registry, run

    inv = registry().parse(argv)
    contexts = {name: Context.for_runtime(rt, interactive=False, confirm=confirm, progress=progress, meter=meter)
                for name, rt in clouds.runtimes.items()}
    ids = ids_in(inv.values)
    if ids:
        def inventory_of(rt: Any) -> Any:
            from cloudshell.cloud.kinds import kind_of_id

            kinds = sorted({k.name for k in map(kind_of_id, ids) if k is not None})
            try:
                return contexts[rt.name].inventory(*kinds)
            except CloudshellError as exc:   # a cloud that cannot say does not hold them
                err.print(f"warning: cloud {rt.name}: {clean(str(exc))}", markup=False, highlight=False)
                return None
        names = [clouds.cloud_for(ids, inventory_of, unknown_here=False, how="--cloud NAME")]
    elif inv.command.mutates:
        raise UsageError(f"{inv.command.name} changes a cloud: with several clouds, name the one "
                         f"(--cloud NAME; open: {', '.join(clouds.names)})")
    else:
        names = clouds.names
    results: dict[str, Any] = {}
    code = 0
    for name in names:
        try:
            results[name] = run(contexts[name], inv)
        except CloudshellError as exc:
            err.print(f"cloudshell: cloud {name}: {clean(str(exc))}", markup=False, highlight=False)
            code = max(code, exc.exit_code)
    fmt = inv.output or fmt_for(clouds.current, inv.euca_name)
    _print(results, fmt=fmt, query=inv.query, console=console, err=err)
    return max([code, *(r.exit_code for r in results.values())])


def _print(results: dict[str, Any], *, fmt: str, query: str | None, console: Any, err: Any) -> None:
    if fmt == "json":
        doc = {}
        for name, result in results.items():
            data = result.data if result.data is not None else {"Messages": list(result.lines)}
            doc[name] = apply_query(jsonable(data), query)
        console.file.write(dump_json(doc) + "\n")
        console.file.flush()
    else:
        for name, result in results.items():
            if fmt == "table":
                console.print(f"cloud {name}:", markup=False, highlight=False)
                emit(result, fmt=fmt, query=query, console=console, err_console=err)
                continue
            _emit_prefixed(name, result, fmt=fmt, query=query, console=console, err=err)
        return
    for name, result in results.items():
        for warning in result.warnings:
            err.print(f"warning: cloud {name}: {clean(warning)}", markup=False, highlight=False, soft_wrap=True)


def _emit_prefixed(name: str, result: Any, *, fmt: str, query: str | None, console: Any, err: Any) -> None:
    """The script formats with the cloud's name as the first column of every line."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    inner = Console(file=buffer, highlight=False, soft_wrap=False, width=console.width)
    emit(result, fmt=fmt, query=query, console=inner, err_console=_Prefixed(name, err))
    text = buffer.getvalue()
    if text:
        lines = text[:-1].split("\n") if text.endswith("\n") else text.split("\n")
        console.file.write("".join(f"{name}\t{line}\n" for line in lines))
        console.file.flush()


class _Prefixed:
    """An error console that names the cloud in each warning."""

    def __init__(self, name: str, err: Any) -> None:
        self.name, self.err = name, err

    def print(self, text: str, **kw: Any) -> None:
        self.err.print(text.replace("warning: ", f"warning: cloud {self.name}: ", 1), **kw)
