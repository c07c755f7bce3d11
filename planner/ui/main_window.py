"""The main window: the loaded build's parts with prices, and its findings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner import APP_NAME
from planner.core.assembly import Assembly
from planner.core.build import Build
from planner.core.catalog import Catalog
from planner.core.checks import run_checks
from planner.ui.build_table_model import BuildTableModel
from planner.ui.findings_view import FindingsView


class MainWindow(QMainWindow):
    def __init__(self, catalog: Catalog, build: Build) -> None:
        super().__init__()
        self._catalog = catalog
        self._parts_model = BuildTableModel()
        self._parts_view = QTableView()
        self._parts_view.setModel(self._parts_model)
        self._parts_view.setObjectName("parts")
        self._parts_view.verticalHeader().hide()
        self._parts_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        header = self._parts_view.horizontalHeader()
        header.setSectionResizeMode(BuildTableModel.NAME, QHeaderView.ResizeMode.Stretch)
        self._total = QLabel()
        self._total.setObjectName("total")
        self._findings = FindingsView()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(QLabel("<b>Parts</b>"))
        left_layout.addWidget(self._parts_view)
        left_layout.addWidget(self._total, alignment=Qt.AlignmentFlag.AlignRight)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(QLabel("<b>Findings</b>"))
        right_layout.addWidget(self._findings)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([640, 520])
        self.setCentralWidget(splitter)
        self.statusBar().showMessage(f"Catalog: {len(catalog)} parts")
        self.show_build(build)

    def show_build(self, build: Build) -> None:
        assembly = Assembly.resolve(build, self._catalog)
        self._parts_model.set_assembly(assembly)
        self._parts_view.resizeColumnsToContents()
        self._parts_view.horizontalHeader().setSectionResizeMode(
            BuildTableModel.NAME, QHeaderView.ResizeMode.Stretch
        )
        unpriced = " + parts without a list price" if assembly.unpriced else ""
        self._total.setText(f"<b>Total: ${assembly.total_price_usd:,.0f}{unpriced}</b>")
        self._findings.set_findings(run_checks(build, self._catalog).findings)
        self.setWindowTitle(f"{build.name} — {APP_NAME}")
