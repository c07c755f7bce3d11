"""Build → Suggest a Build…: the catalog builds that pass every check for the open build's
workloads within a budget or a deadline — the picks and the price–time front — each one
click from being the open build."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
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

from planner.core.build import Build
from planner.core.suggest import Constraints, Suggestions, suggest
from planner.core.upgrade import upgrade_path
from planner.ui.build_header import CIRCUIT_LABELS
from planner.ui.document import BuildDocument

if TYPE_CHECKING:
    from planner.ui.main_window import MainWindow

COLUMNS = ("", "Build", "Price", "Work time", "Warnings")


class SuggestDialog(QDialog):
    def __init__(
        self,
        document: BuildDocument,
        parent: QWidget | None = None,
        used_prices: tuple[bool, Callable[[bool], None]] | None = None,
    ) -> None:
        """`used_prices`: whether GPUs are priced used where cheaper, and how to change that
        for the whole app (the window's Build-menu setting)."""
        super().__init__(parent)
        self.setWindowTitle("Suggest a build")
        self.resize(980, 640)
        self._document = document
        form = self._limits(document, used_prices)
        actions = self._actions()
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # notes name parts from files
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
        layout.addLayout(actions)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addWidget(buttons)
        self.found: Suggestions | None = None
        self.builds: list[Build] = []
        self.explanations: list[str] = []

    def _limits(
        self,
        document: BuildDocument,
        used_prices: tuple[bool, Callable[[bool], None]] | None,
    ) -> QFormLayout:
        """What the search must respect: budget, deadline, outlet, GPU count, used prices,
        the parts to keep."""
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
        self.max_gpus.setSuffix(" GPUs")
        self.second_circuit = QCheckBox("A second circuit for a second power supply")
        self.second_circuit.setObjectName("suggestSecondCircuit")
        self.second_circuit.setToolTip(
            "Rigs that need two power supplies may plug the second into a circuit of its own"
        )
        self.second_circuit.setChecked(document.build.settings.psu_circuits == 2)
        self.used = QCheckBox("Buy GPUs used where that is cheaper")
        self.used.setObjectName("suggestUsed")
        self.used.setToolTip(
            "Price GPUs at their used-market price where it is below the list price, here "
            "and everywhere in the app (Build → Price GPUs Used Where Cheaper)"
        )
        self.used.setEnabled(used_prices is not None)
        if used_prices is not None:
            self.used.setChecked(used_prices[0])
            self.used.toggled.connect(used_prices[1])
        self.keep = _keep_list(document)
        form = QFormLayout()
        for label, widget in (
            ("Budget", self.budget),
            ("Deadline", self.deadline),
            ("Outlet", self.outlet),
            ("", self.second_circuit),
            ("At most", self.max_gpus),
            ("", self.used),
            ("Keep these parts", self.keep),
        ):
            form.addRow(label, widget)
        return form

    def _actions(self) -> QHBoxLayout:
        search = QPushButton("Search")
        search.setObjectName("suggestSearch")
        search.setDefault(True)
        search.clicked.connect(self.search)
        upgrade = QPushButton("Upgrade This Build")
        upgrade.setObjectName("suggestUpgrade")
        upgrade.setToolTip(
            "The cheapest change that clears each error, or the GPU changes that cut the "
            "training time most per dollar"
        )
        upgrade.clicked.connect(self.upgrade)
        actions = QHBoxLayout()
        actions.addWidget(search)
        actions.addWidget(upgrade)
        actions.addStretch(1)
        return actions

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
            psu_circuits=2 if self.second_circuit.isChecked() else 1,
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
        picks = list(found.picks)
        entries = [
            (pick.title, pick.candidate, f"Why: {pick.why}. Gives up: {pick.gives_up}.")
            for pick in picks
        ]
        entries += [("On the front", candidate, "") for candidate in found.front]
        self._fill(
            [
                (title, c.build, f"${c.price_usd:,.0f}", f"{c.hours:,.1f} h", str(c.warnings), why)
                for title, c, why in entries
            ],
            bold=len(picks),
        )
        self.summary.setText(
            (
                f"{len(found.front)} builds on the price–time front; {found.examined} GPU "
                f"choices completed and {found.pruned} ruled out by bounds in "
                f"{found.seconds:.1f} s."
                if found.front
                else "No catalog build passes every check within these limits."
            )
            + "".join(f" {note[0].upper()}{note[1:]}." for note in found.notes)
        )

    def upgrade(self) -> None:
        """From this build: the cheapest change that clears each error, or the GPU changes
        that cut the training time most per dollar."""
        document = self._document
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            path = upgrade_path(document.build, document.catalog, document.workloads)
        finally:
            QGuiApplication.restoreOverrideCursor()
        rows = [
            (
                "Fix",
                c.build,
                f"{c.price_change_usd:+,.0f} $",
                "",
                "",
                f"{c.words}: clears {', '.join(c.clears)}.",
            )
            for c in path.fixes
        ]
        rows += [
            (
                "Faster",
                c.build,
                f"{c.price_change_usd:+,.0f} $",
                f"−{c.hours_saved:,.1f} h",
                "",
                f"{c.words}: {c.hours_saved:,.1f} h less work for ${c.price_change_usd:+,.0f}.",
            )
            for c in path.speedups
        ]
        self._fill(rows, bold=len(path.fixes))
        unfixed = f" No single change clears: {', '.join(path.unfixed)}." if path.unfixed else ""
        self.summary.setText(
            f"{len(path.fixes)} fixes and {len(path.speedups)} faster GPU choices for this "
            f"build.{unfixed}"
            if rows or unfixed
            else "This build passes every check and no GPU change makes its workloads faster."
        )

    def _fill(self, rows: list[tuple[str, Build, str, str, str, str]], bold: int) -> None:
        self.builds = [row[1] for row in rows]
        self.explanations = [row[5] for row in rows]
        self.table.setRowCount(len(rows))
        for index, (title, build, price, time_text, warnings, _why) in enumerate(rows):
            for column, text in enumerate((title, build.name, price, time_text, warnings)):
                item = QTableWidgetItem(text)
                if index < bold:
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(index, column, item)
        self.table.resizeColumnsToContents()
        if rows:
            self.table.selectRow(0)
        self._selected()  # selecting the row already selected announces nothing

    def _selected(self) -> None:
        build = self.chosen()
        self.open_button.setEnabled(build is not None)
        if build is None:
            self.details.setText("")
            return
        why = self.explanations[self.table.currentRow()]
        parts = "Parts: " + ", ".join(
            f"{p.count} × {self._name(p.id)}" if p.count > 1 else self._name(p.id)
            for p in build.parts
        )
        self.details.setText("\n".join(line for line in (why, parts) if line))

    def _name(self, part_id: str) -> str:
        part = self._document.catalog.get(part_id)
        return part.display_name if part else part_id

    def chosen(self) -> Build | None:
        row = self.table.currentRow()
        return self.builds[row] if 0 <= row < len(self.builds) else None


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
    used = (window.settings.used_prices(), window.set_used_prices)
    dialog = SuggestDialog(window.document, window, used)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    chosen = dialog.chosen()
    if chosen is None or not window.files.confirm_discard():
        return
    window.open_build(replace(chosen, name=f"Suggested: {chosen.name}"), None, True)


def _keep_list(document: BuildDocument) -> QListWidget:
    """The build's parts, each with a box to keep it in every suggestion."""
    keep = QListWidget()
    keep.setMaximumHeight(110)
    for item in document.assembly.items:
        entry = QListWidgetItem(item.part.display_name)
        entry.setData(Qt.ItemDataRole.UserRole, item.part.id)
        entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        entry.setCheckState(Qt.CheckState.Unchecked)
        keep.addItem(entry)
    return keep
