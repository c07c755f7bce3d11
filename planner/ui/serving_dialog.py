"""Workloads → Plan Serving…: will a language model serve on this build, at what context,
how fast, and what would change that — answered live as the settings change."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QWidget,
)

from planner.core.inference import ENGINES, KV_BYTES, QUANT_BITS, SPLITS, Serving
from planner.core.networks.transformer import Transformer
from planner.core.serving_plan import Curve, ServingPlan, curves, plan_serving
from planner.core.units import gib
from planner.core.workloads import build_network
from planner.ui.document import BuildDocument
from planner.ui.plot_style import ThemedPlot


class ServingDialog(QDialog):
    def __init__(self, document: BuildDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Plan serving on this build")
        self.resize(900, 820)
        self._document = document
        self.model = QComboBox()
        self.model.setObjectName("servingModel")
        for workload in document.workloads.values():
            if workload.architecture.family == "decoder":
                self.model.addItem(workload.name, workload.id)
        self.quant = _combo(tuple(QUANT_BITS), "Q4_K_M")
        self.kv = _combo(tuple(KV_BYTES), "f16")
        self.split = _combo(SPLITS, "layer")
        self.engine = _combo(ENGINES, "llama.cpp")
        self.context = _spin(1, 10_000_000, 8192, " tokens")
        self.concurrency = _spin(1, 4096, 1, " at once")
        self.prompt = _spin(1, 10_000_000, 512, " tokens")
        self.generated = _spin(0, 10_000_000, 256, " tokens")
        self.flash = QCheckBox("Flash attention")
        self.flash.setChecked(True)
        self.flash.setToolTip(
            "On (llama.cpp's default since 2025): no score matrix; off: the scores of a "
            "512-token batch over the whole cache are held in memory"
        )
        self.flash.toggled.connect(self.update_plan)
        self.answer = QLabel()
        self.answer.setObjectName("servingResult")
        self.answer.setTextFormat(Qt.TextFormat.RichText)
        self.answer.setWordWrap(True)
        self.answer.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        form = QFormLayout()
        for label, widget, tip in (
            ("Model", self.model, "A language model of the catalog or one you imported"),
            ("Weights", self.quant, "The weights' format: 16-bit, 8-bit, 4-bit or a GGUF type"),
            ("Context", self.context, "The tokens each sequence's KV cache must hold"),
            ("Sequences", self.concurrency, "Sequences decoded together (users at once)"),
            ("KV cache", self.kv, "The cache's number format: q8_0 halves it, q4_0 quarters it"),
            ("Prompt", self.prompt, "Tokens in each prompt (time to first token)"),
            ("Answer", self.generated, "Tokens generated per answer"),
            ("Split", self.split, "Over several GPUs: whole layers each, or tensor-parallel"),
            ("Engine", self.engine, "vLLM keeps 10% of each GPU free; llama.cpp uses it all"),
        ):
            widget.setToolTip(tip)
            form.addRow(label, widget)
        form.addRow("", self.flash)
        for combo in (self.model, self.quant, self.kv, self.split, self.engine):
            combo.currentIndexChanged.connect(self.update_plan)
        for spin in (self.context, self.concurrency, self.prompt, self.generated):
            spin.valueChanged.connect(self.update_plan)
        settings = QWidget()
        settings.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.answer)
        row = QHBoxLayout()
        row.addWidget(settings, 2)
        row.addWidget(scroll, 3)
        self.by_context = _plot("context (tokens)", "tokens/s per sequence")
        self.by_users = _plot("sequences decoded together", "tokens/s")
        self.by_users.addLegend(offset=(10, 10))
        self.by_users.restyle()
        charts = QHBoxLayout()
        charts.addWidget(self.by_context)
        charts.addWidget(self.by_users)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
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

    def serving(self) -> Serving:
        return Serving(
            quant=self.quant.currentText(),
            context=self.context.value(),
            prompt_tokens=min(self.prompt.value(), self.context.value()),
            gen_tokens=self.generated.value(),
            concurrency=self.concurrency.value(),
            kv_dtype=self.kv.currentText(),
            split=self.split.currentText(),
            engine=self.engine.currentText(),
            flash_attention=self.flash.isChecked(),
        )

    def update_plan(self) -> None:
        workload = self._document.workloads.get(self.model.currentData() or "")
        if workload is None:
            self.answer.setText("<p>Add or import a language model first.</p>")
            return
        net = build_network(workload.architecture)
        assert isinstance(net, Transformer)
        self.plan = plan_serving(
            self._document.assembly, self._document.report.layout, net, self.serving()
        )
        if self.plan is None:
            self.answer.setText("<p><b>No estimate:</b> add a GPU to the build.</p>")
            return
        self.answer.setText(plan_html(self.plan, workload.name))
        found = curves(self._document.assembly, self._document.report.layout, net, self.serving())
        if found is not None:
            self.curves = found
            _draw(self.by_context, found[0], aggregate=False)
            _draw(self.by_users, found[1], aggregate=True)


def plan_html(plan: ServingPlan, name: str) -> str:
    result = plan.result
    serving, memory, speed = result.serving, result.memory, result.speed
    verdict = (
        "<span style='color:#2e8b57'><b>Fits</b></span>"
        if memory.fits
        else "<span style='color:#c0392b'><b>Does not fit</b></span>"
    )
    lines = [
        f"<p>{verdict} — {escape(name)} {serving.quant} at {serving.context:,} tokens × "
        f"{serving.concurrency} on {plan.gpus} × {escape(plan.gpu_name)} "
        f"({escape(plan.link_name)}): {gib(memory.total)} per GPU of {gib(memory.capacity)}."
        f"<br>Weights {gib(memory.weights)}, KV cache {gib(memory.kv_cache)}, workspace "
        f"{gib(memory.activations)}, CUDA context {gib(memory.overhead)}"
        + (f"; {gib(memory.system_ram)} in system RAM" if memory.system_ram else "")
        + ".</p>",
        f"<p>Longest context that fits: <b>{result.longest_context:,} tokens</b>.</p>"
        if result.longest_context
        else "<p>Not even the weights fit.</p>",
        f"<p><b>{speed.decode_tokens_per_s:,.1f} tokens/s</b> per sequence "
        f"({speed.aggregate_tokens_per_s:,.1f} in all), bound by {escape(speed.bound)}; prompt "
        f"{speed.prefill_tokens_per_s:,.0f} tokens/s, first token in {speed.ttft_s:,.2f} s.</p>",
        "<p><b>What would change it:</b></p><ul>",
    ]
    for words, other in plan.changes:
        fits = "fits" if other.memory.fits else "does not fit"
        lines.append(
            f"<li>{escape(words)}: {fits} ({gib(other.memory.total)} per GPU), longest "
            f"context {other.longest_context:,}, {other.speed.decode_tokens_per_s:,.1f} tokens/s"
            "</li>"
        )
    lines.append("</ul>")
    return "".join(lines)


def _plot(x_label: str, y_label: str) -> ThemedPlot:
    plot = ThemedPlot()
    plot.setLabel("bottom", x_label)
    plot.setLabel("left", y_label)
    plot.setMinimumHeight(220)
    return plot


def _draw(plot: ThemedPlot, curve: Curve, aggregate: bool) -> None:
    """Points at each setting, log-spaced (1, 2, 4 …): filled where it fits, hollow where
    the memory runs out."""
    import math

    import pyqtgraph as pg

    plot.clear()
    xs = [math.log2(x) for x in curve.x]
    series = [("each sequence", curve.per_sequence, (52, 120, 200))]
    if aggregate:
        series.append(("all together", curve.aggregate, (230, 126, 34)))
    for name, values, color in series:
        brushes = [pg.mkBrush(color) if fits else pg.mkBrush(None) for fits in curve.fits]
        plot.plot(
            xs,
            list(values),
            pen=pg.mkPen(color, width=2),
            symbol="o",
            symbolBrush=brushes,
            symbolPen=pg.mkPen(color),
            name=name,
        )
    plot.getAxis("bottom").setTicks([[(math.log2(x), f"{x:,}") for x in curve.x]])
    plot.setXRange(min(xs) - 0.4, max(xs) + 0.4, padding=0)


def _combo(values: tuple[str, ...], current: str) -> QComboBox:
    combo = QComboBox()
    combo.addItems(list(values))
    combo.setCurrentText(current)
    return combo


def _spin(low: int, high: int, value: int, suffix: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setSuffix(suffix)
    spin.setGroupSeparatorShown(True)
    spin.setKeyboardTracking(False)
    return spin
