"""The catalog parts of one kind as a Qt table, with the build's view of each part:
incompatible parts in grey with the reason as tooltip, and for GPUs the estimated speed on
the selected workload and speed per dollar."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from planner.core.assembly import Assembly
from planner.core.hints import incompatibility
from planner.core.parts import Part, PartKind
from planner.ui.catalog_columns import COLUMNS, Column
from planner.ui.part_tooltip import part_tooltip

PART_ROLE = Qt.ItemDataRole.UserRole + 1


class CatalogTableModel(QAbstractTableModel):
    def __init__(self, kind: PartKind, parts: tuple[Part, ...] = ()) -> None:
        super().__init__()
        self.kind = kind
        self._parts = parts
        self._reasons: dict[str, str] = {}
        self._speeds: Mapping[str, float] = {}
        self._gpu_count = 1
        self._columns: tuple[Column, ...] = COLUMNS[kind]
        self._speed_columns = kind is PartKind.GPU
        self._sort: tuple[int, Qt.SortOrder] | None = None

    @property
    def columns(self) -> int:
        return len(self._columns) + (2 if self._speed_columns else 0)

    def set_parts(self, parts: tuple[Part, ...]) -> None:
        self.beginResetModel()
        self._parts = self._sorted(tuple(parts))
        self.endResetModel()

    def parts(self) -> tuple[Part, ...]:
        return self._parts

    # ---- sorting: here in Python with one key per part, not by the proxy comparing pairs
    # through data() (which takes seconds for thousands of parts) ----------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        ids = [self._parts[index.row()].id for index in old]
        self._parts = self._sorted(self._parts)
        rows = {part.id: row for row, part in enumerate(self._parts)}
        self.changePersistentIndexList(
            old, [self.index(rows[i], index.column()) for i, index in zip(ids, old, strict=True)]
        )
        self.layoutChanged.emit()

    def _sorted(self, parts: tuple[Part, ...]) -> tuple[Part, ...]:
        if self._sort is None or not 0 <= self._sort[0] < self.columns:
            return parts
        column, order = self._sort
        return tuple(
            sorted(
                parts,
                key=lambda part: _sort_key(self._value(part, column)),
                reverse=order == Qt.SortOrder.DescendingOrder,
            )
        )

    def _value(self, part: Part, column: int) -> object:
        if column < len(self._columns):
            return self._columns[column].value(part)
        speed = self._speeds.get(part.id)
        if column == len(self._columns):
            return speed
        cost = (part.price_usd or 0) * self._gpu_count
        return speed / cost * 1000 if speed and cost else None

    def part(self, row: int) -> Part:
        return self._parts[row]

    def row_of(self, part_id: str) -> int | None:
        for row, part in enumerate(self._parts):
            if part.id == part_id:
                return row
        return None

    def set_assembly(self, assembly: Assembly) -> None:
        """Recompute which parts would not fit the build, and why."""
        reasons = {}
        for part in self._parts:
            reason = incompatibility(part, assembly)
            if reason:
                reasons[part.id] = reason
        if reasons != self._reasons:
            self._reasons = reasons
            self._changed()

    @property
    def has_speeds(self) -> bool:
        """Whether the GPU ranking has filled the speed columns."""
        return bool(self._speeds)

    def set_speeds(self, speeds: Mapping[str, float], gpu_count: int = 1) -> None:
        """GPU id -> samples per second on the selected workload with `gpu_count` such GPUs."""
        if self._speed_columns:
            self._speeds = speeds
            self._gpu_count = max(1, gpu_count)
            if self._sort is not None and self._sort[0] >= len(self._columns):
                self.sort(*self._sort)  # sorted by speed: the order changed too
            self._changed(first=len(self._columns))

    def _changed(self, first: int = 0) -> None:
        if self._parts:
            self.dataChanged.emit(
                self.index(0, first), self.index(len(self._parts) - 1, self.columns - 1)
            )

    # ---- Qt model interface -----------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._parts)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.columns

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if section < len(self._columns):
            column = self._columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.header
            if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
                return column.tooltip
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return ("Samples/s", "Per $1k")[section - len(self._columns)]
        if role == Qt.ItemDataRole.ToolTipRole:
            count = self._gpu_count
            cards = "one GPU" if count == 1 else f"{count} of these GPUs, as in this build"
            return (
                f"Estimated training speed on the selected workload with {cards}",
                f"Samples per second per $1,000 spent on {cards}",
            )[section - len(self._columns)]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        part = self._parts[index.row()]
        column = index.column()
        if role == PART_ROLE:
            return part
        reason = self._reasons.get(part.id)
        if role == Qt.ItemDataRole.ToolTipRole:
            return part_tooltip(part, f"Does not fit this build: {reason}" if reason else "")
        if role == Qt.ItemDataRole.ForegroundRole and reason:
            return QApplication.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DisplayRole:
            if column < len(self._columns):
                return self._columns[column].display(part)
            value = self._value(part, column)
            return _figure(value) if isinstance(value, (int, float)) else "—"
        return None


def _figure(value: float) -> str:
    """Three significant figures, grouped: 1,234 / 12.3 / 0.0456 (a slow workload's
    samples per $1k must not all read 0.0)."""
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _sort_key(value: object) -> tuple[int, float | str]:
    """Missing values first, then numbers, then text, whatever a column mixes."""
    if value is None:
        return (0, 0.0)
    if isinstance(value, bool | int | float):
        return (1, float(value))
    return (2, str(value).casefold())


class CatalogFilterProxy(QSortFilterProxyModel):
    """Type to filter: every word must appear in the part's name, vendor or id. Sorting is
    passed to the catalog model, which sorts its parts itself."""

    def __init__(self) -> None:
        super().__init__()
        self._words: list[str] = []
        self._haystacks: dict[str, str] = {}
        self._accepted: set[str] = set()

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        super().setSourceModel(model)
        model.modelAboutToBeReset.connect(self._forget)

    def _forget(self) -> None:
        """New parts are coming: their texts are matched as the proxy asks for them."""
        self._haystacks = {}
        self._accepted = set()

    def _model(self) -> CatalogTableModel:
        model = self.sourceModel()
        assert isinstance(model, CatalogTableModel)
        return model

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._model().sort(column, order)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = text.casefold().split()
        self._match()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _match(self) -> None:
        """Which parts pass the filter, found in one pass when the text changes."""
        if not self._words:
            self._accepted = set()
            return
        haystacks = self._haystacks
        for part in self._model().parts():
            if part.id not in haystacks:
                haystacks[part.id] = f"{part.display_name} {part.id}".casefold()
        words = self._words
        self._accepted = {
            part_id for part_id, text in haystacks.items() if all(w in text for w in words)
        }

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if not self._words:
            return True
        part = self._model().part(source_row)
        if part.id not in self._haystacks:
            text = self._haystacks[part.id] = f"{part.display_name} {part.id}".casefold()
            if all(word in text for word in self._words):
                self._accepted.add(part.id)
        return part.id in self._accepted
