"""The "explain" view: the formula, inputs and constants behind an estimate or a served
model's numbers."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from planner.core.estimate import Estimate
from planner.core.serving_plan import ServingPlan
from planner.report.explain_html import explain_html
from planner.report.serving_explain import serving_explain_html


class ExplainDialog(QDialog):
    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(820, 640)
        self.browser = QTextBrowser()
        self.browser.setObjectName("explain")
        self.browser.setHtml(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)


def explain_training(estimate: Estimate, link_name: str, parent: QWidget) -> ExplainDialog:
    title = f"Explain — {estimate.workload.name}"
    return ExplainDialog(title, explain_html(estimate, link_name), parent)


def explain_serving(plan: ServingPlan, name: str, parent: QWidget) -> ExplainDialog:
    return ExplainDialog(f"Explain — {name} served", serving_explain_html(plan, name), parent)
