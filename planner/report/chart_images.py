"""Charts for printed reports, painted with QPainter onto images: horizontal bars (stacked,
highlighted, with a reference line) and lines. QtGui only — reports are made headless too."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen

DPI = 200
BLUE = QColor(52, 120, 200)
ORANGE = QColor(230, 126, 34)
GREEN = QColor(46, 160, 90)
RED = QColor(200, 60, 60)
GREY = QColor(140, 140, 140)
PURPLE = QColor(155, 89, 182)
# One color per build in comparisons; the memory parts in the order MemoryEstimate lists them.
SERIES = (BLUE, ORANGE, GREEN, PURPLE, RED, QColor(23, 162, 184), QColor(120, 85, 60), GREY)
MEMORY_PARTS = (BLUE, PURPLE, ORANGE, GREEN, GREY)
INK = QColor(40, 40, 40)
FAINT = QColor(225, 225, 225)


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[tuple[float, QColor], ...]
    note: str = ""  # printed after the bar
    bold: bool = False
    gap_before: bool = False  # a little space above: starts a new group

    @property
    def total(self) -> float:
        return sum(value for value, _color in self.segments)


@dataclass(frozen=True)
class Line:
    name: str
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    color: QColor
    dashed: bool = False
    hollow: tuple[bool, ...] = ()  # per point: drawn open (e.g. does not fit in memory)


@dataclass(frozen=True)
class Marker:
    value: float
    label: str
    color: QColor = field(default_factory=lambda: QColor(RED))


def _canvas(width_in: float, height_in: float) -> tuple[QImage, QPainter]:
    image = QImage(round(width_in * DPI), round(height_in * DPI), QImage.Format.Format_RGB32)
    dots_per_meter = round(DPI / 0.0254)
    image.setDotsPerMeterX(dots_per_meter)
    image.setDotsPerMeterY(dots_per_meter)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    return image, painter


def _metrics(font: QFont) -> QFontMetricsF:
    """Metrics at the charts' resolution (the screen's would size text for 96 dpi)."""
    probe = QImage(1, 1, QImage.Format.Format_RGB32)
    dots_per_meter = round(DPI / 0.0254)
    probe.setDotsPerMeterX(dots_per_meter)
    probe.setDotsPerMeterY(dots_per_meter)
    return QFontMetricsF(font, probe)


def _font(points: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def nice_ticks(top: float, wanted: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top`."""
    if top <= 0 or not math.isfinite(top):
        return [0.0, 1.0]
    raw = top / wanted
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    count = math.ceil(top / step - 1e-9)
    return [i * step for i in range(count + 1)]


def _tick_text(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{value:g}"


def _legend_places(
    entries: Sequence[tuple[str, QColor]], x: float, right: float
) -> list[tuple[float, int]]:
    """Where each legend entry goes: its x and its line, wrapping at `right`."""
    metrics = _metrics(_font(7.5))
    box = metrics.height() * 0.7
    places, left, line = [], x, 0
    for name, _color in entries:
        width = box * 1.4 + metrics.horizontalAdvance(name) + box * 2
        if x > left and x + width > right:
            x, line = left, line + 1
        places.append((x, line))
        x += width
    return places


def _legend(
    painter: QPainter, entries: Sequence[tuple[str, QColor]], x: float, y: float, right: float
) -> None:
    painter.setFont(_font(7.5))
    metrics = _metrics(painter.font())
    box = metrics.height() * 0.7
    for (name, color), (left, line) in zip(entries, _legend_places(entries, x, right), strict=True):
        top = y + line * metrics.height() * 1.2
        painter.fillRect(QRectF(left, top + (metrics.height() - box) / 2, box, box), color)
        painter.setPen(INK)
        painter.drawText(QPointF(left + box * 1.4, top + metrics.ascent()), name)


def _heading(
    painter: QPainter, title: str, legend: Sequence[tuple[str, QColor]], width: float
) -> None:
    """The chart's title, and its legend below it."""
    title_font = _font(9, True)
    painter.setFont(title_font)
    painter.setPen(INK)
    painter.drawText(QPointF(8, _metrics(title_font).ascent() + 4), title)
    if legend:
        _legend(painter, legend, 8, _metrics(title_font).height() * 1.5, width - 8)


def bar_chart(
    title: str,
    bars: Sequence[Bar],
    axis: str,
    marker: Marker | None = None,
    legend: Sequence[tuple[str, QColor]] = (),
    width_in: float = 6.8,
) -> QImage:
    """Horizontal bars, first bar at the top, with value ticks along the bottom."""
    label_metrics = _metrics(_font(7.5))
    row = label_metrics.height() * 1.45
    gaps = sum(1 for bar in bars if bar.gap_before)
    legend_lines = (
        max(line for _x, line in _legend_places(legend, 8, width_in * DPI - 8)) + 1 if legend else 0
    )
    top = _metrics(_font(9, True)).height() * 1.6 + label_metrics.height() * 1.25 * legend_lines
    if marker is not None:
        top += label_metrics.height()  # room for the marker's label above the plot
    plot_h = row * max(1, len(bars)) + gaps * row * 0.5
    bottom = label_metrics.height() * 2.6
    image, painter = _canvas(width_in, (top + plot_h + bottom) / DPI + 0.05)
    left = min(
        image.width() * 0.42,
        max((label_metrics.horizontalAdvance(bar.label) for bar in bars), default=0) + 24,
    )
    right = image.width() - 24
    notes_w = max((label_metrics.horizontalAdvance(bar.note) for bar in bars), default=0) + 12
    plot = QRectF(left, top, max(50.0, right - left - notes_w), plot_h)
    _heading(painter, title, legend, image.width())
    largest = max([bar.total for bar in bars] + [marker.value if marker else 0.0])
    ticks = nice_ticks(largest)
    scale = plot.width() / ticks[-1]
    _value_ticks(painter, plot, ticks, scale, row, axis)
    _bars(painter, bars, plot, scale, row)
    painter.setPen(QPen(INK, 1.5))
    painter.drawLine(plot.topLeft(), plot.bottomLeft())
    if marker is not None:
        _marker(painter, marker, plot, scale, image.width())
    painter.end()
    return image


def _value_ticks(
    painter: QPainter, plot: QRectF, ticks: list[float], scale: float, row: float, axis: str
) -> None:
    """Grid lines and values along the bottom of a bar chart, and the axis title."""
    small = _font(7)
    painter.setFont(small)
    metrics = _metrics(small)
    for tick in ticks:
        x = plot.left() + tick * scale
        painter.setPen(QPen(FAINT, 1))
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        painter.setPen(INK)
        text = _tick_text(tick)
        painter.drawText(
            QPointF(x - metrics.horizontalAdvance(text) / 2, plot.bottom() + row * 0.8), text
        )
    painter.drawText(
        QPointF(
            plot.left() + plot.width() / 2 - metrics.horizontalAdvance(axis) / 2,
            plot.bottom() + row * 1.6,
        ),
        axis,
    )


def _bars(painter: QPainter, bars: Sequence[Bar], plot: QRectF, scale: float, row: float) -> None:
    """Each bar's segments, its label on the left (elided) and its note after it."""
    left, y = plot.left(), plot.top()
    for bar in bars:
        if bar.gap_before:
            y += row * 0.5
        x = left
        for value, color in bar.segments:
            width = value * scale
            painter.fillRect(QRectF(x, y + row * 0.15, width, row * 0.7), color)
            x += width
        painter.setFont(_font(7.5, bar.bold))
        painter.setPen(INK)
        metrics = _metrics(painter.font())
        label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, left - 16)
        baseline = y + row / 2 + metrics.ascent() / 2 - 1
        painter.drawText(QPointF(left - 8 - metrics.horizontalAdvance(label), baseline), label)
        if bar.note:
            painter.drawText(QPointF(x + 6, baseline), bar.note)
        y += row


def _marker(painter: QPainter, marker: Marker, plot: QRectF, scale: float, width: int) -> None:
    """A vertical line at the marker's value, labelled above the plot."""
    x = plot.left() + marker.value * scale
    painter.setPen(QPen(marker.color, 3))
    painter.drawLine(QPointF(x, plot.top() - 4), QPointF(x, plot.bottom()))
    small = _font(7)
    painter.setFont(small)
    label_w = _metrics(small).horizontalAdvance(marker.label)
    label_x = x + 4 if x + 4 + label_w < width - 4 else x - 4 - label_w
    painter.drawText(QPointF(label_x, plot.top() - 6), marker.label)


def line_chart(
    title: str,
    lines: Sequence[Line],
    x_axis: str,
    y_axis: str,
    width_in: float = 6.8,
    x_labels: Mapping[float, str] | None = None,
) -> QImage:
    """Lines with markers over x values (GPU counts; or log-spaced values, labelled by
    `x_labels`)."""
    title_font, small = _font(9, True), _font(7)
    entries = [(line.name, line.color) for line in lines]
    legend_lines = max(line for _x, line in _legend_places(entries, 8, width_in * DPI - 8)) + 1
    image, painter = _canvas(width_in, 2.4 + 0.16 * legend_lines)
    metrics = _metrics(small)
    top = _metrics(title_font).height() * 1.6 + _metrics(_font(7.5)).height() * 1.25 * legend_lines
    bottom = metrics.height() * 3
    ys = [y for line in lines for y in line.ys]
    xs = [x for line in lines for x in line.xs]
    ticks = nice_ticks(max(ys, default=1.0))
    left = max(metrics.horizontalAdvance(_tick_text(t)) for t in ticks) + metrics.height() * 2.2
    last = x_labels.get(max(xs), "") if x_labels and xs else ""
    right = image.width() - max(20, metrics.horizontalAdvance(last) / 2 + 8)
    plot = QRectF(left, top, right - left, image.height() - top - bottom)
    x_low, x_high = min(xs, default=0.0), max(xs, default=1.0)
    span = max(1e-9, x_high - x_low)

    def point(x: float, y: float) -> QPointF:
        return QPointF(
            plot.left() + (x - x_low) / span * plot.width(),
            plot.bottom() - y / ticks[-1] * plot.height(),
        )

    _heading(painter, title, entries, image.width())
    painter.setFont(small)
    _y_grid(painter, plot, ticks, [point(x_low, tick).y() for tick in ticks])
    for x in sorted(set(xs)):
        if x_labels is not None and x not in x_labels:
            continue  # labelled ticks only
        text = x_labels[x] if x_labels is not None else _tick_text(x)
        position = point(x, 0)
        painter.drawText(
            QPointF(
                position.x() - metrics.horizontalAdvance(text) / 2, plot.bottom() + metrics.height()
            ),
            text,
        )
    _axis_titles(painter, plot, image.height(), x_axis, y_axis)
    for line in lines:
        _line(painter, line, [point(x, y) for x, y in zip(line.xs, line.ys, strict=True)])
    painter.end()
    return image


def _y_grid(painter: QPainter, plot: QRectF, ticks: list[float], heights: list[float]) -> None:
    """Horizontal grid lines at the ticks, with their values on the left."""
    metrics = _metrics(painter.font())
    for tick, y in zip(ticks, heights, strict=True):
        painter.setPen(QPen(FAINT, 1))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(INK)
        text = _tick_text(tick)
        painter.drawText(
            QPointF(plot.left() - 6 - metrics.horizontalAdvance(text), y + metrics.ascent() / 2),
            text,
        )


def _axis_titles(painter: QPainter, plot: QRectF, height: int, x_axis: str, y_axis: str) -> None:
    """The x title under the plot, the y title turned up its left side, and both axes."""
    metrics = _metrics(painter.font())
    painter.drawText(
        QPointF(plot.center().x() - metrics.horizontalAdvance(x_axis) / 2, height - 8), x_axis
    )
    painter.save()
    painter.translate(metrics.height(), plot.center().y() + metrics.horizontalAdvance(y_axis) / 2)
    painter.rotate(-90)
    painter.drawText(QPointF(0, 0), y_axis)
    painter.restore()
    painter.setPen(QPen(INK, 1.5))
    painter.drawLine(plot.bottomLeft(), plot.bottomRight())
    painter.drawLine(plot.bottomLeft(), plot.topLeft())


def _line(painter: QPainter, line: Line, points: list[QPointF]) -> None:
    """One series: a solid line with its points marked (hollow where flagged), or dashed."""
    pen = QPen(line.color, 3 if not line.dashed else 2)
    if line.dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    painter.setPen(pen)
    path = QPainterPath()
    for index, point in enumerate(points):
        if index == 0:
            path.moveTo(point)
        else:
            path.lineTo(point)
    painter.drawPath(path)
    if line.dashed:
        return
    painter.setPen(QPen(line.color, 2))
    for index, point in enumerate(points):
        hollow = index < len(line.hollow) and line.hollow[index]
        painter.setBrush(QColor(255, 255, 255) if hollow else line.color)
        painter.drawEllipse(point, 5, 5)
    painter.setBrush(Qt.BrushStyle.NoBrush)
