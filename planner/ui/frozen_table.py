"""A table whose first column stays in place while the others scroll sideways (Qt's frozen
column example): in a narrow panel the part's name stays beside its numbers."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget


class FrozenColumnTable(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frozen = QTableView(self)
        self.frozen.setObjectName("frozenColumn")
        self.frozen.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.frozen.verticalHeader().hide()
        self.frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.frozen.setStyleSheet("QTableView { border: none; }")
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.viewport().stackUnder(self.frozen)
        self.horizontalHeader().sectionResized.connect(self._section_resized)
        self.verticalHeader().sectionResized.connect(
            lambda row, _old, new: self.frozen.setRowHeight(row, new)
        )
        self.frozen.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(self.frozen.verticalScrollBar().setValue)
        self.frozen.doubleClicked.connect(self.doubleClicked)
        header = self.frozen.horizontalHeader()
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._sort_from_frozen)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        self.frozen.setModel(model)
        self.frozen.setSelectionModel(self.selectionModel())
        if model is not None:
            model.modelReset.connect(self._hide_frozen_columns)
            model.layoutChanged.connect(self._hide_frozen_columns)
        self._hide_frozen_columns()

    def setSortingEnabled(self, enable: bool) -> None:
        super().setSortingEnabled(enable)
        self.frozen.horizontalHeader().setSortIndicatorShown(enable)
        self.horizontalHeader().sortIndicatorChanged.connect(self._show_sort)

    def _show_sort(self, column: int, order: Qt.SortOrder) -> None:
        self.frozen.horizontalHeader().setSortIndicator(column, order)

    def setSelectionBehavior(self, behavior: QAbstractItemView.SelectionBehavior) -> None:
        super().setSelectionBehavior(behavior)
        self.frozen.setSelectionBehavior(behavior)

    def setEditTriggers(self, triggers: QAbstractItemView.EditTrigger) -> None:
        super().setEditTriggers(triggers)
        self.frozen.setEditTriggers(triggers)

    def match_frozen(self) -> None:
        """Give the frozen column the table's look, once the table is set up."""
        self.frozen.setAlternatingRowColors(self.alternatingRowColors())
        self.frozen.setWordWrap(self.wordWrap())
        self.frozen.setTextElideMode(self.textElideMode())
        self.frozen.setSelectionMode(self.selectionMode())
        self._hide_frozen_columns()

    def _hide_frozen_columns(self) -> None:
        model = self.model()
        if model is None:
            return
        for column in range(model.columnCount()):
            self.frozen.setColumnHidden(column, column != 0)
        self.frozen.setColumnWidth(0, self.columnWidth(0))
        self.frozen.verticalHeader().setDefaultSectionSize(
            self.verticalHeader().defaultSectionSize()
        )
        self._place_frozen()

    def _sort_from_frozen(self, column: int) -> None:
        header = self.horizontalHeader()
        ascending = header.sortIndicatorSection() != column or (
            header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        )
        order = Qt.SortOrder.AscendingOrder if ascending else Qt.SortOrder.DescendingOrder
        self.sortByColumn(column, order)

    def _section_resized(self, column: int, _old: int, new: int) -> None:
        if column == 0:
            self.frozen.setColumnWidth(0, new)
            self._place_frozen()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_frozen()

    def _place_frozen(self) -> None:
        frame = self.frameWidth()
        self.frozen.setGeometry(
            self.verticalHeader().width() + frame,
            frame,
            self.columnWidth(0),
            self.viewport().height() + self.horizontalHeader().height(),
        )

    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        """Keyboard moves never leave the current cell hidden under the frozen column."""
        current = super().moveCursor(action, modifiers)
        if (
            action == QAbstractItemView.CursorAction.MoveLeft
            and current.column() > 0
            and self.visualRect(current).topLeft().x() < self.frozen.columnWidth(0)
        ):
            value = (
                self.horizontalScrollBar().value()
                + self.visualRect(current).topLeft().x()
                - self.frozen.columnWidth(0)
            )
            self.horizontalScrollBar().setValue(value)
        return current

    def scrollTo(
        self,
        index: QModelIndex | QPersistentModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        model = self.model()
        if index.column() > 0 or model is None:
            super().scrollTo(index, hint)
        else:  # the first column is always in view: only scroll to the row
            beside = max(0, self.columnAt(self.frozen.width()))
            super().scrollTo(model.index(index.row(), beside), hint)
        self.frozen.verticalScrollBar().setValue(self.verticalScrollBar().value())
