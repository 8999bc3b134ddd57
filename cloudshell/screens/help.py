"""``?``: every key binding, read from the bindings themselves so the list cannot drift."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from cloudshell.cloud.kinds import VIEW_KINDS
from cloudshell.monitor_clouds import clouds_of
from cloudshell.screens.actions import ACTION_VIEWS, ResourceActions
from cloudshell.widgets.resource_table import ResourceTable
from cloudshell.widgets.fit_log import FitLog

if TYPE_CHECKING:
    from textual.app import App

    from cloudshell.screens.main import MainScreen

EXTRA_KEYS = {
    "Command bar (:)": [
        ("Enter", "run the line (same commands and grammar as the REPL: help lists them)"),
        ("Tab", "complete the highlighted suggestion (commands, options, live IDs)"),
        ("↑ ↓", "walk the suggestions, else the bar's history"),
        ("Esc", "close the bar"),
        (":instances :volumes …", "switch view; :timeline; :repl; :ssh INSTANCE; :q quits"),
    ],
    "Dialogs": [
        ("y n Esc", "answer a question (destructive ones start on No)"),
        ("f", "force, where a dialog offers it (detach)"),
        ("↑ ↓  Enter", "choose in a picker; Tab moves to its field (the device name)"),
    ],
    "Detail screen (Enter on a row)": [
        ("c", "jump to the console output (instances)"),
        ("r", "fetch the console output again"),
        ("Esc q", "back"),
    ],
}


def _rows(app: App[Any], bindings: Iterable[BindingType], skip: Collection[str] = ()) -> list[tuple[str, str]]:
    out: dict[str, list[str]] = {}
    for b in _only_bindings(bindings):
        if b.action in skip:
            continue
        # "pagedown,ctrl+f,space" is one binding of three keys: each shown the way the footer shows keys.
        keys = [app.get_key_display(replace(b, key=k.strip())) for k in b.key.split(",") if k.strip()]
        out.setdefault(b.description or b.action, []).extend(keys)
    return [(" ".join(dict.fromkeys(keys)), what) for what, keys in out.items()]


def _only_bindings(bindings: Iterable[BindingType]) -> list[Binding]:
    """A class's BINDINGS (every one here is a Binding, never a bare tuple)."""
    return [b for b in bindings if isinstance(b, Binding)]


def help_sections(app: App[Any], main_bindings: list[Binding]) -> list[tuple[str, list[tuple[str, str]]]]:
    """(title, [(keys, what)]) for every context; also what the tests check against."""
    action_names = {b.action for b in ResourceActions.ACTION_BINDINGS}
    if clouds_of(app) is None:   # c is the cloud filter only with several clouds open (else the console's key)
        action_names.add("cycle_cloud")
    sections = [
        ("Everywhere", _rows(app, app.BINDINGS) + _rows(app, main_bindings, action_names)),
        ("Tables", _rows(app, ResourceTable.BINDINGS)),
    ]
    for kind in (k for k in VIEW_KINDS if k.actions):
        sections.append((f"{kind.label} view", _rows(app, [
            b for b in ResourceActions.ACTION_BINDINGS if kind.name in ACTION_VIEWS[b.action]])))
    delete_only = [k for k in VIEW_KINDS if k.delete_command and not k.actions]
    if delete_only:
        sections.append((", ".join(k.label for k in delete_only) + " views", _rows(app, [
            b for b in ResourceActions.ACTION_BINDINGS if delete_only[0].name in ACTION_VIEWS[b.action]])))
    sections += [(title, rows) for title, rows in EXTRA_KEYS.items()]
    return sections


class HelpScreen(Screen):
    """Every binding by context, and where output and the timeline live."""

    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Back")]

    def __init__(self, main: MainScreen) -> None:
        super().__init__()
        self.main_bindings = _only_bindings(type(main).BINDINGS)

    def compose(self) -> ComposeResult:
        yield Static(" Keys (Esc to go back)", id="title")
        yield FitLog(id="help", wrap=True, markup=False, auto_scroll=False)
        yield Footer()

    def on_mount(self) -> None:
        log = self.query_one(FitLog)
        for title, rows in help_sections(self.app, self.main_bindings):
            log.write(Text(title, style="bold underline"))
            grid = Table.grid(padding=(0, 2))
            grid.add_column(no_wrap=True, style="bold", min_width=12)
            grid.add_column()
            for keys, what in rows:
                grid.add_row(keys, what)
            log.write(grid)
            log.write(Text(""))
        log.write(Text("Destructive actions ask first; --read-only refuses every change with one line. "
                       "Every change the poller sees and every action's outcome is in the timeline (t). "
                       "Themes: --theme dark|light|high-contrast, or theme = \"…\" in the user config."))
        log.focus()
