"""Import conversion tasks: describe-conversion-tasks and cancel-conversion-task, as euca2ools
spells them. (import-volume and import-instance, the S3 manifest upload flow, are in disk_imports.py;
resume-import and delete-disk-image in disk_import_tasks.py.)"""

from __future__ import annotations

import re

from cloudshell.cloud.errors import UsageError
from cloudshell.commands.context import Context, Result
from cloudshell.commands.registry import Invocation, Param, command
from cloudshell.commands.values import shown

_TASK = re.compile(r"import-(?:i|vol)-[a-z0-9]{8,17}")


def task_id(raw: str) -> str:
    if not _TASK.fullmatch(raw.strip()):
        raise UsageError(f"{shown(raw)} is not a conversion task ID (expected import-i-… or import-vol-…)")
    return raw.strip()


def _line(task: dict) -> str:
    kind = "volume import" if task.get("ImportVolume") else "instance import" if task.get("ImportInstance") else "import"
    message = f" ({task['StatusMessage']})" if task.get("StatusMessage") else ""
    return f"{task.get('ConversionTaskId')} {kind} {task.get('State')}{message}"


@command("describe-conversion-tasks", "imports", "Show import conversion tasks.",
         params=(Param("ids", nargs="*", convert=task_id, metavar="TASK", help="only these tasks"),),
         example="describe-conversion-tasks")
def describe_conversion_tasks(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.session.call("describe_conversion_tasks", **({"ConversionTaskIds": inv.ids} if inv.ids else {}))
    tasks = reply.get("ConversionTasks") or []
    return Result(data=reply, lines=tuple(_line(t) for t in tasks) or ("no conversion tasks",))


@command("cancel-conversion-task", "imports", "Cancel an import conversion task.",
         params=(Param("task", required=True, convert=task_id, metavar="TASK-ID", help="the task to cancel"),),
         mutates=True, destroys=True,
         confirm=lambda ctx, inv: f"Cancel conversion task {inv.task}? What it converted so far is deleted.",
         example="cancel-conversion-task import-i-1a2b3c4d")
def cancel_conversion_task(ctx: Context, inv: Invocation) -> Result:
    reply = ctx.send("cancel_conversion_task", ConversionTaskId=inv.task)
    return Result(data=reply, lines=(f"{inv.task} cancelled",))
