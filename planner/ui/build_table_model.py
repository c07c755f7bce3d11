"""The parts of a build as a Qt table: kind, part, count, unit price, line total, power limit.

Counts and GPU power limits are editable; edits go to `on_edit`, which the panel connects to
the document, so undo and the analysis see every change."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from planner.core.assembly import Assembly
from planner.core.build import PartChoice
from planner.core.catalog import RetiredPart
from planner.core.citations import price_citation, unpriced_label
from planner.core.parts import Gpu, Part, PartKind
from planner.core.used_price import is_used
from planner.core.user_price import is_yours
from planner.ui.part_tooltip import part_tooltip, plain_tip

PART_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class BuildTableModel(QAbstractTableModel):
    KIND, NAME, COUNT, UNIT_PRICE, LINE_TOTAL, POWER_LIMIT = range(6)
    # Short headers: the build sits between two panels and the part's name needs the room.
    HEADERS = ("Kind", "Part", "Qty", "Each", "Total", "Limit")
    HEADER_TIPS = (
        "Kind of part",
        "The part; hover for its full name, vendor and id",
        "How many; double-click to change",
        "Unit price",
        "Line total: unit price × quantity",
        "GPU power limit (nvidia-smi -pl); double-click to set one",
    )

    def __init__(
        self,
        assembly: Assembly | None = None,
        on_edit: Callable[[str, int, int], None] | None = None,
    ) -> None:
        super().__init__()
        self._rows: list[tuple[PartChoice, Part | None]] = []
        self._retired: Mapping[str, RetiredPart] = {}
        self._on_edit = on_edit
        if assembly is not None:
            self.set_assembly(assembly)

    def set_assembly(self, assembly: Assembly) -> None:
        rows: list[tuple[PartChoice, Part | None]] = [
            (item.choice, item.part) for item in assembly.items
        ]
        rows += [(choice, None) for choice in assembly.unknown]
        self._retired = assembly.retired
        same_parts = [choice.id for choice, _part in rows] == [c.id for c, _p in self._rows]
        if same_parts and rows:
            # An edit of a count or a limit: the rows stay, so an open editor (the one that
            # made the edit) is not torn down mid-commit by a reset.
            self._rows = rows
            last = self.index(len(rows) - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def part_id(self, row: int) -> str:
        return self._rows[row][0].id

    def row_of(self, part_id: str) -> int | None:
        return next((row for row, (c, _p) in enumerate(self._rows) if c.id == part_id), None)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.HEADER_TIPS[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if not index.isValid():
            return flags
        _choice, part = self._rows[index.row()]
        if (
            index.column() == self.COUNT
            or (index.column() == self.POWER_LIMIT and isinstance(part, Gpu))
            or (index.column() == self.UNIT_PRICE and part is not None)
        ):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        choice, part = self._rows[index.row()]
        column = index.column()
        if role == PART_ID_ROLE:
            return choice.id
        if role == Qt.ItemDataRole.EditRole:
            if column == self.COUNT:
                return choice.count
            if column == self.POWER_LIMIT:
                return choice.power_limit_w or 0
            if column == self.UNIT_PRICE:
                return round(part.price_usd or 0) if part else 0
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(choice, part, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= self.COUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if part is None:
                retired = self._retired.get(choice.id)
                why = f"{retired.why}; {retired.fix}" if retired else "is not in the catalog"
                return plain_tip(f"'{choice.id}' {why}. Kept in the profile, left out of checks")
            if column == self.POWER_LIMIT and isinstance(part, Gpu):
                return f"Board power {part.board_power_w} W; double-click to set a limit (0 = none)"
            if column in (self.UNIT_PRICE, self.LINE_TOTAL):
                return plain_tip(_price_tip(part))
            return part_tooltip(part)
        return None

    def _display(self, choice: PartChoice, part: Part | None, column: int) -> str:
        retired = self._retired.get(choice.id)
        if column == self.KIND:
            if part is None:
                return PartKind(retired.kind).short if retired else "Unknown"
            return part.kind.short
        if column == self.NAME:
            if part is None:
                return (
                    f"{retired.name} (left the catalog)"
                    if retired
                    else f"{choice.id} (not in catalog)"
                )
            return part.display_name
        if column == self.COUNT:
            return str(choice.count)
        if column == self.POWER_LIMIT:
            if not isinstance(part, Gpu):
                return ""
            return (
                f"{choice.power_limit_w} W"
                if choice.power_limit_w
                else f"— ({part.board_power_w} W)"
            )
        price = part.price_usd if part else None
        if price is None:  # the tooltip and the total say why
            return unpriced_label(part) if part else "—"
        source = part.price_source if part else None
        mark = " *" if is_yours(source) else " used" if is_used(source) else ""
        if column == self.UNIT_PRICE:
            return f"${price:,.0f}{mark}"
        return f"${price * choice.count:,.0f}{mark}"

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self._on_edit is None:
            return False
        try:
            number = int(value)
        except (TypeError, ValueError):
            return False
        if number < 0:
            return False
        self._on_edit(self._rows[index.row()][0].id, index.column(), number)
        return True


def _price_tip(part: Part) -> str:
    if isinstance(part, Gpu) and part.cloud_only and part.price_usd is None:
        return (
            "Sold only as cloud instances, so there is no purchase price and the total leaves "
            "it out; Build → Buy or Rent prices it by the hour. Double-click to enter a price "
            "if you have one"
        )
    if part.price_usd is None:
        return (
            "No list price in the catalog: the total leaves this part out. Double-click to "
            "enter the price you were quoted"
        )
    if is_yours(part.price_source):
        return f"{part.price_source} — double-click to change it; 0 goes back to the list price"
    seen = f" ({part.price_date.isoformat()})" if part.price_date else ""
    cited = price_citation(part.price_source)
    kind = "Used price" if is_used(part.price_source) else "List price"
    return f"{kind}{seen}: {cited}. Double-click to enter yours"
