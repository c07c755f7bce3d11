"""The findings of the current build: severity icon, message and fix; selecting one
selects the parts it names."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStyle, QWidget

from planner.core.findings import Finding, Severity
from planner.ui.part_tooltip import plain_tip

_ICONS = {
    Severity.ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical,
    Severity.WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
    Severity.INFO: QStyle.StandardPixmap.SP_MessageBoxInformation,
}
PARTS_ROLE = Qt.ItemDataRole.UserRole + 1


class FindingsView(QListWidget):
    parts_selected = Signal(tuple)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setObjectName("findings")
        self.setUniformItemSizes(False)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setSpacing(2)
        self._shown: tuple[Finding, ...] = ()
        self.currentItemChanged.connect(self._selected)

    def set_findings(self, findings: tuple[Finding, ...]) -> None:
        if findings == self._shown and self.count():
            return
        self._shown = findings
        self.blockSignals(True)
        self.clear()
        self.blockSignals(False)
        if not findings:
            self.addItem(QListWidgetItem("No problems found."))
            return
        for finding in findings:
            text = finding.message + (f"\nFix: {finding.fix}" if finding.fix else "")
            item = QListWidgetItem(self.style().standardIcon(_ICONS[finding.severity]), text)
            # The whole finding in words (scripts get the code from `planner check --json`).
            item.setToolTip(
                plain_tip(
                    f"{finding.severity.value.capitalize()} ({finding.category.value}): {text}"
                )
            )
            item.setData(PARTS_ROLE, finding.parts)
            self.addItem(item)

    def _selected(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is not None and item.data(PARTS_ROLE):
            self.parts_selected.emit(tuple(item.data(PARTS_ROLE)))
