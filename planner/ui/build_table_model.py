"""The parts of a build as a Qt table: kind, part, count, unit price, line total."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from planner.core.assembly import Assembly, Item

PART_ROLE = Qt.ItemDataRole.UserRole + 1


class BuildTableModel(QAbstractTableModel):
    KIND, NAME, COUNT, UNIT_PRICE, LINE_TOTAL = range(5)
    HEADERS = ("Kind", "Part", "Count", "Unit price", "Line total")

    def __init__(self, assembly: Assembly | None = None) -> None:
        super().__init__()
        self._items: tuple[Item, ...] = assembly.items if assembly else ()

    def set_assembly(self, assembly: Assembly) -> None:
        self.beginResetModel()
        self._items = assembly.items
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        column = index.column()
        if role == PART_ROLE:
            return item.part
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= self.COUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.NAME:
            return f"{item.part.vendor} · id {item.part.id}"
        return None

    def _display(self, item: Item, column: int) -> str:
        if column == self.KIND:
            return item.part.kind.label
        if column == self.NAME:
            return item.part.display_name
        if column == self.COUNT:
            return str(item.count)
        price = item.part.price_usd
        if price is None:
            return "no list price"
        if column == self.UNIT_PRICE:
            return f"${price:,.0f}"
        return f"${price * item.count:,.0f}"
