"""The main window: lays out the panels, menus and shortcuts and wires them to the document.
Rules live in planner.core; file handling in FileController."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from planner import APP_NAME, __version__
from planner.core.build import Build
from planner.core.catalog import Catalog
from planner.core.estimate import Estimate
from planner.core.findings import Severity
from planner.core.parts import Gpu, PartKind
from planner.core.units import counted
from planner.core.workloads import Workload
from planner.ui.build_panel import BuildPanel
from planner.ui.chart_host import ChartHost
from planner.ui.custom_part_dialog import CustomPartDialog
from planner.ui.document import BuildDocument
from planner.ui.explain_dialog import ExplainDialog
from planner.ui.export_controller import PAPERS, ExportController
from planner.ui.file_controller import FILTER, Complaint, FileController, UnsavedQuestion
from planner.ui.findings_view import FindingsView
from planner.ui.part_picker import PartPicker
from planner.ui.ranking import Ranked, Ranker
from planner.ui.session import Autosave, Settings
from planner.ui.theme import THEMES, apply_theme
from planner.ui.workload_panel import WorkloadPanel

if TYPE_CHECKING:
    from planner.ui.compare_window import CompareWindow


def redo_shortcuts() -> list[QKeySequence]:
    """The platform's Redo keys, plus Ctrl+Y where the platform has only Ctrl+Shift+Z (as
    GNOME does), each once: a key bound twice is ambiguous and does nothing."""
    keys = list(QKeySequence.keyBindings(QKeySequence.StandardKey.Redo))
    for extra in ("Ctrl+Shift+Z", "Ctrl+Y"):
        sequence = QKeySequence(extra)
        if sequence not in keys:
            keys.append(sequence)
    return keys


class MainWindow(QMainWindow):
    def __init__(
        self,
        catalog: Catalog,
        workloads: Mapping[str, Workload],
        settings: Settings | None = None,
        autosave: Autosave | None = None,
        ask_unsaved: UnsavedQuestion | None = None,
        complain: Complaint | None = None,
        reload_catalog: Callable[[], Catalog] | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.autosave = autosave or Autosave()
        self.document = BuildDocument(catalog, workloads, self)
        self.files = FileController(
            self, self.document, self.settings, self.autosave, ask_unsaved, complain
        )
        self._reload_catalog = reload_catalog
        self._workload_row = -1
        self.ranker = Ranker(self)
        self.ranker.ranked.connect(self._show_ranking)

        self.build_panel = BuildPanel(self.document)
        self.setCentralWidget(self.build_panel)
        self.picker = PartPicker(catalog)
        self.picker.add_requested.connect(self.document.add_part)
        self.findings = FindingsView()
        self.findings.parts_selected.connect(self.show_parts)
        self.workload_panel = WorkloadPanel(self.document)
        self.charts = ChartHost()
        self.workload_panel.selection_changed.connect(self._workload_selected)
        self.workload_panel.explain_requested.connect(self.explain)
        self.build_panel.part_activated.connect(self._reveal_in_picker)
        self.parts_dock = self._dock("Parts", self.picker, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.findings_dock = self._dock(
            "Findings", self.findings, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.workloads_dock = self._dock(
            "Workloads", self.workload_panel, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.charts_dock = self._dock("Charts", self.charts, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.workloads_dock, self.charts_dock)
        self.charts_dock.visibilityChanged.connect(
            lambda visible: self._load_charts() if visible and self.isVisible() else None
        )
        self.workloads_dock.raise_()
        self.picker.setMinimumWidth(260)
        self.findings.setMinimumWidth(220)
        # The build keeps room for its parts' names: a shrinking window narrows the docks.
        self.build_panel.setMinimumWidth(460)
        self._status = QLabel()
        self._status.setTextFormat(Qt.TextFormat.PlainText)  # names come from files
        self.statusBar().addPermanentWidget(self._status)
        self.exports = ExportController(
            self,
            self.document,
            lambda: self.document.catalog,
            workloads,
            self.charts,
            self.settings,
            self.files.complain,
        )
        self.compare_windows: list[CompareWindow] = []
        self._build_menus()
        self.setAcceptDrops(True)
        self.document.changed.connect(self._changed)
        self.document.file_changed.connect(self._update_title)
        self.files.recent_changed.connect(self._fill_recent)
        self._changed()
        self._update_title()
        self._docks_sized = False
        self._charts_scheduled = False

    def restore_layout(self) -> None:
        """Geometry and dock layout as the user left them (not for screenshots: those use a
        fixed size and the default layout)."""
        geometry, state = self.settings.geometry(), self.settings.window_state()
        if geometry is None or not self.restoreGeometry(geometry):
            self._fit_screen()
        if state is not None and self.restoreState(state):
            self._docks_sized = True

    def _fit_screen(self) -> None:
        """First start: most of the screen (Qt would open at about two thirds, cutting
        columns), centred."""
        screen = self.screen().availableGeometry()
        width = min(screen.width(), max(1024, int(screen.width() * 0.9)))
        height = min(screen.height(), max(640, int(screen.height() * 0.9)))
        self.resize(width, height)
        self.move(screen.center() - self.rect().center())

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.UpdateRequest and self.charts_on_screen():
            # The first frame is painted: now load the charts (pyqtgraph takes a moment).
            self._load_charts()
        return handled

    def charts_on_screen(self) -> bool:
        """The charts' tab is the one shown (a tab behind another is 'visible' to Qt)."""
        return self.charts.isVisible() and not self.charts.visibleRegion().isEmpty()

    def _load_charts(self) -> None:
        """Charts load when they are first on screen: with their tab behind the workloads,
        the window is complete without pyqtgraph, and starts faster."""
        if not self._charts_scheduled and not self.charts.built:
            self._charts_scheduled = True
            QTimer.singleShot(0, self.charts.build)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._docks_sized:
            # First run: share the width between the catalog, the build and the findings,
            # and the height between the build and the workloads/charts, at any window size.
            self._docks_sized = True
            QTimer.singleShot(0, self._size_docks)

    def _size_docks(self) -> None:
        width, height = self.width(), self.height()
        self.resizeDocks(
            [self.parts_dock, self.findings_dock],
            [int(width * 0.3), int(width * 0.24)],
            Qt.Orientation.Horizontal,
        )
        self.resizeDocks([self.workloads_dock], [int(height * 0.36)], Qt.Orientation.Vertical)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower()}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # ---- menus --------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Callable[..., object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        files = self.menuBar().addMenu("&File")
        files.addAction(self._action("&New", self.files.new, QKeySequence.StandardKey.New))
        files.addAction(
            self._action("&Open…", self.files.open_dialog, QKeySequence.StandardKey.Open)
        )
        self.recent_menu = files.addMenu("Open &Recent")
        self._fill_recent()
        files.addSeparator()
        files.addAction(self._action("&Save", self.files.save, QKeySequence.StandardKey.Save))
        files.addAction(
            self._action("Save &As…", self.files.save_as, QKeySequence.StandardKey.SaveAs)
        )
        files.addSeparator()
        export = files.addMenu("&Export")
        export.addAction(
            self._action("Build &Report (PDF)…", lambda: self.exports.export_pdf(), "Ctrl+E")
        )
        export.addAction(
            self._action("&Parts List (CSV)…", lambda: self.exports.export_parts_csv())
        )
        export.addAction(
            self._action("&Estimates (CSV)…", lambda: self.exports.export_estimates_csv())
        )
        export.addAction(self._action("&Charts (PNG)…", lambda: self.exports.export_chart_images()))
        export.addSeparator()
        paper = export.addMenu("Paper &Size")
        papers = QActionGroup(self)
        for key, label in PAPERS.items():
            action = self._action(label, lambda _checked=False, k=key: self.exports.set_paper(k))
            action.setCheckable(True)
            action.setChecked(self.exports.paper == key)
            papers.addAction(action)
            paper.addAction(action)
        files.addAction(self._action("C&ompare Builds…", self.compare_dialog, "Ctrl+Shift+C"))
        files.addSeparator()
        files.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit))
        edit = self.menuBar().addMenu("&Edit")
        undo = self.document.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.document.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts(redo_shortcuts())
        edit.addAction(undo)
        edit.addAction(redo)
        edit.addSeparator()
        remove = self._action(
            "&Remove Part", self.build_panel.remove_selected, QKeySequence.StandardKey.Delete
        )
        remove.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.build_panel.table.addAction(remove)
        edit.addAction(remove)
        edit.addAction(self._action("Add &Custom Part…", self.add_custom_part))
        view = self.menuBar().addMenu("&View")
        for dock in (self.parts_dock, self.findings_dock, self.workloads_dock, self.charts_dock):
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        themes = view.addMenu("&Theme")
        for theme in THEMES:
            action = self._action(
                theme.capitalize(), lambda _checked=False, t=theme: self.set_theme(t)
            )
            themes.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self._action(f"&About {APP_NAME}", self.about))

    # ---- compare ------------------------------------------------------------------------

    def current_entry(self) -> tuple[str, Build]:
        document = self.document
        source = str(document.path) if document.path else "the open build (not saved)"
        if document.path and document.modified:
            source += " (with unsaved changes)"
        return source, document.build

    def compare_profiles(self, paths: list[Path]) -> CompareWindow:
        """A comparison window with these profiles; with fewer than two, the open build
        comes first."""
        from planner.ui.compare_window import CompareWindow

        window = CompareWindow(
            lambda: self.document.catalog,
            self.document.workloads,
            self.current_entry,
            self.files.complain,
            self.settings.paper,
            self,
        )
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if len(paths) < 2:
            window.add_current()
        window.add_profiles(paths)
        self.compare_windows.append(window)
        window.destroyed.connect(lambda _object=None, w=window: self._forget_compare(w))
        window.show()
        return window

    def _forget_compare(self, window: CompareWindow) -> None:
        if window in self.compare_windows:
            self.compare_windows.remove(window)

    def compare_dialog(self) -> None:
        start = str(self.document.path.parent) if self.document.path else str(Path.home())
        paths, _ = QFileDialog.getOpenFileNames(self, "Compare profiles", start, FILTER)
        self.compare_profiles([Path(path) for path in paths])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.files.recent()
        for path in recent:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _checked=False, p=path: self.files.open(Path(p)))
        self.recent_menu.setEnabled(bool(recent))

    # ---- reacting to the document -------------------------------------------------------

    def _changed(self) -> None:
        document = self.document
        report = document.report
        self.findings.set_findings(report.findings)
        assembly = document.assembly
        self.picker.set_assembly(assembly)
        self.charts.show_power(report.power)
        self._show_estimates()
        self._request_ranking()
        errors = len(report.of_severity(Severity.ERROR))
        warnings = len(report.of_severity(Severity.WARNING))
        self._status.setText(
            f"{counted(errors, 'error')} · {counted(warnings, 'warning')} · "
            f"${assembly.total_price_usd:,.0f}"
        )
        self.findings_dock.setWindowTitle(
            f"Findings ({counted(errors, 'error')}, {counted(warnings, 'warning')})"
        )
        self._update_title()  # a rename or an undo changes the title while already modified

    def _update_title(self) -> None:
        name = self.document.build.name
        self.setWindowTitle(f"{name}[*] — {APP_NAME}")
        self.setWindowModified(self.document.modified)
        self.setWindowFilePath(str(self.document.path) if self.document.path else "")

    def _workload_selected(self, row: int) -> None:
        if row == self._workload_row:
            return  # an edit re-showing the same row: _changed updates the charts
        self._workload_row = row
        self._show_estimates()
        self._request_ranking()

    def _estimates(self) -> list[Estimate]:
        return [r.estimate for r in self.document.report.estimates if r.estimate is not None]

    def _selected_estimate(self) -> Estimate | None:
        results = self.document.report.estimates
        if 0 <= self._workload_row < len(results):
            return results[self._workload_row].estimate
        return None

    def _show_estimates(self) -> None:
        self.charts.show_estimate(self._selected_estimate(), self._estimates(), self.document.link)

    def _request_ranking(self) -> None:
        estimate = self._selected_estimate()
        if estimate is None:
            self.charts.show_ranking([], None, "", 1)
            self.picker.set_gpu_speeds({})
            return
        gpus = tuple(p for p in self.document.catalog.of_kind(PartKind.GPU) if isinstance(p, Gpu))
        self.ranker.request(
            estimate.workload, estimate.setup, gpus, self.document.link, estimate.run_options
        )

    def _show_ranking(self, results: list[Ranked]) -> None:
        estimate = self._selected_estimate()
        build_gpu = next((gpu.id for gpu, _item in self.document.assembly.gpus), None)
        name = estimate.workload.name if estimate is not None else ""
        count = estimate.setup.gpus if estimate is not None else 1
        self.charts.show_ranking(results, build_gpu, name, count)
        speeds = {r.gpu.id: r.samples_per_s for r in results if r.fits}
        self.picker.set_gpu_speeds(speeds, count)

    # ---- user actions -------------------------------------------------------------------

    def show_parts(self, part_ids: tuple[str, ...]) -> None:
        for part_id in part_ids:
            if self.build_panel.select_part(part_id):
                return
        if part_ids:
            self._reveal_in_picker(part_ids[0])

    def _reveal_in_picker(self, part_id: str) -> None:
        part = self.document.catalog.get(part_id)
        if part is not None:
            self.parts_dock.show()
            self.picker.show_part(part.kind, part_id)

    def explain(self, row: int) -> None:
        results = self.document.report.estimates
        estimate = results[row].estimate if 0 <= row < len(results) else None
        if estimate is not None:
            link = self.document.link
            ExplainDialog(estimate, link.name if link else "no link (one GPU)", self).exec()

    def add_custom_part(self) -> None:
        dialog = CustomPartDialog(self.document.catalog, self)
        if dialog.exec() and dialog.saved and self._reload_catalog is not None:
            catalog = self._reload_catalog()
            self.document.set_catalog(catalog)
            self.picker.set_catalog(catalog)
            self.picker.set_assembly(self.document.assembly)

    def set_theme(self, theme: str) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)
            self.settings.set_theme(theme)  # the plots follow the palette themselves

    def about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3><p>Plan a deep-learning workstation part by part: "
            "compatibility, power, PCIe, cooling, training memory and speed.</p><p>Parts come "
            "from vendors' spec sheets (each part names its sources); speed comes from a roofline "
            "model calibrated on measured training runs.</p>",
        )

    def open_build(self, build: Build, path: Path | None, modified: bool = False) -> None:
        self.document.load(build, path, modified)

    # ---- window events ------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(url.isLocalFile() and url.toLocalFile().endswith(".toml") for url in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """One profile dropped opens it; several open side by side in a comparison."""
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls()]
        if len(paths) == 1:
            self.files.open(paths[0])
        elif paths:
            self.compare_profiles(paths)
        event.acceptProposedAction()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.confirm_discard():
            event.ignore()
            return
        self.settings.save_window(self.saveGeometry(), self.saveState())
        self.settings.set_last_profile(self.document.path)
        self.settings.sync()
        self.ranker.wait()
        self.autosave.stop()
        event.accept()
