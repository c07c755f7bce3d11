"""The "explain" view: the formula, inputs and constants behind an estimate."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from planner.core.estimate import Estimate
from planner.report.explain_html import explain_html


class ExplainDialog(QDialog):
    def __init__(self, estimate: Estimate, link_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Explain — {estimate.workload.name}")
        self.resize(820, 640)
        browser = QTextBrowser()
        browser.setObjectName("explain")
        browser.setHtml(explain_html(estimate, link_name))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(browser)
        layout.addWidget(buttons)
