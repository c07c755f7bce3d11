"""The main window's menu bar and the keys that go with it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow

from planner import APP_NAME
from planner.ui.export_controller import PAPERS
from planner.ui.part_tooltip import plain_tip
from planner.ui.theme import THEMES

if TYPE_CHECKING:
    from planner.ui.main_window import MainWindow


def redo_shortcuts() -> list[QKeySequence]:
    """The platform's Redo keys, plus Ctrl+Y where the platform has only Ctrl+Shift+Z (as
    GNOME does), each once: a key bound twice is ambiguous and does nothing."""
    keys = list(QKeySequence.keyBindings(QKeySequence.StandardKey.Redo))
    for extra in ("Ctrl+Shift+Z", "Ctrl+Y"):
        sequence = QKeySequence(extra)
        if sequence not in keys:
            keys.append(sequence)
    return keys


def make_action(
    window: QMainWindow,
    text: str,
    slot: Callable[..., object],
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(shortcut)
    action.triggered.connect(slot)
    return action


def build_menus(window: MainWindow) -> None:
    """The menu bar: File, Edit, Build, Workloads, View and Help, each action forwarding to
    the window."""
    _file_menu(window)
    _edit_menu(window)
    builds = window.menuBar().addMenu("&Build")
    builds.addAction(make_action(window, "&Suggest a Build…", lambda: _suggest(window)))
    builds.addAction(make_action(window, "&Buy or Rent…", lambda: _rent(window)))
    used = make_action(window, "Price GPUs &Used Where Cheaper", window.set_used_prices)
    used.setCheckable(True)
    used.setChecked(window.settings.used_prices())
    used.setObjectName("usedPrices")
    used.setToolTip("Use the used-market price of a GPU where it is below the list price")
    builds.addAction(used)
    builds.addSeparator()
    builds.addAction(make_action(window, "Write &Probe Script…", lambda: _probe(window)))
    builds.addAction(
        make_action(window, "&Compare Probe Results…", lambda: _probe(window, compare=True))
    )
    models = window.menuBar().addMenu("&Workloads")
    models.addAction(make_action(window, "&Import Model…", lambda: window.import_model(), "Ctrl+I"))
    models.addAction(make_action(window, "Plan &Serving…", lambda: window.plan_serving()))
    view = window.menuBar().addMenu("&View")
    docks = (window.parts_dock, window.findings_dock, window.workloads_dock, window.charts_dock)
    for dock in docks:
        view.addAction(dock.toggleViewAction())
    view.addSeparator()
    themes = view.addMenu("&Theme")
    for theme in THEMES:
        set_theme = lambda _checked=False, t=theme: window.set_theme(t)  # noqa: E731
        themes.addAction(make_action(window, theme.capitalize(), set_theme))
    help_menu = window.menuBar().addMenu("&Help")
    help_menu.addAction(make_action(window, f"&About {APP_NAME}", window.about))


def _suggest(window: MainWindow) -> None:
    from planner.ui.suggest_dialog import suggest_build

    suggest_build(window)


def _probe(window: MainWindow, compare: bool = False) -> None:
    from planner.ui.probe_dialog import compare_probe, write_probe

    if compare:
        compare_probe(window)
    else:
        write_probe(window)


def _rent(window: MainWindow) -> None:
    from planner.io.cloud_prices import load_all_cloud_prices
    from planner.ui.rent_dialog import RentDialog

    prices, problems = load_all_cloud_prices()
    for problem in problems:
        window.files.complain("Your cloud prices were not used", str(problem))
    RentDialog(window.document, prices, window).exec()


def _fill_recent(window: MainWindow) -> None:
    menu = window.recent_menu
    if menu is None:
        return
    menu.clear()
    recent = window.files.recent()
    for path in recent:
        action = menu.addAction(Path(path).name)
        action.setToolTip(plain_tip(path))
        action.triggered.connect(lambda _checked=False, p=path: window.files.open(Path(p)))
    menu.setEnabled(bool(recent))


def _file_menu(window: MainWindow) -> None:
    files = window.menuBar().addMenu("&File")
    keys = QKeySequence.StandardKey
    files.addAction(make_action(window, "&New", window.files.new, keys.New))
    files.addAction(make_action(window, "&Open…", window.files.open_dialog, keys.Open))
    window.recent_menu = files.addMenu("Open &Recent")
    window.files.recent_changed.connect(lambda: _fill_recent(window))
    _fill_recent(window)
    files.addSeparator()
    files.addAction(make_action(window, "&Save", window.files.save, keys.Save))
    files.addAction(make_action(window, "Save &As…", window.files.save_as, keys.SaveAs))
    files.addSeparator()
    exports = window.exports
    export = files.addMenu("&Export")
    for text, slot, key in (
        ("Build &Report (PDF)…", lambda: exports.export_pdf(), "Ctrl+E"),
        ("&Parts List (CSV)…", lambda: exports.export_parts_csv(), None),
        ("&Estimates (CSV)…", lambda: exports.export_estimates_csv(), None),
        ("&Charts (PNG)…", lambda: exports.export_chart_images(), None),
    ):
        export.addAction(make_action(window, text, slot, key))
    export.addSeparator()
    paper = export.addMenu("Paper &Size")
    papers = QActionGroup(window)
    for key, label in PAPERS.items():
        choose = make_action(window, label, lambda _checked=False, k=key: exports.set_paper(k))
        choose.setCheckable(True)
        choose.setChecked(exports.paper == key)
        papers.addAction(choose)
        paper.addAction(choose)
    compare = make_action(window, "C&ompare Builds…", window.compare_dialog, "Ctrl+Shift+C")
    files.addAction(compare)
    files.addSeparator()
    files.addAction(make_action(window, "&Quit", window.close, keys.Quit))


def _edit_menu(window: MainWindow) -> None:
    edit = window.menuBar().addMenu("&Edit")
    undo = window.document.undo_stack.createUndoAction(window, "&Undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo = window.document.undo_stack.createRedoAction(window, "&Redo")
    redo.setShortcuts(redo_shortcuts())
    edit.addAction(undo)
    edit.addAction(redo)
    edit.addSeparator()
    table = window.build_panel
    remove = make_action(
        window, "&Remove Part", table.remove_selected, QKeySequence.StandardKey.Delete
    )
    remove.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    table.table.addAction(remove)
    edit.addAction(remove)
    edit.addAction(make_action(window, "Add &Custom Part…", window.add_custom_part))
