"""The workloads of the build: pick networks, say whether each is trained or served and how,
see whether it fits and how long it takes or how fast it answers."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from planner.core.build import OPTIMIZERS, PRECISIONS, SHARDING, TRAINING_MODES, WorkloadChoice
from planner.core.serving_plan import choice_with
from planner.core.workload_estimates import BuildEstimate, default_seq_len
from planner.core.workloads import Workload
from planner.ui.document import BuildDocument
from planner.ui.field_help import SHARDING_HELP, TRAINING_ROWS, describe, describe_items
from planner.ui.recipe_editor import RecipeEditor
from planner.ui.serving_editor import ServingEditor
from planner.ui.serving_summary import plan_html
from planner.ui.transformer_dialog import TransformerDialog
from planner.ui.workload_summary import APPLY, summary_html

OPTIMIZER_LABELS = {
    "adamw": "AdamW",
    "sgd": "SGD momentum",
    "adamw8bit": "8-bit AdamW",
    "paged_adamw": "Paged AdamW",
    "paged_adamw8bit": "Paged 8-bit AdamW",
    "adafactor": "Adafactor",
}
SHARDING_LABELS = {
    "none": "none",
    "zero1": "ZeRO-1",
    "zero2": "ZeRO-2",
    "zero3": "ZeRO-3",
    "fsdp": "FSDP",
}
MODE_LABELS = {"full": "Full training", "lora": "LoRA", "qlora": "QLoRA (4-bit)"}


class WorkloadPanel(QWidget):
    selection_changed = Signal(int)  # index into build.workloads, -1 for none
    explain_requested = Signal(int)

    def __init__(self, document: BuildDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._updating = False
        side = self._workload_list()
        editors = self._editors()
        result = self._result()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(side, 3)
        layout.addWidget(_scrolling(editors), 3)
        layout.addLayout(result, 4)
        document.changed.connect(self.refresh)
        self.refresh()

    def _workload_list(self) -> QVBoxLayout:
        """The build's workloads, the catalog to add from, and Define / Remove."""
        self.list = QListWidget()
        self.list.setObjectName("workloadList")
        self.list.currentRowChanged.connect(self._row_changed)
        self.catalog_combo = QComboBox()
        self.catalog_combo.setObjectName("workloadCatalog")
        self.fill_catalog()
        add = QPushButton("Add")
        add.setObjectName("addWorkload")
        add.clicked.connect(self.add_selected)
        define = QPushButton("Define transformer…")
        define.clicked.connect(self.define_transformer)
        remove = QPushButton("Remove")
        remove.clicked.connect(self.remove_current)
        for field, widget in (("add", add), ("define", define), ("remove", remove)):
            describe(widget, field)
        picker = QHBoxLayout()
        picker.addWidget(self.catalog_combo, 1)
        picker.addWidget(add)
        side = QVBoxLayout()
        side.addLayout(picker)
        side.addWidget(self.list, 1)
        side_buttons = QHBoxLayout()
        side_buttons.addWidget(define)
        side_buttons.addWidget(remove)
        side.addLayout(side_buttons)
        return side

    def _training_fields(self) -> None:
        """The training settings of the selected workload, each described for the user."""
        self.mode = self._combo(MODE_LABELS, TRAINING_MODES)
        self.precision = self._combo({p: p for p in PRECISIONS}, PRECISIONS)
        self.batch = QSpinBox()
        self.batch.setRange(1, 100_000)
        self.seq = QSpinBox()
        self.seq.setRange(1, 1_000_000)
        self.seq.setSpecialValueText("default")
        self.seq.setMinimum(0)
        self.optimizer = self._combo(OPTIMIZER_LABELS, OPTIMIZERS)
        self.checkpointing = QCheckBox("Activation checkpointing")
        self.sharding = self._combo(SHARDING_LABELS, SHARDING)
        self.task = QComboBox()
        self.task.addItem("Workload default", None)
        self.task.addItem("Fine-tune (dataset × epochs)", "finetune")
        self.task.addItem("Pre-train (20 tokens per parameter)", "pretrain")
        self.epochs = QDoubleSpinBox()
        self.epochs.setRange(0, 10_000)
        self.epochs.setDecimals(2)
        self.epochs.setSpecialValueText("default")
        for _label, field in TRAINING_ROWS:
            describe(getattr(self, field), field)
        describe_items(self.sharding, SHARDING_HELP)
        for spin in (self.batch, self.seq, self.epochs):
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(self._edited)
        for combo in (self.mode, self.precision, self.optimizer, self.sharding, self.task):
            combo.currentIndexChanged.connect(self._edited)
        self.checkpointing.toggled.connect(self._edited)

    def _editors(self) -> QWidget:
        """Train or serve, and the editor for each: training settings, recipe, serving."""
        self._training_fields()
        self.purpose = QComboBox()
        self.purpose.setObjectName("workloadPurpose")
        self.purpose.addItem("Train it", False)
        self.purpose.addItem("Serve it (inference)", True)
        self.purpose.setToolTip(
            "Train the network on this build, or serve a language model from it: memory at "
            "a context, tokens/s, first token"
        )
        self.purpose.currentIndexChanged.connect(self._purpose_changed)
        form = QFormLayout()
        for label, field in TRAINING_ROWS:
            form.addRow(label, getattr(self, field))
        self.editor = QGroupBox("How it trains")
        self.editor.setLayout(form)
        self.recipe = RecipeEditor()
        self.recipe.edited.connect(self._edited)
        self.serving = ServingEditor()
        self.serving.edited.connect(self._edited)
        purpose = QFormLayout()
        purpose.addRow("Use", self.purpose)
        editors = QWidget()
        stacked = QVBoxLayout(editors)
        stacked.setContentsMargins(0, 0, 0, 0)
        stacked.addLayout(purpose)
        for widget in (self.editor, self.recipe, self.serving):
            stacked.addWidget(widget)
        return editors

    def _result(self) -> QVBoxLayout:
        """The estimate's summary and the button that explains it."""
        self.summary = QLabel()
        self.summary.setObjectName("estimateSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary.linkActivated.connect(self.apply_link)
        explain = self.explain = QPushButton("Explain these numbers…")
        explain.clicked.connect(lambda: self.explain_requested.emit(self.list.currentRow()))
        result = QVBoxLayout()
        result.addWidget(_scrolling(self.summary), 1)
        result.addWidget(explain, 0, Qt.AlignmentFlag.AlignRight)
        return result

    @staticmethod
    def _combo(labels: Mapping[str, str], values: tuple[str, ...]) -> QComboBox:
        combo = QComboBox()
        for value in values:
            combo.addItem(labels.get(value, value), value)
        return combo

    # ---- showing ------------------------------------------------------------------------

    def refresh(self) -> None:
        build = self._document.build
        current = max(0, self.list.currentRow())
        self.list.blockSignals(True)
        self.list.clear()
        for result in self._document.report.estimates:
            self.list.addItem(QListWidgetItem(self._label(result.choice, result)))
        if len(self._document.report.estimates) != len(build.workloads):
            for choice in build.workloads[self.list.count() :]:
                self.list.addItem(self._label(choice, None))
        if build.workloads:
            self.list.setCurrentRow(min(current, len(build.workloads) - 1))
        self.list.blockSignals(False)
        self._show(self.list.currentRow() if build.workloads else -1)

    def _label(self, choice: WorkloadChoice, result: BuildEstimate | None) -> str:
        workload: Workload | None = result.workload if result else None
        name = workload.name if workload else (choice.id or "custom transformer")
        fits: bool | None = None
        if choice.serves:
            text = f"{name} — serve {choice.quant}"
            if result is not None and result.serving is not None:
                plan = result.serving.result
                text += f", {plan.serving.context:,} tokens"
                fits = plan.memory.fits
        else:
            text = f"{name} — {MODE_LABELS[choice.mode]}, {choice.precision}"
            if result is not None and result.estimate is not None:
                fits = result.estimate.memory.fits
        if fits is not None:
            text += "  ✓ fits" if fits else "  ✗ does not fit"
        return text

    def _row_changed(self, row: int) -> None:
        self._show(row)

    def _show(self, row: int) -> None:
        serves = row >= 0 and self._document.build.workloads[row].serves
        for widget in (self.editor, self.recipe, self.purpose, self.serving):
            widget.setEnabled(row >= 0)
        self.editor.setVisible(not serves)
        self.recipe.setVisible(not serves)
        self.serving.setVisible(serves)
        self.explain.setEnabled(row >= 0)
        self.selection_changed.emit(row)
        if row < 0:
            self.summary.setText(
                "Add a network above to see whether it fits in GPU memory and how long it trains."
            )
            return
        choice = self._document.build.workloads[row]
        self._updating = True
        self.purpose.setCurrentIndex(1 if serves else 0)
        self.serving.show_choice(choice)
        for combo, value in (
            (self.mode, choice.mode),
            (self.precision, choice.precision),
            (self.optimizer, choice.optimizer),
            (self.sharding, choice.sharding),
            (self.task, choice.task),
        ):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.batch.setValue(choice.batch_size)
        results = self._document.report.estimates
        workload = results[row].workload if row < len(results) else None
        default = f"default ({default_seq_len(workload):,})" if workload else "default"
        self.seq.setSpecialValueText(default)  # what 'default' means for this network
        self.seq.setValue(choice.seq_len or 0)
        self.epochs.setValue(choice.epochs or 0)
        self.checkpointing.setChecked(choice.activation_checkpointing)
        self.recipe.show_choice(choice)
        self._updating = False
        results = self._document.report.estimates
        self.summary.setText(self._summary(results[row]) if row < len(results) else "")

    @staticmethod
    def _summary(result: BuildEstimate) -> str:
        plan = result.serving
        if plan is None or result.workload is None:
            return summary_html(result.estimate, result.problem)
        return plan_html(plan, result.workload.name, links=True, note=result.note)

    # ---- editing ------------------------------------------------------------------------

    def _edited(self) -> None:
        row = self.list.currentRow()
        if self._updating or row < 0:
            return
        choice = self._document.build.workloads[row]
        if choice.serves:
            self._document.update_workload(row, self.serving.apply(choice))
            return
        changed = dataclasses.replace(
            self.recipe.apply(choice),
            mode=self.mode.currentData(),
            precision=self.precision.currentData(),
            batch_size=self.batch.value(),
            seq_len=self.seq.value() or None,
            optimizer=self.optimizer.currentData(),
            activation_checkpointing=self.checkpointing.isChecked(),
            sharding=self.sharding.currentData(),
            task=self.task.currentData(),
            epochs=self.epochs.value() or None,
        )
        self._document.update_workload(row, changed)

    def _purpose_changed(self) -> None:
        """Train ↔ serve: the workload keeps the settings of both, so switching back and forth
        loses nothing."""
        row = self.list.currentRow()
        if self._updating or row < 0:
            return
        choice = self._document.build.workloads[row]
        serves = bool(self.purpose.currentData())
        task = "inference" if serves else None
        name = "Serve" if serves else "Train"
        self._document.update_workload(row, dataclasses.replace(choice, task=task), name)

    def apply_link(self, href: str) -> None:
        """Apply the suggestion a summary link names to the current workload."""
        row = self.list.currentRow()
        results = self._document.report.estimates
        if not href.startswith(APPLY) or not 0 <= row < len(results):
            return
        if results[row].serving is not None:
            self._apply_serving_change(row, results[row], href.removeprefix(APPLY))
            return
        estimate = results[row].estimate
        number = href.removeprefix(APPLY)
        if estimate is None or not number.isdigit():
            return  # only links this panel made carry a suggestion's index
        index = int(number)
        if not 0 <= index < len(estimate.suggestions):
            return
        suggestion = estimate.suggestions[index]
        setup = suggestion.setup
        changed = dataclasses.replace(
            self._document.build.workloads[row],
            mode=setup.mode,
            batch_size=setup.batch_size,
            optimizer=setup.optimizer,
            activation_checkpointing=setup.activation_checkpointing,
            sharding=setup.sharding,
            offload=setup.offload,
            offload_optimizer=False,
        )
        workload = results[row].workload
        name = workload.name if workload is not None else "the workload"
        self._document.update_workload(row, changed, f"Apply {suggestion.change} to {name}")

    def _apply_serving_change(self, row: int, result: BuildEstimate, number: str) -> None:
        plan = result.serving
        if plan is None or not number.isdigit() or int(number) >= len(plan.changes):
            return
        words, other = plan.changes[int(number)]
        changed = choice_with(self._document.build.workloads[row], other.serving)
        name = result.workload.name if result.workload is not None else "the model"
        self._document.update_workload(row, changed, f"Serve {name} with {words}")

    def fill_catalog(self) -> None:
        """The networks to add: the catalog's, then the user's imported models."""
        current = self.catalog_combo.currentData()
        self.catalog_combo.clear()
        for workload in self._document.workloads.values():
            self.catalog_combo.addItem(f"{workload.name}", workload.id)
        self.catalog_combo.setCurrentIndex(max(0, self.catalog_combo.findData(current)))

    def add_selected(self) -> None:
        workload_id = self.catalog_combo.currentData()
        workload = self._document.workloads[workload_id]
        self._document.add_workload(
            WorkloadChoice(id=workload_id, batch_size=workload.default_batch)
        )
        self.list.setCurrentRow(len(self._document.build.workloads) - 1)

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self._document.remove_workload(row)

    def define_transformer(self) -> None:
        dialog = TransformerDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.table is not None:
            self._document.add_workload(WorkloadChoice(inline=dialog.table, batch_size=4))
            self.list.setCurrentRow(len(self._document.build.workloads) - 1)


def _scrolling(widget: QWidget) -> QScrollArea:
    """`widget` in a frameless scroll area, so the dock can shrink below its full height."""
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area
