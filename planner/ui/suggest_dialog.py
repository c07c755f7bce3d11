"""Build → Suggest a Build…: the catalog builds that pass every check for the open build's
workloads within a budget or a deadline — the picks and the price–time front — each one
click from being the open build."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.core.suggest import Candidate, Constraints, Suggestions, suggest
from planner.ui.build_header import CIRCUIT_LABELS
from planner.ui.document import BuildDocument

if TYPE_CHECKING:
    from planner.ui.main_window import MainWindow

COLUMNS = ("", "Build", "Price", "Work time", "Warnings")


class SuggestDialog(QDialog):
    def __init__(self, document: BuildDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Suggest a build")
        self.resize(980, 640)
        self._document = document
        self.budget = _money_spin()
        self.deadline = QDoubleSpinBox()
        self.deadline.setRange(0, 1_000_000)
        self.deadline.setSuffix(" h")
        self.deadline.setSpecialValueText("no deadline")
        self.outlet = QComboBox()
        for key, label in CIRCUIT_LABELS.items():
            self.outlet.addItem(label, key)
        self.outlet.setCurrentIndex(self.outlet.findData(document.build.settings.wall_circuit))
        self.max_gpus = QSpinBox()
        self.max_gpus.setRange(1, 8)
        self.max_gpus.setValue(4)
        self.keep = QListWidget()
        self.keep.setMaximumHeight(110)
        for item in document.assembly.items:
            entry = QListWidgetItem(item.part.display_name)
            entry.setData(Qt.ItemDataRole.UserRole, item.part.id)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Unchecked)
            self.keep.addItem(entry)
        form = QFormLayout()
        form.addRow("Budget", self.budget)
        form.addRow("Deadline", self.deadline)
        form.addRow("Outlet", self.outlet)
        form.addRow("At most", self.max_gpus)
        form.addRow("Keep these parts", self.keep)
        search = QPushButton("Search")
        search.setObjectName("suggestSearch")
        search.setDefault(True)
        search.clicked.connect(self.search)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("suggestions")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selected)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)  # names come from files
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = buttons.addButton(
            "Open as Build", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(search, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addWidget(buttons)
        self.found: Suggestions | None = None
        self.rows: list[Candidate] = []

    def constraints(self) -> Constraints:
        kept = []
        for row in range(self.keep.count()):
            entry = self.keep.item(row)
            if entry.checkState() == Qt.CheckState.Checked:
                kept.append(str(entry.data(Qt.ItemDataRole.UserRole)))
        return Constraints(
            budget_usd=self.budget.value() or None,
            deadline_hours=self.deadline.value() or None,
            wall_circuit=self.outlet.currentData(),
            max_gpus=self.max_gpus.value(),
            keep=tuple(kept),
            electricity_usd_per_kwh=self._document.build.settings.electricity_usd_per_kwh,
        )

    def search(self) -> None:
        workloads = self._document.build.workloads
        if not workloads:
            self.summary.setText("Add the workloads the build is for first (Workloads panel).")
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.found = suggest(
                workloads, self._document.catalog, self._document.workloads, self.constraints()
            )
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._show(self.found)

    def _show(self, found: Suggestions) -> None:
        self.rows = [pick.candidate for pick in found.picks] + list(found.front)
        titles = [pick.title for pick in found.picks] + ["On the front"] * len(found.front)
        self.table.setRowCount(len(self.rows))
        for row, (title, candidate) in enumerate(zip(titles, self.rows, strict=True)):
            cells = (
                title,
                candidate.build.name,
                f"${candidate.price_usd:,.0f}",
                f"{candidate.hours:,.1f} h",
                str(candidate.warnings),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if row < len(found.picks):
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.summary.setText(
            (
                f"{len(found.front)} builds on the price–time front; {found.examined} GPU "
                f"choices completed and {found.pruned} ruled out by bounds in "
                f"{found.seconds:.1f} s."
                if found.front
                else "No catalog build passes every check within these limits."
            )
            + "".join(f" {note.capitalize()}." for note in found.notes)
        )
        if self.rows:
            self.table.selectRow(0)

    def _selected(self) -> None:
        candidate = self.chosen()
        self.open_button.setEnabled(candidate is not None)
        if candidate is None or self.found is None:
            self.details.setText("")
            return
        row = self.table.currentRow()
        picks = self.found.picks
        lines = []
        if row < len(picks):
            lines.append(f"Why: {picks[row].why}. Gives up: {picks[row].gives_up}.")
        lines.append(
            "Parts: "
            + ", ".join(
                f"{p.count} × {self._name(p.id)}" if p.count > 1 else self._name(p.id)
                for p in candidate.build.parts
            )
        )
        self.details.setText("\n".join(lines))

    def _name(self, part_id: str) -> str:
        part = self._document.catalog.get(part_id)
        return part.display_name if part else part_id

    def chosen(self) -> Candidate | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None


def _money_spin() -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(0, 10_000_000)
    spin.setDecimals(0)
    spin.setPrefix("$")
    spin.setGroupSeparatorShown(True)
    spin.setSpecialValueText("no budget")
    return spin


def suggest_build(window: MainWindow) -> None:
    """Build → Suggest a Build…: open the chosen suggestion as the window's build (after
    asking about unsaved changes)."""
    dialog = SuggestDialog(window.document, window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    candidate = dialog.chosen()
    if candidate is None or not window.files.confirm_discard():
        return
    window.open_build(
        replace(candidate.build, name=f"Suggested: {candidate.build.name}"), None, True
    )
