"""The comparison as a table model: a label column, one column per build, a title row per
section; best values green and bold, rows where the builds agree greyed, and optionally
only the rows that differ."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from planner.core.comparison import Comparison, Row
from planner.ui.part_tooltip import plain_tip

BEST = QColor(46, 160, 90, 70)
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Line:
    """A line of the table: a section title, or a row of the comparison."""

    section: str
    row: Row | None = None


class CompareModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._comparison: Comparison | None = None
        self._lines: list[Line] = []
        self._only_differences = False

    @property
    def comparison(self) -> Comparison | None:
        return self._comparison

    def set_comparison(self, comparison: Comparison | None) -> None:
        self.beginResetModel()
        self._comparison = comparison
        self._lines = self._make_lines()
        self.endResetModel()

    def set_only_differences(self, only: bool) -> None:
        self.beginResetModel()
        self._only_differences = only
        self._lines = self._make_lines()
        self.endResetModel()

    def _make_lines(self) -> list[Line]:
        if self._comparison is None:
            return []
        lines: list[Line] = []
        section = None
        for row in self._comparison.rows:
            if self._only_differences and not row.differs:
                continue
            if row.section != section:
                section = row.section
                lines.append(Line(section))
            lines.append(Line(section, row))
        return lines

    def line(self, number: int) -> Line:
        return self._lines[number]

    def section_rows(self) -> list[int]:
        return [number for number, line in enumerate(self._lines) if line.row is None]

    # ---- Qt model -------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._comparison is None:
            return 0
        return 1 + len(self._comparison.candidates)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or self._comparison is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if section == 0 else self._comparison.names[section - 1]
        if role == Qt.ItemDataRole.ToolTipRole and section > 0:
            return plain_tip(str(self._comparison.candidates[section - 1].source))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        line = self._lines[index.row()]
        column = index.column()
        if line.row is None:
            if role == Qt.ItemDataRole.DisplayRole and column == 0:
                return line.section
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.BackgroundRole:
                return QApplication.palette().brush(QPalette.ColorRole.AlternateBase)
            return None
        row = line.row
        best = column > 0 and (column - 1) in row.best
        if role == Qt.ItemDataRole.DisplayRole:
            return row.label if column == 0 else row.cells[column - 1].text
        if role == Qt.ItemDataRole.BackgroundRole and best:
            return QBrush(BEST)
        if role == Qt.ItemDataRole.FontRole and best:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and not row.differs:
            return QApplication.palette().brush(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0 and row.better:
                return f"{row.better.capitalize()} is better; the best value is green."
            if column > 0:
                return plain_tip(row.cells[column - 1].text)
        if role == Qt.ItemDataRole.UserRole:
            return best
        return None
