"""Builds side by side: saved profiles (and the open build) in one table, the best value in
each row highlighted, overlaid charts per workload, and the comparison exported."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QTableView,
    QToolBar,
    QWidget,
)

from planner.core.build import Build
from planner.core.catalog import Catalog
from planner.core.comparison import Comparison, compare
from planner.core.errors import InputError
from planner.core.workloads import Workload
from planner.io.csv_export import comparison_csv, write_csv
from planner.io.paths import PROFILE_SUFFIX
from planner.io.profiles import load_profile, require_known_parts
from planner.report.compare_report import export_comparison_report
from planner.ui.compare_charts import CompareCharts
from planner.ui.compare_model import CompareModel
from planner.ui.export_controller import ask_save_path, comparison_stem, export_file

Complaint = Callable[[str, str], None]
FILTER = f"Rig Planner profiles (*{PROFILE_SUFFIX} *.toml);;All files (*)"


class CompareWindow(QMainWindow):
    def __init__(
        self,
        catalog: Callable[[], Catalog],
        workloads: Mapping[str, Workload],
        current: Callable[[], tuple[str, Build]] | None = None,
        complain: Complaint | None = None,
        paper: Callable[[], str] = lambda: "a4",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("compare-window")
        self._paper = paper
        self.setWindowTitle("Compare builds")
        self.resize(1200, 800)
        self._catalog = catalog
        self._workloads = workloads
        self._current = current
        self._complain = complain or self._complain_with_dialog
        self.entries: list[tuple[str, Build]] = []
        self._current_index: int | None = None  # the entry the open build added
        self.comparison: Comparison | None = None

        self._views()
        self._toolbar()
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # names come from files
        self.statusBar().addPermanentWidget(self.summary, 1)
        self._refresh()

    def _views(self) -> None:
        """The comparison table over its charts."""
        self.model = CompareModel()
        self.table = QTableView()
        self.table.setObjectName("compare-table")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectColumns)
        self.charts = CompareCharts()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.charts)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([520, 300])
        self.setCentralWidget(splitter)

    def _toolbar(self) -> None:
        """Add and remove builds, show only rows that differ, export."""
        self.only_differences = QCheckBox("Only rows that differ")
        self.only_differences.toggled.connect(self._filter)
        toolbar = QToolBar("Compare")
        toolbar.setObjectName("compare-toolbar")
        toolbar.setMovable(False)
        self.addToolBar(toolbar)
        for text, slot, tip in (
            ("Add Profiles…", self.add_dialog, "Add saved profiles to the comparison"),
            ("Add Current Build", self.add_current, "Add the build open in the main window"),
            ("Remove Build", self.remove_selected, "Remove the selected build's column"),
        ):
            action = QAction(text, self)
            action.setToolTip(tip)
            action.triggered.connect(slot)
            toolbar.addAction(action)
        self.remove_action = action
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        toolbar.addSeparator()
        toolbar.addWidget(self.only_differences)
        toolbar.addSeparator()
        exports: tuple[tuple[str, Callable[[], object]], ...] = (
            ("Export PDF…", lambda: self.export_pdf()),
            ("Export CSV…", lambda: self.export_csv()),
        )
        for text, export in exports:
            action = QAction(text, self)
            action.triggered.connect(export)
            toolbar.addAction(action)

    def _complain_with_dialog(self, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(self, title, text)

    # ---- builds ---------------------------------------------------------------------------

    def add_profiles(self, paths: Sequence[Path]) -> int:
        """Add saved profiles; ones that cannot be read are reported and skipped, and one
        already in the comparison is not added twice."""
        added = 0
        catalog = self._catalog()
        for path in paths:
            try:
                build = require_known_parts(path, load_profile(path), catalog)
            except InputError as error:
                self._complain("Could not add the profile", str(error))
                continue
            added += self._add(str(path), build)
        if added:
            self._refresh()
        return added

    def add_build(self, source: str, build: Build) -> None:
        if self._add(source, build):
            self._refresh()

    def _add(self, source: str, build: Build, current: bool = False) -> bool:
        """Add an entry, or update the one from the same source (or, for the open build,
        the one it added before); say so when it is already there unchanged. True when the
        comparison changed."""
        for index, (known, old) in enumerate(self.entries):
            if known != source and not (current and index == self._current_index):
                continue
            if current:
                self._current_index = index
            if old == build:
                self.statusBar().showMessage(f"“{build.name}” is already in the comparison", 6000)
                return False
            self.entries[index] = (source, build)
            self.statusBar().showMessage(f"Updated “{build.name}” with its changes", 6000)
            return True
        if current:
            self._current_index = len(self.entries)
        self.entries.append((source, build))
        return True

    def add_current(self) -> None:
        if self._current is not None and self._add(*self._current(), current=True):
            self._refresh()

    def add_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Add profiles", str(self._folder()), FILTER)
        self.add_profiles([Path(path) for path in paths])

    def remove(self, index: int) -> None:
        if 0 <= index < len(self.entries):
            self._drop(index)
            self._refresh()

    def _drop(self, index: int) -> None:
        del self.entries[index]
        if self._current_index is not None and index <= self._current_index:
            self._current_index = None if index == self._current_index else self._current_index - 1

    def selected_columns(self) -> list[int]:
        """The builds whose columns hold the selection, as indexes into the entries."""
        columns = {index.column() - 1 for index in self.table.selectionModel().selectedIndexes()}
        return sorted(column for column in columns if 0 <= column < len(self.entries))

    def _selection_changed(self) -> None:
        self.remove_action.setEnabled(bool(self.selected_columns()))

    def remove_selected(self) -> None:
        columns = self.selected_columns()
        if not columns:
            self.statusBar().showMessage("Select a build's column to remove it", 6000)
            return
        for column in reversed(columns):
            self._drop(column)

        self._refresh()

    def _refresh(self) -> None:
        if len(self.entries) >= 1:
            self.comparison = compare(self.entries, self._catalog(), self._workloads)
        else:
            self.comparison = None
        self.model.set_comparison(self.comparison)
        self._spans()
        self._selection_changed()
        self.charts.set_comparison(self.comparison)
        if self.comparison is None or len(self.entries) < 2:
            self.summary.setText("Add two or more builds to compare them.")
        else:
            wins = ", ".join(
                f"{name}: {count}"
                for name, count in zip(self.comparison.names, self.comparison.wins(), strict=True)
            )
            differ = len(self.comparison.differences)
            self.summary.setText(
                f"{len(self.entries)} builds, {differ} of {len(self.comparison.rows)} rows "
                f"differ. Best values — {wins}."
            )

    def _filter(self, only: bool) -> None:
        self.model.set_only_differences(only)
        self._spans()

    def _spans(self) -> None:
        self.table.clearSpans()
        columns = self.model.columnCount()
        for row in self.model.section_rows():
            if columns > 1:
                self.table.setSpan(row, 0, 1, columns)
        self.table.resizeRowsToContents()

    # ---- export ---------------------------------------------------------------------------

    def suggested(self, suffix: str) -> Path:
        """Beside the first saved profile compared, named after the builds."""
        return self._folder() / f"{comparison_stem([b.name for _s, b in self.entries])}{suffix}"

    def _folder(self) -> Path:
        for source, _build in self.entries:
            path = Path(source)
            if path.is_file():
                return path.parent
        return Path.home()

    def export_csv(self, path: Path | None = None) -> bool:
        comparison = self.comparison
        if comparison is None:
            return False
        path = path or ask_save_path(self, "Export comparison", self.suggested(".csv"), "CSV files")
        if path is None:
            return False

        def write(target: Path) -> str:
            write_csv(target, comparison_csv(comparison))
            return f"Exported the comparison to {target}"

        return export_file(self, self._complain, "comparison", path, write)

    def export_pdf(self, path: Path | None = None) -> bool:
        comparison = self.comparison
        if comparison is None:
            return False
        path = path or ask_save_path(
            self, "Export comparison", self.suggested(".pdf"), "PDF documents"
        )
        if path is None:
            return False

        def write(target: Path) -> str:
            pages = export_comparison_report(target, comparison, self._paper())
            return f"Exported the comparison to {target} ({pages} pages)"

        return export_file(self, self._complain, "comparison", path, write)
