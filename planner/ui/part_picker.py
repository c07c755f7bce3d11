"""Picking parts: one tab per kind with a sortable, filterable table of the catalog."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QMargins, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner.core.assembly import Assembly
from planner.core.catalog import Catalog
from planner.core.parts import PartKind
from planner.ui.catalog_model import PART_ROLE, CatalogFilterProxy, CatalogTableModel
from planner.ui.flow_layout import FlowLayout
from planner.ui.frozen_table import FrozenColumnTable

COUNTED = (PartKind.GPU, PartKind.MEMORY, PartKind.STORAGE, PartKind.PSU, PartKind.RISER)


class KindPicker(QWidget):
    add_requested = Signal(str, int)  # part id, count

    def __init__(self, kind: PartKind, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.model = CatalogTableModel(kind, catalog.of_kind(kind))
        self.proxy = CatalogFilterProxy()
        self.proxy.setSourceModel(self.model)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(f"Type to filter {kind.label.lower()}s…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setObjectName(f"filter-{kind.value}")
        self.filter.textChanged.connect(self.proxy.set_text)
        self.table = self._catalog_table(kind)
        self.table.doubleClicked.connect(self._add_index)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        self.table.installEventFilter(self)
        self.filter.installEventFilter(self)
        self.count = QSpinBox()
        self.count.setRange(1, 16)
        self.count.setPrefix("× ")
        self.count.setVisible(kind in COUNTED)
        self.count.setToolTip("How many to add")
        self.add_button = QPushButton(f"Add {kind.noun}")
        self.add_button.setObjectName(f"add-{kind.value}")
        self.add_button.clicked.connect(self.add_selected)
        self.add_button.setToolTip(
            f"Add the selected {kind.noun} to the build (Enter in the list, or double-click)"
        )
        self.status = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.count)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self.proxy.rowsInserted.connect(self._count_rows)
        self.proxy.modelReset.connect(self._count_rows)
        self.proxy.layoutChanged.connect(self._count_rows)
        self.filter.textChanged.connect(self._count_rows)
        self._count_rows()
        self._sized = False

    def _catalog_table(self, kind: PartKind) -> FrozenColumnTable:
        """The catalog's parts of `kind`, sortable, one row each, the name column frozen."""
        table = FrozenColumnTable()
        table.setObjectName(f"catalog-{kind.value}")
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # keeps the model number
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setResizeContentsPrecision(16)  # widths from the first rows, not all of them
        header.resizeSection(0, 200)
        table.match_frozen()
        return table

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:  # sized when first shown: most tabs are never opened at start
            self._sized = True
            for column in range(1, self.model.columns):
                self.table.resizeColumnToContents(column)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down from the filter goes to the results; Enter adds the selected part, from
        the results or from the filter."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and watched in (self.table, self.filter):
            if watched is self.filter and self.selected_id() is None:
                self._select_first()
            self.add_selected()
            return True
        if watched is self.filter and key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
            if self.selected_id() is None:
                self._select_first()
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return super().eventFilter(watched, event)

    def _select_first(self) -> None:
        if self.proxy.rowCount():
            self.table.selectRow(0)
            self.table.setCurrentIndex(self.proxy.index(0, 0))

    def _count_rows(self) -> None:
        self.status.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()}")

    def selected_id(self) -> str | None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return None
        part = indexes[0].data(PART_ROLE)
        return part.id if part is not None else None

    def select(self, part_id: str) -> bool:
        row = self.model.row_of(part_id)
        if row is None:
            return False
        self.filter.clear()
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

    def add_selected(self) -> None:
        part_id = self.selected_id()
        if part_id:
            self.add_requested.emit(part_id, self.count.value())

    def _add_index(self, index: QModelIndex) -> None:
        part = index.data(PART_ROLE)
        if part is not None:
            self.add_requested.emit(part.id, self.count.value())


class PartPicker(QWidget):
    """A button per kind, wrapping onto a second row when the panel is narrow (tabs would
    scroll and cut their names), over the chosen kind's catalog table."""

    add_requested = Signal(str, int)

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("partPicker")
        self.pickers: dict[PartKind, KindPicker] = {}
        self.kinds = QButtonGroup(self)
        self.kinds.setExclusive(True)
        self.stack = QStackedWidget()
        bar = QWidget()
        bar.setObjectName("partKinds")
        flow = FlowLayout(bar, spacing=2)
        flow.setContentsMargins(QMargins(4, 4, 4, 0))
        for index, kind in enumerate(PartKind):
            picker = KindPicker(kind, catalog)
            picker.add_requested.connect(self.add_requested)
            self.pickers[kind] = picker
            self.stack.addWidget(picker)
            button = QToolButton()
            button.setText(kind.label)
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setObjectName(f"kind-{kind.value}")
            button.setToolTip(f"The catalog's {kind.label.lower()}s (Ctrl+{index + 1})")
            button.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            self.kinds.addButton(button, index)
            flow.addWidget(button)
        self.kinds.idClicked.connect(self.stack.setCurrentIndex)
        self.stack.currentChanged.connect(lambda index: self.kinds.button(index).setChecked(True))
        self.kinds.button(0).setChecked(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(bar)
        layout.addWidget(self.stack, 1)

    def setCurrentWidget(self, picker: KindPicker) -> None:
        self.stack.setCurrentWidget(picker)

    def currentWidget(self) -> KindPicker:
        picker = self.stack.currentWidget()
        assert isinstance(picker, KindPicker)
        return picker

    def set_catalog(self, catalog: Catalog) -> None:
        for kind, picker in self.pickers.items():
            picker.model.set_parts(catalog.of_kind(kind))

    def set_assembly(self, assembly: Assembly) -> None:
        for picker in self.pickers.values():
            picker.model.set_assembly(assembly)

    def set_gpu_speeds(self, speeds: Mapping[str, float], gpu_count: int = 1) -> None:
        self.pickers[PartKind.GPU].model.set_speeds(speeds, gpu_count)

    def show_part(self, kind: PartKind, part_id: str) -> None:
        picker = self.pickers[kind]
        self.setCurrentWidget(picker)
        picker.select(part_id)
