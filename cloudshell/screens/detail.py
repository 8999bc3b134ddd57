"""Every field of one resource: columns, tags, attachments, the raw API record, and console output."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from cloudshell.cloud.inventory import Inventory, Record, label
from cloudshell.cloud.kinds import KINDS
from cloudshell.output import clean
from cloudshell.screens.messages import TextLoaded
from cloudshell.widgets.fit_log import FitLog

if TYPE_CHECKING:
    from textual import getters

    from cloudshell.app import CloudshellApp


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """``{"A": {"B": [1]}}`` → ``("A.B[0]", "1")``: every leaf of the API record."""
    if isinstance(value, Mapping):
        for key, sub in value.items():
            yield from flatten(sub, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, (list, tuple)):
        if not value:
            yield prefix, "[]"
        for n, sub in enumerate(value):
            yield from flatten(sub, f"{prefix}[{n}]")
    else:
        yield prefix, "" if value is None else str(value)


class _Grid:
    """Keys and values in two columns at the width given: the key column takes at most
    two fifths of it (a longer key folds), so values keep room and never hide a character."""

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        self.rows = [(clean(key), clean(value)) for key, value in rows]

    def __rich_console__(self, console: Any, options: Any):
        width = options.max_width
        widest = max((cell_len(key) for key, _ in self.rows), default=1)
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", overflow="fold", width=max(1, min(widest, max(12, width * 2 // 5))))
        table.add_column(overflow="fold")
        for key, value in self.rows:
            table.add_row(Text(key), Text(value))
        yield table


def _grid(rows: list[tuple[str, str]]) -> _Grid:
    return _Grid(rows)


def attachments(rec: Record, inv: Inventory) -> list[tuple[str, str]]:
    """Devices of an instance (with the volumes the inventory knows), or a volume's attachment."""
    rows: list[tuple[str, str]] = []
    if rec.kind == "instances":
        for bdm in rec.raw.get("BlockDeviceMappings") or ():
            vol_id = (bdm.get("Ebs") or {}).get("VolumeId", "")
            vol = inv.get(vol_id, "volumes") if vol_id else None
            root = " (root)" if bdm.get("DeviceName") == rec.raw.get("RootDeviceName") else ""
            extra = f" {vol.name} {vol['size']} GiB {vol.state}" if vol is not None else ""
            rows.append((str(bdm.get("DeviceName", "?")), f"{vol_id}{root}{extra}"))
        known = {r[1].split(" ")[0] for r in rows}
        for vol in inv.of("volumes").values():
            if vol["instance"] == rec.id and vol.id not in known:
                rows.append((vol["device"] or "?", f"{vol.id} {vol.name} {vol['size']} GiB {vol.state}"))
    elif rec.kind == "volumes":
        for att in rec.raw.get("Attachments") or ():
            inst = inv.get(str(att.get("InstanceId", "")), "instances")
            name = f" ({inst.name}, {inst.state})" if inst is not None else ""
            rows.append((str(att.get("Device", "?")),
                         f"{att.get('InstanceId', '')}{name} {att.get('State', '')}"))
    return rows


class DetailScreen(Screen):
    """Opened with Enter on a row (``c`` on an instance jumps to its console output)."""

    if TYPE_CHECKING:
        app = getters.app(CloudshellApp)

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("c", "console", "Console output"),
        Binding("r", "reload_console", "Reload console", show=False),
    ]

    def __init__(self, record: Record, *, console_first: bool = False) -> None:
        super().__init__()
        self.record = record
        self.console_first = console_first
        self.console: str | None = None
        self.console_error: str | None = None

    def compose(self) -> ComposeResult:
        kind = KINDS[self.record.kind]
        who = label(self.record)
        yield Static(f" {kind.singular} {who}", id="title", markup=False)
        yield FitLog(id="detail", wrap=True, markup=False, auto_scroll=False)
        yield Footer()

    def on_mount(self) -> None:
        self.render_record()
        self.query_one(FitLog).focus()
        if "console" in KINDS[self.record.kind].detail:
            self.load_console()
        self.set_interval(1.0, self._follow, name="detail-follow")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("console", "reload_console"):
            return "console" in KINDS[self.record.kind].detail
        return True

    def _follow(self) -> None:
        """Re-render when the poller brings a new version of this record."""
        latest = self.app.inventory.get(self.record.id, self.record.kind)
        if latest is not None and latest is not self.record and latest.raw != self.record.raw:
            self.record = latest
            self.render_record(keep_scroll=True)

    def render_record(self, *, keep_scroll: bool = False) -> None:
        log = self.query_one(FitLog)
        y = log.scroll_y
        log.clear()
        rec, kind = self.record, KINDS[self.record.kind]
        log.write(Text("Fields", style="bold underline"))
        log.write(_grid([(c.header, rec[c.key]) for c in kind.columns]))
        tags = [(str(t.get("Key", "")), str(t.get("Value", ""))) for t in rec.raw.get("Tags") or ()]
        log.write(Text("\nTags", style="bold underline"))
        log.write(_grid(tags) if tags else Text("none"))
        for title, section in kind.sections:
            rows = section(rec.raw)
            if rows:
                log.write(Text(f"\n{title}", style="bold underline"))
                log.write(_grid(rows))
        if "attachments" in kind.detail:
            rows = attachments(rec, self.app.inventory)
            log.write(Text("\nAttachments", style="bold underline"))
            log.write(_grid(rows) if rows else Text("none"))
        if "network" in kind.detail:
            from cloudshell.cloud.networks import instance_network

            rows = instance_network(self.app.inventory, rec)
            log.write(Text("\nNetwork", style="bold underline"))
            log.write(_grid(rows) if rows else Text("EC2-classic (no VPC)"))
        if "console" in kind.detail:
            log.write(Text("\nConsole output", style="bold underline"))
            if self.console_error:
                log.write(Text(self.console_error, style="bold"))
            elif self.console is None:
                log.write(Text("loading…"))
            else:
                log.write(Text(clean(self.console) or "(empty)"))
        log.write(Text("\nEvery field (API)", style="bold underline"))
        log.write(_grid([(k, v) for k, v in flatten(rec.raw) if k != "Tags" and not k.startswith("Tags[")]))
        if keep_scroll:
            log.scroll_to(y=y, animate=False)
        elif self.console_first and self.console is not None:
            self.action_console()

    def action_console(self) -> None:
        log = self.query_one(FitLog)
        for n, strip in enumerate(log.lines):
            if strip.text.startswith("Console output"):
                log.scroll_to(y=n, animate=False)
                return

    def action_reload_console(self) -> None:
        self.console, self.console_error = None, None
        self.render_record(keep_scroll=True)
        self.load_console()

    @work(thread=True, exclusive=True, exit_on_error=False, group="console",
          description="fetch console output")
    def load_console(self) -> None:
        from cloudshell.cloud.errors import CloudshellError
        from cloudshell.commands import registry, run

        try:
            asked = registry().parse(["get-console-output", self.record.id])
            result = run(self.app.context(0, asked), asked)   # the record's own cloud
            text = result.raw_text if result.raw_text is not None else \
                str((result.data or {}).get("Output") or "\n".join(result.lines))
            self.post_message(TextLoaded(self.record.id, text))
        except CloudshellError as exc:
            self.post_message(TextLoaded(self.record.id, "", f"console output: {exc}"))
        except Exception as exc:  # noqa: BLE001 - one line, never a traceback
            self.post_message(TextLoaded(self.record.id, "", f"console output failed: {type(exc).__name__}"))

    def on_text_loaded(self, message: TextLoaded) -> None:
        if message.key != self.record.id:
            return
        self.console, self.console_error = message.text, message.error
        self.render_record(keep_scroll=not self.console_first)
