"""How a model is served: weight format, context, sequences, cache type, prompt and answer,
the split over the GPUs, the engine, layers kept in system RAM and flash attention. Each
control maps to one key of the profile and case format (README, "Serving cases")."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QSpinBox, QWidget

from planner.core.build import WorkloadChoice
from planner.core.inference import ENGINES, KV_BYTES, QUANT_BITS

QUANT_LABELS = {
    "bf16": "bf16 (16-bit)",
    "fp16": "fp16 (16-bit)",
    "fp8": "fp8",
    "int8": "int8",
    "awq": "AWQ 4-bit",
    "gptq": "GPTQ 4-bit",
}
SPLIT = (
    (None, "Engine default"),
    ("layer", "Whole layers per GPU"),
    ("tensor", "Tensor-parallel"),
)
HELP = {
    "quant": "The weights' format: 16-bit, 8-bit, 4-bit AWQ/GPTQ or a GGUF type with "
    "llama.cpp's bits per weight",
    "context": "The tokens each sequence's KV cache must hold; 'default' is prompt + answer, "
    "at least 4,096",
    "concurrency": "Sequences decoded together (users at once)",
    "kv_dtype": "The cache's number format: q8_0 halves it, q4_0 quarters it",
    "prompt_tokens": "Tokens in each prompt (time to first token)",
    "gen_tokens": "Tokens generated per answer",
    "split": "Over several GPUs: whole layers each (llama.cpp's default) or tensor-parallel "
    "(vLLM's): faster per token, but two all-reduces per layer cross the link",
    "engine": "vLLM keeps 10% of each GPU free; llama.cpp uses it all",
    "offload_layers": "Layers kept in system RAM: llama.cpp runs them on the CPU at the "
    "memory's bandwidth",
    "offload_experts": "Layers whose mixture-of-experts weights stay in system RAM "
    "(llama.cpp's --n-cpu-moe): the CPU runs the experts each token chose",
    "flash_attention": "On (llama.cpp's default since 2025): no score matrix; off: the scores "
    "of a 512-token batch over the whole cache are held in memory",
}


class ServingEditor(QGroupBox):
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("How it serves", parent)
        self.setObjectName("servingEditor")
        self.quant = _combo([(q, QUANT_LABELS.get(q, q)) for q in QUANT_BITS])
        self.kv = _combo([(kv, kv) for kv in KV_BYTES])
        self.split = _combo(list(SPLIT))
        self.engine = _combo([(engine, engine) for engine in ENGINES])
        self.context = _spin(0, 10_000_000, " tokens", "default")
        self.concurrency = _spin(1, 4_096, " at once")
        self.prompt = _spin(1, 10_000_000, " tokens")
        self.generated = _spin(0, 10_000_000, " tokens")
        self.offload = _spin(0, 1_000, " layers")
        self.experts = _spin(0, 1_000, " layers")
        self.flash = QCheckBox("Flash attention")
        form = QFormLayout(self)
        for label, widget, key in (
            ("Weights", self.quant, "quant"),
            ("Context", self.context, "context"),
            ("Sequences", self.concurrency, "concurrency"),
            ("KV cache", self.kv, "kv_dtype"),
            ("Prompt", self.prompt, "prompt_tokens"),
            ("Answer", self.generated, "gen_tokens"),
            ("Split", self.split, "split"),
            ("Engine", self.engine, "engine"),
            ("In system RAM", self.offload, "offload_layers"),
            ("Experts in RAM", self.experts, "offload_experts"),
            ("", self.flash, "flash_attention"),
        ):
            widget.setToolTip(HELP[key])
            form.addRow(label, widget)
        for combo in (self.quant, self.kv, self.split, self.engine):
            combo.currentIndexChanged.connect(self.edited)
        for spin in (
            self.context,
            self.concurrency,
            self.prompt,
            self.generated,
            self.offload,
            self.experts,
        ):
            spin.valueChanged.connect(self.edited)
        self.flash.toggled.connect(self.edited)

    def show_choice(self, choice: WorkloadChoice) -> None:
        """Show `choice`'s serving keys without announcing edits."""
        self.blockSignals(True)
        for combo, value in (
            (self.quant, choice.quant),
            (self.kv, choice.kv_dtype),
            (self.split, choice.split),
            (self.engine, choice.engine),
        ):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.context.setValue(choice.context or 0)
        self.concurrency.setValue(choice.concurrency)
        self.prompt.setValue(choice.prompt_tokens)
        self.generated.setValue(choice.gen_tokens)
        self.offload.setValue(choice.offload_layers)
        self.experts.setValue(choice.offload_experts)
        self.flash.setChecked(choice.flash_attention)
        self.blockSignals(False)

    def apply(self, choice: WorkloadChoice) -> WorkloadChoice:
        """`choice` with the serving keys these controls show."""
        return dataclasses.replace(
            choice,
            quant=self.quant.currentData(),
            kv_dtype=self.kv.currentData(),
            split=self.split.currentData(),
            engine=self.engine.currentData(),
            context=self.context.value() or None,
            concurrency=self.concurrency.value(),
            prompt_tokens=self.prompt.value(),
            gen_tokens=self.generated.value(),
            offload_layers=self.offload.value(),
            offload_experts=self.experts.value(),
            flash_attention=self.flash.isChecked(),
        )


def _combo(items: list[tuple[str | None, str]]) -> QComboBox:
    combo = QComboBox()
    for value, label in items:
        combo.addItem(label, value)
    return combo


def _spin(low: int, high: int, suffix: str, special: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setSuffix(suffix)
    spin.setGroupSeparatorShown(True)
    spin.setKeyboardTracking(False)
    if special:
        spin.setSpecialValueText(special)
    return spin
