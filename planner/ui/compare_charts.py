"""The compare window's charts for the chosen workload: a trained one's time to train on
each build and its throughput with 1-8 of each build's GPU; a served one's tokens/s on each
build and against the context — the builds overlaid."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from planner.core.comparison import Candidate, Comparison, workload_title
from planner.core.estimate import Estimate
from planner.core.gpu_ranking import SCALING_COUNTS, scaling
from planner.core.serving_plan import curves, served_network
from planner.core.units import duration, time_scale
from planner.core.workload_estimates import BuildEstimate, network_for
from planner.ui.plot_style import ThemedPlot

COLORS = [(52, 120, 200), (230, 126, 34), (46, 160, 90), (155, 89, 182), (200, 60, 60)]


def color(index: int) -> tuple[int, int, int]:
    return COLORS[index % len(COLORS)]


class CompareCharts(QWidget):
    """For the chosen workload: time to train on each build, and throughput with 1-8 of
    each build's GPU over its own link, the builds overlaid."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workload = QComboBox()
        self.workload.setObjectName("compare-workload")
        self.workload.currentIndexChanged.connect(self._draw)
        self.time = ThemedPlot()
        self.time.setObjectName("compare-time")
        self.time.showGrid(x=True, y=False, alpha=0.25)
        self.scaling = ThemedPlot()
        self.scaling.setObjectName("compare-scaling")
        self.scaling.setLabel("bottom", "GPUs")
        self.scaling.setLabel("left", "samples/s")
        self.scaling.getAxis("bottom").setTicks([[(n, str(n)) for n in SCALING_COUNTS]])
        self.scaling.addLegend(offset=(10, 10))
        self.scaling.restyle()
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.TextFormat.PlainText)  # names come from files
        self.caption.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("Workload:"))
        row.addWidget(self.workload, 1)
        plots = QHBoxLayout()
        plots.addWidget(self.time, 1)
        plots.addWidget(self.scaling, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.caption)
        layout.addLayout(plots, 1)
        self._comparison: Comparison | None = None
        self.bars: list[float] = []  # hours per build; 0 where it does not fit

    def set_comparison(self, comparison: Comparison | None) -> None:
        self._comparison = comparison
        current = self.workload.currentIndex()
        self.workload.blockSignals(True)
        self.workload.clear()
        if comparison is not None:
            for index, choice in enumerate(comparison.workloads):
                workload = next((c.estimates[index].workload for c in comparison.candidates), None)
                self.workload.addItem(workload_title(choice, workload))
        self.workload.setCurrentIndex(max(0, min(current, self.workload.count() - 1)))
        self.workload.blockSignals(False)
        self._draw()

    def _draw(self) -> None:
        self.time.clear_labels()
        self.time.clear()
        self.scaling.clear()
        self.bars = []
        comparison, index = self._comparison, self.workload.currentIndex()
        if comparison is None or index < 0:
            self.caption.setText("Add builds that train a workload to compare their speed.")
            return
        if comparison.workloads[index].serves:
            self._draw_serving(comparison, index)
            return
        self.scaling.setLabel("bottom", "GPUs")
        self.scaling.setLabel("left", "samples/s")
        self.scaling.getAxis("bottom").setTicks([[(n, str(n)) for n in SCALING_COUNTS]])
        estimates = [candidate.estimates[index].estimate for candidate in comparison.candidates]
        fitting = [e for e in estimates if e is not None and e.memory.fits]
        self._draw_times(comparison.names, estimates)
        counts = list(SCALING_COUNTS)
        for number, (candidate, estimate) in enumerate(
            zip(comparison.candidates, estimates, strict=True)
        ):
            if estimate is not None:
                fits = estimate in fitting  # a build it does not fit on: dashed, and said
                self.scaling.plot(
                    counts,
                    scaling(estimate, candidate.link),
                    pen=pg.mkPen(
                        color(number),
                        width=2,
                        style=Qt.PenStyle.SolidLine if fits else Qt.PenStyle.DashLine,
                    ),
                    symbol="o" if fits else None,
                    symbolBrush=color(number),
                    name=candidate.name if fits else f"{candidate.name} (does not fit)",
                )
        unfit = [
            name
            for name, estimate in zip(comparison.names, estimates, strict=True)
            if estimate not in fitting
        ]
        self.caption.setText(
            "Time to train on each build (left) and throughput with 1–8 of each build's GPU "
            "over its own link (right)." + (f" Does not fit: {', '.join(unfit)}." if unfit else "")
        )

    def _draw_times(self, names: Sequence[str], estimates: Sequence[Estimate | None]) -> None:
        """One horizontal bar per build, its name on the axis and its time at the bar's end,
        so neither overprints however many builds there are."""
        seconds = [e.time_to_train_s if e is not None and e.memory.fits else 0.0 for e in estimates]
        per_unit, unit = time_scale(max(seconds, default=3600.0))
        self.bars = [value / 3600 for value in seconds]
        rows = len(names)
        for number, value in enumerate(seconds):
            row = rows - 1 - number  # the first build at the top
            self.time.addItem(
                pg.BarGraphItem(
                    x0=[0],
                    y=[row],
                    width=[value / per_unit],
                    height=0.6,
                    brush=pg.mkBrush(color(number)),
                )
            )
            label = self.time.label(duration(value) if value else "does not fit", (-0.05, 0.5))
            label.setPos(value / per_unit, row)
        self.time.set_category_ticks(
            "left", [(rows - 1 - number, name) for number, name in enumerate(names)]
        )
        self.time.setLabel("bottom", f"{unit} to train")
        longest = max(seconds, default=0.0) / per_unit
        self.time.setXRange(0, longest * 1.35 or 1.0, padding=0)
        self.time.setYRange(-0.6, rows - 0.4, padding=0)

    def _draw_serving(self, comparison: Comparison, index: int) -> None:
        """Tokens/s per sequence on each build (left) and against the context (right)."""
        results = [candidate.estimates[index] for candidate in comparison.candidates]
        speeds = [
            r.serving.result.speed.decode_tokens_per_s
            if r.serving is not None and r.serving.result.memory.fits
            else 0.0
            for r in results
        ]
        self.bars = speeds
        rows = len(speeds)
        for number, value in enumerate(speeds):
            row = rows - 1 - number
            brush = pg.mkBrush(color(number))
            self.time.addItem(
                pg.BarGraphItem(x0=[0], y=[row], width=[value], height=0.6, brush=brush)
            )
            text = f"{value:,.1f} tokens/s" if value else "does not fit"
            self.time.label(text, (-0.05, 0.5)).setPos(value, row)
        names = comparison.names
        self.time.set_category_ticks("left", [(rows - 1 - n, name) for n, name in enumerate(names)])
        self.time.setLabel("bottom", "tokens/s per sequence")
        self.time.setXRange(0, max(speeds, default=0.0) * 1.35 or 1.0, padding=0)
        self.time.setYRange(-0.6, rows - 0.4, padding=0)
        self.scaling.setLabel("bottom", "context (tokens)")
        self.scaling.setLabel("left", "tokens/s per sequence")
        for number, (candidate, result) in enumerate(
            zip(comparison.candidates, results, strict=True)
        ):
            _serving_line(self.scaling, candidate, result, number)
        self.caption.setText(
            "Tokens/s per sequence on each build (left) and against the context (right; "
            "hollow points do not fit)."
        )


def _serving_line(
    plot: ThemedPlot, candidate: Candidate, result: BuildEstimate, number: int
) -> None:
    if result.serving is None or result.workload is None:
        return
    net = served_network(network_for(result.workload), result.workload.name)
    found = curves(candidate.assembly, candidate.report.layout, net, result.serving.result.serving)
    if found is None:
        return
    curve = found[0]
    xs = [math.log2(x) for x in curve.x]
    brushes = [pg.mkBrush(color(number)) if fits else pg.mkBrush(None) for fits in curve.fits]
    plot.plot(
        xs,
        list(curve.per_sequence),
        pen=pg.mkPen(color(number), width=2),
        symbol="o",
        symbolBrush=brushes,
        symbolPen=pg.mkPen(color(number)),
        name=candidate.name,
    )
    plot.getAxis("bottom").setTicks([[(math.log2(x), f"{x:,}") for x in curve.x]])
