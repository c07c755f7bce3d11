"""The build: parts with counts and prices, totals, the power budget, and the slot diagram."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.core.parts import Gpu
from planner.ui.build_header import BuildHeader
from planner.ui.build_table_model import PART_ID_ROLE, BuildTableModel
from planner.ui.document import BuildDocument
from planner.ui.power_bar import PowerBar
from planner.ui.slot_diagram import SlotDiagram


class _NumberDelegate(QStyledItemDelegate):
    """Spin boxes for counts (0 removes the part), your prices (0 = the list price) and power
    limits (0 = none)."""

    def createEditor(self, parent: QWidget, option: object, index: QModelIndex) -> QWidget:  # type: ignore[override]
        editor = QSpinBox(parent)
        if index.column() == BuildTableModel.COUNT:
            editor.setRange(0, 64)
        elif index.column() == BuildTableModel.UNIT_PRICE:
            editor.setRange(0, 1_000_000)
            editor.setPrefix("$")
            editor.setGroupSeparatorShown(True)
            editor.setSpecialValueText("list price")
        else:
            editor.setRange(0, 2000)
            editor.setSingleStep(10)
            editor.setSuffix(" W")
            editor.setSpecialValueText("none")
        return editor


class BuildPanel(QWidget):
    part_activated = Signal(str)
    price_edited = Signal(str, int)  # a part id and your price in dollars (0: the list price)

    def __init__(self, document: BuildDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.model = BuildTableModel(on_edit=self._edit)
        self.table = QTableView()
        self.table.setObjectName("buildTable")
        self.table.setModel(self.model)
        self.table.setItemDelegate(_NumberDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # keeps the model number
        self.table.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        self.table.setAlternatingRowColors(True)
        self.table.doubleClicked.connect(self._activated)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected part (Delete)")
        self.remove_button.clicked.connect(self.remove_selected)
        self.total = QLabel()
        self.total.setObjectName("total")
        self.power = PowerBar()
        self.slots = SlotDiagram()
        self.header = BuildHeader(document)

        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.total)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.header)
        top_layout.addWidget(self.table)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.power)
        split = self.split = QSplitter(Qt.Orientation.Vertical)
        self._top = top
        self._fitted_rows = -1
        split.addWidget(top)
        slots = QScrollArea()
        slots.setWidget(self.slots)
        slots.setWidgetResizable(True)
        slots.setFrameShape(QFrame.Shape.NoFrame)
        split.addWidget(slots)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split)
        document.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        document = self._document
        assembly = document.assembly
        selected = self.selected_part()
        self.model.set_assembly(assembly)
        if self.model.rowCount() != self._fitted_rows:
            self._fitted_rows = self.model.rowCount()
            QTimer.singleShot(0, self.fit_table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(BuildTableModel.NAME, QHeaderView.ResizeMode.Stretch)
        if selected and self.selected_part() != selected:
            # Only after a reset: re-selecting the same row would move the current cell
            # and close the editor that is still committing this very edit.
            self.select_part(selected)
        self.total.setText(f"<b>Total ${assembly.total_price_usd:,.0f}{assembly.unpriced_note}</b>")
        self._show_power()
        gpus = {gpu.id: gpu for gpu, _item in assembly.gpus if isinstance(gpu, Gpu)}
        self.slots.set_layout(assembly.motherboard, document.report.layout, gpus)

    def fit_table(self) -> None:
        """Give the parts table the height its rows need (leaving the slot diagram at least
        120 px or a third of the panel), the diagram the rest: a splitter keeps the sizes
        of its first showing, which left two rows of eight over a half-empty diagram."""
        total = sum(self.split.sizes())
        if total <= 0:
            return
        self.table.updateGeometry()
        rows_height = (
            self.table.rowHeight(0) * max(1, self.model.rowCount()) if self.model.rowCount() else 0
        )
        chrome = self._top.sizeHint().height() - self.table.sizeHint().height()
        frame = self.table.horizontalHeader().height() + 2 * self.table.frameWidth() + 6
        wanted = chrome + frame + rows_height
        top = min(wanted, max(total * 2 // 3, total - 120))  # the diagram keeps 120 px
        self.split.setSizes([top, total - top])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self.fit_table)

    def _show_power(self) -> None:
        power = self._document.report.power
        if power is None or not power.gpu_w:
            self.power.set_budget(0, 1, "Power: add GPUs and a CPU to see the budget", "none")
            return
        rating = power.psu_w or 0
        scale = max(rating, power.recommended_psu_w) or 1
        if rating:
            verdict = (
                "over"
                if power.sustained_w > rating
                else ("tight" if power.recommended_psu_w > rating else "fine")
            )
            words = {"over": "over the PSU", "tight": "tight", "fine": "fine"}[verdict]
            text = (
                f"Power {power.sustained_w:,.0f} W of {rating:,} W PSU "
                f"(recommended {power.recommended_psu_w:,.0f} W) — {words}"
            )
        else:
            verdict = "none"
            text = (
                f"Power {power.sustained_w:,.0f} W — choose a PSU of "
                f"{power.recommended_psu_w:,.0f} W or more"
            )
        self.power.set_budget(power.sustained_w, scale, text, verdict)

    def _edit(self, part_id: str, column: int, value: int) -> None:
        if column == BuildTableModel.COUNT:
            self._document.set_count(part_id, value)
        elif column == BuildTableModel.POWER_LIMIT:
            self._document.set_power_limit(part_id, value or None)
        elif column == BuildTableModel.UNIT_PRICE:
            self.price_edited.emit(part_id, value)

    def selected_part(self) -> str | None:
        indexes = self.table.selectionModel().selectedRows()
        return indexes[0].data(PART_ID_ROLE) if indexes else None

    def select_part(self, part_id: str) -> bool:
        row = self.model.row_of(part_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def remove_selected(self) -> None:
        part_id = self.selected_part()
        if part_id:
            self._document.remove_part(part_id)

    def _activated(self, index: QModelIndex) -> None:
        if index.column() in (BuildTableModel.KIND, BuildTableModel.NAME):
            self.part_activated.emit(index.data(PART_ID_ROLE))
