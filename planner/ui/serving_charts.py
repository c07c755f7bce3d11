"""Tokens/s against the context and against the sequences decoded together, on a log-spaced
axis: filled points where the setting fits, hollow where the memory runs out."""

from __future__ import annotations

import math

import pyqtgraph as pg

from planner.core.serving_plan import Curve
from planner.ui.plot_style import ThemedPlot

PER_SEQUENCE = (52, 120, 200)
ALL_TOGETHER = (230, 126, 34)


def serving_plot(x_label: str, y_label: str) -> ThemedPlot:
    plot = ThemedPlot()
    plot.setLabel("bottom", x_label)
    plot.setLabel("left", y_label)
    plot.setMinimumHeight(220)
    return plot


def draw_curve(plot: ThemedPlot, curve: Curve, aggregate: bool) -> None:
    plot.clear()
    xs = [math.log2(x) for x in curve.x]
    series = [("each sequence", curve.per_sequence, PER_SEQUENCE)]
    if aggregate:
        series.append(("all together", curve.aggregate, ALL_TOGETHER))
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
    if xs:
        plot.setXRange(min(xs) - 0.4, max(xs) + 0.4, padding=0)


def caption(curve: Curve, what: str) -> str:
    """Where the curve stops fitting, in words."""
    last = max((x for x, fits in zip(curve.x, curve.fits, strict=True) if fits), default=0)
    if not last:
        return f"No {what} shown fits in memory (hollow points)."
    if all(curve.fits):
        return f"Every {what} shown fits."
    return f"Fits up to {last:,} {what}; hollow points do not fit."
