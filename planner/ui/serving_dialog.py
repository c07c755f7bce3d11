"""Workloads → Plan Serving…: will a language model serve on this build, at what context,
how fast, and what would change that — answered live as the settings change."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QWidget,
)

from planner.core.build import WorkloadChoice
from planner.core.errors import RecordError
from planner.core.networks.transformer import Transformer
from planner.core.serving_plan import Curve, ServingPlan, curves, plan_serving, serving_of
from planner.core.workloads import build_network
from planner.ui.document import BuildDocument
from planner.ui.serving_charts import draw_curve, serving_plot
from planner.ui.serving_editor import ServingEditor
from planner.ui.serving_summary import plan_html


class ServingDialog(QDialog):
    def __init__(self, document: BuildDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Plan serving on this build")
        self.resize(900, 820)
        self._document = document
        self.model = QComboBox()
        self.model.setObjectName("servingModel")
        self.model.setToolTip("A language model of the catalog or one you imported")
        for workload in document.workloads.values():
            if workload.architecture.family == "decoder":
                self.model.addItem(workload.name, workload.id)
        self.editor = ServingEditor()
        self.editor.show_choice(
            WorkloadChoice(task="inference", quant="Q4_K_M", context=8192, gen_tokens=256)
        )
        self.quant, self.context, self.kv = self.editor.quant, self.editor.context, self.editor.kv
        self.answer = QLabel()
        self.answer.setObjectName("servingResult")
        self.answer.setTextFormat(Qt.TextFormat.RichText)
        self.answer.setWordWrap(True)
        self.answer.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        settings = QWidget()
        form = QFormLayout(settings)
        form.addRow("Model", self.model)
        form.addRow(self.editor)
        self.model.currentIndexChanged.connect(self.update_plan)
        self.editor.edited.connect(self.update_plan)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.answer)
        row = QHBoxLayout()
        row.addWidget(settings, 2)
        row.addWidget(scroll, 3)
        self.by_context = serving_plot("context (tokens)", "tokens/s per sequence")
        self.by_users = serving_plot("sequences decoded together", "tokens/s")
        self.by_users.addLegend(offset=(10, 10))
        self.by_users.restyle()
        charts = QHBoxLayout()
        charts.addWidget(self.by_context)
        charts.addWidget(self.by_users)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.add = buttons.addButton("Add to Build", QDialogButtonBox.ButtonRole.ActionRole)
        self.add.setToolTip("Keep this serving plan as a workload of the build")
        self.add.clicked.connect(self.add_to_build)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow(row)
        layout.addRow(charts)
        layout.addRow(buttons)
        self.plan: ServingPlan | None = None
        self.curves: tuple[Curve, Curve] | None = None
        self.update_plan()

    def choose(self, workload_id: str) -> None:
        self.model.setCurrentIndex(max(0, self.model.findData(workload_id)))

    def choice(self) -> WorkloadChoice:
        """The model and its settings as a serving workload of the build."""
        return self.editor.apply(WorkloadChoice(id=self.model.currentData(), task="inference"))

    def update_plan(self) -> None:
        workload = self._document.workloads.get(self.model.currentData() or "")
        self.add.setEnabled(False)
        if workload is None:
            self.answer.setText("<p>Add or import a language model first.</p>")
            return
        net = build_network(workload.architecture)
        assert isinstance(net, Transformer)
        try:
            serving = serving_of(self.choice(), net)
        except RecordError as error:
            self.answer.setText(
                f"<p><b>{escape(error.location.field)}:</b> {escape(error.message)}</p>"
            )
            return
        assembly, layout = self._document.assembly, self._document.report.layout
        self.plan = plan_serving(assembly, layout, net, serving)
        if self.plan is None:
            self.answer.setText("<p><b>No estimate:</b> add a GPU to the build.</p>")
            return
        self.add.setEnabled(True)
        self.answer.setText(plan_html(self.plan, workload.name))
        found = curves(assembly, layout, net, serving)
        if found is not None:
            self.curves = found
            draw_curve(self.by_context, found[0], aggregate=False)
            draw_curve(self.by_users, found[1], aggregate=True)

    def add_to_build(self) -> None:
        self._document.add_workload(self.choice())
        self.accept()
