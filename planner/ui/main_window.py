"""The main window: lays out the panels, menus and shortcuts and wires them to the document.
Rules live in planner.core; file handling in FileController."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
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
from planner.ui.explain_dialog import explain_serving, explain_training
from planner.ui.export_controller import ExportController
from planner.ui.file_controller import FILTER, Complaint, FileController, UnsavedQuestion
from planner.ui.findings_view import FindingsView
from planner.ui.menus import build_menus
from planner.ui.part_picker import PartPicker
from planner.ui.ranking import Ranked, Ranker
from planner.ui.session import Autosave, Settings
from planner.ui.theme import apply_theme
from planner.ui.user_prices import set_your_price
from planner.ui.window_layout import DockLayout
from planner.ui.workload_panel import WorkloadPanel

if TYPE_CHECKING:
    from planner.ui.compare_window import CompareWindow


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

        self._panels(catalog)
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
        self.recent_menu: QMenu | None = None
        build_menus(self)
        self.setAcceptDrops(True)
        self.document.changed.connect(self._changed)
        self.document.file_changed.connect(self._update_title)
        self._changed()
        self._update_title()
        self._charts_scheduled = False

    def _panels(self, catalog: Catalog) -> None:
        """The build in the centre, and the docks around it: parts, findings, workloads and
        charts, wired to the document."""
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
        self.build_panel.price_edited.connect(lambda part, usd: set_your_price(self, part, usd))
        self.parts_dock = self._dock("Parts", self.picker, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.findings_dock = self._dock(
            "Findings", self.findings, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.workloads_dock = self._dock(
            "Workloads", self.workload_panel, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.charts_dock = self._dock("Charts", self.charts, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.workloads_dock, self.charts_dock)
        self.dock_layout = DockLayout(
            self, (self.parts_dock, self.findings_dock), self.workloads_dock, self.settings
        )
        self.charts_dock.visibilityChanged.connect(
            lambda visible: self._load_charts() if visible and self.isVisible() else None
        )
        self.workloads_dock.raise_()
        self.picker.setMinimumWidth(260)
        self.findings.setMinimumWidth(220)
        # The build keeps room for its parts' names: a shrinking window narrows the docks.
        self.build_panel.setMinimumWidth(460)

    def restore_layout(self) -> None:
        """Geometry and dock layout as the user left them (not for screenshots: those use a
        fixed size and the default layout)."""
        self.dock_layout.restore()

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

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower()}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # ---- menus --------------------------------------------------------------------------

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
        used = " (used GPUs where cheaper)" if self.settings.used_prices() else ""
        self._status.setText(
            f"{counted(errors, 'error')} · {counted(warnings, 'warning')} · "
            f"${assembly.total_price_usd:,.0f}{used}"
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
        results = self.document.report.estimates
        selected = results[self._workload_row] if 0 <= self._workload_row < len(results) else None
        if selected is None or selected.serving is None or selected.workload is None:
            self.charts.show_serving(None, "")
            return
        found = self.document.serving_curves(selected)
        self.charts.show_serving(found, selected.workload.name)

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
        served = results[row] if 0 <= row < len(results) else None
        if served is not None and served.serving is not None and served.workload is not None:
            explain_serving(served.serving, served.workload.name, self).exec()
        elif estimate is not None:
            link = self.document.link
            explain_training(estimate, link.name if link else "no link (one GPU)", self).exec()

    def import_model(self, path: Path | None = None) -> bool:
        """Workloads → Import Model…: a config.json or .gguf file becomes a workload, added
        to the build at once so its memory and speed show."""
        from planner.ui.model_import import import_model_into

        return import_model_into(self, path)

    def plan_serving(self) -> None:
        from planner.ui.serving_dialog import ServingDialog

        dialog = ServingDialog(self.document, self)
        row = self.workload_panel.list.currentRow()
        results = self.document.report.estimates
        if 0 <= row < len(results) and results[row].workload is not None:
            dialog.choose(results[row].workload.id)  # type: ignore[union-attr]
        dialog.exec()

    def refresh_catalog(self) -> None:
        """Read the catalog again (your parts and prices changed) and show it everywhere."""
        if self._reload_catalog is not None:
            catalog = self._reload_catalog()
            self.document.set_catalog(catalog)
            self.picker.set_catalog(catalog)
            self.picker.set_assembly(self.document.assembly)

    def add_custom_part(self) -> None:
        dialog = CustomPartDialog(self.document.catalog, self)
        if dialog.exec() and dialog.saved:
            self.refresh_catalog()

    def set_used_prices(self, used: bool) -> None:
        """Price GPUs at their used price where it is lower, everywhere, from now on."""
        self.settings.set_used_prices(used)
        action = self.findChild(QAction, "usedPrices")
        if action is not None and action.isChecked() != used:
            action.setChecked(used)  # the Suggest dialog changed it
        self.refresh_catalog()

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
