"""Plots in the window's colours: a pyqtgraph plot whose background, axes, axis titles,
legend and title follow the palette (also when the theme changes while it is shown), whose
axes read plain numbers with thousands separators instead of scaled "(×0.001)" units, and
which exports as a PNG with its title and caption above it."""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
import pyqtgraph.exporters
from PySide6.QtCore import QBuffer, QEvent, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPalette
from PySide6.QtWidgets import QWidget


class ReadableAxis(pg.AxisItem):  # type: ignore[misc]
    """Tick labels as people write numbers: 12,000 not 1.2e4, no SI-prefix scaling."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: Sequence[float], scale: float, spacing: float) -> list[str]:
        decimals = 0 if spacing >= 1 else min(3, len(f"{spacing:.3g}".split(".")[-1]))
        return [f"{value * scale:,.{decimals}f}" for value in values]


class ThemedPlot(pg.PlotWidget):  # type: ignore[misc]
    _styled = False  # palette changes arrive while the base class is still being built

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent, axisItems={"left": ReadableAxis("left"), "bottom": ReadableAxis("bottom")}
        )
        self.showGrid(x=True, y=True, alpha=0.25)
        self._labels: list[pg.TextItem] = []  # drawn in the palette's text colour
        self._styled = True
        self.restyle()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        palette_events = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
        if self._styled and event.type() in palette_events:
            self.restyle()

    def restyle(self) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        self.setBackground(palette.color(QPalette.ColorRole.Base))
        for name in ("left", "bottom"):
            axis = self.getAxis(name)
            axis.setPen(pg.mkPen(text))
            axis.setTextPen(pg.mkPen(text))  # tick labels and the axis title
        for label in self._labels:
            label.setColor(text)
        legend = self.plotItem.legend
        if legend is not None:
            legend.setLabelTextColor(text)
            legend.setBrush(pg.mkBrush(_with_alpha(palette.color(QPalette.ColorRole.Base), 200)))

    def label(self, text: str, anchor: tuple[float, float]) -> pg.TextItem:
        """A text item on the plot in the palette's text colour, recoloured with the theme;
        it stays on the plot until `clear_labels`."""
        item = pg.TextItem(text, anchor=anchor, color=self.palette().color(QPalette.ColorRole.Text))
        self._labels.append(item)
        self.addItem(item)
        return item

    def clear_labels(self) -> None:
        for item in self._labels:
            self.removeItem(item)
        self._labels = []

    def set_category_ticks(self, name: str, ticks: Sequence[tuple[float, str]]) -> None:
        """Name the rows (or columns) of a bar chart, widening a vertical axis so that every
        name is shown in full: pyqtgraph silently drops labels that do not fit."""
        axis = self.getAxis(name)
        axis.setTicks([list(ticks)])
        if name in ("left", "right"):
            metrics = QFontMetrics(
                axis.font() if axis.style.get("tickFont") is None else axis.style["tickFont"]
            )
            widest = max((metrics.horizontalAdvance(text) for _value, text in ticks), default=0)
            axis.setWidth(widest + 14)

    def picture(self, title: str, caption: str) -> QImage:
        """The plot as an image with its title and caption above it, for export."""
        plot = pyqtgraph.exporters.ImageExporter(self.plotItem).export(toBytes=True)
        assert isinstance(plot, QImage)
        palette = self.palette()
        width = plot.width()
        font = QFont(self.font())
        font.setPointSizeF(max(10.0, font.pointSizeF()))
        bold = QFont(font)
        bold.setBold(True)
        bold.setPointSizeF(font.pointSizeF() * 1.3)
        lines = _wrapped(caption, QFontMetrics(font), width - 24)
        line_height = int(QFontMetrics(font).height() * 1.3)
        header = int(bold.pointSizeF() * 2.4) + line_height * len(lines) + 8
        image = QImage(width, plot.height() + header, QImage.Format.Format_ARGB32)
        image.fill(palette.color(QPalette.ColorRole.Base))
        painter = QPainter(image)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.setFont(bold)
        top = int(bold.pointSizeF() * 2.4)
        painter.drawText(QRectF(12, 4, width - 24, top), Qt.AlignmentFlag.AlignVCenter, title)
        painter.setFont(font)
        for number, line in enumerate(lines):
            box = QRectF(12, top + number * line_height, width - 24, line_height)
            painter.drawText(box, Qt.AlignmentFlag.AlignVCenter, line)
        painter.drawImage(0, header, plot)
        painter.end()
        return image


def png_bytes(image: QImage) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise OSError("could not encode the chart as PNG")
    return bytes(buffer.data().data())


def _wrapped(text: str, metrics: QFontMetrics, width: int) -> list[str]:
    """The text broken into lines no wider than `width` pixels, at spaces."""
    lines: list[str] = []
    for word in text.split():
        if lines and metrics.horizontalAdvance(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _with_alpha(color: QColor, alpha: int) -> QColor:
    faded = QColor(color)
    faded.setAlpha(alpha)
    return faded
