"""The advanced recipe of a workload: attention, compile, master weights, gradient
accumulation, packing, LoRA targets and rank, offload, peer-to-peer. Each control maps to
one key of the profile and case format (README, "Training recipe keys")."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QSpinBox,
    QWidget,
)

from planner.core.build import WorkloadChoice
from planner.ui.field_help import describe

ATTENTION = (("fused", "Fused (SDPA / FlashAttention)"), ("eager", "Eager (unfused)"))
MASTER = (
    ("fp32", "fp32 weights (AMP)"),
    ("bf16", "Pure 16-bit (no master copy)"),
    ("fp32_copy", "16-bit weights, fp32 master copy (apex O2, DeepSpeed)"),
)
TARGETS = (("all", "All linear layers"), ("attention", "Attention projections"))
OFFLOAD = (
    ("none", "Nothing"),
    ("optimizer", "Optimizer states"),
    ("parameters", "Parameters and optimizer"),
)
P2P = (("auto", "As the link allows"), ("on", "On"), ("off", "Off"))
P2P_VALUES = {"auto": None, "on": True, "off": False}


class RecipeEditor(QGroupBox):
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Advanced", parent)
        self.setObjectName("recipeEditor")
        self.attention = _combo(ATTENTION)
        self.master = _combo(MASTER)
        self.targets = _combo(TARGETS)
        self.offload = _combo(OFFLOAD)
        self.p2p = _combo(P2P)
        self.rank = QSpinBox()
        self.rank.setRange(1, 4096)
        self.accum = QSpinBox()
        self.accum.setRange(1, 100_000)
        self.tokens = QDoubleSpinBox()
        self.tokens.setRange(0, 10_000_000)
        self.tokens.setDecimals(0)
        self.tokens.setSpecialValueText("dataset's")
        self.compile = QCheckBox("torch.compile")
        self.in_backward = QCheckBox("Optimizer step in backward")
        self.packing = QCheckBox("Pack examples into full sequences")
        self.expert_parallel = QCheckBox("Split the experts over the GPUs")
        for combo in (self.attention, self.master, self.targets, self.offload, self.p2p):
            combo.currentIndexChanged.connect(self._changed)
        for spin in (self.rank, self.accum, self.tokens):
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(self._changed)
        for box in (self.compile, self.in_backward, self.packing, self.expert_parallel):
            box.toggled.connect(self._changed)
        for field, widget in (
            ("attention", self.attention),
            ("compile", self.compile),
            ("master", self.master),
            ("in_backward", self.in_backward),
            ("accum", self.accum),
            ("packing", self.packing),
            ("tokens", self.tokens),
            ("rank", self.rank),
            ("targets", self.targets),
            ("offload", self.offload),
            ("p2p", self.p2p),
            ("expert_parallel", self.expert_parallel),
        ):
            describe(widget, field)
        self._updating = False
        form = QFormLayout(self)
        form.addRow("Attention", self.attention)
        form.addRow("", self.compile)
        form.addRow("Weights", self.master)
        form.addRow("", self.in_backward)
        form.addRow("Gradient accumulation", self.accum)
        form.addRow("", self.packing)
        form.addRow("Tokens per example", self.tokens)
        form.addRow("LoRA rank", self.rank)
        form.addRow("LoRA on", self.targets)
        form.addRow("Offload to CPU RAM", self.offload)
        form.addRow("Peer-to-peer", self.p2p)
        form.addRow("", self.expert_parallel)

    def show_choice(self, choice: WorkloadChoice) -> None:
        self._updating = True
        offload = choice.offload
        if offload == "none" and choice.offload_optimizer:
            offload = "optimizer"
        for combo, value in (
            (self.attention, choice.attention),
            (self.master, choice.master_weights),
            (self.targets, choice.lora_targets),
            (self.offload, offload),
            (self.p2p, {None: "auto", True: "on", False: "off"}[choice.p2p]),
        ):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.rank.setValue(choice.lora_rank)
        self.accum.setValue(choice.grad_accum)
        self.tokens.setValue(choice.tokens_per_sample or 0)
        self.compile.setChecked(choice.compile)
        self.in_backward.setChecked(choice.optimizer_in_backward)
        self.packing.setChecked(choice.packing)
        self.expert_parallel.setChecked(choice.expert_parallel)
        adapters = choice.mode in ("lora", "qlora")
        self.rank.setEnabled(adapters)
        self.targets.setEnabled(adapters)
        self._updating = False

    def apply(self, choice: WorkloadChoice) -> WorkloadChoice:
        """`choice` with the values of the controls."""
        return dataclasses.replace(
            choice,
            attention=self.attention.currentData(),
            master_weights=self.master.currentData(),
            lora_targets=self.targets.currentData(),
            offload=self.offload.currentData(),
            offload_optimizer=False,
            p2p=P2P_VALUES[self.p2p.currentData()],
            lora_rank=self.rank.value(),
            grad_accum=self.accum.value(),
            tokens_per_sample=self.tokens.value() or None,
            compile=self.compile.isChecked(),
            optimizer_in_backward=self.in_backward.isChecked(),
            packing=self.packing.isChecked(),
            expert_parallel=self.expert_parallel.isChecked(),
        )

    def _changed(self) -> None:
        if not self._updating:
            self.edited.emit()


def _combo(options: tuple[tuple[str, str], ...]) -> QComboBox:
    combo = QComboBox()
    for value, label in options:
        combo.addItem(label, value)
    return combo
