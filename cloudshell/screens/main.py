"""The main screen: one live table per view, the filter, the command bar, the status bar."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Input

from cloudshell.cloud.inventory import Change, Inventory
from cloudshell.cloud.kinds import VIEW_KINDS, VIEWED
from cloudshell.cloud.poller import Health
from cloudshell.screens.actions import ResourceActions
from cloudshell.screens.clouds import CloudViews
from cloudshell.screens.messages import ActionFinished, ActionProgressed, ActionStarted
from cloudshell.widgets.command_bar import CommandBar, OutputPanel
from cloudshell.widgets.resource_table import ResourceTable
from cloudshell.widgets.status_bar import StatusBar
from cloudshell.widgets.view_tabs import VIEWS, ViewTabs

if TYPE_CHECKING:
    from textual import getters

    from cloudshell.app import CloudshellApp

# Words the command bar takes for a view: the kind's name and its other words.
VIEW_NAMES = {kind: kind for kind, _label in VIEWS} | {w: k.name for k in VIEW_KINDS for w in k.view_words}


class MainScreen(CloudViews, Screen):
    """Instances (default), Volumes, Snapshots, Images, Addresses, Groups, Keypairs, Zones, Networks."""

    if TYPE_CHECKING:
        app = getters.app(CloudshellApp)

    BINDINGS = [
        *(Binding(str(n), f"view('{kind}')", label, show=False)
          for n, (kind, label) in enumerate(VIEWS, start=1)),
        Binding("question_mark", "help", "Help"),
        Binding("colon", "command_bar", "Command"),
        Binding("slash", "filter", "Filter"),
        Binding("escape", "close_panels", "Close", show=False),
        Binding("less_than_sign", "sort(-1)", "Sort ←", show=False),
        Binding("greater_than_sign", "sort(1)", "Sort →", show=False),
        Binding("minus", "reverse_sort", "Reverse sort", show=False),
        Binding("t", "timeline", "Timeline"),
        Binding("r", "repl", "REPL"),
        Binding("f5,ctrl+l", "refresh", "Refresh", show=False),
        Binding("o", "toggle_output", "Output", show=False),
        *CloudViews.CLOUD_BINDINGS,
        *ResourceActions.ACTION_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = "instances"
        self.busy_rows: dict[int, tuple[str, ...]] = {}
        self.last_progress: dict[int, str] = {}
        self.region_name: str | None = None
        self._tabs_shown: tuple[str, str, int] | None = None
        self._derived_from: dict[str, tuple[int, ...]] = {}   # a derived view's sources, by identity
        self.actions = ResourceActions(self)

    def compose(self) -> ComposeResult:
        yield ViewTabs(id="tabs")
        with ContentSwitcher(initial="view-instances", id="views"):
            for kind, _label in VIEWS:
                yield ResourceTable(VIEWED[kind], id=f"view-{kind}")
        with Vertical(id="bottom"):
            yield Input(placeholder="filter: any text in any column (Enter keeps it, Esc clears)",
                        id="filter", classes="-hidden")
            yield OutputPanel(id="output", classes="-hidden")
            yield CommandBar(id="command", classes="-hidden")
            yield StatusBar(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.apply_update(self.app.inventory, self.app.health, None)
        self.table.focus()
        self._show_tabs()
        self.set_interval(1.0, self.refresh_status, name="status-clock")

    # -- what is on screen -----------------------------------------------------------
    @property
    def table(self) -> ResourceTable:
        return self.query_one(f"#view-{self.view}", ResourceTable)

    def tables(self) -> Iterable[ResourceTable]:
        return self.query(ResourceTable)

    def _show_tabs(self) -> None:
        table = self.table
        note = f"filter: {table.filter_text}" if table.filter_text else ""
        inv = self.app.inventory
        if table.kind.name in inv.truncated:
            # The page cap stopped the sweep: the rows are not the whole cloud, and must not look it.
            note = (f"first {len(inv.of(table.kind.name)):,} shown " + note).strip()
        if table.stale:
            note = ("STALE " + note).strip()
        tabs = self.query_one(ViewTabs)
        shown = (self.view, note, tabs.size.width)
        if shown != self._tabs_shown:       # the same line again would only cost terminal bytes
            self._tabs_shown = shown
            tabs.show(self.view, note)

    def refresh_status(self) -> None:
        app = self.app
        inv: Inventory = app.inventory
        health: Health = app.health
        running = [self.last_progress.get(n) or a.label for n, a in app.running_actions.items()]
        actions = ""
        if running:
            actions = running[0] if len(running) == 1 else f"{len(running)} actions: {running[-1]}"
        runtime = app.runtime
        region = self._region(inv)
        label = runtime.label
        if runtime.demo is not None and runtime.session is not None:
            # Where the demo endpoint listens: other tools (aws, the one-shot CLI) can use it too.
            label = f"demo {runtime.session.endpoint.label}"
        phase = runtime.phase      # the runtime is still opening (opening.py)
        label, region = self.cloud_place(label, str(region))   # several clouds: which are shown
        self.query_one(StatusBar).show(
            label=label, region=str(region),
            counts=self.cloud_counts(inv),
            age=inv.age(app.clock()), health_state=health.state,
            health=phase or health.describe(app.clock()), actions=actions,
            read_only=runtime.read_only)

    def _region(self, inv: Inventory) -> str:
        """The session's region; read once the poller has built the client (never build it here)."""
        session = self.app.runtime.session
        if self.region_name is None and session is not None:
            if session.endpoint.region:
                self.region_name = session.endpoint.region
            elif not inv.empty:
                self.region_name = str(session.region or "")
        return self.region_name or ""

    # -- feeding the tables ------------------------------------------------------------
    def apply_update(self, inv: Inventory, health: Health, changes: list[Change] | None) -> None:
        """Apply a new snapshot: only the changed rows of each table (all when ``changes`` is None)."""
        changed: dict[str, set[str]] = {}
        for change in changes or ():
            changed.setdefault(change.kind, set()).add(change.id)
        stale = health.state == "stale"
        self.show_clouds()
        with self.app.batch_update():
            for table in self.tables():
                table.stale = stale
                if table.kind.derived_from:
                    self._apply_derived(table, inv)
                    continue
                if not inv.has(table.kind.name):
                    continue
                records = inv.of(table.kind.name)
                if records is table.records:
                    continue
                if changes is None or not table.loaded:
                    table.apply(records)
                else:
                    table.apply(records, changed.get(table.kind.name, ()))
        self._show_tabs()
        self.refresh_status()

    def _apply_derived(self, table: ResourceTable, inv: Inventory) -> None:
        """A view made of other kinds' records (networks): rebuilt when one of them is new, and
        applied as a keyed update of the rows whose cells changed."""
        from cloudshell.cloud.networks import view_records

        sources = tuple(inv.of(k) for k in table.kind.derived_from)
        if not all(inv.has(k) for k in table.kind.derived_from):
            return   # a source not swept yet: "loading…" stays (rows half made would all change next)
        if self._derived_from.get(table.kind.name) == tuple(map(id, sources)):
            return
        self._derived_from[table.kind.name] = tuple(map(id, sources))
        records = view_records(inv)
        if not table.loaded:
            table.apply(records)
            return
        old = table.records
        changed = [rid for rid, rec in records.items() if rid not in old or old[rid].fields != rec.fields]
        table.apply(records, changed + [rid for rid in old if rid not in records])

    # -- views, filter, sort -----------------------------------------------------------
    def action_view(self, kind: str) -> None:
        if kind not in VIEWED:
            return
        self.view = kind
        self.query_one(ContentSwitcher).current = f"view-{kind}"
        filt = self.query_one("#filter", Input)
        filt.value = self.table.filter_text
        filt.set_class(not self.table.filter_text, "-hidden")
        self.table.focus()
        self._show_tabs()
        self.refresh_bindings()

    def action_filter(self) -> None:
        filt = self.query_one("#filter", Input)
        filt.remove_class("-hidden")
        filt.value = self.table.filter_text
        filt.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.table.set_filter(event.value)
            self._show_tabs()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            event.stop()
            if not event.value:
                event.input.add_class("-hidden")
            self.table.focus()

    def action_close_panels(self) -> None:
        filt = self.query_one("#filter", Input)
        output = self.query_one(OutputPanel)
        command = self.query_one(CommandBar)
        if not command.has_class("-hidden"):
            command.close()
        elif filt.has_focus or (not filt.has_class("-hidden") and not self.table.filter_text):
            filt.value = ""
            filt.add_class("-hidden")
        elif not output.has_class("-hidden"):
            output.add_class("-hidden")
        elif self.table.filter_text:
            filt.value = ""
            self.table.set_filter("")
            filt.add_class("-hidden")
        self.table.focus()
        self._show_tabs()

    def action_sort(self, step: int) -> None:
        table = self.table
        table.sort_by(table.sort_column + step)
        self.notify(f"sorted by {table.columns[table.sort_column].header}", timeout=2)

    def action_reverse_sort(self) -> None:
        table = self.table
        table.sort_by(table.sort_column, not table.sort_reverse)

    def action_toggle_output(self) -> None:
        self.query_one(OutputPanel).toggle_class("-hidden")

    # -- other screens -----------------------------------------------------------------
    def action_help(self) -> None:
        from cloudshell.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def action_timeline(self) -> None:
        from cloudshell.screens.timeline import TimelineScreen

        self.app.push_screen(TimelineScreen(self.app.timeline))

    def action_refresh(self) -> None:
        self.app.poller.refresh_now()
        self.notify("refresh requested", timeout=2)

    def on_resource_table_row_chosen(self, event: ResourceTable.RowChosen) -> None:
        from cloudshell.screens.detail import DetailScreen

        record = event.table.records.get(event.record_id)
        if record is not None and event.table.kind.derived_from:
            record = self.app.inventory.get(record.id, record.kind)   # the VPC or subnet itself
        if record is not None:
            self.app.push_screen(DetailScreen(record))

    # -- the action keys (ResourceActions does them) ----------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cycle_cloud":     # c: the cloud filter with several clouds, else the console
            return self.cloud_filter is not None
        return ResourceActions.enabled(action, self.view)

    def action_attach(self) -> None:
        self.actions.attach()

    def action_detach(self) -> None:
        self.actions.detach()

    def action_ssh(self) -> None:
        self.actions.ssh()

    def action_snapshot(self) -> None:
        self.actions.snapshot()

    def action_reboot(self) -> None:
        self.actions.reboot()

    def action_power(self) -> None:
        self.actions.power()

    def action_terminate(self) -> None:
        self.actions.terminate()

    def action_associate(self) -> None:
        self.actions.associate()

    def action_console(self) -> None:
        self.actions.console()

    def action_delete(self) -> None:
        self.actions.delete()

    def action_create_volume(self) -> None:
        self.actions.create_volume()

    def action_repl(self) -> None:
        self.actions.repl()

    # -- the command bar ------------------------------------------------------------------
    def action_command_bar(self) -> None:
        self.query_one(CommandBar).open()

    def on_command_bar_closed(self, _event: CommandBar.Closed) -> None:
        self.table.focus()

    def on_command_bar_submitted(self, event: CommandBar.Submitted) -> None:
        self.table.focus()
        self.run_line(event.line)

    def run_line(self, line: str) -> None:
        """A command-bar line: a view name, quit, or a registry command."""
        from cloudshell.cloud.errors import UsageError
        from cloudshell.commands.registry import split_line

        output = self.query_one(OutputPanel)
        try:
            argv = split_line(line)
        except UsageError as exc:
            output.show_error(line, str(exc))
            return
        if not argv:
            return
        word = argv[0].lower()
        if len(argv) == 1 and word in VIEW_NAMES:
            self.action_view(VIEW_NAMES[word])
            return
        if len(argv) == 1 and word in ("q", "quit", "exit"):
            self.app.exit()
            return
        if len(argv) == 1 and word in ("timeline", "events"):
            self.action_timeline()
            return
        if word == "ssh":
            self.app.prepare_ssh(argv)
            return
        if word == "cloud":
            self.cloud_command(argv)
            return
        if len(argv) == 1 and word == "repl":
            self.action_repl()
            return
        output.begin(line)
        self.app.start_command(argv, label=line, show_output=True)

    # -- actions' progress ---------------------------------------------------------------
    def action_started(self, started: ActionStarted) -> None:
        self.busy_rows[started.action_id] = started.targets
        for table in self.tables():
            for rid in started.targets:
                if rid in table.records:
                    table.mark_busy(rid, started.label.split()[0] + "…")
        self.refresh_status()

    def action_progressed(self, message: ActionProgressed) -> None:
        self.last_progress[message.action_id] = message.line
        self.refresh_status()

    def action_finished(self, started: ActionStarted | None, message: ActionFinished) -> None:
        targets = self.busy_rows.pop(message.action_id, ())
        self.last_progress.pop(message.action_id, None)
        still = {rid for ids in self.busy_rows.values() for rid in ids}
        for table in self.tables():
            for rid in targets:
                if rid not in still:
                    table.mark_busy(rid, None)
        if message.show_output:
            self.query_one(OutputPanel).show_result(message)
        self.refresh_status()
