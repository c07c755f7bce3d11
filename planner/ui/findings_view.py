"""A list of findings: severity icon, message and fix."""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStyle, QWidget

from planner.core.findings import Finding, Severity

_ICONS = {
    Severity.ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical,
    Severity.WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
    Severity.INFO: QStyle.StandardPixmap.SP_MessageBoxInformation,
}


class FindingsView(QListWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setObjectName("findings")

    def set_findings(self, findings: tuple[Finding, ...]) -> None:
        self.clear()
        if not findings:
            self.addItem(QListWidgetItem("No problems found."))
            return
        for finding in findings:
            text = finding.message + (f"\nFix: {finding.fix}" if finding.fix else "")
            item = QListWidgetItem(self.style().standardIcon(_ICONS[finding.severity]), text)
            item.setToolTip(f"{finding.code} · {finding.category.value}")
            self.addItem(item)
